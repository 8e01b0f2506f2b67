/* kmod_walk.c - the WALK view (vmphys --walk): a process's page-table
 * entries, every level, decoded; each record checked before it becomes a
 * leaf. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kmod_int.h"

/* ---- page tables ---------------------------------------------------- */

const char *vs_pt_level_name(int level)
{
	static const char *const names[VS_PT_LEVELS] = {
		"PGD", "P4D", "PUD", "PMD", "PTE",
	};

	return level >= 0 && level < VS_PT_LEVELS ? names[level] : NULL;
}

const char *vs_pt_kind_name(int kind)
{
	static const char *const names[] = {
		[VS_PTE_PRESENT] = "present", [VS_PTE_PROTNONE] = "protnone",
		[VS_PTE_SWAP] = "swap", [VS_PTE_MIGRATION] = "migration",
		[VS_PTE_HWPOISON] = "hwpoison", [VS_PTE_DEVICE] = "device",
		[VS_PTE_MARKER] = "marker", [VS_PTE_OTHER] = "other",
		[VS_PTE_BAD] = "bad",
	};

	return kind > 0 && kind < (int)(sizeof(names) / sizeof(*names)) ?
	       names[kind] : NULL;
}

/* Bytes one entry of @level maps. */
static uint64_t level_span(int level)
{
	static const unsigned shift[VS_PT_LEVELS] = { 39, 39, 30, 21, 12 };

	return 1ull << shift[level];
}

int vs_pt_decode(uint64_t raw, int level, struct vs_pt_bits *b)
{
	uint64_t v, mask = VS_X86_PHYS_MASK;

	memset(b, 0, sizeof(*b));
	if (level < 0 || level >= VS_PT_LEVELS)
		return -EINVAL;
	b->present = raw & VS_X86_P;
	b->protnone = !b->present && (raw & VS_X86_G);
	if (!b->present && !b->protnone) {
		/* Not a hardware entry: a swap or migration entry, or none;
		 * its bits are the kernel's (vs_pt_entry.swap_*). */
		b->leaf = level == VS_PT_PTE;
		return 0;
	}
	b->ps = (level == VS_PT_PUD || level == VS_PT_PMD) && (raw & VS_X86_PS);
	b->leaf = level == VS_PT_PTE || b->ps;
	b->rw = raw & VS_X86_RW;
	b->user = raw & VS_X86_US;
	b->pwt = raw & VS_X86_PWT;
	b->pcd = raw & VS_X86_PCD;
	b->accessed = raw & VS_X86_A;
	b->nx = raw & VS_X86_NX;
	if (b->leaf) {
		b->dirty = raw & VS_X86_D;
		b->global = b->present && (raw & VS_X86_G);
		b->pat = level == VS_PT_PTE ? raw & VS_X86_PS
					    : raw & VS_X86_PAT_HUGE;
		b->pkey = (unsigned)(raw >> VS_X86_PKEY_SHIFT) & 0xf;
		if (b->ps)	/* aligned to the page: PAT is bit 12 */
			mask &= ~(level_span(level) - 1);
	}
	/* A non-present entry keeps its frame inverted (L1TF), as the
	 * kernel's protnone_mask() undoes. */
	v = b->present ? raw : ~raw;
	b->pfn = (v & mask) >> 12;
	return 0;
}

const char *vs_pt_bits_str(const struct vs_pt_bits *b, char *buf, size_t size)
{
	static const struct {
		size_t off;
		const char *name;
	} flags[] = {
#define F(field, name) { offsetof(struct vs_pt_bits, field), name }
		F(present, "P"), F(rw, "RW"), F(user, "US"), F(pwt, "PWT"),
		F(pcd, "PCD"), F(accessed, "A"), F(dirty, "D"), F(ps, "PS"),
		F(global, "G"), F(pat, "PAT"), F(nx, "NX"),
		F(protnone, "PROTNONE"),
#undef F
	};
	size_t n = 0;

	if (!size)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(flags) / sizeof(*flags); i++) {
		if (!*(const bool *)((const char *)b + flags[i].off))
			continue;
		n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s",
				      n ? " " : "", flags[i].name);
	}
	if (b->leaf && b->pkey)
		n += (size_t)snprintf(buf + n, n < size ? size - n : 0,
				      "%spkey=%u", n ? " " : "", b->pkey);
	if (!n)
		snprintf(buf, size, "-");
	return buf;
}

