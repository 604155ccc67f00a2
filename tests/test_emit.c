/* test_emit.c - the streaming JSON writer: what it writes json-c must read back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "../src/timeline/emit.h"

struct output {
	char *text;
	size_t size;
	FILE *out;
	struct emitter *e;
};

static void output_open(struct output *o)
{
	o->out = open_memstream(&o->text, &o->size);
	o->e = malloc(sizeof *o->e);
	assert_non_null(o->out);
	assert_non_null(o->e);
	emit_init(o->e, o->out);
}

static void output_close(struct output *o)
{
	assert_true(emit_flush(o->e));
	fclose(o->out);
	free(o->e);
}

static void test_emit_every_byte_round_trips(void **state)
{
	(void)state;
	struct output o;
	char bytes[256];

	for (int i = 0; i < 256; i++)
		bytes[i] = (char)(i == 0 ? 1 : i);
	output_open(&o);
	emit_begin_array(o.e);
	emit_string_n(o.e, bytes, sizeof bytes);
	emit_end_array(o.e);
	output_close(&o);
	json_object *root = json_tokener_parse(o.text);
	assert_non_null(root);
	const char *back = json_object_get_string(json_object_array_get_idx(root, 0));
	/* ASCII comes back as itself; bytes >= 0x80 as their Latin-1 code points in UTF-8 */
	assert_memory_equal(back, bytes, 128);
	assert_int_equal((unsigned char)back[128], 0xc2);
	assert_int_equal((unsigned char)back[129], 0x80);
	json_object_put(root);
	free(o.text);
}

static void test_emit_commas_and_nesting(void **state)
{
	(void)state;
	struct output o;

	output_open(&o);
	emit_begin_object(o.e);
	emit_kv_int(o.e, "a", -5);
	emit_key(o.e, "b");
	emit_begin_array(o.e);
	emit_null(o.e);
	emit_bool(o.e, true);
	emit_begin_object(o.e);
	emit_end_object(o.e);
	emit_end_array(o.e);
	emit_line_break(o.e);
	emit_kv_string(o.e, "c", "x\"y");
	emit_end_object(o.e);
	output_close(&o);
	assert_string_equal(o.text, "{\"a\":-5,\"b\":[null,true,{}],\n\"c\":\"x\\\"y\"}");
	free(o.text);
}

static void test_emit_seconds_as_printf(void **state)
{
	(void)state;
	struct output o;
	char want[64];

	srand(7);
	for (int i = 0; i < 20000; i++) {
		double v = (double)rand() / RAND_MAX * (i % 2 ? 1e5 : 1e-2);
		if (i % 7 == 0)
			v = (double)(rand() % 100000000) / 1e6; /* exact microseconds */
		output_open(&o);
		emit_seconds(o.e, v);
		output_close(&o);
		snprintf(want, sizeof want, "%.6f", v);
		assert_string_equal(o.text, want);
		free(o.text);
	}
}

static void test_emit_seconds_extremes(void **state)
{
	(void)state;
	const double values[] = {1e300, -1e300, 1.8e13, -4e9, 9.2e18, 1.7976931348623157e308};
	char want[400];

	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		struct output o;
		output_open(&o);
		emit_seconds(o.e, values[i]);
		output_close(&o);
		snprintf(want, sizeof want, "%.6f", values[i]);
		assert_string_equal(o.text, want);
		free(o.text);
	}
	struct output o;
	output_open(&o);
	emit_seconds(o.e, 0.0 / 0.0); /* not a number: JSON has none, 0 stands in */
	output_close(&o);
	assert_string_equal(o.text, "0.000000");
	free(o.text);
}

static void test_emit_long_string_crosses_buffer(void **state)
{
	(void)state;
	struct output o;
	size_t n = EMIT_BUFFER * 2 + 123;
	char *text = malloc(n + 1);

	assert_non_null(text);
	for (size_t i = 0; i < n; i++)
		text[i] = i % 97 == 0 ? '\n' : (char)('a' + i % 26);
	text[n] = '\0';
	output_open(&o);
	emit_string(o.e, text);
	output_close(&o);
	json_object *root = json_tokener_parse(o.text);
	assert_non_null(root);
	assert_string_equal(json_object_get_string(root), text);
	json_object_put(root);
	free(o.text);
	free(text);
}

/* JSON Lines: each top-level value on its own line, no comma between them. */
static void test_emit_end_line_separates_values(void **state)
{
	(void)state;
	struct output o;

	output_open(&o);
	for (int i = 0; i < 3; i++) {
		emit_begin_object(o.e);
		emit_kv_int(o.e, "n", i);
		emit_key(o.e, "a");
		emit_begin_array(o.e);
		emit_int(o.e, 1);
		emit_int(o.e, 2);
		emit_end_array(o.e);
		emit_end_object(o.e);
		emit_end_line(o.e);
	}
	output_close(&o);
	assert_string_equal(o.text, "{\"n\":0,\"a\":[1,2]}\n{\"n\":1,\"a\":[1,2]}\n{\"n\":2,\"a\":[1,2]}\n");
	free(o.text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_emit_every_byte_round_trips),
	    cmocka_unit_test(test_emit_commas_and_nesting),
	    cmocka_unit_test(test_emit_seconds_as_printf),
	    cmocka_unit_test(test_emit_seconds_extremes),
	    cmocka_unit_test(test_emit_long_string_crosses_buffer),
	    cmocka_unit_test(test_emit_end_line_separates_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
