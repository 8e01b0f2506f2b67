/* vs_trace.h - tracepoints recorded in a private tracefs instance.
 *
 * vmfault and vmtlb count kernel events (exceptions:page_fault_user,
 * tlb:tlb_flush) over a duration. They never touch the global trace
 * buffer: each run creates its own instance, "vmscope-PID-N", enables the
 * events there, reads its per-CPU buffers in binary (libtracefs, with
 * libtraceevent parsing the records by the kernel's own format files), and
 * removes the instance again. Instances left by a process that died (a
 * SIGKILL) are removed by the next run.
 *
 * tracefs not mounted: as root it is mounted at /sys/kernel/tracing (as
 * perf and trace-cmd do) and left so, and vs_trace_mounted_here() says it
 * for the command to tell; otherwise a clear error.
 */
#ifndef VS_TRACE_H
#define VS_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vs_err.h"

struct vs_trace;

/* One tracepoint to record. */
struct vs_trace_spec {
	const char *system;	/* "exceptions" */
	const char *event;	/* "page_fault_user" */
	const char *filter;	/* a kernel filter ("common_pid == 42"), or NULL */
};

/* One recorded event, valid during the callback. */
struct vs_trace_rec {
	unsigned spec;		/* index into the specs given to start */
	int cpu;
	int pid;		/* common_pid: the thread */
	uint64_t ts;		/* nanoseconds, trace clock */
	void *priv;		/* for vs_trace_field() */
};

/* Create an instance with @n events enabled and @buffer_kb of buffer per
 * CPU (0: the kernel's default). Returns 0, or -ENOENT (tracefs or an
 * event missing), -EACCES/-EPERM (not permitted; @e says what is needed),
 * or another negative errno. */
int vs_trace_start(const struct vs_trace_spec *specs, size_t n,
		   size_t buffer_kb, struct vs_trace **out, struct vs_err *e);

/* What else vs_trace_start_opts() may set up before tracing starts. */
struct vs_trace_opts {
	const int *pids;	/* record only events of these threads (the
				 * instance's set_event_pid); NULL: every
				 * thread's */
	size_t npids;
	bool follow_fork;	/* and of the threads and processes they
				 * create from then on (options/event-fork) */
};

/* vs_trace_start() with @opts (NULL: none). The pid list is in place before
 * the events are enabled, so no other thread's event is recorded. */
int vs_trace_start_opts(const struct vs_trace_spec *specs, size_t n,
			size_t buffer_kb, const struct vs_trace_opts *opts,
			struct vs_trace **out, struct vs_err *e);

/* Read and consume every record now in the buffers, calling @cb for each
 * in time order per CPU; @cb returns 0 to go on or non-zero to stop.
 * Returns the number of records, or a negative errno. */
long vs_trace_drain(struct vs_trace *t,
		    int (*cb)(void *arg, const struct vs_trace_rec *r),
		    void *arg, struct vs_err *e);

/* The numeric field @name of @r (a tracepoint field or a common_ one).
 * Returns 0 or -ENOENT. */
int vs_trace_field(struct vs_trace *t, const struct vs_trace_rec *r,
		   const char *name, uint64_t *val);

/* The event's text as the kernel's print format renders it
 * ("pages:-1 reason:remote shootdown (1)"), into @buf. */
const char *vs_trace_info(struct vs_trace *t, const struct vs_trace_rec *r,
			  char *buf, size_t size);

/* Events the kernel could not record (buffer overruns, drops), summed over
 * the CPUs since start; -1 when the counters cannot be read. */
long long vs_trace_lost(struct vs_trace *t);

/* The instance's name, and whether this run mounted tracefs. */
const char *vs_trace_name(const struct vs_trace *t);
bool vs_trace_mounted_here(const struct vs_trace *t);

/* Disable the events, remove the instance and free @t. NULL is ignored. */
void vs_trace_stop(struct vs_trace *t);

/* Remove instances "vmscope-PID-N" whose PID no longer runs. Returns how
 * many were removed, or a negative errno. Needs tracefs mounted. */
int vs_trace_remove_stale(void);

/* Parse an instance name of ours: true and *@pid set for "vmscope-PID-N". */
bool vs_trace_parse_name(const char *name, int *pid);

#endif
