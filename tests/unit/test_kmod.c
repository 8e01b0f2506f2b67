/* test_kmod.c - the library's side of vmscope.ko, against a fake kernel.
 *
 * The host cannot load modules (the VM suite checks the real one against
 * procfs). Here a fake module behind struct vs_kmod_ops answers with
 * synthetic records, good and hostile, and the page-table decoder meets
 * entries built by hand from the Intel SDM's bit layout. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "unit.h"
#include "vs_buddy.h"
#include "vs_kmod.h"
#include "vs_slab.h"
#include "vs_source.h"

/* ---- the fake kernel ------------------------------------------------ */

#define FZ 4
#define FP 16
#define FC 4
#define FN 8
#define FCPU 4
#define FW 64

struct fake {
	struct vs_kmod_info info;
	int info_err;
	int list_err;
	struct vs_kmod_zone zones[FZ];
	unsigned nzones;
	struct vs_kmod_pcp pcp[FP];
	unsigned npcp;
	struct vs_kmod_cache caches[FC];
	unsigned ncaches;
	struct vs_kmod_slab_node nodes[FN];
	unsigned nnodes;
	struct vs_kmod_cpu cpus[FCPU];
	unsigned ncpus;
	unsigned grow;		/* claim this many more records than sent */
	bool overfill;		/* report more written than room */
	unsigned calls;
	/* WALK */
	struct vs_kmod_pte ptes[FW];
	unsigned nptes;
	int walk_err;		/* returned from call walk_err_at on */
	unsigned walk_err_at;
	uint32_t walk_detail;
	bool walk_stuck;	/* no records, no progress */
	bool walk_backwards;	/* next below start */
	bool walk_past_end;	/* records past the end asked for */
	bool walk_collapse;	/* before the second call, the first three
				 * pages become one 2 MiB leaf */
	bool walk_ignore_resume;	/* an old module: no skipping */
	uint32_t walk_flags[8];	/* flags of the first requests */
	int walk_fd;		/* pagemap_fd of the last request */
	int pagemap_err;	/* the pagemap opener fails with this */
	unsigned pagemap_nomm;	/* requests with pagemap of thread < this
				 * get VS_WALK_E_NOMM */
	unsigned pagemap_opens;
	unsigned last_nth;	/* the opener's last thread index */
	uint32_t last_qflags;	/* flags of the last list request */
	unsigned walk_calls;
};

static void fake_info(struct fake *f)
{
	memset(&f->info, 0, sizeof(f->info));
	f->info.abi_version = VS_KMOD_ABI_VERSION;
	f->info.info_size = sizeof(struct vs_kmod_info);
	f->info.zone_size = sizeof(struct vs_kmod_zone);
	f->info.pcp_size = sizeof(struct vs_kmod_pcp);
	f->info.cache_size = sizeof(struct vs_kmod_cache);
	f->info.slab_node_size = sizeof(struct vs_kmod_slab_node);
	f->info.cpu_size = sizeof(struct vs_kmod_cpu);
	f->info.pte_size = sizeof(struct vs_kmod_pte);
	f->info.features = VS_KMOD_F_SLAB | VS_KMOD_F_TLB_TRACE |
			   VS_KMOD_F_PCID;
	f->info.mtypes = (1u << VS_MT_UNMOVABLE) | (1u << VS_MT_MOVABLE) |
			 (1u << VS_MT_RECLAIMABLE) | (1u << VS_MT_HIGHATOMIC) |
			 (1u << VS_MT_ISOLATE);
	f->info.nr_cpu_ids = 2;
	f->info.online_cpus = 2;
	f->info.nr_node_ids = 2;
	f->info.online_nodes = 2;
	f->info.page_shift = 12;
	f->info.max_order = 11;
	f->info.pgtable_levels = 4;
	f->info.trace_since_ns = 12345;
	strcpy(f->info.release, "6.1.0-56-amd64");
	strcpy(f->info.module_version, "0.1.0");
}

/* A consistent zone: @n blocks of each order, spread over the types. */
static void fake_zone(struct vs_kmod_zone *z, unsigned node, unsigned zone,
		      const char *name, uint64_t n)
{
	memset(z, 0, sizeof(*z));
	z->node = node;
	z->zone = zone;
	strcpy(z->name, name);
	z->orders = 11;
	z->mtypes = (1u << VS_MT_UNMOVABLE) | (1u << VS_MT_MOVABLE) |
		    (1u << VS_MT_RECLAIMABLE) | (1u << VS_MT_HIGHATOMIC) |
		    (1u << VS_MT_ISOLATE);
	z->spanned = 262144;
	z->present = 262000;
	z->managed = 250000;
	z->free_pages = 100000;
	z->wmark_min = 100;
	z->wmark_low = 125;
	z->wmark_high = 150;
	for (unsigned o = 0; o < 11; o++) {
		z->nr_free[o] = n + o;
		z->free[o][VS_MT_UNMOVABLE] = o;
		z->free[o][VS_MT_MOVABLE] = n;
		z->quality[o][VS_MT_UNMOVABLE] = VS_COUNT_EXACT;
		z->quality[o][VS_MT_MOVABLE] = VS_COUNT_DERIVED;
		z->quality[o][VS_MT_RECLAIMABLE] = VS_COUNT_EXACT;
		z->quality[o][VS_MT_HIGHATOMIC] = VS_COUNT_EXACT;
		z->quality[o][VS_MT_ISOLATE] = VS_COUNT_EXACT;
	}
	z->lock_holds = 11;
	z->max_hold_walk = 42;
}

static void fake_buddy(struct fake *f)
{
	fake_zone(&f->zones[0], 0, 1, "DMA32", 10);
	fake_zone(&f->zones[1], 1, 2, "Normal", 20);
	f->nzones = 2;
	f->npcp = 0;
	for (unsigned z = 0; z < 2; z++)
		for (unsigned c = 0; c < 2; c++) {
			struct vs_kmod_pcp *p = &f->pcp[f->npcp++];

			memset(p, 0, sizeof(*p));
			p->node = f->zones[z].node;
			p->zone = f->zones[z].zone;
			p->cpu = c;
			p->count = (int)(10 * z + c);
			p->high = 100;
			p->batch = 7;
		}
}

static void fake_slab(struct fake *f)
{
	static const char *const names[] = { "kmalloc-64", "dentry" };

	f->ncaches = 2;
	f->nnodes = 0;
	for (unsigned i = 0; i < 2; i++) {
		struct vs_kmod_cache *c = &f->caches[i];

		memset(c, 0, sizeof(*c));
		strcpy(c->name, names[i]);
		snprintf(c->sysfs_name, sizeof(c->sysfs_name), ":0000%u", i);
		c->size = 64 + 128 * i;
		c->object_size = 60 + 128 * i;
		c->refcount = 3;
		c->order = i;
		c->objs_per_slab = 64;
		c->have = VS_SLAB_HAVE_ORDER | VS_SLAB_HAVE_SLABS |
			  VS_SLAB_HAVE_OBJECTS | VS_SLAB_HAVE_TOTAL |
			  VS_SLAB_HAVE_PARTIAL;
		c->vflags = VS_SLAB_F_HWCACHE_ALIGN |
			    (i ? VS_SLAB_F_RECLAIM_ACCOUNT : 0);
		c->node_first = f->nnodes;
		c->node_count = 2;
		for (unsigned n = 0; n < 2; n++) {
			struct vs_kmod_slab_node *sn = &f->nodes[f->nnodes++];

			memset(sn, 0, sizeof(*sn));
			sn->cache = i;
			sn->node = n;
			sn->slabs = 5 + n;
			sn->objects = 300 + n;
			sn->total_objects = 64 * (5 + n);
			sn->partial_slabs = 1 + n;
			c->slabs += sn->slabs;
			c->objects += sn->objects;
			c->total_objects += sn->total_objects;
			c->partial_slabs += sn->partial_slabs;
		}
	}
}

