/* measure.c - vmtlb's measurements over a duration: TLB shootdown
 * interrupts per CPU, the tlb:tlb_flush tracepoint by reason, CPU and
 * process, and hardware TLB misses.
 *
 * The order makes the two kernel counts comparable: the interrupts are
 * read before the trace starts and again after it is drained, so every
 * traced event lies in the window of the interrupt counts. On x86 the
 * kernel counts a "TLB" interrupt on entry to each remote flush request
 * and traces "remote shootdown" only when that request flushed (not when
 * the CPU had switched to another address space, was in lazy TLB mode, or
 * was up to date already): per CPU, traced remote shootdowns <= TLB
 * interrupts in the same window.
 *
 * vmscope.ko's per-CPU counts of the same tracepoint are read before the
 * trace starts and after it is drained: over an interval, the module's
 * count of each CPU and reason is at least the trace's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "vmtlb.h"
#include "vs_irq.h"
#include "vs_proc.h"
#include "vs_source.h"
#include "vs_trace.h"

/* The kernel's reasons (enum tlb_flush_reason); names of newer ones come
 * from the event's print format, as libtraceevent renders it. */
static const char *const reason_key[REASONS_MAX] = {
	"task_switch", "remote_shootdown", "local_shootdown",
	"local_mm_shootdown", "remote_ipi_send", "remote_wrong_cpu",
	"reason_6", "other",
};
static const char *const reason_col[REASONS_MAX] = {
	"TASK_SWITCH", "REMOTE", "LOCAL", "LOCAL_MM", "SEND_IPI", "WRONG_CPU",
	"REASON_6", "OTHER",
};

/* Counts of one thread. */
struct tid_counts {
	int tid;			/* 0: free slot */
	uint64_t n[REASONS_MAX];
};

struct measure {
	struct vs_irqs irq0;		/* at the start of the interval */
	double t0;
	/* the trace */
	struct vs_trace *trace;
	char trace_msg[1300];		/* why there is none */
	char reason_name[REASONS_MAX][48];
	uint64_t events[REASONS_MAX];	/* per reason, this interval */
	uint64_t full[REASONS_MAX];	/* of which whole-TLB flushes */
	uint64_t pages[REASONS_MAX];	/* pages of the others */
	uint64_t *cpu_events;		/* [cpu][REASONS_MAX] */
	int ncpus;
	struct tid_counts *tids;	/* open addressing by tid */
	size_t tcap, tn;
	long long lost;
	/* hardware counters: per process (one per PID argument) or one for
	 * every CPU */
	size_t nperf;			/* 1 (system) or npids */
	pid_t *perf_pid;		/* -1 for the system */
	struct vs_perf **perf;		/* [nperf][VS_PERF__COUNT] */
	uint64_t *perf_prev, *perf_delta;
	bool *perf_ok;
	bool perf_scaled;
	int perf_err;			/* 0, or why there are none */
	char perf_msg[1300];
	/* vmscope.ko's per-CPU state at the start of the interval */
	struct vs_km_tlb *km0;
};

static struct measure *active;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void measure_cleanup(void)
{
	if (active && active->trace) {
		vs_trace_stop(active->trace);
		active->trace = NULL;
	}
}

/* ---- threads ---------------------------------------------------------- */

static struct tid_counts *tid_slot(struct measure *m, int tid)
{
	size_t i;

	if (m->tn * 2 >= m->tcap) {
		size_t ncap = m->tcap ? m->tcap * 2 : 1024;
		struct tid_counts *nt = calloc(ncap, sizeof(*nt));

		if (!nt)
			return NULL;
		for (size_t k = 0; k < m->tcap; k++) {
			if (!m->tids[k].tid)
				continue;
			i = (size_t)m->tids[k].tid * 2654435761u & (ncap - 1);
			while (nt[i].tid)
				i = (i + 1) & (ncap - 1);
			nt[i] = m->tids[k];
		}
		free(m->tids);
		m->tids = nt;
		m->tcap = ncap;
	}
	i = (size_t)tid * 2654435761u & (m->tcap - 1);
	while (m->tids[i].tid && m->tids[i].tid != tid)
		i = (i + 1) & (m->tcap - 1);
	if (!m->tids[i].tid) {
		m->tids[i].tid = tid;
		m->tn++;
	}
	return &m->tids[i];
}

