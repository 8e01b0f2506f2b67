/* vs_kmod_abi.h - the interface between vmscope.ko and the library.
 *
 * This one header is compiled twice: by Kbuild into the module (kmod/) and
 * by the library (lib/kmod.c). It holds everything both sides must agree
 * on: the ABI version, the ioctl numbers of /dev/vmscope and the records
 * they fill. Every record is made of fixed-width types with explicit
 * padding, so its layout is the same for 32- and 64-bit callers.
 *
 * Rules for changing it: a new field goes into a reserved slot or at the
 * end of a record, and VS_KMOD_ABI_VERSION goes up; the library refuses a
 * module of another version with a message that says which side to
 * rebuild. Sizes are checked too: every request carries the size of the
 * record the caller expects.
 *
 * The device is read-only and root-only: it opens only for CAP_SYS_ADMIN
 * (mode 0400), and no request changes kernel state. Physical addresses of
 * kernel structures (CR3, the PGD and the page-table pages) are hidden
 * unless a request asks for them (VS_Q_F_PHYS, VS_WALK_F_PHYS), and
 * refused under lockdown=confidentiality. A WALK of a process also needs
 * a descriptor of its /proc/PID/pagemap, opened by the caller (the
 * kernel's ptrace access check, as for pagemap itself).
 *
 * Version 2: those flags, the pagemap descriptor, hold counts and times
 * in the replies, VS_WALK_F_RESUME and VS_WALK_O_CHANGED.
 */
#ifndef VS_KMOD_ABI_H
#define VS_KMOD_ABI_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define VS_KMOD_ABI_VERSION	2
#define VS_KMOD_NAME		"vmscope"	/* module and device name */
#define VS_KMOD_DEVICE		"/dev/vmscope"
#define VS_KMOD_IOC_MAGIC	0xB9		/* free in ioctl-number.rst */

/* Sizes of the fixed arrays in records. */
#define VS_KMOD_ORDERS		16	/* buddy orders a zone record holds
					 * (the kernel uses MAX_ORDER: 11) */
#define VS_KMOD_MTYPES		8	/* migrate-type slots (VS_MT_*) */
#define VS_KMOD_NAME_LEN	64	/* slab cache names, NUL-terminated */
#define VS_KMOD_TLB_REASONS	6	/* VS_TLB_* reasons */

/* ---- INFO: what the module is and what this kernel offers ---------- */

/* Feature bits of vs_kmod_info.features. */
#define VS_KMOD_F_SLAB		(1u << 0)  /* the SLAB request works (SLUB
					    * with its sysfs directory) */
#define VS_KMOD_F_TLB_TRACE	(1u << 1)  /* tlb:tlb_flush is counted */
#define VS_KMOD_F_PCID		(1u << 2)  /* CR4.PCIDE: PCIDs in use */
#define VS_KMOD_F_PTI		(1u << 3)  /* page-table isolation is on */
#define VS_KMOD_F_LA57		(1u << 4)  /* 5-level paging */
#define VS_KMOD_F_PKU		(1u << 5)  /* protection keys (OSPKE) */
#define VS_KMOD_F_SLUB_DEBUG	(1u << 6)  /* slabs, objects, total_objects
					    * are kept (CONFIG_SLUB_DEBUG) */
#define VS_KMOD_F_CPU_PARTIAL	(1u << 7)  /* per-CPU partial slabs exist */
#define VS_KMOD_F_NUMA		(1u << 8)  /* CONFIG_NUMA */
#define VS_KMOD_F_MM_OWNER	(1u << 9)  /* mm->owner exists (CONFIG_MEMCG) */

