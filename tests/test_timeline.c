/* test_timeline.c - the writer and its three formats: key order, escaping, calls, lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockscope/timeline.h"

struct doc {
	char *text;
	size_t size;
	FILE *out;
};

static void doc_open(struct doc *d)
{
	d->out = open_memstream(&d->text, &d->size);
	assert_non_null(d->out);
}

static json_object *doc_parse(struct doc *d)
{
	fclose(d->out);
	json_object *root = json_tokener_parse(d->text);
	assert_non_null(root);
	return root;
}

static void fill_udp_packet(struct packet *pkt, const uint8_t *payload, uint32_t len)
{
	memset(pkt, 0, sizeof *pkt);
	pkt->l3 = L3_IPV4;
	pkt->ip.version = 4;
	pkt->ip.src.family = pkt->ip.dst.family = 4;
	memcpy(pkt->ip.src.bytes, "\x7f\0\0\1", 4);
	memcpy(pkt->ip.dst.bytes, "\x7f\0\0\1", 4);
	pkt->ip.ttl = 64;
	pkt->l4 = L4_UDP;
	pkt->udp.sport = 40000;
	pkt->udp.dport = 7000;
	pkt->payload = payload;
	pkt->payload_len = pkt->payload_wire_len = len;
}

static const struct timeline_options json_options = {.format = TIMELINE_JSON};

static void write_one_packet(struct timeline_writer *w, const struct packet *pkt, int64_t sec)
{
	struct track_result tr = {
	    .flow_id = 1, .dir = TRACK_C2S, .handshake_rtt = -1, .win_scaled = -1};
	struct annotation explain = {.summary = "UDP <b>", .detail = "d"};
	struct timeline_packet tp = {.frame = 1,
	                             .ts_sec = sec,
	                             .t = (double)(sec - 99),
	                             .pkt = pkt,
	                             .track = &tr,
	                             .explain = &explain,
	                             .label = "UDP len 5"};
	assert_int_equal(timeline_write_packet(w, &tp), 0);
}

static void test_timeline_keys_in_schema_order(void **state)
{
	(void)state;
	struct doc d;
	struct packet pkt;
	struct timeline_source src = {.name = "x.pcap", .linktype = "RAW", .packets = 1};

	doc_open(&d);
	struct timeline_writer *w = timeline_open(d.out, &json_options);
	fill_udp_packet(&pkt, (const uint8_t *)"hello", 5);
	write_one_packet(w, &pkt, 100);
	assert_int_equal(timeline_finish(w, &src), 0);
	json_object *root = doc_parse(&d);
	const char *order[] = {"schema", "glossary", "events", "source", "endpoints", "flows"};
	int i = 0;
	json_object_object_foreach(root, key, val)
	{
		(void)val;
		assert_true(i < 6);
		assert_string_equal(key, order[i++]);
	}
	json_object_put(root);
	free(d.text);
}

static void test_timeline_payload_escaped_as_data(void **state)
{
	(void)state;
	struct doc d;
	struct packet pkt;
	const uint8_t bytes[] = "<img src=x onerror=alert(1)>\n\x01\\";
	struct timeline_source src = {.name = "x", .linktype = "RAW"};

	doc_open(&d);
	struct timeline_writer *w = timeline_open(d.out, &json_options);
	fill_udp_packet(&pkt, bytes, sizeof bytes - 1);
	write_one_packet(w, &pkt, 100);
	timeline_finish(w, &src);
	json_object *root = doc_parse(&d);
	json_object *ev = json_object_array_get_idx(json_object_object_get(root, "events"), 0);
	json_object *payload = json_object_object_get(ev, "payload");
	assert_string_equal(json_object_get_string(json_object_object_get(payload, "text")),
	                    "<img src=x onerror=alert(1)>\\n\\x01\\\\");
	assert_int_equal(json_object_get_int(json_object_object_get(payload, "len")), 31);
	json_object_put(root);
	free(d.text);
}

static void write_call(struct timeline_writer *w, const struct demo_call *call, uint64_t flow)
{
	struct timeline_call tc = {.call = call, .t = (double)(call->ts_sec - 99), .flow = flow};
	assert_int_equal(timeline_write_call(w, &tc), 0);
}

/* Events appear in the order given, with the flow the caller matched. */
static void test_timeline_calls_in_order_given(void **state)
{
	(void)state;
	struct doc d;
	struct packet pkt;
	struct demo_call calls[2] = {
	    {.ts_sec = 99, .side = "server", .call = "listen", .args = "fd 3"},
	    {.ts_sec = 101, .side = "client", .call = "close", .args = "fd 4"},
	};
	struct timeline_source src = {.name = "x", .linktype = "RAW"};

	doc_open(&d);
	struct timeline_writer *w = timeline_open(d.out, &json_options);
	write_call(w, &calls[0], 0);
	fill_udp_packet(&pkt, (const uint8_t *)"x", 1);
	write_one_packet(w, &pkt, 100);
	write_call(w, &calls[1], 1);
	timeline_finish(w, &src);
	json_object *root = doc_parse(&d);
	json_object *events = json_object_object_get(root, "events");
	assert_int_equal(json_object_array_length(events), 3);
	const char *kinds[] = {"app", "packet", "app"};
	const double times[] = {0.0, 1.0, 2.0};
	for (int i = 0; i < 3; i++) {
		json_object *ev = json_object_array_get_idx(events, (size_t)i);
		assert_string_equal(json_object_get_string(json_object_object_get(ev, "kind")),
		                    kinds[i]);
		assert_float_equal(json_object_get_double(json_object_object_get(ev, "t")),
		                   times[i], 1e-9);
	}
	assert_null(json_object_object_get(json_object_array_get_idx(events, 0), "flow"));
	assert_int_equal(json_object_get_int(json_object_object_get(
	                     json_object_array_get_idx(events, 2), "flow")),
	                 1);
	json_object_put(root);
	free(d.text);
}

