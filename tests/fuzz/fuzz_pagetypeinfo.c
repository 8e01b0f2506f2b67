/* fuzz_pagetypeinfo.c - libFuzzer harness: /proc/pagetypeinfo text into
 * vs_pagetypeinfo_parse. */
#include "fuzz_buddy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_buddy(data, size, vs_pagetypeinfo_parse);
}
