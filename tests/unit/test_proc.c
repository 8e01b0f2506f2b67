/* test_proc.c - stat, statm, status and cmdline: captured files, hostile ones, and
 * the live system against libproc2 (procps' own library) as the oracle. */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

#include <libproc2/pids.h>

#include "unit.h"
#include "vs_proc.h"

static void test_stat_comm_with_parens_and_spaces(void **state)
{
	static const char text[] =
		"4242 (a) b (c) d) S 1 4242 4242 0 -1 4194560 100 200 3 4 5 6 "
		"7 8 20 0 3 0 12345 1056768 250 18446744073709551615 4194304 "
		"4198400 140737488350000 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 "
		"4210688 4211000 4300800 140737488351000 140737488351100 "
		"140737488351100 140737488351200 0\n";
	struct vs_stat st;

	assert_int_equal(vs_stat_parse(text, sizeof(text) - 1, &st), 0);
	assert_int_equal(st.pid, 4242);
	assert_string_equal(st.comm, "a) b (c) d");
	assert_int_equal(st.state, 'S');
	assert_int_equal(st.ppid, 1);
	assert_int_equal(st.minflt, 100);
	assert_int_equal(st.cminflt, 200);
	assert_int_equal(st.majflt, 3);
	assert_int_equal(st.num_threads, 3);
	assert_int_equal(st.starttime, 12345);
	assert_int_equal(st.vsize, 1056768);
	assert_int_equal(st.rss, 250);
	assert_int_equal(st.startstack, 140737488350000ull);
	assert_int_equal(st.start_brk, 4300800);
	assert_int_equal(st.env_end, 140737488351200ull);
	assert_int_equal(st.nfields, 52);
}

static void test_stat_hostile(void **state)
{
	static const char *const bad[] = {
		"", "1", "1 (x", "x (y) S 1", "1 (x) S 1 2 3",
		"1 (x) SS 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 1 1 1 1 1 1",
		"1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 1 1 1 1 1 99999999999999999999999",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct vs_stat st;

		if (vs_stat_parse(bad[i], strlen(bad[i]), &st) != -EBADMSG)
			fail_msg("accepted: '%s'", bad[i]);
	}
}

static void test_statm(void **state)
{
	static const char *const bad[] = {
		"", "\n", "1 2 3 4 5 6\n", "1 2 3 x 5 6 7\n",
		"1 2 3 4 5 6 -7\n", "1 2 3 4 5 6 7\nmore\n",
		"1 2 3 4 5 6 99999999999999999999999\n", "1\t2 3 4 5 6 7\n",
	};
	struct vs_statm st;
	const char *text = "2655 452 387 177 0 1197 0\n";

	assert_int_equal(vs_statm_parse(text, strlen(text), &st), 0);
	assert_int_equal(st.size, 2655);
	assert_int_equal(st.resident, 452);
	assert_int_equal(st.shared, 387);
	assert_int_equal(st.text, 177);
	assert_int_equal(st.data, 1197);
	assert_int_equal(st.nfields, 7);
	/* A newer kernel's eighth number is accepted; no newline too. */
	text = "1 2 3 4 0 5 0 8";
	assert_int_equal(vs_statm_parse(text, strlen(text), &st), 0);
	assert_int_equal(st.data, 5);
	assert_int_equal(st.nfields, 8);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		if (vs_statm_parse(bad[i], strlen(bad[i]), &st) != -EBADMSG)
			fail_msg("accepted: '%s'", bad[i]);
}

/* statm's resident and total sizes are status' VmRSS and VmSize, for a
 * child that waits (its memory does not move). */
static void test_statm_live(void **state)
{
	long page = sysconf(_SC_PAGESIZE);
	struct vs_root *root;
	struct vs_status ss;
	struct vs_statm sm;
	struct vs_stat st;
	struct vs_err e;
	pid_t child = fork();

	if (child == 0) {
		for (;;)
			pause();
	}
	assert_true(child > 0);
	assert_int_equal(vs_root_new(NULL, &root, &e), 0);
	/* Wait until the child sleeps in pause(). */
	for (int i = 0; i < 500; i++) {
		assert_int_equal(vs_stat_read(root, child, &st, &e), 0);
		if (st.state == 'S')
			break;
		usleep(2000);
	}
	assert_int_equal(vs_statm_read(root, child, &sm, &e), 0);
	assert_int_equal(vs_status_read(root, child, &ss, &e), 0);
	assert_int_equal(sm.resident * (unsigned long long)page,
			 ss.bytes[VS_ST_VMRSS]);
	assert_int_equal(sm.size * (unsigned long long)page,
			 ss.bytes[VS_ST_VMSIZE]);
	assert_int_equal(sm.size * (unsigned long long)page, st.vsize);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	assert_int_equal(vs_statm_read(root, child, &sm, &e), -ESRCH);
	assert_non_null(strstr(e.msg, "not found"));
	vs_root_unref(root);
}

