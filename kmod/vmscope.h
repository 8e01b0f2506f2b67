/* SPDX-License-Identifier: GPL-2.0 */
/* vmscope.h - what the parts of vmscope.ko share.
 *
 * main.c owns the device and the request plumbing; buddy.c, slab.c, tlb.c
 * and walk.c each answer one request. Every request is read-only: nothing
 * here writes kernel state other than the module's own counters, and the
 * references it takes (on a task, an mm, a slab cache's kobject) are
 * dropped before the request returns.
 */
#ifndef VMSCOPE_H
#define VMSCOPE_H

#include <linux/types.h>

#include "vs_kernels.h"
#include "vs_kmod_abi.h"

#define VMSCOPE_VERSION "0.1.0"

/* Fail the build, not the kernel, if a record's size is not the one the
 * library was written for. */
#define VS_ABI_SIZE(type, size) \
	static_assert(sizeof(struct type) == (size), #type " changed size")

/* Time a lock hold: ns since @t0 into *@max when longer. */
static inline void vs_hold_time(u64 t0, u64 now, u64 *max)
{
	if (now - t0 > *max)
		*max = now - t0;
}

/* A list request being answered (main.c). */
struct vs_req {
	struct vs_kmod_query q;		/* the caller's request, updated */
};

/* Copy @rec (q.rec_size bytes) to the caller's buf at index @idx when it
 * fits; count it in total either way. Returns 0 or -EFAULT. */
int vs_emit(struct vs_req *r, const void *rec);
/* The same for the aux array. */
int vs_emit_aux(struct vs_req *r, const void *rec);

/* Whether the caller's buf has room for another record (requests skip
 * the work for records that would not be copied out). */
static inline bool vs_buf_room(const struct vs_req *r)
{
	return r->q.count < r->q.buf_count;
}

int vs_buddy_query(struct vs_req *r);

int vs_slab_init(void);
void vs_slab_exit(void);
bool vs_slab_usable(void);
int vs_slab_query(struct vs_req *r);

int vs_tlb_init(void);
void vs_tlb_exit(void);
bool vs_tlb_tracing(void);
u64 vs_tlb_since_ns(void);
int vs_tlb_query(struct vs_req *r);

void vs_walk_init(void);
long vs_walk_ioctl(struct vs_kmod_walk __user *uw);

#endif
