/* kmod.c - reads vmscope.ko's views into plain structs, checking each
 * record the module sends before it becomes a figure. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vs_kmod.h"

/* The layout both sides were written for (kmod/main.c asserts the same). */
_Static_assert(sizeof(struct vs_kmod_info) == 240, "vs_kmod_info");
_Static_assert(sizeof(struct vs_kmod_query) == 88, "vs_kmod_query");
_Static_assert(sizeof(struct vs_kmod_zone) == 1400, "vs_kmod_zone");
_Static_assert(sizeof(struct vs_kmod_pcp) == 32, "vs_kmod_pcp");
_Static_assert(sizeof(struct vs_kmod_cache) == 264, "vs_kmod_cache");
_Static_assert(sizeof(struct vs_kmod_slab_node) == 56, "vs_kmod_slab_node");
_Static_assert(sizeof(struct vs_kmod_cpu) == 208, "vs_kmod_cpu");
_Static_assert(sizeof(struct vs_kmod_pte) == 80, "vs_kmod_pte");
_Static_assert(sizeof(struct vs_kmod_walk) == 224, "vs_kmod_walk");

#define KMOD_MAX_ZONES		65536	/* more records than these in a */
#define KMOD_MAX_PCP		(1u << 24)	/* reply: the reply is wrong */
#define KMOD_MAX_CACHES		65536
#define KMOD_MAX_SLAB_NODES	(1u << 24)
#define KMOD_MAX_CPUS		(1u << 20)
#define KMOD_TRIES		5	/* list requests retried this often */
#define KMOD_WALK_BATCH		512u

struct vs_kmod {
	struct vs_kmod_ops ops;
	void *ctx;
	struct vs_kmod_info info;
	unsigned batch;			/* WALK records per request */
};

/* ---- opening -------------------------------------------------------- */

static int fd_ioctl(void *ctx, unsigned long req, void *arg)
{
	int fd = (int)(intptr_t)ctx;

	return ioctl(fd, req, arg) < 0 ? -errno : 0;
}

static void fd_close(void *ctx)
{
	close((int)(intptr_t)ctx);
}

static const struct vs_kmod_ops fd_ops = {
	.ioctl = fd_ioctl,
	.close = fd_close,
};

/* The module's sysfs directory is there (the live system). */
static bool module_in_sysfs(void)
{
	return access("/sys/module/" VS_KMOD_NAME, F_OK) == 0;
}