static void test_status(void **state)
{
	static const char text[] =
		"Name:\tmy\\nname\\\\x\n"
		"Umask:\t0022\n"
		"State:\tS (sleeping)\n"
		"Tgid:\t100\n"
		"Pid:\t101\n"
		"PPid:\t1\n"
		"Uid:\t1000\t1001\t1002\t1003\n"
		"Gid:\t5\t6\t7\t8\n"
		"VmPeak:\t   10000 kB\n"
		"VmRSS:\t    2048 kB\n"
		"RssAnon:\t    1024 kB\n"
		"VmSwap:\t       0 kB\n"
		"Threads:\t3\n"
		"NewField:\tsomething\n";
	struct vs_status st;

	assert_int_equal(vs_status_parse(text, sizeof(text) - 1, &st), 0);
	assert_string_equal(st.name, "my\nname\\x");
	assert_int_equal(st.state, 'S');
	assert_int_equal(st.tgid, 100);
	assert_int_equal(st.pid, 101);
	assert_int_equal(st.uid[1], 1001);
	assert_int_equal(st.gid[3], 8);
	assert_int_equal(st.threads, 3);
	assert_true(vs_status_has(&st, VS_ST_VMRSS));
	assert_int_equal(st.bytes[VS_ST_VMRSS], 2048 * 1024);
	assert_int_equal(st.bytes[VS_ST_VMSWAP], 0);
	assert_true(vs_status_has(&st, VS_ST_VMSWAP));
	/* A field the kernel did not print is absent, not zero. */
	assert_false(vs_status_has(&st, VS_ST_VMPTE));

	static const char *const bad[] = {
		"Tgid:\tx\n", "VmRSS:\t12\n", "Uid:\t1 2\n", "VmRSS:\t99999999999999999999 kB\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(vs_status_parse(bad[i], strlen(bad[i]), &st),
				 -EBADMSG);
}

static void test_cmdline_format(void **state)
{
	struct vs_stat st = { .comm = "kworker/0:1", .state = 'I' };
	char out[256];

	vs_cmdline_format("ls\0-l\0/tmp\0", 11, &st, true, out, sizeof(out));
	assert_string_equal(out, "ls -l /tmp");
	/* Newlines become spaces; control characters '?' (UTF-8) or '.'. */
	vs_cmdline_format("a\nb\tc", 5, &st, true, out, sizeof(out));
	assert_string_equal(out, "a b?c");
	vs_cmdline_format("a\nb\tc", 5, &st, false, out, sizeof(out));
	assert_string_equal(out, "a b.c");
	/* UTF-8 kept in a UTF-8 locale, '?' otherwise. */
	vs_cmdline_format("caf\xc3\xa9", 5, &st, true, out, sizeof(out));
	assert_string_equal(out, "caf\xc3\xa9");
	vs_cmdline_format("caf\xc3\xa9", 5, &st, false, out, sizeof(out));
	assert_string_equal(out, "caf??");
	/* A broken sequence turns the rest to ASCII escapes. */
	vs_cmdline_format("ok\xff\x01z", 5, &st, true, out, sizeof(out));
	assert_string_equal(out, "ok?.z");
	/* No arguments: [comm]; a zombie says so. */
	vs_cmdline_format("", 0, &st, true, out, sizeof(out));
	assert_string_equal(out, "[kworker/0:1]");
	st.state = 'Z';
	vs_cmdline_format("", 0, &st, true, out, sizeof(out));
	assert_string_equal(out, "[kworker/0:1] <defunct>");
	/* A trailing space (a rewritten argv) goes. */
	vs_cmdline_format("x ", 2, &st, true, out, sizeof(out));
	assert_string_equal(out, "x");
	/* Too long: cut to the buffer. */
	vs_cmdline_format("abcdefgh", 8, &st, true, out, 5);
	assert_string_equal(out, "abcd");
}

/* Every process on this machine: our stat, status and cmdline readers
 * against libproc2's PIDS_CMDLINE, PIDS_ID_TGID and PIDS_TICS_BEGAN. */
