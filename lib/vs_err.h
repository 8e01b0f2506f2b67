/* vs_err.h - how the library tells a command what went wrong.
 *
 * The library never prints and never exits. A function that fails returns a
 * negative errno value and, when the caller passed a struct vs_err, fills it
 * with a message fit to show a user ("cannot read '/proc/42/smaps':
 * permission denied") and, where one helps, a hint ("reading another user's
 * process needs root or CAP_SYS_PTRACE"). The command decides how to say it.
 */
#ifndef VS_ERR_H
#define VS_ERR_H

#include <stddef.h>

struct vs_err {
	int code;		/* positive errno-style code; 0 when unset */
	char msg[1024];		/* lowercase, no trailing newline or full stop */
	char hint[256];		/* optional advice; "" when there is none */
};

/* Clear @e (which may be NULL). */
void vs_err_clear(struct vs_err *e);

/* Set @e to @code and a printf-style message. Returns -@code so that a
 * failing function can end with "return vs_err_set(e, EINVAL, ...);". */
int vs_err_set(struct vs_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Set @e to "cannot @verb '@path': <strerror(code) in lowercase>" and, for
 * permission errors on /proc/PID files, a hint that says what this
 * process lacks: root (or CAP_SYS_PTRACE) for a user; for root, that it
 * lacks CAP_SYS_PTRACE, or is root of a user namespace only, or holds it
 * and the kernel still refuses (a security module or the kernel's policy
 * protects the process). Returns -@code. */
int vs_err_sys(struct vs_err *e, int code, const char *verb, const char *path);

/* Set the hint of @e (printf-style). */
void vs_err_hint(struct vs_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* strerror(@code) with its first letter in lowercase, into @buf. */
const char *vs_strerror(int code, char *buf, size_t size);

#endif