/* A NUL within @s[0 .. size - 1]? */
static bool has_nul(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

/* Check INFO as the module sent it. */
static int check_info(struct vs_kmod_info *in, struct vs_err *e)
{
	if (in->abi_version != VS_KMOD_ABI_VERSION) {
		vs_err_set(e, EPROTO, "vmscope.ko speaks ABI version %u, this "
			   "vmscope speaks version %u", in->abi_version,
			   VS_KMOD_ABI_VERSION);
		if (in->abi_version < VS_KMOD_ABI_VERSION)
			vs_err_hint(e, "rebuild and reload the module from "
				    "this vmscope's sources ('make kmod'; see "
				    "vmscope(4))");
		else
			vs_err_hint(e, "update vmscope to the module's version");
		return -EPROTO;
	}
	if (in->info_size != sizeof(*in) ||
	    in->zone_size != sizeof(struct vs_kmod_zone) ||
	    in->pcp_size != sizeof(struct vs_kmod_pcp) ||
	    in->cache_size != sizeof(struct vs_kmod_cache) ||
	    in->slab_node_size != sizeof(struct vs_kmod_slab_node) ||
	    in->cpu_size != sizeof(struct vs_kmod_cpu) ||
	    in->pte_size != sizeof(struct vs_kmod_pte)) {
		vs_err_set(e, EPROTO, "vmscope.ko's records differ in size "
			   "from this vmscope's, at the same ABI version %u",
			   VS_KMOD_ABI_VERSION);
		vs_err_hint(e, "rebuild the module and vmscope from the same "
			    "sources");
		return -EPROTO;
	}
	if (!has_nul(in->release, sizeof(in->release)) ||
	    !has_nul(in->module_version, sizeof(in->module_version)) ||
	    in->page_shift != 12 || in->max_order < 1 ||
	    in->max_order > VS_KMOD_ORDERS ||
	    (in->pgtable_levels != 4 && in->pgtable_levels != 5) ||
	    in->nr_cpu_ids < 1 || in->nr_cpu_ids > KMOD_MAX_CPUS ||
	    in->online_cpus > in->nr_cpu_ids || in->nr_node_ids < 1 ||
	    in->online_nodes > in->nr_node_ids ||
	    (in->mtypes >> VS_MT__COUNT))
		return vs_err_set(e, EBADMSG, "vmscope.ko describes itself "
				  "inconsistently (page shift %u, %u orders, "
				  "%u levels, %u CPU ids)", in->page_shift,
				  in->max_order, in->pgtable_levels,
				  in->nr_cpu_ids);
	return 0;
}

int vs_kmod_open_ops(const struct vs_kmod_ops *ops, void *ctx,
		     struct vs_kmod **out, struct vs_err *e)
{
	struct vs_kmod *k;
	char sbuf[128];
	int err;

	*out = NULL;
	k = calloc(1, sizeof(*k));
	if (!k) {
		if (ops->close)
			ops->close(ctx);
		return vs_err_set(e, ENOMEM, "out of memory");
	}
	k->ops = *ops;
	k->ctx = ctx;
	k->batch = KMOD_WALK_BATCH;
	err = ops->ioctl(ctx, VS_KMOD_IOC_INFO, &k->info);
	if (err == -ENOTTY || err == -EINVAL) {
		vs_err_set(e, ENODEV, "'%s' does not answer vmscope's requests",
			   VS_KMOD_DEVICE);
		vs_err_hint(e, "is it vmscope.ko's? rebuild and reload the "
			    "module ('make kmod'; see vmscope(4))");
		err = -ENODEV;
	} else if (err) {
		vs_err_set(e, err, "cannot ask vmscope.ko what it is: %s",
			   vs_strerror(err, sbuf, sizeof(sbuf)));
	} else {
		err = check_info(&k->info, e);
	}
	if (err) {
		vs_kmod_close(k);
		return err;
	}
	*out = k;
	return 0;
}

int vs_kmod_open(struct vs_root *r, struct vs_kmod **out, struct vs_err *e)
{
	int fd, err;

	*out = NULL;
	if (r && !vs_root_is_live(r)) {
		vs_err_set(e, ENODEV, "vmscope.ko's views are not available "
			   "with --sysroot");
		vs_err_hint(e, "they come from the running kernel");
		return -ENODEV;
	}
	fd = open(VS_KMOD_DEVICE, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		if (err == ENOENT || err == ENXIO || err == ENODEV) {
			if (module_in_sysfs()) {
				vs_err_sys(e, ENOENT, "open", VS_KMOD_DEVICE);
				vs_err_hint(e, "vmscope.ko is loaded but its "
					    "device is missing: is devtmpfs "
					    "mounted on /dev?");
			} else {
				vs_err_set(e, ENOENT, "the vmscope kernel "
					   "module is not loaded");
				vs_err_hint(e, "load it with 'modprobe vmscope' "
					    "(or 'insmod kmod/vmscope.ko' in a "
					    "build tree); see vmscope(4)");
			}
			return -ENOENT;
		}
		vs_err_sys(e, err, "open", VS_KMOD_DEVICE);
		if (err == EACCES || err == EPERM)
			vs_err_hint(e, "vmscope.ko's views need root "
				    "(CAP_SYS_ADMIN)");
		return -err;
	}
	return vs_kmod_open_ops(&fd_ops, (void *)(intptr_t)fd, out, e);
}

void vs_kmod_close(struct vs_kmod *k)
{
	if (!k)
		return;
	if (k->ops.close)
		k->ops.close(k->ctx);
	free(k);
}

const struct vs_kmod_info *vs_kmod_info(const struct vs_kmod *k)
{
	return &k->info;
}

const char *vs_kmod_adds(enum vs_kmod_view view)
{
	switch (view) {
	case VS_KMOD_VIEW_BUDDY:
		return "loading vmscope.ko adds the free blocks of every "
		       "migrate type without pagetypeinfo's 100,000 cap, one "
		       "snapshot per order, and the per-CPU page lists";
	case VS_KMOD_VIEW_SLAB:
		return "loading vmscope.ko adds each cache's partial slabs "
		       "and objects per node, its per-CPU slabs and its "
		       "flags, in one pass";
	case VS_KMOD_VIEW_TLB:
		return "loading vmscope.ko adds each CPU's loaded address "
		       "space, PCID and lazy mode, and TLB flushes counted "
		       "by reason";
	case VS_KMOD_VIEW_WALK:
		return "loading vmscope.ko adds the entry of every "
		       "page-table level, PGD to PTE, with its hardware bits";
	}
	return "loading vmscope.ko adds more";
}

/* ---- list requests -------------------------------------------------- */

/* Say what a failed list request means. */
static int list_error(int err, const char *what, struct vs_err *e)
{
	char sbuf[128];

	if (err == -EOPNOTSUPP) {
		vs_err_set(e, EOPNOTSUPP, "vmscope.ko cannot show %s on this "
			   "kernel", what);
		vs_err_hint(e, "see vmscope(4) for what each view needs");
		return err;
	}
	if (err == -EPROTO) {
		vs_err_set(e, EPROTO, "vmscope.ko refused the %s request: "
			   "ABI version mismatch", what);
		return err;
	}
	return vs_err_set(e, err, "cannot read %s from vmscope.ko: %s", what,
			  vs_strerror(err, sbuf, sizeof(sbuf)));
}

/* A list reply in memory. */
struct list_reply {
	void *buf;
	size_t n;
	void *aux;
	size_t naux;
};

/* Ask @req until the arrays hold every record (at most KMOD_TRIES times:
 * each try is a new snapshot). @guess, @aux_guess: first sizes; @max,
 * @aux_max: more records than this is a bad reply. */
static int list_query(struct vs_kmod *k, unsigned long req, const char *what,
		      size_t rec_size, size_t aux_size, size_t guess,
		      size_t aux_guess, size_t max, size_t aux_max,
		      struct list_reply *out, struct vs_err *e)
{
	size_t cap = guess ? guess : 1, aux_cap = aux_size ? aux_guess : 0;
	void *buf = NULL, *aux = NULL;
	int tries, err;

	memset(out, 0, sizeof(*out));
	/* A guess from INFO's counts: no more than a reply may hold. */
	if (cap > max)
		cap = max;
	if (aux_cap > aux_max)
		aux_cap = aux_max;
	for (tries = 0; tries < KMOD_TRIES; tries++) {
		struct vs_kmod_query q;

		free(buf);
		free(aux);
		buf = calloc(cap, rec_size);
		aux = aux_cap ? calloc(aux_cap, aux_size) : NULL;
		if (!buf || (aux_cap && !aux)) {
			err = vs_err_set(e, ENOMEM, "out of memory");
			goto fail;
		}
		memset(&q, 0, sizeof(q));
		q.abi_version = VS_KMOD_ABI_VERSION;
		q.rec_size = (uint32_t)rec_size;
		q.aux_size = (uint32_t)aux_size;
		q.buf = (uint64_t)(uintptr_t)buf;
		q.buf_count = (uint32_t)cap;
		if (aux_cap) {
			q.aux = (uint64_t)(uintptr_t)aux;
			q.aux_count = (uint32_t)aux_cap;
		}
		err = k->ops.ioctl(k->ctx, req, &q);
		if (err) {
			list_error(err, what, e);
			goto fail;
		}
		if (q.count > cap || q.count > q.total ||
		    q.aux_done > aux_cap || q.aux_done > q.aux_total ||
		    (q.count < q.total && q.count < cap) ||
		    (q.aux_done < q.aux_total && q.aux_done < aux_cap)) {
			err = vs_err_set(e, EBADMSG, "vmscope.ko's reply to "
					 "the %s request is inconsistent: %u "
					 "of %u records, %u of %u more, room "
					 "for %zu and %zu", what, q.count,
					 q.total, q.aux_done, q.aux_total,
					 cap, aux_cap);
			goto fail;
		}
		if (q.total > max || q.aux_total > aux_max) {
			err = vs_err_set(e, EBADMSG, "vmscope.ko reports %u "
					 "and %u records for %s, more than it "
					 "can have", q.total, q.aux_total,
					 what);
			goto fail;
		}
		if (q.count == q.total && q.aux_done == q.aux_total) {
			out->buf = buf;
			out->n = q.count;
			out->aux = aux;
			out->naux = q.aux_done;
			return 0;
		}
		/* Too small: grow with room for some growth, and ask for a
		 * new snapshot. */
		cap = (size_t)q.total + q.total / 8 + 4;
		if (aux_size)
			aux_cap = (size_t)q.aux_total + q.aux_total / 8 + 4;
	}
	err = vs_err_set(e, EAGAIN, "the %s records kept growing while being "
			 "read", what);
fail:
	free(buf);
	free(aux);
	return err;
}

/* ---- buddy ---------------------------------------------------------- */

const char *vs_migratetype_name(int mt)
{
	static const char *const names[VS_MT__COUNT] = {
		[VS_MT_UNMOVABLE] = "Unmovable",
		[VS_MT_MOVABLE] = "Movable",
		[VS_MT_RECLAIMABLE] = "Reclaimable",
		[VS_MT_HIGHATOMIC] = "HighAtomic",
		[VS_MT_CMA] = "CMA",
		[VS_MT_ISOLATE] = "Isolate",
	};

	return mt >= 0 && mt < VS_MT__COUNT ? names[mt] : NULL;
}

static int bad_zone(struct vs_err *e, const struct vs_kmod_zone *z,
		    const char *why)
{
	return vs_err_set(e, EBADMSG, "vmscope.ko sent a bad record for "
			  "node %u zone %u: %s", z->node, z->zone, why);
}

/* Check a zone record and copy it into @out. */
static int zone_from(const struct vs_kmod *k, const struct vs_kmod_zone *z,
		     struct vs_km_buddy_zone *out, struct vs_err *e)
{
	unsigned o, mt;

	if (!has_nul(z->name, sizeof(z->name)))
		return bad_zone(e, z, "unterminated name");
	if (z->node >= k->info.nr_node_ids || z->zone >= 16)
		return bad_zone(e, z, "no such node or zone");
	if (z->orders != k->info.max_order || z->mtypes != k->info.mtypes)
		return bad_zone(e, z, "orders or migrate types differ from "
				"the module's own");
	memset(out, 0, sizeof(*out));
	out->node = (int)z->node;
	out->zone = (int)z->zone;
	memcpy(out->name, z->name, sizeof(out->name));
	out->orders = z->orders;
	out->mtypes = z->mtypes;
	out->start_pfn = z->start_pfn;
	out->spanned = z->spanned;
	out->present = z->present;
	out->managed = z->managed;
	out->free_pages = z->free_pages;
	out->wmark_min = z->wmark_min;
	out->wmark_low = z->wmark_low;
	out->wmark_high = z->wmark_high;
	out->wmark_boost = z->wmark_boost;
	out->reserved_highatomic = z->reserved_highatomic;
	out->lock_holds = z->lock_holds;
	out->max_hold_walk = z->max_hold_walk;
	if (z->present > z->spanned || z->managed > z->present)
		return bad_zone(e, z, "more pages present than spanned, or "
				"managed than present");
	for (o = 0; o < VS_KMOD_ORDERS; o++) {
		uint64_t sum = 0;
		bool exact = true;

		for (mt = 0; mt < VS_KMOD_MTYPES; mt++) {
			unsigned q = z->quality[o][mt];
			bool has = o < z->orders && mt < VS_MT__COUNT &&
				   (z->mtypes & (1u << mt));

			if (q > VS_COUNT_LOWER_BOUND ||
			    (has != (q != VS_COUNT_ABSENT)) ||
			    (!has && z->free[o][mt]))
				return bad_zone(e, z, "a free-list count of a "
						"list that does not exist");
			if (!has)
				continue;
			if (q == VS_COUNT_LOWER_BOUND)
				exact = false;
			/* Blocks of 2^o pages cannot outnumber the pages. */
			if (z->free[o][mt] > z->spanned)
				return bad_zone(e, z, "more free blocks than "
						"pages");
			sum += z->free[o][mt];
			out->free[o][mt] = z->free[o][mt];
			out->quality[o][mt] = (unsigned char)q;
		}
		if (o >= z->orders) {
			if (z->nr_free[o])
				return bad_zone(e, z, "free blocks past the "
						"last order");
			continue;
		}
		out->nr_free[o] = z->nr_free[o];
		/* Read under one hold: the lists add up to nr_free. */
		if ((exact && sum != z->nr_free[o]) ||
		    (!exact && sum > z->nr_free[o]))
			return bad_zone(e, z, "the free lists of an order do "
					"not add up to its free blocks");
	}
	return 0;
}

int vs_kmod_buddy(struct vs_kmod *k, struct vs_km_buddy **out, struct vs_err *e)
{
	const struct vs_kmod_zone *zr;
	const struct vs_kmod_pcp *pr;
	struct list_reply rep;
	struct vs_km_buddy *b;
	size_t i, zi = 0;
	int err;

	*out = NULL;
	err = list_query(k, VS_KMOD_IOC_BUDDY, "the buddy allocator's state",
			 sizeof(*zr), sizeof(*pr), 4 * (size_t)k->info.online_nodes,
			 4 * (size_t)k->info.online_nodes * k->info.online_cpus,
			 KMOD_MAX_ZONES, KMOD_MAX_PCP, &rep, e);
	if (err)
		return err;
	zr = rep.buf;
	pr = rep.aux;
	b = calloc(1, sizeof(*b));
	if (b) {
		b->zones = calloc(rep.n ? rep.n : 1, sizeof(*b->zones));
		b->pcp = calloc(rep.naux ? rep.naux : 1, sizeof(*b->pcp));
	}
	if (!b || !b->zones || !b->pcp) {
		err = vs_err_set(e, ENOMEM, "out of memory");
		goto fail;
	}
	b->page_shift = k->info.page_shift;
	for (i = 0; i < rep.n; i++) {
		err = zone_from(k, &zr[i], &b->zones[i], e);
		if (err)
			goto fail;
	}
	b->nzones = rep.n;
	/* Per-CPU records come grouped by zone, in the zones' order. */
	for (i = 0; i < rep.naux; i++) {
		const struct vs_kmod_pcp *p = &pr[i];
		struct vs_km_buddy_pcp *d = &b->pcp[i];

		while (zi < b->nzones && (b->zones[zi].node != (int)p->node ||
					  b->zones[zi].zone != (int)p->zone))
			zi++;
		if (zi == b->nzones || p->cpu >= k->info.nr_cpu_ids ||
		    p->count < 0 || p->high < 0 || p->batch < 0) {
			err = vs_err_set(e, EBADMSG, "vmscope.ko sent a bad "
					 "per-CPU list record (node %u zone %u "
					 "CPU %u)", p->node, p->zone, p->cpu);
			goto fail;
		}
		if (!b->zones[zi].pcp_count)
			b->zones[zi].pcp_first = i;
		b->zones[zi].pcp_count++;
		d->node = (int)p->node;
		d->zone = (int)p->zone;
		d->cpu = (int)p->cpu;
		d->count = p->count;
		d->high = p->high;
		d->batch = p->batch;
	}
	b->npcp = rep.naux;
	free(rep.buf);
	free(rep.aux);
	*out = b;
	return 0;
fail:
	vs_km_buddy_free(b);
	free(rep.buf);
	free(rep.aux);
	return err;
}

void vs_km_buddy_free(struct vs_km_buddy *b)
{
	if (!b)
		return;
	free(b->zones);
	free(b->pcp);
	free(b);
}

/* ---- slab ----------------------------------------------------------- */

const char *vs_slab_flag_name(unsigned bit)
{
	static const char *const names[VS_SLAB_F__COUNT] = {
		"CONSISTENCY_CHECKS", "RED_ZONE", "POISON", "KMALLOC",
		"HWCACHE_ALIGN", "CACHE_DMA", "CACHE_DMA32", "STORE_USER",
		"PANIC", "TYPESAFE_BY_RCU", "MEM_SPREAD", "TRACE",
		"DEBUG_OBJECTS", "NOLEAKTRACE", "FAILSLAB", "ACCOUNT",
		"KASAN", "NO_USER_FLAGS", "SKIP_KFENCE", "RECLAIM_ACCOUNT",
	};

	return bit < VS_SLAB_F__COUNT ? names[bit] : NULL;
}

static int bad_cache(struct vs_err *e, const struct vs_kmod_cache *c,
		     size_t i, const char *why)
{
	if (has_nul(c->name, sizeof(c->name)))
		return vs_err_set(e, EBADMSG, "vmscope.ko sent a bad record "
				  "for slab cache '%s': %s", c->name, why);
	return vs_err_set(e, EBADMSG, "vmscope.ko sent a bad record for slab "
			  "cache %zu: %s", i, why);
}

#define SLAB_HAVE_ALL	(VS_SLAB_HAVE_ORDER | VS_SLAB_HAVE_SLABS | \
			 VS_SLAB_HAVE_OBJECTS | VS_SLAB_HAVE_TOTAL | \
			 VS_SLAB_HAVE_PARTIAL | VS_SLAB_HAVE_PARTIAL_OBJS | \
			 VS_SLAB_HAVE_CPU_SLABS | VS_SLAB_HAVE_CPU_PARTIAL)

