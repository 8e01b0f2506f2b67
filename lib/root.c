/* root.c - opens /proc and /sys files below the live root or a fixture tree. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vs_root.h"

struct vs_root {
	int refs;		/* reference count */
	int dirfd;		/* directory standing for "/"; -1 when live */
	char *prefix;		/* as given, without trailing slashes; "" live */
};

int vs_root_new(const char *prefix, struct vs_root **out, struct vs_err *e)
{
	struct vs_root *r;
	size_t n;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return vs_err_set(e, ENOMEM, "out of memory");
	r->refs = 1;
	r->dirfd = -1;
	if (!prefix)
		prefix = "";
	n = strlen(prefix);
	while (n > 0 && prefix[n - 1] == '/')
		n--;
	r->prefix = strndup(prefix, n);
	if (!r->prefix) {
		free(r);
		return vs_err_set(e, ENOMEM, "out of memory");
	}
	if (n > 0) {
		r->dirfd = open(r->prefix, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (r->dirfd < 0) {
			int err = errno;

			vs_err_sys(e, err, "open root directory", r->prefix);
			free(r->prefix);
			free(r);
			return -err;
		}
	}
	*out = r;
	return 0;
}

struct vs_root *vs_root_ref(struct vs_root *r)
{
	if (r)
		r->refs++;
	return r;
}

void vs_root_unref(struct vs_root *r)
{
	if (!r || --r->refs > 0)
		return;
	if (r->dirfd >= 0)
		close(r->dirfd);
	free(r->prefix);
	free(r);
}

bool vs_root_is_live(const struct vs_root *r)
{
	return r->dirfd < 0;
}

const char *vs_root_path(const struct vs_root *r, const char *path,
			 char *buf, size_t size)
{
	snprintf(buf, size, "%s%s", r->prefix, path);
	return buf;
}

/* The path to hand to openat(): relative to dirfd, or absolute when live. */
static const char *rel(const struct vs_root *r, const char *path)
{
	if (r->dirfd < 0)
		return path;
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

static int at(const struct vs_root *r)
{
	return r->dirfd < 0 ? AT_FDCWD : r->dirfd;
}

int vs_root_open(const struct vs_root *r, const char *path, int flags,
		 struct vs_err *e)
{
	char full[4096];
	struct stat sb;
	int fd, err;

	/* O_NONBLOCK: a FIFO (or a device) put where a /proc file belongs
	 * must not hang the open; what is not a regular file or a directory
	 * asked for is refused below, before anyone reads it. */
	fd = openat(at(r), rel(r, path), flags | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		err = errno;
		return vs_err_sys(e, err, "open",
				  vs_root_path(r, path, full, sizeof(full)));
	}
	if (fstat(fd, &sb) < 0) {
		err = errno;
		close(fd);
		return vs_err_sys(e, err, "open",
				  vs_root_path(r, path, full, sizeof(full)));
	}
	/* procfs, sysfs, debugfs and tracefs files are regular files. */
	if (!S_ISREG(sb.st_mode) &&
	    !((flags & O_DIRECTORY) && S_ISDIR(sb.st_mode))) {
		close(fd);
		return vs_err_set(e, EINVAL, "cannot open '%s': not a regular "
				  "file", vs_root_path(r, path, full,
						       sizeof(full)));
	}
	/* Reads of a regular file block as they always did (trace_pipe). */
	if (!(flags & O_NONBLOCK) &&
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		err = errno;
		close(fd);
		return vs_err_sys(e, err, "open",
				  vs_root_path(r, path, full, sizeof(full)));
	}
	return fd;
}

/* Read from @fd until EOF into @buf (at most @size bytes). Returns the count
 * or a negative errno. */
static ssize_t read_all(int fd, char *buf, size_t size)
{
	size_t n = 0;

	while (n < size) {
		ssize_t r = read(fd, buf + n, size - n);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	return (ssize_t)n;
}

/* Read @path into @buf; with @whole, a file longer than @size - 1 bytes is
 * an -EFBIG error, otherwise what fits is kept. */
static int read_into(const struct vs_root *r, const char *path, char *buf,
		     size_t size, size_t *len, bool whole, struct vs_err *e)
{
	char full[4096];
	ssize_t n;
	int fd;

	if (size < 2)
		return vs_err_set(e, EINVAL, "buffer too small");
	buf[0] = '\0';
	fd = vs_root_open(r, path, O_RDONLY, e);
	if (fd < 0)
		return fd;
	n = read_all(fd, buf, size - 1);
	if (whole && n >= 0 && (size_t)n == size - 1) {
		/* Ask for one more byte, to tell "full" from "too big". */
		char extra;
		ssize_t m = read_all(fd, &extra, 1);

		if (m > 0)
			n = -EFBIG;
		else if (m < 0)
			n = m;
	}
	close(fd);
	if (n < 0) {
		buf[0] = '\0';
		return vs_err_sys(e, (int)-n, "read",
				  vs_root_path(r, path, full, sizeof(full)));
	}
	buf[n] = '\0';
	if (len)
		*len = (size_t)n;
	return 0;
}

int vs_root_read(const struct vs_root *r, const char *path, char *buf,
		 size_t size, size_t *len, struct vs_err *e)
{
	return read_into(r, path, buf, size, len, true, e);
}

int vs_root_read_upto(const struct vs_root *r, const char *path, char *buf,
		      size_t size, size_t *len, struct vs_err *e)
{
	return read_into(r, path, buf, size, len, false, e);
}

int vs_root_read_alloc(const struct vs_root *r, const char *path, size_t max,
		       char **out, size_t *len, struct vs_err *e)
{
	char full[4096];
	size_t cap = 4096, n = 0;
	char *buf = NULL;
	int fd, err = 0;

	*out = NULL;
	fd = vs_root_open(r, path, O_RDONLY, e);
	if (fd < 0)
		return fd;
	for (;;) {
		ssize_t got;

		if (!buf || n + 1 >= cap) {
			char *nb;

			if (buf)
				cap *= 2;
			if (cap > max + 1)
				cap = max + 1;
			if (buf && n + 1 >= cap) {
				err = EFBIG;
				break;
			}
			nb = realloc(buf, cap);
			if (!nb) {
				err = ENOMEM;
				break;
			}
			buf = nb;
		}
		got = read(fd, buf + n, cap - 1 - n);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			break;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	if (err) {
		free(buf);
		return vs_err_sys(e, err, "read",
				  vs_root_path(r, path, full, sizeof(full)));
	}
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return 0;
}

bool vs_root_exists(const struct vs_root *r, const char *path)
{
	return faccessat(at(r), rel(r, path), F_OK, 0) == 0;
}

bool vs_root_pid_alive(const struct vs_root *r, pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	return vs_root_exists(r, path);
}

int vs_root_pid_err(const struct vs_root *r, pid_t pid, int err,
		    struct vs_err *e)
{
	if (err >= 0)
		return err;
	/* ESRCH: the kernel's word for a process that went while its file
	 * was open (smaps_rollup of an exited mm). ENOENT: only when the
	 * whole /proc/PID went; a file missing beside live ones is the
	 * kernel's (or the tree's) lack, said with the file's name. */
	if (err == -ESRCH || ((err == -ENOENT || err == -EACCES ||
			       err == -EPERM) && !vs_root_pid_alive(r, pid)))
		return vs_err_set(e, ESRCH, "process %d not found", (int)pid);
	return err;
}
