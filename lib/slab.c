/* slab.c - this file implements the slabinfo parser, the reader of
 * /sys/kernel/slab, and the same caches filled from vmscope.ko. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vs_kmod.h"
#include "vs_slab.h"
#include "vs_text.h"

const char *const vs_sa_name[VS_SA__COUNT] = {
	[VS_SA_OBJECT_SIZE] = "object_size",
	[VS_SA_SLAB_SIZE] = "slab_size",
	[VS_SA_OBJS_PER_SLAB] = "objs_per_slab",
	[VS_SA_ORDER] = "order",
	[VS_SA_OBJECTS] = "objects",
	[VS_SA_TOTAL_OBJECTS] = "total_objects",
	[VS_SA_SLABS] = "slabs",
	[VS_SA_PARTIAL] = "partial",
	[VS_SA_OBJECTS_PARTIAL] = "objects_partial",
	[VS_SA_CPU_SLABS] = "cpu_slabs",
	[VS_SA_ALIASES] = "aliases",
	[VS_SA_ALIGN] = "align",
	[VS_SA_RECLAIM_ACCOUNT] = "reclaim_account",
	[VS_SA_HWCACHE_ALIGN] = "hwcache_align",
	[VS_SA_DESTROY_BY_RCU] = "destroy_by_rcu",
	[VS_SA_CACHE_DMA] = "cache_dma",
	[VS_SA_POISON] = "poison",
	[VS_SA_RED_ZONE] = "red_zone",
	[VS_SA_STORE_USER] = "store_user",
	[VS_SA_SANITY_CHECKS] = "sanity_checks",
	[VS_SA_MIN_PARTIAL] = "min_partial",
	[VS_SA_CPU_PARTIAL] = "cpu_partial",
};

void vs_slabs_init(struct vs_slabs *s)
{
	memset(s, 0, sizeof(*s));
	s->version_major = s->version_minor = -1;
}

static void cache_release(struct vs_slab_cache *c)
{
	free(c->extra);
	free(c->nodes);
	for (unsigned i = 0; i < c->naliases; i++)
		free(c->aliases[i]);
	free(c->aliases);
}

void vs_slabs_free(struct vs_slabs *s)
{
	for (size_t i = 0; i < s->n; i++)
		cache_release(&s->c[i]);
	free(s->c);
	vs_slabs_init(s);
}

struct vs_slab_cache *vs_slabs_find(struct vs_slabs *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->c[i].name, name))
			return &s->c[i];
	return NULL;
}

static struct vs_slab_cache *cache_add(struct vs_slabs *s, const char *name)
{
	struct vs_slab_cache *c;

	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 256;
		struct vs_slab_cache *nc = realloc(s->c, ncap * sizeof(*nc));

		if (!nc)
			return NULL;
		s->c = nc;
		s->cap = ncap;
	}
	c = &s->c[s->n++];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	return c;
}

/* ---- slabinfo -------------------------------------------------------- */

struct si_state {
	struct vs_slabs *s;
	bool header;		/* the version line was read */
};

/* The @n numbers that end the text before @end (tokens of @line), right
 * to left; *@name_end gets where the name stops. Returns 0 or -1. */
static int tail_numbers(char *line, char *end, uint64_t *v, int n,
			char **name_end)
{
	char *p = end;

	for (int i = n - 1; i >= 0; i--) {
		char *tok_end, *tok;

		while (p > line && (p[-1] == ' ' || p[-1] == '\t'))
			p--;
		tok_end = p;
		while (p > line && p[-1] != ' ' && p[-1] != '\t')
			p--;
		tok = p;
		if (tok == tok_end)
			return -1;
		{
			char save = *tok_end;
			int r;

			*tok_end = '\0';
			r = vs_tok_u64(tok, &v[i]);
			*tok_end = save;
			if (r < 0)
				return -1;
		}
	}
	while (p > line && (p[-1] == ' ' || p[-1] == '\t'))
		p--;
	*name_end = p;
	return 0;
}

/* Three numbers after @label in "... : label a b c ..."; *@rest gets the
 * text after them. */
