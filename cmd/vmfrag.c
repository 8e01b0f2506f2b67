/* vmfrag.c - vmfrag: how fragmented the buddy allocator's free memory is.
 *
 * Per node and zone: the free blocks of each order (/proc/buddyinfo), the
 * same per migrate type with the pageblocks (/proc/pagetypeinfo, root),
 * the watermarks, managed pages and per-CPU lists (/proc/zoneinfo), and
 * per order the unusable free space index and the fragmentation index as
 * mm/vmstat.c computes them, the largest free block and the orders that
 * would fail now; the compaction counters of /proc/vmstat. Text with a
 * bar per order, JSON, and --watch with the changes between samples.
 *
 * The sources are read by the library (vs_buddy.h). When vmscope.ko is
 * loaded, collect() takes one snapshot of every free list from it first
 * (uncapped counts per migrate type, each CPU's page list, watermarks and
 * zone sizes) and procfs adds what the module does not give: pageblocks,
 * the promo watermark, CMA pages and the compaction counters. Each figure
 * group says its source.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "vs_buddy.h"
#include "vs_fmt.h"
#include "vs_memgap.h"
#include "vs_source.h"
#include "vs_text.h"

/* ---- the per-order table ---------------------------------------------- */

enum {
	COL_NODE, COL_ZONE, COL_ORDER, COL_BLOCK, COL_BLOCKS, COL_DELTA,
	COL_FREE, COL_PCT, COL_BAR, COL_SUITABLE, COL_UNUSABLE, COL_FRAGIDX,
	COL_FAILS, COL_SOURCE, COL_TYPES_SOURCE, COL_TYPES_CAPPED,
	COL__TYPES		/* one column per migrate type from here */
};

#define TYPE_COLS_MAX VS_MTYPES_MAX
#define COLS_MAX (COL__TYPES + TYPE_COLS_MAX)

static struct vs_col cols[COLS_MAX] = {
	[COL_NODE] = { "NODE", "node", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"NUMA node" },
	[COL_ZONE] = { "ZONE", "zone", VS_COL_STR, 0, 0,
		"zone: DMA, DMA32, Normal, Movable..." },
	[COL_ORDER] = { "ORDER", "order", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"a block of this order is 2^ORDER pages" },
	[COL_BLOCK] = { "BLOCK", "block_size", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"size of one block of this order" },
	[COL_BLOCKS] = { "FREE_BLOCKS", "free_blocks", VS_COL_NUM, 0,
		VS_COLF_RIGHT, "free blocks of this order (buddyinfo)" },
	[COL_DELTA] = { "DELTA", "delta_blocks", VS_COL_INT, 0, VS_COLF_RIGHT,
		"change of FREE_BLOCKS since the previous sample (--watch)" },
	[COL_FREE] = { "FREE", "free_bytes", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"free memory in blocks of this order" },
	[COL_PCT] = { "PCT", "free_percent", VS_COL_FLOAT, 0, VS_COLF_RIGHT,
		"percent of the zone's free memory in blocks of this order" },
	[COL_BAR] = { "BAR", "bar", VS_COL_STR, 0, 0,
		"PCT as a bar of up to 20 characters" },
	[COL_SUITABLE] = { "SUITABLE", "suitable_blocks", VS_COL_NUM, 0,
		VS_COLF_RIGHT, "blocks of this order the free blocks of this "
		"order and above make" },
	[COL_UNUSABLE] = { "UNUSABLE", "unusable_index", VS_COL_FLOAT, 0,
		VS_COLF_RIGHT, "unusable free space index: share of free "
		"memory in smaller blocks (0 to 1)" },
	[COL_FRAGIDX] = { "FRAGIDX", "fragmentation_index", VS_COL_FLOAT, 0,
		VS_COLF_RIGHT, "fragmentation index: -1 the allocation would "
		"succeed; near 0 it fails for lack of memory, near 1 for "
		"fragmentation" },
	[COL_FAILS] = { "FAILS", "would_fail", VS_COL_BOOL, 0, 0,
		"no free block of this order or above in the zone" },
	[COL_SOURCE] = { "SOURCE", "source", VS_COL_STR, 0, 0,
		"where the free blocks were read" },
	[COL_TYPES_SOURCE] = { "TYPES_SOURCE", "types_source", VS_COL_STR, 0,
		0, "where the per-migrate-type counts were read" },
	[COL_TYPES_CAPPED] = { "TYPES_CAPPED", "types_capped", VS_COL_BOOL, 0,
		0, "a per-type count is only a lower bound: past "
		"pagetypeinfo's cap of 100000, or longer than vmscope.ko may "
		"walk in one hold of the zone lock" },
};
static size_t ncols = COL__TYPES;

/* The migrate type of each type column (an index into the snapshot's
 * types), and the names of the columns. */
static char type_colname[TYPE_COLS_MAX][VS_NAME_MAX];
static char type_json[TYPE_COLS_MAX][VS_NAME_MAX + 8];
static char type_help[TYPE_COLS_MAX][80];

/* The migrate types of today's kernels, known before pagetypeinfo is read
 * (so that -o and --list-columns work as a user). */
