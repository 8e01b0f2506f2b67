/* main.c - vmtlb: the TLB, its reach, and who flushes it.
 *
 * The CPU's TLBs from cpuid (entries and associativity per page size and
 * level) and their reach; TLB shootdown interrupts per CPU from
 * /proc/interrupts (since boot, or over -d SECONDS with the tlb:tlb_flush
 * tracepoint by reason and process and hardware TLB misses); for each PID
 * given, the page sizes that map its memory against the TLB's reach.
 *
 * With vmscope.ko loaded, each CPU's TLB state too (state.c): the address
 * space it has loaded and its owner, PCID, lazy mode, and the tlb_flush
 * events the module counts per CPU and reason.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "vmtlb.h"
#include "vs_fmt.h"
#include "vs_irq.h"
#include "vs_source.h"
#include "vs_text.h"

enum {
	OPT_NO_TRACE = 0x100,
	OPT_NO_PERF, OPT_TOP,
};

static const struct option longopts[] = {
	{ "duration", required_argument, NULL, 'd' },
	{ "watch", optional_argument, NULL, 'w' },
	{ "count", required_argument, NULL, 'c' },
	{ "no-trace", no_argument, NULL, OPT_NO_TRACE },
	{ "no-perf", no_argument, NULL, OPT_NO_PERF },
	{ "top", required_argument, NULL, OPT_TOP },
	CMD_LONGOPTS_TABLE,
	{ "raw", no_argument, NULL, 'r' },
	{ "noheadings", no_argument, NULL, 'n' },
	{ "sysroot", required_argument, NULL, CMD_OPT_SYSROOT },
	CMD_LONGOPTS_END,
};

static noreturn void usage(void)
{
	printf("Usage:\n"
	       " %s [options] [PID...]\n\n"
	       "Show the TLB: its geometry and reach (cpuid), TLB shootdowns per CPU\n"
	       "(/proc/interrupts) and, over a duration, the tlb:tlb_flush tracepoint by\n"
	       "reason and process and hardware TLB misses; for each PID, the page sizes\n"
	       "that map its memory against the TLB's reach.\n\n"
	       "Options:\n"
	       " -d, --duration=SECONDS     measure over SECONDS: shootdown rates, tlb_flush\n"
	       "                            events (root) and hardware TLB misses\n"
	       " -w, --watch[=SECONDS]      measure again and again, over SECONDS each (1)\n"
	       " -c, --count=N              with --watch, stop after N measurements\n"
	       "     --no-trace             do not trace tlb:tlb_flush\n"
	       "     --no-perf              do not count hardware TLB misses\n"
	       "     --top=N                processes in the tlb_flush table (10)\n"
	       " -J, --json                 JSON output (NDJSON with --watch)\n"
	       " -o, --output=LIST          columns of the process table (see --list-columns)\n"
	       "     --output-all           every column\n"
	       "     --list-columns         list the columns and exit\n"
	       " -b, --bytes                sizes in bytes\n"
	       " -r, --raw                  unaligned tables\n"
	       " -n, --noheadings           no table headings\n"
	       "     --sysroot=DIR          read /proc below DIR instead of / (and the\n"
	       "                            cpuid leaves recorded in DIR/vmscope/cpuid)\n"
	       " -h, --help                 show this help and exit\n"
	       " -V, --version              show the version and exit\n\n"
	       "Exit status: 0 success, 1 failure, 2 usage error, 3 the kernel lacks what\n"
	       "is needed, 4 permission denied, 42 a process was not found. See vmtlb(1).\n",
	       cmd_name());
	exit(VS_EXIT_OK);
}

/* ---- the exit paths --------------------------------------------------- */

void closed_pipe(void)
{
	measure_cleanup();
	cmd_exit_closed_pipe();
}

/* ---- TLB geometry ----------------------------------------------------- */

static const char *pages_name(unsigned pages, char *buf, size_t size)
{
	static const char *const names[] = { "4K", "2M", "4M", "1G" };
	size_t len = 0;

	buf[0] = '\0';
	for (int b = 0; b < 4; b++)
		if (pages & (1u << b))
			len += (size_t)snprintf(buf + len, size - len, "%s%s",
						len ? "/" : "", names[b]);
	return buf;
}

