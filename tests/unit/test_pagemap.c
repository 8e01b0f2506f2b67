/* test_pagemap.c - pagemap entries, kpageflags/kpagecount lookups and
 * their batching, the PFN to node map and the backing walk, on synthetic
 * binary files below a temporary root (the kernel's formats are fixed
 * 64-bit words, so a test can write any case, hostile ones included). */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "vs_backing.h"
#include "vs_kpage.h"
#include "vs_numa.h"
#include "vs_pagemap.h"
#include "vs_root.h"

#define P VS_PM_PRESENT
#define S VS_PM_SWAP
#define X VS_PM_EXCLUSIVE
#define F VS_PM_FILE

static void put_u64s(const char *dir, const char *rel, const uint64_t *v,
		     size_t n)
{
	put_file(dir, rel, (const char *)v, n * sizeof(uint64_t));
}

static struct vs_root *root_at(const char *dir)
{
	struct vs_root *r;
	struct vs_err e;

	assert_int_equal(vs_root_new(dir, &r, &e), 0);
	return r;
}

static void test_entry_decoding(void **state)
{
	char buf[64];
	uint64_t e = P | X | VS_PM_SOFT_DIRTY | 0x12345;

	assert_int_equal(vs_pm_pfn(e), 0x12345);
	assert_int_equal(vs_pm_pfn(S | 0x12345), 0);	/* not present */
	assert_int_equal(vs_pm_pfn(P), 0);		/* hidden */
	e = S | (UINT64_C(0x3ffff) << 5) | 3;
	assert_int_equal(vs_pm_swap_type(e), 3);
	assert_int_equal(vs_pm_swap_offset(e), 0x3ffff);
	assert_string_equal(vs_pm_short(P | X | VS_PM_SOFT_DIRTY, buf,
					sizeof(buf)), "P__1f__");
	assert_string_equal(vs_pm_short(S | F | VS_PM_UFFD_WP | VS_PM_GUARD,
					buf, sizeof(buf)), "_wF__ug");
	assert_string_equal(vs_pm_long(P | F | X, buf, sizeof(buf)),
			    "present,file,exclusive");
	assert_string_equal(vs_pm_long(0, buf, sizeof(buf)), "");
	/* A short buffer is cut, never overrun. */
	assert_string_equal(vs_pm_short(P, buf, 3), "P_");
	vs_pm_long(P | F | X, buf, 10);
	assert_string_equal(buf, "present");
}

static void test_flag_names(void **state)
{
	char buf[256];
	uint64_t f = VS_KPF(ANON) | VS_KPF(THP) | VS_KPF(COMPOUND_HEAD) |
		     VS_KPF(MAPPEDTODISK);

	assert_string_equal(vs_kpf_short(f, false, buf, sizeof(buf)),
			    "____________a__H______t____");
	assert_int_equal(strlen(vs_kpf_short(f, true, buf, sizeof(buf))),
			 vs_kpf_nbits);
	assert_string_equal(vs_kpf_long(f | (UINT64_C(1) << 50), buf,
					sizeof(buf)),
			    "anon,compound_head,thp,anon_exclusive,bit50");
	assert_string_equal(vs_kpf_long(VS_KPF(MAPPEDTODISK) | VS_KPF(LRU), buf,
					sizeof(buf)), "lru,mappedtodisk");
	vs_kpf_long(VS_KPF(ANON) | VS_KPF(THP), buf, 8);
	assert_string_equal(buf, "anon");
	/* page-types' well-known flags: no raw bits, compound only for
	 * hugetlb. */
	assert_int_equal(vs_kpf_well_known(f), VS_KPF(ANON) | VS_KPF(THP));
	f = VS_KPF(HUGE) | VS_KPF(COMPOUND_TAIL) | VS_KPF(RESERVED);
	assert_int_equal(vs_kpf_well_known(f),
			 VS_KPF(HUGE) | VS_KPF(COMPOUND_TAIL));
	/* Every name is distinct and in bit order. */
	for (size_t i = 1; i < vs_kpf_nbits; i++) {
		assert_true(vs_kpf_bits[i - 1].bit < vs_kpf_bits[i].bit);
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(vs_kpf_bits[i].name,
						vs_kpf_bits[k].name);
	}
}

