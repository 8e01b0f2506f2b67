/* vs_slab.h - the slab caches, from /proc/slabinfo and /sys/kernel/slab.
 *
 * /proc/slabinfo lists every cache (one line each: objects, slot size,
 * slab geometry, slabs), root only. With SLUB, /sys/kernel/slab/NAME/
 * holds the same counts per node and what slabinfo lacks: the object size
 * without metadata, the page order, partial and per-CPU slabs, and the
 * names merged into one cache (aliases: symbolic links to one directory).
 * On recent kernels those attribute files are root only too; the directory
 * and its links are readable by everyone, so a user sees which caches
 * exist and are merged, and no figures.
 *
 * Each cache records which source gave its counts. vmscope.ko fills the
 * same structure (vs_slabs_from_kmod()) with every figure in one pass, and
 * adds what no file gives: per-CPU partial slabs now, the CPUs holding
 * slabs, and the cache's flags.
 */
#ifndef VS_SLAB_H
#define VS_SLAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vs_err.h"
#include "vs_root.h"
#include "vs_source.h"

#define VS_SLAB_NAME_MAX 64

/* The /sys/kernel/slab/NAME attributes the library reads. */
enum vs_sa {
	VS_SA_OBJECT_SIZE,	/* bytes the user of the cache asked for */
	VS_SA_SLAB_SIZE,	/* bytes per slot: object plus metadata */
	VS_SA_OBJS_PER_SLAB,
	VS_SA_ORDER,		/* a slab is 2^order pages */
	VS_SA_OBJECTS,		/* objects in use (per node) */
	VS_SA_TOTAL_OBJECTS,	/* object slots (per node) */
	VS_SA_SLABS,		/* slabs (per node) */
	VS_SA_PARTIAL,		/* partially used slabs (per node) */
	VS_SA_OBJECTS_PARTIAL,	/* objects in use in partial slabs */
	VS_SA_CPU_SLABS,	/* slabs held by CPUs */
	VS_SA_ALIASES,		/* other names merged into this cache */
	VS_SA_ALIGN,
	VS_SA_RECLAIM_ACCOUNT,	/* reclaimable (SLAB_RECLAIM_ACCOUNT) */
	VS_SA_HWCACHE_ALIGN,
	VS_SA_DESTROY_BY_RCU,
	VS_SA_CACHE_DMA,
	VS_SA_POISON,
	VS_SA_RED_ZONE,
	VS_SA_STORE_USER,
	VS_SA_SANITY_CHECKS,
	VS_SA_MIN_PARTIAL,
	VS_SA_CPU_PARTIAL,
	VS_SA__COUNT
};

/* File names of the attributes, in /sys/kernel/slab/NAME/. */
extern const char *const vs_sa_name[VS_SA__COUNT];

/* Attributes that change as the cache is used (the others are fixed
 * when it is created). */
#define VS_SA_DYNAMIC ((1u << VS_SA_OBJECTS) | (1u << VS_SA_TOTAL_OBJECTS) | \
		       (1u << VS_SA_SLABS) | (1u << VS_SA_PARTIAL) | \
		       (1u << VS_SA_OBJECTS_PARTIAL) | (1u << VS_SA_CPU_SLABS) | \
		       (1u << VS_SA_ALIASES))
#define VS_SA_ALL ((1u << VS_SA__COUNT) - 1)

/* Per-node figures of one cache ("N0=..." in sysfs). */
struct vs_slab_node {
	int node;
	uint64_t slabs, objects, total_objects, partial;
	uint64_t objects_partial;	/* objects in use in partial slabs */
	uint64_t cpu_slabs;		/* slabs held by CPUs, by the node of
					 * their pages */
	uint32_t have;		/* bit per VS_SA_* of the six above */
};

struct vs_slab_cache {
	char name[VS_SLAB_NAME_MAX];	/* as slabinfo (or sysfs) names it */

	/* Counts: from slabinfo, or from sysfs when asked or when slabinfo
	 * cannot be read. */
	enum vs_source counts_src;	/* VS_SRC_NONE: not known */
	uint64_t active_objs;		/* objects in use */
	uint64_t num_objs;		/* object slots in all slabs */
	uint64_t active_slabs, num_slabs;
	/* Geometry */
	enum vs_source geom_src;
	uint64_t slot_size;		/* slabinfo <objsize>: object plus
					 * metadata and padding */
	uint64_t objs_per_slab;
	uint64_t pages_per_slab;
	/* slabinfo's SLAB-era columns (0 with SLUB) */
	uint64_t limit, batchcount, sharedfactor, sharedavail;
	char *extra;			/* text after slabdata (SLAB's
					 * statistics), kept; NULL if none */

	/* sysfs (or vmscope.ko: attr_src) */
	bool in_sysfs;			/* /sys/kernel/slab/NAME exists */
	char dir[VS_SLAB_NAME_MAX];	/* the directory NAME resolves to */
	uint32_t have;			/* bit per enum vs_sa read */
	uint32_t denied;		/* bit per enum vs_sa: EACCES */
	uint32_t missing;		/* bit per enum vs_sa asked for and
					 * absent (ENOENT) */
	uint32_t bad;			/* bit per enum vs_sa that did not
					 * parse or was out of range */
	uint64_t attr[VS_SA__COUNT];
	enum vs_source attr_src;	/* where @attr and @nodes were read:
					 * sysfs or vmscope.ko */
	struct vs_slab_node *nodes;	/* per node */
	unsigned nnodes;
	char **aliases;			/* other names linking to @dir */
	unsigned naliases;
	bool aliases_known;		/* the links were listed */

