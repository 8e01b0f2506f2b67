/* test_text.c - the line parser every kernel-file reader shares (vs_text):
 * what the kernel never writes is refused, never read as other figures.
 * Cases found by the harnesses of tests/fuzz. */
#include <errno.h>

#include "unit.h"
#include "vs_buddy.h"
#include "vs_root.h"
#include "vs_text.h"

/* "nr_written 28\0" + "4193": fuzz_vmstat's independent reading says the
 * line is not "name value"; the parser read 28. */
static const char nul_line[] = "nr_free_pages 12\nnr_written 28\0004193\n";

static void test_nul_in_line_text(void **state)
{
	struct vs_kvlist l = { 0 };
	struct vs_err e;

	(void)state;
	assert_int_equal(vs_vmstat_parse(nul_line, sizeof(nul_line) - 1,
					 "/proc/vmstat", &l, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "line 2"));
	vs_kvlist_free(&l);
}

/* The same through the reader of files below a root. */
static void test_nul_in_line_file(void **state)
{
	const char *dir = tmp_dir();
	struct vs_kvlist l = { 0 };
	struct vs_root *r;
	struct vs_err e;
	char cmd[128];

	(void)state;
	put_file(dir, "proc/vmstat", nul_line, sizeof(nul_line) - 1);
	assert_int_equal(vs_root_new(dir, &r, &e), 0);
	assert_int_equal(vs_vmstat_read(r, &l, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "line 2"));
	vs_kvlist_free(&l);
	vs_root_unref(r);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* A NUL in the text of any vs_text parser: buddyinfo's counts too. */
static void test_nul_in_buddyinfo(void **state)
{
	static const char t[] =
		"Node 0, zone   Normal      1      2\0003      4\n";
	struct vs_buddy b;
	struct vs_err e;

	(void)state;
	vs_buddy_init(&b);
	assert_int_equal(vs_buddyinfo_parse(&b, t, sizeof(t) - 1,
					    "/proc/buddyinfo", &e), -EBADMSG);
	vs_buddy_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nul_in_line_text),
		cmocka_unit_test(test_nul_in_line_file),
		cmocka_unit_test(test_nul_in_buddyinfo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