/* VS_KMOD_IOC_INFO fills this. */
struct vs_kmod_info {
	__u32 abi_version;	/* VS_KMOD_ABI_VERSION of the module */
	__u32 info_size;	/* sizeof(struct vs_kmod_info) in the module */
	__u32 zone_size;	/* sizeof each record type, as the module */
	__u32 pcp_size;		/* knows them: a caller built against */
	__u32 cache_size;	/* another layout can tell before asking */
	__u32 slab_node_size;
	__u32 cpu_size;
	__u32 pte_size;
	__u32 features;		/* VS_KMOD_F_* */
	__u32 mtypes;		/* bit per VS_MT_* this kernel has */
	__u32 nr_cpu_ids;	/* possible CPU ids: 0 .. nr_cpu_ids - 1 */
	__u32 online_cpus;
	__u32 nr_node_ids;
	__u32 online_nodes;
	__u32 page_shift;	/* 12 */
	__u32 max_order;	/* buddy orders: 0 .. max_order - 1 */
	__u32 pgtable_levels;	/* 4 or 5 */
	__u32 linux_version_code;	/* of the headers it was built with */
	__u64 trace_since_ns;	/* CLOCK_BOOTTIME when counting began */
	char release[72];	/* the running kernel's uname -r */
	char module_version[24];	/* vmscope's version */
	__u64 reserved[8];
};

/* ---- lists: BUDDY, SLAB, TLB ---------------------------------------- */

/* The request of the list ioctls. The caller passes arrays of records
 * (buf, and for BUDDY and SLAB a second array, aux); the module writes at
 * most buf_count and aux_count of them and says how many there were. When
 * total > count (or aux_total > aux_done) the arrays were too small: ask
 * again with larger ones. The module never allocates memory whose size
 * comes from these numbers. */
/* vs_kmod_query.flags */
#define VS_Q_F_PHYS		(1u << 0)  /* TLB: the raw CR3 of each CPU
					    * (refused under lockdown) */
#define VS_Q_F_ALL_CPUS		(1u << 1)  /* TLB: interrupt isolated and
					    * nohz_full CPUs too */
#define VS_Q_F_SLAB_UNBOUNDED	(1u << 2)  /* SLAB: count the objects of
					    * partial lists longer than
					    * the module's bound too */
#define VS_Q_F_ALL		(VS_Q_F_PHYS | VS_Q_F_ALL_CPUS | \
				 VS_Q_F_SLAB_UNBOUNDED)

struct vs_kmod_query {
	__u32 abi_version;	/* in: VS_KMOD_ABI_VERSION */
	__u32 flags;		/* in: VS_Q_F_* */
	__u32 rec_size;		/* in: size of one record of buf */
	__u32 aux_size;		/* in: size of one record of aux, or 0 */
	__u64 buf;		/* in: user address of the records */
	__u64 aux;		/* in: user address of the aux records */
	__u32 buf_count;	/* in: records buf can hold */
	__u32 aux_count;	/* in: records aux can hold */
	__u32 count;		/* out: records written to buf */
	__u32 aux_done;		/* out: records written to aux */
	__u32 total;		/* out: records there were */
	__u32 aux_total;	/* out: aux records there were */
	__u64 max_hold_ns;	/* out: the longest hold of a lock (BUDDY:
				 * a zone lock; SLAB: one show() that walks
				 * a partial list; TLB: one CPU's IPI, sent
				 * to answered), CLOCK_MONOTONIC ns */
	__u64 reserved[3];	/* in: 0 */
};

/* ---- BUDDY: free lists of every populated zone ---------------------- */

/* Migrate types, numbered by the ABI: the kernel's own enum depends on its
 * configuration (CMA, memory isolation). */
#define VS_MT_UNMOVABLE		0
#define VS_MT_MOVABLE		1
#define VS_MT_RECLAIMABLE	2
#define VS_MT_HIGHATOMIC	3
#define VS_MT_CMA		4
#define VS_MT_ISOLATE		5
#define VS_MT__COUNT		6

/* How a free-list count was obtained (vs_kmod_zone.quality). */
#define VS_COUNT_ABSENT		0	/* no such list in this kernel */
#define VS_COUNT_EXACT		1	/* the list was walked to its end */
#define VS_COUNT_DERIVED	2	/* nr_free minus the other lists of
					 * the order, read in the same hold
					 * of the zone lock: exact too */