static void fake_tlb(struct fake *f)
{
	f->ncpus = 2;
	for (unsigned i = 0; i < 2; i++) {
		struct vs_kmod_cpu *c = &f->cpus[i];

		memset(c, 0, sizeof(*c));
		c->cpu = i;
		c->flags = VS_CPU_ONLINE | VS_CPU_PCID | VS_CPU_MM_LOADED |
			   VS_CPU_OWNER;
		c->pcid = 2 + i;
		c->asid = 1 + i;
		c->cr3 = 0x1234000 | c->pcid;
		c->flags |= VS_CPU_CR3;
		c->mm_id = 100 + i;
		c->owner_tgid = 42;
		c->task_pid = 42 + i;
		c->task_tgid = 42;
		strcpy(c->comm, "worker");
		c->flushes[VS_TLB_REMOTE_SHOOTDOWN] = 10;
		c->flush_all[VS_TLB_REMOTE_SHOOTDOWN] = 4;
		c->flush_pages[VS_TLB_REMOTE_SHOOTDOWN] = 17;
	}
}

/* Serve a list request from @recs (@n of @size), @aux likewise. */
static int serve(struct fake *f, struct vs_kmod_query *q, const void *recs,
		 unsigned n, size_t size, const void *aux, unsigned naux,
		 size_t aux_size)
{
	if (q->abi_version != VS_KMOD_ABI_VERSION)
		return -EPROTO;
	if (q->rec_size != size || q->aux_size != aux_size)
		return -EINVAL;
	f->calls++;
	/* A growing list: always more records than room. */
	q->total = f->grow ? q->buf_count + f->grow : n;
	q->count = q->total < q->buf_count ? q->total : q->buf_count;
	for (unsigned i = 0; i < q->count; i++)
		memcpy((char *)(uintptr_t)q->buf + i * size,
		       (const char *)recs + (i % n) * size, size);
	q->aux_total = naux;
	q->aux_done = naux < q->aux_count ? naux : q->aux_count;
	if (aux_size)
		memcpy((void *)(uintptr_t)q->aux, aux, q->aux_done * aux_size);
	if (f->overfill)
		q->count = q->buf_count + 1;
	return 0;
}

/* WALK: the records whose leaf ends after start, from start on; PTE
 * tables are "pfn 1000 + addr / 2 MiB", counted per call. */
static int serve_walk(struct fake *f, struct vs_kmod_walk *w)
{
	struct vs_kmod_pte *out = (void *)(uintptr_t)w->buf;
	uint64_t last_tab = 0;

	f->walk_calls++;
	if (f->walk_calls <= 8)
		f->walk_flags[f->walk_calls - 1] = w->flags;
	f->walk_fd = w->pagemap_fd;
	w->levels = 4;
	w->mm_id = 77;
	w->pgd_pfn = w->flags & VS_WALK_F_PHYS ? 0x999 : 0;
	w->out_flags = w->flags & VS_WALK_F_PHYS ? VS_WALK_O_PHYS : 0;
	w->pgtables_bytes = 3 * 4096;
	w->holds = 1;
	w->entries = 100;
	w->max_hold_entries = 100;
	w->changed = 0;
	if (f->pagemap_nomm && f->last_nth < f->pagemap_nomm) {
		w->detail = VS_WALK_E_NOMM;
		return -EACCES;
	}
	if (f->walk_collapse && f->walk_calls == 2) {
		/* 0x400000, 0x401000, 0x5ff000 -> one PMD leaf. */
		f->ptes[0].level = VS_PT_PMD;
		f->ptes[0].entry[VS_PT_PMD] = 0x80000000004000e7ull;
		f->ptes[0].entry[VS_PT_PTE] = 0;
		f->ptes[0].pfn = 0x400;
		memmove(&f->ptes[1], &f->ptes[3],
			(f->nptes - 3) * sizeof(f->ptes[0]));
		f->nptes -= 2;
	}
	if (f->walk_err && f->walk_calls >= f->walk_err_at) {
		w->detail = f->walk_detail;
		return f->walk_err;
	}
	w->count = 0;
	w->next = w->end;
	memset(w->tables, 0, sizeof(w->tables));
	memset(w->first_table, 0, sizeof(w->first_table));
	memset(w->last_table, 0, sizeof(w->last_table));
	if (f->walk_stuck) {
		w->next = w->start;
		return 0;
	}
	if (f->walk_backwards) {
		w->next = w->start >= 8192 ? w->start - 8192 : 0;
		return 0;
	}
	for (unsigned i = 0; i < f->nptes; i++) {
		const struct vs_kmod_pte *p = &f->ptes[i];
		uint64_t size = p->level == VS_PT_PMD ? 2 << 20 : 4096;
		uint64_t tab = 1000 + p->addr / (2 << 20);

		if (p->addr + size <= w->start ||
		    (p->addr >= w->end && !f->walk_past_end))
			continue;
		if ((w->flags & VS_WALK_F_RESUME) && p->addr < w->start &&
		    !f->walk_ignore_resume) {
			w->changed++;
			w->out_flags |= VS_WALK_O_CHANGED;
			continue;
		}
		if (w->count == w->buf_count) {
			w->next = p->addr > w->start ? p->addr : w->start;
			break;
		}
		out[w->count++] = *p;
		if (p->level == VS_PT_PTE && tab != last_tab) {
			w->tables[VS_WT_PTE]++;
			if (!w->first_table[VS_WT_PTE])
				w->first_table[VS_WT_PTE] = tab;
			w->last_table[VS_WT_PTE] = tab;
			last_tab = tab;
		}
	}
	return 0;
}

static int fake_ioctl(void *ctx, unsigned long req, void *arg)
{
	struct fake *f = ctx;

	switch (req) {
	case VS_KMOD_IOC_INFO:
		memcpy(arg, &f->info, sizeof(f->info));
		return f->info_err;
	case VS_KMOD_IOC_BUDDY:
		if (f->list_err)
			return f->list_err;
		return serve(f, arg, f->zones, f->nzones, sizeof(f->zones[0]),
			     f->pcp, f->npcp, sizeof(f->pcp[0]));
	case VS_KMOD_IOC_SLAB:
		if (f->list_err)
			return f->list_err;
		return serve(f, arg, f->caches, f->ncaches,
			     sizeof(f->caches[0]), f->nodes, f->nnodes,
			     sizeof(f->nodes[0]));
	case VS_KMOD_IOC_TLB: {
		struct vs_kmod_query *q = arg;
		int err;

		f->last_qflags = q->flags;
		if (f->list_err)
			return f->list_err;
		err = serve(f, arg, f->cpus, f->ncpus, sizeof(f->cpus[0]),
			    NULL, 0, 0);
		/* As the module: CR3 only when asked for. */
		for (unsigned i = 0; !err && i < q->count; i++) {
			struct vs_kmod_cpu *c = (struct vs_kmod_cpu *)
				(uintptr_t)q->buf + i;

			if (!(q->flags & VS_Q_F_PHYS) &&
			    (c->flags & VS_CPU_CR3)) {
				c->cr3 = 0;
				c->flags &= ~VS_CPU_CR3;
			}
		}
		return err;
	}
	case VS_KMOD_IOC_WALK:
		return serve_walk(f, arg);
	}
	return -ENOTTY;
}

/* The pagemap opener: /dev/null stands for the descriptor. */
static int fake_pagemap(void *ctx, pid_t pid, unsigned nth)
{
	struct fake *f = ctx;

	(void)pid;
	f->pagemap_opens++;
	f->last_nth = nth;
	if (f->pagemap_err)
		return f->pagemap_err;
	if (nth > 3)
		return -ENOENT;
	return open("/dev/null", O_RDONLY | O_CLOEXEC);
}

static const struct vs_kmod_ops fake_ops = {
	.ioctl = fake_ioctl,
	.pagemap = fake_pagemap,
};

static struct vs_kmod *open_fake(struct fake *f)
{
	struct vs_kmod *k = NULL;
	struct vs_err e;

	assert_int_equal(vs_kmod_open_ops(&fake_ops, f, &k, &e), 0);
	return k;
}

static struct fake *new_fake(void)
{
	struct fake *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	fake_info(f);
	fake_buddy(f);
	fake_slab(f);
	fake_tlb(f);
	return f;
}

/* ---- opening -------------------------------------------------------- */

