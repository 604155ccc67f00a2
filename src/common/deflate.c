/*
 * deflate.c - a streaming raw DEFLATE compressor (RFC 1951); see deflate.h.
 *
 * Input is copied into a window buffer: WSIZE bytes of history followed by
 * up to CHUNK new bytes.  Positions are hashed on their first four bytes
 * into a table of small buckets holding the most recent positions with that
 * hash (all positions, except inside long matches); the longest candidate
 * becomes a match, unless it is short and the next position has a longer
 * one (lazy evaluation).  Symbols are collected until MAX_SYMBOLS or until
 * the buffer must slide, then written as one block: dynamic Huffman codes,
 * the fixed codes or stored bytes, whichever costs the fewest bits.
 *
 * The table holds stream positions modulo 2^32 rather than buffer indices,
 * so sliding the buffer does not touch it.  A stale or wrapped entry can
 * only suggest a wrong candidate, and every candidate is checked against
 * the bytes in the window, so entries are hints and never need clearing.
 *
 * Output goes through a 64-bit bit buffer into a byte buffer that is handed
 * to the sink when nearly full.  A sink error is recorded and later output
 * discarded, which keeps error checks out of the encoding loops; the public
 * calls report it.
 */
#include "sockscope/deflate.h"
#include "sockscope/common.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum {
	WSIZE = 32768, /* the largest distance the format allows */
	MIN_MATCH = 4, /* the hash covers four bytes; three-byte matches rarely pay in text */
	MAX_MATCH = 258,
	LAZY_BELOW = 16,  /* try the next position only after a shorter match */
	INDEX_WHOLE = 16, /* longer matches have only their last INDEX_TAIL positions indexed */
	INDEX_TAIL = 4,
	/* Bytes kept beyond the last position parsed before more input comes: a
	 * match found after a run of lazy steps, and hashing its last bytes, stay
	 * inside the data, so the output does not depend on how input is split. */
	LOOKAHEAD = LAZY_BELOW + MAX_MATCH + MIN_MATCH,
	CHUNK = 128 * 1024, /* new bytes between slides */
	BUFSZ = WSIZE + CHUNK,
	PAD = 8, /* zeroed bytes after the buffer: matching reads a word at a time */
	HASH_BITS = 15,
	BUCKET = 2,              /* positions kept per hash: more finds longer matches, slower */
	MAX_SYMBOLS = 32 * 1024, /* per block: enough that the code tables cost little */
	OUTSZ = 64 * 1024,
	OUT_SLACK = 16, /* one symbol and one 8-byte store fit after the limit */
	LITLEN_SYMS = 286,
	DIST_SYMS = 30,
	CODELEN_SYMS = 19,
	MAX_BITS = 15,
	MAX_CODELEN_BITS = 7,
	END_OF_BLOCK = 256,
	STORED_MAX = 65535,
};

/* A symbol: a literal byte, or MATCH_FLAG | (length - 3) << 16 | (distance - 1). */
#define MATCH_FLAG (1u << 24)

struct bitout {
	uint64_t bits; /* pending bits, the oldest lowest; none set above `n` */
	unsigned n;
	unsigned char *p, *limit;
};

struct huffman {
	uint16_t code[LITLEN_SYMS + 2]; /* bit-reversed: DEFLATE sends codes first bit first */
	uint8_t len[LITLEN_SYMS + 2];
};

struct deflate {
	deflate_sink sink;
	void *ctx;
	int err;
	bool finished;
	unsigned char *win; /* BUFSZ + PAD bytes */
	size_t pos;         /* the next byte to encode */
	size_t end;         /* bytes in the buffer */
	size_t block_start; /* the first byte of the block being collected */
	uint32_t base;      /* stream position of win[0], modulo 2^32 */
	uint32_t *table;    /* BUCKET stream positions per hash, newest first */
	uint32_t *syms;
	size_t nsyms;
	uint32_t litfreq[LITLEN_SYMS], distfreq[DIST_SYMS]; /* of syms, counted as they come */
	struct bitout out;
	unsigned char *outbuf; /* OUTSZ + OUT_SLACK bytes */
};

