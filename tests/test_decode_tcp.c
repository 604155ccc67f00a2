/* test_decode_tcp.c - the TCP header and its options (RFC 9293, 7323, 2018). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "decode_test.h"

/* Ethernet + IPv4 + TCP SYN 50000 -> 80, Linux's option order. */
static const uint8_t syn_options[] = {
    ETH_IPV4, IPV4_HDR(60, 6),
    0xc3,     0x50,
    0x00,     0x50, /* ports 50000 -> 80 */
    0x12,     0x34,
    0x56,     0x78, /* seq */
    0x00,     0x00,
    0x00,     0x00, /* ack */
    0xa0,     0x02,
    0xfa,     0xf0, /* data offset 10, SYN, window 64240 */
    0xab,     0xcd,
    0x00,     0x00, /* checksum, urgent */
    0x02,     0x04,
    0x05,     0xb4, /* MSS 1460 */
    0x04,     0x02, /* SACK permitted */
    0x08,     0x0a,
    0x00,     0x01,
    0xe2,     0x40, /* TS value 123456 */
    0x00,     0x00,
    0x00,     0x00, /* TS echo reply 0 */
    0x01,           /* NOP */
    0x03,     0x03,
    0x07, /* window scale 7 */
};

/* Raw IPv4 + TCP ACK carrying two SACK blocks (RFC 2018 §3). */
static const uint8_t ack_sack[] = {
    IPV4_HDR(60, 6),
    0x00,
    0x50,
    0xc3,
    0x50,
    0x00,
    0x00,
    0x03,
    0xe8, /* seq 1000 */
    0x00,
    0x00,
    0x07,
    0xd0, /* ack 2000 */
    0xa0,
    0x10,
    0x01,
    0x00, /* ACK, window 256 */
    0x00,
    0x00,
    0x00,
    0x00,
    0x01,
    0x01,
    0x05,
    0x12, /* NOP NOP SACK len 18 */
    0x00,
    0x00,
    0x0b,
    0xb8,
    0x00,
    0x00,
    0x0f,
    0xa0, /* 3000-4000 */
    0x00,
    0x00,
    0x13,
    0x88,
    0x00,
    0x00,
    0x17,
    0x70, /* 5000-6000 */
};

/* Four SACK blocks, the most that fit (2 + 32 bytes, plus two NOPs). */
static const uint8_t ack_sack4[] = {
    IPV4_HDR(76, 6),
    0x00,
    0x50,
    0xc3,
    0x50,
    0,
    0,
    0,
    1,
    0,
    0,
    0,
    2,
    0xe0,
    0x10,
    0x01,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x01,
    0x01,
    0x05,
    0x22,
    0,
    0,
    0,
    10,
    0,
    0,
    0,
    20,
    0,
    0,
    0,
    30,
    0,
    0,
    0,
    40,
    0,
    0,
    0,
    50,
    0,
    0,
    0,
    60,
    0,
    0,
    0,
    70,
    0,
    0,
    0,
    80,
};

#define TCP_FIXED(offset_byte)                                                                     \
	0x04, 0xd2, 0x16, 0x2e, 0, 0, 0, 1, 0, 0, 0, 0, (offset_byte), 0x18, 0x10, 0x00, 0, 0, 0, 0

/* An unknown kind (30, MPTCP) is kept with its body. */
static const uint8_t unknown_kind[] = {IPV4_HDR(44, 6), TCP_FIXED(0x60), 0x1e, 0x04, 0xab, 0xcd};

/* MSS with length 3: kept raw, marked bad, parsing goes on to EOL. */
static const uint8_t wrong_length[] = {IPV4_HDR(44, 6), TCP_FIXED(0x60), 0x02, 0x03, 0x05, 0x00};

/* Length 0, length 1, and a timestamp running past the header. */
static const uint8_t len_zero[] = {IPV4_HDR(44, 6), TCP_FIXED(0x60), 0x02, 0x00, 0x01, 0x01};
static const uint8_t len_one[] = {IPV4_HDR(44, 6), TCP_FIXED(0x60), 0x03, 0x01, 0x01, 0x01};
static const uint8_t len_overflow[] = {IPV4_HDR(44, 6), TCP_FIXED(0x60), 0x01, 0x08, 0x0a, 0x00};

