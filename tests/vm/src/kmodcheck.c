/* kmodcheck.c - the VM suite's checks of vmscope.ko, run inside the guest.
 *
 *   kmodcheck info [-q]        INFO against uname, sysconf, cpuinfo, mmap
 *   kmodcheck nomodule         the library's message when it is not loaded
 *   kmodcheck buddy            BUDDY against buddyinfo, pagetypeinfo, zoneinfo
 *   kmodcheck slab             SLAB against slabinfo and /sys/kernel/slab
 *   kmodcheck tlb              TLB against a pinned spinner, the walk, tracefs
 *   kmodcheck walk PID         WALK of a stopped process against pagemap,
 *                              maps, smaps_rollup and status
 *   kmodcheck features         WALK of prepared pages: bits, pkeys,
 *                              PROT_NONE, hugetlb, THP, against smaps/pagemap
 *   kmodcheck badargs          bad requests get clean errors
 *   kmodcheck perms            the device is root-only
 *   kmodcheck forkwalk N       walks racing with fork, exit and munmap
 *   kmodcheck budget           WALK of empty PTE tables: bounded holds
 *   kmodcheck stress S         walks while THPs split, collapse, move
 *   kmodcheck access           ptrace rules; CR3 and table frames hidden
 *   kmodcheck zombie           a zombie leader walked through its thread
 *   kmodcheck lockdown         under lockdown=confidentiality
 *   kmodcheck slablimit N      loaded with partial_limit=N
 *
 * It prints TAP lines without numbers ("ok - ...", "not ok - ...",
 * "# ..."), which tests/vm/run numbers. It runs in a busybox initramfs:
 * everything it compares with is read from /proc and /sys (procfs.h), by code
 * that shares nothing with the module's way of getting the figure. Live
 * figures drift: each comparison of a changing figure reads the
 * independent source before and after the module, and counts only an
 * attempt in which both readings agree with each other; it then requires
 * the module to agree exactly, retrying a bounded number of times.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "procfs.h"
#include "tap.h"
#include "vs_kmod.h"

_Static_assert(PROC_ORDERS >= VS_KMOD_ORDERS,
	       "procfs.h's rows hold every order");

static void diag_err(const struct vs_err *e)
{
	diag("error: %s", e->msg);
	if (e->hint[0])
		diag("hint: %s", e->hint);
}

/* ---- helpers -------------------------------------------------------- */

static bool write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok;
}

static struct vs_kmod *open_kmod(void)
{
	struct vs_kmod *k;
	struct vs_err e;

	vs_err_clear(&e);
	if (vs_kmod_open(NULL, &k, &e) < 0) {
		tap(false, "open %s", VS_KMOD_DEVICE);
		diag_err(&e);
		return NULL;
	}
	return k;
}

static void pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Whether user space reaches 56 bits: mmap at a 50-bit hint only lands
 * there with 5-level paging. */
static int probe_levels(void)
{
	void *hint = (void *)(1ul << 50);
	void *p = mmap(hint, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
		       MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED)
		return 4;
	munmap(p, 4096);
	return p == hint ? 5 : 4;
}

/* ---- info ----------------------------------------------------------- */

static int count_nodes(void)
{
	int n = 0;

	for (int i = 0; i < 1024; i++) {
		char path[64];

		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d",
			 i);
		if (access(path, F_OK) == 0)
			n++;
	}
	return n;
}

static int cmd_info(bool quiet)
{
	const struct vs_kmod_info *in;
	struct vs_kmod *k = open_kmod();
	struct utsname u;
	char *vuln;
	bool pti;

	if (!k)
		return 1;
	in = vs_kmod_info(k);
	if (quiet) {
		vs_kmod_close(k);
		return in->abi_version == VS_KMOD_ABI_VERSION ? 0 : 1;
	}
	uname(&u);
	diag("vmscope.ko %s, ABI %u, kernel %s, features 0x%x, %u CPUs, "
	     "%u nodes, %u levels", in->module_version, in->abi_version,
	     in->release, in->features, in->online_cpus, in->online_nodes,
	     in->pgtable_levels);
	tap(in->abi_version == VS_KMOD_ABI_VERSION &&
	    !strcmp(in->module_version, "0.1.0"),
	    "INFO: ABI version %u, module 0.1.0", in->abi_version);
	tap(!strcmp(in->release, u.release),
	    "INFO: kernel release '%s' is uname's '%s'", in->release,
	    u.release);
	tap((long)in->online_cpus == sysconf(_SC_NPROCESSORS_ONLN),
	    "INFO: %u online CPUs, sysconf says %ld", in->online_cpus,
	    sysconf(_SC_NPROCESSORS_ONLN));
	tap((int)in->online_nodes == count_nodes(),
	    "INFO: %u online nodes, /sys/devices/system/node has %d",
	    in->online_nodes, count_nodes());
	tap((int)in->pgtable_levels == probe_levels(),
	    "INFO: %u-level paging, an mmap hint at 2^50 says %d",
	    in->pgtable_levels, probe_levels());
	tap(!!(in->features & VS_KMOD_F_PCID) == cpuinfo_has("pcid"),
	    "INFO: PCID %s, /proc/cpuinfo %s pcid",
	    in->features & VS_KMOD_F_PCID ? "on" : "off",
	    cpuinfo_has("pcid") ? "has" : "lacks");
	tap(!!(in->features & VS_KMOD_F_PKU) == cpuinfo_has("ospke"),
	    "INFO: protection keys %s, /proc/cpuinfo %s ospke",
	    in->features & VS_KMOD_F_PKU ? "on" : "off",
	    cpuinfo_has("ospke") ? "has" : "lacks");
	vuln = slurp("/sys/devices/system/cpu/vulnerabilities/meltdown");
	pti = vuln && strstr(vuln, "PTI");
	tap(!!(in->features & VS_KMOD_F_PTI) == pti,
	    "INFO: PTI %s, the meltdown file says '%.40s'",
	    in->features & VS_KMOD_F_PTI ? "on" : "off",
	    vuln ? strtok(vuln, "\n") : "(none)");
	free(vuln);
	tap(in->features & VS_KMOD_F_SLAB, "INFO: the SLAB view is available");
	tap(in->features & VS_KMOD_F_TLB_TRACE,
	    "INFO: tlb:tlb_flush is being counted");
	vs_kmod_close(k);
	return tap_failures ? 1 : 0;
}

static int cmd_nomodule(void)
{
	struct vs_kmod *k;
	struct vs_err e;
	int err;

	vs_err_clear(&e);
	err = vs_kmod_open(NULL, &k, &e);
	tap(err == -ENOENT && strstr(e.msg, "not loaded") &&
	    strstr(e.hint, "modprobe vmscope"),
	    "without the module the library says '%s' (%s)", e.msg, e.hint);
	if (!err)
		vs_kmod_close(k);
	tap(strlen(vs_kmod_adds(VS_KMOD_VIEW_BUDDY)) > 20 &&
	    strlen(vs_kmod_adds(VS_KMOD_VIEW_WALK)) > 20,
	    "the library says what loading the module adds");
	return tap_failures ? 1 : 0;
}

/* ---- buddy ---------------------------------------------------------- */

/* The module's nr_free as buddyinfo rows. */
static int buddy_rows(const struct vs_km_buddy *b, struct zrow *rows)
{
	int n = 0;

	for (size_t i = 0; i < b->nzones && n < MAXZ; i++, n++) {
		const struct vs_km_buddy_zone *z = &b->zones[i];

		rows[n].node = z->node;
		snprintf(rows[n].zone, sizeof(rows[n].zone), "%s", z->name);
		rows[n].n = (int)z->orders;
		for (unsigned o = 0; o < z->orders; o++)
			rows[n].v[o] = z->nr_free[o];
	}
	return n;
}

/* What the module's lock-budget rules (kmod/buddy.c) make of lists of
 * lengths @len (by VS_MT_*, -1: no such list) with @budget entries per
 * hold: the VS_COUNT_* of each. One hold walks the lists in the order
 * Unmovable, Reclaimable, HighAtomic, CMA, Isolate, Movable, sharing the
 * budget; one unfinished list is derived; with two or more, a second hold
 * skips the longest seen and walks the others afresh. */
static void budget_rules(const long *len, unsigned budget, unsigned char *q)
{
	static const int walk_order[] = {
		VS_MT_UNMOVABLE, VS_MT_RECLAIMABLE, VS_MT_HIGHATOMIC,
		VS_MT_CMA, VS_MT_ISOLATE, VS_MT_MOVABLE,
	};
	/* The kernel's enum order, in which the longest is chosen. */
	static const int enum_order[] = {
		VS_MT_UNMOVABLE, VS_MT_MOVABLE, VS_MT_RECLAIMABLE,
		VS_MT_HIGHATOMIC, VS_MT_CMA, VS_MT_ISOLATE,
	};
	long cnt[VS_MT__COUNT], cnt2[VS_MT__COUNT];
	bool done[VS_MT__COUNT], done2[VS_MT__COUNT];
	int open = 0, longest = -1;

	for (int pass = 1; pass <= 2; pass++) {
		long b = budget;
		long *c = pass == 1 ? cnt : cnt2;
		bool *d = pass == 1 ? done : done2;

		if (pass == 2 && open < 2)
			break;
		for (int i = 0; i < VS_MT__COUNT; i++) {
			int mt = walk_order[i];

			c[mt] = 0;
			d[mt] = false;
			if (len[mt] < 0 || (pass == 2 && mt == longest))
				continue;
			if (len[mt] <= b) {
				c[mt] = len[mt];
				b -= len[mt];
				d[mt] = true;
			} else {
				c[mt] = b;
				b = 0;
			}
		}
		if (pass == 1)
			for (int i = 0; i < VS_MT__COUNT; i++) {
				int mt = enum_order[i];

				if (len[mt] < 0 || done[mt])
					continue;
				open++;
				if (longest < 0 || cnt[mt] > cnt[longest])
					longest = mt;
			}
	}
	for (int mt = 0; mt < VS_MT__COUNT; mt++)
		q[mt] = len[mt] < 0 ? VS_COUNT_ABSENT :
			done[mt] ? VS_COUNT_EXACT : VS_COUNT_LOWER_BOUND;
	if (open == 1) {
		q[longest] = VS_COUNT_DERIVED;
	} else if (open >= 2) {
		bool all = true;

		for (int mt = 0; mt < VS_MT__COUNT; mt++)
			if (len[mt] >= 0 && mt != longest && !done2[mt])
				all = false;
		if (all)
			for (int mt = 0; mt < VS_MT__COUNT; mt++)
				q[mt] = len[mt] < 0 ? VS_COUNT_ABSENT :
					mt == longest ? VS_COUNT_DERIVED :
					VS_COUNT_EXACT;
	}
}

/* Compare pagetypeinfo rows with the module; @why gets the first
 * difference. With @budget, the module's VS_COUNT_* must also be what its
 * budget rules make of pagetypeinfo's list lengths. Exact and derived counts must be equal; a lower bound must
 * not exceed the real count; pagetypeinfo's capped ">100000" must be
 * at most the module's. */
static bool pt_matches(const struct vs_km_buddy *b, const struct ptrow *rows,
		       int n, unsigned budget, char *why, size_t wsize)
{
	int matched = 0;

	for (size_t i = 0; i < b->nzones; i++) {
		const struct vs_km_buddy_zone *z = &b->zones[i];
		long len[VS_KMOD_ORDERS][VS_MT__COUNT];

		for (unsigned o = 0; o < VS_KMOD_ORDERS; o++)
			for (int mt = 0; mt < VS_MT__COUNT; mt++)
				len[o][mt] = -1;

		for (int mt = 0; mt < VS_MT__COUNT; mt++) {
			const struct ptrow *r = NULL;

			if (!(z->mtypes & (1u << mt)))
				continue;
			for (int j = 0; j < n; j++)
				if (rows[j].node == z->node &&
				    !strcmp(rows[j].zone, z->name) &&
				    !strcmp(rows[j].type,
					    vs_migratetype_name(mt)))
					r = &rows[j];
			if (!r || r->n != (int)z->orders) {
				snprintf(why, wsize, "no pagetypeinfo row for "
					 "node %d %s %s", z->node, z->name,
					 vs_migratetype_name(mt));
				return false;
			}
			matched++;
			for (unsigned o = 0; o < z->orders; o++) {
				uint64_t pv = r->v[o] & ~PT_OVER;
				uint64_t mv = z->free[o][mt];
				bool ok;

				len[o][mt] = (long)pv;

				if (r->v[o] & PT_OVER)
					ok = z->quality[o][mt] ==
					     VS_COUNT_LOWER_BOUND || mv >= pv;
				else if (z->quality[o][mt] == VS_COUNT_LOWER_BOUND)
					ok = mv <= pv;
				else
					ok = mv == pv;
				if (!ok) {
					snprintf(why, wsize, "node %d %s %s "
						 "order %u: module %" PRIu64
						 " (%s), pagetypeinfo %s%" PRIu64,
						 z->node, z->name,
						 vs_migratetype_name(mt), o, mv,
						 z->quality[o][mt] ==
						 VS_COUNT_LOWER_BOUND ?
						 "at least" : "exact",
						 r->v[o] & PT_OVER ? ">" : "",
						 pv);
					return false;
				}
			}
		}
		for (unsigned o = 0; budget && o < z->orders; o++) {
			unsigned char q[VS_MT__COUNT];

			budget_rules(len[o], budget, q);
			for (int mt = 0; mt < VS_MT__COUNT; mt++) {
				if (q[mt] == z->quality[o][mt])
					continue;
				snprintf(why, wsize, "node %d %s order %u %s: "
					 "the module's count is of kind %u, "
					 "its budget rules give %u", z->node,
					 z->name, o, vs_migratetype_name(mt),
					 z->quality[o][mt], q[mt]);
				return false;
			}
		}
	}
	if (matched != n) {
		snprintf(why, wsize, "pagetypeinfo has %d rows, the module %d",
			 n, matched);
		return false;
	}
	return true;
}

