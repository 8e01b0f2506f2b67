/* main.c - vmmap: the memory map of processes, pmap-compatible, with JSON.
 *
 * This file parses the options (pmap's first) and walks the PIDs; the
 * views are in pmap.c and views.c, the reading in pipeline.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "vmmap.h"
#include "vs_fmt.h"

enum {
	OPT_SORT = 0x100, OPT_REVERSE, OPT_SUMMARY,
};

static const struct option longopts[] = {
	{ "extended", no_argument, NULL, 'x' },
	{ "device", no_argument, NULL, 'd' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "range", required_argument, NULL, 'A' },
	{ "read-rc", no_argument, NULL, 'c' },
	{ "read-rc-from", required_argument, NULL, 'C' },
	{ "create-rc", no_argument, NULL, 'n' },
	{ "create-rc-to", required_argument, NULL, 'N' },
	{ "show-path", no_argument, NULL, 'p' },
	CMD_LONGOPTS_TABLE,
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "reverse", no_argument, NULL, OPT_REVERSE },
	{ "summary", no_argument, NULL, OPT_SUMMARY },
	{ "backing", no_argument, NULL, 'B' },
	{ "raw", no_argument, NULL, CMD_OPT_RAW },
	{ "noheadings", no_argument, NULL, CMD_OPT_NOHEADINGS },
	{ "sysroot", required_argument, NULL, CMD_OPT_SYSROOT },
	CMD_LONGOPTS_END,
};

static noreturn void usage(void)
{
	printf("Usage:\n"
	       " %s [options] PID [PID...]\n\n"
	       "Show the memory map of processes, as pmap does, and more.\n\n"
	       "Options of pmap:\n"
	       " -x, --extended             size, RSS and dirty memory of each mapping\n"
	       " -X                         every smaps field but the minor ones\n"
	       " -XX                        every smaps field the kernel provides\n"
	       " -c, --read-rc              the fields listed in ~/.vmmaprc (or ~/.pmaprc)\n"
	       " -C, --read-rc-from=FILE    the fields listed in FILE\n"
	       " -n, --create-rc            create ~/.vmmaprc\n"
	       " -N, --create-rc-to=FILE    create FILE\n"
	       " -d, --device               offsets and devices\n"
	       " -q, --quiet                no header and no footer\n"
	       " -p, --show-path            whole paths in the mapping column\n"
	       " -A, --range=LOW[,HIGH]     only mappings that overlap LOW..HIGH (hex)\n"
	       " -r                         ignored (SunOS compatibility)\n\n"
	       "Options of vmmap:\n"
	       " -J, --json                 JSON: every smaps field of every mapping\n"
	       " -o, --output=LIST          these columns (see --list-columns)\n"
	       "     --output-all           every column\n"
	       "     --list-columns         list the columns and exit\n"
	       "     --sort=COLUMN          order mappings by COLUMN, sizes largest first\n"
	       "     --reverse              reverse the --sort order\n"
	       "     --summary              resident, dirty, swapped and PSS per kind of region\n"
	       " -B, --backing              what physically backs each mapping: present,\n"
	       "                            swapped, anon, page cache, THP, hugetlb, KSM,\n"
	       "                            zero page, shared, USS, PSS, NUMA nodes, runs\n"
	       " -b, --bytes                sizes in bytes in -o and --summary tables\n"
	       "     --raw                  unaligned -o and --summary tables\n"
	       "     --noheadings           same as -q\n"
	       "     --sysroot=DIR          read /proc below DIR instead of /\n"
	       " -h, --help                 show this help and exit\n"
	       " -V, --version              show the version and exit\n\n"
	       "Exit status: 0 success, 1 failure, 2 usage error, 4 permission denied,\n"
	       "42 a process was not found. See vmmap(1).\n",
	       cmd_name());
	exit(VS_EXIT_OK);
}

/* -A LOW[,HIGH]: hex addresses, as pmap reads them; an empty side keeps
 * its default. Unlike pmap, LOW above HIGH is refused. */
static void parse_range(const char *arg, struct opts *o)
{
	char *copy = strdup(arg), *comma, *hi;
	uint64_t v;

	if (!copy)
		cmd_die(VS_EXIT_FAILURE, "out of memory");
	comma = strchr(copy, ',');
	hi = comma ? comma + 1 : copy;
	if (comma)
		*comma = '\0';
	if (*copy) {
		if (vs_parse_u64(copy, 16, &v) < 0)
			cmd_usage_error("invalid range '%s': '%s' is not a hex "
					"address", arg, copy);
		o->lo = v;
	}
	if (*hi) {
		if (vs_parse_u64(hi, 16, &v) < 0)
			cmd_usage_error("invalid range '%s': '%s' is not a hex "
					"address", arg, hi);
		o->hi = v;
	}
	free(copy);
	if (o->lo > o->hi)
		cmd_usage_error("invalid range '%s': the low address is above "
				"the high one", arg);
}