/* EOL ends the list: what follows it is not an option. */
static const uint8_t eol_stops[] = {
    IPV4_HDR(48, 6), TCP_FIXED(0x70), 0x01, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x00, 0x00};

/* Data offset 4, and data offset 15 in a 40-byte datagram. */
static const uint8_t offset_small[] = {IPV4_HDR(40, 6), TCP_FIXED(0x40)};
static const uint8_t offset_past[] = {IPV4_HDR(40, 6), TCP_FIXED(0xf0)};

/* 4 payload bytes, then Ethernet padding up to the 60-byte minimum. */
static const uint8_t padded[] = {ETH_IPV4, IPV4_HDR(44, 6), TCP_FIXED(0x50), 'p', 'i', 'n', 'g', 0,
                                 0};

static void decode_ok(const uint8_t *frame, size_t len, int linktype, struct packet *pkt)
{
	assert_int_equal(decode_frame(linktype, frame, (uint32_t)len, (uint32_t)len, pkt), 0);
	assert_false(pkt->truncated);
	assert_null(pkt->err.layer);
	assert_int_equal(pkt->l4, L4_TCP);
}

static void test_syn_with_options(void **state)
{
	struct packet pkt;
	const struct tcp_option *o = pkt.tcp.options;

	(void)state;
	decode_ok(syn_options, sizeof syn_options, LINKTYPE_ETHERNET, &pkt);
	assert_int_equal(pkt.linktype, LINKTYPE_ETHERNET);
	assert_int_equal(pkt.caplen, 74);
	assert_int_equal(pkt.ethertype, 0x0800);
	assert_int_equal(pkt.l3, L3_IPV4);
	assert_int_equal(pkt.ip.proto, 6);
	assert_int_equal(pkt.tcp.sport, 50000);
	assert_int_equal(pkt.tcp.dport, 80);
	assert_int_equal(pkt.tcp.seq, 0x12345678);
	assert_int_equal(pkt.tcp.ack, 0);
	assert_int_equal(pkt.tcp.header_len, 40);
	assert_int_equal(pkt.tcp.flags, TCP_SYN);
	assert_int_equal(pkt.tcp.window, 64240);
	assert_int_equal(pkt.tcp.checksum, 0xabcd);
	assert_int_equal(pkt.tcp.urgent, 0);
	assert_false(pkt.tcp.options_bad);
	assert_int_equal(pkt.tcp.option_count, 5);
	assert_int_equal(o[0].kind, TCPOPT_MSS);
	assert_int_equal(o[0].len, 4);
	assert_int_equal(o[0].u.mss, 1460);
	assert_int_equal(o[1].kind, TCPOPT_SACK_PERM);
	assert_int_equal(o[2].kind, TCPOPT_TIMESTAMP);
	assert_int_equal(o[2].u.ts.value, 123456);
	assert_int_equal(o[2].u.ts.echo_reply, 0);
	assert_int_equal(o[3].kind, TCPOPT_NOP);
	assert_int_equal(o[3].len, 1);
	assert_int_equal(o[4].kind, TCPOPT_WSCALE);
	assert_int_equal(o[4].u.wscale, 7);
	assert_null(o[4].data);
	assert_int_equal(pkt.payload_len, 0);
	assert_int_equal(pkt.payload_wire_len, 0);
}

static void test_sack_blocks(void **state)
{
	struct packet pkt;
	const struct tcp_option *sack = &pkt.tcp.options[2];

	(void)state;
	decode_ok(ack_sack, sizeof ack_sack, LINKTYPE_RAW, &pkt);
	assert_int_equal(pkt.tcp.seq, 1000);
	assert_int_equal(pkt.tcp.ack, 2000);
	assert_int_equal(pkt.tcp.flags, TCP_ACK);
	assert_int_equal(pkt.tcp.option_count, 3);
	assert_int_equal(sack->kind, TCPOPT_SACK);
	assert_int_equal(sack->len, 18);
	assert_int_equal(sack->u.sack.count, 2);
	assert_int_equal(sack->u.sack.left[0], 3000);
	assert_int_equal(sack->u.sack.right[0], 4000);
	assert_int_equal(sack->u.sack.left[1], 5000);
	assert_int_equal(sack->u.sack.right[1], 6000);
}

