/* scan.c - one sample of every process.
 *
 * A full scan (a one-shot run, and the first sample of --watch): libproc2
 * enumerates the processes and reads their stat and status (cmdline and
 * exe when shown), vs_maps reads each one's smaps_rollup.
 *
 * Later --watch samples keep what they learnt of each process, keyed by
 * PID and start time, and read every sample only what moves on its own:
 * /proc/PID/stat (state, threads, VSZ, faults) and statm (RSS), with
 * vs_proc. A process's smaps_rollup, and who it is (libproc2: user,
 * command, command line, program), are read again when it is new, when
 * its faults, RSS or VSZ moved since the last read, and in its turn of a
 * rotation that reads every rollup at least once per refresh period
 * (--refresh), a share of the processes in each sample. /proc/meminfo is
 * read every sample, through libproc2's meminfo API.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libproc2/meminfo.h>
#include <libproc2/pids.h>

#include "common.h"
#include "vmtop.h"
#include "vs_fmt.h"
#include "vs_maps.h"
#include "vs_proc.h"

/* The libproc2 items, in the order of this enum. */
enum {
	I_PID, I_EUID, I_EUSER, I_CMD, I_STATE, I_FLAGS, I_VSIZE, I_VMRSS,
	I_NLWP, I_MINFLT, I_MAJFLT, I_BEGAN, I_CMDLINE, I_EXE, I__COUNT
};

/* The figures a rollup gives: F_PSS to F_HUGETLB. */
#define ROLLUP_FIGS (((1u << (F_HUGETLB + 1)) - 1) & ~((1u << F_PSS) - 1))

/* What --watch keeps of a process from one sample to the next. */
struct proc {
	int pid;
	unsigned long long start;	/* clock ticks after boot */
	bool kthread;
	unsigned slot;			/* its turn in the rotation */
	/* Who it is (libproc2), read with the rollup. */
	unsigned uid;
	char user[64];
	char comm[64];
	char *cmdline;			/* when needed; malloc'd */
	char *program;			/* when needed; malloc'd */
	/* Its smaps_rollup as last read. */
	int rollup;			/* 0, or the negative errno of the read */
	uint64_t fig[F__COUNT];		/* the ROLLUP_FIGS */
	uint32_t have;			/* which of them were read */
	double rollup_mono;		/* when (CLOCK_MONOTONIC seconds) */
	uint64_t flt, rss, vsz;		/* minflt + majflt, RSS, VSZ then */
	/* This sample, from stat and statm. */
	char state;
	uint64_t threads, cur_vsz, cur_rss, minflt, majflt;
	bool refresh;			/* read its rollup and identity now */
	bool identified;		/* libproc2 answered for it */
	bool gone;			/* exited during this scan */
};

struct scanner {
	struct pids_info *pids;
	struct meminfo_info *mem;
	struct vs_root *root;
	const struct filter *flt;
	struct scan_needs needs;
	int nitems;
	/* --watch */
	bool incremental;		/* later samples read what moved */
	bool primed;			/* the full scan is done */
	double refresh;			/* seconds: the oldest a rollup may be */
	unsigned slots;			/* samples in one turn of the rotation */
	unsigned next_slot;
	uint64_t page;			/* bytes */
	struct proc *procs;		/* sorted by pid */
	size_t nprocs;
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

void scanner_watch(struct scanner *sc, double interval, double refresh)
{
	double turn = refresh / interval;

	sc->refresh = refresh;
	/* Rollups read every sample: the full scan is what it takes. */
	sc->slots = refresh > 0 && turn >= 2 ? (unsigned)(turn + 1e-9) : 1;
	sc->incremental = sc->slots > 1;
	sc->page = (uint64_t)sysconf(_SC_PAGESIZE);
}

static void procs_free(struct proc *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].cmdline);
		free(v[i].program);
	}
	free(v);
}

