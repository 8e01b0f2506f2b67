/* buddy.c - this file implements the parsers of buddyinfo, pagetypeinfo,
 * zoneinfo and debugfs extfrag, the same snapshot filled from vmscope.ko,
 * and the fragmentation indexes of mm/vmstat.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vs_buddy.h"
#include "vs_kmod.h"

const char *const vs_zi_name[VS_ZI__COUNT] = {
	[VS_ZI_FREE] = "free",
	[VS_ZI_BOOST] = "boost",
	[VS_ZI_MIN] = "min",
	[VS_ZI_LOW] = "low",
	[VS_ZI_HIGH] = "high",
	[VS_ZI_PROMO] = "promo",
	[VS_ZI_SPANNED] = "spanned",
	[VS_ZI_PRESENT] = "present",
	[VS_ZI_MANAGED] = "managed",
	[VS_ZI_CMA] = "cma",
	[VS_ZI_PCP_COUNT] = "pcp_count",
	[VS_ZI_PCP_CPUS] = "pcp_cpus",
	[VS_ZI_UNRECLAIMABLE] = "node_unreclaimable",
	[VS_ZI_START_PFN] = "start_pfn",
};

void vs_buddy_init(struct vs_buddy *b)
{
	memset(b, 0, sizeof(*b));
	b->pageblock_order = -1;
}

void vs_buddy_free(struct vs_buddy *b)
{
	for (unsigned i = 0; i < b->nzones; i++) {
		vs_kvlist_free(&b->zones[i].stats);
		vs_kvlist_free(&b->zones[i].node_stats);
		free(b->zones[i].pcp);
	}
	free(b->zones);
	vs_buddy_init(b);
}

struct vs_zone *vs_buddy_zone(struct vs_buddy *b, int node, const char *name)
{
	for (unsigned i = 0; i < b->nzones; i++)
		if (b->zones[i].node == node && !strcmp(b->zones[i].name, name))
			return &b->zones[i];
	return NULL;
}

/* The zone (@node, @name), added at the end when new; NULL when out of
 * memory. */
static struct vs_zone *zone_get(struct vs_buddy *b, int node, const char *name)
{
	struct vs_zone *z = vs_buddy_zone(b, node, name);

	if (z)
		return z;
	if (b->nzones == b->cap) {
		unsigned ncap = b->cap ? b->cap * 2 : 8;
		struct vs_zone *nz = realloc(b->zones, ncap * sizeof(*nz));

		if (!nz)
			return NULL;
		b->zones = nz;
		b->cap = ncap;
	}
	z = &b->zones[b->nzones++];
	memset(z, 0, sizeof(*z));
	z->node = node;
	snprintf(z->name, sizeof(z->name), "%s", name);
	return z;
}

int vs_buddy_type(const struct vs_buddy *b, const char *name)
{
	for (unsigned i = 0; i < b->ntypes; i++)
		if (!strcmp(b->types[i], name))
			return (int)i;
	return -1;
}

/* The index of type @name, added when new; -1 when there are too many. */
static int type_get(struct vs_buddy *b, const char *name)
{
	int t = vs_buddy_type(b, name);

	if (t >= 0)
		return t;
	if (b->ntypes == VS_MTYPES_MAX || strlen(name) >= VS_NAME_MAX)
		return -1;
	snprintf(b->types[b->ntypes], VS_NAME_MAX, "%s", name);
	return (int)b->ntypes++;
}

/* "Node 0," and "zone NAME" (NAME possibly ending in ','): the node and
 * the name; @comma says whether the name must end in ','. Returns 0 or -1. */
static int zone_head(char **p, int *node, char *name, bool comma)
{
	char *t;
	uint64_t v;
	size_t n;

	t = vs_tok(p);
	if (!t || strcmp(t, "Node"))
		return -1;
	t = vs_tok(p);
	if (!t || (n = strlen(t)) < 2 || t[n - 1] != ',')
		return -1;
	t[n - 1] = '\0';
	if (vs_tok_u64(t, &v) < 0 || v > 65535)
		return -1;
	*node = (int)v;
	t = vs_tok(p);
	if (!t || strcmp(t, "zone"))
		return -1;
	t = vs_tok(p);
	if (!t)
		return -1;
	n = strlen(t);
	if (comma) {
		if (n < 2 || t[n - 1] != ',')
			return -1;
		t[--n] = '\0';
	} else if (n > 0 && t[n - 1] == ',') {
		return -1;
	}
	if (n == 0 || n >= VS_NAME_MAX)
		return -1;
	memcpy(name, t, n + 1);
	return 0;
}

