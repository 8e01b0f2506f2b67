/* procpid.c - this file implements the stat, statm, status and cmdline
 * readers. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vs_proc.h"

/* ---- stat ------------------------------------------------------------ */

static int next_field(const char **p, const char *end, const char **f,
		      size_t *flen)
{
	const char *s = *p;

	while (s < end && *s == ' ')
		s++;
	if (s >= end || *s == '\n')
		return 0;
	*f = s;
	while (s < end && *s != ' ' && *s != '\n')
		s++;
	*flen = (size_t)(s - *f);
	*p = s;
	return 1;
}

static int to_ull(const char *f, size_t n, unsigned long long *out)
{
	unsigned long long v = 0;

	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned d;

		if (f[i] < '0' || f[i] > '9')
			return -1;
		d = (unsigned)(f[i] - '0');
		if (v > (~0ull - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int to_ll(const char *f, size_t n, long long *out)
{
	unsigned long long u;

	if (n > 0 && f[0] == '-') {
		if (to_ull(f + 1, n - 1, &u) || u > 1ull << 63)
			return -1;
		*out = (long long)(0 - u);
		return 0;
	}
	if (to_ull(f, n, &u) || u > (unsigned long long)INT64_MAX)
		return -1;
	*out = (long long)u;
	return 0;
}

int vs_stat_parse(const char *text, size_t len, struct vs_stat *st)
{
	const char *end = text + len, *open, *close, *p;
	unsigned long long u;
	long long s;
	int n;

	memset(st, 0, sizeof(*st));
	/* comm may hold spaces and parentheses: it runs from the first '('
	 * to the last ')'. */
	open = memchr(text, '(', len);
	close = NULL;
	for (p = end; p > text; p--)
		if (p[-1] == ')') {
			close = p - 1;
			break;
		}
	if (!open || !close || close < open)
		return -EBADMSG;
	{
		long long pid;

		if (to_ll(text, (size_t)(open - text) - (open > text &&
				open[-1] == ' ' ? 1 : 0), &pid) || pid <= 0 ||
		    pid > 0x7fffffff)
			return -EBADMSG;
		st->pid = (int)pid;
	}
	n = (int)(close - open - 1);
	if (n >= (int)sizeof(st->comm))
		n = (int)sizeof(st->comm) - 1;
	memcpy(st->comm, open + 1, (size_t)n);
	st->comm[n] = '\0';
	p = close + 1;
	st->nfields = 2;
	for (int field = 3;; field++) {
		const char *f;
		size_t fl;

		if (!next_field(&p, end, &f, &fl))
			break;
		st->nfields = field;
		if (field == 3) {
			if (fl != 1)
				return -EBADMSG;
			st->state = f[0];
			continue;
		}
		/* Every other field is a number; some may be negative. */
		if (f[0] == '-') {
			if (to_ll(f, fl, &s))
				return -EBADMSG;
			u = (unsigned long long)s;
		} else {
			if (to_ull(f, fl, &u))
				return -EBADMSG;
			s = (long long)u;
		}
		switch (field) {
		case 4: st->ppid = (int)s; break;
		case 5: st->pgrp = (int)s; break;
		case 6: st->session = (int)s; break;
		case 9: st->flags = u; break;
		case 10: st->minflt = u; break;
		case 11: st->cminflt = u; break;
		case 12: st->majflt = u; break;
		case 13: st->cmajflt = u; break;
		case 14: st->utime = u; break;
		case 15: st->stime = u; break;
		case 18: st->priority = s; break;
		case 19: st->nice = s; break;
		case 20: st->num_threads = s; break;
		case 22: st->starttime = u; break;
		case 23: st->vsize = u; break;
		case 24: st->rss = s; break;
		case 26: st->startcode = u; break;
		case 27: st->endcode = u; break;
		case 28: st->startstack = u; break;
		case 39: st->processor = (int)s; break;
		case 45: st->start_data = u; break;
		case 46: st->end_data = u; break;
		case 47: st->start_brk = u; break;
		case 48: st->arg_start = u; break;
		case 49: st->arg_end = u; break;
		case 50: st->env_start = u; break;
		case 51: st->env_end = u; break;
		default: break;
		}
	}
	/* Every kernel since 2.6 prints at least 44 fields. */
	return st->nfields >= 28 ? 0 : -EBADMSG;
}

/* Read a small /proc/PID file; a missing /proc/PID becomes -ESRCH. */
static int read_pid_file(struct vs_root *r, pid_t pid, const char *name,
			 char *buf, size_t size, size_t *len, struct vs_err *e)
{
	char path[64];
	int ret;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	ret = vs_root_read(r, path, buf, size, len, e);
	return vs_root_pid_err(r, pid, ret, e);
}

/* The error for a /proc/PID file whose content does not parse. */
static int bad_pid_file(struct vs_root *r, pid_t pid, const char *name,
			struct vs_err *e)
{
	char full[600], path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	return vs_err_set(e, EBADMSG, "unexpected content in '%s'",
			  vs_root_path(r, path, full, sizeof(full)));
}

int vs_stat_read(struct vs_root *r, pid_t pid, struct vs_stat *st,
		 struct vs_err *e)
{
	char buf[2048];
	size_t len;
	int ret;

	ret = read_pid_file(r, pid, "stat", buf, sizeof(buf), &len, e);
	if (ret < 0)
		return ret;
	if (vs_stat_parse(buf, len, st) < 0)
		return bad_pid_file(r, pid, "stat", e);
	return 0;
}

static bool exited(char state)
{
	return state == 'Z' || state == 'X';
}

int vs_proc_mm_pid(struct vs_root *r, pid_t pid, const struct vs_stat *st,
		   pid_t *mm, struct vs_err *e)
{
	char path[64];
	struct dirent *d;
	DIR *dir;
	int fd;

	*mm = pid;
	if (!exited(st->state))
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	fd = vs_root_open(r, path, O_RDONLY | O_DIRECTORY, NULL);
	dir = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dir && fd >= 0)
		close(fd);
	while (dir && (d = readdir(dir))) {
		char tpath[96], buf[2048];
		struct vs_stat ts;
		unsigned long tid;
		size_t len;
		char *end;

		tid = strtoul(d->d_name, &end, 10);
		if (*end || tid == 0 || tid > 0x7fffffff || tid == (unsigned long)pid)
			continue;
		snprintf(tpath, sizeof(tpath), "/proc/%d/task/%lu/stat",
			 (int)pid, tid);
		if (vs_root_read(r, tpath, buf, sizeof(buf), &len, NULL) < 0 ||
		    vs_stat_parse(buf, len, &ts) < 0 || exited(ts.state))
			continue;
		*mm = (pid_t)tid;
		break;
	}
	if (dir)
		closedir(dir);
	if (*mm != pid)
		return 0;
	if (!vs_root_pid_alive(r, pid))
		return vs_err_set(e, ESRCH, "process %d not found", (int)pid);
	return vs_err_set(e, ESRCH, "process %d is a zombie: it has exited and "
			  "has no address space", (int)pid);
}

/* ---- statm ----------------------------------------------------------- */

int vs_statm_parse(const char *text, size_t len, struct vs_statm *st)
{
	unsigned long long *out[] = {
		&st->size, &st->resident, &st->shared, &st->text, &st->lib,
		&st->data, &st->dt,
	};
	const char *p = text, *end = text + len, *f;
	size_t fl;

	memset(st, 0, sizeof(*st));
	while (next_field(&p, end, &f, &fl)) {
		unsigned long long v;

		if (to_ull(f, fl, &v))
			return -EBADMSG;
		if (st->nfields < (int)(sizeof(out) / sizeof(*out)))
			*out[st->nfields] = v;
		st->nfields++;
	}
	/* Nothing but a newline may follow the numbers. */
	while (p < end && *p == ' ')
		p++;
	if (p < end && !(*p == '\n' && p + 1 == end))
		return -EBADMSG;
	return st->nfields >= 7 ? 0 : -EBADMSG;
}

int vs_statm_read(struct vs_root *r, pid_t pid, struct vs_statm *st,
		  struct vs_err *e)
{
	char buf[512];
	size_t len;
	int ret;

	ret = read_pid_file(r, pid, "statm", buf, sizeof(buf), &len, e);
	if (ret < 0)
		return ret;
	if (vs_statm_parse(buf, len, st) < 0)
		return bad_pid_file(r, pid, "statm", e);
	return 0;
}

/* ---- status ---------------------------------------------------------- */

static const struct {
	const char *key;
	enum vs_status_field f;
} status_keys[] = {
	{ "Name", VS_ST_NAME }, { "State", VS_ST_STATE },
	{ "Tgid", VS_ST_TGID }, { "Pid", VS_ST_PID }, { "PPid", VS_ST_PPID },
	{ "Uid", VS_ST_UID }, { "Gid", VS_ST_GID },
	{ "Threads", VS_ST_THREADS },
	{ "VmPeak", VS_ST_VMPEAK }, { "VmSize", VS_ST_VMSIZE },
	{ "VmLck", VS_ST_VMLCK }, { "VmPin", VS_ST_VMPIN },
	{ "VmHWM", VS_ST_VMHWM }, { "VmRSS", VS_ST_VMRSS },
	{ "RssAnon", VS_ST_RSSANON }, { "RssFile", VS_ST_RSSFILE },
	{ "RssShmem", VS_ST_RSSSHMEM }, { "VmData", VS_ST_VMDATA },
	{ "VmStk", VS_ST_VMSTK }, { "VmExe", VS_ST_VMEXE },
	{ "VmLib", VS_ST_VMLIB }, { "VmPTE", VS_ST_VMPTE },
	{ "VmSwap", VS_ST_VMSWAP }, { "HugetlbPages", VS_ST_HUGETLB },
};

/* Unescape the Name field: the kernel writes '\n' as "\n" and '\' as
 * "\\". */
static void unescape_name(const char *s, size_t n, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < size; i++) {
		char c = s[i];

		if (c == '\\' && i + 1 < n) {
			c = s[++i];
			if (c == 'n')
				c = '\n';
		}
		out[o++] = c;
	}
	out[o] = '\0';
}

static int parse_uints(const char *p, const char *end, unsigned *out, int max)
{
	int n = 0;

	while (n < max) {
		const char *f;
		size_t fl;
		unsigned long long u;

		while (p < end && (*p == '\t' || *p == ' '))
			p++;
		f = p;
		while (p < end && *p != '\t' && *p != ' ')
			p++;
		fl = (size_t)(p - f);
		if (fl == 0)
			break;
		if (to_ull(f, fl, &u) || u > 0xffffffffu)
			return -1;
		out[n++] = (unsigned)u;
	}
	return n;
}

int vs_status_parse(const char *text, size_t len, struct vs_status *st)
{
	const char *p = text, *end = text + len;

	memset(st, 0, sizeof(*st));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *colon, *v, *ve;
		size_t klen;
		int f = -1;

		colon = memchr(p, ':', (size_t)(le - p));
		if (!colon)
			goto next;
		klen = (size_t)(colon - p);
		for (size_t i = 0; i < sizeof(status_keys) / sizeof(*status_keys); i++)
			if (strlen(status_keys[i].key) == klen &&
			    memcmp(status_keys[i].key, p, klen) == 0) {
				f = (int)status_keys[i].f;
				break;
			}
		if (f < 0)
			goto next;
		v = colon + 1;
		while (v < le && (*v == '\t' || *v == ' '))
			v++;
		ve = le;
		switch (f) {
		case VS_ST_NAME:
			unescape_name(v, (size_t)(ve - v), st->name,
				      sizeof(st->name));
			break;
		case VS_ST_STATE:
			if (v >= ve)
				return -EBADMSG;
			st->state = *v;
			break;
		case VS_ST_UID:
		case VS_ST_GID:
			if (parse_uints(v, ve, f == VS_ST_UID ? st->uid : st->gid,
					4) != 4)
				return -EBADMSG;
			break;
		default: {
			unsigned long long u;
			const char *q = v;

			while (q < ve && *q >= '0' && *q <= '9')
				q++;
			if (to_ull(v, (size_t)(q - v), &u))
				return -EBADMSG;
			if (f == VS_ST_TGID || f == VS_ST_PID || f == VS_ST_PPID ||
			    f == VS_ST_THREADS) {
				if (q != ve || u > 0x7fffffff)
					return -EBADMSG;
				if (f == VS_ST_TGID)
					st->tgid = (int)u;
				else if (f == VS_ST_PID)
					st->pid = (int)u;
				else if (f == VS_ST_PPID)
					st->ppid = (int)u;
				else
					st->threads = (unsigned)u;
			} else {
				if (ve - q != 3 || memcmp(q, " kB", 3) != 0 ||
				    u > UINT64_MAX / 1024)
					return -EBADMSG;
				st->bytes[f] = u * 1024;
			}
			break;
		}
		}
		st->have |= 1ull << f;
next:
		p = nl ? nl + 1 : end;
	}
	return 0;
}