/* ---- the trace -------------------------------------------------------- */

static const struct vs_trace_spec tlb_spec = { "tlb", "tlb_flush", NULL };

static int on_event(void *arg, const struct vs_trace_rec *r)
{
	struct measure *m = arg;
	uint64_t reason = 0, pages = 0;
	unsigned k;

	if (vs_trace_field(m->trace, r, "reason", &reason) < 0)
		reason = REASONS_MAX - 1;
	vs_trace_field(m->trace, r, "pages", &pages);
	k = reason < REASONS_MAX - 1 ? (unsigned)reason : REASONS_MAX - 1;
	if (!m->reason_name[k][0] && k < REASONS_MAX - 1) {
		/* "pages:-1 reason:remote shootdown (1)" */
		char info[256], *p, *q;

		vs_trace_info(m->trace, r, info, sizeof(info));
		p = strstr(info, "reason:");
		q = p ? strrchr(p, '(') : NULL;
		if (p && q && q > p + 8) {
			while (q > p + 7 && q[-1] == ' ')
				q--;
			snprintf(m->reason_name[k], sizeof(m->reason_name[k]),
				 "%.*s", (int)(q - p - 7), p + 7);
		}
	}
	m->events[k]++;
	if (pages == UINT64_MAX || (int64_t)pages < 0)
		m->full[k]++;
	else
		m->pages[k] += pages;
	if (r->cpu >= 0 && r->cpu < m->ncpus)
		m->cpu_events[(size_t)r->cpu * REASONS_MAX + k]++;
	if (r->pid > 0) {
		struct tid_counts *t = tid_slot(m, r->pid);

		if (t)
			t->n[k]++;
	}
	return 0;
}

/* ---- start ------------------------------------------------------------ */

static int perf_start(const struct opts *o, struct vs_root *root,
		      struct measure *m)
{
	struct vs_err e;

	m->nperf = o->npids ? o->npids : 1;
	m->perf_pid = calloc(m->nperf, sizeof(*m->perf_pid));
	m->perf = calloc(m->nperf * VS_PERF__COUNT, sizeof(*m->perf));
	m->perf_prev = calloc(m->nperf * VS_PERF__COUNT, sizeof(uint64_t));
	m->perf_delta = calloc(m->nperf * VS_PERF__COUNT, sizeof(uint64_t));
	m->perf_ok = calloc(m->nperf * VS_PERF__COUNT, sizeof(bool));
	if (!m->perf_pid || !m->perf || !m->perf_prev || !m->perf_delta ||
	    !m->perf_ok)
		return -ENOMEM;
	for (size_t i = 0; i < m->nperf; i++) {
		m->perf_pid[i] = o->npids ? o->pids[i] : -1;
		for (int ev = 0; ev < VS_PERF__COUNT; ev++) {
			size_t k = i * VS_PERF__COUNT + (size_t)ev;
			int r = vs_perf_open(root, m->perf_pid[i],
					     (enum vs_perf_ev)ev, &m->perf[k], &e);

			if (r == -ESRCH)
				continue;	/* the process is said missing */
			if (r < 0) {
				/* The first reason stands for all. */
				if (!m->perf_err) {
					m->perf_err = r;
					snprintf(m->perf_msg, sizeof(m->perf_msg),
						 "%s%s%s", e.msg, e.hint[0] ?
						 "; " : "", e.hint);
					cmd_warn_err(&e);
				}
				continue;
			}
			m->perf_ok[k] = true;
		}
	}
	return 0;
}