static const uint16_t len_base[29] = {3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                      15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                      67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                      2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
/* Extra bits after the code-length symbols that repeat. */
static const uint8_t item_extra_bits[CODELEN_SYMS] = {[16] = 2, [17] = 3, [18] = 7};
/* The order the code-length code's lengths are sent in (RFC 1951, 3.2.7). */
static const uint8_t codelen_order[CODELEN_SYMS] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                                    11, 4,  12, 3, 13, 2, 14, 1, 15};

static inline uint32_t load32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define LE64(v) __builtin_bswap64(v)
#else
#define LE64(v) (v)
#endif

static inline uint64_t load_le64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return LE64(v);
}

static inline void store_le64(unsigned char *p, uint64_t v)
{
	v = LE64(v);
	memcpy(p, &v, 8);
}

/* ---- output ---- */

static void drain(struct deflate *d)
{
	struct bitout *o = &d->out;
	size_t n = (size_t)(o->p - d->outbuf);

	if (n && !d->err) {
		int rc = d->sink(d->ctx, d->outbuf, n);
		if (rc)
			d->err = rc < 0 ? rc : -SS_EIO;
	}
	o->p = d->outbuf;
}

/* Moves whole bytes from the bit buffer to the byte buffer; leaves n < 8. */
static inline void flush_bits(struct bitout *o)
{
	store_le64(o->p, o->bits);
	o->p += o->n >> 3;
	o->bits >>= o->n & ~7u;
	o->n &= 7;
}

/* Up to 56 bits may be added between two calls of flush_bits. */
static inline void add_bits(struct bitout *o, uint64_t value, unsigned n)
{
	o->bits |= value << o->n;
	o->n += n;
}

static void put_bits(struct deflate *d, uint64_t value, unsigned n)
{
	add_bits(&d->out, value, n);
	flush_bits(&d->out);
	if (d->out.p >= d->out.limit)
		drain(d);
}

/* Pads to a byte boundary with zero bits. */
static void align(struct deflate *d)
{
	d->out.n = (d->out.n + 7) & ~7u;
	flush_bits(&d->out);
	if (d->out.p >= d->out.limit)
		drain(d);
}

/* ---- Huffman codes ---- */

static int compare_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/*
 * Code lengths of an optimal prefix code, in place (Moffat and Katajainen,
 * "In-place calculation of minimum-redundancy codes", 1995): `w` holds n >= 2
 * weights in ascending order and receives their lengths.
 */
static void minimum_redundancy(uint32_t *w, int n)
{
	int root = 0, leaf = 2, next;

	/* Build the tree: internal nodes replace the leaves' weights. */
	w[0] += w[1];
	for (next = 1; next < n - 1; next++) {
		if (leaf >= n || w[root] < w[leaf]) {
			w[next] = w[root];
			w[root++] = (uint32_t)next;
		} else {
			w[next] = w[leaf++];
		}
		if (leaf >= n || (root < next && w[root] < w[leaf])) {
			w[next] += w[root];
			w[root++] = (uint32_t)next;
		} else {
			w[next] += w[leaf++];
		}
	}
	/* Parent pointers to internal node depths. */
	w[n - 2] = 0;
	for (next = n - 3; next >= 0; next--)
		w[next] = w[w[next]] + 1;
	/* Internal node depths to leaf depths. */
	int avail = 1, used = 0, depth = 0;
	root = n - 2;
	next = n - 1;
	while (avail > 0) {
		while (root >= 0 && (int)w[root] == depth) {
			used++;
			root--;
		}
		while (avail > used) {
			w[next--] = (uint32_t)depth;
			avail--;
		}
		avail = 2 * used;
		depth++;
		used = 0;
	}
}

/*
 * Caps lengths at maxbits: the longer codes are folded in, then codes move
 * one level down until the Kraft sum is exactly 1 again.  count[] has room
 * for 33 lengths; longer ones were counted at 32.
 */
