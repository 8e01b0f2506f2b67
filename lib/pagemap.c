/* pagemap.c - this file implements the reader of /proc/PID/pagemap and the
 * names of its bits. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vs_pagemap.h"

const struct vs_bitname vs_pm_bits[] = {
	{ 63, 'P', "present", "the page is in memory" },
	{ 62, 'w', "swapped", "the page is in swap" },
	{ 61, 'F', "file", "a file page or shared anonymous (shmem) page" },
	{ 56, '1', "exclusive", "the page is mapped exactly once" },
	{ 55, 'f', "soft_dirty", "written since soft-dirty bits were cleared" },
	{ 57, 'u', "uffd_wp", "write-protected by userfaultfd" },
	{ 58, 'g', "guard", "a guard region (MADV_GUARD_INSTALL)" },
};
const size_t vs_pm_nbits = sizeof(vs_pm_bits) / sizeof(vs_pm_bits[0]);

char *vs_pm_short(uint64_t e, char *buf, size_t size)
{
	size_t i;

	for (i = 0; i < vs_pm_nbits && i + 1 < size; i++)
		buf[i] = (e >> vs_pm_bits[i].bit) & 1 ? vs_pm_bits[i].letter
						      : '_';
	if (size)
		buf[i < size ? i : size - 1] = '\0';
	return buf;
}

char *vs_pm_long(uint64_t e, char *buf, size_t size)
{
	size_t n = 0;

	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < vs_pm_nbits; i++) {
		if (!((e >> vs_pm_bits[i].bit) & 1))
			continue;
		int w = snprintf(buf + n, size > n ? size - n : 0, "%s%s",
				 n ? "," : "", vs_pm_bits[i].name);

		if (w < 0 || (size_t)w >= size - n) {
			buf[n] = '\0';		/* whole names only */
			break;
		}
		n += (size_t)w;
	}
	return buf;
}

struct vs_pagemap {
	int fd;			/* the pagemap file */
	char path[256];		/* as the user sees it, for messages */
};

int vs_pagemap_open_fd(int fd, const char *path, struct vs_pagemap **out,
		       struct vs_err *e)
{
	struct vs_pagemap *pm = calloc(1, sizeof(*pm));

	*out = NULL;
	if (!pm) {
		close(fd);
		return vs_err_set(e, ENOMEM, "out of memory");
	}
	pm->fd = fd;
	snprintf(pm->path, sizeof(pm->path), "%s", path);
	*out = pm;
	return 0;
}

int vs_pagemap_open(struct vs_root *r, pid_t pid, struct vs_pagemap **out,
		    struct vs_err *e)
{
	char path[64], full[4096];
	int fd;

	*out = NULL;
	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)pid);
	fd = vs_root_pid_err(r, pid, vs_root_open(r, path, O_RDONLY, e), e);
	if (fd < 0)
		return fd;
	return vs_pagemap_open_fd(fd, vs_root_path(r, path, full,
						   sizeof(full)), out, e);
}

void vs_pagemap_close(struct vs_pagemap *pm)
{
	if (!pm)
		return;
	close(pm->fd);
	free(pm);
}

ssize_t vs_pagemap_read(struct vs_pagemap *pm, uint64_t vpn, size_t n,
			uint64_t *out, struct vs_err *e)
{
	size_t done = 0;

	/* Offsets are vpn * 8; past 2^60 pages there is no address. */
	if (vpn > (UINT64_MAX >> 4) || n > (SIZE_MAX >> 4))
		return vs_err_set(e, EINVAL, "page index %llu out of range",
				  (unsigned long long)vpn);
	while (done < n) {
		off_t off = (off_t)((vpn + done) * sizeof(uint64_t));
		size_t want = (n - done) * sizeof(uint64_t);
		ssize_t r = pread(pm->fd, (char *)(out + done), want, off);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return vs_err_sys(e, errno, "read", pm->path);
		}
		if (r == 0)
			break;
		if (r % sizeof(uint64_t))
			return vs_err_set(e, EBADMSG, "cannot read '%s': a "
					  "read ended inside an entry",
					  pm->path);
		done += (size_t)r / sizeof(uint64_t);
	}
	return (ssize_t)done;
}

size_t vs_page_size(void)
{
	long ps = sysconf(_SC_PAGESIZE);

	return ps > 0 ? (size_t)ps : 4096;
}

bool vs_pfns_visible(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0,
	};
	struct __user_cap_data_struct data[2];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) < 0)
		return geteuid() == 0;
	return data[CAP_SYS_ADMIN / 32].effective &
	       (1u << (CAP_SYS_ADMIN % 32));
}
