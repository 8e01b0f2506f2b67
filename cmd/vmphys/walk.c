/* walk.c - vmphys --walk: the page-table entries above each page of a
 * process's address ranges, read by vmscope.ko (vs_kmod_walk()).
 *
 * One row per leaf the module finds: a present page of 4 KiB, 2 MiB or
 * 1 GiB, or a non-present entry that is not empty (swap, migration,
 * PROT_NONE...). Each row holds the raw entry of every level from the PGD
 * down to the leaf (the P4D only with 5-level paging) and its hardware
 * bits decoded (Intel SDM vol. 3, 4.5). After the rows: the page-table
 * pages the walk went through, and the kernel's own count of the
 * process's page-table memory (VmPTE).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "vmphys.h"
#include "vs_fmt.h"
#include "vs_maps.h"
#include "vs_pagemap.h"
#include "vs_source.h"

enum {
	W_ADDRESS, W_SIZE, W_LEVEL, W_KIND, W_PFN, W_PHYS, W_FLAGS, W_PKEY,
	W_PGD, W_PGD_FLAGS, W_P4D, W_P4D_FLAGS, W_PUD, W_PUD_FLAGS, W_PMD,
	W_PMD_FLAGS, W_PTE, W_PTE_FLAGS, W_USER_PGD, W_SWAP_TYPE,
	W_SWAP_OFFSET, W_HUGETLB, W__COUNT
};

const struct vs_col walk_cols[W__COUNT] = {
	[W_ADDRESS] = { "ADDRESS", "address", VS_COL_HEX, 0, VS_COLF_RIGHT,
		"first virtual address the entry maps" },
	[W_SIZE] = { "SIZE", "size", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"bytes it maps: 4K, 2M (PMD) or 1G (PUD)" },
	[W_LEVEL] = { "LEVEL", "level", VS_COL_STR, 0, 0,
		"level of the leaf: PTE, PMD or PUD" },
	[W_KIND] = { "KIND", "kind", VS_COL_STR, 0, 0,
		"present, protnone, swap, migration, hwpoison, device, marker, "
		"other, or bad (a table entry the kernel rejects)" },
	[W_PFN] = { "PFN", "pfn", VS_COL_HEX, 0, VS_COLF_RIGHT,
		"page frame of the leaf, as the kernel decodes it (hex in "
		"text)" },
	[W_PHYS] = { "PHYS", "phys", VS_COL_HEX, 0, VS_COLF_RIGHT,
		"its physical address (hex in text)" },
	[W_FLAGS] = { "FLAGS", "flags", VS_COL_STR, 0, 0,
		"the leaf's bits: P RW US PWT PCD A D PS G PAT NX PROTNONE "
		"pkey=N" },
	[W_PKEY] = { "PKEY", "pkey", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"protection key of a present leaf" },
	[W_PGD] = { "PGD", "pgd", VS_COL_HEX, 0, VS_COLF_RIGHT,
		"raw PGD entry (the PML4 entry with 4-level paging)" },
	[W_PGD_FLAGS] = { "PGD_FLAGS", "pgd_flags", VS_COL_STR, 0, 0,
		"its bits" },
	[W_P4D] = { "P4D", "p4d", VS_COL_HEX, 0, VS_COLF_RIGHT,
		"raw P4D entry (5-level paging; null when folded)" },
	[W_P4D_FLAGS] = { "P4D_FLAGS", "p4d_flags", VS_COL_STR, 0, 0,
		"its bits" },
	[W_PUD] = { "PUD", "pud", VS_COL_HEX, 0, VS_COLF_RIGHT,
		"raw PUD entry" },
	[W_PUD_FLAGS] = { "PUD_FLAGS", "pud_flags", VS_COL_STR, 0, 0,
		"its bits" },
	[W_PMD] = { "PMD", "pmd", VS_COL_HEX, 0, VS_COLF_RIGHT,
		"raw PMD entry (null below a PUD leaf)" },
	[W_PMD_FLAGS] = { "PMD_FLAGS", "pmd_flags", VS_COL_STR, 0, 0,
		"its bits" },
	[W_PTE] = { "PTE", "pte", VS_COL_HEX, 0, VS_COLF_RIGHT,
		"raw PTE (null below a PMD or PUD leaf)" },
	[W_PTE_FLAGS] = { "PTE_FLAGS", "pte_flags", VS_COL_STR, 0, 0,
		"its bits" },
	[W_USER_PGD] = { "USER_PGD", "user_pgd", VS_COL_HEX, 0, VS_COLF_RIGHT,
		"with page-table isolation: the user copy of the PGD entry" },
	[W_SWAP_TYPE] = { "SWAP_TYPE", "swap_type", VS_COL_NUM, 0,
		VS_COLF_RIGHT, "swap area of a swap entry" },
	[W_SWAP_OFFSET] = { "SWAP_OFFSET", "swap_offset", VS_COL_HEX, 0,
		VS_COLF_RIGHT, "offset in the swap area, in pages" },
	[W_HUGETLB] = { "HUGETLB", "hugetlb", VS_COL_BOOL, 0, 0,
		"in a hugetlbfs mapping" },
};
const size_t walk_ncols = W__COUNT;

size_t walk_default_cols(bool json, int *sel)
{
	static const int text[] = {
		W_ADDRESS, W_SIZE, W_KIND, W_PFN, W_FLAGS, W_PGD, W_P4D,
		W_PUD, W_PMD, W_PTE,
	};
	size_t n = 0;

	if (json) {
		for (int c = 0; c < W__COUNT; c++)
			sel[n++] = c;
		return n;
	}
	for (size_t i = 0; i < sizeof(text) / sizeof(*text); i++)
		sel[n++] = text[i];
	return n;
}

struct vs_kmod *walk_open(struct vs_root *root, int *status)
{
	struct vs_kmod *k;
	struct vs_err e;
	int r;

	vs_err_clear(&e);
	r = vs_kmod_open(root, &k, &e);
	if (r == 0)
		return k;
	cmd_warn("--walk reads the page tables through vmscope.ko: %s", e.msg);
	if (e.hint[0])
		fprintf(stderr, "hint: %s\n", e.hint);
	*status = cmd_status_of_errno(r);
	return NULL;
}

/* ---- the rows --------------------------------------------------------- */

