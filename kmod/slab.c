// SPDX-License-Identifier: GPL-2.0
/* slab.c - the SLAB request: SLUB caches, per node and per CPU.
 *
 * The route, and why it is safe. SLUB's private structures (struct
 * kmem_cache_node, struct slab, slab_caches, slab_mutex) live in mm/slab.h,
 * which is not in the kernel headers and is not exported; copying their
 * layout into a module would read garbage the day it changes. What is
 * public:
 *
 *  - struct kmem_cache and struct kmem_cache_cpu (linux/slub_def.h): name,
 *    sizes, flags, and each CPU's active and partial slab pointers;
 *  - SLUB's sysfs directory, /sys/kernel/slab: the kset "slab" holds one
 *    kobject per cache (embedded in its struct kmem_cache), and each
 *    attribute file's show() method computes a figure with SLUB's own
 *    locking (count_partial() takes the node's list_lock). These files are
 *    a documented ABI (Documentation/ABI/testing/sysfs-kernel-slab).
 *
 * So the module finds the kset through kernfs (kernfs_find_and_get() on
 * /sys/kernel, exported), checks it against a kmalloc cache (kmalloc_caches
 * is exported) whose kobject must belong to it, and takes the attribute
 * pointers from that cache's kernfs nodes (sysfs stores the attribute as the
 * node's private data; every cache shares the same static attributes). For
 * each cache it then calls the attribute's show() exactly as a read of the
 * sysfs file does (sysfs_kf_seq_show: ops->show(kobj, attr, page)), and
 * parses the documented text ("N N0=a N1=b"). It never calls store().
 *
 * Lifetime: caches are taken from the kset's list under kset->list_lock
 * with kobject_get_unless_zero(), as kset_find_obj() does. A reference on
 * the kobject keeps the whole struct kmem_cache alive, its per-node and
 * per-CPU structures and its name included: SLUB frees them only in the
 * kobject's release (kmem_cache_release -> __kmem_cache_release), even if
 * the cache is destroyed meanwhile (its figures then read as zero).
 *
 * What the module assumes, and where it is checked: at build time, that
 * struct kmem_cache embeds its kobject and that struct kmem_cache_cpu's
 * slab pointers are pointers (the stand-in struct slab below is never
 * looked into); at load time, that each attribute file's kernfs node holds
 * a struct attribute of that file's name, and that the show() found that
 * way prints a kmalloc cache's own slab_size and object_size. Otherwise
 * the SLAB request is not offered (-EOPNOTSUPP), with a line in dmesg.
 *
 * Cost. "objects" and "objects_partial" walk each node's partial list
 * under its list_lock with interrupts off (count_partial()). They are read
 * only when every node's partial list of the cache ("partial", a counter)
 * is at most partial_limit slabs long; otherwise those two figures are
 * absent, unless the request asks for them anyway (VS_Q_F_SLAB_UNBOUNDED).
 *
 * What cannot be had: the objects on a CPU's partial slabs (SLUB itself
 * only estimates them, as half of the slots), and the per-node figures of a
 * kernel without CONFIG_SLUB_DEBUG, which does not keep them.
 */
#include <linux/cpumask.h>
#include <linux/gfp.h>
#include <linux/kernfs.h>
#include <linux/kobject.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/nodemask.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#ifdef CONFIG_SLUB
/* linux/slub_def.h is public, but in 6.1 its last three inline helpers
 * (nearest_obj, obj_to_index, objs_per_slab) use struct slab and
 * slab_address() from mm/slab.h, which is not. These stand-ins exist only
 * so that the header compiles: those helpers are never called here, and
 * nothing in this module looks inside a struct slab (its pointers are only
 * compared with NULL). struct kmem_cache and struct kmem_cache_cpu, which
 * the module does read, come from the header unchanged. */
struct slab {
	unsigned int objects;
};

static inline void *slab_address(const struct slab *slab)
{
	return NULL;
}

#include <linux/slub_def.h>
#endif

#include "vmscope.h"

#ifdef CONFIG_SLUB

