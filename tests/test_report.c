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

#include "inflate_ref.h"

#define DATA_OPEN                                                                                  \
	"<script type=\"application/octet-stream\" class=\"sockscope-timeline\" "                        \
	"data-encoding=\"deflate-raw;base64\">"

static char *render(const char *timeline_text, size_t len)
{
	char *page = NULL, errbuf[256];
	size_t size = 0;
	FILE *timeline = fmemopen((void *)timeline_text, len, "r");
	FILE *out = open_memstream(&page, &size);

	assert_int_equal(report_write(out, timeline, errbuf, sizeof errbuf), 0);
	fclose(out);
	fclose(timeline);
	return page;
}

static int base64_value(char c)
{
	const char *digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *hit = c ? strchr(digits, c) : NULL;
	return hit ? (int)(hit - digits) : -1;
}

/* The bytes of base64 text (whole groups of four, '=' only at its end); NULL if it is not. */
static unsigned char *base64_decode(const char *text, size_t len, size_t *outlen)
{
	unsigned char *out = malloc(len / 4 * 3 + 1);
	size_t n = 0;

	if (len % 4)
		return free(out), NULL;
	for (size_t i = 0; i < len; i += 4) {
		int v[4], pad = 0;
		for (int k = 0; k < 4; k++) {
			v[k] = text[i + k] == '=' && i + 4 == len && k >= 2 ? (pad++, 0) : base64_value(text[i + k]);
			if (v[k] < 0)
				return free(out), NULL;
		}
		uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
		out[n++] = (unsigned char)(w >> 16);
		if (pad < 2)
			out[n++] = (unsigned char)(w >> 8);
		if (pad < 1)
			out[n++] = (unsigned char)w;
	}
	*outlen = n;
	return out;
}

/* The page's timeline: its data elements' text joined, checked, decoded and
 * inflated (NUL-terminated); *pieces: how many elements. */
static char *page_timeline(const char *page, size_t *len, int *pieces)
{
	size_t cap = strlen(page) + 1, n = 0, packed_len = 0;
	char *joined = malloc(cap);
	*pieces = 0;
	for (const char *p = strstr(page, DATA_OPEN); p; p = strstr(p, DATA_OPEN)) {
		p += strlen(DATA_OPEN);
		const char *end = strstr(p, "</script>");
		assert_non_null(end);
		/* base64 only: no byte of the timeline can end the element or start markup */
		assert_int_equal(strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="),
		                 (size_t)(end - p));
		assert_int_equal((end - p) % 4, 0); /* each piece decodes on its own */
		memcpy(joined + n, p, (size_t)(end - p));
		n += (size_t)(end - p);
		(*pieces)++;
		p = end;
	}
	unsigned char *packed = base64_decode(joined, n, &packed_len);
	assert_non_null(packed);
	unsigned char *text = inflate_raw(packed, packed_len, len, NULL);
	assert_non_null(text);
	char *out = malloc(*len + 1);
	memcpy(out, text, *len);
	out[*len] = '\0';
	free(text);
	free(packed);
	free(joined);
	return out;
}

static void test_report_inlines_every_asset(void **state)
{
	(void)state;
	char *page = render("{}", 2);
	size_t len;
	int pieces;
	assert_null(strstr(page, "<script src="));
	assert_null(strstr(page, "<link rel=\"stylesheet\""));
	assert_non_null(strstr(page, "<style>"));
	char *timeline = page_timeline(page, &len, &pieces);
	assert_int_equal(pieces, 1);
	assert_string_equal(timeline, "{}");
	free(timeline);
	free(page);
}

static void test_report_timeline_cannot_close_its_element(void **state)
{
	(void)state;
	const char *json = "{\"x\":\"</script><img src=x onerror=alert(1)><!--\"}";
	char *page = render(json, strlen(json));
	size_t len;
	int pieces;
	const char *data = strstr(page, DATA_OPEN);
	assert_non_null(data);
	/* nothing of the timeline is markup: only the page's own elements follow */
	assert_null(strstr(page, "<img"));
	assert_null(strstr(data, "<!--"));
	char *timeline = page_timeline(page, &len, &pieces);
	assert_string_equal(timeline, json);
	free(timeline);
	free(page);
}

/* A big timeline goes in several elements; joined and inflated, they give the
 * timeline back byte for byte, UTF-8 and all. */
