/* test_slab.c - the slabinfo parser and the /sys/kernel/slab reader: the
 * captured tree of this machine (tests/fixtures/kernel/this), SLAB's
 * statistics columns and 64-bit counts (the hostile tree), malformed lines
 * and every truncation of the captured file. */
#include <errno.h>

#include "unit.h"
#include "vs_slab.h"

#define THIS "tests/fixtures/kernel/this"
#define HOSTILE "tests/fixtures/kernel/hostile"

static struct vs_root *root_of(const char *tree)
{
	struct vs_root *r;
	struct vs_err e;

	assert_int_equal(vs_root_new(tree, &r, &e), 0);
	return r;
}

static char *slurp(const char *tree, const char *rel, size_t *len)
{
	struct vs_root *r = root_of(tree);
	struct vs_err e;
	char *text;

	if (vs_root_read_alloc(r, rel, 64u << 20, &text, len, &e) < 0)
		fail_msg("%s", e.msg);
	vs_root_unref(r);
	return text;
}

/* Every cache line of the captured file, read with sscanf here, equals
 * what the parser kept. */
static void test_slabinfo_captured(void **state)
{
	size_t len, lines = 0;
	char *text = slurp(THIS, "/proc/slabinfo", &len);
	struct vs_root *r = root_of(THIS);
	struct vs_slabs s;
	struct vs_err e;
	char *save = NULL;

	vs_slabs_init(&s);
	assert_int_equal(vs_slabinfo_read(&s, r, &e), 0);
	assert_int_equal(s.version_major, 2);
	assert_int_equal(s.version_minor, 1);
	assert_false(s.statistics);
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char name[128];
		unsigned long long a, n, sz, ops, pps, as, ns;
		struct vs_slab_cache *c;

		if (sscanf(l, "%127s %llu %llu %llu %llu %llu : tunables %*u %*u %*u "
			   ": slabdata %llu %llu", name, &a, &n, &sz, &ops, &pps, &as,
			   &ns) != 8)
			continue;
		lines++;
		c = vs_slabs_find(&s, name);
		assert_non_null(c);
		assert_int_equal(c->counts_src, VS_SRC_SLABINFO);
		assert_int_equal(c->active_objs, a);
		assert_int_equal(c->num_objs, n);
		assert_int_equal(c->slot_size, sz);
		assert_int_equal(c->objs_per_slab, ops);
		assert_int_equal(c->pages_per_slab, pps);
		assert_int_equal(c->active_slabs, as);
		assert_int_equal(c->num_slabs, ns);
		assert_null(c->extra);
	}
	assert_int_equal(lines, s.n);
	assert_true(s.n > 100);
	vs_slabs_free(&s);
	vs_root_unref(r);
	free(text);
}

static void test_slabinfo_statistics(void **state)
{
	struct vs_root *r = root_of(HOSTILE);
	struct vs_slabs s;
	struct vs_err e;
	struct vs_slab_cache *c;

	vs_slabs_init(&s);
	assert_int_equal(vs_slabinfo_read(&s, r, &e), 0);
	assert_true(s.statistics);
	assert_int_equal(s.n, 3);
	c = vs_slabs_find(&s, "big_cache");
	assert_int_equal(c->limit, 54);
	assert_int_equal(c->batchcount, 27);
	assert_int_equal(c->sharedfactor, 8);
	/* The statistics columns are kept, not dropped. */
	assert_non_null(c->extra);
	assert_true(strncmp(c->extra, ": globalstat", 12) == 0);
	c = vs_slabs_find(&s, "kmalloc-8");
	assert_int_equal(c->num_objs, UINT64_MAX);
	/* No /sys/kernel/slab in this tree: a SLAB kernel's. */
	assert_int_equal(vs_slab_sysfs_list(&s, r, &e), -ENOENT);
	vs_slabs_free(&s);
	vs_root_unref(r);
}