static const char *const std_types[] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate",
};

static int add_type_col(const char *type)
{
	size_t k = ncols - COL__TYPES, i;

	for (size_t j = 0; j < k; j++)
		if (!strcasecmp(type_colname[j], type))
			return 0;
	if (k == TYPE_COLS_MAX)
		return -1;
	for (i = 0; type[i] && i + 1 < VS_NAME_MAX; i++)
		type_colname[k][i] = (char)(type[i] >= 'a' && type[i] <= 'z' ?
					    type[i] - 32 : type[i]);
	type_colname[k][i] = '\0';
	snprintf(type_json[k], sizeof(type_json[k]), "type_%s", type);
	for (i = 0; type_json[k][i]; i++)
		if (type_json[k][i] >= 'A' && type_json[k][i] <= 'Z')
			type_json[k][i] += 32;
	snprintf(type_help[k], sizeof(type_help[k]),
		 "free blocks of migrate type %s (pagetypeinfo or vmscope.ko, "
		 "root)", type);
	cols[ncols] = (struct vs_col){ type_colname[k], type_json[k],
		VS_COL_NUM, 0, VS_COLF_RIGHT, type_help[k] };
	ncols++;
	return 0;
}

/* ---- options ---------------------------------------------------------- */

struct opts {
	const char *zone;	/* -z */
	bool types;		/* -t */
	struct cmd_outopts oo;	/* -J -o -w -c ...; interval 2 s */
	bool columns;		/* -o or --output-all: one table */
	bool need_types;	/* read pagetypeinfo */
	struct cmd_kmod km;	/* vmscope.ko */
	int sel[COLS_MAX];
	size_t nsel;
	struct vs_out *out;
};

static const struct option longopts[] = {
	{ "zone", required_argument, NULL, 'z' },
	{ "types", no_argument, NULL, 't' },
	CMD_LONGOPTS_TABLE,
	{ "raw", no_argument, NULL, 'r' },
	{ "noheadings", no_argument, NULL, 'n' },
	{ "watch", optional_argument, NULL, 'w' },
	{ "count", required_argument, NULL, 'c' },
	{ "sysroot", required_argument, NULL, CMD_OPT_SYSROOT },
	CMD_LONGOPTS_END,
};

static noreturn void usage(void)
{
	printf("Usage:\n"
	       " %s [options]\n\n"
	       "Show how fragmented the free memory of the buddy allocator is, per node\n"
	       "and zone: free blocks per order, the kernel's unusable free space and\n"
	       "fragmentation indexes, the largest free block, the orders that would fail.\n\n"
	       "Options:\n"
	       " -z, --zone=ZONE            only zones named ZONE (Normal, DMA32...), or\n"
	       "                            NODE:ZONE for one node's\n"
	       " -t, --types                free blocks per migrate type (pagetypeinfo; root)\n"
	       " -J, --json                 JSON output (NDJSON with --watch)\n"
	       " -o, --output=LIST          columns of the per-order table (see --list-columns)\n"
	       "     --output-all           every column\n"
	       "     --list-columns         list the columns and exit\n"
	       " -b, --bytes                sizes in bytes\n"
	       " -r, --raw                  unaligned tables\n"
	       " -n, --noheadings           no table headings\n"
	       " -w, --watch[=SECONDS]      print again every SECONDS (default 2) with the\n"
	       "                            change of each count since the previous sample\n"
	       " -c, --count=N              with --watch, stop after N samples\n"
	       "     --sysroot=DIR          read /proc and /sys below DIR instead of /\n"
	       " -h, --help                 show this help and exit\n"
	       " -V, --version              show the version and exit\n\n"
	       "Exit status: 0 success, 1 failure, 2 usage error, 3 the kernel lacks\n"
	       "/proc/buddyinfo, 4 permission denied (-t as a user). See vmfrag(1).\n",
	       cmd_name());
	exit(VS_EXIT_OK);
}

/* ---- one sample ------------------------------------------------------- */

struct sample {
	struct vs_buddy b;
	struct vs_kvlist vmstat;
	bool have_vmstat;
	struct vs_kvlist meminfo;	/* for the check of MemFree against
					 * the zones (vs_memgap) */
	bool have_meminfo;
	char virtio_balloon[64];	/* a bound virtio_balloon device */
	uint64_t threshold;		/* /proc/sys/vm/extfrag_threshold */
	bool have_threshold;
	bool have_types;		/* the counts per migrate type are
					 * known (pagetypeinfo or the
					 * module) */
	struct timespec ts;
};

static void sample_free(struct sample *s)
{
	vs_buddy_free(&s->b);
	vs_kvlist_free(&s->vmstat);
	vs_kvlist_free(&s->meminfo);
}

/* What could not be read, said once. */
static bool warned_types, warned_info, warned_vmstat, warned_threshold;
static bool warned_blocks, warned_meminfo;
static int types_status;	/* exit status of a failed -t */

static void warn_once(bool *done, const struct vs_err *e, const char *what)
{
	if (*done)
		return;
	*done = true;
	cmd_warn("%s; %s", e->msg, what);
}

