/* vs_memgap.h - when meminfo and the zones disagree about free memory.
 *
 * /proc/meminfo's MemFree and the zones' free pages (zoneinfo's "pages
 * free", vmstat's nr_free_pages, the blocks of buddyinfo) count the same
 * thing on a mainline kernel: MemFree is the sum of the zones' counters,
 * and MemTotal the sum of their managed pages. When they part by more than
 * VS_MEMGAP_PERCENT of MemTotal (and VS_MEMGAP_MIN_BYTES), a tool that
 * prints both must say so, and what the files themselves say of why:
 *
 *   - MemTotal above the zones' managed pages by about the same amount:
 *     memory that meminfo counts (as free) but that no zone manages, with
 *     the zone whose present pages most exceed its managed ones (memory
 *     the buddy allocator was not given: held by a hypervisor's balloon or
 *     not yet handed to the guest's kernel);
 *   - meminfo's Balloon line above zero: what a balloon driver holds;
 *   - a virtio_balloon device bound in /sys/bus/virtio: the hypervisor may
 *     take memory back through it;
 *   - the zones' own counts disagree with each other.
 *
 * Free page reporting is not a reason: reported pages stay on the free
 * lists, counted in both. Hugetlb pages are in neither.
 */
#ifndef VS_MEMGAP_H
#define VS_MEMGAP_H

#include <stdbool.h>
#include <stdint.h>

#include "vs_buddy.h"
#include "vs_err.h"
#include "vs_out.h"
#include "vs_root.h"
#include "vs_text.h"

#define VS_MEMGAP_PERCENT 5			/* of MemTotal */
#define VS_MEMGAP_MIN_BYTES (64ull << 20)	/* and at least this */

/* What the files say of why (bits of vs_memgap.reasons). */
enum {
	VS_MEMGAP_UNMANAGED = 1u << 0,	/* MemTotal above the zones' managed
					 * pages by over the threshold */
	VS_MEMGAP_SAME = 1u << 1,	/* ... by the free gap, within the
					 * threshold: the gap is that memory */
	VS_MEMGAP_BALLOON = 1u << 2,	/* meminfo Balloon > 0 */
	VS_MEMGAP_VIRTIO_BALLOON = 1u << 3,	/* a virtio_balloon device */
	VS_MEMGAP_ZONES_DISAGREE = 1u << 4,	/* zoneinfo, vmstat and
						 * buddyinfo part by over the
						 * threshold */
};

struct vs_memgap {
	bool known;		/* MemTotal, MemFree and every populated
				 * zone's free and managed pages were read */
	uint64_t mem_total;	/* meminfo, bytes */
	uint64_t mem_free;
	bool have_balloon;
	uint64_t balloon;	/* meminfo Balloon, bytes */
	uint64_t zones_free;	/* sum of zoneinfo "pages free", bytes */
	uint64_t zones_managed;	/* sum of "managed", bytes */
	uint64_t zones_present;	/* sum of "present", bytes */
	bool have_vmstat_free;
	uint64_t vmstat_free;	/* nr_free_pages, bytes */
	bool have_buddy_free;
	uint64_t buddy_free;	/* sum of buddyinfo's blocks, bytes */
	int64_t free_gap;	/* MemFree - zones_free */
	int64_t total_gap;	/* MemTotal - zones_managed */
	uint64_t threshold;	/* bytes: the larger of the two limits */
	bool flagged;		/* |free_gap| or the zones' own spread
				 * above the threshold */
	uint32_t reasons;	/* VS_MEMGAP_* */
	/* The zone with the most present pages that are not managed. */
	int zone_node;
	char zone[VS_NAME_MAX];	/* "" when no zone has any */
	uint64_t zone_present, zone_managed;	/* pages */
	char virtio_balloon[64];	/* the bound device ("virtio0"), or "" */
};

/* /proc/meminfo: each "Name: value [kB]" line into @l (emptied first), in
 * bytes where the line says kB. A line of another shape, or a number past
 * 64 bits, is -EBADMSG. */
int vs_meminfo_parse(const char *text, size_t len, const char *path,
		     struct vs_kvlist *l, struct vs_err *e);
int vs_meminfo_read(const struct vs_root *r, struct vs_kvlist *l,
		    struct vs_err *e);

/* Compare @meminfo (vs_meminfo_parse) with the zones of @b (zoneinfo
 * read; buddyinfo used when read) and @vmstat (may be NULL), in pages of
 * @page_size bytes, and fill @g. @virtio_balloon names the bound
 * virtio_balloon device, or is NULL/"" (vs_memgap_virtio_balloon). */
void vs_memgap_check(const struct vs_kvlist *meminfo, const struct vs_buddy *b,
		     const struct vs_kvlist *vmstat, uint64_t page_size,
		     const char *virtio_balloon, struct vs_memgap *g);

/* The first device bound to the virtio_balloon driver below @r
 * (/sys/bus/virtio/drivers/virtio_balloon/virtio*) into @dev; "" when
 * none (or no such directory). */
void vs_memgap_virtio_balloon(const struct vs_root *r, char *dev, size_t size);

/* Read meminfo, zoneinfo, buddyinfo and vmstat below @r and compare them.
 * Returns 0, or a negative errno with @e set when meminfo or zoneinfo
 * cannot be read (@g->known is then false). */
int vs_memgap_read(const struct vs_root *r, uint64_t page_size,
		   struct vs_memgap *g, struct vs_err *e);

/* One sentence of why, for a flagged gap (without the figures of the gap
 * itself), into @buf: "MemTotal is 18.4G above the zones' managed pages,
 * as much as the gap: ...". */
const char *vs_memgap_why(const struct vs_memgap *g, char *buf, size_t size);

/* The name of each reason bit, for JSON: "unmanaged", "same_as_gap",
 * "balloon", "virtio_balloon", "zones_disagree". */
const char *vs_memgap_reason_name(uint32_t bit);

/* Put @g into @o, for the commands that show both sides: in JSON the
 * object @key (null when not known) with every figure, the threshold,
 * whether it is flagged and the reasons; in text, only when flagged, a
 * "note:" line with the figures and a "why:" line (vs_memgap_why). */
void vs_memgap_put(struct vs_out *o, const char *key, const struct vs_memgap *g);

#endif
