/*
 * packet_builder.h - test helpers: build TCP/UDP/ICMP `struct packet`s by
 * filling fields directly (no bytes, no decoder) and feed them to a track
 * table as a conversation between a client and a server.
 *
 * Include after <cmocka.h>.  Everything is static inline so each test file
 * gets its own copy without link clashes.
 */
#ifndef SOCKSCOPE_TESTS_PACKET_BUILDER_H
#define SOCKSCOPE_TESTS_PACKET_BUILDER_H

#include <arpa/inet.h>
#include <string.h>

#include "sockscope/annotate.h"
#include "sockscope/track.h"

#define PB_MAX_ENDED 64

static inline struct ss_addr pb_addr(const char *text)
{
	struct ss_addr a;
	memset(&a, 0, sizeof a);
	if (strchr(text, ':')) {
		a.family = 6;
		inet_pton(AF_INET6, text, a.bytes);
	} else {
		a.family = 4;
		inet_pton(AF_INET, text, a.bytes);
	}
	return a;
}

static inline void pb_ip(struct packet *p, const char *src, const char *dst, uint8_t proto)
{
	p->ip.src = pb_addr(src);
	p->ip.dst = pb_addr(dst);
	p->ip.version = p->ip.src.family;
	p->l3 = p->ip.version == 6 ? L3_IPV6 : L3_IPV4;
	p->ip.proto = proto;
	p->ip.ttl = 64;
}

static inline struct packet pb_tcp(const char *src, uint16_t sport, const char *dst, uint16_t dport,
                                   uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
                                   uint32_t len)
{
	struct packet p;
	memset(&p, 0, sizeof p);
	pb_ip(&p, src, dst, 6);
	p.l4 = L4_TCP;
	p.tcp.sport = sport;
	p.tcp.dport = dport;
	p.tcp.flags = flags;
	p.tcp.seq = seq;
	p.tcp.ack = ack;
	p.tcp.window = win;
	p.tcp.header_len = 20;
	p.payload_len = p.payload_wire_len = len;
	return p;
}

static inline void pb_add_option(struct packet *p, uint8_t kind, uint32_t value)
{
	struct tcp_option *o = &p->tcp.options[p->tcp.option_count++];
	o->kind = kind;
	if (kind == TCPOPT_MSS)
		o->u.mss = (uint16_t)value;
	else if (kind == TCPOPT_WSCALE)
		o->u.wscale = (uint8_t)value;
	else if (kind == TCPOPT_TIMESTAMP)
		o->u.ts.value = value;
}

static inline struct packet pb_udp(const char *src, uint16_t sport, const char *dst, uint16_t dport,
                                   uint32_t len)
{
	struct packet p;
	memset(&p, 0, sizeof p);
	pb_ip(&p, src, dst, 17);
	p.l4 = L4_UDP;
	p.udp.sport = sport;
	p.udp.dport = dport;
	p.udp.length = (uint16_t)(len + 8);
	p.payload_len = p.payload_wire_len = len;
	return p;
}

static inline struct packet pb_icmp(const char *src, const char *dst, uint8_t type, uint8_t code)
{
	struct packet p;
	memset(&p, 0, sizeof p);
	pb_ip(&p, src, dst, 1);
	p.l4 = L4_ICMP;
	p.icmp.type = type;
	p.icmp.code = code;
	return p;
}

/* An ICMP error quoting a TCP/UDP packet qsrc:qsport -> qdst:qdport. */
static inline void pb_quote(struct packet *p, uint8_t proto, const char *qsrc, uint16_t qsport,
                            const char *qdst, uint16_t qdport)
{
	p->icmp.quoted.present = true;
	p->icmp.quoted.ip_version = 4;
	p->icmp.quoted.proto = proto;
	p->icmp.quoted.src = pb_addr(qsrc);
	p->icmp.quoted.dst = pb_addr(qdst);
	p->icmp.quoted.has_ports = true;
	p->icmp.quoted.sport = qsport;
	p->icmp.quoted.dport = qdport;
}