/* Read one sample. Returns a VS_EXIT_* status: only the free blocks per
 * order (buddyinfo or the module) are needed. */
static int collect(struct opts *o, struct vs_root *root, struct sample *s)
{
	struct vs_km_buddy *km = NULL;
	struct vs_err e;
	int r;

	memset(s, 0, sizeof(*s));
	vs_buddy_init(&s->b);
	clock_gettime(CLOCK_REALTIME, &s->ts);
	/* vmscope.ko first: every free list in one pass, uncapped. */
	if (o->km.k && vs_kmod_buddy(o->km.k, &km, &e) < 0)
		cmd_kmod_failed(&o->km, &e);
	if (!km) {
		r = vs_buddyinfo_read(&s->b, root, &e);
		if (r == 0 && s->b.nzones == 0) {
			char full[4096];

			/* No zone at all: nothing to show, not a system
			 * without free memory. */
			r = vs_err_set(&e, EBADMSG, "'%s' is empty",
				       vs_root_path(root, "/proc/buddyinfo",
						    full, sizeof(full)));
		}
		if (r < 0) {
			cmd_warn_err(&e);
			return cmd_status_of_errno(r);
		}
	}
	/* pagetypeinfo walks every free list under the zone lock: it is read
	 * only when its figures are shown (with the module, for the
	 * pageblocks alone). */
	r = o->need_types ? vs_pagetypeinfo_read(&s->b, root, &e) : 0;
	if (r < 0) {
		/* Keep nothing of a file that failed half way. */
		for (unsigned i = 0; i < s->b.nzones; i++) {
			s->b.zones[i].types_src = VS_SRC_NONE;
			s->b.zones[i].blocks_src = VS_SRC_NONE;
		}
		if (km)
			warn_once(&warned_blocks, &e, "no pageblock counts");
		else if (o->types || o->out->fmt == VS_OUT_JSON)
			warn_once(&warned_types, &e, r == -EACCES || r == -EPERM ?
				  "free blocks per migrate type need root" :
				  "no figures per migrate type");
		if (o->types && !km)
			types_status = cmd_status_of_errno(r);
	} else {
		s->have_types = o->need_types;
	}
	r = vs_zoneinfo_read(&s->b, root, &e);
	if (r < 0)
		warn_once(&warned_info, &e, km ? "no promo watermark or CMA "
			  "pages" : "no watermarks or zone sizes");
	if (km) {
		r = vs_buddy_from_kmod(&s->b, km, &e);
		vs_km_buddy_free(km);
		if (r < 0) {
			cmd_warn_err(&e);
			return cmd_status_of_errno(r);
		}
		s->have_types = true;
		o->km.used = true;
	}
	s->have_vmstat = vs_vmstat_read(root, &s->vmstat, &e) == 0;
	if (!s->have_vmstat)
		warn_once(&warned_vmstat, &e, "no compaction counters");
	s->have_meminfo = vs_meminfo_read(root, &s->meminfo, &e) == 0;
	if (!s->have_meminfo)
		warn_once(&warned_meminfo, &e, "no check of MemFree against "
			  "the zones' free pages");
	vs_memgap_virtio_balloon(root, s->virtio_balloon,
				 sizeof(s->virtio_balloon));
	s->have_threshold = vs_read_u64(root, "/proc/sys/vm/extfrag_threshold",
					&s->threshold, &e) == 0;
	if (!s->have_threshold)
		warn_once(&warned_threshold, &e, "no extfrag_threshold");
	return VS_EXIT_OK;
}

/* ---- printing --------------------------------------------------------- */

static bool zone_selected(const struct opts *o, const struct vs_zone *z)
{
	const char *colon;

	if (z->free_src == VS_SRC_NONE)
		return false;	/* unpopulated: no free lists */
	if (!o->zone)
		return true;
	colon = strchr(o->zone, ':');
	if (colon) {
		char *end;
		long node = strtol(o->zone, &end, 10);

		return end == colon && node == z->node &&
		       !strcasecmp(colon + 1, z->name);
	}
	return !strcasecmp(o->zone, z->name);
}

static uint64_t page_size(void)
{
	long p = sysconf(_SC_PAGESIZE);

	return p > 0 ? (uint64_t)p : 4096;
}

/* Free pages of @z by its buddy lists. */
static uint64_t zone_free_pages(const struct vs_zone *z)
{
	struct vs_contig c;

	vs_contig_fill(z->nr_free, z->norders, 0, &c);
	return c.free_pages;
}

/* The highest order with a free block, or -1. */
static int largest_order(const struct vs_zone *z)
{
	for (int k = (int)z->norders - 1; k >= 0; k--)
		if (z->nr_free[k])
			return k;
	return -1;
}

static void out_pages(struct vs_out *out, const char *key, const char *fmt,
		      const struct vs_zone *z, enum vs_zi f)
{
	if (vs_zone_has(z, f))
		vs_out_size(out, key, fmt, z->info[f] * page_size());
	else
		vs_out_null(out, key, fmt);
}

