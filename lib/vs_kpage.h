/* vs_kpage.h - /proc/kpageflags and /proc/kpagecount: what each physical
 * frame is, and how many times it is mapped.
 *
 * Both files hold one 64-bit value per PFN. The reader looks up the PFNs a
 * pagemap batch yields: runs of ascending PFNs (with small gaps bridged)
 * are read with one pread each, so memory that the buddy allocator handed
 * out in blocks costs a few reads per megabyte, not one per page. The flag
 * names are the kernel's (Documentation/admin-guide/mm/pagemap.rst), with
 * the raw bits 32 and up that the file also carries.
 */
#ifndef VS_KPAGE_H
#define VS_KPAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vs_err.h"
#include "vs_pagemap.h"
#include "vs_root.h"

/* kpageflags bits (documented). */
enum {
	VS_KPF_LOCKED = 0, VS_KPF_ERROR = 1, VS_KPF_REFERENCED = 2,
	VS_KPF_UPTODATE = 3, VS_KPF_DIRTY = 4, VS_KPF_LRU = 5,
	VS_KPF_ACTIVE = 6, VS_KPF_SLAB = 7, VS_KPF_WRITEBACK = 8,
	VS_KPF_RECLAIM = 9, VS_KPF_BUDDY = 10, VS_KPF_MMAP = 11,
	VS_KPF_ANON = 12, VS_KPF_SWAPCACHE = 13, VS_KPF_SWAPBACKED = 14,
	VS_KPF_COMPOUND_HEAD = 15, VS_KPF_COMPOUND_TAIL = 16,
	VS_KPF_HUGE = 17, VS_KPF_UNEVICTABLE = 18, VS_KPF_HWPOISON = 19,
	VS_KPF_NOPAGE = 20, VS_KPF_KSM = 21, VS_KPF_THP = 22,
	VS_KPF_OFFLINE = 23, VS_KPF_ZERO_PAGE = 24, VS_KPF_IDLE = 25,
	VS_KPF_PGTABLE = 26,
	/* raw bits, for kernel developers (page-types -r) */
	VS_KPF_RESERVED = 32, VS_KPF_MLOCKED = 33, VS_KPF_MAPPEDTODISK = 34,
	VS_KPF_PRIVATE = 35, VS_KPF_PRIVATE_2 = 36, VS_KPF_OWNER_PRIVATE = 37,
	VS_KPF_ARCH = 38, VS_KPF_UNCACHED = 39, VS_KPF_SOFTDIRTY = 40,
	VS_KPF_ARCH_2 = 41, VS_KPF_ARCH_3 = 42,
};

#define VS_KPF(b)		(UINT64_C(1) << VS_KPF_##b)
/* The bits page-types hides unless asked for raw flags. */
#define VS_KPF_HACKER_BITS	(UINT64_C(0xffff) << 32)

/* A value that no kpageflags entry has: "could not be read". */
#define VS_KPAGE_UNKNOWN	UINT64_MAX

/* Every named kpageflags bit, in bit order. */
extern const struct vs_bitname vs_kpf_bits[];
extern const size_t vs_kpf_nbits;

/* Short form: one letter or '_' per named bit (page-types' letters). With
 * @raw false only the documented bits 0-26. */
char *vs_kpf_short(uint64_t flags, bool raw, char *buf, size_t size);

/* Long form: names of the bits set, comma-separated; unnamed bits set are
 * written "bitN", and bit 34 of an anonymous page "anon_exclusive" (the
 * kernel's use of it there, as page-types -r names it). */
char *vs_kpf_long(uint64_t flags, char *buf, size_t size);

/* The flags page-types shows without -r: raw bits hidden, and compound
 * head/tail kept only for hugetlb pages. */
uint64_t vs_kpf_well_known(uint64_t flags);

/* Which files to open. */
#define VS_KPAGE_FLAGS	0x1u
#define VS_KPAGE_COUNT	0x2u

struct vs_kpage;

/* Open /proc/kpageflags and/or /proc/kpagecount below @r as @what asks.
 * A file that cannot be opened is left out, not an error: vs_kpage_has()
 * tells which are there and vs_kpage_why() why one is not. Returns 0, or
 * -ENOMEM. */
int vs_kpage_open(struct vs_root *r, unsigned what, struct vs_kpage **out,
		  struct vs_err *e);
void vs_kpage_close(struct vs_kpage *kp);

/* The VS_KPAGE_* files that are open. */
unsigned vs_kpage_has(const struct vs_kpage *kp);

/* Why file @which (VS_KPAGE_FLAGS or VS_KPAGE_COUNT) is not open: the
 * errno (ENOENT: the kernel lacks it; EACCES: root needed) and a message;
 * 0 when it is open. */
int vs_kpage_why(const struct vs_kpage *kp, unsigned which,
		 const struct vs_err **e);

/* Read the flags and/or counts of frames [@pfn, @pfn + @n) (either output
 * may be NULL; a file not open fills VS_KPAGE_UNKNOWN). Returns the number
 * of frames read (fewer at the end of memory), or a negative errno. */
ssize_t vs_kpage_read(struct vs_kpage *kp, uint64_t pfn, size_t n,
		      uint64_t *flags, uint64_t *count, struct vs_err *e);

/* Look up @n frames given in any order (@pfns[i] == 0: none): @flags[i]
 * and @count[i] (either may be NULL) get their values, or
 * VS_KPAGE_UNKNOWN. Ascending runs are read in one pread each. @count may
 * be @pfns itself (each entry is read before it is written). Returns 0 or
 * a negative errno. */
int vs_kpage_lookup(struct vs_kpage *kp, const uint64_t *pfns, size_t n,
		    uint64_t *flags, uint64_t *count, struct vs_err *e);

/* Preads issued so far (for tests of the batching). */
uint64_t vs_kpage_reads(const struct vs_kpage *kp);

#endif
