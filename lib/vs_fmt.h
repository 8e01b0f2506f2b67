/* vs_fmt.h - number formatting and parsing shared by the commands.
 *
 * The formatters write into a caller's buffer and return a pointer into
 * it: printing 30,000 mappings with printf's format parser costs more than
 * reading them.
 */
#ifndef VS_FMT_H
#define VS_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define VS_U64_BUF 24	/* room for any u64 in decimal or hex, and a NUL */

/* Decimal digits of @v; returns a pointer into @buf (NUL-terminated). */
char *vs_u64_dec(char buf[VS_U64_BUF], uint64_t v);

/* Lowercase hex of @v, at least @width digits (zero-padded). */
char *vs_u64_hex(char buf[VS_U64_BUF], uint64_t v, int width);

/* Number of decimal digits of @v (1 for 0). */
int vs_u64_width(uint64_t v);

/* A size for people, in powers of 1024 with one-letter suffixes (B K M G
 * T P E): whole units without decimals ("512B", "4K", "128M"), others with
 * one, rounded ("1.5M"). */
char *vs_size_human(char *buf, size_t size, uint64_t bytes);

/* Parse an unsigned integer in @base (0: C rules) with no sign, no junk and
 * no overflow. Returns 0 or -EINVAL / -ERANGE. */
int vs_parse_u64(const char *s, int base, uint64_t *out);

/* Length of the valid UTF-8 sequence that starts at @s (at most @n bytes),
 * or 0 for an invalid one (overlong forms, surrogates and values past
 * U+10FFFF included). */
size_t vs_utf8_len(const unsigned char *s, size_t n);

/* Parse a duration in seconds ("0.5", "2", "1.25") into milliseconds. */
int vs_parse_seconds(const char *s, uint64_t *ms);

/* ---- a line being built, for printers that write many rows ----------- */

/* One output line assembled in memory and written with one fwrite: rows of
 * fixed-width columns without printf's per-call parsing. */
struct vs_line {
	char *buf;
	size_t len, cap;
	int err;		/* -ENOMEM once growing failed */
};

/* Make room for @n more bytes. Returns 0 or -1 (and sets @err). */
int vs_line_reserve(struct vs_line *l, size_t n);
void vs_line_free(struct vs_line *l);

static inline void vs_line_putn(struct vs_line *l, const char *s, size_t n)
{
	if (l->len + n > l->cap && vs_line_reserve(l, n))
		return;
	memcpy(l->buf + l->len, s, n);
	l->len += n;
}

static inline void vs_line_putc(struct vs_line *l, char c)
{
	if (l->len + 1 > l->cap && vs_line_reserve(l, 1))
		return;
	l->buf[l->len++] = c;
}

static inline void vs_line_fill(struct vs_line *l, char c, int n)
{
	if (n <= 0 || (l->len + (size_t)n > l->cap &&
		       vs_line_reserve(l, (size_t)n)))
		return;
	memset(l->buf + l->len, c, (size_t)n);
	l->len += (size_t)n;
}

/* @s (of @n bytes) padded with spaces to @width, on the left if @right. */
static inline void vs_line_pad(struct vs_line *l, const char *s, size_t n,
			       int width, int right)
{
	int pad = width - (int)n;

	if (right)
		vs_line_fill(l, ' ', pad);
	vs_line_putn(l, s, n);
	if (!right)
		vs_line_fill(l, ' ', pad);
}

static inline void vs_line_str(struct vs_line *l, const char *s, int width,
			       int right)
{
	vs_line_pad(l, s, strlen(s), width, right);
}

/* @v in decimal, right-aligned in @width. */
static inline void vs_line_u64(struct vs_line *l, uint64_t v, int width)
{
	char buf[VS_U64_BUF];
	char *p = vs_u64_dec(buf, v);

	vs_line_pad(l, p, (size_t)(buf + VS_U64_BUF - 1 - p), width, 1);
}

/* @v in lowercase hex, zero-padded to @digits. */
static inline void vs_line_hex(struct vs_line *l, uint64_t v, int digits)
{
	char buf[VS_U64_BUF];
	char *p = vs_u64_hex(buf, v, digits);

	vs_line_putn(l, p, (size_t)(buf + VS_U64_BUF - 1 - p));
}

/* Write the line to @f and empty it. Returns 0 or -1 on a write error. */
static inline int vs_line_flush(struct vs_line *l, FILE *f)
{
	size_t n = l->len;

	l->len = 0;
	return fwrite_unlocked(l->buf, 1, n, f) == n ? 0 : -1;
}

#endif