/* A kpageflags of @n frames (flags = pfn * 3) and kpagecount (pfn % 5). */
static const char *kpage_tree(size_t n)
{
	const char *dir = tmp_dir();
	uint64_t *f = malloc(n * sizeof(uint64_t));
	uint64_t *c = malloc(n * sizeof(uint64_t));

	for (size_t i = 0; i < n; i++) {
		f[i] = i * 3;
		c[i] = i % 5;
	}
	put_u64s(dir, "proc/kpageflags", f, n);
	put_u64s(dir, "proc/kpagecount", c, n);
	free(f);
	free(c);
	return dir;
}

static void test_kpage_batching(void **state)
{
	const char *dir = kpage_tree(100000);
	struct vs_root *r = root_at(dir);
	struct vs_kpage *kp;
	struct vs_err e;
	uint64_t pfns[4096], flags[4096], count[4096], before;

	assert_int_equal(vs_kpage_open(r, VS_KPAGE_FLAGS | VS_KPAGE_COUNT,
				       &kp, &e), 0);
	assert_int_equal(vs_kpage_has(kp), VS_KPAGE_FLAGS | VS_KPAGE_COUNT);

	/* 4096 consecutive frames: one read per file. */
	for (size_t i = 0; i < 4096; i++)
		pfns[i] = 1000 + i;
	before = vs_kpage_reads(kp);
	assert_int_equal(vs_kpage_lookup(kp, pfns, 4096, flags, count, &e), 0);
	assert_int_equal(vs_kpage_reads(kp) - before, 2);
	for (size_t i = 0; i < 4096; i++) {
		assert_int_equal(flags[i], pfns[i] * 3);
		assert_int_equal(count[i], pfns[i] % 5);
	}

	/* Small gaps are read through; a large one splits the read. */
	for (size_t i = 0; i < 100; i++)
		pfns[i] = 2000 + i * 10 + (i >= 50 ? 5000 : 0);
	before = vs_kpage_reads(kp);
	assert_int_equal(vs_kpage_lookup(kp, pfns, 100, flags, NULL, &e), 0);
	assert_int_equal(vs_kpage_reads(kp) - before, 2);
	for (size_t i = 0; i < 100; i++)
		assert_int_equal(flags[i], pfns[i] * 3);

	/* Any order, repeats, 0 (unknown) and frames past the end. */
	uint64_t odd[] = { 99999, 5, 0, 5, 100000, 7, 123456789, 6 };
	assert_int_equal(vs_kpage_lookup(kp, odd, 8, flags, count, &e), 0);
	assert_int_equal(flags[0], 99999 * 3);
	assert_int_equal(flags[1], 15);
	assert_int_equal(flags[2], VS_KPAGE_UNKNOWN);
	assert_int_equal(flags[3], 15);
	assert_int_equal(flags[4], VS_KPAGE_UNKNOWN);
	assert_int_equal(flags[5], 21);
	assert_int_equal(flags[6], VS_KPAGE_UNKNOWN);
	assert_int_equal(count[7], 1);

	/* The output may be the input. */
	for (size_t i = 0; i < 64; i++)
		pfns[i] = 500 + 63 - i;
	assert_int_equal(vs_kpage_lookup(kp, pfns, 64, NULL, pfns, &e), 0);
	for (size_t i = 0; i < 64; i++)
		assert_int_equal(pfns[i], (500 + 63 - i) % 5);

	/* Ranges: a short read at the end fills unknown. */
	assert_int_equal(vs_kpage_read(kp, 99998, 4, flags, count, &e), 2);
	assert_int_equal(flags[1], 99999 * 3);
	assert_int_equal(flags[2], VS_KPAGE_UNKNOWN);
	assert_int_equal(count[3], VS_KPAGE_UNKNOWN);
	vs_kpage_close(kp);
	vs_root_unref(r);
}