/* ---- buddyinfo ------------------------------------------------------- */

static int buddyinfo_line(void *arg, char *line, size_t len,
			  const struct vs_text_pos *pos, struct vs_err *e)
{
	struct vs_buddy *b = arg;
	char name[VS_NAME_MAX], *p = line, *t;
	uint64_t free[VS_ORDERS_MAX];
	unsigned n = 0;
	struct vs_zone *z;
	int node;

	(void)len;
	if (vs_blank(line))
		return 0;
	if (!pos->complete)
		return vs_text_bad(e, pos, "truncated line");
	if (zone_head(&p, &node, name, false) < 0)
		return vs_text_bad(e, pos, "not 'Node N, zone NAME counts'");
	while ((t = vs_tok(&p))) {
		if (n == VS_ORDERS_MAX)
			return vs_text_bad(e, pos, "too many orders");
		if (vs_tok_u64(t, &free[n]) < 0)
			return vs_text_bad(e, pos, "not a 64-bit count");
		n++;
	}
	if (n == 0)
		return vs_text_bad(e, pos, "no counts");
	for (unsigned i = 0; i < b->nzones; i++)
		if (b->zones[i].free_src == VS_SRC_BUDDYINFO &&
		    b->zones[i].norders != n)
			return vs_text_bad(e, pos, "zones with different "
					   "numbers of orders");
	z = zone_get(b, node, name);
	if (!z)
		return vs_err_set(e, ENOMEM, "out of memory");
	if (z->free_src == VS_SRC_BUDDYINFO)
		return vs_text_bad(e, pos, "zone listed twice");
	z->norders = n;
	memcpy(z->nr_free, free, n * sizeof(*free));
	z->free_src = VS_SRC_BUDDYINFO;
	return 0;
}

int vs_buddyinfo_parse(struct vs_buddy *b, const char *text, size_t len,
		       const char *path, struct vs_err *e)
{
	return vs_text_parse(text, len, path, buddyinfo_line, b, e);
}

int vs_buddyinfo_read(struct vs_buddy *b, const struct vs_root *r,
		      struct vs_err *e)
{
	return vs_text_parse_file(r, "/proc/buddyinfo", buddyinfo_line, b, e);
}

/* ---- pagetypeinfo ---------------------------------------------------- */

enum pt_section { PT_NONE, PT_FREE, PT_BLOCKS, PT_MIXED, PT_UNKNOWN };

struct pt_state {
	struct vs_buddy *b;
	enum pt_section sect;
	unsigned norders;		/* orders in the free header */
	int cols[VS_MTYPES_MAX];	/* type of each column of a block
					 * section header */
	unsigned ncols;
};

/* "PREFIX: N" lines of the header. */
static int pt_number(char *p, uint64_t *v)
{
	char *t = vs_tok(&p);

	return t && vs_tok_u64(t, v) == 0 && !vs_tok(&p) ? 0 : -1;
}

static int pt_free_row(struct pt_state *s, char *p,
		       const struct vs_text_pos *pos, struct vs_err *e)
{
	char name[VS_NAME_MAX], *t;
	uint64_t val[VS_ORDERS_MAX], capped = 0;
	struct vs_zone *z;
	unsigned n = 0;
	int node, type;

	if (zone_head(&p, &node, name, true) < 0)
		return vs_text_bad(e, pos, "not 'Node N, zone NAME, type TYPE "
				   "counts'");
	t = vs_tok(&p);
	if (!t || strcmp(t, "type"))
		return vs_text_bad(e, pos, "no migrate type");
	t = vs_tok(&p);
	if (!t)
		return vs_text_bad(e, pos, "no migrate type");
	type = type_get(s->b, t);
	if (type < 0)
		return vs_text_bad(e, pos, "too many migrate types");
	while ((t = vs_tok(&p))) {
		if (n == VS_ORDERS_MAX)
			return vs_text_bad(e, pos, "too many orders");
		if (*t == '>') {
			capped |= 1ull << n;
			t++;
		}
		if (vs_tok_u64(t, &val[n]) < 0)
			return vs_text_bad(e, pos, "not a 64-bit count");
		n++;
	}
	if (n == 0 || (s->norders && n != s->norders))
		return vs_text_bad(e, pos, "not one count per order");
	z = zone_get(s->b, node, name);
	if (!z)
		return vs_err_set(e, ENOMEM, "out of memory");
	if (z->type_seen[type])
		return vs_text_bad(e, pos, "migrate type listed twice");
	z->types_norders = n;
	memcpy(z->type_free[type], val, n * sizeof(*val));
	z->type_capped[type] = capped;
	z->type_seen[type] = true;
	z->types_src = VS_SRC_PAGETYPEINFO;
	return 0;
}