static void test_open_checks_info(void **state)
{
	struct fake *f = new_fake();
	struct vs_kmod *k;
	struct vs_err e;

	k = open_fake(f);
	assert_string_equal(vs_kmod_info(k)->release, "6.1.0-56-amd64");
	vs_kmod_close(k);

	f->info.abi_version = VS_KMOD_ABI_VERSION + 1;
	assert_int_equal(vs_kmod_open_ops(&fake_ops, f, &k, &e), -EPROTO);
	assert_null(k);
	assert_non_null(strstr(e.msg, "speaks ABI version 3"));
	assert_non_null(strstr(e.hint, "update vmscope"));
	f->info.abi_version = 0;
	assert_int_equal(vs_kmod_open_ops(&fake_ops, f, &k, &e), -EPROTO);
	assert_non_null(strstr(e.hint, "make kmod"));

	fake_info(f);
	f->info.pte_size = 72;
	assert_int_equal(vs_kmod_open_ops(&fake_ops, f, &k, &e), -EPROTO);
	assert_non_null(strstr(e.msg, "differ in size"));

	fake_info(f);
	f->info.page_shift = 16;
	assert_int_equal(vs_kmod_open_ops(&fake_ops, f, &k, &e), -EBADMSG);
	fake_info(f);
	memset(f->info.release, 'x', sizeof(f->info.release));
	assert_int_equal(vs_kmod_open_ops(&fake_ops, f, &k, &e), -EBADMSG);
	fake_info(f);
	f->info.pgtable_levels = 3;
	assert_int_equal(vs_kmod_open_ops(&fake_ops, f, &k, &e), -EBADMSG);

	fake_info(f);
	f->info_err = -ENOTTY;
	assert_int_equal(vs_kmod_open_ops(&fake_ops, f, &k, &e), -ENODEV);
	assert_non_null(strstr(e.msg, "does not answer"));
	f->info_err = -EIO;
	assert_int_equal(vs_kmod_open_ops(&fake_ops, f, &k, &e), -EIO);
	free(f);
}

static void test_open_sysroot_and_absent(void **state)
{
	struct vs_root *r;
	struct vs_kmod *k;
	struct vs_err e;
	int err;

	assert_int_equal(vs_root_new(tmp_dir(), &r, &e), 0);
	assert_int_equal(vs_kmod_open(r, &k, &e), -ENODEV);
	assert_non_null(strstr(e.msg, "--sysroot"));
	vs_root_unref(r);
	/* The host cannot load modules: the device is not there. */
	if (access(VS_KMOD_DEVICE, F_OK) == 0)
		skip();
	err = vs_kmod_open(NULL, &k, &e);
	assert_int_equal(err, -ENOENT);
	assert_non_null(strstr(e.msg, "not loaded"));
	assert_non_null(strstr(e.hint, "modprobe vmscope"));
	assert_int_equal(vs_root_new(NULL, &r, &e), 0);
	assert_false(vs_kmod_loaded(r));
	vs_root_unref(r);
	assert_non_null(strstr(vs_kmod_adds(VS_KMOD_VIEW_BUDDY), "100,000"));
	assert_non_null(strstr(vs_kmod_adds(VS_KMOD_VIEW_WALK), "PGD to PTE"));
}

/* ---- buddy ---------------------------------------------------------- */

static void test_buddy(void **state)
{
	struct fake *f = new_fake();
	struct vs_kmod *k = open_fake(f);
	struct vs_km_buddy *b;
	struct vs_err e;

	assert_int_equal(vs_kmod_buddy(k, &b, &e), 0);
	assert_int_equal(b->nzones, 2);
	assert_string_equal(b->zones[1].name, "Normal");
	assert_int_equal(b->zones[1].node, 1);
	assert_int_equal(b->zones[0].nr_free[3], 13);
	assert_int_equal(b->zones[0].free[3][VS_MT_MOVABLE], 10);
	assert_int_equal(b->zones[0].quality[3][VS_MT_MOVABLE],
			 VS_COUNT_DERIVED);
	assert_int_equal(b->zones[0].quality[3][VS_MT_CMA], VS_COUNT_ABSENT);
	assert_int_equal(b->zones[0].wmark_low, 125);
	assert_int_equal(b->npcp, 4);
	assert_int_equal(b->zones[1].pcp_first, 2);
	assert_int_equal(b->zones[1].pcp_count, 2);
	assert_int_equal(b->pcp[3].count, 11);
	assert_int_equal(b->pcp[3].cpu, 1);
	vs_km_buddy_free(b);
	assert_string_equal(vs_migratetype_name(VS_MT_HIGHATOMIC), "HighAtomic");
	assert_null(vs_migratetype_name(VS_MT__COUNT));
	vs_kmod_close(k);
	free(f);
}

static void test_buddy_grows_and_gives_up(void **state)
{
	struct fake *f = new_fake();
	struct vs_kmod *k = open_fake(f);
	struct vs_km_buddy *b;
	struct vs_err e;

	/* A module that always has more to say: each try is a new
	 * snapshot, but not forever. */
	f->grow = 3;
	assert_int_equal(vs_kmod_buddy(k, &b, &e), -EAGAIN);
	assert_null(b);
	assert_non_null(strstr(e.msg, "kept growing"));
	assert_int_equal(f->calls, 5);
	f->grow = 0;
	f->overfill = true;
	assert_int_equal(vs_kmod_buddy(k, &b, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "inconsistent"));
	f->overfill = false;
	f->list_err = -EOPNOTSUPP;
	assert_int_equal(vs_kmod_buddy(k, &b, &e), -EOPNOTSUPP);
	assert_non_null(strstr(e.msg, "cannot show"));
	f->list_err = -EINTR;
	assert_int_equal(vs_kmod_buddy(k, &b, &e), -EINTR);
	vs_kmod_close(k);
	free(f);
}

static void test_buddy_hostile(void **state)
{
	struct fake *f = new_fake();
	struct vs_kmod *k = open_fake(f);
	struct vs_km_buddy *b;
	struct vs_err e;

	/* The lists of an order must add up to its free blocks. */
	f->zones[0].free[2][VS_MT_MOVABLE]++;
	assert_int_equal(vs_kmod_buddy(k, &b, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "do not add up"));
	/* ... but a lower bound may fall short, never exceed. */
	fake_buddy(f);
	f->zones[0].quality[2][VS_MT_MOVABLE] = VS_COUNT_LOWER_BOUND;
	f->zones[0].free[2][VS_MT_MOVABLE] = 1;
	assert_int_equal(vs_kmod_buddy(k, &b, &e), 0);
	assert_int_equal(b->zones[0].free[2][VS_MT_MOVABLE], 1);
	vs_km_buddy_free(b);
	f->zones[0].free[2][VS_MT_MOVABLE] = 1000;
	assert_int_equal(vs_kmod_buddy(k, &b, &e), -EBADMSG);

	fake_buddy(f);
	f->zones[1].quality[0][VS_MT_CMA] = VS_COUNT_EXACT;
	assert_int_equal(vs_kmod_buddy(k, &b, &e), -EBADMSG);
	fake_buddy(f);
	f->zones[1].quality[0][VS_MT_MOVABLE] = 7;
	assert_int_equal(vs_kmod_buddy(k, &b, &e), -EBADMSG);
	fake_buddy(f);
	f->zones[1].nr_free[12] = 1;	/* past the last order */
	assert_int_equal(vs_kmod_buddy(k, &b, &e), -EBADMSG);
	fake_buddy(f);
	memset(f->zones[0].name, 'A', sizeof(f->zones[0].name));
	assert_int_equal(vs_kmod_buddy(k, &b, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "unterminated"));
	fake_buddy(f);
	f->zones[0].node = 7;
	assert_int_equal(vs_kmod_buddy(k, &b, &e), -EBADMSG);
	fake_buddy(f);
	f->zones[0].managed = f->zones[0].present + 1;
	assert_int_equal(vs_kmod_buddy(k, &b, &e), -EBADMSG);
	fake_buddy(f);
	f->zones[0].orders = 12;
	assert_int_equal(vs_kmod_buddy(k, &b, &e), -EBADMSG);
	/* Per-CPU lists of a zone that was not sent, or out of order. */
	fake_buddy(f);
	f->pcp[1].zone = 3;
	assert_int_equal(vs_kmod_buddy(k, &b, &e), -EBADMSG);
	fake_buddy(f);
	f->pcp[3].node = 0;
	f->pcp[3].zone = 1;
	assert_int_equal(vs_kmod_buddy(k, &b, &e), -EBADMSG);
	fake_buddy(f);
	f->pcp[0].count = -1;
	assert_int_equal(vs_kmod_buddy(k, &b, &e), -EBADMSG);
	fake_buddy(f);
	f->pcp[0].cpu = 2;
	assert_int_equal(vs_kmod_buddy(k, &b, &e), -EBADMSG);
	vs_kmod_close(k);
	free(f);
}

