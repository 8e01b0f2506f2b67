/* main.c - vmslab: the kernel's slab caches.
 *
 * Every cache of /proc/slabinfo and, with SLUB, /sys/kernel/slab: objects
 * in use and slots, object size against slot size, slabs and their order,
 * partial and per-CPU slabs, per-node figures, the names merged into each
 * cache, the memory of its slabs and how much of it holds no object.
 * Sorting, top-N, JSON, and --watch with the growth of each cache (one
 * that only grows is a kernel-side leak). The slabtop-compatible view is
 * in slabtop.c.
 *
 * The reading is snapshot_read(): vmscope.ko when it is loaded (every
 * figure in one pass, and what no file gives: per-CPU partial slabs, the
 * CPUs holding slabs, the flags), else /proc/slabinfo and the sysfs
 * attributes; each cache says where its figures came from.
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
#include "vmslab.h"
#include "vs_fmt.h"
#include "vs_source.h"
#include "vs_trend.h"

/* ---- reading ---------------------------------------------------------- */

static bool said_slabinfo, said_sysfs, said_bad_attr, said_missing_attr;

/* The attributes that give a cache's counts and geometry from sysfs. */
#define COUNT_ATTRS ((1u << VS_SA_OBJECTS) | (1u << VS_SA_TOTAL_OBJECTS) | \
		     (1u << VS_SA_SLABS) | (1u << VS_SA_SLAB_SIZE) | \
		     (1u << VS_SA_OBJS_PER_SLAB) | (1u << VS_SA_ORDER))

/* Every cache from vmscope.ko, and their names from /sys/kernel/slab's
 * links. Returns 0, or a negative errno with @e set. */
static int snapshot_kmod(struct vs_root *root, struct cmd_kmod *km,
			 struct snapshot *snap, struct vs_err *e)
{
	struct vs_km_slab *ks;
	int r;

	r = vs_kmod_slab(km->k, &ks, e);
	if (r == 0) {
		r = vs_slabs_from_kmod(&snap->s, ks, e);
		vs_km_slab_free(ks);
	}
	if (r < 0) {
		vs_slabs_free(&snap->s);
		return r;
	}
	snap->kmod = true;
	km->used = true;
	/* The merged names: links anyone may list. */
	r = vs_slab_sysfs_list(&snap->s, root, e);
	if (r == 0)
		snap->sysfs_listed = true;
	else if (!said_sysfs) {
		said_sysfs = true;
		cmd_warn_err(e);
	}
	return 0;
}

int snapshot_read(struct vs_root *root, enum count_source src,
		  struct cmd_kmod *km, uint32_t want, struct snapshot *snap)
{
	struct vs_err e;
	struct timespec ts;
	int r;

	memset(snap, 0, sizeof(*snap));
	vs_slabs_init(&snap->s);
	clock_gettime(CLOCK_REALTIME, &ts);
	snap->time = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	if ((src == SRC_KMOD || src == SRC_AUTO) && km && km->k) {
		r = snapshot_kmod(root, km, snap, &e);
		if (r == 0)
			return VS_EXIT_OK;
		if (src == SRC_KMOD) {
			cmd_warn_err(&e);
			return cmd_status_of_errno(r);
		}
		cmd_kmod_failed(km, &e);	/* procfs from now on */
		vs_slabs_init(&snap->s);
	}
	if (src != SRC_SYSFS) {
		r = vs_slabinfo_read(&snap->s, root, &e);
		if (r == 0) {
			snap->slabinfo = true;
		} else {
			snap->slabinfo_err = r;
			vs_slabs_free(&snap->s);
			if (r != -EACCES && r != -EPERM && r != -ENOENT) {
				cmd_warn_err(&e);
				return cmd_status_of_errno(r);
			}
			if (!said_slabinfo) {
				said_slabinfo = true;
				cmd_warn_err(&e);
			}
			if (src == SRC_SLABINFO)
				return cmd_status_of_errno(r);
		}
	}
	r = vs_slab_sysfs_list(&snap->s, root, &e);
	if (r == 0) {
		snap->sysfs_listed = true;
	} else if (r != -ENOENT) {
		cmd_warn_err(&e);
		return cmd_status_of_errno(r);
	} else if (!snap->slabinfo) {
		if (!said_sysfs) {
			said_sysfs = true;
			cmd_warn_err(&e);
		}
		return snap->slabinfo_err ? cmd_status_of_errno(snap->slabinfo_err) :
		       VS_EXIT_UNSUPPORTED;
	}
	/* The counts come from sysfs when asked, or when slabinfo could not
	 * be read; a cache slabinfo did not list (created since) too. */
	if (src == SRC_SYSFS || !snap->slabinfo)
		want |= (1u << VS_SA_OBJECTS) | (1u << VS_SA_TOTAL_OBJECTS) |
			(1u << VS_SA_SLABS) | (1u << VS_SA_SLAB_SIZE) |
			(1u << VS_SA_OBJS_PER_SLAB) | (1u << VS_SA_ORDER);
	for (size_t i = 0; i < snap->s.n; i++) {
		struct vs_slab_cache *c = &snap->s.c[i];
		uint32_t w = want;

		if (c->counts_src == VS_SRC_NONE)
			w |= (1u << VS_SA_OBJECTS) | (1u << VS_SA_TOTAL_OBJECTS) |
			     (1u << VS_SA_SLABS) | (1u << VS_SA_SLAB_SIZE) |
			     (1u << VS_SA_OBJS_PER_SLAB) | (1u << VS_SA_ORDER);
		r = vs_slab_sysfs_read(c, root, w, &e);
		if (r < 0) {
			/* One cache's bad file: say it (once per run), show
			 * the cache without that figure, go on. */
			if (!said_bad_attr) {
				said_bad_attr = true;
				cmd_warn_err(&e);
			}
			snap->partial = VS_EXIT_FAILURE;
		}
		snap->denied |= c->denied;
		if ((src == SRC_SYSFS || c->counts_src == VS_SRC_NONE) &&
		    !vs_slab_counts_from_sysfs(c) && !(c->bad & w) &&
		    (c->missing & w & COUNT_ATTRS)) {
			/* The kernel shows no such file for this cache. */
			if (!said_missing_attr) {
				char path[256], full[4096];

				said_missing_attr = true;
				snprintf(path, sizeof(path),
					 "/sys/kernel/slab/%s/%s", c->dir,
					 vs_sa_name[__builtin_ctz(c->missing &
						    w & COUNT_ATTRS)]);
				cmd_warn("no counts for slab cache '%s': '%s' "
					 "does not exist", c->name,
					 vs_root_path(root, path, full,
						      sizeof(full)));
			}
			if (snap->partial != VS_EXIT_FAILURE)
				snap->partial = VS_EXIT_UNSUPPORTED;
		}
	}
	if (snap->denied && !said_sysfs) {
		said_sysfs = true;
		cmd_warn("cannot read the attributes of '/sys/kernel/slab/*/' "
			 "(%s...): permission denied", vs_sa_name[__builtin_ctz(
			 snap->denied)]);
		fprintf(stderr, "hint: slab figures need root: /proc/slabinfo "
			"and the /sys/kernel/slab attributes are root only on "
			"this kernel\n");
	}
	return VS_EXIT_OK;
}

