/* vmphys.c - vmphys: the physical pages behind virtual addresses, the
 * flags of physical frames, and a summary of memory by page flags.
 *
 *   vmphys PID ADDR[-END|+LEN]...   each page (or with -l each run of
 *                                   physically contiguous pages) of the
 *                                   ranges: PFN, map count, node, pagemap
 *                                   bits and kpageflags
 *   vmphys --pfn PFN[-END|+N]...    flags, map count and node of frames
 *   vmphys --summary [PID]          pages by flag combination, as
 *                                   page-types does, for one process or
 *                                   all of physical memory
 *   vmphys --walk PID [RANGE...]    each page-table entry above each page,
 *                                   through vmscope.ko (walk.c)
 *
 * Everything is read in batches (lib/pagemap.c, lib/kpage.c); rows stream
 * in JSON, and only the summary keeps a table (one entry per distinct
 * combination of flags).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "vmphys.h"
#include "vs_fmt.h"
#include "vs_kpage.h"
#include "vs_maps.h"
#include "vs_proc.h"
#include "vs_numa.h"
#include "vs_pagemap.h"

/* ---- columns ---------------------------------------------------------- */

enum {
	C_ADDRESS, C_PAGES, C_PFN, C_PHYS, C_MAPCOUNT, C_NODE, C_PAGEMAP,
	C_PAGEMAP_NAMES, C_SWAP_TYPE, C_SWAP_OFFSET, C_KPAGEFLAGS, C_FLAGS,
	C_FLAG_NAMES, C__COUNT
};

static const struct vs_col cols[C__COUNT] = {
	[C_ADDRESS] = { "ADDRESS", "address", VS_COL_HEX, 0, VS_COLF_RIGHT,
		"virtual address (PID mode)" },
	[C_PAGES] = { "PAGES", "pages", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"pages in the run (-l)" },
	[C_PFN] = { "PFN", "pfn", VS_COL_HEX, 0, VS_COLF_RIGHT,
		"page frame number (hex in text)" },
	[C_PHYS] = { "PHYS", "phys", VS_COL_HEX, 0, VS_COLF_RIGHT,
		"physical address (hex in text)" },
	[C_MAPCOUNT] = { "MAPCOUNT", "mapcount", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"times the frame is mapped (kpagecount)" },
	[C_NODE] = { "NODE", "node", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"NUMA node of the frame" },
	[C_PAGEMAP] = { "PAGEMAP", "pagemap", VS_COL_STR, 0, 0,
		"pagemap bits, short: P present, w swapped, F file or shared, "
		"1 exclusive, f soft-dirty, u uffd-wp, g guard" },
	[C_PAGEMAP_NAMES] = { "PAGEMAP_NAMES", "pagemap_names", VS_COL_STR, 0,
		0, "pagemap bits, by name" },
	[C_SWAP_TYPE] = { "SWAP_TYPE", "swap_type", VS_COL_NUM, 0,
		VS_COLF_RIGHT, "swap file of a swapped page" },
	[C_SWAP_OFFSET] = { "SWAP_OFFSET", "swap_offset", VS_COL_HEX, 0,
		VS_COLF_RIGHT, "offset in the swap file, in pages" },
	[C_KPAGEFLAGS] = { "KPAGEFLAGS", "kpageflags", VS_COL_HEX, 0,
		VS_COLF_RIGHT, "the kpageflags value (hex in text)" },
	[C_FLAGS] = { "FLAGS", "flags", VS_COL_STR, 0, 0,
		"page flags, one letter each (as page-types)" },
	[C_FLAG_NAMES] = { "FLAG_NAMES", "flag_names", VS_COL_STR, 0,
		VS_COLF_TRUNC, "page flags, by name" },
};

enum { S_KPAGEFLAGS, S_PAGES, S_SIZE, S_FLAGS, S_FLAG_NAMES, S__COUNT };

static const struct vs_col scols[S__COUNT] = {
	[S_KPAGEFLAGS] = { "KPAGEFLAGS", "kpageflags", VS_COL_HEX, 0,
		VS_COLF_RIGHT, "the flags, as page-types shows them (hex in "
		"text); null: not readable" },
	[S_PAGES] = { "PAGES", "pages", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"pages with these flags" },
	[S_SIZE] = { "SIZE", "size", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		"their size" },
	[S_FLAGS] = { "FLAGS", "flags", VS_COL_STR, 0, 0,
		"the flags, one letter each" },
	[S_FLAG_NAMES] = { "FLAG_NAMES", "flag_names", VS_COL_STR, 0,
		VS_COLF_TRUNC, "the flags, by name" },
};

/* ---- options ---------------------------------------------------------- */

static const struct option longopts[] = {
	{ "runs", no_argument, NULL, 'l' },
	{ "pfn", no_argument, NULL, 'P' },
	{ "summary", no_argument, NULL, 's' },
	{ "walk", no_argument, NULL, 'w' },
	CMD_LONGOPTS_TABLE,
	{ "raw", no_argument, NULL, CMD_OPT_RAW },
	{ "noheadings", no_argument, NULL, 'n' },
	{ "sysroot", required_argument, NULL, CMD_OPT_SYSROOT },
	CMD_LONGOPTS_END,
};

