/* test_faults.c - vs_faults on fixture trees (a process, its threads, a
 * thread that vanished, hostile stat files) and the OpenMetrics writer's
 * escaping and format. */
#include <errno.h>

#include "unit.h"
#include "vs_faults.h"
#include "vs_om.h"

static const char *stat_line(int pid, const char *comm, unsigned long min,
			     unsigned long cmin, unsigned long maj,
			     unsigned long cmaj)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), "%d (%s) S 1 %d %d 0 -1 4194560 %lu %lu %lu "
		 "%lu 5 6 0 0 20 0 3 0 12345 1056768 250 18446744073709551615 "
		 "4194304 4198400 140737488350000 0 0 0 0 0 0 0 0 0 17 1 0 0 0 "
		 "0 0 4210688 4211000 4300800 140737488351000 140737488351100 "
		 "140737488351100 140737488351200 0\n", pid, comm, pid, pid,
		 min, cmin, maj, cmaj);
	return buf;
}

static void test_process_and_threads(void **state)
{
	const char *dir = tmp_dir();
	struct vs_faults f = { 0 };
	struct vs_root *r;
	struct vs_err e;
	const char *s;

	s = stat_line(100, "my (prog)", 1000, 50, 7, 1);
	put_file(dir, "proc/100/stat", s, strlen(s));
	s = stat_line(100, "my (prog)", 600, 0, 3, 0);
	put_file(dir, "proc/100/task/100/stat", s, strlen(s));
	s = stat_line(102, "worker", 300, 0, 4, 0);
	put_file(dir, "proc/100/task/102/stat", s, strlen(s));
	/* A thread listed but gone before its stat was read. */
	put_file(dir, "proc/100/task/101/.keep", "", 0);
	assert_int_equal(vs_root_new(dir, &r, &e), 0);
	assert_int_equal(vs_faults_read(r, 100, &f, &e), 0);
	assert_int_equal(f.minflt, 1000);
	assert_int_equal(f.cminflt, 50);
	assert_int_equal(f.majflt, 7);
	assert_int_equal(f.cmajflt, 1);
	assert_string_equal(f.comm, "my (prog)");
	assert_int_equal(f.nthreads, 2);
	assert_int_equal(f.threads[0].tid, 100);
	assert_int_equal(f.threads[1].tid, 102);
	assert_int_equal(f.threads[1].minflt, 300);
	assert_non_null(vs_faults_thread(&f, 102));
	assert_null(vs_faults_thread(&f, 101));
	/* A process that does not exist. */
	assert_int_equal(vs_faults_read(r, 4242, &f, &e), -ESRCH);
	assert_string_equal(e.msg, "process 4242 not found");
	/* A malformed stat: an error naming the file, not zeros. */
	put_file(dir, "proc/200/stat", "200 (x) S 1 2 3\n", 16);
	put_file(dir, "proc/200/task/200/stat", "200 (x) S\n", 10);
	assert_int_equal(vs_faults_read(r, 200, &f, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "/proc/200/stat'"));
	/* Counters past 64 bits. */
	s = "300 (x) S 1 1 1 0 -1 0 99999999999999999999 0 0 0 0 0 0 0 20 0 1 "
	    "0 1 1 1 1 1 1 1 1 1 1\n";
	put_file(dir, "proc/300/stat", s, strlen(s));
	assert_int_equal(vs_faults_read(r, 300, &f, &e), -EBADMSG);
	vs_faults_release(&f);
	vs_root_unref(r);
}

/* The live process: its own counters and its thread's. */
static void test_live_self(void **state)
{
	struct vs_faults f = { 0 };
	struct vs_root *r;
	struct vs_err e;

	assert_int_equal(vs_root_new(NULL, &r, &e), 0);
	assert_int_equal(vs_faults_read(r, getpid(), &f, &e), 0);
	assert_int_equal(f.nthreads, 1);
	assert_int_equal(f.threads[0].tid, getpid());
	assert_true(f.threads[0].minflt > 0);
	assert_true(f.minflt > 0);
	vs_faults_release(&f);
	vs_root_unref(r);
}

static void test_om_escape(void **state)
{
	char out[64];

	vs_om_escape("a\"b\\c\nd", out, sizeof(out));
	assert_string_equal(out, "a\\\"b\\\\c\\nd");
	vs_om_escape("caf\xc3\xa9 \xff", out, sizeof(out));
	assert_string_equal(out, "caf\xc3\xa9 \xef\xbf\xbd");
	/* Cut at the buffer, never inside an escape. */
	vs_om_escape("\"\"\"\"", out, 6);
	assert_string_equal(out, "\\\"\\\"");
}

static void test_om_document(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct vs_om m;
	const char *lab[] = { "pid", "1", "command", "x\"y" };

	vs_om_init(&m, f);
	vs_om_family(&m, "t_rss_bytes", VS_OM_GAUGE, "bytes", "a\\b\nc");
	vs_om_u64(&m, lab, 2, 18446744073709551615ull);
	vs_om_family(&m, "t_faults", VS_OM_COUNTER, NULL, "faults");
	vs_om_u64(&m, NULL, 0, 3);
	assert_int_equal(vs_om_finish(&m), 0);
	fclose(f);
	assert_string_equal(buf,
		"# TYPE t_rss_bytes gauge\n"
		"# UNIT t_rss_bytes bytes\n"
		"# HELP t_rss_bytes a\\\\b\\nc\n"
		"t_rss_bytes{pid=\"1\",command=\"x\\\"y\"} 18446744073709551615\n"
		"# TYPE t_faults counter\n"
		"# HELP t_faults faults\n"
		"t_faults_total 3\n"
		"# EOF\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_process_and_threads),
		cmocka_unit_test(test_live_self),
		cmocka_unit_test(test_om_escape),
		cmocka_unit_test(test_om_document),
	};

	return cmocka_run_group_tests_name("faults", tests, NULL, NULL);
}
