/*
 * test_decode_mutate.c - valid frames with random bytes changed and random
 * lengths, decoded from exact-size heap copies.  Whatever comes in, the
 * decoder must return one of its codes, say why when it fails, and hand out
 * only pointers inside the frame.  The generator is seeded, so a failure
 * repeats.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "decode_test.h"

#define TCP_SYN_OPTIONS                                                                            \
	0xc3, 0x50, 0x00, 0x50, 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0, 0xa0, 0x02, 0xfa, 0xf0, 0, 0,  \
	    0, 0, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0, 1, 0xe2, 0x40, 0, 0, 0, 0,    \
	    0x01, 0x03, 0x03, 0x07

static const uint8_t eth_syn[] = {ETH_IPV4, IPV4_HDR(60, 6), TCP_SYN_OPTIONS};
static const uint8_t vlan_v6_udp[] = {ETH_ADDRS, 0x81, 0x00, 0x00, 0x64, 0x86, 0xdd, IPV6_UDP};
static const uint8_t v6_ext_syn[] = {
    IPV6_HDR(56, 0), 44, 0, 1, 4, 0, 0, 0, 0, 6, 0, 0, 1, 0, 0, 0, 9, TCP_SYN_OPTIONS};
static const uint8_t icmp_error[] = {IPV4_HDR(88, 1), 3, 3, 0, 0, 0, 0, 0, 0, IPV4_HDR(36, 6),
                                     TCP_SYN_OPTIONS};
static const uint8_t icmp6_error[] = {IPV6_HDR(60, 58), 1,     4, 0, 0, 0, 0, 0, 0,
                                      IPV6_HDR(20, 17), UDP_12};

static const struct seed {
	int linktype;
	const uint8_t *bytes;
	size_t len;
} seeds[] = {
    {LINKTYPE_ETHERNET, eth_syn, sizeof eth_syn},
    {LINKTYPE_ETHERNET, vlan_v6_udp, sizeof vlan_v6_udp},
    {LINKTYPE_RAW, v6_ext_syn, sizeof v6_ext_syn},
    {LINKTYPE_IPV4, icmp_error, sizeof icmp_error},
    {LINKTYPE_IPV6, icmp6_error, sizeof icmp6_error},
};

static uint32_t next_random(uint32_t *state)
{
	*state ^= *state << 13; /* xorshift32 */
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

static bool inside(const uint8_t *p, size_t n, const uint8_t *buf, size_t len)
{
	return p >= buf && n <= len && (size_t)(p - buf) <= len - n;
}

static void check_result(int rc, const struct packet *pkt, const uint8_t *buf, size_t len)
{
	assert_true(rc == 0 || rc == -SS_ETRUNC || rc == -SS_EMALFORMED);
	assert_true(pkt->truncated == (rc == -SS_ETRUNC));
	assert_true((pkt->err.layer == NULL) == (rc == 0));
	if (rc < 0) {
		assert_non_null(pkt->err.what);
		assert_true(pkt->err.offset <= len);
		return;
	}
	if (pkt->payload)
		assert_true(inside(pkt->payload, pkt->payload_len, buf, len));
	assert_true(pkt->payload_len <= pkt->payload_wire_len);
	assert_true(pkt->tcp.option_count <= DECODE_MAX_TCP_OPTIONS);
	for (uint8_t i = 0; pkt->l4 == L4_TCP && i < pkt->tcp.option_count; i++) {
		const struct tcp_option *o = &pkt->tcp.options[i];
		if (o->data)
			assert_true(inside(o->data, o->len - 2u, buf, len));
		if (o->kind == TCPOPT_SACK)
			assert_true(o->u.sack.count <= DECODE_MAX_SACK_BLOCKS);
	}
	assert_true(pkt->ip.ext_count <= DECODE_MAX_IPV6_EXT);
}

static void mutate_one(const struct seed *s, uint32_t *rng)
{
	size_t len = next_random(rng) % (s->len + 9); /* shorter, same, or longer */
	uint8_t *buf = malloc(len + !len);
	unsigned flips = next_random(rng) % 5;
	struct packet pkt;
	int rc;

	assert_non_null(buf);
	for (size_t i = 0; i < len; i++)
		buf[i] = i < s->len ? s->bytes[i] : (uint8_t)next_random(rng);
	for (unsigned i = 0; i < flips && len > 0; i++)
		buf[next_random(rng) % len] = (uint8_t)next_random(rng);
	rc = decode_frame(s->linktype, buf, (uint32_t)len, (uint32_t)len, &pkt);
	check_result(rc, &pkt, buf, len);
	free(buf);
}

static void test_mutated_frames(void **state)
{
	uint32_t rng = 0x5eed1234;

	(void)state;
	for (int round = 0; round < 20000; round++)
		for (size_t i = 0; i < SS_ARRAY_SIZE(seeds); i++)
			mutate_one(&seeds[i], &rng);
}

/* The seeds themselves decode cleanly (so mutations start from real frames). */
static void test_seeds_decode(void **state)
{
	struct packet pkt;

	(void)state;
	for (size_t i = 0; i < SS_ARRAY_SIZE(seeds); i++) {
		const struct seed *s = &seeds[i];
		assert_int_equal(
		    decode_frame(s->linktype, s->bytes, (uint32_t)s->len, (uint32_t)s->len, &pkt),
		    0);
		assert_int_not_equal(pkt.l4, L4_NONE);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_seeds_decode),
	    cmocka_unit_test(test_mutated_frames),
	};

	return cmocka_run_group_tests_name("decode_mutate", tests, NULL, NULL);
}