/* Compare the populated zones of zoneinfo with the module's. */
static bool zi_matches(const struct vs_km_buddy *b, const struct zinfo *zi,
		       int n, char *why, size_t wsize)
{
	size_t seen = 0;

	for (int i = 0; i < n; i++) {
		const struct zinfo *r = &zi[i];
		const struct vs_km_buddy_zone *z = NULL;

		if (!r->present)
			continue;	/* buddyinfo and BUDDY skip these */
		for (size_t j = 0; j < b->nzones; j++)
			if (b->zones[j].node == r->node &&
			    !strcmp(b->zones[j].name, r->zone))
				z = &b->zones[j];
		if (!z) {
			snprintf(why, wsize, "no record for node %d %s",
				 r->node, r->zone);
			return false;
		}
		seen++;
		if (z->free_pages != r->free || z->wmark_boost != r->boost ||
		    z->wmark_min + z->wmark_boost != r->min ||
		    z->wmark_low + z->wmark_boost != r->low ||
		    z->wmark_high + z->wmark_boost != r->high ||
		    z->spanned != r->spanned || z->present != r->present ||
		    z->managed != r->managed) {
			snprintf(why, wsize, "node %d %s: module free %" PRIu64
				 " min %" PRIu64 " low %" PRIu64 " high %"
				 PRIu64 " managed %" PRIu64 ", zoneinfo %"
				 PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
				 " %" PRIu64, r->node, r->zone, z->free_pages,
				 z->wmark_min + z->wmark_boost,
				 z->wmark_low + z->wmark_boost,
				 z->wmark_high + z->wmark_boost, z->managed,
				 r->free, r->min, r->low, r->high, r->managed);
			return false;
		}
		if ((int)z->pcp_count != r->ncpu) {
			snprintf(why, wsize, "node %d %s: %zu per-CPU lists, "
				 "zoneinfo %d", r->node, r->zone, z->pcp_count,
				 r->ncpu);
			return false;
		}
		for (int c = 0; c < r->ncpu; c++) {
			const struct vs_km_buddy_pcp *p = &b->pcp[z->pcp_first + c];

			if (p->cpu != r->cpu[c] || p->count != r->count[c] ||
			    p->high != r->phigh[c] || p->batch != r->batch[c]) {
				snprintf(why, wsize, "node %d %s CPU %d: count "
					 "%d high %d batch %d, zoneinfo %ld "
					 "%ld %ld", r->node, r->zone, p->cpu,
					 p->count, p->high, p->batch,
					 r->count[c], r->phigh[c], r->batch[c]);
				return false;
			}
		}
	}
	if (seen != b->nzones) {
		snprintf(why, wsize, "%zu zones in the module, %zu populated "
			 "in zoneinfo", b->nzones, seen);
		return false;
	}
	return true;
}

#define TRIES 30
#define SMALL_BUDGET 1	/* hold_budget= of the init script's second load */
#define DEFAULT_BUDGET 4096	/* vmscope(4): entries per zone-lock hold */

/* A child that frees every other page of 128 MiB it touched: thousands of
 * order-0 blocks whose buddies stay in use, a free list longer than one
 * hold may walk. Returns its PID (kill it), or -1. */
