/* test_output.c - the JSON writer, tables and number formatting. JSON is
 * read back with cJSON, which shares nothing with the writer. */
#include <errno.h>
#include <inttypes.h>

#include <cjson/cJSON.h>

#include "unit.h"
#include "vs_fmt.h"
#include "vs_json.h"
#include "vs_out.h"

/* Run @fn writing into a memory stream; return what it wrote. */
static char *capture(void (*fn)(FILE *, void *), void *arg)
{
	struct { char *buf; size_t len; } *m = calloc(1, sizeof(*m));
	char *out;
	FILE *f;

	assert_non_null(m);
	f = open_memstream(&m->buf, &m->len);
	assert_non_null(f);
	fn(f, arg);
	fclose(f);
	out = m->buf;
	free(m);
	return out;
}

static void write_doc(FILE *f, void *arg)
{
	struct vs_json j;
	bool pretty = arg != NULL;

	vs_json_init(&j, f, pretty);
	vs_json_obj_begin(&j, NULL);
	vs_json_u64(&j, "max", UINT64_MAX);
	vs_json_u64(&j, "vsyscall", 0xffffffffff600000ull);
	vs_json_i64(&j, "neg", INT64_MIN);
	vs_json_bool(&j, "yes", true);
	vs_json_null(&j, "none");
	vs_json_str(&j, "quote", "a\"b\\c\n\t\x01");
	vs_json_strn(&j, "bad utf8", "ok\xff\xc3(", 5);
	vs_json_str(&j, "utf8", "caf\xc3\xa9 \xf0\x9f\x98\x80");
	vs_json_double(&j, "ratio", 0.25, 3);
	vs_json_arr_begin(&j, "list");
	for (int i = 0; i < 3; i++)
		vs_json_u64(&j, NULL, (uint64_t)i);
	vs_json_obj_begin(&j, NULL);
	vs_json_obj_end(&j);
	vs_json_arr_end(&j);
	vs_json_arr_begin(&j, "empty");
	vs_json_arr_end(&j);
	vs_json_obj_end(&j);
	assert_int_equal(vs_json_finish(&j), 0);
}

static void check_doc(const char *text)
{
	cJSON *doc = cJSON_Parse(text);
	cJSON *x;

	assert_non_null(doc);
	/* Exact 64-bit integers in the text (cJSON itself keeps doubles). */
	assert_non_null(strstr(text, "18446744073709551615"));
	assert_non_null(strstr(text, "18446744073699065856"));
	assert_non_null(strstr(text, "-9223372036854775808"));
	x = cJSON_GetObjectItem(doc, "quote");
	assert_string_equal(x->valuestring, "a\"b\\c\n\t\x01");
	x = cJSON_GetObjectItem(doc, "bad utf8");
	assert_string_equal(x->valuestring, "ok\xef\xbf\xbd\xef\xbf\xbd(");
	x = cJSON_GetObjectItem(doc, "utf8");
	assert_string_equal(x->valuestring, "caf\xc3\xa9 \xf0\x9f\x98\x80");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(doc, "yes")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(doc, "none")));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "list")), 4);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(doc, "empty")), 0);
	assert_true(cJSON_GetObjectItem(doc, "ratio")->valuedouble == 0.25);
	cJSON_Delete(doc);
}

static void test_json_writer(void **state)
{
	char *pretty = capture(write_doc, (void *)1);
	char *compact = capture(write_doc, NULL);

	check_doc(pretty);
	check_doc(compact);
	/* Compact is one line: NDJSON-ready. */
	assert_non_null(strchr(compact, '\n'));
	assert_int_equal(strchr(compact, '\n') - compact, strlen(compact) - 1);
	assert_true(strchr(pretty, '\n') < pretty + strlen(pretty) - 1);
	free(pretty);
	free(compact);
}

static void write_bad(FILE *f, void *arg)
{
	struct vs_json j;
	int which = *(int *)arg;

	vs_json_init(&j, f, false);
	vs_json_obj_begin(&j, NULL);
	switch (which) {
	case 0: vs_json_u64(&j, NULL, 1); break;		/* no key */
	case 1: vs_json_arr_end(&j); break;			/* wrong close */
	case 2: break;						/* unclosed */
	case 3:
		vs_json_arr_begin(&j, "a");
		vs_json_u64(&j, "k", 1);			/* key in array */
		break;
	}
	*(int *)arg = vs_json_finish(&j);
}