/* Check cache record @i with its node records, and copy them. */
static int cache_from(const struct vs_kmod *k, const struct vs_kmod_cache *c,
		      size_t i, const struct vs_kmod_slab_node *nr,
		      size_t nnodes, struct vs_km_slab *s, struct vs_err *e)
{
	struct vs_km_slab_cache *d = &s->caches[i];
	uint64_t sum[6] = { 0 };
	size_t j;

	if (!has_nul(c->name, sizeof(c->name)) ||
	    !has_nul(c->sysfs_name, sizeof(c->sysfs_name)))
		return bad_cache(e, c, i, "unterminated name");
	if ((c->have & ~SLAB_HAVE_ALL) || (c->vflags >> VS_SLAB_F__COUNT))
		return bad_cache(e, c, i, "unknown flags");
	if ((c->have & VS_SLAB_HAVE_ORDER) &&
	    (c->order >= VS_KMOD_ORDERS || !c->objs_per_slab))
		return bad_cache(e, c, i, "impossible order or objects per "
				 "slab");
	if (c->object_size > c->size || c->reserved0)
		return bad_cache(e, c, i, "object larger than its slot");
	if (c->node_first != s->nnodes || c->node_count > nnodes - s->nnodes)
		return bad_cache(e, c, i, "its node records are not where "
				 "it says");
	memset(d, 0, sizeof(*d));
	memcpy(d->name, c->name, sizeof(d->name));
	memcpy(d->sysfs_name, c->sysfs_name, sizeof(d->sysfs_name));
	d->flags = c->flags;
	d->vflags = c->vflags;
	d->min_partial = c->min_partial;
	d->size = c->size;
	d->object_size = c->object_size;
	d->align = c->align;
	d->refcount = c->refcount;
	d->usersize = c->usersize;
	d->order = c->order;
	d->objs_per_slab = c->objs_per_slab;
	d->cpu_partial = c->cpu_partial;
	d->cpu_partial_slabs = c->cpu_partial_slabs;
	d->have = c->have;
	d->cpus_with_slab = c->cpus_with_slab;
	d->cpus_with_partial = c->cpus_with_partial;
	d->slabs = c->slabs;
	d->objects = c->objects;
	d->total_objects = c->total_objects;
	d->partial_slabs = c->partial_slabs;
	d->partial_objects = c->partial_objects;
	d->cpu_slabs = c->cpu_slabs;
	d->cpu_partial_slabs_now = c->cpu_partial_slabs_now;
	d->node_first = s->nnodes;
	d->node_count = c->node_count;
	if (c->cpus_with_slab > k->info.nr_cpu_ids ||
	    c->cpus_with_partial > k->info.nr_cpu_ids)
		return bad_cache(e, c, i, "more CPUs than there are");
	if ((c->have & VS_SLAB_HAVE_OBJECTS) && (c->have & VS_SLAB_HAVE_TOTAL)
	    && c->objects > c->total_objects)
		return bad_cache(e, c, i, "more objects in use than slots");
	for (j = 0; j < c->node_count; j++) {
		const struct vs_kmod_slab_node *n = &nr[s->nnodes];
		struct vs_km_slab_node *dn = &s->nodes[s->nnodes];

		if (n->cache != i || n->node >= k->info.nr_node_ids)
			return bad_cache(e, c, i, "a node record of another "
					 "cache or node");
		dn->cache = i;
		dn->node = (int)n->node;
		dn->slabs = n->slabs;
		dn->objects = n->objects;
		dn->total_objects = n->total_objects;
		dn->partial_slabs = n->partial_slabs;
		dn->partial_objects = n->partial_objects;
		dn->cpu_slabs = n->cpu_slabs;
		sum[0] += n->slabs;
		sum[1] += n->objects;
		sum[2] += n->total_objects;
		sum[3] += n->partial_slabs;
		sum[4] += n->partial_objects;
		sum[5] += n->cpu_slabs;
		s->nnodes++;
	}
	/* The module splits each figure by node from the same reading. */
	if (((c->have & VS_SLAB_HAVE_SLABS) && sum[0] != c->slabs) ||
	    ((c->have & VS_SLAB_HAVE_OBJECTS) && sum[1] != c->objects) ||
	    ((c->have & VS_SLAB_HAVE_TOTAL) && sum[2] != c->total_objects) ||
	    ((c->have & VS_SLAB_HAVE_PARTIAL) && sum[3] != c->partial_slabs) ||
	    ((c->have & VS_SLAB_HAVE_PARTIAL_OBJS) &&
	     sum[4] != c->partial_objects) ||
	    ((c->have & VS_SLAB_HAVE_CPU_SLABS) && sum[5] != c->cpu_slabs))
		return bad_cache(e, c, i, "its nodes do not add up to its "
				 "totals");
	return 0;
}

