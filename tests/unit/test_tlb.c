/* test_tlb.c - what vmtlb reads: the TLB decoders on the cpuid values
 * recorded from this machine's AMD EPYC (tests/fixtures/kernel/this/
 * vmscope/cpuid), checked against the kernel's own sum in /proc/cpuinfo
 * ("TLB size"), and on Intel register values built from the SDM's tables;
 * /proc/interrupts, captured and hostile; the perf errno rule; and the
 * page-size mix of a process from smaps. */
#include <errno.h>
#include <fcntl.h>

#include "unit.h"
#include "vs_cpuid.h"
#include "vs_irq.h"
#include "vs_maps.h"
#include "vs_pagemix.h"
#include "vs_perf.h"

#define THIS "tests/fixtures/kernel/this"
#define HOSTILE "tests/fixtures/kernel/hostile"

static struct vs_root *root_of(const char *tree)
{
	struct vs_root *r;
	struct vs_err e;

	assert_int_equal(vs_root_new(tree, &r, &e), 0);
	return r;
}

/* The TLB of @t at @level, @kind holding page size @pg alone, or NULL. */
static const struct vs_tlb *find(const struct vs_tlbinfo *t, unsigned level,
				 enum vs_tlb_kind kind, unsigned pages)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->tlb[i].level == level && t->tlb[i].kind == kind &&
		    t->tlb[i].pages == pages)
			return &t->tlb[i];
	return NULL;
}

static void expect(const struct vs_tlbinfo *t, unsigned level,
		   enum vs_tlb_kind kind, unsigned pages, unsigned entries,
		   int ways)
{
	const struct vs_tlb *x = find(t, level, kind, pages);

	if (!x)
		fail_msg("no L%u %s TLB for pages 0x%x", level,
			 vs_tlb_kind_name[kind], pages);
	assert_int_equal(x->entries, entries);
	if (ways < 0)
		assert_true(x->full);
	else
		assert_int_equal(x->ways, ways);
}

/* AMD family 19h (Zen 3) EPYC of this machine, as recorded. */
static void test_amd_recorded(void **state)
{
	struct vs_root *r = root_of(THIS);
	struct vs_cpuid c;
	struct vs_tlbinfo t;
	struct vs_err e;
	uint64_t cpuinfo;

	assert_int_equal(vs_cpuid_open(r, &c, &e), 0);
	assert_false(c.live);
	assert_int_equal(vs_tlb_read(&c, &t, &e), 0);
	assert_string_equal(t.vendor, "AuthenticAMD");
	assert_int_equal(t.family, 0x19);
	assert_int_equal(t.model, 1);
	assert_int_equal(t.unknown, 0);
	expect(&t, 1, VS_TLB_DATA, VS_PG_4K, 64, -1);
	expect(&t, 1, VS_TLB_INSTR, VS_PG_4K, 64, -1);
	expect(&t, 1, VS_TLB_DATA, VS_PG_2M | VS_PG_4M, 64, -1);
	expect(&t, 1, VS_TLB_INSTR, VS_PG_2M | VS_PG_4M, 64, -1);
	expect(&t, 2, VS_TLB_DATA, VS_PG_4K, 2048, 8);
	expect(&t, 2, VS_TLB_INSTR, VS_PG_4K, 512, 4);
	expect(&t, 2, VS_TLB_DATA, VS_PG_2M | VS_PG_4M, 2048, 4);
	expect(&t, 2, VS_TLB_INSTR, VS_PG_2M | VS_PG_4M, 512, 2);
	expect(&t, 1, VS_TLB_DATA, VS_PG_1G, 64, -1);
	expect(&t, 1, VS_TLB_INSTR, VS_PG_1G, 64, -1);
	expect(&t, 2, VS_TLB_DATA, VS_PG_1G, 64, -1);
	assert_null(find(&t, 2, VS_TLB_INSTR, VS_PG_1G));
	assert_int_equal(t.n, 11);
	/* The kernel adds the L2 4K entries up for /proc/cpuinfo. */
	assert_int_equal(vs_cpuinfo_tlb_size(r, &cpuinfo, &e), 0);
	assert_int_equal(find(&t, 2, VS_TLB_DATA, VS_PG_4K)->entries +
			 find(&t, 2, VS_TLB_INSTR, VS_PG_4K)->entries, cpuinfo);
	/* Entries the data TLBs hold per size; a 4M page takes two 2M. */
	assert_int_equal(vs_tlb_data_entries(&t, 2, VS_PG_4K), 2048);
	assert_int_equal(vs_tlb_data_entries(&t, 1, VS_PG_2M), 64);
	assert_int_equal(vs_tlb_data_entries(&t, 1, VS_PG_4M), 32);
	assert_int_equal(vs_tlb_data_levels(&t), 2);
	vs_cpuid_close(&c);
	vs_root_unref(r);
}

