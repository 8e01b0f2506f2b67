/* kmod_buddy.c - the BUDDY view (vmfrag): zones, orders, migrate types and per-CPU
 * lists, each record checked before it becomes a figure. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmod_int.h"

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

	if (!kmod_has_nul(z->name, sizeof(z->name)))
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
	out->max_hold_ns = z->max_hold_ns;
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
	err = kmod_list_query(k, VS_KMOD_IOC_BUDDY,
			      "the buddy allocator's state", 0, sizeof(*zr),
			      sizeof(*pr), 4 * (size_t)k->info.online_nodes,
			      4 * (size_t)k->info.online_nodes *
			      k->info.online_cpus, KMOD_MAX_ZONES,
			      KMOD_MAX_PCP, &rep, e);
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
