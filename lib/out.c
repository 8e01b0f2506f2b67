/* out.c - this file implements tables (libsmartcols or JSON) and key-value
 * output. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libsmartcols.h>

#include "vs_fmt.h"
#include "vs_out.h"

void vs_out_init(struct vs_out *o, FILE *f, enum vs_outfmt fmt)
{
	memset(o, 0, sizeof(*o));
	o->f = f;
	o->fmt = fmt;
	vs_json_init(&o->json, f, true);
}

const char *vs_coltype_name(enum vs_coltype t)
{
	switch (t) {
	case VS_COL_STR: return "string";
	case VS_COL_NUM: return "integer";
	case VS_COL_INT: return "integer";
	case VS_COL_SIZE: return "size";
	case VS_COL_BOOL: return "boolean";
	case VS_COL_HEX: return "integer";
	case VS_COL_FLOAT: return "number";
	}
	return "string";
}

int vs_col_find(const struct vs_col *cols, size_t ncols, const char *name)
{
	for (size_t i = 0; i < ncols; i++)
		if (!strcasecmp(cols[i].name, name))
			return (int)i;
	return -1;
}

int vs_cols_parse(const struct vs_col *cols, size_t ncols, const char *spec,
		  const int *defaults, size_t ndefaults, int *sel, size_t max,
		  size_t *nsel, struct vs_err *e)
{
	char *copy, *tok, *save = NULL;
	size_t n = 0;

	if (*spec == '+') {
		spec++;
		for (size_t i = 0; i < ndefaults && n < max; i++)
			sel[n++] = defaults[i];
	}
	copy = strdup(spec);
	if (!copy)
		return vs_err_set(e, ENOMEM, "out of memory");
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		int c = vs_col_find(cols, ncols, tok);

		if (c < 0) {
			vs_err_set(e, EINVAL, "unknown column '%s'", tok);
			free(copy);
			return -EINVAL;
		}
		if (n == max) {
			free(copy);
			return vs_err_set(e, EINVAL, "too many columns");
		}
		sel[n++] = c;
	}
	free(copy);
	if (n == 0)
		return vs_err_set(e, EINVAL, "no columns given");
	*nsel = n;
	return 0;
}

/* ---- tables ---------------------------------------------------------- */

enum cellkind { CELL_UNSET, CELL_NULL, CELL_STR, CELL_U64, CELL_I64,
		CELL_BOOL, CELL_DBL };

struct cell {
	enum cellkind kind;
	uint64_t u;
	int64_t i;
	double d;
	int prec;
	char *s;
};

struct vs_table {
	struct vs_out *o;
	const struct vs_col *cols;
	size_t ncols;
	int *pos;			/* column index -> position, or -1 */
	int *sel;			/* position -> column index */
	size_t nsel;
	/* text */
	struct libscols_table *tb;
	struct libscols_line *ln;	/* current row */
	/* JSON */
	struct cell *cells;		/* current row, by position */
	int in_row;			/* cells hold a row not yet written */
	const char *footer_key;		/* the current row is the footer */
	int json_top;			/* the table is the top-level value */
	int err;
};

int vs_table_new(struct vs_out *o, const char *key, const struct vs_col *cols,
		 size_t ncols, const int *sel, size_t nsel,
		 struct vs_table **out, struct vs_err *e)
{
	struct vs_table *t = calloc(1, sizeof(*t));

	*out = NULL;
	if (!t)
		return vs_err_set(e, ENOMEM, "out of memory");
	t->o = o;
	t->cols = cols;
	t->ncols = ncols;
	t->nsel = nsel;
	t->pos = malloc(ncols * sizeof(int));
	t->sel = malloc((nsel ? nsel : 1) * sizeof(int));
	t->cells = calloc(nsel ? nsel : 1, sizeof(struct cell));
	if (!t->pos || !t->sel || !t->cells)
		goto nomem;
	for (size_t i = 0; i < ncols; i++)
		t->pos[i] = -1;
	for (size_t i = 0; i < nsel; i++) {
		t->sel[i] = sel[i];
		if (t->pos[sel[i]] < 0)
			t->pos[sel[i]] = (int)i;
	}
	if (o->fmt == VS_OUT_JSON) {
		t->json_top = o->json.depth == 0;
		if (t->json_top) {
			vs_json_obj_begin(&o->json, NULL);
		}
		vs_json_arr_begin(&o->json, key);
	} else {
		t->tb = scols_new_table();
		if (!t->tb)
			goto nomem;
		scols_table_set_stream(t->tb, o->f);
		scols_table_set_name(t->tb, key);
		if (o->fmt == VS_OUT_RAW)
			scols_table_enable_raw(t->tb, 1);
		if (o->noheadings)
			scols_table_enable_noheadings(t->tb, 1);
		for (size_t i = 0; i < nsel; i++) {
			const struct vs_col *c = &cols[sel[i]];
			int fl = 0;

			if (c->flags & VS_COLF_RIGHT)
				fl |= SCOLS_FL_RIGHT;
			if (c->flags & VS_COLF_TRUNC)
				fl |= SCOLS_FL_TRUNC;
			if (c->flags & VS_COLF_WRAP)
				fl |= SCOLS_FL_WRAP;
			if (!scols_table_new_column(t->tb, c->name, c->whint, fl))
				goto nomem;
		}
	}
	*out = t;
	return 0;
nomem:
	if (t->tb)
		scols_unref_table(t->tb);
	free(t->pos);
	free(t->sel);
	free(t->cells);
	free(t);
	return vs_err_set(e, ENOMEM, "out of memory");
}