/* This CPU, live, against the recorded values and /proc/cpuinfo. */
static void test_live(void **state)
{
	struct vs_root *r = root_of("/");
	struct vs_cpuid c;
	struct vs_tlbinfo t;
	struct vs_err e;
	uint64_t cpuinfo;

	assert_int_equal(vs_cpuid_open(r, &c, &e), 0);
	assert_true(c.live);
	if (vs_tlb_read(&c, &t, &e) < 0)
		skip();		/* a vendor without a decoder */
	assert_true(t.n > 0);
	if (vs_cpuinfo_tlb_size(r, &cpuinfo, &e) == 0 &&
	    (!strcmp(t.vendor, "AuthenticAMD") || !strcmp(t.vendor, "HygonGenuine")))
		assert_int_equal(vs_tlb_data_entries(&t, 2, VS_PG_4K) +
				 find(&t, 2, VS_TLB_INSTR, VS_PG_4K)->entries,
				 cpuinfo);
	vs_cpuid_close(&c);
	vs_root_unref(r);
}

/* The AMD associativity codes of the L2 leaves. */
static void test_amd_codes(void **state)
{
	struct vs_cpuid_regs l6 = { 0, 0, 0, 0 };
	struct vs_tlbinfo t;

	/* data: code 0xA (32-way), 1536 entries; instr: code 0 (disabled). */
	memset(&t, 0, sizeof(t));
	l6.ebx = 0xA600u << 16 | 0x0040;
	vs_tlb_decode_amd(NULL, &l6, NULL, &t);
	expect(&t, 2, VS_TLB_DATA, VS_PG_4K, 1536, 32);
	assert_null(find(&t, 2, VS_TLB_INSTR, VS_PG_4K));
	/* Code 7 is reserved: counted as not decoded, not guessed. */
	memset(&t, 0, sizeof(t));
	l6.ebx = 0x7040u << 16;
	vs_tlb_decode_amd(NULL, &l6, NULL, &t);
	assert_int_equal(t.n, 0);
	assert_int_equal(t.unknown, 1);
	/* L1: 0x01 is direct mapped, 0x00 reserved. */
	{
		struct vs_cpuid_regs l5 = { 0x00000001 | 0x01200000, 0, 0, 0 };

		memset(&t, 0, sizeof(t));
		vs_tlb_decode_amd(&l5, NULL, NULL, &t);
		expect(&t, 1, VS_TLB_DATA, VS_PG_2M | VS_PG_4M, 0x20, 1);
		assert_int_equal(t.unknown, 1);
	}
}