static pid_t fragmenter(void)
{
	int p[2];
	pid_t c;
	char ok;

	if (pipe(p) < 0)
		return -1;
	c = fork();
	if (c == 0) {
		size_t len = 128u << 20;
		char *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m != MAP_FAILED) {
			madvise(m, len, MADV_NOHUGEPAGE);
			for (size_t i = 0; i < len; i += 4096)
				m[i] = 1;
			for (size_t i = 0; i < len; i += 8192)
				madvise(m + i, 4096, MADV_DONTNEED);
		}
		(void)!write(p[1], "x", 1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (c < 0 || read(p[0], &ok, 1) != 1) {
		close(p[0]);
		return -1;
	}
	close(p[0]);
	return c;
}

/* The longest free list of pagetypeinfo (pagetypeinfo caps at 100,000). */
static uint64_t longest_list(void)
{
	static struct ptrow rows[MAXZ * 8];
	int n = read_pagetypeinfo(rows, MAXZ * 8);
	uint64_t max = 0;

	for (int i = 0; i < n; i++)
		for (int o = 0; o < rows[i].n; o++)
			if (rows[i].v[o] > max)
				max = rows[i].v[o];
	return max;
}

static int cmd_buddy(bool small_budget)
{
	static struct zrow a[MAXZ], m[MAXZ], bb[MAXZ];
	static struct ptrow pa[MAXZ * 8], pb[MAXZ * 8];
	static struct zinfo za[MAXZ], zb[MAXZ];
	const char *tag = small_budget ? " (hold_budget=1)" : "";

	_Static_assert(SMALL_BUDGET == 1, "the tag says 1");
	struct vs_kmod *k = open_kmod();
	struct vs_km_buddy *b = NULL;
	struct vs_err e;
	char why[512] = "";
	int t, na, nm, nb, q[4] = { 0 };
	unsigned max_walk = 0;
	uint64_t max_ns = 0, longest;
	pid_t frag = -1;
	bool ok;

	if (!k)
		return 1;
	vs_err_clear(&e);
	if (!small_budget)
		frag = fragmenter();

	/* nr_free per order against /proc/buddyinfo. */
	ok = false;
	for (t = 1; t <= TRIES && !ok; t++) {
		vs_km_buddy_free(b);
		b = NULL;
		na = read_buddyinfo(a);
		if (vs_kmod_buddy(k, &b, &e) < 0)
			break;
		nb = read_buddyinfo(bb);
		if (!same_rows(a, na, bb, nb))
			continue;	/* buddyinfo moved: try again */
		nm = buddy_rows(b, m);
		ok = same_rows(a, na, m, nm);
		if (!ok)
			snprintf(why, sizeof(why), "%d zones in buddyinfo, %d "
				 "from the module; first zone order 0: %" PRIu64
				 " vs %" PRIu64, na, nm, na ? a[0].v[0] : 0,
				 nm ? m[0].v[0] : 0);
	}
	if (!b) {
		tap(false, "BUDDY%s: the request works", tag);
		diag_err(&e);
		vs_kmod_close(k);
		return 1;
	}
	if (!tap(ok, "BUDDY%s: free blocks per order of %zu zones equal "
		 "/proc/buddyinfo (attempt %d)", tag, b->nzones, t - 1))
		diag("%s", why);

	/* Per migrate type against /proc/pagetypeinfo. */
	ok = false;
	for (t = 1; t <= TRIES && !ok; t++) {
		int n1, n2;

		n1 = read_pagetypeinfo(pa, MAXZ * 8);
		vs_km_buddy_free(b);
		b = NULL;
		if (vs_kmod_buddy(k, &b, &e) < 0)
			break;
		n2 = read_pagetypeinfo(pb, MAXZ * 8);
		if (!same_pt(pa, n1, pb, n2))
			continue;
		ok = pt_matches(b, pa, n1, small_budget ? SMALL_BUDGET :
				DEFAULT_BUDGET, why, sizeof(why));
	}
	if (!tap(ok && b, "BUDDY%s: free blocks per order and migrate type "
		 "equal /proc/pagetypeinfo%s (attempt %d)", tag, small_budget ?
		 ", and which are exact, derived or lower bounds follows from "
		 "its list lengths" : "", t - 1))
		diag("%s", b ? why : e.msg);

	/* Counts that had to be derived or bounded: how often. */
	for (size_t i = 0; b && i < b->nzones; i++) {
		const struct vs_km_buddy_zone *z = &b->zones[i];

		for (unsigned o = 0; o < z->orders; o++)
			for (int mt = 0; mt < VS_MT__COUNT; mt++)
				q[z->quality[o][mt]]++;
		diag("node %d %-8s %u lock holds, at most %u list entries "
		     "in one, the longest %.1f us", z->node, z->name,
		     z->lock_holds, z->max_hold_walk, z->max_hold_ns / 1e3);
		if (z->max_hold_walk > max_walk)
			max_walk = z->max_hold_walk;
		if (z->max_hold_ns > max_ns)
			max_ns = z->max_hold_ns;
	}
	longest = longest_list();
	diag("counts: %d exact, %d derived, %d lower bounds", q[1], q[2], q[3]);
	if (small_budget) {
		tap(q[2] > 0, "BUDDY%s: a small lock budget gives derived "
		    "counts (%d; lower bounds: %d)", tag, q[2], q[3]);
	} else {
		/* The documented default, on a list longer than it. */
		tap(b && longest > DEFAULT_BUDGET && max_walk <= DEFAULT_BUDGET &&
		    q[2] > 0,
		    "BUDDY: no zone-lock hold walked more than %d list entries "
		    "(at most %u, the longest %.1f us under TCG) though "
		    "pagetypeinfo's longest list has %" PRIu64 " (a child "
		    "freed every other page of 128 MiB); %d counts derived",
		    DEFAULT_BUDGET, max_walk, max_ns / 1e3, longest, q[2]);
	}

	/* Watermarks, sizes, free pages and per-CPU lists against
	 * /proc/zoneinfo. */
	ok = false;
	for (t = 1; t <= TRIES && !ok; t++) {
		int n1 = read_zoneinfo(za, MAXZ), n2;
		char w2[512];

		vs_km_buddy_free(b);
		b = NULL;
		if (vs_kmod_buddy(k, &b, &e) < 0)
			break;
		n2 = read_zoneinfo(zb, MAXZ);
		/* Both readings must agree with the module. */
		ok = zi_matches(b, za, n1, why, sizeof(why)) &&
		     zi_matches(b, zb, n2, w2, sizeof(w2));
	}
	if (!tap(ok && b, "BUDDY%s: watermarks, zone sizes, free pages and "
		 "per-CPU lists equal /proc/zoneinfo (attempt %d)", tag, t - 1))
		diag("%s", b ? why : e.msg);
	if (frag > 0) {
		kill(frag, SIGKILL);
		waitpid(frag, NULL, 0);
	}
	vs_km_buddy_free(b);
	vs_kmod_close(k);
	return tap_failures ? 1 : 0;
}

/* ---- slab ----------------------------------------------------------- */

static int cmd_slab(void)
{
	static struct srow a[4096], bb[4096];
	struct vs_kmod *k = open_kmod();
	struct vs_km_slab *s = NULL;
	struct vs_err e;
	bool *done = NULL;
	size_t ndone = 0, ncaches = 0;
	int t, na = 0, nb, missing = 0;
	char why[512] = "";

	if (!k)
		return 1;
	vs_err_clear(&e);
	/* Each cache must match slabinfo in an attempt where slabinfo did
	 * not move for it. */
	for (t = 1; t <= TRIES; t++) {
		na = read_slabinfo(a, 4096);
		vs_km_slab_free(s);
		s = NULL;
		if (vs_kmod_slab(k, &s, &e) < 0)
			break;
		nb = read_slabinfo(bb, 4096);
		if (!done) {
			ncaches = s->ncaches;
			done = calloc(ncaches, sizeof(*done));
		}
		if (s->ncaches != ncaches || !done)
			continue;	/* a cache came or went */
		ndone = 0;
		missing = 0;
		for (size_t i = 0; i < s->ncaches; i++) {
			const struct vs_km_slab_cache *c = &s->caches[i];
			const struct srow *r1 = find_srow(a, na, c->name);
			const struct srow *r2 = find_srow(bb, nb, c->name);
			struct srow m;

			if (!r1) {
				missing++;
				snprintf(why, sizeof(why), "'%s' is not in "
					 "/proc/slabinfo", c->name);
				continue;
			}
			snprintf(m.name, sizeof(m.name), "%s", c->name);
			m.active = c->objects;
			m.num = c->total_objects;
			m.objsize = c->size;
			m.perslab = c->objs_per_slab;
			m.pages = 1ul << c->order;
			m.slabs = c->slabs;
			if (!done[i] && srow_eq(r1, r2) && srow_eq(r1, &m))
				done[i] = true;
			if (!done[i] && srow_eq(r1, r2))
				snprintf(why, sizeof(why), "'%s': module %lu "
					 "%lu %lu %lu %lu %lu, slabinfo %lu %lu "
					 "%lu %lu %lu %lu", c->name, m.active,
					 m.num, m.objsize, m.perslab, m.pages,
					 m.slabs, r1->active, r1->num,
					 r1->objsize, r1->perslab, r1->pages,
					 r1->slabs);
			ndone += done[i];
		}
		if (ndone == ncaches)
			break;
	}
	if (!s) {
		tap(false, "SLAB: the request works");
		diag_err(&e);
		vs_kmod_close(k);
		return 1;
	}
	tap(s->ncaches == (size_t)na && !missing,
	    "SLAB: %zu caches, /proc/slabinfo lists %d", s->ncaches, na);
	if (!tap(ndone == ncaches && ncaches > 0, "SLAB: objects in use, "
		 "slots, slot size, objects per slab, pages per slab and slabs "
		 "of %zu/%zu caches equal /proc/slabinfo (%d attempts)", ndone,
		 ncaches, t > TRIES ? TRIES : t))
		diag("%s", why);

	/* Against /sys/kernel/slab: what the module read through SLUB's own
	 * show() methods, checked for the plumbing (names, per-node split,
	 * flags) against the files user space reads. */
	{
		size_t flag_bad = 0, static_bad = 0, node_bad = 0, checked = 0;
		static const struct {
			const char *file;
			unsigned flag;
		} flagfiles[] = {
			{ "hwcache_align", VS_SLAB_F_HWCACHE_ALIGN },
			{ "reclaim_account", VS_SLAB_F_RECLAIM_ACCOUNT },
			{ "destroy_by_rcu", VS_SLAB_F_TYPESAFE_BY_RCU },
			{ "cache_dma", VS_SLAB_F_CACHE_DMA },
			{ "poison", VS_SLAB_F_POISON },
			{ "red_zone", VS_SLAB_F_RED_ZONE },
			{ "store_user", VS_SLAB_F_STORE_USER },
			{ "sanity_checks", VS_SLAB_F_CONSISTENCY_CHECKS },
			{ "trace", VS_SLAB_F_TRACE },
		};
		char w1[256] = "", w3[256] = "";

		for (size_t i = 0; i < s->ncaches; i++) {
			const struct vs_km_slab_cache *c = &s->caches[i];
			uint64_t tot, nodes[64];
			bool node_ok = false;

			checked++;
			for (size_t f = 0; f < sizeof(flagfiles) /
						sizeof(*flagfiles); f++) {
				long v = sysfs_num(c->sysfs_name,
						   flagfiles[f].file);

				if (v < 0 || !!v != !!(c->vflags &
						       flagfiles[f].flag)) {
					flag_bad++;
					snprintf(w1, sizeof(w1), "'%s' %s: "
						 "sysfs %ld", c->sysfs_name,
						 flagfiles[f].file, v);
				}
			}
			if (sysfs_num(c->sysfs_name, "slab_size") != (long)c->size ||
			    sysfs_num(c->sysfs_name, "object_size") !=
			    (long)c->object_size ||
			    sysfs_num(c->sysfs_name, "align") != (long)c->align ||
			    sysfs_num(c->sysfs_name, "order") != (long)c->order ||
			    sysfs_num(c->sysfs_name, "objs_per_slab") !=
			    (long)c->objs_per_slab ||
			    sysfs_num(c->sysfs_name, "aliases") !=
			    (c->refcount < 0 ? 0 : (long)c->refcount - 1) ||
			    sysfs_num(c->sysfs_name, "min_partial") !=
			    (long)c->min_partial ||
			    sysfs_num(c->sysfs_name, "cpu_partial") !=
			    (long)c->cpu_partial) {
				if (static_bad++ < 5)
					diag("'%s': size %u object %u align %u "
					     "order %u objects %u refs %d min "
					     "partial %" PRIu64 " cpu partial %u",
					     c->sysfs_name, c->size,
					     c->object_size, c->align, c->order,
					     c->objs_per_slab, c->refcount,
					     c->min_partial, c->cpu_partial);
			}
			/* Partial slabs per node drift: re-read the module
			 * until both agree (a few tries). */
			for (int tt = 0; tt < 10 && !node_ok; tt++) {
				struct vs_km_slab *s2 = NULL;
				const struct vs_km_slab_cache *c2;

				if (!sysfs_nodes(c->sysfs_name, "partial",
						 &tot, nodes, 64))
					break;
				if (tt == 0) {
					c2 = c;
				} else {
					if (vs_kmod_slab(k, &s2, &e) < 0 ||
					    s2->ncaches != s->ncaches) {
						vs_km_slab_free(s2);
						continue;
					}
					c2 = &s2->caches[i];
				}
				node_ok = c2->partial_slabs == tot;
				for (size_t j = 0; node_ok &&
				     j < c2->node_count; j++) {
					const struct vs_km_slab_node *n =
						&(tt ? s2 : s)->nodes[c2->node_first + j];

					node_ok = n->node < 64 &&
						  n->partial_slabs ==
						  nodes[n->node];
				}
				vs_km_slab_free(s2);
			}
			if (!node_ok) {
				node_bad++;
				snprintf(w3, sizeof(w3), "'%s': partial per "
					 "node differs from sysfs",
					 c->sysfs_name);
			}
		}
		if (!tap(!flag_bad, "SLAB: the flags of %zu caches equal their "
			 "/sys/kernel/slab flag files", checked))
			diag("%zu differ; %s", flag_bad, w1);
		if (!tap(!static_bad, "SLAB: sizes, alignment, order, objects "
			 "per slab, aliases and partial limits of %zu caches "
			 "equal /sys/kernel/slab", checked))
			diag("%zu differ", static_bad);
		if (!tap(!node_bad, "SLAB: partial slabs per node of %zu caches "
			 "equal /sys/kernel/slab/*/partial", checked))
			diag("%zu differ; %s", node_bad, w3);
	}
	{
		size_t with_nodes = 0, nodes_total = 0;

		for (size_t i = 0; i < s->ncaches; i++) {
			nodes_total += s->caches[i].node_count;
			with_nodes += s->caches[i].node_count ==
				      vs_kmod_info(k)->online_nodes;
		}
		tap(with_nodes == s->ncaches, "SLAB: every cache has a record "
		    "for each of the %u online nodes (%zu node records)",
		    vs_kmod_info(k)->online_nodes, nodes_total);
	}
	free(done);
	vs_km_slab_free(s);
	vs_kmod_close(k);
	return tap_failures ? 1 : 0;
}

/* ---- walk: collecting and comparing --------------------------------- */

struct leaves {
	struct vs_pt_entry *v;
	size_t n, cap;
};

static int collect(const struct vs_pt_entry *e, void *arg)
{
	struct leaves *l = arg;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		struct vs_pt_entry *nv = realloc(l->v, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = *e;
	return 0;
}

static uint64_t user_top(const struct vs_kmod *k)
{
	return vs_kmod_info(k)->pgtable_levels == 5 ? 1ull << 56 : 1ull << 47;
}

/* The leaf covering @addr, or NULL (leaves are sorted). */
static const struct vs_pt_entry *leaf_at(const struct leaves *l,
					 uint64_t addr)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct vs_pt_entry *e = &l->v[mid];

		if (addr < e->addr)
			hi = mid;
		else if (addr >= e->addr + e->size)
			lo = mid + 1;
		else
			return e;
	}
	return NULL;
}

/* Every page of every mapping of @pid: pagemap and the walk agree on
 * presence and PFN (and swap entries). Returns the pages compared, or -1
 * with @why set. */
static long compare_pagemap(pid_t pid, const struct leaves *l, char *why,
			    size_t wsize)
{
	static struct vma v[70000];
	char path[64];
	int n = read_maps(pid, v, 70000), fd;
	long pages = 0;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || n <= 0) {
		snprintf(why, wsize, "cannot read %s or maps", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		for (uint64_t a = v[i].start; a < v[i].end; a += 4096) {
			const struct vs_pt_entry *e = leaf_at(l, a);
			uint64_t pm;
			bool wpresent;

			if (v[i].start >= 0xffff800000000000ull)
				break;	/* [vsyscall]: not in the mm */
			if (pread(fd, &pm, 8, (off_t)(a / 4096 * 8)) != 8) {
				snprintf(why, wsize, "cannot read pagemap at "
					 "0x%" PRIx64, a);
				close(fd);
				return -1;
			}
			pages++;
			wpresent = e && (e->kind == VS_PTE_PRESENT ||
					 e->kind == VS_PTE_PROTNONE);
			if (!!(pm & PM_PRESENT) != wpresent) {
				snprintf(why, wsize, "0x%" PRIx64 " in %s: "
					 "pagemap %s, walk %s", a, v[i].name,
					 pm & PM_PRESENT ? "present" : "absent",
					 e ? vs_pt_kind_name(e->kind) : "none");
				close(fd);
				return -1;
			}
			if (wpresent) {
				uint64_t pfn = e->pfn + (a - e->addr) / 4096;

				if ((pm & PM_PFN_MASK) != pfn ||
				    e->bits[e->level].pfn != e->pfn) {
					snprintf(why, wsize, "0x%" PRIx64 " in "
						 "%s: pagemap PFN 0x%llx, walk "
						 "0x%" PRIx64 " (%s leaf; the "
						 "library decodes 0x%" PRIx64 ")",
						 a, v[i].name,
						 (unsigned long long)(pm & PM_PFN_MASK),
						 pfn, vs_pt_level_name(e->level),
						 e->bits[e->level].pfn);
					close(fd);
					return -1;
				}
			}
			if ((pm & PM_SWAP) &&
			    (!e || e->kind != VS_PTE_SWAP ||
			     (pm & 0x1f) != e->swap_type ||
			     ((pm & PM_PFN_MASK) >> 5) != e->swap_offset)) {
				snprintf(why, wsize, "0x%" PRIx64 ": pagemap "
					 "swap entry, walk %s", a,
					 e ? vs_pt_kind_name(e->kind) : "none");
				close(fd);
				return -1;
			}
		}
	}
	close(fd);
	/* And no leaf outside the mappings. */
	for (size_t j = 0; j < l->n; j++) {
		bool in = false;

		for (int i = 0; i < n && !in; i++)
			in = l->v[j].addr + l->v[j].size > v[i].start &&
			     l->v[j].addr < v[i].end;
		if (!in) {
			snprintf(why, wsize, "a leaf at 0x%" PRIx64 " outside "
				 "every mapping", l->v[j].addr);
			return -1;
		}
	}
	return pages;
}

static long status_kb(pid_t pid, const char *key)
{
	char path[64], *s, *p;
	long v = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	s = slurp(path);
	p = s ? strstr(s, key) : NULL;
	if (p)
		v = strtol(p + strlen(key), NULL, 10);
	free(s);
	return v;
}

static long rollup_kb(pid_t pid, const char *key)
{
	char path[64], *s, *p;
	long v = -1;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	s = slurp(path);
	p = s ? strstr(s, key) : NULL;
	if (p)
		v = strtol(p + strlen(key), NULL, 10);
	free(s);
	return v;
}

static bool same_leaves(const struct leaves *a, const struct leaves *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].addr != b->v[i].addr ||
		    a->v[i].level != b->v[i].level ||
		    a->v[i].kind != b->v[i].kind ||
		    memcmp(a->v[i].raw, b->v[i].raw, sizeof(a->v[i].raw)) ||
		    a->v[i].pfn != b->v[i].pfn)
			return false;
	return true;
}

