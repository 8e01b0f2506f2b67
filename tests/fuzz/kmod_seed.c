/* kmod_seed.c - write fuzz_kmod's seed: a consistent conversation with a
 * module of one node, two CPUs, 4-level paging, in the layout of
 * kmod_stream.h, on standard output. No fixture holds module replies, so
 * the build generates this one (tests/fuzz/seeds.sh runs it).
 *
 *   kmod_seed VIEWS      VIEWS: the views byte, e.g. 15 for all four */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmod_stream.h"

static void put(const void *p, size_t n)
{
	if (fwrite(p, 1, n, stdout) != n)
		exit(1);
}

static void put_u8(uint8_t v) { put(&v, 1); }
static void put_u32(uint32_t v) { put(&v, 4); }
static void put_u64(uint64_t v) { put(&v, 8); }

/* A list reply that fits at once: @n records, @naux aux records. */
static void list_header(uint32_t n, uint32_t naux)
{
	put_u8(0);
	put_u32(n);
	put_u32(n);
	put_u32(naux);
	put_u32(naux);
}

static void info(void)
{
	struct vs_kmod_info in;

	memset(&in, 0, sizeof(in));
	in.abi_version = VS_KMOD_ABI_VERSION;
	in.info_size = sizeof(in);
	in.zone_size = sizeof(struct vs_kmod_zone);
	in.pcp_size = sizeof(struct vs_kmod_pcp);
	in.cache_size = sizeof(struct vs_kmod_cache);
	in.slab_node_size = sizeof(struct vs_kmod_slab_node);
	in.cpu_size = sizeof(struct vs_kmod_cpu);
	in.pte_size = sizeof(struct vs_kmod_pte);
	in.features = VS_KMOD_F_SLAB | VS_KMOD_F_TLB_TRACE | VS_KMOD_F_PCID;
	in.mtypes = (1u << VS_MT_UNMOVABLE) | (1u << VS_MT_MOVABLE) |
		    (1u << VS_MT_RECLAIMABLE) | (1u << VS_MT_HIGHATOMIC);
	in.nr_cpu_ids = 2;
	in.online_cpus = 2;
	in.nr_node_ids = 1;
	in.online_nodes = 1;
	in.page_shift = 12;
	in.max_order = 11;
	in.pgtable_levels = 4;
	strcpy(in.release, "6.1.0-fuzz");
	strcpy(in.module_version, "0.1.0");
	put_u8(0);
	put(&in, sizeof(in));
}

static void buddy(void)
{
	struct vs_kmod_zone z;
	struct vs_kmod_pcp p;

	memset(&z, 0, sizeof(z));
	z.zone = 1;
	strcpy(z.name, "DMA32");
	z.orders = 11;
	z.mtypes = (1u << VS_MT_UNMOVABLE) | (1u << VS_MT_MOVABLE) |
		   (1u << VS_MT_RECLAIMABLE) | (1u << VS_MT_HIGHATOMIC);
	z.spanned = 262144;
	z.present = 262000;
	z.managed = 250000;
	z.free_pages = 100000;
	z.wmark_min = 100;
	z.wmark_low = 125;
	z.wmark_high = 150;
	for (unsigned o = 0; o < 11; o++) {
		z.nr_free[o] = 10 + o;
		z.free[o][VS_MT_UNMOVABLE] = o;
		z.free[o][VS_MT_MOVABLE] = 10;
		for (unsigned mt = 0; mt <= VS_MT_HIGHATOMIC; mt++)
			z.quality[o][mt] = VS_COUNT_EXACT;
		z.quality[o][VS_MT_MOVABLE] = VS_COUNT_DERIVED;
	}
	z.lock_holds = 11;
	list_header(1, 2);
	put(&z, sizeof(z));
	for (unsigned c = 0; c < 2; c++) {
		memset(&p, 0, sizeof(p));
		p.zone = 1;
		p.cpu = c;
		p.count = 10 + (int)c;
		p.high = 100;
		p.batch = 7;
		put(&p, sizeof(p));
	}
}