static void test_live_against_libproc2(void **state)
{
	enum pids_item items[] = { PIDS_ID_PID, PIDS_ID_TGID, PIDS_CMDLINE,
				   PIDS_FLT_MIN, PIDS_VSIZE_BYTES };
	struct pids_info *info = NULL;
	struct pids_stack *s;
	struct vs_root *root;
	struct vs_err e;
	int compared = 0;

	assert_int_equal(vs_root_new(NULL, &root, &e), 0);
	assert_int_equal(procps_pids_new(&info, items, 5), 0);
	while ((s = procps_pids_get(info, PIDS_FETCH_TASKS_ONLY))) {
		int pid = PIDS_VAL(0, s_int, s, info);
		int tgid = PIDS_VAL(1, s_int, s, info);
		const char *cmd = PIDS_VAL(2, str, s, info);
		struct vs_stat st;
		struct vs_status ss;
		char out[128 * 1024];

		if (pid == getpid())
			continue;
		if (vs_stat_read(root, pid, &st, &e) < 0 ||
		    vs_status_read(root, pid, &ss, &e) < 0 ||
		    vs_cmdline_read(root, pid, &st, false, out, sizeof(out),
				    &e) < 0)
			continue;	/* it exited meanwhile */
		assert_int_equal(st.pid, pid);
		assert_int_equal(ss.tgid, tgid);
		if (strcmp(out, cmd) != 0) {
			/* A process may rewrite its cmdline between the two
			 * reads; read both again before failing. */
			vs_cmdline_read(root, pid, &st, false, out, sizeof(out),
					&e);
			if (strcmp(out, cmd) != 0 && kill(pid, 0) == 0)
				fail_msg("pid %d: '%s' vs libproc2 '%s'", pid,
					 out, cmd);
		}
		compared++;
	}
	procps_pids_unref(&info);
	vs_root_unref(root);
	assert_true(compared >= 1);
}

/* A process that is gone reads as -ESRCH, with a message. */
static void test_gone(void **state)
{
	struct vs_root *root;
	struct vs_stat st;
	struct vs_err e;
	pid_t child = fork();

	if (child == 0)
		_exit(0);
	assert_true(child > 0);
	waitpid(child, NULL, 0);
	assert_int_equal(vs_root_new(NULL, &root, &e), 0);
	assert_int_equal(vs_stat_read(root, child, &st, &e), -ESRCH);
	assert_non_null(strstr(e.msg, "not found"));
	vs_root_unref(root);
}

/* The captured trees: a process with threads and a kernel thread. */
static void test_captured_fixtures(void **state)
{
	struct vs_root *root;
	struct vs_stat st;
	struct vs_status ss;
	struct vs_err e;
	char cmd[4096];
	int pid;
	FILE *f = fopen("tests/fixtures/proc/rich/pid", "r");

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%d", &pid), 1);
	fclose(f);
	assert_int_equal(vs_root_new("tests/fixtures/proc/rich", &root, &e), 0);
	assert_int_equal(vs_stat_read(root, pid, &st, &e), 0);
	assert_int_equal(st.pid, pid);
	assert_string_equal(st.comm, "mapper");
	assert_int_equal(st.state, 'T');		/* captured stopped */
	assert_int_equal(st.num_threads, 3);		/* --threads 2 */
	assert_true(st.startstack > st.start_brk);
	assert_int_equal(vs_status_read(root, pid, &ss, &e), 0);
	assert_int_equal(ss.tgid, pid);
	assert_int_equal(ss.threads, 3);
	assert_true(vs_status_has(&ss, VS_ST_VMRSS));
	/* VmRSS is the sum of its three parts. (stat's rss field is not
	 * compared: since 6.2 it reads per-CPU counters without summing
	 * them, so it may lag VmRSS by a few pages.) */
	assert_int_equal(ss.bytes[VS_ST_VMRSS], ss.bytes[VS_ST_RSSANON] +
			 ss.bytes[VS_ST_RSSFILE] + ss.bytes[VS_ST_RSSSHMEM]);
	assert_int_equal(vs_cmdline_read(root, pid, &st, true, cmd, sizeof(cmd), &e), 0);
	assert_non_null(strstr(cmd, "mapper --touch --maps 20"));
	vs_root_unref(root);

	assert_int_equal(vs_root_new("tests/fixtures/proc/kthread", &root, &e), 0);
	assert_int_equal(vs_stat_read(root, 2, &st, &e), 0);
	assert_true(st.flags & VS_PF_KTHREAD);
	assert_int_equal(vs_cmdline_read(root, 2, &st, true, cmd, sizeof(cmd), &e), 0);
	assert_string_equal(cmd, "[kthreadd]");
	vs_root_unref(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stat_comm_with_parens_and_spaces),
		cmocka_unit_test(test_stat_hostile),
		cmocka_unit_test(test_statm),
		cmocka_unit_test(test_statm_live),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_cmdline_format),
		cmocka_unit_test(test_live_against_libproc2),
		cmocka_unit_test(test_gone),
		cmocka_unit_test(test_captured_fixtures),
	};

	return cmocka_run_group_tests_name("proc", tests, NULL, NULL);
}
