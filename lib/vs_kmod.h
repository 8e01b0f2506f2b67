/* vs_kmod.h - vmscope.ko from user space: find it, check it, read its views.
 *
 * The module (kmod/, man vmscope(4)) shows what procfs cannot: the buddy
 * free lists by migrate type without a cap, SLUB's per-node figures, each
 * CPU's TLB state, and a process's page-table entries at every level. This
 * module of the library opens /dev/vmscope, checks the ABI version, and
 * turns the module's records into plain structs, checking each record
 * first: a record that does not make sense is an -EBADMSG error, never a
 * figure.
 *
 * For the commands:
 *   vmfrag   vs_kmod_buddy()   zones, orders, migrate types, pcp lists
 *   vmslab   vs_kmod_slab()    caches, per node
 *   vmtlb    vs_kmod_tlb()     CPUs
 *   vmphys   vs_kmod_walk()    page-table entries of a range (--walk)
 * Each opens the module with vs_kmod_open(); when that fails with -ENOENT
 * (not loaded) the command prints what it can without it, and one line
 * from vs_kmod_adds() saying what loading the module would add.
 *
 * Like the rest of the library this never prints and never exits.
 */
#ifndef VS_KMOD_H
#define VS_KMOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vs_err.h"
#include "vs_kmod_abi.h"
#include "vs_root.h"

/* The name commands give as the source of a figure read from the module. */
#define VS_KMOD_SOURCE "vmscope.ko"

struct vs_kmod;

/* How requests reach the module: ioctl(2) on /dev/vmscope, or, in unit
 * tests, a fake kernel. @ioctl returns 0 or a negative errno and may have
 * written the reply into @arg even when it fails (as the WALK request
 * does). @close may be NULL. */
struct vs_kmod_ops {
	int (*ioctl)(void *ctx, unsigned long req, void *arg);
	void (*close)(void *ctx);
	/* A descriptor of /proc/@pid/pagemap (@nth 0) or of the @nth entry
	 * of /proc/@pid/task (from 1; -ENOENT past the last), which a WALK
	 * request carries for the module's access check; or a negative
	 * errno. May be NULL: requests then carry -1. */
	int (*pagemap)(void *ctx, pid_t pid, unsigned nth);
};

/* Open the module of the live system (@r NULL or live). On success *@out
 * holds a handle and 0 is returned. Errors, with @e saying why and what
 * to do:
 *   -ENOENT   the module is not loaded (or /dev/vmscope is missing)
 *   -EACCES, -EPERM   not root (the device needs CAP_SYS_ADMIN)
 *   -EPROTO   the module speaks another ABI version
 *   -ENODEV   @r is not the live system (--sysroot), or the device does
 *             not answer vmscope's requests
 *   -EBADMSG  the module's description of itself is inconsistent */
int vs_kmod_open(struct vs_root *r, struct vs_kmod **out, struct vs_err *e);

/* The same over @ops (for tests): asks INFO and checks it as above. */
int vs_kmod_open_ops(const struct vs_kmod_ops *ops, void *ctx,
		     struct vs_kmod **out, struct vs_err *e);

void vs_kmod_close(struct vs_kmod *k);

/* What the module said about itself and the kernel (VS_KMOD_F_* in
 * features, sizes, versions). Valid until vs_kmod_close(). */
const struct vs_kmod_info *vs_kmod_info(const struct vs_kmod *k);

/* What the module hides or skips unless asked (vmscope(4), SECURITY and
 * LOCKING), for vs_kmod_want(): */
#define VS_KMOD_WANT_PHYS	(1u << 0)  /* TLB: each CPU's raw CR3; WALK:
					    * the PGD's and the page-table
					    * pages' frames. Refused under
					    * lockdown=confidentiality
					    * (-EPERM) */
#define VS_KMOD_WANT_ALL_CPUS	(1u << 1)  /* TLB: interrupt isolated and
					    * nohz_full CPUs too */
#define VS_KMOD_WANT_SLAB_UNBOUNDED (1u << 2) /* SLAB: count objects on
					    * partial lists of any length */

/* Ask the following requests for @want (VS_KMOD_WANT_*; 0: the module's
 * defaults). */
void vs_kmod_want(struct vs_kmod *k, unsigned want);

/* The kernels the module supports, for messages: "Linux 6.1 on x86-64". */
#define VS_KMOD_KERNELS "Linux 6.1 on x86-64"

/* Whether the module is loaded without opening it: vs_kmod_loaded() in
 * vs_source.h (it looks below a root). */