/* The sysfs attributes read, in the order of this enum. */
enum {
	VS_A_ORDER, VS_A_OBJS_PER_SLAB, VS_A_SLABS, VS_A_OBJECTS,
	VS_A_TOTAL_OBJECTS, VS_A_PARTIAL, VS_A_OBJECTS_PARTIAL,
	VS_A_CPU_SLABS, VS_A_SLABS_CPU_PARTIAL, VS_A_SLAB_SIZE,
	VS_A_OBJECT_SIZE, VS_A__COUNT
};

static const char *const vs_attr_name[VS_A__COUNT] = {
	[VS_A_ORDER] = "order",
	[VS_A_OBJS_PER_SLAB] = "objs_per_slab",
	[VS_A_SLABS] = "slabs",
	[VS_A_OBJECTS] = "objects",
	[VS_A_TOTAL_OBJECTS] = "total_objects",
	[VS_A_PARTIAL] = "partial",
	[VS_A_OBJECTS_PARTIAL] = "objects_partial",
	[VS_A_CPU_SLABS] = "cpu_slabs",
	[VS_A_SLABS_CPU_PARTIAL] = "slabs_cpu_partial",
	[VS_A_SLAB_SIZE] = "slab_size",		/* load-time check only */
	[VS_A_OBJECT_SIZE] = "object_size",	/* load-time check only */
};

/* Partial slabs per node up to which "objects" and "objects_partial"
 * are read (each walks the list under the node's lock). */
static unsigned int partial_limit = 4096;
module_param(partial_limit, uint, 0400);
MODULE_PARM_DESC(partial_limit, "longest partial list (slabs, per node) "
		 "the SLAB request walks to count objects (default 4096)");

/* Rows of per-node figures. */
enum {
	VS_N_SLABS, VS_N_OBJECTS, VS_N_TOTAL, VS_N_PARTIAL,
	VS_N_PARTIAL_OBJS, VS_N_CPU_SLABS, VS_N__COUNT
};

static struct kset *vs_kset;			/* /sys/kernel/slab */
static const struct kobj_type *vs_ktype;	/* SLUB's slab_ktype */
static struct attribute *vs_attr[VS_A__COUNT];	/* NULL: not available */

#define VS_MAX_CACHES	65536	/* more caches than this: refuse */

bool vs_slab_usable(void)
{
	return vs_kset && vs_ktype && vs_ktype->sysfs_ops &&
	       vs_ktype->sysfs_ops->show;
}

/* A kmalloc cache: created at boot, never destroyed. */
static struct kmem_cache *vs_ref_cache(void)
{
	int i;

	for (i = 0; i <= KMALLOC_SHIFT_HIGH; i++)
		if (kmalloc_caches[KMALLOC_NORMAL][i])
			return kmalloc_caches[KMALLOC_NORMAL][i];
	return NULL;
}

static ssize_t vs_show(struct kobject *kobj, int a, char *page);
static bool vs_parse_one(const char *s, u32 *v);

/* Whether attribute @a of @ref's shows @want. */
static bool vs_shows(struct kmem_cache *ref, int a, unsigned int want)
{
	char *page = (char *)__get_free_page(GFP_KERNEL);
	bool ok;
	u32 v;

	if (!page)
		return false;
	ok = vs_show(&ref->kobj, a, page) > 0 && vs_parse_one(page, &v) &&
	     v == want;
	free_page((unsigned long)page);
	return ok;
}

/* The load-time checks (see the top); false: no SLAB request. */
static bool vs_slab_layout_ok(struct kmem_cache *ref)
{
	if (!vs_slab_usable() || !vs_shows(ref, VS_A_SLAB_SIZE, ref->size) ||
	    !vs_shows(ref, VS_A_OBJECT_SIZE, ref->object_size)) {
		pr_warn("vmscope: SLUB's sysfs attributes do not show what this "
			"module expects for %s; the SLAB view is off\n",
			ref->name);
		return false;
	}
	return true;
}

