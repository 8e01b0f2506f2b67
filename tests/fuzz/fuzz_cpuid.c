/* fuzz_cpuid.c - libFuzzer harness: cpuid leaves as input bytes.
 *
 * The input is a run of 24-byte records, LEAF SUBLEAF EAX EBX ECX EDX as
 * little-endian 32-bit words (the binary form of a fixture's
 * vmscope/cpuid dump; tests/fuzz/seeds.sh converts them for the seeds).
 * They become a recorded cpuid source for vs_tlb_read, and their
 * registers go straight to each decoder as well: the first three as AMD's
 * 0x80000005, 0x80000006 and 0x80000019, all of them as Intel 0x18
 * subleaves, each as an Intel leaf 2. */
#include "fuzz_cpuid.h"

#define REC 24

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vs_cpuid c = { 0 };
	struct vs_cpuid_regs *regs;
	struct vs_tlbinfo t;
	size_t n = size / REC;

	c.n = n;
	c.rec = calloc(n ? n : 1, sizeof(*c.rec));
	regs = calloc(n ? n : 1, sizeof(*regs));
	if (!c.rec || !regs)
		abort();
	for (size_t i = 0; i < n; i++) {
		uint32_t w[6];

		memcpy(w, data + i * REC, sizeof(w));
		c.rec[i].leaf = w[0];
		c.rec[i].sub = w[1];
		c.rec[i].r.eax = w[2];
		c.rec[i].r.ebx = w[3];
		c.rec[i].r.ecx = w[4];
		c.rec[i].r.edx = w[5];
		regs[i] = c.rec[i].r;
	}
	fuzz_tlb_read(&c);

	if (n >= 2) {
		memset(&t, 0, sizeof(t));
		vs_tlb_decode_amd(&regs[0], &regs[1], n >= 3 ? &regs[2] : NULL,
				  &t);
		fuzz_tlbinfo_check(&t);
	}
	memset(&t, 0, sizeof(t));
	vs_tlb_decode_intel_18(regs, n, &t);
	fuzz_tlbinfo_check(&t);
	for (size_t i = 0; i < n; i++) {
		memset(&t, 0, sizeof(t));
		vs_tlb_decode_intel_2(&regs[i], &t);
		fuzz_tlbinfo_check(&t);
	}
	free(regs);
	free(c.rec);
	return 0;
}