/* Entries x the smallest (@largest false) or largest page size held;
 * AMD's 2M entries hold half as many 4M pages. */
static uint64_t reach(const struct vs_tlb *t, bool largest)
{
	for (int b = largest ? 3 : 0; largest ? b >= 0 : b < 4; b += largest ? -1 : 1) {
		unsigned pg = 1u << b;

		if (!(t->pages & pg))
			continue;
		if (pg == VS_PG_4M && (t->pages & VS_PG_2M) && t->leaf >= 0x80000000u)
			return (uint64_t)t->entries * vs_pg_bytes(VS_PG_2M);
		return (uint64_t)t->entries * vs_pg_bytes(pg);
	}
	return 0;
}

static void geometry(struct opts *o, struct vs_root *root, bool *said)
{
	static const struct vs_col cols[] = {
		{ "LEVEL", "level", VS_COL_NUM, 0, VS_COLF_RIGHT, "TLB level" },
		{ "TYPE", "type", VS_COL_STR, 0, 0,
		  "data, instruction, unified, load or store" },
		{ "PAGES", "page_sizes", VS_COL_STR, 0, 0, "page sizes it holds" },
		{ "ENTRIES", "entries", VS_COL_NUM, 0, VS_COLF_RIGHT,
		  "translations (for 2M when it holds 2M and 4M)" },
		{ "ASSOC", "associativity", VS_COL_STR, 0, 0,
		  "ways, or full" },
		{ "WAYS", "ways", VS_COL_NUM, 0, VS_COLF_RIGHT,
		  "ways; null when fully associative" },
		{ "REACH", "reach", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		  "memory it maps at once with its smallest page size" },
		{ "MAX_REACH", "max_reach", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		  "with its largest page size" },
		{ "LEAF", "leaf", VS_COL_STR, 0, 0, "the cpuid leaf read" },
	};
	static const int text_sel[] = { 0, 1, 2, 3, 4, 6, 7, 8 };
	static const int json_sel[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8 };
	struct vs_out *out = o->out;
	bool json = out->fmt == VS_OUT_JSON;
	struct vs_cpuid c;
	struct vs_table *t;
	struct vs_err e;
	uint64_t tlbsize;
	unsigned level;
	int r;

	r = vs_cpuid_open(root, &c, &e);
	if (r == 0)
		r = vs_tlb_read(&c, &o->tlb, &e);
	vs_cpuid_close(&c);
	o->have_tlb = r == 0;
	if (!o->have_tlb) {
		if (!*said)
			cmd_warn("no TLB geometry: %s", e.msg);
		*said = true;
		if (json) {
			vs_json_null(&out->json, "cpu");
			vs_json_str(&out->json, "cpu_error", e.msg);
		}
		return;
	}
	if (json) {
		vs_json_obj_begin(&out->json, "cpu");
		vs_json_str(&out->json, "vendor", o->tlb.vendor);
		vs_json_u64(&out->json, "family", o->tlb.family);
		vs_json_u64(&out->json, "model", o->tlb.model);
		vs_json_u64(&out->json, "stepping", o->tlb.stepping);
		vs_json_str(&out->json, "source", "cpuid");
		vs_json_u64(&out->json, "undecoded", o->tlb.unknown);
	} else {
		fprintf(out->f, "CPU: %s family 0x%x model 0x%x stepping %u "
			"(cpuid)\n", o->tlb.vendor, o->tlb.family, o->tlb.model,
			o->tlb.stepping);
	}
	if (vs_cpuinfo_tlb_size(root, &tlbsize, NULL) == 0)
		vs_out_u64(out, "cpuinfo_tlb_size", NULL, tlbsize);
	else
		vs_out_null(out, "cpuinfo_tlb_size", NULL);
	if (vs_table_new(out, "tlbs", cols, 9, json ? json_sel : text_sel,
			 json ? 9 : 8, &t, &e) < 0) {
		cmd_warn_err(&e);
		return;
	}
	for (size_t i = 0; i < o->tlb.n; i++) {
		const struct vs_tlb *x = &o->tlb.tlb[i];
		char buf[32];

		vs_table_row(t);
		vs_table_u64(t, 0, x->level);
		vs_table_str(t, 1, vs_tlb_kind_name[x->kind]);
		vs_table_str(t, 2, pages_name(x->pages, buf, sizeof(buf)));
		vs_table_u64(t, 3, x->entries);
		if (x->full)
			snprintf(buf, sizeof(buf), "full");
		else if (x->ways == 1)
			snprintf(buf, sizeof(buf), "direct");
		else if (x->ways)
			snprintf(buf, sizeof(buf), "%u-way", x->ways);
		else
			buf[0] = '\0';
		if (buf[0])
			vs_table_str(t, 4, buf);
		else
			vs_table_null(t, 4);
		if (x->ways && !x->full)
			vs_table_u64(t, 5, x->ways);
		else
			vs_table_null(t, 5);
		vs_table_u64(t, 6, reach(x, false));
		vs_table_u64(t, 7, reach(x, true));
		snprintf(buf, sizeof(buf), "0x%x", x->leaf);
		vs_table_str(t, 8, buf);
	}
	if (vs_table_end(t) == -EPIPE)
		closed_pipe();
	/* What the largest data TLB maps at once, per page size. */
	level = vs_tlb_data_levels(&o->tlb);
	if (json) {
		vs_json_obj_begin(&out->json, "data_reach");
		vs_json_u64(&out->json, "level", level);
	} else {
		fprintf(out->f, "data TLB reach (L%u):", level);
	}
	vs_out_size(out, "4k", " %s with 4K pages",
		    vs_tlb_data_entries(&o->tlb, level, VS_PG_4K) * 4096ull);
	vs_out_size(out, "2m", ", %s with 2M pages",
		    vs_tlb_data_entries(&o->tlb, level, VS_PG_2M) * VS_PMD_SIZE);
	vs_out_size(out, "1g", ", %s with 1G pages\n",
		    (uint64_t)vs_tlb_data_entries(&o->tlb, level, VS_PG_1G) << 30);
	if (json) {
		vs_json_obj_end(&out->json);
		vs_json_obj_end(&out->json);
	}
}