static int section3(char *p, const char *label, uint64_t v[3], char **rest)
{
	char *t = vs_tok(&p);

	if (!t || strcmp(t, label))
		return -1;
	for (int i = 0; i < 3; i++) {
		t = vs_tok(&p);
		if (!t || vs_tok_u64(t, &v[i]) < 0)
			return -1;
	}
	*rest = p;
	return 0;
}

static int slabinfo_line(void *arg, char *line, size_t len,
			 const struct vs_text_pos *pos, struct vs_err *e)
{
	struct si_state *st = arg;
	struct vs_slab_cache *c;
	char *tun, *sd, *name_end, *rest;
	uint64_t head[5], t[3], d[3];
	size_t nlen;

	(void)len;
	if (vs_blank(line))
		return 0;
	if (!pos->complete)
		return vs_text_bad(e, pos, "truncated line");
	if (!st->header) {
		static const char hdr[] = "slabinfo - version: ";
		char *ver, *p, *dot;
		uint64_t maj, min;

		if (strncmp(line, hdr, sizeof(hdr) - 1))
			return vs_text_bad(e, pos, "not a slabinfo header");
		p = line + sizeof(hdr) - 1;
		ver = vs_tok(&p);
		dot = ver ? strchr(ver, '.') : NULL;
		if (!dot)
			return vs_text_bad(e, pos, "not a slabinfo header");
		*dot = '\0';
		/* Each part of the version as written, however long: it is
		 * quoted in the message, never wrapped into a number. */
		if (vs_tok_u64(ver, &maj) < 0 || vs_tok_u64(dot + 1, &min) < 0 ||
		    maj != 2 || min > INT_MAX) {
			*dot = '.';
			if (strspn(ver, "0123456789.") != strlen(ver))
				return vs_text_bad(e, pos,
						   "not a slabinfo header");
			return vs_err_set(e, ENOTSUP, "'%s': slabinfo version "
					  "%.40s is not supported (2.x is)",
					  pos->path, ver);
		}
		st->s->version_major = (int)maj;
		st->s->version_minor = (int)min;
		st->s->statistics = strstr(p, "statistics") != NULL;
		st->header = true;
		return 0;
	}
	if (line[0] == '#')
		return 0;
	tun = strstr(line, " : tunables ");
	sd = tun ? strstr(tun, " : slabdata ") : NULL;
	if (!tun || !sd)
		return vs_text_bad(e, pos, "not 'name counts : tunables ... : "
				   "slabdata ...'");
	if (tail_numbers(line, tun, head, 5, &name_end) < 0)
		return vs_text_bad(e, pos, "not five counts after the name");
	nlen = (size_t)(name_end - line);
	if (nlen == 0 || nlen >= VS_SLAB_NAME_MAX)
		return vs_text_bad(e, pos, "no cache name, or a name too long");
	*tun = '\0';
	*sd = '\0';
	if (section3(tun + 3, "tunables", t, &rest) < 0 || !vs_blank(rest))
		return vs_text_bad(e, pos, "not 'tunables N N N'");
	if (section3(sd + 3, "slabdata", d, &rest) < 0)
		return vs_text_bad(e, pos, "not 'slabdata N N N'");
	line[nlen] = '\0';
	if (vs_slabs_find(st->s, line))
		return vs_text_bad(e, pos, "cache listed twice");
	c = cache_add(st->s, line);
	if (!c)
		return vs_err_set(e, ENOMEM, "out of memory");
	c->counts_src = c->geom_src = VS_SRC_SLABINFO;
	c->active_objs = head[0];
	c->num_objs = head[1];
	c->slot_size = head[2];
	c->objs_per_slab = head[3];
	c->pages_per_slab = head[4];
	c->limit = t[0];
	c->batchcount = t[1];
	c->sharedfactor = t[2];
	c->active_slabs = d[0];
	c->num_slabs = d[1];
	c->sharedavail = d[2];
	while (*rest == ' ' || *rest == '\t')
		rest++;
	if (*rest) {
		c->extra = strdup(rest);
		if (!c->extra)
			return vs_err_set(e, ENOMEM, "out of memory");
	}
	return 0;
}

