// SPDX-License-Identifier: GPL-2.0
/* main.c - vmscope.ko: the device /dev/vmscope and its requests.
 *
 * A misc device, mode 0400, that opens only for CAP_SYS_ADMIN. Its ioctls
 * (lib/vs_kmod_abi.h) copy out what procfs cannot show: the buddy free
 * lists by order and migrate type without pagetypeinfo's cap, SLUB's
 * per-node figures, each CPU's TLB state, and a process's page-table
 * entries. Nothing is written to the kernel's state.
 */
#include <linux/capability.h>
#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nodemask.h>
#include <linux/pgtable.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include <linux/version.h>
#include <asm/cpufeature.h>
#include <asm/processor-flags.h>
#include <asm/special_insns.h>

#include "vmscope.h"

VS_ABI_SIZE(vs_kmod_info, 240);
VS_ABI_SIZE(vs_kmod_query, 88);
VS_ABI_SIZE(vs_kmod_zone, 1408);
VS_ABI_SIZE(vs_kmod_pcp, 32);
VS_ABI_SIZE(vs_kmod_cache, 264);
VS_ABI_SIZE(vs_kmod_slab_node, 56);
VS_ABI_SIZE(vs_kmod_cpu, 208);
VS_ABI_SIZE(vs_kmod_pte, 80);
VS_ABI_SIZE(vs_kmod_walk, 224);

int vs_emit(struct vs_req *r, const void *rec)
{
	struct vs_kmod_query *q = &r->q;

	if (q->total == U32_MAX)
		return -EOVERFLOW;
	q->total++;
	if (q->count >= q->buf_count)
		return 0;
	if (copy_to_user(u64_to_user_ptr(q->buf) +
			 (size_t)q->count * q->rec_size, rec, q->rec_size))
		return -EFAULT;
	q->count++;
	return 0;
}

int vs_emit_aux(struct vs_req *r, const void *rec)
{
	struct vs_kmod_query *q = &r->q;

	if (q->aux_total == U32_MAX)
		return -EOVERFLOW;
	q->aux_total++;
	if (q->aux_done >= q->aux_count)
		return 0;
	if (copy_to_user(u64_to_user_ptr(q->aux) +
			 (size_t)q->aux_done * q->aux_size, rec, q->aux_size))
		return -EFAULT;
	q->aux_done++;
	return 0;
}

static u32 vs_features(void)
{
	u32 f = 0;

	if (vs_slab_usable())
		f |= VS_KMOD_F_SLAB;
	if (vs_tlb_tracing())
		f |= VS_KMOD_F_TLB_TRACE;
	if (boot_cpu_has(X86_FEATURE_PCID) && (__read_cr4() & X86_CR4_PCIDE))
		f |= VS_KMOD_F_PCID;
	if (boot_cpu_has(X86_FEATURE_PTI))
		f |= VS_KMOD_F_PTI;
	if (pgtable_l5_enabled())
		f |= VS_KMOD_F_LA57;
	if (boot_cpu_has(X86_FEATURE_OSPKE))
		f |= VS_KMOD_F_PKU;
	if (IS_ENABLED(CONFIG_SLUB_DEBUG))
		f |= VS_KMOD_F_SLUB_DEBUG;
	if (IS_ENABLED(CONFIG_SLUB_CPU_PARTIAL))
		f |= VS_KMOD_F_CPU_PARTIAL;
	if (IS_ENABLED(CONFIG_NUMA))
		f |= VS_KMOD_F_NUMA;
	if (IS_ENABLED(CONFIG_MEMCG))
		f |= VS_KMOD_F_MM_OWNER;
	return f;
}