static void test_json_nesting_errors(void **state)
{
	for (int i = 0; i < 4; i++) {
		int arg = i;

		free(capture(write_bad, &arg));
		assert_int_equal(arg, -EINVAL);
	}
}

/* A document bigger than the writer's buffer arrives whole. */
static void write_big(FILE *f, void *arg)
{
	struct vs_json j;

	vs_json_init(&j, f, false);
	vs_json_arr_begin(&j, NULL);
	for (int i = 0; i < 100000; i++)
		vs_json_str(&j, NULL, "0123456789");
	vs_json_arr_end(&j);
	*(int *)arg = vs_json_finish(&j);
}

static void test_json_large(void **state)
{
	int r = 1;
	char *text = capture(write_big, &r);
	cJSON *doc = cJSON_Parse(text);

	assert_int_equal(r, 0);
	assert_non_null(doc);
	assert_int_equal(cJSON_GetArraySize(doc), 100000);
	cJSON_Delete(doc);
	free(text);
}

/* ---- tables ---------------------------------------------------------- */

static const struct vs_col cols[] = {
	{ "NAME", "name", VS_COL_STR, 0, 0, "a name" },
	{ "SIZE", "size", VS_COL_SIZE, 0, VS_COLF_RIGHT, "a size" },
	{ "COUNT", "count", VS_COL_NUM, 0, VS_COLF_RIGHT, "a count" },
	{ "OK", "ok", VS_COL_BOOL, 0, 0, "a flag" },
	{ "ADDR", "addr", VS_COL_HEX, 0, 0, "an address" },
};

struct table_arg {
	enum vs_outfmt fmt;
	bool bytes;
};

static void write_table(FILE *f, void *arg)
{
	struct table_arg *a = arg;
	struct vs_out o;
	struct vs_table *t;
	struct vs_err e;
	int sel[] = { 0, 1, 2, 3, 4 };

	vs_out_init(&o, f, a->fmt);
	o.bytes = a->bytes;
	assert_int_equal(vs_table_new(&o, "things", cols, 5, sel, 5, &t, &e), 0);
	vs_table_row(t);
	vs_table_str(t, 0, "first");
	vs_table_u64(t, 1, 1536);
	vs_table_u64(t, 2, 7);
	vs_table_bool(t, 3, true);
	vs_table_u64(t, 4, 0x7f00);
	vs_table_row(t);
	vs_table_str(t, 0, "second \"q\"");
	vs_table_null(t, 1);		/* unknown: "-" or null, never 0 */
	vs_table_u64(t, 2, UINT64_MAX);
	vs_table_bool(t, 3, false);
	vs_table_null(t, 4);
	vs_table_footer(t, "total");
	vs_table_str(t, 0, "total");
	vs_table_u64(t, 1, 1536);
	assert_int_equal(vs_table_end(t), 0);
	if (a->fmt == VS_OUT_JSON)
		assert_int_equal(vs_json_finish(&o.json), 0);
}

static void test_table_json(void **state)
{
	struct table_arg a = { VS_OUT_JSON, false };
	char *text = capture(write_table, &a);
	cJSON *doc = cJSON_Parse(text), *rows, *r;

	assert_non_null(doc);
	rows = cJSON_GetObjectItem(doc, "things");
	assert_int_equal(cJSON_GetArraySize(rows), 2);
	r = cJSON_GetArrayItem(rows, 0);
	assert_int_equal(cJSON_GetObjectItem(r, "size")->valueint, 1536);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(r, "ok")));
	assert_int_equal(cJSON_GetObjectItem(r, "addr")->valueint, 0x7f00);
	r = cJSON_GetArrayItem(rows, 1);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r, "size")));
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(r, "ok")));
	assert_string_equal(cJSON_GetObjectItem(r, "name")->valuestring,
			    "second \"q\"");
	assert_non_null(strstr(text, "18446744073709551615"));
	/* The footer is its own member; unset cells are null. */
	r = cJSON_GetObjectItem(doc, "total");
	assert_non_null(r);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r, "count")));
	cJSON_Delete(doc);
	free(text);
}

