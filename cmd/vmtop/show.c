/* show.c - the columns of vmtop, the groups (-u, -P), the totals and the
 * system's memory (-t), printed as a table, JSON or OpenMetrics. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "vmtop.h"
#include "vs_om.h"

enum {
	COL_PID, COL_USER, COL_UID, COL_COMMAND, COL_CMDLINE, COL_PROGRAM,
	COL_STATE, COL_START, COL_PROCS,
	COL_FIG,				/* F__COUNT figure columns */
	COL_RATE = COL_FIG + F__COUNT,		/* R__COUNT rate columns */
	COL_AGE = COL_RATE + R__COUNT,
	COL__COUNT
};

#define SZ(name, json, help) { name, json, VS_COL_SIZE, 0, VS_COLF_RIGHT, help }
#define NUM(name, json, help) { name, json, VS_COL_NUM, 0, VS_COLF_RIGHT, help }
#define RATE(name, json, help) { name, json, VS_COL_FLOAT, 0, VS_COLF_RIGHT, help }

const struct vs_col vmtop_cols[COL__COUNT] = {
	[COL_PID] = NUM("PID", "pid", "process id"),
	[COL_USER] = { "USER", "user", VS_COL_STR, 0, 0,
		"effective user (name, or the uid when it has none)" },
	[COL_UID] = NUM("UID", "uid", "effective user id"),
	[COL_COMMAND] = { "COMMAND", "command", VS_COL_STR, 0, 0,
		"the kernel's name of the command (comm)" },
	[COL_CMDLINE] = { "CMDLINE", "cmdline", VS_COL_STR, 0, VS_COLF_TRUNC,
		"the command line" },
	[COL_PROGRAM] = { "PROGRAM", "program", VS_COL_STR, 0, VS_COLF_TRUNC,
		"the executable (its path when readable, else the command name)" },
	[COL_STATE] = { "STATE", "state", VS_COL_STR, 0, 0,
		"process state (R, S, D, T, Z, ...)" },
	[COL_START] = { "START", "start_time", VS_COL_STR, 0, 0,
		"when the process started (UTC, ISO 8601)" },
	[COL_PROCS] = NUM("PROCS", "processes", "processes in the row"),
	[COL_FIG + F_THREADS] = NUM("THREADS", "threads", "threads"),
	[COL_FIG + F_VSZ] = SZ("VSZ", "vsz", "virtual size (as ps vsz)"),
	[COL_FIG + F_RSS] = SZ("RSS", "rss", "resident set size (as ps rss: VmRSS)"),
	[COL_FIG + F_PSS] = SZ("PSS", "pss",
		"proportional set size: shared pages divided among their users"),
	[COL_FIG + F_USS] = SZ("USS", "uss",
		"unique set size: Private_Clean + Private_Dirty"),
	[COL_FIG + F_SWAP] = SZ("SWAP", "swap", "swapped out"),
	[COL_FIG + F_SWAP_PSS] = SZ("SWAP_PSS", "swap_pss",
		"swapped out, shared swap divided among its users"),
	[COL_FIG + F_ANON_RSS] = SZ("ANON_RSS", "anon_rss",
		"resident anonymous memory (Anonymous)"),
	[COL_FIG + F_PSS_ANON] = SZ("ANON", "anon", "PSS of anonymous memory"),
	[COL_FIG + F_PSS_FILE] = SZ("FILE", "file", "PSS of file-backed memory"),
	[COL_FIG + F_PSS_SHMEM] = SZ("SHMEM", "shmem",
		"PSS of shared memory (tmpfs, SysV, shared anonymous)"),
	[COL_FIG + F_ANON_HUGE] = SZ("ANON_HUGE", "anon_huge",
		"anonymous memory in transparent huge pages"),
	[COL_FIG + F_HUGETLB] = SZ("HUGETLB", "hugetlb", "hugetlbfs pages mapped"),
	[COL_FIG + F_MINFLT] = NUM("MINFLT", "minflt",
		"minor page faults since the process started"),
	[COL_FIG + F_MAJFLT] = NUM("MAJFLT", "majflt",
		"major page faults since the process started"),
	[COL_RATE + R_MINFLT] = RATE("MINFLT/S", "minflt_per_s",
		"minor faults per second over the last interval (--watch)"),
	[COL_RATE + R_MAJFLT] = RATE("MAJFLT/S", "majflt_per_s",
		"major faults per second over the last interval (--watch)"),
	[COL_RATE + R_RSS] = RATE("RSS/S", "rss_per_s",
		"change of RSS in bytes per second (--watch)"),
	[COL_RATE + R_PSS] = RATE("PSS/S", "pss_per_s",
		"change of PSS in bytes per second between the last two reads "
		"of the rollup (--watch; unknown when not read in this sample)"),
	[COL_AGE] = RATE("ROLLUP_AGE", "rollup_age",
		"seconds since smaps_rollup was read (PSS, USS, SWAP, ANON, FILE, "
		"SHMEM, ...): 0 when read in this sample; a group's oldest"),
};
const size_t vmtop_ncols = COL__COUNT;

