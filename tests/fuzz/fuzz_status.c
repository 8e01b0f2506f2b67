/* fuzz_status.c - libFuzzer harness: /proc/PID/status text into
 * vs_status_parse; the name it unescapes must stay a string. */
#include "fuzz.h"
#include "vs_proc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vs_status st;

	memset(&st, 0, sizeof(st));
	if (vs_status_parse((const char *)data, size, &st) == 0) {
		if (!memchr(st.name, '\0', sizeof(st.name)))
			abort();
		fuzz_use(st.name, strlen(st.name));
		for (int f = 0; f < VS_ST__COUNT; f++)
			if (vs_status_has(&st, (enum vs_status_field)f))
				FUZZ_USE(st.bytes[f]);
	}
	return 0;
}
