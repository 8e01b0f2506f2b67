/* vs_faults.h - the page-fault counters of a process and of its threads.
 *
 * /proc/PID/stat counts the minor and major faults of every thread of the
 * process, live or exited, and those of its waited-for children;
 * /proc/PID/task/TID/stat counts each live thread's own. vmfault reads
 * both at the start and the end of an interval: the difference of the
 * process's counter less the sum of its live threads' differences is what
 * threads that exited meanwhile took.
 */
#ifndef VS_FAULTS_H
#define VS_FAULTS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vs_err.h"
#include "vs_root.h"

/* One live thread. */
struct vs_thread_faults {
	int tid;
	char comm[64];			/* raw, as in stat */
	uint64_t minflt, majflt;	/* its own faults since it started */
};

/* One process. */
struct vs_faults {
	int pid;
	char comm[64];
	char state;			/* R, S, Z, ... */
	uint64_t minflt, majflt;	/* every thread, exited ones included */
	uint64_t cminflt, cmajflt;	/* children it waited for */
	struct vs_thread_faults *threads;	/* sorted by tid */
	size_t nthreads;
	size_t cap;
};

/* Read the counters of @pid and of each of its threads below @r into @f
 * (which must be zeroed or come from an earlier call: its thread array is
 * reused). A thread that exits while being read is left out. Returns 0,
 * -ESRCH when the process does not exist, or another negative errno with
 * @e set (-EBADMSG for a stat file that does not parse). */
int vs_faults_read(struct vs_root *r, pid_t pid, struct vs_faults *f,
		   struct vs_err *e);

/* The thread @tid of @f, or NULL. */
const struct vs_thread_faults *vs_faults_thread(const struct vs_faults *f,
						int tid);

/* Free the thread array. */
void vs_faults_release(struct vs_faults *f);

#endif
