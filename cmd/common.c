/* common.c - this file implements what every command does the same way. */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "vs_fmt.h"
#include "vs_source.h"

static const char *prog = "vmscope";

/* At exit: flush stdout and report a write error, except a closed pipe
 * (vmmap | head): the reader went away, which is not our failure. */
static void close_stdout(void)
{
	int err = 0;

	if (fflush(stdout) != 0)
		err = errno;
	else if (ferror(stdout))
		err = EIO;
	if (fclose(stdout) != 0 && !err)
		err = errno;
	if (err && err != EPIPE) {
		char buf[128];

		fprintf(stderr, "%s: write error: %s\n", prog,
			vs_strerror(err, buf, sizeof(buf)));
		_exit(VS_EXIT_FAILURE);
	}
	if (err == EPIPE)
		_exit(VS_EXIT_OK);
}

void cmd_init(const char *name)
{
	static char outbuf[64 * 1024];

	prog = name;
	setlocale(LC_ALL, "");
	/* Into a pipe or file, write in large blocks: tens of thousands of
	 * rows cost fewer syscalls. A terminal keeps its line buffering. */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	atexit(close_stdout);
}

const char *cmd_name(void)
{
	return prog;
}

bool cmd_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && !strcasecmp(cs, "UTF-8");
}

void cmd_warn(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cmd_warn_err(const struct vs_err *e)
{
	cmd_warn("%s", e->msg[0] ? e->msg : "unknown error");
	if (e->hint[0])
		fprintf(stderr, "hint: %s\n", e->hint);
}

void cmd_die(int status, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

void cmd_usage_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", prog);
	exit(VS_EXIT_USAGE);
}

void cmd_exit_closed_pipe(void)
{
	_exit(VS_EXIT_OK);
}

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
	caught = sig;
}

void cmd_signals_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocking call returns EINTR and the loop looks. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

bool cmd_interrupted(void)
{
	return caught != 0;
}

void cmd_exit_signal(void)
{
	int sig = caught ? caught : SIGTERM;

	fflush(stdout);
	/* Die of the signal, with its default action, as the shell expects. */
	signal(sig, SIG_DFL);
	raise(sig);
	_exit(128 + sig);
}

bool cmd_sleep_ms(unsigned long ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	while (!caught && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	return !caught;
}

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void cmd_ticker_start(struct cmd_ticker *t, uint64_t period_ms)
{
	t->start_ns = mono_ns();
	t->period_ns = (int64_t)period_ms * 1000000;
	t->tick = 0;
}

bool cmd_ticker_wait(struct cmd_ticker *t)
{
	int64_t now = mono_ns(), at;
	uint64_t next = (uint64_t)((now - t->start_ns) / t->period_ns) + 1;
	struct timespec ts;
	int r;

	if (next <= t->tick)
		next = t->tick + 1;	/* never the same tick twice */
	at = t->start_ns + (int64_t)next * t->period_ns;
	ts.tv_sec = (time_t)(at / 1000000000);
	ts.tv_nsec = (long)(at % 1000000000);
	t->tick = next;
	do
		r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	while (r == EINTR && !caught);
	return !caught;
}

void cmd_version(void)
{
	printf("%s from vmscope %s\n", prog, VS_VERSION);
	exit(VS_EXIT_OK);
}

/* Rank of a status: lower wins. */
static int rank(int status)
{
	switch (status) {
	case VS_EXIT_USAGE: return 0;
	case VS_EXIT_FAILURE: return 1;
	case VS_EXIT_PERMISSION: return 2;
	case VS_EXIT_UNSUPPORTED: return 3;
	case VS_EXIT_NOTFOUND: return 4;
	default: return 5;
	}
}

void cmd_status_add(struct cmd_status *s, int status)
{
	if (status != VS_EXIT_OK &&
	    (s->status == VS_EXIT_OK || rank(status) < rank(s->status)))
		s->status = status;
}

int cmd_status_of_errno(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case 0: return VS_EXIT_OK;
	case EACCES:
	case EPERM: return VS_EXIT_PERMISSION;
	case ESRCH: return VS_EXIT_NOTFOUND;
	case ENOENT:
	case ENOTSUP:
	case ENOSYS: return VS_EXIT_UNSUPPORTED;
	default: return VS_EXIT_FAILURE;
	}
}

int cmd_list_columns(const struct vs_col *cols, size_t ncols,
		     enum vs_outfmt fmt)
{
	static const struct vs_col meta[] = {
		{ "NAME", "name", VS_COL_STR, 0, 0, "column name" },
		{ "TYPE", "type", VS_COL_STR, 0, 0, "JSON type of the column" },
		{ "DESCRIPTION", "description", VS_COL_STR, 0, VS_COLF_TRUNC,
		  "what the column shows" },
	};
	static const int sel[] = { 0, 1, 2 };
	struct vs_out o;
	struct vs_table *t;
	struct vs_err e;
	int r;

