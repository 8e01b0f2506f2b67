/* fuzz_cpuid.h - what the cpuid harnesses share: decode the TLBs of a
 * set of leaves and read the result back as vmtlb does. */
#ifndef VS_FUZZ_CPUID_H
#define VS_FUZZ_CPUID_H

#include "fuzz.h"
#include "vs_cpuid.h"

static void fuzz_tlbinfo_check(const struct vs_tlbinfo *t)
{
	static const unsigned pgs[] = { VS_PG_4K, VS_PG_2M, VS_PG_4M,
					VS_PG_1G };

	if (t->n > VS_TLBS_MAX || !memchr(t->vendor, '\0', sizeof(t->vendor)))
		abort();
	for (size_t i = 0; i < t->n; i++)
		if (!vs_tlb_kind_name[t->tlb[i].kind])
			abort();	/* every kind has a name */
	for (unsigned l = 0; l <= vs_tlb_data_levels(t) + 1; l++)
		for (size_t p = 0; p < sizeof(pgs) / sizeof(pgs[0]); p++)
			vs_tlb_data_entries(t, l, pgs[p]);
}

static void fuzz_tlb_read(const struct vs_cpuid *c)
{
	struct vs_tlbinfo t;
	struct vs_err e;
	int r;

	memset(&t, 0, sizeof(t));
	fuzz_err_init(&e);
	r = vs_tlb_read(c, &t, &e);
	fuzz_err_check(r, &e);
	if (r == 0)
		fuzz_tlbinfo_check(&t);
}

#endif
