/* test_maps.c - the maps/smaps/smaps_rollup parser, on captured fixtures
 * and on hostile input. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>

#include "unit.h"
#include "vs_maps.h"
#include "vs_region.h"

#define RICH "tests/fixtures/proc/rich"

/* Open @text as a smaps-like file of kind @which. */
static struct vs_maps *open_text(const char *text, size_t len,
				 enum vs_maps_file which)
{
	const char *path = tmp_file(text, len);
	struct vs_maps *m = NULL;
	struct vs_err e;
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(vs_maps_open_fd(fd, "test", which, &m, &e), 0);
	return m;
}

/* Count the mappings of a whole file, or return the error. */
static int count_all(struct vs_maps *m, struct vs_err *e)
{
	const struct vs_vma *v;
	int n = 0, r;

	while ((r = vs_maps_next(m, &v, e)) > 0)
		n++;
	return r < 0 ? r : n;
}

static int rich_pid(void)
{
	FILE *f = fopen(RICH "/pid", "r");
	int pid = 0;

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%d", &pid), 1);
	fclose(f);
	return pid;
}

/* The captured smaps has the mappings of the captured maps, in order, and
 * the Rss of every mapping adds up to smaps_rollup's. */
static void test_fixture_smaps_matches_maps_and_rollup(void **state)
{
	struct vs_root *root;
	struct vs_maps *maps, *smaps, *roll;
	const struct vs_vma *a, *b, *r;
	struct vs_err e;
	uint64_t rss_sum = 0, rss, rroll;
	int n = 0, ra, rb;

	(void)state;
	assert_int_equal(vs_root_new(RICH, &root, &e), 0);
	assert_int_equal(vs_maps_open(root, rich_pid(), VS_FILE_MAPS, &maps, &e), 0);
	assert_int_equal(vs_maps_open(root, rich_pid(), VS_FILE_SMAPS, &smaps, &e), 0);
	for (;;) {
		ra = vs_maps_next(maps, &a, &e);
		rb = vs_maps_next(smaps, &b, &e);
		assert_int_equal(ra, rb);
		if (ra <= 0)
			break;
		assert_int_equal(a->start, b->start);
		assert_int_equal(a->end, b->end);
		assert_string_equal(a->perms, b->perms);
		assert_string_equal(a->name, b->name);
		assert_true(vs_vma_get(b, VS_KEY_RSS, &rss));
		rss_sum += rss;
		n++;
	}
	assert_int_equal(ra, 0);
	assert_true(n > 40);
	assert_int_equal(vs_maps_open(root, rich_pid(), VS_FILE_SMAPS_ROLLUP,
				      &roll, &e), 0);
	assert_int_equal(vs_maps_next(roll, &r, &e), 1);
	assert_string_equal(r->name, "[rollup]");
	assert_true(vs_vma_get(r, VS_KEY_RSS, &rroll));
	assert_int_equal(rss_sum, rroll);
	assert_true(vs_vma_get(r, VS_KEY_PSS_ANON, &rroll));
	assert_int_equal(vs_maps_next(roll, &r, &e), 0);
	vs_maps_close(maps);
	vs_maps_close(smaps);
	vs_maps_close(roll);
	vs_root_unref(root);
}