#define VS_COUNT_LOWER_BOUND	3	/* two or more lists of the order
					 * were longer than one lock hold
					 * may walk: at least this many */

/* One record per populated zone (BUDDY's buf). Page counts are in pages of
 * 2^page_shift bytes; block counts in blocks of 2^order pages. */
struct vs_kmod_zone {
	__u32 node;		/* NUMA node id */
	__u32 zone;		/* zone index in the node (ZONE_DMA = 0 ...) */
	char name[16];		/* the kernel's zone name: "DMA32", "Normal" */
	__u32 orders;		/* orders filled in: the kernel's MAX_ORDER */
	__u32 mtypes;		/* bit per VS_MT_* this kernel has */
	__u64 start_pfn;	/* first page frame */
	__u64 spanned;		/* pages spanned, holes included */
	__u64 present;		/* pages that exist */
	__u64 managed;		/* pages the buddy allocator manages */
	__u64 free_pages;	/* NR_FREE_PAGES, as /proc/zoneinfo */
	__u64 wmark_min;	/* watermarks without the boost ... */
	__u64 wmark_low;
	__u64 wmark_high;
	__u64 wmark_boost;	/* ... which /proc/zoneinfo adds to each */
	__u64 reserved_highatomic;	/* pages held for HighAtomic */
	__u64 nr_free[VS_KMOD_ORDERS];	/* free blocks per order */
	__u64 free[VS_KMOD_ORDERS][VS_KMOD_MTYPES];	/* per order and
							 * VS_MT_*, no cap */
	__u8 quality[VS_KMOD_ORDERS][VS_KMOD_MTYPES];	/* VS_COUNT_* */
	__u32 lock_holds;	/* times the zone lock was taken for it */
	__u32 max_hold_walk;	/* most list entries walked in one hold */
	__u64 max_hold_ns;	/* longest of those holds */
};

/* One record per zone and online CPU (BUDDY's aux): the per-CPU page list,
 * read without its lock as /proc/zoneinfo reads it. */
struct vs_kmod_pcp {
	__u32 node;
	__u32 zone;
	__u32 cpu;
	__u32 reserved0;
	__s32 count;		/* pages on the CPU's lists */
	__s32 high;		/* above this, pages go back to the buddy */
	__s32 batch;		/* pages moved at a time */
	__s32 reserved1;
};

/* ---- SLAB: SLUB caches ----------------------------------------------- */

/* Which figures of a cache record were read (vs_kmod_cache.have). */
#define VS_SLAB_HAVE_ORDER		(1u << 0)  /* order, objs_per_slab */
#define VS_SLAB_HAVE_SLABS		(1u << 1)  /* slabs (SLUB_DEBUG) */
#define VS_SLAB_HAVE_OBJECTS		(1u << 2)  /* objects (SLUB_DEBUG) */
#define VS_SLAB_HAVE_TOTAL		(1u << 3)  /* total_objects (SLUB_DEBUG) */
#define VS_SLAB_HAVE_PARTIAL		(1u << 4)  /* partial_slabs */
#define VS_SLAB_HAVE_PARTIAL_OBJS	(1u << 5)  /* partial_objects */
#define VS_SLAB_HAVE_CPU_SLABS		(1u << 6)  /* cpu_slabs */
#define VS_SLAB_HAVE_CPU_PARTIAL	(1u << 7)  /* cpu_partial_slabs_now */

/* Cache flags, numbered by the ABI (vs_kmod_cache.vflags): the SLAB_* of
 * the kernel's linux/slab.h that it has, whatever their values there. */
