/* vs_perf.h - hardware TLB miss counters through perf_event_open.
 *
 * The generic cache events dTLB-load-misses and iTLB-load-misses
 * (PERF_TYPE_HW_CACHE), counted in user space only (so that a user may
 * count his own processes), for the threads of one process or for every
 * CPU. A PMU that does not map these events, or no PMU at all (many
 * hypervisors), makes perf_event_open fail with ENOENT, EOPNOTSUPP,
 * ENODEV or EINVAL: that is -EOPNOTSUPP here, "not supported by this CPU
 * or hypervisor", never a zero.
 */
#ifndef VS_PERF_H
#define VS_PERF_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "vs_err.h"
#include "vs_root.h"

enum vs_perf_ev { VS_PERF_DTLB_MISS, VS_PERF_ITLB_MISS, VS_PERF__COUNT };

extern const char *const vs_perf_ev_name[VS_PERF__COUNT];

/* The message for a PMU without the events. */
#define VS_PERF_UNSUPPORTED "not supported by this CPU or hypervisor"

struct vs_perf;

/* Start counting event @ev: for every thread of process @pid (listed
 * below @r's /proc), or, with @pid -1, on every online CPU. Returns 0,
 * -EOPNOTSUPP (@e says VS_PERF_UNSUPPORTED), -EACCES/-EPERM (@e says what
 * is needed), -ESRCH, or another negative errno. */
int vs_perf_open(const struct vs_root *r, pid_t pid, enum vs_perf_ev ev,
		 struct vs_perf **out, struct vs_err *e);

/* The count so far, scaled when the PMU was shared with other events
 * (*@scaled true then). Returns 0 or a negative errno. */
int vs_perf_read(struct vs_perf *p, uint64_t *count, bool *scaled,
		 struct vs_err *e);

void vs_perf_close(struct vs_perf *p);

/* Whether perf_event_open's @err (positive errno) means the PMU lacks the
 * event. */
bool vs_perf_errno_unsupported(int err);

#endif