bool vs_table_wants(const struct vs_table *t, int col)
{
	return col >= 0 && (size_t)col < t->ncols && t->pos[col] >= 0;
}

/* Write the buffered JSON row. */
static void json_flush(struct vs_table *t)
{
	struct vs_json *j = &t->o->json;

	if (!t->in_row)
		return;
	t->in_row = 0;
	if (t->footer_key) {
		vs_json_arr_end(j);
		vs_json_obj_begin(j, t->footer_key);
	} else {
		vs_json_obj_begin(j, NULL);
	}
	for (size_t i = 0; i < t->nsel; i++) {
		struct cell *c = &t->cells[i];
		const char *key = t->cols[t->sel[i]].json;

		switch (c->kind) {
		case CELL_UNSET:
		case CELL_NULL: vs_json_null(j, key); break;
		case CELL_STR: vs_json_str(j, key, c->s); break;
		case CELL_U64: vs_json_u64(j, key, c->u); break;
		case CELL_I64: vs_json_i64(j, key, c->i); break;
		case CELL_BOOL: vs_json_bool(j, key, c->u != 0); break;
		case CELL_DBL: vs_json_double(j, key, c->d, c->prec); break;
		}
		free(c->s);
		c->s = NULL;
		c->kind = CELL_UNSET;
	}
	vs_json_obj_end(j);
}

static void row_begin(struct vs_table *t)
{
	if (t->o->fmt == VS_OUT_JSON) {
		json_flush(t);
		t->in_row = 1;
		return;
	}
	t->ln = scols_table_new_line(t->tb, NULL);
	if (!t->ln)
		t->err = ENOMEM;
}

void vs_table_row(struct vs_table *t)
{
	if (t->footer_key)
		return;		/* the footer is the last row */
	row_begin(t);
}

void vs_table_footer(struct vs_table *t, const char *key)
{
	if (t->o->fmt == VS_OUT_JSON)
		json_flush(t);
	row_begin(t);
	t->footer_key = key;
}

/* The JSON cell of @col, or NULL when not selected. */
static struct cell *cell(struct vs_table *t, int col)
{
	if (!vs_table_wants(t, col) || !t->in_row)
		return NULL;
	return &t->cells[t->pos[col]];
}

static void text_set(struct vs_table *t, int col, const char *s)
{
	if (!vs_table_wants(t, col) || !t->ln)
		return;
	/* The same column may be selected twice: fill every position. */
	for (size_t i = 0; i < t->nsel; i++)
		if (t->sel[i] == col &&
		    scols_line_set_data(t->ln, i, s) != 0)
			t->err = ENOMEM;
}

static void json_set_str(struct vs_table *t, int col, const char *s, size_t n)
{
	struct cell *c = cell(t, col);

	if (!c)
		return;
	free(c->s);
	c->s = strndup(s, n);
	c->kind = c->s ? CELL_STR : CELL_NULL;
	if (!c->s)
		t->err = ENOMEM;
}

void vs_table_strn(struct vs_table *t, int col, const char *s, size_t n)
{
	if (!s) {
		vs_table_null(t, col);
	} else if (t->o->fmt == VS_OUT_JSON) {
		json_set_str(t, col, s, n);
	} else if (vs_table_wants(t, col)) {
		char *copy = strndup(s, n);

		if (!copy) {
			t->err = ENOMEM;
			return;
		}
		text_set(t, col, copy);
		free(copy);
	}
}

void vs_table_str(struct vs_table *t, int col, const char *s)
{
	vs_table_strn(t, col, s, s ? strlen(s) : 0);
}

void vs_table_null(struct vs_table *t, int col)
{
	if (t->o->fmt == VS_OUT_JSON) {
		struct cell *c = cell(t, col);

		if (c) {
			free(c->s);
			c->s = NULL;
			c->kind = CELL_NULL;
		}
		return;
	}
	text_set(t, col, "-");
}

