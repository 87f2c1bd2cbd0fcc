/* check_json.c: the strict reader against data/json.tsv, the shape of what
 * it returns, its limits, and the escaper read back by the reader. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "unit.h"

/* Undo the %XX and %% escapes of the case file. */
static void
unescape(struct buf *b, const char *s, size_t n)
{
	size_t i;

	buf_reset(b);
	buf_add(b, "", 0);
	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 1 < n && s[i + 1] == '%') {
			buf_addc(b, '%');
			i++;
		} else if (s[i] == '%' && i + 2 < n) {
			char hex[3] = { s[i + 1], s[i + 2], 0 };

			buf_addc(b, (int)strtol(hex, NULL, 16));
			i += 2;
		} else {
			buf_addc(b, s[i]);
		}
	}
}

START_TEST(cases)
{
	struct buf in = BUF_INIT;
	char *line = NULL, *want, why[JSON_WHY_MAX];
	size_t cap = 0, ncases = 0;
	FILE *f = unit_cases("test/unit/data/json.tsv");

	while (unit_next_case(f, &line, &cap, &want)) {
		struct json *v;

		unescape(&in, line, strlen(line));
		strcpy(why, "(untouched)");
		v = json_parse(in.p, in.len, why);
		if (strcmp(want, "ok") == 0)
			ck_assert_msg(v != NULL, "'%s': refused: %s", line,
			    why);
		else
			ck_assert_msg(v == NULL && strcmp(why, want) == 0,
			    "'%s': got '%s', want '%s'", line,
			    v ? "ok" : why, want);
		json_free(v);
		ncases++;
	}
	ck_assert_uint_ge(ncases, 60);
	free(line);
	fclose(f);
	buf_release(&in);
}
END_TEST

START_TEST(tree)
{
	static const char text[] = "{\"a\": [1, \"x\\u00e9\\u0000y\", true],"
	    " \"b\": {}, \"c\": null, \"\\u0064\": -2.5e1}";
	const struct json *a, *d;
	char why[JSON_WHY_MAX];
	struct json *v = json_parse(text, sizeof text - 1, why);

	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->type, JSON_OBJECT);
	ck_assert_uint_eq(v->len, 4);
	ck_assert_str_eq(v->keys[3].s, "d");
	a = json_get(v, "a");
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(a->type, JSON_ARRAY);
	ck_assert_uint_eq(a->len, 3);
	ck_assert_int_eq(a->items[0].type, JSON_NUMBER);
	ck_assert_str_eq(a->items[0].s, "1");
	ck_assert_int_eq(a->items[1].type, JSON_STRING);
	ck_assert_uint_eq(a->items[1].len, 5);
	ck_assert_mem_eq(a->items[1].s, "x\xc3\xa9\0y", 5);
	ck_assert_int_eq(a->items[2].type, JSON_TRUE);
	ck_assert_int_eq(json_get(v, "b")->type, JSON_OBJECT);
	ck_assert_uint_eq(json_get(v, "b")->len, 0);
	ck_assert_int_eq(json_get(v, "c")->type, JSON_NULL);
	d = json_get(v, "d");
	ck_assert_str_eq(d->s, "-2.5e1");
	ck_assert_ptr_null(json_get(v, "e"));
	ck_assert_ptr_null(json_get(a, "a"));
	json_free(v);
}
END_TEST

/* JSON_DEPTH_MAX levels are read; one more is refused. */
START_TEST(depth)
{
	struct buf b = BUF_INIT;
	char why[JSON_WHY_MAX];
	struct json *v;
	int i;

	for (i = 0; i < JSON_DEPTH_MAX; i++)
		buf_addc(&b, '[');
	for (i = 0; i < JSON_DEPTH_MAX; i++)
		buf_addc(&b, ']');
	v = json_parse(b.p, b.len, why);
	ck_assert_ptr_nonnull(v);
	json_free(v);
	buf_reset(&b);
	for (i = 0; i <= JSON_DEPTH_MAX; i++)
		buf_adds(&b, "{\"a\":");
	ck_assert_ptr_null(json_parse(b.p, b.len, why));
	ck_assert_str_eq(why, "line 1, column 321: nested too deeply");
	buf_release(&b);
}
END_TEST

/* A large object: duplicates are found by sorting, and the message
 * points at the second of the earliest pair. */
START_TEST(many_members)
{
	struct buf b = BUF_INIT, want = BUF_INIT;
	char why[JSON_WHY_MAX];
	struct json *v;
	int i;

	buf_addc(&b, '{');
	for (i = 0; i < 100000; i++)
		buf_printf(&b, "%s\"k%d\":%d", i ? "," : "", i, i);
	buf_addc(&b, '}');
	v = json_parse(b.p, b.len, why);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(v->len, 100000);
	ck_assert_str_eq(json_get(v, "k99999")->s, "99999");
	json_free(v);
	b.len--;
	buf_printf(&want, "line 1, column %zu: duplicate member name",
	    b.len + 2);
	buf_adds(&b, ",\"k5\":0,\"k7\":0}");
	ck_assert_ptr_null(json_parse(b.p, b.len, why));
	ck_assert_str_eq(why, want.p);
	buf_release(&b);
	buf_release(&want);
}
END_TEST

/* Every byte below 0x80 and some UTF-8, escaped and read back, is the
 * same; the escapes are the ones json.h promises. */
START_TEST(escape_round_trip)
{
	struct buf s = BUF_INIT, out = BUF_INIT;
	char why[JSON_WHY_MAX];
	struct json *v;
	int c;

	for (c = 0; c < 0x80; c++)
		buf_addc(&s, c);
	buf_adds(&s, "\xc2\x80\xe2\x80\xa8\xf0\x9f\x98\x80\xef\xbf\xbf");
	json_escape(&out, s.p, s.len);
	v = json_parse(out.p, out.len, why);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->type, JSON_STRING);
	ck_assert_uint_eq(v->len, s.len);
	ck_assert_mem_eq(v->s, s.p, s.len);
	json_free(v);
	ck_assert_ptr_nonnull(strstr(out.p, "\"\\u0000\\u0001"));
	ck_assert_ptr_nonnull(strstr(out.p, "\\b\\t\\n\\u000b\\f\\r"));
	ck_assert_ptr_nonnull(strstr(out.p, "\\u001f !\\\"#"));
	ck_assert_ptr_nonnull(strstr(out.p, "[\\\\]"));
	ck_assert_ptr_nonnull(strstr(out.p, "~\x7f\xc2\x80"));

	buf_reset(&out);
	json_escape(&out, "", 0);
	ck_assert_str_eq(out.p, "\"\"");
	buf_release(&s);
	buf_release(&out);
}
END_TEST

Suite *
suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("json");

	tcase_add_test(tc, cases);
	tcase_add_test(tc, tree);
	tcase_add_test(tc, depth);
	tcase_add_test(tc, many_members);
	tcase_add_test(tc, escape_round_trip);
	suite_add_tcase(s, tc);
	return s;
}