void vs_kmod_set_batch(struct vs_kmod *k, unsigned records)
{
	if (records < 1)
		records = 1;
	if (records > 65536)
		records = 65536;
	k->batch = records;
}

/* Say why the module refused a walk. */
static int walk_error(int err, const struct vs_kmod_walk *w, pid_t pid,
		      uint64_t start, uint64_t end, bool started,
		      struct vs_err *e)
{
	char sbuf[128];

	switch (err == -EINVAL || err == -ESRCH || err == -EACCES ||
		err == -EPERM ? w->detail : VS_WALK_OK) {
	case VS_WALK_E_NOPROC:
		if (started)
			return vs_err_set(e, ESRCH, "process %d exited during "
					  "the page-table walk", (int)pid);
		return vs_err_set(e, ESRCH, "process %d does not exist",
				  (int)pid);
	case VS_WALK_E_KTHREAD:
		return vs_err_set(e, EINVAL, "process %d is a kernel thread: "
				  "it has no user page tables", (int)pid);
	case VS_WALK_E_RANGE:
		return vs_err_set(e, EINVAL, "empty address range "
				  "0x%llx-0x%llx", (unsigned long long)start,
				  (unsigned long long)end);
	case VS_WALK_E_NONCANONICAL:
		vs_err_set(e, EINVAL, "address range 0x%llx-0x%llx is not "
			   "canonical", (unsigned long long)start,
			   (unsigned long long)end);
		vs_err_hint(e, "user addresses end at 0x%llx with %u-level "
			    "paging", w->levels == 5 ? 1ull << 56 : 1ull << 47,
			    w->levels);
		return -EINVAL;
	case VS_WALK_E_KERNEL:
		return vs_err_set(e, EINVAL, "address range 0x%llx-0x%llx "
				  "reaches into the kernel's half of the "
				  "address space", (unsigned long long)start,
				  (unsigned long long)end);
	case VS_WALK_E_ACCESS:
	case VS_WALK_E_NOMM:
		vs_err_set(e, EACCES, "vmscope.ko refused to walk process %d: "
			   "the pagemap descriptor is not that process's",
			   (int)pid);
		vs_err_hint(e, "it changed its memory (exec) during the walk, "
			    "or its PID was reused");
		return -EACCES;
	case VS_WALK_E_LOCKDOWN:
		vs_err_set(e, EPERM, "the kernel is locked down "
			   "(confidentiality): vmscope.ko does not show the "
			   "page-table pages' physical addresses");
		vs_err_hint(e, "walk without asking for them");
		return -EPERM;
	}
	if (err == -EPROTO)
		return vs_err_set(e, EPROTO, "vmscope.ko refused the page-table "
				  "walk: ABI version mismatch");
	return vs_err_set(e, err, "cannot walk the page tables of process %d: "
			  "%s", (int)pid, vs_strerror(err, sbuf, sizeof(sbuf)));
}

#define PTE_FLAGS_ALL	(VS_PTE_F_P4D_FOLDED | VS_PTE_F_HUGETLB | VS_PTE_F_PTI)

/* Check record @r of a reply and decode it into @d. @prev: the end of the
 * previous leaf (the next leaf cannot start before it). */
static int pte_from(const struct vs_kmod_pte *r, unsigned levels,
		    uint64_t start, uint64_t end, uint64_t prev,
		    struct vs_pt_entry *d, struct vs_err *e)
{
	bool folded = r->flags & VS_PTE_F_P4D_FOLDED;
	int l;