/* ---- shootdowns since boot -------------------------------------------- */

static int since_boot(const struct opts *o, struct vs_root *root)
{
	static const struct vs_col cols[] = {
		{ "CPU", "cpu", VS_COL_NUM, 0, VS_COLF_RIGHT, "CPU" },
		{ "SHOOTDOWNS", "count", VS_COL_NUM, 0, VS_COLF_RIGHT,
		  "TLB shootdown interrupts received since boot" },
		{ "RATE", "rate", VS_COL_FLOAT, 0, VS_COLF_RIGHT,
		  "per second, on average since boot" },
	};
	static const int sel[] = { 0, 1, 2 };
	struct vs_out *out = o->out;
	const struct vs_irq_row *row;
	struct vs_irqs q;
	struct vs_table *t;
	struct vs_err e;
	char buf[64], *p;
	double uptime = 0;
	uint64_t total = 0;
	int r;

	r = vs_interrupts_read(root, "TLB", &q, &e);
	if (r == 0 && !(row = vs_irqs_row(&q, "TLB"))) {
		char full[4096];

		r = vs_err_set(&e, ENOENT, "'%s' has no TLB row (not an x86 "
			       "kernel?)", vs_root_path(root, "/proc/interrupts",
							full, sizeof(full)));
	}
	if (r < 0) {
		cmd_warn_err(&e);
		vs_irqs_free(&q);
		if (out->fmt == VS_OUT_JSON) {
			vs_json_null(&out->json, "duration");
			vs_json_null(&out->json, "shootdowns");
			vs_json_null(&out->json, "tlb_flush");
			vs_json_null(&out->json, "hardware");
		}
		return cmd_status_of_errno(r);
	}
	if (vs_root_read(root, "/proc/uptime", buf, sizeof(buf), NULL, NULL) == 0)
		uptime = strtod(buf, &p);
	for (unsigned i = 0; i < row->n; i++)
		total += row->counts[i];
	if (out->fmt == VS_OUT_JSON) {
		vs_json_null(&out->json, "duration");
		vs_json_obj_begin(&out->json, "shootdowns");
		vs_json_str(&out->json, "source", "interrupts");
	} else {
		fprintf(out->f, "\nTLB shootdowns (/proc/interrupts): %llu since "
			"boot", (unsigned long long)total);
	}
	vs_out_u64(out, "count", NULL, total);
	if (uptime > 0) {
		vs_out_double(out, "uptime", NULL, uptime, 2);
		vs_out_double(out, "rate", ", %s/s on average", (double)total /
			      uptime, 1);
	} else {
		vs_out_null(out, "uptime", NULL);
		vs_out_null(out, "rate", NULL);
	}
	if (out->fmt != VS_OUT_JSON)
		fputs(" (-d SECONDS measures the rate now)\n", out->f);
	{
		struct ipi_causes ic;

		ipi_causes_read(root, q.ncpus, &ic);
		ipi_causes_show(o, &ic, total, false, 0);
	}
	if (vs_table_new(out, "cpus", cols, 3, sel, 3, &t, &e) == 0) {
		for (unsigned i = 0; i < row->n && i < q.ncpus; i++) {
			vs_table_row(t);
			vs_table_u64(t, 0, (uint64_t)q.cpu[i]);
			vs_table_u64(t, 1, row->counts[i]);
			if (uptime > 0)
				vs_table_double(t, 2, (double)row->counts[i] /
						uptime, 1);
			else
				vs_table_null(t, 2);
		}
		if (vs_table_end(t) == -EPIPE)
			closed_pipe();
	}
	if (out->fmt == VS_OUT_JSON) {
		vs_json_obj_end(&out->json);
		vs_json_null(&out->json, "tlb_flush");
		vs_json_null(&out->json, "hardware");
	}
	vs_irqs_free(&q);
	return VS_EXIT_OK;
}