int vs_kmod_slab(struct vs_kmod *k, struct vs_km_slab **out, struct vs_err *e)
{
	struct list_reply rep;
	struct vs_km_slab *s;
	size_t i;
	int err;

	*out = NULL;
	err = list_query(k, VS_KMOD_IOC_SLAB, "the slab caches",
			 sizeof(struct vs_kmod_cache),
			 sizeof(struct vs_kmod_slab_node), 256,
			 256 * (size_t)k->info.online_nodes, KMOD_MAX_CACHES,
			 KMOD_MAX_SLAB_NODES, &rep, e);
	if (err)
		return err;
	s = calloc(1, sizeof(*s));
	if (s) {
		s->caches = calloc(rep.n ? rep.n : 1, sizeof(*s->caches));
		s->nodes = calloc(rep.naux ? rep.naux : 1, sizeof(*s->nodes));
	}
	if (!s || !s->caches || !s->nodes) {
		err = vs_err_set(e, ENOMEM, "out of memory");
		goto fail;
	}
	for (i = 0; i < rep.n; i++) {
		err = cache_from(k, (const struct vs_kmod_cache *)rep.buf + i,
				 i, rep.aux, rep.naux, s, e);
		if (err)
			goto fail;
		s->ncaches = i + 1;
	}
	if (s->nnodes != rep.naux) {
		err = vs_err_set(e, EBADMSG, "vmscope.ko sent %zu node records "
				 "that belong to no slab cache",
				 rep.naux - s->nnodes);
		goto fail;
	}
	free(rep.buf);
	free(rep.aux);
	*out = s;
	return 0;
fail:
	vs_km_slab_free(s);
	free(rep.buf);
	free(rep.aux);
	return err;
}

