/* spool.c - this file implements the record spool (memory, then a file). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vs_spool.h"

#define WINDOW (16 * 1024)	/* read-back window once on disk */

struct vs_spool {
	size_t limit;		/* memory kept before spilling */
	uint8_t *mem;		/* records while in memory */
	uint64_t size;		/* bytes stored (memory or file) */
	size_t cap;
	int fd;			/* the file once spilled, else -1 */
	struct vs_buf wbuf;	/* writes not yet in the file */
	uint8_t *win;		/* read-back window */
	uint64_t win_off;
	size_t win_len;
	uint8_t *big;		/* a record larger than the window */
	size_t big_cap;
};

void vs_buf_reset(struct vs_buf *b)
{
	b->len = 0;
	b->err = 0;
}

void vs_buf_free(struct vs_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

bool vs_buf_reserve(struct vs_buf *b, size_t n)
{
	size_t ncap;
	uint8_t *np;

	if (b->err)
		return false;
	if (b->len + n <= b->cap)
		return true;
	ncap = b->cap ? b->cap : 256;
	while (ncap < b->len + n)
		ncap *= 2;
	np = realloc(b->p, ncap);
	if (!np) {
		b->err = -ENOMEM;
		return false;
	}
	b->p = np;
	b->cap = ncap;
	return true;
}

void vs_buf_put(struct vs_buf *b, const void *p, size_t n)
{
	if (!n || !vs_buf_reserve(b, n))
		return;
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

void vs_buf_varint(struct vs_buf *b, uint64_t v)
{
	uint8_t *p;

	/* Reserve the longest form (10 bytes), then write in place. */
	if (!vs_buf_reserve(b, 10))
		return;
	p = vs_varint_at(b->p + b->len, v);
	b->len = (size_t)(p - b->p);
}

int vs_get_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	uint64_t x = 0;
	unsigned shift = 0;
	const uint8_t *s = *p;

	if (s < end && *s < 0x80) {	/* most values are below 128 */
		*v = *s;
		*p = s + 1;
		return 0;
	}
	while (s < end && shift < 64) {
		uint8_t byte = *s++;

		x |= (uint64_t)(byte & 0x7f) << shift;
		if (!(byte & 0x80)) {
			*p = s;
			*v = x;
			return 0;
		}
		shift += 7;
	}
	return -1;
}

int vs_spool_new(size_t mem_limit, struct vs_spool **out, struct vs_err *e)
{
	struct vs_spool *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return vs_err_set(e, ENOMEM, "out of memory");
	s->limit = mem_limit;
	s->fd = -1;
	*out = s;
	return 0;
}

void vs_spool_free(struct vs_spool *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	free(s->mem);
	free(s->win);
	free(s->big);
	vs_buf_free(&s->wbuf);
	free(s);
}

uint64_t vs_spool_size(const struct vs_spool *s)
{
	return s->size;
}

int vs_spool_on_disk(const struct vs_spool *s)
{
	return s->fd >= 0;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Open an unlinked temporary file in $TMPDIR (or /tmp). */
static int open_tmp(struct vs_err *e)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	snprintf(path, sizeof(path), "%s/vmscope-spool-XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0)
		return vs_err_sys(e, errno, "create a temporary file in", dir);
	unlink(path);
	return fd;
}

static int flush_wbuf(struct vs_spool *s, struct vs_err *e)
{
	int r;

	if (!s->wbuf.len)
		return 0;
	r = write_all(s->fd, s->wbuf.p, s->wbuf.len);
	if (r < 0)
		return vs_err_sys(e, -r, "write", "the temporary spool file");
	vs_buf_reset(&s->wbuf);
	return 0;
}

/* Move the records from memory to a temporary file. */
static int spill(struct vs_spool *s, struct vs_err *e)
{
	int r, fd = open_tmp(e);

	if (fd < 0)
		return fd;
	s->fd = fd;
	r = write_all(fd, s->mem, (size_t)s->size);
	if (r < 0)
		return vs_err_sys(e, -r, "write", "the temporary spool file");
	free(s->mem);
	s->mem = NULL;
	s->cap = 0;
	return 0;
}

int vs_spool_put(struct vs_spool *s, const void *rec, size_t len,
		 uint64_t *off, struct vs_err *e)
{
	uint8_t hdr[10];
	struct vs_buf h = { hdr, 0, sizeof(hdr), 0 };
	size_t need;

	vs_buf_varint(&h, len);
	need = h.len + len;
	if (off)
		*off = s->size;
	if (s->fd < 0 && s->size + need > s->limit) {
		int r = spill(s, e);

		if (r < 0)
			return r;
	}
	if (s->fd >= 0) {
		vs_buf_put(&s->wbuf, hdr, h.len);
		vs_buf_put(&s->wbuf, rec, len);
		if (s->wbuf.err)
			return vs_err_set(e, ENOMEM, "out of memory");
		s->size += need;
		if (s->wbuf.len >= 64 * 1024)
			return flush_wbuf(s, e);
		return 0;
	}
	if (s->size + need > s->cap) {
		size_t ncap = s->cap ? s->cap : 4096;
		uint8_t *nm;

		while (ncap < s->size + need)
			ncap *= 2;
		nm = realloc(s->mem, ncap);
		if (!nm)
			return vs_err_set(e, ENOMEM, "out of memory");
		s->mem = nm;
		s->cap = ncap;
	}
	memcpy(s->mem + s->size, hdr, h.len);
	memcpy(s->mem + s->size + h.len, rec, len);
	s->size += need;
	return 0;
}

/* Make [off, off + n) readable at a returned pointer (file mode). */
static const uint8_t *file_bytes(struct vs_spool *s, uint64_t off, size_t n,
				 struct vs_err *e)
{
	uint8_t *dst;
	size_t want;
	ssize_t got;

	if (off >= s->win_off && off + n <= s->win_off + s->win_len)
		return s->win + (off - s->win_off);
	if (n > WINDOW) {
		if (n > s->big_cap) {
			uint8_t *nb = realloc(s->big, n);

			if (!nb) {
				vs_err_set(e, ENOMEM, "out of memory");
				return NULL;
			}
			s->big = nb;
			s->big_cap = n;
		}
		dst = s->big;
		want = n;
	} else {
		if (!s->win && !(s->win = malloc(WINDOW))) {
			vs_err_set(e, ENOMEM, "out of memory");
			return NULL;
		}
		dst = s->win;
		want = WINDOW;
		if (off + want > s->size)
			want = (size_t)(s->size - off);
	}
	for (size_t done = 0; done < want;) {
		got = pread(s->fd, dst + done, want - done, (off_t)(off + done));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			vs_err_sys(e, got < 0 ? errno : EIO, "read",
				   "the temporary spool file");
			return NULL;
		}
		done += (size_t)got;
	}
	if (dst == s->win) {
		s->win_off = off;
		s->win_len = want;
	}
	return dst;
}

int vs_spool_get(struct vs_spool *s, uint64_t off, const void **rec,
		 size_t *len, uint64_t *next, struct vs_err *e)
{
	const uint8_t *p, *q;
	uint64_t n;
	size_t hl;

	if (off >= s->size)
		return 0;
	if (s->fd < 0) {
		p = s->mem + off;
		q = p;
		if (vs_get_varint(&q, s->mem + s->size, &n) ||
		    n > s->size - off - (uint64_t)(q - p))
			return vs_err_set(e, EIO, "corrupt spool record");
		*rec = q;
		*len = (size_t)n;
		if (next)
			*next = off + (uint64_t)(q - p) + n;
		return 1;
	}
	{
		int r = flush_wbuf(s, e);

		if (r < 0)
			return r;
	}
	hl = s->size - off < 10 ? (size_t)(s->size - off) : 10;
	p = file_bytes(s, off, hl, e);
	if (!p)
		return -EIO;
	q = p;
	if (vs_get_varint(&q, p + hl, &n) ||
	    n > s->size - off - (uint64_t)(q - p))
		return vs_err_set(e, EIO, "corrupt spool record");
	hl = (size_t)(q - p);
	p = file_bytes(s, off + hl, (size_t)n, e);
	if (!p)
		return -EIO;
	*rec = p;
	*len = (size_t)n;
	if (next)
		*next = off + hl + n;
	return 1;
}
