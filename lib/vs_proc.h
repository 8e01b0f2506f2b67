/* vs_proc.h - /proc/PID/stat, statm, status and cmdline.
 *
 * Parsers for the small per-process files. Each has a parse function that
 * takes the file's text (for unit tests on captured fixtures) and a read
 * function that opens the file below a vs_root.
 */
#ifndef VS_PROC_H
#define VS_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vs_err.h"
#include "vs_root.h"

/* /proc/PID/stat, fields numbered as in proc(5). */
struct vs_stat {
	int pid;			/* (1) */
	char comm[64];			/* (2) raw, without the parentheses */
	char state;			/* (3) */
	int ppid, pgrp, session;	/* (4)-(6) */
	unsigned long long flags;	/* (9) PF_* */
	unsigned long long minflt;	/* (10) */
	unsigned long long cminflt;	/* (11) */
	unsigned long long majflt;	/* (12) */
	unsigned long long cmajflt;	/* (13) */
	unsigned long long utime, stime;	/* (14), (15) clock ticks */
	long long priority, nice;	/* (18), (19) */
	long long num_threads;		/* (20) */
	unsigned long long starttime;	/* (22) clock ticks after boot */
	unsigned long long vsize;	/* (23) bytes */
	long long rss;			/* (24) pages */
	unsigned long long startcode, endcode;	/* (26), (27) */
	unsigned long long startstack;	/* (28) */
	int processor;			/* (39) */
	unsigned long long start_data, end_data;	/* (45), (46) */
	unsigned long long start_brk;	/* (47) */
	unsigned long long arg_start, arg_end;	/* (48), (49) */
	unsigned long long env_start, env_end;	/* (50), (51) */
	int nfields;			/* fields present (52 on 3.5+) */
};

#define VS_PF_KTHREAD 0x00200000ull	/* flags: a kernel thread */

/* Parse the text of a stat file. Returns 0 or -EBADMSG. */
int vs_stat_parse(const char *text, size_t len, struct vs_stat *st);

/* Read /proc/@pid/stat below @r. Returns 0, -ESRCH when the process does
 * not exist, or another negative errno (with @e set). */
int vs_stat_read(struct vs_root *r, pid_t pid, struct vs_stat *st,
		 struct vs_err *e);

/* The zombie rule, the same in every command. A zombie (state Z or X)
 * has exited: its address space is gone, so it has nothing to show and
 * counts as a process not found (exit status 42). A zombie thread-group
 * leader whose other threads live still has an address space, held by
 * those threads: the kernel shows the leader's maps, smaps and pagemap
 * empty, a live thread's in full, so it is read through the first live
 * thread (/proc/TID, which the kernel serves for any thread).
 *
 * Given @pid and its stat @st, *@mm gets the process whose /proc files
 * show @pid's address space: @pid itself, or a live thread of a zombie
 * leader. Returns 0, or -ESRCH with @e saying "process N is a zombie: it
 * has exited and has no address space" (or "process N not found"). */
int vs_proc_mm_pid(struct vs_root *r, pid_t pid, const struct vs_stat *st,
		   pid_t *mm, struct vs_err *e);

/* /proc/PID/statm, in pages. Its resident count is computed the way
 * status' VmRSS is (test_proc checks that they agree); stat's field 24
 * reads the per-CPU RSS counters without adding them up on recent kernels
 * and may lag VmRSS by a few pages. */
struct vs_statm {
	unsigned long long size;	/* total program size (VmSize) */
	unsigned long long resident;	/* resident pages (VmRSS) */
	unsigned long long shared;	/* resident file and shmem pages */
	unsigned long long text;	/* code (VmExe) */
	unsigned long long lib;		/* 0 since Linux 2.6 */
	unsigned long long data;	/* data and stack (VmData + VmStk) */
	unsigned long long dt;		/* 0 since Linux 2.6 */
	int nfields;			/* numbers present (7; more are
					 * accepted and ignored) */
};

/* Parse the text of a statm file. Returns 0 or -EBADMSG (fewer than seven
 * numbers, a field that is not a number, or one past 64 bits). */
int vs_statm_parse(const char *text, size_t len, struct vs_statm *st);

/* Read /proc/@pid/statm below @r. Returns 0, -ESRCH when the process does
 * not exist, or another negative errno (with @e set). */
int vs_statm_read(struct vs_root *r, pid_t pid, struct vs_statm *st,
		  struct vs_err *e);

/* /proc/PID/status: the fields the toolkit uses. Sizes are in bytes. */
enum vs_status_field {
	VS_ST_NAME, VS_ST_STATE, VS_ST_TGID, VS_ST_PID, VS_ST_PPID,
	VS_ST_UID, VS_ST_GID, VS_ST_THREADS,
	VS_ST_VMPEAK, VS_ST_VMSIZE, VS_ST_VMLCK, VS_ST_VMPIN, VS_ST_VMHWM,
	VS_ST_VMRSS, VS_ST_RSSANON, VS_ST_RSSFILE, VS_ST_RSSSHMEM,
	VS_ST_VMDATA, VS_ST_VMSTK, VS_ST_VMEXE, VS_ST_VMLIB, VS_ST_VMPTE,
	VS_ST_VMSWAP, VS_ST_HUGETLB,
	VS_ST__COUNT
};

struct vs_status {
	uint64_t have;			/* bit per enum vs_status_field */
	char name[64];			/* unescaped */
	char state;
	int tgid, pid, ppid;
	unsigned uid[4], gid[4];	/* real, effective, saved, fs */
	unsigned threads;
	uint64_t bytes[VS_ST__COUNT];	/* the Vm and Rss fields, in bytes */
};

/* Parse the text of a status file. Unknown lines are skipped; a known line
 * that does not parse is -EBADMSG. */
int vs_status_parse(const char *text, size_t len, struct vs_status *st);

int vs_status_read(struct vs_root *r, pid_t pid, struct vs_status *st,
		   struct vs_err *e);

static inline bool vs_status_has(const struct vs_status *st,
				  enum vs_status_field f)
{
	return st->have & (1ull << f);
}

/* The command line of @pid the way ps(1) and pmap(1) show it: arguments
 * joined by spaces, or "[comm]" (and " <defunct>" for a zombie) when the
 * cmdline is empty; control and invalid characters replaced as procps
 * does (@utf8: the locale's codeset is UTF-8). @st gives comm and state.
 * Writes at most @size bytes into @out. Returns 0 or a negative errno. */
int vs_cmdline_read(struct vs_root *r, pid_t pid, const struct vs_stat *st,
		    bool utf8, char *out, size_t size, struct vs_err *e);

/* The same from a cmdline file's raw bytes (for tests). */
void vs_cmdline_format(const char *raw, size_t len, const struct vs_stat *st,
		       bool utf8, char *out, size_t size);

/* Replace unprintable characters of @s in place as procps' escape_str()
 * does: with a UTF-8 codeset control characters become '?' and a broken
 * sequence turns the rest of the string to ASCII; otherwise controls become
 * '.' and bytes from 0x80 up '?'. */
void vs_escape_procps(char *s, bool utf8);

#endif