/* A PID as pmap takes it: "123", "/proc/123", C number syntax. */
static pid_t parse_pid(const char *arg)
{
	const char *p = arg;
	uint64_t v;

	if (!strncmp(p, "/proc/", 6))
		p += 6;
	if (*p < '0' || *p > '9' || vs_parse_u64(p, 0, &v) < 0 || v < 1 ||
	    v > 0x7fffffff)
		cmd_usage_error("invalid process id '%s'", arg);
	return (pid_t)v;
}

/* Find the process: its thread group, stat and command line. */
static int resolve(const struct opts *o, struct vs_root *root, pid_t pid,
		   struct target *t)
{
	struct vs_status st;
	struct vs_err e;
	pid_t mm;
	int r;

	memset(t, 0, offsetof(struct target, cmdline));
	t->cmdline[0] = '\0';
	t->pid = pid;
	vs_err_clear(&e);
	r = vs_stat_read(root, pid, &t->st, &e);
	if (r == 0)
		r = vs_status_read(root, pid, &st, &e);
	/* A zombie: nothing to show, as a process not found (vs_proc.h). */
	if (r == 0)
		r = vs_proc_mm_pid(root, pid, &t->st, &mm, &e);
	if (r < 0) {
		cmd_warn_err(&e);
		return cmd_status_of_errno(r);
	}
	t->tgid = vs_status_has(&st, VS_ST_TGID) && st.tgid > 0 ? st.tgid : pid;
	/* A thread's files show its group's address space: the group's are
	 * read, unless its leader is a zombie (then the thread's own). */
	t->mmpid = mm == pid ? t->tgid : mm;
	if (t->mmpid != pid) {
		struct vs_stat ls;

		if (vs_stat_read(root, t->mmpid, &ls, NULL) < 0 ||
		    ls.state == 'Z' || ls.state == 'X')
			t->mmpid = pid;
	}
	t->kthread = t->st.flags & VS_PF_KTHREAD;
	r = vs_cmdline_read(root, t->mmpid, &t->st, o->utf8, t->cmdline,
			    sizeof(t->cmdline), &e);
	if (r < 0) {
		cmd_warn_err(&e);
		return cmd_status_of_errno(r);
	}
	return VS_EXIT_OK;
}

static void create_rc(const char *path)
{
	int r = rc_create(path);

	if (r == -EEXIST)
		cmd_die(VS_EXIT_FAILURE, "cannot create '%s': it exists "
			"already; delete or rename it first", path);
	if (r < 0) {
		char buf[128];

		cmd_die(VS_EXIT_FAILURE, "cannot create '%s': %s", path,
			vs_strerror(r, buf, sizeof(buf)));
	}
	fprintf(stderr, "%s: created '%s'; edit it to choose the fields\n",
		cmd_name(), path);
	exit(VS_EXIT_OK);
}

