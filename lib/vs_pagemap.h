/* vs_pagemap.h - /proc/PID/pagemap: what backs each virtual page.
 *
 * The file holds one 64-bit entry per virtual page (index = address / page
 * size). The reader takes ranges in large batched preads, so a mapping of
 * gigabytes costs a few dozen system calls and a fixed buffer. The bits are
 * those of Documentation/admin-guide/mm/pagemap.rst; without CAP_SYS_ADMIN
 * the kernel writes the PFN (and the swap location) as 0, which
 * vs_pm_pfn() reports as unknown, never as frame 0.
 */
#ifndef VS_PAGEMAP_H
#define VS_PAGEMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vs_err.h"
#include "vs_root.h"

#define VS_PM_PFN_MASK		((UINT64_C(1) << 55) - 1) /* bits 0-54 */
#define VS_PM_SWAP_TYPE_BITS	5			/* bits 0-4 */
#define VS_PM_SOFT_DIRTY	(UINT64_C(1) << 55)	/* pte is soft-dirty */
#define VS_PM_EXCLUSIVE		(UINT64_C(1) << 56)	/* mapped once (4.2) */
#define VS_PM_UFFD_WP		(UINT64_C(1) << 57)	/* uffd-wp (5.13) */
#define VS_PM_GUARD		(UINT64_C(1) << 58)	/* guard region (6.15) */
#define VS_PM_FILE		(UINT64_C(1) << 61)	/* file or shared anon */
#define VS_PM_SWAP		(UINT64_C(1) << 62)	/* swapped */
#define VS_PM_PRESENT		(UINT64_C(1) << 63)	/* in memory */

/* The PFN of a present entry, or 0 when it is not present or the kernel
 * hid it (frame 0 is never a user page on the architectures Linux shows
 * it for, so 0 always means "unknown"). */
static inline uint64_t vs_pm_pfn(uint64_t e)
{
	return (e & VS_PM_PRESENT) ? e & VS_PM_PFN_MASK : 0;
}

/* Swap type and offset of a swapped entry (both 0 when hidden). */
static inline unsigned vs_pm_swap_type(uint64_t e)
{
	return (unsigned)(e & ((1u << VS_PM_SWAP_TYPE_BITS) - 1));
}

static inline uint64_t vs_pm_swap_offset(uint64_t e)
{
	return (e & VS_PM_PFN_MASK) >> VS_PM_SWAP_TYPE_BITS;
}

/* A named bit of a pagemap entry (or of kpageflags: see vs_kpage.h). */
struct vs_bitname {
	unsigned bit;		/* bit number */
	char letter;		/* one letter for the short symbolic form */
	const char *name;	/* stable name: "present", "soft_dirty" */
	const char *help;	/* one line for man pages and --help */
};

/* The bits of a pagemap entry, in the order of the short form. */
extern const struct vs_bitname vs_pm_bits[];
extern const size_t vs_pm_nbits;

/* Short form of the flag bits of @e ("P__1___": one letter or '_' per
 * bit of vs_pm_bits) into @buf (at least vs_pm_nbits + 1 bytes). */
char *vs_pm_short(uint64_t e, char *buf, size_t size);

/* Long form: the names of the bits set, comma-separated ("" if none). */
char *vs_pm_long(uint64_t e, char *buf, size_t size);

/* Entries per batch the readers use: 256 KiB of entries. */
#define VS_PAGEMAP_BATCH 32768

struct vs_pagemap;

/* Open /proc/@pid/pagemap below @r. Returns 0 and the reader in *@out, or
 * a negative errno with @e set (-ESRCH: no such process; -ENOENT: the
 * process is there, its pagemap is not). */
int vs_pagemap_open(struct vs_root *r, pid_t pid, struct vs_pagemap **out,
		    struct vs_err *e);

/* Read from an open descriptor (taken over), named @path in messages. */
int vs_pagemap_open_fd(int fd, const char *path, struct vs_pagemap **out,
		       struct vs_err *e);

void vs_pagemap_close(struct vs_pagemap *pm);

/* Read the entries of virtual pages [@vpn, @vpn + @n) into @out, with as
 * few preads as the kernel allows. Returns the number of entries read
 * (fewer than @n only where the file ends: past the top of the address
 * space), or a negative errno with @e set. */
ssize_t vs_pagemap_read(struct vs_pagemap *pm, uint64_t vpn, size_t n,
			uint64_t *out, struct vs_err *e);

/* The system's page size, and whether this process may see PFNs (it has
 * CAP_SYS_ADMIN). The kernel decides by the opener's credentials, so a
 * replayed tree says nothing: callers also check the entries. */
size_t vs_page_size(void);
bool vs_pfns_visible(void);

#endif
