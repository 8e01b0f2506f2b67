/* source.c - this file implements the names of figure sources and the
 * check for vmscope.ko. */
#include "vs_source.h"

static const char *const names[VS_SRC__COUNT] = {
	[VS_SRC_NONE] = "none",
	[VS_SRC_BUDDYINFO] = "buddyinfo",
	[VS_SRC_PAGETYPEINFO] = "pagetypeinfo",
	[VS_SRC_ZONEINFO] = "zoneinfo",
	[VS_SRC_VMSTAT] = "vmstat",
	[VS_SRC_SLABINFO] = "slabinfo",
	[VS_SRC_SYSFS] = "sysfs",
	[VS_SRC_INTERRUPTS] = "interrupts",
	[VS_SRC_TRACEPOINT] = "tracepoint",
	[VS_SRC_CPUID] = "cpuid",
	[VS_SRC_PERF] = "perf",
	[VS_SRC_SMAPS] = "smaps",
	[VS_SRC_KMOD] = "vmscope.ko",
};

const char *vs_source_name(enum vs_source s)
{
	return (unsigned)s < VS_SRC__COUNT ? names[s] : "none";
}

bool vs_kmod_loaded(const struct vs_root *r)
{
	return vs_root_exists(r, VS_KMOD_SYSFS);
}