int vmtop_col_index(const char *name)
{
	return vs_col_find(vmtop_cols, COL__COUNT, name);
}

int vmtop_default_cols(enum group g, bool watch, int *sel, size_t max)
{
	int key = g == GROUP_USER ? COL_USER : g == GROUP_PROGRAM ?
		  COL_PROGRAM : COL_PID;
	int def[32], n = 0;

	def[n++] = key;
	if (g == GROUP_NONE)
		def[n++] = COL_USER;
	else
		def[n++] = COL_PROCS;
	def[n++] = COL_FIG + F_THREADS;
	def[n++] = COL_FIG + F_VSZ;
	def[n++] = COL_FIG + F_RSS;
	def[n++] = COL_FIG + F_PSS;
	def[n++] = COL_FIG + F_USS;
	def[n++] = COL_FIG + F_SWAP;
	if (watch) {
		def[n++] = COL_RATE + R_PSS;
		def[n++] = COL_RATE + R_MINFLT;
		def[n++] = COL_RATE + R_MAJFLT;
	} else {
		def[n++] = COL_FIG + F_MINFLT;
		def[n++] = COL_FIG + F_MAJFLT;
	}
	if (g == GROUP_NONE)
		def[n++] = COL_COMMAND;
	if ((size_t)n > max)
		n = (int)max;
	memcpy(sel, def, (size_t)n * sizeof(int));
	return n;
}

/* ---- values ---------------------------------------------------------- */

struct val {
	bool null, is_str, is_dbl;
	uint64_t u;
	double d;
	const char *s;
};

static double boot_time(void)
{
	static double boot;
	struct timespec rt, bt;

	if (!boot) {
		clock_gettime(CLOCK_REALTIME, &rt);
		clock_gettime(CLOCK_BOOTTIME, &bt);
		boot = (double)(rt.tv_sec - bt.tv_sec) +
		       (double)(rt.tv_nsec - bt.tv_nsec) / 1e9;
	}
	return boot;
}

static void value(const struct row *r, int col, struct val *v, char *buf,
		  size_t size)
{
	memset(v, 0, sizeof(*v));
	if (col >= COL_FIG && col < COL_RATE) {
		enum fig f = (enum fig)(col - COL_FIG);

		v->null = !(r->have & (1u << f));
		v->u = r->fig[f];
		return;
	}
	if (col == COL_AGE) {
		v->is_dbl = true;
		v->null = !r->have_age;
		v->d = r->age;
		return;
	}
	if (col >= COL_RATE) {
		enum rate k = (enum rate)(col - COL_RATE);

		v->is_dbl = true;
		v->null = !(r->have_rate & (1u << k));
		v->d = r->rate[k];
		return;
	}
	v->is_str = vmtop_cols[col].type == VS_COL_STR;
	switch (col) {
	case COL_PID:
		v->null = r->pid == 0;
		v->u = (uint64_t)r->pid;
		return;
	case COL_UID:
		v->null = r->key && !r->pid && !r->user[0];
		v->u = r->uid;
		return;
	case COL_PROCS:
		v->u = r->procs;
		return;
	case COL_USER:
		v->s = r->user[0] ? r->user : NULL;
		break;
	case COL_COMMAND:
		v->s = r->comm[0] ? r->comm : NULL;
		break;
	case COL_CMDLINE:
		v->s = r->cmdline;
		break;
	case COL_PROGRAM:
		v->s = r->program;
		break;
	case COL_STATE:
		if (r->state) {
			snprintf(buf, size, "%c", r->state);
			v->s = buf;
		}
		break;
	case COL_START:
		if (r->pid) {
			long hz = sysconf(_SC_CLK_TCK);
			time_t t = (time_t)(boot_time() +
					    (double)r->start / (double)hz);
			struct tm tm;

			gmtime_r(&t, &tm);
			strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
			v->s = buf;
		}
		break;
	}
	v->null = v->s == NULL;
}