static noreturn void usage(void)
{
	printf("Usage:\n"
	       " %s [options] PID ADDR[-END|+LEN]...\n"
	       " %s [options] --pfn PFN[-END|+COUNT]...\n"
	       " %s [options] --summary [PID]\n"
	       " %s [options] --walk PID [ADDR[-END|+LEN]...]\n\n"
	       "Show the physical pages behind virtual addresses: frame, map count,\n"
	       "NUMA node, pagemap bits and kernel page flags; with --walk, the entry of\n"
	       "every page-table level above each page.\n\n"
	       "Options:\n"
	       " -l, --runs                 one row per run of physically contiguous pages\n"
	       "                            with the same flags, not one per page\n"
	       " -P, --pfn                  the arguments are physical frame numbers\n"
	       " -s, --summary              pages by combination of flags (as page-types)\n"
	       "                            for process PID, or for all physical memory\n"
	       " -w, --walk                 each page-table entry, PGD to PTE, raw and\n"
	       "                            decoded, and the page-table pages (vmscope.ko;\n"
	       "                            no range: the whole address space)\n"
	       " -J, --json                 JSON output\n"
	       " -o, --output=LIST          these columns (see --list-columns)\n"
	       "     --output-all           every column\n"
	       "     --list-columns         list the columns and exit\n"
	       " -b, --bytes                sizes in bytes\n"
	       "     --raw                  unaligned output\n"
	       " -n, --noheadings           no column headings\n"
	       "     --sysroot=DIR          read /proc and /sys below DIR instead of /\n"
	       " -h, --help                 show this help and exit\n"
	       " -V, --version              show the version and exit\n\n"
	       "ADDR and END are hexadecimal (END is excluded); LEN and COUNT take\n"
	       "K, M or G. Exit status: 0 success, 1 failure or an unmapped range,\n"
	       "2 usage error, 3 unsupported by the kernel (--walk: vmscope.ko is not\n"
	       "loaded), 4 permission denied, 42 the process was not found.\n"
	       "See vmphys(1).\n",
	       cmd_name(), cmd_name(), cmd_name(), cmd_name());
	exit(VS_EXIT_OK);
}

/* ---- the run ---------------------------------------------------------- */

/* Room for the columns of any view, -o repeating some. */
#define SEL_MAX (C__COUNT * 2)

struct ctx {
	struct vs_root *root;
	struct vs_out out;
	struct vs_kpage *kp;
	struct vs_numa *numa;		/* NULL: no node information */
	size_t page_size;
	bool runs;			/* -l */
	int sel[SEL_MAX];		/* chosen columns */
	size_t nsel;
	struct vs_table *t;
	struct cmd_status status;
	bool said_hidden;		/* the hidden-PFN note was given */
};

/* One page, or a run of them, waiting to be printed. */
struct row {
	bool have;		/* a row is being gathered */
	uint64_t addr;		/* virtual address (PID mode), or 0 */
	uint64_t pages;
	uint64_t ent;		/* pagemap entry of the first page (PID) */
	uint64_t pfn;		/* first frame, 0 when none or hidden */
	uint64_t flags;		/* kpageflags, VS_KPAGE_UNKNOWN */
	uint64_t count;		/* kpagecount, VS_KPAGE_UNKNOWN */
	bool pid_mode;
};

static void print_row(struct ctx *c, const struct row *r)
{
	char buf[1024];
	struct vs_table *t = c->t;
	bool present = !r->pid_mode || (r->ent & VS_PM_PRESENT);

	vs_table_row(t);
	if (r->pid_mode)
		vs_table_u64(t, C_ADDRESS, r->addr);
	else
		vs_table_null(t, C_ADDRESS);
	vs_table_u64(t, C_PAGES, r->pages);
	if (r->pfn) {
		vs_table_u64(t, C_PFN, r->pfn);
		vs_table_u64(t, C_PHYS, r->pfn * c->page_size);
	} else {
		vs_table_null(t, C_PFN);
		vs_table_null(t, C_PHYS);
	}
	if (r->pfn && r->count != VS_KPAGE_UNKNOWN)
		vs_table_u64(t, C_MAPCOUNT, r->count);
	else
		vs_table_null(t, C_MAPCOUNT);
	if (r->pfn && c->numa && vs_numa_node(c->numa, r->pfn) >= 0)
		vs_table_u64(t, C_NODE, (uint64_t)vs_numa_node(c->numa,
							       r->pfn));
	else
		vs_table_null(t, C_NODE);
	if (r->pid_mode) {
		vs_table_str(t, C_PAGEMAP, vs_pm_short(r->ent, buf,
						       sizeof(buf)));
		vs_table_str(t, C_PAGEMAP_NAMES, vs_pm_long(r->ent, buf,
							    sizeof(buf)));
	} else {
		vs_table_null(t, C_PAGEMAP);
		vs_table_null(t, C_PAGEMAP_NAMES);
	}
	/* The swap location is hidden like the PFN: both 0. */
	if (r->pid_mode && (r->ent & VS_PM_SWAP) && !(r->ent & VS_PM_GUARD) &&
	    (r->ent & VS_PM_PFN_MASK)) {
		vs_table_u64(t, C_SWAP_TYPE, vs_pm_swap_type(r->ent));
		vs_table_u64(t, C_SWAP_OFFSET, vs_pm_swap_offset(r->ent));
	} else {
		vs_table_null(t, C_SWAP_TYPE);
		vs_table_null(t, C_SWAP_OFFSET);
	}
	if (present && r->flags != VS_KPAGE_UNKNOWN &&
	    (r->pfn || !r->pid_mode)) {
		vs_table_u64(t, C_KPAGEFLAGS, r->flags);
		vs_table_str(t, C_FLAGS, vs_kpf_short(r->flags, true, buf,
						      sizeof(buf)));
		vs_table_str(t, C_FLAG_NAMES, vs_kpf_long(r->flags, buf,
							  sizeof(buf)));
	} else {
		vs_table_null(t, C_KPAGEFLAGS);
		vs_table_null(t, C_FLAGS);
		vs_table_null(t, C_FLAG_NAMES);
	}
}