	if (r->level >= VS_PT_LEVELS || !vs_pt_kind_name(r->kind) ||
	    (r->flags & ~PTE_FLAGS_ALL) || folded != (levels == 4) ||
	    (folded && r->level == VS_PT_P4D) ||
	    (r->kind != VS_PTE_BAD && r->level < VS_PT_PUD))
		goto bad;
	memset(d, 0, sizeof(*d));
	d->level = r->level;
	d->kind = r->kind;
	d->flags = r->flags;
	d->size = level_span(r->level);
	d->addr = r->addr;
	/* Aligned, overlapping the range, after the leaf before it. */
	if ((d->addr & (d->size - 1)) || d->addr >= end ||
	    d->addr + d->size <= start || d->addr < prev)
		goto bad;
	for (l = 0; l < VS_PT_LEVELS; l++) {
		bool have = l <= r->level && !(folded && l == VS_PT_P4D);

		if (!have && r->entry[l])
			goto bad;
		d->have[l] = have;
		d->raw[l] = r->entry[l];
		if (have)
			vs_pt_decode(r->entry[l], l, &d->bits[l]);
	}
	/* Entries above the leaf are present tables. */
	for (l = 0; l < r->level; l++)
		if (d->have[l] && (!d->bits[l].present || d->bits[l].leaf))
			goto bad;
	d->bits[r->level].leaf = r->kind != VS_PTE_BAD;
	d->user_pgd = r->user_pgd;
	d->pfn = r->pfn;
	d->swap_type = r->swap_type;
	d->swap_offset = r->swap_offset;
	if (r->kind != VS_PTE_SWAP && (r->swap_type || r->swap_offset))
		goto bad;
	return 0;
bad:
	return vs_err_set(e, EBADMSG, "vmscope.ko sent a bad page-table "
			  "record for 0x%llx (level %u, kind %u)",
			  (unsigned long long)r->addr, r->level, r->kind);
}

/* Open @pid's pagemap (the @nth thread's, from 1), for the module's access
 * check. Returns a descriptor, -1 when the ops have no opener (tests),
 * or a negative errno with @e set. */
static int open_pagemap(struct vs_kmod *k, pid_t pid, unsigned nth,
			struct vs_err *e)
{
	char sbuf[128];
	int fd;

	if (!k->ops.pagemap)
		return -1;
	fd = k->ops.pagemap(k->ctx, pid, nth);
	if (fd >= 0)
		return fd;
	if (fd == -ENOENT || fd == -ESRCH) {
		if (nth)
			return vs_err_set(e, ESRCH, "process %d has no live "
					  "thread to walk", (int)pid);
		return vs_err_set(e, ESRCH, "process %d does not exist",
				  (int)pid);
	}
	if (fd == -EACCES || fd == -EPERM) {
		vs_err_set(e, EACCES, "not allowed to read the page tables "
			   "of process %d: /proc/%d/pagemap refuses us",
			   (int)pid, (int)pid);
		vs_err_hint(e, "vmscope.ko asks what pagemap asks: the same "
			    "user, or CAP_SYS_PTRACE, and the security "
			    "modules' ptrace policy");
		return -EACCES;
	}
	return vs_err_set(e, -fd, "cannot open /proc/%d/pagemap: %s",
			  (int)pid, vs_strerror(fd, sbuf, sizeof(sbuf)));
}

/* One WALK request; with a zombie thread-group leader, whose pagemap has
 * no mm, again through each live thread's until one answers. */
static int walk_request(struct vs_kmod *k, pid_t pid, int *fd,
			struct vs_kmod_walk *w)
{
	struct vs_kmod_walk ask = *w;
	int err;

	for (unsigned nth = 1;; nth++) {
		ask.pagemap_fd = *fd;
		*w = ask;
		err = k->ops.ioctl(k->ctx, VS_KMOD_IOC_WALK, w);
		if (err != -EACCES || w->detail != VS_WALK_E_NOMM ||
		    !k->ops.pagemap || nth > 65536)
			return err;
		if (*fd >= 0)
			close(*fd);
		*fd = k->ops.pagemap(k->ctx, pid, nth);
		if (*fd < 0)
			return err;	/* no thread left: say why */
	}
}