static void test_kpage_missing_and_hostile(void **state)
{
	const char *dir = tmp_dir();
	struct vs_root *r = root_at(dir);
	const struct vs_err *why;
	struct vs_kpage *kp;
	struct vs_err e;
	uint64_t pfn = 5, flags = 0, count = 0;

	assert_int_equal(vs_kpage_open(r, VS_KPAGE_FLAGS | VS_KPAGE_COUNT,
				       &kp, &e), 0);
	assert_int_equal(vs_kpage_has(kp), 0);
	assert_int_equal(vs_kpage_why(kp, VS_KPAGE_FLAGS, &why), ENOENT);
	assert_non_null(strstr(why->msg, "this kernel lacks it"));
	assert_int_equal(vs_kpage_lookup(kp, &pfn, 1, &flags, &count, &e), 0);
	assert_int_equal(flags, VS_KPAGE_UNKNOWN);
	assert_int_equal(count, VS_KPAGE_UNKNOWN);
	vs_kpage_close(kp);

	/* A file that ends inside an entry is malformed, not short. */
	put_file(dir, "proc/kpageflags", "0123456789ab", 12);
	assert_int_equal(vs_kpage_open(r, VS_KPAGE_FLAGS, &kp, &e), 0);
	uint64_t two[2];
	assert_int_equal(vs_kpage_read(kp, 0, 2, two, NULL, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "inside an entry"));
	vs_kpage_close(kp);
	vs_root_unref(r);
}

static void test_pagemap_reader(void **state)
{
	const char *dir = tmp_dir();
	uint64_t ents[10], out[16];
	struct vs_pagemap *pm;
	struct vs_root *r;
	struct vs_err e;

	for (size_t i = 0; i < 10; i++)
		ents[i] = P | (100 + i);
	put_u64s(dir, "proc/7/pagemap", ents, 10);
	r = root_at(dir);
	assert_int_equal(vs_pagemap_open(r, 7, &pm, &e), 0);
	assert_int_equal(vs_pagemap_read(pm, 2, 4, out, &e), 4);
	assert_int_equal(out[0], P | 102);
	/* Past the end: fewer entries. */
	assert_int_equal(vs_pagemap_read(pm, 8, 16, out, &e), 2);
	assert_int_equal(vs_pagemap_read(pm, 50, 1, out, &e), 0);
	assert_int_equal(vs_pagemap_read(pm, UINT64_MAX / 2, 1, out, &e),
			 -EINVAL);
	vs_pagemap_close(pm);
	/* No such process: -ESRCH, "not found". */
	assert_int_equal(vs_pagemap_open(r, 8, &pm, &e), -ESRCH);
	assert_non_null(strstr(e.msg, "process 8 not found"));
	/* A live process without its pagemap: -ENOENT, the file named. */
	put_file(dir, "proc/10/stat", "10 (x) S 1", 10);
	assert_int_equal(vs_pagemap_open(r, 10, &pm, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "/proc/10/pagemap"));
	/* A FIFO in its place is refused at once, not read forever. */
	{
		char fifo[4200];

		snprintf(fifo, sizeof(fifo), "%s/proc/10/pagemap", dir);
		assert_int_equal(mkfifo(fifo, 0600), 0);
		assert_int_equal(vs_pagemap_open(r, 10, &pm, &e), -EINVAL);
		assert_non_null(strstr(e.msg, "not a regular file"));
		unlink(fifo);
	}
	/* Truncated inside an entry. */
	put_file(dir, "proc/9/pagemap", "\1\2\3\4\5\6\7\10\11", 9);
	assert_int_equal(vs_pagemap_open(r, 9, &pm, &e), 0);
	assert_int_equal(vs_pagemap_read(pm, 0, 2, out, &e), -EBADMSG);
	vs_pagemap_close(pm);
	vs_root_unref(r);
}