struct measure *measure_start(const struct opts *o, struct vs_root *root,
			      int *status)
{
	struct measure *m = calloc(1, sizeof(*m));
	struct vs_err e;
	int r;

	*status = VS_EXIT_OK;
	if (!m) {
		*status = VS_EXIT_FAILURE;
		return NULL;
	}
	active = m;
	m->ncpus = (int)sysconf(_SC_NPROCESSORS_CONF);
	if (m->ncpus < 1)
		m->ncpus = 1;
	m->cpu_events = calloc((size_t)m->ncpus * REASONS_MAX, sizeof(uint64_t));
	if (!m->cpu_events) {
		*status = VS_EXIT_FAILURE;
		measure_stop(m);
		return NULL;
	}
	/* The interrupts first: the trace window lies inside theirs. */
	r = vs_interrupts_read(root, "TLB", &m->irq0, &e);
	if (r == 0 && !vs_irqs_row(&m->irq0, "TLB")) {
		char full[4096];

		r = vs_err_set(&e, ENOENT, "'%s' has no TLB row (not an x86 "
			       "kernel?)", vs_root_path(root, "/proc/interrupts",
							full, sizeof(full)));
	}
	if (r < 0) {
		cmd_warn_err(&e);
		*status = cmd_status_of_errno(r);
		measure_stop(m);
		return NULL;
	}
	/* The module's counts before the trace: its window holds the
	 * trace's. */
	m->km0 = state_read(o);
	if (o->trace && vs_root_is_live(root)) {
		r = vs_trace_start(&tlb_spec, 1, 4096, &m->trace, &e);
		if (r < 0) {
			snprintf(m->trace_msg, sizeof(m->trace_msg), "%s%s%s",
				 e.msg, e.hint[0] ? "; " : "", e.hint);
			cmd_warn("tlb:tlb_flush not traced: %s", e.msg);
			if (e.hint[0])
				fprintf(stderr, "hint: %s\n", e.hint);
			/* The rest is shown; the exit status says that
			 * what was asked for was refused. */
			if (r == -EACCES || r == -EPERM)
				*status = VS_EXIT_PERMISSION;
		} else if (vs_trace_mounted_here(m->trace)) {
			cmd_warn("mounted tracefs at /sys/kernel/tracing");
		}
	} else if (o->trace) {
		snprintf(m->trace_msg, sizeof(m->trace_msg), "not traced: "
			 "--sysroot is not the live system");
	} else {
		snprintf(m->trace_msg, sizeof(m->trace_msg), "not traced: "
			 "--no-trace");
	}
	if (o->perf && vs_root_is_live(root)) {
		if (perf_start(o, root, m) < 0) {
			*status = VS_EXIT_FAILURE;
			measure_stop(m);
			return NULL;
		}
	} else {
		m->perf_err = -ECANCELED;
		snprintf(m->perf_msg, sizeof(m->perf_msg), "not counted: %s",
			 o->perf ? "--sysroot is not the live system" :
			 "--no-perf");
	}
	m->t0 = now();
	return m;
}

/* ---- one interval ----------------------------------------------------- */

static void reset_counts(struct measure *m)
{
	memset(m->events, 0, sizeof(m->events));
	memset(m->full, 0, sizeof(m->full));
	memset(m->pages, 0, sizeof(m->pages));
	memset(m->cpu_events, 0, (size_t)m->ncpus * REASONS_MAX *
	       sizeof(uint64_t));
	if (m->tids)
		memset(m->tids, 0, m->tcap * sizeof(*m->tids));
	m->tn = 0;
}

static const char *reason_name(const struct measure *m, unsigned k)
{
	static const char *const fallback[REASONS_MAX] = {
		"flush on task switch", "remote shootdown", "local shootdown",
		"local MM shootdown", "remote IPI send", "remote wrong CPU",
		"reason 6", "other reasons",
	};

	return m->reason_name[k][0] ? m->reason_name[k] : fallback[k];
}

