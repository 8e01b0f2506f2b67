/* test_trace.c - private tracefs instances, live: the page faults of this
 * very process, counted by the tracepoint and by getrusage(). Needs root
 * and tracefs; skipped with the reason otherwise. */
#include <errno.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "unit.h"
#include "vs_trace.h"

static void test_names(void **state)
{
	int pid;

	assert_true(vs_trace_parse_name("vmscope-42-0", &pid));
	assert_int_equal(pid, 42);
	assert_false(vs_trace_parse_name("vmscope-42", &pid));
	assert_false(vs_trace_parse_name("vmscope-x-1", &pid));
	assert_false(vs_trace_parse_name("other-42-1", &pid));
	assert_false(vs_trace_parse_name("vmscope-42-1x", &pid));
}

struct faults {
	struct vs_trace *t;
	char *lo, *hi;
	long in_range, total;
};

static int count_fault(void *arg, const struct vs_trace_rec *r)
{
	struct faults *f = arg;
	uint64_t addr;

	assert_int_equal(vs_trace_field(f->t, r, "address", &addr), 0);
	f->total++;
	if (addr >= (uint64_t)(uintptr_t)f->lo && addr < (uint64_t)(uintptr_t)f->hi)
		f->in_range++;
	return 0;
}

static bool can_trace(void)
{
	struct stat st;

	return geteuid() == 0 && (stat("/sys/kernel/tracing/instances", &st) == 0 ||
				  stat("/sys/kernel/tracing", &st) == 0);
}

/* Touch 256 fresh pages: the tracepoint sees one user fault per page, as
 * getrusage's minor-fault count does. The instance is gone afterwards. */
static void test_page_faults_of_this_process(void **state)
{
	struct vs_trace_spec spec = { "exceptions", "page_fault_user", NULL };
	char filter[64], path[128], name[64];
	struct vs_trace *t;
	struct vs_err e;
	struct faults f = { 0 };
	struct rusage ru0, ru1;
	const size_t pages = 256;
	long page = sysconf(_SC_PAGESIZE);
	struct stat st;
	char *p;

	if (!can_trace())
		skip();
	snprintf(filter, sizeof(filter), "common_pid == %d", (int)getpid());
	spec.filter = filter;
	assert_int_equal(vs_trace_start(&spec, 1, 1024, &t, &e), 0);
	snprintf(name, sizeof(name), "%s", vs_trace_name(t));
	snprintf(path, sizeof(path), "/sys/kernel/tracing/instances/%s", name);
	assert_int_equal(stat(path, &st), 0);
	p = mmap(NULL, pages * (size_t)page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	getrusage(RUSAGE_SELF, &ru0);
	for (size_t i = 0; i < pages; i++)
		p[i * (size_t)page] = 1;
	getrusage(RUSAGE_SELF, &ru1);
	f.t = t;
	f.lo = p;
	f.hi = p + pages * (size_t)page;
	assert_true(vs_trace_drain(t, count_fault, &f, &e) >= 0);
	assert_int_equal(f.in_range, (long)pages);
	assert_true(ru1.ru_minflt - ru0.ru_minflt >= (long)pages);
	assert_int_equal(vs_trace_lost(t), 0);
	vs_trace_stop(t);
	assert_int_equal(stat(path, &st), -1);
	munmap(p, pages * (size_t)page);
}

/* An instance left by a dead process is removed by the next start. */
static void test_stale_instances_removed(void **state)
{
	char path[128];
	struct stat st;
	pid_t child;

	if (!can_trace())
		skip();
	child = fork();
	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	snprintf(path, sizeof(path), "/sys/kernel/tracing/instances/vmscope-%d-7",
		 (int)child);
	if (mkdir(path, 0755) < 0)
		skip();
	assert_true(vs_trace_remove_stale() >= 1);
	assert_int_equal(stat(path, &st), -1);
}

static void test_missing_event(void **state)
{
	struct vs_trace_spec spec = { "exceptions", "no_such_event", NULL };
	struct vs_trace *t;
	struct vs_err e;

	if (!can_trace())
		skip();
	assert_int_equal(vs_trace_start(&spec, 1, 0, &t, &e), -ENOENT);
	assert_string_equal(e.msg, "this kernel has no tracepoint "
			    "'exceptions:no_such_event'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_page_faults_of_this_process),
		cmocka_unit_test(test_stale_instances_removed),
		cmocka_unit_test(test_missing_event),
	};

	return cmocka_run_group_tests_name("trace", tests, NULL, NULL);
}