int vs_slabinfo_parse(struct vs_slabs *s, const char *text, size_t len,
		      const char *path, struct vs_err *e)
{
	struct si_state st = { s, false };
	int r = vs_text_parse(text, len, path, slabinfo_line, &st, e);

	if (r == 0 && !st.header)
		return vs_err_set(e, EBADMSG, "'%s' is empty", path);
	return r;
}

int vs_slabinfo_read(struct vs_slabs *s, const struct vs_root *r,
		     struct vs_err *e)
{
	struct si_state st = { s, false };
	int ret = vs_text_parse_file(r, "/proc/slabinfo", slabinfo_line, &st,
				     e);

	if (ret == 0 && !st.header) {
		char full[4096];

		return vs_err_set(e, EBADMSG, "'%s' is empty",
				  vs_root_path(r, "/proc/slabinfo", full,
					       sizeof(full)));
	}
	return ret;
}

/* ---- sysfs ----------------------------------------------------------- */

#define SLAB_DIR "/sys/kernel/slab"

/* One entry of /sys/kernel/slab: a name and the directory it is. */
struct entry {
	char name[VS_SLAB_NAME_MAX];
	char dir[VS_SLAB_NAME_MAX];
	bool link;
};

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int r = strcmp(x->dir, y->dir);

	return r ? r : strcmp(x->name, y->name);
}

static int add_alias(struct vs_slab_cache *c, const char *name)
{
	char **na = realloc(c->aliases, (c->naliases + 1) * sizeof(*na));

	if (!na)
		return -ENOMEM;
	c->aliases = na;
	na[c->naliases] = strdup(name);
	if (!na[c->naliases])
		return -ENOMEM;
	c->naliases++;
	return 0;
}

int vs_slab_sysfs_list(struct vs_slabs *s, const struct vs_root *r,
		       struct vs_err *e)
{
	struct entry *ents = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	char full[4096];
	int fd, ret = 0;
	DIR *d;

	vs_root_path(r, SLAB_DIR, full, sizeof(full));
	fd = vs_root_open(r, SLAB_DIR, O_RDONLY | O_DIRECTORY, e);
	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return vs_err_sys(e, errno, "read", full);
	}
	while ((de = readdir(d))) {
		char target[256];
		ssize_t tl;

		if (de->d_name[0] == '.' || strlen(de->d_name) >= VS_SLAB_NAME_MAX)
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 512;
			struct entry *ne = realloc(ents, ncap * sizeof(*ne));

			if (!ne) {
				ret = vs_err_set(e, ENOMEM, "out of memory");
				goto out;
			}
			ents = ne;
			cap = ncap;
		}
		memcpy(ents[n].name, de->d_name, strlen(de->d_name) + 1);
		tl = readlinkat(dirfd(d), de->d_name, target, sizeof(target) - 1);
		if (tl >= 0) {
			const char *base;

			target[tl] = '\0';
			base = strrchr(target, '/');
			base = base ? base + 1 : target;
			if (strlen(base) >= VS_SLAB_NAME_MAX)
				continue;
			memcpy(ents[n].dir, base, strlen(base) + 1);
			ents[n].link = true;
		} else {
			memcpy(ents[n].dir, de->d_name, strlen(de->d_name) + 1);
			ents[n].link = false;
		}
		n++;
	}
	if (n)
		qsort(ents, n, sizeof(*ents), entry_cmp);
	/* Each cache of slabinfo: its directory, and the other names. */
	for (size_t i = 0; i < s->n; i++) {
		struct vs_slab_cache *c = &s->c[i];
		struct entry key, *hit = NULL;

		for (size_t k = 0; k < n; k++)
			if (!strcmp(ents[k].name, c->name)) {
				hit = &ents[k];
				break;
			}
		if (!hit)
			continue;
		c->in_sysfs = true;
		snprintf(c->dir, sizeof(c->dir), "%s", hit->dir);
		key = *hit;
		for (size_t k = 0; k < n; k++) {
			if (strcmp(ents[k].dir, key.dir) || !ents[k].link ||
			    !strcmp(ents[k].name, c->name))
				continue;
			if (add_alias(c, ents[k].name) < 0) {
				ret = vs_err_set(e, ENOMEM, "out of memory");
				goto out;
			}
		}
		c->aliases_known = true;
	}
	/* Directories no cache of slabinfo resolved to: caches of their own
	 * (all of them when slabinfo was not read), named by their first
	 * link, or by the directory when nothing links to it. */
	for (size_t k = 0; k < n; k++) {
		struct vs_slab_cache *c;
		const char *name;
		size_t j;
		bool taken = false;

		if (ents[k].link)
			continue;
		for (size_t i = 0; i < s->n && !taken; i++)
			taken = s->c[i].in_sysfs &&
				!strcmp(s->c[i].dir, ents[k].name);
		if (taken)
			continue;
		name = ents[k].name;
		for (j = 0; j < n; j++)
			if (ents[j].link && !strcmp(ents[j].dir, ents[k].name)) {
				name = ents[j].name;
				break;
			}
		c = cache_add(s, name);
		if (!c) {
			ret = vs_err_set(e, ENOMEM, "out of memory");
			goto out;
		}
		c->in_sysfs = true;
		snprintf(c->dir, sizeof(c->dir), "%s", ents[k].name);
		for (j = 0; j < n; j++) {
			if (!ents[j].link || strcmp(ents[j].dir, ents[k].name) ||
			    !strcmp(ents[j].name, name))
				continue;
			if (add_alias(c, ents[j].name) < 0) {
				ret = vs_err_set(e, ENOMEM, "out of memory");
				goto out;
			}
		}
		c->aliases_known = true;
	}
