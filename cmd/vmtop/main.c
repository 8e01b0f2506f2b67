/* main.c - vmtop: every process's memory at once, as a table, JSON or
 * OpenMetrics, once or --watch'ed like top.
 *
 * This file parses the options and runs the samples; scan.c reads the
 * processes, show.c prints them.
 */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common.h"
#include "vmtop.h"
#include "vs_err.h"
#include "vs_fmt.h"
#include "vs_proc.h"

enum {
	OPT_REVERSE = 0x100, OPT_OPENMETRICS, OPT_REFRESH,
};

static const struct option longopts[] = {
	CMD_LONGOPTS_TABLE,
	{ "sort", required_argument, NULL, 's' },
	{ "reverse", no_argument, NULL, OPT_REVERSE },
	{ "pid", required_argument, NULL, 'p' },
	{ "user", required_argument, NULL, 'U' },
	{ "command", required_argument, NULL, 'c' },
	{ "kernel-threads", no_argument, NULL, 'k' },
	{ "per-user", no_argument, NULL, 'u' },
	{ "per-program", no_argument, NULL, 'P' },
	{ "totals", no_argument, NULL, 't' },
	{ "watch", optional_argument, NULL, 'w' },
	{ "count", required_argument, NULL, 'n' },
	{ "refresh", required_argument, NULL, OPT_REFRESH },
	{ "openmetrics", optional_argument, NULL, OPT_OPENMETRICS },
	{ "raw", no_argument, NULL, CMD_OPT_RAW },
	{ "noheadings", no_argument, NULL, CMD_OPT_NOHEADINGS },
	CMD_LONGOPTS_END,
};

static noreturn void usage(void)
{
	printf("Usage:\n"
	       " %s [options]\n\n"
	       "Show the memory of every process: RSS and VSZ as ps shows them, PSS,\n"
	       "USS, swap and the faults, per process, user or program, once or\n"
	       "refreshed like top.\n\n"
	       "Options:\n"
	       " -o, --output=LIST          these columns (see --list-columns)\n"
	       "     --output-all           every column\n"
	       "     --list-columns         list the columns and exit\n"
	       " -s, --sort=COLUMN          order by COLUMN, sizes largest first (PSS)\n"
	       "     --reverse              reverse the order\n"
	       " -p, --pid=PID[,PID...]     only these processes\n"
	       " -U, --user=USER[,USER...]  only processes of these users (names or ids)\n"
	       " -c, --command=REGEX        only commands whose name or line matches\n"
	       " -k, --kernel-threads       include kernel threads\n"
	       " -u, --per-user             one row per user, the processes summed\n"
	       " -P, --per-program          one row per executable, the processes summed\n"
	       " -t, --totals               a total line, and where the rest of memory is\n"
	       " -w, --watch[=SECONDS]      refresh every SECONDS (1), with rates\n"
	       " -n, --count=COUNT          stop after COUNT samples\n"
	       "     --refresh=SECONDS      with --watch, read an idle process's PSS at\n"
	       "                            least every SECONDS (10; 0: every sample)\n"
	       " -J, --json                 JSON; with --watch one line per sample\n"
	       "     --openmetrics[=FILE]   OpenMetrics text (to FILE, replaced atomically)\n"
	       " -b, --bytes                sizes in bytes\n"
	       "     --raw                  unaligned table\n"
	       "     --noheadings           no header line\n"
	       " -h, --help                 show this help and exit\n"
	       " -V, --version              show the version and exit\n\n"
	       "Exit status: 0 success, 1 failure, 2 usage error, 4 permission denied,\n"
	       "42 a process asked for with -p was not found. See vmtop(1).\n",
	       cmd_name());
	exit(VS_EXIT_OK);
}

/* A comma-separated list of PIDs. */
static void parse_pids(const char *arg, struct filter *f)
{
	char *copy = strdup(arg), *tok, *save = NULL;

	if (!copy)
		cmd_die(VS_EXIT_FAILURE, "out of memory");
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		bool dup = false;
		uint64_t v;
		int *p;

		if (vs_parse_u64(tok, 10, &v) < 0 || v < 1 || v > 0x7fffffff)
			cmd_usage_error("invalid process id '%s'", tok);
		for (size_t i = 0; i < f->npids && !dup; i++)
			dup = f->pids[i] == (int)v;
		if (dup)
			continue;	/* one row per process */
		p = realloc(f->pids, (f->npids + 1) * sizeof(int));
		if (!p)
			cmd_die(VS_EXIT_FAILURE, "out of memory");
		f->pids = p;
		f->pids[f->npids++] = (int)v;
	}
	free(copy);
	if (!f->npids)
		cmd_usage_error("no process id in '%s'", arg);
}