static void test_slabinfo_hostile(void **state)
{
	static const char *const bad[] = {
		"slabinfo - version: 2.1\nx 1 2 3 4 : tunables 0 0 0 : slabdata 1 1 0\n",
		"slabinfo - version: 2.1\nx 1 2 3 4 5 : slabdata 1 1 0\n",
		"slabinfo - version: 2.1\nx 1 2 3 4 5 : tunables 0 0 0\n",
		"slabinfo - version: 2.1\nx 1 2 3 4 5 : tunables 0 0 : slabdata 1 1 0\n",
		"slabinfo - version: 2.1\nx 1 2 3 4 18446744073709551616 : tunables 0 0 0 : slabdata 1 1 0\n",
		"slabinfo - version: 2.1\nx 1 2 3 4 -5 : tunables 0 0 0 : slabdata 1 1 0\n",
		"slabinfo - version: 2.1\nx 1 2 3 4 5 : tunables 0 0 0 : slabdata 1 1 0\n"
		"x 1 2 3 4 5 : tunables 0 0 0 : slabdata 1 1 0\n",
		" 1 2 3 4 5 : tunables 0 0 0 : slabdata 1 1 0\n",
		"slabinfo - version: 2.1\n 1 2 3 4 5 : tunables 0 0 0 : slabdata 1 1 0\n",
		"slabinfo version 2.1\n",
		"",
	};
	struct vs_slabs s;
	struct vs_err e;

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		vs_slabs_init(&s);
		if (vs_slabinfo_parse(&s, bad[i], strlen(bad[i]), "s", &e) != -EBADMSG)
			fail_msg("accepted: '%s'", bad[i]);
		vs_slabs_free(&s);
	}
	vs_slabs_init(&s);
	assert_int_equal(vs_slabinfo_parse(&s, "slabinfo - version: 1.1\n", 24,
					   "s", &e), -ENOTSUP);
	vs_slabs_free(&s);
	/* A version past 64 bits is quoted as written, never wrapped. */
	{
		static const char big[] =
			"slabinfo - version: 99999999999999999999.1\n";

		vs_slabs_init(&s);
		assert_int_equal(vs_slabinfo_parse(&s, big, sizeof(big) - 1,
						   "s", &e), -ENOTSUP);
		assert_non_null(strstr(e.msg, "version 99999999999999999999.1 "
					      "is not supported"));
		vs_slabs_free(&s);
	}
	/* A name with a space, and unknown trailing sections, are kept. */
	{
		static const char ok[] = "slabinfo - version: 2.1\n"
			"odd name   1 2 3 4 5 : tunables 0 0 0 : slabdata 1 1 0 : new 7\n";

		vs_slabs_init(&s);
		assert_int_equal(vs_slabinfo_parse(&s, ok, sizeof(ok) - 1, "s", &e), 0);
		assert_string_equal(s.c[0].name, "odd name");
		assert_string_equal(s.c[0].extra, ": new 7");
		vs_slabs_free(&s);
	}
}

static void test_slabinfo_truncated(void **state)
{
	size_t len;
	char *text = slurp(THIS, "/proc/slabinfo", &len);

	for (size_t cut = 0; cut < len; cut++) {
		struct vs_slabs s;
		struct vs_err e;
		size_t start = cut;
		int r;

		vs_slabs_init(&s);
		r = vs_slabinfo_parse(&s, text, cut, "cut", &e);
		while (start > 0 && text[start - 1] != '\n')
			start--;
		if (r == 0 && cut > start)
			fail_msg("a cut at %zu inside a line parsed", cut);
		if (r < 0 && r != -EBADMSG)
			fail_msg("a cut at %zu: %d", cut, r);
		vs_slabs_free(&s);
	}
	free(text);
}

/* One bad attribute of a cache: named, left out, the others still read;
 * a missing one is marked missing; absurd values are refused. */
