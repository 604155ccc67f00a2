/*
 * decode_test.h - helpers shared by the decode suites (included after
 * <cmocka.h>): frame building blocks and the "cut anywhere" checks.
 */
#ifndef SOCKSCOPE_TESTS_DECODE_TEST_H
#define SOCKSCOPE_TESTS_DECODE_TEST_H

#include <stdlib.h>
#include <string.h>

#include "sockscope/decode.h"

/* Ethernet II: dst 00:11:22:33:44:55, src 66:77:88:99:aa:bb. */
#define ETH_ADDRS 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb
#define ETH_IPV4  ETH_ADDRS, 0x08, 0x00
#define ETH_IPV6  ETH_ADDRS, 0x86, 0xdd

/* IPv4 header without options, 192.168.0.1 -> 192.168.0.2, DF, TTL 64. */
#define IPV4_HDR(total, proto)                                                                     \
	0x45, 0x00, (total) >> 8, (total)&0xff, 0x1c, 0x46, 0x40, 0x00, 0x40, (proto), 0x00, 0x00, \
	    192, 168, 0, 1, 192, 168, 0, 2

/* IPv6 addresses 2001:db8::1 and 2001:db8::2. */
#define IPV6_ADDR(last) 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (last)
/* IPv6 header, traffic class 0, flow label 0x12345, hop limit 64. */
#define IPV6_HDR(payload_len, next)                                                                \
	0x60, 0x01, 0x23, 0x45, (payload_len) >> 8, (payload_len)&0xff, (next), 64, IPV6_ADDR(1),  \
	    IPV6_ADDR(2)

/* UDP 12345 -> 53, length 12, then 4 payload bytes. */
#define UDP_12 0x30, 0x39, 0x00, 0x35, 0x00, 0x0c, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xef

#define IPV4_UDP IPV4_HDR(32, 17), UDP_12
#define IPV6_UDP IPV6_HDR(12, 17), UDP_12

/*
 * Decodes every prefix of frame[0..len) from a heap copy of exactly that size
 * (AddressSanitizer flags any read past it), announcing the full length as
 * the wire length, as a snaplen-limited capture would.
 *
 * A prefix shorter than `headers` (the bytes every header needs) must fail
 * with -SS_ETRUNC, set `truncated`, and report a layer whose needed bytes
 * really run past the cut.  A longer prefix cuts only payload (or padding):
 * it decodes, with payload_len shortened and payload_wire_len unchanged.
 */
static inline void cut_anywhere(int linktype, const uint8_t *frame, size_t len, size_t headers)
{
	struct packet full, pkt;
	size_t payload_at;

	assert_int_equal(decode_frame(linktype, frame, (uint32_t)len, (uint32_t)len, &full), 0);
	payload_at = full.payload ? (size_t)(full.payload - frame) : len;
	for (size_t n = 0; n < len; n++) {
		uint8_t *buf = malloc(n + !n);
		int rc;

		assert_non_null(buf);
		memcpy(buf, frame, n);
		rc = decode_frame(linktype, buf, (uint32_t)n, (uint32_t)len, &pkt);
		if (n < headers) {
			assert_int_equal(rc, -SS_ETRUNC);
			assert_true(pkt.truncated);
			assert_non_null(pkt.err.layer);
			assert_non_null(pkt.err.what);
			assert_true(pkt.err.offset <= n);
			assert_true(pkt.err.offset + pkt.err.need > n);
		} else {
			size_t got = n > payload_at ? n - payload_at : 0;
			assert_int_equal(rc, 0);
			assert_false(pkt.truncated);
			assert_null(pkt.err.layer);
			assert_int_equal(pkt.l4, full.l4);
			assert_int_equal(pkt.payload_wire_len, full.payload_wire_len);
			assert_int_equal(pkt.payload_len,
			                 got < full.payload_len ? got : full.payload_len);
		}
		free(buf);
	}
}

/* For a frame that is malformed as a whole: every prefix fails too, either
 * truncated or malformed, and always says where. */
static inline void cut_anywhere_bad(int linktype, const uint8_t *frame, size_t len)
{
	for (size_t n = 0; n <= len; n++) {
		uint8_t *buf = malloc(n + !n);
		struct packet pkt;
		int rc;

		assert_non_null(buf);
		memcpy(buf, frame, n);
		rc = decode_frame(linktype, buf, (uint32_t)n, (uint32_t)len, &pkt);
		assert_true(rc == -SS_ETRUNC || rc == -SS_EMALFORMED);
		assert_true(pkt.truncated == (rc == -SS_ETRUNC));
		assert_non_null(pkt.err.layer);
		free(buf);
	}
}

/* A frame malformed as a whole: the error names the layer and says what,
 * and every prefix fails too (truncated or malformed). */
static inline void decode_bad(int linktype, const uint8_t *frame, size_t len, const char *layer,
                              const char *what, struct packet *pkt)
{
	assert_int_equal(decode_frame(linktype, frame, (uint32_t)len, (uint32_t)len, pkt),
	                 -SS_EMALFORMED);
	assert_false(pkt->truncated);
	assert_string_equal(pkt->err.layer, layer);
	assert_string_equal(pkt->err.what, what);
	cut_anywhere_bad(linktype, frame, len);
}

#define CUT_ANYWHERE(linktype, frame, headers) cut_anywhere(linktype, frame, sizeof frame, headers)
#define CUT_ANYWHERE_BAD(linktype, frame)      cut_anywhere_bad(linktype, frame, sizeof frame)

#endif
