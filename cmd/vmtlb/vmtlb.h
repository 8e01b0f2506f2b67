/* vmtlb.h - what the parts of vmtlb share.
 *
 * main.c parses the options and prints the system's side: the TLB
 * geometry (cpuid) and its reach. measure.c measures over a duration:
 * TLB shootdown interrupts per CPU (/proc/interrupts), the tlb:tlb_flush
 * tracepoint by reason, CPU and process (a private tracefs instance,
 * removed on every exit path), and hardware TLB misses (perf); ipi.c says
 * why remote flushes may raise no TLB interrupt here. process.c
 * shows each process's page-size mix against the TLB's reach. state.c
 * shows each CPU's TLB state from vmscope.ko when it is loaded.
 */
#ifndef VMTLB_H
#define VMTLB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdnoreturn.h>
#include <sys/types.h>

#include "common.h"
#include "vs_cpuid.h"
#include "vs_out.h"
#include "vs_pagemix.h"
#include "vs_perf.h"
#include "vs_root.h"

struct opts {
	struct vs_out *out;
	bool measure;			/* -d or --watch */
	uint64_t duration_ms;
	struct cmd_outopts oo;		/* -J -o -c ...; oo.watch: --watch */
	bool trace;			/* not --no-trace */
	bool perf;			/* not --no-perf */
	uint64_t top;			/* processes in the tlb_flush table */
	pid_t *pids;			/* PID arguments */
	size_t npids;
	int sel[64];			/* -o: process table columns */
	size_t nsel;
	struct cmd_kmod *km;		/* vmscope.ko */
	bool have_tlb;			/* the geometry below was decoded */
	struct vs_tlbinfo tlb;
};

/* ---- measure.c -------------------------------------------------------- */

/* The tlb_flush reasons of the kernel's print format (include/linux/
 * mm_types.h); codes past the last are counted as "reason N". */
#define REASONS_MAX 8

/* One measurement over a duration. */
struct measure;

/* Start measuring: read the TLB interrupts, start the trace (root) and
 * the hardware counters. What cannot be started is said once and left
 * out; *@status is VS_EXIT_PERMISSION when tracing was refused. Returns
 * NULL only when out of memory or the TLB row is missing (*@status set). */
struct measure *measure_start(const struct opts *o, struct vs_root *root,
			      int *status);

/* End the interval: drain the trace, read the counters and the interrupts
 * again; print (text or JSON members of the open object). The trace and
 * counters keep running for the next interval. Returns a VS_EXIT_*. */
int measure_interval(const struct opts *o, struct vs_root *root,
		     struct measure *m);

/* Stop everything and free @m: the tracefs instance is removed. Safe to
 * call twice, and from the exit paths (measure_cleanup). */
void measure_stop(struct measure *m);

/* Remove the tracefs instance of the running measurement, if any: called
 * at exit, and before dying of a signal or a closed pipe. */
void measure_cleanup(void);

/* Hardware counters of one process over the last interval, for process.c:
 * false when not counted. */
bool measure_pid_misses(const struct measure *m, pid_t pid,
			enum vs_perf_ev ev, uint64_t *count);

/* tlb:tlb_flush events of the threads of @pid in the last interval. */
bool measure_pid_flushes(const struct measure *m, pid_t pid, uint64_t *n);

/* ---- ipi.c ------------------------------------------------------------ */

/* One reason why remote flushes may raise no TLB interrupt. */
struct ipi_cause {
	const char *cause;		/* "hypervisor", "invlpgb", "one_cpu" */
	const char *hypervisor;		/* its name from cpuid, or NULL */
	char signature[13];		/* cpuid 0x40000000's, or "" */
	char detail[320];		/* a sentence for the user */
};

struct ipi_causes {
	unsigned n;
	struct ipi_cause c[3];
};

/* Find the causes on the system below @root (/proc/cpuinfo's flags,
 * cpuid, @ncpus online CPUs). */
void ipi_causes_read(struct vs_root *root, unsigned ncpus,
		     struct ipi_causes *out);

/* Print them: members "traced_requests" (@requests, the tracepoint's
 * remote flush requests, null unless @traced) and "without_ipis" of the
 * open "shootdowns" object in JSON; lines after the interrupts in text,
 * saying so when requests came with no @interrupts. */
void ipi_causes_show(const struct opts *o, const struct ipi_causes *c,
		     uint64_t interrupts, bool traced, uint64_t requests);

/* ---- state.c ---------------------------------------------------------- */

/* Each CPU's state from vmscope.ko, or NULL when it is not read (not
 * loaded, not root, or the request failed: said once, and the module is
 * left alone from then on). Free with vs_km_tlb_free(). */
struct vs_km_tlb *state_read(const struct opts *o);

/* Print @now ("cpu_state" in JSON, null when @now is NULL): each CPU's
 * loaded address space, owner, PCID, lazy mode, and its tlb_flush counts
 * since @before (read @secs earlier), or since the module was loaded when
 * @before is NULL. */
void state_show(const struct opts *o, const struct vs_km_tlb *now,
		const struct vs_km_tlb *before, double secs);

/* ---- process.c -------------------------------------------------------- */

/* The columns of the process table. */
extern const struct vs_col proc_cols[];
extern const size_t proc_ncols;
size_t proc_default_cols(const struct opts *o, int *sel);

/* Print the processes' tables ("processes" and "pagesizes"); @m may be
 * NULL (no measurement). Returns a VS_EXIT_* status. */
int show_processes(const struct opts *o, struct vs_root *root,
		   const struct measure *m);

/* Leave at once for a closed stdout, after removing the instance. */
noreturn void closed_pipe(void);

#endif