void vs_table_u64(struct vs_table *t, int col, uint64_t v)
{
	char buf[64];

	if (!vs_table_wants(t, col))
		return;
	if (t->o->fmt == VS_OUT_JSON) {
		struct cell *c = cell(t, col);

		if (c) {
			c->kind = t->cols[col].type == VS_COL_BOOL ? CELL_BOOL :
				  CELL_U64;
			c->u = v;
		}
		return;
	}
	switch (t->cols[col].type) {
	case VS_COL_SIZE:
		vs_out_fmt_size(t->o, buf, sizeof(buf), v);
		break;
	case VS_COL_HEX:
		snprintf(buf, sizeof(buf), "%" PRIx64, v);
		break;
	case VS_COL_BOOL:
		snprintf(buf, sizeof(buf), "%s", v ? "yes" : "no");
		break;
	default:
		snprintf(buf, sizeof(buf), "%" PRIu64, v);
		break;
	}
	text_set(t, col, buf);
}

void vs_table_i64(struct vs_table *t, int col, int64_t v)
{
	char buf[32];

	if (!vs_table_wants(t, col))
		return;
	if (t->o->fmt == VS_OUT_JSON) {
		struct cell *c = cell(t, col);

		if (c) {
			c->kind = CELL_I64;
			c->i = v;
		}
		return;
	}
	snprintf(buf, sizeof(buf), "%" PRId64, v);
	text_set(t, col, buf);
}

void vs_table_bool(struct vs_table *t, int col, bool v)
{
	if (t->o->fmt == VS_OUT_JSON) {
		struct cell *c = cell(t, col);

		if (c) {
			c->kind = CELL_BOOL;
			c->u = v;
		}
		return;
	}
	text_set(t, col, v ? "yes" : "no");
}

void vs_table_double(struct vs_table *t, int col, double v, int prec)
{
	char buf[64];

	if (t->o->fmt == VS_OUT_JSON) {
		struct cell *c = cell(t, col);

		if (c) {
			c->kind = CELL_DBL;
			c->d = v;
			c->prec = prec;
		}
		return;
	}
	snprintf(buf, sizeof(buf), "%.*f", prec, v);
	text_set(t, col, buf);
}

int vs_table_end(struct vs_table *t)
{
	int err;

	if (!t)
		return 0;
	if (t->o->fmt == VS_OUT_JSON) {
		int footer = t->footer_key != NULL;

		/* A footer row closes the array itself, before its object. */
		json_flush(t);
		if (!footer)
			vs_json_arr_end(&t->o->json);
		if (t->json_top)
			vs_json_obj_end(&t->o->json);
	} else if (!t->err) {
		errno = 0;
		if (scols_print_table(t->tb) != 0 || fflush(t->o->f) != 0)
			t->err = errno ? errno : EIO;
	}
	err = t->err;
	if (t->tb)
		scols_unref_table(t->tb);
	for (size_t i = 0; i < t->nsel; i++)
		free(t->cells[i].s);
	free(t->cells);
	free(t->pos);
	free(t->sel);
	free(t);
	return -err;
}

/* ---- key-value output ------------------------------------------------ */

const char *vs_out_fmt_size(const struct vs_out *o, char *buf, size_t size,
			    uint64_t bytes)
{
	if (o->bytes) {
		snprintf(buf, size, "%" PRIu64, bytes);
		return buf;
	}
	return vs_size_human(buf, size, bytes);
}

/* Print @fmt with its one "%s" replaced by @val. */
static void text_kv(struct vs_out *o, const char *fmt, const char *val)
{
	const char *p = strstr(fmt, "%s");

	if (!p) {
		fputs(fmt, o->f);
		return;
	}
	fwrite(fmt, 1, (size_t)(p - fmt), o->f);
	fputs(val, o->f);
	fputs(p + 2, o->f);
}

void vs_out_u64(struct vs_out *o, const char *key, const char *fmt,
		uint64_t v)
{
	char buf[VS_U64_BUF];

	if (o->fmt == VS_OUT_JSON)
		vs_json_u64(&o->json, key, v);
	else if (fmt)
		text_kv(o, fmt, vs_u64_dec(buf, v));
}

void vs_out_size(struct vs_out *o, const char *key, const char *fmt,
		 uint64_t bytes)
{
	char buf[64];

	if (o->fmt == VS_OUT_JSON)
		vs_json_u64(&o->json, key, bytes);
	else if (fmt)
		text_kv(o, fmt, vs_out_fmt_size(o, buf, sizeof(buf), bytes));
}

void vs_out_str(struct vs_out *o, const char *key, const char *fmt,
		const char *s)
{
	if (o->fmt == VS_OUT_JSON)
		vs_json_str(&o->json, key, s);
	else if (fmt)
		text_kv(o, fmt, s ? s : "-");
}

void vs_out_null(struct vs_out *o, const char *key, const char *fmt)
{
	if (o->fmt == VS_OUT_JSON)
		vs_json_null(&o->json, key);
	else if (fmt)
		text_kv(o, fmt, "-");
}

void vs_out_double(struct vs_out *o, const char *key, const char *fmt,
		   double v, int prec)
{
	char buf[64];

	if (o->fmt == VS_OUT_JSON) {
		vs_json_double(&o->json, key, v, prec);
	} else if (fmt) {
		snprintf(buf, sizeof(buf), "%.*f", prec, v);
		text_kv(o, fmt, buf);
	}
}
