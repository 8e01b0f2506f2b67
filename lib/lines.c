/* lines.c - this file implements the streaming line reader. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vs_lines.h"

int vs_lines_init(struct vs_lines *l, int fd, size_t size, size_t max)
{
	memset(l, 0, sizeof(*l));
	l->fd = fd;
	if (size < 64)
		size = 64;
	if (max < size)
		max = size;
	l->buf = malloc(size);
	if (!l->buf)
		return -ENOMEM;
	l->cap = size;
	l->max = max;
	return 0;
}

void vs_lines_release(struct vs_lines *l)
{
	free(l->buf);
	l->buf = NULL;
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

/* Make room after the unread data: move it to the front, or grow. */
static int make_room(struct vs_lines *l)
{
	if (l->pos > 0) {
		memmove(l->buf, l->buf + l->pos, l->end - l->pos);
		l->end -= l->pos;
		l->pos = 0;
		return 0;
	}
	if (l->cap >= l->max)
		return -EOVERFLOW;
	{
		size_t ncap = l->cap * 2 > l->max ? l->max : l->cap * 2;
		char *nb = realloc(l->buf, ncap);

		if (!nb)
			return -ENOMEM;
		l->buf = nb;
		l->cap = ncap;
	}
	return 0;
}

int vs_lines_next(struct vs_lines *l, char **line, size_t *len)
{
	size_t scanned = l->pos;

	for (;;) {
		char *nl = memchr(l->buf + scanned, '\n', l->end - scanned);

		if (nl) {
			*nl = '\0';
			*line = l->buf + l->pos;
			*len = (size_t)(nl - *line);
			l->offset = l->consumed;
			l->consumed += *len + 1;
			l->pos += *len + 1;
			l->lineno++;
			return 1;
		}
		if (l->eof) {
			if (l->end == l->pos)
				return 0;
			/* A last line without '\n': terminate it in place. */
			if (l->end == l->cap) {
				int r = make_room(l);

				if (r < 0)
					return r;
			}
			l->buf[l->end] = '\0';
			*line = l->buf + l->pos;
			*len = l->end - l->pos;
			l->offset = l->consumed;
			l->consumed += *len;
			l->pos = l->end;
			l->lineno++;
			return 1;
		}
		scanned = l->end;
		if (l->end == l->cap) {
			size_t before = l->pos;
			int r = make_room(l);

			if (r < 0)
				return r;
			scanned -= before - l->pos;
		}
		{
			ssize_t n = read(l->fd, l->buf + l->end, l->cap - l->end);

			if (n < 0) {
				if (errno == EINTR)
					continue;
				return -errno;
			}
			if (n == 0)
				l->eof = 1;
			l->end += (size_t)n;
		}
	}
}