/* Header fields: names with spaces, deleted files, SysV, special names. */
static void test_header_fields_and_names(void **state)
{
	static const char text[] =
		"00400000-00401000 r--p 00000000 fe:00 5308634                            /usr/bin/x y\n"
		"7f0000000000-7f0000001000 rw-s 00000000 00:01 29                         /SYSV00000000 (deleted)\n"
		"7f0000001000-7f0000002000 r--p 00001000 103:02 7                         /tmp/gone (deleted)\n"
		"7f0000002000-7f0000003000 rw-p 00000000 00:00 0                          [anon:my region]\n"
		"7f0000003000-7f0000004000 rw-p 00000000 00:00 0\n"
		"7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0                          [stack]\n"
		"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n";
	struct vs_maps *m = open_text(text, sizeof(text) - 1, VS_FILE_MAPS);
	struct vs_shmdev shm = { true, 0, 1 };
	const struct vs_vma *v;
	struct vs_err e;

	assert_int_equal(vs_maps_next(m, &v, &e), 1);
	assert_string_equal(v->name, "/usr/bin/x y");
	assert_int_equal(v->inode, 5308634);
	assert_int_equal(vs_vma_region(v, &shm), VS_REGION_FILE);
	assert_int_equal(vs_maps_next(m, &v, &e), 1);
	assert_true(vs_vma_is_sysv(v, &shm));
	assert_true(vs_vma_deleted(v));
	assert_int_equal(vs_vma_region(v, &shm), VS_REGION_SHM);
	assert_int_equal(vs_maps_next(m, &v, &e), 1);
	assert_int_equal(v->dev_major, 0x103);
	assert_int_equal(v->dev_minor, 2);
	assert_int_equal(v->offset, 0x1000);
	assert_true(vs_vma_deleted(v));
	assert_false(vs_vma_is_sysv(v, &shm));
	assert_int_equal(vs_maps_next(m, &v, &e), 1);
	assert_string_equal(v->name, "[anon:my region]");
	assert_int_equal(vs_vma_region(v, &shm), VS_REGION_ANON);
	assert_int_equal(vs_maps_next(m, &v, &e), 1);
	assert_string_equal(v->name, "");
	assert_int_equal(v->name_len, 0);
	assert_int_equal(vs_maps_next(m, &v, &e), 1);
	assert_int_equal(vs_vma_region(v, &shm), VS_REGION_STACK);
	assert_int_equal(vs_maps_next(m, &v, &e), 1);
	assert_int_equal(v->start, 0xffffffffff600000ull);
	assert_int_equal(vs_vma_region(v, &shm), VS_REGION_VDSO);
	assert_int_equal(vs_maps_next(m, &v, &e), 0);
	vs_maps_close(m);
}

/* Keys a newer kernel adds are kept, under their own names, in order. */
static void test_unknown_keys_kept(void **state)
{
	static const char text[] =
		"00400000-00401000 r--p 00000000 fe:00 1   /bin/a\n"
		"Size:                  4 kB\n"
		"Rss:                   4 kB\n"
		"FutureThing:          12 kB\n"
		"FutureCount:           7\n"
		"FutureText:       hello world\n"
		"VmFlags: rd mr mw me \n"
		"00401000-00402000 r--p 00000000 fe:00 1   /bin/a\n"
		"Size:                  4 kB\n"
		"Rss:                   0 kB\n"
		"FutureThing:          20 kB\n"
		"FutureCount:           1\n"
		"FutureText:       x\n"
		"VmFlags: rd \n";
	struct vs_maps *m = open_text(text, sizeof(text) - 1, VS_FILE_SMAPS);
	const struct vs_keyset *ks;
	const struct vs_vma *v;
	struct vs_err e;
	size_t n;

	assert_int_equal(vs_maps_next(m, &v, &e), 1);
	ks = v->keys;
	assert_int_equal(ks->n, 6);
	assert_string_equal(ks->slot[2].name, "FutureThing");
	assert_string_equal(ks->slot[2].json, "future_thing");
	assert_int_equal(ks->slot[2].known, -1);
	assert_true(ks->slot[2].flags & VS_KF_KB);
	assert_true(ks->slot[2].flags & VS_KF_ADD);
	assert_int_equal(v->val[2], 12);
	assert_false(ks->slot[3].flags & VS_KF_KB);
	assert_int_equal(v->val[3], 7);
	assert_true(ks->slot[4].flags & VS_KF_TEXT);
	assert_string_equal(vs_vma_text(v, 4, &n), "hello world");
	assert_string_equal(vs_vma_text(v, 5, &n), "rd mr mw me");
	assert_int_equal(vs_maps_next(m, &v, &e), 1);
	assert_int_equal(v->val[2], 20);
	assert_string_equal(vs_vma_text(v, 4, &n), "x");
	assert_string_equal(vs_vma_text(v, 5, &n), "rd");
	assert_int_equal(vs_maps_next(m, &v, &e), 0);
	vs_maps_close(m);
}

