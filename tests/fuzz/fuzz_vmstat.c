/* fuzz_vmstat.c - libFuzzer harness: /proc/vmstat text into
 * vs_vmstat_parse. */
#include "fuzz.h"
#include "vs_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vs_kvlist l = { 0 };
	struct vs_err e;
	int r;

	fuzz_err_init(&e);
	r = vs_vmstat_parse((const char *)data, size, "/proc/vmstat", &l, &e);
	fuzz_err_check(r, &e);
	for (size_t i = 0; i < l.n; i++) {
		fuzz_use(l.kv[i].name, strlen(l.kv[i].name));
		if (vs_kvlist_get(&l, l.kv[i].name) == NULL)
			abort();
	}
	vs_kvlist_free(&l);
	return 0;
}
