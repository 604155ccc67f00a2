/* test_report.c - the self-contained page: assets inlined, timeline inert. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockscope/common.h"
#include "sockscope/report.h"

#define DATA_OPEN "<script type=\"application/json\" class=\"sockscope-timeline\">"

static char *render(const char *timeline_text)
{
	char *page = NULL, errbuf[256];
	size_t size = 0;
	FILE *timeline = fmemopen((void *)timeline_text, strlen(timeline_text), "r");
	FILE *out = open_memstream(&page, &size);

	assert_int_equal(report_write(out, timeline, errbuf, sizeof errbuf), 0);
	fclose(out);
	fclose(timeline);
	return page;
}

static void test_report_inlines_every_asset(void **state)
{
	(void)state;
	char *page = render("{}");
	assert_null(strstr(page, "<script src="));
	assert_null(strstr(page, "<link rel=\"stylesheet\""));
	assert_non_null(strstr(page, "<style>"));
	assert_non_null(strstr(page, "class=\"sockscope-timeline\">{}</script>"));
	free(page);
}

static void test_report_timeline_cannot_close_its_element(void **state)
{
	(void)state;
	char *page = render("{\"x\":\"</script><img src=x onerror=alert(1)><!--\"}");
	const char *data = strstr(page, DATA_OPEN);
	assert_non_null(data);
	data += strlen(DATA_OPEN);
	const char *end = strstr(data, "</script>");
	assert_non_null(end);
	/* the whole JSON lies before the element's end, with every '<' escaped */
	assert_non_null(strstr(data, "\\u003c/script>\\u003cimg"));
	assert_true(strstr(data, "\\u003c!--") < end);
	assert_null(memchr(data, '<', (size_t)(end - data)));
	free(page);
}

/* A big timeline goes in several elements; joined, they give the escaped JSON
 * back, and no cut falls inside a UTF-8 sequence or a \u003c escape. */
static void test_report_big_timeline_in_pieces(void **state)
{
	(void)state;
	const char unit[] = "\"</script><!--\xc3\xa9\xe2\x87\x84\xf0\x9f\x98\x80\",";
	size_t units = 20000, n = 0;
	char *json = malloc(units * (sizeof unit - 1) + 4);
	char *joined = malloc(units * (sizeof unit - 1) * 6 + 16);
	size_t len = 0;

	json[n++] = '[';
	for (size_t i = 0; i < units; i++, n += sizeof unit - 1)
		memcpy(json + n, unit, sizeof unit - 1);
	strcpy(json + n, "0]");
	char *page = render(json);
	int pieces = 0;
	for (const char *p = strstr(page, DATA_OPEN); p; p = strstr(p, DATA_OPEN)) {
		p += strlen(DATA_OPEN);
		const char *end = strstr(p, "</script>");
		assert_non_null(end);
		assert_null(memchr(p, '<', (size_t)(end - p)));
		/* a piece starts with a whole character: ASCII or a UTF-8 lead byte */
		assert_false(end > p && ((unsigned char)*p & 0xc0) == 0x80);
		memcpy(joined + len, p, (size_t)(end - p));
		len += (size_t)(end - p);
		pieces++;
		p = end;
	}
	joined[len] = '\0';
	assert_true(pieces > 1);
	/* joined, the pieces are the JSON with each '<' written as \u003c */
	size_t k = 0;
	for (size_t i = 0; json[i]; i++) {
		if (json[i] == '<') {
			assert_memory_equal(joined + k, "\\u003c", 6);
			k += 6;
		} else {
			assert_int_equal(joined[k], json[i]);
			k++;
		}
	}
	assert_int_equal(k, len);
	free(page);
	free(joined);
	free(json);
}

/* report_read_timeline over text; returns its code, the output in *doc, the message in err. */
static int read_text(const char *text, char **doc, char *err, size_t errsize)
{
	size_t size = 0;
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	FILE *out = open_memstream(doc, &size);

	err[0] = '\0';
	int rc = report_read_timeline(in, out, err, errsize);
	fclose(out);
	fclose(in);
	return rc;
}

#define HEADER "{\"kind\":\"header\",\"schema\":\"sockscope.timeline/1\",\"source\":{}}\n"
#define EVENT  "{\"kind\":\"packet\",\"frame\":1,\"t\":0.000001}\n"
#define FLOW   "{\"kind\":\"flow\",\"id\":1,\"proto\":\"udp\"}\n"
#define END    "{\"kind\":\"end\",\"source\":{\"packets\":1},\"endpoints\":[],\"event_count\":1}\n"

static void test_report_reads_json_lines_as_the_document(void **state)
{
	(void)state;
	char *doc, err[256];

	assert_int_equal(read_text(HEADER EVENT FLOW END, &doc, err, sizeof err), 0);
	assert_string_equal(doc, "{\"schema\":\"sockscope.timeline/1\",\n\"events\":[\n"
	                         "{\"kind\":\"packet\",\"frame\":1,\"t\":0.000001}\n],\n"
	                         "\"source\":{\"packets\":1},\n\"endpoints\":[],\n\"flows\":[\n"
	                         "{\"id\":1,\"proto\":\"udp\"}\n]}\n");
	free(doc);
}

/* Anything but JSON Lines is copied as it is: the page says what is wrong with it. */
static void test_report_copies_a_document(void **state)
{
	(void)state;
	const char *texts[] = {"{\"schema\":\"sockscope.timeline/1\",\n\"events\":[\n]}\n",
	                       "{\"schema\":\"other/2\",\"events\":[]}", "hello", "", "{\"kind\":\"head"};

	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		char *doc, err[256];
		assert_int_equal(read_text(texts[i], &doc, err, sizeof err), 0);
		assert_string_equal(doc, texts[i]);
		free(doc);
	}
}

/* Each bad input names its line. */
static void test_report_bad_timelines_name_the_line(void **state)
{
	(void)state;
	static const struct {
		const char *text, *message;
	} cases[] = {
	    {HEADER EVENT "{\"kind\":\"pack", "line 3: cut short: the last line has no end"},
	    {HEADER "not json\n" END, "line 2: not a JSON object"},
	    {HEADER "[1,2]\n" END, "line 2: not a JSON object"},
	    {HEADER "{\"a\":1} x\n" END, "line 2: not a JSON object"},
	    {HEADER EVENT, "line 3: the timeline ends without its end line"},
	    {HEADER END EVENT, "line 3: a line after the end line"},
	    {HEADER HEADER END, "line 2: a second header"},
	    {"{\"kind\":\"header\",\"schema\":\"sockscope.timeline/2\"}\n" END,
	     "line 1: unknown schema 'sockscope.timeline/2'"},
	    {"{\"kind\":\"header\",\"schema\":1}\n" END, "line 1: unknown schema '1'"},
	    {"{\"kind\":\"header\",\"schema\":\"sockscope.timeline/1\"", "line 1: cut short"},
	    {"{\"kind\":\"header\" oops\n" END, "line 1: not a JSON object"},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *doc, err[256];
		assert_int_equal(read_text(cases[i].text, &doc, err, sizeof err), -SS_EMALFORMED);
		if (strncmp(err, cases[i].message, strlen(cases[i].message)) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, err, cases[i].message);
		free(doc);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_report_inlines_every_asset),
	    cmocka_unit_test(test_report_timeline_cannot_close_its_element),
	    cmocka_unit_test(test_report_big_timeline_in_pieces),
	    cmocka_unit_test(test_report_reads_json_lines_as_the_document),
	    cmocka_unit_test(test_report_copies_a_document),
	    cmocka_unit_test(test_report_bad_timelines_name_the_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