/* A comma-separated list of user names or ids. */
static void parse_users(const char *arg, struct filter *f)
{
	char *copy = strdup(arg), *tok, *save = NULL;

	if (!copy)
		cmd_die(VS_EXIT_FAILURE, "out of memory");
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		struct passwd *pw = getpwnam(tok);
		unsigned *p;
		uint64_t v;

		if (pw)
			v = pw->pw_uid;
		else if (vs_parse_u64(tok, 10, &v) < 0 || v > 0xfffffffeu)
			cmd_usage_error("unknown user '%s'", tok);
		p = realloc(f->uids, (f->nuids + 1) * sizeof(unsigned));
		if (!p)
			cmd_die(VS_EXIT_FAILURE, "out of memory");
		f->uids = p;
		f->uids[f->nuids++] = (unsigned)v;
	}
	free(copy);
	if (!f->nuids)
		cmd_usage_error("no user in '%s'", arg);
}

static uint64_t parse_interval(const char *arg)
{
	uint64_t ms;

	if (vs_parse_seconds(arg, &ms) < 0 || ms < 10 || ms > 86400000)
		cmd_usage_error("invalid interval '%s' (seconds, from 0.01 "
				"to 86400)", arg);
	return ms;
}

/* Why -p @pid has no row: it is gone, or a zombie (vs_proc.h's rule). */
static void say_missing(pid_t pid)
{
	struct vs_root *root;
	struct vs_stat st;
	struct vs_err e;
	pid_t mm;

	vs_err_set(&e, ESRCH, "process %d not found", (int)pid);
	if (vs_root_new(NULL, &root, NULL) == 0) {
		if (vs_stat_read(root, pid, &st, NULL) == 0)
			vs_proc_mm_pid(root, pid, &st, &mm, &e);
		vs_root_unref(root);
	}
	cmd_warn_err(&e);
}

/* Warnings after a text or JSON run: what could not be shown. */
static void report(const struct sample *s, const struct filter *f,
		   struct cmd_status *status)
{
	if (s->st.unreadable) {
		cmd_warn("%u of %u processes could not be read (their "
			 "smaps_rollup: permission denied): PSS, USS and swap "
			 "show as '-'", s->st.unreadable, s->st.seen);
		char path[64];
		struct vs_err e;

		/* The library's hint for the first of them: what this
		 * process lacks, or that root may not read it either. */
		snprintf(path, sizeof(path), "/proc/%d/smaps_rollup",
			 s->st.first_unreadable_pid);
		vs_err_sys(&e, EACCES, "read", path);
		if (e.hint[0])
			fprintf(stderr, "hint: %s\n", e.hint);
	}
	if (s->st.vanished)
		cmd_warn("%u processes exited during the scan and were "
			 "skipped", s->st.vanished);
	if (s->st.zombies && !f->npids)
		cmd_warn("%u zombies were left out: they have exited and have "
			 "no address space", s->st.zombies);
	for (size_t i = 0; i < f->npids; i++) {
		bool found = false;

		for (size_t k = 0; k < s->nrows && !found; k++)
			found = s->rows[k].pid == f->pids[i];
		if (!found) {
			say_missing(f->pids[i]);
			cmd_status_add(status, VS_EXIT_NOTFOUND);
		} else if (s->st.unreadable) {
			for (size_t k = 0; k < s->nrows; k++)
				if (s->rows[k].pid == f->pids[i] &&
				    !(s->rows[k].have & (1u << F_PSS)))
					cmd_status_add(status,
						       VS_EXIT_PERMISSION);
		}
	}
}