void snapshot_free(struct snapshot *snap)
{
	vs_slabs_free(&snap->s);
}

/* ---- columns ---------------------------------------------------------- */

enum {
	COL_NAME, COL_OBJS, COL_ACTIVE, COL_USE, COL_OBJ_SIZE, COL_SLOT_SIZE,
	COL_OBJ_PER_SLAB, COL_PAGES_PER_SLAB, COL_ORDER, COL_SLABS,
	COL_PARTIAL, COL_CPU_SLABS, COL_MEMORY, COL_USED, COL_WASTE,
	COL_WASTE_PCT, COL_SLACK, COL_FREE_SLOTS, COL_TAIL, COL_ALIASES,
	COL_ALIAS_NAMES, COL_SYSFS_DIR, COL_RECLAIMABLE, COL_ALIGN,
	COL_PARTIAL_OBJS, COL_CPU_PARTIAL, COL_CPUS, COL_FLAGS, COL_SOURCE,
	COL_ATTR_SOURCE, COL_DELTA, COL_DELTA_MEM, COL_GREW, COL_TREND,
	COL_SLOPE, COL__COUNT
};

static const struct vs_col cols[COL__COUNT] = {
	[COL_NAME] = { "NAME", "name", VS_COL_STR, 0, 0,
		"name of the cache (as slabinfo lists it)" },
	[COL_OBJS] = { "OBJS", "objects", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"object slots in all slabs (slabinfo num_objs)" },
	[COL_ACTIVE] = { "ACTIVE", "active_objects", VS_COL_NUM, 0,
		VS_COLF_RIGHT, "objects in use (slabinfo active_objs)" },
	[COL_USE] = { "USE", "use_percent", VS_COL_FLOAT, 0, VS_COLF_RIGHT,
		"percent of the slots in use" },
	[COL_OBJ_SIZE] = { "OBJ_SIZE", "object_size", VS_COL_SIZE, 0,
		VS_COLF_RIGHT, "size of an object as the cache's user asked "
		"(sysfs object_size)" },
	[COL_SLOT_SIZE] = { "SLOT_SIZE", "slot_size", VS_COL_SIZE, 0,
		VS_COLF_RIGHT, "bytes each object takes in a slab, metadata "
		"and alignment included (slabinfo objsize)" },
	[COL_OBJ_PER_SLAB] = { "OBJ_PER_SLAB", "objects_per_slab", VS_COL_NUM,
		0, VS_COLF_RIGHT, "objects in one slab" },
	[COL_PAGES_PER_SLAB] = { "PAGES_PER_SLAB", "pages_per_slab",
		VS_COL_NUM, 0, VS_COLF_RIGHT, "pages of one slab" },
	[COL_ORDER] = { "ORDER", "order", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"page order of a slab (2^ORDER pages)" },
	[COL_SLABS] = { "SLABS", "slabs", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"slabs of the cache" },
	[COL_PARTIAL] = { "PARTIAL", "partial_slabs", VS_COL_NUM, 0,
		VS_COLF_RIGHT, "partly used slabs on the node lists (sysfs)" },
	[COL_CPU_SLABS] = { "CPU_SLABS", "cpu_slabs", VS_COL_NUM, 0,
		VS_COLF_RIGHT, "slabs held by CPUs (sysfs)" },
	[COL_MEMORY] = { "MEMORY", "memory", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"memory of the slabs: SLABS x PAGES_PER_SLAB x page size" },
	[COL_USED] = { "USED", "used", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"ACTIVE x OBJ_SIZE: what the objects need" },
	[COL_WASTE] = { "WASTE", "waste", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"MEMORY - USED = SLACK + FREE_SLOTS + TAIL" },
	[COL_WASTE_PCT] = { "WASTE_PCT", "waste_percent", VS_COL_FLOAT, 0,
		VS_COLF_RIGHT, "WASTE in percent of MEMORY" },
	[COL_SLACK] = { "SLACK", "slack", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"ACTIVE x (SLOT_SIZE - OBJ_SIZE): metadata and alignment" },
	[COL_FREE_SLOTS] = { "FREE_SLOTS", "free_slots", VS_COL_SIZE, 0,
		VS_COLF_RIGHT, "(OBJS - ACTIVE) x SLOT_SIZE: empty slots" },
	[COL_TAIL] = { "TAIL", "slab_tail", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"MEMORY - OBJS x SLOT_SIZE: the ends of slabs no slot fits" },
	[COL_ALIASES] = { "ALIASES", "aliases", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"other caches merged into this one (sysfs aliases)" },
	[COL_ALIAS_NAMES] = { "ALIAS_NAMES", "alias_names", VS_COL_STR, 0,
		VS_COLF_TRUNC, "their names (links in /sys/kernel/slab)" },
	[COL_SYSFS_DIR] = { "SYSFS_DIR", "sysfs_dir", VS_COL_STR, 0, 0,
		"its directory in /sys/kernel/slab (:0000064 for merged ones)" },
	[COL_RECLAIMABLE] = { "RECLAIMABLE", "reclaimable", VS_COL_BOOL, 0, 0,
		"the kernel may free its objects under pressure "
		"(SLAB_RECLAIM_ACCOUNT)" },
	[COL_ALIGN] = { "ALIGN", "align", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"alignment of the objects" },
	[COL_PARTIAL_OBJS] = { "PARTIAL_OBJS", "partial_objects", VS_COL_NUM, 0,
		VS_COLF_RIGHT, "objects in use in the partial slabs of the "
		"node lists (sysfs objects_partial)" },
	[COL_CPU_PARTIAL] = { "CPU_PARTIAL", "cpu_partial_slabs", VS_COL_NUM,
		0, VS_COLF_RIGHT, "partial slabs on the CPUs' own lists now "
		"(vmscope.ko)" },
	[COL_CPUS] = { "CPUS", "cpus_with_slab", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"CPUs holding an active slab of the cache (vmscope.ko)" },
	[COL_FLAGS] = { "FLAGS", "flags", VS_COL_STR, 0, VS_COLF_TRUNC,
		"the cache's SLAB_* flags, without SLAB_ (vmscope.ko)" },
	[COL_SOURCE] = { "SOURCE", "source", VS_COL_STR, 0, 0,
		"where the counts were read: vmscope.ko, slabinfo or sysfs" },
	[COL_ATTR_SOURCE] = { "ATTR_SOURCE", "attr_source", VS_COL_STR, 0, 0,
		"where OBJ_SIZE, PARTIAL, CPU_SLABS and ALIASES were read: "
		"vmscope.ko or sysfs" },
	[COL_DELTA] = { "DELTA", "delta_active", VS_COL_INT, 0, VS_COLF_RIGHT,
		"change of ACTIVE since the previous sample (--watch)" },
	[COL_DELTA_MEM] = { "DELTA_MEM", "delta_memory", VS_COL_INT, 0,
		VS_COLF_RIGHT, "change of MEMORY since the previous sample, "
		"bytes" },
	[COL_GREW] = { "GREW", "grew_intervals", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"intervals in which ACTIVE grew, since the first sample" },
	[COL_TREND] = { "TREND", "trend", VS_COL_STR, 0, 0,
		"ACTIVE since the first sample, by the rule of vmslab(1): "
		"short (under 4 intervals), flat (no slope beyond noise), "
		"grows, up or down" },
	[COL_SLOPE] = { "SLOPE", "slope_per_s", VS_COL_FLOAT, 0, VS_COLF_RIGHT,
		"least-squares slope of ACTIVE since the first sample, "
		"objects per second (--watch)" },
};

