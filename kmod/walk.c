// SPDX-License-Identifier: GPL-2.0
/* walk.c - the WALK request: a process's page-table entries, every level.
 *
 * For each leaf in [start, end) (a present page of 4 KiB, 2 MiB or 1 GiB,
 * or a non-empty non-present entry) one record holds the raw entry of each
 * level above it and the kernel's own decoding of the leaf (its PFN, or
 * swap type and offset). User space decodes the bits (lib/kmod.c).
 *
 * Locking, and why the walk is safe:
 *
 *  - The mm is held with get_task_mm() (mm_users), so exit_mmap() cannot
 *    tear it down under us even if the process exits mid-walk; the walk then
 *    finishes on the tables as they are.
 *  - The walk holds mmap_read_lock (killable) and only walks addresses
 *    inside VMAs found under that lock, as walk_page_range() does. Under the
 *    read lock, page-table pages that cover a live VMA are not freed: tables
 *    are freed by free_pgtables() for unmapped ranges (munmap detaches the
 *    VMAs before it may downgrade to the read lock, and frees only tables
 *    that no remaining VMA uses), and khugepaged collapses only with the
 *    write lock. So a table entry read as "points to a table" keeps pointing
 *    to a live table while we read it.
 *  - hugetlbfs shares PMD tables between processes; huge_pmd_unshare()
 *    needs the mapping's i_mmap_rwsem for writing, so the walk takes it for
 *    reading across a hugetlb VMA (mmap_lock, then i_mmap_rwsem, the
 *    kernel's order).
 *  - Entries are read once with READ_ONCE and never written, and no page
 *    table lock is taken: each entry is a snapshot of that instant (the
 *    lockless reads of GUP-fast and /proc/PID/pagemap's neighbours). The
 *    walk descends using the value it read, into a table whose PFN is
 *    checked with pfn_valid() first.
 *  - The lock is dropped every VS_WALK_BATCH records or VS_WALK_BUDGET
 *    entries read (every level, empty entries included), to copy out,
 *    check for a fatal signal and reschedule; the walk then looks the VMAs
 *    up again. A request reads at most VS_WALK_MAX entries and returns
 *    with next < end; nothing is allocated from the caller's sizes.
 *  - A hold is never left inside a PTE table while the batch has room:
 *    before descending, the walk checks that the records and the budget
 *    left hold the whole rest of the table, and otherwise stops before it.
 *    Only a full caller's buffer ends a request inside a table.
 *  - Tables change between holds (a THP split or collapsed, a range
 *    remapped): when the walk resumes at an address and finds a huge leaf
 *    that begins below it, part of its range was already reported as
 *    smaller leaves. That leaf is skipped and counted (changed,
 *    VS_WALK_O_CHANGED): records stay in address order, never overlapping.
 *
 * Access. Besides the device's CAP_SYS_ADMIN, the caller passes a
 * descriptor of the target's /proc/PID/pagemap: opening it ran the
 * kernel's own ptrace check (PTRACE_MODE_READ_FSCREDS, with Yama, SELinux
 * and AppArmor), which modules cannot call; the walk goes ahead only when
 * the mm that file holds is the target's. Physical addresses of page-table
 * pages are hidden unless asked for (VS_WALK_F_PHYS), and refused under
 * lockdown=confidentiality.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hugetlb.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/pgtable.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/security.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/swapops.h>
#include <linux/uaccess.h>
#include <uapi/linux/magic.h>

#include "vmscope.h"

#define VS_WALK_BATCH	512u		/* records per lock hold: a whole
					 * PTE table fits */
#define VS_WALK_BUDGET	8192u		/* entries read per hold */
#define VS_WALK_MAX	(1u << 20)	/* entries read per request */
#define VS_ADDR_BITS	0x000ffffffffff000ull	/* an entry's bits 12-51 */

static_assert(VS_WALK_BATCH >= PTRS_PER_PTE && VS_WALK_BUDGET >= PTRS_PER_PTE,
	      "a hold must have room for a whole PTE table");

/* Hashes page-table frames when their addresses are hidden. */
static siphash_key_t vs_walk_key;

