/* test_memgap.c - meminfo against the zones (vs_memgap.h): the tree
 * captured on the AMD PVM guest (MemFree 23 GiB, the zones' free pages
 * 5.8 GiB, zone Normal 5.5 M pages present and 0.88 M managed), the
 * consistent tree made from it (no gap), the figures recomputed here from
 * the files' text, and synthetic cases at the threshold, with a balloon, a
 * virtio_balloon device and zones that disagree with each other. */
#include <errno.h>
#include <inttypes.h>

#include "unit.h"
#include "vs_memgap.h"

#define PVM "tests/fixtures/kernel/amd-zen5-pvm"
#define CONSISTENT "tests/fixtures/kernel/consistent"

static struct vs_root *root_of(const char *tree)
{
	struct vs_root *r;
	struct vs_err e;

	assert_int_equal(vs_root_new(tree, &r, &e), 0);
	return r;
}

/* Sum the values after @key ("pages free", "managed") in @tree's zoneinfo,
 * by hand: the independent reading. */
static uint64_t zoneinfo_sum(const char *tree, const char *key)
{
	char path[256], line[512];
	uint64_t sum = 0;
	size_t kl = strlen(key);
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc/zoneinfo", tree);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *p = line;

		while (*p == ' ')
			p++;
		if (!strncmp(p, key, kl) && p[kl] == ' ')
			sum += strtoull(p + kl, NULL, 10);
	}
	fclose(f);
	return sum;
}

static uint64_t meminfo_kb(const char *tree, const char *key)
{
	char path[256], line[512];
	uint64_t v = UINT64_MAX;
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc/meminfo", tree);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)) && line[strlen(key)] == ':')
			v = strtoull(line + strlen(key) + 1, NULL, 10);
	fclose(f);
	assert_true(v != UINT64_MAX);
	return v;
}

static void test_memgap_pvm_capture(void **state)
{
	struct vs_root *r = root_of(PVM);
	struct vs_memgap g;
	struct vs_err e;
	char why[1024];

	assert_int_equal(vs_memgap_read(r, 4096, &g, &e), 0);
	assert_true(g.known);
	assert_int_equal(g.mem_total, meminfo_kb(PVM, "MemTotal") * 1024);
	assert_int_equal(g.mem_free, meminfo_kb(PVM, "MemFree") * 1024);
	assert_int_equal(g.zones_free, zoneinfo_sum(PVM, "pages free") * 4096);
	assert_int_equal(g.zones_managed, zoneinfo_sum(PVM, "managed") * 4096);
	/* vmstat's nr_free_pages of the same moment: 1529003 pages. */
	assert_true(g.have_vmstat_free);
	assert_int_equal(g.vmstat_free, 1529003ull * 4096);
	assert_true(g.have_buddy_free);
	assert_int_equal(g.free_gap, (int64_t)(g.mem_free - g.zones_free));
	assert_true(g.flagged);
	assert_int_equal(g.threshold, g.mem_total / 100 * VS_MEMGAP_PERCENT);
	assert_true(g.reasons & VS_MEMGAP_UNMANAGED);
	assert_true(g.reasons & VS_MEMGAP_SAME);
	assert_false(g.reasons & VS_MEMGAP_BALLOON);	/* Balloon: 0 kB */
	assert_false(g.reasons & VS_MEMGAP_VIRTIO_BALLOON);	/* no /sys/bus */
	assert_false(g.reasons & VS_MEMGAP_ZONES_DISAGREE);
	assert_string_equal(g.zone, "Normal");
	assert_int_equal(g.zone_node, 0);
	assert_int_equal(g.zone_present, 5505024);
	assert_int_equal(g.zone_managed, 884736);
	/* Here MemTotal - managed equals MemFree - free to the kB. */
	assert_int_equal(g.total_gap, g.free_gap);
	vs_memgap_why(&g, why, sizeof(why));
	assert_non_null(strstr(why, "as much as the gap"));
	assert_non_null(strstr(why, "zone Normal of node 0: 5505024 pages "
				    "present, 884736 managed"));
	vs_root_unref(r);
}