static int pt_block_row(struct pt_state *s, char *p,
			const struct vs_text_pos *pos, struct vs_err *e)
{
	char name[VS_NAME_MAX], *t;
	uint64_t val[VS_MTYPES_MAX];
	struct vs_zone *z;
	unsigned n = 0;
	int node;

	if (zone_head(&p, &node, name, false) < 0)
		return vs_text_bad(e, pos, "not 'Node N, zone NAME counts'");
	while ((t = vs_tok(&p))) {
		if (n == s->ncols)
			return vs_text_bad(e, pos, "more counts than types");
		if (vs_tok_u64(t, &val[n]) < 0)
			return vs_text_bad(e, pos, "not a 64-bit count");
		n++;
	}
	if (n != s->ncols)
		return vs_text_bad(e, pos, "fewer counts than types");
	z = zone_get(s->b, node, name);
	if (!z)
		return vs_err_set(e, ENOMEM, "out of memory");
	for (unsigned i = 0; i < n; i++) {
		if (s->sect == PT_BLOCKS) {
			z->blocks[s->cols[i]] = val[i];
			z->block_seen[s->cols[i]] = true;
		} else {
			z->mixed[s->cols[i]] = val[i];
		}
	}
	if (s->sect == PT_BLOCKS)
		z->blocks_src = VS_SRC_PAGETYPEINFO;
	else
		z->have_mixed = true;
	return 0;
}

/* The type names of a block section header, after its prefix. */
static int pt_block_header(struct pt_state *s, char *p,
			   const struct vs_text_pos *pos, struct vs_err *e)
{
	char *t;

	s->ncols = 0;
	while ((t = vs_tok(&p))) {
		int type = type_get(s->b, t);

		if (type < 0 || s->ncols == VS_MTYPES_MAX)
			return vs_text_bad(e, pos, "too many migrate types");
		s->cols[s->ncols++] = type;
	}
	if (s->ncols == 0)
		return vs_text_bad(e, pos, "no migrate types");
	return 0;
}

static int pagetypeinfo_line(void *arg, char *line, size_t len,
			     const struct vs_text_pos *pos, struct vs_err *e)
{
	static const char free_head[] = "Free pages count per migrate type at order";
	static const char blocks_head[] = "Number of blocks type";
	static const char mixed_head[] = "Number of mixed blocks";
	struct pt_state *s = arg;
	char *p = line;
	uint64_t v;

	(void)len;
	if (vs_blank(line))
		return 0;
	if (!pos->complete)
		return vs_text_bad(e, pos, "truncated line");
	if (!strncmp(line, "Page block order:", 17)) {
		if (pt_number(line + 17, &v) < 0 || v >= VS_ORDERS_MAX)
			return vs_text_bad(e, pos, "not a pageblock order");
		s->b->pageblock_order = (int)v;
		s->sect = PT_NONE;
		return 0;
	}
	if (!strncmp(line, "Pages per block:", 16)) {
		if (pt_number(line + 16, &v) < 0)
			return vs_text_bad(e, pos, "not a page count");
		s->b->pages_per_block = v;
		s->sect = PT_NONE;
		return 0;
	}
	if (!strncmp(line, free_head, sizeof(free_head) - 1)) {
		char *t;

		p = line + sizeof(free_head) - 1;
		s->norders = 0;
		while ((t = vs_tok(&p))) {
			if (vs_tok_u64(t, &v) < 0 || v != s->norders ||
			    s->norders == VS_ORDERS_MAX)
				return vs_text_bad(e, pos, "orders not 0, 1, 2...");
			s->norders++;
		}
		s->sect = PT_FREE;
		return 0;
	}
	if (!strncmp(line, blocks_head, sizeof(blocks_head) - 1)) {
		s->sect = PT_BLOCKS;
		return pt_block_header(s, line + sizeof(blocks_head) - 1, pos, e);
	}
	if (!strncmp(line, mixed_head, sizeof(mixed_head) - 1)) {
		s->sect = PT_MIXED;
		return pt_block_header(s, line + sizeof(mixed_head) - 1, pos, e);
	}
	if (!strncmp(line, "Node", 4)) {
		switch (s->sect) {
		case PT_FREE: return pt_free_row(s, p, pos, e);
		case PT_BLOCKS:
		case PT_MIXED: return pt_block_row(s, p, pos, e);
		case PT_UNKNOWN: s->b->skipped++; return 0;
		case PT_NONE: break;
		}
		return vs_text_bad(e, pos, "a zone row outside any section");
	}
	/* A section this parser does not know (a newer kernel's): its rows
	 * are counted, not taken for another section's. */
	s->sect = PT_UNKNOWN;
	s->b->skipped++;
	return 0;
}