/* How a count per migrate type is known. */
enum quality { Q_EXACT, Q_DERIVED, Q_LOWER, Q_CAPPED };

static const char *const quality_name[] = {
	[Q_EXACT] = "exact", [Q_DERIVED] = "derived",
	[Q_LOWER] = "lower_bound", [Q_CAPPED] = "capped",
};

/* The count of type @t of @z at @order, and how it is known. */
static enum quality type_quality(const struct vs_zone *z, int t,
				 unsigned order)
{
	if (z->type_capped[t] & (1ull << order))
		return Q_CAPPED;	/* pagetypeinfo's ">100000" */
	if (z->type_lower[t] & (1ull << order))
		return Q_LOWER;		/* the module's lock budget */
	if (z->type_derived[t] & (1ull << order))
		return Q_DERIVED;
	return Q_EXACT;
}

/* Each CPU's page list (vmscope.ko): JSON "pcp_lists", a line of text. */
static void pcp_lists(const struct opts *o, const struct vs_zone *z)
{
	struct vs_out *out = o->out;
	uint64_t ps = page_size();
	char a[32], b[32], c[32];

	if (out->fmt == VS_OUT_JSON) {
		struct vs_json *j = &out->json;

		if (z->pcp_src == VS_SRC_NONE) {
			vs_json_null(j, "pcp_source");
			vs_json_null(j, "pcp_lists");
			return;
		}
		vs_json_str(j, "pcp_source", vs_source_name(z->pcp_src));
		vs_json_arr_begin(j, "pcp_lists");
		for (unsigned i = 0; i < z->npcp; i++) {
			const struct vs_pcp *p = &z->pcp[i];

			vs_json_obj_begin(j, NULL);
			vs_json_u64(j, "cpu", (uint64_t)p->cpu);
			vs_json_u64(j, "pages", p->count);
			vs_json_u64(j, "bytes", p->count * ps);
			vs_json_u64(j, "high", p->high);
			vs_json_u64(j, "batch", p->batch);
			vs_json_obj_end(j);
		}
		vs_json_arr_end(j);
		return;
	}
	if (z->pcp_src == VS_SRC_NONE)
		return;
	fputs("  per-CPU lists:", out->f);
	for (unsigned i = 0; i < z->npcp; i++) {
		const struct vs_pcp *p = &z->pcp[i];

		fprintf(out->f, "%s CPU %d %s (high %s, batch %s)",
			i ? "," : "", p->cpu,
			vs_out_fmt_size(out, a, sizeof(a), p->count * ps),
			vs_out_fmt_size(out, b, sizeof(b), p->high * ps),
			vs_out_fmt_size(out, c, sizeof(c), p->batch * ps));
	}
	if (!z->npcp)
		fputs(" none", out->f);
	fputc('\n', out->f);
}

/* JSON "types_quality": per migrate type, how each order's count is
 * known. */
static void types_quality(struct vs_json *j, const struct vs_buddy *b,
			  const struct vs_zone *z)
{
	if (z->types_src == VS_SRC_NONE) {
		vs_json_null(j, "types_quality");
		return;
	}
	vs_json_obj_begin(j, "types_quality");
	for (unsigned t = 0; t < b->ntypes; t++) {
		if (!z->type_seen[t])
			continue;
		vs_json_arr_begin(j, b->types[t]);
		for (unsigned k = 0; k < z->types_norders; k++)
			vs_json_str(j, NULL, quality_name[type_quality(z,
							(int)t, k)]);
		vs_json_arr_end(j);
	}
	vs_json_obj_end(j);
}