/* ---- sorting --------------------------------------------------------- */

static int sort_col;
static bool sort_reverse;

static int cmp_rows(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	struct val vx, vy;
	char bx[64], by[64];
	int c;

	value(x, sort_col, &vx, bx, sizeof(bx));
	value(y, sort_col, &vy, by, sizeof(by));
	if (vx.null != vy.null)
		return vx.null ? 1 : -1;	/* unknown last, either way */
	if (vx.null)
		c = 0;
	else if (vx.is_str)
		c = strcmp(vx.s, vy.s);
	else if (vx.is_dbl)
		c = vy.d < vx.d ? -1 : vy.d > vx.d;	/* largest first */
	else if (sort_col == COL_PID || sort_col == COL_UID)
		c = vx.u < vy.u ? -1 : vx.u > vy.u;
	else
		c = vy.u < vx.u ? -1 : vy.u > vx.u;	/* largest first */
	if (sort_reverse)
		c = -c;
	if (c == 0)
		c = (x->pid > y->pid) - (x->pid < y->pid);
	return c;
}

/* ---- groups and totals ----------------------------------------------- */

/* Add @r into the group or total row @g. A figure is known for the group
 * only when it is known for every member; a rate adds the members that
 * have one (processes new since the last sample have none, nor PSS/S
 * those whose rollup was not read in it); the age of the rollups is the
 * oldest member's. */
static void add_row(struct row *g, const struct row *r, bool first)
{
	if (first) {
		g->have = r->have;
		g->have_rate = 0;
		g->have_age = r->have_age;
		g->age = r->age;
	} else {
		g->have &= r->have;
		g->have_age &= r->have_age;
		if (r->age > g->age)
			g->age = r->age;
	}
	g->procs += r->procs;
	for (int f = 0; f < F__COUNT; f++)
		g->fig[f] += r->fig[f];
	for (int k = 0; k < R__COUNT; k++)
		if (r->have_rate & (1u << k)) {
			g->rate[k] += r->rate[k];
			g->have_rate |= 1u << k;
		}
}

/* The total line of -t, summed over the processes of @s (not over the
 * groups: a group with one unreadable member has no PSS, yet its other
 * members count). A figure of the total adds every process that has it,
 * and is unknown only when no process has it; left_out[f] counts the
 * processes that lack figure f while others have it (their smaps_rollup
 * could not be read). */
struct total {
	struct row r;
	unsigned left_out[F__COUNT];
};

static void make_total(const struct sample *s, struct total *t)
{
	memset(t, 0, sizeof(*t));
	t->r.key = "total";
	for (size_t i = 0; i < s->nrows; i++) {
		const struct row *r = &s->rows[i];

		t->r.procs += r->procs;
		for (int f = 0; f < F__COUNT; f++)
			if (r->have & (1u << f)) {
				t->r.fig[f] += r->fig[f];
				t->r.have |= 1u << f;
			}
		for (int k = 0; k < R__COUNT; k++)
			if (r->have_rate & (1u << k)) {
				t->r.rate[k] += r->rate[k];
				t->r.have_rate |= 1u << k;
			}
		if (r->have_age && (!t->r.have_age || r->age > t->r.age))
			t->r.age = r->age;
		t->r.have_age |= r->have_age;
	}
	for (size_t i = 0; i < s->nrows; i++)
		for (int f = 0; f < F__COUNT; f++)
			if ((t->r.have & ~s->rows[i].have) & (1u << f))
				t->left_out[f]++;
}

/* Processes whose figures in the selected columns are not all in the
 * total; *@names gets those columns' names (text) or JSON keys. */