static void test_sysfs_bad_attrs(void **state)
{
	static const struct { const char *name, *text; } files[] = {
		{ "object_size", "192\n" }, { "slab_size", "192\n" },
		{ "objs_per_slab", "21\n" },
		{ "order", "18446744073709551615\n" },
		{ "objects", "garbage\n" }, { "slabs", "4 N0=4\n" },
		{ "align", "4294967296\n" },
	};
	const char *dir = tmp_dir();
	struct vs_slab_cache *c;
	struct vs_slabs s;
	struct vs_root *r;
	struct vs_err e;
	char rel[128];

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		snprintf(rel, sizeof(rel), "sys/kernel/slab/foo/%s",
			 files[i].name);
		put_file(dir, rel, files[i].text, strlen(files[i].text));
	}
	r = root_of(dir);
	vs_slabs_init(&s);
	assert_int_equal(vs_slab_sysfs_list(&s, r, &e), 0);
	c = vs_slabs_find(&s, "foo");
	assert_non_null(c);
	/* The first bad file is the one named; all were looked at. */
	assert_int_equal(vs_slab_sysfs_read(c, r, VS_SA_ALL, &e), -ERANGE);
	assert_non_null(strstr(e.msg, "/sys/kernel/slab/foo/order"));
	assert_true(c->bad & (1u << VS_SA_ORDER));
	assert_true(c->bad & (1u << VS_SA_OBJECTS));
	assert_true(c->bad & (1u << VS_SA_ALIGN));
	assert_false(vs_slab_has(c, VS_SA_ORDER));
	assert_true(vs_slab_has(c, VS_SA_SLABS));
	assert_int_equal(c->attr[VS_SA_SLABS], 4);
	assert_true(c->missing & (1u << VS_SA_TOTAL_OBJECTS));
	assert_false(vs_slab_counts_from_sysfs(c));
	vs_slabs_free(&s);
	vs_root_unref(r);
}

static void test_sysfs(void **state)
{
	struct vs_root *r = root_of(THIS);
	struct vs_slabs s;
	struct vs_err e;
	struct vs_slab_cache *c;
	size_t len;
	char *t;

	vs_slabs_init(&s);
	assert_int_equal(vs_slabinfo_read(&s, r, &e), 0);
	assert_int_equal(vs_slab_sysfs_list(&s, r, &e), 0);
	/* A cache of its own. */
	c = vs_slabs_find(&s, "dentry");
	assert_true(c->in_sysfs);
	assert_string_equal(c->dir, "dentry");
	assert_int_equal(c->naliases, 0);
	assert_int_equal(vs_slab_sysfs_read(c, r, VS_SA_ALL, &e), 0);
	t = slurp(THIS, "/sys/kernel/slab/dentry/object_size", &len);
	assert_int_equal(c->attr[VS_SA_OBJECT_SIZE], strtoull(t, NULL, 10));
	free(t);
	t = slurp(THIS, "/sys/kernel/slab/dentry/total_objects", &len);
	assert_int_equal(c->attr[VS_SA_TOTAL_OBJECTS], strtoull(t, NULL, 10));
	free(t);
	assert_int_equal(c->nnodes, 1);
	assert_int_equal(c->nodes[0].node, 0);
	assert_int_equal(c->nodes[0].slabs, c->attr[VS_SA_SLABS]);
	/* objects_partial and cpu_slabs are split by node too. */
	assert_int_equal(c->nodes[0].objects_partial, 851);
	assert_int_equal(c->nodes[0].cpu_slabs, 13);
	assert_true(c->nodes[0].have & (1u << VS_SA_OBJECTS_PARTIAL));
	assert_true(c->nodes[0].have & (1u << VS_SA_CPU_SLABS));
	assert_int_equal(c->attr_src, VS_SRC_SYSFS);
	assert_int_equal(c->denied, 0);
	assert_true(vs_slab_has(c, VS_SA_RECLAIM_ACCOUNT));
	/* The counts from sysfs replace slabinfo's, marked so. */
	assert_true(vs_slab_counts_from_sysfs(c));
	assert_int_equal(c->counts_src, VS_SRC_SYSFS);
	assert_int_equal(c->num_objs, c->attr[VS_SA_TOTAL_OBJECTS]);
	assert_int_equal(c->pages_per_slab, 1ull << c->attr[VS_SA_ORDER]);
	/* A merged cache: slabinfo's name links to :0000064, as six others. */
	c = vs_slabs_find(&s, "dmaengine-unmap-2");
	assert_string_equal(c->dir, ":0000064");
	assert_true(c->aliases_known);
	assert_int_equal(c->naliases, 6);
	for (unsigned i = 0; i < c->naliases; i++)
		assert_string_not_equal(c->aliases[i], "dmaengine-unmap-2");
	assert_int_equal(vs_slab_sysfs_read(c, r, 1u << VS_SA_ALIASES, &e), 0);
	assert_int_equal(c->attr[VS_SA_ALIASES], 6);
	/* Not captured: no directory, no attributes, no error. */
	c = vs_slabs_find(&s, "kmalloc-128");
	assert_false(c->in_sysfs);
	assert_int_equal(vs_slab_sysfs_read(c, r, VS_SA_ALL, &e), 0);
	assert_int_equal(c->have, 0);
	assert_int_equal(c->attr_src, VS_SRC_NONE);
	vs_slabs_free(&s);

	/* Without slabinfo: one cache per directory, named by a link. */
	vs_slabs_init(&s);
	assert_int_equal(vs_slab_sysfs_list(&s, r, &e), 0);
	assert_int_equal(s.n, 5);
	c = vs_slabs_find(&s, "dmaengine-unmap-2");
	assert_non_null(c);
	assert_int_equal(c->counts_src, VS_SRC_NONE);
	assert_int_equal(c->naliases, 6);
	vs_slabs_free(&s);
	vs_root_unref(r);
}

