/* vs_spool.h - a bounded-memory store of records for two-pass output.
 *
 * Some views must see every row before printing the first (pmap -X sizes
 * its columns to the widest value; --sort orders rows). Reading the /proc
 * file twice would double the cost and let the two reads disagree, so rows
 * are read once and kept here: in memory up to a limit, then in an
 * unlinked temporary file, so memory stays bounded whatever the process.
 */
#ifndef VS_SPOOL_H
#define VS_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vs_err.h"

struct vs_spool;

/* A spool that keeps up to @mem_limit bytes in memory. */
int vs_spool_new(size_t mem_limit, struct vs_spool **out, struct vs_err *e);
void vs_spool_free(struct vs_spool *s);

/* Append a record of @len bytes; *@off (if not NULL) gets its handle. */
int vs_spool_put(struct vs_spool *s, const void *rec, size_t len,
		 uint64_t *off, struct vs_err *e);

/* The record at handle @off: *@rec points to its bytes (valid until the
 * next call) and *@len is its length; *@next (if not NULL) gets the handle
 * of the record after it. Returns 1, 0 past the last record, or a negative
 * errno. Handles start at 0 and follow each other in the order of put. */
int vs_spool_get(struct vs_spool *s, uint64_t off, const void **rec,
		 size_t *len, uint64_t *next, struct vs_err *e);

/* Bytes stored, and whether they went to a file. */
uint64_t vs_spool_size(const struct vs_spool *s);
int vs_spool_on_disk(const struct vs_spool *s);

/* A byte buffer that grows: for encoding records. */
struct vs_buf {
	uint8_t *p;
	size_t len, cap;
	int err;	/* -ENOMEM once an append failed */
};

/* Make room for @n more bytes; false (and @err set) when out of memory. */
bool vs_buf_reserve(struct vs_buf *b, size_t n);
void vs_buf_reset(struct vs_buf *b);
void vs_buf_free(struct vs_buf *b);
void vs_buf_put(struct vs_buf *b, const void *p, size_t n);
void vs_buf_varint(struct vs_buf *b, uint64_t v);

/* Read a varint at *@p (not past @end); returns 0 or -1. */
int vs_get_varint(const uint8_t **p, const uint8_t *end, uint64_t *v);

/* Write @v as a varint at @p, which has room for 10 bytes; returns the
 * byte after it. */
static inline uint8_t *vs_varint_at(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

/* vs_get_varint() with the one-byte case inline. */
static inline int vs_varint_next(const uint8_t **p, const uint8_t *end,
				 uint64_t *v)
{
	if (*p < end && **p < 0x80) {
		*v = *(*p)++;
		return 0;
	}
	return vs_get_varint(p, end, v);
}

#endif