struct walk {
	struct vs_table *t;
	size_t page_size;
};

static void put_level(struct vs_table *t, const struct vs_pt_entry *e,
		      int level, int col)
{
	char buf[128];

	if (!e->have[level]) {
		vs_table_null(t, col);
		vs_table_null(t, col + 1);
		return;
	}
	vs_table_u64(t, col, e->raw[level]);
	vs_table_str(t, col + 1, vs_pt_bits_str(&e->bits[level], buf,
						sizeof(buf)));
}

/* The frame of a leaf of @kind, when it has one. */
static bool has_pfn(int kind)
{
	return kind == VS_PTE_PRESENT || kind == VS_PTE_PROTNONE ||
	       kind == VS_PTE_MIGRATION || kind == VS_PTE_HWPOISON ||
	       kind == VS_PTE_DEVICE;
}

static int on_leaf(const struct vs_pt_entry *e, void *arg)
{
	static const int level_col[VS_PT_LEVELS] = {
		W_PGD, W_P4D, W_PUD, W_PMD, W_PTE,
	};
	struct walk *w = arg;
	struct vs_table *t = w->t;
	const struct vs_pt_bits *leaf = &e->bits[e->level];
	char buf[128];

	vs_table_row(t);
	vs_table_u64(t, W_ADDRESS, e->addr);
	vs_table_u64(t, W_SIZE, e->size);
	vs_table_str(t, W_LEVEL, vs_pt_level_name(e->level));
	vs_table_str(t, W_KIND, vs_pt_kind_name(e->kind));
	if (has_pfn(e->kind)) {
		vs_table_u64(t, W_PFN, e->pfn);
		vs_table_u64(t, W_PHYS, e->pfn * w->page_size);
	} else {
		vs_table_null(t, W_PFN);
		vs_table_null(t, W_PHYS);
	}
	vs_table_str(t, W_FLAGS, vs_pt_bits_str(leaf, buf, sizeof(buf)));
	if (leaf->present)
		vs_table_u64(t, W_PKEY, leaf->pkey);
	else
		vs_table_null(t, W_PKEY);
	for (int l = 0; l < VS_PT_LEVELS; l++)
		put_level(t, e, l, level_col[l]);
	if (e->flags & VS_PTE_F_PTI)
		vs_table_u64(t, W_USER_PGD, e->user_pgd);
	else
		vs_table_null(t, W_USER_PGD);
	if (e->kind == VS_PTE_SWAP) {
		vs_table_u64(t, W_SWAP_TYPE, e->swap_type);
		vs_table_u64(t, W_SWAP_OFFSET, e->swap_offset);
	} else {
		vs_table_null(t, W_SWAP_TYPE);
		vs_table_null(t, W_SWAP_OFFSET);
	}
	vs_table_bool(t, W_HUGETLB, e->flags & VS_PTE_F_HUGETLB);
	return cmd_interrupted() ? -EINTR : 0;
}