static void limit_lengths(unsigned *count, unsigned maxbits)
{
	uint32_t total = 0;

	for (unsigned i = maxbits + 1; i <= 32; i++) {
		count[maxbits] += count[i];
		count[i] = 0;
	}
	for (unsigned i = 1; i <= maxbits; i++)
		total += count[i] << (maxbits - i);
	while (total != 1u << maxbits) {
		count[maxbits]--;
		for (unsigned i = maxbits - 1; i > 0; i--) {
			if (count[i]) {
				count[i]--;
				count[i + 1] += 2;
				break;
			}
		}
		total--;
	}
}

/*
 * Length-limited code lengths for freq[0..n).  At least two symbols get a
 * code even when fewer are used, so every code is complete: zlib accepts an
 * incomplete code only in some places, and other decoders differ.
 */
static void build_lengths(const uint32_t *freq, unsigned n, unsigned maxbits, uint8_t *len)
{
	uint32_t key[LITLEN_SYMS], w[LITLEN_SYMS];
	unsigned count[33] = {0};
	unsigned used = 0;

	memset(len, 0, n);
	for (unsigned s = 0; s < n; s++)
		if (freq[s])
			key[used++] = freq[s] << 9 | s; /* freq < 2^23: at most MAX_SYMBOLS + 1 */
	if (used < 2) {
		unsigned only = used ? key[0] & 511 : 0;
		len[only] = 1;
		len[only ? 0 : 1] = 1;
		return;
	}
	qsort(key, used, sizeof key[0], compare_u32);
	for (unsigned i = 0; i < used; i++)
		w[i] = key[i] >> 9;
	minimum_redundancy(w, (int)used);
	for (unsigned i = 0; i < used; i++)
		count[w[i] < 32 ? w[i] : 32]++;
	limit_lengths(count, maxbits);
	/* The rarest symbols take the longest codes. */
	unsigned i = 0;
	for (unsigned bits = maxbits; bits > 0; bits--)
		for (unsigned k = 0; k < count[bits]; k++)
			len[key[i++] & 511] = (uint8_t)bits;
}

/* Canonical codes (RFC 1951, 3.2.2), bit-reversed for sending. */
static void make_codes(struct huffman *h, unsigned n)
{
	unsigned count[MAX_BITS + 1] = {0}, next[MAX_BITS + 1];
	unsigned code = 0;

	for (unsigned s = 0; s < n; s++)
		count[h->len[s]]++;
	count[0] = 0;
	for (unsigned bits = 1; bits <= MAX_BITS; bits++) {
		code = (code + count[bits - 1]) << 1;
		next[bits] = code;
	}
	for (unsigned s = 0; s < n; s++) {
		unsigned bits = h->len[s], c = next[bits]++, rev = 0;
		for (unsigned i = 0; i < bits; i++)
			rev |= ((c >> i) & 1) << (bits - 1 - i);
		h->code[s] = (uint16_t)rev;
	}
}

/* ---- symbols ---- */

/* Length symbol minus 257, for length - 3: four per power of two above 8. */
static inline unsigned len_slot(unsigned len3)
{
	if (len3 < 8)
		return len3;
	if (len3 == 255) /* 258 has a symbol of its own */
		return 28;
	unsigned b = 31 - (unsigned)__builtin_clz(len3);
	return 4 * (b - 1) + ((len3 >> (b - 2)) & 3);
}

/* Distance symbol for distance - 1: two per power of two above 4. */
static inline unsigned dist_slot(unsigned d1)
{
	if (d1 < 4)
		return d1;
	unsigned b = 31 - (unsigned)__builtin_clz(d1);
	return 2 * b + ((d1 >> (b - 1)) & 1);
}

static inline unsigned dist_extra(unsigned slot)
{
	return slot < 4 ? 0 : slot / 2 - 1;
}

static inline unsigned dist_base1(unsigned slot) /* the slot's first distance - 1 */
{
	return slot < 4 ? slot : (2u + (slot & 1)) << (slot / 2 - 1);
}

