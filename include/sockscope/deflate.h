/*
 * deflate.h - a streaming raw DEFLATE compressor (RFC 1951).
 *
 * The output has no zlib or gzip wrapper: it is what zlib's raw inflate
 * (inflateInit2 with -15 window bits), Node's zlib.inflateRawSync and the
 * browser's DecompressionStream("deflate-raw") read.  It is tuned for speed
 * on large, repetitive text such as a JSON timeline: one pass, LZ77 over a
 * 32 KiB window with a hash table of recent positions, and each block
 * written with its own Huffman codes, fixed codes or stored, whichever is
 * smallest.  The output depends only on the input, not on how it is split
 * between calls of deflate_write.
 *
 * Memory is fixed when the compressor is made (well under a megabyte) and
 * does not grow with the input.  Compressed bytes reach the sink in order,
 * in pieces of any size, as blocks are finished; a stream is complete only
 * after deflate_finish.
 *
 * Sink errors are sticky: once the sink fails, every later call on the
 * same compressor returns its error and the sink is not called again.
 */
#ifndef SOCKSCOPE_DEFLATE_H
#define SOCKSCOPE_DEFLATE_H

#include <stddef.h>

/* Receives compressed bytes; returns 0, or a negative SS_E* code to stop
 * the stream (that code is what the compressor's calls then return; a
 * positive value counts as -SS_EIO). */
typedef int (*deflate_sink)(void *ctx, const unsigned char *data, size_t len);

struct deflate;

/* A compressor that writes to `sink`; NULL when out of memory. */
struct deflate *deflate_new(deflate_sink sink, void *ctx);

/*
 * Compresses `len` bytes (the compressor copies what it keeps).  Returns 0,
 * or the sink's negative error, or -SS_EUSAGE after deflate_finish.
 */
int deflate_write(struct deflate *d, const void *data, size_t len);

/*
 * Compresses what is left, writes the final block and pads the stream to a
 * whole byte.  Returns 0 or the sink's negative error; calling it again
 * returns the same result without writing anything.
 */
int deflate_finish(struct deflate *d);

/* Frees the compressor; NULL is ignored. */
void deflate_free(struct deflate *d);

#endif