/* Intel leaf 0x18 subleaves built from the SDM's layout. */
static void test_intel_18(void **state)
{
	struct vs_cpuid_regs sub[5] = {
		/* subleaf 0: EAX = the last subleaf; a load TLB, L1,
		 * 4K, 4 ways x 16 sets */
		{ 4, 0x1u | 4u << 16, 16, 4 | 1 << 5 },
		/* store TLB, L1, fully associative, 16 entries, 4K */
		{ 0, 0x1u | 16u << 16, 1, 5 | 1 << 5 | 1 << 8 },
		/* instruction TLB, L1, 4K+2M+4M, 8 ways x 32 sets */
		{ 0, 0x7u | 8u << 16, 32, 2 | 1 << 5 },
		/* unified STLB, L2, 4K+2M+1G, 8 ways x 256 sets */
		{ 0, 0xbu | 8u << 16, 256, 3 | 2 << 5 },
		/* not a TLB */
		{ 0, 0, 0, 0 },
	};
	struct vs_tlbinfo t;

	memset(&t, 0, sizeof(t));
	vs_tlb_decode_intel_18(sub, 5, &t);
	assert_int_equal(t.n, 4);
	expect(&t, 1, VS_TLB_LOAD, VS_PG_4K, 64, 4);
	expect(&t, 1, VS_TLB_STORE, VS_PG_4K, 16, -1);
	expect(&t, 1, VS_TLB_INSTR, VS_PG_4K | VS_PG_2M | VS_PG_4M, 256, 8);
	expect(&t, 2, VS_TLB_UNIFIED, VS_PG_4K | VS_PG_2M | VS_PG_1G, 2048, 8);
	assert_int_equal(vs_tlb_data_entries(&t, 2, VS_PG_1G), 2048);
	assert_int_equal(vs_tlb_data_entries(&t, 1, VS_PG_4K), 64);
	/* A type no SDM has: not decoded. */
	sub[0].edx = 9 | 1 << 5;
	memset(&t, 0, sizeof(t));
	vs_tlb_decode_intel_18(sub, 1, &t);
	assert_int_equal(t.unknown, 1);
}

/* Intel leaf 2 descriptors (values built from the SDM's table). */
static void test_intel_2(void **state)
{
	struct vs_cpuid_regs l2 = {
		0x76036301,	/* 01: one round; 63, 03, 76 */
		0x00f0b5ff,	/* ff: see leaf 0x18; b5; f0 is a prefetch */
		0x80000063,	/* bit 31: no descriptors here */
		0x00c30000,	/* c3 */
	};
	struct vs_tlbinfo t;

	memset(&t, 0, sizeof(t));
	assert_true(vs_tlb_decode_intel_2(&l2, &t));
	expect(&t, 1, VS_TLB_DATA, VS_PG_2M | VS_PG_4M, 32, 4);
	expect(&t, 1, VS_TLB_DATA, VS_PG_1G, 4, 4);
	expect(&t, 1, VS_TLB_DATA, VS_PG_4K, 64, 4);
	expect(&t, 1, VS_TLB_INSTR, VS_PG_2M | VS_PG_4M, 8, -1);
	expect(&t, 1, VS_TLB_INSTR, VS_PG_4K, 64, 8);
	expect(&t, 2, VS_TLB_UNIFIED, VS_PG_4K | VS_PG_2M, 1536, 6);
	expect(&t, 2, VS_TLB_UNIFIED, VS_PG_1G, 16, 4);
	assert_int_equal(t.n, 7);
}

static void test_cpuid_dump(void **state)
{
	static const char *const bad[] = {
		"0x1 0 1 2 3\n", "0x1 0 1 2 3 4 5\n", "0x1 0 1 2 3 zz\n",
		"0x1 0 1 2 3 100000000\n", "0x1 0 1 2 3 4",
	};
	static const char ok[] = "# a comment\n0x80000000 0 0x80000008 0 0 0\n"
		"0 0 0x10 0x756e6547 0x6c65746e 0x49656e69\n"
		"1 0 0x000906ea 0 0 0\n";
	struct vs_cpuid c;
	struct vs_tlbinfo t;
	struct vs_cpuid_regs r;
	struct vs_err e;

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		if (vs_cpuid_parse(&c, bad[i], strlen(bad[i]), "d", &e) != -EBADMSG)
			fail_msg("accepted '%s'", bad[i]);
		vs_cpuid_close(&c);
	}
	assert_int_equal(vs_cpuid_parse(&c, ok, sizeof(ok) - 1, "d", &e), 0);
	assert_true(vs_cpuid_get(&c, 0x80000000, 0, &r));
	assert_int_equal(r.eax, 0x80000008);
	assert_false(vs_cpuid_get(&c, 2, 0, &r));
	/* GenuineIntel, family 6 model 0x9e, without leaf 2 or 0x18. */
	assert_int_equal(vs_tlb_read(&c, &t, &e), -ENOTSUP);
	assert_int_equal(t.family, 6);
	assert_int_equal(t.model, 0x9e);
	assert_string_equal(e.msg, "this Intel CPU describes no TLB in cpuid "
			    "leaves 2 and 0x18");
	vs_cpuid_close(&c);
	/* A vendor without a decoder says so. */
	{
		static const char via[] = "0 0 1 0x746e6543 0x736c7561 0x48727561\n"
			"1 0 0 0 0 0\n";

		assert_int_equal(vs_cpuid_parse(&c, via, sizeof(via) - 1, "d", &e), 0);
		assert_int_equal(vs_tlb_read(&c, &t, &e), -ENOTSUP);
		assert_string_equal(e.msg, "no TLB decoder for CPUs of vendor "
				    "'CentaurHauls'");
		vs_cpuid_close(&c);
	}
}

