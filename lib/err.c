/* err.c - error messages that travel from the library to a command. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vs_err.h"

void vs_err_clear(struct vs_err *e)
{
	if (!e)
		return;
	e->code = 0;
	e->msg[0] = '\0';
	e->hint[0] = '\0';
}

int vs_err_set(struct vs_err *e, int code, const char *fmt, ...)
{
	if (code < 0)
		code = -code;
	if (e) {
		va_list ap;

		e->code = code;
		e->hint[0] = '\0';
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return -code;
}

void vs_err_hint(struct vs_err *e, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return;
	va_start(ap, fmt);
	vsnprintf(e->hint, sizeof(e->hint), fmt, ap);
	va_end(ap);
}

const char *vs_strerror(int code, char *buf, size_t size)
{
	if (code < 0)
		code = -code;
	snprintf(buf, size, "%s", strerror(code));
	if (buf[0] && isupper((unsigned char)buf[0]) &&
	    !(buf[1] && isupper((unsigned char)buf[1])))
		buf[0] = (char)tolower((unsigned char)buf[0]);
	return buf;
}

/* True when @path names a file of one process under /proc (the tail of a
 * root-prefixed path counts too). */
static int is_proc_pid_path(const char *path)
{
	const char *p = strstr(path, "/proc/");

	return p && isdigit((unsigned char)p[6]);
}

int vs_err_sys(struct vs_err *e, int code, const char *verb, const char *path)
{
	char sbuf[128];
	int ret;

	if (code < 0)
		code = -code;
	ret = vs_err_set(e, code, "cannot %s '%s': %s", verb, path,
			 vs_strerror(code, sbuf, sizeof(sbuf)));
	if ((code == EACCES || code == EPERM) && is_proc_pid_path(path))
		vs_err_hint(e, "reading another user's process needs root "
			       "(or CAP_SYS_PTRACE)");
	return ret;
}