/* Add one page to the pending row (with -l, extend it if it continues
 * the run), printing the row it ends. */
static void add_page(struct ctx *c, struct row *cur, const struct row *p)
{
	const uint64_t bits = ~VS_PM_PFN_MASK;

	if (c->runs && cur->have && cur->pid_mode == p->pid_mode &&
	    cur->flags == p->flags && cur->count == p->count &&
	    (cur->ent & bits) == (p->ent & bits) &&
	    (!p->pid_mode || p->addr == cur->addr + cur->pages * c->page_size) &&
	    ((cur->pfn == 0 && p->pfn == 0) ||
	     (cur->pfn && p->pfn == cur->pfn + cur->pages)) &&
	    (!(p->ent & VS_PM_SWAP) ||
	     (p->ent & VS_PM_PFN_MASK) == 0 ||
	     vs_pm_swap_offset(p->ent) ==
	     vs_pm_swap_offset(cur->ent) + cur->pages)) {
		cur->pages++;
		return;
	}
	if (cur->have)
		print_row(c, cur);
	*cur = *p;
	cur->have = true;
}

static void flush_row(struct ctx *c, struct row *cur)
{
	if (cur->have)
		print_row(c, cur);
	cur->have = false;
}

/* Say once why figures are missing. */
static void note_hidden(struct ctx *c)
{
	if (c->said_hidden)
		return;
	c->said_hidden = true;
	cmd_warn("the kernel hides physical frame numbers without "
		 "CAP_SYS_ADMIN: PFN, PHYS, MAPCOUNT, NODE, swap locations and "
		 "page flags are shown as unknown");
	fprintf(stderr, "hint: as root, vmphys adds them from /proc/PID/pagemap"
		", /proc/kpageflags and /proc/kpagecount\n");
}

static void note_kpage(struct ctx *c, unsigned which)
{
	static bool said[2];
	const struct vs_err *e;

	if (said[which == VS_KPAGE_COUNT] || !vs_kpage_why(c->kp, which, &e))
		return;
	said[which == VS_KPAGE_COUNT] = true;
	cmd_warn_err(e);
}

/* ---- parsing ranges --------------------------------------------------- */

/* A length or count: decimal or 0x hex, with an optional K, M or G. */
static int parse_len(const char *s, uint64_t *out)
{
	char buf[64];
	size_t n = strlen(s);
	unsigned shift = 0;
	uint64_t v;

	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n + 1);
	switch (buf[n - 1]) {
	case 'k': case 'K': shift = 10; break;
	case 'm': case 'M': shift = 20; break;
	case 'g': case 'G': shift = 30; break;
	}
	if (shift)
		buf[--n] = '\0';
	if (vs_parse_u64(buf, 0, &v) < 0 || v > (UINT64_MAX >> shift))
		return -EINVAL;
	*out = v << shift;
	return 0;
}

/* ADDR[-END|+LEN] (hex addresses) or, with @pfn, PFN[-END|+COUNT] (C
 * numbers). Sets [*lo, *hi). A usage error on anything else. */
static void parse_range(const char *arg, bool pfn, uint64_t *lo,
			uint64_t *hi)
{
	char buf[128];
	char *sep;
	uint64_t a, b;
	int base = pfn ? 0 : 16;

	if (strlen(arg) >= sizeof(buf))
		cmd_usage_error("invalid range '%s'", arg);
	strcpy(buf, arg);
	sep = strpbrk(buf, "-+");
	if (sep == buf)
		cmd_usage_error("invalid range '%s'", arg);
	if (sep) {
		char op = *sep;

		*sep = '\0';
		if (vs_parse_u64(buf, base, &a) < 0)
			cmd_usage_error("invalid range '%s': '%s' is not %s",
					arg, buf, pfn ? "a number" :
					"a hex address");
		if (op == '+') {
			if (parse_len(sep + 1, &b) < 0 || b == 0)
				cmd_usage_error("invalid range '%s': bad length "
						"'%s'", arg, sep + 1);
			if (b > UINT64_MAX - a)
				cmd_usage_error("invalid range '%s': past the "
						"end of the address space", arg);
			b += a;
		} else if (vs_parse_u64(sep + 1, base, &b) < 0) {
			cmd_usage_error("invalid range '%s': '%s' is not %s",
					arg, sep + 1, pfn ? "a number" :
					"a hex address");
		}
		if (b <= a)
			cmd_usage_error("invalid range '%s': the end is not "
					"above the start", arg);
	} else {
		if (vs_parse_u64(buf, base, &a) < 0)
			cmd_usage_error("invalid %s '%s'", pfn ? "frame number"
					: "address", arg);
		b = a == UINT64_MAX ? a : a + 1;
	}
	if (pfn && b > (UINT64_MAX >> 4))
		cmd_usage_error("invalid range '%s': frame number too large",
				arg);
	*lo = a;
	*hi = b;
}

