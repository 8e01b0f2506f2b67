/* json.c - this file implements the streaming JSON writer. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "vs_json.h"

void vs_json_init(struct vs_json *j, FILE *f, bool pretty)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
	j->pretty = pretty;
	j->first[0] = true;
}

static void indent(struct vs_json *j)
{
	if (!j->pretty)
		return;
	fputc('\n', j->f);
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* Length of the valid UTF-8 sequence at @s (at most @n bytes), or 0. */
static size_t utf8_valid(const unsigned char *s, size_t n)
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

void vs_json_write_string(FILE *f, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	fputc('"', f);
	while (i < n) {
		unsigned char c = s[i];
		size_t len;

		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
			i++;
		} else if (c < 0x20) {
			switch (c) {
			case '\n': fputs("\\n", f); break;
			case '\t': fputs("\\t", f); break;
			case '\r': fputs("\\r", f); break;
			case '\b': fputs("\\b", f); break;
			case '\f': fputs("\\f", f); break;
			default: fprintf(f, "\\u%04x", c); break;
			}
			i++;
		} else if (c < 0x80) {
			fputc(c, f);
			i++;
		} else if ((len = utf8_valid(s + i, n - i)) > 0) {
			fwrite(s + i, 1, len, f);
			i += len;
		} else {
			fputs("\xef\xbf\xbd", f);	/* U+FFFD */
			i++;
		}
	}
	fputc('"', f);
}

/* Begin a member: separator, indentation and the key. */
static bool member(struct vs_json *j, const char *key)
{
	if (j->err)
		return false;
	if (j->depth > 0) {
		bool in_obj = j->kind[j->depth - 1] == '{';

		if (in_obj != (key != NULL)) {
			j->err = EINVAL;	/* key in array or none in object */
			return false;
		}
	} else if (!j->first[0]) {
		j->err = EINVAL;		/* a second top-level value */
		return false;
	}
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
	if (j->depth > 0)
		indent(j);
	if (key) {
		vs_json_write_string(j->f, key, strlen(key));
		fputs(j->pretty ? ": " : ":", j->f);
	}
	return true;
}

static void open_container(struct vs_json *j, const char *key, char kind)
{
	if (!member(j, key))
		return;
	if (j->depth + 1 >= VS_JSON_DEPTH) {
		j->err = EOVERFLOW;
		return;
	}
	fputc(kind, j->f);
	j->kind[j->depth] = kind;
	j->depth++;
	j->first[j->depth] = true;
}

static void close_container(struct vs_json *j, char kind)
{
	if (j->err)
		return;
	if (j->depth == 0 || j->kind[j->depth - 1] != kind) {
		j->err = EINVAL;
		return;
	}
	j->depth--;
	if (!j->first[j->depth + 1])
		indent(j);
	fputc(kind == '{' ? '}' : ']', j->f);
}

void vs_json_obj_begin(struct vs_json *j, const char *key)
{
	open_container(j, key, '{');
}

void vs_json_obj_end(struct vs_json *j)
{
	close_container(j, '{');
}

void vs_json_arr_begin(struct vs_json *j, const char *key)
{
	open_container(j, key, '[');
}

void vs_json_arr_end(struct vs_json *j)
{
	close_container(j, '[');
}

void vs_json_u64(struct vs_json *j, const char *key, uint64_t v)
{
	if (member(j, key))
		fprintf(j->f, "%" PRIu64, v);
}

void vs_json_i64(struct vs_json *j, const char *key, int64_t v)
{
	if (member(j, key))
		fprintf(j->f, "%" PRId64, v);
}

void vs_json_double(struct vs_json *j, const char *key, double v, int prec)
{
	if (!member(j, key))
		return;
	if (isfinite(v))
		fprintf(j->f, "%.*f", prec, v);
	else
		fputs("null", j->f);
}

void vs_json_bool(struct vs_json *j, const char *key, bool v)
{
	if (member(j, key))
		fputs(v ? "true" : "false", j->f);
}

void vs_json_null(struct vs_json *j, const char *key)
{
	if (member(j, key))
		fputs("null", j->f);
}

void vs_json_strn(struct vs_json *j, const char *key, const char *s, size_t n)
{
	if (member(j, key))
		vs_json_write_string(j->f, s, n);
}

void vs_json_str(struct vs_json *j, const char *key, const char *s)
{
	if (!s)
		vs_json_null(j, key);
	else
		vs_json_strn(j, key, s, strlen(s));
}

int vs_json_finish(struct vs_json *j)
{
	if (!j->err && j->depth != 0)
		j->err = EINVAL;
	if (!j->err) {
		fputc('\n', j->f);
		if (ferror(j->f))
			j->err = errno ? errno : EIO;
	}
	return -j->err;
}