int vs_kmod_walk(struct vs_kmod *k, pid_t pid, uint64_t start, uint64_t end,
		 vs_pt_fn fn, void *arg, struct vs_pt_stats *st,
		 struct vs_err *e)
{
	uint64_t last[VS_WT_LEVELS] = { 0 }, cur = start, prev = 0;
	struct vs_pt_stats s;
	struct vs_kmod_pte *recs;
	int err = 0, fd;

	memset(&s, 0, sizeof(s));
	if (st)
		*st = s;
	fd = open_pagemap(k, pid, 0, e);
	if (fd < -1)
		return fd;
	recs = calloc(k->batch, sizeof(*recs));
	if (!recs) {
		if (fd >= 0)
			close(fd);
		return vs_err_set(e, ENOMEM, "out of memory");
	}
	do {
		struct vs_kmod_walk w;

		memset(&w, 0, sizeof(w));
		w.abi_version = VS_KMOD_ABI_VERSION;
		w.rec_size = sizeof(*recs);
		w.pid = (int32_t)pid;
		w.start = cur;
		w.end = end;
		w.buf = (uint64_t)(uintptr_t)recs;
		w.buf_count = k->batch;
		w.flags = (s.requests ? VS_WALK_F_RESUME : 0) |
			  (k->want & VS_KMOD_WANT_PHYS ? VS_WALK_F_PHYS : 0);
		err = walk_request(k, pid, &fd, &w);
		if (err) {
			walk_error(err, &w, pid, start, end, s.requests > 0, e);
			break;
		}
		s.requests++;
		if (w.count > k->batch || (w.levels != 4 && w.levels != 5) ||
		    w.next > (end + 4095) / 4096 * 4096 ||
		    w.next < (cur & ~4095ull) ||
		    (!w.count && w.next <= cur && w.next < end)) {
			err = vs_err_set(e, EBADMSG, "vmscope.ko's reply to a "
					 "page-table walk is inconsistent (%u "
					 "records, next 0x%llx)", w.count,
					 (unsigned long long)w.next);
			break;
		}
		if (w.max_hold_entries > w.entries || w.holds > w.entries + 1 ||
		    ((w.out_flags & VS_WALK_O_CHANGED) != 0) != (w.changed != 0)) {
			err = vs_err_set(e, EBADMSG, "vmscope.ko's reply to a "
					 "page-table walk counts its lock "
					 "holds inconsistently");
			break;
		}
		s.mm_id = w.mm_id;
		s.phys = w.out_flags & VS_WALK_O_PHYS;
		s.pgd_pfn = s.phys ? w.pgd_pfn : 0;
		s.pgtables_bytes = w.pgtables_bytes;
		s.levels = w.levels;
		s.pti = w.out_flags & VS_WALK_O_PTI;
		s.holds += w.holds;
		if (w.max_hold_entries > s.max_hold_entries)
			s.max_hold_entries = w.max_hold_entries;
		s.entries += w.entries;
		if (w.entries > s.max_request_entries)
			s.max_request_entries = w.entries;
		if (w.max_hold_ns > s.max_hold_ns)
			s.max_hold_ns = w.max_hold_ns;
		s.changed += w.changed;
		/* A table the last request ended in and this one began in
		 * is one table. */
		for (int l = 0; l < VS_WT_LEVELS; l++) {
			if (!w.tables[l])
				continue;
			s.tables[l] += w.tables[l];
			if (last[l] && last[l] == w.first_table[l])
				s.tables[l]--;
			last[l] = w.last_table[l];
		}
		for (uint32_t i = 0; i < w.count; i++) {
			struct vs_pt_entry d;

			err = pte_from(&recs[i], w.levels, start, end, prev,
				       &d, e);
			if (err)
				goto out;
			prev = d.addr + d.size;
			s.leaves++;
			err = fn(&d, arg);
			if (err)
				goto out;
		}
		cur = w.next;
	} while (cur < end);
out:
	free(recs);
	if (fd >= 0)
		close(fd);
	if (st)
		*st = s;
	return err;
}