/* ---- main ------------------------------------------------------------- */

static pid_t parse_pid(const char *arg)
{
	uint64_t v;

	if (vs_parse_u64(arg, 10, &v) < 0 || v < 1 || v > 0x7fffffff)
		cmd_usage_error("invalid process id '%s'", arg);
	return (pid_t)v;
}

/* The start of one document (JSON) or sample (text). */
static void doc_begin(struct opts *o, struct vs_root *root, uint64_t n,
		      bool *said)
{
	struct vs_out *out = o->out;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (out->fmt == VS_OUT_JSON) {
		struct vs_json *j = &out->json;

		vs_json_init(j, out->f, !o->oo.watch);
		vs_json_obj_begin(j, NULL);
		vs_json_obj_begin(j, "vmtlb");
		vs_json_double(j, "time", (double)ts.tv_sec +
			       (double)ts.tv_nsec / 1e9, 3);
		vs_json_u64(j, "sample", n);
		cmd_kmod_json(o->km, j);
		geometry(o, root, said);
		return;
	}
	if (o->oo.watch) {
		struct tm tm;
		char when[32];

		localtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
		fprintf(out->f, "%s--- measurement %llu at %s ---\n",
			n > 1 ? "\n" : "", (unsigned long long)n, when);
	}
	if (n == 1)
		geometry(o, root, said);
}