out:
	free(ents);
	closedir(d);
	return ret;
}

int vs_slab_attr_parse(const char *text, uint64_t *total, int *node_ids,
		       uint64_t *node_vals, int max)
{
	char buf[4096], *p = buf, *t;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", text);
	t = vs_tok(&p);
	if (!t)
		return -EBADMSG;
	if (vs_tok_u64(t, total) < 0)
		return -EBADMSG;
	while ((t = vs_tok(&p))) {
		char *eq = strchr(t, '=');
		uint64_t id, v;

		/* "N0=5" per node; "C0=..." per CPU (not kept). */
		if (!eq || (t[0] != 'N' && t[0] != 'C'))
			return -EBADMSG;
		*eq = '\0';
		if (t[0] == 'C')
			continue;
		if (vs_tok_u64(t + 1, &id) < 0 || id > 65535 ||
		    vs_tok_u64(eq + 1, &v) < 0)
			return -EBADMSG;
		if (node_ids && n < max) {
			node_ids[n] = (int)id;
			node_vals[n] = v;
		}
		n++;
	}
	return n;
}

/* The attributes sysfs splits by node ("N0=..."). */
#define NODE_ATTRS ((1u << VS_SA_SLABS) | (1u << VS_SA_OBJECTS) | \
		    (1u << VS_SA_TOTAL_OBJECTS) | (1u << VS_SA_PARTIAL) | \
		    (1u << VS_SA_OBJECTS_PARTIAL) | (1u << VS_SA_CPU_SLABS))

/* The node entry @id of @c, added when new; NULL out of memory. */
static struct vs_slab_node *node_get(struct vs_slab_cache *c, int id)
{
	struct vs_slab_node *nn;

	for (unsigned i = 0; i < c->nnodes; i++)
		if (c->nodes[i].node == id)
			return &c->nodes[i];
	nn = realloc(c->nodes, (c->nnodes + 1) * sizeof(*nn));
	if (!nn)
		return NULL;
	c->nodes = nn;
	nn = &c->nodes[c->nnodes++];
	memset(nn, 0, sizeof(*nn));
	nn->node = id;
	return nn;
}

/* The attributes the kernel keeps in an unsigned int, and the largest
 * order a slab can have (2^order pages in a 64-bit count, and far past
 * any MAX_PAGE_ORDER): a value beyond is not the kernel's. */
#define U32_ATTRS ((1u << VS_SA_OBJECT_SIZE) | (1u << VS_SA_SLAB_SIZE) | \
		   (1u << VS_SA_OBJS_PER_SLAB) | (1u << VS_SA_ALIGN) | \
		   (1u << VS_SA_ORDER))
