/* test_timeline.c - the JSON writer: key order, escaping, merged calls, flows. */
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

static void write_one_packet(struct timeline_writer *w, const struct packet *pkt, int64_t sec)
{
	struct track_result tr = {
	    .flow_id = 1, .dir = TRACK_C2S, .handshake_rtt = -1, .win_scaled = -1};
	struct annotation explain = {.summary = "UDP <b>", .detail = "d"};
	struct timeline_packet tp = {.frame = 1,
	                             .ts_sec = sec,
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
	struct timeline_writer *w = timeline_open(d.out, NULL);
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
	struct timeline_writer *w = timeline_open(d.out, NULL);
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

static void test_timeline_calls_merge_by_time(void **state)
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
	struct timeline_writer *w = timeline_open(d.out, NULL);
	timeline_set_calls(w, calls, 2, NULL);
	fill_udp_packet(&pkt, (const uint8_t *)"x", 1);
	write_one_packet(w, &pkt, 100);
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
	json_object_put(root);
	free(d.text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_timeline_keys_in_schema_order),
	    cmocka_unit_test(test_timeline_payload_escaped_as_data),
	    cmocka_unit_test(test_timeline_calls_merge_by_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
