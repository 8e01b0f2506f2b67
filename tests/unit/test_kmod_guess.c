/* test_kmod_guess.c - the first room the module client offers for a list
 * reply comes from INFO's counts; it must never be more than a reply may
 * hold. Found by fuzz_kmod: INFO with 2^32-1 online nodes made the BUDDY
 * request ask calloc for 17 TB of per-CPU records (an ASan abort; without
 * ASan "out of memory", or terabytes mapped under overcommit). */
#include <errno.h>

#include "unit.h"
#include "vs_kmod.h"

struct fake {
	struct vs_kmod_info info;
	uint32_t buf_count, aux_count;	/* the room the last request gave */
};

static int fake_ioctl(void *ctx, unsigned long req, void *arg)
{
	struct fake *f = ctx;
	struct vs_kmod_query *q = arg;

	if (req == VS_KMOD_IOC_INFO) {
		memcpy(arg, &f->info, sizeof(f->info));
		return 0;
	}
	f->buf_count = q->buf_count;
	f->aux_count = q->aux_count;
	q->count = q->total = q->aux_done = q->aux_total = 0;
	return 0;
}

static const struct vs_kmod_ops fake_ops = { .ioctl = fake_ioctl };

static void fake_info(struct vs_kmod_info *in, uint32_t nodes, uint32_t cpus)
{
	memset(in, 0, sizeof(*in));
	in->abi_version = VS_KMOD_ABI_VERSION;
	in->info_size = sizeof(*in);
	in->zone_size = sizeof(struct vs_kmod_zone);
	in->pcp_size = sizeof(struct vs_kmod_pcp);
	in->cache_size = sizeof(struct vs_kmod_cache);
	in->slab_node_size = sizeof(struct vs_kmod_slab_node);
	in->cpu_size = sizeof(struct vs_kmod_cpu);
	in->pte_size = sizeof(struct vs_kmod_pte);
	in->features = VS_KMOD_F_SLAB;
	in->nr_cpu_ids = in->online_cpus = cpus;
	in->nr_node_ids = in->online_nodes = nodes;
	in->page_shift = 12;
	in->max_order = 11;
	in->pgtable_levels = 4;
	strcpy(in->release, "6.1.0");
	strcpy(in->module_version, "0.1.0");
}

/* The most records of each kind a reply may have (lib/kmod.c). */
#define MAX_ZONES	65536u
#define MAX_PCP		(1u << 24)
#define MAX_CACHES	65536u
#define MAX_SLAB_NODES	(1u << 24)

static void test_guess_bounded(void **state)
{
	struct fake f;
	struct vs_km_buddy *b;
	struct vs_km_slab *s;
	struct vs_kmod *k;
	struct vs_err e;

	(void)state;
	fake_info(&f.info, 0xffffffffu, 1u << 20);
	assert_int_equal(vs_kmod_open_ops(&fake_ops, &f, &k, &e), 0);
	assert_int_equal(vs_kmod_buddy(k, &b, &e), 0);
	assert_true(f.buf_count >= 1 && f.buf_count <= MAX_ZONES);
	assert_true(f.aux_count >= 1 && f.aux_count <= MAX_PCP);
	assert_int_equal(b->nzones, 0);
	vs_km_buddy_free(b);
	assert_int_equal(vs_kmod_slab(k, &s, &e), 0);
	assert_true(f.buf_count >= 1 && f.buf_count <= MAX_CACHES);
	assert_true(f.aux_count >= 1 && f.aux_count <= MAX_SLAB_NODES);
	vs_km_slab_free(s);
	vs_kmod_close(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guess_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
