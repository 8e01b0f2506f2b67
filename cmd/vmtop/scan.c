/* scan.c - one sample of every process: libproc2 enumerates them and reads
 * stat and status; smaps_rollup goes through vs_maps; /proc/meminfo
 * through libproc2's meminfo API. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libproc2/meminfo.h>
#include <libproc2/pids.h>

#include "common.h"
#include "vmtop.h"
#include "vs_maps.h"
#include "vs_proc.h"

/* The libproc2 items, in the order of this enum. */
enum {
	I_PID, I_EUID, I_EUSER, I_CMD, I_STATE, I_FLAGS, I_VSIZE, I_VMRSS,
	I_NLWP, I_MINFLT, I_MAJFLT, I_BEGAN, I_CMDLINE, I_EXE, I__COUNT
};

struct scanner {
	struct pids_info *pids;
	struct meminfo_info *mem;
	struct vs_root *root;
	const struct filter *flt;
	struct scan_needs needs;
	int nitems;
};

int scanner_new(const struct filter *flt, const struct scan_needs *needs,
		struct scanner **out)
{
	enum pids_item items[I__COUNT] = {
		[I_PID] = PIDS_ID_PID, [I_EUID] = PIDS_ID_EUID,
		[I_EUSER] = PIDS_ID_EUSER, [I_CMD] = PIDS_CMD,
		[I_STATE] = PIDS_STATE, [I_FLAGS] = PIDS_FLAGS,
		[I_VSIZE] = PIDS_VSIZE_BYTES, [I_VMRSS] = PIDS_VM_RSS,
		[I_NLWP] = PIDS_NLWP, [I_MINFLT] = PIDS_FLT_MIN,
		[I_MAJFLT] = PIDS_FLT_MAJ, [I_BEGAN] = PIDS_TICS_BEGAN,
		[I_CMDLINE] = PIDS_CMDLINE, [I_EXE] = PIDS_EXE,
	};
	struct scanner *sc = calloc(1, sizeof(*sc));
	struct vs_err e;
	int r;

	*out = NULL;
	if (!sc)
		return -ENOMEM;
	sc->flt = flt;
	sc->needs = *needs;
	/* Ask only for what is shown: cmdline and exe cost a read each. */
	sc->nitems = I__COUNT;
	if (!needs->program) {
		items[I_EXE] = PIDS_noop;
	}
	if (!needs->cmdline)
		items[I_CMDLINE] = PIDS_noop;
	r = procps_pids_new(&sc->pids, items, sc->nitems);
	if (r < 0) {
		cmd_warn("cannot read /proc with libproc2: %s", strerror(-r));
		free(sc);
		return r;
	}
	if (procps_meminfo_new(&sc->mem) < 0)
		sc->mem = NULL;
	if (vs_root_new(NULL, &sc->root, &e) < 0) {
		cmd_warn_err(&e);
		procps_pids_unref(&sc->pids);
		free(sc);
		return -ENOMEM;
	}
	*out = sc;
	return 0;
}

void scanner_free(struct scanner *sc)
{
	if (!sc)
		return;
	procps_pids_unref(&sc->pids);
	if (sc->mem)
		procps_meminfo_unref(&sc->mem);
	vs_root_unref(sc->root);
	free(sc);
}

void sample_clear(struct sample *s)
{
	for (size_t i = 0; i < s->nrows; i++) {
		free(s->rows[i].cmdline);
		free(s->rows[i].program);
	}
	s->nrows = 0;
	memset(&s->st, 0, sizeof(s->st));
	memset(&s->sys, 0, sizeof(s->sys));
}

static bool wanted(const struct filter *f, const struct row *r)
{
	if (f->npids) {
		bool hit = false;

		for (size_t i = 0; i < f->npids && !hit; i++)
			hit = f->pids[i] == r->pid;
		if (!hit)
			return false;
	}
	if (f->nuids) {
		bool hit = false;

		for (size_t i = 0; i < f->nuids && !hit; i++)
			hit = f->uids[i] == r->uid;
		if (!hit)
			return false;
	}
	if (f->has_re && regexec(&f->re, r->comm, 0, NULL, 0) != 0 &&
	    (!r->cmdline || regexec(&f->re, r->cmdline, 0, NULL, 0) != 0))
		return false;
	return true;
}

static void set_fig(struct row *r, enum fig f, uint64_t v)
{
	r->fig[f] = v;
	r->have |= 1u << f;
}

/* Sum of the known keys @a and @b of @v, in bytes; false if neither. */
static bool bytes2(const struct vs_vma *v, enum vs_key a, enum vs_key b,
		  uint64_t *out)
{
	uint64_t x = 0, y = 0;
	bool ha = vs_vma_bytes(v, a, &x), hb = vs_vma_bytes(v, b, &y);

	*out = x + y;
	return ha || hb;
}