int vs_slab_init(void)
{
	struct kernfs_node *kn;
	struct kmem_cache *ref;
	struct kobject *kobj;
	int i;

	/* What the code below and vs_cache_fill() take from the headers. */
	BUILD_BUG_ON(!__same_type(((struct kmem_cache *)0)->kobj,
				  struct kobject));
	BUILD_BUG_ON(!__same_type(((struct kmem_cache_cpu *)0)->slab,
				  struct slab *));
#ifdef CONFIG_SLUB_CPU_PARTIAL
	BUILD_BUG_ON(!__same_type(((struct kmem_cache_cpu *)0)->partial,
				  struct slab *));
#endif

	if (!kernel_kobj || !kernel_kobj->sd)
		return 0;
	kn = kernfs_find_and_get(kernel_kobj->sd, "slab");
	if (!kn)
		return 0;	/* SLUB without sysfs: no SLAB request */
	if (kernfs_type(kn) != KERNFS_DIR) {
		kernfs_put(kn);
		return 0;
	}
	/* A sysfs directory's private data is its kobject
	 * (sysfs_create_dir_ns); "slab" is a kset's (slab_sysfs_init). */
	kobj = kn->priv;
	kernfs_put(kn);
	ref = vs_ref_cache();
	if (!kobj || !ref || !ref->kobj.sd || ref->kobj.kset != to_kset(kobj))
		return 0;	/* not the layout this file expects */
	vs_kset = to_kset(kobj);
	vs_ktype = get_ktype(&ref->kobj);
	for (i = 0; i < VS_A__COUNT; i++) {
		kn = kernfs_find_and_get(ref->kobj.sd, vs_attr_name[i]);
		if (!kn)
			continue;	/* e.g. "slabs" without SLUB_DEBUG */
		/* sysfs keeps the attribute as the node's private data
		 * (sysfs_add_file_mode_ns): it must carry the file's name. */
		if (kernfs_type(kn) == KERNFS_FILE && kn->priv &&
		    ((struct attribute *)kn->priv)->name &&
		    !strcmp(((struct attribute *)kn->priv)->name,
			    vs_attr_name[i]))
			vs_attr[i] = kn->priv;
		else if (kernfs_type(kn) == KERNFS_FILE)
			pr_warn("vmscope: /sys/kernel/slab/%s/%s does not hold "
				"the attribute expected\n",
				kobject_name(&ref->kobj), vs_attr_name[i]);
		kernfs_put(kn);
	}
	if (!vs_attr[VS_A_ORDER] || !vs_attr[VS_A_OBJS_PER_SLAB] ||
	    !vs_slab_layout_ok(ref))
		vs_kset = NULL;
	return 0;
}

void vs_slab_exit(void)
{
	vs_kset = NULL;
}

/* The kernel's SLAB_* flags and their ABI numbers. Flags a configuration
 * lacks are 0 in linux/slab.h and are skipped. */
static const struct {
	slab_flags_t kernel;
	u32 abi;
} vs_flag_map[] = {
	{ SLAB_CONSISTENCY_CHECKS, VS_SLAB_F_CONSISTENCY_CHECKS },
	{ SLAB_RED_ZONE, VS_SLAB_F_RED_ZONE },
	{ SLAB_POISON, VS_SLAB_F_POISON },
#ifdef SLAB_KMALLOC
	{ SLAB_KMALLOC, VS_SLAB_F_KMALLOC },
#endif
	{ SLAB_HWCACHE_ALIGN, VS_SLAB_F_HWCACHE_ALIGN },
	{ SLAB_CACHE_DMA, VS_SLAB_F_CACHE_DMA },
	{ SLAB_CACHE_DMA32, VS_SLAB_F_CACHE_DMA32 },
	{ SLAB_STORE_USER, VS_SLAB_F_STORE_USER },
	{ SLAB_PANIC, VS_SLAB_F_PANIC },
	{ SLAB_TYPESAFE_BY_RCU, VS_SLAB_F_TYPESAFE_BY_RCU },
	{ SLAB_MEM_SPREAD, VS_SLAB_F_MEM_SPREAD },
	{ SLAB_TRACE, VS_SLAB_F_TRACE },
	{ SLAB_DEBUG_OBJECTS, VS_SLAB_F_DEBUG_OBJECTS },
	{ SLAB_NOLEAKTRACE, VS_SLAB_F_NOLEAKTRACE },
	{ SLAB_FAILSLAB, VS_SLAB_F_FAILSLAB },
	{ SLAB_ACCOUNT, VS_SLAB_F_ACCOUNT },
	{ SLAB_KASAN, VS_SLAB_F_KASAN },
	{ SLAB_NO_USER_FLAGS, VS_SLAB_F_NO_USER_FLAGS },
#ifdef SLAB_SKIP_KFENCE
	{ SLAB_SKIP_KFENCE, VS_SLAB_F_SKIP_KFENCE },
#endif
	{ SLAB_RECLAIM_ACCOUNT, VS_SLAB_F_RECLAIM_ACCOUNT },
};

