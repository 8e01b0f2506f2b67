/* vs_source.h - where each figure came from, and what vmscope.ko adds.
 *
 * vmfrag, vmslab and vmtlb read what a stock kernel exposes (procfs,
 * sysfs, cpuid, tracepoints, perf), and the bundled module vmscope.ko
 * when it is loaded: a second source of the same figures and of deeper
 * ones. Every figure group in the library's snapshots carries the source
 * that filled it (vs_buddy_from_kmod() and vs_slabs_from_kmod() fill the
 * same structures), so the commands say, per figure, where it came from
 * ("source" in JSON).
 */
#ifndef VS_SOURCE_H
#define VS_SOURCE_H

#include <stdbool.h>

#include "vs_root.h"

enum vs_source {
	VS_SRC_NONE,		/* not read: unknown, shown as null / "-" */
	VS_SRC_BUDDYINFO,	/* /proc/buddyinfo */
	VS_SRC_PAGETYPEINFO,	/* /proc/pagetypeinfo */
	VS_SRC_ZONEINFO,	/* /proc/zoneinfo */
	VS_SRC_VMSTAT,		/* /proc/vmstat */
	VS_SRC_SLABINFO,	/* /proc/slabinfo */
	VS_SRC_SYSFS,		/* /sys/kernel/slab/CACHE/ */
	VS_SRC_INTERRUPTS,	/* /proc/interrupts */
	VS_SRC_TRACEPOINT,	/* a tracepoint in a private tracefs instance */
	VS_SRC_CPUID,		/* the cpuid instruction (or a recorded dump) */
	VS_SRC_PERF,		/* perf_event_open hardware counters */
	VS_SRC_SMAPS,		/* /proc/PID/smaps */
	VS_SRC_KMOD,		/* vmscope.ko */
	VS_SRC__COUNT
};

/* The name of @s as printed in JSON "source" fields ("buddyinfo"). */
const char *vs_source_name(enum vs_source s);

/* The directory vmscope.ko creates when loaded, below the root. */
#define VS_KMOD_SYSFS "/sys/module/vmscope"

/* Whether vmscope.ko is loaded on the system @r stands for. */
bool vs_kmod_loaded(const struct vs_root *r);

#endif