static pid_t parse_pid(const char *arg)
{
	uint64_t v;

	if (vs_parse_u64(arg, 10, &v) < 0 || v < 1 || v > 0x7fffffff)
		cmd_usage_error("invalid process id '%s'", arg);
	return (pid_t)v;
}

/* ---- PID mode --------------------------------------------------------- */

/* Status for a process's file that could not be opened. */
static int proc_status(struct ctx *c, pid_t pid, int err,
		       const struct vs_err *e)
{
	/* 42 only when the process went; a missing file of a live one is
	 * the kernel's (or the tree's) lack, said with its name. */
	if (err == -ESRCH || !vs_root_pid_alive(c->root, pid)) {
		cmd_warn("process %d not found", (int)pid);
		return VS_EXIT_NOTFOUND;
	}
	cmd_warn_err(e);
	return cmd_status_of_errno(err);
}

/* The process to read for @pid (vs_proc_mm_pid(): a zombie has nothing
 * to show; a zombie leader is read through a live thread), or 0 after
 * saying why there is none, with *@status set. */
static pid_t resolve_pid(struct vs_root *root, pid_t pid, int *status)
{
	struct vs_stat st;
	struct vs_err e;
	pid_t mm = 0;
	int r;

	vs_err_clear(&e);
	r = vs_stat_read(root, pid, &st, &e);
	if (r == 0)
		r = vs_proc_mm_pid(root, pid, &st, &mm, &e);
	if (r < 0) {
		cmd_warn_err(&e);
		*status = cmd_status_of_errno(r);
		return 0;
	}
	return mm;
}

/* The pages of [@lo, @hi) that lie in the mappings of @pid. */
static void show_pages(struct ctx *c, pid_t pid, struct vs_pagemap *pm,
		       uint64_t lo, uint64_t hi, uint64_t *ent,
		       uint64_t *pfn, uint64_t *flags, uint64_t *count,
		       struct row *cur)
{
	uint64_t vpn = lo / c->page_size, last = (hi - 1) / c->page_size + 1;
	struct vs_err e;

	while (vpn < last) {
		size_t want = last - vpn < VS_PAGEMAP_BATCH ?
			      (size_t)(last - vpn) : VS_PAGEMAP_BATCH;
		ssize_t n = vs_pagemap_read(pm, vpn, want, ent, &e);
		bool any = false;

		if (n < 0) {
			cmd_status_add(&c->status, proc_status(c, pid, (int)n,
							       &e));
			return;
		}
		for (ssize_t i = 0; i < n; i++) {
			pfn[i] = vs_pm_pfn(ent[i]);
			any |= pfn[i] != 0;
			if ((ent[i] & VS_PM_PRESENT) && !pfn[i])
				note_hidden(c);
		}
		if (any && vs_kpage_lookup(c->kp, pfn, (size_t)n, flags, count,
					   &e) < 0) {
			cmd_warn_err(&e);
			cmd_status_add(&c->status, VS_EXIT_FAILURE);
			return;
		}
		for (ssize_t i = 0; i < n; i++) {
			struct row p = {
				.addr = (vpn + (uint64_t)i) * c->page_size,
				.pages = 1, .ent = ent[i], .pfn = pfn[i],
				.flags = pfn[i] ? flags[i] : VS_KPAGE_UNKNOWN,
				.count = pfn[i] ? count[i] : VS_KPAGE_UNKNOWN,
				.pid_mode = true,
			};

			if (pfn[i] && flags[i] == VS_KPAGE_UNKNOWN)
				note_kpage(c, VS_KPAGE_FLAGS);
			if (pfn[i] && count[i] == VS_KPAGE_UNKNOWN)
				note_kpage(c, VS_KPAGE_COUNT);
			add_page(c, cur, &p);
		}
		vpn += (uint64_t)n;
		if ((size_t)n < want)
			break;
	}
}