/* Read /proc/PID/smaps_rollup into @r. Returns 0, -ESRCH when the
 * process went away, -EACCES/-EPERM, or another negative errno. */
static int read_rollup(struct scanner *sc, struct row *r, struct vs_err *e)
{
	static const struct { enum fig f; enum vs_key k; } one[] = {
		{ F_PSS, VS_KEY_PSS }, { F_SWAP, VS_KEY_SWAP },
		{ F_SWAP_PSS, VS_KEY_SWAP_PSS }, { F_ANON_RSS, VS_KEY_ANONYMOUS },
		{ F_PSS_ANON, VS_KEY_PSS_ANON }, { F_PSS_FILE, VS_KEY_PSS_FILE },
		{ F_PSS_SHMEM, VS_KEY_PSS_SHMEM },
		{ F_ANON_HUGE, VS_KEY_ANON_HUGE_PAGES },
	};
	const struct vs_vma *v;
	struct vs_maps *m;
	uint64_t x;
	int ret;

	ret = vs_maps_open(sc->root, r->pid, VS_FILE_SMAPS_ROLLUP, &m, e);
	if (ret == -ENOENT || ret == -ESRCH)
		return -ESRCH;
	if (ret < 0)
		return ret;
	ret = vs_maps_next(m, &v, e);
	if (ret == 1) {
		for (size_t i = 0; i < sizeof(one) / sizeof(*one); i++)
			if (vs_vma_bytes(v, one[i].k, &x))
				set_fig(r, one[i].f, x);
		if (bytes2(v, VS_KEY_PRIVATE_CLEAN, VS_KEY_PRIVATE_DIRTY, &x))
			set_fig(r, F_USS, x);
		if (bytes2(v, VS_KEY_SHARED_HUGETLB, VS_KEY_PRIVATE_HUGETLB,
			   &x))
			set_fig(r, F_HUGETLB, x);
	}
	vs_maps_close(m);
	if (ret == -ESRCH || (ret <= 0 && !vs_root_pid_alive(sc->root, r->pid)))
		return -ESRCH;
	if (ret < 0)
		return ret;
	if (ret == 0) {
		/* No mm: a zombie or a process on its way out. It holds no
		 * memory, which is a true zero. */
		for (enum fig f = F_PSS; f <= F_HUGETLB; f++)
			set_fig(r, f, 0);
	}
	return 0;
}

