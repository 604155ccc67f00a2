/*
 * gencap.c - writes a synthetic Ethernet/IPv4 pcap for the benchmark.
 *
 * usage: gencap OUT.pcap [PACKETS]   (default 1000000)
 *
 * About 1 in 25 packets starts a new TCP connection: handshake, nine data
 * segments each acknowledged, FIN teardown.  Some connections retransmit a
 * segment, some deliver two segments out of order, and one in ten
 * "connections" is a UDP request/response pair instead.  CONCURRENT
 * conversations are interleaved packet by packet, so the flow table holds
 * that many live flows.  A fixed seed makes every run write the same file.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONCURRENT 256
#define DATA_SEGMENTS 9
#define SEGMENT_BYTES 100
#define MAX_STEPS 32

struct conv {
	uint32_t client_ip, server_ip;
	uint16_t client_port, server_port;
	uint32_t cseq, sseq;
	int step, steps, kind; /* kind: 0 plain, 1 retransmit, 2 out of order, 3 udp */
};

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)rng_state;
}

static uint16_t ip_checksum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

struct writer {
	FILE *out;
	uint64_t usec;
	uint64_t packets;
};

static void put_frame(struct writer *w, uint32_t src, uint32_t dst, int proto,
		      const uint8_t *l4, size_t l4len)
{
	uint8_t frame[14 + 20 + 20 + SEGMENT_BYTES + 16] = {0};
	size_t len = 14 + 20 + l4len;
	uint8_t *ip = frame + 14;
	uint32_t rec[4] = {(uint32_t)(w->usec / 1000000), (uint32_t)(w->usec % 1000000),
			   (uint32_t)len, (uint32_t)len};

	memcpy(frame, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00", 14);
	ip[0] = 0x45;
	ip[2] = (uint8_t)((20 + l4len) >> 8);
	ip[3] = (uint8_t)(20 + l4len);
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = (uint8_t)proto;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &dst, 4);
	uint16_t sum = htons(ip_checksum(ip, 20));
	memcpy(ip + 10, &sum, 2);
	memcpy(ip + 20, l4, l4len);
	fwrite(rec, sizeof rec, 1, w->out);
	fwrite(frame, 1, len, w->out);
	w->usec += 7 + rng() % 20;
	w->packets++;
}

static void put_tcp(struct writer *w, const struct conv *c, int to_server, uint8_t flags,
		    uint32_t seq, uint32_t ack, size_t payload)
{
	uint8_t seg[20 + SEGMENT_BYTES] = {0};
	uint16_t sport = htons(to_server ? c->client_port : c->server_port);
	uint16_t dport = htons(to_server ? c->server_port : c->client_port);
	uint32_t nseq = htonl(seq), nack = htonl(ack);
	uint16_t win = htons(65535);

	memcpy(seg, &sport, 2);
	memcpy(seg + 2, &dport, 2);
	memcpy(seg + 4, &nseq, 4);
	memcpy(seg + 8, &nack, 4);
	seg[12] = 5 << 4;
	seg[13] = flags;
	memcpy(seg + 14, &win, 2);
	memset(seg + 20, 'a' + (int)(seq % 26), payload);
	put_frame(w, to_server ? c->client_ip : c->server_ip,
		  to_server ? c->server_ip : c->client_ip, 6, seg, 20 + payload);
}

static void put_udp(struct writer *w, const struct conv *c, int to_server)
{
	uint8_t dgram[8 + 64] = {0};
	uint16_t sport = htons(to_server ? c->client_port : c->server_port);
	uint16_t dport = htons(to_server ? c->server_port : c->client_port);
	uint16_t len = htons(sizeof dgram);

	memcpy(dgram, &sport, 2);
	memcpy(dgram + 2, &dport, 2);
	memcpy(dgram + 4, &len, 2);
	memset(dgram + 8, to_server ? 'q' : 'r', 64);
	put_frame(w, to_server ? c->client_ip : c->server_ip,
		  to_server ? c->server_ip : c->client_ip, 17, dgram, sizeof dgram);
}

