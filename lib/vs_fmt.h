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

/* Parse a duration in seconds ("0.5", "2", "1.25") into milliseconds. */
int vs_parse_seconds(const char *s, uint64_t *ms);

#endif