static double now(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void read_meminfo(struct scanner *sc, struct sysmem *m)
{
#define KB(item) ((uint64_t)MEMINFO_GET(sc->mem, item, ul_int) * 1024)
	if (!sc->mem)
		return;
	m->total = KB(MEMINFO_MEM_TOTAL);
	if (!m->total)
		return;		/* libproc2 says 0 for what it could not read */
	m->ok = true;
	m->free = KB(MEMINFO_MEM_FREE);
	m->anon = KB(MEMINFO_MEM_ANON);
	m->shmem = KB(MEMINFO_MEM_SHARED);
	m->page_cache = KB(MEMINFO_MEM_CACHED) + KB(MEMINFO_MEM_BUFFERS) -
			m->shmem;
	m->swap_cache = KB(MEMINFO_SWAP_CACHED);
	m->slab = KB(MEMINFO_MEM_SLAB);
	m->kernel_stack = KB(MEMINFO_MEM_KERNEL_STACK);
	m->page_tables = KB(MEMINFO_MEM_PAGE_TABLES);
	m->hugetlb = KB(MEMINFO_MEM_HUGETBL);
	m->other = (int64_t)m->total - (int64_t)(m->free + m->anon +
		   m->page_cache + m->shmem + m->swap_cache + m->slab +
		   m->kernel_stack + m->page_tables + m->hugetlb);
#undef KB
}

int scanner_run(struct scanner *sc, struct sample *s)
{
	struct pids_fetch *fetch;
	struct vs_err e;
	int n;

	sample_clear(s);
	s->time = now(CLOCK_REALTIME);
	s->mono = now(CLOCK_MONOTONIC);
	/* libproc2 selects at most a few hundred pids at once. */
	if (sc->flt->npids && sc->flt->npids <= 128)
		fetch = procps_pids_select(sc->pids, (unsigned *)sc->flt->pids,
					   (int)sc->flt->npids,
					   PIDS_SELECT_PID);
	else
		fetch = procps_pids_reap(sc->pids, PIDS_FETCH_TASKS_ONLY);
	if (!fetch) {
		cmd_warn("cannot enumerate the processes in /proc: %s",
			 strerror(errno));
		return -(errno ? errno : EIO);
	}
	n = fetch->counts->total;
	s->sys.proc_complete = true;
	for (int i = 0; i < n; i++) {
		struct pids_stack *st = fetch->stacks[i];
		struct row *r;
		int ret;

		s->st.seen++;
		if (s->nrows == s->cap) {
			size_t cap = s->cap ? 2 * s->cap : 256;
			void *p = realloc(s->rows, cap * sizeof(*r));

			if (!p)
				return -ENOMEM;
			s->rows = p;
			s->cap = cap;
		}
		r = &s->rows[s->nrows];
		memset(r, 0, sizeof(*r));
		r->procs = 1;
		r->pid = PIDS_VAL(I_PID, s_int, st, sc->pids);
		r->uid = PIDS_VAL(I_EUID, u_int, st, sc->pids);
		snprintf(r->user, sizeof(r->user), "%s",
			 PIDS_VAL(I_EUSER, str, st, sc->pids));
		snprintf(r->comm, sizeof(r->comm), "%s",
			 PIDS_VAL(I_CMD, str, st, sc->pids));
		r->state = PIDS_VAL(I_STATE, s_ch, st, sc->pids);
		r->kthread = PIDS_VAL(I_FLAGS, ul_int, st, sc->pids) &
			     VS_PF_KTHREAD;
		r->start = PIDS_VAL(I_BEGAN, ull_int, st, sc->pids);
		if (sc->needs.cmdline)
			r->cmdline = strdup(PIDS_VAL(I_CMDLINE, str, st,
						     sc->pids));
		if (sc->needs.program) {
			const char *exe = PIDS_VAL(I_EXE, str, st, sc->pids);

			/* libproc2 says "-" for an exe it cannot read. */
			r->program = strdup(exe && *exe && strcmp(exe, "-") ?
					    exe : r->comm);
		}
		if (r->kthread && !sc->flt->kthreads) {
			s->st.kthreads_hidden++;
			goto drop;
		}
		if (!wanted(sc->flt, r)) {
			s->st.filtered++;
			/* Still part of the system's memory. */
		}
		set_fig(r, F_THREADS, (uint64_t)PIDS_VAL(I_NLWP, s_int, st,
							 sc->pids));
		set_fig(r, F_VSZ, PIDS_VAL(I_VSIZE, ul_int, st, sc->pids));
		set_fig(r, F_RSS, (uint64_t)PIDS_VAL(I_VMRSS, ul_int, st,
						     sc->pids) * 1024);
		set_fig(r, F_MINFLT, PIDS_VAL(I_MINFLT, ul_int, st, sc->pids));
		set_fig(r, F_MAJFLT, PIDS_VAL(I_MAJFLT, ul_int, st, sc->pids));
		if (r->kthread) {
			for (enum fig f = F_PSS; f <= F_HUGETLB; f++)
				set_fig(r, f, 0);
			ret = 0;
		} else {
			ret = read_rollup(sc, r, &e);
		}
		if (ret == -ESRCH) {
			s->st.vanished++;
			goto drop;
		}
		if (ret == -EACCES || ret == -EPERM) {
			if (!s->st.unreadable++)
				s->st.first_unreadable_pid = r->pid;
			s->sys.proc_complete = false;
		} else if (ret < 0) {
			cmd_warn_err(&e);
			s->sys.proc_complete = false;
		}
		s->sys.proc_anon += r->fig[F_PSS_ANON];
		s->sys.proc_file += r->fig[F_PSS_FILE];
		s->sys.proc_shmem += r->fig[F_PSS_SHMEM];
		if (!wanted(sc->flt, r))
			goto drop;
		s->nrows++;
		continue;
drop:
		free(r->cmdline);
		free(r->program);
	}
	read_meminfo(sc, &s->sys);
	return 0;
}

/* ---- rates ----------------------------------------------------------- */

static int cmp_pid(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

void sample_rates(struct sample *cur, const struct sample *prev)
{
	double dt = cur->mono - prev->mono;
	struct row *sorted;

	if (dt <= 0 || !prev->nrows)
		return;
	sorted = malloc(prev->nrows * sizeof(*sorted));
	if (!sorted)
		return;
	memcpy(sorted, prev->rows, prev->nrows * sizeof(*sorted));
	qsort(sorted, prev->nrows, sizeof(*sorted), cmp_pid);
	for (size_t i = 0; i < cur->nrows; i++) {
		struct row *r = &cur->rows[i];
		const struct row *p = bsearch(r, sorted, prev->nrows,
					      sizeof(*r), cmp_pid);
		static const struct { enum rate k; enum fig f; } map[] = {
			{ R_MINFLT, F_MINFLT }, { R_MAJFLT, F_MAJFLT },
			{ R_RSS, F_RSS }, { R_PSS, F_PSS },
		};

		if (!p || p->start != r->start)
			continue;	/* new since the last sample */
		for (size_t k = 0; k < sizeof(map) / sizeof(*map); k++) {
			uint32_t bit = 1u << map[k].f;

			if (!(r->have & p->have & bit))
				continue;
			r->rate[map[k].k] = ((double)r->fig[map[k].f] -
					     (double)p->fig[map[k].f]) / dt;
			r->have_rate |= 1u << map[k].k;
		}
	}
	free(sorted);
}