#define VS_SLAB_F_CONSISTENCY_CHECKS	(1u << 0)
#define VS_SLAB_F_RED_ZONE		(1u << 1)
#define VS_SLAB_F_POISON		(1u << 2)
#define VS_SLAB_F_KMALLOC		(1u << 3)
#define VS_SLAB_F_HWCACHE_ALIGN		(1u << 4)
#define VS_SLAB_F_CACHE_DMA		(1u << 5)
#define VS_SLAB_F_CACHE_DMA32		(1u << 6)
#define VS_SLAB_F_STORE_USER		(1u << 7)
#define VS_SLAB_F_PANIC			(1u << 8)
#define VS_SLAB_F_TYPESAFE_BY_RCU	(1u << 9)
#define VS_SLAB_F_MEM_SPREAD		(1u << 10)
#define VS_SLAB_F_TRACE			(1u << 11)
#define VS_SLAB_F_DEBUG_OBJECTS		(1u << 12)
#define VS_SLAB_F_NOLEAKTRACE		(1u << 13)
#define VS_SLAB_F_FAILSLAB		(1u << 14)
#define VS_SLAB_F_ACCOUNT		(1u << 15)
#define VS_SLAB_F_KASAN			(1u << 16)
#define VS_SLAB_F_NO_USER_FLAGS		(1u << 17)
#define VS_SLAB_F_SKIP_KFENCE		(1u << 18)
#define VS_SLAB_F_RECLAIM_ACCOUNT	(1u << 19)
#define VS_SLAB_F__COUNT		20

/* One record per cache (SLAB's buf). A cache that other names were merged
 * into appears once, under the name /proc/slabinfo shows. */
struct vs_kmod_cache {
	char name[VS_KMOD_NAME_LEN];	/* as /proc/slabinfo names it */
	char sysfs_name[VS_KMOD_NAME_LEN];	/* its /sys/kernel/slab dir */
	__u64 flags;		/* raw slab_flags_t, SLUB's own bits too */
	__u64 min_partial;	/* partial slabs kept per node */
	__u32 size;		/* bytes per object, metadata included */
	__u32 object_size;	/* bytes the user asked for */
	__u32 align;
	__s32 refcount;		/* users: 1 + caches merged into it; -1
				 * for the boot caches (never merged) */
	__u32 order;		/* pages per slab: 2^order */
	__u32 objs_per_slab;
	__u32 cpu_partial;	/* per-CPU partial objects to keep */
	__u32 cpu_partial_slabs;	/* per-CPU partial slabs to keep */
	__u32 usersize;		/* usercopy region */
	__u32 have;		/* VS_SLAB_HAVE_* */
	__u32 cpus_with_slab;	/* CPUs with an active (per-CPU) slab */
	__u32 cpus_with_partial;	/* CPUs with per-CPU partial slabs */
	__u32 node_first;	/* its slab_node records: aux[node_first] */
	__u32 node_count;	/* ... and the node_count after it */
	__u32 vflags;		/* VS_SLAB_F_*: the flags, by name */
	__u32 reserved0;
	__u64 slabs;		/* slabs in the cache (all nodes) */
	__u64 objects;		/* objects in use (as slabinfo active_objs) */
	__u64 total_objects;	/* object slots (slabinfo num_objs) */
	__u64 partial_slabs;	/* slabs on the nodes' partial lists */
	__u64 partial_objects;	/* objects in use in those slabs */
	__u64 cpu_slabs;	/* active per-CPU slabs + per-CPU partial
				 * slabs (sysfs cpu_slabs) */
	__u64 cpu_partial_slabs_now;	/* per-CPU partial slabs now */
};

/* One record per cache and online node (SLAB's aux). */
struct vs_kmod_slab_node {
	__u32 cache;		/* index of its cache record */
	__u32 node;
	__u64 slabs;
	__u64 objects;
	__u64 total_objects;
	__u64 partial_slabs;
	__u64 partial_objects;
	__u64 cpu_slabs;
};

/* ---- TLB: per CPU ---------------------------------------------------- */

/* Reasons of the tlb:tlb_flush tracepoint (the kernel's enum
 * tlb_flush_reason), and a slot for any reason a newer kernel adds. */
