/* vs_backing.h - what physically backs a range of virtual addresses.
 *
 * Walks /proc/PID/pagemap over a range in batches, looks up the frames in
 * /proc/kpageflags and /proc/kpagecount (vs_kpage) and their NUMA node
 * (vs_numa), and adds up what a user asks of a mapping: present, swapped,
 * anonymous or page cache, dirty, THP, hugetlb, KSM, the zero page, shared
 * or exclusive, USS, PSS, pages per node and physically contiguous runs.
 * Memory is one batch of entries, whatever the size of the range.
 *
 * A figure that needs what the kernel did not show (a hidden PFN, an
 * unreadable kpageflags) is not guessed: the *_unknown counters say how
 * many pages lacked it, and vs_backing_known() tells whether a figure can
 * be shown.
 */
#ifndef VS_BACKING_H
#define VS_BACKING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vs_err.h"
#include "vs_kpage.h"
#include "vs_numa.h"
#include "vs_pagemap.h"

#define VS_BACKING_NODES 64	/* nodes counted one by one */
#define VS_PSS_SHIFT 12		/* PSS is kept in bytes << VS_PSS_SHIFT */

/* The figures of one range (or the sum of several). Counts are pages. */
struct vs_backing {
	uint64_t pages;		/* virtual pages walked */
	/* from pagemap alone */
	uint64_t present;	/* in memory (zero page and hugetlb too) */
	uint64_t swapped;	/* in swap */
	uint64_t file;		/* file pages and shmem (pagemap bit 61) */
	uint64_t exclusive;	/* mapped exactly once (pagemap bit 56) */
	uint64_t soft_dirty;	/* soft-dirty (present or swapped) */
	uint64_t uffd_wp;	/* userfaultfd write-protected */
	uint64_t guard;		/* guard-region entries */
	/* what was missing */
	uint64_t pfn_unknown;	/* present pages whose PFN was hidden */
	uint64_t flags_unknown;	/* ... whose kpageflags could not be read */
	uint64_t count_unknown;	/* ... whose kpagecount could not be read */
	uint64_t node_unknown;	/* ... on no known node */
	/* from kpageflags */
	uint64_t anon;		/* anonymous (KSM pages included) */
	uint64_t dirty;		/* the page's dirty flag (not the PTE's) */
	uint64_t thp;		/* in transparent huge pages (not zero) */
	uint64_t thp_huge;	/* whole PMD-sized THPs mapped by this range
				 * (a count of huge pages, not of pages) */
	uint64_t hugetlb;	/* in hugetlb pages */
	uint64_t ksm;		/* merged by KSM */
	uint64_t zero;		/* the zero page or the huge zero page */
	/* from kpagecount, over the pages smaps counts in Rss (anonymous
	 * or file, not the zero page, not hugetlb) */
	uint64_t rss;		/* those pages */
	uint64_t shared;	/* map count > 1 */
	uint64_t uss;		/* map count <= 1 */
	uint64_t pss_fp;	/* PSS in bytes << VS_PSS_SHIFT */
	/* physical contiguity, in virtual order */
	uint64_t runs;		/* runs of consecutive PFNs */
	uint64_t max_run;	/* pages in the longest */
	uint64_t node[VS_BACKING_NODES];	/* pages per node */
	uint64_t node_other;	/* pages on nodes >= VS_BACKING_NODES */
};

/* Which source a figure needs (for vs_backing_known). */
enum vs_backing_need {
	VS_NEED_PAGEMAP,	/* present, swapped, file, exclusive, ... */
	VS_NEED_PFN,		/* runs */
	VS_NEED_NODE,		/* pages per node */
	VS_NEED_FLAGS,		/* anon, dirty, thp, hugetlb, ksm, zero */
	VS_NEED_COUNT,		/* rss, shared, uss, pss */
};

/* Whether figures that need @need are exact for @b: no present page
 * lacked what they are computed from. */
bool vs_backing_known(const struct vs_backing *b, enum vs_backing_need need);

/* Add the figures of @b to @sum (max_run takes the larger). */
void vs_backing_add(struct vs_backing *sum, const struct vs_backing *b);

struct vs_backing_ctx;

/* A walker over @pm, looking frames up in @kp (may be NULL: no flags nor
 * counts) and @numa (may be NULL: no nodes). @page_size is the base page;
 * @huge_pages the pages of a PMD-sized huge page (512 on x86-64), for
 * thp_huge. The context borrows the readers. Returns 0 or -ENOMEM. */
int vs_backing_new(struct vs_pagemap *pm, struct vs_kpage *kp,
		   struct vs_numa *numa, size_t page_size, size_t huge_pages,
		   struct vs_backing_ctx **out, struct vs_err *e);
void vs_backing_free(struct vs_backing_ctx *ctx);

/* Walk [@start, @end) (page-aligned addresses) and add its figures to @b
 * (zeroed by the caller). Pages past the end of pagemap are not counted.
 * Returns 0 or a negative errno with @e set. */
int vs_backing_walk(struct vs_backing_ctx *ctx, uint64_t start, uint64_t end,
		    struct vs_backing *b, struct vs_err *e);

/* The PMD huge page size from /sys/kernel/mm/transparent_hugepage/
 * hpage_pmd_size below @r, in pages; 2 MiB worth when it cannot be read. */
size_t vs_huge_pages(struct vs_root *r, size_t page_size);

#endif
