/* SPDX-License-Identifier: GPL-2.0 */
/* vs_kernels.h - the kernels vmscope.ko is written for: Linux 6.1 on
 * x86-64, and no other.
 *
 * The module reads structures whose meaning changes between releases:
 * from 6.4 MAX_ORDER counts the largest order itself rather than one past
 * it (the buddy view would drop the largest blocks), from 6.6 page-table
 * pages can be freed under mmap_read_lock (the walk would read freed
 * tables), and 6.8 renames what slab.c and tlb.c build on. So another
 * version stops the build here, with a message, rather than build a
 * module that misreads. dkms.conf pins the same (BUILD_EXCLUSIVE_KERNEL,
 * BUILD_EXCLUSIVE_ARCH), and vmscope(4) says it. tests/vm/run compiles
 * this file against other versions to see the refusal.
 */
#ifndef VS_KERNELS_H
#define VS_KERNELS_H

#include <linux/version.h>

#define VS_KERNELS "Linux 6.1 on x86-64"

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0) || \
	LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#error "vmscope.ko supports Linux 6.1 only (on x86-64): these headers are of another version; see vmscope(4)"
#endif

#ifndef CONFIG_X86_64
#error "vmscope.ko supports Linux 6.1 on x86-64 only; see vmscope(4)"
#endif

#endif