static void add_one_flow(struct timeline_writer *w)
{
	struct track_flow_summary flow = {.id = 1, .proto = L4_UDP, .handshake_rtt = -1};
	flow.client_addr.family = flow.server_addr.family = 4;
	memcpy(flow.client_addr.bytes, "\x7f\0\0\1", 4);
	memcpy(flow.server_addr.bytes, "\x7f\0\0\1", 4);
	flow.client_port = 40000;
	flow.server_port = 7000;
	flow.packets[TRACK_C2S] = 1;
	strcpy(flow.conn_state, "S0");
	strcpy(flow.history, "D");
	assert_int_equal(timeline_add_flow(w, &flow), 0);
}

/* The whole timeline in one format: a packet, a call, a flow. */
static void write_sample(struct doc *d, const struct timeline_options *opts)
{
	struct packet pkt;
	struct demo_call call = {.ts_sec = 101, .side = "client", .call = "close", .args = "fd 4"};
	struct timeline_source src = {.name = "x.pcap", .linktype = "RAW", .packets = 1};

	doc_open(d);
	struct timeline_writer *w = timeline_open(d->out, opts);
	assert_non_null(w);
	fill_udp_packet(&pkt, (const uint8_t *)"hello", 5);
	write_one_packet(w, &pkt, 100);
	write_call(w, &call, 1);
	add_one_flow(w);
	assert_int_equal(timeline_finish(w, &src), 0);
	fclose(d->out);
}

static char **split_lines(char *text, size_t *count)
{
	static char *lines[64];
	size_t n = 0;

	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l && n < 64;
	     l = strtok_r(NULL, "\n", &save))
		lines[n++] = l;
	*count = n;
	return lines;
}

static const char *kind_of(json_object *o)
{
	return json_object_get_string(json_object_object_get(o, "kind"));
}

/* header, packet, app, flow, end: each line a whole JSON object. */
static void test_timeline_jsonl_one_object_a_line(void **state)
{
	(void)state;
	struct doc d;
	struct timeline_source head = {.name = "x.pcap", .linktype = "RAW"};
	struct timeline_options opts = {.format = TIMELINE_JSONL, .source = &head};
	const char *kinds[] = {"header", "packet", "app", "flow", "end"};
	size_t n;

	write_sample(&d, &opts);
	char **lines = split_lines(d.text, &n);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_tokener_parse(lines[i]);
		assert_non_null(o);
		assert_string_equal(kind_of(o), kinds[i]);
		if (i == 0) {
			json_object *src = json_object_object_get(o, "source");
			assert_string_equal(json_object_get_string(json_object_object_get(src, "path")),
			                    "x.pcap");
			assert_null(json_object_object_get(src, "packets")); /* not known yet */
			assert_string_equal(json_object_get_string(json_object_object_get(o, "schema")),
			                    TIMELINE_SCHEMA);
		}
		if (i == 4) {
			assert_int_equal(json_object_get_int(json_object_object_get(o, "event_count")), 2);
			assert_int_equal(json_object_get_int(json_object_object_get(o, "flow_count")), 1);
			assert_non_null(json_object_object_get(o, "endpoints"));
		}
		json_object_put(o);
	}
	free(d.text);
}