/* The zone's facts above its table. */
static void zone_head(const struct opts *o, const struct vs_buddy *b,
		      const struct vs_zone *z)
{
	struct vs_out *out = o->out;
	uint64_t ps = page_size();
	int top = largest_order(z);
	bool json = out->fmt == VS_OUT_JSON;

	vs_out_u64(out, "node", "Node %s", (uint64_t)z->node);
	vs_out_str(out, "zone", ", zone %s", z->name);
	vs_out_str(out, "source", NULL, vs_source_name(z->free_src));
	vs_out_size(out, "free", ": %s free", zone_free_pages(z) * ps);
	out_pages(out, "managed", " of %s managed", z, VS_ZI_MANAGED);
	if (!json)
		fputs("\n  watermarks", out->f);
	out_pages(out, "watermark_min", " min %s", z, VS_ZI_MIN);
	out_pages(out, "watermark_low", ", low %s", z, VS_ZI_LOW);
	out_pages(out, "watermark_high", ", high %s", z, VS_ZI_HIGH);
	if (vs_zone_has(z, VS_ZI_PROMO) || json)
		out_pages(out, "watermark_promo", ", promo %s", z, VS_ZI_PROMO);
	out_pages(out, "watermark_boost", ", boost %s", z, VS_ZI_BOOST);
	out_pages(out, "pcp", "; on per-CPU lists %s", z, VS_ZI_PCP_COUNT);
	out_pages(out, "present", NULL, z, VS_ZI_PRESENT);
	out_pages(out, "spanned", NULL, z, VS_ZI_SPANNED);
	out_pages(out, "cma", NULL, z, VS_ZI_CMA);
	vs_out_str(out, "info_source", NULL, z->info_src ?
		   vs_source_name(z->info_src) : NULL);
	if (!json)
		fputs("\n  ", out->f);
	if (top >= 0) {
		vs_out_size(out, "largest_free_block", "largest free block %s",
			    ps << top);
		vs_out_u64(out, "largest_free_order", " (order %s)",
			   (uint64_t)top);
	} else {
		vs_out_null(out, "largest_free_block", NULL);
		vs_out_null(out, "largest_free_order", NULL);
		if (!json)
			fputs("nothing free", out->f);
	}
	if (json) {
		vs_json_arr_begin(&out->json, "failing_orders");
		for (unsigned k = (unsigned)(top + 1); k < z->norders; k++)
			vs_json_u64(&out->json, NULL, k);
		vs_json_arr_end(&out->json);
	} else if (top + 1 == (int)z->norders) {
		fputs("; no order would fail\n", out->f);
	} else {
		fprintf(out->f, "; order%s %d%s would fail now\n",
			top + 2 < (int)z->norders ? "s" : "", top + 1,
			top + 2 < (int)z->norders ? " and above" : "");
	}
	pcp_lists(o, z);
	if (json)
		types_quality(&out->json, b, z);
	/* Pageblocks per migrate type: JSON always, text with -t. */
	if (json) {
		struct vs_json *j = &out->json;

		if (z->blocks_src == VS_SRC_NONE) {
			vs_json_null(j, "pageblocks");
			return;
		}
		vs_json_obj_begin(j, "pageblocks");
		vs_json_str(j, "source", vs_source_name(z->blocks_src));
		for (unsigned t = 0; t < b->ntypes; t++)
			if (z->block_seen[t])
				vs_json_u64(j, b->types[t], z->blocks[t]);
		vs_json_obj_end(j);
	} else if (o->types && z->blocks_src != VS_SRC_NONE) {
		const char *sep = "  pageblocks:";

		for (unsigned t = 0; t < b->ntypes; t++)
			if (z->block_seen[t]) {
				fprintf(out->f, "%s %s %llu", sep, b->types[t],
					(unsigned long long)z->blocks[t]);
				sep = ",";
			}
		fputc('\n', out->f);
	}
}

/* The per-type count of column @col for @z at @order, and how it is
 * known. False when not known. */
static bool type_cell(const struct vs_buddy *b, const struct vs_zone *z,
		      int col, unsigned order, uint64_t *v, enum quality *q)
{
	int t;

	if (z->types_src == VS_SRC_NONE || order >= z->types_norders)
		return false;
	for (t = 0; t < (int)b->ntypes; t++)
		if (!strcasecmp(b->types[t], type_colname[col - COL__TYPES]))
			break;
	if (t == (int)b->ntypes || !z->type_seen[t])
		return false;
	*v = z->type_free[t][order];
	*q = type_quality(z, t, order);
	return true;
}

/* The rows of @z into @t. */
static void zone_rows(const struct opts *o, struct vs_table *t,
		      const struct vs_buddy *b, const struct vs_zone *z,
		      const struct vs_zone *prev)
{
	struct vs_out *out = o->out;
	uint64_t ps = page_size(), free = zone_free_pages(z);

	for (unsigned k = 0; k < z->norders; k++) {
		uint64_t bytes = (z->nr_free[k] << k) * ps;
		struct vs_contig c;
		bool capped_any = false;
		int fi;

		vs_contig_fill(z->nr_free, z->norders, k, &c);
		fi = vs_fragmentation_index(k, &c);
		vs_table_row(t);
		vs_table_u64(t, COL_NODE, (uint64_t)z->node);
		vs_table_str(t, COL_ZONE, z->name);
		vs_table_u64(t, COL_ORDER, k);
		vs_table_u64(t, COL_BLOCK, ps << k);
		vs_table_u64(t, COL_BLOCKS, z->nr_free[k]);
		if (prev && prev->norders == z->norders)
			vs_table_i64(t, COL_DELTA, (int64_t)(z->nr_free[k] -
							     prev->nr_free[k]));
		else
			vs_table_null(t, COL_DELTA);
		vs_table_u64(t, COL_FREE, bytes);
		if (free) {
			double pct = 100.0 * (double)(z->nr_free[k] << k) /
				     (double)free;
			char txt[32], bar[24];
			unsigned tenths = 0;
			int n;

			/* The bar follows the percent as printed. */
			snprintf(txt, sizeof(txt), "%.1f", pct);
			for (const char *d = txt; *d; d++)
				if (*d >= '0' && *d <= '9')
					tenths = tenths * 10 + (unsigned)(*d - '0');
			n = (int)((tenths + 25) / 50);
			vs_table_double(t, COL_PCT, pct, 1);
			memset(bar, '#', (size_t)n);
			bar[n] = '\0';
			vs_table_str(t, COL_BAR, bar);
		} else {
			vs_table_null(t, COL_PCT);
			vs_table_str(t, COL_BAR, "");
		}
		vs_table_u64(t, COL_SUITABLE, c.free_blocks_suitable);
		vs_table_double(t, COL_UNUSABLE, vs_unusable_index(k, &c) / 1000.0,
				3);
		vs_table_double(t, COL_FRAGIDX, fi / 1000.0, 3);
		vs_table_bool(t, COL_FAILS, c.free_blocks_suitable == 0);
		vs_table_str(t, COL_SOURCE, vs_source_name(z->free_src));
		vs_table_str(t, COL_TYPES_SOURCE, z->types_src ?
			     vs_source_name(z->types_src) : NULL);
		for (int col = COL__TYPES; col < (int)ncols; col++) {
			enum quality q;
			uint64_t v;

			if (!type_cell(b, z, col, k, &v, &q)) {
				vs_table_null(t, col);
			} else if (q == Q_CAPPED) {
				/* Not a figure: "more than the cap". */
				capped_any = true;
				if (out->fmt == VS_OUT_JSON)
					vs_table_null(t, col);
				else
					vs_table_str(t, col, ">100000");
			} else if (q == Q_LOWER) {
				/* A figure, but "at least": JSON says so in
				 * the zone's types_quality. */
				char buf[32];

				capped_any = true;
				if (out->fmt == VS_OUT_JSON) {
					vs_table_u64(t, col, v);
				} else {
					snprintf(buf, sizeof(buf), "%s%llu",
						 cmd_utf8() ? "\u2265" : ">=",
						 (unsigned long long)v);
					vs_table_str(t, col, buf);
				}
			} else {
				vs_table_u64(t, col, v);
			}
		}
		if (z->types_src == VS_SRC_NONE)
			vs_table_null(t, COL_TYPES_CAPPED);
		else
			vs_table_bool(t, COL_TYPES_CAPPED, capped_any);
	}
}