#define ORDER_MAX 31

int vs_slab_sysfs_read(struct vs_slab_cache *c, const struct vs_root *r,
		       uint32_t want, struct vs_err *e)
{
	char path[256], full[4096], buf[4096];
	int first = 0;

	if (!c->in_sysfs)
		return 0;
	c->missing = c->bad = 0;
	for (int a = 0; a < VS_SA__COUNT; a++) {
		int ids[64];
		uint64_t vals[64], total;
		int n, ret;

		if (!(want & (1u << a)))
			continue;
		snprintf(path, sizeof(path), SLAB_DIR "/%s/%s", c->dir,
			 vs_sa_name[a]);
		ret = vs_root_read_upto(r, path, buf, sizeof(buf), NULL, NULL);
		if (ret == -EACCES || ret == -EPERM) {
			c->denied |= 1u << a;
			continue;
		}
		if (ret == -ENOENT) {
			/* An older or newer kernel's set: the caller says
			 * so if it needed the figure. */
			c->missing |= 1u << a;
			continue;
		}
		vs_root_path(r, path, full, sizeof(full));
		if (ret < 0) {
			/* Say the first problem; read the other files. */
			c->bad |= 1u << a;
			if (!first)
				first = vs_err_sys(e, -ret, "read", full);
			continue;
		}
		n = vs_slab_attr_parse(buf, &total, ids, vals, 64);
		if (n < 0 || ((U32_ATTRS >> a) & 1 && total > UINT32_MAX) ||
		    (a == VS_SA_ORDER && total > ORDER_MAX)) {
			c->bad |= 1u << a;
			buf[strcspn(buf, "\n")] = '\0';
			if (!first && n < 0)
				first = vs_err_set(e, EBADMSG, "'%s' is not a "
						   "count: '%.40s'", full, buf);
			else if (!first)
				first = vs_err_set(e, ERANGE, "'%s': %.40s is "
						   "out of range (at most %llu)",
						   full, buf,
						   a == VS_SA_ORDER ?
						   (unsigned long long)ORDER_MAX :
						   (unsigned long long)UINT32_MAX);
			continue;
		}
		c->attr[a] = total;
		c->have |= 1u << a;
		if (n > 64)
			n = 64;
		for (int i = 0; i < n; i++) {
			struct vs_slab_node *nd;

			if (!(NODE_ATTRS & (1u << a)))
				break;
			nd = node_get(c, ids[i]);
			if (!nd)
				return vs_err_set(e, ENOMEM, "out of memory");
			switch (a) {
			case VS_SA_SLABS: nd->slabs = vals[i]; break;
			case VS_SA_OBJECTS: nd->objects = vals[i]; break;
			case VS_SA_TOTAL_OBJECTS: nd->total_objects = vals[i]; break;
			case VS_SA_OBJECTS_PARTIAL:
				nd->objects_partial = vals[i];
				break;
			case VS_SA_CPU_SLABS: nd->cpu_slabs = vals[i]; break;
			default: nd->partial = vals[i]; break;
			}
			nd->have |= 1u << a;
		}
	}
	/* sysfs lists a node only where the figure is not 0. */
	for (unsigned i = 0; i < c->nnodes; i++)
		c->nodes[i].have |= c->have & NODE_ATTRS;
	if (c->have)
		c->attr_src = VS_SRC_SYSFS;
	return first;
}

bool vs_slab_counts_from_sysfs(struct vs_slab_cache *c)
{
	const uint32_t need = (1u << VS_SA_OBJECTS) |
		(1u << VS_SA_TOTAL_OBJECTS) | (1u << VS_SA_SLABS) |
		(1u << VS_SA_SLAB_SIZE) | (1u << VS_SA_OBJS_PER_SLAB) |
		(1u << VS_SA_ORDER);

	if ((c->have & need) != need || c->attr[VS_SA_ORDER] > ORDER_MAX)
		return false;
	c->active_objs = c->attr[VS_SA_OBJECTS];
	c->num_objs = c->attr[VS_SA_TOTAL_OBJECTS];
	c->active_slabs = c->num_slabs = c->attr[VS_SA_SLABS];
	c->counts_src = VS_SRC_SYSFS;
	c->slot_size = c->attr[VS_SA_SLAB_SIZE];
	c->objs_per_slab = c->attr[VS_SA_OBJS_PER_SLAB];
	c->pages_per_slab = 1ull << c->attr[VS_SA_ORDER];
	c->geom_src = VS_SRC_SYSFS;
	return true;
}