static void test_interrupts(void **state)
{
	struct vs_root *r = root_of(THIS);
	struct vs_irqs q;
	struct vs_err e;
	const struct vs_irq_row *tlb;
	char *text, *line;
	size_t len;
	unsigned long long c0, c1;

	assert_int_equal(vs_interrupts_read(r, "TLB", &q, &e), 0);
	assert_int_equal(q.ncpus, 2);
	assert_int_equal(q.nrows, 1);
	tlb = vs_irqs_row(&q, "TLB");
	assert_non_null(tlb);
	assert_int_equal(tlb->n, 2);
	assert_string_equal(tlb->desc, "TLB shootdowns");
	assert_int_equal(vs_root_read_alloc(r, "/proc/interrupts", 1 << 20, &text,
					    &len, &e), 0);
	line = strstr(text, "\nTLB:");
	assert_non_null(line);
	assert_int_equal(sscanf(line, "\nTLB: %llu %llu", &c0, &c1), 2);
	assert_int_equal(tlb->counts[0], c0);
	assert_int_equal(tlb->counts[1], c1);
	vs_irqs_free(&q);
	/* Every row; ERR has one count; descriptions with blanks. */
	assert_int_equal(vs_interrupts_read(r, NULL, &q, &e), 0);
	assert_int_equal(vs_irqs_row(&q, "ERR")->n, 1);
	assert_string_equal(vs_irqs_row(&q, "LOC")->desc, "Local timer interrupts");
	assert_true(q.nrows > 30);
	vs_irqs_free(&q);
	vs_root_unref(r);

	/* Offline CPUs and a row no kernel has. */
	r = root_of(HOSTILE);
	assert_int_equal(vs_interrupts_read(r, NULL, &q, &e), 0);
	assert_int_equal(q.ncpus, 3);
	assert_int_equal(q.cpu[1], 2);
	assert_int_equal(q.cpu[2], 5);
	tlb = vs_irqs_row(&q, "TLB");
	assert_int_equal(tlb->counts[2], 3000);
	assert_string_equal(vs_irqs_row(&q, "NEW")->desc, "An interrupt no kernel has");
	assert_string_equal(vs_irqs_row(&q, "0")->desc, "IO-APIC   2-edge      timer");
	vs_irqs_free(&q);
	vs_root_unref(r);
	free(text);

	/* Malformed: no colon, a count past 64 bits, a bad header, cut. */
	{
		static const char *const bad[] = {
			"CPU0\nTLB 1\n", "CPU0\nTLB: 99999999999999999999 x\n",
			"CPUx\nTLB: 1\n", "CPU0\nTLB: x\n", "CPU0\nTLB: 1",
			"\nTLB: 1\n",
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
			if (vs_interrupts_parse(bad[i], strlen(bad[i]), "i", NULL, &q,
						&e) != -EBADMSG)
				fail_msg("accepted '%s'", bad[i]);
			vs_irqs_free(&q);
		}
	}
}

static void test_perf_errno(void **state)
{
	assert_true(vs_perf_errno_unsupported(ENOENT));
	assert_true(vs_perf_errno_unsupported(EOPNOTSUPP));
	assert_true(vs_perf_errno_unsupported(ENODEV));
	assert_true(vs_perf_errno_unsupported(-EINVAL));
	assert_false(vs_perf_errno_unsupported(EACCES));
	assert_false(vs_perf_errno_unsupported(EPERM));
	assert_false(vs_perf_errno_unsupported(ESRCH));
}