int vs_pagetypeinfo_parse(struct vs_buddy *b, const char *text, size_t len,
			  const char *path, struct vs_err *e)
{
	struct pt_state s = { .b = b };

	return vs_text_parse(text, len, path, pagetypeinfo_line, &s, e);
}

int vs_pagetypeinfo_read(struct vs_buddy *b, const struct vs_root *r,
			 struct vs_err *e)
{
	struct pt_state s = { .b = b };

	return vs_text_parse_file(r, "/proc/pagetypeinfo", pagetypeinfo_line,
				  &s, e);
}

/* ---- zoneinfo -------------------------------------------------------- */

enum zi_section { ZI_NONE, ZI_NODE, ZI_ZONE, ZI_PCP };

struct zi_state {
	struct vs_buddy *b;
	struct vs_zone *z;
	enum zi_section sect;
};

static void zi_set(struct vs_zone *z, enum vs_zi f, uint64_t v)
{
	z->info[f] = v;
	z->info_have |= 1u << f;
}

/* "protection: (0, 3019, 4427)" */
static int zi_protection(struct vs_zone *z, char *p)
{
	char *t;

	z->nprotection = 0;
	while ((t = vs_tok(&p))) {
		size_t n;
		uint64_t v;

		if (*t == '(')
			t++;
		n = strlen(t);
		if (n && (t[n - 1] == ',' || t[n - 1] == ')'))
			t[--n] = '\0';
		if (!n)
			continue;
		if (vs_tok_u64(t, &v) < 0)
			return -1;
		if (z->nprotection < sizeof(z->protection) /
				     sizeof(*z->protection))
			z->protection[z->nprotection++] = v;
	}
	return 0;
}