/* Each hostile line is refused with -EBADMSG and a message naming the
 * line; none is turned into a number. */
static void test_hostile_lines(void **state)
{
	static const char *const bad[] = {
		/* a truncated header */
		"00400000-0040\n",
		"00400000-00401000 r--p 00000000 fe:00\n",
		/* start above end */
		"00402000-00401000 r--p 00000000 fe:00 1 /x\n",
		/* bad permissions */
		"00400000-00401000 rzxp 00000000 fe:00 1 /x\n",
		/* 17 hex digits */
		"10000000000000000-10000000000000001 r--p 00000000 fe:00 1 /x\n",
		/* a key before any mapping */
		"Rss: 4 kB\n",
		/* a value past 64 bits */
		"00400000-00401000 r--p 00000000 fe:00 1 /x\nRss: 99999999999999999999999 kB\n",
		/* kB past 64 bits once in bytes */
		"00400000-00401000 r--p 00000000 fe:00 1 /x\nRss: 18014398509481984 kB\n",
		/* a unit that changes */
		"00400000-00401000 r--p 00000000 fe:00 1 /x\nRss: 4 kB\n"
		"00401000-00402000 r--p 00000000 fe:00 1 /x\nRss: 4\n",
		/* a repeated key */
		"00400000-00401000 r--p 00000000 fe:00 1 /x\nRss: 4 kB\nRss: 4 kB\n",
		/* a known number that is text */
		"00400000-00401000 r--p 00000000 fe:00 1 /x\nRss: many kB\n",
		/* garbage */
		"00400000-00401000 r--p 00000000 fe:00 1 /x\n!!!\n",
		"00400000-00401000 r--p 00000000 fe:00 1 /x\nRss 4 kB\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct vs_maps *m = open_text(bad[i], strlen(bad[i]),
					      strchr(bad[i], ':') &&
					      strstr(bad[i], "Rss") ?
					      VS_FILE_SMAPS : VS_FILE_MAPS);
		struct vs_err e;

		vs_err_clear(&e);
		if (count_all(m, &e) != -EBADMSG)
			fail_msg("case %zu was accepted: %s", i, bad[i]);
		assert_non_null(strstr(e.msg, "'test' line"));
		vs_maps_close(m);
	}
}

/* Right at the limits: 64-bit values that fit, the largest kB value. */
static void test_values_at_the_limits(void **state)
{
	static const char text[] =
		"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0  [vsyscall]\n"
		"Rss: 18014398509481983 kB\n"
		"Big: 18446744073709551615\n"
		"Zero: 000\n";
	struct vs_maps *m = open_text(text, sizeof(text) - 1, VS_FILE_SMAPS);
	const struct vs_vma *v;
	struct vs_err e;
	uint64_t x;

	assert_int_equal(vs_maps_next(m, &v, &e), 1);
	assert_true(vs_vma_bytes(v, VS_KEY_RSS, &x));
	assert_int_equal(x, 18014398509481983ull * 1024);
	assert_int_equal(v->val[1], UINT64_MAX);
	assert_int_equal(v->val[2], 0);
	vs_maps_close(m);
}

/* A file cut anywhere (a truncated read) gives what was complete, or a
 * clear error for a cut header line; never a crash. */