int vs_status_read(struct vs_root *r, pid_t pid, struct vs_status *st,
		   struct vs_err *e)
{
	char buf[8192];
	size_t len;
	int ret;

	ret = read_pid_file(r, pid, "status", buf, sizeof(buf), &len, e);
	if (ret < 0)
		return ret;
	if (vs_status_parse(buf, len, st) < 0)
		return bad_pid_file(r, pid, "status", e);
	return 0;
}

/* ---- cmdline --------------------------------------------------------- */

/* Length of the UTF-8 sequence a lead byte starts; -1 for a byte that
 * cannot lead one (procps' table: C0, C1 and F5..FF are refused). */
static int utf8_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c < 0xc2)
		return -1;
	if (c < 0xe0)
		return 2;
	if (c < 0xf0)
		return 3;
	if (c < 0xf5)
		return 4;
	return -1;
}

static void escape_ascii(unsigned char *s)
{
	for (; *s; s++) {
		if (*s >= 0x80)
			*s = '?';
		else if (*s < 0x20 || *s == 0x7f)
			*s = '.';
	}
}

void vs_escape_procps(char *str, bool utf8)
{
	unsigned char *s = (unsigned char *)str;
	size_t len = strlen(str), i = 0;

	if (!utf8) {
		escape_ascii(s);
		return;
	}
	while (i < len) {
		int n = utf8_len(s[i]);

		if (n < 0 || i + (size_t)n > len) {
			escape_ascii(s + i);
			return;
		}
		if (s[i] < 0x20 || s[i] == 0x7f)
			s[i] = '?';
		i += (size_t)n;
	}
}