/* vmfrag's snapshot filled from the module after the procfs parsers: the
 * module's figures replace theirs, what it lacks stays. */
static void test_buddy_fill(void **state)
{
	static const char pt[] =
		"Page block order: 9\n"
		"Pages per block:  512\n\n"
		"Free pages count per migrate type at order       0      1      2"
		"      3      4      5      6      7      8      9     10 \n"
		"Node    0, zone    DMA32, type    Unmovable      9      9      9"
		"      9      9      9      9      9      9      9      9 \n"
		"Node    0, zone    DMA32, type      Movable >100000      9      9"
		"      9      9      9      9      9      9      9      9 \n\n"
		"Number of blocks type     Unmovable      Movable \n"
		"Node 0, zone    DMA32            3          500 \n";
	static const char zi[] =
		"Node 0, zone    DMA32\n"
		"  pages free     7\n"
		"        boost    0\n"
		"        min      1\n"
		"        low      2\n"
		"        high     3\n"
		"        promo    52\n"
		"        spanned  9\n"
		"        present  9\n"
		"        managed  9\n"
		"        cma      4\n"
		"Node 0, zone  Movable\n"
		"  pages free     0\n"
		"        spanned  0\n"
		"        present  0\n"
		"        managed  0\n";
	struct fake *f = new_fake();
	struct vs_kmod *k = open_fake(f);
	struct vs_km_buddy *km;
	struct vs_buddy b;
	struct vs_zone *z;
	struct vs_err e;
	int mov, unm;

	f->zones[0].wmark_boost = 5;
	f->zones[0].start_pfn = 4096;
	f->zones[0].quality[2][VS_MT_MOVABLE] = VS_COUNT_LOWER_BOUND;
	f->zones[0].free[2][VS_MT_MOVABLE] = 1;
	assert_int_equal(vs_kmod_buddy(k, &km, &e), 0);
	vs_buddy_init(&b);
	assert_int_equal(vs_pagetypeinfo_parse(&b, pt, sizeof(pt) - 1, "pt",
					       &e), 0);
	assert_int_equal(vs_zoneinfo_parse(&b, zi, sizeof(zi) - 1, "zi", &e),
			 0);
	assert_int_equal(vs_buddy_from_kmod(&b, km, &e), 0);

	/* Zones: the module's two, and zoneinfo's unpopulated one. */
	assert_int_equal(b.nzones, 3);
	z = vs_buddy_zone(&b, 0, "DMA32");
	assert_non_null(z);
	assert_int_equal(z->free_src, VS_SRC_KMOD);
	assert_int_equal(z->norders, 11);
	assert_int_equal(z->nr_free[3], 13);
	assert_int_equal(vs_buddy_zone(&b, 0, "Movable")->free_src,
			 VS_SRC_NONE);
	/* Per migrate type: the module's, uncapped, with its quality. */
	assert_int_equal(z->types_src, VS_SRC_KMOD);
	mov = vs_buddy_type(&b, "Movable");
	unm = vs_buddy_type(&b, "Unmovable");
	assert_true(mov >= 0 && unm >= 0);
	assert_int_equal(z->type_free[mov][0], 10);
	assert_int_equal(z->type_capped[mov], 0);
	assert_int_equal(z->type_free[mov][2], 1);
	assert_int_equal(z->type_lower[mov], 1u << 2);
	assert_int_equal(z->type_derived[mov], 0x7ffu & ~(1u << 2));
	assert_int_equal(z->type_derived[unm], 0);
	assert_int_equal(z->type_free[unm][5], 5);
	assert_true(z->type_seen[vs_buddy_type(&b, "Isolate")]);
	assert_int_equal(vs_buddy_type(&b, "CMA"), -1);	/* not in mtypes */
	/* Pageblocks are pagetypeinfo's alone. */
	assert_int_equal(z->blocks_src, VS_SRC_PAGETYPEINFO);
	assert_int_equal(z->blocks[mov], 500);
	assert_int_equal(b.pageblock_order, 9);
	/* Watermarks with the boost, as zoneinfo shows them; promo and CMA
	 * stay zoneinfo's. */
	assert_int_equal(z->info_src, VS_SRC_KMOD);
	assert_int_equal(z->info[VS_ZI_FREE], 100000);
	assert_int_equal(z->info[VS_ZI_MIN], 105);
	assert_int_equal(z->info[VS_ZI_LOW], 130);
	assert_int_equal(z->info[VS_ZI_HIGH], 155);
	assert_int_equal(z->info[VS_ZI_BOOST], 5);
	assert_int_equal(z->info[VS_ZI_MANAGED], 250000);
	assert_int_equal(z->info[VS_ZI_START_PFN], 4096);
	assert_int_equal(z->info[VS_ZI_PROMO], 52);
	assert_int_equal(z->info[VS_ZI_CMA], 4);
	/* Each CPU's list, and their sum. */
	assert_int_equal(z->pcp_src, VS_SRC_KMOD);
	assert_int_equal(z->npcp, 2);
	assert_int_equal(z->pcp[1].cpu, 1);
	assert_int_equal(z->pcp[1].count, 1);
	assert_int_equal(z->pcp[1].high, 100);
	assert_int_equal(z->pcp[1].batch, 7);
	assert_int_equal(z->info[VS_ZI_PCP_COUNT], 1);
	z = vs_buddy_zone(&b, 1, "Normal");
	assert_non_null(z);
	assert_int_equal(z->info[VS_ZI_PCP_COUNT], 21);
	assert_int_equal(z->info[VS_ZI_PCP_CPUS], 2);
	assert_false(vs_zone_has(z, VS_ZI_PROMO));
	assert_int_equal(z->blocks_src, VS_SRC_NONE);

	/* Filled twice (--watch): the lists are replaced, not leaked. */
	assert_int_equal(vs_buddy_from_kmod(&b, km, &e), 0);
	assert_int_equal(vs_buddy_zone(&b, 1, "Normal")->npcp, 2);
	vs_buddy_free(&b);

	/* Per-CPU rows that are not where the zone says. */
	km->zones[1].pcp_first = 3;
	vs_buddy_init(&b);
	assert_int_equal(vs_buddy_from_kmod(&b, km, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "per-CPU"));
	vs_buddy_free(&b);
	vs_km_buddy_free(km);
	vs_kmod_close(k);
	free(f);
}

