/* test_spool.c - the record spool, in memory and spilled to a file, and
 * the root-prefixed file reader. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>

#include "unit.h"
#include "vs_lines.h"
#include "vs_root.h"
#include "vs_spool.h"

/* Records of varied sizes, some larger than the read-back window. */
static size_t rec_len(int i)
{
	return i % 97 == 0 ? 40000 : (size_t)(i % 300);
}

static void fill(char *buf, int i, size_t n)
{
	for (size_t k = 0; k < n; k++)
		buf[k] = (char)(i * 31 + (int)k);
}

static void roundtrip(size_t limit, int expect_disk)
{
	struct vs_spool *s;
	struct vs_err e;
	uint64_t offs[2000], off, next;
	char buf[40000];
	const void *rec;
	size_t len;
	int i;

	assert_int_equal(vs_spool_new(limit, &s, &e), 0);
	for (i = 0; i < 2000; i++) {
		fill(buf, i, rec_len(i));
		assert_int_equal(vs_spool_put(s, buf, rec_len(i), &offs[i], &e), 0);
	}
	assert_int_equal(vs_spool_on_disk(s), expect_disk);
	/* In order. */
	off = 0;
	for (i = 0; vs_spool_get(s, off, &rec, &len, &next, &e) > 0; i++) {
		assert_int_equal(off, offs[i]);
		assert_int_equal(len, rec_len(i));
		fill(buf, i, len);
		assert_memory_equal(rec, buf, len);
		off = next;
	}
	assert_int_equal(i, 2000);
	/* Backwards, as a sort would. */
	for (i = 1999; i >= 0; i--) {
		assert_int_equal(vs_spool_get(s, offs[i], &rec, &len, NULL, &e), 1);
		assert_int_equal(len, rec_len(i));
		fill(buf, i, len);
		assert_memory_equal(rec, buf, len);
	}
	vs_spool_free(s);
}

static void test_spool_memory(void **state)
{
	roundtrip(64u << 20, 0);
}

static void test_spool_file(void **state)
{
	roundtrip(4096, 1);
}

static void test_varints(void **state)
{
	static const uint64_t vals[] = { 0, 1, 127, 128, 300, 16383, 16384,
		UINT32_MAX, (uint64_t)1 << 56, UINT64_MAX };
	struct vs_buf b = { 0 };
	const uint8_t *p, *end;
	uint64_t v;

	for (size_t i = 0; i < sizeof(vals) / sizeof(*vals); i++)
		vs_buf_varint(&b, vals[i]);
	p = b.p;
	end = b.p + b.len;
	for (size_t i = 0; i < sizeof(vals) / sizeof(*vals); i++) {
		assert_int_equal(vs_varint_next(&p, end, &v), 0);
		assert_int_equal(v, vals[i]);
	}
	assert_true(p == end);
	/* A cut varint is an error. */
	p = b.p + b.len - 1;
	assert_int_equal(vs_get_varint(&p, end - 0, &v), 0);
	p = b.p + b.len - 3;
	assert_int_equal(vs_get_varint(&p, b.p + b.len - 1, &v), -1);
	vs_buf_free(&b);
}

static void test_root_reads(void **state)
{
	const char *dir = tmp_dir();
	struct vs_root *r;
	struct vs_err e;
	char buf[16], *big;
	size_t len;

	put_file(dir, "proc/7/stat", "hello", 5);
	put_file(dir, "proc/7/large", "0123456789abcdefXYZ", 19);
	assert_int_equal(vs_root_new(dir, &r, &e), 0);
	assert_false(vs_root_is_live(r));
	assert_int_equal(vs_root_read(r, "/proc/7/stat", buf, sizeof(buf), &len, &e), 0);
	assert_string_equal(buf, "hello");
	assert_true(vs_root_pid_alive(r, 7));
	assert_false(vs_root_pid_alive(r, 8));
	/* Too big for the buffer: an error, or what fits with _upto. */
	assert_int_equal(vs_root_read(r, "/proc/7/large", buf, sizeof(buf), &len, &e),
			 -EFBIG);
	assert_int_equal(vs_root_read_upto(r, "/proc/7/large", buf, sizeof(buf),
					   &len, &e), 0);
	assert_int_equal(len, 15);
	assert_int_equal(vs_root_read_alloc(r, "/proc/7/large", 1000, &big, &len, &e), 0);
	assert_int_equal(len, 19);
	free(big);
	assert_int_equal(vs_root_read_alloc(r, "/proc/7/large", 10, &big, &len, &e),
			 -EFBIG);
	/* Messages name the file as the user can find it. */
	assert_int_equal(vs_root_read(r, "/proc/9/stat", buf, sizeof(buf), &len, &e),
			 -ENOENT);
	assert_non_null(strstr(e.msg, dir));
	assert_non_null(strstr(e.msg, "/proc/9/stat': no such file"));
	vs_root_unref(r);
}

/* The line reader: lines of every length around its buffer size. */
static void test_lines(void **state)
{
	char text[5000];
	size_t len = 0;
	struct vs_lines l;
	char *line;
	size_t n;
	int fd, i = 0;

	for (int k = 0; k < 90; k++) {
		memset(text + len, 'a' + k % 26, (size_t)k);
		len += (size_t)k;
		text[len++] = '\n';
	}
	memcpy(text + len, "tail", 4);	/* no final newline */
	len += 4;
	fd = open(tmp_file(text, len), O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(vs_lines_init(&l, fd, 64, 1024), 0);
	while (vs_lines_next(&l, &line, &n) > 0) {
		if (i < 90) {
			assert_int_equal(n, (size_t)i);
			assert_int_equal(strlen(line), n);
		} else {
			assert_string_equal(line, "tail");
		}
		i++;
	}
	assert_int_equal(i, 91);
	vs_lines_release(&l);
	/* A line longer than the maximum is -EOVERFLOW. */
	memset(text, 'x', 3000);
	fd = open(tmp_file(text, 3000), O_RDONLY);
	assert_int_equal(vs_lines_init(&l, fd, 64, 1024), 0);
	assert_int_equal(vs_lines_next(&l, &line, &n), -EOVERFLOW);
	vs_lines_release(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spool_memory),
		cmocka_unit_test(test_spool_file),
		cmocka_unit_test(test_varints),
		cmocka_unit_test(test_root_reads),
		cmocka_unit_test(test_lines),
	};

	return cmocka_run_group_tests_name("spool", tests, NULL, NULL);
}