static unsigned total_left_out(const struct show *sh, const struct sample *s,
			       const struct total *t, bool json,
			       char *names, size_t size)
{
	unsigned n = 0;
	size_t len = 0;

	names[0] = '\0';
	for (size_t i = 0; i < sh->ncols; i++) {
		int c = sh->cols[i];

		if (c < COL_FIG || c >= COL_FIG + F__COUNT ||
		    !t->left_out[c - COL_FIG])
			continue;
		if (len < size)
			len += (size_t)snprintf(names + len, size - len, "%s%s",
				len ? ", " : "",
				json ? vmtop_cols[c].json : vmtop_cols[c].name);
	}
	for (size_t k = 0; k < s->nrows; k++)
		for (size_t i = 0; i < sh->ncols; i++) {
			int c = sh->cols[i], f = c - COL_FIG;

			if (c >= COL_FIG && c < COL_FIG + F__COUNT &&
			    (t->r.have & ~s->rows[k].have) & (1u << f)) {
				n++;
				break;
			}
		}
	return n;
}

static int cmp_user(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return (x->uid > y->uid) - (x->uid < y->uid);
}

static int cmp_program(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return strcmp(x->program ? x->program : "", y->program ? y->program : "");
}

/* Fold the rows of @s into groups (in @out, malloc'd). Returns the count
 * or -ENOMEM. */
static long make_groups(const struct sample *s, enum group g,
			struct row **out)
{
	struct row *sorted, *groups;
	size_t n = 0;

	*out = NULL;
	sorted = malloc((s->nrows ? s->nrows : 1) * sizeof(*sorted));
	groups = calloc(s->nrows ? s->nrows : 1, sizeof(*groups));
	if (!sorted || !groups) {
		free(sorted);
		free(groups);
		return -ENOMEM;
	}
	memcpy(sorted, s->rows, s->nrows * sizeof(*sorted));
	qsort(sorted, s->nrows, sizeof(*sorted),
	      g == GROUP_USER ? cmp_user : cmp_program);
	for (size_t i = 0; i < s->nrows; i++) {
		const struct row *r = &sorted[i];
		bool same = n > 0 && (g == GROUP_USER ?
			cmp_user(&groups[n - 1], r) == 0 :
			cmp_program(&groups[n - 1], r) == 0);
		struct row *gr;

		if (!same) {
			gr = &groups[n++];
			gr->uid = r->uid;
			if (g == GROUP_USER) {
				memcpy(gr->user, r->user, sizeof(gr->user));
				gr->key = gr->user;
			} else {
				gr->program = r->program;	/* borrowed */
				gr->key = gr->program;
				memcpy(gr->comm, r->comm, sizeof(gr->comm));
			}
		}
		gr = &groups[n - 1];
		if (g == GROUP_PROGRAM && gr->uid != r->uid)
			gr->user[0] = '\0';	/* several users */
		else if (g == GROUP_PROGRAM && same == false)
			memcpy(gr->user, r->user, sizeof(gr->user));
		add_row(gr, r, !same);
	}
	free(sorted);
	*out = groups;
	return (long)n;
}

/* ---- text, JSON ------------------------------------------------------ */

static void put_row(struct vs_table *t, const struct show *sh,
		    const struct row *r)
{
	char buf[64];

	for (size_t i = 0; i < sh->ncols; i++) {
		int c = sh->cols[i];
		struct val v;

		value(r, c, &v, buf, sizeof(buf));
		if (v.null)
			vs_table_null(t, c);
		else if (v.is_str)
			vs_table_str(t, c, v.s);
		else if (v.is_dbl)
			vs_table_double(t, c, v.d, c == COL_RATE + R_RSS ||
					c == COL_RATE + R_PSS ? 0 : 1);
		else
			vs_table_u64(t, c, v.u);
	}
}

