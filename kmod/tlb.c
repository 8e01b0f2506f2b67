// SPDX-License-Identifier: GPL-2.0
/* tlb.c - the TLB request: each CPU's address space, PCID and lazy mode,
 * and TLB flushes counted by reason while the module is loaded.
 *
 * Reading a CPU's state. x86 keeps it in the per-CPU cpu_tlbstate and
 * cpu_tlbstate_shared, which asm/tlbflush.h hides from modules on purpose
 * (#ifndef MODULE). So the module reads what defines that state instead:
 * it asks each CPU with smp_call_function_single() to read, in its own
 * interrupt context (interrupts off, so no switch is half done), CR3 (the
 * loaded PGD and the PCID), CR4 (PCIDE), and the running task with its mm
 * and active_mm.
 *
 *  - The active mm is loaded when CR3 holds its PGD. It is not when a lazy
 *    CPU has since been switched to init_mm's tables by a flush IPI: the
 *    record says so (VS_CPU_MM_LOADED clear).
 *  - Lazy TLB mode is what enter_lazy_tlb() marks (is_lazy): the running
 *    task has no mm of its own (a kernel thread or idle) and the CPU still
 *    has a user mm's tables loaded. That is derived from current->mm,
 *    active_mm and CR3.
 *  - The ASID is the PCID less one (kern_pcid()): in kernel mode CR3 holds
 *    the kernel PCID, also with PTI.
 *  - The CPU's own flushed generation (cpu_tlbstate.ctxs[].tlb_gen) has no
 *    route at all and is not reported; the mm's generation
 *    (mm->context.tlb_gen) is.
 *
 * What is hidden, and whom it disturbs. The raw CR3 (the physical address
 * of the loaded PGD: of swapper_pg_dir on a CPU using init_mm, the
 * kernel's physical KASLR base) is copied out only when the request asks
 * for it (VS_Q_F_PHYS), and never under lockdown=confidentiality. The IPI
 * interrupts the CPU it reads: isolated (isolcpus) and nohz_full CPUs,
 * which the housekeeping masks leave out, are not asked unless the request
 * says so (VS_Q_F_ALL_CPUS); their records say VS_CPU_SKIPPED.
 *
 * References: the IPI takes a reference on the task (get_task_struct) and
 * on the mm (mmgrab): both are in use on that CPU at that moment (the
 * active_mm of a running task holds mm_count), so they cannot be freed
 * before the references are taken; they are dropped in process context.
 * mm->owner is read under RCU, as memcg does.
 *
 * Flush counts. The tlb:tlb_flush tracepoint is not exported either
 * (__tracepoint_tlb_flush), but tracepoints are meant to be attached to:
 * for_each_kernel_tracepoint() finds it by name and
 * tracepoint_probe_register() attaches a probe, both exported for this.
 * The probe's prototype is checked at build time against the one that
 * trace/events/tlb.h declares, and at load time exactly one tracepoint of
 * that name must exist. The probe only increments per-CPU counters. It is detached, and every
 * running probe waited for, before the module's memory goes away.
 */
#include <linux/cpumask.h>
#include <linux/mm_types.h>
#include <linux/percpu.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/ktime.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/isolation.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/security.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <asm/processor-flags.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <trace/events/tlb.h>	/* declarations only: no CREATE_TRACE_POINTS */

#include "vmscope.h"

struct vs_flush_counts {
	u64 n[VS_KMOD_TLB_REASONS];
	u64 all[VS_KMOD_TLB_REASONS];
	u64 pages[VS_KMOD_TLB_REASONS];
};

static struct vs_flush_counts __percpu *vs_counts;
static struct tracepoint *vs_tp;
static u64 vs_since_ns;

