/* vs_buddy.h - the buddy allocator's free lists, per node and zone.
 *
 * A snapshot gathers what procfs says about each zone: the free blocks per
 * order (/proc/buddyinfo, readable by everyone), the same split by migrate
 * type with the pageblock counts (/proc/pagetypeinfo, root only), and the
 * zone's watermarks, sizes, per-CPU list counts and counters
 * (/proc/zoneinfo). Each part records its source: vmscope.ko fills the
 * same structure (vs_buddy_from_kmod()) with uncapped per-type counts and
 * each CPU's page list.
 *
 * The indexes are computed as mm/vmstat.c computes them for debugfs
 * extfrag/unusable_index and extfrag/extfrag_index: integers in
 * thousandths, from the same free-block counts.
 */
#ifndef VS_BUDDY_H
#define VS_BUDDY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vs_err.h"
#include "vs_root.h"
#include "vs_source.h"
#include "vs_text.h"

#define VS_ORDERS_MAX 64	/* orders a zone may have (kernels: 11..) */
#define VS_MTYPES_MAX 16	/* migrate types (kernels: 4..6) */
#define VS_NAME_MAX 32		/* zone and migrate type names */

/* pagetypeinfo stops counting a free list at this many blocks and prints
 * ">100000" (mm/vmstat.c). */
#define VS_PAGETYPE_CAP 100000

/* The zoneinfo figures known by name (pages unless said otherwise). */
enum vs_zi {
	VS_ZI_FREE,		/* "pages free": NR_FREE_PAGES */
	VS_ZI_BOOST,		/* watermark boost */
	VS_ZI_MIN,		/* min watermark */
	VS_ZI_LOW,
	VS_ZI_HIGH,
	VS_ZI_PROMO,		/* promotion watermark (newer kernels) */
	VS_ZI_SPANNED,
	VS_ZI_PRESENT,
	VS_ZI_MANAGED,		/* pages the buddy allocator manages */
	VS_ZI_CMA,
	VS_ZI_PCP_COUNT,	/* pages on the per-CPU lists, all CPUs */
	VS_ZI_PCP_CPUS,		/* CPUs listed under "pagesets" */
	VS_ZI_UNRECLAIMABLE,	/* node_unreclaimable (0 or 1) */
	VS_ZI_START_PFN,
	VS_ZI__COUNT
};

extern const char *const vs_zi_name[VS_ZI__COUNT];

/* One CPU's list of free pages of one zone. */
struct vs_pcp {
	int cpu;
	uint64_t count;			/* pages on the list */
	uint64_t high;			/* above this, pages go back */
	uint64_t batch;			/* pages moved at a time */
};

/* One zone of one node. */
struct vs_zone {
	int node;
	char name[VS_NAME_MAX];		/* "DMA32", "Normal", ... */

	/* Free blocks per order. */
	enum vs_source free_src;	/* VS_SRC_NONE: not known */
	unsigned norders;		/* orders listed (MAX_ORDER + 1) */
	uint64_t nr_free[VS_ORDERS_MAX];	/* free blocks of 2^order pages */

	/* Free blocks per migrate type and order. */
	enum vs_source types_src;	/* VS_SRC_NONE: not known */
	unsigned types_norders;
	uint64_t type_free[VS_MTYPES_MAX][VS_ORDERS_MAX];
	uint64_t type_capped[VS_MTYPES_MAX];	/* bit per order: the count
						 * is a lower bound */
	uint64_t type_lower[VS_MTYPES_MAX];	/* bit per order: vmscope.ko
						 * could walk only part of
						 * the list in its lock
						 * budget: at least this many
						 * (type_capped is not set) */
	uint64_t type_derived[VS_MTYPES_MAX];	/* bit per order: vmscope.ko
						 * derived the count from the
						 * order's total: exact */
	bool type_seen[VS_MTYPES_MAX];	/* a row for the type was read */

	/* Pageblocks per migrate type. */
	enum vs_source blocks_src;
	uint64_t blocks[VS_MTYPES_MAX];
	bool block_seen[VS_MTYPES_MAX];
	bool have_mixed;		/* "Number of mixed blocks" was read */
	uint64_t mixed[VS_MTYPES_MAX];	/* (needs CONFIG_PAGE_OWNER) */

	/* Watermarks, sizes and counters. */
	enum vs_source info_src;
	uint32_t info_have;		/* bit per enum vs_zi */
	uint64_t info[VS_ZI__COUNT];
	unsigned nprotection;		/* lowmem_reserve, one per zone */
	uint64_t protection[8];
	struct vs_kvlist stats;		/* the zone's counters (nr_*), and
					 * any line zoneinfo adds */
	struct vs_kvlist node_stats;	/* "per-node stats", on the node's
					 * first zone only */

	/* Each CPU's page list (vmscope.ko; zoneinfo's "pagesets" give
	 * only their sum, VS_ZI_PCP_COUNT). */
	enum vs_source pcp_src;		/* VS_SRC_NONE: not known */
	struct vs_pcp *pcp;		/* by CPU */
	unsigned npcp;
};

static inline bool vs_zone_has(const struct vs_zone *z, enum vs_zi f)
{
	return z->info_have & (1u << f);
}