static void test_sack_four_blocks(void **state)
{
	struct packet pkt;
	const struct tcp_option *sack = &pkt.tcp.options[2];

	(void)state;
	decode_ok(ack_sack4, sizeof ack_sack4, LINKTYPE_RAW, &pkt);
	assert_false(pkt.tcp.options_bad);
	assert_int_equal(sack->u.sack.count, 4);
	assert_int_equal(sack->u.sack.left[3], 70);
	assert_int_equal(sack->u.sack.right[3], 80);
}

static void test_unknown_kind_kept(void **state)
{
	struct packet pkt;
	const struct tcp_option *o = &pkt.tcp.options[0];

	(void)state;
	decode_ok(unknown_kind, sizeof unknown_kind, LINKTYPE_RAW, &pkt);
	assert_false(pkt.tcp.options_bad);
	assert_int_equal(pkt.tcp.option_count, 1);
	assert_int_equal(o->kind, 30);
	assert_int_equal(o->len, 4);
	assert_ptr_equal(o->data, unknown_kind + 42);
	assert_int_equal(o->data[0], 0xab);
	assert_null(decode_tcp_option_name(30));
}

static void test_known_kind_wrong_length(void **state)
{
	struct packet pkt;

	(void)state;
	decode_ok(wrong_length, sizeof wrong_length, LINKTYPE_RAW, &pkt);
	assert_true(pkt.tcp.options_bad);
	assert_int_equal(pkt.tcp.option_count, 2);
	assert_int_equal(pkt.tcp.options[0].kind, TCPOPT_MSS);
	assert_int_equal(pkt.tcp.options[0].u.mss, 0);
	assert_ptr_equal(pkt.tcp.options[0].data, wrong_length + 42);
	assert_int_equal(pkt.tcp.options[1].kind, TCPOPT_EOL);
}

/* A bad option length is marked, ends the options, and is not fatal. */
static void check_bad_length(const uint8_t *frame, size_t len, uint8_t options_before)
{
	struct packet pkt;

	decode_ok(frame, len, LINKTYPE_RAW, &pkt);
	assert_true(pkt.tcp.options_bad);
	assert_int_equal(pkt.tcp.option_count, options_before);
	assert_int_equal(pkt.tcp.header_len, 24);
	assert_int_equal(pkt.payload_len, 0);
}

static void test_bad_option_lengths(void **state)
{
	(void)state;
	check_bad_length(len_zero, sizeof len_zero, 0);
	check_bad_length(len_one, sizeof len_one, 0);
	check_bad_length(len_overflow, sizeof len_overflow, 1);
}

static void test_eol_ends_options(void **state)
{
	struct packet pkt;

	(void)state;
	decode_ok(eol_stops, sizeof eol_stops, LINKTYPE_RAW, &pkt);
	assert_false(pkt.tcp.options_bad);
	assert_int_equal(pkt.tcp.option_count, 2);
	assert_int_equal(pkt.tcp.options[1].kind, TCPOPT_EOL);
	assert_int_equal(pkt.tcp.options[1].len, 1);
}

static void test_data_offset_below_5(void **state)
{
	struct packet pkt;

	(void)state;
	assert_int_equal(decode_frame(LINKTYPE_RAW, offset_small, sizeof offset_small,
	                              sizeof offset_small, &pkt),
	                 -SS_EMALFORMED);
	assert_false(pkt.truncated);
	assert_string_equal(pkt.err.layer, "tcp");
	assert_int_equal(pkt.err.offset, 20);
	assert_string_equal(pkt.err.what, "data offset < 5");
	assert_int_equal(pkt.tcp.sport, 1234); /* what was read is kept */
	CUT_ANYWHERE_BAD(LINKTYPE_RAW, offset_small);
}

static void test_data_offset_past_datagram(void **state)
{
	struct packet pkt;

	(void)state;
	assert_int_equal(
	    decode_frame(LINKTYPE_RAW, offset_past, sizeof offset_past, sizeof offset_past, &pkt),
	    -SS_EMALFORMED);
	assert_string_equal(pkt.err.layer, "tcp");
	assert_int_equal(pkt.err.need, 60);
	CUT_ANYWHERE_BAD(LINKTYPE_RAW, offset_past);
}

