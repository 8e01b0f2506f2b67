/* faults.c - this file implements the reading of a process's and its
 * threads' page-fault counters. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vs_faults.h"
#include "vs_fmt.h"
#include "vs_proc.h"

static int cmp_tid(const void *a, const void *b)
{
	const struct vs_thread_faults *x = a, *y = b;

	return (x->tid > y->tid) - (x->tid < y->tid);
}

/* Read and parse /proc/@pid/task/@tid/stat (or /proc/@pid/stat when @tid
 * is 0). Returns 0, -ESRCH when gone, -EBADMSG, or another errno. */
static int read_stat(struct vs_root *r, pid_t pid, int tid, struct vs_stat *st,
		     struct vs_err *e)
{
	char path[96], buf[2048], full[700];
	size_t len;
	int ret;

	if (tid)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid,
			 tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	ret = vs_root_read(r, path, buf, sizeof(buf), &len, e);
	/* A thread's stat gone beside a live process: the thread exited. */
	if (tid && ret == -ENOENT)
		return vs_err_set(e, ESRCH, "thread %d not found", tid);
	ret = vs_root_pid_err(r, pid, ret, e);
	if (ret < 0)
		return ret;
	if (vs_stat_parse(buf, len, st) < 0)
		return vs_err_set(e, EBADMSG, "unexpected content in '%s'",
				  vs_root_path(r, path, full, sizeof(full)));
	return 0;
}

int vs_faults_read(struct vs_root *r, pid_t pid, struct vs_faults *f,
		   struct vs_err *e)
{
	char path[64];
	struct vs_stat st;
	struct dirent *d;
	DIR *dir;
	int fd, ret;

	f->nthreads = 0;
	ret = read_stat(r, pid, 0, &st, e);
	if (ret < 0)
		return ret;
	f->pid = (int)pid;
	snprintf(f->comm, sizeof(f->comm), "%s", st.comm);
	f->state = st.state;
	f->minflt = st.minflt;
	f->majflt = st.majflt;
	f->cminflt = st.cminflt;
	f->cmajflt = st.cmajflt;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	fd = vs_root_pid_err(r, pid, vs_root_open(r, path, O_RDONLY |
						  O_DIRECTORY, e), e);
	if (fd < 0)
		return fd;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return vs_err_set(e, ENOMEM, "out of memory");
	}
	while ((d = readdir(dir))) {
		struct vs_thread_faults *t;
		uint64_t tid;

		if (vs_parse_u64(d->d_name, 10, &tid) < 0 || tid == 0 ||
		    tid > 0x7fffffff)
			continue;
		ret = read_stat(r, pid, (int)tid, &st, e);
		if (ret == -ESRCH)
			continue;	/* exited since readdir */
		if (ret < 0) {
			closedir(dir);
			return ret;
		}
		if (f->nthreads == f->cap) {
			size_t cap = f->cap ? 2 * f->cap : 8;
			void *p = realloc(f->threads, cap * sizeof(*t));

			if (!p) {
				closedir(dir);
				return vs_err_set(e, ENOMEM, "out of memory");
			}
			f->threads = p;
			f->cap = cap;
		}
		t = &f->threads[f->nthreads++];
		t->tid = (int)tid;
		snprintf(t->comm, sizeof(t->comm), "%s", st.comm);
		t->minflt = st.minflt;
		t->majflt = st.majflt;
	}
	closedir(dir);
	vs_err_clear(e);
	qsort(f->threads, f->nthreads, sizeof(*f->threads), cmp_tid);
	return 0;
}

const struct vs_thread_faults *vs_faults_thread(const struct vs_faults *f,
						int tid)
{
	struct vs_thread_faults key = { .tid = tid };

	if (!f->nthreads)
		return NULL;
	return bsearch(&key, f->threads, f->nthreads, sizeof(key), cmp_tid);
}

void vs_faults_release(struct vs_faults *f)
{
	free(f->threads);
	f->threads = NULL;
	f->nthreads = f->cap = 0;
}