/* A sysfs tree: 128 MiB blocks, node 0 blocks 0-3, node 1 blocks 4-7
 * and 9 (8 missing). */
static const char *numa_tree(void)
{
	const char *dir = tmp_dir();
	char rel[128];

	put_file(dir, "sys/devices/system/memory/block_size_bytes",
		 "8000000\n", 8);
	for (int b = 0; b < 10; b++) {
		if (b == 8)
			continue;
		snprintf(rel, sizeof(rel),
			 "sys/devices/system/node/node%d/memory%d/online",
			 b < 4 ? 0 : 1, b);
		put_file(dir, rel, "1\n", 2);
	}
	put_file(dir, "sys/devices/system/node/online", "0-1\n", 4);
	return dir;
}

static void test_numa(void **state)
{
	const char *dir = numa_tree();
	struct vs_root *r = root_at(dir);
	struct vs_numa *n;
	struct vs_err e;

	assert_int_equal(vs_numa_open(r, 4096, &n, &e), 0);
	assert_int_equal(vs_numa_block_pages(n), 0x8000);
	assert_int_equal(vs_numa_nodes(n), 2);
	assert_int_equal(vs_numa_node(n, 0), 0);
	assert_int_equal(vs_numa_node(n, 4 * 0x8000 - 1), 0);
	assert_int_equal(vs_numa_node(n, 4 * 0x8000), 1);
	assert_int_equal(vs_numa_node(n, 8 * 0x8000), -1);	/* a hole */
	assert_int_equal(vs_numa_node(n, 9 * 0x8000 + 5), 1);
	assert_int_equal(vs_numa_node(n, 10 * 0x8000), -1);
	assert_int_equal(vs_numa_node(n, 3), 0);	/* after a cache hit */
	assert_true(vs_numa_has_node(n, 1));
	assert_false(vs_numa_has_node(n, 2));
	vs_numa_close(n);
	vs_root_unref(r);
}

static void test_numa_hostile(void **state)
{
	static const char *const bad[] = { "zz\n", "0\n", "1001\n",
		"ffffffffffffffffff\n" };
	struct vs_root *r;
	struct vs_numa *n;
	struct vs_err e;
	const char *dir;

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		dir = numa_tree();
		put_file(dir, "sys/devices/system/memory/block_size_bytes",
			 bad[i], strlen(bad[i]));
		r = root_at(dir);
		assert_true(vs_numa_open(r, 4096, &n, &e) < 0);
		vs_root_unref(r);
	}
	/* No memory blocks at all. */
	dir = tmp_dir();
	put_file(dir, "sys/devices/system/memory/block_size_bytes", "8000000",
		 7);
	put_file(dir, "sys/devices/system/node/node0/cpu0", "", 0);
	r = root_at(dir);
	assert_int_equal(vs_numa_open(r, 4096, &n, &e), -ENOENT);
	vs_root_unref(r);
	/* A node number out of range. */
	dir = numa_tree();
	put_file(dir, "sys/devices/system/node/node5000/memory99/x", "", 0);
	r = root_at(dir);
	assert_int_equal(vs_numa_open(r, 4096, &n, &e), -ERANGE);
	vs_root_unref(r);
}

/* The walk over a synthetic process: a 2 MiB THP at an aligned address,
 * three zero-page entries, two pages mapped twice, one exclusive page,
 * a swapped page, an unmapped page; then the same with a hidden PFN. */
