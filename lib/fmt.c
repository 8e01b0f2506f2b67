/* fmt.c - this file implements fast number formatting and strict parsing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vs_fmt.h"

char *vs_u64_dec(char buf[VS_U64_BUF], uint64_t v)
{
	char *p = buf + VS_U64_BUF - 1;

	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

char *vs_u64_hex(char buf[VS_U64_BUF], uint64_t v, int width)
{
	static const char digits[] = "0123456789abcdef";
	char *p = buf + VS_U64_BUF - 1;
	int n = 0;

	if (width > VS_U64_BUF - 1)
		width = VS_U64_BUF - 1;
	*p = '\0';
	do {
		*--p = digits[v & 15];
		v >>= 4;
		n++;
	} while (v);
	while (n++ < width)
		*--p = '0';
	return p;
}

int vs_u64_width(uint64_t v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

char *vs_size_human(char *buf, size_t size, uint64_t bytes)
{
	static const char suffix[] = "BKMGTPE";
	int exp = 0;
	uint64_t unit = 1;

	while (exp < 6 && bytes >= unit * 1024) {
		unit *= 1024;
		exp++;
	}
	if (exp == 0) {
		snprintf(buf, size, "%lluB", (unsigned long long)bytes);
	} else {
		uint64_t whole = bytes / unit, rest = bytes % unit;
		/* One decimal, rounded half up. */
		uint64_t tenth = (rest * 10 + unit / 2) / unit;

		if (tenth == 10) {
			whole++;
			tenth = 0;
		}
		if (whole == 1024 && exp < 6) {
			whole = 1;
			exp++;
		}
		if (tenth)
			snprintf(buf, size, "%llu.%llu%c",
				 (unsigned long long)whole,
				 (unsigned long long)tenth, suffix[exp]);
		else
			snprintf(buf, size, "%llu%c", (unsigned long long)whole,
				 suffix[exp]);
	}
	return buf;
}

int vs_parse_u64(const char *s, int base, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ' || *s == '\t')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || *end || end == s)
		return -EINVAL;
	*out = v;
	return 0;
}

int vs_parse_seconds(const char *s, uint64_t *ms)
{
	uint64_t whole = 0, frac = 0, scale = 1000;
	const char *p = s;

	if (!s || !*s)
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (whole > (UINT64_MAX / 1000 - 9) / 10)
			return -ERANGE;
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.') {
		p++;
		for (; *p >= '0' && *p <= '9'; p++) {
			scale /= 10;
			frac += (uint64_t)(*p - '0') * scale;
		}
	}
	if (*p || p == s)
		return -EINVAL;
	*ms = whole * 1000 + frac;
	return 0;
}

int vs_line_reserve(struct vs_line *l, size_t n)
{
	size_t ncap = l->cap ? l->cap : 256;
	char *nb;

	if (l->err)
		return -1;
	while (ncap < l->len + n)
		ncap *= 2;
	nb = realloc(l->buf, ncap);
	if (!nb) {
		l->err = -ENOMEM;
		return -1;
	}
	l->buf = nb;
	l->cap = ncap;
	return 0;
}

void vs_line_free(struct vs_line *l)
{
	free(l->buf);
	memset(l, 0, sizeof(*l));
}

/* Length of the valid UTF-8 sequence at @s (at most @n bytes), or 0. */
size_t vs_utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are invalid. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}