struct block {
	const uint32_t *litfreq, *distfreq;
	uint64_t extra_bits; /* length and distance extra bits, the same in every block type */
	struct huffman lit, dist;
	/* The dynamic header's code lengths, run-length coded. */
	uint8_t items[LITLEN_SYMS + DIST_SYMS], item_extra[LITLEN_SYMS + DIST_SYMS];
	unsigned nitems, nlit, ndist, ncodelen;
	uint32_t clfreq[CODELEN_SYMS];
	struct huffman cl;
};

/* The block's frequencies, end-of-block included. */
static void count_symbols(struct block *b, struct deflate *d)
{
	d->litfreq[END_OF_BLOCK] = 1;
	b->litfreq = d->litfreq;
	b->distfreq = d->distfreq;
	b->extra_bits = 0;
	for (unsigned slot = 0; slot < 29; slot++)
		b->extra_bits += (uint64_t)d->litfreq[257 + slot] * len_extra[slot];
	for (unsigned slot = 0; slot < DIST_SYMS; slot++)
		b->extra_bits += (uint64_t)d->distfreq[slot] * dist_extra(slot);
}

static void add_item(struct block *b, unsigned sym, unsigned extra)
{
	b->items[b->nitems] = (uint8_t)sym;
	b->item_extra[b->nitems++] = (uint8_t)extra;
	b->clfreq[sym]++;
}

/* Run-length codes the lengths of both codes as one sequence (RFC 1951, 3.2.7). */
static void encode_lengths(struct block *b)
{
	uint8_t all[LITLEN_SYMS + DIST_SYMS];
	unsigned n = b->nlit + b->ndist;

	memcpy(all, b->lit.len, b->nlit);
	memcpy(all + b->nlit, b->dist.len, b->ndist);
	memset(b->clfreq, 0, sizeof b->clfreq);
	b->nitems = 0;
	for (unsigned i = 0; i < n;) {
		unsigned v = all[i], run = 1;
		while (i + run < n && all[i + run] == v)
			run++;
		i += run;
		if (v == 0) {
			for (; run >= 11; run -= run < 138 ? run : 138)
				add_item(b, 18, (run < 138 ? run : 138) - 11);
			if (run >= 3) {
				add_item(b, 17, run - 3);
				run = 0;
			}
		} else {
			add_item(b, v, 0);
			run--;
			for (; run >= 3; run -= run < 6 ? run : 6)
				add_item(b, 16, (run < 6 ? run : 6) - 3);
		}
		for (; run > 0; run--)
			add_item(b, v, 0);
	}
}

/* Plans the dynamic codes; returns the block's size in bits with them. */
static uint64_t plan_dynamic(struct block *b)
{
	uint64_t bits = b->extra_bits;

	build_lengths(b->litfreq, LITLEN_SYMS, MAX_BITS, b->lit.len);
	build_lengths(b->distfreq, DIST_SYMS, MAX_BITS, b->dist.len);
	for (b->nlit = LITLEN_SYMS; b->lit.len[b->nlit - 1] == 0; b->nlit--)
		;
	for (b->ndist = DIST_SYMS; b->dist.len[b->ndist - 1] == 0; b->ndist--)
		;
	encode_lengths(b);
	build_lengths(b->clfreq, CODELEN_SYMS, MAX_CODELEN_BITS, b->cl.len);
	for (b->ncodelen = CODELEN_SYMS;
	     b->ncodelen > 4 && !b->cl.len[codelen_order[b->ncodelen - 1]]; b->ncodelen--)
		;
	bits += 3 + 5 + 5 + 4 + 3 * b->ncodelen;
	for (unsigned s = 0; s < CODELEN_SYMS; s++)
		bits += (uint64_t)b->clfreq[s] * (b->cl.len[s] + item_extra_bits[s]);
	for (unsigned s = 0; s < LITLEN_SYMS; s++)
		bits += (uint64_t)b->litfreq[s] * b->lit.len[s];
	for (unsigned s = 0; s < DIST_SYMS; s++)
		bits += (uint64_t)b->distfreq[s] * b->dist.len[s];
	return bits;
}

