/* fuzz_vmstat.c - libFuzzer harness: /proc/vmstat text into
 * vs_vmstat_parse.
 *
 * What the parser accepts is checked against an independent reading of
 * the same bytes: each line that is not blank is a name and a decimal
 * count that fits 64 bits, separated by spaces or tabs, and the parser's
 * counters are those lines, in order, with those names and values. A file
 * that is not that must be refused, never read as other numbers. */
#include <stdbool.h>

#include "fuzz.h"
#include "vs_text.h"

static bool is_sep(uint8_t c)
{
	return c == ' ' || c == '\t';
}

/* The next token of [*p, end): its start and length; false at the end. */
static bool token(const uint8_t **p, const uint8_t *end, const uint8_t **t,
		  size_t *n)
{
	while (*p < end && is_sep(**p))
		(*p)++;
	if (*p == end)
		return false;
	*t = *p;
	while (*p < end && !is_sep(**p))
		(*p)++;
	*n = (size_t)(*p - *t);
	return true;
}

/* A decimal count of 64 bits: all digits, no overflow. */
static bool count(const uint8_t *t, size_t n, uint64_t *v)
{
	uint64_t x = 0;

	for (size_t i = 0; i < n; i++) {
		if (t[i] < '0' || t[i] > '9' ||
		    x > (UINT64_MAX - (t[i] - '0')) / 10)
			return false;
		x = x * 10 + (t[i] - '0');
	}
	*v = x;
	return n > 0;
}

/* Abort unless @l holds exactly the lines of @data. */
static void oracle(const uint8_t *data, size_t size, const struct vs_kvlist *l)
{
	const uint8_t *p = data, *end = data + size;
	size_t i = 0;

	while (p < end) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		const uint8_t *le = nl ? nl : end, *q = p, *name, *val, *x;
		size_t nn, vn, xn;
		uint64_t v;

		if (token(&q, le, &name, &nn)) {
			if (!nl)
				abort();	/* a truncated line, accepted */
			if (!token(&q, le, &val, &vn) || token(&q, le, &x, &xn) ||
			    !count(val, vn, &v))
				abort();	/* not "name value", accepted */
			if (i >= l->n || strlen(l->kv[i].name) != nn ||
			    memcmp(l->kv[i].name, name, nn) != 0 ||
			    l->kv[i].value != v)
				abort();	/* another counter than the line's */
			i++;
		}
		p = le + 1;
	}
	if (i != l->n)
		abort();	/* counters no line gave */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vs_kvlist l = { 0 };
	struct vs_err e;
	int r;

	fuzz_err_init(&e);
	r = vs_vmstat_parse((const char *)data, size, "/proc/vmstat", &l, &e);
	fuzz_err_check(r, &e);
	for (size_t i = 0; i < l.n; i++) {
		fuzz_use(l.kv[i].name, strlen(l.kv[i].name));
		if (vs_kvlist_get(&l, l.kv[i].name) == NULL)
			abort();
	}
	if (r == 0)
		oracle(data, size, &l);
	vs_kvlist_free(&l);
	return 0;
}