void vs_km_slab_free(struct vs_km_slab *s)
{
	if (!s)
		return;
	free(s->caches);
	free(s->nodes);
	free(s);
}

/* ---- TLB ------------------------------------------------------------ */

const char *vs_tlb_reason_name(int reason)
{
	static const char *const names[VS_KMOD_TLB_REASONS] = {
		[VS_TLB_TASK_SWITCH] = "task switch",
		[VS_TLB_REMOTE_SHOOTDOWN] = "remote shootdown",
		[VS_TLB_LOCAL_SHOOTDOWN] = "local shootdown",
		[VS_TLB_LOCAL_MM_SHOOTDOWN] = "local mm shootdown",
		[VS_TLB_REMOTE_SEND_IPI] = "remote send IPI",
		[VS_TLB_OTHER] = "other",
	};

	return reason >= 0 && reason < VS_KMOD_TLB_REASONS ? names[reason]
							   : NULL;
}

#define CPU_FLAGS_ALL	(VS_CPU_ONLINE | VS_CPU_LAZY | VS_CPU_MM_LOADED | \
			 VS_CPU_KERNEL_MM | VS_CPU_IDLE | VS_CPU_KTHREAD | \
			 VS_CPU_PCID | VS_CPU_OWNER)

/* With PCIDs on, the PCID is CR3's low bits and the ASID one less. */
static bool pcid_ok(const struct vs_kmod_cpu *c)
{
	if (!(c->flags & VS_CPU_PCID))
		return true;
	return c->pcid <= 0xfff && c->pcid == (c->cr3 & 0xfff) &&
	       (!c->pcid || c->asid == c->pcid - 1);
}