static void test_backing_walk(void **state)
{
	const char *dir = numa_tree();
	const size_t np = 512 + 8;
	uint64_t *pm = calloc(512 + np + 1, sizeof(uint64_t));
	uint64_t *kf = calloc(0x50000, sizeof(uint64_t));
	uint64_t *kc = calloc(0x50000, sizeof(uint64_t));
	struct vs_backing_ctx *ctx;
	struct vs_backing b;
	struct vs_kpage *kp;
	struct vs_pagemap *map;
	struct vs_numa *numa;
	struct vs_root *r;
	struct vs_err e;
	const uint64_t base = 512;	/* vpn of the THP: 2 MiB aligned */

	/* Pagemap entries from vpn 512 on. */
	for (size_t i = 0; i < 512; i++) {
		uint64_t pfn = 0x10000 + i;	/* aligned, node 0 */

		pm[base + i] = P | X | pfn;
		kf[pfn] = VS_KPF(ANON) | VS_KPF(THP) |
			  (i ? VS_KPF(COMPOUND_TAIL) : VS_KPF(COMPOUND_HEAD));
		kc[pfn] = 1;
	}
	for (size_t i = 0; i < 3; i++)
		pm[base + 512 + i] = P | 0x50;		/* the zero page */
	kf[0x50] = VS_KPF(ZERO_PAGE) | VS_KPF(RESERVED);
	pm[base + 515] = P | 0x28000;			/* node 1, count 2 */
	pm[base + 516] = P | 0x28001;
	kf[0x28000] = kf[0x28001] = VS_KPF(ANON);
	kc[0x28000] = kc[0x28001] = 2;
	pm[base + 517] = P | X | F | 0x9;		/* page cache */
	kf[0x9] = VS_KPF(DIRTY) | VS_KPF(LRU);
	kc[0x9] = 1;
	pm[base + 518] = S | (5 << 5);			/* swapped */
	pm[base + 519] = 0;				/* not mapped */
	put_u64s(dir, "proc/3/pagemap", pm, base + np);
	put_u64s(dir, "proc/kpageflags", kf, 0x50000);
	put_u64s(dir, "proc/kpagecount", kc, 0x50000);

	r = root_at(dir);
	assert_int_equal(vs_pagemap_open(r, 3, &map, &e), 0);
	assert_int_equal(vs_kpage_open(r, VS_KPAGE_FLAGS | VS_KPAGE_COUNT,
				       &kp, &e), 0);
	assert_int_equal(vs_numa_open(r, 4096, &numa, &e), 0);
	assert_int_equal(vs_backing_new(map, kp, numa, 4096, 512, &ctx, &e), 0);
	memset(&b, 0, sizeof(b));
	assert_int_equal(vs_backing_walk(ctx, base * 4096, (base + np) * 4096,
					 &b, &e), 0);
	assert_int_equal(b.pages, np);
	assert_int_equal(b.present, 512 + 3 + 2 + 1);
	assert_int_equal(b.swapped, 1);
	assert_int_equal(b.file, 1);
	assert_int_equal(b.exclusive, 513);
	assert_int_equal(b.anon, 514);
	assert_int_equal(b.thp, 512);
	assert_int_equal(b.thp_huge, 1);
	assert_int_equal(b.zero, 3);
	assert_int_equal(b.dirty, 1);
	assert_int_equal(b.rss, 515);
	assert_int_equal(b.shared, 2);
	assert_int_equal(b.uss, 513);
	assert_int_equal(b.pss_fp >> VS_PSS_SHIFT, 513 * 4096 + 4096);
	/* Runs: the THP, three of the zero page, 0x28000-1, 0x9. */
	assert_int_equal(b.runs, 1 + 3 + 1 + 1);
	assert_int_equal(b.max_run, 512);
	assert_int_equal(b.node[0], 512 + 3 + 1);
	assert_int_equal(b.node[1], 2);
	assert_true(vs_backing_known(&b, VS_NEED_COUNT));
	assert_true(vs_backing_known(&b, VS_NEED_NODE));

	/* A THP at an unaligned address is no whole huge page. */
	memset(&b, 0, sizeof(b));
	assert_int_equal(vs_backing_walk(ctx, (base + 1) * 4096,
					 (base + 512) * 4096, &b, &e), 0);
	assert_int_equal(b.thp, 511);
	assert_int_equal(b.thp_huge, 0);

	/* Sums. */
	struct vs_backing sum = { 0 }, one = { .present = 2, .max_run = 9 };
	vs_backing_add(&sum, &b);
	vs_backing_add(&sum, &one);
	assert_int_equal(sum.present, b.present + 2);
	assert_int_equal(sum.max_run, 511);

	/* A hidden PFN: the frame figures are unknown, pagemap's are not. */
	pm[base + np] = P | X;
	put_u64s(dir, "proc/3/pagemap", pm, base + np + 1);
	vs_backing_free(ctx);
	vs_pagemap_close(map);
	assert_int_equal(vs_pagemap_open(r, 3, &map, &e), 0);
	assert_int_equal(vs_backing_new(map, kp, numa, 4096, 512, &ctx, &e), 0);
	memset(&b, 0, sizeof(b));
	assert_int_equal(vs_backing_walk(ctx, base * 4096,
					 (base + np + 1) * 4096, &b, &e), 0);
	assert_int_equal(b.pfn_unknown, 1);
	assert_false(vs_backing_known(&b, VS_NEED_FLAGS));
	assert_false(vs_backing_known(&b, VS_NEED_PFN));
	assert_true(vs_backing_known(&b, VS_NEED_PAGEMAP));
	assert_int_equal(b.present, 512 + 3 + 2 + 1 + 1);

	/* Without kpageflags: PFNs known, flags not. */
	vs_backing_free(ctx);
	vs_kpage_close(kp);
	assert_int_equal(vs_kpage_open(r, VS_KPAGE_COUNT, &kp, &e), 0);
	assert_int_equal(vs_backing_new(map, kp, numa, 4096, 512, &ctx, &e), 0);
	memset(&b, 0, sizeof(b));
	assert_int_equal(vs_backing_walk(ctx, base * 4096, (base + np) * 4096,
					 &b, &e), 0);
	assert_true(vs_backing_known(&b, VS_NEED_PFN));
	assert_false(vs_backing_known(&b, VS_NEED_FLAGS));
	assert_false(vs_backing_known(&b, VS_NEED_COUNT));

	vs_backing_free(ctx);
	vs_numa_close(numa);
	vs_kpage_close(kp);
	vs_pagemap_close(map);
	vs_root_unref(r);
	free(pm);
	free(kf);
	free(kc);
}

