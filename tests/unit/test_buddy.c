/* test_buddy.c - buddyinfo, pagetypeinfo, zoneinfo, vmstat and debugfs
 * extfrag: captured files (tests/fixtures/kernel/this, one moment of this
 * machine), the hostile tree (tests/fixtures/kernel/hostile: four nodes,
 * 13 orders, a new migrate type, capped counts, unknown sections and
 * fields), every truncation of the captured files, and the indexes of
 * mm/vmstat.c against what the kernel printed in debugfs at the moment of
 * the capture and against the Python implementation of gen-hostile.py. */
#include <errno.h>

#include "unit.h"
#include "vs_buddy.h"

#define THIS "tests/fixtures/kernel/this"
#define HOSTILE "tests/fixtures/kernel/hostile"

/* The file @rel of the tree @tree, whole; free() it. */
static char *slurp(const char *tree, const char *rel, size_t *len)
{
	struct vs_root *r;
	struct vs_err e;
	char *text;

	assert_int_equal(vs_root_new(tree, &r, &e), 0);
	if (vs_root_read_alloc(r, rel, 64u << 20, &text, len, &e) < 0)
		fail_msg("%s", e.msg);
	vs_root_unref(r);
	return text;
}

static struct vs_root *root_of(const char *tree)
{
	struct vs_root *r;
	struct vs_err e;

	assert_int_equal(vs_root_new(tree, &r, &e), 0);
	return r;
}

/* Read buddyinfo, pagetypeinfo and zoneinfo of @tree into @b. */
static void read_tree(const char *tree, struct vs_buddy *b)
{
	struct vs_root *r = root_of(tree);
	struct vs_err e;

	vs_buddy_init(b);
	if (vs_buddyinfo_read(b, r, &e) < 0 ||
	    vs_pagetypeinfo_read(b, r, &e) < 0 ||
	    vs_zoneinfo_read(b, r, &e) < 0)
		fail_msg("%s: %s", tree, e.msg);
	vs_root_unref(r);
}