int vs_kmod_tlb(struct vs_kmod *k, struct vs_km_tlb **out, struct vs_err *e)
{
	const struct vs_kmod_cpu *cr;
	struct list_reply rep;
	struct vs_km_tlb *t;
	size_t i;
	int err;

	*out = NULL;
	err = list_query(k, VS_KMOD_IOC_TLB, "the TLB state",
			 sizeof(*cr), 0, k->info.nr_cpu_ids, 0, KMOD_MAX_CPUS,
			 0, &rep, e);
	if (err)
		return err;
	cr = rep.buf;
	t = calloc(1, sizeof(*t));
	if (t)
		t->cpus = calloc(rep.n ? rep.n : 1, sizeof(*t->cpus));
	if (!t || !t->cpus) {
		err = vs_err_set(e, ENOMEM, "out of memory");
		goto fail;
	}
	t->counting = k->info.features & VS_KMOD_F_TLB_TRACE;
	t->since_ns = k->info.trace_since_ns;
	for (i = 0; i < rep.n; i++) {
		const struct vs_kmod_cpu *c = &cr[i];
		struct vs_km_tlb_cpu *d = &t->cpus[i];

		if (c->cpu >= k->info.nr_cpu_ids ||
		    (i > 0 && c->cpu <= cr[i - 1].cpu) ||
		    (c->flags & ~CPU_FLAGS_ALL) ||
		    !has_nul(c->comm, sizeof(c->comm)) || !pcid_ok(c)) {
			err = vs_err_set(e, EBADMSG, "vmscope.ko sent a bad "
					 "record for CPU %u", c->cpu);
			goto fail;
		}
		d->cpu = (int)c->cpu;
		d->online = c->flags & VS_CPU_ONLINE;
		d->lazy = c->flags & VS_CPU_LAZY;
		d->mm_loaded = c->flags & VS_CPU_MM_LOADED;
		d->kernel_mm = c->flags & VS_CPU_KERNEL_MM;
		d->idle = c->flags & VS_CPU_IDLE;
		d->kthread = c->flags & VS_CPU_KTHREAD;
		d->pcid_on = c->flags & VS_CPU_PCID;
		d->owner_known = c->flags & VS_CPU_OWNER;
		d->cr3 = c->cr3;
		d->pgd_phys = c->cr3 & VS_X86_PHYS_MASK;
		d->mm_id = c->mm_id;
		d->mm_tlb_gen = c->mm_tlb_gen;
		d->owner_tgid = c->owner_tgid;
		d->task_pid = c->task_pid;
		d->task_tgid = c->task_tgid;
		d->pcid = c->pcid;
		d->asid = c->asid;
		memcpy(d->comm, c->comm, sizeof(c->comm));
		d->comm[16] = '\0';
		memcpy(d->flushes, c->flushes, sizeof(d->flushes));
		memcpy(d->flush_all, c->flush_all, sizeof(d->flush_all));
		memcpy(d->flush_pages, c->flush_pages, sizeof(d->flush_pages));
		for (int r = 0; r < VS_KMOD_TLB_REASONS; r++) {
			if (c->flush_all[r] > c->flushes[r]) {
				err = vs_err_set(e, EBADMSG, "vmscope.ko counts "
						 "more whole flushes than "
						 "flushes on CPU %u", c->cpu);
				goto fail;
			}
		}
	}
	t->ncpus = rep.n;
	free(rep.buf);
	*out = t;
	return 0;
fail:
	vs_km_tlb_free(t);
	free(rep.buf);
	return err;
}

void vs_km_tlb_free(struct vs_km_tlb *t)
{
	if (!t)
		return;
	free(t->cpus);
	free(t);
}

/* ---- page tables ---------------------------------------------------- */

const char *vs_pt_level_name(int level)
{
	static const char *const names[VS_PT_LEVELS] = {
		"PGD", "P4D", "PUD", "PMD", "PTE",
	};

	return level >= 0 && level < VS_PT_LEVELS ? names[level] : NULL;
}

