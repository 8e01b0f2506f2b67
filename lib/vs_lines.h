/* vs_lines.h - a streaming line reader for /proc files.
 *
 * Reads a file descriptor in large chunks and hands out one line at a time
 * without copying it. Memory is bounded by the longest line, not the file:
 * a 65,530-mapping smaps is read through the same few hundred KiB.
 */
#ifndef VS_LINES_H
#define VS_LINES_H

#include <stddef.h>

struct vs_lines {
	int fd;			/* owned; closed by vs_lines_release() */
	char *buf;		/* read buffer */
	size_t cap;		/* its size */
	size_t max;		/* the buffer never grows past this */
	size_t pos;		/* start of the unread data */
	size_t end;		/* end of the data read so far */
	int eof;		/* read(2) returned 0 */
	unsigned long lineno;	/* number of the line last returned, from 1 */
	unsigned long long offset;	/* file offset of that line */
	unsigned long long consumed;	/* bytes handed out so far */
};

/* Initialise @l to read @fd with a @size byte buffer that may grow to @max
 * bytes for long lines. Returns 0 or -ENOMEM. @fd is owned from then on,
 * even on failure. */
int vs_lines_init(struct vs_lines *l, int fd, size_t size, size_t max);

/* Return the next line in *@line (NUL-terminated in place, the newline
 * removed) and its length in *@len; the pointer stays valid until the next
 * call. Returns 1 for a line, 0 at end of file, -EOVERFLOW for a line
 * longer than the maximum, or another negative errno from read(2). A last
 * line without a newline is returned like any other. */
int vs_lines_next(struct vs_lines *l, char **line, size_t *len);

/* The unread bytes already in the buffer, for parsers that can take a
 * whole line from them directly; then vs_lines_skip() the line they took
 * (@n bytes, its newline included). */
static inline const char *vs_lines_peek(const struct vs_lines *l,
					size_t *avail)
{
	*avail = l->end - l->pos;
	return l->buf + l->pos;
}

static inline void vs_lines_skip(struct vs_lines *l, size_t n)
{
	l->pos += n;
	l->offset = l->consumed;
	l->consumed += n;
	l->lineno++;
}

/* Free the buffer and close the descriptor. */
void vs_lines_release(struct vs_lines *l);

#endif
