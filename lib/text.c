/* text.c - this file implements line-callback parsing of kernel text files
 * and strict number tokens. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vs_lines.h"
#include "vs_text.h"

#define LINE_MAX_BYTES (1u << 20)

int vs_text_bad(struct vs_err *e, const struct vs_text_pos *pos,
		const char *what)
{
	return vs_err_set(e, EBADMSG, "'%s' line %lu: %s: '%.80s'", pos->path,
			  pos->lineno, what, pos->orig ? pos->orig : "");
}

/* Call @fn on a copy of @line (@n bytes) in *@buf, keeping the original for
 * messages. */
static int call(vs_text_fn fn, void *arg, const char *line, size_t n,
		struct vs_text_pos *pos, char **buf, size_t *cap,
		struct vs_err *e)
{
	if (2 * (n + 1) > *cap) {
		char *nb = realloc(*buf, 2 * (n + 1));

		if (!nb)
			return vs_err_set(e, ENOMEM, "out of memory");
		*buf = nb;
		*cap = 2 * (n + 1);
	}
	memcpy(*buf, line, n);
	(*buf)[n] = '\0';
	memcpy(*buf + n + 1, line, n);
	(*buf)[2 * n + 1] = '\0';
	pos->orig = *buf + n + 1;
	/* The kernel writes no NUL in these files; one would end the line
	 * early and what follows would be lost, not refused. */
	if (memchr(line, '\0', n))
		return vs_text_bad(e, pos, "a NUL byte in the line");
	return fn(arg, *buf, n, pos, e);
}

int vs_text_parse(const char *text, size_t len, const char *path,
		  vs_text_fn fn, void *arg, struct vs_err *e)
{
	struct vs_text_pos pos = { path, 0, true, NULL };
	size_t off = 0;
	char *copy = NULL;
	size_t cap = 0;
	int r = 0;

	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (text + off)) : len - off;

		if (n > LINE_MAX_BYTES) {
			r = vs_err_set(e, EOVERFLOW, "'%s' line %lu: line too "
				       "long", path, pos.lineno + 1);
			break;
		}
		pos.lineno++;
		pos.complete = nl != NULL;
		r = call(fn, arg, text + off, n, &pos, &copy, &cap, e);
		if (r < 0)
			break;
		off += n + (nl ? 1 : 0);
	}
	free(copy);
	return r < 0 ? r : 0;
}

int vs_text_parse_file(const struct vs_root *r, const char *path,
		       vs_text_fn fn, void *arg, struct vs_err *e)
{
	struct vs_text_pos pos = { NULL, 0, true, NULL };
	struct vs_lines l;
	char *copy = NULL;
	size_t cap = 0;
	char full[4096];
	char *line;
	size_t len;
	int fd, ret;

	vs_root_path(r, path, full, sizeof(full));
	pos.path = full;
	fd = vs_root_open(r, path, O_RDONLY, e);
	if (fd < 0)
		return fd;
	if (vs_lines_init(&l, fd, 64 * 1024, LINE_MAX_BYTES) < 0) {
		vs_lines_release(&l);
		return vs_err_set(e, ENOMEM, "out of memory");
	}
	for (;;) {
		unsigned long long before = l.consumed;

		ret = vs_lines_next(&l, &line, &len);
		if (ret < 0) {
			if (ret == -EOVERFLOW)
				vs_err_set(e, EOVERFLOW, "'%s' line %lu: line "
					   "too long", full, l.lineno + 1);
			else
				vs_err_sys(e, -ret, "read", full);
			break;
		}
		if (ret == 0)
			break;
		pos.lineno = l.lineno;
		pos.complete = l.consumed - before == len + 1;
		ret = call(fn, arg, line, len, &pos, &copy, &cap, e);
		if (ret < 0)
			break;
	}
	free(copy);
	vs_lines_release(&l);
	return ret < 0 ? ret : 0;
}

bool vs_blank(const char *line)
{
	while (*line == ' ' || *line == '\t' || *line == '\n')
		line++;
	return *line == '\0';
}