static void test_truncated_anywhere(void **state)
{
	static const char text[] =
		"00400000-00401000 r--p 00000000 fe:00 1   /bin/a\n"
		"Size:                  4 kB\n"
		"Rss:                   4 kB\n"
		"THPeligible:           0\n"
		"VmFlags: rd mr mw me \n"
		"00401000-00402000 r-xp 00001000 fe:00 1   /bin/a\n"
		"Size:                  4 kB\n"
		"Rss:                   4 kB\n";

	(void)state;
	for (size_t cut = 1; cut < sizeof(text) - 1; cut++) {
		struct vs_maps *m = open_text(text, cut, VS_FILE_SMAPS);
		struct vs_err e;
		int r = count_all(m, &e);

		assert_true(r == 1 || r == 2 || r == -EBADMSG);
		vs_maps_close(m);
	}
}

/* 65,530 mappings (vm.max_map_count) stream through in bounded memory,
 * and the fast path agrees with the general parser on every value. */
static void test_65530_mappings(void **state)
{
	const size_t n = 65530;
	size_t cap = n * 700, len = 0;
	char *text = malloc(cap);
	struct vs_maps *m;
	const struct vs_vma *v;
	struct vs_err e;
	size_t count = 0;
	uint64_t rss_sum = 0, x;
	int r;

	(void)state;
	assert_non_null(text);
	for (size_t i = 0; i < n; i++) {
		uint64_t start = 0x7f0000000000ull + i * 0x2000;

		len += (size_t)snprintf(text + len, cap - len,
			"%" PRIx64 "-%" PRIx64 " rw-p 00000000 00:00 0 \n"
			"Size:                  8 kB\n"
			"KernelPageSize:        4 kB\n"
			"Rss:            %8zu kB\n"
			"Pss:                   4 kB\n"
			"Private_Dirty:         4 kB\n"
			"THPeligible:           %zu\n"
			"VmFlags: rd wr mr mw me ac \n",
			start, start + 0x2000, i % 3, i % 2);
	}
	m = open_text(text, len, VS_FILE_SMAPS);
	while ((r = vs_maps_next(m, &v, &e)) > 0) {
		assert_true(vs_vma_get(v, VS_KEY_RSS, &x));
		assert_int_equal(x, count % 3);
		assert_true(vs_vma_get(v, VS_KEY_THP_ELIGIBLE, &x));
		assert_int_equal(x, count % 2);
		rss_sum += count % 3;
		count++;
	}
	assert_int_equal(r, 0);
	assert_int_equal(count, n);
	assert_int_equal(rss_sum, (n / 3) * 3 + (n % 3 == 2 ? 1 : 0));
	/* The reader kept one buffer, not the file. */
	assert_true(vs_maps_bytes(m) == len);
	vs_maps_close(m);
	free(text);
}

/* Lines longer than the read buffer (a 4 KiB path, escaped) still parse. */
static void test_long_names(void **state)
{
	char text[20000], name[9000];
	struct vs_maps *m;
	const struct vs_vma *v;
	struct vs_err e;
	size_t len;

	(void)state;
	memset(name, 'n', sizeof(name) - 1);
	name[0] = '/';
	name[sizeof(name) - 1] = '\0';
	len = (size_t)snprintf(text, sizeof(text),
		"00400000-00401000 r--p 00000000 fe:00 1 %s\\012x (deleted)\n"
		"Rss: 4 kB\n", name);
	m = open_text(text, len, VS_FILE_SMAPS);
	assert_int_equal(vs_maps_next(m, &v, &e), 1);
	assert_int_equal(v->name_len, strlen(name) + strlen("\\012x (deleted)"));
	assert_true(vs_vma_deleted(v));
	vs_maps_close(m);
}