/* Sum the smaps key @key (kB) over @text, with sscanf: the test's own. */
static uint64_t smaps_sum(const char *text, const char *key)
{
	uint64_t sum = 0;
	size_t kl = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		unsigned long long v;

		if (!strncmp(p, key, kl) && p[kl] == ':' &&
		    sscanf(p + kl + 1, "%llu", &v) == 1)
			sum += v * 1024;
	}
	return sum;
}

static void mix_of(const char *text, size_t len, struct vs_pagemix *m)
{
	const char *path = tmp_file(text, len);
	int fd = open(path, O_RDONLY);
	struct vs_maps *maps;
	const struct vs_vma *v;
	struct vs_err e;
	int r;

	unlink(path);
	assert_int_equal(vs_maps_open_fd(fd, "smaps", VS_FILE_SMAPS, &maps, &e), 0);
	vs_pagemix_init(m);
	while ((r = vs_maps_next(maps, &v, &e)) == 1)
		vs_pagemix_add(m, v);
	assert_int_equal(r, 0);
	vs_maps_close(maps);
}

static void test_pagemix_captured(void **state)
{
	struct vs_root *r = root_of("tests/fixtures/proc/rich");
	struct vs_pagemix m;
	struct vs_err e;
	uint64_t n4k, n2m, n1g;
	size_t len;
	char *text;

	assert_int_equal(vs_root_read_alloc(r, "/proc/6547/smaps", 64u << 20, &text,
					    &len, &e), 0);
	mix_of(text, len, &m);
	assert_true(m.complete);
	assert_int_equal(m.rss, smaps_sum(text, "Rss"));
	assert_int_equal(m.anon, smaps_sum(text, "Anonymous"));
	assert_int_equal(m.anon_huge, smaps_sum(text, "AnonHugePages"));
	assert_true(m.have_thp_eligible);
	assert_int_equal(m.n, 1);
	assert_int_equal(m.ps[0].kernel_page, 4096);
	assert_int_equal(m.ps[0].rss, m.rss);
	vs_pagemix_translations(&m, &n4k, &n2m, &n1g);
	assert_int_equal(n4k * 4096 + n2m * VS_PMD_SIZE, m.rss);
	assert_int_equal(n2m * VS_PMD_SIZE, m.anon_huge);
	free(text);
	vs_root_unref(r);
}

/* A THP region, a 2M hugetlb mapping, a 1G one, an eligible mapping on
 * base pages. */
static void test_pagemix_sizes(void **state)
{
	static const char text[] =
		"7f0000000000-7f0000400000 rw-p 00000000 00:00 0 \n"
		"Size: 4096 kB\nKernelPageSize: 4 kB\nMMUPageSize: 4 kB\n"
		"Rss: 4096 kB\nAnonymous: 4096 kB\nAnonHugePages: 2048 kB\n"
		"THPeligible: 1\n"
		"7f0000400000-7f0000800000 rw-s 00000000 00:0f 42 /hugepages/x\n"
		"Size: 4096 kB\nKernelPageSize: 2048 kB\nMMUPageSize: 2048 kB\n"
		"Rss: 0 kB\nAnonymous: 0 kB\nPrivate_Hugetlb: 4096 kB\n"
		"THPeligible: 0\n"
		"7f0040000000-7f0080000000 rw-s 00000000 00:10 43 /huge1g/y\n"
		"Size: 1048576 kB\nKernelPageSize: 1048576 kB\nMMUPageSize: 1048576 kB\n"
		"Rss: 0 kB\nShared_Hugetlb: 1048576 kB\nTHPeligible: 0\n"
		"7f0080000000-7f0080010000 rw-p 00000000 00:00 0 \n"
		"Size: 64 kB\nKernelPageSize: 4 kB\nMMUPageSize: 4 kB\n"
		"Rss: 64 kB\nAnonymous: 64 kB\nAnonHugePages: 0 kB\nTHPeligible: 1\n";
	struct vs_pagemix m;
	uint64_t n4k, n2m, n1g;

	mix_of(text, sizeof(text) - 1, &m);
	assert_int_equal(m.n, 3);
	assert_int_equal(m.hugetlb, (4096 + 1048576) * 1024ull);
	vs_pagemix_translations(&m, &n4k, &n2m, &n1g);
	assert_int_equal(n4k, 512 + 16);
	assert_int_equal(n2m, 1 + 2);
	assert_int_equal(n1g, 1);
	assert_int_equal(m.thp_eligible_anon, (4096 + 64) * 1024ull);
	assert_int_equal(vs_pagemix_thp_unbacked(&m), (2048 + 64) * 1024ull);
}