/* The sysfs attributes each column needs. */
static uint32_t col_attrs(int col)
{
	switch (col) {
	case COL_OBJ_SIZE: case COL_USED: case COL_WASTE: case COL_WASTE_PCT:
	case COL_SLACK:
		return 1u << VS_SA_OBJECT_SIZE;
	/* ORDER follows from slabinfo's pages per slab, and ALIASES from
	 * the links of /sys/kernel/slab: no file to read for them. */
	case COL_PARTIAL: return 1u << VS_SA_PARTIAL;
	case COL_PARTIAL_OBJS: return 1u << VS_SA_OBJECTS_PARTIAL;
	case COL_CPU_SLABS: return 1u << VS_SA_CPU_SLABS;
	case COL_RECLAIMABLE: return 1u << VS_SA_RECLAIM_ACCOUNT;
	case COL_ALIGN: return 1u << VS_SA_ALIGN;
	}
	return 0;
}

/* ---- growth between samples ------------------------------------------ */

struct history {
	char name[VS_SLAB_NAME_MAX];
	uint64_t prev;			/* active objects, previous sample */
	uint64_t prev_mem;		/* memory, previous sample */
	bool have_prev;
	bool have_delta;		/* the deltas below are this sample's */
	int64_t delta, delta_mem;
	unsigned grew, shrank, intervals;
	struct vs_trend trend;		/* ACTIVE over time: the TREND rule */
};

static struct history *hist;
static size_t nhist, caphist;

/* Room for @n more entries, so that pointers taken stay valid. */
static void history_reserve(size_t n)
{
	struct history *h;

	if (nhist + n <= caphist)
		return;
	h = realloc(hist, (nhist + n) * sizeof(*h));
	if (!h)
		cmd_die(VS_EXIT_FAILURE, "out of memory");
	hist = h;
	caphist = nhist + n;
}

/* The entry of @name; history_reserve() made room for a new one. */
static struct history *history_of(const char *name)
{
	struct history *h;

	for (size_t i = 0; i < nhist; i++)
		if (!strcmp(hist[i].name, name))
			return &hist[i];
	h = &hist[nhist++];
	memset(h, 0, sizeof(*h));
	snprintf(h->name, sizeof(h->name), "%s", name);
	return h;
}

/* ---- values of a row -------------------------------------------------- */

static uint64_t page_size(void)
{
	long p = sysconf(_SC_PAGESIZE);

	return p > 0 ? (uint64_t)p : 4096;
}

struct val {
	bool null, is_str, is_dbl, is_int;
	uint64_t u;
	int64_t i;
	double d;
	const char *s;
};

struct row {
	struct vs_slab_cache *c;
	struct history *h;	/* NULL without --watch */
	size_t pos;		/* order in the file: the stable tie-break */
	char aliases[1024];
	char flags[512];	/* VS_SLAB_F_* names, when known */
};

/* The names of the VS_SLAB_F_* bits @flags, comma-separated ("" none). */
static void flag_names(uint32_t flags, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (unsigned b = 0; b < VS_SLAB_F__COUNT; b++) {
		int w;

		if (!(flags & (1u << b)))
			continue;
		w = snprintf(buf + len, size - len, "%s%s", len ? "," : "",
			     vs_slab_flag_name(b));
		if (w < 0 || (size_t)w >= size - len)
			break;
		len += (size_t)w;
	}
}

