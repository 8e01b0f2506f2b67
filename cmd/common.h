/* common.h - what every command does the same way: messages in git's
 * style, exit statuses, --version, --list-columns and a checked stdout. */
#ifndef CMD_COMMON_H
#define CMD_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include "vs_err.h"
#include "vs_exit.h"
#include "vs_kmod.h"
#include "vs_out.h"

/* Set the program name, the locale, and the stdout check at exit. */
void cmd_init(const char *name);

/* The program name ("vmmap"). */
const char *cmd_name(void);

/* Whether the locale's codeset is UTF-8 (for escaping like procps). */
bool cmd_utf8(void);

/* "NAME: message" on stderr. */
void cmd_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A library error: its message, then "hint: ..." if it has one. */
void cmd_warn_err(const struct vs_err *e);

/* Print a message and exit with @status. */
noreturn void cmd_die(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A usage error: the message, a pointer to --help, exit status 2. */
noreturn void cmd_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/* The reader of stdout went away (EPIPE with SIGPIPE ignored): stop
 * quietly with status 0, as when SIGPIPE ends the process. */
noreturn void cmd_exit_closed_pipe(void);

/* "NAME from vmscope VERSION" and exit 0. */
noreturn void cmd_version(void);

/* Exit statuses of a run with many targets: remember the worst. */
struct cmd_status {
	int status;
};

/* Record an outcome (a VS_EXIT_* value) by the order of vs_exit.h. */
void cmd_status_add(struct cmd_status *s, int status);

/* The VS_EXIT_* value for a negative errno from the library. */
int cmd_status_of_errno(int err);

/* Catch SIGINT, SIGTERM and SIGHUP: they set a flag (cmd_interrupted())
 * and interrupt sleeps, so that a command that changed something (a
 * tracefs instance, a stopped process) undoes it before it exits. The
 * command exits with 128 + the signal's number once it has cleaned up
 * (cmd_exit_signal()). */
void cmd_signals_init(void);
bool cmd_interrupted(void);
noreturn void cmd_exit_signal(void);

/* Sleep @ms milliseconds; false when a caught signal cut it short. */
bool cmd_sleep_ms(unsigned long ms);

/* vmscope.ko as a source of a command's figures (vs_kmod.h). */
struct cmd_kmod {
	bool loaded;		/* loaded on the system the root stands for */
	struct vs_kmod *k;	/* open: the command may read its view */
	bool used;		/* the command took figures from it */
	char error[1024];	/* why it is loaded but not read, or "" */
	int err;		/* ... as a negative errno, or 0 */
	enum vs_kmod_view view;
};

/* Look for vmscope.ko and, when @want and it is loaded on the live system,
 * open it (m->k). When it is not loaded, say in one line on stderr what
 * loading it adds to @view (unless @json: the JSON says it); when it is
 * loaded but cannot be opened (a user, another ABI), say why once and go
 * on without it. */
void cmd_kmod_open(struct cmd_kmod *m, struct vs_root *r,
		   enum vs_kmod_view view, bool want, bool json);

/* A request to the module failed with @e: say so once, close it, and go
 * on without it (m->k becomes NULL). */
void cmd_kmod_failed(struct cmd_kmod *m, const struct vs_err *e);

/* The JSON object "module": loaded, used, error and adds. */
void cmd_kmod_json(const struct cmd_kmod *m, struct vs_json *j);

void cmd_kmod_close(struct cmd_kmod *m);

/* A fixed schedule on CLOCK_MONOTONIC: tick k falls at start + k * period,
 * however long the work between two ticks took, so that samples do not
 * drift. */
struct cmd_ticker {
	int64_t start_ns;		/* tick 0 */
	int64_t period_ns;
	uint64_t tick;			/* the tick last slept to (0 at first) */
};

/* Start a schedule of @period_ms milliseconds: tick 0 is now. */
void cmd_ticker_start(struct cmd_ticker *t, uint64_t period_ms);

/* Sleep until the first tick after now and set t->tick to it: a tick
 * already past (the work took longer than a period) is skipped, not
 * caught up. False when a caught signal cut the sleep short. */
bool cmd_ticker_wait(struct cmd_ticker *t);

/* The options that every command with tables takes the same way. A
 * command handles its own options first and gives the rest to
 * cmd_outopts_parse(); its option table gives their long names these
 * values, or the letters below where it has them. */
enum {
	CMD_OPT_OUTPUT_ALL = 0x1000,	/* --output-all */
	CMD_OPT_LIST_COLUMNS,		/* --list-columns */
	CMD_OPT_RAW,			/* --raw (where -r means something else) */
	CMD_OPT_NOHEADINGS,		/* --noheadings (where -n does) */
	CMD_OPT_SYSROOT,		/* --sysroot=DIR */
};

/* Entries of a command's option table: the table options every table
 * command has, and the last ones of every table. */
#define CMD_LONGOPTS_TABLE \
	{ "json", no_argument, NULL, 'J' }, \
	{ "output", required_argument, NULL, 'o' }, \
	{ "output-all", no_argument, NULL, CMD_OPT_OUTPUT_ALL }, \
	{ "list-columns", no_argument, NULL, CMD_OPT_LIST_COLUMNS }, \
	{ "bytes", no_argument, NULL, 'b' }
#define CMD_LONGOPTS_END \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }, \
	{ NULL, 0, NULL, 0 }

struct cmd_outopts {
	bool json;			/* -J, --json */
	const char *outspec;		/* -o, --output=LIST */
	bool all;			/* --output-all */
	bool list_cols;			/* --list-columns */
	bool bytes;			/* -b, --bytes */
	bool raw;			/* -r, --raw */
	bool noheadings;		/* -n, --noheadings */
	const char *sysroot;		/* --sysroot=DIR */
	bool watch;			/* -w, --watch[=SECONDS] */
	uint64_t interval_ms;		/* ... its SECONDS, or 0 */
	uint64_t count;			/* -c, --count=N, or 0 */
};

/* Take option @c of getopt_long (with @arg) if it is -J, -o, -b, -r, -n,
 * -w, -c or one of the CMD_OPT_* above; -V prints the version and exits
 * (-h is each command's own usage(), taken before). Any other, getopt's
 * '?' among them, points to --help and exits with VS_EXIT_USAGE. */
void cmd_outopts_parse(struct cmd_outopts *o, int c, const char *arg);

/* After the options: -o with --output-all and --count without --watch
 * are usage errors; then @out is set up for what they ask (JSON, raw or
 * text, -b, -n). */
void cmd_outopts_done(const struct cmd_outopts *o, struct vs_out *out);

/* The columns to show, into @sel (at most @max): every one with
 * --output-all, those of -o's LIST (vs_cols_parse(), where "+COL" adds to
 * @def), else @def. A bad LIST is a usage error. Returns their number. */
size_t cmd_outopts_cols(const struct cmd_outopts *o, const struct vs_col *cols,
			size_t ncols, const int *def, size_t ndef, int *sel,
			size_t max);

/* Print the columns @cols as a table (NAME, TYPE, DESCRIPTION) in @fmt. */
int cmd_list_columns(const struct vs_col *cols, size_t ncols,
		     enum vs_outfmt fmt);

#endif