/* ---- the run ---------------------------------------------------------- */

/* Which of @ranges meet a mapping of @pid (@hit), from its maps. Returns
 * 0 or a negative errno with @e set. */
static int ranges_mapped(struct vs_root *root, pid_t pid,
			 const uint64_t (*ranges)[2], size_t nranges,
			 bool *hit, struct vs_err *e)
{
	struct vs_maps *m = NULL;
	const struct vs_vma *v;
	int r;

	r = vs_maps_open(root, pid, VS_FILE_MAPS, &m, e);
	while (r >= 0 && (r = vs_maps_next(m, &v, e)) > 0)
		for (size_t i = 0; i < nranges; i++)
			hit[i] |= ranges[i][0] < v->end &&
				  ranges[i][1] > v->start;
	vs_maps_close(m);
	return r < 0 ? r : 0;
}

/* The page-table figures after the rows. */
static void tables(struct vs_out *out, pid_t pid, const struct vs_pt_stats *st,
		   const uint64_t *walked, uint64_t leaves, unsigned requests,
		   unsigned changed)
{
	static const char *const key[VS_WT_LEVELS] = {
		[VS_WT_P4D] = "p4d", [VS_WT_PUD] = "pud", [VS_WT_PMD] = "pmd",
		[VS_WT_PTE] = "pte",
	};
	char size[32];

	if (out->fmt == VS_OUT_JSON) {
		struct vs_json *j = &out->json;

		vs_json_obj_begin(j, "page_tables");
		vs_json_str(j, "source", VS_KMOD_SOURCE);
		vs_json_u64(j, "levels", st->levels);
		vs_json_bool(j, "pti", st->pti);
		vs_json_u64(j, "mm_id", st->mm_id);
		if (st->phys)
			vs_json_u64(j, "pgd_pfn", st->pgd_pfn);
		else
			vs_json_null(j, "pgd_pfn");
		vs_json_u64(j, "changed", changed);
		vs_json_u64(j, "leaves", leaves);
		vs_json_u64(j, "requests", requests);
		vs_json_obj_begin(j, "tables_walked");
		for (int l = 0; l < VS_WT_LEVELS; l++)
			vs_json_u64(j, key[l], walked[l]);
		vs_json_obj_end(j);
		vs_json_u64(j, "pgtables_bytes", st->pgtables_bytes);
		vs_json_u64(j, "pgtables_pages", st->pgtables_bytes / 4096);
		vs_json_obj_end(j);
		return;
	}
	fprintf(out->f, "\npage tables of process %d (vmscope.ko): %u levels, "
		"page-table isolation %s; %llu entries in %u requests\n"
		"  walked %llu PTE, %llu PMD, %llu PUD%s tables for the ranges; "
		"the kernel counts %s (%llu pages) of PTE, PMD and PUD tables "
		"for the whole process (VmPTE)\n", (int)pid, st->levels,
		st->pti ? "on" : "off", (unsigned long long)leaves, requests,
		(unsigned long long)walked[VS_WT_PTE],
		(unsigned long long)walked[VS_WT_PMD],
		(unsigned long long)walked[VS_WT_PUD],
		st->levels == 5 ? " and P4D" : "",
		vs_out_fmt_size(out, size, sizeof(size), st->pgtables_bytes),
		(unsigned long long)(st->pgtables_bytes / 4096));
}