void scanner_free(struct scanner *sc)
{
	if (!sc)
		return;
	procs_free(sc->procs, sc->nprocs);
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
	pid_t mm = r->pid;
	uint64_t x;
	int ret;

	/* A zombie has no address space; a zombie leader's lives on in its
	 * threads and is read through one of them (vs_proc.h). */
	if (r->state == 'Z' || r->state == 'X') {
		struct vs_stat st = { .state = r->state };

		if (vs_proc_mm_pid(sc->root, r->pid, &st, &mm, e) < 0)
			return -ESRCH;
	}
	ret = vs_maps_open(sc->root, mm, VS_FILE_SMAPS_ROLLUP, &m, e);
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
	if (ret == -ESRCH || (ret <= 0 && !vs_root_pid_alive(sc->root, mm)))
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

/* Who the process of @st is, into @r: user, command, and the command
 * line and program when they are shown. */
static void fill_ident(struct scanner *sc, struct pids_stack *st,
		       struct row *r)
{
	r->uid = PIDS_VAL(I_EUID, u_int, st, sc->pids);
	snprintf(r->user, sizeof(r->user), "%s",
		 PIDS_VAL(I_EUSER, str, st, sc->pids));
	snprintf(r->comm, sizeof(r->comm), "%s",
		 PIDS_VAL(I_CMD, str, st, sc->pids));
	if (sc->needs.cmdline)
		r->cmdline = strdup(PIDS_VAL(I_CMDLINE, str, st, sc->pids));
	if (sc->needs.program) {
		const char *exe = PIDS_VAL(I_EXE, str, st, sc->pids);

		/* libproc2 says "-" for an exe it cannot read. */
		r->program = strdup(exe && *exe && strcmp(exe, "-") ?
				    exe : r->comm);
	}
}

/* A row's rollup was read (or failed with @ret): count what could not be
 * read, add its PSS to the system's, and say whether the filters keep
 * it. */
static bool account(struct scanner *sc, struct sample *s, struct row *r,
		    int ret)
{
	if (ret == -EACCES || ret == -EPERM) {
		if (!s->st.unreadable++)
			s->st.first_unreadable_pid = r->pid;
		s->sys.proc_complete = false;
	} else if (ret < 0) {
		s->sys.proc_complete = false;
	}
	r->have_age = r->have & (1u << F_PSS);
	r->age = r->rollup_fresh || r->rollup_mono >= s->mono ? 0 :
		 s->mono - r->rollup_mono;
	s->sys.proc_anon += r->fig[F_PSS_ANON];
	s->sys.proc_file += r->fig[F_PSS_FILE];
	s->sys.proc_shmem += r->fig[F_PSS_SHMEM];
	if (!wanted(sc->flt, r)) {
		s->st.filtered++;
		return false;
	}
	return true;
}

/* Keep what the full scan read of @r (rollup result @ret) for the next
 * samples. */
static int remember(struct scanner *sc, size_t *cap, const struct row *r,
		    int ret)
{
	struct proc *p;

	if (sc->nprocs == *cap) {
		size_t c = *cap ? 2 * *cap : 256;
		void *v = realloc(sc->procs, c * sizeof(*p));

		if (!v)
			return -ENOMEM;
		sc->procs = v;
		*cap = c;
	}
	p = &sc->procs[sc->nprocs++];
	memset(p, 0, sizeof(*p));
	p->pid = r->pid;
	p->start = r->start;
	p->kthread = r->kthread;
	p->slot = sc->next_slot++ % sc->slots;
	p->uid = r->uid;
	memcpy(p->user, r->user, sizeof(p->user));
	memcpy(p->comm, r->comm, sizeof(p->comm));
	p->cmdline = r->cmdline ? strdup(r->cmdline) : NULL;
	p->program = r->program ? strdup(r->program) : NULL;
	p->rollup = ret;
	memcpy(p->fig, r->fig, sizeof(p->fig));
	p->have = r->have & ROLLUP_FIGS;
	p->rollup_mono = r->rollup_mono;
	p->flt = r->fig[F_MINFLT] + r->fig[F_MAJFLT];
	p->rss = r->fig[F_RSS];
	p->vsz = r->fig[F_VSZ];
	return 0;
}

static int cmp_proc(const void *a, const void *b)
{
	const struct proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Make room for one more row of @s; NULL when out of memory. */
static struct row *new_row(struct sample *s)
{
	struct row *r;

	if (s->nrows == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		void *p = realloc(s->rows, cap * sizeof(*r));

		if (!p)
			return NULL;
		s->rows = p;
		s->cap = cap;
	}
	r = &s->rows[s->nrows];
	memset(r, 0, sizeof(*r));
	r->procs = 1;
	return r;
}

/* Every process through libproc2, every rollup read. */
static int scan_full(struct scanner *sc, struct sample *s)
{
	struct pids_fetch *fetch;
	size_t cap = 0;
	struct vs_err e;
	int n;

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
	for (int i = 0; i < n; i++) {
		struct pids_stack *st = fetch->stacks[i];
		struct row *r;
		int ret;

		s->st.seen++;
		r = new_row(s);
		if (!r)
			return -ENOMEM;
		r->pid = PIDS_VAL(I_PID, s_int, st, sc->pids);
		fill_ident(sc, st, r);
		r->state = PIDS_VAL(I_STATE, s_ch, st, sc->pids);
		r->kthread = PIDS_VAL(I_FLAGS, ul_int, st, sc->pids) &
			     VS_PF_KTHREAD;
		r->start = PIDS_VAL(I_BEGAN, ull_int, st, sc->pids);
		if (r->kthread && !sc->flt->kthreads) {
			s->st.kthreads_hidden++;
			goto drop;
		}
		set_fig(r, F_THREADS, (uint64_t)PIDS_VAL(I_NLWP, s_int, st,
							 sc->pids));
		set_fig(r, F_VSZ, PIDS_VAL(I_VSIZE, ul_int, st, sc->pids));
		set_fig(r, F_RSS, (uint64_t)PIDS_VAL(I_VMRSS, ul_int, st,
						     sc->pids) * 1024);
		set_fig(r, F_MINFLT, PIDS_VAL(I_MINFLT, ul_int, st, sc->pids));
		set_fig(r, F_MAJFLT, PIDS_VAL(I_MAJFLT, ul_int, st, sc->pids));
		r->rollup_mono = now(CLOCK_MONOTONIC);
		r->rollup_fresh = true;
		if (r->kthread) {
			for (enum fig f = F_PSS; f <= F_HUGETLB; f++)
				set_fig(r, f, 0);
			ret = 0;
		} else {
			ret = read_rollup(sc, r, &e);
		}
		if (ret == -ESRCH) {
			if (r->state == 'Z' || r->state == 'X')
				s->st.zombies++;
			else
				s->st.vanished++;
			goto drop;
		}
		if (ret < 0 && ret != -EACCES && ret != -EPERM)
			cmd_warn_err(&e);
		if (sc->incremental && remember(sc, &cap, r, ret) < 0)
			return -ENOMEM;
		if (!account(sc, s, r, ret))
			goto drop;
		s->nrows++;
		continue;
drop:
		free(r->cmdline);
		free(r->program);
	}
	if (sc->incremental)
		qsort(sc->procs, sc->nprocs, sizeof(*sc->procs), cmp_proc);
	return 0;
}

/* ---- later --watch samples ------------------------------------------- */

struct plist {
	struct proc *v;
	size_t n, cap;
};

/* The process @pid, as the last sample left it; NULL if it was not in
 * it. */
static struct proc *known(struct scanner *sc, int pid)
{
	struct proc key = { .pid = pid };

	return sc->nprocs ? bsearch(&key, sc->procs, sc->nprocs,
				    sizeof(key), cmp_proc) : NULL;
}

/* Read the stat and statm of @pid and decide what else to read of it. */
static int visit(struct scanner *sc, struct sample *s, int pid,
		 uint64_t tick, struct plist *pl)
{
	struct vs_statm sm;
	struct vs_stat st;
	struct proc *p, *old;
	struct vs_err e;
	int ret;

	ret = vs_stat_read(sc->root, pid, &st, &e);
	if (!ret)
		ret = vs_statm_read(sc->root, pid, &sm, &e);
	if (ret == -ESRCH)
		return 0;		/* gone before it was seen */
	if (ret < 0) {
		cmd_warn_err(&e);
		s->sys.proc_complete = false;
		return 0;
	}
	s->st.seen++;
	if ((st.flags & VS_PF_KTHREAD) && !sc->flt->kthreads) {
		s->st.kthreads_hidden++;
		return 0;
	}
	if (pl->n == pl->cap) {
		size_t c = pl->cap ? 2 * pl->cap : 256;
		void *v = realloc(pl->v, c * sizeof(*p));

		if (!v)
			return -ENOMEM;
		pl->v = v;
		pl->cap = c;
	}
	p = &pl->v[pl->n++];
	old = known(sc, pid);
	if (old && old->start == st.starttime) {
		*p = *old;
		old->cmdline = NULL;	/* moved */
		old->program = NULL;
		p->refresh = false;
	} else {
		memset(p, 0, sizeof(*p));
		p->pid = pid;
		p->start = st.starttime;
		p->kthread = st.flags & VS_PF_KTHREAD;
		p->slot = sc->next_slot++ % sc->slots;
		p->refresh = true;
	}
	p->identified = false;
	p->gone = false;
	p->state = st.state;
	p->threads = st.num_threads > 0 ? (uint64_t)st.num_threads : 0;
	p->cur_vsz = st.vsize;
	p->cur_rss = sm.resident * sc->page;
	p->minflt = st.minflt;
	p->majflt = st.majflt;
	/* A kernel thread has no memory to read again. Another process is
	 * read again when it moved, in its turn, or before its rollup would
	 * be older than the refresh period. */
	if (!p->refresh && !p->kthread)
		p->refresh = p->minflt + p->majflt != p->flt ||
			     p->cur_rss != p->rss || p->cur_vsz != p->vsz ||
			     p->slot == tick % sc->slots ||
			     s->mono - p->rollup_mono > sc->refresh;
	return 0;
}

/* Enumerate the processes a full scan would: the -p list (up to the
 * number libproc2 selects at once), or every one in /proc. */
static int enumerate(struct scanner *sc, struct sample *s, uint64_t tick,
		     struct plist *pl)
{
	struct dirent *d;
	struct vs_err e;
	DIR *dir;
	int fd, ret = 0;

	if (sc->flt->npids && sc->flt->npids <= 128) {
		for (size_t i = 0; i < sc->flt->npids && !ret; i++)
			ret = visit(sc, s, sc->flt->pids[i], tick, pl);
		return ret;
	}
	fd = vs_root_open(sc->root, "/proc", O_RDONLY | O_DIRECTORY, &e);
	if (fd < 0) {
		cmd_warn_err(&e);
		return fd;
	}
	dir = fdopendir(fd);
	if (!dir) {
		ret = -errno;
		close(fd);
		cmd_warn("cannot enumerate the processes in /proc: %s",
			 strerror(-ret));
		return ret;
	}
	while (!ret && (d = readdir(dir))) {
		uint64_t pid;

		if (d->d_name[0] < '1' || d->d_name[0] > '9' ||
		    vs_parse_u64(d->d_name, 10, &pid) < 0 || pid > 0x7fffffff)
			continue;
		ret = visit(sc, s, (int)pid, tick, pl);
	}
	closedir(dir);
	return ret;
}

/* Who the processes to read again are, from libproc2, @n pids at a time:
 * a process it does not find, or finds with another start time (its PID
 * was reused), is gone. Returns 0 or a negative errno (message said). */
static int identify(struct scanner *sc, struct plist *pl, unsigned *pids,
		    int n)
{
	struct pids_fetch *fetch;

	if (!n)
		return 0;
	fetch = procps_pids_select(sc->pids, pids, n, PIDS_SELECT_PID);
	if (!fetch) {
		int err = errno ? errno : EIO;

		cmd_warn("cannot read the processes in /proc: %s",
			 strerror(err));
		return -err;
	}
	for (int i = 0; i < fetch->counts->total; i++) {
		struct pids_stack *st = fetch->stacks[i];
		struct proc key = {
			.pid = PIDS_VAL(I_PID, s_int, st, sc->pids),
		};
		struct proc *p = bsearch(&key, pl->v, pl->n, sizeof(key),
					 cmp_proc);
		struct row r = { 0 };

		if (!p || !p->refresh || p->start !=
		    PIDS_VAL(I_BEGAN, ull_int, st, sc->pids))
			continue;
		fill_ident(sc, st, &r);
		p->uid = r.uid;
		memcpy(p->user, r.user, sizeof(p->user));
		memcpy(p->comm, r.comm, sizeof(p->comm));
		free(p->cmdline);
		free(p->program);
		p->cmdline = r.cmdline;
		p->program = r.program;
		p->identified = true;
	}
	for (int i = 0; i < n; i++) {
		struct proc key = { .pid = (int)pids[i] };
		struct proc *p = bsearch(&key, pl->v, pl->n, sizeof(key),
					 cmp_proc);

		if (p && !p->identified)
			p->gone = true;
	}
	return 0;
}

/* A --watch sample after the first: stat and statm of every process, the
 * rest only of those that moved or whose turn it is. */
static int scan_watch(struct scanner *sc, struct sample *s, uint64_t tick)
{
	struct plist pl = { 0 };
	unsigned batch[128];
	size_t kept = 0, i;
	struct vs_err e;
	int nb = 0, err;

	err = enumerate(sc, s, tick, &pl);
	if (err < 0) {
		procs_free(pl.v, pl.n);
		return err;
	}
	if (pl.n)
		qsort(pl.v, pl.n, sizeof(*pl.v), cmp_proc);
	for (i = 0; i < pl.n && !err; i++) {
		if (!pl.v[i].refresh)
			continue;
		batch[nb++] = (unsigned)pl.v[i].pid;
		if (nb == (int)(sizeof(batch) / sizeof(*batch))) {
			err = identify(sc, &pl, batch, nb);
			nb = 0;
		}
	}
	if (!err)
		err = identify(sc, &pl, batch, nb);
	if (err < 0) {
		procs_free(pl.v, pl.n);
		return err;
	}
	for (i = 0; i < pl.n; i++) {
		struct proc *p = &pl.v[i];
		struct row *r;
		int ret;

		if (p->gone)
			goto vanished;
		r = new_row(s);
		if (!r) {
			err = -ENOMEM;
			break;
		}
		r->pid = p->pid;
		r->uid = p->uid;
		memcpy(r->user, p->user, sizeof(r->user));
		memcpy(r->comm, p->comm, sizeof(r->comm));
		r->cmdline = p->cmdline ? strdup(p->cmdline) : NULL;
		r->program = p->program ? strdup(p->program) : NULL;
		r->state = p->state;
		r->kthread = p->kthread;
		r->start = p->start;
		set_fig(r, F_THREADS, p->threads);
		set_fig(r, F_VSZ, p->cur_vsz);
		set_fig(r, F_RSS, p->cur_rss);
		set_fig(r, F_MINFLT, p->minflt);
		set_fig(r, F_MAJFLT, p->majflt);
		if (p->kthread) {
			for (enum fig f = F_PSS; f <= F_HUGETLB; f++)
				set_fig(r, f, 0);
			r->rollup_mono = now(CLOCK_MONOTONIC);
			r->rollup_fresh = true;
			ret = 0;
		} else if (p->refresh) {
			r->rollup_mono = now(CLOCK_MONOTONIC);
			r->rollup_fresh = true;
			ret = read_rollup(sc, r, &e);
			if (ret == -ESRCH) {
				free(r->cmdline);
				free(r->program);
				if (r->state == 'Z' || r->state == 'X') {
					s->st.zombies++;
					goto left_out;
				}
				goto vanished;
			}
			if (ret < 0 && ret != -EACCES && ret != -EPERM)
				cmd_warn_err(&e);
			p->rollup = ret;
			memcpy(p->fig, r->fig, sizeof(p->fig));
			p->have = r->have & ROLLUP_FIGS;
			p->rollup_mono = r->rollup_mono;
			p->flt = p->minflt + p->majflt;
			p->rss = p->cur_rss;
			p->vsz = p->cur_vsz;
		} else {
			for (enum fig f = F_PSS; f <= F_HUGETLB; f++)
				r->fig[f] = p->fig[f];
			r->have |= p->have;
			r->rollup_mono = p->rollup_mono;
			ret = p->rollup;
		}
		if (account(sc, s, r, ret)) {
			s->nrows++;
		} else {
			free(r->cmdline);
			free(r->program);
		}
		pl.v[kept++] = *p;
		continue;
vanished:
		s->st.vanished++;
left_out:
		free(p->cmdline);
		free(p->program);
	}
	for (; i < pl.n; i++) {		/* left by an error */
		free(pl.v[i].cmdline);
		free(pl.v[i].program);
	}
	procs_free(sc->procs, sc->nprocs);
	sc->procs = pl.v;
	sc->nprocs = kept;
	return err;
}

int scanner_run(struct scanner *sc, struct sample *s, uint64_t tick)
{
	int ret;

	sample_clear(s);
	s->time = now(CLOCK_REALTIME);
	s->mono = now(CLOCK_MONOTONIC);
	s->sys.proc_complete = true;
	if (sc->incremental && sc->primed) {
		ret = scan_watch(sc, s, tick);
	} else {
		procs_free(sc->procs, sc->nprocs);
		sc->procs = NULL;
		sc->nprocs = 0;
		ret = scan_full(sc, s);
		sc->primed = ret == 0;
	}
	if (ret < 0)
		return ret;
	read_meminfo(sc, &s->sys);
	if (sc->needs.memgap) {
		static bool warned;
		struct vs_err e;

		if (vs_memgap_read(sc->root, (uint64_t)sysconf(_SC_PAGESIZE),
				   &s->sys.gap, &e) < 0 &&
		    !warned) {
			warned = true;
			cmd_warn("%s; no check of MemFree against the zones' "
				 "free pages", e.msg);
		}
	}
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
			{ R_RSS, F_RSS },
		};
		uint32_t pss = 1u << F_PSS;
		double span;

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
		/* PSS changes only where the rollup was read: between the last
		 * two reads, which may be further apart than the samples.
		 * Without a read in this sample it is unknown. */
		span = r->rollup_mono - p->rollup_mono;
		if (r->rollup_fresh && (r->have & p->have & pss) && span > 0) {
			r->rate[R_PSS] = ((double)r->fig[F_PSS] -
					  (double)p->fig[F_PSS]) / span;
			r->have_rate |= 1u << R_PSS;
		}
	}
	free(sorted);
}