static void test_table_text(void **state)
{
	struct table_arg a = { VS_OUT_TEXT, false };
	char *text = capture(write_table, &a);

	assert_non_null(strstr(text, "NAME"));
	assert_non_null(strstr(text, "1.5K"));
	assert_non_null(strstr(text, " - "));	/* the unknown size */
	assert_non_null(strstr(text, "7f00"));
	assert_non_null(strstr(text, "yes"));
	free(text);
	a.bytes = true;
	a.fmt = VS_OUT_RAW;
	text = capture(write_table, &a);
	assert_non_null(strstr(text, "first 1536 7 yes 7f00\n"));
	free(text);
}

static void test_cols_parse(void **state)
{
	int def[] = { 0, 1 }, sel[8];
	size_t n;
	struct vs_err e;

	assert_int_equal(vs_cols_parse(cols, 5, "count,name", def, 2, sel, 8,
				       &n, &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(sel[0], 2);
	assert_int_equal(sel[1], 0);
	assert_int_equal(vs_cols_parse(cols, 5, "+ok", def, 2, sel, 8, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_int_equal(sel[2], 3);
	assert_int_equal(vs_cols_parse(cols, 5, "name,nope", def, 2, sel, 8,
				       &n, &e), -EINVAL);
	assert_string_equal(e.msg, "unknown column 'nope'");
	assert_int_equal(vs_cols_parse(cols, 5, "", def, 2, sel, 8, &n, &e),
			 -EINVAL);
}

/* ---- numbers --------------------------------------------------------- */

static void test_numbers(void **state)
{
	char buf[VS_U64_BUF], h[32];
	uint64_t v;

	assert_string_equal(vs_u64_dec(buf, 0), "0");
	assert_string_equal(vs_u64_dec(buf, UINT64_MAX), "18446744073709551615");
	assert_string_equal(vs_u64_hex(buf, 0x7f, 8), "0000007f");
	assert_string_equal(vs_u64_hex(buf, UINT64_MAX, 4), "ffffffffffffffff");
	assert_int_equal(vs_u64_width(0), 1);
	assert_int_equal(vs_u64_width(999), 3);
	assert_int_equal(vs_u64_width(1000), 4);
	assert_string_equal(vs_size_human(h, sizeof(h), 0), "0B");
	assert_string_equal(vs_size_human(h, sizeof(h), 1023), "1023B");
	assert_string_equal(vs_size_human(h, sizeof(h), 4096), "4K");
	assert_string_equal(vs_size_human(h, sizeof(h), 1536), "1.5K");
	assert_string_equal(vs_size_human(h, sizeof(h), 1048575), "1M");
	assert_string_equal(vs_size_human(h, sizeof(h), 3ull << 40), "3T");
	assert_string_equal(vs_size_human(h, sizeof(h), UINT64_MAX), "16E");
	assert_int_equal(vs_parse_u64("0x10", 0, &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(vs_parse_u64("ff", 16, &v), 0);
	assert_int_equal(v, 255);
	assert_int_equal(vs_parse_u64("-1", 10, &v), -EINVAL);
	assert_int_equal(vs_parse_u64("12x", 10, &v), -EINVAL);
	assert_int_equal(vs_parse_u64("", 10, &v), -EINVAL);
	assert_int_equal(vs_parse_u64("99999999999999999999", 10, &v), -ERANGE);
	assert_int_equal(vs_parse_seconds("1.5", &v), 0);
	assert_int_equal(v, 1500);
	assert_int_equal(vs_parse_seconds("0.001", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(vs_parse_seconds("x", &v), -EINVAL);
	assert_int_equal(vs_parse_seconds("", &v), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_writer),
		cmocka_unit_test(test_json_nesting_errors),
		cmocka_unit_test(test_json_large),
		cmocka_unit_test(test_table_json),
		cmocka_unit_test(test_table_text),
		cmocka_unit_test(test_cols_parse),
		cmocka_unit_test(test_numbers),
	};

	return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