static void test_memgap_consistent(void **state)
{
	struct vs_root *r = root_of(CONSISTENT);
	struct vs_memgap g;
	struct vs_err e;

	assert_int_equal(vs_memgap_read(r, 4096, &g, &e), 0);
	assert_true(g.known);
	assert_int_equal(g.free_gap, 0);
	assert_int_equal(g.total_gap, 0);
	assert_false(g.flagged);
	assert_int_equal(g.reasons, 0);
	vs_root_unref(r);
}

/* A tree of one zone, in text. */
static void check_text(const char *meminfo, uint64_t present,
		       uint64_t managed, uint64_t free, uint64_t buddy_order0,
		       uint64_t nr_free, const char *virtio, struct vs_memgap *g)
{
	char zi[1024], bi[256], vm[128];
	struct vs_kvlist mi = { 0 }, vs = { 0 };
	struct vs_buddy b;
	struct vs_err e;

	snprintf(zi, sizeof(zi),
		 "Node 0, zone   Normal\n  pages free     %" PRIu64 "\n"
		 "        spanned  %" PRIu64 "\n        present  %" PRIu64 "\n"
		 "        managed  %" PRIu64 "\n", free, present, present,
		 managed);
	snprintf(bi, sizeof(bi), "Node 0, zone   Normal %" PRIu64
		 " 0 0 0 0 0 0 0 0 0 0 \n", buddy_order0);
	snprintf(vm, sizeof(vm), "nr_free_pages %" PRIu64 "\n", nr_free);
	vs_buddy_init(&b);
	assert_int_equal(vs_zoneinfo_parse(&b, zi, strlen(zi), "zoneinfo", &e), 0);
	assert_int_equal(vs_buddyinfo_parse(&b, bi, strlen(bi), "buddyinfo", &e), 0);
	assert_int_equal(vs_vmstat_parse(vm, strlen(vm), "vmstat", &vs, &e), 0);
	assert_int_equal(vs_meminfo_parse(meminfo, strlen(meminfo), "meminfo",
					  &mi, &e), 0);
	vs_memgap_check(&mi, &b, &vs, 4096, virtio, g);
	vs_kvlist_free(&mi);
	vs_kvlist_free(&vs);
	vs_buddy_free(&b);
}

/* 8 GiB managed; the threshold is 5% of MemTotal. */
static void test_memgap_threshold(void **state)
{
	struct vs_memgap g;
	char mi[256];
	/* 2097152 pages = 8 GiB; 5% of it is 419430.4 KiB -> 429496729 B. */
	uint64_t total_kb = 8388608, thr = total_kb * 1024 / 100 * 5;
	uint64_t free_pages = 1000000;

	/* MemFree above the zones by the threshold exactly: no flag. */
	snprintf(mi, sizeof(mi), "MemTotal: %" PRIu64 " kB\nMemFree: %" PRIu64
		 " kB\n", total_kb, (free_pages * 4096 + thr) / 1024);
	check_text(mi, 2097152, 2097152, free_pages, free_pages, free_pages,
		   NULL, &g);
	assert_true(g.known);
	assert_int_equal(g.threshold, thr);
	assert_false(g.flagged);
	/* One kB more: flagged; no reason in the files (MemTotal is the
	 * zones' managed pages). */
	snprintf(mi, sizeof(mi), "MemTotal: %" PRIu64 " kB\nMemFree: %" PRIu64
		 " kB\n", total_kb, (free_pages * 4096 + thr) / 1024 + 1);
	check_text(mi, 2097152, 2097152, free_pages, free_pages, free_pages,
		   NULL, &g);
	assert_true(g.flagged);
	assert_int_equal(g.reasons, 0);
	/* A small machine: the floor of 64 MiB. */
	snprintf(mi, sizeof(mi), "MemTotal: 262144 kB\nMemFree: 100000 kB\n");
	check_text(mi, 65536, 65536, 25000, 25000, 25000, NULL, &g);
	assert_int_equal(g.threshold, VS_MEMGAP_MIN_BYTES);
	assert_false(g.flagged);
}

