/* vs_region.h - what kind of region a mapping is.
 *
 * The kinds users arrive with (shared/CONCEPTS.md): program text, data,
 * the brk heap, the main stack, anonymous memory, file mappings, shared
 * memory and the kernel's vdso pages. The rules are in vmmap(1), SUMMARY.
 */
#ifndef VS_REGION_H
#define VS_REGION_H

#include <stdbool.h>

#include "vs_maps.h"

enum vs_region {
	VS_REGION_TEXT,		/* file-backed and executable */
	VS_REGION_DATA,		/* file-backed, private and writable */
	VS_REGION_FILE,		/* other file-backed mappings */
	VS_REGION_HEAP,		/* [heap]: between start_brk and brk */
	VS_REGION_STACK,	/* [stack]: the main thread's stack */
	VS_REGION_ANON,		/* anonymous: malloc arenas, mmaps, bss */
	VS_REGION_SHM,		/* SysV, POSIX, memfd and shared anonymous */
	VS_REGION_VDSO,		/* [vdso], [vvar], [vsyscall] and the like */
	VS_REGION__COUNT
};

extern const char *const vs_region_name[VS_REGION__COUNT];

/* The device of the kernel's internal shmem mount, which backs SysV
 * segments, memfds and shared anonymous mappings. */
struct vs_shmdev {
	bool known;
	unsigned major, minor;
};

/* Learn the shmem device by creating (and closing) a memfd in this
 * process: nothing outside it is touched. Returns 0 or a negative errno;
 * on failure @d stays unknown and only names are used. */
int vs_shmdev_probe(struct vs_shmdev *d);

/* A SysV shared memory segment ("/SYSV<key>" on the shmem device); its
 * inode is the shmid. */
bool vs_vma_is_sysv(const struct vs_vma *v, const struct vs_shmdev *shm);

/* The name ends in " (deleted)": the file was unlinked. (A file whose
 * real name ends so cannot be told apart; neither can the kernel.) */
bool vs_vma_deleted(const struct vs_vma *v);

enum vs_region vs_vma_region(const struct vs_vma *v,
			     const struct vs_shmdev *shm);

#endif