static long vs_info(void __user *arg)
{
	struct vs_kmod_info info;

	memset(&info, 0, sizeof(info));
	info.abi_version = VS_KMOD_ABI_VERSION;
	info.info_size = sizeof(info);
	info.zone_size = sizeof(struct vs_kmod_zone);
	info.pcp_size = sizeof(struct vs_kmod_pcp);
	info.cache_size = sizeof(struct vs_kmod_cache);
	info.slab_node_size = sizeof(struct vs_kmod_slab_node);
	info.cpu_size = sizeof(struct vs_kmod_cpu);
	info.pte_size = sizeof(struct vs_kmod_pte);
	info.features = vs_features();
	info.mtypes = (1u << VS_MT_UNMOVABLE) | (1u << VS_MT_MOVABLE) |
		      (1u << VS_MT_RECLAIMABLE) | (1u << VS_MT_HIGHATOMIC);
	if (IS_ENABLED(CONFIG_CMA))
		info.mtypes |= 1u << VS_MT_CMA;
	if (IS_ENABLED(CONFIG_MEMORY_ISOLATION))
		info.mtypes |= 1u << VS_MT_ISOLATE;
	info.nr_cpu_ids = nr_cpu_ids;
	info.online_cpus = num_online_cpus();
	info.nr_node_ids = nr_node_ids;
	info.online_nodes = num_online_nodes();
	info.page_shift = PAGE_SHIFT;
	info.max_order = MAX_ORDER;
	info.pgtable_levels = pgtable_l5_enabled() ? 5 : 4;
	info.linux_version_code = LINUX_VERSION_CODE;
	info.trace_since_ns = vs_tlb_since_ns();
	strscpy(info.release, utsname()->release, sizeof(info.release));
	strscpy(info.module_version, VMSCOPE_VERSION,
		sizeof(info.module_version));
	if (copy_to_user(arg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

/* Read and check a list request: the ABI version, the record sizes this
 * request uses (@aux_size 0: no aux array), no flags but @flags, no
 * reserved fields. */
static int vs_query_begin(struct vs_req *r, void __user *arg, u32 rec_size,
			  u32 aux_size, u32 flags)
{
	struct vs_kmod_query *q = &r->q;
	int i;

	if (copy_from_user(q, arg, sizeof(*q)))
		return -EFAULT;
	if (q->abi_version != VS_KMOD_ABI_VERSION)
		return -EPROTO;
	if ((q->flags & ~flags) || q->rec_size != rec_size ||
	    q->aux_size != aux_size)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(q->reserved); i++)
		if (q->reserved[i])
			return -EINVAL;
	if (q->buf_count && !q->buf)
		return -EINVAL;
	if (!aux_size && (q->aux || q->aux_count))
		return -EINVAL;
	if (aux_size && q->aux_count && !q->aux)
		return -EINVAL;
	q->count = q->aux_done = q->total = q->aux_total = 0;
	q->max_hold_ns = 0;
	return 0;
}

static long vs_query(void __user *arg, int (*fn)(struct vs_req *),
		     u32 rec_size, u32 aux_size, u32 flags)
{
	struct vs_req r;
	int err;

	err = vs_query_begin(&r, arg, rec_size, aux_size, flags);
	if (err)
		return err;
	err = fn(&r);
	if (err)
		return err;
	if (copy_to_user(arg, &r.q, sizeof(r.q)))
		return -EFAULT;
	return 0;
}

static int vs_open(struct inode *inode, struct file *file)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	return nonseekable_open(inode, file);
}

static long vs_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	/* The opener's credentials: a descriptor handed to another process
	 * stays as privileged as it was, and no more. */
	if (!file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN))
		return -EPERM;
	switch (cmd) {
	case VS_KMOD_IOC_INFO:
		return vs_info(uarg);
	case VS_KMOD_IOC_BUDDY:
		return vs_query(uarg, vs_buddy_query,
				sizeof(struct vs_kmod_zone),
				sizeof(struct vs_kmod_pcp), 0);
	case VS_KMOD_IOC_SLAB:
		if (!vs_slab_usable())
			return -EOPNOTSUPP;
		return vs_query(uarg, vs_slab_query,
				sizeof(struct vs_kmod_cache),
				sizeof(struct vs_kmod_slab_node),
				VS_Q_F_SLAB_UNBOUNDED);
	case VS_KMOD_IOC_TLB:
		return vs_query(uarg, vs_tlb_query,
				sizeof(struct vs_kmod_cpu), 0,
				VS_Q_F_PHYS | VS_Q_F_ALL_CPUS);
	case VS_KMOD_IOC_WALK:
		return vs_walk_ioctl(uarg);
	}
	return -ENOTTY;
}

static const struct file_operations vs_fops = {
	.owner = THIS_MODULE,
	.open = vs_open,
	.unlocked_ioctl = vs_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = no_llseek,
};

static struct miscdevice vs_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = VS_KMOD_NAME,
	.fops = &vs_fops,
	.mode = 0400,
};

static int __init vs_init(void)
{
	int err;

	vs_walk_init();
	err = vs_slab_init();
	if (err)
		return err;
	err = vs_tlb_init();
	if (err)
		goto out_slab;
	err = misc_register(&vs_misc);
	if (err)
		goto out_tlb;
	return 0;
out_tlb:
	vs_tlb_exit();
out_slab:
	vs_slab_exit();
	return err;
}

static void __exit vs_exit(void)
{
	/* No new opens; an open descriptor holds a module reference, so no
	 * request is running once we get here. */
	misc_deregister(&vs_misc);
	vs_tlb_exit();
	vs_slab_exit();
}

module_init(vs_init);
module_exit(vs_exit);

MODULE_DESCRIPTION("vmscope: read-only views of the buddy allocator, SLUB, "
		   "the TLB and page tables");
MODULE_AUTHOR("the vmscope developers");
/* GPL: the supported routes to what the module reads are exported to GPL
 * modules only (tracepoint_probe_register, kernfs lookups, get_task_mm). */
MODULE_LICENSE("GPL");
MODULE_VERSION(VMSCOPE_VERSION);
