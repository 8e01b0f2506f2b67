/* json.c - this file implements the streaming JSON writer. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "vs_fmt.h"
#include "vs_json.h"

void vs_json_init(struct vs_json *j, FILE *f, bool pretty)
{
	j->f = f;
	j->len = 0;
	j->pretty = pretty;
	j->depth = 0;
	j->err = 0;
	j->first[0] = true;
}

void vs_json_flush(struct vs_json *j)
{
	if (j->len && fwrite(j->buf, 1, j->len, j->f) != j->len && !j->err)
		j->err = errno ? errno : EIO;
	j->len = 0;
}

/* The output primitives: everything goes through the buffer. */
static void putn(struct vs_json *j, const char *s, size_t n)
{
	if (j->len + n > sizeof(j->buf)) {
		vs_json_flush(j);
		if (n > sizeof(j->buf)) {
			if (fwrite(s, 1, n, j->f) != n && !j->err)
				j->err = errno ? errno : EIO;
			return;
		}
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
}

static void putch(struct vs_json *j, char c)
{
	if (j->len == sizeof(j->buf))
		vs_json_flush(j);
	j->buf[j->len++] = c;
}

static void puts_(struct vs_json *j, const char *s)
{
	putn(j, s, strlen(s));
}

static void indent(struct vs_json *j)
{
	static const char spaces[] = "                                "
				     "                                ";

	if (!j->pretty)
		return;
	putch(j, '\n');
	putn(j, spaces, (size_t)(2 * j->depth) < sizeof(spaces) - 1 ?
		(size_t)(2 * j->depth) : sizeof(spaces) - 1);
}

static void write_string(struct vs_json *j, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0;

	putch(j, '"');
	while (i < n) {
		unsigned char c = s[i];
		size_t len;

		/* Plain ASCII goes out in runs. */
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			run++;
			continue;
		}
		putn(j, str + i - run, run);
		run = 0;
		if (c == '"' || c == '\\') {
			putch(j, '\\');
			putch(j, (char)c);
			i++;
		} else if (c < 0x20) {
			char esc[8];

			switch (c) {
			case '\n': puts_(j, "\\n"); break;
			case '\t': puts_(j, "\\t"); break;
			case '\r': puts_(j, "\\r"); break;
			case '\b': puts_(j, "\\b"); break;
			case '\f': puts_(j, "\\f"); break;
			default:
				snprintf(esc, sizeof(esc), "\\u%04x", c);
				puts_(j, esc);
				break;
			}
			i++;
		} else if ((len = vs_utf8_len(s + i, n - i)) > 0) {
			putn(j, str + i, len);
			i += len;
		} else {
			puts_(j, "\xef\xbf\xbd");	/* U+FFFD */
			i++;
		}
	}
	putn(j, str + i - run, run);
	putch(j, '"');
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
		putch(j, ',');
	j->first[j->depth] = false;
	if (j->depth > 0)
		indent(j);
	if (key) {
		/* Keys are identifiers ([a-z0-9_]: column names, snake-cased
		 * kernel keys): no escaping to do. */
		size_t n = strlen(key);

		if (j->len + n + 4 > sizeof(j->buf))
			vs_json_flush(j);
		j->buf[j->len++] = '"';
		memcpy(j->buf + j->len, key, n);
		j->len += n;
		j->buf[j->len++] = '"';
		j->buf[j->len++] = ':';
		if (j->pretty)
			j->buf[j->len++] = ' ';
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
	putch(j, kind);
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
	putch(j, kind == '{' ? '}' : ']');
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
	char buf[VS_U64_BUF];

	if (member(j, key))
		puts_(j, vs_u64_dec(buf, v));
}

void vs_json_i64(struct vs_json *j, const char *key, int64_t v)
{
	char buf[VS_U64_BUF];

	if (!member(j, key))
		return;
	if (v < 0) {
		putch(j, '-');
		puts_(j, vs_u64_dec(buf, (uint64_t)0 - (uint64_t)v));
	} else {
		puts_(j, vs_u64_dec(buf, (uint64_t)v));
	}
}

void vs_json_double(struct vs_json *j, const char *key, double v, int prec)
{
	if (!member(j, key))
		return;
	if (isfinite(v)) {
		char buf[64];

		snprintf(buf, sizeof(buf), "%.*f", prec, v);
		puts_(j, buf);
	} else {
		puts_(j, "null");
	}
}

void vs_json_bool(struct vs_json *j, const char *key, bool v)
{
	if (member(j, key))
		puts_(j, v ? "true" : "false");
}

void vs_json_null(struct vs_json *j, const char *key)
{
	if (member(j, key))
		puts_(j, "null");
}

void vs_json_strn(struct vs_json *j, const char *key, const char *s, size_t n)
{
	if (member(j, key))
		write_string(j, s, n);
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
	if (!j->err)
		putch(j, '\n');
	vs_json_flush(j);
	if (!j->err && ferror(j->f))
		j->err = errno ? errno : EIO;
	return -j->err;
}