/* All zones, in the order the kernel lists them. */
struct vs_buddy {
	struct vs_zone *zones;
	unsigned nzones, cap;
	unsigned ntypes;			/* migrate types seen */
	char types[VS_MTYPES_MAX][VS_NAME_MAX];	/* their names, in order */
	int pageblock_order;			/* -1 when not known */
	uint64_t pages_per_block;		/* 0 when not known */
	unsigned skipped;			/* lines of sections this
						 * parser does not know */
};

void vs_buddy_init(struct vs_buddy *b);
void vs_buddy_free(struct vs_buddy *b);

/* The zone (@node, @name), or NULL. */
struct vs_zone *vs_buddy_zone(struct vs_buddy *b, int node, const char *name);

/* Parsers: each adds what its file says to @b, creating zones as needed.
 * A line not in the file's format, a truncated line, a number past 64
 * bits, more than VS_ORDERS_MAX orders or VS_MTYPES_MAX types is -EBADMSG
 * with @e naming the file, the line number and the line. */
int vs_buddyinfo_parse(struct vs_buddy *b, const char *text, size_t len,
		       const char *path, struct vs_err *e);
int vs_pagetypeinfo_parse(struct vs_buddy *b, const char *text, size_t len,
			  const char *path, struct vs_err *e);
int vs_zoneinfo_parse(struct vs_buddy *b, const char *text, size_t len,
		      const char *path, struct vs_err *e);

/* The same, reading /proc/buddyinfo, /proc/pagetypeinfo, /proc/zoneinfo
 * below @r. -EACCES for pagetypeinfo as a user, -ENOENT when the kernel
 * lacks the file. */
int vs_buddyinfo_read(struct vs_buddy *b, const struct vs_root *r,
		      struct vs_err *e);
int vs_pagetypeinfo_read(struct vs_buddy *b, const struct vs_root *r,
			 struct vs_err *e);
int vs_zoneinfo_read(struct vs_buddy *b, const struct vs_root *r,
		     struct vs_err *e);

/* Index of migrate type @name in @b, or -1. */
int vs_buddy_type(const struct vs_buddy *b, const char *name);

/* ---- vmscope.ko as the source --------------------------------------- */

struct vs_km_buddy;

/* Fill @b from the module's snapshot @km (vs_kmod_buddy()), marking what
 * it gives VS_SRC_KMOD: the free blocks per order and per migrate type of
 * each of its zones (uncapped; a count the module could only bound sets
 * type_lower, one it derived type_derived), the zone's free pages, sizes,
 * start and watermarks (min, low and high with the boost added, as
 * /proc/zoneinfo gives them), and each CPU's page list with their sum.
 * What the module does not give (pageblocks, the promo watermark, CMA
 * pages, counters) is left as the procfs parsers filled it, so they may
 * run first; zones are added where new, migrate types by their
 * pagetypeinfo names. Returns 0, or -ENOMEM / -EBADMSG (more orders or
 * migrate types than a vs_zone holds) with @e set. */
int vs_buddy_from_kmod(struct vs_buddy *b, const struct vs_km_buddy *km,
		       struct vs_err *e);

/* ---- the indexes of mm/vmstat.c -------------------------------------- */

/* What fill_contig_page_info() gathers for an allocation of 2^@order. */
struct vs_contig {
	uint64_t free_pages;		/* free pages in all blocks */
	uint64_t free_blocks_total;	/* free blocks of any order */
	uint64_t free_blocks_suitable;	/* blocks of 2^order pages that the
					 * free blocks of @order and above
					 * make */
};

void vs_contig_fill(const uint64_t *nr_free, unsigned norders,
		    unsigned order, struct vs_contig *c);

/* Unusable free space index, thousandths: the share of free memory in
 * blocks too small for 2^@order pages (0: none, 1000: all; 1000 too when
 * nothing is free). */
int vs_unusable_index(unsigned order, const struct vs_contig *c);

/* Fragmentation index, thousandths: -1000 when the allocation would
 * succeed; towards 0 when it would fail for lack of memory, towards 1000
 * when for fragmentation; 0 with no free blocks. It may go below 0 with
 * very few free blocks, as in the kernel. */
int vs_fragmentation_index(unsigned order, const struct vs_contig *c);

/* Format thousandths the way debugfs prints them ("%d.%03d" of the
 * quotient and remainder: -1000 is "-1.000", -500 is "0.-500"). */
const char *vs_index_kernel_fmt(int thousandths, char *buf, size_t size);

/* ---- debugfs extfrag (the oracle of the tests) ----------------------- */

/* One line of extfrag/unusable_index or extfrag/extfrag_index. */
struct vs_extfrag_zone {
	int node;
	char name[VS_NAME_MAX];
	unsigned norders;
	int index[VS_ORDERS_MAX];	/* thousandths, as the kernel
					 * computed them */
};

/* Parse an extfrag file into @out (up to @max zones); *@n gets the count.
 * Returns 0 or -EBADMSG. */
int vs_extfrag_parse(const char *text, size_t len, const char *path,
		     struct vs_extfrag_zone *out, size_t max, size_t *n,
		     struct vs_err *e);

#endif