	vs_out_init(&o, stdout, fmt);
	r = vs_table_new(&o, "columns", meta, 3, sel, 3, &t, &e);
	if (r < 0) {
		cmd_warn_err(&e);
		return VS_EXIT_FAILURE;
	}
	for (size_t i = 0; i < ncols; i++) {
		vs_table_row(t);
		vs_table_str(t, 0, cols[i].name);
		vs_table_str(t, 1, vs_coltype_name(cols[i].type));
		vs_table_str(t, 2, cols[i].help);
	}
	r = vs_table_end(t);
	if (fmt == VS_OUT_JSON && vs_json_finish(&o.json) < 0)
		r = -EIO;
	return r < 0 ? VS_EXIT_FAILURE : VS_EXIT_OK;
}

/* ---- vmscope.ko --------------------------------------------------------- */

void cmd_kmod_open(struct cmd_kmod *m, struct vs_root *r,
		   enum vs_kmod_view view, bool want, bool json)
{
	struct vs_err e;

	memset(m, 0, sizeof(*m));
	m->view = view;
	m->loaded = vs_kmod_loaded(r);
	if (!m->loaded) {
		if (!json)
			fprintf(stderr, "%s: note: %s (it supports %s; "
				"see vmscope(4))\n", prog, vs_kmod_adds(view),
				VS_KMOD_KERNELS);
		return;
	}
	if (!want)
		return;
	vs_err_clear(&e);
	m->err = vs_kmod_open(r, &m->k, &e);
	if (m->err < 0) {
		snprintf(m->error, sizeof(m->error), "%s", e.msg);
		/* --sysroot: the tree's module was never ours to read. */
		if (vs_root_is_live(r))
			cmd_warn_err(&e);
	}
}

void cmd_kmod_failed(struct cmd_kmod *m, const struct vs_err *e)
{
	if (!m->error[0]) {
		snprintf(m->error, sizeof(m->error), "%s", e->msg);
		m->err = -(e->code ? e->code : EIO);
		cmd_warn("%s; going on without vmscope.ko", e->msg);
		if (e->hint[0])
			fprintf(stderr, "hint: %s\n", e->hint);
	}
	vs_kmod_close(m->k);
	m->k = NULL;
}

void cmd_kmod_json(const struct cmd_kmod *m, struct vs_json *j)
{
	vs_json_obj_begin(j, "module");
	vs_json_bool(j, "loaded", m->loaded);
	vs_json_bool(j, "used", m->used);
	if (m->error[0])
		vs_json_str(j, "error", m->error);
	else
		vs_json_null(j, "error");
	vs_json_str(j, "adds", vs_kmod_adds(m->view));
	vs_json_obj_end(j);
}

void cmd_kmod_close(struct cmd_kmod *m)
{
	vs_kmod_close(m->k);
	m->k = NULL;
}

void cmd_outopts_parse(struct cmd_outopts *o, int c, const char *arg)
{
	switch (c) {
	case 'J': o->json = true; break;
	case 'o': o->outspec = arg; break;
	case CMD_OPT_OUTPUT_ALL: o->all = true; break;
	case CMD_OPT_LIST_COLUMNS: o->list_cols = true; break;
	case 'b': o->bytes = true; break;
	case 'r':
	case CMD_OPT_RAW: o->raw = true; break;
	case 'n':
	case CMD_OPT_NOHEADINGS: o->noheadings = true; break;
	case CMD_OPT_SYSROOT: o->sysroot = arg; break;
	case 'w':
		o->watch = true;
		if (arg && (vs_parse_seconds(arg, &o->interval_ms) < 0 ||
			    o->interval_ms == 0))
			cmd_usage_error("invalid interval '%s'", arg);
		break;
	case 'c':
		if (vs_parse_u64(arg, 10, &o->count) < 0 || o->count == 0)
			cmd_usage_error("invalid count '%s'", arg);
		break;
	case 'V': cmd_version();
	default:
		/* getopt_long has said what is wrong (-h is each command's
		 * own usage(), handled before). */
		fflush(stdout);
		fprintf(stderr, "Try '%s --help' for more information.\n", prog);
		exit(VS_EXIT_USAGE);
	}
}

void cmd_outopts_done(const struct cmd_outopts *o, struct vs_out *out)
{
	if (o->outspec && o->all)
		cmd_usage_error("-o and --output-all cannot be used together");
	if (o->count && !o->watch)
		cmd_usage_error("--count goes with --watch");
	vs_out_init(out, stdout, o->json ? VS_OUT_JSON :
		    o->raw ? VS_OUT_RAW : VS_OUT_TEXT);
	out->bytes = o->bytes;
	out->noheadings = o->noheadings;
}

size_t cmd_outopts_cols(const struct cmd_outopts *o, const struct vs_col *cols,
			size_t ncols, const int *def, size_t ndef, int *sel,
			size_t max)
{
	struct vs_err e;
	size_t n = 0;

	if (o->all) {
		for (; n < ncols && n < max; n++)
			sel[n] = (int)n;
	} else if (o->outspec) {
		if (vs_cols_parse(cols, ncols, o->outspec, def, ndef, sel, max,
				  &n, &e) < 0)
			cmd_usage_error("%s", e.msg);
	} else {
		for (; n < ndef && n < max; n++)
			sel[n] = def[n];
	}
	return n;
}
