/* vs_pagemix.h - a process's mix of page sizes, from its smaps.
 *
 * How many translations a process's resident memory needs depends on the
 * pages that map it: base pages (KernelPageSize 4 kB), transparent huge
 * pages mapped by a PMD (AnonHugePages, ShmemPmdMapped, FilePmdMapped: 2
 * MiB each) and hugetlb pages (KernelPageSize 2048 kB or 1 GiB, counted in
 * Shared_Hugetlb and Private_Hugetlb). vmtlb sets this against the TLB's
 * reach. Anonymous memory in mappings the kernel marks THPeligible but not
 * backed by huge pages is memory that could have used them.
 */
#ifndef VS_PAGEMIX_H
#define VS_PAGEMIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vs_maps.h"

#define VS_PMD_SIZE (2ull << 20)	/* x86-64 */

/* Mappings of one (KernelPageSize, MMUPageSize) pair. */
struct vs_pagesize {
	uint64_t kernel_page;		/* bytes */
	uint64_t mmu_page;		/* bytes */
	uint64_t mappings;
	uint64_t size;			/* virtual bytes */
	uint64_t rss;			/* resident (Rss) */
	uint64_t pmd_mapped;		/* of the Rss, mapped by PMDs:
					 * AnonHugePages + ShmemPmdMapped +
					 * FilePmdMapped */
	uint64_t hugetlb;		/* Shared_ + Private_Hugetlb */
};

#define VS_PAGESIZES_MAX 8

struct vs_pagemix {
	size_t n;
	struct vs_pagesize ps[VS_PAGESIZES_MAX];
	unsigned other;			/* mappings of further page sizes */
	uint64_t mappings;
	uint64_t rss;			/* Rss of every mapping */
	uint64_t hugetlb;		/* hugetlb memory (not in Rss) */
	uint64_t anon;			/* Anonymous */
	uint64_t anon_huge;		/* AnonHugePages */
	uint64_t thp_eligible_anon;	/* Anonymous in THPeligible mappings */
	uint64_t thp_eligible_huge;	/* AnonHugePages there */
	bool have_thp_eligible;		/* the kernel prints THPeligible */
	bool complete;			/* every mapping had the page sizes */
};

void vs_pagemix_init(struct vs_pagemix *m);

/* Add one mapping of an smaps file. */
void vs_pagemix_add(struct vs_pagemix *m, const struct vs_vma *v);

/* Translations needed to map the resident memory once, by page size:
 * *@n4k base pages, *@n2m PMD mappings (and 2 MiB hugetlb pages), *@n1g
 * 1 GiB hugetlb pages. */
void vs_pagemix_translations(const struct vs_pagemix *m, uint64_t *n4k,
			     uint64_t *n2m, uint64_t *n1g);

/* Anonymous memory eligible for THP but on base pages. */
static inline uint64_t vs_pagemix_thp_unbacked(const struct vs_pagemix *m)
{
	return m->thp_eligible_anon > m->thp_eligible_huge ?
	       m->thp_eligible_anon - m->thp_eligible_huge : 0;
}

#endif