static int put_system(struct vs_out *o, const struct sysmem *m)
{
	static const struct vs_col cols[] = {
		{ "MEMORY", "kind", VS_COL_STR, 0, 0, "where the memory is" },
		{ "SIZE", "size", VS_COL_SIZE, 0, VS_COLF_RIGHT, "bytes" },
		{ "IN_PROCESSES", "in_processes", VS_COL_SIZE, 0, VS_COLF_RIGHT,
		  "of which the PSS of the processes read accounts for" },
		{ "SHARE", "share", VS_COL_FLOAT, 0, VS_COLF_RIGHT,
		  "percent of MemTotal" },
	};
	static const int sel[] = { 0, 1, 2, 3 };
	const struct { const char *kind; uint64_t v; int proc; } rows[] = {
		{ "anon", m->anon, 1 }, { "page_cache", m->page_cache, 2 },
		{ "shmem", m->shmem, 3 }, { "swap_cache", m->swap_cache, 0 },
		{ "slab", m->slab, 0 }, { "kernel_stack", m->kernel_stack, 0 },
		{ "page_tables", m->page_tables, 0 },
		{ "hugetlb", m->hugetlb, 0 }, { "free", m->free, 0 },
	};
	struct vs_table *t;
	struct vs_err e;

	if (vs_table_new(o, "system", cols, 4, sel, 4, &t, &e) < 0) {
		cmd_warn_err(&e);
		return -ENOMEM;
	}
	for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
		uint64_t p = rows[i].proc == 1 ? m->proc_anon :
			     rows[i].proc == 2 ? m->proc_file : m->proc_shmem;

		vs_table_row(t);
		vs_table_str(t, 0, rows[i].kind);
		vs_table_u64(t, 1, rows[i].v);
		if (rows[i].proc)
			vs_table_u64(t, 2, p);
		else
			vs_table_null(t, 2);
		vs_table_double(t, 3, 100.0 * (double)rows[i].v /
				(double)m->total, 1);
	}
	/* What is left: vmalloc, per-CPU areas, the kernel's code, driver
	 * pages, memory the firmware kept. Negative when figures overlap. */
	vs_table_row(t);
	vs_table_str(t, 0, "other");
	if (m->other >= 0)
		vs_table_u64(t, 1, (uint64_t)m->other);
	else
		vs_table_null(t, 1);
	vs_table_null(t, 2);
	vs_table_double(t, 3, 100.0 * (double)m->other / (double)m->total, 1);
	vs_table_footer(t, "total");
	vs_table_str(t, 0, "total");
	vs_table_u64(t, 1, m->total);
	vs_table_u64(t, 2, m->proc_anon + m->proc_file + m->proc_shmem);
	vs_table_double(t, 3, 100.0, 1);
	return vs_table_end(t);
}

/* The first selected text column, to say "total" in. */
static int label_col(const struct show *sh)
{
	for (size_t i = 0; i < sh->ncols; i++)
		if (vmtop_cols[sh->cols[i]].type == VS_COL_STR)
			return sh->cols[i];
	return -1;
}

static int put_table(struct show *sh, struct vs_out *o, const char *key,
		     const struct sample *s, const struct row *rows, size_t n,
		     size_t limit)
{
	struct vs_table *t;
	struct vs_err e;
	struct total tot;

	if (vs_table_new(o, key, vmtop_cols, COL__COUNT, sh->cols, sh->ncols,
			 &t, &e) < 0) {
		cmd_warn_err(&e);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n && i < limit; i++) {
		vs_table_row(t);
		put_row(t, sh, &rows[i]);
	}
	if (sh->totals) {
		int lc = label_col(sh);

		make_total(s, &tot);
		vs_table_footer(t, "totals");
		put_row(t, sh, &tot.r);
		if (lc >= 0)
			vs_table_str(t, lc, "total");
	}
	return vs_table_end(t);
}

/* After the table of -t: which processes the totals leave out. In JSON
 * the count (0 when none) and the keys of the columns concerned; in text
 * a line when there are any. */
static void put_left_out(const struct show *sh, struct vs_out *o,
			 const struct sample *s)
{
	struct total tot;
	char names[512];
	unsigned n;

	if (!sh->totals)
		return;
	make_total(s, &tot);
	n = total_left_out(sh, s, &tot, o->fmt == VS_OUT_JSON, names,
			   sizeof(names));
	if (o->fmt == VS_OUT_JSON) {
		struct vs_json *j = &o->json;

		vs_json_obj_begin(j, "totals_left_out");
		vs_json_u64(j, "processes", n);
		vs_json_arr_begin(j, "columns");
		for (size_t i = 0; i < sh->ncols; i++) {
			int c = sh->cols[i];

			if (c >= COL_FIG && c < COL_FIG + F__COUNT &&
			    tot.left_out[c - COL_FIG])
				vs_json_str(j, NULL, vmtop_cols[c].json);
		}
		vs_json_arr_end(j);
		vs_json_obj_end(j);
	} else if (n) {
		fprintf(o->f, "totals of %s leave out %u of %zu processes "
			"(their smaps_rollup could not be read)\n", names, n,
			s->nrows);
	}
}

static const char *group_key(enum group g)
{
	return g == GROUP_USER ? "users" : g == GROUP_PROGRAM ? "programs" :
	       "processes";
}