static void vs_tlb_probe(void *data, int reason, unsigned long pages)
{
	struct vs_flush_counts __percpu *c = data;
	int r = reason >= 0 && reason < NR_TLB_FLUSH_REASONS &&
		reason < VS_TLB_OTHER ? reason : VS_TLB_OTHER;

	/* Single per-CPU increments: safe in any context, no locks. */
	this_cpu_inc(c->n[r]);
	if (pages == TLB_FLUSH_ALL)
		this_cpu_inc(c->all[r]);
	else
		this_cpu_add(c->pages[r], pages);
}

/* The probe must have the prototype that the header gives the event:
 * register_trace_tlb_flush() takes exactly such a function. */
static_assert(__same_type(&register_trace_tlb_flush,
			  int (*)(void (*)(void *, int, unsigned long),
				  void *)),
	      "tlb:tlb_flush has another prototype than vs_tlb_probe");
static_assert(__same_type(&vs_tlb_probe,
			  void (*)(void *, int, unsigned long)),
	      "vs_tlb_probe");

struct vs_tp_search {
	struct tracepoint *tp;
	int found;			/* tracepoints of that name */
};

static void vs_find_tp(struct tracepoint *tp, void *priv)
{
	struct vs_tp_search *s = priv;

	if (tp->name && !strcmp(tp->name, "tlb_flush")) {
		s->found++;
		s->tp = tp;
	}
}

bool vs_tlb_tracing(void)
{
	return vs_tp != NULL;
}

u64 vs_tlb_since_ns(void)
{
	return vs_since_ns;
}

int vs_tlb_init(void)
{
	struct vs_tp_search s = { 0 };
	struct tracepoint *tp;

	BUILD_BUG_ON(TLB_FLUSH_ON_TASK_SWITCH != VS_TLB_TASK_SWITCH ||
		     TLB_REMOTE_SHOOTDOWN != VS_TLB_REMOTE_SHOOTDOWN ||
		     TLB_LOCAL_SHOOTDOWN != VS_TLB_LOCAL_SHOOTDOWN ||
		     TLB_LOCAL_MM_SHOOTDOWN != VS_TLB_LOCAL_MM_SHOOTDOWN ||
		     TLB_REMOTE_SEND_IPI != VS_TLB_REMOTE_SEND_IPI);
	vs_counts = alloc_percpu(struct vs_flush_counts);
	if (!vs_counts)
		return -ENOMEM;
	for_each_kernel_tracepoint(vs_find_tp, &s);
	tp = s.tp;
	if (s.found != 1) {
		/* None: no counts; the rest still works. More than one:
		 * not the kernel this was written for. */
		if (s.found)
			pr_warn("vmscope: %d tracepoints named tlb_flush; "
				"flushes are not counted\n", s.found);
		return 0;
	}
	vs_since_ns = ktime_get_boottime_ns();
	if (tracepoint_probe_register(tp, vs_tlb_probe, vs_counts) == 0)
		vs_tp = tp;
	return 0;
}

void vs_tlb_exit(void)
{
	if (vs_tp) {
		tracepoint_probe_unregister(vs_tp, vs_tlb_probe, vs_counts);
		/* No probe runs, or will run, on the counters below. */
		tracepoint_synchronize_unregister();
		vs_tp = NULL;
	}
	free_percpu(vs_counts);
	vs_counts = NULL;
}

/* What the IPI reads on its CPU. */
struct vs_cpu_snap {
	u64 cr3;
	u64 cr4;
	bool own_mm;			/* the task has an mm of its own */
	struct task_struct *task;	/* referenced */
	struct mm_struct *mm;		/* grabbed (mm_count) or NULL */
};

static void vs_read_cpu(void *arg)
{
	struct vs_cpu_snap *s = arg;
	struct mm_struct *mm = current->active_mm;

	s->cr3 = __read_cr3();
	s->cr4 = __read_cr4();
	s->own_mm = current->mm != NULL;
	get_task_struct(current);
	s->task = current;
	if (mm) {
		mmgrab(mm);
		s->mm = mm;
	}
}

/* Whether @cpu is left alone unless asked: isolated from the scheduler's
 * domains or running without the tick. */
