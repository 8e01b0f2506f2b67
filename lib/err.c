/* err.c - error messages that travel from the library to a command. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

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

/* The pid of a live /proc/PID path (not one below a --sysroot), or 0. */
static long live_pid(const char *path)
{
	char *end;
	long pid;

	if (strncmp(path, "/proc/", 6) || !isdigit((unsigned char)path[6]))
		return 0;
	pid = strtol(path + 6, &end, 10);
	return *end == '/' || *end == '\0' ? pid : 0;
}

/* True when this process holds @cap in its effective set (capget(2): no
 * file to read, nothing to link). */
static bool cap_effective(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0,
	};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) < 0)
		return false;
	return data[cap / 32].effective & (1u << (cap % 32));
}

/* 1 when this process is in the initial user namespace, 0 when in
 * another, -1 when it cannot tell. The kernel gives the initial one the
 * fixed inode number PROC_USER_INIT_INO (0xEFFFFFFD). */
static int in_initial_userns(void)
{
	char link[64];
	ssize_t n = readlink("/proc/self/ns/user", link, sizeof(link) - 1);

	if (n <= 0)
		return -1;
	link[n] = '\0';
	return strcmp(link, "user:[4026531837]") == 0;
}

/* True when the live process @pid has this process's user and group as
 * its real, effective and saved ids (/proc/PID/status, which everyone may
 * read): the kernel then refuses only a process that is not dumpable. */
static bool same_ids(long pid)
{
	char path[64], buf[4096];
	unsigned long id[2][4];
	ssize_t n;
	int fd;
	const char *u, *g;

	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	u = strstr(buf, "\nUid:");
	g = strstr(buf, "\nGid:");
	if (!u || !g ||
	    sscanf(u, "\nUid: %lu %lu %lu %lu", &id[0][0], &id[0][1],
		   &id[0][2], &id[0][3]) != 4 ||
	    sscanf(g, "\nGid: %lu %lu %lu %lu", &id[1][0], &id[1][1],
		   &id[1][2], &id[1][3]) != 4)
		return false;
	for (int i = 0; i < 3; i++)
		if (id[0][i] != geteuid() || id[1][i] != getegid())
			return false;
	return true;
}

/* The hint for a permission error on a file of a process: what this
 * process may do, so as not to tell root to become root. The kernel lets
 * a process read another's mm-based files (maps, smaps, pagemap...) when
 * ptrace_may_access(PTRACE_MODE_READ) allows it: the same uids and gids
 * and a dumpable target, or CAP_SYS_PTRACE in the target's user
 * namespace, then every security module agrees (Yama checks only
 * attaching, not reading). */
static void proc_pid_hint(struct vs_err *e, const char *path)
{
	long pid = live_pid(path);
	int initns;

	if (!pid || !cap_effective(CAP_SYS_PTRACE)) {
		if (geteuid() == 0 && pid)
			vs_err_hint(e, "this process runs as root but without "
				       "CAP_SYS_PTRACE (dropped from its "
				       "capabilities), which the kernel may "
				       "ask for to read another process");
		else if (pid && same_ids(pid))
			vs_err_hint(e, "the process is this user's but not "
				       "dumpable (it changed its credentials or "
				       "called prctl(PR_SET_DUMPABLE, 0)): "
				       "reading it needs root (or "
				       "CAP_SYS_PTRACE)");
		else
			vs_err_hint(e, "reading another user's process needs "
				       "root (or CAP_SYS_PTRACE)");
		return;
	}
	initns = in_initial_userns();
	if (initns == 0) {
		vs_err_hint(e, "root may not read it: this process is root of "
			       "a user namespace only, and its CAP_SYS_PTRACE "
			       "does not reach processes outside it");
		return;
	}
	vs_err_hint(e, "root may not read it either: CAP_SYS_PTRACE is held%s, "
		       "so the kernel's policy or a security module protects "
		       "this process%s",
		    initns == 1 ? " in the initial user namespace" : "",
		    pid == 1 ? " (PID 1, the init, which some kernels and "
			       "sandboxes keep from everyone)" : "");
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
		proc_pid_hint(e, path);
	return ret;
}
