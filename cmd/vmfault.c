/* vmfault.c - vmfault: the page faults of processes, their threads and
 * their children over an interval, and with --attribute where they happen.
 *
 * Counting reads /proc/PID/stat and /proc/PID/task/TID/stat (vs_faults) at
 * the start and the end of each interval. --attribute records the kernel's
 * exceptions:page_fault_user tracepoint in a private tracefs instance
 * (vs_trace) limited to the targets' threads and what they fork, and sums
 * the events per mapping, per page and per code address. The instance is
 * removed on every way out: the end, an error, SIGINT, SIGTERM, SIGHUP and
 * a closed pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "vs_faults.h"
#include "vs_fmt.h"
#include "vs_maps.h"
#include "vs_out.h"
#include "vs_proc.h"
#include "vs_trace.h"

static const struct option longopts[] = {
	{ "interval", required_argument, NULL, 'i' },
	{ "count", required_argument, NULL, 'n' },
	{ "attribute", no_argument, NULL, 'a' },
	{ "top", required_argument, NULL, 'N' },
	{ "json", no_argument, NULL, 'J' },
	{ "raw", no_argument, NULL, CMD_OPT_RAW },
	{ "noheadings", no_argument, NULL, CMD_OPT_NOHEADINGS },
	CMD_LONGOPTS_END,
};

static noreturn void usage(void)
{
	printf("Usage:\n"
	       " %s [options] PID...\n"
	       " %s [options] -- COMMAND [ARG...]\n\n"
	       "Count the minor and major page faults of processes, of each of\n"
	       "their threads and of their waited-for children, and with\n"
	       "--attribute record where they happen.\n\n"
	       "Options:\n"
	       " -i, --interval=SECONDS     length of a sample (1); not with COMMAND\n"
	       " -n, --count=COUNT          number of samples (1); not with COMMAND\n"
	       " -a, --attribute            record the faults per mapping, page and code\n"
	       "                            address (tracefs; needs root)\n"
	       " -N, --top=N                rows of each --attribute table (10)\n"
	       " -J, --json                 JSON output\n"
	       "     --raw                  unaligned tables\n"
	       "     --noheadings           no header lines\n"
	       " -h, --help                 show this help and exit\n"
	       " -V, --version              show the version and exit\n\n"
	       "Exit status: 0 success, 1 failure, 2 usage error, 3 tracefs or the\n"
	       "tracepoint missing, 4 permission denied, 42 a process was not found;\n"
	       "with COMMAND, the command's own status. See vmfault(1).\n",
	       cmd_name(), cmd_name());
	exit(VS_EXIT_OK);
}

/* ---- the trace instance, removed on every way out -------------------- */

static struct vs_trace *trace;

static void trace_cleanup(void)
{
	vs_trace_stop(trace);
	trace = NULL;
}

static noreturn void die_signal(void)
{
	trace_cleanup();
	cmd_exit_signal();
}

static noreturn void die_pipe(void)
{
	trace_cleanup();
	cmd_exit_closed_pipe();
}

/* ---- attribution ----------------------------------------------------- */

/* A mapping of a process, from its maps file. */
struct vma {
	uint64_t start, end, offset;
	char perms[5];
	char *name;		/* "" for none */
};

/* The mappings of one process as last read. */
struct space {
	int tgid;
	struct vma *v;
	size_t n;
};

/* A counted key: (tgid, a, b) with a name for the mapping it fell in. */
struct ent {
	int tgid;
	uint64_t a, b;		/* mapping: start, end; page: address;
				 * code: ip */
	uint64_t count;
	char perms[5];
	uint64_t off;		/* code: offset of ip in the mapping's file */
	char *name;		/* the mapping's name; malloc'd */
	bool used;
};

struct table {
	struct ent *e;
	size_t cap, n;
};

struct attrib {
	struct space *sp;
	size_t nsp;
	struct { int tid, tgid; } *tids;
	size_t ntids, captids;
	struct table maps, pages, code;
	uint64_t events;
	uint64_t unknown;	/* threads gone before they could be named */
	struct vs_root *root;
	long gen;		/* drain number: maps are re-read once each */
	long *sp_gen;
};

static uint64_t mix(int tgid, uint64_t a, uint64_t b)
{
	uint64_t h = (uint64_t)(unsigned)tgid * 0x9e3779b97f4a7c15ull;

	h ^= a + 0x632be59bd9b4e019ull + (h << 6) + (h >> 2);
	h ^= b + 0x94d049bb133111ebull + (h << 6) + (h >> 2);
	return h ^ (h >> 31);
}