/* The buddyinfo counts of @text, read with sscanf: the test's own parse. */
static int scan_buddyinfo(const char *text, int *node, char names[][32],
			  unsigned long long counts[][64], int *norders)
{
	int n = 0;

	for (const char *p = text; *p; ) {
		int off = 0, k = 0;

		if (sscanf(p, "Node %d, zone %31s%n", &node[n], names[n], &off) < 2)
			break;
		p += off;
		while (sscanf(p, "%llu%n", &counts[n][k], &off) == 1) {
			p += off;
			k++;
		}
		norders[n] = k;
		n++;
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	return n;
}

static void check_buddyinfo_against_scan(const char *tree)
{
	static unsigned long long counts[16][64];
	char names[16][32];
	int node[16], norders[16], n;
	struct vs_buddy b;
	size_t len;
	char *text = slurp(tree, "/proc/buddyinfo", &len);

	n = scan_buddyinfo(text, node, names, counts, norders);
	assert_true(n > 0);
	read_tree(tree, &b);
	for (int i = 0; i < n; i++) {
		struct vs_zone *z = vs_buddy_zone(&b, node[i], names[i]);

		assert_non_null(z);
		assert_int_equal(z->free_src, VS_SRC_BUDDYINFO);
		assert_int_equal(z->norders, norders[i]);
		for (int o = 0; o < norders[i]; o++)
			assert_int_equal(z->nr_free[o], counts[i][o]);
	}
	vs_buddy_free(&b);
	free(text);
}

static void test_buddyinfo_captured(void **state)
{
	check_buddyinfo_against_scan(THIS);
	check_buddyinfo_against_scan(HOSTILE);
}

/* Our indexes equal the kernel's, from the buddyinfo of the same moment
 * (the capture script retries until buddyinfo reads the same before and
 * after the debugfs files). */
static void check_indexes(const char *tree)
{
	static struct vs_extfrag_zone un[32], fr[32];
	size_t nu, nf, len1, len2;
	char *u = slurp(tree, "/sys/kernel/debug/extfrag/unusable_index", &len1);
	char *f = slurp(tree, "/sys/kernel/debug/extfrag/extfrag_index", &len2);
	struct vs_buddy b;
	struct vs_err e;
	unsigned compared = 0;

	if (vs_extfrag_parse(u, len1, "unusable_index", un, 32, &nu, &e) < 0 ||
	    vs_extfrag_parse(f, len2, "extfrag_index", fr, 32, &nf, &e) < 0)
		fail_msg("%s", e.msg);
	read_tree(tree, &b);
	assert_int_equal(nu, nf);
	for (size_t i = 0; i < nu; i++) {
		struct vs_zone *z = vs_buddy_zone(&b, un[i].node, un[i].name);

		assert_non_null(z);
		assert_int_equal(un[i].norders, z->norders);
		for (unsigned o = 0; o < z->norders; o++) {
			struct vs_contig c;

			vs_contig_fill(z->nr_free, z->norders, o, &c);
			if (vs_unusable_index(o, &c) != un[i].index[o] ||
			    vs_fragmentation_index(o, &c) != fr[i].index[o])
				fail_msg("%s node %d zone %s order %u: ours %d %d, "
					 "kernel %d %d", tree, z->node, z->name, o,
					 vs_unusable_index(o, &c),
					 vs_fragmentation_index(o, &c),
					 un[i].index[o], fr[i].index[o]);
			compared++;
		}
	}
	assert_true(compared >= 33);
	vs_buddy_free(&b);
	free(u);
	free(f);
}

static void test_indexes_equal_captured_debugfs(void **state)
{
	check_indexes(THIS);
}

static void test_indexes_equal_python(void **state)
{
	check_indexes(HOSTILE);
}

/* Small cases worked out by hand from the formulas of mm/vmstat.c. */
static void test_indexes_by_hand(void **state)
{
	/* Four free pages and one block of four: 8 free pages in 5 blocks. */
	uint64_t f1[4] = { 4, 0, 1, 0 };
	/* One free page, nothing else. */
	uint64_t f2[4] = { 1, 0, 0, 0 };
	uint64_t f0[4] = { 0, 0, 0, 0 };
	struct vs_contig c;
	char buf[32];

	vs_contig_fill(f1, 4, 1, &c);
	assert_int_equal(c.free_pages, 8);
	assert_int_equal(c.free_blocks_total, 5);
	assert_int_equal(c.free_blocks_suitable, 2);
	/* Order 1: 4 of 8 free pages are in blocks too small. */
	assert_int_equal(vs_unusable_index(1, &c), 500);
	assert_int_equal(vs_fragmentation_index(1, &c), -1000);
	/* Order 3 fails: 1000 - (1000 + 8 * 1000 / 8) / 5 = 600. */
	vs_contig_fill(f1, 4, 3, &c);
	assert_int_equal(vs_unusable_index(3, &c), 1000);
	assert_int_equal(vs_fragmentation_index(3, &c), 600);
	/* One page: order 1 gives 1000 - (1000 + 500) / 1 = -500, which
	 * debugfs prints "0.-500". */
	vs_contig_fill(f2, 4, 1, &c);
	assert_int_equal(vs_fragmentation_index(1, &c), -500);
	assert_string_equal(vs_index_kernel_fmt(-500, buf, sizeof(buf)), "0.-500");
	assert_string_equal(vs_index_kernel_fmt(-1000, buf, sizeof(buf)), "-1.000");
	assert_string_equal(vs_index_kernel_fmt(-7, buf, sizeof(buf)), "0.-07");
	assert_string_equal(vs_index_kernel_fmt(66, buf, sizeof(buf)), "0.066");
	/* Nothing free: unusable 1000, fragmentation 0. */
	vs_contig_fill(f0, 4, 2, &c);
	assert_int_equal(vs_unusable_index(2, &c), 1000);
	assert_int_equal(vs_fragmentation_index(2, &c), 0);
}

static void test_pagetypeinfo_captured(void **state)
{
	static const char *const types[] = {
		"Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate",
	};
	struct vs_buddy b;
	struct vs_zone *z;

	read_tree(THIS, &b);
	assert_int_equal(b.pageblock_order, 9);
	assert_int_equal(b.pages_per_block, 512);
	assert_int_equal(b.ntypes, 5);
	for (int t = 0; t < 5; t++)
		assert_string_equal(b.types[t], types[t]);
	assert_int_equal(b.skipped, 0);
	for (unsigned i = 0; i < b.nzones; i++) {
		z = &b.zones[i];
		if (z->free_src == VS_SRC_NONE)
			continue;	/* zoneinfo's unpopulated zones */
		assert_int_equal(z->types_src, VS_SRC_PAGETYPEINFO);
		assert_int_equal(z->blocks_src, VS_SRC_PAGETYPEINFO);
		assert_int_equal(z->types_norders, z->norders);
		for (int t = 0; t < 5; t++)
			assert_true(z->type_seen[t] && z->block_seen[t]);
	}
	/* The DMA zone's lines, as captured. */
	z = vs_buddy_zone(&b, 0, "DMA");
	assert_non_null(z);
	assert_int_equal(z->type_free[1][10], 3);
	assert_int_equal(z->blocks[1], 7);
	vs_buddy_free(&b);
}

static void test_pagetypeinfo_hostile(void **state)
{
	struct vs_buddy b;
	struct vs_zone *z;
	int foo, movable;

	read_tree(HOSTILE, &b);
	assert_int_equal(b.ntypes, 7);
	foo = vs_buddy_type(&b, "Foo");
	movable = vs_buddy_type(&b, "Movable");
	assert_int_equal(foo, 6);
	assert_int_equal(vs_buddy_type(&b, "CMA"), 4);
	/* The unknown section's header and its seven rows, skipped. */
	assert_int_equal(b.skipped, 4 * 1 + 7);
	z = vs_buddy_zone(&b, 0, "Normal");
	assert_non_null(z);
	assert_int_equal(z->types_norders, 13);
	/* ">100000": a lower bound, marked. */
	assert_int_equal(z->type_free[movable][0], 100000);
	assert_int_equal(z->type_capped[movable], 0x3);
	assert_int_equal(z->type_capped[foo], 0);
	assert_true(z->have_mixed);
	/* Buddyinfo has the whole count. */
	assert_int_equal(z->nr_free[0], 250538);
	/* Seven zones on four nodes, in buddyinfo's order. */
	assert_int_equal(b.zones[5].node, 2);
	assert_true(vs_buddy_zone(&b, 1, "Movable") != NULL);
	vs_buddy_free(&b);
}

static void test_zoneinfo(void **state)
{
	struct vs_buddy b;
	struct vs_zone *z;
	const struct vs_kv *kv;

	read_tree(THIS, &b);
	z = vs_buddy_zone(&b, 0, "Normal");
	assert_non_null(z);
	assert_int_equal(z->info_src, VS_SRC_ZONEINFO);
	for (int f = VS_ZI_FREE; f <= VS_ZI_START_PFN; f++)
		assert_true(vs_zone_has(z, f));
	assert_int_equal(z->info[VS_ZI_START_PFN], 1048576);
	assert_int_equal(z->info[VS_ZI_PCP_CPUS], 2);
	assert_int_equal(z->nprotection, 5);
	kv = vs_kvlist_get(&z->stats, "nr_free_pages");
	assert_non_null(kv);
	assert_int_equal(kv->value, z->info[VS_ZI_FREE]);
	/* Per-node stats on the node's first zone only. */
	assert_true(vs_buddy_zone(&b, 0, "DMA")->node_stats.n > 10);
	assert_int_equal(z->node_stats.n, 0);
	/* Unpopulated zones are listed, with no buddy lists. */
	z = vs_buddy_zone(&b, 0, "Movable");
	assert_non_null(z);
	assert_int_equal(z->free_src, VS_SRC_NONE);
	assert_int_equal(z->info[VS_ZI_PRESENT], 0);
	assert_false(vs_zone_has(z, VS_ZI_PCP_CPUS));
	vs_buddy_free(&b);

	read_tree(HOSTILE, &b);
	z = vs_buddy_zone(&b, 2, "Normal");
	assert_non_null(z);
	assert_int_equal(z->info[VS_ZI_MIN], 1002);
	assert_int_equal(z->info[VS_ZI_PCP_COUNT], 10 + 30 + 60);
	assert_int_equal(z->info[VS_ZI_PCP_CPUS], 3);
	/* Fields no kernel has are kept. */
	assert_non_null(vs_kvlist_get(&z->stats, "frobnicate"));
	assert_non_null(vs_kvlist_get(&z->stats, "nr_zone_new_thing"));
	assert_non_null(vs_kvlist_get(&z->node_stats, "nr_brand_new_counter"));
	vs_buddy_free(&b);
}

/* Run @parse on every prefix of @text: a prefix cut inside a line is
 * -EBADMSG (a truncated line) or parses what came before it; never a
 * crash, never counts that were not in the file. */
static void truncations(const char *text, size_t len,
			int (*parse)(struct vs_buddy *, const char *, size_t,
				     const char *, struct vs_err *))
{
	for (size_t cut = 0; cut < len; cut++) {
		struct vs_buddy b;
		struct vs_err e;
		int r;

		vs_buddy_init(&b);
		r = parse(&b, text, cut, "cut", &e);
		size_t start = cut;

		while (start > 0 && text[start - 1] != '\n')
			start--;
		/* A cut line with something on it must not parse. */
		if (r == 0 && cut > start) {
			for (size_t k = start; k < cut; k++)
				if (text[k] != ' ')
					fail_msg("a cut at %zu inside a line "
						 "parsed", cut);
		}
		if (r < 0 && r != -EBADMSG)
			fail_msg("a cut at %zu: %d", cut, r);
		if (r == -EBADMSG)
			assert_non_null(strstr(e.msg, "'cut' line"));
		vs_buddy_free(&b);
	}
}

static void test_truncated_files(void **state)
{
	static const char *const files[] = {
		"/proc/buddyinfo", "/proc/pagetypeinfo", "/proc/zoneinfo",
	};
	int (*parse[])(struct vs_buddy *, const char *, size_t, const char *,
		       struct vs_err *) = {
		vs_buddyinfo_parse, vs_pagetypeinfo_parse, vs_zoneinfo_parse,
	};

	for (int i = 0; i < 3; i++) {
		size_t len;
		char *text = slurp(THIS, files[i], &len);

		truncations(text, len, parse[i]);
		free(text);
		text = slurp(HOSTILE, files[i], &len);
		truncations(text, len, parse[i]);
		free(text);
	}
}

static void test_hostile_lines(void **state)
{
	static const char *const bad_buddy[] = {
		"Node 0, zone DMA 1 2 x\n",
		"Node 0 zone DMA 1 2\n",
		"Node 0, zone DMA\n",
		"Node 0, zone DMA 18446744073709551616\n",
		"Node 0, zone DMA 1 2\nNode 0, zone DMA32 1 2 3\n",
		"Node 0, zone DMA 1\nNode 0, zone DMA 1\n",
		"Nodes 0, zone DMA 1\n",
		"Node -1, zone DMA 1\n",
	};
	static const char *const bad_pt[] = {
		"Node 0, zone DMA, type Movable 1 2\n",
		"Free pages count per migrate type at order 0 2\n",
		"Free pages count per migrate type at order 0 1\n"
		"Node 0, zone DMA, type Movable 1\n",
		"Free pages count per migrate type at order 0\n"
		"Node 0, zone DMA, type Movable >x\n",
		"Number of blocks type A B\nNode 0, zone DMA 1\n",
		"Page block order: x\n",
	};
	static const char *const bad_zi[] = {
		"  pages free 3\n",
		"Node 0, zone DMA\n  pages free x\n",
		"Node 0, zone DMA\n  pages free 1 2\n",
		"Node 0, zone DMA\n        min\n",
		"Node 0, zone DMA\n        nr_x 1 2\n",
		"Node 0, zone DMA\n        protection: (0, x)\n",
		"Node 0, zone DMA\nNode 0, zone DMA\n",
	};
	struct vs_buddy b;
	struct vs_err e;

	for (size_t i = 0; i < sizeof(bad_buddy) / sizeof(*bad_buddy); i++) {
		vs_buddy_init(&b);
		if (vs_buddyinfo_parse(&b, bad_buddy[i], strlen(bad_buddy[i]),
				       "b", &e) != -EBADMSG)
			fail_msg("buddyinfo accepted '%s'", bad_buddy[i]);
		vs_buddy_free(&b);
	}
	for (size_t i = 0; i < sizeof(bad_pt) / sizeof(*bad_pt); i++) {
		vs_buddy_init(&b);
		if (vs_pagetypeinfo_parse(&b, bad_pt[i], strlen(bad_pt[i]),
					  "p", &e) != -EBADMSG)
			fail_msg("pagetypeinfo accepted '%s'", bad_pt[i]);
		vs_buddy_free(&b);
	}
	for (size_t i = 0; i < sizeof(bad_zi) / sizeof(*bad_zi); i++) {
		vs_buddy_init(&b);
		if (vs_zoneinfo_parse(&b, bad_zi[i], strlen(bad_zi[i]), "z",
				      &e) != -EBADMSG)
			fail_msg("zoneinfo accepted '%s'", bad_zi[i]);
		vs_buddy_free(&b);
	}
	/* The message names the file, the line number and the line. */
	vs_buddy_init(&b);
	{
		static const char two[] = "Node 0, zone DMA 1\nbad line\n";

		assert_int_equal(vs_buddyinfo_parse(&b, two, sizeof(two) - 1,
						    "/proc/buddyinfo", &e),
				 -EBADMSG);
	}
	assert_string_equal(e.msg, "'/proc/buddyinfo' line 2: not 'Node N, zone "
			    "NAME counts': 'bad line'");
	vs_buddy_free(&b);
	/* 64 orders fit; 65 do not. */
	{
		char line[1024] = "Node 0, zone DMA";

		for (int o = 0; o < 64; o++)
			strcat(line, " 1");
		strcat(line, "\n");
		vs_buddy_init(&b);
		assert_int_equal(vs_buddyinfo_parse(&b, line, strlen(line), "b",
						    &e), 0);
		assert_int_equal(b.zones[0].norders, 64);
		vs_buddy_free(&b);
		strcpy(line + strlen(line) - 1, " 1\n");
		vs_buddy_init(&b);
		assert_int_equal(vs_buddyinfo_parse(&b, line, strlen(line), "b",
						    &e), -EBADMSG);
		vs_buddy_free(&b);
	}
}

static void test_extfrag_parse(void **state)
{
	static const char text[] =
		"Node 0, zone      DMA -1.000  0.-500  0.-07  0.066  1.000 \n"
		"Node 12, zone   Normal  0.000 \n";
	static const char *const bad[] = {
		"Node 0, zone DMA 1\n", "Node 0, zone DMA 0.x\n",
		"Node 0, zone DMA 0.1000\n", "Node 0, zone DMA\n",
		"Node 0, zone DMA 0.000",
	};
	struct vs_extfrag_zone z[4];
	struct vs_err e;
	size_t n;

	assert_int_equal(vs_extfrag_parse(text, sizeof(text) - 1, "x", z, 4, &n,
					  &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(z[0].norders, 5);
	assert_int_equal(z[0].index[0], -1000);
	assert_int_equal(z[0].index[1], -500);
	assert_int_equal(z[0].index[2], -7);
	assert_int_equal(z[0].index[3], 66);
	assert_int_equal(z[0].index[4], 1000);
	assert_int_equal(z[1].node, 12);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		if (vs_extfrag_parse(bad[i], strlen(bad[i]), "x", z, 4, &n, &e) !=
		    -EBADMSG)
			fail_msg("accepted '%s'", bad[i]);
}

static void test_vmstat(void **state)
{
	struct vs_kvlist l = { 0 };
	struct vs_root *r = root_of(THIS);
	struct vs_err e;
	size_t len;
	char *text = slurp(THIS, "/proc/vmstat", &len);
	unsigned lines = 0;

	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	assert_int_equal(vs_vmstat_read(r, &l, &e), 0);
	assert_int_equal(l.n, lines);
	assert_non_null(vs_kvlist_get(&l, "compact_stall"));
	assert_null(vs_kvlist_get(&l, "no_such_counter"));
	vs_kvlist_free(&l);
	free(text);
	vs_root_unref(r);
	r = root_of(HOSTILE);
	assert_int_equal(vs_vmstat_read(r, &l, &e), 0);
	assert_int_equal(vs_kvlist_get(&l, "compact_brand_new_counter")->value, 8);
	vs_kvlist_free(&l);
	vs_root_unref(r);
	assert_int_equal(vs_vmstat_parse("a 1\nb\n", 6, "v", &l, &e), -EBADMSG);
	vs_kvlist_free(&l);
	assert_int_equal(vs_vmstat_parse("a 1 2\n", 6, "v", &l, &e), -EBADMSG);
	vs_kvlist_free(&l);
	assert_int_equal(vs_vmstat_parse("a 99999999999999999999\n", 23, "v", &l,
					 &e), -EBADMSG);
	vs_kvlist_free(&l);
	assert_int_equal(vs_vmstat_parse("a 1", 3, "v", &l, &e), -EBADMSG);
	vs_kvlist_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buddyinfo_captured),
		cmocka_unit_test(test_indexes_equal_captured_debugfs),
		cmocka_unit_test(test_indexes_equal_python),
		cmocka_unit_test(test_indexes_by_hand),
		cmocka_unit_test(test_pagetypeinfo_captured),
		cmocka_unit_test(test_pagetypeinfo_hostile),
		cmocka_unit_test(test_zoneinfo),
		cmocka_unit_test(test_truncated_files),
		cmocka_unit_test(test_hostile_lines),
		cmocka_unit_test(test_extfrag_parse),
		cmocka_unit_test(test_vmstat),
	};

	return cmocka_run_group_tests_name("buddy", tests, NULL, NULL);
}
