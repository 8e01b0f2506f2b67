// SPDX-License-Identifier: GPL-2.0
/* buddy.c - the BUDDY request: free blocks per zone, order and migrate type.
 *
 * /proc/buddyinfo has the blocks per order (free_area.nr_free) and
 * /proc/pagetypeinfo splits them by migrate type, but pagetypeinfo stops
 * counting at 100,000 per list and drops the zone lock between orders, so
 * its rows are neither complete nor one snapshot. Here each order of a zone
 * is one snapshot: nr_free and every list of the order are read in one hold
 * of zone->lock.
 *
 * Lock hold time. A free list has no length counter, so it must be walked
 * under the zone lock, with interrupts off. One hold walks at most
 * VS_HOLD_BUDGET list entries in all (pagetypeinfo allows 100,000 per list).
 * The lists of an order add up to nr_free, which the kernel keeps exactly
 * under the same lock, so one list may be left unwalked and still be
 * exact: nr_free minus the others (VS_COUNT_DERIVED). Movable is walked
 * last, since it is usually the long one. Only when two lists of one order
 * are longer than the budget is a second hold tried, deriving the longest
 * list of the first; if that fails too, the walked counts are reported as
 * lower bounds (VS_COUNT_LOWER_BOUND), never as exact.
 *
 * Zones are found through node_data and node_states (exported), not
 * for_each_populated_zone(), whose first_online_pgdat() is not exported.
 * The per-CPU lists are read without their lock, as /proc/zoneinfo does.
 */
#include <linux/cpumask.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/moduleparam.h>
#include <linux/nodemask.h>
#include <linux/percpu.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmstat.h>

#include "vmscope.h"

/* List entries walked per lock hold: interrupts are off on that CPU and
 * every allocation and free of the zone waits meanwhile. A load-time
 * parameter so that the tests can make it small and see the derived and
 * lower-bound paths on a small machine; 0400: only root can read it,
 * nobody can change it. Capped at 65,536 whatever is asked. */
#define VS_HOLD_DEFAULT	4096u
#define VS_HOLD_CAP	65536u
static unsigned int hold_budget = VS_HOLD_DEFAULT;
module_param(hold_budget, uint, 0400);
MODULE_PARM_DESC(hold_budget, "free-list entries walked per hold of a zone "
		 "lock (default 4096, 1 to 65536)");
#define VS_HOLD_BUDGET	clamp(hold_budget, 1u, VS_HOLD_CAP)

/* The ABI's number of each of the kernel's migrate types. */
static const u8 vs_mt_abi[MIGRATE_TYPES] = {
	[MIGRATE_UNMOVABLE] = VS_MT_UNMOVABLE,
	[MIGRATE_MOVABLE] = VS_MT_MOVABLE,
	[MIGRATE_RECLAIMABLE] = VS_MT_RECLAIMABLE,
	[MIGRATE_HIGHATOMIC] = VS_MT_HIGHATOMIC,
#ifdef CONFIG_CMA
	[MIGRATE_CMA] = VS_MT_CMA,
#endif
#ifdef CONFIG_MEMORY_ISOLATION
	[MIGRATE_ISOLATE] = VS_MT_ISOLATE,
#endif
};

/* Count the entries of @head, spending at most *@budget of them. Returns
 * true when the end of the list was reached. */
static bool vs_count_list(const struct list_head *head, unsigned int *budget,
			  u64 *count)
{
	const struct list_head *pos;

	list_for_each(pos, head) {
		if (!*budget)
			return false;
		(*budget)--;
		(*count)++;
	}
	return true;
}

/* One hold of the zone lock for @order: walk every list but @skip (-1:
 * none), Movable last. Fills @cnt and @done, returns nr_free. */
static unsigned long vs_order_pass(struct zone *zone, unsigned int order,
				   int skip, unsigned int budget,
				   u64 *cnt, bool *done, u32 *walked,
				   u64 *hold_ns)
{
	static const int order_of_walk[] = {
		MIGRATE_UNMOVABLE, MIGRATE_RECLAIMABLE, MIGRATE_HIGHATOMIC,
#ifdef CONFIG_CMA
		MIGRATE_CMA,
#endif
#ifdef CONFIG_MEMORY_ISOLATION
		MIGRATE_ISOLATE,
#endif
		MIGRATE_MOVABLE,
	};
	struct free_area *area = &zone->free_area[order];
	unsigned int start = budget;
	unsigned long flags, nr;
	u64 t0;
	int i;

	BUILD_BUG_ON(ARRAY_SIZE(order_of_walk) != MIGRATE_TYPES);
	spin_lock_irqsave(&zone->lock, flags);
	t0 = ktime_get_ns();
	nr = area->nr_free;
	for (i = 0; i < MIGRATE_TYPES; i++) {
		int mt = order_of_walk[i];

		cnt[mt] = 0;
		done[mt] = false;
		if (mt == skip)
			continue;
		done[mt] = vs_count_list(&area->free_list[mt], &budget,
					 &cnt[mt]);
	}
	vs_hold_time(t0, ktime_get_ns(), hold_ns);
	spin_unlock_irqrestore(&zone->lock, flags);
	*walked = start - budget;
	return nr;
}