static void pid_mode(struct ctx *c, pid_t pid, const uint64_t (*ranges)[2],
		     size_t nranges)
{
	struct vs_pagemap *pm = NULL;
	struct vs_maps *m = NULL;
	const struct vs_vma *v;
	uint64_t *buf = NULL;
	bool *hit = calloc(nranges ? nranges : 1, sizeof(bool));
	struct row cur = { 0 };
	struct vs_err e;
	int r;

	vs_err_clear(&e);
	r = vs_pagemap_open(c->root, pid, &pm, &e);
	if (r == 0)
		r = vs_maps_open(c->root, pid, VS_FILE_MAPS, &m, &e);
	if (r < 0) {
		cmd_status_add(&c->status, proc_status(c, pid, r, &e));
		goto out;
	}
	buf = malloc(4 * VS_PAGEMAP_BATCH * sizeof(uint64_t));
	if (!buf || !hit)
		cmd_die(VS_EXIT_FAILURE, "out of memory");
	/* Mappings come in address order; each range is clipped to each
	 * mapping, so holes between mappings are skipped. */
	while ((r = vs_maps_next(m, &v, &e)) > 0) {
		for (size_t i = 0; i < nranges; i++) {
			uint64_t lo = ranges[i][0] > v->start ? ranges[i][0] :
				      v->start;
			uint64_t hi = ranges[i][1] < v->end ? ranges[i][1] :
				      v->end;

			if (lo >= hi)
				continue;
			hit[i] = true;
			show_pages(c, pid, pm, lo, hi, buf,
				   buf + VS_PAGEMAP_BATCH,
				   buf + 2 * VS_PAGEMAP_BATCH,
				   buf + 3 * VS_PAGEMAP_BATCH, &cur);
		}
	}
	flush_row(c, &cur);
	if (r < 0) {
		cmd_status_add(&c->status, proc_status(c, pid, r, &e));
		goto out;
	}
	for (size_t i = 0; i < nranges; i++) {
		if (hit[i])
			continue;
		cmd_warn("%llx-%llx is not mapped in process %d",
			 (unsigned long long)ranges[i][0],
			 (unsigned long long)ranges[i][1], (int)pid);
		cmd_status_add(&c->status, VS_EXIT_FAILURE);
	}
	if (!vs_root_pid_alive(c->root, pid)) {
		cmd_warn("process %d exited while it was being read; what was "
			 "shown may be incomplete", (int)pid);
		cmd_status_add(&c->status, VS_EXIT_NOTFOUND);
	}
out:
	free(buf);
	free(hit);
	vs_maps_close(m);
	vs_pagemap_close(pm);
}

/* ---- --pfn mode ------------------------------------------------------- */

/* Fail with the reason a kpage file is missing (permission, kernel). */
static noreturn void kpage_missing(struct ctx *c, unsigned which)
{
	const struct vs_err *e;
	int err = vs_kpage_why(c->kp, which, &e);

	cmd_warn_err(e);
	exit(cmd_status_of_errno(err));
}

static void pfn_mode(struct ctx *c, const uint64_t (*ranges)[2],
		     size_t nranges)
{
	uint64_t *flags = malloc(2 * VS_PAGEMAP_BATCH * sizeof(uint64_t));
	uint64_t *count = flags + VS_PAGEMAP_BATCH;
	struct row cur = { 0 };
	struct vs_err e;

	if (!flags)
		cmd_die(VS_EXIT_FAILURE, "out of memory");
	if (!(vs_kpage_has(c->kp) & VS_KPAGE_FLAGS))
		kpage_missing(c, VS_KPAGE_FLAGS);
	note_kpage(c, VS_KPAGE_COUNT);
	for (size_t i = 0; i < nranges; i++) {
		uint64_t pfn = ranges[i][0], end = ranges[i][1];

		while (pfn < end) {
			size_t want = end - pfn < VS_PAGEMAP_BATCH ?
				      (size_t)(end - pfn) : VS_PAGEMAP_BATCH;
			ssize_t n = vs_kpage_read(c->kp, pfn, want, flags,
						  count, &e);

			if (n < 0) {
				cmd_warn_err(&e);
				cmd_status_add(&c->status, VS_EXIT_FAILURE);
				break;
			}
			for (ssize_t k = 0; k < n; k++) {
				struct row p = {
					.pages = 1, .pfn = pfn + (uint64_t)k,
					.flags = flags[k], .count = count[k],
				};

				add_page(c, &cur, &p);
			}
			pfn += (uint64_t)n;
			if ((size_t)n < want) {
				cmd_warn("frames %#llx-%#llx are past the end "
					 "of memory (%#llx)",
					 (unsigned long long)pfn,
					 (unsigned long long)end,
					 (unsigned long long)pfn);
				cmd_status_add(&c->status, VS_EXIT_FAILURE);
				break;
			}
		}
	}
	flush_row(c, &cur);
	free(flags);
}

/* ---- --summary -------------------------------------------------------- */

/* Pages per combination of flags: open addressing, grown at half full. */
struct fcount {
	uint64_t flags;
	uint64_t pages;
	bool used;
};

struct histo {
	struct fcount *slot;
	size_t cap, n;
	uint64_t unknown;	/* pages whose flags could not be read */
	uint64_t total;
};