struct vs_walker {
	struct mm_struct *mm;
	unsigned long addr;		/* next address to look at */
	unsigned long end;
	struct vs_kmod_pte *recs;	/* this batch's records */
	unsigned int nrec, cap;
	unsigned int budget;		/* entries left to this batch */
	unsigned long resume;		/* a huge leaf that begins below this
					 * was partly walked: skip it */
	u32 changed;			/* leaves skipped for that */
	bool stop;			/* stopped before a PTE table */
	bool l5, pti, phys;
	u16 vflags;			/* VS_PTE_F_* of the current VMA */
	u64 tables[VS_WT_LEVELS];
	u64 first[VS_WT_LEVELS];
	u64 last[VS_WT_LEVELS];
};

static bool vs_full(const struct vs_walker *w)
{
	return w->nrec >= w->cap || !w->budget || w->stop;
}

/* Spend one entry of the batch's budget. */
static void vs_spend(struct vs_walker *w)
{
	if (w->budget)
		w->budget--;
}

void vs_walk_init(void)
{
	get_random_bytes(&vs_walk_key, sizeof(vs_walk_key));
}

/* Count the table page @pfn of table level @lvl once. Tables are met in
 * address order, so a table met again (two VMAs share it) is the last one
 * met at its level. Without VS_WALK_F_PHYS the caller sees a keyed hash
 * of the frame, never 0. */
static void vs_count_table(struct vs_walker *w, int lvl, u64 pfn)
{
	if (!w->phys)
		pfn = siphash_1u64(pfn, &vs_walk_key) | 1;
	if (w->last[lvl] == pfn)
		return;
	w->tables[lvl]++;
	if (!w->first[lvl])
		w->first[lvl] = pfn;
	w->last[lvl] = pfn;
}

/* Decode the non-present, non-empty leaf @raw into @e. */
static void vs_decode_swap(u64 raw, struct vs_kmod_pte *e)
{
	swp_entry_t ent = pte_to_swp_entry(__pte(raw));

	if (is_migration_entry(ent)) {
		e->kind = VS_PTE_MIGRATION;
		e->pfn = swp_offset_pfn(ent);
	} else if (is_device_private_entry(ent) ||
		   is_device_exclusive_entry(ent)) {
		e->kind = VS_PTE_DEVICE;
		e->pfn = swp_offset_pfn(ent);
	} else if (is_hwpoison_entry(ent)) {
		e->kind = VS_PTE_HWPOISON;
		e->pfn = swp_offset(ent);
	} else if (is_pte_marker_entry(ent)) {
		e->kind = VS_PTE_MARKER;
	} else if (non_swap_entry(ent)) {
		e->kind = VS_PTE_OTHER;
	} else {
		e->kind = VS_PTE_SWAP;
		e->swap_type = swp_type(ent);
		e->swap_offset = swp_offset(ent);
	}
}

/* Add a record for the entry @raw at @level, which maps from @base, with
 * the entries above it in @ent. @bad: a table entry the kernel calls bad. */
static void vs_leaf(struct vs_walker *w, int level, unsigned long base,
		    const u64 *ent, u64 raw, u64 user_pgd, bool bad)
{
	struct vs_kmod_pte *e = &w->recs[w->nrec++];

	memset(e, 0, sizeof(*e));
	e->addr = base;
	memcpy(e->entry, ent, sizeof(e->entry));
	e->entry[level] = raw;
	e->level = level;
	e->flags = w->vflags;
	if (!w->l5)
		e->flags |= VS_PTE_F_P4D_FOLDED;
	if (w->pti) {
		e->flags |= VS_PTE_F_PTI;
		e->user_pgd = w->phys ? user_pgd : 0;
	}
	if (!w->phys) {
		/* The entries above the leaf point to page-table pages, and
		 * so does a bad one: hide those addresses. */
		int l;

		for (l = 0; l < level + bad; l++)
			e->entry[l] &= ~VS_ADDR_BITS;
	}
	if (bad) {
		e->kind = VS_PTE_BAD;
	} else if (raw & (_PAGE_PRESENT | _PAGE_PROTNONE) ||
		   (level != VS_PT_PTE && (raw & _PAGE_PSE))) {
		/* Present to the kernel (pte_present, pmd_present): P set,
		 * or PROT_NONE, or a huge entry being split. The PFN of a
		 * non-present one is stored inverted (L1TF): the kernel's
		 * pte_pfn() and friends undo that. */
		e->kind = raw & _PAGE_PRESENT ? VS_PTE_PRESENT :
						VS_PTE_PROTNONE;
		if (level == VS_PT_PTE)
			e->pfn = pte_pfn(__pte(raw));
		else if (level == VS_PT_PMD)
			e->pfn = pmd_pfn(__pmd(raw));
		else
			e->pfn = pud_pfn(__pud(raw));
	} else {
		vs_decode_swap(raw, e);
	}
}