static void row_value(const struct row *r, int col, struct val *v)
{
	const struct vs_slab_cache *c = r->c;
	bool counts = c->counts_src != VS_SRC_NONE;
	bool geom = c->geom_src != VS_SRC_NONE;
	bool osize = vs_slab_has(c, VS_SA_OBJECT_SIZE);
	uint64_t mem = 0, used = 0;
	bool have_mem = vs_slab_memory(c, page_size(), &mem);
	bool have_used = vs_slab_used(c, &used);

	memset(v, 0, sizeof(*v));
	v->null = true;
	switch (col) {
	case COL_NAME: v->null = false; v->is_str = true; v->s = c->name; return;
	case COL_OBJS: v->null = !counts; v->u = c->num_objs; return;
	case COL_ACTIVE: v->null = !counts; v->u = c->active_objs; return;
	case COL_USE:
		v->null = !counts || c->num_objs == 0;
		v->is_dbl = true;
		v->d = v->null ? 0 : 100.0 * (double)c->active_objs /
			(double)c->num_objs;
		return;
	case COL_OBJ_SIZE: v->null = !osize; v->u = c->attr[VS_SA_OBJECT_SIZE];
		return;
	case COL_SLOT_SIZE: v->null = !geom; v->u = c->slot_size; return;
	case COL_OBJ_PER_SLAB: v->null = !geom; v->u = c->objs_per_slab;
		return;
	case COL_PAGES_PER_SLAB: v->null = !geom; v->u = c->pages_per_slab;
		return;
	case COL_ORDER:
		if (vs_slab_has(c, VS_SA_ORDER)) {
			v->null = false;
			v->u = c->attr[VS_SA_ORDER];
		} else if (geom && c->pages_per_slab &&
			   !(c->pages_per_slab & (c->pages_per_slab - 1))) {
			v->null = false;
			v->u = (uint64_t)__builtin_ctzll(c->pages_per_slab);
		}
		return;
	case COL_SLABS: v->null = !counts; v->u = c->num_slabs; return;
	case COL_PARTIAL: v->null = !vs_slab_has(c, VS_SA_PARTIAL);
		v->u = c->attr[VS_SA_PARTIAL]; return;
	case COL_CPU_SLABS: v->null = !vs_slab_has(c, VS_SA_CPU_SLABS);
		v->u = c->attr[VS_SA_CPU_SLABS]; return;
	case COL_MEMORY: v->null = !have_mem; v->u = mem; return;
	case COL_USED: v->null = !have_used; v->u = used; return;
	case COL_WASTE:
		v->null = !have_mem || !have_used || used > mem;
		v->u = mem - used;
		return;
	case COL_WASTE_PCT:
		v->null = !have_mem || !have_used || used > mem || mem == 0;
		v->is_dbl = true;
		v->d = v->null ? 0 : 100.0 * (double)(mem - used) / (double)mem;
		return;
	case COL_SLACK:
		v->null = !counts || !osize || !geom ||
			  c->slot_size < c->attr[VS_SA_OBJECT_SIZE];
		v->u = c->active_objs * (c->slot_size - c->attr[VS_SA_OBJECT_SIZE]);
		return;
	case COL_FREE_SLOTS:
		v->null = !counts || !geom || c->num_objs < c->active_objs;
		v->u = (c->num_objs - c->active_objs) * c->slot_size;
		return;
	case COL_TAIL:
		v->null = !have_mem || !geom || c->num_objs * c->slot_size > mem;
		v->u = mem - c->num_objs * c->slot_size;
		return;
	case COL_ALIASES:
		if (vs_slab_has(c, VS_SA_ALIASES)) {
			v->null = false;
			v->u = c->attr[VS_SA_ALIASES];
		} else if (c->aliases_known) {
			v->null = false;
			v->u = c->naliases;
		}
		return;
	case COL_ALIAS_NAMES:
		v->null = !c->aliases_known;
		v->is_str = true;
		v->s = r->aliases;
		return;
	case COL_SYSFS_DIR:
		v->null = !c->in_sysfs;
		v->is_str = true;
		v->s = c->dir;
		return;
	case COL_RECLAIMABLE: v->null = !vs_slab_has(c, VS_SA_RECLAIM_ACCOUNT);
		v->u = c->attr[VS_SA_RECLAIM_ACCOUNT] != 0; return;
	case COL_ALIGN: v->null = !vs_slab_has(c, VS_SA_ALIGN);
		v->u = c->attr[VS_SA_ALIGN]; return;
	case COL_PARTIAL_OBJS:
		v->null = !vs_slab_has(c, VS_SA_OBJECTS_PARTIAL);
		v->u = c->attr[VS_SA_OBJECTS_PARTIAL];
		return;
	case COL_CPU_PARTIAL: v->null = !c->have_cpu_partial_now;
		v->u = c->cpu_partial_now; return;
	case COL_CPUS: v->null = !c->km_known; v->u = c->cpus_with_slab;
		return;
	case COL_FLAGS:
		v->null = !c->km_known;
		v->is_str = true;
		v->s = r->flags;
		return;
	case COL_SOURCE:
		v->null = !counts;
		v->is_str = true;
		v->s = vs_source_name(c->counts_src);
		return;
	case COL_ATTR_SOURCE:
		v->null = !c->have;
		v->is_str = true;
		v->s = vs_source_name(c->attr_src);
		return;
	case COL_DELTA:
		v->is_int = true;
		v->null = !r->h || !r->h->have_delta;
		v->i = v->null ? 0 : r->h->delta;
		return;
	case COL_DELTA_MEM:
		v->is_int = true;
		v->null = !r->h || !r->h->have_delta || !have_mem;
		v->i = v->null ? 0 : r->h->delta_mem;
		return;
	case COL_GREW:
		v->null = !r->h || !counts;
		v->u = r->h ? r->h->grew : 0;
		return;
	case COL_TREND: {
		struct vs_trend_fit fit;

		v->is_str = true;
		v->null = !r->h || !counts;
		if (v->null)
			return;
		vs_trend_fit(&r->h->trend, &fit);
		v->s = vs_trend_name(fit.kind);
		return;
	}
	case COL_SLOPE: {
		struct vs_trend_fit fit;

		v->is_dbl = true;
		v->null = !r->h || !counts;
		if (v->null)
			return;
		vs_trend_fit(&r->h->trend, &fit);
		v->null = !fit.have_slope;
		v->d = fit.slope;
		return;
	}
	}
}