int main(int argc, char **argv)
{
	static struct opts o;
	static struct vs_out out;
	const char *rcfile = NULL, *sortspec = NULL;
	struct cmd_outopts oo = { 0 };
	bool c_opt = false, n_opt = false, N_opt = false, x_opt = false;
	bool d_opt = false, summary = false, backing = false;
	struct cmd_status status = { 0 };
	struct vs_root *root = NULL;
	struct vs_err e;
	struct target *t;
	int c, exclusive;

	cmd_init("vmmap");
	map_cols_init();
	o.hi = UINT64_MAX;
	o.sort_col = -1;
	o.utf8 = cmd_utf8();
	o.out = &out;

	while ((c = getopt_long(argc, argv, "xXrdqA:cC:nN:pJo:bBhV", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'x': x_opt = true; break;
		case 'X': o.xlevel++; break;
		case 'r':
			cmd_warn("option -r is ignored (SunOS compatibility)");
			break;
		case 'd': d_opt = true; break;
		case 'q': oo.noheadings = true; break;
		case 'A': parse_range(optarg, &o); break;
		case 'c': c_opt = true; break;
		case 'C': c_opt = true; rcfile = optarg; break;
		case 'n': n_opt = true; break;
		case 'N': N_opt = true; rcfile = optarg; break;
		case 'p': o.showpath = true; break;
		case OPT_SORT: sortspec = optarg; break;
		case OPT_REVERSE: o.reverse = true; break;
		case OPT_SUMMARY: summary = true; break;
		case 'B': backing = true; break;
		case 'h': usage();
		default: cmd_outopts_parse(&oo, c, optarg);
		}
	}
	cmd_outopts_done(&oo, &out);
	o.quiet = oo.noheadings;	/* -q and --noheadings are one */

	if (oo.list_cols && backing) {
		if (vs_root_new(oo.sysroot, &root, &e) < 0) {
			cmd_warn_err(&e);
			return VS_EXIT_FAILURE;
		}
		backing_cols_init(root);
		vs_root_unref(root);
		return cmd_list_columns(backing_cols, backing_ncols, out.fmt);
	}
	if (oo.list_cols)
		return cmd_list_columns(map_cols, map_ncols, out.fmt);

	exclusive = c_opt + d_opt + n_opt + N_opt + x_opt + (o.xlevel > 0);
	if (exclusive > 1)
		cmd_usage_error("options -c, -C, -d, -n, -N, -x and -X are "
				"mutually exclusive");
	if ((n_opt || N_opt) && (o.quiet || o.showpath))
		cmd_usage_error("options -p and -q cannot be used with -n or -N");
	if ((n_opt || N_opt) && optind < argc)
		cmd_usage_error("-n and -N take no process ids");
	if ((oo.outspec || oo.all || summary) && exclusive)
		cmd_usage_error("-o, --output-all and --summary cannot be used "
				"with -c, -C, -d, -x or -X");
	if ((oo.outspec || oo.all) && summary)
		cmd_usage_error("-o and --summary cannot be used together");
	if (sortspec && summary)
		cmd_usage_error("--sort orders mappings; --summary has none");
	if (o.xlevel > 2)
		cmd_usage_error("-X may be given at most twice");
	if (backing && (exclusive || summary || sortspec))
		cmd_usage_error("-B cannot be used with -c, -C, -d, -n, -N, -x, "
				"-X, --summary or --sort");

	if (N_opt)
		create_rc(rcfile);
	if (n_opt) {
		char *path = rc_default_path(true);

		if (!path)
			return VS_EXIT_FAILURE;
		create_rc(path);
	}
	if (optind >= argc)
		cmd_usage_error("no process id given");

	/* Choose the view. */
	if (backing) {
		o.mode = MODE_BACKING;	/* columns below, once root is open */
	} else if (summary) {
		o.mode = MODE_SUMMARY;
	} else if (oo.outspec || oo.all) {
		int def[64];
		size_t ndef = (size_t)map_col_default(def, 64);

		o.mode = MODE_COLUMNS;
		o.ncols = cmd_outopts_cols(&oo, map_cols, map_ncols, def, ndef,
					   o.cols, 128);
	} else if (oo.json) {
		o.mode = MODE_JSON;
	} else if (x_opt) {
		o.mode = MODE_EXTENDED;
	} else if (d_opt) {
		o.mode = MODE_DEVICE;
	} else if (o.xlevel || c_opt) {
		o.mode = MODE_SMAPS;
	}
	if (sortspec) {
		o.sort_col = vs_col_find(map_cols, map_ncols, sortspec);
		if (o.sort_col < 0)
			cmd_usage_error("unknown column '%s' for --sort "
					"(see --list-columns)", sortspec);
	}
	if (c_opt && o.mode == MODE_SMAPS) {
		char *path = rcfile ? strdup(rcfile) : rc_default_path(false);
		int r;

		if (!path)
			return VS_EXIT_FAILURE;
		r = rc_read(path, &o.rcconf);
		if (r < 0) {
			char buf[128];

			cmd_die(VS_EXIT_FAILURE, "cannot read '%s': %s", path,
				vs_strerror(r, buf, sizeof(buf)));
		}
		free(path);
		o.rc = true;
	}

	if (vs_root_new(oo.sysroot, &root, &e) < 0) {
		cmd_warn_err(&e);
		return VS_EXIT_FAILURE;
	}
	if (vs_root_is_live(root))
		vs_shmdev_probe(&o.shm);
	o.root = root;
	if (backing) {
		int def[128];
		size_t ndef;

		backing_cols_init(root);
		ndef = (size_t)backing_col_default(def, 128);
		o.ncols = cmd_outopts_cols(&oo, backing_cols, backing_ncols,
					   def, ndef, o.cols, 128);
	}
	/* Parse every PID first: a bad one is a usage error before any
	 * output, as in pmap. */
	pid_t *pids = calloc((size_t)(argc - optind), sizeof(pid_t));

	if (!pids)
		cmd_die(VS_EXIT_FAILURE, "out of memory");
	for (int i = optind; i < argc; i++)
		pids[i - optind] = parse_pid(argv[i]);

	t = malloc(sizeof(*t));
	if (!t)
		cmd_die(VS_EXIT_FAILURE, "out of memory");
	if (out.fmt == VS_OUT_JSON) {
		vs_json_obj_begin(&out.json, NULL);
		vs_json_arr_begin(&out.json, "vmmap");
	}
	for (int i = 0; i < argc - optind; i++) {
		int s = resolve(&o, root, pids[i], t);

		if (s == VS_EXIT_OK)
			s = show_process(&o, root, t);
		cmd_status_add(&status, s);
	}
	if (out.fmt == VS_OUT_JSON) {
		vs_json_arr_end(&out.json);
		vs_json_obj_end(&out.json);
		int r = vs_json_finish(&out.json);

		if (r == -EPIPE)
			cmd_exit_closed_pipe();
		if (r < 0) {
			char buf[128];

			cmd_warn("write error: %s", vs_strerror(r, buf, sizeof(buf)));
			cmd_status_add(&status, VS_EXIT_FAILURE);
		}
	}
	free(t);
	free(pids);
	vs_root_unref(root);
	return status.status;
}