int main(int argc, char **argv)
{
	static struct filter flt;
	static struct show sh;
	static struct vs_out out;
	static struct sample cur, prev;
	const char *sortspec = NULL, *cmdre = NULL;
	struct cmd_outopts oo = { 0 };
	bool om = false;
	uint64_t interval_ms = 1000, count = 0, refresh_ms = 10000;
	struct cmd_status status = { 0 };
	struct scan_needs needs = { 0 };
	struct cmd_ticker ticker;
	struct scanner *sc;
	int c;

	cmd_init("vmtop");
	sh.out = &out;
	sh.sort_col = -1;
	while ((c = getopt_long(argc, argv, "o:s:p:U:c:kuPtw::n:JbhV", longopts,
				NULL)) != -1) {
		switch (c) {
		case 's': sortspec = optarg; break;
		case OPT_REVERSE: sh.reverse = true; break;
		case 'p': parse_pids(optarg, &flt); break;
		case 'U': parse_users(optarg, &flt); break;
		case 'c': cmdre = optarg; break;
		case 'k': flt.kthreads = true; break;
		case 'u': sh.group = GROUP_USER; break;
		case 'P': sh.group = GROUP_PROGRAM; break;
		case 't': sh.totals = true; break;
		case 'w':
			sh.watch = true;
			if (optarg)
				interval_ms = parse_interval(optarg);
			break;
		case 'n':
			if (vs_parse_u64(optarg, 10, &count) < 0 || count < 1)
				cmd_usage_error("invalid count '%s'", optarg);
			break;
		case OPT_REFRESH:
			if (vs_parse_seconds(optarg, &refresh_ms) < 0 ||
			    refresh_ms > 86400000)
				cmd_usage_error("invalid refresh period '%s' "
						"(seconds, from 0 to 86400)",
						optarg);
			break;
		case OPT_OPENMETRICS:
			om = true;
			sh.om_file = optarg;
			if (optarg && !*optarg)
				cmd_usage_error("--openmetrics= needs a file name");
			break;
		case 'h': usage();
		default: cmd_outopts_parse(&oo, c, optarg);
		}
	}
	if (optind < argc)
		cmd_usage_error("unexpected argument '%s' (processes are "
				"chosen with -p)", argv[optind]);
	cmd_outopts_done(&oo, &out);
	if (oo.list_cols)
		return cmd_list_columns(vmtop_cols, vmtop_ncols, out.fmt);
	if (oo.json && om)
		cmd_usage_error("-J and --openmetrics cannot be used together");
	if (sh.om_file && !om)
		cmd_usage_error("internal: openmetrics file without the option");
	if (count && !sh.watch)
		sh.watch = true;	/* -n alone: samples at 1 s */
	sh.mode = oo.json ? OUT_JSON : om ? OUT_OPENMETRICS : OUT_TABLE;
	sh.interval = (double)interval_ms / 1000.0;

	{
		int def[64];
		size_t ndef = (size_t)vmtop_default_cols(sh.group, sh.watch,
							 def, 64);

		/* JSON has every column a dashboard may want. */
		if (oo.json && !oo.outspec)
			oo.all = true;
		sh.ncols = cmd_outopts_cols(&oo, vmtop_cols, vmtop_ncols, def,
					    ndef, sh.cols, 64);
	}
	sh.sort_col = vmtop_col_index(sortspec ? sortspec : "PSS");
	if (sh.sort_col < 0)
		cmd_usage_error("unknown column '%s' for --sort (see "
				"--list-columns)", sortspec);
	if (cmdre) {
		int r = regcomp(&flt.re, cmdre, REG_EXTENDED | REG_NOSUB);

		if (r) {
			char buf[256];

			regerror(r, &flt.re, buf, sizeof(buf));
			cmd_usage_error("invalid regular expression '%s': %s",
					cmdre, buf);
		}
		flt.has_re = true;
	}
	for (size_t i = 0; i < sh.ncols; i++) {
		const char *n = vmtop_cols[sh.cols[i]].name;

		if (!strcmp(n, "CMDLINE"))
			needs.cmdline = true;
		if (!strcmp(n, "PROGRAM"))
			needs.program = true;
	}
	if (cmdre)
		needs.cmdline = true;
	if (sh.group == GROUP_PROGRAM)
		needs.program = true;

	if (sh.watch && sh.mode == OUT_TABLE && isatty(STDOUT_FILENO)) {
		struct winsize ws;

		sh.tty = true;
		sh.term_rows = 24;
		sh.term_cols = 80;
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row) {
			sh.term_rows = ws.ws_row;
			sh.term_cols = ws.ws_col;
		}
	}
	needs.memgap = sh.totals;
	if (scanner_new(&flt, &needs, &sc) < 0)
		return VS_EXIT_FAILURE;
	if (sh.watch)
		scanner_watch(sc, (double)interval_ms / 1000.0,
			      (double)refresh_ms / 1000.0);
	sh.refresh = (double)refresh_ms / 1000.0;
	cmd_signals_init();
	if (sh.tty)
		fputs("\033[H\033[2J", stdout);
	/* Samples start on a fixed schedule: the time a scan takes does not
	 * push the next ones back. */
	cmd_ticker_start(&ticker, interval_ms);
	for (uint64_t n = 1;; n++) {
		double dt = 0;
		int r;

		if (scanner_run(sc, &cur, ticker.tick) < 0) {
			cmd_status_add(&status, VS_EXIT_FAILURE);
			break;
		}
		if (n > 1) {
			sample_rates(&cur, &prev);
			dt = cur.mono - prev.mono;
		}
		sh.sample_no = (unsigned)n;
		r = show_sample(&sh, &cur, dt);
		if (r == -EPIPE)
			cmd_exit_closed_pipe();
		if (r < 0) {
			char buf[128];

			cmd_warn("write error: %s", vs_strerror(r, buf,
								sizeof(buf)));
			cmd_status_add(&status, VS_EXIT_FAILURE);
			break;
		}
		if (!sh.watch || (count && n >= count)) {
			if (!sh.tty && sh.mode != OUT_OPENMETRICS)
				report(&cur, &flt, &status);
			break;
		}
		{
			struct sample t = prev;

			prev = cur;
			cur = t;
		}
		if (!cmd_ticker_wait(&ticker))
			break;
	}
	sample_clear(&cur);
	sample_clear(&prev);
	free(cur.rows);
	free(prev.rows);
	scanner_free(sc);
	free(flt.pids);
	free(flt.uids);
	if (flt.has_re)
		regfree(&flt.re);
	if (cmd_interrupted()) {
		if (sh.tty)
			fputs("\n", stdout);
		cmd_exit_signal();
	}
	return status.status;
}