/* ---- vmscope.ko ------------------------------------------------------ */

/* The sysfs flag files and the module's flag bits that say the same. */
static const struct {
	enum vs_sa sa;
	uint32_t flag;
} km_flag_attrs[] = {
	{ VS_SA_RECLAIM_ACCOUNT, VS_SLAB_F_RECLAIM_ACCOUNT },
	{ VS_SA_HWCACHE_ALIGN, VS_SLAB_F_HWCACHE_ALIGN },
	{ VS_SA_DESTROY_BY_RCU, VS_SLAB_F_TYPESAFE_BY_RCU },
	{ VS_SA_CACHE_DMA, VS_SLAB_F_CACHE_DMA },
	{ VS_SA_POISON, VS_SLAB_F_POISON },
	{ VS_SA_RED_ZONE, VS_SLAB_F_RED_ZONE },
	{ VS_SA_STORE_USER, VS_SLAB_F_STORE_USER },
	{ VS_SA_SANITY_CHECKS, VS_SLAB_F_CONSISTENCY_CHECKS },
};

static void attr_set(struct vs_slab_cache *c, enum vs_sa a, uint64_t v)
{
	c->attr[a] = v;
	c->have |= 1u << a;
}

/* Fill @c from module cache @m and its node rows @nodes. */
static int cache_from_kmod(struct vs_slab_cache *c,
			   const struct vs_km_slab_cache *m,
			   const struct vs_km_slab_node *nodes)
{
	const unsigned counts = VS_SLAB_HAVE_SLABS | VS_SLAB_HAVE_OBJECTS |
				VS_SLAB_HAVE_TOTAL;
	/* Module "have" bits and the attributes they stand for. */
	static const struct {
		unsigned have;
		enum vs_sa sa;
	} dyn[] = {
		{ VS_SLAB_HAVE_SLABS, VS_SA_SLABS },
		{ VS_SLAB_HAVE_OBJECTS, VS_SA_OBJECTS },
		{ VS_SLAB_HAVE_TOTAL, VS_SA_TOTAL_OBJECTS },
		{ VS_SLAB_HAVE_PARTIAL, VS_SA_PARTIAL },
		{ VS_SLAB_HAVE_PARTIAL_OBJS, VS_SA_OBJECTS_PARTIAL },
		{ VS_SLAB_HAVE_CPU_SLABS, VS_SA_CPU_SLABS },
	};
	uint64_t dyn_val[6] = { m->slabs, m->objects, m->total_objects,
				m->partial_slabs, m->partial_objects,
				m->cpu_slabs };
	struct vs_slab_node *nn = NULL;

	if (m->node_count) {
		nn = calloc(m->node_count, sizeof(*nn));
		if (!nn)
			return -ENOMEM;
	}
	/* What another source said of the cache goes. */
	c->counts_src = c->geom_src = VS_SRC_NONE;
	c->active_objs = c->num_objs = c->active_slabs = c->num_slabs = 0;
	c->slot_size = c->objs_per_slab = c->pages_per_slab = 0;
	c->have = c->denied = 0;
	memset(c->attr, 0, sizeof(c->attr));

	if ((m->have & counts) == counts) {
		c->counts_src = VS_SRC_KMOD;
		c->active_objs = m->objects;
		c->num_objs = m->total_objects;
		c->active_slabs = c->num_slabs = m->slabs;
	}
	attr_set(c, VS_SA_OBJECT_SIZE, m->object_size);
	attr_set(c, VS_SA_SLAB_SIZE, m->size);
	attr_set(c, VS_SA_ALIGN, m->align);
	attr_set(c, VS_SA_MIN_PARTIAL, m->min_partial);
	attr_set(c, VS_SA_CPU_PARTIAL, m->cpu_partial);
	attr_set(c, VS_SA_ALIASES, m->refcount > 0 ?
		 (uint64_t)m->refcount - 1 : 0);
	for (size_t i = 0; i < sizeof(km_flag_attrs) / sizeof(*km_flag_attrs);
	     i++)
		attr_set(c, km_flag_attrs[i].sa,
			 !!(m->vflags & km_flag_attrs[i].flag));
	if ((m->have & VS_SLAB_HAVE_ORDER) && m->order <= ORDER_MAX) {
		attr_set(c, VS_SA_ORDER, m->order);
		attr_set(c, VS_SA_OBJS_PER_SLAB, m->objs_per_slab);
		c->geom_src = VS_SRC_KMOD;
		c->slot_size = m->size;
		c->objs_per_slab = m->objs_per_slab;
		c->pages_per_slab = 1ull << m->order;
	}
	for (size_t i = 0; i < sizeof(dyn) / sizeof(*dyn); i++)
		if (m->have & dyn[i].have)
			attr_set(c, dyn[i].sa, dyn_val[i]);
	c->attr_src = VS_SRC_KMOD;

	free(c->nodes);
	c->nodes = nn;
	c->nnodes = (unsigned)m->node_count;
	for (size_t j = 0; j < m->node_count; j++) {
		const struct vs_km_slab_node *n = &nodes[j];

		nn[j].node = n->node;
		nn[j].slabs = n->slabs;
		nn[j].objects = n->objects;
		nn[j].total_objects = n->total_objects;
		nn[j].partial = n->partial_slabs;
		nn[j].objects_partial = n->partial_objects;
		nn[j].cpu_slabs = n->cpu_slabs;
		nn[j].have = c->have & NODE_ATTRS;
	}

	if (m->sysfs_name[0]) {
		c->in_sysfs = true;
		snprintf(c->dir, sizeof(c->dir), "%s", m->sysfs_name);
	}
	c->km_known = true;
	c->have_cpu_partial_now = m->have & VS_SLAB_HAVE_CPU_PARTIAL;
	c->cpu_partial_now = c->have_cpu_partial_now ?
			     m->cpu_partial_slabs_now : 0;
	c->cpus_with_slab = m->cpus_with_slab;
	c->cpus_with_partial = m->cpus_with_partial;
	c->flags = m->vflags;
	c->raw_flags = m->flags;
	c->refcount = m->refcount;
	return 0;
}