static int cmd_walk(pid_t pid)
{
	struct vs_kmod *k = open_kmod();
	struct leaves l = { 0 }, one = { 0 };
	struct vs_pt_stats st, st1;
	struct vs_err e;
	char why[512];
	long pages, vmpte, anonhuge;
	size_t huge = 0, by_level[VS_PT_LEVELS] = { 0 };
	uint64_t tables;
	double t0;
	int err;

	if (!k)
		return 1;
	vs_err_clear(&e);
	t0 = now();
	err = vs_kmod_walk(k, pid, 0, user_top(k), collect, &l, &st, &e);
	if (!tap(!err, "WALK of process %d over the whole user space: %zu "
		 "leaves in %u requests, %.2fs", (int)pid, l.n, st.requests,
		 now() - t0)) {
		diag_err(&e);
		vs_kmod_close(k);
		return 1;
	}
	for (size_t i = 0; i < l.n; i++) {
		by_level[l.v[i].level]++;
		huge += l.v[i].level == VS_PT_PMD &&
			l.v[i].kind == VS_PTE_PRESENT;
	}
	diag("leaves: %zu PUD, %zu PMD, %zu PTE; tables %" PRIu64 " P4D, %"
	     PRIu64 " PUD, %" PRIu64 " PMD, %" PRIu64 " PTE; %u levels",
	     by_level[VS_PT_PUD], by_level[VS_PT_PMD], by_level[VS_PT_PTE],
	     st.tables[VS_WT_P4D], st.tables[VS_WT_PUD],
	     st.tables[VS_WT_PMD], st.tables[VS_WT_PTE], st.levels);
	pages = compare_pagemap(pid, &l, why, sizeof(why));
	if (!tap(pages > 0, "WALK of process %d: presence and PFN of each of "
		 "%ld pages equal /proc/%d/pagemap, and no leaf lies outside "
		 "/proc/%d/maps", (int)pid, pages, (int)pid, (int)pid))
		diag("%s", why);

	/* Page-table pages: the ones walked, the kernel's counter, VmPTE.
	 * Each anonymous THP mapped by a PMD keeps a PTE table deposited
	 * for its split (pgtable_trans_huge_deposit): counted by the
	 * kernel, reachable from no entry. hugetlb leaves deposit none. */
	{
		size_t deposits = 0;

		for (size_t i = 0; i < l.n; i++)
			deposits += l.v[i].level == VS_PT_PMD &&
				    l.v[i].kind != VS_PTE_BAD &&
				    !(l.v[i].flags & VS_PTE_F_HUGETLB);
		tables = st.tables[VS_WT_PUD] + st.tables[VS_WT_PMD] +
			 st.tables[VS_WT_PTE];
		vmpte = status_kb(pid, "VmPTE:");
		if (!tap((tables + deposits) * 4096 == st.pgtables_bytes &&
			 (uint64_t)vmpte * 1024 == st.pgtables_bytes,
			 "WALK of process %d: %" PRIu64 " PUD+PMD+PTE tables "
			 "walked and %zu deposited under THPs; the kernel "
			 "counts %" PRIu64 " bytes, VmPTE is %ld kB", (int)pid,
			 tables, deposits, st.pgtables_bytes, vmpte))
			diag("P4D tables walked: %" PRIu64,
			     st.tables[VS_WT_P4D]);
	}

	/* Transparent huge pages: PMD leaves against AnonHugePages. */
	anonhuge = rollup_kb(pid, "AnonHugePages:");
	tap(anonhuge >= 0 && (uint64_t)anonhuge == huge * 2048,
	    "WALK of process %d: %zu present PMD leaves, smaps_rollup "
	    "AnonHugePages is %ld kB", (int)pid, huge, anonhuge);

	/* The same walk one record per request: resumed at every leaf. */
	vs_kmod_set_batch(k, 1);
	err = vs_kmod_walk(k, pid, 0, user_top(k), collect, &one, &st1, &e);
	if (!tap(!err && same_leaves(&l, &one) &&
		 !memcmp(st.tables, st1.tables, sizeof(st.tables)),
		 "WALK of process %d one leaf per request (%u requests) gives "
		 "the same leaves and table counts", (int)pid, st1.requests))
		diag("%zu vs %zu leaves; PTE tables %" PRIu64 " vs %" PRIu64
		     "; %s", l.n, one.n, st.tables[VS_WT_PTE],
		     st1.tables[VS_WT_PTE], err ? e.msg : "");
	free(l.v);
	free(one.v);
	vs_kmod_close(k);
	return tap_failures ? 1 : 0;
}

/* ---- features: prepared pages --------------------------------------- */

struct prepared {
	char *rw;		/* written page */
	char *ro;		/* read-only page, read */
	char *none;		/* written, then PROT_NONE */
	char *pk;		/* written, protection key pkey */
	int pkey;
	char *huge;		/* 2 MiB hugetlb, written */
	char *thp;		/* 2 MiB-aligned THP region, written */
	char *exec;		/* PROT_READ|PROT_EXEC page, read */
	char *swapped;		/* written, then paged out */
	int pageout;		/* madvise(MADV_PAGEOUT)'s result */
};

static void prepare(struct prepared *p, volatile struct prepared *shared)
{
	long pg = 4096;
	char *area;
	volatile char sink;

	p->rw = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		     MAP_ANONYMOUS, -1, 0);
	memset(p->rw, 1, pg);
	p->ro = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sink = p->ro[0];
	p->none = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		       MAP_ANONYMOUS, -1, 0);
	memset(p->none, 2, pg);
	mprotect(p->none, pg, PROT_NONE);
	p->exec = mmap(NULL, pg, PROT_READ | PROT_EXEC, MAP_PRIVATE |
		       MAP_ANONYMOUS, -1, 0);
	sink = p->exec[0];
	p->pk = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		     MAP_ANONYMOUS, -1, 0);
	memset(p->pk, 3, pg);
	p->pkey = pkey_alloc(0, 0);
	if (p->pkey > 0 && pkey_mprotect(p->pk, pg, PROT_READ | PROT_WRITE,
					 p->pkey) < 0)
		p->pkey = -1;
	p->huge = mmap(NULL, 2 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		       MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (p->huge == MAP_FAILED)
		p->huge = NULL;
	else
		memset(p->huge, 4, 2 << 20);
	area = mmap(NULL, 4 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		    MAP_ANONYMOUS, -1, 0);
	p->thp = (char *)(((uintptr_t)area + (2 << 20) - 1) &
			  ~(uintptr_t)((2 << 20) - 1));
	madvise(p->thp, 2 << 20, MADV_HUGEPAGE);
	memset(p->thp, 5, 2 << 20);
	p->swapped = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE |
			  MAP_ANONYMOUS, -1, 0);
	memset(p->swapped, 6, pg);
	p->pageout = madvise(p->swapped, pg, MADV_PAGEOUT);
	(void)sink;
	memcpy((void *)shared, p, sizeof(*p));
}

static const struct vs_pt_entry *leaf_of(struct vs_kmod *k, pid_t pid,
					 const void *addr, struct leaves *l)
{
	struct vs_err e;

	l->n = 0;
	vs_err_clear(&e);
	if (vs_kmod_walk(k, pid, (uintptr_t)addr, (uintptr_t)addr + 1,
			 collect, l, NULL, &e) < 0) {
		diag_err(&e);
		return NULL;
	}
	return l->n == 1 ? &l->v[0] : NULL;
}

/* The "ProtectionKey:" of the mapping at @addr in /proc/PID/smaps. */
static long smaps_pkey(pid_t pid, const void *addr)
{
	char path[64], *s, *line, *save = NULL;
	bool in = false;
	long v = -1;

	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	s = slurp(path);
	for (line = s ? strtok_r(s, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long a, b;

		if (sscanf(line, "%llx-%llx ", &a, &b) == 2 &&
		    strchr(line, ' ') && line[strcspn(line, " ") - 1] != ':')
			in = (uintptr_t)addr >= a && (uintptr_t)addr < b;
		else if (in && sscanf(line, "ProtectionKey: %ld", &v) == 1)
			break;
	}
	free(s);
	return v;
}

static uint64_t pagemap_raw(pid_t pid, const void *addr)
{
	char path[64];
	uint64_t pm = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (pread(fd, &pm, 8, (off_t)((uintptr_t)addr / 4096 * 8)) != 8)
			pm = 0;
		close(fd);
	}
	return pm;
}

static uint64_t pagemap_pfn(pid_t pid, const void *addr)
{
	uint64_t pm = pagemap_raw(pid, addr);

	return pm & PM_PRESENT ? pm & PM_PFN_MASK : UINT64_MAX;
}

static int cmd_features(void)
{
	volatile struct prepared *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
					    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct vs_kmod *k = open_kmod();
	const struct vs_pt_entry *x;
	struct leaves l = { 0 };
	struct prepared p;
	char bits[128];
	pid_t pid;
	int st;

	if (!k)
		return 1;
	pid = fork();
	if (pid == 0) {
		struct prepared mine;

		prepare(&mine, sh);
		raise(SIGSTOP);
		pause();
		_exit(0);
	}
	waitpid(pid, &st, WUNTRACED);
	memcpy(&p, (void *)sh, sizeof(p));

	x = leaf_of(k, pid, p.rw, &l);
	if (tap(x && x->kind == VS_PTE_PRESENT && x->level == VS_PT_PTE,
		"features: a written page is a present PTE"))
		tap(x->bits[4].rw && x->bits[4].user && x->bits[4].dirty &&
		    x->bits[4].accessed && x->bits[4].nx && !x->bits[4].global &&
		    x->pfn == pagemap_pfn(pid, p.rw),
		    "features: written page: %s, PFN equals pagemap's",
		    vs_pt_bits_str(&x->bits[4], bits, sizeof(bits)));
	x = leaf_of(k, pid, p.ro, &l);
	tap(x && x->kind == VS_PTE_PRESENT && !x->bits[4].rw &&
	    !x->bits[4].dirty && x->pfn == pagemap_pfn(pid, p.ro),
	    "features: a read-only page read once (the zero page): %s",
	    x ? vs_pt_bits_str(&x->bits[4], bits, sizeof(bits)) : "none");
	x = leaf_of(k, pid, p.exec, &l);
	tap(x && x->kind == VS_PTE_PRESENT && !x->bits[4].nx,
	    "features: an executable page has NX clear: %s",
	    x ? vs_pt_bits_str(&x->bits[4], bits, sizeof(bits)) : "none");
	x = leaf_of(k, pid, p.none, &l);
	tap(x && x->kind == VS_PTE_PROTNONE && !x->bits[4].present &&
	    x->bits[4].protnone && x->pfn == pagemap_pfn(pid, p.none) &&
	    x->bits[4].pfn == x->pfn,
	    "features: a PROT_NONE page is PROTNONE, its PFN (stored "
	    "inverted) equals pagemap's: %s",
	    x ? vs_pt_bits_str(&x->bits[4], bits, sizeof(bits)) : "none");
	if (p.pkey > 0) {
		long sk = smaps_pkey(pid, p.pk);

		x = leaf_of(k, pid, p.pk, &l);
		tap(x && x->bits[4].pkey == (unsigned)p.pkey && sk == p.pkey,
		    "features: protection key %u in the PTE, %ld in smaps, "
		    "%d from pkey_alloc", x ? x->bits[4].pkey : 99, sk, p.pkey);
	} else {
		tap(!cpuinfo_has("ospke"), "features: no protection keys "
		    "(pkey_alloc failed) on a CPU without ospke # SKIP no PKU");
	}
	if (p.huge) {
		x = leaf_of(k, pid, p.huge, &l);
		tap(x && x->level == VS_PT_PMD && x->kind == VS_PTE_PRESENT &&
		    (x->flags & VS_PTE_F_HUGETLB) && x->bits[3].ps &&
		    x->pfn == pagemap_pfn(pid, p.huge) &&
		    x->pfn + 511 == pagemap_pfn(pid, p.huge + (511 << 12)),
		    "features: a 2 MiB hugetlb page is a PMD leaf with PS, "
		    "its PFNs equal pagemap's: %s",
		    x ? vs_pt_bits_str(&x->bits[3], bits, sizeof(bits)) : "none");
	} else {
		tap(false, "features: MAP_HUGETLB works (hugepages=16)");
	}
	x = leaf_of(k, pid, p.thp, &l);
	{
		long ah = rollup_kb(pid, "AnonHugePages:");

		tap(x && ((x->level == VS_PT_PMD && ah >= 2048) ||
			  (x->level == VS_PT_PTE && ah == 0)) &&
		    x->pfn == pagemap_pfn(pid, p.thp),
		    "features: a MADV_HUGEPAGE region is a %s leaf, "
		    "AnonHugePages %ld kB", x ? vs_pt_level_name(x->level) : "no",
		    ah);
	}
	/* A page paged out to swap: the swap entry against pagemap's swap
	 * type (bits 0-4) and offset (bits 5-54). */
	{
		uint64_t pm = pagemap_raw(pid, p.swapped);

		x = leaf_of(k, pid, p.swapped, &l);
		tap(p.pageout == 0 && x && x->kind == VS_PTE_SWAP &&
		    (pm & PM_SWAP) && !(pm & PM_PRESENT) &&
		    x->swap_type == (pm & 0x1f) &&
		    x->swap_offset == ((pm & PM_PFN_MASK) >> 5) &&
		    !x->bits[4].present,
		    "features: a page paged out is a swap entry, type %u "
		    "offset %" PRIu64 "; pagemap says type %u offset %llu",
		    x ? x->swap_type : 99, x ? x->swap_offset : 0,
		    (unsigned)(pm & 0x1f),
		    (unsigned long long)((pm & PM_PFN_MASK) >> 5));
	}
	/* Every level above a leaf is a present, user, writable table. */
	x = leaf_of(k, pid, p.rw, &l);
	if (x) {
		bool ok = true;

		for (int lv = 0; lv < VS_PT_PTE; lv++)
			if (x->have[lv])
				ok = ok && x->bits[lv].present &&
				     x->bits[lv].user && x->bits[lv].rw &&
				     !x->bits[lv].leaf;
		tap(ok && x->have[VS_PT_P4D] ==
			  (vs_kmod_info(k)->pgtable_levels == 5),
		    "features: the entries above a leaf are present user "
		    "tables (%s)", vs_kmod_info(k)->pgtable_levels == 5 ?
		    "PGD P4D PUD PMD" : "PGD PUD PMD; P4D folded");
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	free(l.v);
	vs_kmod_close(k);
	return tap_failures ? 1 : 0;
}

/* ---- tlb ------------------------------------------------------------ */

static volatile int spin_stop;

static void *flusher(void *arg)
{
	volatile char *shared = arg;

	pin_cpu(1);
	while (!spin_stop)
		shared[0]++;
	return NULL;
}

/* mmap, touch and munmap with another thread of the mm on CPU 1, so the
 * unmaps shoot down its TLB. */
static void flush_work(void)
{
	char *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE |
			    MAP_ANONYMOUS, -1, 0);
	pthread_t th;

	spin_stop = 0;
	pthread_create(&th, NULL, flusher, shared);
	usleep(20000);
	for (int i = 0; i < 200; i++) {
		char *p = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		memset(p, 1, 8 * 4096);
		munmap(p, 8 * 4096);
	}
	for (int i = 0; i < 20; i++) {
		pid_t c = fork();

		if (c == 0)
			_exit(0);
		waitpid(c, NULL, 0);
	}
	spin_stop = 1;
	pthread_join(th, NULL);
	munmap(shared, 4096);
}