/* Sort: sizes and counts largest first, names in the locale's order;
 * absent figures last; ties keep the file's order. */
static int sort_col = COL_MEMORY;
static bool sort_reverse;

static int row_cmp(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	struct val vx, vy;
	int r = 0;

	row_value(x, sort_col, &vx);
	row_value(y, sort_col, &vy);
	if (vx.null != vy.null)
		return vx.null ? 1 : -1;
	if (!vx.null) {
		if (vx.is_str)
			r = strcoll(vx.s, vy.s);
		else if (vx.is_dbl)
			r = vx.d < vy.d ? 1 : vx.d > vy.d ? -1 : 0;
		else if (vx.is_int)
			r = vx.i < vy.i ? 1 : vx.i > vy.i ? -1 : 0;
		else
			r = vx.u < vy.u ? 1 : vx.u > vy.u ? -1 : 0;
		if (sort_reverse)
			r = -r;
	}
	if (r == 0)
		r = x->pos < y->pos ? -1 : x->pos > y->pos;
	return r;
}

/* slabtop's sort letters, as columns of this view. */
static int sort_letter(char c)
{
	switch (c) {
	case 'a': return COL_ACTIVE;
	case 'b': return COL_OBJ_PER_SLAB;
	case 'c': return COL_MEMORY;
	case 'l': return COL_SLABS;
	case 'v': return COL_SLABS;	/* active slabs: all slabs on SLUB */
	case 'n': return COL_NAME;
	case 'o': return COL_OBJS;
	case 'p': return COL_PAGES_PER_SLAB;
	case 's': return COL_SLOT_SIZE;
	case 'u': return COL_USE;
	}
	return -1;
}

/* ---- options ---------------------------------------------------------- */

struct opts {
	int sel[COL__COUNT * 2];
	size_t nsel;
	uint64_t top;			/* 0: every cache */
	bool nodes;			/* --nodes */
	struct cmd_outopts oo;	/* -J -o -w -c ...; interval 2 s */
	enum count_source src;
	struct cmd_kmod km;	/* vmscope.ko */
	struct vs_out *out;
};

enum {
	OPT_REVERSE = 0x100,
	OPT_TOP, OPT_NODES, OPT_SOURCE, OPT_SLABTOP,
};

static const struct option longopts[] = {
	{ "sort", required_argument, NULL, 's' },
	{ "reverse", no_argument, NULL, OPT_REVERSE },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "nodes", no_argument, NULL, OPT_NODES },
	{ "source", required_argument, NULL, OPT_SOURCE },
	CMD_LONGOPTS_TABLE,
	{ "raw", no_argument, NULL, 'r' },
	{ "noheadings", no_argument, NULL, 'n' },
	{ "watch", optional_argument, NULL, 'w' },
	{ "count", required_argument, NULL, 'c' },
	{ "sysroot", required_argument, NULL, CMD_OPT_SYSROOT },
	{ "slabtop", no_argument, NULL, OPT_SLABTOP },
	CMD_LONGOPTS_END,
};

static noreturn void usage(void)
{
	printf("Usage:\n"
	       " %s [options]\n"
	       " %s --slabtop [-o] [-s CHAR] [-d SECONDS]\n\n"
	       "Show the kernel's slab caches: objects, object and slot sizes, slabs,\n"
	       "memory and waste, aliases, per-node figures, growth over time.\n\n"
	       "Options:\n"
	       " -s, --sort=KEY             order by a column (see --list-columns) or by a\n"
	       "                            slabtop letter (a b c l v n o p s u); MEMORY\n"
	       "     --reverse              reverse the order\n"
	       "     --top=N                only the first N caches\n"
	       "     --nodes                a table of slabs and objects per NUMA node\n"
	       "     --source=SOURCE        take the figures from kmod (vmscope.ko), slabinfo\n"
	       "                            or sysfs; default: kmod when loaded, else slabinfo\n"
	       " -J, --json                 JSON output (NDJSON with --watch)\n"
	       " -o, --output=LIST          these columns (see --list-columns)\n"
	       "     --output-all           every column\n"
	       "     --list-columns         list the columns and exit\n"
	       " -b, --bytes                sizes in bytes\n"
	       " -r, --raw                  unaligned tables\n"
	       " -n, --noheadings           no table headings\n"
	       " -w, --watch[=SECONDS]      print again every SECONDS (default 2) with each\n"
	       "                            cache's growth since the previous and first sample\n"
	       " -c, --count=N              with --watch, stop after N samples\n"
	       "     --sysroot=DIR          read /proc and /sys below DIR instead of /\n"
	       " -h, --help                 show this help and exit\n"
	       " -V, --version              show the version and exit\n\n"
	       "The slabtop view (slabtop -o's output, byte for byte):\n"
	       "     --slabtop              slabtop's summary and columns\n"
	       " -o, --once                 with --slabtop: print once and exit\n"
	       " -d, --delay=SECONDS        with --slabtop: print again every SECONDS (3)\n"
	       " -s, --sort=CHAR            with --slabtop: slabtop's sort letters\n\n"
	       "Exit status: 0 success, 1 failure, 2 usage error, 3 the kernel has no\n"
	       "slab information, 4 permission denied (figures need root). See vmslab(1).\n",
	       cmd_name(), cmd_name());
	exit(VS_EXIT_OK);
}

