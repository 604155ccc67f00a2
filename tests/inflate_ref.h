/*
 * inflate_ref.h - a small reference raw inflater for the tests (RFC 1951:
 * stored, fixed and dynamic blocks, every read bounds-checked), included by
 * the tests that check what the compressor (deflate.h) writes.
 *
 * It is stricter than the RFC in one way: every Huffman code must be
 * complete, which the compressor promises (zlib accepts an incomplete code
 * only in some places).  It also counts what it saw, so tests can check that
 * an edge case was really reached.
 */
#ifndef SOCKSCOPE_TESTS_INFLATE_REF_H
#define SOCKSCOPE_TESTS_INFLATE_REF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { STORED, FIXED, DYNAMIC };

struct inflate_stats {
	unsigned blocks[3]; /* by type */
	unsigned matches, max_len, max_dist;
	unsigned max_code_len; /* the longest code in any dynamic header */
};

struct inflater {
	const unsigned char *in;
	size_t inlen, inpos;
	uint32_t bitbuf;
	unsigned bitcnt;
	bool bad; /* ran out of input */
	unsigned char *out;
	size_t outlen, outcap;
	struct inflate_stats stats;
};

struct huff {
	uint16_t count[16];   /* codes of each length */
	uint16_t symbol[288]; /* symbols in canonical order */
};

static unsigned bits(struct inflater *s, unsigned n)
{
	uint32_t v = s->bitbuf;

	while (s->bitcnt < n) {
		if (s->inpos == s->inlen) {
			s->bad = true;
			return 0;
		}
		v |= (uint32_t)s->in[s->inpos++] << s->bitcnt;
		s->bitcnt += 8;
	}
	s->bitbuf = v >> n;
	s->bitcnt -= n;
	return v & ((1u << n) - 1);
}

static bool put_byte(struct inflater *s, unsigned char c)
{
	if (s->outlen == s->outcap) {
		s->outcap = s->outcap ? 2 * s->outcap : 4096;
		s->out = realloc(s->out, s->outcap);
		if (!s->out)
			return false;
	}
	s->out[s->outlen++] = c;
	return true;
}

/* Canonical code from lengths; false unless the code is complete. */
static bool build(struct huff *h, const uint8_t *len, unsigned n)
{
	uint16_t offs[16];
	int left = 1;

	memset(h->count, 0, sizeof h->count);
	for (unsigned s = 0; s < n; s++)
		h->count[len[s]]++;
	for (unsigned l = 1; l < 16; l++) {
		left = 2 * left - h->count[l];
		if (left < 0)
			return false;
	}
	offs[1] = 0;
	for (unsigned l = 1; l < 15; l++)
		offs[l + 1] = (uint16_t)(offs[l] + h->count[l]);
	for (unsigned s = 0; s < n; s++)
		if (len[s])
			h->symbol[offs[len[s]]++] = (uint16_t)s;
	return left == 0;
}

/* One symbol, a bit at a time; -1 on bad input. */
static int decode(struct inflater *s, const struct huff *h)
{
	int code = 0, first = 0, index = 0;

	for (unsigned l = 1; l < 16; l++) {
		code |= (int)bits(s, 1);
		if (s->bad)
			return -1;
		int count = h->count[l];
		if (code - count < first)
			return h->symbol[index + (code - first)];
		index += count;
		first = (first + count) << 1;
		code <<= 1;
	}
	return -1;
}