static void fixed_codes(struct block *b)
{
	for (unsigned s = 0; s < LITLEN_SYMS + 2; s++)
		b->lit.len[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
	for (unsigned s = 0; s < DIST_SYMS; s++)
		b->dist.len[s] = 5;
	make_codes(&b->lit, LITLEN_SYMS + 2);
	make_codes(&b->dist, DIST_SYMS);
}

static uint64_t fixed_cost(const struct block *b)
{
	uint64_t bits = 3 + b->extra_bits;

	for (unsigned s = 0; s < LITLEN_SYMS; s++)
		bits += (uint64_t)b->litfreq[s] * (s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8);
	for (unsigned s = 0; s < DIST_SYMS; s++)
		bits += (uint64_t)b->distfreq[s] * 5;
	return bits;
}

static uint64_t stored_cost(const struct deflate *d, size_t len)
{
	size_t pieces = len ? (len + STORED_MAX - 1) / STORED_MAX : 1;
	unsigned pad = (8 - ((d->out.n + 3) & 7)) & 7;

	/* The first header shares a byte with earlier bits; the others start aligned. */
	return 3 + pad + 32 + (uint64_t)(pieces - 1) * 40 + 8 * (uint64_t)len;
}

/* ---- writing blocks ---- */

static void write_dynamic_header(struct deflate *d, struct block *b)
{
	make_codes(&b->lit, LITLEN_SYMS);
	make_codes(&b->dist, DIST_SYMS);
	make_codes(&b->cl, CODELEN_SYMS);
	put_bits(d, b->nlit - 257, 5);
	put_bits(d, b->ndist - 1, 5);
	put_bits(d, b->ncodelen - 4, 4);
	for (unsigned i = 0; i < b->ncodelen; i++)
		put_bits(d, b->cl.len[codelen_order[i]], 3);
	for (unsigned i = 0; i < b->nitems; i++) {
		unsigned s = b->items[i];
		put_bits(d, b->cl.code[s] | (uint64_t)b->item_extra[i] << b->cl.len[s],
		         b->cl.len[s] + item_extra_bits[s]);
	}
}

/* The symbols in the block's codes, then end-of-block. */
static void write_symbols(struct deflate *d, const struct block *b)
{
	uint32_t lcode[256];
	uint8_t lbits[256];
	struct bitout o = d->out;

	/* Each length's code and extra bits, joined once per block. */
	for (unsigned l = 0; l < 256; l++) {
		unsigned slot = len_slot(l), sym = 257 + slot;
		lcode[l] = b->lit.code[sym] | (uint32_t)(l + 3 - len_base[slot]) << b->lit.len[sym];
		lbits[l] = (uint8_t)(b->lit.len[sym] + len_extra[slot]);
	}
	for (size_t i = 0; i < d->nsyms; i++) {
		uint32_t s = d->syms[i];
		if (s < MATCH_FLAG) {
			add_bits(&o, b->lit.code[s], b->lit.len[s]);
		} else {
			unsigned l = (s >> 16) & 255, d1 = s & 0xffff, ds = dist_slot(d1);
			uint64_t extra = d1 - dist_base1(ds);
			add_bits(&o, lcode[l], lbits[l]);
			add_bits(&o, b->dist.code[ds] | extra << b->dist.len[ds],
			         b->dist.len[ds] + dist_extra(ds));
		}
		flush_bits(&o);
		if (o.p >= o.limit) {
			d->out = o;
			drain(d);
			o = d->out;
		}
	}
	d->out = o;
	put_bits(d, b->lit.code[END_OF_BLOCK], b->lit.len[END_OF_BLOCK]);
}

/* The block's bytes in pieces of at most STORED_MAX, each with its header. */
static void write_stored(struct deflate *d, const unsigned char *data, size_t len, bool final)
{
	do {
		size_t n = len < STORED_MAX ? len : STORED_MAX;
		put_bits(d, final && n == len, 3); /* BTYPE 00 */
		align(d);
		put_bits(d, n | (uint64_t)(n ^ 0xffff) << 16, 32);
		for (size_t left = n; left;) {
			size_t room = (size_t)(d->out.limit - d->out.p);
			size_t k = left < room ? left : room;
			memcpy(d->out.p, data, k);
			d->out.p += k;
			data += k;
			left -= k;
			if (d->out.p >= d->out.limit)
				drain(d);
		}
		len -= n;
	} while (len);
}

/* Writes the symbols collected since block_start as one block. */
static void flush_block(struct deflate *d, bool final)
{
	struct block b;
	size_t raw = d->pos - d->block_start;

	count_symbols(&b, d);
	uint64_t dynamic = plan_dynamic(&b), fixed = fixed_cost(&b);
	uint64_t stored = stored_cost(d, raw);

	if (stored < dynamic && stored < fixed) {
		write_stored(d, d->win + d->block_start, raw, final);
	} else if (fixed <= dynamic) {
		put_bits(d, final | 1u << 1, 3);
		fixed_codes(&b);
		write_symbols(d, &b);
	} else {
		put_bits(d, final | 2u << 1, 3);
		write_dynamic_header(d, &b);
		write_symbols(d, &b);
	}
	d->nsyms = 0;
	d->block_start = d->pos;
	memset(d->litfreq, 0, sizeof d->litfreq);
	memset(d->distfreq, 0, sizeof d->distfreq);
}

/* ---- matching ---- */

struct match {
	unsigned len, dist;
};

/* Length of the common prefix of a and b, at most limit. */
static inline unsigned common_length(const unsigned char *a, const unsigned char *b, unsigned limit)
{
	unsigned n = 0;

	while (n < limit) {
		uint64_t x = load_le64(a + n) ^ load_le64(b + n);
		if (x) {
			/* The lowest set bit is in the first byte that differs. */
			n += (unsigned)__builtin_ctzll(x) >> 3;
			return n < limit ? n : limit;
		}
		n += 8;
	}
	return limit;
}

static inline uint32_t hash4(const unsigned char *p)
{
	return (load32(p) * 0x9E3779B1u) >> (32 - HASH_BITS);
}

static inline void insert(uint32_t *bucket, uint32_t at)
{
	for (int k = BUCKET - 1; k > 0; k--)
		bucket[k] = bucket[k - 1];
	bucket[0] = at;
}

/* The longest match for win[i] among its bucket's positions; records i there. */
static inline struct match find_match(struct deflate *d, size_t i, unsigned limit)
{
	const unsigned char *cur = d->win + i;
	uint32_t at = d->base + (uint32_t)i, *bucket = d->table + hash4(cur) * BUCKET;
	uint32_t head = load32(cur);
	struct match best = {0, 0};

	for (int k = 0; k < BUCKET; k++) {
		uint32_t dist = at - bucket[k];
		if (dist - 1 >= WSIZE || dist > i || load32(cur - dist) != head)
			continue;
		unsigned len = common_length(cur - dist, cur, limit);
		if (len > best.len) {
			best.len = len;
			best.dist = dist;
		}
	}
	insert(bucket, at);
	return best;
}

static inline void emit_literal(struct deflate *d, unsigned char c)
{
	d->syms[d->nsyms++] = c;
	d->litfreq[c]++;
}

static inline void emit_match(struct deflate *d, struct match m)
{
	d->syms[d->nsyms++] = MATCH_FLAG | (m.len - 3) << 16 | (m.dist - 1);
	d->litfreq[257 + len_slot(m.len - 3)]++;
	d->distfreq[dist_slot(m.dist - 1)]++;
}

static inline unsigned limit_at(const struct deflate *d, size_t i)
{
	size_t left = d->end - i;
	return left < MAX_MATCH ? (unsigned)left : MAX_MATCH;
}

/*
 * Indexes the positions after `from` inside the match at i.  A long match is
 * indexed only at its end: its bytes are in the table from where they were
 * seen before, and the bytes just before the next position start the
 * candidates that follow it.
 */
static void index_match(struct deflate *d, size_t from, size_t i, unsigned len)
{
	size_t end = i + len;

	if (len > INDEX_WHOLE && end - INDEX_TAIL > from)
		from = end - INDEX_TAIL;
	for (size_t j = from; j < end; j++)
		insert(d->table + hash4(d->win + j) * BUCKET, d->base + (uint32_t)j);
}

/* Encodes positions up to `stop` (or just past it, to finish a match). */
static void parse(struct deflate *d, size_t stop)
{
	size_t i = d->pos;

	while (i < stop) {
		/* Room for a run of lazy literals and the match that ends it. */
		if (d->nsyms > MAX_SYMBOLS - LAZY_BELOW) {
			d->pos = i;
			flush_block(d, false);
			if (d->err)
				break;
		}
		unsigned limit = limit_at(d, i);
		struct match m = {0, 0};
		size_t indexed = i + 1; /* positions below this are in the table */

		if (limit >= MIN_MATCH)
			m = find_match(d, i, limit);
		/* Lazy step: a longer match one byte later is worth a literal. */
		while (m.len >= MIN_MATCH && m.len < LAZY_BELOW &&
		       limit_at(d, i + 1) >= MIN_MATCH) {
			struct match next = find_match(d, i + 1, limit_at(d, i + 1));
			indexed = i + 2;
			if (next.len <= m.len)
				break;
			emit_literal(d, d->win[i++]);
			m = next;
		}
		if (m.len >= MIN_MATCH) {
			emit_match(d, m);
			index_match(d, indexed, i, m.len);
			i += m.len;
		} else {
			emit_literal(d, d->win[i++]);
		}
	}
	d->pos = i;
}

/* ---- the stream ---- */

struct deflate *deflate_new(deflate_sink sink, void *ctx)
{
	struct deflate *d = calloc(1, sizeof *d);

	if (!d)
		return NULL;
	d->sink = sink;
	d->ctx = ctx;
	/* calloc: matching may read the padding and bytes not yet written. */
	d->win = calloc(1, BUFSZ + PAD);
	d->table = calloc((size_t)BUCKET << HASH_BITS, sizeof *d->table);
	d->syms = malloc(MAX_SYMBOLS * sizeof *d->syms);
	d->outbuf = malloc(OUTSZ + OUT_SLACK);
	if (!d->win || !d->table || !d->syms || !d->outbuf) {
		deflate_free(d);
		return NULL;
	}
	d->out.p = d->outbuf;
	d->out.limit = d->outbuf + OUTSZ;
	return d;
}

/* Ends the block and keeps the last WSIZE bytes, and any not yet encoded, at the front. */
static void slide(struct deflate *d)
{
	size_t shift = d->pos - WSIZE;

	if (d->nsyms)
		flush_block(d, false);
	memmove(d->win, d->win + shift, d->end - shift);
	d->base += (uint32_t)shift;
	d->pos -= shift;
	d->end -= shift;
	d->block_start = d->pos;
}

int deflate_write(struct deflate *d, const void *data, size_t len)
{
	const unsigned char *p = data;

	if (d->err)
		return d->err;
	if (d->finished)
		return -SS_EUSAGE;
	while (len && !d->err) {
		if (d->end == BUFSZ)
			slide(d);
		size_t n = BUFSZ - d->end < len ? BUFSZ - d->end : len;
		memcpy(d->win + d->end, p, n);
		d->end += n;
		p += n;
		len -= n;
		if (d->end > LOOKAHEAD)
			parse(d, d->end - LOOKAHEAD);
	}
	return d->err;
}

int deflate_finish(struct deflate *d)
{
	if (d->err || d->finished)
		return d->err;
	parse(d, d->end);
	flush_block(d, true);
	align(d);
	drain(d);
	d->finished = true;
	return d->err;
}

void deflate_free(struct deflate *d)
{
	if (!d)
		return;
	free(d->win);
	free(d->table);
	free(d->syms);
	free(d->outbuf);
	free(d);
}
