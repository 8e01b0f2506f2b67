/* backing.c - vmmap -B: what physically backs each mapping.
 *
 * For each mapping of /proc/PID/maps, pagemap is walked in batches and the
 * frames looked up in kpageflags and kpagecount (lib/backing.c): present,
 * swapped, anonymous or page cache, dirty, THP, hugetlb, KSM, the zero
 * page, shared or exclusive, USS, PSS, pages per NUMA node and physically
 * contiguous runs, per mapping and in total. Nothing per page is kept.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "vmmap.h"
#include "vs_backing.h"

enum {
	B_ADDRESS, B_SIZE, B_PRESENT, B_SWAPPED, B_ANON, B_FILE, B_DIRTY,
	B_SOFT_DIRTY, B_THP, B_THP_HUGE, B_HUGETLB, B_KSM, B_ZERO, B_SHARED,
	B_EXCLUSIVE, B_USS, B_PSS, B_RUNS, B_MAX_RUN, B_PERMS, B_KIND, B_NAME,
	B__NODES			/* then one column per node */
};

#define NODE_COLS VS_BACKING_NODES

static struct vs_col bcols[B__NODES + NODE_COLS] = {
	[B_ADDRESS] = { "ADDRESS", "start", VS_COL_HEX, 0, VS_COLF_RIGHT,
		"start address" },
	[B_SIZE] = { "SIZE", "size", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"virtual size" },
	[B_PRESENT] = { "PRESENT", "present", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"in memory (pagemap), zero page and hugetlb included" },
	[B_SWAPPED] = { "SWAPPED", "swapped", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"in swap (pagemap)" },
	[B_ANON] = { "ANON", "anon", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"anonymous pages, KSM included (kpageflags)" },
	[B_FILE] = { "FILE", "file", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"page cache: file, shmem and shared anonymous pages (pagemap)" },
	[B_DIRTY] = { "DIRTY", "dirty", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"pages flagged dirty, not yet written back (kpageflags)" },
	[B_SOFT_DIRTY] = { "SOFT_DIRTY", "soft_dirty", VS_COL_SIZE, 0,
		VS_COLF_RIGHT, "written since clear_refs 4 (pagemap)" },
	[B_THP] = { "THP", "thp", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"in transparent huge pages (kpageflags)" },
	[B_THP_HUGE] = { "THP_HUGE", "thp_huge", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"whole PMD-sized transparent huge pages" },
	[B_HUGETLB] = { "HUGETLB", "hugetlb", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"in hugetlb pages (kpageflags)" },
	[B_KSM] = { "KSM", "ksm", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"merged by KSM (kpageflags)" },
	[B_ZERO] = { "ZERO", "zero", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"the zero page or the huge zero page (kpageflags)" },
	[B_SHARED] = { "SHARED", "shared", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"mapped more than once (kpagecount > 1)" },
	[B_EXCLUSIVE] = { "EXCLUSIVE", "exclusive", VS_COL_SIZE, 0,
		VS_COLF_RIGHT, "mapped exactly once (pagemap)" },
	[B_USS] = { "USS", "uss", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"unique set size: pages mapped once (kpagecount)" },
	[B_PSS] = { "PSS", "pss", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"proportional set size: each page divided by its map count" },
	[B_RUNS] = { "RUNS", "runs", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"runs of physically contiguous pages" },
	[B_MAX_RUN] = { "MAX_RUN", "max_run", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"the longest physically contiguous run" },
	[B_PERMS] = { "PERMS", "perms", VS_COL_STR, 0, 0,
		"permissions: read, write, execute, shared or private" },
	[B_KIND] = { "KIND", "kind", VS_COL_STR, 0, 0,
		"kind of region: text, data, file, heap, stack, anon, shm, vdso" },
	[B_NAME] = { "NAME", "name", VS_COL_STR, 0, VS_COLF_TRUNC,
		"name as the kernel shows it" },
};

static char node_name[NODE_COLS][2][16];
static int nnodes;		/* NODEn columns in use */
static int node_has[NODE_COLS];

const struct vs_col *backing_cols = bcols;
size_t backing_ncols = B__NODES;

void backing_cols_init(struct vs_root *root)
{
	struct vs_numa *numa;

	nnodes = 0;
	if (vs_numa_open(root, vs_page_size(), &numa, NULL) == 0) {
		nnodes = vs_numa_nodes(numa);
		if (nnodes > NODE_COLS)
			nnodes = NODE_COLS;
		for (int i = 0; i < nnodes; i++)
			node_has[i] = vs_numa_has_node(numa, i);
		vs_numa_close(numa);
	}
	for (int i = 0; i < nnodes; i++) {
		struct vs_col *c = &bcols[B__NODES + i];

		snprintf(node_name[i][0], sizeof(node_name[i][0]), "NODE%d", i);
		snprintf(node_name[i][1], sizeof(node_name[i][1]), "node%d", i);
		*c = (struct vs_col){ node_name[i][0], node_name[i][1],
			VS_COL_SIZE, 0, VS_COLF_RIGHT,
			"pages on this NUMA node (memory blocks in sysfs)" };
	}
	backing_ncols = B__NODES + (size_t)nnodes;
}