static void test_report_big_timeline_in_pieces(void **state)
{
	(void)state;
	const char unit[] = "\"</script><!--\xc3\xa9\xe2\x87\x84\xf0\x9f\x98\x80\",";
	size_t units = 200000, n = 0, len;
	char *json = malloc(units * (sizeof unit + 12) + 4);
	int pieces;

	json[n++] = '[';
	for (size_t i = 0; i < units; i++) {
		memcpy(json + n, unit, sizeof unit - 1);
		n += sizeof unit - 1;
		n += (size_t)sprintf(json + n, "%zu,", i * 2654435761u % 1000003); /* not all alike */
	}
	strcpy(json + n, "0]");
	n += 2;
	char *page = render(json, n);
	char *timeline = page_timeline(page, &len, &pieces);
	assert_true(pieces > 1);
	assert_int_equal(len, n);
	assert_memory_equal(timeline, json, n);
	/* compressed: the page is smaller than the timeline it holds */
	assert_true(strlen(page) < n);
	free(timeline);
	free(page);
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

/* report_rows_write over a document's text: its code, the rows in *rows. */
static int rows_of(const char *text, char **rows)
{
	size_t size = 0;
	char err[256];
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	FILE *out = open_memstream(rows, &size);
	int rc = report_rows_write(in, out, err, sizeof err);
	fclose(out);
	fclose(in);
	return rc;
}

#define ROW_PACKET(frame, t, extra)                                                                \
	"{\"kind\":\"packet\",\"frame\":" #frame ",\"t\":" #t ",\"ts\":\"x\",\"flow\":1,"            \
	"\"dir\":\"c2s\",\"src\":{\"addr\":\"10.0.0.1\",\"port\":1},\"dst\":{\"addr\":\"10.0.0.2\","     \
	"\"port\":2},\"ip\":{\"version\":4},\"tcp\":{\"flags\":[\"SYN\"],\"seq\":7,\"ack\":0,\"len\":0,"  \
	"\"win\":9,\"options\":[]},\"state\":{\"client\":\"SYN_SENT\",\"server\":\"LISTEN\"},"           \
	"\"analysis\":[],\"analysis_detail\":{}" extra ",\"label\":\"[S]\"}"

/* The TCP packets the page could read from numbers are rows, a column each;
 * anything else (a flag, a member the model reads, another kind, JSON json-c
 * alone accepts) is left to the page. */
static void test_report_rows_are_plain_tcp_packets(void **state)
{
	(void)state;
	char *rows;
	const char *doc =
	    "{\"schema\":\"sockscope.timeline/1\",\n\"events\":[\n" ROW_PACKET(3, 0.5, "") ",\n"
	    "{\"kind\":\"app\",\"t\":0.6},\n" ROW_PACKET(4, 0.75, ",\"payload\":{\"len\":5}") ",\n"
	    "{\"kind\":\"packet\",\"frame\":5,\"t\":1,\"analysis\":[\"retransmission\"]},\n"
	    ROW_PACKET(6, 1, ",\"udp\":{}") ",\n" ROW_PACKET(7, NaN, "") ",\n"
	    ROW_PACKET(9, 1.25, "") ",\n"
	    /* JSON json-c takes and JSON.parse refuses: a raw control character, single
	     * quotes, a number ending in a point */
	    ROW_PACKET(10, 2, ",\"explain\":{\"summary\":\"a\x01b\"}") ",\n"
	    ROW_PACKET(11, 2, ",\"explain\":{'summary':\"x\"}") ",\n"
	    ROW_PACKET(12, 2., "") ",\n"
	    /* a member twice (JSON.parse keeps the last), a key with an escape, a payload
	     * member the page's expression does not know, a frame past 2^53 */
	    ROW_PACKET(13, 2, ",\"label\":\"x\"") ",\n"
	    ROW_PACKET(14, 2, ",\"expl\\u0061in\":{}") ",\n"
	    ROW_PACKET(15, 2, ",\"payload\":{\"len\":1,\"odd\":1}") ",\n"
	    ROW_PACKET(9007199254740993, 2, "") ",\n"
	    /* a port json-c holds as 2^64-1: the table keeps it as written, for JSON.parse */
	    "{\"kind\":\"packet\",\"frame\":16,\"t\":3,\"ts\":\"x\",\"flow\":1,\"dir\":\"c2s\","
	    "\"src\":{\"addr\":\"a\",\"port\":100000000000000000000},\"dst\":{\"addr\":\"b\",\"port\":2},"
	    "\"ip\":{},\"tcp\":{\"flags\":[],\"seq\":7,\"ack\":0,\"len\":0,\"win\":9,\"options\":[]},"
	    "\"state\":{\"client\":\"A\",\"server\":\"B\"},\"analysis\":[],\"analysis_detail\":{},"
	    "\"label\":\"x\"}\n],\n\"flows\":[]}\n";

	assert_int_equal(rows_of(doc, &rows), 4);
	assert_non_null(strstr(rows, "{\"schema\":\"sockscope.rows/1\",\"events\":15,\"rows\":4"));
	assert_non_null(strstr(rows, "\"event\":[0,2,4,8]"));  /* events 0, 2, 6, 14 as differences */
	assert_non_null(strstr(rows, "\"frame\":[3,1,5,7]"));  /* frames 3, 4, 9, 16 */
	assert_non_null(strstr(rows, "\"t\":[0.5,0.75,1.25,3]"));
	assert_non_null(strstr(rows, "\"plen\":[0,5,0,0]"));
	assert_non_null(strstr(rows, "\"src\":[0,0,0,2]"));
	assert_non_null(strstr(rows, "\"dst\":[1,1,1,3]"));
	assert_non_null(strstr(rows, "\"endpoints\":[{\"addr\":\"10.0.0.1\",\"port\":1},"));
	assert_non_null(strstr(rows, "{\"addr\":\"a\",\"port\":100000000000000000000}"));
	assert_non_null(strstr(rows, "\"flag_sets\":[[\"SYN\"],[]]"));
	char size[64]; /* each row's line length, its comma left out */
	snprintf(size, sizeof size, "\"size\":[%zu,", strlen(ROW_PACKET(3, 0.5, "")));
	assert_non_null(strstr(rows, size));
	free(rows);

	/* another layout (one line), or no row at all: nothing */
	assert_int_equal(rows_of("{\"schema\":\"sockscope.timeline/1\",\"events\":[]}", &rows), 0);
	free(rows);
	assert_int_equal(rows_of("{\"schema\":\"sockscope.timeline/1\",\n\"events\":[\n"
	                         "{\"kind\":\"app\",\"t\":0.6}\n],\n\"flows\":[]}\n",
	                         &rows),
	                 0);
	free(rows);
}

/* Every byte of a row's line changed, or the line cut anywhere: rows come or
 * not, and nothing is read out of bounds (the sanitizer build runs this too). */
static void test_report_rows_survive_mutation(void **state)
{
	(void)state;
	const char *head = "{\"schema\":\"sockscope.timeline/1\",\n\"events\":[\n";
	const char *line = ROW_PACKET(3, 0.5, ",\"payload\":{\"len\":5,\"text\":\"ab\\u0063\"}");
	const char *tail = "\n],\n\"flows\":[]}\n";
	static const char bytes[] = {'"', '{', '}', '[', ']', ',', ':', '\\', 1, '9', '-', 'e', ' '};
	size_t n = strlen(line);
	char *doc = malloc(strlen(head) + n + strlen(tail) + 1);

	for (size_t at = 0; at <= n; at++) {
		for (size_t b = 0; b <= sizeof bytes; b++) {
			char *rows;
			int len = sprintf(doc, "%s%s%s", head, line, tail);
			if (b == sizeof bytes) /* cut here */
				memmove(doc + strlen(head) + at, doc + strlen(head) + n,
				        (size_t)len - strlen(head) - n + 1);
			else if (at < n)
				doc[strlen(head) + at] = bytes[b];
			int rc = rows_of(doc, &rows);
			assert_true(rc == 0 || rc == 1);
			free(rows);
		}
	}
	free(doc);
}

/* A report holds its rows after its timeline, and only when there are any. */
static void test_report_writes_rows_after_the_timeline(void **state)
{
	(void)state;
	const char *doc = "{\"schema\":\"sockscope.timeline/1\",\n\"events\":[\n" ROW_PACKET(1, 0, "")
	                  "\n],\n\"flows\":[]}\n";
	char *page = render(doc, strlen(doc));
	const char *timeline = strstr(page, DATA_OPEN);
	const char *rows = strstr(page, "class=\"sockscope-rows\"");

	assert_non_null(timeline);
	assert_non_null(rows);
	assert_true(rows > timeline);
	free(page);
	page = render("{\"schema\":\"sockscope.timeline/1\",\"events\":[]}", 43);
	assert_null(strstr(page, "class=\"sockscope-rows\""));
	free(page);
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
	    cmocka_unit_test(test_report_rows_are_plain_tcp_packets),
	    cmocka_unit_test(test_report_rows_survive_mutation),
	    cmocka_unit_test(test_report_writes_rows_after_the_timeline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