static void shootdowns(const struct opts *o, struct vs_root *root,
		       struct measure *m, const struct vs_irqs *irq1,
		       double secs)
{
	static const struct vs_col cols[] = {
		{ "CPU", "cpu", VS_COL_NUM, 0, VS_COLF_RIGHT, "CPU" },
		{ "SHOOTDOWNS", "count", VS_COL_NUM, 0, VS_COLF_RIGHT,
		  "TLB shootdown interrupts received since boot" },
		{ "DELTA", "delta", VS_COL_NUM, 0, VS_COLF_RIGHT,
		  "received in the interval" },
		{ "RATE", "rate", VS_COL_FLOAT, 0, VS_COLF_RIGHT,
		  "per second in the interval" },
		{ "TRACED_REMOTE", "traced_remote", VS_COL_NUM, 0,
		  VS_COLF_RIGHT, "tlb_flush 'remote shootdown' events on the CPU" },
	};
	static const int sel[] = { 0, 1, 2, 3, 4 };
	const struct vs_irq_row *a = vs_irqs_row(&m->irq0, "TLB");
	const struct vs_irq_row *b = vs_irqs_row(irq1, "TLB");
	struct vs_out *out = o->out;
	uint64_t total = 0;
	struct vs_table *t;
	struct vs_err e;

	for (unsigned i = 0; b && i < b->n; i++)
		total += b->counts[i] - (a && i < a->n ? a->counts[i] : 0);
	if (out->fmt == VS_OUT_JSON) {
		vs_json_obj_begin(&out->json, "shootdowns");
		vs_json_str(&out->json, "source", "interrupts");
	} else {
		fprintf(out->f, "\nTLB shootdowns (/proc/interrupts) over %.2f s: "
			"%llu (%.1f/s)\n", secs, (unsigned long long)total,
			secs > 0 ? (double)total / secs : 0.0);
	}
	vs_out_u64(out, "delta", NULL, total);
	vs_out_double(out, "rate", NULL, secs > 0 ? (double)total / secs : 0, 1);
	{
		struct ipi_causes ic;

		ipi_causes_read(root, irq1->ncpus, &ic);
		ipi_causes_show(o, &ic, total, m->trace != NULL,
				m->events[4]);	/* remote IPI send */
	}
	if (vs_table_new(out, "cpus", cols, 5, sel, 5, &t, &e) < 0) {
		cmd_warn_err(&e);
		return;
	}
	for (unsigned i = 0; b && i < b->n && i < irq1->ncpus; i++) {
		uint64_t d = b->counts[i] - (a && i < a->n ? a->counts[i] : 0);
		int cpu = irq1->cpu[i];

		vs_table_row(t);
		vs_table_u64(t, 0, (uint64_t)cpu);
		vs_table_u64(t, 1, b->counts[i]);
		vs_table_u64(t, 2, d);
		vs_table_double(t, 3, secs > 0 ? (double)d / secs : 0, 1);
		if (m->trace && cpu < m->ncpus)
			vs_table_u64(t, 4, m->cpu_events[(size_t)cpu *
							 REASONS_MAX + 1]);
		else
			vs_table_null(t, 4);
	}
	if (vs_table_end(t) == -EPIPE)
		closed_pipe();
	if (out->fmt == VS_OUT_JSON)
		vs_json_obj_end(&out->json);
}

/* Processes by tlb_flush events: threads summed into their process. */
struct proc_counts {
	int pid;
	char comm[64];
	uint64_t n[REASONS_MAX], total;
};

static int proc_cmp(const void *a, const void *b)
{
	const struct proc_counts *x = a, *y = b;

	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	return x->pid - y->pid;
}

static void tlb_flush(const struct opts *o, struct vs_root *root,
		      struct measure *m, double secs)
{
	static const struct vs_col rcols[] = {
		{ "REASON", "reason", VS_COL_STR, 0, 0, "why the TLB was flushed" },
		{ "CODE", "code", VS_COL_NUM, 0, VS_COLF_RIGHT,
		  "the kernel's enum tlb_flush_reason" },
		{ "EVENTS", "events", VS_COL_NUM, 0, VS_COLF_RIGHT, "events" },
		{ "RATE", "rate", VS_COL_FLOAT, 0, VS_COLF_RIGHT, "per second" },
		{ "FULL", "full_flushes", VS_COL_NUM, 0, VS_COLF_RIGHT,
		  "events that flushed the whole TLB" },
		{ "PAGES", "pages", VS_COL_NUM, 0, VS_COLF_RIGHT,
		  "pages flushed one by one by the others" },
	};
	static const int rsel[] = { 0, 1, 2, 3, 4, 5 };
	struct vs_col pcols[3 + REASONS_MAX];
	int psel[3 + REASONS_MAX];
	struct vs_out *out = o->out;
	struct proc_counts *procs = NULL;
	size_t nprocs = 0, shown;
	struct vs_table *t;
	struct vs_err e;