/* Collects every summary the table hands out. */
struct pb_sink {
	struct track_flow_summary ended[PB_MAX_ENDED];
	size_t count;
};

static inline void pb_on_end(const struct track_flow_summary *flow, void *ctx)
{
	struct pb_sink *sink = ctx;
	if (sink->count < PB_MAX_ENDED)
		sink->ended[sink->count] = *flow;
	sink->count++;
}

/* A TCP conversation: client 10.0.0.1:40000 -> server 10.0.0.2:80 unless changed. */
struct pb_conv {
	struct track_table *table;
	struct pb_sink sink;
	const char *client, *server;
	uint16_t cport, sport;
	double t;
	uint64_t frame;
	struct packet last_pkt;
	struct track_result last;
	uint32_t last_seq_s2c; /* the server's next sequence number, for pb_sack_ack */
};

static inline void pb_conv_init(struct pb_conv *c)
{
	memset(c, 0, sizeof *c);
	c->table = track_create(pb_on_end, &c->sink);
	c->client = "10.0.0.1";
	c->server = "10.0.0.2";
	c->cport = 40000;
	c->sport = 80;
}

static inline void pb_conv_done(struct pb_conv *c)
{
	track_destroy(c->table);
	c->table = NULL;
}

/* Feeds any packet `dt` seconds after the previous one; returns the result. */
static inline struct track_result pb_feed(struct pb_conv *c, const struct packet *p, double dt)
{
	c->t += dt;
	c->last_pkt = *p;
	assert_int_equal(track_packet(c->table, p, c->t, ++c->frame, &c->last), 0);
	return c->last;
}

static inline struct track_result pb_c2s(struct pb_conv *c, uint8_t flags, uint32_t seq,
                                         uint32_t ack, uint16_t win, uint32_t len, double dt)
{
	struct packet p =
	    pb_tcp(c->client, c->cport, c->server, c->sport, flags, seq, ack, win, len);
	return pb_feed(c, &p, dt);
}

static inline struct track_result pb_s2c(struct pb_conv *c, uint8_t flags, uint32_t seq,
                                         uint32_t ack, uint16_t win, uint32_t len, double dt)
{
	struct packet p =
	    pb_tcp(c->server, c->sport, c->client, c->cport, flags, seq, ack, win, len);
	return pb_feed(c, &p, dt);
}

/* A pure ACK from the server carrying one SACK block [left, right) (absolute numbers). */
static inline struct track_result pb_sack_ack(struct pb_conv *c, uint32_t ack, uint32_t left,
                                              uint32_t right, double dt)
{
	struct packet p = pb_tcp(c->server, c->sport, c->client, c->cport, TCP_ACK,
	                         c->last_seq_s2c, ack, 1000, 0);
	struct tcp_option *o = &p.tcp.options[p.tcp.option_count++];
	o->kind = TCPOPT_SACK;
	o->u.sack.count = 1;
	o->u.sack.left[0] = left;
	o->u.sack.right[0] = right;
	return pb_feed(c, &p, dt);
}

/* The usual opening: client ISN 1000, server ISN 5000, no options, 0.1 s per packet. */
#define PB_CISN 1000u
#define PB_SISN 5000u
static inline void pb_handshake(struct pb_conv *c)
{
	c->last_seq_s2c = PB_SISN + 1;
	pb_c2s(c, TCP_SYN, PB_CISN, 0, 1000, 0, 0.1);
	pb_s2c(c, TCP_SYN | TCP_ACK, PB_SISN, PB_CISN + 1, 1000, 0, 0.1);
	pb_c2s(c, TCP_ACK, PB_CISN + 1, PB_SISN + 1, 1000, 0, 0.1);
}

/* For suites that include cmocka first: both sides' states after a packet,
 * compared by name so that a failure prints "SYN_SENT" rather than a number. */
#ifdef cmocka_unit_test
static inline void pb_expect_states(const struct track_result *r, enum track_tcp_state c,
                                    enum track_tcp_state s)
{
	assert_string_equal(track_state_name(r->state_client), track_state_name(c));
	assert_string_equal(track_state_name(r->state_server), track_state_name(s));
}
#endif

#endif