#define VS_TLB_TASK_SWITCH	0	/* flush on task switch */
#define VS_TLB_REMOTE_SHOOTDOWN	1	/* flush asked by another CPU */
#define VS_TLB_LOCAL_SHOOTDOWN	2	/* this CPU flushed a range */
#define VS_TLB_LOCAL_MM_SHOOTDOWN 3	/* this CPU flushed an mm */
#define VS_TLB_REMOTE_SEND_IPI	4	/* this CPU sent flush IPIs */
#define VS_TLB_OTHER		5	/* a reason this ABI does not know */

/* vs_kmod_cpu.flags */
#define VS_CPU_ONLINE		(1u << 0)  /* the rest is filled in */
#define VS_CPU_LAZY		(1u << 1)  /* lazy TLB mode */
#define VS_CPU_MM_LOADED	(1u << 2)  /* CR3 holds the PGD of the
					    * active mm (mm_id) */
#define VS_CPU_KERNEL_MM	(1u << 3)  /* the active mm is init_mm */
#define VS_CPU_IDLE		(1u << 4)  /* the idle task is running */
#define VS_CPU_KTHREAD		(1u << 5)  /* a kernel thread is running */
#define VS_CPU_PCID		(1u << 6)  /* CR4.PCIDE: pcid, asid valid */
#define VS_CPU_OWNER		(1u << 7)  /* owner_tgid is known */
#define VS_CPU_CR3		(1u << 8)  /* cr3 is filled in (VS_Q_F_PHYS) */
#define VS_CPU_SKIPPED		(1u << 9)  /* online, but isolated or
					    * nohz_full: not interrupted
					    * (no VS_Q_F_ALL_CPUS); only the
					    * counts are filled in */

/* One record per possible CPU (TLB's buf), read on that CPU. */
struct vs_kmod_cpu {
	__u32 cpu;
	__u32 flags;		/* VS_CPU_* */
	__u64 cr3;		/* raw CR3: the PGD's physical address, and
				 * the PCID in bits 0-11; 0 unless
				 * VS_CPU_CR3 */
	__u64 mm_id;		/* the active mm's context id (never reused;
				 * 1 is init_mm); the walk reports it too */
	__u64 mm_tlb_gen;	/* the mm's flush generation (tlb_gen) */
	__s32 owner_tgid;	/* the mm's owner (mm->owner), in the
				 * caller's PID namespace; 0 when none */
	__s32 task_pid;		/* the running task; 0 for idle */
	__s32 task_tgid;
	__u16 pcid;		/* CR3 bits 0-11 with PCIDs on */
	__u16 asid;		/* the kernel's dynamic ASID: pcid - 1 */
	char comm[16];		/* the running task's name */
	__u64 flushes[VS_KMOD_TLB_REASONS];	/* tlb_flush events per
						 * VS_TLB_* since load */
	__u64 flush_all[VS_KMOD_TLB_REASONS];	/* of them, whole flushes */
	__u64 flush_pages[VS_KMOD_TLB_REASONS];	/* pages of the others */
};

/* ---- WALK: the page tables of a process ----------------------------- */

/* Levels, from the top. With 4-level paging the P4D is folded into the
 * PGD: the PGD entry is the hardware's PML4 entry, and no P4D is
 * reported. */
#define VS_PT_PGD		0
#define VS_PT_P4D		1
#define VS_PT_PUD		2
#define VS_PT_PMD		3
#define VS_PT_PTE		4
#define VS_PT_LEVELS		5

/* vs_kmod_pte.kind: what the leaf entry is. */
#define VS_PTE_PRESENT		1	/* P set: a mapped page */
#define VS_PTE_PROTNONE		2	/* P clear but the kernel counts the
					 * page present (PROT_NONE, NUMA
					 * hinting, a THP being split) */