/* The views, for vs_kmod_adds(). */
enum vs_kmod_view {
	VS_KMOD_VIEW_BUDDY,
	VS_KMOD_VIEW_SLAB,
	VS_KMOD_VIEW_TLB,
	VS_KMOD_VIEW_WALK,
};

/* One sentence (no trailing newline) saying what loading the module adds
 * to @view, for a command running without it. */
const char *vs_kmod_adds(enum vs_kmod_view view);

/* ---- buddy (vmfrag) ------------------------------------------------- */

/* How a count was obtained: VS_COUNT_* of vs_kmod_abi.h. EXACT and
 * DERIVED are exact; LOWER_BOUND is "at least"; ABSENT: no such list. */
struct vs_km_buddy_zone {
	int node;			/* NUMA node */
	int zone;			/* zone index in the node */
	char name[16];			/* "DMA", "DMA32", "Normal", ... */
	unsigned orders;		/* orders 0 .. orders - 1 are filled */
	unsigned mtypes;		/* bit per VS_MT_* the kernel has */
	uint64_t start_pfn, spanned, present, managed;	/* pages */
	uint64_t free_pages;		/* NR_FREE_PAGES */
	uint64_t wmark_min, wmark_low, wmark_high;	/* without boost */
	uint64_t wmark_boost;		/* /proc/zoneinfo's min/low/high add it */
	uint64_t reserved_highatomic;	/* pages */
	uint64_t nr_free[VS_KMOD_ORDERS];	/* free blocks per order */
	uint64_t free[VS_KMOD_ORDERS][VS_MT__COUNT];	/* per migrate type */
	unsigned char quality[VS_KMOD_ORDERS][VS_MT__COUNT];	/* VS_COUNT_* */
	unsigned lock_holds;		/* zone-lock holds it took */
	unsigned max_hold_walk;		/* most list entries in one hold */
	uint64_t max_hold_ns;		/* the longest of those holds */
	size_t pcp_first, pcp_count;	/* its per-CPU lists in vs_buddy.pcp */
};

struct vs_km_buddy_pcp {
	int node, zone, cpu;
	int count;			/* pages on the CPU's lists */
	int high, batch;
};

/* One snapshot of every populated zone (each order of a zone is read in
 * one hold of its lock; zones one after another). */
struct vs_km_buddy {
	size_t nzones;
	struct vs_km_buddy_zone *zones;	/* by node, then zone index */
	size_t npcp;
	struct vs_km_buddy_pcp *pcp;	/* by zone, then CPU */
	unsigned page_shift;
};

/* Read the buddy allocator's state. *@out must be freed with
 * vs_km_buddy_free(). Returns 0 or a negative errno (with @e set). */
int vs_kmod_buddy(struct vs_kmod *k, struct vs_km_buddy **out,
		  struct vs_err *e);
void vs_km_buddy_free(struct vs_km_buddy *b);

/* "Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate"
 * (as /proc/pagetypeinfo names them), or NULL. */
const char *vs_migratetype_name(int mt);

/* ---- slab (vmslab) -------------------------------------------------- */

struct vs_km_slab_cache {
	char name[VS_KMOD_NAME_LEN];	/* as /proc/slabinfo */
	char sysfs_name[VS_KMOD_NAME_LEN];	/* in /sys/kernel/slab */
	uint64_t flags;			/* raw slab_flags_t */
	unsigned vflags;		/* VS_SLAB_F_*: see vs_slab_flag_name */
	uint64_t min_partial;
	unsigned size, object_size, align, usersize;
	int refcount;			/* 1 + merged caches; -1: boot cache */
	unsigned order, objs_per_slab;	/* when have & VS_SLAB_HAVE_ORDER */
	unsigned cpu_partial, cpu_partial_slabs;	/* limits */
	unsigned have;			/* VS_SLAB_HAVE_*: which are read */
	unsigned cpus_with_slab, cpus_with_partial;
	uint64_t slabs, objects, total_objects;
	uint64_t partial_slabs, partial_objects;
	uint64_t cpu_slabs, cpu_partial_slabs_now;
	size_t node_first, node_count;	/* its rows in vs_slab.nodes */
};

struct vs_km_slab_node {
	size_t cache;			/* index in vs_slab.caches */
	int node;
	uint64_t slabs, objects, total_objects;
	uint64_t partial_slabs, partial_objects, cpu_slabs;
};