	/* Only vmscope.ko knows these (km_known). */
	bool km_known;			/* the fields below were read */
	bool have_cpu_partial_now;	/* the module read cpu_partial_now */
	uint64_t cpu_partial_now;	/* per-CPU partial slabs, all CPUs */
	unsigned cpus_with_slab;	/* CPUs holding an active slab */
	unsigned cpus_with_partial;	/* CPUs holding partial slabs */
	uint32_t flags;			/* VS_SLAB_F_* (vs_kmod_abi.h): the
					 * SLAB_* flags by name */
	uint64_t raw_flags;		/* the kernel's slab_flags_t */
	int refcount;			/* 1 + caches merged into it; -1:
					 * a boot cache */
};

static inline bool vs_slab_has(const struct vs_slab_cache *c, enum vs_sa a)
{
	return c->have & (1u << a);
}

/* All caches, in slabinfo's order (then sysfs-only ones by name). */
struct vs_slabs {
	struct vs_slab_cache *c;
	size_t n, cap;
	int version_major, version_minor;	/* of slabinfo; -1 unknown */
	bool statistics;			/* "(statistics)" header */
};

void vs_slabs_init(struct vs_slabs *s);
void vs_slabs_free(struct vs_slabs *s);

/* The cache named @name, or NULL. */
struct vs_slab_cache *vs_slabs_find(struct vs_slabs *s, const char *name);

/* Parse slabinfo (version 2.x) text into @s. A line not in the format, a
 * truncated line or a number past 64 bits is -EBADMSG. */
int vs_slabinfo_parse(struct vs_slabs *s, const char *text, size_t len,
		      const char *path, struct vs_err *e);

/* Read /proc/slabinfo below @r. -EACCES as a user. */
int vs_slabinfo_read(struct vs_slabs *s, const struct vs_root *r,
		     struct vs_err *e);

/* List /sys/kernel/slab below @r: set in_sysfs, dir and aliases of the
 * caches of @s, and add the caches slabinfo did not list (all of them
 * when it was not read), one per directory, named by their first link.
 * -ENOENT when the kernel has no /sys/kernel/slab (SLAB, or SLUB without
 * sysfs). */
int vs_slab_sysfs_list(struct vs_slabs *s, const struct vs_root *r,
		       struct vs_err *e);

/* Read the attributes @want (bits of enum vs_sa) of cache @c from sysfs.
 * An attribute the kernel lacks is left out with its bit in @c->missing;
 * one that cannot be read for permission sets its bit in @c->denied; one
 * that cannot be read otherwise, does not parse or holds a value the
 * kernel cannot have (past 32 bits where the kernel keeps an unsigned
 * int, an order past 31) is left out with its bit in @c->bad, and the
 * other attributes are still read. Returns 0, or the negative errno of
 * the first bad attribute with @e naming its file (-EBADMSG malformed,
 * -ERANGE out of range). */
int vs_slab_sysfs_read(struct vs_slab_cache *c, const struct vs_root *r,
		       uint32_t want, struct vs_err *e);

/* Take the counts (objects, slots, slabs) and geometry of @c from its
 * sysfs attributes, marking them VS_SRC_SYSFS. Returns false when sysfs
 * did not give them all. */
bool vs_slab_counts_from_sysfs(struct vs_slab_cache *c);

/* Parse one sysfs attribute's text ("78380 N0=78380 N1=2\n"): the total
 * and the per-node values. @nodes (up to @max) may be NULL. Returns the
 * number of nodes, or -EBADMSG. */
int vs_slab_attr_parse(const char *text, uint64_t *total, int *node_ids,
		       uint64_t *node_vals, int max);

/* ---- vmscope.ko as the source ----------------------------------------- */

struct vs_km_slab;

/* Fill @s from the module's snapshot @km (vs_kmod_slab()): each cache,
 * found by its slabinfo name or added, gets counts, geometry, attributes
 * and per-node figures from the module (VS_SRC_KMOD), its directory in
 * /sys/kernel/slab, and the km_* fields. The module's "have" bits decide
 * which figures are known: counts need slabs, objects and slots; geometry
 * needs the order; an attribute not read keeps its bit clear. Aliases by
 * name still come from vs_slab_sysfs_list(), which may run after. Returns
 * 0 or -ENOMEM with @e set. */
int vs_slabs_from_kmod(struct vs_slabs *s, const struct vs_km_slab *km,
		       struct vs_err *e);

/* ---- derived figures -------------------------------------------------- */

/* Memory of the cache's slabs: slabs x pages per slab x @page_size.
 * False when not known. (An order fallback under memory pressure makes
 * some slabs smaller: the figure is then an upper bound, as slabtop's.) */
bool vs_slab_memory(const struct vs_slab_cache *c, uint64_t page_size,
		    uint64_t *bytes);

/* Bytes of objects in use: active objects x object size (sysfs). False
 * when either is not known (slabinfo alone gives only the slot size). */
bool vs_slab_used(const struct vs_slab_cache *c, uint64_t *bytes);

#endif