static void test_attr_parse(void **state)
{
	static const char *const bad[] = {
		"", "x\n", "5 N=3\n", "5 Nx=3\n", "99999999999999999999\n",
		"5 X0=3\n", "5 N0=-1\n",
	};
	int ids[4];
	uint64_t vals[4], total;

	assert_int_equal(vs_slab_attr_parse("78380 N0=78000 N3=380\n", &total, ids,
					    vals, 4), 2);
	assert_int_equal(total, 78380);
	assert_int_equal(ids[1], 3);
	assert_int_equal(vals[1], 380);
	/* Per-CPU figures are skipped. */
	assert_int_equal(vs_slab_attr_parse("15 C0=7 C1=8\n", &total, ids, vals,
					    4), 0);
	assert_int_equal(total, 15);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		if (vs_slab_attr_parse(bad[i], &total, ids, vals, 4) != -EBADMSG)
			fail_msg("accepted '%s'", bad[i]);
}

static void test_derived(void **state)
{
	struct vs_slab_cache c;
	uint64_t b;

	memset(&c, 0, sizeof(c));
	assert_false(vs_slab_memory(&c, 4096, &b));
	c.counts_src = c.geom_src = VS_SRC_SLABINFO;
	c.num_slabs = 10;
	c.pages_per_slab = 2;
	c.active_objs = 100;
	assert_true(vs_slab_memory(&c, 4096, &b));
	assert_int_equal(b, 81920);
	/* No object size without sysfs: no "used", never a guess. */
	assert_false(vs_slab_used(&c, &b));
	c.attr[VS_SA_OBJECT_SIZE] = 100;
	c.have = 1u << VS_SA_OBJECT_SIZE;
	assert_true(vs_slab_used(&c, &b));
	assert_int_equal(b, 10000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slabinfo_captured),
		cmocka_unit_test(test_slabinfo_statistics),
		cmocka_unit_test(test_slabinfo_hostile),
		cmocka_unit_test(test_slabinfo_truncated),
		cmocka_unit_test(test_sysfs),
		cmocka_unit_test(test_sysfs_bad_attrs),
		cmocka_unit_test(test_attr_parse),
		cmocka_unit_test(test_derived),
	};

	return cmocka_run_group_tests_name("slab", tests, NULL, NULL);
}
