/* fuzz_statm.c - libFuzzer harness: /proc/PID/statm text into
 * vs_statm_parse. */
#include "fuzz.h"
#include "vs_proc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vs_statm st;

	memset(&st, 0, sizeof(st));
	if (vs_statm_parse((const char *)data, size, &st) == 0)
		FUZZ_USE(st);
	return 0;
}
