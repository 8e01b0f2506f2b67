/* trace.c - this file implements private tracefs instances (libtracefs)
 * and the parsing of their records (libtraceevent). */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tracefs.h>

#include "vs_trace.h"

struct vs_trace {
	struct tracefs_instance *inst;
	struct tep_handle *tep;
	const struct vs_trace_spec *specs;
	size_t n;
	int *ids;		/* event id of each spec */
	char name[64];
	char *mountpoint;	/* set when this run mounted tracefs */
	long long lost0;	/* lost-event counters at start */
	/* during a drain */
	int (*cb)(void *arg, const struct vs_trace_rec *r);
	void *arg;
	long count;
	int stop;
};

static unsigned instance_seq;

bool vs_trace_parse_name(const char *name, int *pid)
{
	char *end;
	long p;

	if (strncmp(name, "vmscope-", 8) != 0)
		return false;
	p = strtol(name + 8, &end, 10);
	if (end == name + 8 || *end != '-' || p <= 0 || p > 0x7fffffff)
		return false;
	strtoul(end + 1, &end, 10);
	if (*end)
		return false;
	*pid = (int)p;
	return true;
}

/* Sum "overrun" and "dropped events" over the CPUs' stats files. */
static long long lost_events(struct tracefs_instance *inst)
{
	long long sum = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);

	for (long c = 0; c < ncpu; c++) {
		char file[64], *text, *p;
		int size;

		snprintf(file, sizeof(file), "per_cpu/cpu%ld/stats", c);
		text = tracefs_instance_file_read(inst, file, &size);
		if (!text)
			continue;
		for (p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
			long long v;

			if (sscanf(p, "overrun: %lld", &v) == 1 ||
			    sscanf(p, "dropped events: %lld", &v) == 1)
				sum += v;
		}
		free(text);
	}
	return sum;
}

/* Where tracefs is mounted, or NULL. (Not tracefs_tracing_dir(): it
 * mounts tracefs as a side effect.) The path libtracefs returns is the
 * caller's to free; it is kept here once found. */
static const char *tracing_dir(void)
{
	static char cached[4096];
	const char *path = NULL;

	if (cached[0])
		return cached;
	if (tracefs_tracing_dir_is_mounted(false, &path) <= 0 || !path)
		return NULL;
	snprintf(cached, sizeof(cached), "%s", path);
	free((char *)path);
	return cached;
}

/* Find tracefs, mounting it as root when it is not; *@mounted tells. */
static int find_tracefs(char **mounted, struct vs_err *e)
{
	const char *path = NULL;

	*mounted = NULL;
	if (tracing_dir())
		return 0;
	if (geteuid() != 0) {
		vs_err_set(e, EACCES, "tracefs is not mounted");
		vs_err_hint(e, "as root run: mount -t tracefs tracefs "
			       "/sys/kernel/tracing");
		return -EACCES;
	}
	/* With mount true, 0 means "was not mounted, is now". */
	if (tracefs_tracing_dir_is_mounted(true, &path) < 0 || !path ||
	    !tracing_dir()) {
		free((char *)path);
		vs_err_set(e, ENOENT, "tracefs is not mounted and cannot be "
			   "(kernel without CONFIG_TRACING?)");
		return -ENOENT;
	}
	*mounted = (char *)path;
	return 0;
}

int vs_trace_remove_stale(void)
{
	const char *dir = tracing_dir();
	char path[4096];
	struct dirent *d;
	int removed = 0;
	DIR *dp;

	/* A directory listing, not tracefs_instances(): its regex is never
	 * freed in libtracefs 1.6. */
	if (!dir)
		return 0;
	snprintf(path, sizeof(path), "%s/instances", dir);
	dp = opendir(path);
	if (!dp)
		return 0;
	while ((d = readdir(dp))) {
		struct tracefs_instance *inst;
		int pid;

		if (!vs_trace_parse_name(d->d_name, &pid) ||
		    (kill(pid, 0) == 0 || errno != ESRCH))
			continue;
		inst = tracefs_instance_alloc(NULL, d->d_name);
		if (!inst)
			continue;
		tracefs_trace_off(inst);
		tracefs_event_disable(inst, NULL, NULL);
		if (tracefs_instance_destroy(inst) == 0)
			removed++;
		tracefs_instance_free(inst);
	}
	closedir(dp);
	return removed;
}