int vs_slabs_from_kmod(struct vs_slabs *s, const struct vs_km_slab *km,
		       struct vs_err *e)
{
	for (size_t i = 0; i < km->ncaches; i++) {
		const struct vs_km_slab_cache *m = &km->caches[i];
		struct vs_slab_cache *c = vs_slabs_find(s, m->name);

		if (m->node_first > km->nnodes ||
		    m->node_count > km->nnodes - m->node_first)
			return vs_err_set(e, EBADMSG, "vmscope.ko's node rows of "
					  "slab cache '%s' are not where it "
					  "says", m->name);
		if (!c)
			c = cache_add(s, m->name);
		if (!c || cache_from_kmod(c, m, km->nodes + m->node_first) < 0)
			return vs_err_set(e, ENOMEM, "out of memory");
	}
	return 0;
}

/* ---- derived figures ------------------------------------------------- */

bool vs_slab_memory(const struct vs_slab_cache *c, uint64_t page_size,
		    uint64_t *bytes)
{
	if (c->counts_src == VS_SRC_NONE || c->geom_src == VS_SRC_NONE)
		return false;
	*bytes = c->num_slabs * c->pages_per_slab * page_size;
	return true;
}

bool vs_slab_used(const struct vs_slab_cache *c, uint64_t *bytes)
{
	if (c->counts_src == VS_SRC_NONE || !vs_slab_has(c, VS_SA_OBJECT_SIZE))
		return false;
	*bytes = c->active_objs * c->attr[VS_SA_OBJECT_SIZE];
	return true;
}