/* A leaf above the PTE level, mapping [@base, @next): added, or skipped
 * when it begins below where this hold resumed (see the top). Moves the
 * walk to @next. */
static void vs_upper_leaf(struct vs_walker *w, int level, unsigned long base,
			  unsigned long next, const u64 *ent, u64 raw,
			  u64 user_pgd, bool bad)
{
	if (base < w->resume)
		w->changed++;
	else
		vs_leaf(w, level, base, ent, raw, user_pgd, bad);
	w->addr = next;
}

/* The kernel virtual address of the table @pfn, or NULL when @pfn is not
 * memory the kernel maps. */
static void *vs_table(u64 pfn)
{
	return pfn_valid(pfn) ? pfn_to_kaddr(pfn) : NULL;
}

/* Walk the PTE table @table (already counted) from w->addr to @next. */
static void vs_walk_ptes(struct vs_walker *w, pte_t *table, unsigned long next,
			 u64 *ent, u64 user_pgd)
{
	unsigned long addr = w->addr;

	for (; addr < next && !vs_full(w); addr += PAGE_SIZE) {
		pte_t pte = READ_ONCE(table[pte_index(addr)]);

		vs_spend(w);
		if (pte_none(pte))
			continue;
		vs_leaf(w, VS_PT_PTE, addr, ent, pte_val(pte), user_pgd,
			false);
	}
	w->addr = addr;
}