static void put_scan(struct vs_json *j, const struct sample *s)
{
	vs_json_obj_begin(j, "scan");
	vs_json_u64(j, "seen", s->st.seen);
	vs_json_u64(j, "shown", s->nrows);
	vs_json_u64(j, "kernel_threads_hidden", s->st.kthreads_hidden);
	vs_json_u64(j, "filtered", s->st.filtered);
	vs_json_u64(j, "vanished", s->st.vanished);
	vs_json_u64(j, "zombies", s->st.zombies);
	vs_json_u64(j, "unreadable", s->st.unreadable);
	vs_json_obj_end(j);
}

/* The header line of a --watch sample in text. */
static void put_header(FILE *f, const struct show *sh, const struct sample *s)
{
	char when[32];
	time_t t = (time_t)s->time;
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	fprintf(f, "vmtop - %s - every %gs", when, sh->interval);
	if (sh->refresh >= 2 * sh->interval)
		fprintf(f, ", rollups within %gs", sh->refresh);
	fprintf(f, " - sample %u - %zu shown", sh->sample_no, s->nrows);
	if (s->st.vanished)
		fprintf(f, ", %u vanished", s->st.vanished);
	if (s->st.unreadable)
		fprintf(f, ", %u unreadable (not permitted)", s->st.unreadable);
	fputc('\n', f);
}

/* Write @text to the terminal from its top-left corner, each line cut to
 * the width and cleared to its end, then clear the rest of the screen. */
static void redraw(const struct show *sh, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	int rows = 0;

	fputs("\033[H", stdout);
	while (p < end && rows < sh->term_rows - 1) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);

		if (sh->term_cols > 0 && n > (size_t)sh->term_cols) {
			n = (size_t)sh->term_cols;
			while (n > 0 && ((unsigned char)p[n] & 0xc0) == 0x80)
				n--;	/* not inside a UTF-8 sequence */
		}
		fwrite(p, 1, n, stdout);
		fputs("\033[K\n", stdout);
		rows++;
		p = nl ? nl + 1 : end;
	}
	fputs("\033[J", stdout);
	fflush(stdout);
}

/* ---- OpenMetrics ----------------------------------------------------- */

/* The labels of row @r into @lab (pairs); returns how many pairs. */
static size_t labels(const struct show *sh, const char *kind,
		     const struct row *r, const char **lab, char *pid,
		     size_t size)
{
	if (sh->group == GROUP_NONE) {
		snprintf(pid, size, "%d", r->pid);
		lab[0] = "pid"; lab[1] = pid;
		lab[2] = "user"; lab[3] = r->user;
		lab[4] = "command"; lab[5] = r->comm;
		return 3;
	}
	lab[0] = kind;
	lab[1] = r->key ? r->key : "";
	return 1;
}