int backing_col_default(int *sel, size_t max)
{
	static const int def[] = {
		B_ADDRESS, B_SIZE, B_PRESENT, B_SWAPPED, B_ANON, B_FILE,
		B_DIRTY, B_THP, B_HUGETLB, B_KSM, B_ZERO, B_SHARED, B_USS,
		B_PSS, B_RUNS, B_MAX_RUN,
	};
	size_t n = 0;

	for (size_t i = 0; i < sizeof(def) / sizeof(*def) && n < max; i++)
		sel[n++] = def[i];
	for (int i = 0; i < nnodes && n < max; i++)
		if (node_has[i])
			sel[n++] = B__NODES + i;
	if (n < max)
		sel[n++] = B_NAME;
	return (int)n;
}

struct backing_state {
	struct vs_table *t;
	struct vs_pagemap *pm;
	struct vs_kpage *kp;
	struct vs_numa *numa;
	struct vs_backing_ctx *ctx;
	struct vs_backing total;
	size_t page_size;
	bool any_row;
};

/* Whether a column that needs @need is shown. */
static bool shows(const struct backing_state *s, enum vs_backing_need need)
{
	static const int flag_cols[] = { B_ANON, B_DIRTY, B_THP, B_THP_HUGE,
		B_HUGETLB, B_KSM, B_ZERO, B_SHARED, B_USS, B_PSS };
	bool count = vs_table_wants(s->t, B_SHARED) ||
		     vs_table_wants(s->t, B_USS) || vs_table_wants(s->t, B_PSS);
	bool flags = false, node = false;

	for (size_t i = 0; i < sizeof(flag_cols) / sizeof(*flag_cols); i++)
		flags |= vs_table_wants(s->t, flag_cols[i]);
	for (int i = 0; i < nnodes; i++)
		node |= vs_table_wants(s->t, B__NODES + i);
	switch (need) {
	case VS_NEED_PAGEMAP:
		return true;
	case VS_NEED_PFN:	/* every figure but pagemap's needs a frame */
		return flags || node || vs_table_wants(s->t, B_RUNS) ||
		       vs_table_wants(s->t, B_MAX_RUN);
	case VS_NEED_NODE:
		return node;
	case VS_NEED_FLAGS:
		return flags;
	case VS_NEED_COUNT:
		return count;
	}
	return false;
}

/* Say once per run what could not be read, and what root would add, when
 * a column shown is missing it. */
static void explain(const struct backing_state *s, const struct vs_backing *b)
{
	static bool said_pfn, said_flags, said_count;
	const struct vs_err *e;

	if (b->pfn_unknown && !said_pfn && shows(s, VS_NEED_PFN)) {
		said_pfn = true;
		cmd_warn("the kernel hides physical frame numbers without "
			 "CAP_SYS_ADMIN: ANON, DIRTY, THP, HUGETLB, KSM, ZERO, "
			 "SHARED, USS, PSS, RUNS, MAX_RUN and NODE are shown "
			 "as unknown");
		fprintf(stderr, "hint: as root, vmmap -B adds them from "
			"/proc/kpageflags and /proc/kpagecount\n");
		return;
	}
	if (b->pfn_unknown)
		return;
	if (b->flags_unknown && !said_flags && shows(s, VS_NEED_FLAGS)) {
		said_flags = true;
		if (vs_kpage_why(s->kp, VS_KPAGE_FLAGS, &e))
			cmd_warn_err(e);
		else
			cmd_warn("some frames have no entry in /proc/kpageflags:"
				 " their flags are shown as unknown");
	}
	if (b->count_unknown && !said_count && shows(s, VS_NEED_COUNT)) {
		said_count = true;
		if (vs_kpage_why(s->kp, VS_KPAGE_COUNT, &e))
			cmd_warn_err(e);
		else
			cmd_warn("some frames have no entry in /proc/kpagecount:"
				 " their map counts are shown as unknown");
	}
}

static int backing_begin(const struct opts *o, const struct target *t,
			 void **state)
{
	struct backing_state *s = calloc(1, sizeof(*s));
	struct vs_err e;
	int r;

	if (!s)
		return -ENOMEM;
	vs_err_clear(&e);
	s->page_size = vs_page_size();
	r = vs_pagemap_open(o->root, t->mmpid, &s->pm, &e);
	if (r == 0)
		r = vs_kpage_open(o->root, VS_KPAGE_FLAGS | VS_KPAGE_COUNT,
				  &s->kp, &e);
	if (r == 0 && vs_numa_open(o->root, s->page_size, &s->numa, NULL) < 0)
		s->numa = NULL;
	if (r == 0)
		r = vs_backing_new(s->pm, s->kp, s->numa, s->page_size,
				   vs_huge_pages(o->root, s->page_size),
				   &s->ctx, &e);
	if (r == 0)
		r = vs_table_new(o->out, "backing", bcols, backing_ncols,
				 o->cols, o->ncols, &s->t, &e);
	if (r < 0) {
		if (r == -ESRCH)
			cmd_warn("process %d not found", (int)t->pid);
		else
			cmd_warn_err(&e);
		vs_backing_free(s->ctx);
		vs_numa_close(s->numa);
		vs_kpage_close(s->kp);
		vs_pagemap_close(s->pm);
		free(s);
		return r;
	}
	*state = s;
	return 0;
}

