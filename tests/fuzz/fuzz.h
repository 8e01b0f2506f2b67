/* fuzz.h - what the libFuzzer harnesses of tests/fuzz share.
 *
 * Each harness fuzz_NAME.c feeds its input, as the kernel's text would
 * be, to one parser of lib/ through the function that takes text
 * (HACKING.md), then reads what the parser filled in, so that a figure
 * left uninitialised or an index out of bounds shows under ASan and UBSan.
 * libFuzzer's input buffer is exactly @size bytes on the heap and is not
 * NUL-terminated: a parser that reads past the length it was given is
 * caught. A parser may fail (-EBADMSG); it must not crash, leak or hang.
 */
#ifndef VS_FUZZ_H
#define VS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vs_err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Use @v where the compiler cannot drop it (so reading it is not dead). */
static inline void fuzz_use(const void *p, size_t n)
{
	const volatile unsigned char *c = p;
	volatile unsigned char sink = 0;

	for (size_t i = 0; i < n; i++)
		sink ^= c[i];
	(void)sink;
}

#define FUZZ_USE(v) fuzz_use(&(v), sizeof(v))

/* A fresh error for a parser to fill. */
static inline void fuzz_err_init(struct vs_err *e)
{
	memset(e, 0xa5, sizeof(*e));	/* no NUL: a message left unset shows */
	vs_err_clear(e);
}

/* After a parser returned @r: its message is a terminated string, and a
 * failure says why (the library's rule: a clear error, never a bare
 * status). */
static inline void fuzz_err_check(int r, const struct vs_err *e)
{
	if (!memchr(e->msg, '\0', sizeof(e->msg)) ||
	    !memchr(e->hint, '\0', sizeof(e->hint)))
		abort();
#ifdef FUZZ_VERBOSE	/* to see how far a seed gets: -DFUZZ_VERBOSE */
	fprintf(stderr, "fuzz: %d %s\n", r, e->msg);
#endif
	if (r < 0 && (!e->msg[0] || !e->code))
		abort();
	fuzz_use(e->msg, strlen(e->msg));
}

#endif
