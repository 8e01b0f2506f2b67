/* fuzz_buddyinfo.c - libFuzzer harness: /proc/buddyinfo text into
 * vs_buddyinfo_parse. */
#include "fuzz_buddy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_buddy(data, size, vs_buddyinfo_parse);
}