/* vmslab's caches filled from the module: its "have" bits decide. */
static void test_slab_fill(void **state)
{
	static const char si[] =
		"slabinfo - version: 2.1\n"
		"# name            <active_objs> <num_objs> <objsize> "
		"<objperslab> <pagesperslab> : tunables <limit> <batchcount> "
		"<sharedfactor> : slabdata <active_slabs> <num_slabs> "
		"<sharedavail>\n"
		"dentry              1      2    192   21    1 : tunables    0    0"
		"    0 : slabdata      7      7      0\n"
		"old-cache           5      5     32  128    1 : tunables    0    0"
		"    0 : slabdata      1      1      0\n";
	struct fake *f = new_fake();
	struct vs_kmod *k = open_fake(f);
	struct vs_slab_cache *c;
	struct vs_km_slab *km;
	struct vs_slabs s;
	struct vs_err e;

	/* dentry: no SLUB_DEBUG counts, no order; per-CPU figures. */
	f->caches[1].have = VS_SLAB_HAVE_PARTIAL | VS_SLAB_HAVE_PARTIAL_OBJS |
			    VS_SLAB_HAVE_CPU_SLABS | VS_SLAB_HAVE_CPU_PARTIAL;
	f->caches[1].slabs = f->caches[1].objects = 0;
	f->caches[1].total_objects = 0;
	f->caches[1].partial_objects = 30;
	f->caches[1].cpu_slabs = 4;
	f->caches[1].cpu_partial_slabs_now = 2;
	f->caches[1].cpus_with_slab = 2;
	f->caches[1].cpus_with_partial = 1;
	f->caches[1].refcount = -1;
	f->caches[1].flags = 0x20000;
	for (unsigned n = 2; n < 4; n++) {
		f->nodes[n].slabs = f->nodes[n].objects = 0;
		f->nodes[n].total_objects = 0;
		f->nodes[n].partial_objects = 15;
		f->nodes[n].cpu_slabs = 2;
	}
	f->caches[0].align = 8;
	assert_int_equal(vs_kmod_slab(k, &km, &e), 0);
	vs_slabs_init(&s);
	assert_int_equal(vs_slabinfo_parse(&s, si, sizeof(si) - 1, "si", &e),
			 0);
	assert_int_equal(vs_slabs_from_kmod(&s, km, &e), 0);
	assert_int_equal(s.n, 3);	/* dentry, old-cache, kmalloc-64 */

	c = vs_slabs_find(&s, "kmalloc-64");
	assert_non_null(c);
	assert_int_equal(c->counts_src, VS_SRC_KMOD);
	assert_int_equal(c->active_objs, 601);
	assert_int_equal(c->num_objs, 64 * 11);
	assert_int_equal(c->num_slabs, 11);
	assert_int_equal(c->geom_src, VS_SRC_KMOD);
	assert_int_equal(c->slot_size, 64);
	assert_int_equal(c->pages_per_slab, 1);
	assert_int_equal(c->attr_src, VS_SRC_KMOD);
	assert_true(vs_slab_has(c, VS_SA_OBJECT_SIZE));
	assert_int_equal(c->attr[VS_SA_OBJECT_SIZE], 60);
	assert_int_equal(c->attr[VS_SA_ALIASES], 2);
	assert_int_equal(c->attr[VS_SA_ALIGN], 8);
	assert_int_equal(c->attr[VS_SA_HWCACHE_ALIGN], 1);
	assert_int_equal(c->attr[VS_SA_RECLAIM_ACCOUNT], 0);
	assert_true(vs_slab_has(c, VS_SA_PARTIAL));
	assert_int_equal(c->attr[VS_SA_PARTIAL], 3);
	assert_false(vs_slab_has(c, VS_SA_CPU_SLABS));
	assert_false(vs_slab_has(c, VS_SA_OBJECTS_PARTIAL));
	assert_false(c->have_cpu_partial_now);
	assert_true(c->in_sysfs);
	assert_string_equal(c->dir, ":00000");
	assert_int_equal(c->nnodes, 2);
	assert_int_equal(c->nodes[1].node, 1);
	assert_int_equal(c->nodes[1].slabs, 6);
	assert_int_equal(c->nodes[1].partial, 2);
	assert_true(c->nodes[1].have & (1u << VS_SA_PARTIAL));
	assert_false(c->nodes[1].have & (1u << VS_SA_CPU_SLABS));

	/* dentry: slabinfo's counts go (the module could not read them:
	 * unknown, not slabinfo's nor 0). */
	c = vs_slabs_find(&s, "dentry");
	assert_int_equal(c->counts_src, VS_SRC_NONE);
	assert_int_equal(c->geom_src, VS_SRC_NONE);
	assert_false(vs_slab_has(c, VS_SA_ORDER));
	assert_false(vs_slab_has(c, VS_SA_SLABS));
	assert_int_equal(c->attr[VS_SA_OBJECTS_PARTIAL], 30);
	assert_int_equal(c->attr[VS_SA_CPU_SLABS], 4);
	assert_int_equal(c->attr[VS_SA_ALIASES], 0);	/* a boot cache */
	assert_int_equal(c->attr[VS_SA_RECLAIM_ACCOUNT], 1);
	assert_true(c->have_cpu_partial_now);
	assert_int_equal(c->cpu_partial_now, 2);
	assert_int_equal(c->cpus_with_slab, 2);
	assert_int_equal(c->cpus_with_partial, 1);
	assert_int_equal(c->raw_flags, 0x20000);
	assert_int_equal(c->flags, VS_SLAB_F_HWCACHE_ALIGN |
			 VS_SLAB_F_RECLAIM_ACCOUNT);
	assert_int_equal(c->refcount, -1);
	assert_int_equal(c->nodes[0].objects_partial, 15);
	assert_int_equal(c->nodes[0].cpu_slabs, 2);
	assert_false(c->nodes[0].have & (1u << VS_SA_SLABS));
	assert_true(c->nodes[0].have & (1u << VS_SA_OBJECTS_PARTIAL));

	/* A cache the module did not list keeps what slabinfo said. */
	c = vs_slabs_find(&s, "old-cache");
	assert_int_equal(c->counts_src, VS_SRC_SLABINFO);
	assert_false(c->km_known);
	vs_slabs_free(&s);

	/* Node rows that are not where the cache says. */
	km->caches[1].node_count = 5;
	vs_slabs_init(&s);
	assert_int_equal(vs_slabs_from_kmod(&s, km, &e), -EBADMSG);
	vs_slabs_free(&s);
	vs_km_slab_free(km);
	vs_kmod_close(k);
	free(f);
}

/* ---- slab ----------------------------------------------------------- */

static void test_slab(void **state)
{
	struct fake *f = new_fake();
	struct vs_kmod *k = open_fake(f);
	struct vs_km_slab *s;
	struct vs_err e;

	assert_int_equal(vs_kmod_slab(k, &s, &e), 0);
	assert_int_equal(s->ncaches, 2);
	assert_int_equal(s->nnodes, 4);
	assert_string_equal(s->caches[1].name, "dentry");
	assert_int_equal(s->caches[1].node_first, 2);
	assert_int_equal(s->caches[1].slabs, 11);
	assert_int_equal(s->nodes[3].cache, 1);
	assert_int_equal(s->nodes[3].node, 1);
	assert_int_equal(s->nodes[3].objects, 301);
	vs_km_slab_free(s);
	assert_string_equal(vs_slab_flag_name(4), "HWCACHE_ALIGN");
	assert_string_equal(vs_slab_flag_name(19), "RECLAIM_ACCOUNT");
	assert_null(vs_slab_flag_name(VS_SLAB_F__COUNT));

	f->nodes[1].slabs++;
	assert_int_equal(vs_kmod_slab(k, &s, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "'kmalloc-64'"));
	assert_non_null(strstr(e.msg, "add up"));
	fake_slab(f);
	f->caches[1].node_first = 1;
	assert_int_equal(vs_kmod_slab(k, &s, &e), -EBADMSG);
	fake_slab(f);
	f->nodes[2].cache = 0;
	assert_int_equal(vs_kmod_slab(k, &s, &e), -EBADMSG);
	fake_slab(f);
	f->caches[0].have |= 1u << 20;
	assert_int_equal(vs_kmod_slab(k, &s, &e), -EBADMSG);
	fake_slab(f);
	f->caches[0].object_size = 65;
	assert_int_equal(vs_kmod_slab(k, &s, &e), -EBADMSG);
	fake_slab(f);
	f->caches[0].objects = f->caches[0].total_objects + 1;
	f->nodes[0].objects += 1000;
	assert_int_equal(vs_kmod_slab(k, &s, &e), -EBADMSG);
	fake_slab(f);
	memset(f->caches[1].name, 'n', sizeof(f->caches[1].name));
	assert_int_equal(vs_kmod_slab(k, &s, &e), -EBADMSG);
	assert_non_null(strstr(e.msg, "cache 1"));
	fake_slab(f);
	f->ncaches = 1;		/* nodes of a cache that was not sent */
	assert_int_equal(vs_kmod_slab(k, &s, &e), -EBADMSG);
	vs_kmod_close(k);
	free(f);
}

/* ---- TLB ------------------------------------------------------------ */