static u32 vs_abi_flags(slab_flags_t f)
{
	u32 v = 0;
	int i;

	for (i = 0; i < ARRAY_SIZE(vs_flag_map); i++)
		if (vs_flag_map[i].kernel && (f & vs_flag_map[i].kernel))
			v |= vs_flag_map[i].abi;
	return v;
}

/* Parse an unsigned decimal at *@p; advance past it. */
static bool vs_parse_ul(const char **p, unsigned long *v)
{
	const char *s = *p;
	unsigned long x = 0;

	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9') {
		if (x > (ULONG_MAX - (*s - '0')) / 10)
			return false;
		x = x * 10 + (*s++ - '0');
	}
	*p = s;
	*v = x;
	return true;
}

/* Call the show() of attribute @a for @kobj into @page (PAGE_SIZE, zeroed
 * as sysfs does). Returns the length or a negative errno. */
static ssize_t vs_show(struct kobject *kobj, int a, char *page)
{
	ssize_t n;

	if (!vs_attr[a])
		return -ENOENT;
	memset(page, 0, PAGE_SIZE);
	n = vs_ktype->sysfs_ops->show(kobj, vs_attr[a], page);
	if (n < 0)
		return n;
	if (n >= PAGE_SIZE)
		return -EOVERFLOW;
	page[n] = '\0';
	return n;
}

/* "TOTAL[ N<node>=<value>...]\n" (show_slab_objects). The per-node values
 * go to nodes[node] (nr_node_ids of them); without CONFIG_NUMA the total
 * is node 0's. Returns false if the text is not in that form. */
static bool vs_parse_nodes(const char *s, u64 *total, u64 *nodes)
{
	unsigned long v, node;

	if (!vs_parse_ul(&s, &v))
		return false;
	*total = v;
	if (!IS_ENABLED(CONFIG_NUMA))
		nodes[0] = v;
	while (*s == ' ') {
		s++;
		if (*s++ != 'N' || !vs_parse_ul(&s, &node) || *s++ != '=' ||
		    !vs_parse_ul(&s, &v) || node >= nr_node_ids)
			return false;
		nodes[node] = v;
	}
	return *s == '\n' || *s == '\0';
}

/* "OBJECTS(SLABS)[ C<cpu>=OBJECTS(SLABS)...]\n": the total slabs. */
static bool vs_parse_cpu_partial(const char *s, u64 *slabs)
{
	unsigned long objs, n;

	if (!vs_parse_ul(&s, &objs) || *s++ != '(' || !vs_parse_ul(&s, &n) ||
	    *s != ')')
		return false;
	*slabs = n;
	return true;
}

/* One number per line ("order", "objs_per_slab"). */
static bool vs_parse_one(const char *s, u32 *v)
{
	unsigned long x;

	if (!vs_parse_ul(&s, &x) || x > U32_MAX)
		return false;
	*v = x;
	return true;
}

/* Fill @c and the per-node figures @nv (VS_N__COUNT rows of nr_node_ids)
 * for the cache whose kobject is @kobj. */