static int put_openmetrics(const struct show *sh, FILE *f,
			   const struct sample *s, const struct row *rows,
			   size_t n)
{
	static const struct {
		enum fig f;
		const char *name, *unit, *help;
		enum vs_om_type type;
	} figs[] = {
		{ F_VSZ, "virtual_bytes", "bytes", "virtual size", VS_OM_GAUGE },
		{ F_RSS, "rss_bytes", "bytes", "resident set size (VmRSS)", VS_OM_GAUGE },
		{ F_PSS, "pss_bytes", "bytes", "proportional set size", VS_OM_GAUGE },
		{ F_USS, "uss_bytes", "bytes", "unique set size", VS_OM_GAUGE },
		{ F_SWAP, "swap_bytes", "bytes", "swapped out", VS_OM_GAUGE },
		{ F_SWAP_PSS, "swap_pss_bytes", "bytes", "proportional swap", VS_OM_GAUGE },
		{ F_PSS_ANON, "pss_anon_bytes", "bytes", "PSS of anonymous memory", VS_OM_GAUGE },
		{ F_PSS_FILE, "pss_file_bytes", "bytes", "PSS of file-backed memory", VS_OM_GAUGE },
		{ F_PSS_SHMEM, "pss_shmem_bytes", "bytes", "PSS of shared memory", VS_OM_GAUGE },
		{ F_ANON_HUGE, "anon_huge_bytes", "bytes", "anonymous memory in transparent huge pages", VS_OM_GAUGE },
		{ F_THREADS, "threads", NULL, "threads", VS_OM_GAUGE },
		{ F_MINFLT, "minor_faults", NULL, "minor page faults", VS_OM_COUNTER },
		{ F_MAJFLT, "major_faults", NULL, "major page faults", VS_OM_COUNTER },
	};
	const char *kind = sh->group == GROUP_USER ? "user" :
			   sh->group == GROUP_PROGRAM ? "program" : "process";
	char name[128];
	struct vs_om m;

	vs_om_init(&m, f);
	for (size_t k = 0; k < sizeof(figs) / sizeof(*figs); k++) {
		snprintf(name, sizeof(name), "vmtop_%s_%s", kind, figs[k].name);
		vs_om_family(&m, name, figs[k].type, figs[k].unit, figs[k].help);
		for (size_t i = 0; i < n; i++) {
			const struct row *r = &rows[i];
			char pid[16];
			const char *lab[6];
			size_t nl;

			if (!(r->have & (1u << figs[k].f)))
				continue;
			nl = labels(sh, kind, r, lab, pid, sizeof(pid));
			vs_om_u64(&m, lab, nl, r->fig[figs[k].f]);
		}
	}
	if (sh->totals) {
		struct total tot;

		/* -t: the totals over the processes, each figure the sum of
		 * those that have it, and how many processes each leaves
		 * out. */
		make_total(s, &tot);
		for (size_t k = 0; k < sizeof(figs) / sizeof(*figs); k++) {
			if (!(tot.r.have & (1u << figs[k].f)))
				continue;
			snprintf(name, sizeof(name), "vmtop_total_%s",
				 figs[k].name);
			vs_om_family(&m, name, figs[k].type, figs[k].unit,
				     figs[k].help);
			vs_om_u64(&m, NULL, 0, tot.r.fig[figs[k].f]);
		}
		vs_om_family(&m, "vmtop_total_left_out_processes", VS_OM_GAUGE,
			     NULL, "processes whose figure is not in its "
			     "total (their smaps_rollup could not be read)");
		for (size_t k = 0; k < sizeof(figs) / sizeof(*figs); k++) {
			const char *lab[2] = { "figure", figs[k].name };

			if (tot.r.have & (1u << figs[k].f))
				vs_om_u64(&m, lab, 1, tot.left_out[figs[k].f]);
		}
	}
	snprintf(name, sizeof(name), "vmtop_%s_rollup_age_seconds", kind);
	vs_om_family(&m, name, VS_OM_GAUGE, "seconds",
		     "seconds since smaps_rollup (PSS, USS, swap) was read; "
		     "a group's oldest");
	for (size_t i = 0; i < n; i++) {
		const struct row *r = &rows[i];
		const char *lab[6];
		char pid[16];
		size_t nl;

		if (!r->have_age)
			continue;
		nl = labels(sh, kind, r, lab, pid, sizeof(pid));
		vs_om_double(&m, lab, nl, r->age);
	}
	if (s->sys.ok) {
		const struct { const char *kind; uint64_t v; } mem[] = {
			{ "anon", s->sys.anon }, { "page_cache", s->sys.page_cache },
			{ "shmem", s->sys.shmem }, { "swap_cache", s->sys.swap_cache },
			{ "slab", s->sys.slab }, { "kernel_stack", s->sys.kernel_stack },
			{ "page_tables", s->sys.page_tables },
			{ "hugetlb", s->sys.hugetlb }, { "free", s->sys.free },
			{ "other", s->sys.other > 0 ? (uint64_t)s->sys.other : 0 },
		};

		vs_om_family(&m, "vmtop_system_memory_bytes", VS_OM_GAUGE,
			     "bytes", "where the system's memory is "
			     "(/proc/meminfo); the kinds add up to MemTotal");
		for (size_t i = 0; i < sizeof(mem) / sizeof(*mem); i++) {
			const char *lab[2] = { "kind", mem[i].kind };

			vs_om_u64(&m, lab, 1, mem[i].v);
		}
	}
	{
		const struct { const char *result; unsigned v; } sc[] = {
			{ "shown", (unsigned)s->nrows },
			{ "vanished", s->st.vanished },
			{ "zombie", s->st.zombies },
			{ "unreadable", s->st.unreadable },
			{ "kernel_thread_hidden", s->st.kthreads_hidden },
			{ "filtered", s->st.filtered },
		};

		vs_om_family(&m, "vmtop_scan_processes", VS_OM_GAUGE, NULL,
			     "processes in the last scan, by what became of "
			     "them");
		for (size_t i = 0; i < sizeof(sc) / sizeof(*sc); i++) {
			const char *lab[2] = { "result", sc[i].result };

			vs_om_u64(&m, lab, 1, sc[i].v);
		}
	}
	return vs_om_finish(&m);
}

