/* tap.h - TAP lines for the VM suite's guest programs: "ok - ...",
 * "not ok - ..." (counted in tap_failures) and "# ..." diagnostics, each
 * flushed at once so that a guest that dies leaves what it said. */
#ifndef VM_TAP_H
#define VM_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static int tap_failures;

static inline void vtap(bool pass, const char *fmt, va_list ap)
{
	printf("%s - ", pass ? "ok" : "not ok");
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	if (!pass)
		tap_failures++;
}

static inline bool tap(bool pass, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline bool tap(bool pass, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vtap(pass, fmt, ap);
	va_end(ap);
	return pass;
}

static inline void diag(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline void diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

#endif
