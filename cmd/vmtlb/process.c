/* process.c - vmtlb's view of processes: the page sizes that map their
 * memory (smaps), the translations their resident memory needs, what
 * share of it the largest data TLB maps at once, the anonymous memory the
 * kernel would back with THP but does not, and, over a duration, their
 * hardware TLB misses and tlb_flush events. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "vmtlb.h"
#include "vs_maps.h"
#include "vs_proc.h"

enum {
	PC_PID, PC_COMM, PC_RSS, PC_HUGETLB, PC_PMD_MAPPED, PC_PAGES_4K,
	PC_PAGES_2M, PC_PAGES_1G, PC_TRANSLATIONS, PC_DTLB_REACH,
	PC_COVERAGE, PC_THP_ELIGIBLE, PC_THP_BACKED, PC_THP_UNBACKED,
	PC_DTLB_MISSES, PC_ITLB_MISSES, PC_TLB_FLUSHES, PC_SOURCE,
	PC__COUNT
};

const struct vs_col proc_cols[PC__COUNT] = {
	[PC_PID] = { "PID", "pid", VS_COL_NUM, 0, VS_COLF_RIGHT, "process" },
	[PC_COMM] = { "COMM", "comm", VS_COL_STR, 0, VS_COLF_TRUNC,
		"its name" },
	[PC_RSS] = { "RSS", "rss", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"resident memory (smaps Rss, without hugetlb)" },
	[PC_HUGETLB] = { "HUGETLB", "hugetlb", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"hugetlb memory mapped (Shared_ + Private_Hugetlb)" },
	[PC_PMD_MAPPED] = { "PMD_MAPPED", "pmd_mapped", VS_COL_SIZE, 0,
		VS_COLF_RIGHT, "of RSS, mapped by 2 MiB transparent huge pages "
		"(AnonHugePages + ShmemPmdMapped + FilePmdMapped)" },
	[PC_PAGES_4K] = { "PAGES_4K", "translations_4k", VS_COL_NUM, 0,
		VS_COLF_RIGHT, "4 KiB translations the resident memory needs" },
	[PC_PAGES_2M] = { "PAGES_2M", "translations_2m", VS_COL_NUM, 0,
		VS_COLF_RIGHT, "2 MiB translations (THP and hugetlb)" },
	[PC_PAGES_1G] = { "PAGES_1G", "translations_1g", VS_COL_NUM, 0,
		VS_COLF_RIGHT, "1 GiB translations (hugetlb)" },
	[PC_TRANSLATIONS] = { "TRANSLATIONS", "translations", VS_COL_NUM, 0,
		VS_COLF_RIGHT, "all of them" },
	[PC_DTLB_REACH] = { "DTLB_REACH", "dtlb_reach", VS_COL_SIZE, 0,
		VS_COLF_RIGHT, "memory of this process the largest data TLB "
		"maps at once, with its page sizes" },
	[PC_COVERAGE] = { "COVERAGE", "coverage_percent", VS_COL_FLOAT, 0,
		VS_COLF_RIGHT, "DTLB_REACH in percent of RSS + HUGETLB (at most; "
		"TLBs that share entries between sizes count for each)" },
	[PC_THP_ELIGIBLE] = { "THP_ELIGIBLE", "thp_eligible_anon", VS_COL_SIZE,
		0, VS_COLF_RIGHT, "anonymous memory in mappings marked "
		"THPeligible" },
	[PC_THP_BACKED] = { "THP_BACKED", "thp_backed_anon", VS_COL_SIZE, 0,
		VS_COLF_RIGHT, "of that, in transparent huge pages" },
	[PC_THP_UNBACKED] = { "THP_UNBACKED", "thp_unbacked_anon", VS_COL_SIZE,
		0, VS_COLF_RIGHT, "eligible for THP but on 4 KiB pages" },
	[PC_DTLB_MISSES] = { "DTLB_MISSES", "dtlb_misses", VS_COL_NUM, 0,
		VS_COLF_RIGHT, "dTLB-load-misses in the interval (perf, -d)" },
	[PC_ITLB_MISSES] = { "ITLB_MISSES", "itlb_misses", VS_COL_NUM, 0,
		VS_COLF_RIGHT, "iTLB-load-misses in the interval (perf, -d)" },
	[PC_TLB_FLUSHES] = { "TLB_FLUSHES", "tlb_flushes", VS_COL_NUM, 0,
		VS_COLF_RIGHT, "tlb:tlb_flush events of its threads (-d, root)" },
	[PC_SOURCE] = { "SOURCE", "source", VS_COL_STR, 0, 0,
		"where the page sizes were read" },
};
const size_t proc_ncols = PC__COUNT;

size_t proc_default_cols(const struct opts *o, int *sel)
{
	static const int text[] = {
		PC_PID, PC_COMM, PC_RSS, PC_PAGES_4K, PC_PAGES_2M, PC_PAGES_1G,
		PC_DTLB_REACH, PC_COVERAGE, PC_THP_ELIGIBLE, PC_THP_UNBACKED,
	};
	size_t n = 0;

	if (o->out->fmt == VS_OUT_JSON) {
		for (int c = 0; c < PC__COUNT; c++)
			if (o->measure || (c != PC_DTLB_MISSES &&
					   c != PC_ITLB_MISSES &&
					   c != PC_TLB_FLUSHES))
				sel[n++] = c;
		return n;
	}
	for (size_t i = 0; i < sizeof(text) / sizeof(*text); i++)
		sel[n++] = text[i];
	if (o->measure) {
		sel[n++] = PC_DTLB_MISSES;
		sel[n++] = PC_ITLB_MISSES;
		sel[n++] = PC_TLB_FLUSHES;
	}
	return n;
}

struct proc {
	pid_t pid;
	char comm[64];
	struct vs_pagemix mix;
	int status;		/* VS_EXIT_* of reading it */
};