	if (out->fmt == VS_OUT_JSON) {
		if (!m->trace) {
			vs_json_null(&out->json, "tlb_flush");
			vs_json_str(&out->json, "tlb_flush_error", m->trace_msg);
			return;
		}
		vs_json_obj_begin(&out->json, "tlb_flush");
		vs_json_str(&out->json, "source", "tracepoint");
		vs_json_str(&out->json, "event", "tlb:tlb_flush");
		vs_json_str(&out->json, "instance", vs_trace_name(m->trace));
		if (m->lost >= 0)
			vs_json_i64(&out->json, "lost", m->lost);
		else
			vs_json_null(&out->json, "lost");
	} else {
		if (!m->trace)
			return;		/* said on stderr at the start */
		fprintf(out->f, "\ntlb:tlb_flush over %.2f s (tracepoint, instance "
			"%s, %lld lost)\n", secs, vs_trace_name(m->trace),
			m->lost);
	}
	if (vs_table_new(out, "reasons", rcols, 6, rsel, 6, &t, &e) < 0) {
		cmd_warn_err(&e);
		return;
	}
	for (unsigned k = 0; k < REASONS_MAX; k++) {
		if (!m->events[k] && k >= 5)
			continue;
		vs_table_row(t);
		vs_table_str(t, 0, reason_name(m, k));
		if (k < REASONS_MAX - 1)
			vs_table_u64(t, 1, k);
		else
			vs_table_null(t, 1);
		vs_table_u64(t, 2, m->events[k]);
		vs_table_double(t, 3, secs > 0 ? (double)m->events[k] / secs : 0, 1);
		vs_table_u64(t, 4, m->full[k]);
		vs_table_u64(t, 5, m->pages[k]);
	}
	if (vs_table_end(t) == -EPIPE)
		closed_pipe();

	/* Per CPU (JSON only: text shows the remote ones beside the
	 * interrupts). */
	if (out->fmt == VS_OUT_JSON) {
		vs_json_arr_begin(&out->json, "cpus");
		for (int c = 0; c < m->ncpus; c++) {
			vs_json_obj_begin(&out->json, NULL);
			vs_json_u64(&out->json, "cpu", (uint64_t)c);
			for (unsigned k = 0; k < REASONS_MAX; k++)
				vs_json_u64(&out->json, reason_key[k],
					    m->cpu_events[(size_t)c * REASONS_MAX + k]);
			vs_json_obj_end(&out->json);
		}
		vs_json_arr_end(&out->json);
	}