/* The entry for (tgid, a, b), added with @fresh set when new. */
static struct ent *table_get(struct table *t, int tgid, uint64_t a,
			     uint64_t b, bool *fresh)
{
	size_t i;

	if (t->n * 2 >= t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 1024;
		struct ent *ne = calloc(cap, sizeof(*ne));

		if (!ne)
			cmd_die(VS_EXIT_FAILURE, "out of memory");
		for (size_t k = 0; k < t->cap; k++) {
			struct ent *o = &t->e[k];

			if (!o->used)
				continue;
			for (i = mix(o->tgid, o->a, o->b) & (cap - 1);
			     ne[i].used; i = (i + 1) & (cap - 1))
				;
			ne[i] = *o;
		}
		free(t->e);
		t->e = ne;
		t->cap = cap;
	}
	for (i = mix(tgid, a, b) & (t->cap - 1); t->e[i].used;
	     i = (i + 1) & (t->cap - 1))
		if (t->e[i].tgid == tgid && t->e[i].a == a && t->e[i].b == b) {
			*fresh = false;
			return &t->e[i];
		}
	t->e[i].used = true;
	t->e[i].tgid = tgid;
	t->e[i].a = a;
	t->e[i].b = b;
	t->n++;
	*fresh = true;
	return &t->e[i];
}

static void space_free(struct space *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].name);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* Read /proc/TGID/maps into @s; on failure (the process exited) the last
 * reading stays. */
static void space_read(struct attrib *at, struct space *s)
{
	struct vs_maps *m;
	const struct vs_vma *v;
	struct vma *nv = NULL;
	size_t n = 0, cap = 0;
	int r;

	if (vs_maps_open(at->root, s->tgid, VS_FILE_MAPS, &m, NULL) < 0)
		return;
	while ((r = vs_maps_next(m, &v, NULL)) == 1) {
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			nv = realloc(nv, cap * sizeof(*nv));
			if (!nv)
				cmd_die(VS_EXIT_FAILURE, "out of memory");
		}
		nv[n].start = v->start;
		nv[n].end = v->end;
		nv[n].offset = v->offset;
		memcpy(nv[n].perms, v->perms, 5);
		nv[n].name = strdup(v->name);
		n++;
	}
	vs_maps_close(m);
	if (r < 0 || n == 0) {
		for (size_t i = 0; i < n; i++)
			free(nv[i].name);
		free(nv);
		return;
	}
	space_free(s);
	s->v = nv;
	s->n = n;
}

static struct space *space_of(struct attrib *at, int tgid)
{
	size_t i;

	for (i = 0; i < at->nsp; i++)
		if (at->sp[i].tgid == tgid)
			break;
	if (i == at->nsp) {
		at->sp = realloc(at->sp, (at->nsp + 1) * sizeof(*at->sp));
		at->sp_gen = realloc(at->sp_gen, (at->nsp + 1) * sizeof(long));
		if (!at->sp || !at->sp_gen)
			cmd_die(VS_EXIT_FAILURE, "out of memory");
		memset(&at->sp[i], 0, sizeof(at->sp[i]));
		at->sp[i].tgid = tgid;
		at->sp_gen[i] = -1;
		at->nsp++;
	}
	/* Once per drain: mappings come and go. */
	if (at->sp_gen[i] != at->gen) {
		space_read(at, &at->sp[i]);
		at->sp_gen[i] = at->gen;
	}
	return &at->sp[i];
}

static const struct vma *vma_find(const struct space *s, uint64_t addr)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (addr < s->v[mid].start)
			hi = mid;
		else if (addr >= s->v[mid].end)
			lo = mid + 1;
		else
			return &s->v[mid];
	}
	return NULL;
}

/* The process a thread belongs to, from /proc/TID/status; -1 if gone. */
static int tgid_of(struct attrib *at, int tid)
{
	struct vs_status st;
	int tgid = -1;

	for (size_t i = 0; i < at->ntids; i++)
		if (at->tids[i].tid == tid)
			return at->tids[i].tgid;
	if (vs_status_read(at->root, tid, &st, NULL) == 0 &&
	    vs_status_has(&st, VS_ST_TGID))
		tgid = st.tgid;
	if (at->ntids == at->captids) {
		at->captids = at->captids ? 2 * at->captids : 64;
		at->tids = realloc(at->tids, at->captids * sizeof(*at->tids));
		if (!at->tids)
			cmd_die(VS_EXIT_FAILURE, "out of memory");
	}
	at->tids[at->ntids].tid = tid;
	at->tids[at->ntids].tgid = tgid;
	at->ntids++;
	return tgid;
}