/* Walk [w->addr, vend) of one VMA, stopping early when the batch is full. */
static void vs_walk_range(struct vs_walker *w, unsigned long vend)
{
	while (w->addr < vend && !vs_full(w)) {
		unsigned long addr = w->addr, next;
		u64 ent[VS_PT_LEVELS] = { 0 };
		u64 user_pgd = 0;
		pgd_t *pgdp = pgd_offset(w->mm, addr);
		pgd_t pgd = READ_ONCE(*pgdp);
		p4d_t p4d;
		pud_t pud, *puds;
		pmd_t pmd, *pmds;
		pte_t *ptes;
		unsigned int n;
		int p4d_level;

		vs_spend(w);
#ifdef CONFIG_PAGE_TABLE_ISOLATION
		if (w->pti)
			user_pgd = pgd_val(READ_ONCE(*kernel_to_user_pgdp(pgdp)));
#endif
		if (w->l5) {
			p4d_t *p4ds;

			next = pgd_addr_end(addr, vend);
			ent[VS_PT_PGD] = pgd_val(pgd);
			if (pgd_none(pgd)) {
				w->addr = next;
				continue;
			}
			p4ds = (pgd_flags(pgd) & _PAGE_PRESENT) && !pgd_bad(pgd) ?
			       vs_table(pgd_pfn(pgd)) : NULL;
			if (!p4ds) {
				vs_upper_leaf(w, VS_PT_PGD, addr & PGDIR_MASK,
					      next, ent, pgd_val(pgd),
					      user_pgd, true);
				continue;
			}
			vs_count_table(w, VS_WT_P4D, pgd_pfn(pgd));
			p4d = READ_ONCE(p4ds[p4d_index(addr)]);
			vs_spend(w);
			ent[VS_PT_P4D] = p4d_val(p4d);
			p4d_level = VS_PT_P4D;
		} else {
			/* Folded: the PGD entry is the hardware's PML4 entry,
			 * which the kernel handles as the P4D. */
			p4d = __p4d(pgd_val(pgd));
			ent[VS_PT_PGD] = pgd_val(pgd);
			p4d_level = VS_PT_PGD;
		}

		next = p4d_addr_end(addr, vend);
		if (p4d_none(p4d)) {
			w->addr = next;
			continue;
		}
		puds = p4d_present(p4d) && !p4d_bad(p4d) ?
		       vs_table(p4d_pfn(p4d)) : NULL;
		if (!puds) {
			vs_upper_leaf(w, p4d_level, addr & P4D_MASK, next, ent,
				      p4d_val(p4d), user_pgd, true);
			continue;
		}
		vs_count_table(w, VS_WT_PUD, p4d_pfn(p4d));
		pud = READ_ONCE(puds[pud_index(addr)]);
		ent[VS_PT_PUD] = pud_val(pud);

		vs_spend(w);
		next = pud_addr_end(addr, vend);
		if (pud_none(pud)) {
			w->addr = next;
			continue;
		}
		if (pud_large(pud) || !pud_present(pud) ||
		    (pud_val(pud) & _PAGE_PSE)) {
			/* A 1 GiB leaf, or a non-present one (hugetlb). */
			vs_upper_leaf(w, VS_PT_PUD, addr & PUD_MASK, next, ent,
				      pud_val(pud), user_pgd, false);
			continue;
		}
		pmds = !pud_bad(pud) ? vs_table(pud_pfn(pud)) : NULL;
		if (!pmds) {
			vs_upper_leaf(w, VS_PT_PUD, addr & PUD_MASK, next, ent,
				      pud_val(pud), user_pgd, true);
			continue;
		}
		vs_count_table(w, VS_WT_PMD, pud_pfn(pud));
		pmd = READ_ONCE(pmds[pmd_index(addr)]);
		ent[VS_PT_PMD] = pmd_val(pmd);

		vs_spend(w);
		next = pmd_addr_end(addr, vend);
		if (pmd_none(pmd)) {
			w->addr = next;
			continue;
		}
		if (!pmd_present(pmd) || pmd_large(pmd)) {
			/* A 2 MiB leaf (THP, hugetlb, DAX), or a non-present
			 * one (THP migration, hugetlb swap-like entries). */
			vs_upper_leaf(w, VS_PT_PMD, addr & PMD_MASK, next, ent,
				      pmd_val(pmd), user_pgd, false);
			continue;
		}
		ptes = !pmd_bad(pmd) ? vs_table(pmd_pfn(pmd)) : NULL;
		if (!ptes) {
			vs_upper_leaf(w, VS_PT_PMD, addr & PMD_MASK, next, ent,
				      pmd_val(pmd), user_pgd, true);
			continue;
		}
		/* The whole rest of the table in this hold, or none of it
		 * (unless nothing was found yet: then a small caller's
		 * buffer may end the request inside it). */
		n = (next - addr) >> PAGE_SHIFT;
		if ((w->cap - w->nrec < n || w->budget < n) &&
		    (w->nrec || w->budget < n)) {
			w->stop = true;
			break;
		}
		vs_count_table(w, VS_WT_PTE, pmd_pfn(pmd));
		vs_walk_ptes(w, ptes, next, ent, user_pgd);
	}
}

/* One batch: under mmap_read_lock, walk the VMAs from w->addr on. */
static void vs_walk_batch(struct vs_walker *w)
{
	while (w->addr < w->end && !vs_full(w)) {
		struct vm_area_struct *vma = find_vma(w->mm, w->addr);
		struct address_space *mapping = NULL;
		unsigned long vend;

		vs_spend(w);
		if (!vma || vma->vm_start >= w->end) {
			w->addr = w->end;
			break;
		}
		if (w->addr < vma->vm_start)
			w->addr = vma->vm_start;
		vend = min(vma->vm_end, w->end);
		w->vflags = 0;
		if (is_vm_hugetlb_page(vma)) {
			w->vflags |= VS_PTE_F_HUGETLB;
			if (vma->vm_file) {
				mapping = vma->vm_file->f_mapping;
				i_mmap_lock_read(mapping);
			}
		}
		vs_walk_range(w, vend);
		if (mapping)
			i_mmap_unlock_read(mapping);
	}
}

/* Whether @addr is canonical: bits @vbits to 63 are all equal (user space
 * is below 2^vbits, the kernel's half above -2^vbits). */