int walk_run(struct vs_kmod *k, struct vs_out *out, struct vs_root *root,
	     pid_t pid, const uint64_t (*ranges)[2], size_t nranges,
	     const int *sel, size_t nsel)
{
	const struct vs_kmod_info *info = vs_kmod_info(k);
	uint64_t whole[1][2] = { { 0, info->pgtable_levels == 5 ? 1ull << 56 :
					      1ull << 47 } };
	uint64_t walked[VS_WT_LEVELS] = { 0 }, leaves = 0;
	struct cmd_status status = { 0 };
	struct vs_pt_stats st = { 0 };
	struct walk w = { .page_size = vs_page_size() };
	unsigned requests = 0, changed = 0;
	bool *hit = NULL, any = false;
	struct vs_err e;
	int r;

	vs_err_clear(&e);
	if (!nranges) {
		ranges = (const uint64_t (*)[2])whole;
		nranges = 1;
	}
	hit = calloc(nranges, sizeof(*hit));
	if (!hit)
		cmd_die(VS_EXIT_FAILURE, "out of memory");
	r = ranges_mapped(root, pid, ranges, nranges, hit, &e);
	if (r < 0) {
		free(hit);
		if (r == -ESRCH || !vs_root_pid_alive(root, pid)) {
			cmd_warn("process %d not found", (int)pid);
			return VS_EXIT_NOTFOUND;
		}
		cmd_warn_err(&e);
		return cmd_status_of_errno(r);
	}
	if (vs_table_new(out, "entries", walk_cols, W__COUNT, sel, nsel, &w.t,
			 &e) < 0) {
		free(hit);
		cmd_warn_err(&e);
		return VS_EXIT_FAILURE;
	}
	for (size_t i = 0; i < nranges; i++) {
		struct vs_pt_stats s;

		if (!hit[i]) {
			cmd_warn("%llx-%llx is not mapped in process %d",
				 (unsigned long long)ranges[i][0],
				 (unsigned long long)ranges[i][1], (int)pid);
			cmd_status_add(&status, VS_EXIT_FAILURE);
			continue;
		}
		r = vs_kmod_walk(k, pid, ranges[i][0], ranges[i][1], on_leaf,
				 &w, &s, &e);
		requests += s.requests;
		leaves += s.leaves;
		changed += s.changed;
		for (int l = 0; l < VS_WT_LEVELS; l++)
			walked[l] += s.tables[l];
		if (s.requests) {
			st = s;
			any = true;
		}
		if (r == -EINTR && cmd_interrupted())
			break;
		if (r < 0) {
			cmd_warn_err(&e);
			cmd_status_add(&status, r == -ESRCH ? VS_EXIT_NOTFOUND :
				       cmd_status_of_errno(r));
			if (r == -ESRCH)
				break;
		}
	}
	free(hit);
	if (vs_table_end(w.t) == -EPIPE)
		cmd_exit_closed_pipe();
	/* The walk is not one snapshot: say when that showed. */
	if (changed)
		cmd_warn("the page tables of process %d changed during the "
			 "walk: %u huge page(s) mapped over ranges already "
			 "listed were left out", (int)pid, changed);
	if (any)
		tables(out, pid, &st, walked, leaves, requests, changed);
	else if (out->fmt == VS_OUT_JSON)
		vs_json_null(&out->json, "page_tables");
	return status.status;
}