/* ---- printing --------------------------------------------------------- */

static void put(struct vs_table *t, int col, const struct val *v)
{
	if (v->null)
		vs_table_null(t, col);
	else if (v->is_str)
		vs_table_str(t, col, v->s);
	else if (v->is_dbl)
		vs_table_double(t, col, v->d, 1);
	else if (v->is_int)
		vs_table_i64(t, col, v->i);
	else if (cols[col].type == VS_COL_BOOL)
		vs_table_bool(t, col, v->u != 0);
	else
		vs_table_u64(t, col, v->u);
}

static void totals(const struct opts *o, const struct snapshot *snap)
{
	struct vs_out *out = o->out;
	uint64_t objs = 0, active = 0, mem = 0, used = 0, slabs = 0;
	size_t ncaches = snap->s.n, inuse = 0, counted = 0, withused = 0;

	for (size_t i = 0; i < snap->s.n; i++) {
		const struct vs_slab_cache *c = &snap->s.c[i];
		uint64_t m, u;

		if (c->counts_src == VS_SRC_NONE)
			continue;
		counted++;
		objs += c->num_objs;
		active += c->active_objs;
		slabs += c->num_slabs;
		inuse += c->num_objs != 0;
		if (vs_slab_memory(c, page_size(), &m))
			mem += m;
		if (vs_slab_used(c, &u)) {
			used += u;
			withused++;
		}
	}
	if (out->fmt == VS_OUT_JSON)
		vs_json_obj_begin(&out->json, "totals");
	vs_out_u64(out, "caches", "%s caches", ncaches);
	if (counted < ncaches && counted == 0) {
		vs_out_null(out, "caches_in_use", NULL);
		vs_out_null(out, "objects", NULL);
		vs_out_null(out, "active_objects", NULL);
		vs_out_null(out, "slabs", NULL);
		vs_out_null(out, "memory", NULL);
		vs_out_null(out, "used", NULL);
		vs_out_null(out, "waste", NULL);
		if (out->fmt != VS_OUT_JSON)
			fputs(", no figures\n", out->f);
	} else {
		vs_out_u64(out, "caches_in_use", " (%s in use)", inuse);
		vs_out_u64(out, "active_objects", ", %s", active);
		vs_out_u64(out, "objects", " of %s objects in use", objs);
		vs_out_u64(out, "slabs", ", %s slabs", slabs);
		vs_out_size(out, "memory", " holding %s", mem);
		if (withused == counted) {
			vs_out_size(out, "used", "; objects need %s", used);
			vs_out_size(out, "waste", ", %s wasted", mem - used);
		} else {
			vs_out_null(out, "used", NULL);
			vs_out_null(out, "waste", NULL);
		}
		if (out->fmt != VS_OUT_JSON)
			fputc('\n', out->f);
	}
	if (out->fmt == VS_OUT_JSON)
		vs_json_obj_end(&out->json);
}

