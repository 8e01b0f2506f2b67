/* vs_json.h - a streaming JSON writer.
 *
 * Writes a document as it goes, so that memory does not grow with the
 * output (65,530 mappings times thirty fields would be a large tree in
 * cJSON), and prints 64-bit integers exactly (cJSON keeps numbers as
 * doubles, which round addresses above 2^53). Strings are escaped; bytes
 * that are not valid UTF-8 become U+FFFD. The writer checks its own nesting
 * and remembers the first write error.
 */
#ifndef VS_JSON_H
#define VS_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define VS_JSON_DEPTH 32

#define VS_JSON_BUF 32768

struct vs_json {
	FILE *f;			/* where the document goes */
	char buf[VS_JSON_BUF];		/* output not yet written to @f */
	size_t len;
	bool pretty;			/* indented, one member a line */
	int depth;			/* open containers */
	bool first[VS_JSON_DEPTH];	/* no member written yet at depth */
	char kind[VS_JSON_DEPTH];	/* '{' or '[' */
	int err;			/* first errno-style failure, or 0 */
};

/* Start writing to @f. With @pretty the output is indented by two spaces;
 * without it the document is one line (NDJSON-ready). */
void vs_json_init(struct vs_json *j, FILE *f, bool pretty);

/* Containers. @key is the member name inside an object, NULL in an array
 * or at the top. Keys are identifiers (letters, digits, '_', ' '), written
 * as they are; string values are escaped. */
void vs_json_obj_begin(struct vs_json *j, const char *key);
void vs_json_obj_end(struct vs_json *j);
void vs_json_arr_begin(struct vs_json *j, const char *key);
void vs_json_arr_end(struct vs_json *j);

/* Values. */
void vs_json_u64(struct vs_json *j, const char *key, uint64_t v);
void vs_json_i64(struct vs_json *j, const char *key, int64_t v);
void vs_json_double(struct vs_json *j, const char *key, double v, int prec);
void vs_json_bool(struct vs_json *j, const char *key, bool v);
void vs_json_null(struct vs_json *j, const char *key);
void vs_json_str(struct vs_json *j, const char *key, const char *s);
void vs_json_strn(struct vs_json *j, const char *key, const char *s,
		  size_t n);

/* End the document: a newline after the top-level value. Returns 0, or the
 * negative errno of the first failure (a write error, bad nesting). */
int vs_json_finish(struct vs_json *j);

/* Write what is buffered to the FILE (done by vs_json_finish too). */
void vs_json_flush(struct vs_json *j);

#endif
