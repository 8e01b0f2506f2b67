/* vs_out.h - the output layer: one code path, text or JSON.
 *
 * A view describes its columns once, in a table of struct vs_col (name,
 * JSON key, type, help), and fills rows cell by cell. The same calls print
 * an aligned table through libsmartcols (text or raw) or stream JSON objects
 * through vs_json, so the two cannot drift apart. Sizes are bytes in JSON
 * and human ("1.5M") or bytes (--bytes) in text; a figure that could not be
 * read is "-" in text and null in JSON, never 0.
 *
 * Non-tabular facts (a process's pid and command line above its table) go
 * through vs_out_u64()/vs_out_str(): a key for JSON and a format for text,
 * in one call.
 */
#ifndef VS_OUT_H
#define VS_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vs_err.h"
#include "vs_json.h"

enum vs_outfmt { VS_OUT_TEXT, VS_OUT_RAW, VS_OUT_JSON };

enum vs_coltype {
	VS_COL_STR,	/* text */
	VS_COL_NUM,	/* unsigned integer */
	VS_COL_INT,	/* signed integer */
	VS_COL_SIZE,	/* bytes */
	VS_COL_BOOL,
	VS_COL_HEX,	/* unsigned integer shown in hex in text */
	VS_COL_FLOAT,	/* a ratio or rate */
};

#define VS_COLF_RIGHT	0x01u	/* right-aligned in text */
#define VS_COLF_TRUNC	0x02u	/* may be truncated to fit the terminal */
#define VS_COLF_WRAP	0x04u	/* may wrap */

struct vs_col {
	const char *name;	/* "RSS": header and -o name */
	const char *json;	/* "rss": JSON key */
	enum vs_coltype type;
	double whint;		/* libsmartcols width hint (0 = natural) */
	unsigned flags;		/* VS_COLF_* */
	const char *help;	/* one line for --help and --list-columns */
};

/* Output settings of one command run. */
struct vs_out {
	FILE *f;
	enum vs_outfmt fmt;
	bool bytes;		/* sizes in bytes in text */
	bool noheadings;
	struct vs_json json;	/* the document, in JSON mode */
};

void vs_out_init(struct vs_out *o, FILE *f, enum vs_outfmt fmt);

/* Parse a column list such as "RSS,PSS" (or "+RSS" to add to @defaults)
 * against @cols (case-insensitive). Fills @sel with column indexes and
 * *@nsel with their count. Returns 0 or -EINVAL ("unknown column 'X'"). */
int vs_cols_parse(const struct vs_col *cols, size_t ncols, const char *spec,
		  const int *defaults, size_t ndefaults, int *sel, size_t max,
		  size_t *nsel, struct vs_err *e);

/* Index of the column named @name in @cols, or -1. */
int vs_col_find(const struct vs_col *cols, size_t ncols, const char *name);

/* The JSON type name of a column type ("string", "integer", ...). */
const char *vs_coltype_name(enum vs_coltype t);

struct vs_table;

/* Start a table of the columns @sel (indexes into @cols). In JSON mode it
 * is the array member @key of the current object (or the top-level value
 * when the document is empty). The table keeps a pointer to @cols. */
int vs_table_new(struct vs_out *o, const char *key, const struct vs_col *cols,
		 size_t ncols, const int *sel, size_t nsel,
		 struct vs_table **out, struct vs_err *e);

/* Start the next row. */
void vs_table_row(struct vs_table *t);

/* Start a footer row: in text the last line of the table; in JSON not a
 * row but the object member @key written after the array. */
void vs_table_footer(struct vs_table *t, const char *key);

/* Cells of the current row, by column index into @cols; cells of columns
 * that were not selected are ignored. */
void vs_table_str(struct vs_table *t, int col, const char *s);
void vs_table_strn(struct vs_table *t, int col, const char *s, size_t n);
void vs_table_u64(struct vs_table *t, int col, uint64_t v);
void vs_table_i64(struct vs_table *t, int col, int64_t v);
void vs_table_bool(struct vs_table *t, int col, bool v);
void vs_table_double(struct vs_table *t, int col, double v, int prec);
void vs_table_null(struct vs_table *t, int col);

/* Whether column @col was selected (to skip work for hidden cells). */
bool vs_table_wants(const struct vs_table *t, int col);

/* Print (text) or close (JSON) the table and free it. Returns 0 or a
 * negative errno. */
int vs_table_end(struct vs_table *t);

/* Key-value output for facts outside tables: JSON member @key, or @fmt in
 * text with %s standing for the value. */
void vs_out_u64(struct vs_out *o, const char *key, const char *fmt,
		uint64_t v);
void vs_out_size(struct vs_out *o, const char *key, const char *fmt,
		 uint64_t bytes);
void vs_out_str(struct vs_out *o, const char *key, const char *fmt,
		const char *s);

/* A figure that could not be read: null in JSON, "-" in text. */
void vs_out_null(struct vs_out *o, const char *key, const char *fmt);

/* A ratio or rate with @prec decimals. */
void vs_out_double(struct vs_out *o, const char *key, const char *fmt,
		   double v, int prec);

/* Format a size for text per the settings of @o. */
const char *vs_out_fmt_size(const struct vs_out *o, char *buf, size_t size,
			    uint64_t bytes);

#endif
