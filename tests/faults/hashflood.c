/*
 * hashflood.c - writes the hash-flooding capture and its collision-free twin.
 *
 *   hashflood flood|twin FLOWS PACKETS_PER_FLOW OUT.pcap
 *
 * Both files hold FLOWS UDP flows from 10.0.0.1:40000, PACKETS_PER_FLOW
 * datagrams each, sent round-robin within one second (so every flow stays
 * in the table).  In the flood file every flow's key falls into bucket 0 of
 * a 32,768-bucket table under the unkeyed FNV-1a hash the flow table used
 * to have: the attack a capture can carry against a predictable hash.  The
 * twin's destinations are consecutive.  Raw IPv4 link type (101).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "track_internal.h"

#define FNV_OFFSET 1469598103934665603ull
#define FNV_PRIME  1099511628211ull
#define MASK       0x7fffu /* 32,768 buckets: the table's size at 16,000 flows */

struct dest {
	uint8_t addr[4];
	uint16_t port;
};

static uint64_t fnv_step(uint64_t h, uint8_t byte)
{
	return (h ^ byte) * FNV_PRIME;
}

static void key_prefix(struct flow_key *key, uint16_t dport)
{
	memset(key, 0, sizeof *key);
	key->proto = L4_UDP;
	key->kind = FLOW_PLAIN;
	key->aport = 40000;
	key->bport = dport;
	key->a.family = key->b.family = 4;
	key->a.bytes[0] = 10;
	key->a.bytes[3] = 1;
	key->b.bytes[0] = 10;
}

/* Destinations 10.x.y.z whose keys share bucket 0: the hash up to b.bytes[1]
 * is computed once per port; the zero bytes after b.bytes[3] only multiply. */
static size_t find_colliding(struct dest *out, size_t want)
{
	const size_t tail = sizeof(struct flow_key) - offsetof(struct flow_key, b.bytes) - 4;
	uint64_t tail_mul = 1;
	size_t found = 0;

	for (size_t i = 0; i < tail; i++)
		tail_mul *= FNV_PRIME;
	for (uint32_t dport = 1024; found < want && dport < 65536; dport++) {
		struct flow_key key;
		key_prefix(&key, (uint16_t)dport);
		const uint8_t *p = (const uint8_t *)&key;
		uint64_t h = FNV_OFFSET;
		for (size_t i = 0; i <= offsetof(struct flow_key, b.bytes); i++)
			h = fnv_step(h, p[i]); /* through b.bytes[0] = 10 */
		for (uint32_t xyz = 1 << 16; found < want && xyz < 1 << 24; xyz++) {
			uint64_t g = fnv_step(fnv_step(fnv_step(h, (uint8_t)(xyz >> 16)),
			                               (uint8_t)(xyz >> 8)),
			                      (uint8_t)xyz) *
			             tail_mul;
			if (((g ^ (g >> 32)) & MASK) != 0)
				continue;
			out[found] = (struct dest){
			    {10, (uint8_t)(xyz >> 16), (uint8_t)(xyz >> 8), (uint8_t)xyz},
			    (uint16_t)dport};
			found++;
		}
	}
	return found;
}

static void consecutive(struct dest *out, size_t want)
{
	for (size_t i = 0; i < want; i++)
		out[i] = (struct dest){{10, 1, (uint8_t)(i >> 8), (uint8_t)i}, 5000};
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void write_packet(FILE *f, const struct dest *d, uint32_t usec)
{
	uint8_t pkt[28 + 8] = {0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1};
	uint32_t rec[4] = {1700000000u + usec / 1000000u, usec % 1000000u, sizeof pkt, sizeof pkt};
	unsigned sum = 0;

	put16(pkt + 2, sizeof pkt);
	memcpy(pkt + 16, d->addr, 4);
	for (int i = 0; i < 20; i += 2)
		sum += (unsigned)(pkt[i] << 8 | pkt[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(pkt + 10, ~sum & 0xffff);
	put16(pkt + 20, 40000);
	put16(pkt + 22, d->port);
	put16(pkt + 24, 16);
	fwrite(rec, sizeof rec, 1, f);
	fwrite(pkt, sizeof pkt, 1, f);
}

int main(int argc, char **argv)
{
	const uint32_t header[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 65535, 101};
	long flows = argc == 5 ? atol(argv[2]) : 0, per_flow = argc == 5 ? atol(argv[3]) : 0;
	struct dest *dests;
	FILE *f;

	if (flows <= 0 || flows > 65536 || per_flow <= 0 || per_flow > 100 ||
	    (strcmp(argv[1], "flood") && strcmp(argv[1], "twin"))) {
		fprintf(stderr, "usage: hashflood flood|twin FLOWS PACKETS_PER_FLOW OUT.pcap\n");
		return 2;
	}
	dests = calloc((size_t)flows, sizeof *dests);
	if (!dests)
		return 1;
	if (strcmp(argv[1], "twin") == 0)
		consecutive(dests, (size_t)flows);
	else if (find_colliding(dests, (size_t)flows) < (size_t)flows) {
		fprintf(stderr, "hashflood: not enough colliding keys\n");
		return 1;
	}
	if (!(f = fopen(argv[4], "wb")))
		return 1;
	fwrite(header, sizeof header, 1, f);
	for (long k = 0; k < per_flow; k++)
		for (long i = 0; i < flows; i++)
			write_packet(f, &dests[i], (uint32_t)(k * flows + i));
	free(dests);
	return fclose(f) == 0 ? 0 : 1;
}
