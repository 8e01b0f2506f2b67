/* kmod_stream.h - the input of fuzz_kmod: what a fake /dev/vmscope
 * answers, byte for byte.
 *
 * The harness opens the library's module client over struct vs_kmod_ops
 * (as tests/unit/test_kmod.c does with its fake kernel), so the decoders
 * of lib/kmod.c run on the reply buffers the input holds, with no device.
 * Layout, all integers little-endian:
 *
 *   u8  views      bit 0 BUDDY, 1 SLAB, 2 TLB, 3 WALK: the requests made,
 *                  in that order, after INFO
 *   u8  batch      WALK records per request (vs_kmod_set_batch)
 *   u64 start, end the range WALK asks for
 *   then one reply per ioctl the library makes, in its order:
 *     u8 status    0: success; else the request fails with
 *                  -kmod_errs[status % KMOD_NERRS]
 *     INFO:  struct vs_kmod_info (240 bytes)
 *     BUDDY, SLAB, TLB:  u32 count, total, aux_done, aux_total, then
 *            min(count, buf_count) records and min(aux_done, aux_count)
 *            aux records of the sizes the request gives
 *     WALK:  the out fields of struct vs_kmod_walk (count to out_flags,
 *            as laid out there), then min(count, buf_count) records
 *
 * Past the end of the input every field reads as 0, and records are not
 * written (the library's buffers keep what they held). The fake writes no
 * more than the request's room, as the module does; what it claims
 * (count, total, the records' contents) is the input's. */
#ifndef VS_FUZZ_KMOD_STREAM_H
#define VS_FUZZ_KMOD_STREAM_H

#include <errno.h>
#include <stddef.h>

#include "vs_kmod_abi.h"

#define KMOD_VIEW_BUDDY	0x1
#define KMOD_VIEW_SLAB	0x2
#define KMOD_VIEW_TLB	0x4
#define KMOD_VIEW_WALK	0x8

static const int kmod_errs[] = { 0, EINVAL, ENOTTY, EOPNOTSUPP, EPROTO,
				 EIO, ESRCH, EFAULT, ENOMEM };
#define KMOD_NERRS (sizeof(kmod_errs) / sizeof(kmod_errs[0]))

/* The out fields of a WALK reply. */
#define KMOD_WALK_OUT_FIRST	offsetof(struct vs_kmod_walk, count)
#define KMOD_WALK_OUT_END	offsetof(struct vs_kmod_walk, reserved0)

#endif
