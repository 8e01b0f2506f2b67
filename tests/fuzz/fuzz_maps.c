/* fuzz_maps.c - libFuzzer harness: /proc/PID/maps text into the maps
 * iterator (vs_maps_open_fd on a memfd holding the input), every mapping
 * read back through the accessors and through the spool encoding. */
#include "fuzz_maps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_maps(data, size, VS_FILE_MAPS);
}
