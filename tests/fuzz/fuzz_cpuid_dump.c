/* fuzz_cpuid_dump.c - libFuzzer harness: a fixture tree's vmscope/cpuid
 * dump ("LEAF SUBLEAF EAX EBX ECX EDX" in hex per line) into
 * vs_cpuid_parse, then the TLBs it describes through vs_tlb_read. */
#include "fuzz_cpuid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vs_cpuid c;
	struct vs_err e;
	int r;

	fuzz_err_init(&e);
	r = vs_cpuid_parse(&c, (const char *)data, size, VS_CPUID_DUMP, &e);
	fuzz_err_check(r, &e);
	if (r == 0)
		fuzz_tlb_read(&c);
	vs_cpuid_close(&c);
	return 0;
}
