/* fuzz_cmdline.c - libFuzzer harness: /proc/PID/cmdline bytes into
 * vs_cmdline_format, as ps(1) would show them, with and without a UTF-8
 * locale, into buffers of several sizes; and the same bytes as a comm for
 * the "[comm]" form of an empty cmdline. The result must be a string that
 * fits the buffer. */
#include "fuzz.h"
#include "vs_proc.h"

static void format(const uint8_t *data, size_t size, const struct vs_stat *st,
		   bool utf8, size_t outsize)
{
	char *out = malloc(outsize);

	if (!out)
		abort();
	vs_cmdline_format((const char *)data, size, st, utf8, out, outsize);
	if (!memchr(out, '\0', outsize))
		abort();
	fuzz_use(out, strlen(out));
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t sizes[] = { 1, 2, 16, 4096 };
	struct vs_stat st;

	memset(&st, 0, sizeof(st));
	st.pid = 42;
	st.state = size ? (char)data[0] : 'S';
	memcpy(st.comm, data, size < sizeof(st.comm) - 1 ? size
						       : sizeof(st.comm) - 1);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		format(data, size, &st, false, sizes[i]);
		format(data, size, &st, true, sizes[i]);
	}
	format(data, 0, &st, true, 64);		/* the [comm] form */
	format(data, 0, &st, false, 64);
	return 0;
}