static struct vs_table *table_begin(const struct opts *o)
{
	struct vs_table *t;
	struct vs_err e;

	if (vs_table_new(o->out, "orders", cols, ncols, o->sel, o->nsel, &t,
			 &e) < 0) {
		cmd_warn_err(&e);
		exit(VS_EXIT_FAILURE);
	}
	return t;
}

static void table_end(struct vs_table *t)
{
	if (vs_table_end(t) == -EPIPE)
		cmd_exit_closed_pipe();
}

/* Counters of /proc/vmstat that are about compaction and fragmentation. */
static bool compaction_key(const char *name)
{
	return !strncmp(name, "compact_", 8) || strstr(name, "extfrag") ||
	       !strncmp(name, "kcompactd", 9);
}

static void compaction(const struct opts *o, const struct sample *s,
		       const struct sample *prev)
{
	struct vs_out *out = o->out;
	const char *sep = ": ";

	if (out->fmt == VS_OUT_JSON) {
		struct vs_json *j = &out->json;

		if (!s->have_vmstat) {
			vs_json_null(j, "compaction");
			return;
		}
		vs_json_obj_begin(j, "compaction");
		vs_json_str(j, "source", "vmstat");
		vs_json_obj_begin(j, "counters");
		for (size_t i = 0; i < s->vmstat.n; i++)
			if (compaction_key(s->vmstat.kv[i].name))
				vs_json_u64(j, s->vmstat.kv[i].name,
					    s->vmstat.kv[i].value);
		vs_json_obj_end(j);
		if (prev && prev->have_vmstat) {
			vs_json_obj_begin(j, "deltas");
			for (size_t i = 0; i < s->vmstat.n; i++) {
				const struct vs_kv *kv = &s->vmstat.kv[i], *p;

				if (!compaction_key(kv->name))
					continue;
				p = vs_kvlist_get(&prev->vmstat, kv->name);
				if (p)
					vs_json_i64(j, kv->name, (int64_t)(kv->value -
									p->value));
				else
					vs_json_null(j, kv->name);
			}
			vs_json_obj_end(j);
		} else {
			vs_json_null(j, "deltas");
		}
		vs_json_obj_end(j);
		return;
	}
	if (!s->have_vmstat)
		return;
	fputs("compaction (vmstat)", out->f);
	for (size_t i = 0; i < s->vmstat.n; i++) {
		const struct vs_kv *kv = &s->vmstat.kv[i], *p;

		if (!compaction_key(kv->name))
			continue;
		fprintf(out->f, "%s%s %llu", sep, kv->name,
			(unsigned long long)kv->value);
		p = prev && prev->have_vmstat ?
		    vs_kvlist_get(&prev->vmstat, kv->name) : NULL;
		if (p && p->value != kv->value)
			fprintf(out->f, " (%+lld)",
				(long long)(kv->value - p->value));
		sep = ", ";
	}
	fputc('\n', out->f);
}

/* MemFree against the zones' free pages: in JSON always (null when
 * meminfo could not be read), in text when they part beyond the
 * threshold of vs_memgap.h. */
static void memory_gap(const struct opts *o, const struct sample *s)
{
	struct vs_memgap g = { 0 };

	if (s->have_meminfo)
		vs_memgap_check(&s->meminfo, &s->b, s->have_vmstat ?
				&s->vmstat : NULL, page_size(),
				s->virtio_balloon, &g);
	vs_memgap_put(o->out, "memory_gap", &g);
}

