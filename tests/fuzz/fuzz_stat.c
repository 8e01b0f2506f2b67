/* fuzz_stat.c - libFuzzer harness: /proc/PID/stat text into vs_stat_parse. */
#include "fuzz.h"
#include "vs_proc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vs_stat st;

	memset(&st, 0, sizeof(st));
	if (vs_stat_parse((const char *)data, size, &st) == 0) {
		if (!memchr(st.comm, '\0', sizeof(st.comm)))
			abort();	/* comm is a string */
		fuzz_use(st.comm, strlen(st.comm));
	}
	return 0;
}