static void sum_flushes(const struct vs_km_tlb *t, uint64_t *out)
{
	memset(out, 0, sizeof(uint64_t) * VS_KMOD_TLB_REASONS);
	for (size_t i = 0; i < t->ncpus; i++)
		for (int r = 0; r < VS_KMOD_TLB_REASONS; r++)
			out[r] += t->cpus[i].flushes[r];
}

#define TRACE "/sys/kernel/tracing/"

/* Count tlb_flush events per reason between two markers in the trace. */
static bool trace_counts(uint64_t *out)
{
	char *s = slurp(TRACE "trace"), *line, *save = NULL;
	bool in = false, seen_end = false;

	memset(out, 0, sizeof(uint64_t) * VS_KMOD_TLB_REASONS);
	for (line = s ? strtok_r(s, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *p;
		int r;

		if (strstr(line, "vmscope-mark-1")) {
			in = true;
			continue;
		}
		if (strstr(line, "vmscope-mark-2")) {
			seen_end = true;
			break;
		}
		if (!in || !strstr(line, "tlb_flush: pages:"))
			continue;
		p = strrchr(line, '(');
		if (!p || sscanf(p, "(%d)", &r) != 1)
			continue;
		out[r >= 0 && r < VS_TLB_OTHER ? r : VS_TLB_OTHER]++;
	}
	free(s);
	return in && seen_end;
}

static int cmd_tlb(void)
{
	struct vs_kmod *k = open_kmod();
	struct vs_km_tlb *t = NULL;
	struct leaves l = { 0 };
	struct vs_pt_stats st;
	struct vs_err e;
	pid_t spinner;
	bool found = false;
	int tries;

	if (!k)
		return 1;
	vs_err_clear(&e);
	/* CR3 against the walk's PGD: both asked for (hidden by default,
	 * which cmd_access checks). */
	vs_kmod_want(k, VS_KMOD_WANT_PHYS);
	pin_cpu(0);
	if (vs_kmod_tlb(k, &t, &e) < 0) {
		tap(false, "TLB: the request works");
		diag_err(&e);
		vs_kmod_close(k);
		return 1;
	}
	{
		size_t online = 0;

		for (size_t i = 0; i < t->ncpus; i++)
			online += t->cpus[i].online;
		tap((long)online == sysconf(_SC_NPROCESSORS_ONLN) &&
		    t->ncpus == vs_kmod_info(k)->nr_cpu_ids,
		    "TLB: %zu records, %zu online CPUs as sysconf says",
		    t->ncpus, online);
	}
	/* This CPU: the IPI runs here, in us. */
	tap(t->cpus[0].online && t->cpus[0].task_tgid == getpid() &&
	    !strcmp(t->cpus[0].comm, "kmodcheck") && t->cpus[0].mm_loaded &&
	    !t->cpus[0].lazy && t->cpus[0].owner_tgid == getpid(),
	    "TLB: CPU 0 runs us (pid %d, '%s'), our mm loaded and owned by "
	    "us (owner %d)", t->cpus[0].task_tgid, t->cpus[0].comm,
	    t->cpus[0].owner_tgid);
	for (size_t i = 0; i < t->ncpus; i++) {
		const struct vs_km_tlb_cpu *c = &t->cpus[i];

		if (c->online)
			diag("CPU %d: %s%s pid %d '%s' mm %" PRIu64 " gen %"
			     PRIu64 " owner %d pcid %u asid %u cr3 0x%"
			     PRIx64 "%s%s", c->cpu, c->idle ? "idle" : "",
			     c->kthread ? "kthread" : "", c->task_pid, c->comm,
			     c->mm_id, c->mm_tlb_gen, c->owner_tgid, c->pcid,
			     c->asid, c->cr3, c->lazy ? " lazy" : "",
			     c->mm_loaded ? " loaded" : "");
	}
	vs_km_tlb_free(t);
	t = NULL;

	/* CPU 1: a spinner pinned there must be what it runs, with its mm
	 * loaded: CR3 holds the PGD the walk reports for it. */
	spinner = fork();
	if (spinner == 0) {
		pin_cpu(1);
		prctl(PR_SET_NAME, "vmscope-spin");
		for (;;)
			;
	}
	for (tries = 0; tries < 50 && !found; tries++) {
		usleep(100000);
		vs_km_tlb_free(t);
		t = NULL;
		if (vs_kmod_tlb(k, &t, &e) < 0 || t->ncpus < 2)
			break;
		found = t->cpus[1].task_tgid == spinner;
	}
	l.n = 0;
	if (vs_kmod_walk(k, spinner, 0, 4096, collect, &l, &st, &e) < 0)
		diag_err(&e);
	if (t && t->ncpus >= 2) {
		const struct vs_km_tlb_cpu *c = &t->cpus[1];
		bool pcid = vs_kmod_info(k)->features & VS_KMOD_F_PCID;

		tap(found && !strcmp(c->comm, "vmscope-spin") &&
		    c->owner_tgid == spinner && c->mm_loaded && !c->lazy &&
		    !c->kthread && !c->idle,
		    "TLB: CPU 1 runs the pinned spinner (pid %d '%s', owner "
		    "%d, loaded %d, lazy %d)", c->task_tgid, c->comm,
		    c->owner_tgid, c->mm_loaded, c->lazy);
		tap(found && c->mm_id == st.mm_id &&
		    c->pgd_phys >> 12 == st.pgd_pfn,
		    "TLB: CPU 1's CR3 holds the spinner's PGD (PFN 0x%" PRIx64
		    ", the walk says 0x%" PRIx64 "), mm id %" PRIu64 " = %" PRIu64,
		    c->pgd_phys >> 12, st.pgd_pfn, c->mm_id, st.mm_id);
		tap(pcid == c->pcid_on && (!pcid || (c->pcid >= 1 &&
						     c->asid == c->pcid - 1 &&
						     c->asid < 6)),
		    "TLB: PCID %s on CPU 1: PCID %u, ASID %u (of the kernel's "
		    "6 dynamic ASIDs)", c->pcid_on ? "on" : "off", c->pcid,
		    c->asid);
	} else {
		tap(false, "TLB: a second CPU to pin the spinner on");
	}
	kill(spinner, SIGKILL);
	waitpid(spinner, NULL, 0);
	vs_km_tlb_free(t);
	t = NULL;

	/* Flush counts against the same tracepoint seen through tracefs,
	 * between two markers written right after and before the module's
	 * readings. */
	if (access(TRACE "events/tlb/tlb_flush/enable", W_OK) < 0) {
		tap(false, "TLB: tracefs has tlb/tlb_flush");
	} else {
		uint64_t m1[VS_KMOD_TLB_REASONS], m2[VS_KMOD_TLB_REASONS];
		uint64_t tr[VS_KMOD_TLB_REASONS], d[VS_KMOD_TLB_REASONS];
		struct vs_km_tlb *t1 = NULL, *t2 = NULL;
		bool same = false;
		int att;

		write_file(TRACE "trace_clock", "global");
		write_file(TRACE "buffer_size_kb", "8192");
		for (att = 1; att <= 5 && !same; att++) {
			write_file(TRACE "trace", "");
			write_file(TRACE "events/tlb/tlb_flush/enable", "1");
			write_file(TRACE "tracing_on", "1");
			vs_km_tlb_free(t1);
			vs_km_tlb_free(t2);
			t1 = t2 = NULL;
			if (vs_kmod_tlb(k, &t1, &e) < 0)
				break;
			write_file(TRACE "trace_marker", "vmscope-mark-1");
			flush_work();
			write_file(TRACE "trace_marker", "vmscope-mark-2");
			if (vs_kmod_tlb(k, &t2, &e) < 0)
				break;
			write_file(TRACE "tracing_on", "0");
			write_file(TRACE "events/tlb/tlb_flush/enable", "0");
			sum_flushes(t1, m1);
			sum_flushes(t2, m2);
			if (!trace_counts(tr))
				continue;
			same = true;
			for (int r = 0; r < VS_KMOD_TLB_REASONS; r++) {
				d[r] = m2[r] - m1[r];
				same = same && d[r] == tr[r];
			}
		}
		/* munmap flushes its own CPU as "local mm shootdown" and the
		 * other thread's as "remote shootdown" (flush_tlb_func). */
		tap(same && d[VS_TLB_LOCAL_MM_SHOOTDOWN] > 0 &&
		    d[VS_TLB_REMOTE_SHOOTDOWN] > 0 &&
		    d[VS_TLB_REMOTE_SEND_IPI] > 0,
		    "TLB: flushes counted by reason while 200 munmaps shoot "
		    "down another CPU equal the tlb_flush events in tracefs "
		    "(attempt %d)", att - 1);
		if (t1 && t2)
			for (int r = 0; r < VS_KMOD_TLB_REASONS; r++)
				diag("%-20s module +%" PRIu64 ", tracefs %" PRIu64,
				     vs_tlb_reason_name(r), m2[r] - m1[r], tr[r]);
		vs_km_tlb_free(t1);
		vs_km_tlb_free(t2);
	}
	free(l.v);
	vs_kmod_close(k);
	return tap_failures ? 1 : 0;
}

/* ---- bad arguments -------------------------------------------------- */

static int raw_fd(void)
{
	return open(VS_KMOD_DEVICE, O_RDONLY | O_CLOEXEC);
}

static int raw_walk(int fd, struct vs_kmod_walk *w)
{
	return ioctl(fd, VS_KMOD_IOC_WALK, w) < 0 ? errno : 0;
}

/* Our own /proc/self/pagemap, which a WALK of ourselves carries. */
static int self_pagemap(void)
{
	static int fd = -1;

	if (fd < 0)
		fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	return fd;
}

static void walk_init(struct vs_kmod_walk *w, pid_t pid, uint64_t start,
		      uint64_t end, void *buf, uint32_t count)
{
	memset(w, 0, sizeof(*w));
	w->pagemap_fd = self_pagemap();
	w->abi_version = VS_KMOD_ABI_VERSION;
	w->rec_size = sizeof(struct vs_kmod_pte);
	w->pid = pid;
	w->start = start;
	w->end = end;
	w->buf = (uintptr_t)buf;
	w->buf_count = count;
}

static void query_init(struct vs_kmod_query *q, size_t rec, size_t aux,
		       void *buf, uint32_t n, void *abuf, uint32_t an)
{
	memset(q, 0, sizeof(*q));
	q->abi_version = VS_KMOD_ABI_VERSION;
	q->rec_size = (uint32_t)rec;
	q->aux_size = (uint32_t)aux;
	q->buf = (uintptr_t)buf;
	q->buf_count = n;
	q->aux = (uintptr_t)abuf;
	q->aux_count = an;
}

static int cmd_badargs(void)
{
	static struct vs_kmod_pte recs[64];
	struct vs_kmod *k = open_kmod();
	struct vs_kmod_walk w;
	struct vs_kmod_query q;
	struct leaves l = { 0 };
	struct vs_pt_stats st;
	struct vs_err e;
	uint64_t top;
	char *guard;
	pid_t gone;
	int fd, r, err;
	double t0;

	if (!k)
		return 1;
	fd = raw_fd();
	top = user_top(k);
	vs_err_clear(&e);

	gone = fork();
	if (gone == 0)
		_exit(0);
	waitpid(gone, NULL, 0);
	err = vs_kmod_walk(k, gone, 0, top, collect, &l, NULL, &e);
	tap(err == -ESRCH && strstr(e.msg, "does not exist"),
	    "WALK of a reaped PID %d: %s", (int)gone, e.msg);
	err = vs_kmod_walk(k, 2, 0, top, collect, &l, NULL, &e);
	tap(err == -EINVAL && strstr(e.msg, "kernel thread"),
	    "WALK of kthreadd (PID 2): %s", e.msg);
	walk_init(&w, 0, 0, top, recs, 64);
	r = raw_walk(fd, &w);
	tap(r == EINVAL && w.detail == VS_WALK_E_ARGS, "WALK of PID 0: %s",
	    strerror(r));
	walk_init(&w, -1, 0, top, recs, 64);
	r = raw_walk(fd, &w);
	tap(r == EINVAL && w.detail == VS_WALK_E_ARGS, "WALK of PID -1: %s",
	    strerror(r));
	err = vs_kmod_walk(k, getpid(), top, top + 4096, collect, &l, NULL, &e);
	tap(err == -EINVAL && strstr(e.msg, "not canonical"),
	    "WALK of 0x%" PRIx64 ", the first non-canonical address: %s", top,
	    e.msg);
	err = vs_kmod_walk(k, getpid(), 0xffff800000000000ull,
			   0xffff800000100000ull, collect, &l, NULL, &e);
	tap(err == -EINVAL && (strstr(e.msg, "kernel's half") ||
			       strstr(e.msg, "not canonical")),
	    "WALK of 0xffff800000000000 (kernel half): %s", e.msg);
	err = vs_kmod_walk(k, getpid(), 0xffffffffff600000ull,
			   0xffffffffff601000ull, collect, &l, NULL, &e);
	tap(err == -EINVAL && strstr(e.msg, "kernel's half"),
	    "WALK of the vsyscall page: %s", e.msg);
	err = vs_kmod_walk(k, getpid(), 0x20000, 0x10000, collect, &l, NULL,
			   &e);
	tap(err == -EINVAL && strstr(e.msg, "empty"), "WALK of an empty "
	    "range: %s", e.msg);
	l.n = 0;
	err = vs_kmod_walk(k, getpid(), 0x1000, 0x10000, collect, &l, &st, &e);
	tap(!err && l.n == 0, "WALK of unmapped [0x1000, 0x10000): %zu leaves",
	    l.n);
	l.n = 0;
	t0 = now();
	err = vs_kmod_walk(k, getpid(), 0, top, collect, &l, &st, &e);
	tap(!err && l.n > 0, "WALK of all %" PRIu64 " TiB of user space: %zu "
	    "leaves, %u requests, %.2fs", top >> 40, l.n, st.requests,
	    now() - t0);

	/* The request itself. */
	walk_init(&w, getpid(), 0, top, recs, 64);
	w.abi_version = 999;
	tap(raw_walk(fd, &w) == EPROTO, "WALK with ABI version 999: EPROTO");
	walk_init(&w, getpid(), 0, top, recs, 64);
	w.rec_size = sizeof(struct vs_kmod_pte) - 8;
	tap(raw_walk(fd, &w) == EINVAL, "WALK with a record size of %zu: "
	    "EINVAL", sizeof(struct vs_kmod_pte) - 8);
	walk_init(&w, getpid(), 0, top, recs, 64);
	w.reserved0 = 1;
	tap(raw_walk(fd, &w) == EINVAL, "WALK with a reserved field set: "
	    "EINVAL");
	walk_init(&w, getpid(), 0, top, recs, 64);
	w.flags = 1u << 31;
	tap(raw_walk(fd, &w) == EINVAL, "WALK with an unknown flag: EINVAL");
	walk_init(&w, getpid(), 0, top, (void *)0x10, 64);
	tap(raw_walk(fd, &w) == EFAULT, "WALK into an unmapped buffer: "
	    "EFAULT");
	walk_init(&w, getpid(), 0, top, (void *)0xffffffff81000000ull, 64);
	tap(raw_walk(fd, &w) == EFAULT, "WALK into a kernel address: EFAULT");
	tap(ioctl(fd, VS_KMOD_IOC_WALK, (void *)0x10) < 0 && errno == EFAULT,
	    "WALK with its request at an unmapped address: EFAULT");
	/* One page of room, a guard page after it, and a count that claims
	 * far more. */
	guard = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		     MAP_ANONYMOUS, -1, 0);
	mprotect(guard + 4096, 4096, PROT_NONE);
	walk_init(&w, getpid(), 0, top, guard, UINT32_MAX);
	tap(raw_walk(fd, &w) == EFAULT && w.count <= 4096 / sizeof(recs[0]),
	    "WALK claiming 2^32 records in one page: EFAULT after %u",
	    w.count);
	query_init(&q, sizeof(struct vs_kmod_zone), sizeof(struct vs_kmod_pcp),
		   guard + 4096 - sizeof(struct vs_kmod_zone), UINT32_MAX,
		   NULL, 0);
	r = ioctl(fd, VS_KMOD_IOC_BUDDY, &q) < 0 ? errno : 0;
	tap(r == EFAULT, "BUDDY claiming 2^32 zone records in one: %s",
	    strerror(r));
	query_init(&q, sizeof(struct vs_kmod_zone) + 8,
		   sizeof(struct vs_kmod_pcp), guard, 1, NULL, 0);
	r = ioctl(fd, VS_KMOD_IOC_BUDDY, &q) < 0 ? errno : 0;
	tap(r == EINVAL, "BUDDY with a wrong record size: %s", strerror(r));
	query_init(&q, sizeof(struct vs_kmod_cpu), 0, guard, 1, NULL, 0);
	q.abi_version = 0;
	r = ioctl(fd, VS_KMOD_IOC_TLB, &q) < 0 ? errno : 0;
	tap(r == EPROTO, "TLB with ABI version 0: %s", strerror(r));
	query_init(&q, sizeof(struct vs_kmod_cpu), 8, guard, 1, guard, 1);
	r = ioctl(fd, VS_KMOD_IOC_TLB, &q) < 0 ? errno : 0;
	tap(r == EINVAL, "TLB with an aux array it does not use: %s",
	    strerror(r));
	query_init(&q, sizeof(struct vs_kmod_cache),
		   sizeof(struct vs_kmod_slab_node), guard, 0, NULL, 0);
	r = ioctl(fd, VS_KMOD_IOC_SLAB, &q) < 0 ? errno : 0;
	tap(r == 0 && q.count == 0 && q.total > 10,
	    "SLAB with no room: only the counts (%u caches, %u node records)",
	    q.total, q.aux_total);
	r = ioctl(fd, _IOWR(VS_KMOD_IOC_MAGIC, 5, char[100]), guard) < 0 ?
	    errno : 0;
	tap(r == ENOTTY, "WALK's number with another size: %s", strerror(r));
	r = ioctl(fd, _IO(VS_KMOD_IOC_MAGIC, 99)) < 0 ? errno : 0;
	tap(r == ENOTTY, "an unknown request: %s", strerror(r));
	munmap(guard, 8192);

	/* A PID of another namespace is not there. */
	{
		pid_t me = getpid(), c = fork();
		int status = 0;

		if (c == 0) {
			if (unshare(CLONE_NEWPID) < 0)
				_exit(3);
			c = fork();
			if (c == 0) {
				struct vs_err e2;

				vs_err_clear(&e2);
				/* PID 1 here is us; the parent's PID is
				 * not in this namespace. */
				_exit(vs_kmod_walk(k, me, 0, top, collect, &l,
						   NULL, &e2) == -ESRCH &&
				      getpid() == 1 ? 0 : 4);
			}
			waitpid(c, &status, 0);
			_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 5);
		}
		waitpid(c, &status, 0);
		tap(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "WALK of PID %d from another PID namespace: not found "
		    "(status %d)", (int)me, WEXITSTATUS(status));
	}
	tap(vs_kmod_info(k)->abi_version == VS_KMOD_ABI_VERSION &&
	    ioctl(fd, VS_KMOD_IOC_INFO, &(struct vs_kmod_info){ 0 }) == 0,
	    "the module still answers after the bad requests");
	close(fd);
	free(l.v);
	vs_kmod_close(k);
	return tap_failures ? 1 : 0;
}