struct vs_km_slab {
	uint64_t max_hold_ns;		/* the longest show() that walked a
					 * partial list (0: none walked) */
	size_t ncaches;
	struct vs_km_slab_cache *caches;	/* in creation order */
	size_t nnodes;
	struct vs_km_slab_node *nodes;	/* by cache, then node */
};

int vs_kmod_slab(struct vs_kmod *k, struct vs_km_slab **out, struct vs_err *e);
void vs_km_slab_free(struct vs_km_slab *s);

/* The name of ABI flag bit @bit (0 .. VS_SLAB_F__COUNT - 1) as in the
 * kernel's linux/slab.h without "SLAB_" ("HWCACHE_ALIGN"), or NULL. */
const char *vs_slab_flag_name(unsigned bit);

/* ---- TLB (vmtlb) ---------------------------------------------------- */

struct vs_km_tlb_cpu {
	int cpu;
	bool online;			/* when false, only the counts are set */
	bool lazy, mm_loaded, kernel_mm, idle, kthread, pcid_on;
	bool owner_known;
	bool skipped;			/* online, but isolated or nohz_full:
					 * not interrupted to ask (see
					 * VS_KMOD_WANT_ALL_CPUS); only the
					 * counts are set */
	bool cr3_known;			/* cr3 and pgd_phys are set: asked
					 * for with VS_KMOD_WANT_PHYS */
	uint64_t cr3;			/* raw */
	uint64_t pgd_phys;		/* CR3's PGD address */
	uint64_t mm_id;			/* the active mm's context id */
	uint64_t mm_tlb_gen;
	int owner_tgid;			/* when owner_known */
	int task_pid, task_tgid;	/* 0: idle */
	unsigned pcid, asid;		/* when pcid_on */
	char comm[17];
	uint64_t flushes[VS_KMOD_TLB_REASONS];
	uint64_t flush_all[VS_KMOD_TLB_REASONS];
	uint64_t flush_pages[VS_KMOD_TLB_REASONS];
};

struct vs_km_tlb {
	size_t ncpus;
	struct vs_km_tlb_cpu *cpus;	/* every possible CPU, by id */
	bool counting;			/* flushes are being counted */
	uint64_t since_ns;		/* since then (CLOCK_BOOTTIME) */
	uint64_t max_hold_ns;		/* the longest IPI, sent to answered */
};

int vs_kmod_tlb(struct vs_kmod *k, struct vs_km_tlb **out, struct vs_err *e);
void vs_km_tlb_free(struct vs_km_tlb *t);

/* "task switch", "remote shootdown", "local shootdown",
 * "local mm shootdown", "remote send IPI", "other"; NULL past them. */
const char *vs_tlb_reason_name(int reason);

/* ---- page tables (vmphys --walk) ------------------------------------ */

/* x86-64 page-table entry bits (Intel SDM vol. 3, 4.5). */
#define VS_X86_P	(1ull << 0)	/* present */
#define VS_X86_RW	(1ull << 1)	/* writable */
#define VS_X86_US	(1ull << 2)	/* user */
#define VS_X86_PWT	(1ull << 3)	/* write-through */
#define VS_X86_PCD	(1ull << 4)	/* cache disabled */
#define VS_X86_A	(1ull << 5)	/* accessed */
#define VS_X86_D	(1ull << 6)	/* dirty (leaves) */
#define VS_X86_PS	(1ull << 7)	/* page size: a leaf at PUD/PMD; PAT
					 * in a 4 KiB PTE */
#define VS_X86_G	(1ull << 8)	/* global (leaves); the kernel's
					 * PROTNONE when P is clear */
#define VS_X86_PAT_HUGE	(1ull << 12)	/* PAT in a PUD/PMD leaf */
#define VS_X86_NX	(1ull << 63)	/* no execute */
#define VS_X86_PKEY_SHIFT 59		/* protection key: bits 59-62 */
#define VS_X86_PHYS_MASK 0x000ffffffffff000ull	/* bits 12-51 */

/* One entry decoded. Bits that have no meaning at its level (D in a table
 * entry) are false. */
struct vs_pt_bits {
	bool present, rw, user, pwt, pcd, accessed, dirty;
	bool ps;		/* PS: a huge leaf (PUD/PMD) */
	bool global, pat, nx;
	bool protnone;		/* P clear, the kernel's PROTNONE set */
	bool leaf;		/* maps a page (or would, if present) */
	unsigned pkey;		/* leaves only */
	uint64_t pfn;		/* the frame: of the page for a leaf, of the
				 * next table for a table entry; inverted
				 * back for non-present entries (L1TF) */
};

