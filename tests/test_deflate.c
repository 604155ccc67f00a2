/*
 * test_deflate.c - the raw DEFLATE compressor: every output is decoded by
 * the reference inflater (inflate_ref.h) and compared with the input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockscope/common.h"
#include "sockscope/deflate.h"

#include "inflate_ref.h"

/* ---- compressing ---- */

struct collected {
	unsigned char *data;
	size_t len, cap;
	unsigned calls;
	unsigned fail_at; /* the call that fails, counting from 1; 0: none */
};

static int collect(void *ctx, const unsigned char *data, size_t len)
{
	struct collected *c = ctx;

	if (++c->calls == c->fail_at)
		return -SS_EIO;
	if (c->len + len > c->cap) {
		c->cap = 2 * (c->len + len);
		c->data = realloc(c->data, c->cap);
		assert_non_null(c->data);
	}
	memcpy(c->data + c->len, data, len);
	c->len += len;
	return 0;
}

/* Compresses `in` written in pieces of `piece` bytes (0: in one call). */
static struct collected compress(const unsigned char *in, size_t len, size_t piece)
{
	struct collected c = {0};
	struct deflate *d = deflate_new(collect, &c);
	size_t at = 0;

	assert_non_null(d);
	do {
		size_t n = piece && len - at > piece ? piece : len - at;
		assert_int_equal(deflate_write(d, in + at, n), 0);
		at += n;
	} while (at < len);
	assert_int_equal(deflate_finish(d), 0);
	deflate_free(d);
	return c;
}

/* Compresses, decodes and compares; returns the compressed size. */
static size_t round_trip(const unsigned char *in, size_t len, size_t piece,
                         struct inflate_stats *stats)
{
	struct collected c = compress(in, len, piece);
	size_t outlen = 0;
	unsigned char *out = inflate_raw(c.data, c.len, &outlen, stats);

	assert_non_null(out);
	assert_int_equal(outlen, len);
	assert_memory_equal(out, in, len);
	free(out);
	free(c.data);
	return c.len;
}

/* ---- inputs ---- */

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 32);
}

static unsigned char *random_bytes(size_t len)
{
	unsigned char *p = malloc(len ? len : 1);

	assert_non_null(p);
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)rng();
	return p;
}

/* Lines like a JSON timeline's: the same long strings, different numbers. */
static unsigned char *timeline_text(size_t len)
{
	unsigned char *p = malloc(len + 1024);
	size_t n = 0;

	assert_non_null(p);
	for (unsigned frame = 1; n < len; frame++) {
		unsigned seq = rng() % 100000, win = 1024 * (1 + rng() % 64);
		n += (size_t)sprintf(
		    (char *)p + n,
		    "{\"kind\":\"packet\",\"frame\":%u,\"t\":%u.%06u,\"flow\":%u,\"dir\":\"%s\","
		    "\"tcp\":{\"seq\":%u,\"ack\":%u,\"win\":%u},\"explain\":{\"summary\":\"ACK %u: "
		    "the server has every byte up to %u and expects byte %u next\",\"detail\":\"A "
		    "pure acknowledgment, with no data. Window %u: the server can accept that "
		    "many more bytes.\"}}\n",
		    frame, frame / 1000, rng() % 1000000, rng() % 200, rng() % 2 ? "c2s" : "s2c",
		    seq, rng(), win, seq, seq - 1, seq, win);
	}
	return p;
}

/*
 * The start of a de Bruijn sequence over sixteen letters (greedy, largest
 * letter first): no four bytes repeat, so nothing matches, and sixteen
 * letters are few enough that Huffman codes beat the fixed ones and
 * storing.  len <= 65539.
 */