static void nodes_table(const struct opts *o, struct row *rows, size_t n)
{
	static const struct vs_col ncols[] = {
		{ "NAME", "name", VS_COL_STR, 0, 0, "cache" },
		{ "NODE", "node", VS_COL_NUM, 0, VS_COLF_RIGHT, "NUMA node" },
		{ "SLABS", "slabs", VS_COL_NUM, 0, VS_COLF_RIGHT, "slabs" },
		{ "OBJS", "objects", VS_COL_NUM, 0, VS_COLF_RIGHT, "slots" },
		{ "ACTIVE", "active_objects", VS_COL_NUM, 0, VS_COLF_RIGHT,
		  "objects in use" },
		{ "PARTIAL", "partial_slabs", VS_COL_NUM, 0, VS_COLF_RIGHT,
		  "partial slabs" },
		{ "PARTIAL_OBJS", "partial_objects", VS_COL_NUM, 0,
		  VS_COLF_RIGHT, "objects in use in the partial slabs" },
		{ "CPU_SLABS", "cpu_slabs", VS_COL_NUM, 0, VS_COLF_RIGHT,
		  "slabs held by CPUs, by the node of their pages" },
	};
	static const int sel[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	struct vs_table *t;
	struct vs_err e;

	if (o->out->fmt != VS_OUT_JSON)
		fputc('\n', o->out->f);
	if (vs_table_new(o->out, "nodes", ncols, 8, sel, 8, &t, &e) < 0) {
		cmd_warn_err(&e);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct vs_slab_cache *c = rows[i].c;

		for (unsigned k = 0; k < c->nnodes; k++) {
			const struct vs_slab_node *nd = &c->nodes[k];
			uint64_t fields[6] = { nd->slabs, nd->total_objects,
					       nd->objects, nd->partial,
					       nd->objects_partial,
					       nd->cpu_slabs };
			int sa[6] = { VS_SA_SLABS, VS_SA_TOTAL_OBJECTS,
				      VS_SA_OBJECTS, VS_SA_PARTIAL,
				      VS_SA_OBJECTS_PARTIAL, VS_SA_CPU_SLABS };

			vs_table_row(t);
			vs_table_str(t, 0, c->name);
			vs_table_u64(t, 1, (uint64_t)nd->node);
			for (int f = 0; f < 6; f++) {
				if (nd->have & (1u << sa[f]))
					vs_table_u64(t, 2 + f, fields[f]);
				else
					vs_table_null(t, 2 + f);
			}
		}
	}
	if (vs_table_end(t) == -EPIPE)
		cmd_exit_closed_pipe();
}

static void show(const struct opts *o, struct snapshot *snap,
		 uint64_t nsample, double prev_time)
{
	struct vs_out *out = o->out;
	bool json = out->fmt == VS_OUT_JSON;
	struct row *rows = calloc(snap->s.n ? snap->s.n : 1, sizeof(*rows));
	size_t n = snap->s.n, shown;
	struct vs_table *t;
	struct vs_err e;

	if (!rows)
		cmd_die(VS_EXIT_FAILURE, "out of memory");
	if (o->oo.watch)
		history_reserve(n);
	for (size_t i = 0; i < n; i++) {
		struct vs_slab_cache *c = &snap->s.c[i];
		size_t len = 0;

		rows[i].c = c;
		rows[i].pos = i;
		rows[i].h = o->oo.watch ? history_of(c->name) : NULL;
		rows[i].aliases[0] = '\0';
		flag_names(c->flags, rows[i].flags, sizeof(rows[i].flags));
		for (unsigned k = 0; k < c->naliases; k++) {
			int w = snprintf(rows[i].aliases + len,
					 sizeof(rows[i].aliases) - len, "%s%s",
					 k ? "," : "", c->aliases[k]);

			if (w < 0 || (size_t)w >= sizeof(rows[i].aliases) - len)
				break;
			len += (size_t)w;
		}
	}
	/* This sample against the previous one, for the growth columns. */
	for (size_t i = 0; o->oo.watch && i < n; i++) {
		struct history *h = rows[i].h;
		const struct vs_slab_cache *c = rows[i].c;
		uint64_t mem = 0;

		h->have_delta = false;
		if (c->counts_src == VS_SRC_NONE) {
			/* A gap in the counts: the series starts again. */
			h->have_prev = false;
			vs_trend_init(&h->trend);
			continue;
		}
		vs_trend_add(&h->trend, snap->time, c->active_objs);
		vs_slab_memory(c, page_size(), &mem);
		if (h->have_prev) {
			h->have_delta = true;
			h->delta = (int64_t)(c->active_objs - h->prev);
			h->delta_mem = (int64_t)(mem - h->prev_mem);
			h->intervals++;
			if (h->delta > 0)
				h->grew++;
			else if (h->delta < 0)
				h->shrank++;
		}
		h->prev = c->active_objs;
		h->prev_mem = mem;
		h->have_prev = true;
	}
	qsort(rows, n, sizeof(*rows), row_cmp);
	shown = o->top && o->top < n ? o->top : n;

	if (json) {
		struct vs_json *j = &out->json;

		vs_json_init(j, out->f, !o->oo.watch);
		vs_json_obj_begin(j, NULL);
		vs_json_obj_begin(j, "vmslab");
		vs_json_double(j, "time", snap->time, 3);
		vs_json_u64(j, "sample", nsample);
		if (prev_time > 0)
			vs_json_double(j, "interval", snap->time - prev_time, 3);
		else
			vs_json_null(j, "interval");
		cmd_kmod_json(&o->km, j);
		vs_json_bool(j, "slabinfo", snap->slabinfo);
		vs_json_bool(j, "sysfs", snap->sysfs_listed);
		vs_json_u64(j, "page_size", page_size());
	} else if (o->oo.watch) {
		time_t now = (time_t)snap->time;
		struct tm tm;
		char when[32];

		localtime_r(&now, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
		fprintf(out->f, "%s--- sample %llu at %s ---\n",
			nsample > 1 ? "\n" : "", (unsigned long long)nsample,
			when);
	}
	if (!out->noheadings || json)
		totals(o, snap);
	if (vs_table_new(out, "caches", cols, COL__COUNT, o->sel, o->nsel, &t,
			 &e) < 0)
		cmd_die(VS_EXIT_FAILURE, "%s", e.msg);
	for (size_t i = 0; i < shown; i++) {
		vs_table_row(t);
		for (size_t k = 0; k < o->nsel; k++) {
			struct val v;

			row_value(&rows[i], o->sel[k], &v);
			put(t, o->sel[k], &v);
		}
	}
	if (vs_table_end(t) == -EPIPE)
		cmd_exit_closed_pipe();
	if (o->nodes)
		nodes_table(o, rows, shown);
	if (json) {
		vs_json_obj_end(&out->json);
		vs_json_obj_end(&out->json);
		if (vs_json_finish(&out->json) == -EPIPE)
			cmd_exit_closed_pipe();
	}
	if (fflush(out->f) != 0 && errno == EPIPE)
		cmd_exit_closed_pipe();
	free(rows);
}

static const int default_text[] = {
	COL_NAME, COL_OBJS, COL_ACTIVE, COL_USE, COL_OBJ_SIZE, COL_SLOT_SIZE,
	COL_SLABS, COL_ORDER, COL_MEMORY, COL_WASTE, COL_ALIASES,
};

static size_t default_cols(const struct opts *o, bool json, int *sel)
{
	size_t n = 0;

	if (json) {
		for (int c = 0; c < COL__COUNT; c++)
			if (o->oo.watch || (c != COL_DELTA && c != COL_DELTA_MEM &&
					 c != COL_GREW && c != COL_TREND &&
					 c != COL_SLOPE))
				sel[n++] = c;
		return n;
	}
	for (size_t i = 0; i < sizeof(default_text) / sizeof(*default_text); i++)
		sel[n++] = default_text[i];
	if (o->oo.watch) {
		sel[n++] = COL_DELTA;
		sel[n++] = COL_DELTA_MEM;
		sel[n++] = COL_TREND;
	}
	return n;
}

int main(int argc, char **argv)
{
	static struct opts o;
	static struct vs_out out;
	static struct snapshot snaps[2];
	const char *sortspec = NULL;
	const char *base = strrchr(argv[0], '/');
	struct vs_root *root = NULL;
	struct vs_err e;
	uint32_t want = 0;
	uint64_t n;
	int c, status, final = VS_EXIT_OK;

	base = base ? base + 1 : argv[0];
	cmd_init("vmslab");
	/* The slabtop view: its options, not vmslab's. */
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--slabtop") || !strcmp(base, "slabtop"))
			return slabtop_main(argc, argv, &root);
	o.oo.interval_ms = 2000;
	o.out = &out;
	while ((c = getopt_long(argc, argv, "s:Jo:brnw::c:hV", longopts,
				NULL)) != -1) {
		switch (c) {
		case 's': sortspec = optarg; break;
		case OPT_REVERSE: sort_reverse = true; break;
		case OPT_TOP:
			if (vs_parse_u64(optarg, 10, &o.top) < 0 || o.top == 0)
				cmd_usage_error("invalid number '%s'", optarg);
			break;
		case OPT_NODES: o.nodes = true; break;
		case OPT_SOURCE:
			if (!strcmp(optarg, "slabinfo"))
				o.src = SRC_SLABINFO;
			else if (!strcmp(optarg, "sysfs"))
				o.src = SRC_SYSFS;
			else if (!strcmp(optarg, "kmod"))
				o.src = SRC_KMOD;
			else
				cmd_usage_error("unknown source '%s' (kmod, "
						"slabinfo or sysfs)", optarg);
			break;
		case 'h': usage();
		default: cmd_outopts_parse(&o.oo, c, optarg);
		}
	}
	if (optind < argc)
		cmd_usage_error("unexpected argument '%s'", argv[optind]);
	cmd_outopts_done(&o.oo, &out);
	if (o.oo.list_cols)
		return cmd_list_columns(cols, COL__COUNT, out.fmt);
	if (sortspec) {
		sort_col = strlen(sortspec) == 1 ?
			   sort_letter((char)(sortspec[0] | 0x20)) :
			   vs_col_find(cols, COL__COUNT, sortspec);
		if (sort_col < 0)
			cmd_usage_error("unknown sort key '%s' (a column or one of "
					"a b c l v n o p s u)", sortspec);
	}
	{
		int def[COL__COUNT];
		size_t ndef = default_cols(&o, o.oo.json, def);

		o.nsel = cmd_outopts_cols(&o.oo, cols, COL__COUNT, def, ndef,
					  o.sel, sizeof(o.sel) / sizeof(*o.sel));
	}
	for (size_t i = 0; i < o.nsel; i++)
		want |= col_attrs(o.sel[i]);
	want |= col_attrs(sort_col);
	if (o.nodes)
		want |= (1u << VS_SA_SLABS) | (1u << VS_SA_OBJECTS) |
			(1u << VS_SA_TOTAL_OBJECTS) | (1u << VS_SA_PARTIAL) |
			(1u << VS_SA_OBJECTS_PARTIAL) | (1u << VS_SA_CPU_SLABS);

	if (vs_root_new(o.oo.sysroot, &root, &e) < 0) {
		cmd_warn_err(&e);
		return VS_EXIT_FAILURE;
	}
	if (o.oo.watch && !vs_root_is_live(root))
		cmd_usage_error("--watch needs the live system, not --sysroot");
	if (o.src == SRC_KMOD && !vs_root_is_live(root))
		cmd_usage_error("--source=kmod reads the running kernel, not "
				"--sysroot");
	if (o.src == SRC_KMOD && !vs_kmod_loaded(root)) {
		cmd_warn("the vmscope kernel module is not loaded");
		fprintf(stderr, "hint: load it with 'modprobe vmscope' (or "
			"'insmod kmod/vmscope.ko' in a build tree); see "
			"vmscope(4)\n");
		vs_root_unref(root);
		return VS_EXIT_UNSUPPORTED;
	}
	cmd_kmod_open(&o.km, root, VS_KMOD_VIEW_SLAB,
		      o.src == SRC_AUTO || o.src == SRC_KMOD,
		      o.oo.json);
	if (o.src == SRC_KMOD && !o.km.k) {
		/* Said by cmd_kmod_open. */
		vs_root_unref(root);
		return cmd_status_of_errno(o.km.err);
	}
	cmd_signals_init();
	status = snapshot_read(root, o.src, &o.km, want, &snaps[0]);
	if (status != VS_EXIT_OK && snaps[0].s.n == 0) {
		snapshot_free(&snaps[0]);
		cmd_kmod_close(&o.km);
		vs_root_unref(root);
		return status;
	}
	/* Caches shown without their figures: say why in the status. The
	 * module reads what the kernel keeps: without CONFIG_SLUB_DEBUG
	 * there are no slab and object counts to read. */
	for (size_t i = 0; i < snaps[0].s.n; i++)
		if (snaps[0].s.c[i].counts_src == VS_SRC_NONE) {
			if (snaps[0].kmod) {
				cmd_warn("vmscope.ko could not read the slab and "
					 "object counts of '%s' and others: the "
					 "kernel keeps them only with "
					 "CONFIG_SLUB_DEBUG", snaps[0].s.c[i].name);
				final = VS_EXIT_UNSUPPORTED;
				break;
			}
			final = snaps[0].denied || snaps[0].slabinfo_err == -EACCES ||
				snaps[0].slabinfo_err == -EPERM ?
				VS_EXIT_PERMISSION : snaps[0].partial ?
				snaps[0].partial : VS_EXIT_FAILURE;
			break;
		}
	if (snaps[0].partial) {
		struct cmd_status st = { final };

		cmd_status_add(&st, snaps[0].partial);
		final = st.status;
	}
	if (snaps[0].denied & want)
		final = VS_EXIT_PERMISSION;
	if (snaps[0].kmod && !o.oo.json)
		fprintf(stderr, "%s: note: counts, sizes, partial and per-CPU "
			"slabs and flags from vmscope.ko; merged names from "
			"/sys/kernel/slab\n", cmd_name());
	n = 1;
	show(&o, &snaps[0], n, 0);
	while (o.oo.watch && (!o.oo.count || n < o.oo.count)) {
		struct snapshot *cur = &snaps[n % 2], *prev = &snaps[(n - 1) % 2];

		if (!cmd_sleep_ms(o.oo.interval_ms))
			break;
		status = snapshot_read(root, o.src, &o.km, want, cur);
		if (status != VS_EXIT_OK)
			break;
		n++;
		show(&o, cur, n, prev->time);
		snapshot_free(prev);
	}
	snapshot_free(&snaps[0]);
	snapshot_free(&snaps[1]);
	cmd_kmod_close(&o.km);
	free(hist);
	vs_root_unref(root);
	if (cmd_interrupted())
		cmd_exit_signal();
	return status != VS_EXIT_OK ? status : final;
}