/* Fill the counts of @order in @z. */
static void vs_count_order(struct zone *zone, unsigned int order,
			   struct vs_kmod_zone *z)
{
	u64 cnt[MIGRATE_TYPES], cnt2[MIGRATE_TYPES], sum = 0;
	bool done[MIGRATE_TYPES], done2[MIGRATE_TYPES];
	unsigned long nr, nr2;
	int mt, open = 0, longest = -1, skip = -1;
	u32 walked;

	nr = vs_order_pass(zone, order, -1, VS_HOLD_BUDGET, cnt, done, &walked,
			   &z->max_hold_ns);
	z->lock_holds++;
	z->max_hold_walk = max(z->max_hold_walk, walked);
	for (mt = 0; mt < MIGRATE_TYPES; mt++) {
		if (!done[mt]) {
			open++;
			if (longest < 0 || cnt[mt] > cnt[longest])
				longest = mt;
		}
	}
	if (open == 1) {
		skip = longest;
	} else if (open >= 2) {
		/* A second hold: derive the longest list of the first one,
		 * walk the others with a fresh budget. If one of them is
		 * still too long, keep the first hold's lower bounds. */
		cond_resched();
		nr2 = vs_order_pass(zone, order, longest, VS_HOLD_BUDGET, cnt2,
				    done2, &walked, &z->max_hold_ns);
		z->lock_holds++;
		z->max_hold_walk = max(z->max_hold_walk, walked);
		open = 0;
		for (mt = 0; mt < MIGRATE_TYPES; mt++)
			if (!done2[mt] && mt != longest)
				open++;
		if (!open) {
			nr = nr2;
			memcpy(cnt, cnt2, sizeof(cnt));
			memcpy(done, done2, sizeof(done));
			skip = longest;
		}
	}

	z->nr_free[order] = nr;
	for (mt = 0; mt < MIGRATE_TYPES; mt++) {
		u8 a = vs_mt_abi[mt];

		if (mt == skip)
			continue;
		z->free[order][a] = cnt[mt];
		z->quality[order][a] = done[mt] ? VS_COUNT_EXACT :
						  VS_COUNT_LOWER_BOUND;
		sum += cnt[mt];
	}
	if (skip >= 0) {
		u8 a = vs_mt_abi[skip];

		/* Under one hold the lists of an order add up to nr_free. */
		z->free[order][a] = nr >= sum ? nr - sum : 0;
		z->quality[order][a] = VS_COUNT_DERIVED;
	}
}

static int vs_zone_record(int nid, int zi, struct zone *zone,
			  struct vs_kmod_zone *z, struct vs_req *r)
{
	unsigned int order;
	int mt, cpu, err;

	memset(z, 0, sizeof(*z));
	z->node = nid;
	z->zone = zi;
	strscpy(z->name, zone->name, sizeof(z->name));
	z->orders = MAX_ORDER;
	for (mt = 0; mt < MIGRATE_TYPES; mt++)
		z->mtypes |= 1u << vs_mt_abi[mt];
	z->start_pfn = zone->zone_start_pfn;
	z->spanned = zone->spanned_pages;
	z->present = zone->present_pages;
	z->managed = zone_managed_pages(zone);
	z->free_pages = zone_page_state(zone, NR_FREE_PAGES);
	z->wmark_min = READ_ONCE(zone->_watermark[WMARK_MIN]);
	z->wmark_low = READ_ONCE(zone->_watermark[WMARK_LOW]);
	z->wmark_high = READ_ONCE(zone->_watermark[WMARK_HIGH]);
	z->wmark_boost = READ_ONCE(zone->watermark_boost);
	z->reserved_highatomic = READ_ONCE(zone->nr_reserved_highatomic);

	BUILD_BUG_ON(MAX_ORDER > VS_KMOD_ORDERS);
	BUILD_BUG_ON(MIGRATE_TYPES > VS_KMOD_MTYPES);
	if (vs_buf_room(r)) {
		for (order = 0; order < MAX_ORDER; order++) {
			vs_count_order(zone, order, z);
			cond_resched();
			if (fatal_signal_pending(current))
				return -EINTR;
		}
	}
	vs_hold_time(0, z->max_hold_ns, &r->q.max_hold_ns);
	err = vs_emit(r, z);
	if (err)
		return err;

	for_each_online_cpu(cpu) {
		struct per_cpu_pages *pcp = per_cpu_ptr(zone->per_cpu_pageset,
							cpu);
		struct vs_kmod_pcp p = {
			.node = nid,
			.zone = zi,
			.cpu = cpu,
			.count = READ_ONCE(pcp->count),
			.high = READ_ONCE(pcp->high),
			.batch = READ_ONCE(pcp->batch),
		};

		err = vs_emit_aux(r, &p);
		if (err)
			return err;
	}
	return 0;
}

int vs_buddy_query(struct vs_req *r)
{
	struct vs_kmod_zone *z;
	int nid, zi, err = 0;

	z = kmalloc(sizeof(*z), GFP_KERNEL);
	if (!z)
		return -ENOMEM;
	for_each_online_node(nid) {
		pg_data_t *pgdat = NODE_DATA(nid);

		if (!pgdat)
			continue;
		for (zi = 0; zi < MAX_NR_ZONES; zi++) {
			struct zone *zone = &pgdat->node_zones[zi];

			/* As /proc/buddyinfo: populated zones only. */
			if (!populated_zone(zone))
				continue;
			err = vs_zone_record(nid, zi, zone, z, r);
			if (err)
				goto out;
		}
	}
out:
	kfree(z);
	return err;
}