/* End a document; false on a write error (said). */
static bool doc_end(struct opts *o)
{
	struct vs_out *out = o->out;
	int r = 0;

	if (out->fmt == VS_OUT_JSON) {
		vs_json_obj_end(&out->json);
		vs_json_obj_end(&out->json);
		r = vs_json_finish(&out->json);
	}
	if (r == 0 && (fflush(out->f) != 0 || ferror(out->f)))
		r = -(errno ? errno : EIO);
	if (r == -EPIPE)
		closed_pipe();
	if (r < 0) {
		char buf[128];

		cmd_warn("write error: %s", vs_strerror(r, buf, sizeof(buf)));
		/* Said once: what is left in the buffer is dropped. */
		__fpurge(out->f);
		clearerr(out->f);
		return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	static struct opts o;
	static struct vs_out out;
	static struct cmd_kmod km;
	bool said = false;
	struct cmd_status status = { 0 };
	struct measure *m = NULL;
	struct vs_root *root = NULL;
	struct vs_err e;
	int c;

	cmd_init("vmtlb");
	o.out = &out;
	o.km = &km;
	o.trace = o.perf = true;
	o.top = 10;
	while ((c = getopt_long(argc, argv, "d:w::c:Jo:brnhV", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'd':
			if (vs_parse_seconds(optarg, &o.duration_ms) < 0 ||
			    o.duration_ms == 0)
				cmd_usage_error("invalid duration '%s'", optarg);
			o.measure = true;
			break;
		case 'w':
			o.oo.watch = o.measure = true;
			if (optarg && (vs_parse_seconds(optarg, &o.duration_ms) < 0 ||
				       o.duration_ms == 0))
				cmd_usage_error("invalid interval '%s'", optarg);
			break;
		case OPT_NO_TRACE: o.trace = false; break;
		case OPT_NO_PERF: o.perf = false; break;
		case OPT_TOP:
			if (vs_parse_u64(optarg, 10, &o.top) < 0 || o.top == 0)
				cmd_usage_error("invalid number '%s'", optarg);
			break;
		case 'h': usage();
		default: cmd_outopts_parse(&o.oo, c, optarg);
		}
	}
	if (o.oo.watch && !o.duration_ms)
		o.duration_ms = 1000;
	cmd_outopts_done(&o.oo, &out);
	if (o.oo.list_cols)
		return cmd_list_columns(proc_cols, proc_ncols, out.fmt);
	{
		int def[64];
		size_t ndef = proc_default_cols(&o, def);

		o.nsel = cmd_outopts_cols(&o.oo, proc_cols, proc_ncols, def,
					  ndef, o.sel, 64);
	}
	o.npids = (size_t)(argc - optind);
	if (o.npids) {
		o.pids = calloc(o.npids, sizeof(*o.pids));
		if (!o.pids)
			cmd_die(VS_EXIT_FAILURE, "out of memory");
		for (size_t i = 0; i < o.npids; i++)
			o.pids[i] = parse_pid(argv[optind + (int)i]);
	}
	if (vs_root_new(o.oo.sysroot, &root, &e) < 0) {
		cmd_warn_err(&e);
		return VS_EXIT_FAILURE;
	}
	if (o.measure && !vs_root_is_live(root))
		cmd_usage_error("-d and --watch measure the live system, not "
				"--sysroot");

	/* From here on a tracefs instance may exist: every way out removes
	 * it. A closed pipe is an EPIPE (not a SIGPIPE) so that we see it. */
	signal(SIGPIPE, SIG_IGN);
	atexit(measure_cleanup);
	cmd_signals_init();
	cmd_kmod_open(&km, root, VS_KMOD_VIEW_TLB, true, o.oo.json);

	if (!o.measure) {
		struct vs_km_tlb *st = state_read(&o);

		doc_begin(&o, root, 1, &said);
		cmd_status_add(&status, since_boot(&o, root));
		state_show(&o, st, NULL, 0);
		vs_km_tlb_free(st);
		if (o.npids)
			cmd_status_add(&status, show_processes(&o, root, NULL));
		if (!doc_end(&o))
			cmd_status_add(&status, VS_EXIT_FAILURE);
		cmd_kmod_close(&km);
		vs_root_unref(root);
		free(o.pids);
		return status.status;
	}
	{
		int st;

		m = measure_start(&o, root, &st);
		if (!m) {
			cmd_kmod_close(&km);
			vs_root_unref(root);
			free(o.pids);
			return st;
		}
		cmd_status_add(&status, st);
	}
	for (uint64_t n = 1; ; n++) {
		int st;

		if (!cmd_sleep_ms(o.duration_ms))
			break;
		doc_begin(&o, root, n, &said);
		st = measure_interval(&o, root, m);
		cmd_status_add(&status, st);
		if (st == VS_EXIT_OK && o.npids)
			cmd_status_add(&status, show_processes(&o, root, m));
		if (!doc_end(&o)) {
			cmd_status_add(&status, VS_EXIT_FAILURE);
			break;
		}
		if (st != VS_EXIT_OK || !o.oo.watch || (o.oo.count && n >= o.oo.count))
			break;
	}
	measure_stop(m);
	cmd_kmod_close(&km);
	vs_root_unref(root);
	free(o.pids);
	if (cmd_interrupted())
		cmd_exit_signal();
	return status.status;
}