#define VS_PTE_SWAP		3	/* swap entry: swap_type/offset */
#define VS_PTE_MIGRATION	4	/* migration entry: pfn is the page */
#define VS_PTE_HWPOISON		5	/* poisoned page: pfn */
#define VS_PTE_DEVICE		6	/* device-private/exclusive: pfn */
#define VS_PTE_MARKER		7	/* PTE marker (userfaultfd-wp) */
#define VS_PTE_OTHER		8	/* another non-present entry */
#define VS_PTE_BAD		9	/* a table entry the kernel calls
					 * bad: not descended into */

/* vs_kmod_pte.flags */
#define VS_PTE_F_P4D_FOLDED	(1u << 0)  /* 4-level paging: no P4D */
#define VS_PTE_F_HUGETLB	(1u << 1)  /* in a hugetlbfs mapping */
#define VS_PTE_F_PTI		(1u << 2)  /* user_pgd is filled in */

/* One record per leaf the walk found (WALK's buf): a present page of any
 * size, or a non-present entry that is not empty. Empty entries are
 * skipped. */
struct vs_kmod_pte {
	__u64 addr;		/* first virtual address the leaf maps */
	__u64 entry[VS_PT_LEVELS];	/* raw entries, VS_PT_PGD first;
					 * 0 below the leaf and for a
					 * folded P4D */
	__u64 user_pgd;		/* with PTI: the user copy of the PGD entry */
	__u64 pfn;		/* the kernel's decoding: the page frame of a
				 * present, PROT_NONE, migration, poison or
				 * device leaf; else 0 */
	__u64 swap_offset;	/* VS_PTE_SWAP: offset in the swap area */
	__u32 swap_type;	/* VS_PTE_SWAP: swap area (swapon order) */
	__u8 level;		/* VS_PT_*: the leaf's level */
	__u8 kind;		/* VS_PTE_* */
	__u16 flags;		/* VS_PTE_F_* */
};

/* vs_kmod_walk.detail: why a walk was refused (with -EINVAL or -ESRCH). */
#define VS_WALK_OK		0
#define VS_WALK_E_NOPROC	1	/* no such process (or it exited) */
#define VS_WALK_E_KTHREAD	2	/* a kernel thread: no user memory */
#define VS_WALK_E_RANGE		3	/* start >= end */
#define VS_WALK_E_NONCANONICAL	4	/* not a canonical address */
#define VS_WALK_E_KERNEL	5	/* a kernel (upper half) address */
#define VS_WALK_E_ARGS		6	/* a bad field in the request */
#define VS_WALK_E_ACCESS	7	/* pagemap_fd is not the target's
					 * /proc/PID/pagemap (-EACCES) */
#define VS_WALK_E_NOMM		8	/* pagemap_fd was opened when the
					 * task had no mm (a zombie thread
					 * group leader): open a live
					 * thread's (-EACCES) */
#define VS_WALK_E_LOCKDOWN	9	/* VS_WALK_F_PHYS under lockdown
					 * (-EPERM) */

/* vs_kmod_walk.flags */
#define VS_WALK_F_PHYS		(1u << 0)  /* the PGD and table page frames:
					    * pgd_pfn, the table entries
					    * above each leaf, user_pgd */
#define VS_WALK_F_RESUME	(1u << 1)  /* start is where the last
					    * request stopped: a leaf that
					    * begins before it is skipped
					    * (VS_WALK_O_CHANGED) */
#define VS_WALK_F_ALL		(VS_WALK_F_PHYS | VS_WALK_F_RESUME)

/* vs_kmod_walk.out_flags */
#define VS_WALK_O_LA57		(1u << 0)
#define VS_WALK_O_PTI		(1u << 1)
#define VS_WALK_O_PHYS		(1u << 2)  /* page frames of tables are
					    * shown (VS_WALK_F_PHYS) */
#define VS_WALK_O_CHANGED	(1u << 3)  /* the tables changed under the
					    * walk: a leaf began before
					    * where the walk resumed (a huge
					    * page collapsed or mapped over
					    * a range partly walked) and
					    * was skipped; changed counts */