/* One sample, whole: zones, compaction, threshold, the gap. */
static void show(const struct opts *o, const struct sample *s,
		 const struct sample *prev, uint64_t nsample)
{
	struct vs_out *out = o->out;
	bool json = out->fmt == VS_OUT_JSON;
	struct vs_table *all = NULL;
	int top = -1;
	unsigned shown = 0;

	if (json) {
		struct vs_json *j = &out->json;

		vs_json_init(j, out->f, !o->oo.watch);
		vs_json_obj_begin(j, NULL);
		vs_json_obj_begin(j, "vmfrag");
		vs_json_double(j, "time", (double)s->ts.tv_sec +
			       (double)s->ts.tv_nsec / 1e9, 3);
		vs_json_u64(j, "sample", nsample);
		if (prev)
			vs_json_double(j, "interval", (double)(s->ts.tv_sec -
				       prev->ts.tv_sec) + (double)(s->ts.tv_nsec -
				       prev->ts.tv_nsec) / 1e9, 3);
		else
			vs_json_null(j, "interval");
		cmd_kmod_json(&o->km, j);
		if (s->b.pageblock_order >= 0) {
			vs_json_u64(j, "pageblock_order",
				    (uint64_t)s->b.pageblock_order);
			vs_json_u64(j, "pages_per_block", s->b.pages_per_block);
		} else {
			vs_json_null(j, "pageblock_order");
			vs_json_null(j, "pages_per_block");
		}
		vs_json_arr_begin(j, "migrate_types");
		for (unsigned t = 0; t < s->b.ntypes; t++)
			vs_json_str(j, NULL, s->b.types[t]);
		vs_json_arr_end(j);
		vs_json_arr_begin(j, "zones");
	} else if (o->oo.watch) {
		struct tm tm;
		char when[32];

		localtime_r(&s->ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
		fprintf(out->f, "%s--- sample %llu at %s ---\n",
			nsample > 1 ? "\n" : "", (unsigned long long)nsample,
			when);
	}
	/* With -o, text is one table of every zone's orders and nothing
	 * else; otherwise each zone has its facts and its table. */
	if (!json && o->columns)
		all = table_begin(o);
	for (unsigned i = 0; i < s->b.nzones; i++) {
		const struct vs_zone *z = &s->b.zones[i];
		const struct vs_zone *pz = NULL;
		struct vs_table *t;

		if (!zone_selected(o, z))
			continue;
		if (largest_order(z) > top)
			top = largest_order(z);
		if (prev)
			pz = vs_buddy_zone((struct vs_buddy *)&prev->b, z->node,
					   z->name);
		if (all) {
			zone_rows(o, all, &s->b, z, pz);
			continue;
		}
		if (json)
			vs_json_obj_begin(&out->json, NULL);
		else if (shown)
			fputc('\n', out->f);
		zone_head(o, &s->b, z);
		t = table_begin(o);
		zone_rows(o, t, &s->b, z, pz);
		table_end(t);
		if (json)
			vs_json_obj_end(&out->json);
		shown++;
	}
	if (all) {
		table_end(all);
		fflush(out->f);
		return;
	}
	if (json) {
		struct vs_json *j = &out->json;

		vs_json_arr_end(j);
		if (top >= 0)
			vs_json_u64(j, "largest_free_order", (uint64_t)top);
		else
			vs_json_null(j, "largest_free_order");
		compaction(o, s, prev);
		if (s->have_threshold)
			vs_json_u64(j, "extfrag_threshold", s->threshold);
		else
			vs_json_null(j, "extfrag_threshold");
		memory_gap(o, s);
		vs_json_obj_end(j);
		vs_json_obj_end(j);
		if (vs_json_finish(j) == -EPIPE)
			cmd_exit_closed_pipe();
		fflush(out->f);
		return;
	}
	fputc('\n', out->f);
	compaction(o, s, prev);
	if (s->have_threshold)
		fprintf(out->f, "extfrag_threshold %llu: above order 3 the kernel "
			"compacts a zone only where the fragmentation index is "
			"negative or above %llu.%03llu\n",
			(unsigned long long)s->threshold,
			(unsigned long long)(s->threshold / 1000),
			(unsigned long long)(s->threshold % 1000));
	memory_gap(o, s);
	if (fflush(out->f) != 0 && errno == EPIPE)
		cmd_exit_closed_pipe();
}

/* ---- main ------------------------------------------------------------- */

static int default_cols(const struct opts *o, bool json, int *sel)
{
	static const int text[] = {
		COL_ORDER, COL_BLOCK, COL_BLOCKS, COL_FREE, COL_PCT, COL_BAR,
		COL_UNUSABLE, COL_FRAGIDX,
	};
	int n = 0;

	if (json) {
		for (int c = 0; c < (int)ncols; c++)
			if (c != COL_BAR && c != COL_NODE && c != COL_ZONE &&
			    (c != COL_DELTA || o->oo.watch))
				sel[n++] = c;
		return n;
	}
	for (size_t i = 0; i < sizeof(text) / sizeof(*text); i++) {
		sel[n++] = text[i];
		if (text[i] == COL_BLOCKS && o->oo.watch)
			sel[n++] = COL_DELTA;
	}
	if (o->types)
		for (int c = COL__TYPES; c < (int)ncols; c++)
			sel[n++] = c;
	return n;
}

int main(int argc, char **argv)
{
	static struct opts o;
	static struct vs_out out;
	static struct sample samples[2];
	struct vs_root *root = NULL;
	struct vs_err e;
	uint64_t n = 0;
	int c, status;

	cmd_init("vmfrag");
	o.oo.interval_ms = 2000;
	o.out = &out;
	while ((c = getopt_long(argc, argv, "z:tJo:brnw::c:hV", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'z': o.zone = optarg; break;
		case 't': o.types = true; break;
		case 'h': usage();
		default: cmd_outopts_parse(&o.oo, c, optarg);
		}
	}
	if (optind < argc)
		cmd_usage_error("unexpected argument '%s'", argv[optind]);
	cmd_outopts_done(&o.oo, &out);
	for (size_t i = 0; i < sizeof(std_types) / sizeof(*std_types); i++)
		add_type_col(std_types[i]);

	if (vs_root_new(o.oo.sysroot, &root, &e) < 0) {
		cmd_warn_err(&e);
		return VS_EXIT_FAILURE;
	}
	if (o.oo.list_cols) {
		/* The types of this kernel when it says them. */
		struct vs_buddy b;

		vs_buddy_init(&b);
		if (vs_pagetypeinfo_read(&b, root, NULL) == 0)
			for (unsigned t = 0; t < b.ntypes; t++)
				add_type_col(b.types[t]);
		vs_buddy_free(&b);
		vs_root_unref(root);
		return cmd_list_columns(cols, ncols, out.fmt);
	}
	o.need_types = o.types || o.oo.json || o.oo.outspec || o.oo.all;
	cmd_signals_init();
	if (o.oo.watch && !vs_root_is_live(root))
		cmd_usage_error("--watch needs the live system, not --sysroot");
	cmd_kmod_open(&o.km, root, VS_KMOD_VIEW_BUDDY, true,
		      o.oo.json);
	status = collect(&o, root, &samples[0]);
	if (status != VS_EXIT_OK) {
		cmd_kmod_close(&o.km);
		vs_root_unref(root);
		return status;
	}
	if (o.zone) {
		bool any = false;

		for (unsigned i = 0; i < samples[0].b.nzones; i++)
			any |= zone_selected(&o, &samples[0].b.zones[i]);
		if (!any)
			cmd_usage_error("no zone with free lists matches '%s'",
					o.zone);
	}
	for (unsigned t = 0; t < samples[0].b.ntypes; t++)
		if (add_type_col(samples[0].b.types[t]) < 0)
			cmd_warn("too many migrate types: '%s' is not shown",
				 samples[0].b.types[t]);
	o.columns = o.oo.all || o.oo.outspec;
	{
		int def[COLS_MAX];
		size_t ndef = (size_t)default_cols(&o, o.oo.json, def);

		o.nsel = cmd_outopts_cols(&o.oo, cols, ncols, def, ndef, o.sel,
					  COLS_MAX);
	}
	if (o.oo.outspec) {
		for (size_t i = 0; i < o.nsel; i++)
			if (o.sel[i] >= COL__TYPES)
				o.types = true;
		if (o.types && !samples[0].have_types && !types_status)
			types_status = VS_EXIT_PERMISSION;
	}
	if (!samples[0].have_types && o.types && !warned_types) {
		/* -o asked for types after the first read: say it now. */
		warned_types = true;
		cmd_warn("cannot read '/proc/pagetypeinfo'; free blocks per "
			 "migrate type need root");
	}
	if (o.km.used && !o.oo.json)
		fprintf(stderr, "%s: note: free blocks per order and migrate "
			"type, watermarks, zone sizes and per-CPU lists from "
			"vmscope.ko%s\n", cmd_name(), samples[0].b.pageblock_order
			>= 0 ? "; pageblocks from /proc/pagetypeinfo" : "");

	n = 1;
	show(&o, &samples[0], NULL, n);
	while (o.oo.watch && (!o.oo.count || n < o.oo.count)) {
		struct sample *cur = &samples[n % 2], *prev = &samples[(n - 1) % 2];

		if (!cmd_sleep_ms(o.oo.interval_ms))
			break;
		status = collect(&o, root, cur);
		if (status != VS_EXIT_OK)
			break;
		n++;
		show(&o, cur, prev, n);
		sample_free(prev);
		memset(prev, 0, sizeof(*prev));
	}
	sample_free(&samples[0]);
	sample_free(&samples[1]);
	cmd_kmod_close(&o.km);
	vs_root_unref(root);
	if (cmd_interrupted())
		cmd_exit_signal();
	if (status == VS_EXIT_OK && types_status)
		status = types_status;
	return status;
}