static int zoneinfo_line(void *arg, char *line, size_t len,
			 const struct vs_text_pos *pos, struct vs_err *e)
{
	static const struct { const char *name; enum vs_zi f; } known[] = {
		{ "boost", VS_ZI_BOOST }, { "min", VS_ZI_MIN },
		{ "low", VS_ZI_LOW }, { "high", VS_ZI_HIGH },
		{ "promo", VS_ZI_PROMO }, { "spanned", VS_ZI_SPANNED },
		{ "present", VS_ZI_PRESENT }, { "managed", VS_ZI_MANAGED },
		{ "cma", VS_ZI_CMA },
		{ "node_unreclaimable:", VS_ZI_UNRECLAIMABLE },
		{ "start_pfn:", VS_ZI_START_PFN },
	};
	struct zi_state *s = arg;
	char *p = line, *name, *val;
	uint64_t v;
	size_t n;

	(void)len;
	if (vs_blank(line))
		return 0;
	if (!pos->complete)
		return vs_text_bad(e, pos, "truncated line");
	if (!strncmp(line, "Node", 4)) {
		char zname[VS_NAME_MAX];
		int node;

		if (zone_head(&p, &node, zname, false) < 0 || vs_tok(&p))
			return vs_text_bad(e, pos, "not 'Node N, zone NAME'");
		s->z = zone_get(s->b, node, zname);
		if (!s->z)
			return vs_err_set(e, ENOMEM, "out of memory");
		if (s->z->info_src == VS_SRC_ZONEINFO)
			return vs_text_bad(e, pos, "zone listed twice");
		s->z->info_src = VS_SRC_ZONEINFO;
		s->sect = ZI_ZONE;
		return 0;
	}
	if (!s->z)
		return vs_text_bad(e, pos, "a line before the first zone");
	name = vs_tok(&p);
	if (!strcmp(name, "per-node")) {
		s->sect = ZI_NODE;
		return 0;
	}
	if (!strcmp(name, "pagesets")) {
		s->sect = ZI_PCP;
		return 0;
	}
	if (!strcmp(name, "pages")) {
		val = vs_tok(&p);
		if (!val || strcmp(val, "free"))
			return vs_text_bad(e, pos, "not 'pages free N'");
		val = vs_tok(&p);
		if (!val || vs_tok_u64(val, &v) < 0 || vs_tok(&p))
			return vs_text_bad(e, pos, "not 'pages free N'");
		zi_set(s->z, VS_ZI_FREE, v);
		s->sect = ZI_ZONE;
		return 0;
	}
	if (!strcmp(name, "protection:")) {
		if (zi_protection(s->z, p) < 0)
			return vs_text_bad(e, pos, "not a protection list");
		return 0;
	}
	if (s->sect == ZI_PCP && strcmp(name, "node_unreclaimable:") &&
	    strcmp(name, "start_pfn:")) {
		val = vs_tok(&p);
		if (!strcmp(name, "cpu:")) {
			v = s->z->info[VS_ZI_PCP_CPUS];
			zi_set(s->z, VS_ZI_PCP_CPUS, v + 1);
			if (!vs_zone_has(s->z, VS_ZI_PCP_COUNT))
				zi_set(s->z, VS_ZI_PCP_COUNT, 0);
		} else if (!strcmp(name, "count:")) {
			if (!val || vs_tok_u64(val, &v) < 0)
				return vs_text_bad(e, pos, "not 'count: N'");
			zi_set(s->z, VS_ZI_PCP_COUNT,
			       s->z->info[VS_ZI_PCP_COUNT] + v);
		}
		/* high, batch, high_min, "vm stats threshold": per-CPU
		 * tuning, not counted. */
		return 0;
	}
	for (size_t i = 0; i < sizeof(known) / sizeof(*known); i++) {
		if (strcmp(name, known[i].name))
			continue;
		val = vs_tok(&p);
		if (!val || vs_tok_u64(val, &v) < 0 || vs_tok(&p))
			return vs_text_bad(e, pos, "not 'name N'");
		zi_set(s->z, known[i].f, v);
		return 0;
	}
	/* Any other "name value" (or "name: value"): a counter. */
	val = vs_tok(&p);
	if (!val || vs_tok(&p))
		return vs_text_bad(e, pos, "not 'name value'");
	if (vs_tok_u64(val, &v) < 0)
		return vs_text_bad(e, pos, "not a 64-bit count");
	n = strlen(name);
	if (n > 1 && name[n - 1] == ':')
		name[n - 1] = '\0';
	if (vs_kvlist_add(s->sect == ZI_NODE ? &s->z->node_stats :
			  &s->z->stats, name, v) < 0)
		return vs_err_set(e, ENOMEM, "out of memory");
	return 0;
}

int vs_zoneinfo_parse(struct vs_buddy *b, const char *text, size_t len,
		      const char *path, struct vs_err *e)
{
	struct zi_state s = { .b = b };

	return vs_text_parse(text, len, path, zoneinfo_line, &s, e);
}

int vs_zoneinfo_read(struct vs_buddy *b, const struct vs_root *r,
		     struct vs_err *e)
{
	struct zi_state s = { .b = b };

	return vs_text_parse_file(r, "/proc/zoneinfo", zoneinfo_line, &s, e);
}

/* ---- vmscope.ko ------------------------------------------------------ */