/* Table levels counted in vs_kmod_walk.tables[]. */
#define VS_WT_P4D		0
#define VS_WT_PUD		1
#define VS_WT_PMD		2
#define VS_WT_PTE		3
#define VS_WT_LEVELS		4

/* The WALK request: walk [start, end) of process pid. The module writes at
 * most buf_count records and sets next to where it stopped: end when the
 * range is done, else the address to ask for next. Only the parts of the
 * range inside the process's mappings are walked.
 *
 * Without VS_WALK_F_PHYS the page frames of page-table pages are hidden:
 * pgd_pfn and user_pgd are 0, the entries above a leaf (and a bad table
 * entry) have their address bits 12-51 cleared, and first_table and
 * last_table hold keyed hashes of the frames (equal for equal frames
 * while the module is loaded) instead of the frames.
 *
 * Limits: one hold of mmap_read_lock reads at most 8,192 entries (every
 * level, empty ones included) and is never left inside a PTE table while
 * the batch has room; a request reads at most 2^20 entries and then
 * returns with next < end. */
struct vs_kmod_walk {
	__u32 abi_version;	/* in: VS_KMOD_ABI_VERSION */
	__u32 flags;		/* in: 0 */
	__u32 rec_size;		/* in: sizeof(struct vs_kmod_pte) */
	__s32 pid;		/* in: in the caller's PID namespace */
	__u64 start;		/* in: first address (rounded down to a page) */
	__u64 end;		/* in: end, exclusive (rounded up to a page) */
	__u64 buf;		/* in: user address of the records */
	__u32 buf_count;	/* in: records buf can hold */
	__u32 count;		/* out: records written */
	__u64 next;		/* out: where the walk stopped */
	__u64 mm_id;		/* out: the mm's context id (see TLB) */
	__u64 pgd_pfn;		/* out: page frame of the PGD */
	__u64 pgtables_bytes;	/* out: page-table bytes the kernel counts
				 * for the mm (VmPTE): PTE, PMD and PUD
				 * tables, not the PGD or P4D */
	__u64 tables[VS_WT_LEVELS];	/* out: distinct table pages this
					 * call walked, per VS_WT_* */
	__u64 first_table[VS_WT_LEVELS];	/* out: page frame of the
						 * first and of the last of */
	__u64 last_table[VS_WT_LEVELS];	/* them (0: none), to count a table
					 * two calls share only once */
	__u32 levels;		/* out: 4 or 5 */
	__u32 detail;		/* out: VS_WALK_OK or VS_WALK_E_* */
	__u32 out_flags;	/* out: VS_WALK_O_* */
	__s32 pagemap_fd;	/* in: the caller's descriptor of the
				 * target's /proc/PID/pagemap (or of a live
				 * thread's /proc/PID/task/TID/pagemap) */
	__u32 holds;		/* out: holds of mmap_read_lock */
	__u32 max_hold_entries;	/* out: most entries read in one hold */
	__u64 entries;		/* out: entries read in all */
	__u64 max_hold_ns;	/* out: longest hold */
	__u32 changed;		/* out: leaves skipped (VS_WALK_O_CHANGED) */
	__u32 reserved0;	/* in: 0 */
};

/* ---- the requests ---------------------------------------------------- */

#define VS_KMOD_IOC_INFO \
	_IOR(VS_KMOD_IOC_MAGIC, 1, struct vs_kmod_info)
#define VS_KMOD_IOC_BUDDY \
	_IOWR(VS_KMOD_IOC_MAGIC, 2, struct vs_kmod_query)
#define VS_KMOD_IOC_SLAB \
	_IOWR(VS_KMOD_IOC_MAGIC, 3, struct vs_kmod_query)
#define VS_KMOD_IOC_TLB \
	_IOWR(VS_KMOD_IOC_MAGIC, 4, struct vs_kmod_query)
#define VS_KMOD_IOC_WALK \
	_IOWR(VS_KMOD_IOC_MAGIC, 5, struct vs_kmod_walk)

#endif