static void conv_start(struct conv *c, uint32_t serial)
{
	c->client_ip = htonl(0x0a000000u | (serial % 4000 + 2));
	c->server_ip = htonl(0x0a640000u | (rng() % 16 + 1));
	c->client_port = (uint16_t)(1024 + serial % 60000);
	c->server_port = (uint16_t)(rng() % 2 ? 443 : 8080);
	c->cseq = rng();
	c->sseq = rng();
	c->step = 0;
	uint32_t r = rng() % 100;
	c->kind = r < 10 ? 3 : r < 15 ? 1 : r < 18 ? 2 : 0;
	if (c->kind == 3)
		c->server_port = 7777;
	c->steps = c->kind == 3 ? 2 : c->kind == 1 ? 26 : 25;
}

/* Data phase: step d counts from 0; even = a data segment, odd = its ACK. */
static void data_step(struct writer *w, struct conv *c, int d)
{
	uint32_t base = c->cseq + 1, sack = c->sseq + 1;
	int seg = d / 2;

	if (c->kind == 1 && d >= 9) { /* segment 4 is sent twice: a retransmission */
		if (d == 9) {
			put_tcp(w, c, 1, 0x18, base + 4 * SEGMENT_BYTES, sack, SEGMENT_BYTES);
			return;
		}
		seg = (d - 1) / 2;
		d -= 1;
	}
	if (c->kind == 2 && (seg == 5 || seg == 6) && d % 2 == 0)
		seg = seg == 5 ? 6 : 5; /* 6 arrives before 5: out of order */
	if (d % 2 == 0)
		put_tcp(w, c, 1, 0x18, base + (uint32_t)seg * SEGMENT_BYTES, sack, SEGMENT_BYTES);
	else if (c->kind == 2 && seg == 5)
		put_tcp(w, c, 0, 0x10, sack, base + 5 * SEGMENT_BYTES, 0); /* duplicate ACK */
	else
		put_tcp(w, c, 0, 0x10, sack, base + (uint32_t)(seg + 1) * SEGMENT_BYTES, 0);
}

static void conv_step(struct writer *w, struct conv *c)
{
	uint32_t cs = c->cseq, ss = c->sseq, end = cs + 1 + DATA_SEGMENTS * SEGMENT_BYTES;
	int teardown = c->steps - 4, s = c->step++;

	if (c->kind == 3)
		put_udp(w, c, s == 0);
	else if (s == 0)
		put_tcp(w, c, 1, 0x02, cs, 0, 0);
	else if (s == 1)
		put_tcp(w, c, 0, 0x12, ss, cs + 1, 0);
	else if (s == 2)
		put_tcp(w, c, 1, 0x10, cs + 1, ss + 1, 0);
	else if (s < teardown)
		data_step(w, c, s - 3);
	else if (s == teardown)
		put_tcp(w, c, 1, 0x11, end, ss + 1, 0);
	else if (s == teardown + 1)
		put_tcp(w, c, 0, 0x10, ss + 1, end + 1, 0);
	else if (s == teardown + 2)
		put_tcp(w, c, 0, 0x11, ss + 1, end + 1, 0);
	else
		put_tcp(w, c, 1, 0x10, end + 1, ss + 2, 0);
}

int main(int argc, char **argv)
{
	struct conv convs[CONCURRENT];
	struct writer w = {.usec = 1700000000ull * 1000000};
	uint32_t header[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 262144, 1};
	uint64_t target = argc > 2 ? strtoull(argv[2], NULL, 10) : 1000000;
	uint32_t serial = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: gencap OUT.pcap [PACKETS]\n");
		return 2;
	}
	w.out = fopen(argv[1], "wb");
	if (!w.out) {
		perror(argv[1]);
		return 1;
	}
	fwrite(header, sizeof header, 1, w.out);
	for (int i = 0; i < CONCURRENT; i++)
		conv_start(&convs[i], serial++);
	while (w.packets < target) {
		struct conv *c = &convs[rng() % CONCURRENT];
		conv_step(&w, c);
		if (c->step == c->steps)
			conv_start(c, serial++);
	}
	fprintf(stderr, "%s: %llu packets, %u conversations started\n", argv[1],
		(unsigned long long)w.packets, serial);
	return fclose(w.out) == 0 ? 0 : 1;
}