static void test_tlb(void **state)
{
	struct fake *f = new_fake();
	struct vs_kmod *k = open_fake(f);
	struct vs_km_tlb *t;
	struct vs_err e;

	assert_int_equal(vs_kmod_tlb(k, &t, &e), 0);
	assert_int_equal(t->ncpus, 2);
	assert_true(t->counting);
	assert_int_equal(t->since_ns, 12345);
	assert_true(t->cpus[1].pcid_on);
	assert_int_equal(t->cpus[1].pcid, 3);
	assert_int_equal(t->cpus[1].asid, 2);
	/* CR3 is hidden unless asked for. */
	assert_int_equal(f->last_qflags, 0);
	assert_false(t->cpus[1].cr3_known);
	assert_int_equal(t->cpus[1].cr3, 0);
	vs_km_tlb_free(t);
	vs_kmod_want(k, VS_KMOD_WANT_PHYS | VS_KMOD_WANT_ALL_CPUS);
	assert_int_equal(vs_kmod_tlb(k, &t, &e), 0);
	assert_int_equal(f->last_qflags, VS_Q_F_PHYS | VS_Q_F_ALL_CPUS);
	assert_true(t->cpus[1].cr3_known);
	assert_int_equal(t->cpus[1].pgd_phys, 0x1234000);
	assert_string_equal(t->cpus[0].comm, "worker");
	assert_int_equal(t->cpus[0].flushes[VS_TLB_REMOTE_SHOOTDOWN], 10);
	assert_int_equal(t->cpus[0].flush_all[VS_TLB_REMOTE_SHOOTDOWN], 4);
	vs_km_tlb_free(t);
	assert_string_equal(vs_tlb_reason_name(VS_TLB_REMOTE_SEND_IPI),
			    "remote send IPI");
	assert_null(vs_tlb_reason_name(-1));

	f->cpus[1].asid = 7;		/* not PCID - 1 */
	assert_int_equal(vs_kmod_tlb(k, &t, &e), -EBADMSG);
	fake_tlb(f);
	f->cpus[1].cr3 = 0x1234000;	/* PCID bits disagree */
	assert_int_equal(vs_kmod_tlb(k, &t, &e), -EBADMSG);
	fake_tlb(f);
	f->cpus[1].cpu = 0;		/* CPU ids go up */
	assert_int_equal(vs_kmod_tlb(k, &t, &e), -EBADMSG);
	fake_tlb(f);
	f->cpus[0].flush_all[0] = 1;	/* more whole flushes than flushes */
	assert_int_equal(vs_kmod_tlb(k, &t, &e), -EBADMSG);
	fake_tlb(f);
	memset(f->cpus[0].comm, 'c', sizeof(f->cpus[0].comm));
	assert_int_equal(vs_kmod_tlb(k, &t, &e), -EBADMSG);
	fake_tlb(f);
	f->cpus[0].flags |= 1u << 15;
	assert_int_equal(vs_kmod_tlb(k, &t, &e), -EBADMSG);
	fake_tlb(f);
	f->cpus[0].flags &= ~VS_CPU_CR3;	/* a CR3 it did not claim */
	assert_int_equal(vs_kmod_tlb(k, &t, &e), -EBADMSG);
	fake_tlb(f);
	f->cpus[0].flags |= VS_CPU_SKIPPED;	/* skipped, yet read */
	assert_int_equal(vs_kmod_tlb(k, &t, &e), -EBADMSG);
	/* A skipped (isolated) CPU: only its counts. */
	fake_tlb(f);
	memset(f->cpus[1].comm, 0, sizeof(f->cpus[1].comm));
	f->cpus[1].flags = VS_CPU_SKIPPED;
	f->cpus[1].cr3 = 0;
	assert_int_equal(vs_kmod_tlb(k, &t, &e), 0);
	assert_true(t->cpus[1].skipped);
	assert_false(t->cpus[1].online);
	vs_km_tlb_free(t);
	/* Under lockdown the module refuses CR3. */
	f->list_err = -EPERM;
	assert_int_equal(vs_kmod_tlb(k, &t, &e), -EPERM);
	assert_non_null(strstr(e.msg, "locked down"));
	vs_kmod_close(k);
	free(f);
}

/* ---- the page-table decoder ----------------------------------------- */

static void test_pt_decode(void **state)
{
	struct vs_pt_bits b;
	char buf[128];

	/* A written user page: P RW US A D, NX, frame 0x12345. */
	assert_int_equal(vs_pt_decode(0x8000000012345067ull, VS_PT_PTE, &b), 0);
	assert_true(b.present && b.rw && b.user && b.accessed && b.dirty &&
		    b.nx && b.leaf);
	assert_false(b.ps || b.global || b.pat || b.pwt || b.pcd);
	assert_int_equal(b.pfn, 0x12345);
	assert_string_equal(vs_pt_bits_str(&b, buf, sizeof(buf)),
			    "P RW US A D NX");

	/* In a 4 KiB PTE bit 7 is PAT, not PS; bit 8 is G. */
	vs_pt_decode(0x0000000000001195ull, VS_PT_PTE, &b);
	assert_true(b.pat && b.global && b.pcd && b.present && !b.rw);
	assert_false(b.ps);
	assert_string_equal(vs_pt_bits_str(&b, buf, sizeof(buf)),
			    "P US PCD G PAT");

	/* A 2 MiB leaf: PS; PAT is bit 12, not part of the frame. */
	vs_pt_decode(0x80000000a00010e7ull, VS_PT_PMD, &b);
	assert_true(b.leaf && b.ps && b.pat && b.dirty && b.nx);
	assert_int_equal(b.pfn, 0xa0000);
	/* A 1 GiB leaf. */
	vs_pt_decode(0x00000001400000e3ull, VS_PT_PUD, &b);
	assert_true(b.leaf && b.ps && !b.user);
	assert_int_equal(b.pfn, 0x140000);

	/* A table entry: no leaf bits even when set (bit 6 ignored). */
	vs_pt_decode(0x0000000001234067ull, VS_PT_PMD, &b);
	assert_false(b.leaf || b.dirty || b.ps);
	assert_int_equal(b.pfn, 0x1234);
	/* The PGD of a 4-level walk with PTI's NX in the kernel's copy. */
	vs_pt_decode(0x8000000005555067ull, VS_PT_PGD, &b);
	assert_true(b.nx && !b.leaf);
	assert_int_equal(b.pfn, 0x5555);

	/* Protection keys: bits 59-62, leaves only. */
	vs_pt_decode(0xd800000000001025ull, VS_PT_PTE, &b);
	assert_int_equal(b.pkey, 11);
	assert_true(b.nx);
	assert_string_equal(vs_pt_bits_str(&b, buf, sizeof(buf)),
			    "P US A NX pkey=11");
	vs_pt_decode(0x5800000000001067ull, VS_PT_PMD, &b);
	assert_int_equal(b.pkey, 0);

	/* PROT_NONE: P clear, PROTNONE (G) set, the frame stored inverted
	 * in bits 12-51 (L1TF). */
	{
		uint64_t pfn = 0x3abcd;
		uint64_t raw = ((~(pfn << 12)) & VS_X86_PHYS_MASK) | 0x160;

		vs_pt_decode(raw, VS_PT_PTE, &b);
		assert_false(b.present || b.global);
		assert_true(b.protnone && b.leaf && b.dirty && b.accessed);
		assert_int_equal(b.pfn, pfn);
		assert_string_equal(vs_pt_bits_str(&b, buf, sizeof(buf)),
				    "A D PROTNONE");
	}

	/* A swap entry: not the hardware's, nothing decoded. */
	vs_pt_decode(0x7fffffffffffd000ull, VS_PT_PTE, &b);
	assert_false(b.present || b.protnone || b.rw);
	assert_int_equal(b.pfn, 0);
	assert_string_equal(vs_pt_bits_str(&b, buf, sizeof(buf)), "-");

	assert_int_equal(vs_pt_decode(1, 5, &b), -EINVAL);
	assert_int_equal(vs_pt_decode(1, -1, &b), -EINVAL);
	assert_string_equal(vs_pt_level_name(VS_PT_P4D), "P4D");
	assert_null(vs_pt_level_name(5));
	assert_string_equal(vs_pt_kind_name(VS_PTE_MIGRATION), "migration");
	assert_null(vs_pt_kind_name(0));
	assert_null(vs_pt_kind_name(10));

	/* A short buffer is cut, not overrun. */
	vs_pt_decode(0x8000000012345067ull, VS_PT_PTE, &b);
	memset(buf, 'z', sizeof(buf));
	vs_pt_bits_str(&b, buf, 5);
	assert_int_equal(strlen(buf), 4);
	assert_int_equal(buf[5], 'z');
}

/* ---- the walk ------------------------------------------------------- */

/* A 4-level PTE leaf at @addr: PGD, PUD, PMD tables present. */
static struct vs_kmod_pte pte_at(uint64_t addr, uint64_t pfn)
{
	struct vs_kmod_pte p;