static bool vs_cpu_isolated(int cpu)
{
	return !housekeeping_cpu(cpu, HK_TYPE_DOMAIN) ||
	       !housekeeping_cpu(cpu, HK_TYPE_TICK);
}

static void vs_cpu_record(int cpu, struct vs_kmod_cpu *c, struct vs_req *r)
{
	struct vs_cpu_snap s = { 0 };
	struct vs_flush_counts *fc;
	struct task_struct *owner;
	u64 t0;
	int i;

	memset(c, 0, sizeof(*c));
	c->cpu = cpu;
	if (vs_counts) {
		fc = per_cpu_ptr(vs_counts, cpu);
		for (i = 0; i < VS_KMOD_TLB_REASONS; i++) {
			c->flushes[i] = READ_ONCE(fc->n[i]);
			c->flush_all[i] = READ_ONCE(fc->all[i]);
			c->flush_pages[i] = READ_ONCE(fc->pages[i]);
		}
	}
	if (!cpu_online(cpu))
		return;
	if (vs_cpu_isolated(cpu) && !(r->q.flags & VS_Q_F_ALL_CPUS)) {
		c->flags = VS_CPU_SKIPPED;
		return;
	}
	t0 = ktime_get_ns();
	if (smp_call_function_single(cpu, vs_read_cpu, &s, 1))
		return;
	vs_hold_time(t0, ktime_get_ns(), &r->q.max_hold_ns);
	c->flags = VS_CPU_ONLINE;
	if (r->q.flags & VS_Q_F_PHYS) {
		c->cr3 = s.cr3;
		c->flags |= VS_CPU_CR3;
	}
	if (s.cr4 & X86_CR4_PCIDE) {
		c->flags |= VS_CPU_PCID;
		c->pcid = s.cr3 & CR3_PCID_MASK;
		/* kern_pcid(asid) == asid + 1; in kernel mode CR3 holds the
		 * kernel PCID, even with PTI. */
		c->asid = c->pcid ? c->pcid - 1 : 0;
	}
	if (is_idle_task(s.task))
		c->flags |= VS_CPU_IDLE;
	else if (s.task->flags & PF_KTHREAD)
		c->flags |= VS_CPU_KTHREAD;
	c->task_pid = task_pid_vnr(s.task);
	c->task_tgid = task_tgid_vnr(s.task);
	get_task_comm(c->comm, s.task);
	put_task_struct(s.task);
	if (!s.mm)
		return;
	c->mm_id = s.mm->context.ctx_id;
	c->mm_tlb_gen = atomic64_read(&s.mm->context.tlb_gen);
	if (c->mm_id == 1)	/* INIT_MM_CONTEXT: init_mm */
		c->flags |= VS_CPU_KERNEL_MM;
	if ((s.cr3 & CR3_ADDR_MASK) == __pa(s.mm->pgd))
		c->flags |= VS_CPU_MM_LOADED;
	if (!s.own_mm && (c->flags & VS_CPU_MM_LOADED) &&
	    !(c->flags & VS_CPU_KERNEL_MM))
		c->flags |= VS_CPU_LAZY;
#ifdef CONFIG_MEMCG
	rcu_read_lock();
	owner = rcu_dereference(s.mm->owner);
	if (owner) {
		c->owner_tgid = task_tgid_vnr(owner);
		c->flags |= VS_CPU_OWNER;
	}
	rcu_read_unlock();
#else
	(void)owner;
#endif
	mmdrop(s.mm);
}

int vs_tlb_query(struct vs_req *r)
{
	struct vs_kmod_cpu c;
	int cpu, err;

	if ((r->q.flags & VS_Q_F_PHYS) && security_locked_down(LOCKDOWN_KCORE))
		return -EPERM;
	memset(&c, 0, sizeof(c));
	for_each_possible_cpu(cpu) {
		if (vs_buf_room(r))
			vs_cpu_record(cpu, &c, r);
		err = vs_emit(r, &c);
		if (err)
			return err;
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	return 0;
}