char *vs_tok(char **p)
{
	char *s = *p, *t;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (!*s) {
		*p = s;
		return NULL;
	}
	t = s;
	while (*s && *s != ' ' && *s != '\t' && *s != '\n')
		s++;
	if (*s)
		*s++ = '\0';
	*p = s;
	return t;
}

int vs_tok_u64(const char *tok, uint64_t *v)
{
	uint64_t x = 0;

	if (!tok || !*tok)
		return -EINVAL;
	for (const char *s = tok; *s; s++) {
		unsigned d;

		if (*s < '0' || *s > '9')
			return -EINVAL;
		d = (unsigned)(*s - '0');
		if (x > (UINT64_MAX - d) / 10)
			return -ERANGE;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

int vs_tok_i64(const char *tok, int64_t *v)
{
	uint64_t u;
	int r;

	if (!tok)
		return -EINVAL;
	if (*tok == '-') {
		r = vs_tok_u64(tok + 1, &u);
		if (r < 0)
			return r;
		if (u > (uint64_t)INT64_MAX + 1)
			return -ERANGE;
		*v = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
		return 0;
	}
	r = vs_tok_u64(tok, &u);
	if (r < 0)
		return r;
	if (u > INT64_MAX)
		return -ERANGE;
	*v = (int64_t)u;
	return 0;
}

int vs_read_u64(const struct vs_root *r, const char *path, uint64_t *v,
		struct vs_err *e)
{
	char buf[64], full[4096], *p, *tok;
	int ret = vs_root_read(r, path, buf, sizeof(buf), NULL, e);

	if (ret < 0)
		return ret;
	p = buf;
	tok = vs_tok(&p);
	if (!tok || vs_tok_u64(tok, v) < 0 || vs_tok(&p))
		return vs_err_set(e, EBADMSG, "'%s' does not hold a number: "
				  "'%.40s'", vs_root_path(r, path, full,
							  sizeof(full)), buf);
	return 0;
}

/* ---- name/value lists ------------------------------------------------ */

int vs_kvlist_add(struct vs_kvlist *l, const char *name, uint64_t value)
{
	char *copy;

	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 64;
		struct vs_kv *nk = realloc(l->kv, ncap * sizeof(*nk));

		if (!nk)
			return -ENOMEM;
		l->kv = nk;
		l->cap = ncap;
	}
	copy = strdup(name);
	if (!copy)
		return -ENOMEM;
	l->kv[l->n].name = copy;
	l->kv[l->n].value = value;
	l->n++;
	return 0;
}

const struct vs_kv *vs_kvlist_get(const struct vs_kvlist *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->kv[i].name, name))
			return &l->kv[i];
	return NULL;
}

void vs_kvlist_free(struct vs_kvlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->kv[i].name);
	free(l->kv);
	l->kv = NULL;
	l->n = l->cap = 0;
}

static int vmstat_line(void *arg, char *line, size_t len,
		       const struct vs_text_pos *pos, struct vs_err *e)
{
	struct vs_kvlist *l = arg;
	char *p = line, *name, *val;
	uint64_t v;

	(void)len;
	if (vs_blank(line))
		return 0;
	name = vs_tok(&p);
	val = vs_tok(&p);
	if (!pos->complete)
		return vs_text_bad(e, pos, "truncated line");
	if (!val || vs_tok(&p))
		return vs_text_bad(e, pos, "not 'name value'");
	if (vs_tok_u64(val, &v) < 0)
		return vs_text_bad(e, pos, "not a 64-bit count");
	if (vs_kvlist_add(l, name, v) < 0)
		return vs_err_set(e, ENOMEM, "out of memory");
	return 0;
}

int vs_vmstat_parse(const char *text, size_t len, const char *path,
		    struct vs_kvlist *l, struct vs_err *e)
{
	vs_kvlist_free(l);
	return vs_text_parse(text, len, path, vmstat_line, l, e);
}

int vs_vmstat_read(const struct vs_root *r, struct vs_kvlist *l,
		   struct vs_err *e)
{
	vs_kvlist_free(l);
	return vs_text_parse_file(r, "/proc/vmstat", vmstat_line, l, e);
}