	memset(&p, 0, sizeof(p));
	p.addr = addr;
	p.entry[VS_PT_PGD] = 0x0000000001000067ull;
	p.entry[VS_PT_PUD] = 0x0000000001001067ull;
	p.entry[VS_PT_PMD] = 0x0000000001002067ull;
	p.entry[VS_PT_PTE] = 0x8000000000000067ull | (pfn << 12);
	p.pfn = pfn;
	p.level = VS_PT_PTE;
	p.kind = VS_PTE_PRESENT;
	p.flags = VS_PTE_F_P4D_FOLDED;
	return p;
}

static void fake_walk(struct fake *f)
{
	f->nptes = 0;
	f->walk_err = 0;
	f->walk_stuck = f->walk_backwards = f->walk_past_end = false;
	f->walk_collapse = f->walk_ignore_resume = false;
	f->pagemap_err = 0;
	f->pagemap_nomm = 0;
	f->walk_calls = 0;
	/* Three pages in the first 2 MiB, two in the next. */
	f->ptes[f->nptes++] = pte_at(0x400000, 0x100);
	f->ptes[f->nptes++] = pte_at(0x401000, 0x101);
	f->ptes[f->nptes++] = pte_at(0x5ff000, 0x102);
	f->ptes[f->nptes++] = pte_at(0x600000, 0x103);
	f->ptes[f->nptes++] = pte_at(0x601000, 0x104);
	/* A 2 MiB leaf. */
	f->ptes[f->nptes] = pte_at(0x800000, 0x200);
	f->ptes[f->nptes].level = VS_PT_PMD;
	f->ptes[f->nptes].entry[VS_PT_PMD] = 0x80000000002000e7ull;
	f->ptes[f->nptes].entry[VS_PT_PTE] = 0;
	f->nptes++;
	/* A swap entry. */
	f->ptes[f->nptes] = pte_at(0xa00000, 0);
	f->ptes[f->nptes].entry[VS_PT_PTE] = 0x7ffffffffff3c000ull;
	f->ptes[f->nptes].kind = VS_PTE_SWAP;
	f->ptes[f->nptes].swap_type = 1;
	f->ptes[f->nptes].swap_offset = 0x61;
	f->nptes++;
}

struct seen {
	uint64_t addr[FW];
	size_t n;
	size_t stop_at;		/* stop (return 7) at this leaf; 0: never */
};

static int note(const struct vs_pt_entry *e, void *arg)
{
	struct seen *s = arg;

	s->addr[s->n++] = e->addr;
	if (e->addr == 0x800000) {
		assert_int_equal(e->size, 2 << 20);
		assert_true(e->bits[VS_PT_PMD].leaf && e->bits[VS_PT_PMD].ps);
		assert_int_equal(e->bits[VS_PT_PMD].pfn, 0x200);
		assert_false(e->have[VS_PT_PTE]);
	} else if (e->kind == VS_PTE_SWAP) {
		assert_int_equal(e->swap_type, 1);
		assert_int_equal(e->swap_offset, 0x61);
		assert_false(e->bits[VS_PT_PTE].present);
	} else {
		assert_int_equal(e->size, 4096);
		assert_int_equal(e->bits[VS_PT_PTE].pfn, e->pfn);
	}
	assert_false(e->have[VS_PT_P4D]);
	assert_true(e->have[VS_PT_PGD] && e->bits[VS_PT_PGD].present);
	return s->stop_at && s->n == s->stop_at ? 7 : 0;
}

static void test_walk_batches(void **state)
{
	struct fake *f = new_fake();
	struct vs_kmod *k = open_fake(f);
	struct vs_pt_stats st;
	struct seen s = { 0 };
	struct vs_err e;

	fake_walk(f);
	assert_int_equal(vs_kmod_walk(k, 42, 0, 1ull << 47, note, &s, &st, &e),
			 0);
	assert_int_equal(s.n, 7);
	assert_int_equal(st.leaves, 7);
	assert_int_equal(st.requests, 1);
	assert_int_equal(st.tables[VS_WT_PTE], 3);
	assert_int_equal(st.mm_id, 77);
	assert_int_equal(st.levels, 4);

	/* Two records per request: the tables shared by two requests are
	 * counted once. */
	vs_kmod_set_batch(k, 2);
	memset(&s, 0, sizeof(s));
	f->walk_calls = 0;
	assert_int_equal(vs_kmod_walk(k, 42, 0, 1ull << 47, note, &s, &st, &e),
			 0);
	assert_int_equal(s.n, 7);
	assert_int_equal(st.requests, 4);
	assert_int_equal(st.tables[VS_WT_PTE], 3);
	assert_int_equal(s.addr[2], 0x5ff000);

	/* The callback stops the walk with its value. */
	vs_kmod_set_batch(k, 1);
	memset(&s, 0, sizeof(s));
	s.stop_at = 3;
	assert_int_equal(vs_kmod_walk(k, 42, 0, 1ull << 47, note, &s, &st, &e),
			 7);
	assert_int_equal(s.n, 3);

	/* A range that starts inside the huge page still gets it. */
	vs_kmod_set_batch(k, 512);
	memset(&s, 0, sizeof(s));
	assert_int_equal(vs_kmod_walk(k, 42, 0x900000, 0x901000, note, &s, &st,
				      &e), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.addr[0], 0x800000);
	vs_kmod_close(k);
	free(f);
}

/* Tables that change between requests: a huge page collapsed over pages
 * already sent is skipped and counted, never a bad record; only the first
 * request is not a resumed one. */
static void test_walk_changed(void **state)
{
	struct fake *f = new_fake();
	struct vs_kmod *k = open_fake(f);
	struct vs_pt_stats st;
	struct seen s = { 0 };
	struct vs_err e;

	fake_walk(f);
	f->walk_collapse = true;
	vs_kmod_set_batch(k, 2);
	assert_int_equal(vs_kmod_walk(k, 42, 0, 1ull << 47, note, &s, &st, &e),
			 0);
	assert_int_equal(f->walk_flags[0] & VS_WALK_F_RESUME, 0);
	assert_int_equal(f->walk_flags[1] & VS_WALK_F_RESUME, VS_WALK_F_RESUME);
	assert_int_equal(st.changed, 1);
	assert_int_equal(s.n, 6);	/* 2 + 0x600000, 0x601000, PMD, swap */
	assert_int_equal(s.addr[2], 0x600000);
	/* What an ABI 1 module did: the leaf below the resume point, which
	 * the library must still call a bad record. */
	fake_walk(f);
	f->walk_collapse = f->walk_ignore_resume = true;
	memset(&s, 0, sizeof(s));
	assert_int_equal(vs_kmod_walk(k, 42, 0, 1ull << 47, note, &s, &st, &e),
			 -EBADMSG);
	assert_non_null(strstr(e.msg, "bad page-table record"));
	vs_kmod_close(k);
	free(f);
}

/* Physical addresses only when asked; the pagemap descriptor and what its
 * refusal means; a zombie leader walked through a live thread's. */
