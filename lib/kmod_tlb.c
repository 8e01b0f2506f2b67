/* kmod_tlb.c - the TLB view (vmtlb): each CPU's address space, PCID and
 * flush counts, each record checked before it becomes a figure. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmod_int.h"

/* ---- TLB ------------------------------------------------------------ */

const char *vs_tlb_reason_name(int reason)
{
	static const char *const names[VS_KMOD_TLB_REASONS] = {
		[VS_TLB_TASK_SWITCH] = "task switch",
		[VS_TLB_REMOTE_SHOOTDOWN] = "remote shootdown",
		[VS_TLB_LOCAL_SHOOTDOWN] = "local shootdown",
		[VS_TLB_LOCAL_MM_SHOOTDOWN] = "local mm shootdown",
		[VS_TLB_REMOTE_SEND_IPI] = "remote send IPI",
		[VS_TLB_OTHER] = "other",
	};

	return reason >= 0 && reason < VS_KMOD_TLB_REASONS ? names[reason]
							   : NULL;
}

#define CPU_FLAGS_ALL	(VS_CPU_ONLINE | VS_CPU_LAZY | VS_CPU_MM_LOADED | \
			 VS_CPU_KERNEL_MM | VS_CPU_IDLE | VS_CPU_KTHREAD | \
			 VS_CPU_PCID | VS_CPU_OWNER | VS_CPU_CR3 | \
			 VS_CPU_SKIPPED)

/* With PCIDs on, the PCID is CR3's low bits (when CR3 is shown) and the
 * ASID one less. */
static bool pcid_ok(const struct vs_kmod_cpu *c)
{
	if (!(c->flags & VS_CPU_PCID))
		return true;
	return c->pcid <= 0xfff &&
	       (!(c->flags & VS_CPU_CR3) || c->pcid == (c->cr3 & 0xfff)) &&
	       (!c->pcid || c->asid == c->pcid - 1);
}

int vs_kmod_tlb(struct vs_kmod *k, struct vs_km_tlb **out, struct vs_err *e)
{
	const struct vs_kmod_cpu *cr;
	struct list_reply rep;
	struct vs_km_tlb *t;
	size_t i;
	int err;

	*out = NULL;
	err = kmod_list_query(k, VS_KMOD_IOC_TLB, "the TLB state",
			      (k->want & VS_KMOD_WANT_PHYS ? VS_Q_F_PHYS : 0) |
			      (k->want & VS_KMOD_WANT_ALL_CPUS ?
			       VS_Q_F_ALL_CPUS : 0), sizeof(*cr), 0,
			      k->info.nr_cpu_ids, 0, KMOD_MAX_CPUS, 0, &rep, e);
	if (err)
		return err;
	cr = rep.buf;
	t = calloc(1, sizeof(*t));
	if (t)
		t->cpus = calloc(rep.n ? rep.n : 1, sizeof(*t->cpus));
	if (!t || !t->cpus) {
		err = vs_err_set(e, ENOMEM, "out of memory");
		goto fail;
	}
	t->counting = k->info.features & VS_KMOD_F_TLB_TRACE;
	t->max_hold_ns = k->max_hold_ns;
	t->since_ns = k->info.trace_since_ns;
	for (i = 0; i < rep.n; i++) {
		const struct vs_kmod_cpu *c = &cr[i];
		struct vs_km_tlb_cpu *d = &t->cpus[i];

		if (c->cpu >= k->info.nr_cpu_ids ||
		    (i > 0 && c->cpu <= cr[i - 1].cpu) ||
		    (c->flags & ~CPU_FLAGS_ALL) ||
		    (!(c->flags & VS_CPU_CR3) && c->cr3) ||
		    ((c->flags & VS_CPU_SKIPPED) &&
		     (c->flags & ~VS_CPU_SKIPPED)) ||
		    !kmod_has_nul(c->comm, sizeof(c->comm)) || !pcid_ok(c)) {
			err = vs_err_set(e, EBADMSG, "vmscope.ko sent a bad "
					 "record for CPU %u", c->cpu);
			goto fail;
		}
		d->cpu = (int)c->cpu;
		d->online = c->flags & VS_CPU_ONLINE;
		d->lazy = c->flags & VS_CPU_LAZY;
		d->mm_loaded = c->flags & VS_CPU_MM_LOADED;
		d->kernel_mm = c->flags & VS_CPU_KERNEL_MM;
		d->idle = c->flags & VS_CPU_IDLE;
		d->kthread = c->flags & VS_CPU_KTHREAD;
		d->pcid_on = c->flags & VS_CPU_PCID;
		d->owner_known = c->flags & VS_CPU_OWNER;
		d->skipped = c->flags & VS_CPU_SKIPPED;
		d->cr3_known = c->flags & VS_CPU_CR3;
		d->cr3 = c->cr3;
		d->pgd_phys = c->cr3 & VS_X86_PHYS_MASK;
		d->mm_id = c->mm_id;
		d->mm_tlb_gen = c->mm_tlb_gen;
		d->owner_tgid = c->owner_tgid;
		d->task_pid = c->task_pid;
		d->task_tgid = c->task_tgid;
		d->pcid = c->pcid;
		d->asid = c->asid;
		memcpy(d->comm, c->comm, sizeof(c->comm));
		d->comm[16] = '\0';
		memcpy(d->flushes, c->flushes, sizeof(d->flushes));
		memcpy(d->flush_all, c->flush_all, sizeof(d->flush_all));
		memcpy(d->flush_pages, c->flush_pages, sizeof(d->flush_pages));
		for (int r = 0; r < VS_KMOD_TLB_REASONS; r++) {
			if (c->flush_all[r] > c->flushes[r]) {
				err = vs_err_set(e, EBADMSG, "vmscope.ko counts "
						 "more whole flushes than "
						 "flushes on CPU %u", c->cpu);
				goto fail;
			}
		}
	}
	t->ncpus = rep.n;
	free(rep.buf);
	*out = t;
	return 0;
fail:
	vs_km_tlb_free(t);
	free(rep.buf);
	return err;
}

void vs_km_tlb_free(struct vs_km_tlb *t)
{
	if (!t)
		return;
	free(t->cpus);
	free(t);
}