static const uint16_t len_base[29] = {3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                      15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                      67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                      2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t dist_base[30] = {
    1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
    193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                       6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

static bool codes(struct inflater *s, const struct huff *lit, const struct huff *dist)
{
	for (;;) {
		int sym = decode(s, lit);
		if (sym < 0 || sym > 285)
			return false;
		if (sym < 256) {
			if (!put_byte(s, (unsigned char)sym))
				return false;
			continue;
		}
		if (sym == 256)
			return true;
		sym -= 257;
		unsigned len = len_base[sym] + bits(s, len_extra[sym]);
		int ds = decode(s, dist);
		if (ds < 0 || ds > 29)
			return false;
		unsigned d = dist_base[ds] + bits(s, dist_extra[ds]);
		if (s->bad || d > s->outlen || d > 32768)
			return false;
		s->stats.matches++;
		if (len > s->stats.max_len)
			s->stats.max_len = len;
		if (d > s->stats.max_dist)
			s->stats.max_dist = d;
		for (unsigned i = 0; i < len; i++)
			if (!put_byte(s, s->out[s->outlen - d]))
				return false;
	}
}

static bool stored(struct inflater *s)
{
	s->bitbuf = 0; /* to a byte boundary */
	s->bitcnt = 0;
	if (s->inlen - s->inpos < 4)
		return false;
	const unsigned char *p = s->in + s->inpos;
	unsigned len = p[0] | p[1] << 8, nlen = p[2] | p[3] << 8;
	s->inpos += 4;
	if (len != (~nlen & 0xffff) || s->inlen - s->inpos < len)
		return false;
	for (unsigned i = 0; i < len; i++)
		if (!put_byte(s, s->in[s->inpos++]))
			return false;
	return true;
}

static bool fixed(struct inflater *s)
{
	uint8_t len[288];
	struct huff lit, dist;

	for (unsigned i = 0; i < 288; i++)
		len[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8;
	build(&lit, len, 288);
	memset(len, 5, 30);
	build(&dist, len, 30); /* 30 of 32 five-bit codes: incomplete, as the RFC says */
	return codes(s, &lit, &dist);
}

static bool dynamic(struct inflater *s)
{
	static const uint8_t order[19] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
	                                  11, 4,  12, 3, 13, 2, 14, 1, 15};
	uint8_t len[320] = {0};
	struct huff lencode, lit, dist;
	unsigned nlit = bits(s, 5) + 257, ndist = bits(s, 5) + 1, ncode = bits(s, 4) + 4;

	if (s->bad || nlit > 286 || ndist > 30)
		return false;
	for (unsigned i = 0; i < ncode; i++)
		len[order[i]] = (uint8_t)bits(s, 3);
	if (s->bad || !build(&lencode, len, 19))
		return false;
	memset(len, 0, sizeof len);
	for (unsigned i = 0; i < nlit + ndist;) {
		int sym = decode(s, &lencode);
		unsigned v = 0, rep;
		if (sym < 0)
			return false;
		if (sym < 16) {
			len[i++] = (uint8_t)sym;
			if ((unsigned)sym > s->stats.max_code_len)
				s->stats.max_code_len = (unsigned)sym;
			continue;
		}
		if (sym == 16) {
			if (i == 0)
				return false;
			v = len[i - 1];
			rep = 3 + bits(s, 2);
		} else {
			rep = sym == 17 ? 3 + bits(s, 3) : 11 + bits(s, 7);
		}
		if (s->bad || i + rep > nlit + ndist)
			return false;
		while (rep--)
			len[i++] = (uint8_t)v;
	}
	if (len[256] == 0)
		return false;
	if (!build(&lit, len, nlit) || !build(&dist, len + nlit, ndist))
		return false;
	return codes(s, &lit, &dist);
}

/* Decodes a whole raw DEFLATE stream; NULL unless it is valid and used up. */
static unsigned char *inflate_raw(const unsigned char *in, size_t inlen, size_t *outlen,
                                  struct inflate_stats *stats)
{
	struct inflater s = {.in = in, .inlen = inlen};
	bool last = false, ok = true;

	while (ok && !last) {
		last = bits(&s, 1);
		unsigned type = bits(&s, 2);
		if (s.bad || type > DYNAMIC)
			break;
		s.stats.blocks[type]++;
		ok = type == STORED ? stored(&s) : type == FIXED ? fixed(&s) : dynamic(&s);
	}
	if (!ok || !last || s.bad || s.inpos != s.inlen) {
		free(s.out);
		return NULL;
	}
	*outlen = s.outlen;
	if (stats)
		*stats = s.stats;
	return s.out ? s.out : malloc(1);
}

#endif