static void test_walk_access(void **state)
{
	struct fake *f = new_fake();
	struct vs_kmod *k = open_fake(f);
	struct vs_pt_stats st;
	struct seen s = { 0 };
	struct vs_err e;

	fake_walk(f);
	assert_int_equal(vs_kmod_walk(k, 42, 0, 1ull << 47, note, &s, &st, &e),
			 0);
	assert_int_equal(f->walk_flags[0] & VS_WALK_F_PHYS, 0);
	assert_false(st.phys);
	assert_int_equal(st.pgd_pfn, 0);
	assert_true(f->walk_fd >= 0);
	assert_int_equal(st.holds, 1);
	assert_int_equal(st.entries, 100);
	vs_kmod_want(k, VS_KMOD_WANT_PHYS);
	fake_walk(f);
	memset(&s, 0, sizeof(s));
	assert_int_equal(vs_kmod_walk(k, 42, 0, 1ull << 47, note, &s, &st, &e),
			 0);
	assert_int_equal(f->walk_flags[0] & VS_WALK_F_PHYS, VS_WALK_F_PHYS);
	assert_true(st.phys);
	assert_int_equal(st.pgd_pfn, 0x999);
	vs_kmod_want(k, 0);

	/* pagemap refuses us: so does the walk, before any request. */
	fake_walk(f);
	f->pagemap_err = -EACCES;
	assert_int_equal(vs_kmod_walk(k, 42, 0, 1ull << 47, note, &s, &st, &e),
			 -EACCES);
	assert_non_null(strstr(e.msg, "not allowed"));
	assert_non_null(strstr(e.hint, "CAP_SYS_PTRACE"));
	assert_int_equal(f->walk_calls, 0);
	f->pagemap_err = -ENOENT;
	assert_int_equal(vs_kmod_walk(k, 42, 0, 1ull << 47, note, &s, &st, &e),
			 -ESRCH);
	assert_string_equal(e.msg, "process 42 does not exist");

	/* A zombie leader: its pagemap has no mm; the second thread's has. */
	fake_walk(f);
	f->pagemap_nomm = 2;
	memset(&s, 0, sizeof(s));
	assert_int_equal(vs_kmod_walk(k, 42, 0, 1ull << 47, note, &s, &st, &e),
			 0);
	assert_int_equal(f->last_nth, 2);
	assert_int_equal(s.n, 7);
	/* No thread has one: the module's refusal is said. */
	fake_walk(f);
	f->pagemap_nomm = 10;
	assert_int_equal(vs_kmod_walk(k, 42, 0, 1ull << 47, note, &s, &st, &e),
			 -EACCES);
	assert_non_null(strstr(e.msg, "refused"));
	/* Lockdown refuses the physical addresses. */
	fake_walk(f);
	f->walk_err = -EPERM;
	f->walk_err_at = 1;
	f->walk_detail = VS_WALK_E_LOCKDOWN;
	assert_int_equal(vs_kmod_walk(k, 42, 0, 1ull << 47, note, &s, &st, &e),
			 -EPERM);
	assert_non_null(strstr(e.msg, "locked down"));
	vs_kmod_close(k);
	free(f);
}

static void test_walk_errors(void **state)
{
	struct fake *f = new_fake();
	struct vs_kmod *k = open_fake(f);
	struct seen s = { 0 };
	struct vs_err e;

	fake_walk(f);
	f->walk_err = -ESRCH;
	f->walk_err_at = 1;
	f->walk_detail = VS_WALK_E_NOPROC;
	assert_int_equal(vs_kmod_walk(k, 42, 0, 1ull << 47, note, &s, NULL, &e),
			 -ESRCH);
	assert_string_equal(e.msg, "process 42 does not exist");
	/* Gone after the first request. */
	fake_walk(f);
	vs_kmod_set_batch(k, 2);
	f->walk_err = -ESRCH;
	f->walk_err_at = 2;
	f->walk_detail = VS_WALK_E_NOPROC;
	assert_int_equal(vs_kmod_walk(k, 42, 0, 1ull << 47, note, &s, NULL, &e),
			 -ESRCH);
	assert_string_equal(e.msg, "process 42 exited during the page-table "
			    "walk");
	vs_kmod_set_batch(k, 512);
	fake_walk(f);
	f->walk_err = -EINVAL;
	f->walk_err_at = 1;
	f->walk_detail = VS_WALK_E_KTHREAD;
	assert_int_equal(vs_kmod_walk(k, 2, 0, 1ull << 47, note, &s, NULL, &e),
			 -EINVAL);
	assert_non_null(strstr(e.msg, "kernel thread"));
	f->walk_detail = VS_WALK_E_NONCANONICAL;
	assert_int_equal(vs_kmod_walk(k, 2, 1ull << 47, 1ull << 48, note, &s,
				      NULL, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "not canonical"));
	assert_non_null(strstr(e.hint, "0x800000000000"));
	f->walk_detail = VS_WALK_E_KERNEL;
	vs_kmod_walk(k, 2, 0, 1ull << 47, note, &s, NULL, &e);
	assert_non_null(strstr(e.msg, "kernel's half"));
	f->walk_detail = VS_WALK_E_RANGE;
	vs_kmod_walk(k, 2, 5, 4, note, &s, NULL, &e);
	assert_non_null(strstr(e.msg, "empty"));
	f->walk_err = -EFAULT;
	f->walk_detail = VS_WALK_OK;
	assert_int_equal(vs_kmod_walk(k, 2, 0, 4096, note, &s, NULL, &e),
			 -EFAULT);
	assert_non_null(strstr(e.msg, "bad address"));

	/* Replies that make no sense. */
	fake_walk(f);
	f->walk_stuck = true;
	assert_int_equal(vs_kmod_walk(k, 42, 0, 1ull << 47, note, &s, NULL, &e),
			 -EBADMSG);
	fake_walk(f);
	f->walk_backwards = true;
	assert_int_equal(vs_kmod_walk(k, 42, 65536, 1ull << 47, note, &s, NULL,
				      &e), -EBADMSG);
	vs_kmod_close(k);
	free(f);
}

/* Spoil record @p in way @i; returns what was done, NULL past the last. */
static const char *spoil(struct vs_kmod_pte *p, int i)
{
	switch (i) {
	case 0: p->level = 5; return "level 5";
	case 1: p->kind = 0; return "kind 0";
	case 2: p->kind = 42; return "kind 42";
	case 3: p->addr += 8; return "an unaligned address";
	case 4: p->flags |= 0x100; return "an unknown flag";
	case 5: p->flags = 0; return "no folded P4D with 4 levels";
	case 6: p->level = VS_PT_PMD; return "an entry below the leaf";
	case 7: p->entry[VS_PT_P4D] = 0x67; return "a folded P4D's entry";
	case 8: p->entry[VS_PT_PUD] = 0x66; return "a non-present table";
	case 9: p->entry[VS_PT_PMD] |= 0x80; return "a leaf above the leaf";
	case 10:
		p->level = VS_PT_PGD;
		p->entry[VS_PT_PUD] = p->entry[VS_PT_PMD] = 0;
		p->entry[VS_PT_PTE] = 0;
		return "a present leaf in the PGD";
	case 11: p->swap_offset = 1; return "swap fields of a present page";
	}
	return NULL;
}

static void test_walk_hostile_records(void **state)
{
	struct fake *f = new_fake();
	struct vs_kmod *k = open_fake(f);
	struct seen s;
	struct vs_err e;
	const char *what;

	for (int i = 0; fake_walk(f), (what = spoil(&f->ptes[1], i)); i++) {
		memset(&s, 0, sizeof(s));
		if (vs_kmod_walk(k, 42, 0, 1ull << 47, note, &s, NULL, &e) !=
		    -EBADMSG)
			fail_msg("accepted a record with %s", what);
		assert_non_null(strstr(e.msg, "bad page-table record"));
		assert_int_equal(s.n, 1);	/* the leaf before it only */
	}
	/* A leaf past the end of the range. */
	fake_walk(f);
	f->walk_past_end = true;
	memset(&s, 0, sizeof(s));
	assert_int_equal(vs_kmod_walk(k, 42, 0, 0x500000, note, &s, NULL, &e),
			 -EBADMSG);
	assert_int_equal(s.n, 2);	/* 0x5ff000 is past 0x500000 */
	f->walk_past_end = false;
	/* Out of order: the second leaf before the first. */
	fake_walk(f);
	f->ptes[1].addr = 0x3ff000;
	memset(&s, 0, sizeof(s));
	assert_int_equal(vs_kmod_walk(k, 42, 0, 1ull << 47, note, &s, NULL, &e),
			 -EBADMSG);
	/* Overlapping: a 4 KiB leaf inside the 2 MiB one. */
	fake_walk(f);
	f->ptes[6] = pte_at(0x801000, 5);
	memset(&s, 0, sizeof(s));
	assert_int_equal(vs_kmod_walk(k, 42, 0, 1ull << 47, note, &s, NULL, &e),
			 -EBADMSG);
	vs_kmod_close(k);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_checks_info),
		cmocka_unit_test(test_open_sysroot_and_absent),
		cmocka_unit_test(test_buddy),
		cmocka_unit_test(test_buddy_grows_and_gives_up),
		cmocka_unit_test(test_buddy_hostile),
		cmocka_unit_test(test_buddy_fill),
		cmocka_unit_test(test_slab_fill),
		cmocka_unit_test(test_slab),
		cmocka_unit_test(test_tlb),
		cmocka_unit_test(test_pt_decode),
		cmocka_unit_test(test_walk_batches),
		cmocka_unit_test(test_walk_errors),
		cmocka_unit_test(test_walk_changed),
		cmocka_unit_test(test_walk_access),
		cmocka_unit_test(test_walk_hostile_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
