/* test_json_scan.c - JSON checked and taken apart in place (json_scan.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "sockscope/json_scan.h"

static bool valid(const char *text)
{
	/* a copy of exactly its length: a read past the end is ASan's to see */
	size_t n = strlen(text);
	char *copy = malloc(n ? n : 1);
	memcpy(copy, text, n);
	bool ok = json_scan_valid(copy, n);
	free(copy);
	return ok;
}

/* What RFC 8259 (and JSON.parse) takes, and what it does not, json-c's
 * leniencies first. */
static void test_json_scan_is_rfc_8259(void **state)
{
	(void)state;
	static const char *const good[] = {
	    "{}", "[]", "0", "-0", "1.5e-3", "1E+2", "\"\"", "\"\\u00e9\\n\\\"\\\\\\/\"", "true",
	    "false", "null", " {\"a\" : [1, {\"b\":null}] } ", "\"caf\xc3\xa9\"", "[\"\\ud800\"]",
	    "{\"a\":1,\"a\":2}"};
	static const char *const bad[] = {
	    "", " ", "{\"a\":\"x\x01y\"}", "{'a':1}", "{\"a\":1.}", "{\"a\":01}", "{\"a\":.5}",
	    "{\"a\":1,}", "[1,]", "{\"a\"}", "{\"a\":}", "\"\\x\"", "\"\\u12\"", "\"abc", "tru",
	    "nul", "-", "1e", "1e+", "{\"a\":1} x", "{} {}", "[1 2]", "{\"a\" 1}", "{1:2}", "\"\t\"",
	    "NaN", "Infinity", "+1", "[", "{"};

	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		if (!valid(good[i]))
			fail_msg("refused %s", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (valid(bad[i]))
			fail_msg("took %s", bad[i]);
}

/* Nesting is bounded: 32 levels are taken, 33 are not (and never overflow the stack). */
static void test_json_scan_bounds_nesting(void **state)
{
	(void)state;
	char text[2 * 100001];

	for (int depth = 32; depth <= 33; depth++) {
		memset(text, '[', (size_t)depth);
		memset(text + depth, ']', (size_t)depth);
		assert_int_equal(json_scan_valid(text, 2 * (size_t)depth), depth == 32);
	}
	memset(text, '[', 100000);
	assert_false(json_scan_valid(text, 100000));
}

static bool span_is(struct json_span s, const char *text)
{
	return s.n == strlen(text) && memcmp(s.p, text, s.n) == 0;
}

/* Members as written: keys between their quotes (escapes kept), values whole. */
static void test_json_scan_members(void **state)
{
	(void)state;
	const char *obj = "{\"kind\":\"packet\", \"t\" : 0.5,\"tcp\":{\"seq\":[1,2]},\"k\\u0065y\":null}";
	struct json_span keys[4], values[4];

	assert_int_equal(json_scan_members((struct json_span){obj, strlen(obj)}, keys, values, 4), 4);
	assert_true(span_is(keys[0], "kind") && span_is(values[0], "\"packet\""));
	assert_true(span_is(keys[1], "t") && span_is(values[1], "0.5"));
	assert_true(span_is(keys[2], "tcp") && span_is(values[2], "{\"seq\":[1,2]}"));
	assert_true(span_is(keys[3], "k\\u0065y") && span_is(values[3], "null"));
	/* more than max, not an object, empty */
	assert_int_equal(json_scan_members((struct json_span){obj, strlen(obj)}, keys, values, 3), -1);
	assert_int_equal(json_scan_members((struct json_span){"[1]", 3}, keys, values, 4), -1);
	assert_int_equal(json_scan_members((struct json_span){"{ }", 3}, keys, values, 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json_scan_is_rfc_8259),
	    cmocka_unit_test(test_json_scan_bounds_nesting),
	    cmocka_unit_test(test_json_scan_members),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