static void name_entry(struct ent *e, const struct vma *v, uint64_t addr)
{
	if (v) {
		e->name = strdup(v->name);
		memcpy(e->perms, v->perms, 5);
		e->off = addr - v->start + v->offset;
	} else {
		e->name = strdup("[unmapped by now]");
		snprintf(e->perms, sizeof(e->perms), "----");
	}
}

static int on_fault(void *arg, const struct vs_trace_rec *r)
{
	struct attrib *at = arg;
	uint64_t addr = 0, ip = 0;
	const struct vma *v, *vi;
	struct space *s;
	struct ent *e;
	bool fresh;
	int tgid;

	at->events++;
	vs_trace_field(trace, r, "address", &addr);
	vs_trace_field(trace, r, "ip", &ip);
	tgid = tgid_of(at, r->pid);
	if (tgid < 0) {
		at->unknown++;
		return 0;
	}
	s = space_of(at, tgid);
	v = vma_find(s, addr);
	e = table_get(&at->maps, tgid, v ? v->start : 0, v ? v->end : 0,
		      &fresh);
	if (fresh)
		name_entry(e, v, addr);
	e->count++;
	e = table_get(&at->pages, tgid, addr & ~(uint64_t)4095, 0, &fresh);
	if (fresh)
		name_entry(e, v, addr);
	e->count++;
	vi = vma_find(s, ip);
	e = table_get(&at->code, tgid, ip, 0, &fresh);
	if (fresh)
		name_entry(e, vi, ip);
	e->count++;
	return 0;
}

static void drain(struct attrib *at)
{
	struct vs_err e;

	if (!trace)
		return;
	at->gen++;
	if (vs_trace_drain(trace, on_fault, at, &e) < 0)
		cmd_warn_err(&e);
}

static int cmp_count(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->tgid != y->tgid)
		return x->tgid < y->tgid ? -1 : 1;
	return x->a < y->a ? -1 : x->a > y->a;
}

/* Compact the used entries of @t to its front, ordered by count. */
static void table_sort(struct table *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->cap; i++)
		if (t->e[i].used)
			t->e[n++] = t->e[i];
	for (size_t i = n; i < t->cap; i++)
		t->e[i].used = false;
	t->n = n;
	if (n)
		qsort(t->e, n, sizeof(*t->e), cmp_count);
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->cap; i++)
		if (t->e[i].used)
			free(t->e[i].name);
	free(t->e);
}

/* ---- counting -------------------------------------------------------- */

struct target {
	int pid;
	bool gone;
	struct vs_faults f0, f1;	/* at the start and end of a sample */
	struct vs_faults base;		/* at the very start */
};

enum { C_PID, C_TID, C_COMMAND, C_KIND, C_MINFLT, C_MAJFLT, C_MINFLT_S,
       C_MAJFLT_S, C__COUNT };

static const struct vs_col cols[C__COUNT] = {
	[C_PID] = { "PID", "pid", VS_COL_NUM, 0, VS_COLF_RIGHT, "process id" },
	[C_TID] = { "TID", "tid", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"thread id (thread rows)" },
	[C_COMMAND] = { "COMMAND", "command", VS_COL_STR, 0, 0,
		"the kernel's name of the process or thread" },
	[C_KIND] = { "KIND", "kind", VS_COL_STR, 0, 0,
		"process, thread, exited threads, or children (waited for)" },
	[C_MINFLT] = { "MINFLT", "minflt", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"minor faults during the sample" },
	[C_MAJFLT] = { "MAJFLT", "majflt", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"major faults during the sample" },
	[C_MINFLT_S] = { "MINFLT/S", "minflt_per_s", VS_COL_FLOAT, 0,
		VS_COLF_RIGHT, "minor faults per second" },
	[C_MAJFLT_S] = { "MAJFLT/S", "majflt_per_s", VS_COL_FLOAT, 0,
		VS_COLF_RIGHT, "major faults per second" },
};