/* Decode the raw entry @raw of level @level (VS_PT_*). An entry is a leaf
 * at VS_PT_PTE, or at VS_PT_PUD/PMD with PS set. Returns 0, or -EINVAL for
 * a level out of range. */
int vs_pt_decode(uint64_t raw, int level, struct vs_pt_bits *b);

/* The set bits of @b as text ("P RW US A D NX pkey=1"); "-" for none.
 * Returns @buf. */
const char *vs_pt_bits_str(const struct vs_pt_bits *b, char *buf,
			   size_t size);

/* "PGD", "P4D", "PUD", "PMD", "PTE", or NULL. */
const char *vs_pt_level_name(int level);

/* "present", "protnone", "swap", "migration", "hwpoison", "device",
 * "marker", "other", "bad", or NULL. */
const char *vs_pt_kind_name(int kind);

/* One leaf of the walk. */
struct vs_pt_entry {
	uint64_t addr;			/* first address it maps */
	uint64_t size;			/* 4 KiB, 2 MiB, 1 GiB; for a bad
					 * table entry, the span of its level */
	int level;			/* VS_PT_* of the leaf */
	int kind;			/* VS_PTE_* */
	unsigned flags;			/* VS_PTE_F_* */
	bool have[VS_PT_LEVELS];	/* levels with an entry: down to the
					 * leaf, P4D not when folded */
	uint64_t raw[VS_PT_LEVELS];
	struct vs_pt_bits bits[VS_PT_LEVELS];	/* each entry decoded */
	uint64_t user_pgd;		/* PTI: the user copy of the PGD */
	uint64_t pfn;			/* the kernel's decoding of the leaf */
	unsigned swap_type;		/* VS_PTE_SWAP */
	uint64_t swap_offset;
};

/* What a walk saw besides its leaves. */
struct vs_pt_stats {
	uint64_t mm_id;			/* the mm's context id */
	uint64_t pgd_pfn;
	uint64_t pgtables_bytes;	/* the kernel's count for the mm
					 * (VmPTE), at the end of the walk */
	uint64_t tables[VS_WT_LEVELS];	/* distinct table pages walked */
	unsigned levels;		/* 4 or 5 */
	bool pti;
	uint64_t leaves;		/* entries handed to the callback */
	unsigned requests;		/* ioctls it took */
	bool phys;			/* pgd_pfn and the table entries'
					 * addresses are shown (else 0) */
	unsigned holds;			/* holds of the target's mmap lock */
	unsigned max_hold_entries;	/* most entries read in one hold */
	uint64_t entries;		/* entries read, every level */
	uint64_t max_request_entries;	/* most entries read by one ioctl */
	uint64_t max_hold_ns;		/* the longest hold */
	unsigned changed;		/* huge leaves skipped because the
					 * tables changed between holds:
					 * the walk is not one snapshot */
};

/* Called for each leaf, in address order. A non-zero return stops the
 * walk and is returned by vs_kmod_walk(). */
typedef int (*vs_pt_fn)(const struct vs_pt_entry *e, void *arg);

/* Walk the page tables of process @pid over [@start, @end), inside its
 * mappings. Memory use is bounded (one batch of records, whatever the
 * range). The walk opens /proc/@pid/pagemap (of a live thread when the
 * leader is a zombie) and hands it to the module: who may not read that
 * may not walk. The tables may change between requests: leaves stay in
 * order, and st->changed counts what was skipped for it. @st (may be
 * NULL) gets the statistics. Returns 0, the callback's non-zero value,
 * or a negative errno with @e set:
 *   -ESRCH   no such process in our PID namespace, or it exited
 *   -EACCES  its pagemap is not ours to read (ptrace access check)
 *   -EPERM   VS_KMOD_WANT_PHYS under lockdown=confidentiality
 *   -EINVAL  a kernel thread, or a range that is empty, not canonical or
 *            in the kernel's half of the address space */
int vs_kmod_walk(struct vs_kmod *k, pid_t pid, uint64_t start, uint64_t end,
		 vs_pt_fn fn, void *arg, struct vs_pt_stats *st,
		 struct vs_err *e);

/* Records asked for per request (default 512; 1 to 65536). Tests use 1
 * to check that walks resumed at every leaf give the same answer. */
void vs_kmod_set_batch(struct vs_kmod *k, unsigned records);

#endif