/* Write the pid list of @opts to the instance's set_event_pid. */
static int set_pids(struct vs_trace *t, const struct vs_trace_opts *opts,
		    struct vs_err *e)
{
	char *list;
	size_t len = 0;
	int r = 0;

	if (!opts || !opts->npids)
		return 0;
	list = malloc(opts->npids * 12 + 1);
	if (!list)
		return vs_err_set(e, ENOMEM, "out of memory");
	for (size_t i = 0; i < opts->npids; i++)
		len += (size_t)sprintf(list + len, "%s%d", i ? " " : "",
				       opts->pids[i]);
	if (opts->follow_fork &&
	    tracefs_option_enable(t->inst, TRACEFS_OPTION_EVENT_FORK) < 0)
		r = vs_err_set(e, errno ? errno : EIO, "cannot set the option "
			       "event-fork of '%s'", t->name);
	else if (tracefs_instance_file_write(t->inst, "set_event_pid",
					     list) < 0)
		r = vs_err_set(e, errno ? errno : EIO, "cannot write the pids "
			       "to trace to '%s/set_event_pid'", t->name);
	free(list);
	return r;
}

int vs_trace_start(const struct vs_trace_spec *specs, size_t n,
		   size_t buffer_kb, struct vs_trace **out, struct vs_err *e)
{
	return vs_trace_start_opts(specs, n, buffer_kb, NULL, out, e);
}

int vs_trace_start_opts(const struct vs_trace_spec *specs, size_t n,
			size_t buffer_kb, const struct vs_trace_opts *opts,
			struct vs_trace **out, struct vs_err *e)
{
	struct vs_trace *t;
	const char **systems;
	int r;

	*out = NULL;
	t = calloc(1, sizeof(*t));
	systems = calloc(n + 1, sizeof(*systems));
	if (!t || !systems) {
		free(t);
		free(systems);
		return vs_err_set(e, ENOMEM, "out of memory");
	}
	t->specs = specs;
	t->n = n;
	t->ids = calloc(n, sizeof(int));
	if (!t->ids) {
		r = vs_err_set(e, ENOMEM, "out of memory");
		goto fail;
	}
	r = find_tracefs(&t->mountpoint, e);
	if (r < 0)
		goto fail;
	/* tracefs is often mode 0700: without access every event looks
	 * missing, which is not what the user must hear. */
	if (access(tracing_dir(), R_OK | X_OK) < 0 &&
	    (errno == EACCES || errno == EPERM)) {
		r = vs_err_set(e, EACCES, "cannot read tracefs '%s': "
			       "permission denied", tracing_dir());
		vs_err_hint(e, "tracing needs root (or CAP_SYS_ADMIN and "
			       "access to tracefs)");
		goto fail;
	}
	vs_trace_remove_stale();

	/* The events must exist in this kernel: load their formats. */
	for (size_t i = 0; i < n; i++)
		systems[i] = specs[i].system;
	t->tep = tracefs_local_events_system(NULL, systems);
	for (size_t i = 0; i < n; i++) {
		struct tep_event *ev = t->tep ?
			tep_find_event_by_name(t->tep, specs[i].system,
					       specs[i].event) : NULL;

		if (!ev) {
			r = vs_err_set(e, ENOENT, "this kernel has no "
				       "tracepoint '%s:%s'", specs[i].system,
				       specs[i].event);
			goto fail;
		}
		t->ids[i] = ev->id;
	}