static void test_memgap_balloon_and_virtio(void **state)
{
	struct vs_memgap g;
	char why[1024];
	/* 8 GiB present, 6 GiB managed, MemTotal 8 GiB, MemFree 2 GiB above
	 * the zones, a balloon of 2 GiB. */
	const char *mi = "MemTotal: 8388608 kB\nMemFree: 3145728 kB\n"
			 "Balloon: 2097152 kB\n";

	check_text(mi, 2097152, 1572864, 262144, 262144, 262144, "virtio3", &g);
	assert_true(g.flagged);
	assert_true(g.reasons & VS_MEMGAP_UNMANAGED);
	assert_true(g.reasons & VS_MEMGAP_SAME);
	assert_true(g.reasons & VS_MEMGAP_BALLOON);
	assert_true(g.reasons & VS_MEMGAP_VIRTIO_BALLOON);
	assert_int_equal(g.balloon, 2097152ull * 1024);
	vs_memgap_why(&g, why, sizeof(why));
	assert_non_null(strstr(why, "a balloon driver holds 2G"));
	assert_non_null(strstr(why, "virtio_balloon device is bound (virtio3)"));
	/* A device but no gap: nothing is flagged. */
	mi = "MemTotal: 6291456 kB\nMemFree: 1048576 kB\nBalloon: 0 kB\n";
	check_text(mi, 2097152, 1572864, 262144, 262144, 262144, "virtio3", &g);
	assert_false(g.flagged);
	assert_int_equal(g.reasons, 0);
}

/* MemFree agrees with zoneinfo, but buddyinfo and vmstat do not. */
static void test_memgap_zones_disagree(void **state)
{
	struct vs_memgap g;
	const char *mi = "MemTotal: 8388608 kB\nMemFree: 4194304 kB\n";

	check_text(mi, 2097152, 2097152, 1048576, 10, 1048576, NULL, &g);
	assert_true(g.flagged);
	assert_int_equal(g.reasons, VS_MEMGAP_ZONES_DISAGREE);
}

/* Missing figures: not known, never flagged. */
static void test_memgap_unknown(void **state)
{
	struct vs_memgap g;

	check_text("MemTotal: 8388608 kB\n", 2097152, 2097152, 1, 1, 1, NULL,
		   &g);
	assert_false(g.known);
	assert_false(g.flagged);
}

static void test_meminfo_parse(void **state)
{
	struct vs_kvlist l = { 0 };
	struct vs_err e;
	const char *ok = "MemTotal:       24683748 kB\nHugePages_Total:       0\n";
	const char *bad[] = {
		"MemTotal 5 kB\n", "MemTotal: x kB\n", "MemTotal: 5 MB\n",
		"MemTotal: 18446744073709551615 kB\n",
		"MemTotal: 18446744073709551616\n", "MemTotal: 5 kB", ": 5\n",
		"MemTotal: 5 kB extra\n",
	};

	assert_int_equal(vs_meminfo_parse(ok, strlen(ok), "meminfo", &l, &e), 0);
	assert_int_equal(vs_kvlist_get(&l, "MemTotal")->value, 24683748ull * 1024);
	assert_int_equal(vs_kvlist_get(&l, "HugePages_Total")->value, 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		assert_int_equal(vs_meminfo_parse(bad[i], strlen(bad[i]),
						  "meminfo", &l, &e), -EBADMSG);
		assert_non_null(strstr(e.msg, "'meminfo' line 1"));
	}
	vs_kvlist_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memgap_pvm_capture),
		cmocka_unit_test(test_memgap_consistent),
		cmocka_unit_test(test_memgap_threshold),
		cmocka_unit_test(test_memgap_balloon_and_virtio),
		cmocka_unit_test(test_memgap_zones_disagree),
		cmocka_unit_test(test_memgap_unknown),
		cmocka_unit_test(test_meminfo_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
