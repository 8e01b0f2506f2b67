/* pagemix.c - this file implements the page-size mix of a process. */
#include <string.h>

#include "vs_pagemix.h"

void vs_pagemix_init(struct vs_pagemix *m)
{
	memset(m, 0, sizeof(*m));
	m->complete = true;
}

static uint64_t get(const struct vs_vma *v, enum vs_key k)
{
	uint64_t x;

	return vs_vma_bytes(v, k, &x) ? x : 0;
}

void vs_pagemix_add(struct vs_pagemix *m, const struct vs_vma *v)
{
	uint64_t kps, mps, elig, rss = get(v, VS_KEY_RSS);
	uint64_t anon = get(v, VS_KEY_ANONYMOUS);
	uint64_t ahp = get(v, VS_KEY_ANON_HUGE_PAGES);
	uint64_t pmd = ahp + get(v, VS_KEY_SHMEM_PMD_MAPPED) +
		       get(v, VS_KEY_FILE_PMD_MAPPED);
	uint64_t htlb = get(v, VS_KEY_SHARED_HUGETLB) +
			get(v, VS_KEY_PRIVATE_HUGETLB);
	struct vs_pagesize *ps = NULL;

	m->mappings++;
	m->rss += rss;
	m->hugetlb += htlb;
	m->anon += anon;
	m->anon_huge += ahp;
	if (vs_vma_get(v, VS_KEY_THP_ELIGIBLE, &elig)) {
		m->have_thp_eligible = true;
		if (elig) {
			m->thp_eligible_anon += anon;
			m->thp_eligible_huge += ahp;
		}
	}
	if (!vs_vma_bytes(v, VS_KEY_KERNEL_PAGE_SIZE, &kps) ||
	    !vs_vma_bytes(v, VS_KEY_MMU_PAGE_SIZE, &mps)) {
		m->complete = false;
		return;
	}
	for (size_t i = 0; i < m->n; i++)
		if (m->ps[i].kernel_page == kps && m->ps[i].mmu_page == mps)
			ps = &m->ps[i];
	if (!ps) {
		if (m->n == VS_PAGESIZES_MAX) {
			m->other++;
			return;
		}
		ps = &m->ps[m->n++];
		memset(ps, 0, sizeof(*ps));
		ps->kernel_page = kps;
		ps->mmu_page = mps;
	}
	ps->mappings++;
	ps->size += v->end - v->start;
	ps->rss += rss;
	ps->pmd_mapped += pmd;
	ps->hugetlb += htlb;
}

void vs_pagemix_translations(const struct vs_pagemix *m, uint64_t *n4k,
			     uint64_t *n2m, uint64_t *n1g)
{
	*n4k = *n2m = *n1g = 0;
	for (size_t i = 0; i < m->n; i++) {
		const struct vs_pagesize *p = &m->ps[i];
		uint64_t base = p->rss > p->pmd_mapped ? p->rss - p->pmd_mapped : 0;

		if (p->mmu_page <= 4096) {
			*n4k += (base + 4095) / 4096;
			*n2m += (p->pmd_mapped + VS_PMD_SIZE - 1) / VS_PMD_SIZE;
		} else if (p->mmu_page >= (1ull << 30)) {
			*n1g += (p->hugetlb + (1ull << 30) - 1) >> 30;
		} else {
			*n2m += (p->hugetlb + p->mmu_page - 1) / p->mmu_page;
		}
	}
}