static bool vs_canonical(u64 addr, int vbits)
{
	int shift = 63 - vbits;

	return (u64)((s64)(addr << shift) >> shift) == addr;
}

/* Check the request; on error set w->detail. @vbits: 47, or 56 with
 * 5-level paging. */
static int vs_walk_check(struct vs_kmod_walk *w, int vbits)
{
	u64 top = 1ull << vbits;	/* end of user space */

	if (w->abi_version != VS_KMOD_ABI_VERSION)
		return -EPROTO;
	w->detail = VS_WALK_E_ARGS;
	if ((w->flags & ~VS_WALK_F_ALL) || w->reserved0 ||
	    w->rec_size != sizeof(struct vs_kmod_pte))
		return -EINVAL;
	if (w->pid <= 0 || (w->buf_count && !w->buf))
		return -EINVAL;
	w->detail = VS_WALK_E_RANGE;
	if (w->start >= w->end)
		return -EINVAL;
	w->detail = VS_WALK_E_NONCANONICAL;
	if (!vs_canonical(w->start, vbits) || !vs_canonical(w->end - 1, vbits))
		return -EINVAL;
	w->detail = VS_WALK_E_KERNEL;
	if (w->end > top)
		return -EINVAL;
	w->detail = VS_WALK_OK;
	return 0;
}

/* Find @pid's mm (a reference), or say why there is none. */
static struct mm_struct *vs_walk_mm(struct vs_kmod_walk *w, int *err)
{
	struct task_struct *task;
	struct mm_struct *mm;
	struct pid *pid;

	pid = find_get_pid(w->pid);	/* in the caller's PID namespace */
	task = pid ? get_pid_task(pid, PIDTYPE_PID) : NULL;
	put_pid(pid);
	if (!task) {
		w->detail = VS_WALK_E_NOPROC;
		*err = -ESRCH;
		return NULL;
	}
	if (task->flags & PF_KTHREAD) {
		put_task_struct(task);
		w->detail = VS_WALK_E_KTHREAD;
		*err = -EINVAL;
		return NULL;
	}
	mm = get_task_mm(task);		/* NULL once the process exited */
	if (!mm && thread_group_leader(task)) {
		struct task_struct *t;

		/* A leader that exited (pthread_exit) while other threads
		 * live is a zombie without an mm; the threads share one. */
		rcu_read_lock();
		for_each_thread(task, t) {
			mm = get_task_mm(t);
			if (mm)
				break;
		}
		rcu_read_unlock();
	}
	put_task_struct(task);
	if (!mm) {
		w->detail = VS_WALK_E_NOPROC;
		*err = -ESRCH;
	}
	return mm;
}

/* Whether the caller may read @mm: w->pagemap_fd must be its open
 * /proc/PID/pagemap (see the top). */
static int vs_walk_access(struct vs_kmod_walk *w, struct mm_struct *mm)
{
	struct file *f = w->pagemap_fd >= 0 ? fget(w->pagemap_fd) : NULL;
	int err = 0;

	w->detail = VS_WALK_E_ACCESS;
	if (!f)
		return -EACCES;
	if (file_inode(f)->i_sb->s_magic != PROC_SUPER_MAGIC ||
	    strcmp(f->f_path.dentry->d_name.name, "pagemap") ||
	    !(f->f_mode & FMODE_READ)) {
		err = -EACCES;
	} else if (!f->private_data) {
		/* Opened when that task had no mm: a zombie leader. */
		w->detail = VS_WALK_E_NOMM;
		err = -EACCES;
	} else if (f->private_data != mm) {
		err = -EACCES;	/* another process's, or an older mm */
	}
	fput(f);
	if (!err)
		w->detail = VS_WALK_OK;
	return err;
}