	/* Per process: the thread's process (Tgid) and name. */
	for (size_t i = 0; i < m->tcap; i++) {
		const struct tid_counts *tc = &m->tids[i];
		struct vs_status st;
		struct proc_counts *p = NULL;
		int pid = tc->tid;
		char comm[64] = "?";

		if (!tc->tid)
			continue;
		if (vs_status_read(root, tc->tid, &st, NULL) == 0) {
			if (vs_status_has(&st, VS_ST_TGID) && st.tgid > 0)
				pid = st.tgid;
			snprintf(comm, sizeof(comm), "%s", st.name);
		}
		for (size_t k = 0; k < nprocs; k++)
			if (procs[k].pid == pid)
				p = &procs[k];
		if (!p) {
			struct proc_counts *np = realloc(procs, (nprocs + 1) *
							 sizeof(*np));

			if (!np)
				break;
			procs = np;
			p = &procs[nprocs++];
			memset(p, 0, sizeof(*p));
			p->pid = pid;
			snprintf(p->comm, sizeof(p->comm), "%s", comm);
		}
		for (unsigned k = 0; k < REASONS_MAX; k++) {
			p->n[k] += tc->n[k];
			p->total += tc->n[k];
		}
	}
	if (nprocs)
		qsort(procs, nprocs, sizeof(*procs), proc_cmp);
	shown = o->top && o->top < nprocs ? o->top : nprocs;
	pcols[0] = (struct vs_col){ "PID", "pid", VS_COL_NUM, 0, VS_COLF_RIGHT,
		"process (thread group) whose thread was on the CPU" };
	pcols[1] = (struct vs_col){ "COMM", "comm", VS_COL_STR, 0, VS_COLF_TRUNC,
		"its name (? when it exited)" };
	pcols[2] = (struct vs_col){ "EVENTS", "events", VS_COL_NUM, 0,
		VS_COLF_RIGHT, "tlb_flush events" };
	for (unsigned k = 0; k < REASONS_MAX; k++)
		pcols[3 + k] = (struct vs_col){ reason_col[k], reason_key[k],
			VS_COL_NUM, 0, VS_COLF_RIGHT, "events of this reason" };
	for (int k = 0; k < 3 + REASONS_MAX; k++)
		psel[k] = k;
	if (out->fmt != VS_OUT_JSON)
		fputc('\n', out->f);
	if (vs_table_new(out, "processes", pcols, 3 + REASONS_MAX, psel,
			 out->fmt == VS_OUT_JSON ? 3 + REASONS_MAX : 3 + 6,
			 &t, &e) < 0) {
		cmd_warn_err(&e);
		free(procs);
		return;
	}
	for (size_t i = 0; i < shown; i++) {
		vs_table_row(t);
		vs_table_u64(t, 0, (uint64_t)procs[i].pid);
		vs_table_str(t, 1, procs[i].comm);
		vs_table_u64(t, 2, procs[i].total);
		for (unsigned k = 0; k < REASONS_MAX; k++)
			vs_table_u64(t, 3 + (int)k, procs[i].n[k]);
	}
	if (vs_table_end(t) == -EPIPE)
		closed_pipe();
	free(procs);
	if (out->fmt == VS_OUT_JSON)
		vs_json_obj_end(&out->json);
}

static void hardware(const struct opts *o, struct measure *m, double secs)
{
	struct vs_out *out = o->out;
	bool any = false;
	uint64_t sum[VS_PERF__COUNT] = { 0 };
	bool have[VS_PERF__COUNT] = { false };

	for (size_t i = 0; i < m->nperf; i++)
		for (int ev = 0; ev < VS_PERF__COUNT; ev++) {
			size_t k = i * VS_PERF__COUNT + (size_t)ev;

			if (!m->perf_ok[k])
				continue;
			any = true;
			have[ev] = true;
			sum[ev] += m->perf_delta[k];
		}
	if (out->fmt == VS_OUT_JSON) {
		vs_json_obj_begin(&out->json, "hardware");
		vs_json_str(&out->json, "source", "perf");
		vs_json_bool(&out->json, "supported",
			     m->perf_err != -EOPNOTSUPP && m->perf_err != -ECANCELED);
		vs_json_str(&out->json, "scope", o->npids ? "processes" :
			    "all CPUs");
		if (m->perf_err)
			vs_json_str(&out->json, "message", m->perf_err == -EOPNOTSUPP ?
				    VS_PERF_UNSUPPORTED : m->perf_msg);
		else
			vs_json_null(&out->json, "message");
		for (int ev = 0; ev < VS_PERF__COUNT; ev++) {
			const char *key = ev == VS_PERF_DTLB_MISS ? "dtlb_misses" :
					  "itlb_misses";

			if (have[ev])
				vs_json_u64(&out->json, key, sum[ev]);
			else
				vs_json_null(&out->json, key);
		}
		vs_json_bool(&out->json, "scaled", m->perf_scaled);
		vs_json_obj_end(&out->json);
		return;
	}
	fprintf(out->f, "\nhardware TLB misses over %.2f s (perf, user space, %s): ",
		secs, o->npids ? "the processes given" : "all CPUs");
	if (!any) {
		fprintf(out->f, "%s\n", m->perf_err == -EOPNOTSUPP ?
			VS_PERF_UNSUPPORTED : m->perf_msg);
		return;
	}
	for (int ev = 0; ev < VS_PERF__COUNT; ev++) {
		if (!have[ev])
			continue;
		fprintf(out->f, "%s%s %llu (%.0f/s)", ev ? ", " : "",
			vs_perf_ev_name[ev], (unsigned long long)sum[ev],
			secs > 0 ? (double)sum[ev] / secs : 0.0);
	}
	fprintf(out->f, "%s\n", m->perf_scaled ? " (scaled: the PMU was shared)" :
		"");
}

