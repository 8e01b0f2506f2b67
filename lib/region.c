/* region.c - this file classifies mappings into kinds of region. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "vs_region.h"

const char *const vs_region_name[VS_REGION__COUNT] = {
	[VS_REGION_TEXT] = "text",
	[VS_REGION_DATA] = "data",
	[VS_REGION_FILE] = "file",
	[VS_REGION_HEAP] = "heap",
	[VS_REGION_STACK] = "stack",
	[VS_REGION_ANON] = "anon",
	[VS_REGION_SHM] = "shm",
	[VS_REGION_VDSO] = "vdso",
};

int vs_shmdev_probe(struct vs_shmdev *d)
{
	struct stat st;
	int fd;

	d->known = false;
	fd = memfd_create("vmscope-probe", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	close(fd);
	d->major = major(st.st_dev);
	d->minor = minor(st.st_dev);
	d->known = true;
	return 0;
}

static bool starts(const struct vs_vma *v, const char *prefix)
{
	size_t n = strlen(prefix);

	return v->name_len >= n && memcmp(v->name, prefix, n) == 0;
}

static bool on_shmdev(const struct vs_vma *v, const struct vs_shmdev *shm)
{
	if (v->dev_major != 0)
		return false;
	return !shm || !shm->known || v->dev_minor == shm->minor;
}

bool vs_vma_is_sysv(const struct vs_vma *v, const struct vs_shmdev *shm)
{
	return starts(v, "/SYSV") && on_shmdev(v, shm);
}

bool vs_vma_deleted(const struct vs_vma *v)
{
	static const char suffix[] = " (deleted)";
	size_t n = sizeof(suffix) - 1;

	return v->name_len > n &&
	       memcmp(v->name + v->name_len - n, suffix, n) == 0;
}

enum vs_region vs_vma_region(const struct vs_vma *v,
			     const struct vs_shmdev *shm)
{
	if (v->name_len == 0 || starts(v, "[anon:"))
		return VS_REGION_ANON;
	if (!strcmp(v->name, "[heap]"))
		return VS_REGION_HEAP;
	if (!strcmp(v->name, "[stack]"))
		return VS_REGION_STACK;
	if (starts(v, "[anon_shmem:"))
		return VS_REGION_SHM;
	if (v->name[0] == '[')
		return VS_REGION_VDSO;
	if (vs_vma_is_sysv(v, shm) || starts(v, "/dev/shm/") ||
	    starts(v, "/memfd:") ||
	    (!strcmp(v->name, "/dev/zero (deleted)") && on_shmdev(v, shm)))
		return VS_REGION_SHM;
	if (v->perms[2] == 'x')
		return VS_REGION_TEXT;
	if (v->perms[3] == 'p' && v->perms[1] == 'w')
		return VS_REGION_DATA;
	return VS_REGION_FILE;
}