/* Write the OpenMetrics document to FILE.tmp, then rename it over FILE:
 * a collector never reads half a document. */
static int put_openmetrics_file(const struct show *sh, const struct sample *s,
				const struct row *rows, size_t n)
{
	char tmp[4096];
	FILE *f;
	int r;

	snprintf(tmp, sizeof(tmp), "%s.tmp", sh->om_file);
	f = fopen(tmp, "w");
	if (!f) {
		r = -errno;
		cmd_warn("cannot create '%s': %s", tmp, strerror(errno));
		return r;
	}
	r = put_openmetrics(sh, f, s, rows, n);
	if (fclose(f) != 0 && !r)
		r = -errno;
	if (!r && rename(tmp, sh->om_file) < 0)
		r = -errno;
	if (r) {
		cmd_warn("cannot write '%s': %s", sh->om_file, strerror(-r));
		unlink(tmp);
	}
	return r;
}

int show_sample(struct show *sh, struct sample *s, double interval)
{
	struct row *groups = NULL, *rows = s->rows;
	size_t n = s->nrows, limit;
	char *mem = NULL;
	size_t memlen = 0;
	FILE *f = stdout;
	struct vs_out o;
	int r = 0;

	if (sh->group != GROUP_NONE) {
		long g = make_groups(s, sh->group, &groups);

		if (g < 0)
			return -ENOMEM;
		rows = groups;
		n = (size_t)g;
	}
	sort_col = sh->sort_col;
	sort_reverse = sh->reverse;
	if (n)
		qsort(rows, n, sizeof(*rows), cmp_rows);

	if (sh->mode == OUT_OPENMETRICS) {
		r = sh->om_file ? put_openmetrics_file(sh, s, rows, n) :
			put_openmetrics(sh, stdout, s, rows, n);
		free(groups);
		return r;
	}
	if (sh->mode == OUT_TABLE && sh->tty) {
		f = open_memstream(&mem, &memlen);
		if (!f) {
			free(groups);
			return -ENOMEM;
		}
	}
	vs_out_init(&o, f, sh->out->fmt);
	o.bytes = sh->out->bytes;
	o.noheadings = sh->out->noheadings;
	limit = n;
	if (sh->mode == OUT_JSON) {
		struct vs_json *j = &o.json;

		vs_json_init(j, f, !sh->watch);
		vs_json_obj_begin(j, NULL);
		vs_json_obj_begin(j, "vmtop");
		vs_json_double(j, "time", s->time, 3);
		vs_json_u64(j, "sample", sh->sample_no);
		if (interval > 0)
			vs_json_double(j, "interval", interval, 3);
		else
			vs_json_null(j, "interval");
		put_scan(j, s);
		r = put_table(sh, &o, group_key(sh->group), s, rows, n, n);
		if (!r)
			put_left_out(sh, &o, s);
		if (!r && sh->totals && s->sys.ok)
			r = put_system(&o, &s->sys);
		if (!r && sh->totals)
			vs_memgap_put(&o, "memory_gap", &s->sys.gap);
		vs_json_obj_end(j);
		vs_json_obj_end(j);
		if (vs_json_finish(j) < 0 && !r)
			r = -EIO;
		fflush(f);
	} else {
		if (sh->watch)
			put_header(f, sh, s);
		if (sh->tty) {
			/* Rows that fit under the header. */
			int room = sh->term_rows - 3 - (sh->totals ? 14 : 0);

			limit = room > 0 ? (size_t)room : 1;
		}
		r = put_table(sh, &o, group_key(sh->group), s, rows, n, limit);
		if (!r)
			put_left_out(sh, &o, s);
		if (!r && sh->totals && s->sys.ok) {
			fputc('\n', f);
			r = put_system(&o, &s->sys);
		}
		if (!r && sh->totals)
			vs_memgap_put(&o, "memory_gap", &s->sys.gap);
		if (sh->watch && !sh->tty)
			fputc('\n', f);
		fflush(f);
	}
	if (f != stdout) {
		fclose(f);
		redraw(sh, mem, memlen);
		free(mem);
	}
	free(groups);
	return r;
}