int measure_interval(const struct opts *o, struct vs_root *root,
		     struct measure *m)
{
	struct vs_km_tlb *km1;
	struct vs_irqs irq1;
	struct vs_err e;
	double secs;
	int r;

	reset_counts(m);
	if (m->trace) {
		long n = vs_trace_drain(m->trace, on_event, m, &e);

		if (n < 0)
			cmd_warn_err(&e);
		m->lost = vs_trace_lost(m->trace);
	}
	km1 = m->km0 ? state_read(o) : NULL;
	for (size_t k = 0; k < m->nperf * VS_PERF__COUNT; k++) {
		uint64_t v;
		bool scaled;

		if (!m->perf_ok[k])
			continue;
		if (vs_perf_read(m->perf[k], &v, &scaled, &e) < 0) {
			m->perf_ok[k] = false;
			continue;
		}
		m->perf_delta[k] = v - m->perf_prev[k];
		m->perf_prev[k] = v;
		m->perf_scaled |= scaled;
	}
	r = vs_interrupts_read(root, "TLB", &irq1, &e);
	secs = now() - m->t0;
	if (r < 0) {
		vs_km_tlb_free(km1);
		cmd_warn_err(&e);
		return cmd_status_of_errno(r);
	}
	if (o->out->fmt == VS_OUT_JSON)
		vs_json_double(&o->out->json, "duration", secs, 3);
	shootdowns(o, root, m, &irq1, secs);
	tlb_flush(o, root, m, secs);
	hardware(o, m, secs);
	state_show(o, km1, m->km0, secs);
	vs_km_tlb_free(m->km0);
	m->km0 = km1;
	vs_irqs_free(&m->irq0);
	m->irq0 = irq1;
	m->t0 = now();
	return VS_EXIT_OK;
}

bool measure_pid_misses(const struct measure *m, pid_t pid,
			enum vs_perf_ev ev, uint64_t *count)
{
	for (size_t i = 0; m && i < m->nperf; i++) {
		size_t k = i * VS_PERF__COUNT + (size_t)ev;

		if (m->perf_pid[i] == pid && m->perf_ok[k]) {
			*count = m->perf_delta[k];
			return true;
		}
	}
	return false;
}

bool measure_pid_flushes(const struct measure *m, pid_t pid, uint64_t *n)
{
	char path[64];

	if (!m || !m->trace)
		return false;
	*n = 0;
	/* Threads of @pid: those whose /proc/PID/task/TID exists now. */
	for (size_t i = 0; i < m->tcap; i++) {
		if (!m->tids[i].tid)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%d", (int)pid,
			 m->tids[i].tid);
		if (access(path, F_OK) == 0)
			for (unsigned k = 0; k < REASONS_MAX; k++)
				*n += m->tids[i].n[k];
	}
	return true;
}

void measure_stop(struct measure *m)
{
	if (!m)
		return;
	if (m->trace)
		vs_trace_stop(m->trace);
	m->trace = NULL;
	if (active == m)
		active = NULL;
	for (size_t k = 0; m->perf && k < m->nperf * VS_PERF__COUNT; k++)
		vs_perf_close(m->perf[k]);
	vs_irqs_free(&m->irq0);
	vs_km_tlb_free(m->km0);
	free(m->perf);
	free(m->perf_pid);
	free(m->perf_prev);
	free(m->perf_delta);
	free(m->perf_ok);
	free(m->cpu_events);
	free(m->tids);
	free(m);
}