static void size_or_null(struct backing_state *s, int col, bool known,
			 uint64_t pages)
{
	if (known)
		vs_table_u64(s->t, col, pages * s->page_size);
	else
		vs_table_null(s->t, col);
}

static void figures(struct backing_state *s, const struct vs_backing *b)
{
	bool flags = vs_backing_known(b, VS_NEED_FLAGS);
	bool count = vs_backing_known(b, VS_NEED_COUNT);
	bool pfn = vs_backing_known(b, VS_NEED_PFN);
	bool node = vs_backing_known(b, VS_NEED_NODE) && s->numa;

	size_or_null(s, B_PRESENT, true, b->present);
	size_or_null(s, B_SWAPPED, true, b->swapped);
	size_or_null(s, B_FILE, true, b->file);
	size_or_null(s, B_EXCLUSIVE, true, b->exclusive);
	size_or_null(s, B_SOFT_DIRTY, true, b->soft_dirty);
	size_or_null(s, B_ANON, flags, b->anon);
	size_or_null(s, B_DIRTY, flags, b->dirty);
	size_or_null(s, B_THP, flags, b->thp);
	size_or_null(s, B_HUGETLB, flags, b->hugetlb);
	size_or_null(s, B_KSM, flags, b->ksm);
	size_or_null(s, B_ZERO, flags, b->zero);
	size_or_null(s, B_SHARED, count, b->shared);
	size_or_null(s, B_USS, count, b->uss);
	if (flags)
		vs_table_u64(s->t, B_THP_HUGE, b->thp_huge);
	else
		vs_table_null(s->t, B_THP_HUGE);
	if (count)
		vs_table_u64(s->t, B_PSS, b->pss_fp >> VS_PSS_SHIFT);
	else
		vs_table_null(s->t, B_PSS);
	if (pfn)
		vs_table_u64(s->t, B_RUNS, b->runs);
	else
		vs_table_null(s->t, B_RUNS);
	size_or_null(s, B_MAX_RUN, pfn, b->max_run);
	for (int i = 0; i < nnodes; i++)
		size_or_null(s, B__NODES + i, node, b->node[i]);
}

static int backing_row(const struct opts *o, const struct target *t,
		       void *state, const struct vs_vma *v)
{
	struct backing_state *s = state;
	struct vs_backing b;
	struct vs_err e;
	int r;

	(void)t;
	memset(&b, 0, sizeof(b));
	vs_err_clear(&e);
	r = vs_backing_walk(s->ctx, v->start, v->end, &b, &e);
	if (r < 0) {
		if (r != -ESRCH)
			cmd_warn_err(&e);
		return r;
	}
	explain(s, &b);
	vs_backing_add(&s->total, &b);
	s->any_row = true;
	vs_table_row(s->t);
	vs_table_u64(s->t, B_ADDRESS, v->start);
	vs_table_u64(s->t, B_SIZE, v->end - v->start);
	figures(s, &b);
	vs_table_str(s->t, B_PERMS, v->perms);
	vs_table_str(s->t, B_KIND, vs_region_name[vs_vma_region(v, &o->shm)]);
	if (v->name_len)
		vs_table_strn(s->t, B_NAME, v->name, v->name_len);
	else
		vs_table_null(s->t, B_NAME);
	return 0;
}

static int backing_end(const struct opts *o, const struct target *t,
		       void *state, const struct totals *tot,
		       const struct vs_keyset *ks, int err)
{
	struct backing_state *s = state;
	int r;

	(void)o;
	(void)t;
	(void)ks;
	vs_table_footer(s->t, "totals");
	vs_table_null(s->t, B_ADDRESS);
	vs_table_u64(s->t, B_SIZE, tot->size);
	figures(s, &s->total);
	vs_table_null(s->t, B_PERMS);
	vs_table_null(s->t, B_KIND);
	vs_table_str(s->t, B_NAME, err ? "total (incomplete)" : "total");
	r = vs_table_end(s->t);
	vs_backing_free(s->ctx);
	vs_numa_close(s->numa);
	vs_kpage_close(s->kp);
	vs_pagemap_close(s->pm);
	free(s);
	return r;
}

const struct view view_backing = {
	.file = VS_FILE_MAPS,
	.begin = backing_begin,
	.row = backing_row,
	.end = backing_end,
};