static unsigned char *unrepeated_bytes(size_t len)
{
	static uint8_t seen[65536 / 8];
	unsigned char *p = malloc(len);
	unsigned window = 0; /* the last four letters, four bits each */

	assert_non_null(p);
	memset(seen, 0, sizeof seen);
	seen[0] = 1;
	for (size_t i = 0; i < len; i++) {
		if (i >= 4) {
			unsigned key, next = 16;
			do {
				next--;
				key = (window << 4 | next) & 0xffff;
			} while (seen[key / 8] >> (key % 8) & 1);
			window = key;
			seen[key / 8] |= (uint8_t)(1u << (key % 8));
		}
		p[i] = (unsigned char)('a' + (window & 15));
	}
	return p;
}

/* ---- tests ---- */

static void test_empty_input_is_one_fixed_block(void **state)
{
	(void)state;
	const unsigned char none[1] = {0};
	struct collected c = compress(none, 0, 0);

	/* The final fixed block holding only end-of-block, as zlib writes it. */
	assert_int_equal(c.len, 2);
	assert_int_equal(c.data[0], 0x03);
	assert_int_equal(c.data[1], 0x00);
	free(c.data);
	assert_int_equal(round_trip(none, 0, 0, NULL), 2);
}

static void test_one_byte(void **state)
{
	(void)state;
	const unsigned char one[1] = {'x'};
	struct inflate_stats st;

	round_trip(one, 1, 0, &st);
	assert_int_equal(st.blocks[FIXED], 1);
}

static void test_all_byte_values(void **state)
{
	(void)state;
	unsigned char all[256 * 5];

	for (size_t i = 0; i < sizeof all; i++)
		all[i] = (unsigned char)(i < 256 ? i : 255 - i % 256);
	round_trip(all, 256, 0, NULL);
	round_trip(all, sizeof all, 0, NULL);
}

static void test_long_run_uses_longest_matches(void **state)
{
	(void)state;
	size_t len = 1 << 20;
	unsigned char *run = malloc(len);
	struct inflate_stats st;

	assert_non_null(run);
	memset(run, 'a', len);
	memset(run + len / 2, 0, len / 2);
	size_t packed = round_trip(run, len, 0, &st);
	assert_int_equal(st.max_len, 258);
	assert_true(packed < len / 200);
	free(run);
}

static void test_random_data_is_stored(void **state)
{
	(void)state;
	size_t len = 3 << 20;
	unsigned char *data = random_bytes(len);
	struct inflate_stats st;

	size_t packed = round_trip(data, len, 0, &st);
	assert_true(st.blocks[STORED] > 0);
	assert_int_equal(st.blocks[FIXED] + st.blocks[DYNAMIC], 0);
	/* Five bytes of header per 64 KiB piece, and a little per block. */
	assert_true(packed <= len + len / 65535 * 5 + 64 * (len / (128 * 1024) + 1));
	free(data);
}

static void test_repetitive_text_compresses(void **state)
{
	(void)state;
	size_t len = 1 << 20;
	unsigned char *text = timeline_text(len);
	struct inflate_stats st;

	size_t packed = round_trip(text, len, 0, &st);
	assert_true(st.blocks[DYNAMIC] > 0);
	assert_true(packed * 6 < len);
	free(text);
}

static void test_byte_at_a_time_matches_one_write(void **state)
{
	(void)state;
	size_t len = 400 * 1024; /* more than one buffer's worth, so the window slides */
	unsigned char *text = timeline_text(len);
	struct collected whole = compress(text, len, 0), bytes = compress(text, len, 1);

	/* Same stream, not just the same text: the input's cutting changes nothing. */
	assert_int_equal(whole.len, bytes.len);
	assert_memory_equal(whole.data, bytes.data, whole.len);
	round_trip(text, len, 1, NULL);
	free(whole.data);
	free(bytes.data);
	free(text);
}

static void test_megabytes_in_odd_pieces(void **state)
{
	(void)state;
	size_t len = 6 << 20, half = len / 2;
	unsigned char *data = timeline_text(len);
	unsigned char *noise = random_bytes(300 * 1024);
	struct inflate_stats st;

	/* Text, a stretch of noise (stored), then text again: block types change. */
	memcpy(data + half, noise, 300 * 1024);
	round_trip(data, len, 7919, &st);
	assert_true(st.blocks[STORED] > 0 && st.blocks[DYNAMIC] > 0);
	free(noise);
	free(data);
}