static void put_counts(struct vs_table *t, int pid, int tid, const char *comm,
		       const char *kind, uint64_t mn, uint64_t mj, double secs)
{
	vs_table_row(t);
	vs_table_u64(t, C_PID, (uint64_t)pid);
	if (tid)
		vs_table_u64(t, C_TID, (uint64_t)tid);
	else
		vs_table_null(t, C_TID);
	if (comm)
		vs_table_str(t, C_COMMAND, comm);
	else
		vs_table_null(t, C_COMMAND);
	vs_table_str(t, C_KIND, kind);
	vs_table_u64(t, C_MINFLT, mn);
	vs_table_u64(t, C_MAJFLT, mj);
	vs_table_double(t, C_MINFLT_S, secs > 0 ? (double)mn / secs : 0, 1);
	vs_table_double(t, C_MAJFLT_S, secs > 0 ? (double)mj / secs : 0, 1);
}

static uint64_t sub(uint64_t a, uint64_t b)
{
	return a >= b ? a - b : 0;
}

/* Rows of one target over a sample: the process, each live thread, the
 * threads that exited meanwhile, and the children it waited for. */
static void put_target(struct vs_table *t, const struct target *g,
		       double secs)
{
	const struct vs_faults *a = &g->f0, *b = &g->f1;
	uint64_t tmin = 0, tmaj = 0;

	put_counts(t, g->pid, 0, b->comm, "process", sub(b->minflt, a->minflt),
		   sub(b->majflt, a->majflt), secs);
	for (size_t i = 0; i < b->nthreads; i++) {
		const struct vs_thread_faults *th = &b->threads[i];
		const struct vs_thread_faults *o = vs_faults_thread(a, th->tid);
		uint64_t mn = sub(th->minflt, o ? o->minflt : 0);
		uint64_t mj = sub(th->majflt, o ? o->majflt : 0);

		tmin += mn;
		tmaj += mj;
		put_counts(t, g->pid, th->tid, th->comm, "thread", mn, mj, secs);
	}
	put_counts(t, g->pid, 0, NULL, "exited threads",
		   sub(sub(b->minflt, a->minflt), tmin),
		   sub(sub(b->majflt, a->majflt), tmaj), secs);
	put_counts(t, g->pid, 0, NULL, "children", sub(b->cminflt, a->cminflt),
		   sub(b->cmajflt, a->cmajflt), secs);
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sleep @ms, draining the trace every 100 ms; false when interrupted. */
static bool wait_ms(struct attrib *at, uint64_t ms)
{
	double end = mono() + (double)ms / 1000.0;

	for (;;) {
		double left = end - mono();
		unsigned long step;

		if (left <= 0)
			return !cmd_interrupted();
		step = left > 0.1 ? 100 : (unsigned long)(left * 1000.0) + 1;
		if (!cmd_sleep_ms(step))
			return false;
		drain(at);
	}
}

/* ---- output of the attribution --------------------------------------- */

static int put_attrib(struct vs_out *o, struct attrib *at, unsigned top,
		      uint64_t counted, bool counted_ok)
{
	static const struct vs_col mcols[] = {
		{ "PID", "pid", VS_COL_NUM, 0, VS_COLF_RIGHT, "process" },
		{ "START", "start", VS_COL_HEX, 0, VS_COLF_RIGHT, "mapping start" },
		{ "END", "end", VS_COL_HEX, 0, VS_COLF_RIGHT, "mapping end" },
		{ "PERMS", "perms", VS_COL_STR, 0, 0, "permissions" },
		{ "FAULTS", "faults", VS_COL_NUM, 0, VS_COLF_RIGHT, "events" },
		{ "SHARE", "share", VS_COL_FLOAT, 0, VS_COLF_RIGHT, "percent" },
		{ "MAPPING", "mapping", VS_COL_STR, 0, VS_COLF_TRUNC,
		  "the mapping's name" },
		{ "PAGE", "page", VS_COL_HEX, 0, VS_COLF_RIGHT, "page address" },
		{ "IP", "ip", VS_COL_HEX, 0, VS_COLF_RIGHT,
		  "the faulting instruction's address" },
		{ "OFFSET", "offset", VS_COL_HEX, 0, VS_COLF_RIGHT,
		  "the address's offset in the mapped file" },
	};
	static const int msel[] = { 0, 1, 2, 3, 4, 5, 6 };
	static const int psel[] = { 0, 7, 4, 3, 6 };
	static const int csel[] = { 0, 8, 4, 9, 6 };
	struct { struct table *t; const char *key; const int *sel; size_t n; }
	views[] = {
		{ &at->maps, "mappings", msel, 7 },
		{ &at->pages, "pages", psel, 5 },
		{ &at->code, "code", csel, 5 },
	};
	struct vs_err e;
	long long lost = vs_trace_lost(trace);

	if (o->fmt == VS_OUT_JSON) {
		vs_json_obj_begin(&o->json, "attribution");
		vs_json_u64(&o->json, "events", at->events);
		if (lost >= 0)
			vs_json_u64(&o->json, "lost", (uint64_t)lost);
		else
			vs_json_null(&o->json, "lost");
		vs_json_u64(&o->json, "unattributed", at->unknown);
		if (counted_ok)
			vs_json_u64(&o->json, "counted", counted);
		else
			vs_json_null(&o->json, "counted");
	} else {
		printf("\nrecorded %llu user-mode page faults (%s:%s), lost %lld; "
		       "/proc counted %llu faults in the same time\n",
		       (unsigned long long)at->events, "exceptions",
		       "page_fault_user", lost,
		       (unsigned long long)counted);
	}
	for (size_t k = 0; k < sizeof(views) / sizeof(*views); k++) {
		struct table *tb = views[k].t;
		struct vs_table *t;

		table_sort(tb);
		if (o->fmt != VS_OUT_JSON)
			putchar('\n');
		if (vs_table_new(o, views[k].key, mcols, 10, views[k].sel,
				 views[k].n, &t, &e) < 0) {
			cmd_warn_err(&e);
			return VS_EXIT_FAILURE;
		}
		for (size_t i = 0; i < tb->n && i < top; i++) {
			const struct ent *x = &tb->e[i];

			vs_table_row(t);
			vs_table_u64(t, 0, (uint64_t)x->tgid);
			if (k == 0 && x->a == 0 && x->b == 0) {
				vs_table_null(t, 1);
				vs_table_null(t, 2);
			} else {
				vs_table_u64(t, 1, x->a);
				vs_table_u64(t, 2, x->b);
			}
			vs_table_str(t, 3, x->perms);
			vs_table_u64(t, 4, x->count);
			vs_table_double(t, 5, at->events ? 100.0 *
					(double)x->count / (double)at->events :
					0, 1);
			vs_table_str(t, 6, x->name && *x->name ? x->name :
				     "[anon]");
			vs_table_u64(t, 7, x->a);
			vs_table_u64(t, 8, x->a);
			vs_table_u64(t, 9, x->off);
		}
		if (vs_table_end(t) < 0)
			return VS_EXIT_FAILURE;
	}
	if (o->fmt == VS_OUT_JSON)
		vs_json_obj_end(&o->json);
	return VS_EXIT_OK;
}

/* ---- main ------------------------------------------------------------ */

static int start_trace(const int *pids, size_t n)
{
	static const struct vs_trace_spec spec = {
		"exceptions", "page_fault_user", NULL
	};
	struct vs_trace_opts opts = { pids, n, true };
	struct vs_err e;
	int r;

	r = vs_trace_start_opts(&spec, 1, 8192, &opts, &trace, &e);
	if (r == -ENOENT && geteuid() != 0) {
		/* tracefs shows its events to root only. */
		cmd_warn("cannot read the tracepoint exceptions:page_fault_user "
			 "in tracefs: permission denied");
		fprintf(stderr, "hint: --attribute needs root (tracefs is "
			"readable by root only)\n");
		return VS_EXIT_PERMISSION;
	}
	if (r < 0) {
		cmd_warn_err(&e);
		if ((r == -EACCES || r == -EPERM) && !e.hint[0])
			fprintf(stderr, "hint: --attribute needs root\n");
		return cmd_status_of_errno(r);
	}
	if (vs_trace_mounted_here(trace))
		cmd_warn("mounted tracefs at /sys/kernel/tracing");
	return VS_EXIT_OK;
}

/* All thread ids of the targets, for the trace's pid list. */
static size_t collect_tids(struct target *g, size_t n, int **out)
{
	size_t k = 0, cap = 16;
	int *t = malloc(cap * sizeof(int));

	if (!t)
		cmd_die(VS_EXIT_FAILURE, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (g[i].gone)
			continue;
		for (size_t j = 0; j <= g[i].base.nthreads; j++) {
			if (k == cap) {
				cap *= 2;
				t = realloc(t, cap * sizeof(int));
				if (!t)
					cmd_die(VS_EXIT_FAILURE, "out of memory");
			}
			t[k++] = j == g[i].base.nthreads ? g[i].pid :
				 g[i].base.threads[j].tid;
		}
	}
	*out = t;
	return k;
}

static void check_write(struct vs_out *o)
{
	if (o->fmt == VS_OUT_JSON) {
		int r = vs_json_finish(&o->json);

		if (r == -EPIPE)
			die_pipe();
	}
	if (fflush(stdout) != 0 && errno == EPIPE)
		die_pipe();
}

/* vmfault -- COMMAND: run it, held before exec until the trace is on. */
static int run_command(char **argv, struct vs_out *o, struct vs_root *root,
		       bool attribute, unsigned top)
{
	static struct attrib at;
	struct target g = { 0 };
	int go[2], err[2], status = 0, ex;
	struct rusage ru;
	double t0, secs;
	pid_t pid;
	ssize_t n;
	char c = 'g';
	struct vs_err e;
	struct vs_table *t;

	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
		cmd_die(VS_EXIT_FAILURE, "cannot create a pipe: %s",
			strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		cmd_die(VS_EXIT_FAILURE, "cannot fork: %s", strerror(errno));
	if (pid == 0) {
		int no;

		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		close(go[1]);
		close(err[0]);
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		execvp(argv[0], argv);
		no = errno;
		if (write(err[1], &no, sizeof(no)) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(err[1]);
	at.root = root;
	g.pid = pid;
	ex = VS_EXIT_OK;
	if (attribute)
		ex = start_trace(&g.pid, 1);
	if (ex != VS_EXIT_OK) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		trace_cleanup();
		return ex;
	}
	if (vs_faults_read(root, pid, &g.f0, &e) < 0)
		cmd_warn_err(&e);
	t0 = mono();
	if (write(go[1], &c, 1) != 1)
		cmd_warn("cannot start '%s': %s", argv[0], strerror(errno));
	close(go[1]);
	n = read(err[0], &ex, sizeof(ex));
	close(err[0]);
	if (n == (ssize_t)sizeof(ex)) {
		waitpid(pid, NULL, 0);
		trace_cleanup();
		vs_faults_release(&g.f0);
		cmd_warn("cannot run '%s': %s", argv[0], strerror(ex));
		return ex == ENOENT ? 127 : 126;
	}
	/* Wait for the exit, leaving the child a zombie so that its stat is
	 * still there to read. */
	for (int forwarded = 0;;) {
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT | WNOHANG)
		    == 0 && si.si_pid == pid)
			break;
		if (cmd_interrupted() && !forwarded) {
			kill(pid, SIGTERM);
			forwarded = 1;
		}
		drain(&at);
		{
			struct timespec ts = { 0, 50 * 1000000L };

			nanosleep(&ts, NULL);
		}
	}
	secs = mono() - t0;
	if (vs_faults_read(root, pid, &g.f1, &e) < 0)
		cmd_warn_err(&e);
	drain(&at);
	if (wait4(pid, &status, 0, &ru) < 0)
		memset(&ru, 0, sizeof(ru));

	if (o->fmt == VS_OUT_JSON) {
		vs_json_obj_begin(&o->json, NULL);
		vs_json_obj_begin(&o->json, "vmfault");
		vs_json_arr_begin(&o->json, "samples");
		vs_json_obj_begin(&o->json, NULL);
		vs_json_u64(&o->json, "sample", 1);
		vs_json_double(&o->json, "seconds", secs, 3);
	} else if (!o->noheadings) {
		printf("%s: %.3f s, exit status %d\n", argv[0], secs,
		       WIFEXITED(status) ? WEXITSTATUS(status) :
		       128 + WTERMSIG(status));
	}
	if (vs_table_new(o, "rows", cols, C__COUNT, (const int[]){ 0, 1, 2, 3,
			 4, 5, 6, 7 }, C__COUNT, &t, &e) < 0)
		cmd_die(VS_EXIT_FAILURE, "%s", e.msg);
	put_target(t, &g, secs);
	vs_table_end(t);
	if (o->fmt == VS_OUT_JSON) {
		vs_json_obj_end(&o->json);
		vs_json_arr_end(&o->json);
		vs_json_obj_begin(&o->json, "command");
		vs_json_str(&o->json, "argv0", argv[0]);
		vs_json_u64(&o->json, "pid", (uint64_t)pid);
		vs_json_i64(&o->json, "exit_status", WIFEXITED(status) ?
			    WEXITSTATUS(status) : 128 + WTERMSIG(status));
		vs_json_u64(&o->json, "rusage_minflt", (uint64_t)ru.ru_minflt);
		vs_json_u64(&o->json, "rusage_majflt", (uint64_t)ru.ru_majflt);
		vs_json_obj_end(&o->json);
	} else if (!o->noheadings) {
		printf("wait4 rusage (the command and its children, from fork): "
		       "%ld minor, %ld major faults\n", ru.ru_minflt,
		       ru.ru_majflt);
	}
	if (trace) {
		uint64_t d = sub(g.f1.minflt + g.f1.majflt + g.f1.cminflt +
				 g.f1.cmajflt, g.f0.minflt + g.f0.majflt +
				 g.f0.cminflt + g.f0.cmajflt);

		put_attrib(o, &at, top, d, true);
	}
	if (o->fmt == VS_OUT_JSON) {
		vs_json_obj_end(&o->json);
		vs_json_obj_end(&o->json);
	}
	check_write(o);
	trace_cleanup();
	table_free(&at.maps);
	table_free(&at.pages);
	table_free(&at.code);
	vs_faults_release(&g.f0);
	vs_faults_release(&g.f1);
	if (cmd_interrupted())
		die_signal();
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Free the @n targets @g and what their readings hold. */
static void free_groups(struct target *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		vs_faults_release(&g[i].f0);
		vs_faults_release(&g[i].f1);
		vs_faults_release(&g[i].base);
	}
	free(g);
}

int main(int argc, char **argv)
{
	static struct attrib at;
	static struct vs_out out;
	uint64_t interval_ms = 1000, count = 1, top = 10;
	struct cmd_outopts oo = { 0 };
	bool attribute = false;
	bool interval_set = false, count_set = false;
	struct cmd_status status = { 0 };
	struct target *g;
	struct vs_root *root;
	struct vs_err e;
	size_t ng = 0;
	int c, *tids;

	cmd_init("vmfault");
	while ((c = getopt_long(argc, argv, "+i:n:aN:JhV", longopts, NULL))
	       != -1) {
		switch (c) {
		case 'i':
			if (vs_parse_seconds(optarg, &interval_ms) < 0 ||
			    interval_ms < 10 || interval_ms > 86400000)
				cmd_usage_error("invalid interval '%s' (seconds, "
						"from 0.01 to 86400)", optarg);
			interval_set = true;
			break;
		case 'n':
			if (vs_parse_u64(optarg, 10, &count) < 0 || count < 1)
				cmd_usage_error("invalid count '%s'", optarg);
			count_set = true;
			break;
		case 'a': attribute = true; break;
		case 'N':
			if (vs_parse_u64(optarg, 10, &top) < 0 || top < 1 ||
			    top > 1000000)
				cmd_usage_error("invalid number of rows '%s'",
						optarg);
			break;
		case 'h': usage();
		default: cmd_outopts_parse(&oo, c, optarg);
		}
	}
	cmd_outopts_done(&oo, &out);
	if (optind >= argc)
		cmd_usage_error("no process id or command given");
	if (vs_root_new(NULL, &root, &e) < 0) {
		cmd_warn_err(&e);
		return VS_EXIT_FAILURE;
	}
	cmd_signals_init();
	/* A closed pipe must not kill us with the trace instance in place. */
	signal(SIGPIPE, SIG_IGN);

	if (!strcmp(argv[optind - 1], "--")) {
		if (interval_set || count_set)
			cmd_usage_error("-i and -n count processes by PID; a "
					"COMMAND is counted over its whole run");
		int r = run_command(argv + optind, &out, root, attribute,
				    (unsigned)top);

		vs_root_unref(root);
		return r;
	}

	g = calloc((size_t)(argc - optind), sizeof(*g));
	if (!g)
		cmd_die(VS_EXIT_FAILURE, "out of memory");
	for (int i = optind; i < argc; i++) {
		uint64_t v;

		if (vs_parse_u64(argv[i], 10, &v) < 0 || v < 1 ||
		    v > 0x7fffffff)
			cmd_usage_error("invalid process id '%s' (a command "
					"goes after --)", argv[i]);
		g[ng++].pid = (int)v;
	}
	at.root = root;
	for (size_t i = 0; i < ng; i++) {
		int r = vs_faults_read(root, g[i].pid, &g[i].base, &e);

		/* A zombie faults no more: nothing to count (vs_proc.h). A
		 * zombie leader's live threads still fault, under its PID. */
		if (r == 0) {
			struct vs_stat st = { .state = g[i].base.state };
			pid_t mm;

			r = vs_proc_mm_pid(root, g[i].pid, &st, &mm, &e);
		}
		if (r < 0) {
			cmd_warn_err(&e);
			cmd_status_add(&status, cmd_status_of_errno(r));
			g[i].gone = true;
		}
	}
	if (attribute) {
		size_t nt = collect_tids(g, ng, &tids);
		int r = nt ? start_trace(tids, nt) : VS_EXIT_OK;

		free(tids);
		if (r != VS_EXIT_OK) {
			free_groups(g, ng);
			vs_root_unref(root);
			return r;
		}
		/* Count from now on: the trace is recording. */
		for (size_t i = 0; i < ng; i++)
			if (!g[i].gone && vs_faults_read(root, g[i].pid,
							 &g[i].base, &e) < 0)
				g[i].gone = true;
	}
	if (oo.json) {
		vs_json_obj_begin(&out.json, NULL);
		vs_json_obj_begin(&out.json, "vmfault");
		vs_json_arr_begin(&out.json, "samples");
	}
	{
		double t0 = mono(), tprev = t0;
		uint64_t counted = 0;

		for (size_t i = 0; i < ng; i++) {
			g[i].f0 = g[i].base;
			memset(&g[i].base, 0, sizeof(g[i].base));
		}
		for (uint64_t s = 1; s <= count; s++) {
			struct vs_table *t;
			double now, secs;

			if (!wait_ms(&at, interval_ms))
				break;
			now = mono();
			secs = now - tprev;
			tprev = now;
			if (oo.json) {
				vs_json_obj_begin(&out.json, NULL);
				vs_json_u64(&out.json, "sample", s);
				vs_json_double(&out.json, "seconds", secs, 3);
			} else if (!oo.noheadings) {
				if (s > 1)
					putchar('\n');
				printf("sample %llu: %.3f s\n",
				       (unsigned long long)s, secs);
			}
			if (vs_table_new(&out, "rows", cols, C__COUNT,
					 (const int[]){ 0, 1, 2, 3, 4, 5, 6, 7 },
					 C__COUNT, &t, &e) < 0)
				cmd_die(VS_EXIT_FAILURE, "%s", e.msg);
			for (size_t i = 0; i < ng; i++) {
				int r;

				if (g[i].gone)
					continue;
				r = vs_faults_read(root, g[i].pid, &g[i].f1, &e);
				if (r < 0) {
					if (r == -ESRCH)
						cmd_warn("process %d exited",
							 g[i].pid);
					else
						cmd_warn_err(&e);
					cmd_status_add(&status,
						       cmd_status_of_errno(r));
					g[i].gone = true;
					continue;
				}
				put_target(t, &g[i], secs);
				counted += sub(g[i].f1.minflt + g[i].f1.majflt +
					       g[i].f1.cminflt + g[i].f1.cmajflt,
					       g[i].f0.minflt + g[i].f0.majflt +
					       g[i].f0.cminflt + g[i].f0.cmajflt);
				{
					struct vs_faults x = g[i].f0;

					g[i].f0 = g[i].f1;
					g[i].f1 = x;
				}
			}
			if (vs_table_end(t) == -EPIPE)
				die_pipe();
			if (oo.json)
				vs_json_obj_end(&out.json);
			if (!oo.json && fflush(stdout) != 0 && errno == EPIPE)
				die_pipe();
		}
		if (oo.json)
			vs_json_arr_end(&out.json);
		if (trace) {
			drain(&at);
			put_attrib(&out, &at, (unsigned)top, counted, true);
		}
		if (oo.json) {
			vs_json_obj_end(&out.json);
			vs_json_obj_end(&out.json);
		}
		check_write(&out);
	}
	trace_cleanup();
	if (cmd_interrupted())
		die_signal();
	table_free(&at.maps);
	table_free(&at.pages);
	table_free(&at.code);
	free_groups(g, ng);
	vs_root_unref(root);
	return status.status;
}
