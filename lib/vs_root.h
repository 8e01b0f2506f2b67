/* vs_root.h - where the library reads /proc and /sys from.
 *
 * Every reader in the library opens its files through a vs_root: the live
 * system ("/") or a directory that stands for it, such as a captured fixture
 * tree holding proc/PID/smaps (like util-linux's --sysroot). Paths are given
 * as they are on a live system ("/proc/42/smaps"); messages name the file as
 * the user can find it (the prefix included).
 */
#ifndef VS_ROOT_H
#define VS_ROOT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "vs_err.h"

struct vs_root;

/* Open the root @prefix (NULL or "/" for the live system). On success *@out
 * holds a handle with one reference and 0 is returned; on error a negative
 * errno is returned and @e says why. */
int vs_root_new(const char *prefix, struct vs_root **out, struct vs_err *e);
struct vs_root *vs_root_ref(struct vs_root *r);
void vs_root_unref(struct vs_root *r);

/* True when @r is the live system. */
bool vs_root_is_live(const struct vs_root *r);

/* Write into @buf the path the user sees for @path ("/proc/1/maps", or
 * "PREFIX/proc/1/maps"). Returns @buf. */
const char *vs_root_path(const struct vs_root *r, const char *path,
			 char *buf, size_t size);

/* open(2) @path below @r read-only (O_CLOEXEC added). Returns the file
 * descriptor, or a negative errno with @e saying "cannot open '...': ...". */
int vs_root_open(const struct vs_root *r, const char *path, int flags,
		 struct vs_err *e);

/* Read all of the small file @path into @buf (NUL-terminated). *@len gets
 * the length. A file that does not fit in @size - 1 bytes is an -EFBIG
 * error. Returns 0 or a negative errno (with @e set). */
int vs_root_read(const struct vs_root *r, const char *path, char *buf,
		 size_t size, size_t *len, struct vs_err *e);

/* Like vs_root_read(), but a longer file is not an error: the first
 * @size - 1 bytes are kept. */
int vs_root_read_upto(const struct vs_root *r, const char *path, char *buf,
		      size_t size, size_t *len, struct vs_err *e);

/* Like vs_root_read() into a malloc'd buffer that grows up to @max bytes;
 * *@out must be freed by the caller. */
int vs_root_read_alloc(const struct vs_root *r, const char *path, size_t max,
		       char **out, size_t *len, struct vs_err *e);

/* Whether @path exists below @r (faccessat F_OK). */
bool vs_root_exists(const struct vs_root *r, const char *path);

/* Whether process @pid still exists (its /proc/PID directory is there). */
bool vs_root_pid_alive(const struct vs_root *r, pid_t pid);

/* Sort out @err, a negative errno from opening or reading a file of
 * process @pid below @r: when the process is gone (the kernel said ESRCH,
 * or /proc/PID itself is missing) -ESRCH is returned with @e saying
 * "process N not found"; otherwise @err is returned and @e, which names
 * the file, is kept (a file missing beside live ones stays -ENOENT).
 * Returns @err unchanged when it is not negative. */
int vs_root_pid_err(const struct vs_root *r, pid_t pid, int err,
		    struct vs_err *e);

#endif
