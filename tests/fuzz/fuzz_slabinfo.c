/* fuzz_slabinfo.c - libFuzzer harness: /proc/slabinfo text into
 * vs_slabinfo_parse, each cache read back with the derived figures. */
#include "fuzz.h"
#include "vs_slab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vs_slabs s;
	struct vs_err e;
	uint64_t v;
	int r;

	vs_slabs_init(&s);
	fuzz_err_init(&e);
	r = vs_slabinfo_parse(&s, (const char *)data, size, "/proc/slabinfo",
			      &e);
	fuzz_err_check(r, &e);
	for (size_t i = 0; i < s.n; i++) {
		struct vs_slab_cache *c = &s.c[i];

		if (!memchr(c->name, '\0', sizeof(c->name)))
			abort();
		if (vs_slabs_find(&s, c->name) == NULL)
			abort();
		if (c->extra)
			fuzz_use(c->extra, strlen(c->extra));
		if (vs_slab_memory(c, 4096, &v))
			FUZZ_USE(v);
		if (vs_slab_used(c, &v))
			FUZZ_USE(v);
	}
	vs_slabs_free(&s);
	return 0;
}