/* Read @pid's smaps into @p. */
static void read_proc(struct vs_root *root, pid_t pid, struct proc *p)
{
	struct vs_maps *maps;
	const struct vs_vma *v;
	struct vs_stat st;
	struct vs_err e;
	pid_t mm;
	int r;

	memset(p, 0, sizeof(*p));
	p->pid = pid;
	vs_pagemix_init(&p->mix);
	vs_err_clear(&e);
	r = vs_stat_read(root, pid, &st, &e);
	/* A zombie has nothing to show; a zombie leader is read through a
	 * live thread (vs_proc.h). */
	if (r == 0)
		r = vs_proc_mm_pid(root, pid, &st, &mm, &e);
	if (r < 0) {
		cmd_warn_err(&e);
		p->status = cmd_status_of_errno(r);
		return;
	}
	snprintf(p->comm, sizeof(p->comm), "%s", st.comm);
	r = vs_root_pid_err(root, mm, vs_maps_open(root, mm, VS_FILE_SMAPS,
						   &maps, &e), &e);
	if (r < 0) {
		cmd_warn_err(&e);
		p->status = cmd_status_of_errno(r);
		return;
	}
	while ((r = vs_maps_next(maps, &v, &e)) == 1)
		vs_pagemix_add(&p->mix, v);
	vs_maps_close(maps);
	if (r < 0) {
		if (r == -ESRCH) {
			cmd_warn("process %d exited while being read", (int)pid);
			p->status = VS_EXIT_NOTFOUND;
		} else {
			cmd_warn_err(&e);
			p->status = cmd_status_of_errno(r);
		}
	}
}

static uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static void proc_row(const struct opts *o, struct vs_table *t,
		     const struct proc *p, const struct measure *m)
{
	const struct vs_pagemix *x = &p->mix;
	uint64_t n4k, n2m, n1g, v;
	unsigned level = o->have_tlb ? vs_tlb_data_levels(&o->tlb) : 0;

	vs_pagemix_translations(x, &n4k, &n2m, &n1g);
	vs_table_row(t);
	vs_table_u64(t, PC_PID, (uint64_t)p->pid);
	vs_table_str(t, PC_COMM, p->comm);
	vs_table_u64(t, PC_RSS, x->rss);
	vs_table_u64(t, PC_HUGETLB, x->hugetlb);
	{
		uint64_t pmd = 0;

		for (size_t i = 0; i < x->n; i++)
			pmd += x->ps[i].pmd_mapped;
		vs_table_u64(t, PC_PMD_MAPPED, pmd);
	}
	if (x->complete) {
		vs_table_u64(t, PC_PAGES_4K, n4k);
		vs_table_u64(t, PC_PAGES_2M, n2m);
		vs_table_u64(t, PC_PAGES_1G, n1g);
		vs_table_u64(t, PC_TRANSLATIONS, n4k + n2m + n1g);
	} else {
		vs_table_null(t, PC_PAGES_4K);
		vs_table_null(t, PC_PAGES_2M);
		vs_table_null(t, PC_PAGES_1G);
		vs_table_null(t, PC_TRANSLATIONS);
	}
	if (level && x->complete) {
		uint64_t reach = min64(n4k, vs_tlb_data_entries(&o->tlb, level,
								VS_PG_4K)) * 4096 +
			min64(n2m, vs_tlb_data_entries(&o->tlb, level, VS_PG_2M)) *
			VS_PMD_SIZE +
			min64(n1g, vs_tlb_data_entries(&o->tlb, level, VS_PG_1G)) *
			(1ull << 30);
		uint64_t mem = x->rss + x->hugetlb;

		vs_table_u64(t, PC_DTLB_REACH, reach);
		if (mem)
			vs_table_double(t, PC_COVERAGE, reach >= mem ? 100.0 :
					100.0 * (double)reach / (double)mem, 1);
		else
			vs_table_null(t, PC_COVERAGE);
	} else {
		vs_table_null(t, PC_DTLB_REACH);
		vs_table_null(t, PC_COVERAGE);
	}
	if (x->have_thp_eligible) {
		vs_table_u64(t, PC_THP_ELIGIBLE, x->thp_eligible_anon);
		vs_table_u64(t, PC_THP_BACKED, x->thp_eligible_huge);
		vs_table_u64(t, PC_THP_UNBACKED, vs_pagemix_thp_unbacked(x));
	} else {
		vs_table_null(t, PC_THP_ELIGIBLE);
		vs_table_null(t, PC_THP_BACKED);
		vs_table_null(t, PC_THP_UNBACKED);
	}
	if (measure_pid_misses(m, p->pid, VS_PERF_DTLB_MISS, &v))
		vs_table_u64(t, PC_DTLB_MISSES, v);
	else
		vs_table_null(t, PC_DTLB_MISSES);
	if (measure_pid_misses(m, p->pid, VS_PERF_ITLB_MISS, &v))
		vs_table_u64(t, PC_ITLB_MISSES, v);
	else
		vs_table_null(t, PC_ITLB_MISSES);
	if (measure_pid_flushes(m, p->pid, &v))
		vs_table_u64(t, PC_TLB_FLUSHES, v);
	else
		vs_table_null(t, PC_TLB_FLUSHES);
	vs_table_str(t, PC_SOURCE, "smaps");
}