static void histo_add(struct histo *h, uint64_t flags, uint64_t pages)
{
	size_t i;

	h->total += pages;
	if (flags == VS_KPAGE_UNKNOWN) {
		h->unknown += pages;
		return;
	}
	if (2 * (h->n + 1) > h->cap) {
		struct histo g = { .cap = h->cap ? h->cap * 2 : 256 };

		g.slot = calloc(g.cap, sizeof(*g.slot));
		if (!g.slot)
			cmd_die(VS_EXIT_FAILURE, "out of memory");
		for (size_t k = 0; k < h->cap; k++)
			if (h->slot[k].used) {
				i = (size_t)(h->slot[k].flags *
					     0x9e3779b97f4a7c15ull) % g.cap;
				while (g.slot[i].used)
					i = (i + 1) % g.cap;
				g.slot[i] = h->slot[k];
			}
		free(h->slot);
		h->slot = g.slot;
		h->cap = g.cap;
	}
	i = (size_t)(flags * 0x9e3779b97f4a7c15ull) % h->cap;
	while (h->slot[i].used && h->slot[i].flags != flags)
		i = (i + 1) % h->cap;
	if (!h->slot[i].used) {
		h->slot[i] = (struct fcount){ flags, 0, true };
		h->n++;
	}
	h->slot[i].pages += pages;
}

static int cmp_fcount(const void *a, const void *b)
{
	const struct fcount *x = a, *y = b;

	if (x->used != y->used)
		return x->used ? -1 : 1;
	return x->flags < y->flags ? -1 : x->flags > y->flags;
}

static void summary_print(struct ctx *c, struct histo *h)
{
	char buf[1024];
	struct vs_table *t;
	struct vs_err e;

	if (vs_table_new(&c->out, "summary", scols, S__COUNT, c->sel, c->nsel,
			 &t, &e) < 0) {
		cmd_warn_err(&e);
		exit(VS_EXIT_FAILURE);
	}
	if (h->cap)
		qsort(h->slot, h->cap, sizeof(*h->slot), cmp_fcount);
	for (size_t i = 0; i < h->cap && h->slot[i].used; i++) {
		uint64_t f = h->slot[i].flags;

		vs_table_row(t);
		vs_table_u64(t, S_KPAGEFLAGS, f);
		vs_table_u64(t, S_PAGES, h->slot[i].pages);
		vs_table_u64(t, S_SIZE, h->slot[i].pages * c->page_size);
		vs_table_str(t, S_FLAGS, vs_kpf_short(f, false, buf,
						      sizeof(buf)));
		vs_table_str(t, S_FLAG_NAMES, vs_kpf_long(f, buf,
							  sizeof(buf)));
	}
	if (h->unknown) {
		vs_table_row(t);
		vs_table_null(t, S_KPAGEFLAGS);
		vs_table_u64(t, S_PAGES, h->unknown);
		vs_table_u64(t, S_SIZE, h->unknown * c->page_size);
		vs_table_null(t, S_FLAGS);
		vs_table_str(t, S_FLAG_NAMES, "(flags unknown)");
	}
	vs_table_footer(t, "totals");
	vs_table_null(t, S_KPAGEFLAGS);
	vs_table_u64(t, S_PAGES, h->total);
	vs_table_u64(t, S_SIZE, h->total * c->page_size);
	vs_table_null(t, S_FLAGS);
	vs_table_str(t, S_FLAG_NAMES, "total");
	if (vs_table_end(t) < 0)
		cmd_status_add(&c->status, VS_EXIT_FAILURE);
	free(h->slot);
}

/* All of physical memory: kpageflags from frame 0 to its end. */
static void summary_all(struct ctx *c, struct histo *h)
{
	uint64_t *flags = malloc(VS_PAGEMAP_BATCH * sizeof(uint64_t));
	uint64_t pfn = 0;
	struct vs_err e;

	if (!flags)
		cmd_die(VS_EXIT_FAILURE, "out of memory");
	if (!(vs_kpage_has(c->kp) & VS_KPAGE_FLAGS))
		kpage_missing(c, VS_KPAGE_FLAGS);
	for (;;) {
		ssize_t n = vs_kpage_read(c->kp, pfn, VS_PAGEMAP_BATCH, flags,
					  NULL, &e);

		if (n < 0) {
			cmd_warn_err(&e);
			exit(VS_EXIT_FAILURE);
		}
		for (ssize_t i = 0; i < n; i++)
			histo_add(h, vs_kpf_well_known(flags[i]), 1);
		pfn += (uint64_t)n;
		if (n < VS_PAGEMAP_BATCH)
			break;
	}
	free(flags);
}

/* One process: its present pages by flags, its swapped pages as flags 0
 * (as page-types -p counts them). */