/* A VMA encoded for the spool decodes to the same VMA. */
static void test_encode_decode(void **state)
{
	struct vs_root *root;
	struct vs_maps *m;
	const struct vs_vma *v;
	struct vs_vma d = { 0 };
	struct vs_buf b = { 0 };
	struct vs_err e;
	int n = 0;

	(void)state;
	assert_int_equal(vs_root_new(RICH, &root, &e), 0);
	assert_int_equal(vs_maps_open(root, rich_pid(), VS_FILE_SMAPS, &m, &e), 0);
	while (vs_maps_next(m, &v, &e) > 0) {
		vs_buf_reset(&b);
		vs_vma_encode(v, &b);
		assert_int_equal(b.err, 0);
		assert_int_equal(vs_vma_decode(&d, v->keys, b.p, b.len), 0);
		assert_int_equal(d.start, v->start);
		assert_int_equal(d.end, v->end);
		assert_int_equal(d.offset, v->offset);
		assert_int_equal(d.inode, v->inode);
		assert_int_equal(d.dev_major, v->dev_major);
		assert_int_equal(d.dev_minor, v->dev_minor);
		assert_string_equal(d.perms, v->perms);
		assert_string_equal(d.name, v->name);
		assert_int_equal(d.have, v->have);
		for (unsigned i = 0; i < v->keys->n; i++) {
			if (!(v->have & (1ull << i)))
				continue;
			if (v->keys->slot[i].flags & VS_KF_TEXT)
				assert_string_equal(vs_vma_text(&d, i, NULL),
						    vs_vma_text(v, i, NULL));
			else
				assert_int_equal(d.val[i], v->val[i]);
		}
		/* A cut record is refused. */
		assert_int_equal(vs_vma_decode(&d, v->keys, b.p, b.len - 1),
				 -EBADMSG);
		n++;
	}
	assert_true(n > 40);
	vs_vma_release(&d);
	vs_buf_free(&b);
	vs_maps_close(m);
	vs_root_unref(root);
}

static void test_key_names(void **state)
{
	char out[64];

	(void)state;
	vs_key_snake("AnonHugePages", out, sizeof(out));
	assert_string_equal(out, "anon_huge_pages");
	vs_key_snake("Pss_Dirty", out, sizeof(out));
	assert_string_equal(out, "pss_dirty");
	vs_key_snake("MMUPageSize", out, sizeof(out));
	assert_string_equal(out, "mmu_page_size");
	vs_key_snake("Shared_Hugetlb", out, sizeof(out));
	assert_string_equal(out, "shared_hugetlb");
	assert_int_equal(vs_key_lookup("THPeligible", 11), VS_KEY_THP_ELIGIBLE);
	assert_int_equal(vs_key_lookup("Nope", 4), -1);
	/* Every known key has a distinct JSON name. */
	for (int a = 0; a < VS_KEY__COUNT; a++)
		for (int b = a + 1; b < VS_KEY__COUNT; b++)
			assert_string_not_equal(vs_keyinfo[a].json,
						vs_keyinfo[b].json);
}

/* A missing process and a missing root are clear errors. */
static void test_open_errors(void **state)
{
	struct vs_root *root;
	struct vs_maps *m;
	struct vs_err e;

	(void)state;
	assert_int_equal(vs_root_new(RICH, &root, &e), 0);
	assert_int_equal(vs_maps_open(root, 999999, VS_FILE_SMAPS, &m, &e), -ENOENT);
	assert_non_null(strstr(e.msg, RICH "/proc/999999/smaps"));
	vs_root_unref(root);
	assert_int_equal(vs_root_new("/nonexistent-root", &root, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "/nonexistent-root"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_smaps_matches_maps_and_rollup),
		cmocka_unit_test(test_header_fields_and_names),
		cmocka_unit_test(test_unknown_keys_kept),
		cmocka_unit_test(test_hostile_lines),
		cmocka_unit_test(test_values_at_the_limits),
		cmocka_unit_test(test_truncated_anywhere),
		cmocka_unit_test(test_65530_mappings),
		cmocka_unit_test(test_long_names),
		cmocka_unit_test(test_encode_decode),
		cmocka_unit_test(test_key_names),
		cmocka_unit_test(test_open_errors),
	};

	return cmocka_run_group_tests_name("maps", tests, NULL, NULL);
}