static void pagesizes(const struct opts *o, const struct proc *procs,
		      size_t n)
{
	static const struct vs_col cols[] = {
		{ "PID", "pid", VS_COL_NUM, 0, VS_COLF_RIGHT, "process" },
		{ "KERNEL_PAGE", "kernel_page_size", VS_COL_SIZE, 0,
		  VS_COLF_RIGHT, "KernelPageSize" },
		{ "MMU_PAGE", "mmu_page_size", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		  "MMUPageSize" },
		{ "MAPPINGS", "mappings", VS_COL_NUM, 0, VS_COLF_RIGHT,
		  "mappings with these page sizes" },
		{ "SIZE", "size", VS_COL_SIZE, 0, VS_COLF_RIGHT, "virtual size" },
		{ "RSS", "rss", VS_COL_SIZE, 0, VS_COLF_RIGHT, "resident" },
		{ "PMD_MAPPED", "pmd_mapped", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		  "of RSS, in 2 MiB transparent huge pages" },
		{ "HUGETLB", "hugetlb", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		  "hugetlb memory" },
	};
	static const int sel[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	struct vs_table *t;
	struct vs_err e;

	if (o->out->fmt != VS_OUT_JSON)
		fputc('\n', o->out->f);
	if (vs_table_new(o->out, "pagesizes", cols, 8, sel, 8, &t, &e) < 0) {
		cmd_warn_err(&e);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct vs_pagemix *x = &procs[i].mix;

		if (procs[i].status != VS_EXIT_OK)
			continue;
		for (size_t k = 0; k < x->n; k++) {
			vs_table_row(t);
			vs_table_u64(t, 0, (uint64_t)procs[i].pid);
			vs_table_u64(t, 1, x->ps[k].kernel_page);
			vs_table_u64(t, 2, x->ps[k].mmu_page);
			vs_table_u64(t, 3, x->ps[k].mappings);
			vs_table_u64(t, 4, x->ps[k].size);
			vs_table_u64(t, 5, x->ps[k].rss);
			vs_table_u64(t, 6, x->ps[k].pmd_mapped);
			vs_table_u64(t, 7, x->ps[k].hugetlb);
		}
	}
	if (vs_table_end(t) == -EPIPE)
		closed_pipe();
}

int show_processes(const struct opts *o, struct vs_root *root,
		   const struct measure *m)
{
	struct proc *procs = calloc(o->npids, sizeof(*procs));
	struct cmd_status status = { 0 };
	struct vs_table *t;
	struct vs_err e;

	if (!procs)
		cmd_die(VS_EXIT_FAILURE, "out of memory");
	for (size_t i = 0; i < o->npids; i++) {
		read_proc(root, o->pids[i], &procs[i]);
		cmd_status_add(&status, procs[i].status);
	}
	if (o->out->fmt != VS_OUT_JSON)
		fputc('\n', o->out->f);
	if (vs_table_new(o->out, "processes", proc_cols, PC__COUNT, o->sel,
			 o->nsel, &t, &e) < 0)
		cmd_die(VS_EXIT_FAILURE, "%s", e.msg);
	for (size_t i = 0; i < o->npids; i++)
		if (procs[i].status == VS_EXIT_OK)
			proc_row(o, t, &procs[i], m);
	if (vs_table_end(t) == -EPIPE)
		closed_pipe();
	pagesizes(o, procs, o->npids);
	free(procs);
	return status.status;
}