static void vs_cache_fill(struct kobject *kobj, struct vs_kmod_cache *c,
			  u64 *nv, char *page, struct vs_req *r)
{
	static const struct {
		int attr, node_row;
		u32 have;
		size_t off;
	} per_node[] = {
		/* "partial" first: it bounds the two that walk lists. */
		{ VS_A_PARTIAL, VS_N_PARTIAL, VS_SLAB_HAVE_PARTIAL,
		  offsetof(struct vs_kmod_cache, partial_slabs) },
		{ VS_A_SLABS, VS_N_SLABS, VS_SLAB_HAVE_SLABS,
		  offsetof(struct vs_kmod_cache, slabs) },
		{ VS_A_OBJECTS, VS_N_OBJECTS, VS_SLAB_HAVE_OBJECTS,
		  offsetof(struct vs_kmod_cache, objects) },
		{ VS_A_TOTAL_OBJECTS, VS_N_TOTAL, VS_SLAB_HAVE_TOTAL,
		  offsetof(struct vs_kmod_cache, total_objects) },
		{ VS_A_OBJECTS_PARTIAL, VS_N_PARTIAL_OBJS,
		  VS_SLAB_HAVE_PARTIAL_OBJS,
		  offsetof(struct vs_kmod_cache, partial_objects) },
		{ VS_A_CPU_SLABS, VS_N_CPU_SLABS, VS_SLAB_HAVE_CPU_SLABS,
		  offsetof(struct vs_kmod_cache, cpu_slabs) },
	};
	struct kmem_cache *s = container_of(kobj, struct kmem_cache, kobj);
	bool walks_ok = r->q.flags & VS_Q_F_SLAB_UNBOUNDED;
	u32 v;
	int i, cpu, nid;

	strscpy(c->name, s->name ? s->name : "", sizeof(c->name));
	strscpy(c->sysfs_name, kobject_name(kobj) ? kobject_name(kobj) : "",
		sizeof(c->sysfs_name));
	c->flags = (__force u64)s->flags;
	c->vflags = vs_abi_flags(s->flags);
	c->min_partial = s->min_partial;
	c->size = s->size;
	c->object_size = s->object_size;
	c->align = s->align;
	c->refcount = s->refcount;
#ifdef CONFIG_SLUB_CPU_PARTIAL
	c->cpu_partial = s->cpu_partial;
	c->cpu_partial_slabs = s->cpu_partial_slabs;
#endif
	c->usersize = s->usersize;

	if (vs_show(kobj, VS_A_ORDER, page) > 0 && vs_parse_one(page, &v)) {
		c->order = v;
		if (vs_show(kobj, VS_A_OBJS_PER_SLAB, page) > 0 &&
		    vs_parse_one(page, &v)) {
			c->objs_per_slab = v;
			c->have |= VS_SLAB_HAVE_ORDER;
		}
	}
	for (i = 0; i < ARRAY_SIZE(per_node); i++) {
		u64 *row = nv + (size_t)per_node[i].node_row * nr_node_ids;
		u64 total;

		/* objects, slabs, total_objects count nothing without
		 * SLUB_DEBUG (show_slab_objects' SO_ALL branch). */
		if (!IS_ENABLED(CONFIG_SLUB_DEBUG) &&
		    (per_node[i].have & (VS_SLAB_HAVE_SLABS |
					 VS_SLAB_HAVE_OBJECTS |
					 VS_SLAB_HAVE_TOTAL)))
			continue;
		/* The two that walk partial lists: only short ones. */
		if ((per_node[i].attr == VS_A_OBJECTS ||
		     per_node[i].attr == VS_A_OBJECTS_PARTIAL) && !walks_ok)
			continue;
		if (per_node[i].attr == VS_A_OBJECTS ||
		    per_node[i].attr == VS_A_OBJECTS_PARTIAL) {
			u64 t0 = ktime_get_ns();
			ssize_t n = vs_show(kobj, per_node[i].attr, page);

			vs_hold_time(t0, ktime_get_ns(), &r->q.max_hold_ns);
			if (n <= 0)
				continue;
		} else if (vs_show(kobj, per_node[i].attr, page) <= 0) {
			continue;
		}
		memset(row, 0, nr_node_ids * sizeof(*row));
		if (!vs_parse_nodes(page, &total, row)) {
			memset(row, 0, nr_node_ids * sizeof(*row));
			continue;
		}
		*(u64 *)((char *)c + per_node[i].off) = total;
		c->have |= per_node[i].have;
		if (per_node[i].attr == VS_A_PARTIAL && !walks_ok) {
			walks_ok = true;
			for_each_online_node(nid)
				if (row[nid] > partial_limit)
					walks_ok = false;
		}
	}
	if (vs_show(kobj, VS_A_SLABS_CPU_PARTIAL, page) > 0 &&
	    vs_parse_cpu_partial(page, &c->cpu_partial_slabs_now))
		c->have |= VS_SLAB_HAVE_CPU_PARTIAL;

	/* Which CPUs hold slabs of the cache: the pointers are read once,
	 * without the per-CPU lock, as SLUB's own cpu_slabs file does. */
	for_each_possible_cpu(cpu) {
		struct kmem_cache_cpu *kc = per_cpu_ptr(s->cpu_slab, cpu);

		if (READ_ONCE(kc->slab))
			c->cpus_with_slab++;
#ifdef CONFIG_SLUB_CPU_PARTIAL
		if (READ_ONCE(kc->partial))
			c->cpus_with_partial++;
#endif
	}
}