const char *vs_pt_kind_name(int kind)
{
	static const char *const names[] = {
		[VS_PTE_PRESENT] = "present", [VS_PTE_PROTNONE] = "protnone",
		[VS_PTE_SWAP] = "swap", [VS_PTE_MIGRATION] = "migration",
		[VS_PTE_HWPOISON] = "hwpoison", [VS_PTE_DEVICE] = "device",
		[VS_PTE_MARKER] = "marker", [VS_PTE_OTHER] = "other",
		[VS_PTE_BAD] = "bad",
	};

	return kind > 0 && kind < (int)(sizeof(names) / sizeof(*names)) ?
	       names[kind] : NULL;
}

/* Bytes one entry of @level maps. */
static uint64_t level_span(int level)
{
	static const unsigned shift[VS_PT_LEVELS] = { 39, 39, 30, 21, 12 };

	return 1ull << shift[level];
}

int vs_pt_decode(uint64_t raw, int level, struct vs_pt_bits *b)
{
	uint64_t v, mask = VS_X86_PHYS_MASK;

	memset(b, 0, sizeof(*b));
	if (level < 0 || level >= VS_PT_LEVELS)
		return -EINVAL;
	b->present = raw & VS_X86_P;
	b->protnone = !b->present && (raw & VS_X86_G);
	if (!b->present && !b->protnone) {
		/* Not a hardware entry: a swap or migration entry, or none;
		 * its bits are the kernel's (vs_pt_entry.swap_*). */
		b->leaf = level == VS_PT_PTE;
		return 0;
	}
	b->ps = (level == VS_PT_PUD || level == VS_PT_PMD) && (raw & VS_X86_PS);
	b->leaf = level == VS_PT_PTE || b->ps;
	b->rw = raw & VS_X86_RW;
	b->user = raw & VS_X86_US;
	b->pwt = raw & VS_X86_PWT;
	b->pcd = raw & VS_X86_PCD;
	b->accessed = raw & VS_X86_A;
	b->nx = raw & VS_X86_NX;
	if (b->leaf) {
		b->dirty = raw & VS_X86_D;
		b->global = b->present && (raw & VS_X86_G);
		b->pat = level == VS_PT_PTE ? raw & VS_X86_PS
					    : raw & VS_X86_PAT_HUGE;
		b->pkey = (unsigned)(raw >> VS_X86_PKEY_SHIFT) & 0xf;
		if (b->ps)	/* aligned to the page: PAT is bit 12 */
			mask &= ~(level_span(level) - 1);
	}
	/* A non-present entry keeps its frame inverted (L1TF), as the
	 * kernel's protnone_mask() undoes. */
	v = b->present ? raw : ~raw;
	b->pfn = (v & mask) >> 12;
	return 0;
}

const char *vs_pt_bits_str(const struct vs_pt_bits *b, char *buf, size_t size)
{
	static const struct {
		size_t off;
		const char *name;
	} flags[] = {
#define F(field, name) { offsetof(struct vs_pt_bits, field), name }
		F(present, "P"), F(rw, "RW"), F(user, "US"), F(pwt, "PWT"),
		F(pcd, "PCD"), F(accessed, "A"), F(dirty, "D"), F(ps, "PS"),
		F(global, "G"), F(pat, "PAT"), F(nx, "NX"),
		F(protnone, "PROTNONE"),
#undef F
	};
	size_t n = 0;

	if (!size)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(flags) / sizeof(*flags); i++) {
		if (!*(const bool *)((const char *)b + flags[i].off))
			continue;
		n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s",
				      n ? " " : "", flags[i].name);
	}
	if (b->leaf && b->pkey)
		n += (size_t)snprintf(buf + n, n < size ? size - n : 0,
				      "%spkey=%u", n ? " " : "", b->pkey);
	if (!n)
		snprintf(buf, size, "-");
	return buf;
}

void vs_kmod_set_batch(struct vs_kmod *k, unsigned records)
{
	if (records < 1)
		records = 1;
	if (records > 65536)
		records = 65536;
	k->batch = records;
}

/* Say why the module refused a walk. */
static int walk_error(int err, const struct vs_kmod_walk *w, pid_t pid,
		      uint64_t start, uint64_t end, bool started,
		      struct vs_err *e)
{
	char sbuf[128];

	switch (err == -EINVAL || err == -ESRCH ? w->detail : VS_WALK_OK) {
	case VS_WALK_E_NOPROC:
		if (started)
			return vs_err_set(e, ESRCH, "process %d exited during "
					  "the page-table walk", (int)pid);
		return vs_err_set(e, ESRCH, "process %d does not exist",
				  (int)pid);
	case VS_WALK_E_KTHREAD:
		return vs_err_set(e, EINVAL, "process %d is a kernel thread: "
				  "it has no user page tables", (int)pid);
	case VS_WALK_E_RANGE:
		return vs_err_set(e, EINVAL, "empty address range "
				  "0x%llx-0x%llx", (unsigned long long)start,
				  (unsigned long long)end);
	case VS_WALK_E_NONCANONICAL:
		vs_err_set(e, EINVAL, "address range 0x%llx-0x%llx is not "
			   "canonical", (unsigned long long)start,
			   (unsigned long long)end);
		vs_err_hint(e, "user addresses end at 0x%llx with %u-level "
			    "paging", w->levels == 5 ? 1ull << 56 : 1ull << 47,
			    w->levels);
		return -EINVAL;
	case VS_WALK_E_KERNEL:
		return vs_err_set(e, EINVAL, "address range 0x%llx-0x%llx "
				  "reaches into the kernel's half of the "
				  "address space", (unsigned long long)start,
				  (unsigned long long)end);
	}
	if (err == -EPROTO)
		return vs_err_set(e, EPROTO, "vmscope.ko refused the page-table "
				  "walk: ABI version mismatch");
	return vs_err_set(e, err, "cannot walk the page tables of process %d: "
			  "%s", (int)pid, vs_strerror(err, sbuf, sizeof(sbuf)));
}

