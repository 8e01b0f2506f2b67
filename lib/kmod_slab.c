/* kmod_slab.c - the SLAB view (vmslab): SLUB caches and their nodes, each
 * record checked before it becomes a figure. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmod_int.h"

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
	if (kmod_has_nul(c->name, sizeof(c->name)))
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

	if (!kmod_has_nul(c->name, sizeof(c->name)) ||
	    !kmod_has_nul(c->sysfs_name, sizeof(c->sysfs_name)))
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
	err = kmod_list_query(k, VS_KMOD_IOC_SLAB, "the slab caches",
			      k->want & VS_KMOD_WANT_SLAB_UNBOUNDED ?
			      VS_Q_F_SLAB_UNBOUNDED : 0,
			      sizeof(struct vs_kmod_cache),
			      sizeof(struct vs_kmod_slab_node), 256,
			      256 * (size_t)k->info.online_nodes,
			      KMOD_MAX_CACHES, KMOD_MAX_SLAB_NODES, &rep, e);
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
	s->max_hold_ns = k->max_hold_ns;
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