static void slab(void)
{
	struct vs_kmod_cache c;
	struct vs_kmod_slab_node n;

	memset(&c, 0, sizeof(c));
	strcpy(c.name, "dentry");
	strcpy(c.sysfs_name, ":a-0000192");
	c.size = 192;
	c.object_size = 192;
	c.refcount = 1;
	c.order = 1;
	c.objs_per_slab = 42;
	c.have = VS_SLAB_HAVE_ORDER | VS_SLAB_HAVE_SLABS |
		 VS_SLAB_HAVE_OBJECTS | VS_SLAB_HAVE_TOTAL;
	c.vflags = VS_SLAB_F_RECLAIM_ACCOUNT;
	c.node_count = 1;
	c.slabs = 10;
	c.objects = 400;
	c.total_objects = 420;
	memset(&n, 0, sizeof(n));
	n.slabs = 10;
	n.objects = 400;
	n.total_objects = 420;
	list_header(1, 1);
	put(&c, sizeof(c));
	put(&n, sizeof(n));
}

static void tlb(void)
{
	list_header(2, 0);
	for (unsigned i = 0; i < 2; i++) {
		struct vs_kmod_cpu c;

		memset(&c, 0, sizeof(c));
		c.cpu = i;
		c.flags = VS_CPU_ONLINE | VS_CPU_PCID | VS_CPU_MM_LOADED;
		c.pcid = (uint16_t)(2 + i);
		c.asid = (uint16_t)(1 + i);
		c.cr3 = 0x1234000 | c.pcid;
		c.mm_id = 100 + i;
		c.task_pid = 42;
		c.task_tgid = 42;
		strcpy(c.comm, "worker");
		c.flushes[VS_TLB_REMOTE_SHOOTDOWN] = 10;
		c.flush_all[VS_TLB_REMOTE_SHOOTDOWN] = 4;
		put(&c, sizeof(c));
	}
}

/* Two present 4 KiB pages at 0x400000 and 0x401000, in one reply. */
static void walk(uint64_t end)
{
	struct vs_kmod_walk w;
	struct vs_kmod_pte p;

	memset(&w, 0, sizeof(w));
	w.count = 2;
	w.next = end;
	w.mm_id = 100;
	w.pgd_pfn = 0x1234;
	w.pgtables_bytes = 3 * 4096;
	w.tables[VS_WT_PTE] = 1;
	w.first_table[VS_WT_PTE] = w.last_table[VS_WT_PTE] = 0x1240;
	w.levels = 4;
	put_u8(0);
	put((char *)&w + KMOD_WALK_OUT_FIRST,
	    KMOD_WALK_OUT_END - KMOD_WALK_OUT_FIRST);
	for (unsigned i = 0; i < 2; i++) {
		memset(&p, 0, sizeof(p));
		p.addr = 0x400000 + 4096 * i;
		p.entry[VS_PT_PGD] = 0x1235067;
		p.entry[VS_PT_PUD] = 0x1236067;
		p.entry[VS_PT_PMD] = 0x1240067;
		p.entry[VS_PT_PTE] = 0x8000000012345025ull + 4096 * i;
		p.pfn = 0x12345 + i;
		p.level = VS_PT_PTE;
		p.kind = VS_PTE_PRESENT;
		p.flags = VS_PTE_F_P4D_FOLDED;
		put(&p, sizeof(p));
	}
}

int main(int argc, char **argv)
{
	unsigned views = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 15;
	uint64_t start = 0x400000, end = 0x402000;

	put_u8((uint8_t)views);
	put_u8(8);		/* batch */
	put_u64(start);
	put_u64(end);
	info();
	if (views & KMOD_VIEW_BUDDY)
		buddy();
	if (views & KMOD_VIEW_SLAB)
		slab();
	if (views & KMOD_VIEW_TLB)
		tlb();
	if (views & KMOD_VIEW_WALK)
		walk(end);
	return fflush(stdout) ? 1 : 0;
}
