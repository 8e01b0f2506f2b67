/* perf.c - this file implements the hardware TLB miss counters. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vs_perf.h"

const char *const vs_perf_ev_name[VS_PERF__COUNT] = {
	[VS_PERF_DTLB_MISS] = "dTLB-load-misses",
	[VS_PERF_ITLB_MISS] = "iTLB-load-misses",
};

struct vs_perf {
	int *fds;
	size_t n;
};

bool vs_perf_errno_unsupported(int err)
{
	if (err < 0)
		err = -err;
	return err == ENOENT || err == EOPNOTSUPP || err == ENODEV ||
	       err == EINVAL || err == ENOSYS;
}

static int open_one(enum vs_perf_ev ev, pid_t pid, int cpu)
{
	static const uint64_t cache[VS_PERF__COUNT] = {
		[VS_PERF_DTLB_MISS] = PERF_COUNT_HW_CACHE_DTLB,
		[VS_PERF_ITLB_MISS] = PERF_COUNT_HW_CACHE_ITLB,
	};
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_HW_CACHE;
	a.config = cache[ev] | (PERF_COUNT_HW_CACHE_OP_READ << 8) |
		   ((uint64_t)PERF_COUNT_HW_CACHE_RESULT_MISS << 16);
	a.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED |
			PERF_FORMAT_TOTAL_TIME_RUNNING;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	a.inherit = pid > 0;
	return (int)syscall(SYS_perf_event_open, &a, pid, cpu, -1,
			    PERF_FLAG_FD_CLOEXEC);
}

static int push(struct vs_perf *p, int fd)
{
	int *nf = realloc(p->fds, (p->n + 1) * sizeof(*nf));

	if (!nf) {
		close(fd);
		return -ENOMEM;
	}
	p->fds = nf;
	p->fds[p->n++] = fd;
	return 0;
}

static int fail(struct vs_perf *p, int err, pid_t pid, struct vs_err *e)
{
	vs_perf_close(p);
	if (vs_perf_errno_unsupported(err))
		return vs_err_set(e, EOPNOTSUPP, "hardware TLB miss counters: "
				  VS_PERF_UNSUPPORTED);
	if (err == EACCES || err == EPERM) {
		vs_err_set(e, err, "hardware TLB miss counters: permission "
			   "denied");
		vs_err_hint(e, pid > 0 ? "counting another user's process "
			    "needs root (or CAP_PERFMON and ptrace rights)" :
			    "counting every CPU needs root (or CAP_PERFMON, or "
			    "kernel.perf_event_paranoid <= 0)");
		return -err;
	}
	if (err == ESRCH)
		return vs_err_set(e, ESRCH, "process %d not found", (int)pid);
	{
		char buf[128];

		return vs_err_set(e, err, "hardware TLB miss counters: %s",
				  vs_strerror(err, buf, sizeof(buf)));
	}
}

int vs_perf_open(const struct vs_root *r, pid_t pid, enum vs_perf_ev ev,
		 struct vs_perf **out, struct vs_err *e)
{
	struct vs_perf *p = calloc(1, sizeof(*p));
	int err = 0;

	*out = NULL;
	if (!p)
		return vs_err_set(e, ENOMEM, "out of memory");
	if (pid > 0) {
		char path[64];
		struct dirent *de;
		DIR *d;
		int fd;

		snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
		fd = vs_root_open(r, path, O_RDONLY | O_DIRECTORY, NULL);
		d = fd >= 0 ? fdopendir(fd) : NULL;
		if (!d) {
			if (fd >= 0)
				close(fd);
			return fail(p, ESRCH, pid, e);
		}
		while ((de = readdir(d))) {
			int tid = atoi(de->d_name), pfd;

			if (tid <= 0)
				continue;
			pfd = open_one(ev, tid, -1);
			if (pfd < 0) {
				err = errno;
				if (err == ESRCH)
					continue;	/* the thread ended */
				break;
			}
			if (push(p, pfd) < 0) {
				err = ENOMEM;
				break;
			}
		}
		closedir(d);
		if (!err && p->n == 0)
			err = ESRCH;
	} else {
		long ncpu = sysconf(_SC_NPROCESSORS_CONF);

		for (long c = 0; c < ncpu; c++) {
			int pfd = open_one(ev, -1, (int)c);

			if (pfd < 0) {
				err = errno;
				if (err == ENODEV && c > 0)
					continue;	/* an offline CPU */
				break;
			}
			if (push(p, pfd) < 0) {
				err = ENOMEM;
				break;
			}
			err = 0;
		}
		if (!err && p->n == 0)
			err = ENODEV;
	}
	if (err)
		return fail(p, err, pid, e);
	*out = p;
	return 0;
}

int vs_perf_read(struct vs_perf *p, uint64_t *count, bool *scaled,
		 struct vs_err *e)
{
	uint64_t sum = 0;

	*scaled = false;
	for (size_t i = 0; i < p->n; i++) {
		uint64_t v[3];
		ssize_t n = read(p->fds[i], v, sizeof(v));

		if (n != (ssize_t)sizeof(v))
			return vs_err_set(e, n < 0 ? errno : EIO, "cannot read "
					  "a hardware counter");
		if (v[2] == 0)
			continue;	/* never scheduled on the PMU */
		if (v[2] < v[1]) {
			/* Multiplexed: the PMU counted for part of the time. */
			*scaled = true;
			sum += (uint64_t)((double)v[0] * (double)v[1] /
					  (double)v[2]);
		} else {
			sum += v[0];
		}
	}
	*count = sum;
	return 0;
}

void vs_perf_close(struct vs_perf *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		close(p->fds[i]);
	free(p->fds);
	free(p);
}