void vs_cmdline_format(const char *raw, size_t len, const struct vs_stat *st,
		       bool utf8, char *out, size_t size)
{
	size_t n = len, i;

	if (size == 0)
		return;
	if (n >= size)
		n = size - 1;
	memcpy(out, raw, n);
	out[n] = '\0';
	/* Trailing NULs go; inner NULs and newlines become spaces; one
	 * trailing space goes too. */
	i = n;
	while (i > 0 && out[i - 1] == '\0')
		i--;
	for (size_t k = 0; k < i; k++)
		if (out[k] == '\0' || out[k] == '\n')
			out[k] = ' ';
	if (n > 0 && out[n - 1] == ' ')
		out[n - 1] = '\0';
	if (out[0]) {
		vs_escape_procps(out, utf8);
		return;
	}
	/* No arguments (a kernel thread, a zombie): "[comm]". */
	{
		char comm[sizeof(st->comm)];

		snprintf(comm, sizeof(comm), "%s", st ? st->comm : "");
		vs_escape_procps(comm, utf8);
		snprintf(out, size, "[%s]%s", comm,
			 st && st->state == 'Z' ? " <defunct>" : "");
	}
}

int vs_cmdline_read(struct vs_root *r, pid_t pid, const struct vs_stat *st,
		    bool utf8, char *out, size_t size, struct vs_err *e)
{
	char path[64];
	char *raw;
	size_t len = 0;
	int ret;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	raw = malloc(size);
	if (!raw)
		return vs_err_set(e, ENOMEM, "out of memory");
	/* Like ps, read what fits and leave the rest. */
	ret = vs_root_pid_err(r, pid, vs_root_read_upto(r, path, raw, size,
							&len, e), e);
	if (ret == -ESRCH) {
		free(raw);
		return ret;
	}
	/* An unreadable cmdline shows as "[comm]", as in ps. */
	if (ret < 0)
		len = 0;
	vs_cmdline_format(raw, len, st, utf8, out, size);
	free(raw);
	vs_err_clear(e);
	return 0;
}