long vs_walk_ioctl(struct vs_kmod_walk __user *uw)
{
	struct vs_kmod_pte *recs = NULL;
	struct vs_walker wk = { 0 };
	struct vs_kmod_walk w;
	struct mm_struct *mm;
	unsigned int read = 0;
	int err = 0, i;

	if (copy_from_user(&w, uw, sizeof(w)))
		return -EFAULT;
	w.count = 0;
	w.next = w.start;
	w.levels = pgtable_l5_enabled() ? 5 : 4;
	w.out_flags = (pgtable_l5_enabled() ? VS_WALK_O_LA57 : 0) |
		      (boot_cpu_has(X86_FEATURE_PTI) ? VS_WALK_O_PTI : 0);
	w.holds = w.max_hold_entries = w.changed = 0;
	w.entries = w.max_hold_ns = 0;
	err = vs_walk_check(&w, pgtable_l5_enabled() ? 56 : 47);
	if (err)
		goto out;
	if ((w.flags & VS_WALK_F_PHYS) && security_locked_down(LOCKDOWN_KCORE)) {
		w.detail = VS_WALK_E_LOCKDOWN;
		err = -EPERM;
		goto out;
	}
	w.start &= PAGE_MASK;
	w.end = PAGE_ALIGN(w.end);
	w.next = w.start;
	mm = vs_walk_mm(&w, &err);
	if (!mm)
		goto out;
	err = vs_walk_access(&w, mm);
	if (err)
		goto out_mm;

	w.mm_id = mm->context.ctx_id;
	wk.phys = w.flags & VS_WALK_F_PHYS;
	if (wk.phys) {
		w.pgd_pfn = __pa(mm->pgd) >> PAGE_SHIFT;
		w.out_flags |= VS_WALK_O_PHYS;
	}
	recs = kvmalloc_array(VS_WALK_BATCH, sizeof(*recs), GFP_KERNEL);
	if (!recs) {
		err = -ENOMEM;
		goto out_mm;
	}
	wk.mm = mm;
	wk.addr = w.start;
	wk.end = w.end;
	wk.recs = recs;
	wk.l5 = pgtable_l5_enabled();
	wk.pti = boot_cpu_has(X86_FEATURE_PTI);
	/* A fresh request reports a leaf that begins before start (the
	 * range begins inside a huge page); a resumed one does not. */
	wk.resume = w.flags & VS_WALK_F_RESUME ? w.start : 0;
	while (wk.addr < wk.end && w.count < w.buf_count &&
	       read < VS_WALK_MAX) {
		unsigned int budget = min(VS_WALK_BUDGET, VS_WALK_MAX - read);
		u64 t0;

		/* Too little left of the request for a PTE table and the
		 * entries above it: end it here rather than in holds that
		 * could only stop before the next table. */
		if (read && budget < PTRS_PER_PTE + VS_PT_LEVELS)
			break;

		wk.nrec = 0;
		wk.cap = min(VS_WALK_BATCH, w.buf_count - w.count);
		wk.budget = budget;
		wk.stop = false;
		if (mmap_read_lock_killable(mm)) {
			err = -EINTR;
			break;
		}
		t0 = ktime_get_ns();
		vs_walk_batch(&wk);
		w.max_hold_ns = max(w.max_hold_ns, ktime_get_ns() - t0);
		mmap_read_unlock(mm);
		read += budget - wk.budget;
		w.holds++;
		w.max_hold_entries = max(w.max_hold_entries,
					 budget - wk.budget);
		/* The next hold resumes here. */
		wk.resume = wk.addr;
		if (copy_to_user(u64_to_user_ptr(w.buf) +
				 (size_t)w.count * sizeof(*recs), recs,
				 (size_t)wk.nrec * sizeof(*recs))) {
			err = -EFAULT;
			break;
		}
		w.count += wk.nrec;
		w.next = wk.addr;
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		cond_resched();
	}
	w.entries = read;
	w.changed = wk.changed;
	if (wk.changed)
		w.out_flags |= VS_WALK_O_CHANGED;
	w.pgtables_bytes = mm_pgtables_bytes(mm);
	for (i = 0; i < VS_WT_LEVELS; i++) {
		w.tables[i] = wk.tables[i];
		w.first_table[i] = wk.first[i];
		w.last_table[i] = wk.last[i];
	}
	kvfree(recs);
out_mm:
	mmput(mm);
out:
	/* The reply, with detail, goes back on errors too. */
	if (copy_to_user(uw, &w, sizeof(w)))
		return -EFAULT;
	return err;
}
