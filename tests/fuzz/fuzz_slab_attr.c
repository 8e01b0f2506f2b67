/* fuzz_slab_attr.c - libFuzzer harness: one /sys/kernel/slab/CACHE/ATTR
 * file ("78380 N0=78380 N1=2") into vs_slab_attr_parse, which takes a
 * NUL-terminated string: the input is copied into one of exactly its
 * size plus the NUL. Room for no nodes, a few, and many: the count is of
 * all the nodes, the arrays get the first @max. */
#include "fuzz.h"
#include "vs_slab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int maxes[] = { 0, 2, 64 };
	int ids[64];
	uint64_t vals[64], total;
	char *text = malloc(size + 1);

	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	vs_slab_attr_parse(text, &total, NULL, NULL, 0);
	for (size_t i = 0; i < sizeof(maxes) / sizeof(maxes[0]); i++) {
		int n = vs_slab_attr_parse(text, &total, ids, vals, maxes[i]);

		for (int j = 0; j < n && j < maxes[i]; j++) {
			FUZZ_USE(ids[j]);
			FUZZ_USE(vals[j]);
		}
	}
	free(text);
	return 0;
}