static void test_distance_at_the_window_edge(void **state)
{
	(void)state;
	size_t len = 3 * 32769;
	unsigned char *data = random_bytes(len);
	struct inflate_stats st;

	/* Noise repeating every 32768 bytes: the only long matches are the farthest. */
	for (size_t i = 32768; i < len; i++)
		data[i] = data[i - 32768];
	round_trip(data, len, 0, &st);
	assert_int_equal(st.max_dist, 32768);
	assert_int_equal(st.max_len, 258);

	/* Every 32769 bytes: out of reach, so only chance matches of a few bytes. */
	for (size_t i = 0; i < len; i++)
		data[i] = i < 32769 ? (unsigned char)rng() : data[i - 32769];
	round_trip(data, len, 0, &st);
	assert_true(st.max_len < 8);
	free(data);
}

/*
 * Rare bytes ('A' + 0..15) put between letters: at least three letters
 * apart, and only where the three letters on each side have not been next
 * to the same rare byte before, so no four bytes repeat and everything stays
 * a literal.
 */
static size_t sprinkle(unsigned char *out, const unsigned char *letters, size_t nletters,
                       const unsigned char *rare, size_t nrare)
{
	static uint8_t seen[16][4][4096 / 8]; /* by rare byte and its place in a window */
	size_t n = 0, r = 0, apart = 0;

	memset(seen, 0, sizeof seen);
	for (size_t c = 0; c < nletters; c++) {
		out[n++] = letters[c];
		if (r == nrare || ++apart < 3 || c < 2 || c + 3 >= nletters)
			continue;
		uint32_t around = 0; /* letters c-2 .. c+3, four bits each */
		for (size_t k = c - 2; k <= c + 3; k++)
			around = around << 4 | (uint32_t)(letters[k] - 'a');
		uint8_t(*mine)[4096 / 8] = seen[rare[r] - 'A'];
		bool fresh = true;
		for (int place = 0; place < 4; place++) {
			uint32_t key = (around >> (12 - 4 * place)) & 0xfff;
			fresh = fresh && !(mine[place][key / 8] >> (key % 8) & 1);
		}
		if (!fresh)
			continue;
		for (int place = 0; place < 4; place++) {
			uint32_t key = (around >> (12 - 4 * place)) & 0xfff;
			mine[place][key / 8] |= (uint8_t)(1u << (key % 8));
		}
		out[n++] = rare[r++];
		apart = 0;
	}
	assert_int_equal(r, nrare);
	return n;
}

static void test_skewed_frequencies_limit_code_lengths(void **state)
{
	(void)state;
	uint32_t fib[15] = {1, 1};
	unsigned char rare[1595];
	size_t nrare = 0, nletters = 16 * 1596;
	unsigned char *letters = unrepeated_bytes(nletters);
	unsigned char *data = malloc(nletters + sizeof rare);
	struct inflate_stats st;

	/* End-of-block once and fourteen bytes seen 1, 2, 3, 5 ... 610 times,
	 * 1596 in all, and sixteen letters seen about as often each: an optimal
	 * code is 18 bits deep, more than the 15 allowed. */
	for (int i = 2; i < 15; i++)
		fib[i] = fib[i - 1] + fib[i - 2];
	for (int i = 1; i < 15; i++)
		for (uint32_t k = 0; k < fib[i]; k++)
			rare[nrare++] = (unsigned char)('A' + i);
	assert_int_equal(nrare, sizeof rare);
	assert_non_null(data);
	size_t len = sprinkle(data, letters, nletters, rare, nrare);
	round_trip(data, len, 0, &st);
	assert_int_equal(st.blocks[DYNAMIC], 1);
	assert_int_equal(st.matches, 0);
	assert_int_equal(st.max_code_len, 15);
	free(data);
	free(letters);
}

