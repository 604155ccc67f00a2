/*
 * cursor.h - bounds-checked reads from an untrusted byte range.
 *
 * Invariant: p <= end.  Every read first proves that it lies inside [p, end);
 * on failure it returns false and leaves both the cursor and the output
 * untouched, so a decoder can record how far it got.  The comparisons are on
 * the remaining length (end - p), never on p + n, so they cannot overflow.
 */
#ifndef SOCKSCOPE_CURSOR_H
#define SOCKSCOPE_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cursor {
	const uint8_t *start; /* first byte of the frame: offsets are counted from here */
	const uint8_t *p;
	const uint8_t *end;
};

static inline struct cursor cursor_make(const uint8_t *data, size_t len)
{
	struct cursor c = {data, data, data + len};
	return c;
}

static inline size_t cursor_left(const struct cursor *c)
{
	return (size_t)(c->end - c->p);
}

static inline size_t cursor_offset(const struct cursor *c)
{
	return (size_t)(c->p - c->start);
}

static inline bool cursor_has(const struct cursor *c, size_t n)
{
	return cursor_left(c) >= n;
}

static inline bool cursor_skip(struct cursor *c, size_t n)
{
	if (!cursor_has(c, n))
		return false;
	c->p += n;
	return true;
}

static inline bool cursor_u8(struct cursor *c, uint8_t *v)
{
	if (!cursor_has(c, 1))
		return false;
	*v = c->p[0];
	c->p += 1;
	return true;
}

static inline bool cursor_u16be(struct cursor *c, uint16_t *v)
{
	if (!cursor_has(c, 2))
		return false;
	*v = (uint16_t)(c->p[0] << 8 | c->p[1]);
	c->p += 2;
	return true;
}

static inline bool cursor_u16le(struct cursor *c, uint16_t *v)
{
	if (!cursor_has(c, 2))
		return false;
	*v = (uint16_t)(c->p[1] << 8 | c->p[0]);
	c->p += 2;
	return true;
}

static inline bool cursor_u32be(struct cursor *c, uint32_t *v)
{
	if (!cursor_has(c, 4))
		return false;
	*v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 | (uint32_t)c->p[2] << 8 |
	     (uint32_t)c->p[3];
	c->p += 4;
	return true;
}

static inline bool cursor_bytes(struct cursor *c, void *out, size_t n)
{
	if (!cursor_has(c, n))
		return false;
	memcpy(out, c->p, n);
	c->p += n;
	return true;
}

/* A sub-cursor over the next n bytes (or fewer, if fewer remain); c is not moved. */
static inline struct cursor cursor_window(const struct cursor *c, size_t n)
{
	struct cursor w = *c;
	if (cursor_left(c) > n)
		w.end = c->p + n;
	return w;
}

#endif