/* Each event line is byte for byte the event in the document. */
static void test_timeline_jsonl_events_as_in_document(void **state)
{
	(void)state;
	struct doc doc, lines;
	struct timeline_options opts = {.format = TIMELINE_JSONL};
	size_t n;

	write_sample(&doc, &json_options);
	write_sample(&lines, &opts);
	char **l = split_lines(lines.text, &n);
	assert_int_equal(n, 5);
	for (size_t i = 1; i <= 2; i++)
		assert_non_null(strstr(doc.text, l[i]));
	/* the flow line is the document's flow with "kind":"flow" first */
	assert_int_equal(strncmp(l[3], "{\"kind\":\"flow\",\"id\":1,", 22), 0);
	assert_non_null(strstr(doc.text, l[3] + strlen("{\"kind\":\"flow\",")));
	free(doc.text);
	free(lines.text);
}

static void test_timeline_text_line_per_packet(void **state)
{
	(void)state;
	struct doc d;
	struct timeline_options opts = {.format = TIMELINE_TEXT, .verbose = true};
	size_t n;

	write_sample(&d, &opts);
	assert_null(strchr(d.text, '\033'));
	char **l = split_lines(d.text, &n);
	assert_int_equal(n, 5); /* packet + summary, call, flow + narrative */
	assert_string_equal(l[0], "00:01:40.000000 flow 1 127.0.0.1.40000 > 127.0.0.1.7000: UDP len 5");
	assert_string_equal(l[1], "    UDP <b>");
	assert_string_equal(l[2], "00:01:41.000000 client close(fd 4) = 0  flow 1");
	assert_int_equal(strncmp(l[3], "flow 1 udp 127.0.0.1.40000 > 127.0.0.1.7000: S0 D, 1 packets", 60), 0);
	free(d.text);
}

static void test_timeline_text_color_only_when_asked(void **state)
{
	(void)state;
	struct doc d;
	struct packet pkt;
	struct track_result tr = {.flow_id = 1, .handshake_rtt = -1, .win_scaled = -1,
	                          .analysis = TA_RETRANSMISSION | TA_WINDOW_UPDATE,
	                          .state_client_before = TCPS_SYN_SENT,
	                          .state_client = TCPS_ESTABLISHED,
	                          .state_server_before = TCPS_LISTEN,
	                          .state_server = TCPS_LISTEN};
	struct timeline_packet tp = {.frame = 1, .ts_sec = 100, .pkt = &pkt, .track = &tr,
	                             .label = "[.] ack 1"};
	struct timeline_options opts = {.format = TIMELINE_TEXT, .color = true};
	struct timeline_source src = {.name = "x", .linktype = "RAW"};

	fill_udp_packet(&pkt, (const uint8_t *)"x", 1);
	pkt.l4 = L4_TCP;
	pkt.tcp.sport = 40000;
	pkt.tcp.dport = 7000;
	for (int color = 0; color <= 1; color++) {
		opts.color = color;
		doc_open(&d);
		struct timeline_writer *w = timeline_open(d.out, &opts);
		assert_int_equal(timeline_write_packet(w, &tp), 0);
		assert_int_equal(timeline_finish(w, &src), 0);
		fclose(d.out);
		assert_non_null(strstr(d.text, "client SYN_SENT\u2192ESTABLISHED"));
		assert_null(strstr(d.text, "server")); /* unchanged: not shown */
		assert_non_null(strstr(d.text, "!retransmission"));
		assert_non_null(strstr(d.text, "!window_update"));
		assert_true((strchr(d.text, '\033') != NULL) == color);
		free(d.text);
	}
}

static void test_timeline_format_names(void **state)
{
	(void)state;
	enum timeline_format f;
	const char *names[] = {"json", "jsonl", "text"};

	for (int i = 0; i < 3; i++) {
		assert_true(timeline_format_parse(names[i], &f));
		assert_string_equal(timeline_format_name(f), names[i]);
	}
	assert_false(timeline_format_parse("xml", &f));
	assert_false(timeline_format_parse("JSON ", &f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_timeline_keys_in_schema_order),
	    cmocka_unit_test(test_timeline_payload_escaped_as_data),
	    cmocka_unit_test(test_timeline_calls_in_order_given),
	    cmocka_unit_test(test_timeline_jsonl_one_object_a_line),
	    cmocka_unit_test(test_timeline_jsonl_events_as_in_document),
	    cmocka_unit_test(test_timeline_text_line_per_packet),
	    cmocka_unit_test(test_timeline_text_color_only_when_asked),
	    cmocka_unit_test(test_timeline_format_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