/* ---- permissions ---------------------------------------------------- */

static int drop_cap(int cap)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -1;
	d[cap / 32].effective &= ~(1u << (cap % 32));
	d[cap / 32].permitted &= ~(1u << (cap % 32));
	return (int)syscall(SYS_capset, &h, d);
}

static int in_child(int (*fn)(void))
{
	pid_t c = fork();
	int st;

	if (c == 0)
		_exit(fn());
	waitpid(c, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 100;
}

static int try_nobody(void)
{
	if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
		return 90;
	return open(VS_KMOD_DEVICE, O_RDONLY) < 0 ? errno : 0;
}

static int try_nocap(void)
{
	if (drop_cap(CAP_SYS_ADMIN) < 0)
		return 90;
	return open(VS_KMOD_DEVICE, O_RDONLY) < 0 ? errno : 0;
}

static int try_passed_fd(void)
{
	int fd = open(VS_KMOD_DEVICE, O_RDONLY);
	struct vs_kmod_info in;

	if (fd < 0 || drop_cap(CAP_SYS_ADMIN) < 0)
		return 90;
	return ioctl(fd, VS_KMOD_IOC_INFO, &in) < 0 ? errno : 0;
}

static int try_library_nobody(void)
{
	struct vs_kmod *k;
	struct vs_err e;

	if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
		return 90;
	vs_err_clear(&e);
	return vs_kmod_open(NULL, &k, &e) == -EACCES &&
	       strstr(e.hint, "root") ? 0 : 1;
}

static int cmd_perms(void)
{
	struct stat sb = { 0 };
	int r;

	r = stat(VS_KMOD_DEVICE, &sb);
	tap(r == 0 && S_ISCHR(sb.st_mode) &&
	    (sb.st_mode & 07777) == 0400 && sb.st_uid == 0,
	    "%s is a character device, mode %o, owner %d", VS_KMOD_DEVICE,
	    sb.st_mode & 07777, (int)sb.st_uid);
	r = in_child(try_nobody);
	tap(r == EACCES, "user nobody cannot open it: %s", strerror(r));
	r = in_child(try_nocap);
	tap(r == EPERM, "root without CAP_SYS_ADMIN cannot open it: %s",
	    strerror(r));
	r = in_child(try_passed_fd);
	tap(r == 0, "a descriptor opened with CAP_SYS_ADMIN keeps working "
	    "after the capability is dropped (the opener's credentials): %s",
	    strerror(r));
	r = in_child(try_library_nobody);
	tap(r == 0, "the library tells user nobody that root is needed");
	return tap_failures ? 1 : 0;
}

/* ---- walks racing with fork, exit, munmap --------------------------- */

/* A child that dies with its parent: it holds the module's descriptor,
 * and rmmod must find none left. */
static pid_t fork_tied(void)
{
	pid_t parent = getpid(), c = fork();

	if (c == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
	}
	return c;
}

static void child_churn(int ms)
{
	double end = now() + ms / 1000.0;

	while (now() < end) {
		char *p = mmap(NULL, 4 << 20, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		pid_t g;

		if (p == MAP_FAILED)
			break;
		madvise(p, 4 << 20, MADV_HUGEPAGE);
		for (int i = 0; i < (4 << 20); i += 4096 * 7)
			p[i] = 1;
		mprotect(p, 1 << 20, PROT_NONE);
		madvise(p + (2 << 20), 1 << 20, MADV_DONTNEED);
		g = fork();
		if (g == 0)
			_exit(0);
		munmap(p, 4 << 20);
		waitpid(g, NULL, 0);
	}
	_exit(0);
}

static int cmd_forkwalk(int rounds)
{
	struct vs_kmod *k = open_kmod();
	struct leaves l = { 0 };
	long walks = 0, gone = 0, other = 0;
	char last[sizeof(((struct vs_err *)0)->msg)] = "";
	struct vs_err e;
	double t0 = now();

	if (!k)
		return 1;
	for (int i = 0; i < rounds; i++) {
		pid_t c = fork();
		int st, done = 0;

		if (c == 0)
			child_churn(5 + i % 20);
		/* Walk it until it is gone, and once more after. */
		while (!done) {
			int err;

			done = waitpid(c, &st, WNOHANG) == c;
			l.n = 0;
			vs_err_clear(&e);
			err = vs_kmod_walk(k, c, 0, user_top(k), collect, &l,
					   NULL, &e);
			walks++;
			if (err == -ESRCH) {
				gone++;
			} else if (err) {
				other++;
				snprintf(last, sizeof(last), "%s", e.msg);
			}
		}
	}
	if (!tap(other == 0 && gone > 0, "WALK of %d processes that churn "
		 "their mappings, fork and exit: %ld walks, %ld found the "
		 "process gone, %ld other errors, %.1fs", rounds, walks, gone,
		 other, now() - t0))
		diag("last error: %s", last);

	/* A long-lived target with threads changing its mappings. */
	{
		pid_t c = fork_tied();
		long ok = 0;

		if (c == 0) {
			if (fork_tied() == 0)
				child_churn(3000);
			child_churn(3000);
		}
		other = 0;
		t0 = now();
		while (now() - t0 < 2.5) {
			l.n = 0;
			if (vs_kmod_walk(k, c, 0, user_top(k), collect, &l,
					 NULL, &e) == 0)
				ok++;
			else {
				other++;
				snprintf(last, sizeof(last), "%s", e.msg);
			}
		}
		kill(c, SIGKILL);
		waitpid(c, NULL, 0);
		if (!tap(other == 0 && ok > 0, "WALK of a process changing "
			 "its mappings for 2.5s: %ld walks, %ld errors", ok,
			 other))
			diag("last error: %s", last);
	}
	free(l.v);
	vs_kmod_close(k);
	return tap_failures ? 1 : 0;
}

/* ---- the walk's budget: a large target of empty PTE tables ---------- */

#define WALK_HOLD_ENTRIES 8192		/* vmscope(4): entries per hold */
#define WALK_REQUEST_ENTRIES (1u << 20)	/* ... and per request */

/* Map 4 GiB, touch one page per 2 MiB (one PTE table each), free the
 * pages with MADV_DONTNEED (the tables stay, empty), and walk it: the
 * module must read every entry of those tables, in holds and requests no
 * larger than its documented limits. */
static int cmd_budget(void)
{
	const size_t len = 4ul << 30, span = 2ul << 20;
	struct vs_kmod *k = open_kmod();
	struct leaves l = { 0 };
	struct vs_pt_stats st;
	struct vs_err e;
	long pte0, pte1, pte2;
	uint64_t tables = len / span, need;
	char *raw, *m;
	double t0;
	int err;

	if (!k)
		return 1;
	vs_err_clear(&e);
	pte0 = status_kb(getpid(), "VmPTE:");
	raw = mmap(NULL, len + span, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		   MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (!tap(raw != MAP_FAILED, "budget: map 4 GiB")) {
		vs_kmod_close(k);
		return 1;
	}
	m = (char *)(((uintptr_t)raw + span - 1) & ~(span - 1));
	madvise(m, len, MADV_NOHUGEPAGE);
	for (size_t i = 0; i < len; i += span)
		m[i] = 1;
	pte1 = status_kb(getpid(), "VmPTE:");
	madvise(m, len, MADV_DONTNEED);
	pte2 = status_kb(getpid(), "VmPTE:");
	/* The kernel's own count: the tables were made, and stay. */
	tap(pte1 - pte0 >= (long)(tables * 4) && pte2 == pte1,
	    "budget: %" PRIu64 " PTE tables made and left empty (VmPTE %ld -> "
	    "%ld -> %ld kB)", tables, pte0, pte1, pte2);
	t0 = now();
	err = vs_kmod_walk(k, getpid(), (uintptr_t)m, (uintptr_t)m + len,
			   collect, &l, &st, &e);
	need = tables * 512;	/* entries of those tables alone */
	if (!tap(!err && l.n == 0 && st.entries >= need &&
		 st.max_hold_entries <= WALK_HOLD_ENTRIES &&
		 st.holds >= (need + WALK_HOLD_ENTRIES - 1) / WALK_HOLD_ENTRIES &&
		 st.max_request_entries <= WALK_REQUEST_ENTRIES &&
		 st.requests >= (need + WALK_REQUEST_ENTRIES - 1) /
				WALK_REQUEST_ENTRIES,
		 "budget: WALK of 4 GiB of %" PRIu64 " empty PTE tables: %zu "
		 "leaves, %" PRIu64 " entries read (>= %" PRIu64 ") in %u holds "
		 "of at most %u entries (limit %d) and %u requests of at most %"
		 PRIu64 " (limit %u); longest hold %.1f ms, %.2fs in all",
		 tables, l.n, st.entries, need, st.holds, st.max_hold_entries,
		 WALK_HOLD_ENTRIES, st.requests, st.max_request_entries,
		 WALK_REQUEST_ENTRIES, st.max_hold_ns / 1e6, now() - t0))
		diag_err(&e);
	munmap(raw, len + span);
	free(l.v);
	vs_kmod_close(k);
	return tap_failures ? 1 : 0;
}

/* ---- walks while huge pages split, collapse and move ---------------- */

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

/* The target: 16 MiB of THPs, over and over split (MADV_DONTNEED of half
 * a huge page), collapsed again (MADV_COLLAPSE), moved away and back
 * (mremap), with a child forked and reaped each round. */
static void thp_churn(void)
{
	const size_t span = 2ul << 20, len = 8 * span;
	char *raw = mmap(NULL, len + span, PROT_READ | PROT_WRITE, MAP_PRIVATE |
			 MAP_ANONYMOUS, -1, 0);
	char *m, *away;

	if (raw == MAP_FAILED)
		_exit(1);
	m = (char *)(((uintptr_t)raw + span - 1) & ~(span - 1));
	away = mmap(NULL, 2 * span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	away = (char *)(((uintptr_t)away + span - 1) & ~(span - 1));
	madvise(m, len, MADV_HUGEPAGE);
	for (unsigned r = 0;; r++) {
		char *h = m + (r % 8) * span;
		pid_t c;

		for (size_t i = 0; i < len; i += 4096)
			m[i] = (char)r;
		madvise(h + span / 2, span / 2, MADV_DONTNEED);	/* split */
		for (size_t i = 0; i < span; i += 4096)
			h[i] = 1;
		madvise(h, span, MADV_COLLAPSE);		/* collapse */
		if (mremap(h, span, span, MREMAP_MAYMOVE | MREMAP_FIXED,
			   away) != MAP_FAILED)
			mremap(away, span, span, MREMAP_MAYMOVE | MREMAP_FIXED,
			       h);
		madvise(h, span, MADV_HUGEPAGE);
		if (r % 16 == 0) {
			c = fork();
			if (c == 0)
				_exit(0);
			waitpid(c, NULL, 0);
		}
	}
}

static int cmd_stress(int seconds)
{
	static const unsigned batches[] = { 1, 2, 7, 64, 512 };
	struct vs_kmod *k = open_kmod();
	struct leaves l = { 0 };
	long walks = 0, bad = 0, other = 0, changed = 0, requests = 0;
	char last[sizeof(((struct vs_err *)0)->msg)] = "";
	struct vs_pt_stats st;
	struct vs_err e;
	double t0;
	pid_t c;

	if (!k)
		return 1;
	c = fork_tied();
	if (c == 0)
		thp_churn();
	usleep(200000);
	t0 = now();
	while (now() - t0 < seconds) {
		int err;

		vs_kmod_set_batch(k, batches[walks % 5]);
		l.n = 0;
		vs_err_clear(&e);
		err = vs_kmod_walk(k, c, 0, user_top(k), collect, &l, &st, &e);
		walks++;
		requests += st.requests;
		changed += st.changed;
		if (err == -EBADMSG)
			bad++;
		else if (err)
			other++;
		if (err)
			snprintf(last, sizeof(last), "%s", e.msg);
		/* Whatever the tables did, leaves stay in order. */
		for (size_t i = 1; !err && i < l.n; i++)
			if (l.v[i].addr < l.v[i - 1].addr + l.v[i - 1].size)
				bad++;
	}
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	if (!tap(bad == 0 && other == 0 && walks > 0 && changed > 0,
		 "stress: %ld walks (%ld requests) of a process splitting, "
		 "collapsing and moving THPs and forking for %ds: %ld times "
		 "a huge leaf met a resumed walk (skipped and counted), %ld "
		 "bad records, %ld other errors", walks, requests, seconds,
		 changed, bad, other))
		diag("last error: %s", last);
	free(l.v);
	vs_kmod_close(k);
	return tap_failures ? 1 : 0;
}

/* ---- access: ptrace rules, what is hidden ---------------------------- */

/* A process of another user, not dumpable, waiting to be walked. */
static pid_t foreign_target(void)
{
	int p[2];
	pid_t c;
	char ok;

	if (pipe(p) < 0)
		return -1;
	c = fork_tied();
	if (c == 0) {
		char *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (m != MAP_FAILED)
			memset(m, 1, 1 << 20);
		if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534) ||
		    prctl(PR_SET_DUMPABLE, 0) < 0)
			_exit(1);
		(void)!write(p[1], "x", 1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (c < 0 || read(p[0], &ok, 1) != 1)
		c = -1;
	close(p[0]);
	return c;
}

static pid_t access_target;

/* Without CAP_SYS_PTRACE (CAP_SYS_ADMIN kept: the device opens), the
 * walk of another user's non-dumpable process: refused, through the
 * library and through raw requests. 0: as expected. */
static int try_walk_noptrace(void)
{
	static struct vs_kmod_pte recs[16];
	struct vs_kmod_walk w;
	struct leaves l = { 0 };
	struct vs_kmod *k;
	struct vs_err e;
	int fd, r = 0;

	if (drop_cap(CAP_SYS_PTRACE) < 0)
		return 90;
	vs_err_clear(&e);
	if (vs_kmod_open(NULL, &k, &e) < 0)
		return 91;
	if (vs_kmod_walk(k, access_target, 0, user_top(k), collect, &l, NULL,
			 &e) != -EACCES || !strstr(e.msg, "not allowed"))
		r |= 1;
	fd = raw_fd();
	/* Our own pagemap for its PID; none at all; a descriptor that is
	 * not a pagemap. */
	walk_init(&w, access_target, 0, user_top(k), recs, 16);
	if (raw_walk(fd, &w) != EACCES || w.detail != VS_WALK_E_ACCESS)
		r |= 2;
	walk_init(&w, access_target, 0, user_top(k), recs, 16);
	w.pagemap_fd = -1;
	if (raw_walk(fd, &w) != EACCES || w.detail != VS_WALK_E_ACCESS)
		r |= 4;
	walk_init(&w, getpid(), 0, user_top(k), recs, 16);
	w.pagemap_fd = fd;
	if (raw_walk(fd, &w) != EACCES)
		r |= 8;
	close(fd);
	vs_kmod_close(k);
	return r;
}

static int cmd_access(void)
{
	struct vs_kmod *k = open_kmod();
	struct leaves l = { 0 }, lp = { 0 };
	struct vs_pt_stats st, stp;
	struct vs_km_tlb *t = NULL;
	struct vs_err e;
	size_t hidden = 0, shown = 0, cr3 = 0;
	bool same = true;
	int r;

	if (!k)
		return 1;
	vs_err_clear(&e);
	access_target = foreign_target();
	if (!tap(access_target > 0, "access: a target of user nobody, not "
		 "dumpable")) {
		vs_kmod_close(k);
		return 1;
	}
	r = in_child(try_walk_noptrace);
	tap(r == 0, "access: without CAP_SYS_PTRACE (CAP_SYS_ADMIN kept) the "
	    "walk of another user's non-dumpable process is refused, as its "
	    "pagemap is; raw requests without its pagemap are refused "
	    "(status %d)", r);
	r = vs_kmod_walk(k, access_target, 0, user_top(k), collect, &l, &st,
			 &e);
	if (!tap(r == 0 && l.n > 0, "access: with CAP_SYS_PTRACE, as "
		 "pagemap allows, the walk goes ahead (%zu leaves)", l.n))
		diag_err(&e);
	{
		const char *scope = "/proc/sys/kernel/yama/ptrace_scope";
		char *s = slurp(scope);

		diag("Yama ptrace_scope %s: Yama restricts PTRACE_MODE_ATTACH "
		     "only; pagemap's check (and so the walk's) is READ",
		     s ? strtok(s, "\n") : "(absent)");
		free(s);
	}
	kill(access_target, SIGKILL);
	waitpid(access_target, NULL, 0);

	/* Hidden by default: table pages' frames, the PGD, CR3. */
	l.n = 0;
	r = vs_kmod_walk(k, getpid(), 0, user_top(k), collect, &l, &st, &e);
	vs_kmod_want(k, VS_KMOD_WANT_PHYS);
	r |= vs_kmod_walk(k, getpid(), 0, user_top(k), collect, &lp, &stp, &e);
	vs_kmod_want(k, 0);
	for (size_t i = 0; !r && i < l.n && i < lp.n; i++) {
		const struct vs_pt_entry *a = &l.v[i], *b = &lp.v[i];

		for (int lv = 0; lv < a->level; lv++) {
			if (!a->have[lv])
				continue;
			hidden += !(a->raw[lv] & VS_X86_PHYS_MASK);
			shown += !!(b->raw[lv] & VS_X86_PHYS_MASK);
			same &= (a->raw[lv] & ~VS_X86_PHYS_MASK) ==
				(b->raw[lv] & ~VS_X86_PHYS_MASK);
		}
		same &= a->addr == b->addr && a->pfn == b->pfn &&
			a->raw[a->level] == b->raw[b->level];
	}
	tap(!r && l.n > 0 && hidden > 0 && hidden == shown && same &&
	    !st.phys && st.pgd_pfn == 0 && stp.phys && stp.pgd_pfn != 0,
	    "access: by default the walk hides the PGD (0x%" PRIx64 " when "
	    "asked) and the address bits of %zu table entries above leaves "
	    "(%zu with them when asked); leaves and flag bits are the same",
	    stp.pgd_pfn, hidden, shown);
	if (vs_kmod_tlb(k, &t, &e) == 0) {
		for (size_t i = 0; i < t->ncpus; i++)
			cr3 += t->cpus[i].cr3_known || t->cpus[i].cr3;
		tap(cr3 == 0, "access: by default TLB shows no CPU's CR3 "
		    "(%zu shown); the longest IPI took %.1f us", cr3,
		    t->max_hold_ns / 1e3);
		vs_km_tlb_free(t);
	} else {
		tap(false, "access: TLB works");
		diag_err(&e);
	}
	free(l.v);
	free(lp.v);
	vs_kmod_close(k);
	return tap_failures ? 1 : 0;
}

/* ---- a zombie thread-group leader ------------------------------------ */

static void *zombie_thread(void *arg)
{
	char *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)arg;
	if (m != MAP_FAILED)
		memset(m, 2, 1 << 20);
	for (;;)
		pause();
	return NULL;
}

static char proc_state(pid_t pid)
{
	char path[64], *s, *p, st = '?';

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	s = slurp(path);
	p = s ? strstr(s, "State:") : NULL;
	if (p)
		sscanf(p, "State: %c", &st);
	free(s);
	return st;
}

static int cmd_zombie(void)
{
	struct vs_kmod *k = open_kmod();
	struct leaves l = { 0 };
	struct vs_pt_stats st;
	struct vs_err e;
	char why[512] = "";
	long pages = -1;
	pid_t c, tid = 0;
	int err;

	if (!k)
		return 1;
	vs_err_clear(&e);
	c = fork_tied();
	if (c == 0) {
		pthread_t th;

		if (pthread_create(&th, NULL, zombie_thread, NULL))
			_exit(1);
		pthread_exit(NULL);	/* the leader goes, the thread stays */
	}
	for (int i = 0; i < 100 && proc_state(c) != 'Z'; i++)
		usleep(50000);
	{
		char path[64];
		DIR *d;
		struct dirent *de;

		usleep(200000);		/* the thread maps its memory */
		snprintf(path, sizeof(path), "/proc/%d/task", (int)c);
		d = opendir(path);
		while (d && (de = readdir(d)))
			if (atoi(de->d_name) > 0 && atoi(de->d_name) != c)
				tid = atoi(de->d_name);
		if (d)
			closedir(d);
	}
	err = vs_kmod_walk(k, c, 0, user_top(k), collect, &l, &st, &e);
	/* Its maps and pagemap are empty; the live thread's are not. */
	if (!err && tid > 0)
		pages = compare_pagemap(tid, &l, why, sizeof(why));
	if (!tap(proc_state(c) == 'Z' && tid > 0 && !err && l.n > 0 &&
		 pages > 0, "zombie: the leader %d exited (state %c), thread %d "
		 "lives: the walk goes through the thread's mm, %zu leaves, "
		 "%ld pages equal /proc/%d/pagemap", (int)c, proc_state(c),
		 (int)tid, l.n, pages, (int)tid)) {
		if (err)
			diag_err(&e);
		else
			diag("%s", why);
	}
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	free(l.v);
	vs_kmod_close(k);
	return tap_failures ? 1 : 0;
}

/* ---- lockdown=confidentiality ---------------------------------------- */

static int cmd_lockdown(void)
{
	struct vs_kmod *k = open_kmod();
	struct leaves l = { 0 };
	struct vs_km_tlb *t = NULL;
	struct vs_err e;
	char *mode = slurp("/sys/kernel/security/lockdown");
	int err;

	if (!k)
		return 1;
	vs_err_clear(&e);
	tap(mode && strstr(mode, "[confidentiality]"), "lockdown: the kernel "
	    "is locked down: %s", mode ? strtok(mode, "\n") : "(no file)");
	free(mode);
	err = vs_kmod_walk(k, getpid(), 0, user_top(k), collect, &l, NULL, &e);
	tap(!err && l.n > 0, "lockdown: the walk works without physical "
	    "addresses (%zu leaves)", l.n);
	err = vs_kmod_tlb(k, &t, &e);
	tap(!err, "lockdown: TLB works without CR3");
	vs_km_tlb_free(t);
	t = NULL;
	vs_kmod_want(k, VS_KMOD_WANT_PHYS);
	l.n = 0;
	err = vs_kmod_walk(k, getpid(), 0, user_top(k), collect, &l, NULL, &e);
	tap(err == -EPERM && strstr(e.msg, "locked down"), "lockdown: the "
	    "walk with physical addresses is refused: %s", e.msg);
	err = vs_kmod_tlb(k, &t, &e);
	tap(err == -EPERM && strstr(e.msg, "locked down"), "lockdown: TLB "
	    "with CR3 is refused: %s", e.msg);
	vs_km_tlb_free(t);
	free(l.v);
	vs_kmod_close(k);
	return tap_failures ? 1 : 0;
}

/* ---- SLAB's bound on partial lists ----------------------------------- */

/* The longest node list in /sys/kernel/slab/CACHE/partial, or -1. */
static long partial_max(const char *cache)
{
	char path[256], *s, *p;
	long max;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%.100s/partial", cache);
	s = slurp(path);
	if (!s)
		return -1;
	max = strtol(s, &p, 10);
	if (strstr(s, " N")) {
		max = 0;
		for (p = strstr(s, " N"); p; p = strstr(p + 1, " N")) {
			char *eq = strchr(p, '=');
			long v = eq ? strtol(eq + 1, NULL, 10) : -1;

			if (v > max)
				max = v;
		}
	}
	free(s);
	return max;
}

/* Loaded with partial_limit=@limit: caches whose partial lists are all
 * that short have objects counted, the others not, unless asked. */
static int cmd_slab_limit(long limit)
{
	struct vs_kmod *k = open_kmod();
	struct vs_km_slab *s = NULL, *u = NULL;
	struct vs_err e;
	long counted = 0, bounded = 0, wrong = 0, moved = 0, all = 0;
	char why[256] = "";

	if (!k)
		return 1;
	vs_err_clear(&e);
	if (vs_kmod_slab(k, &s, &e) < 0) {
		tap(false, "slab bound: the request works");
		diag_err(&e);
		vs_kmod_close(k);
		return 1;
	}
	for (size_t i = 0; i < s->ncaches; i++) {
		const struct vs_km_slab_cache *c = &s->caches[i];
		long p = partial_max(c->sysfs_name);
		bool have = c->have & VS_SLAB_HAVE_PARTIAL_OBJS;
		uint64_t pmax = 0;

		/* The module's own per-node reading decides; sysfs must
		 * agree with it where it did not move. */
		for (size_t j = 0; j < c->node_count; j++)
			if (s->nodes[c->node_first + j].partial_slabs > pmax)
				pmax = s->nodes[c->node_first + j].partial_slabs;
		if (p != (long)pmax) {
			moved++;
			continue;
		}
		if (have == (p <= limit) &&
		    !!(c->have & VS_SLAB_HAVE_OBJECTS) == have)
			*(have ? &counted : &bounded) += 1;
		else if (wrong++ == 0)
			snprintf(why, sizeof(why), "'%s': longest partial list "
				 "%ld, objects %scounted", c->sysfs_name, p,
				 have ? "" : "not ");
	}
	tap(wrong == 0 && counted > 0 && bounded > 0,
	    "slab bound: with partial_limit=%ld, %ld caches with short partial "
	    "lists have objects counted, %ld with longer ones not (%ld moved "
	    "while read); the longest show() that walked a list took %.1f us",
	    limit, counted, bounded, moved, s->max_hold_ns / 1e3);
	if (wrong)
		diag("%ld wrong, first %s", wrong, why);
	vs_kmod_want(k, VS_KMOD_WANT_SLAB_UNBOUNDED);
	if (vs_kmod_slab(k, &u, &e) == 0)
		for (size_t i = 0; i < u->ncaches; i++)
			all += !!(u->caches[i].have & VS_SLAB_HAVE_PARTIAL_OBJS);
	tap(u && all == (long)u->ncaches, "slab bound: asked for, every one "
	    "of %zu caches has its objects counted (%ld)", u ? u->ncaches : 0,
	    all);
	vs_km_slab_free(s);
	vs_km_slab_free(u);
	vs_kmod_close(k);
	return tap_failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "info"))
		return cmd_info(argc > 2 && !strcmp(argv[2], "-q"));
	if (!strcmp(cmd, "nomodule"))
		return cmd_nomodule();
	if (!strcmp(cmd, "buddy"))
		return cmd_buddy(argc > 2 && !strcmp(argv[2], "--small-budget"));
	if (!strcmp(cmd, "slab"))
		return cmd_slab();
	if (!strcmp(cmd, "tlb"))
		return cmd_tlb();
	if (!strcmp(cmd, "walk") && argc > 2)
		return cmd_walk((pid_t)atoi(argv[2]));
	if (!strcmp(cmd, "features"))
		return cmd_features();
	if (!strcmp(cmd, "badargs"))
		return cmd_badargs();
	if (!strcmp(cmd, "perms"))
		return cmd_perms();
	if (!strcmp(cmd, "forkwalk"))
		return cmd_forkwalk(argc > 2 ? atoi(argv[2]) : 100);
	if (!strcmp(cmd, "budget"))
		return cmd_budget();
	if (!strcmp(cmd, "stress"))
		return cmd_stress(argc > 2 ? atoi(argv[2]) : 20);
	if (!strcmp(cmd, "access"))
		return cmd_access();
	if (!strcmp(cmd, "zombie"))
		return cmd_zombie();
	if (!strcmp(cmd, "lockdown"))
		return cmd_lockdown();
	if (!strcmp(cmd, "slablimit") && argc > 2)
		return cmd_slab_limit(atol(argv[2]));
	fprintf(stderr, "usage: kmodcheck info|nomodule|buddy|slab|tlb|walk PID|"
		"features|badargs|perms|forkwalk [N]|budget|stress [S]|access|"
		"zombie|lockdown|slablimit N\n");
	return 2;
}