static int summary_pid(struct ctx *c, pid_t pid, struct histo *h)
{
	uint64_t *buf = malloc(3 * VS_PAGEMAP_BATCH * sizeof(uint64_t));
	uint64_t *ent = buf, *pfn, *flags;
	struct vs_pagemap *pm = NULL;
	struct vs_maps *m = NULL;
	const struct vs_vma *v;
	struct vs_err e;
	int r;

	if (!buf)
		cmd_die(VS_EXIT_FAILURE, "out of memory");
	pfn = buf + VS_PAGEMAP_BATCH;
	flags = buf + 2 * VS_PAGEMAP_BATCH;
	vs_err_clear(&e);
	r = vs_pagemap_open(c->root, pid, &pm, &e);
	if (r == 0)
		r = vs_maps_open(c->root, pid, VS_FILE_MAPS, &m, &e);
	while (r >= 0 && (r = vs_maps_next(m, &v, &e)) > 0) {
		uint64_t vpn = v->start / c->page_size;
		uint64_t last = v->end / c->page_size;

		while (vpn < last) {
			size_t want = last - vpn < VS_PAGEMAP_BATCH ?
				      (size_t)(last - vpn) : VS_PAGEMAP_BATCH;
			ssize_t n = vs_pagemap_read(pm, vpn, want, ent, &e);
			bool any = false;

			if (n < 0) {
				r = (int)n;
				break;
			}
			for (ssize_t i = 0; i < n; i++) {
				pfn[i] = vs_pm_pfn(ent[i]);
				any |= pfn[i] != 0;
			}
			if (any && (vs_kpage_has(c->kp) & VS_KPAGE_FLAGS)) {
				r = vs_kpage_lookup(c->kp, pfn, (size_t)n,
						    flags, NULL, &e);
				if (r < 0)
					break;
			}
			for (ssize_t i = 0; i < n; i++) {
				uint64_t f = VS_KPAGE_UNKNOWN;

				if (ent[i] & VS_PM_PRESENT) {
					if (!pfn[i])
						note_hidden(c);
					else if (vs_kpage_has(c->kp) &
						 VS_KPAGE_FLAGS)
						f = flags[i];
					if (f != VS_KPAGE_UNKNOWN)
						f = vs_kpf_well_known(f);
					histo_add(h, f, 1);
				}
				if (ent[i] & VS_PM_SWAP)
					histo_add(h, 0, 1);
			}
			vpn += (uint64_t)n;
			if ((size_t)n < want)
				break;
		}
		if (r < 0)
			break;
	}
	if (pfn && !c->said_hidden && h->unknown)
		note_kpage(c, VS_KPAGE_FLAGS);
	vs_maps_close(m);
	vs_pagemap_close(pm);
	free(buf);
	if (r < 0)
		return proc_status(c, pid, r, &e);
	if (!vs_root_pid_alive(c->root, pid)) {
		cmd_warn("process %d exited while it was being read; what was "
			 "shown may be incomplete", (int)pid);
		return VS_EXIT_NOTFOUND;
	}
	return VS_EXIT_OK;
}

/* ---- main ------------------------------------------------------------- */