/* The captured trees: amd-zen5-pvm (a PVM guest: cpuinfo's hypervisor
 * flag, a dump recorded before cpuid_dump read leaf 0x40000000) and
 * intel-qemu-skylake (qemu's model in a guest: the flag, "TCGTCGTCGTCG",
 * and no TLB in leaves 2 and 0x18). */
static void test_hypervisor(void **state)
{
	struct vs_root *amd = root_of("tests/fixtures/kernel/amd-zen5-pvm");
	struct vs_root *intel = root_of("tests/fixtures/kernel/intel-qemu-skylake");
	struct vs_hypervisor h;
	struct vs_tlbinfo t;
	struct vs_cpuid c;
	struct vs_err e;

	(void)state;
	assert_int_equal(vs_cpuinfo_flag(amd, "hypervisor", &e), 1);
	assert_int_equal(vs_cpuinfo_flag(amd, "invlpgb", &e), 0);
	assert_int_equal(vs_cpuinfo_flag(amd, "hyper", &e), 0);
	assert_int_equal(vs_cpuinfo_flag(intel, "hypervisor", &e), 1);
	assert_int_equal(vs_cpuinfo_flag(intel, "invlpgb", &e), 0);
	assert_int_equal(vs_cpuid_open(amd, &c, &e), 0);
	vs_cpuid_hypervisor(&c, &h);
	assert_true(h.present);
	assert_false(h.has_leaf);
	assert_null(h.name);
	assert_int_equal(vs_tlb_read(&c, &t, &e), 0);
	assert_int_equal(t.family, 0x1a);
	vs_cpuid_close(&c);
	assert_int_equal(vs_cpuid_open(intel, &c, &e), 0);
	vs_cpuid_hypervisor(&c, &h);
	assert_true(h.present && h.has_leaf);
	assert_string_equal(h.signature, "TCGTCGTCGTCG");
	assert_string_equal(h.name, "QEMU TCG");
	assert_int_equal(h.max_leaf, 0x40000001);
	assert_int_equal(vs_tlb_read(&c, &t, &e), -ENOTSUP);
	assert_non_null(strstr(e.msg, "describes no TLB"));
	vs_cpuid_close(&c);
	assert_string_equal(vs_hypervisor_name("KVMKVMKVM"), "KVM");
	assert_string_equal(vs_hypervisor_name("Microsoft Hv"), "Hyper-V");
	assert_null(vs_hypervisor_name("AuthenticAMD"));
	/* A dump whose hypervisor bit is clear: its leaf 0x40000000 is
	 * not the hypervisor's. */
	{
		static const char d[] =
			"0x00000001 0x0 0x00a00f11 0x0 0x00000000 0x0\n"
			"0x40000000 0x0 0x40000001 0x4b4d564b 0x564b4d56 0x4d\n";

		assert_int_equal(vs_cpuid_parse(&c, d, sizeof(d) - 1, "d", &e), 0);
		vs_cpuid_hypervisor(&c, &h);
		assert_false(h.present || h.has_leaf);
		vs_cpuid_close(&c);
	}
	vs_root_unref(amd);
	vs_root_unref(intel);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_amd_recorded),
		cmocka_unit_test(test_live),
		cmocka_unit_test(test_amd_codes),
		cmocka_unit_test(test_intel_18),
		cmocka_unit_test(test_intel_2),
		cmocka_unit_test(test_cpuid_dump),
		cmocka_unit_test(test_interrupts),
		cmocka_unit_test(test_perf_errno),
		cmocka_unit_test(test_pagemix_captured),
		cmocka_unit_test(test_pagemix_sizes),
		cmocka_unit_test(test_hypervisor),
	};

	return cmocka_run_group_tests_name("tlb", tests, NULL, NULL);
}