static void test_block_without_matches(void **state)
{
	(void)state;
	unsigned char *data = unrepeated_bytes(8000);
	struct inflate_stats st;

	round_trip(data, 8000, 0, &st);
	assert_int_equal(st.blocks[DYNAMIC], 1);
	assert_int_equal(st.matches, 0);
	free(data);
}

static void test_block_with_one_distance(void **state)
{
	(void)state;
	unsigned char *data = unrepeated_bytes(8200);
	struct inflate_stats st;

	memcpy(data + 8000, data, 200);
	round_trip(data, 8200, 0, &st);
	assert_int_equal(st.blocks[DYNAMIC], 1);
	assert_int_equal(st.matches, 1);
	assert_int_equal(st.max_dist, 8000);
	assert_int_equal(st.max_len, 200);
	free(data);
}

static void test_sink_error_stops_the_stream(void **state)
{
	(void)state;
	size_t len = 2 << 20;
	unsigned char *data = random_bytes(len);
	struct collected c = {.fail_at = 2};
	struct deflate *d = deflate_new(collect, &c);
	int rc = 0;

	assert_non_null(d);
	for (size_t at = 0; at < len && rc == 0; at += 4096)
		rc = deflate_write(d, data + at, 4096);
	assert_int_equal(rc, -SS_EIO);
	assert_int_equal(c.calls, 2);
	/* Sticky: the same error, and the sink is not called again. */
	assert_int_equal(deflate_write(d, data, 4096), -SS_EIO);
	assert_int_equal(deflate_finish(d), -SS_EIO);
	assert_int_equal(deflate_finish(d), -SS_EIO);
	assert_int_equal(c.calls, 2);
	deflate_free(d);
	free(c.data);
	free(data);
}

static void test_sink_error_while_finishing(void **state)
{
	(void)state;
	const char text[] = "short enough to stay buffered until the end";
	struct collected c = {.fail_at = 1};
	struct deflate *d = deflate_new(collect, &c);

	assert_non_null(d);
	assert_int_equal(deflate_write(d, text, sizeof text), 0);
	assert_int_equal(c.calls, 0);
	assert_int_equal(deflate_finish(d), -SS_EIO);
	assert_int_equal(deflate_write(d, text, sizeof text), -SS_EIO);
	deflate_free(d);
}

static void test_write_after_finish_is_a_usage_error(void **state)
{
	(void)state;
	struct collected c = {0};
	struct deflate *d = deflate_new(collect, &c);

	assert_non_null(d);
	assert_int_equal(deflate_write(d, "abc", 3), 0);
	assert_int_equal(deflate_finish(d), 0);
	size_t len = c.len;
	assert_int_equal(deflate_finish(d), 0);
	assert_int_equal(c.len, len);
	assert_int_equal(deflate_write(d, "abc", 3), -SS_EUSAGE);
	deflate_free(d);
	deflate_free(NULL);
	free(c.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_input_is_one_fixed_block),
	    cmocka_unit_test(test_one_byte),
	    cmocka_unit_test(test_all_byte_values),
	    cmocka_unit_test(test_long_run_uses_longest_matches),
	    cmocka_unit_test(test_random_data_is_stored),
	    cmocka_unit_test(test_repetitive_text_compresses),
	    cmocka_unit_test(test_byte_at_a_time_matches_one_write),
	    cmocka_unit_test(test_megabytes_in_odd_pieces),
	    cmocka_unit_test(test_distance_at_the_window_edge),
	    cmocka_unit_test(test_skewed_frequencies_limit_code_lengths),
	    cmocka_unit_test(test_block_without_matches),
	    cmocka_unit_test(test_block_with_one_distance),
	    cmocka_unit_test(test_sink_error_stops_the_stream),
	    cmocka_unit_test(test_sink_error_while_finishing),
	    cmocka_unit_test(test_write_after_finish_is_a_usage_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