int main(int argc, char **argv)
{
	static struct ctx c;
	struct cmd_outopts oo = { 0 };
	bool pfn = false, summary = false, walk = false;
	struct vs_kmod *kmod = NULL;
	uint64_t (*ranges)[2] = NULL;
	size_t nranges = 0;
	pid_t pid = 0;
	struct vs_err e;
	int opt;

	cmd_init("vmphys");
	while ((opt = getopt_long(argc, argv, "lPswJo:bnhV", longopts,
				  NULL)) != -1) {
		switch (opt) {
		case 'l': c.runs = true; break;
		case 'P': pfn = true; break;
		case 's': summary = true; break;
		case 'w': walk = true; break;
		case 'h': usage();
		default: cmd_outopts_parse(&oo, opt, optarg);
		}
	}
	cmd_outopts_done(&oo, &c.out);
	if (oo.list_cols)
		return summary ? cmd_list_columns(scols, S__COUNT, c.out.fmt) :
		       walk ? cmd_list_columns(walk_cols, walk_ncols, c.out.fmt) :
			      cmd_list_columns(cols, C__COUNT, c.out.fmt);
	if (pfn && summary)
		cmd_usage_error("--pfn and --summary cannot be used together");
	if (walk && (pfn || summary))
		cmd_usage_error("--walk cannot be used with --%s",
				pfn ? "pfn" : "summary");
	if ((summary || walk) && c.runs)
		cmd_usage_error("--runs lists pages; --%s has none",
				summary ? "summary" : "walk");

	/* Arguments. */
	if (walk) {
		if (optind >= argc)
			cmd_usage_error("no process id given");
		pid = parse_pid(argv[optind]);
		if (argc - optind > 1) {
			ranges = calloc((size_t)(argc - optind - 1),
					sizeof(*ranges));
			if (!ranges)
				cmd_die(VS_EXIT_FAILURE, "out of memory");
		}
		for (int i = optind + 1; i < argc; i++, nranges++)
			parse_range(argv[i], false, &ranges[nranges][0],
				    &ranges[nranges][1]);
	} else if (summary) {
		if (argc - optind > 1)
			cmd_usage_error("--summary takes at most one process id");
		if (optind < argc)
			pid = parse_pid(argv[optind]);
	} else {
		int first = optind;

		if (!pfn) {
			if (optind >= argc)
				cmd_usage_error("no process id given");
			pid = parse_pid(argv[optind]);
			first++;
		}
		if (first >= argc)
			cmd_usage_error(pfn ? "no frame number given" :
					"no address range given");
		ranges = calloc((size_t)(argc - first), sizeof(*ranges));
		if (!ranges)
			cmd_die(VS_EXIT_FAILURE, "out of memory");
		for (int i = first; i < argc; i++, nranges++)
			parse_range(argv[i], pfn, &ranges[nranges][0],
				    &ranges[nranges][1]);
	}

	/* Columns. */
	c.page_size = vs_page_size();
	if (walk) {
		int def[64];
		size_t ndef = walk_default_cols(oo.json, def);

		c.nsel = cmd_outopts_cols(&oo, walk_cols, walk_ncols, def, ndef,
					  c.sel, SEL_MAX);
	} else if (summary) {
		static const int def[] = { S_KPAGEFLAGS, S_PAGES, S_SIZE,
					   S_FLAGS, S_FLAG_NAMES };

		c.nsel = cmd_outopts_cols(&oo, scols, S__COUNT, def, 5,
					  c.sel, SEL_MAX);
	} else {
		static const int pdef[] = { C_ADDRESS, C_PAGES, C_PFN, C_PHYS,
			C_MAPCOUNT, C_NODE, C_PAGEMAP, C_FLAGS, C_FLAG_NAMES };
		static const int fdef[] = { C_PFN, C_PAGES, C_PHYS, C_MAPCOUNT,
			C_NODE, C_FLAGS, C_FLAG_NAMES };
		int def[C__COUNT];
		size_t ndef = 0;
		const int *src = pfn ? fdef : pdef;
		size_t nsrc = pfn ? sizeof(fdef) / sizeof(*fdef) :
				    sizeof(pdef) / sizeof(*pdef);

		/* PAGES only with -l: without it every row is one page. */
		for (size_t i = 0; i < nsrc; i++)
			if (src[i] != C_PAGES || c.runs)
				def[ndef++] = src[i];
		c.nsel = cmd_outopts_cols(&oo, cols, C__COUNT, def, ndef,
					  c.sel, SEL_MAX);
	}

	if (vs_root_new(oo.sysroot, &c.root, &e) < 0) {
		cmd_warn_err(&e);
		return VS_EXIT_FAILURE;
	}
	/* --walk's module before the process: a usage error reads nothing,
	 * and a module missing (3) goes before a process missing (42), as
	 * vs_exit.h orders them. */
	if (walk) {
		int st = VS_EXIT_FAILURE;

		if (!vs_root_is_live(c.root))
			cmd_usage_error("--walk reads the running kernel's page "
					"tables, not --sysroot");
		kmod = walk_open(c.root, &st);
		if (!kmod) {
			free(ranges);
			vs_root_unref(c.root);
			return st;
		}
	}
	if (pid) {
		int st = VS_EXIT_FAILURE;

		/* A process that is gone, or a zombie, has nothing to show. */
		pid = resolve_pid(c.root, pid, &st);
		if (!pid) {
			if (kmod)
				vs_kmod_close(kmod);
			free(ranges);
			vs_root_unref(c.root);
			return st;
		}
	}
	if (!walk && vs_kpage_open(c.root, VS_KPAGE_FLAGS | VS_KPAGE_COUNT,
				   &c.kp, &e) < 0) {
		cmd_warn_err(&e);
		return VS_EXIT_FAILURE;
	}
	if (vs_numa_open(c.root, c.page_size, &c.numa, NULL) < 0)
		c.numa = NULL;

	if (oo.json) {
		vs_json_obj_begin(&c.out.json, NULL);
		vs_json_obj_begin(&c.out.json, "vmphys");
		if (pid)
			vs_json_i64(&c.out.json, "pid", pid);
		else
			vs_json_null(&c.out.json, "pid");
	}
	if (walk) {
		cmd_signals_init();
		cmd_status_add(&c.status, walk_run(kmod, &c.out, c.root, pid,
						   (const uint64_t (*)[2])ranges,
						   nranges, c.sel, c.nsel));
		vs_kmod_close(kmod);
	} else if (summary) {
		struct histo h = { 0 };

		if (pid) {
			int s = summary_pid(&c, pid, &h);

			cmd_status_add(&c.status, s);
			if (s == VS_EXIT_OK || s == VS_EXIT_NOTFOUND)
				summary_print(&c, &h);
			else
				free(h.slot);
		} else {
			summary_all(&c, &h);
			summary_print(&c, &h);
		}
	} else {
		if (vs_table_new(&c.out, pfn ? "frames" : "pages", cols,
				 C__COUNT, c.sel, c.nsel, &c.t, &e) < 0) {
			cmd_warn_err(&e);
			return VS_EXIT_FAILURE;
		}
		if (pfn)
			pfn_mode(&c, (const uint64_t (*)[2])ranges, nranges);
		else
			pid_mode(&c, pid, (const uint64_t (*)[2])ranges,
				 nranges);
		if (vs_table_end(c.t) < 0)
			cmd_status_add(&c.status, VS_EXIT_FAILURE);
	}
	if (oo.json) {
		int r;

		vs_json_obj_end(&c.out.json);
		vs_json_obj_end(&c.out.json);
		r = vs_json_finish(&c.out.json);
		if (r == -EPIPE)
			cmd_exit_closed_pipe();
		if (r < 0) {
			char buf[128];

			cmd_warn("write error: %s",
				 vs_strerror(r, buf, sizeof(buf)));
			cmd_status_add(&c.status, VS_EXIT_FAILURE);
		}
	}
	free(ranges);
	vs_numa_close(c.numa);
	vs_kpage_close(c.kp);
	vs_root_unref(c.root);
	if (cmd_interrupted())
		cmd_exit_signal();
	return c.status.status;
}