	snprintf(t->name, sizeof(t->name), "vmscope-%d-%u", (int)getpid(),
		 instance_seq++);
	t->inst = tracefs_instance_create(t->name);
	if (!t->inst) {
		int err = errno ? errno : EIO;
		char sbuf[128];

		r = vs_err_set(e, err, "cannot create the tracefs instance "
			       "'%s': %s", t->name,
			       vs_strerror(err, sbuf, sizeof(sbuf)));
		if (err == EACCES || err == EPERM)
			vs_err_hint(e, "tracing needs root (or CAP_SYS_ADMIN "
				       "and write access to tracefs)");
		goto fail;
	}
	if (buffer_kb &&
	    tracefs_instance_set_buffer_size(t->inst, buffer_kb, -1) < 0) {
		r = vs_err_set(e, errno ? errno : EIO, "cannot size the trace "
			       "buffer of '%s'", t->name);
		goto fail;
	}
	r = set_pids(t, opts, e);
	if (r < 0)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		if (specs[i].filter) {
			char file[256];

			snprintf(file, sizeof(file), "events/%s/%s/filter",
				 specs[i].system, specs[i].event);
			if (tracefs_instance_file_write(t->inst, file,
							specs[i].filter) < 0) {
				r = vs_err_set(e, EINVAL, "the kernel refused "
					       "the filter '%s' for %s:%s",
					       specs[i].filter, specs[i].system,
					       specs[i].event);
				goto fail;
			}
		}
		if (tracefs_event_enable(t->inst, specs[i].system,
					 specs[i].event) < 0) {
			r = vs_err_set(e, errno ? errno : EIO, "cannot enable "
				       "%s:%s", specs[i].system, specs[i].event);
			goto fail;
		}
	}
	t->lost0 = lost_events(t->inst);
	tracefs_trace_on(t->inst);
	free(systems);
	*out = t;
	return 0;
fail:
	free(systems);
	vs_trace_stop(t);
	return r;
}

static int drain_one(struct tep_event *ev, struct tep_record *rec, int cpu,
		     void *ctx)
{
	struct vs_trace *t = ctx;
	struct vs_trace_rec r;

	if (t->stop)
		return 1;
	for (size_t i = 0; i < t->n; i++) {
		if (ev->id != t->ids[i])
			continue;
		r.spec = (unsigned)i;
		r.cpu = cpu;
		r.pid = tep_data_pid(t->tep, rec);
		r.ts = rec->ts;
		r.priv = rec;
		t->count++;
		if (t->cb(t->arg, &r)) {
			t->stop = 1;
			return 1;
		}
		break;
	}
	return 0;
}

long vs_trace_drain(struct vs_trace *t,
		    int (*cb)(void *arg, const struct vs_trace_rec *r),
		    void *arg, struct vs_err *e)
{
	t->cb = cb;
	t->arg = arg;
	t->count = 0;
	t->stop = 0;
	if (tracefs_iterate_raw_events(t->tep, t->inst, NULL, 0, drain_one,
				       t) < 0 && !t->stop)
		return vs_err_set(e, errno ? errno : EIO, "cannot read the "
				  "trace buffers of '%s'", t->name);
	return t->count;
}

int vs_trace_field(struct vs_trace *t, const struct vs_trace_rec *r,
		   const char *name, uint64_t *val)
{
	struct tep_record *rec = r->priv;
	struct tep_event *ev = tep_find_event(t->tep, t->ids[r->spec]);
	struct tep_format_field *f = ev ? tep_find_any_field(ev, name) : NULL;
	unsigned long long v;

	if (!f || tep_read_number_field(f, rec->data, &v) < 0)
		return -ENOENT;
	*val = v;
	return 0;
}

const char *vs_trace_info(struct vs_trace *t, const struct vs_trace_rec *r,
			  char *buf, size_t size)
{
	struct trace_seq s;

	trace_seq_init(&s);
	tep_print_event(t->tep, &s, r->priv, "%s", TEP_PRINT_INFO);
	trace_seq_terminate(&s);
	snprintf(buf, size, "%s", s.buffer ? s.buffer : "");
	trace_seq_destroy(&s);
	return buf;
}

long long vs_trace_lost(struct vs_trace *t)
{
	long long now = lost_events(t->inst);

	return now >= t->lost0 ? now - t->lost0 : -1;
}

const char *vs_trace_name(const struct vs_trace *t)
{
	return t->name;
}

bool vs_trace_mounted_here(const struct vs_trace *t)
{
	return t->mountpoint != NULL;
}

void vs_trace_stop(struct vs_trace *t)
{
	if (!t)
		return;
	if (t->inst) {
		tracefs_trace_off(t->inst);
		for (size_t i = 0; i < t->n; i++)
			tracefs_event_disable(t->inst, t->specs[i].system,
					      t->specs[i].event);
		tracefs_instance_destroy(t->inst);
		tracefs_instance_free(t->inst);
	}
	if (t->tep)
		tep_free(t->tep);
	/* A tracefs this run mounted stays mounted, as perf and trace-cmd
	 * leave it: unmounting could pull it from under another tracer
	 * started meanwhile, and a mounted tracefs changes nothing. */
	free(t->mountpoint);
	free(t->ids);
	free(t);
}
