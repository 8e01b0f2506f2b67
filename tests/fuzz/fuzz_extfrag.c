/* fuzz_extfrag.c - libFuzzer harness: debugfs extfrag/unusable_index and
 * extfrag_index text (the tests' oracle) into vs_extfrag_parse. */
#include "fuzz.h"
#include "vs_buddy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vs_extfrag_zone z[8];
	struct vs_err e;
	size_t n = 99;
	int r;

	fuzz_err_init(&e);
	r = vs_extfrag_parse((const char *)data, size, "/fuzz", z, 8, &n, &e);
	fuzz_err_check(r, &e);
	if (r == 0) {
		if (n > 8)
			abort();
		for (size_t i = 0; i < n; i++)
			if (!memchr(z[i].name, '\0', sizeof(z[i].name)) ||
			    z[i].norders > VS_ORDERS_MAX)
				abort();
	}
	return 0;
}
