/* fuzz_zoneinfo.c - libFuzzer harness: /proc/zoneinfo text into
 * vs_zoneinfo_parse. */
#include "fuzz_buddy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_buddy(data, size, vs_zoneinfo_parse);
}