#define PTE_FLAGS_ALL	(VS_PTE_F_P4D_FOLDED | VS_PTE_F_HUGETLB | VS_PTE_F_PTI)

/* Check record @r of a reply and decode it into @d. @prev: the end of the
 * previous leaf (the next leaf cannot start before it). */
static int pte_from(const struct vs_kmod_pte *r, unsigned levels,
		    uint64_t start, uint64_t end, uint64_t prev,
		    struct vs_pt_entry *d, struct vs_err *e)
{
	bool folded = r->flags & VS_PTE_F_P4D_FOLDED;
	int l;

	if (r->level >= VS_PT_LEVELS || !vs_pt_kind_name(r->kind) ||
	    (r->flags & ~PTE_FLAGS_ALL) || folded != (levels == 4) ||
	    (folded && r->level == VS_PT_P4D) ||
	    (r->kind != VS_PTE_BAD && r->level < VS_PT_PUD))
		goto bad;
	memset(d, 0, sizeof(*d));
	d->level = r->level;
	d->kind = r->kind;
	d->flags = r->flags;
	d->size = level_span(r->level);
	d->addr = r->addr;
	/* Aligned, overlapping the range, after the leaf before it. */
	if ((d->addr & (d->size - 1)) || d->addr >= end ||
	    d->addr + d->size <= start || d->addr < prev)
		goto bad;
	for (l = 0; l < VS_PT_LEVELS; l++) {
		bool have = l <= r->level && !(folded && l == VS_PT_P4D);

		if (!have && r->entry[l])
			goto bad;
		d->have[l] = have;
		d->raw[l] = r->entry[l];
		if (have)
			vs_pt_decode(r->entry[l], l, &d->bits[l]);
	}
	/* Entries above the leaf are present tables. */
	for (l = 0; l < r->level; l++)
		if (d->have[l] && (!d->bits[l].present || d->bits[l].leaf))
			goto bad;
	d->bits[r->level].leaf = r->kind != VS_PTE_BAD;
	d->user_pgd = r->user_pgd;
	d->pfn = r->pfn;
	d->swap_type = r->swap_type;
	d->swap_offset = r->swap_offset;
	if (r->kind != VS_PTE_SWAP && (r->swap_type || r->swap_offset))
		goto bad;
	return 0;
bad:
	return vs_err_set(e, EBADMSG, "vmscope.ko sent a bad page-table "
			  "record for 0x%llx (level %u, kind %u)",
			  (unsigned long long)r->addr, r->level, r->kind);
}

int vs_kmod_walk(struct vs_kmod *k, pid_t pid, uint64_t start, uint64_t end,
		 vs_pt_fn fn, void *arg, struct vs_pt_stats *st,
		 struct vs_err *e)
{
	uint64_t last[VS_WT_LEVELS] = { 0 }, cur = start, prev = 0;
	struct vs_pt_stats s;
	struct vs_kmod_pte *recs;
	int err = 0;

	memset(&s, 0, sizeof(s));
	recs = calloc(k->batch, sizeof(*recs));
	if (!recs)
		return vs_err_set(e, ENOMEM, "out of memory");
	do {
		struct vs_kmod_walk w;

		memset(&w, 0, sizeof(w));
		w.abi_version = VS_KMOD_ABI_VERSION;
		w.rec_size = sizeof(*recs);
		w.pid = (int32_t)pid;
		w.start = cur;
		w.end = end;
		w.buf = (uint64_t)(uintptr_t)recs;
		w.buf_count = k->batch;
		err = k->ops.ioctl(k->ctx, VS_KMOD_IOC_WALK, &w);
		if (err) {
			walk_error(err, &w, pid, start, end, s.requests > 0, e);
			break;
		}
		s.requests++;
		if (w.count > k->batch || (w.levels != 4 && w.levels != 5) ||
		    w.next > (end + 4095) / 4096 * 4096 ||
		    w.next < (cur & ~4095ull) ||
		    (!w.count && w.next <= cur && w.next < end)) {
			err = vs_err_set(e, EBADMSG, "vmscope.ko's reply to a "
					 "page-table walk is inconsistent (%u "
					 "records, next 0x%llx)", w.count,
					 (unsigned long long)w.next);
			break;
		}
		s.mm_id = w.mm_id;
		s.pgd_pfn = w.pgd_pfn;
		s.pgtables_bytes = w.pgtables_bytes;
		s.levels = w.levels;
		s.pti = w.out_flags & VS_WALK_O_PTI;
		/* A table the last request ended in and this one began in
		 * is one table. */
		for (int l = 0; l < VS_WT_LEVELS; l++) {
			if (!w.tables[l])
				continue;
			s.tables[l] += w.tables[l];
			if (last[l] && last[l] == w.first_table[l])
				s.tables[l]--;
			last[l] = w.last_table[l];
		}
		for (uint32_t i = 0; i < w.count; i++) {
			struct vs_pt_entry d;

			err = pte_from(&recs[i], w.levels, start, end, prev,
				       &d, e);
			if (err)
				goto out;
			prev = d.addr + d.size;
			s.leaves++;
			err = fn(&d, arg);
			if (err)
				goto out;
		}
		cur = w.next;
	} while (cur < end);
out:
	free(recs);
	if (st)
		*st = s;
	return err;
}