/* Called on its own there is no IP length: a long header is a truncation. */
static void test_decode_tcp_alone(void **state)
{
	struct packet pkt = {0};
	struct cursor c = cursor_make(offset_past + 20, 20);

	(void)state;
	assert_int_equal(decode_tcp(&c, &pkt), -SS_ETRUNC);
	assert_true(pkt.truncated);
	assert_string_equal(pkt.err.what, "truncated options");
	assert_int_equal(pkt.err.need, 60);

	memset(&pkt, 0, sizeof pkt);
	c = cursor_make(syn_options + 34, 40);
	assert_int_equal(decode_tcp(&c, &pkt), 0);
	assert_int_equal(pkt.tcp.option_count, 5);
	assert_int_equal(pkt.payload_wire_len, 0);
}

static void test_padding_is_not_payload(void **state)
{
	struct packet pkt;

	(void)state;
	decode_ok(padded, sizeof padded, LINKTYPE_ETHERNET, &pkt);
	assert_int_equal(sizeof padded, 60);
	assert_int_equal(pkt.payload_len, 4);
	assert_int_equal(pkt.payload_wire_len, 4);
	assert_memory_equal(pkt.payload, "ping", 4);
}

/* A snaplen cut inside the payload is not an error: the lengths tell. */
static void test_payload_cut_by_snaplen(void **state)
{
	struct packet pkt;

	(void)state;
	assert_int_equal(decode_frame(LINKTYPE_ETHERNET, padded, 56, 60, &pkt), 0);
	assert_false(pkt.truncated);
	assert_int_equal(pkt.payload_len, 2);
	assert_int_equal(pkt.payload_wire_len, 4);
	assert_int_equal(pkt.wirelen, 60);
}

static void test_option_names(void **state)
{
	(void)state;
	assert_string_equal(decode_tcp_option_name(TCPOPT_EOL), "eol");
	assert_string_equal(decode_tcp_option_name(TCPOPT_NOP), "nop");
	assert_string_equal(decode_tcp_option_name(TCPOPT_MSS), "mss");
	assert_string_equal(decode_tcp_option_name(TCPOPT_WSCALE), "wscale");
	assert_string_equal(decode_tcp_option_name(TCPOPT_SACK_PERM), "sack_perm");
	assert_string_equal(decode_tcp_option_name(TCPOPT_SACK), "sack");
	assert_string_equal(decode_tcp_option_name(TCPOPT_TIMESTAMP), "ts");
	assert_null(decode_tcp_option_name(6));
	assert_null(decode_tcp_option_name(255));
}

static void test_cut_anywhere(void **state)
{
	(void)state;
	CUT_ANYWHERE(LINKTYPE_ETHERNET, syn_options, sizeof syn_options);
	CUT_ANYWHERE(LINKTYPE_RAW, ack_sack, sizeof ack_sack);
	CUT_ANYWHERE(LINKTYPE_RAW, ack_sack4, sizeof ack_sack4);
	CUT_ANYWHERE(LINKTYPE_RAW, unknown_kind, sizeof unknown_kind);
	CUT_ANYWHERE(LINKTYPE_RAW, wrong_length, sizeof wrong_length);
	CUT_ANYWHERE(LINKTYPE_RAW, len_zero, sizeof len_zero);
	CUT_ANYWHERE(LINKTYPE_RAW, len_one, sizeof len_one);
	CUT_ANYWHERE(LINKTYPE_RAW, len_overflow, sizeof len_overflow);
	CUT_ANYWHERE(LINKTYPE_RAW, eol_stops, sizeof eol_stops);
	CUT_ANYWHERE(LINKTYPE_ETHERNET, padded, 14 + 40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_syn_with_options),
	    cmocka_unit_test(test_sack_blocks),
	    cmocka_unit_test(test_sack_four_blocks),
	    cmocka_unit_test(test_unknown_kind_kept),
	    cmocka_unit_test(test_known_kind_wrong_length),
	    cmocka_unit_test(test_bad_option_lengths),
	    cmocka_unit_test(test_eol_ends_options),
	    cmocka_unit_test(test_data_offset_below_5),
	    cmocka_unit_test(test_data_offset_past_datagram),
	    cmocka_unit_test(test_decode_tcp_alone),
	    cmocka_unit_test(test_padding_is_not_payload),
	    cmocka_unit_test(test_payload_cut_by_snaplen),
	    cmocka_unit_test(test_option_names),
	    cmocka_unit_test(test_cut_anywhere),
	};

	return cmocka_run_group_tests_name("decode_tcp", tests, NULL, NULL);
}
