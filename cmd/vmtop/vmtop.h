/* vmtop.h - what the parts of vmtop share.
 *
 * scan.c enumerates the processes (libproc2, or stat and statm for a
 * --watch sample after the first) and reads their smaps_rollup (vs_maps)
 * and /proc/meminfo (libproc2); main.c parses the options and runs the
 * samples on a fixed schedule; show.c prints a sample as a table, JSON
 * or OpenMetrics, and groups the rows per user or program.
 */
#ifndef VMTOP_H
#define VMTOP_H

#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "vs_memgap.h"
#include "vs_out.h"
#include "vs_root.h"

/* The figures of a row that add up over a group. */
enum fig {
	F_THREADS, F_VSZ, F_RSS, F_PSS, F_USS, F_SWAP, F_SWAP_PSS,
	F_ANON_RSS, F_PSS_ANON, F_PSS_FILE, F_PSS_SHMEM, F_ANON_HUGE,
	F_HUGETLB, F_MINFLT, F_MAJFLT,
	F__COUNT
};

/* Rates over the last interval. */
enum rate { R_MINFLT, R_MAJFLT, R_RSS, R_PSS, R__COUNT };

/* One process, or one group of them. */
struct row {
	int pid;			/* 0 for a group */
	unsigned uid;
	char user[64];
	char comm[64];			/* the kernel's name */
	char *cmdline;			/* when asked for; malloc'd */
	char *program;			/* exe path, or comm; malloc'd */
	char state;
	bool kthread;
	unsigned long long start;	/* clock ticks after boot */
	unsigned procs;			/* processes in the row (1, or a group's) */
	uint64_t fig[F__COUNT];
	uint32_t have;			/* bit per enum fig: figure known */
	double rate[R__COUNT];
	uint32_t have_rate;		/* bit per enum rate */
	double rollup_mono;		/* when its smaps_rollup was read
					 * (CLOCK_MONOTONIC seconds) */
	bool rollup_fresh;		/* read in this sample's scan */
	double age;			/* seconds from that read to the
					 * sample's start: 0 if fresh; a
					 * group's oldest (ROLLUP_AGE) */
	bool have_age;			/* the rollup's figures are known */
	const char *key;		/* a group's name (user or program) */
};

/* What a scan saw besides the rows. */
struct scan_stats {
	unsigned seen;			/* processes enumerated */
	unsigned kthreads_hidden;	/* kernel threads left out */
	unsigned filtered;		/* left out by -p, -U, -c */
	unsigned vanished;		/* exited during the scan */
	unsigned zombies;		/* zombies left out: no address
					 * space (vs_proc_mm_pid()) */
	unsigned unreadable;		/* smaps_rollup not permitted */
	int first_unreadable_pid;
};

/* System memory from /proc/meminfo, in bytes, and the processes' shares. */
struct sysmem {
	bool ok;
	uint64_t total, free, anon, page_cache, shmem, swap_cache, slab,
		 kernel_stack, page_tables, hugetlb;
	int64_t other;			/* the rest: total less the above */
	uint64_t proc_anon, proc_file, proc_shmem;	/* sums of Pss_* */
	bool proc_complete;		/* every process's rollup was read */
	struct vs_memgap gap;		/* -t: MemFree against the zones'
					 * free pages (known false when not
					 * read) */
};

struct filter {
	int *pids;			/* -p */
	size_t npids;
	unsigned *uids;			/* -U */
	size_t nuids;
	bool has_re;			/* -c */
	regex_t re;
	bool kthreads;			/* -k */
};

struct sample {
	struct row *rows;
	size_t nrows, cap;
	struct scan_stats st;
	struct sysmem sys;
	double time;			/* epoch seconds */
	double mono;			/* monotonic seconds */
};

struct scanner;

/* What the scan must fetch beyond the basics. */
struct scan_needs {
	bool cmdline;
	bool program;
	bool memgap;			/* -t: compare meminfo with the zones */
};

int scanner_new(const struct filter *flt, const struct scan_needs *needs,
		struct scanner **out);
/* For --watch every @interval seconds: after the first sample, read a
 * process's smaps_rollup (and who it is) again only when it is new, when
 * its faults, RSS or VSZ moved since the last read, in its turn of a
 * rotation, or before the last read gets older than @refresh seconds. A
 * @refresh under two intervals reads every rollup every sample. */
void scanner_watch(struct scanner *sc, double interval, double refresh);
/* Fill @s (emptied first) as the sample of @tick (the schedule's tick,
 * which picks the turn of the rotation). Returns 0 or a negative errno
 * (message said). */
int scanner_run(struct scanner *sc, struct sample *s, uint64_t tick);
void scanner_free(struct scanner *sc);
void sample_clear(struct sample *s);

/* Rates of @cur against @prev (same pid and start time). PSS/S is the
 * change between the last two reads of the rollup over the time between
 * them, and unknown when the rollup was not read in @cur's scan. */
void sample_rates(struct sample *cur, const struct sample *prev);

/* ---- output -------------------------------------------------------- */

enum group { GROUP_NONE, GROUP_USER, GROUP_PROGRAM };
enum outmode { OUT_TABLE, OUT_JSON, OUT_OPENMETRICS };

struct show {
	enum outmode mode;
	enum group group;
	struct vs_out *out;
	int cols[64];
	size_t ncols;
	int sort_col;
	bool reverse;
	bool totals;			/* -t */
	bool watch;
	bool tty;			/* redraw in place */
	int term_rows, term_cols;
	double interval;		/* seconds, for the header */
	double refresh;			/* --refresh, seconds */
	unsigned sample_no;
	const char *om_file;		/* --openmetrics=FILE */
};

extern const struct vs_col vmtop_cols[];
extern const size_t vmtop_ncols;
int vmtop_default_cols(enum group g, bool watch, int *sel, size_t max);
/* Column indexes the options refer to. */
int vmtop_col_index(const char *name);

/* Print one sample. Returns 0 or a negative errno (a write error). */
int show_sample(struct show *sh, struct sample *s, double interval);

#endif