/* The live system: this process's own pages, through the same code. */
static void test_live_self(void **state)
{
	static char page[3 * 65536];
	struct vs_root *r = root_at("/");
	struct vs_pagemap *pm;
	struct vs_err e;
	uint64_t ent[3];
	uintptr_t a = ((uintptr_t)page + 65535) & ~(uintptr_t)65535;

	memset((void *)a, 1, 8192);
	assert_int_equal(vs_pagemap_open(r, getpid(), &pm, &e), 0);
	assert_int_equal(vs_pagemap_read(pm, a / vs_page_size(), 3, ent, &e),
			 3);
	assert_true(ent[0] & P);
	assert_true(ent[1] & P);
	/* PFNs are shown exactly when this process may see them. */
	assert_int_equal(vs_pm_pfn(ent[0]) != 0, vs_pfns_visible());
	vs_pagemap_close(pm);
	vs_root_unref(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_decoding),
		cmocka_unit_test(test_flag_names),
		cmocka_unit_test(test_kpage_batching),
		cmocka_unit_test(test_kpage_missing_and_hostile),
		cmocka_unit_test(test_pagemap_reader),
		cmocka_unit_test(test_numa),
		cmocka_unit_test(test_numa_hostile),
		cmocka_unit_test(test_backing_walk),
		cmocka_unit_test(test_live_self),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