/* Fill zone @z from the module's zone @m and its per-CPU lists @pcp. */
static int zone_from_kmod(struct vs_buddy *b, struct vs_zone *z,
			  const struct vs_km_buddy_zone *m,
			  const struct vs_km_buddy_pcp *pcp, struct vs_err *e)
{
	struct vs_pcp *lists = NULL;
	uint64_t sum = 0;
	int tix[VS_MT__COUNT];

	if (m->orders > VS_ORDERS_MAX)
		return vs_err_set(e, EBADMSG, "vmscope.ko reports %u orders for "
				  "node %d zone %s, more than %d", m->orders,
				  m->node, m->name, VS_ORDERS_MAX);
	for (int mt = 0; mt < VS_MT__COUNT; mt++) {
		tix[mt] = -1;
		if (!(m->mtypes & (1u << mt)))
			continue;
		tix[mt] = type_get(b, vs_migratetype_name(mt));
		if (tix[mt] < 0)
			return vs_err_set(e, EBADMSG, "too many migrate types");
	}
	if (m->pcp_count) {
		lists = calloc(m->pcp_count, sizeof(*lists));
		if (!lists)
			return vs_err_set(e, ENOMEM, "out of memory");
	}

	z->free_src = VS_SRC_KMOD;
	z->norders = m->orders;
	memset(z->nr_free, 0, sizeof(z->nr_free));
	memcpy(z->nr_free, m->nr_free, m->orders * sizeof(*z->nr_free));

	/* Per migrate type: what pagetypeinfo said of this zone goes. */
	z->types_src = VS_SRC_KMOD;
	z->types_norders = m->orders;
	memset(z->type_free, 0, sizeof(z->type_free));
	memset(z->type_capped, 0, sizeof(z->type_capped));
	memset(z->type_lower, 0, sizeof(z->type_lower));
	memset(z->type_derived, 0, sizeof(z->type_derived));
	memset(z->type_seen, 0, sizeof(z->type_seen));
	for (int mt = 0; mt < VS_MT__COUNT; mt++) {
		int t = tix[mt];

		if (t < 0)
			continue;
		z->type_seen[t] = true;
		for (unsigned o = 0; o < m->orders; o++) {
			z->type_free[t][o] = m->free[o][mt];
			if (m->quality[o][mt] == VS_COUNT_LOWER_BOUND)
				z->type_lower[t] |= 1ull << o;
			else if (m->quality[o][mt] == VS_COUNT_DERIVED)
				z->type_derived[t] |= 1ull << o;
		}
	}

	/* The zone's figures, as /proc/zoneinfo would show them. */
	zi_set(z, VS_ZI_FREE, m->free_pages);
	zi_set(z, VS_ZI_BOOST, m->wmark_boost);
	zi_set(z, VS_ZI_MIN, m->wmark_min + m->wmark_boost);
	zi_set(z, VS_ZI_LOW, m->wmark_low + m->wmark_boost);
	zi_set(z, VS_ZI_HIGH, m->wmark_high + m->wmark_boost);
	zi_set(z, VS_ZI_SPANNED, m->spanned);
	zi_set(z, VS_ZI_PRESENT, m->present);
	zi_set(z, VS_ZI_MANAGED, m->managed);
	zi_set(z, VS_ZI_START_PFN, m->start_pfn);
	z->info_src = VS_SRC_KMOD;

	for (size_t i = 0; i < m->pcp_count; i++) {
		lists[i].cpu = pcp[i].cpu;
		lists[i].count = (uint64_t)pcp[i].count;
		lists[i].high = (uint64_t)pcp[i].high;
		lists[i].batch = (uint64_t)pcp[i].batch;
		sum += lists[i].count;
	}
	free(z->pcp);
	z->pcp = lists;
	z->npcp = (unsigned)m->pcp_count;
	z->pcp_src = VS_SRC_KMOD;
	zi_set(z, VS_ZI_PCP_COUNT, sum);
	zi_set(z, VS_ZI_PCP_CPUS, m->pcp_count);
	return 0;
}