/* Take a reference on up to @cap member kobjects of the kset into @arr.
 * Returns the number taken, or -E2BIG when there were more. */
static int vs_grab_caches(struct kobject **arr, int cap)
{
	struct kobject *k;
	int n = 0, err = 0;

	spin_lock(&vs_kset->list_lock);
	list_for_each_entry(k, &vs_kset->list, entry) {
		if (get_ktype(k) != vs_ktype)
			continue;	/* not a cache: leave it alone */
		if (n == cap) {
			err = -E2BIG;
			break;
		}
		if (kobject_get_unless_zero(k))
			arr[n++] = k;
	}
	spin_unlock(&vs_kset->list_lock);
	if (err) {
		while (n > 0)
			kobject_put(arr[--n]);
		return err;
	}
	return n;
}

static int vs_count_members(void)
{
	struct kobject *k;
	int n = 0;

	spin_lock(&vs_kset->list_lock);
	list_for_each_entry(k, &vs_kset->list, entry)
		n++;
	spin_unlock(&vs_kset->list_lock);
	return n;
}

int vs_slab_query(struct vs_req *r)
{
	struct vs_kmod_cache *c = NULL;
	struct kobject **arr = NULL;
	u64 *nv = NULL;
	char *page = NULL;
	int n = -E2BIG, i, tries, err = 0;

	/* The list may grow between counting and taking: try again. */
	for (tries = 0; tries < 4 && n == -E2BIG; tries++) {
		int cap = vs_count_members() + 16;

		if (cap > VS_MAX_CACHES)
			return -E2BIG;
		kvfree(arr);
		arr = kvmalloc_array(cap, sizeof(*arr), GFP_KERNEL);
		if (!arr)
			return -ENOMEM;
		n = vs_grab_caches(arr, cap);
	}
	if (n < 0) {
		kvfree(arr);
		return n;
	}

	c = kmalloc(sizeof(*c), GFP_KERNEL);
	nv = kcalloc((size_t)VS_N__COUNT * nr_node_ids, sizeof(*nv),
		     GFP_KERNEL);
	page = (char *)__get_free_page(GFP_KERNEL);
	if (!c || !nv || !page) {
		err = -ENOMEM;
		goto out;
	}

	for (i = 0; i < n; i++) {
		int nid;

		memset(c, 0, sizeof(*c));
		memset(nv, 0, (size_t)VS_N__COUNT * nr_node_ids * sizeof(*nv));
		c->node_first = r->q.aux_total;
		/* Skip the work for a record the caller has no room for. */
		if (vs_buf_room(r))
			vs_cache_fill(arr[i], c, nv, page, r);
		for_each_online_node(nid) {
#define VS_NV(row) nv[(size_t)(row) * nr_node_ids + nid]
			struct vs_kmod_slab_node sn = {
				.cache = r->q.total,
				.node = nid,
				.slabs = VS_NV(VS_N_SLABS),
				.objects = VS_NV(VS_N_OBJECTS),
				.total_objects = VS_NV(VS_N_TOTAL),
				.partial_slabs = VS_NV(VS_N_PARTIAL),
				.partial_objects = VS_NV(VS_N_PARTIAL_OBJS),
				.cpu_slabs = VS_NV(VS_N_CPU_SLABS),
			};
#undef VS_NV

			err = vs_emit_aux(r, &sn);
			if (err)
				goto out;
			c->node_count++;
		}
		err = vs_emit(r, c);
		if (err)
			goto out;
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			goto out;
		}
		cond_resched();
	}
out:
	for (i = 0; i < n; i++)
		kobject_put(arr[i]);
	kvfree(arr);
	kfree(c);
	kfree(nv);
	if (page)
		free_page((unsigned long)page);
	return err;
}

#else /* !CONFIG_SLUB */

/* SLAB and SLOB keep other structures; the request is not offered. */
int vs_slab_init(void) { return 0; }
void vs_slab_exit(void) { }
bool vs_slab_usable(void) { return false; }
int vs_slab_query(struct vs_req *r) { return -EOPNOTSUPP; }

#endif