int vs_buddy_from_kmod(struct vs_buddy *b, const struct vs_km_buddy *km,
		       struct vs_err *e)
{
	for (size_t i = 0; i < km->nzones; i++) {
		const struct vs_km_buddy_zone *m = &km->zones[i];
		struct vs_zone *z;
		int r;

		if (m->pcp_first > km->npcp ||
		    m->pcp_count > km->npcp - m->pcp_first)
			return vs_err_set(e, EBADMSG, "vmscope.ko's per-CPU lists "
					  "of node %d zone %s are not where it "
					  "says", m->node, m->name);
		z = zone_get(b, m->node, m->name);
		if (!z)
			return vs_err_set(e, ENOMEM, "out of memory");
		r = zone_from_kmod(b, z, m, km->pcp + m->pcp_first, e);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- the indexes ----------------------------------------------------- */

void vs_contig_fill(const uint64_t *nr_free, unsigned norders,
		    unsigned order, struct vs_contig *c)
{
	c->free_pages = 0;
	c->free_blocks_total = 0;
	c->free_blocks_suitable = 0;
	for (unsigned o = 0; o < norders; o++) {
		uint64_t blocks = nr_free[o];

		c->free_blocks_total += blocks;
		c->free_pages += blocks << o;
		if (o >= order)
			c->free_blocks_suitable += blocks << (o - order);
	}
}

int vs_unusable_index(unsigned order, const struct vs_contig *c)
{
	if (c->free_pages == 0)
		return 1000;
	return (int)((c->free_pages - (c->free_blocks_suitable << order)) *
		     1000ull / c->free_pages);
}

int vs_fragmentation_index(unsigned order, const struct vs_contig *c)
{
	uint64_t requested = 1ull << order;

	if (c->free_blocks_total == 0)
		return 0;
	if (c->free_blocks_suitable)
		return -1000;
	/* The kernel computes in unsigned 64 bits and returns an int: a
	 * quotient above 1000 comes out negative. */
	return (int)(uint32_t)(1000 - (1000 + c->free_pages * 1000ull /
				       requested) / c->free_blocks_total);
}

const char *vs_index_kernel_fmt(int thousandths, char *buf, size_t size)
{
	snprintf(buf, size, "%d.%03d", thousandths / 1000, thousandths % 1000);
	return buf;
}

/* ---- debugfs extfrag ------------------------------------------------- */

struct ef_state {
	struct vs_extfrag_zone *out;
	size_t max, n;
};

/* "I.F" with I and F signed, as "%d.%03d" prints a quotient and a
 * remainder: I * 1000 + F. */
static int ef_value(char *t, int *out)
{
	char *dot = strchr(t, '.');
	int64_t ip, fp;

	if (!dot)
		return -1;
	*dot = '\0';
	if (vs_tok_i64(t, &ip) < 0 || vs_tok_i64(dot + 1, &fp) < 0 ||
	    fp <= -1000 || fp >= 1000 || ip < -1000000 || ip > 1000000)
		return -1;
	*out = (int)(ip * 1000 + fp);
	return 0;
}

static int extfrag_line(void *arg, char *line, size_t len,
			const struct vs_text_pos *pos, struct vs_err *e)
{
	struct ef_state *s = arg;
	struct vs_extfrag_zone *z;
	char *p = line, *t;

	(void)len;
	if (vs_blank(line))
		return 0;
	if (!pos->complete)
		return vs_text_bad(e, pos, "truncated line");
	if (s->n == s->max)
		return vs_text_bad(e, pos, "too many zones");
	z = &s->out[s->n];
	memset(z, 0, sizeof(*z));
	if (zone_head(&p, &z->node, z->name, false) < 0)
		return vs_text_bad(e, pos, "not 'Node N, zone NAME indexes'");
	while ((t = vs_tok(&p))) {
		if (z->norders == VS_ORDERS_MAX)
			return vs_text_bad(e, pos, "too many orders");
		if (ef_value(t, &z->index[z->norders]) < 0)
			return vs_text_bad(e, pos, "not an index");
		z->norders++;
	}
	if (z->norders == 0)
		return vs_text_bad(e, pos, "no indexes");
	s->n++;
	return 0;
}

int vs_extfrag_parse(const char *text, size_t len, const char *path,
		     struct vs_extfrag_zone *out, size_t max, size_t *n,
		     struct vs_err *e)
{
	struct ef_state s = { out, max, 0 };
	int r = vs_text_parse(text, len, path, extfrag_line, &s, e);

	*n = s.n;
	return r;
}
