/* emit.c - the streaming JSON writer (see emit.h for why it exists). */
#include "emit.h"

#include <errno.h>
#include <math.h>
#include <string.h>

void emit_init(struct emitter *e, FILE *out)
{
	e->out = out;
	e->len = 0;
	e->depth = 0;
	e->after_key = false;
	e->failed = false;
	e->error = 0;
	e->has_items[0] = false;
}

bool emit_flush(struct emitter *e)
{
	if (e->len && fwrite(e->buf, 1, e->len, e->out) != e->len && !e->failed) {
		e->failed = true;
		e->error = errno;
	}
	e->len = 0;
	return !e->failed;
}

/* Room for n more bytes; n is always far below EMIT_BUFFER. */
static inline char *reserve(struct emitter *e, size_t n)
{
	if (EMIT_BUFFER - e->len < n)
		emit_flush(e);
	return e->buf + e->len;
}

static inline void put_bytes(struct emitter *e, const char *text, size_t n)
{
	while (n) {
		size_t room = EMIT_BUFFER - e->len;
		if (room == 0) {
			emit_flush(e);
			continue;
		}
		size_t chunk = n < room ? n : room;
		memcpy(e->buf + e->len, text, chunk);
		e->len += chunk;
		text += chunk;
		n -= chunk;
	}
}

static inline void put_char(struct emitter *e, char c)
{
	*reserve(e, 1) = c;
	e->len++;
}

void emit_raw(struct emitter *e, const char *text)
{
	put_bytes(e, text, strlen(text));
}

/* A comma before every value but the first of its object or array. */
static void before_value(struct emitter *e)
{
	if (e->after_key) {
		e->after_key = false;
		return;
	}
	if (e->has_items[e->depth])
		put_char(e, ',');
	e->has_items[e->depth] = true;
}

static void begin(struct emitter *e, char open)
{
	before_value(e);
	put_char(e, open);
	if (e->depth + 1 < EMIT_MAX_DEPTH)
		e->depth++;
	e->has_items[e->depth] = false;
}

static void end(struct emitter *e, char close)
{
	put_char(e, close);
	if (e->depth > 0)
		e->depth--;
}

void emit_line_break(struct emitter *e)
{
	if (e->has_items[e->depth])
		put_bytes(e, ",\n", 2);
	else
		put_char(e, '\n');
	e->has_items[e->depth] = false; /* the comma is written: the next item adds none */
}

void emit_end_line(struct emitter *e)
{
	put_char(e, '\n');
	e->has_items[e->depth] = false;
}

void emit_begin_object(struct emitter *e)
{
	begin(e, '{');
}

void emit_end_object(struct emitter *e)
{
	end(e, '}');
}

void emit_begin_array(struct emitter *e)
{
	begin(e, '[');
}

void emit_end_array(struct emitter *e)
{
	end(e, ']');
}

/* True when any of the 8 bytes in x needs escaping: < 0x20, >= 0x80, '"' or '\\'
 * (the "has a zero byte" bit trick, so clean text is scanned a word at a time). */
static inline bool word_needs_escape(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t quote = x ^ (ones * '"'), backslash = x ^ (ones * '\\');
	uint64_t below_space = (x - ones * 0x20) & ~x;

	return ((below_space | x | ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash)) &
	        highs) != 0;
}

/* Length of the leading run of s[0..n) that can be copied as is. */
static size_t clean_prefix(const char *s, size_t n)
{
	size_t i = 0;
	uint64_t word;

	for (; i + 8 <= n; i += 8) {
		memcpy(&word, s + i, 8);
		if (word_needs_escape(word))
			break;
	}
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\')
			break;
	}
	return i;
}

static void put_escape(struct emitter *e, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	const char *simple = c == '"'    ? "\\\""
	                     : c == '\\' ? "\\\\"
	                     : c == '\n' ? "\\n"
	                     : c == '\r' ? "\\r"
	                     : c == '\t' ? "\\t"
	                     : c == '\b' ? "\\b"
	                     : c == '\f' ? "\\f"
	                                 : NULL;
	char *p = reserve(e, 6);

	if (simple) {
		memcpy(p, simple, 2);
		e->len += 2;
		return;
	}
	memcpy(p, "\\u00", 4);
	p[4] = hex[c >> 4];
	p[5] = hex[c & 15];
	e->len += 6;
}

static void put_escaped(struct emitter *e, const char *text, size_t n)
{
	while (n) {
		size_t run = clean_prefix(text, n);
		put_bytes(e, text, run);
		if (run == n)
			return;
		put_escape(e, (unsigned char)text[run]);
		text += run + 1;
		n -= run + 1;
	}
}

void emit_key(struct emitter *e, const char *key)
{
	size_t n = strlen(key);
	char *p;

	if (n > 256) { /* keys are the program's own short words; this never happens */
		emit_string(e, key);
		put_char(e, ':');
		e->after_key = true;
		return;
	}
	before_value(e);
	p = reserve(e, n + 3);
	p[0] = '"';
	memcpy(p + 1, key, n); /* keys are the program's own words: nothing to escape */
	p[n + 1] = '"';
	p[n + 2] = ':';
	e->len += n + 3;
	e->after_key = true;
}

void emit_string_n(struct emitter *e, const char *text, size_t len)
{
	before_value(e);
	put_char(e, '"');
	put_escaped(e, text, len);
	put_char(e, '"');
}

void emit_string(struct emitter *e, const char *text)
{
	emit_string_n(e, text, strlen(text));
}

/* Digits of v, right to left, into the end of buf; returns the first digit. */
static char *format_u64(uint64_t v, char *end)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

void emit_int(struct emitter *e, int64_t value)
{
	char buf[24];
	uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
	char *start = format_u64(magnitude, buf + sizeof buf);

	before_value(e);
	if (value < 0)
		*--start = '-';
	put_bytes(e, start, (size_t)(buf + sizeof buf - start));
}

void emit_bool(struct emitter *e, bool value)
{
	before_value(e);
	put_bytes(e, value ? "true" : "false", value ? 4 : 5);
}

void emit_null(struct emitter *e)
{
	before_value(e);
	put_bytes(e, "null", 4);
}

void emit_seconds(struct emitter *e, double value)
{
	char buf[352]; /* "%.6f" of the largest double is 316 characters */
	bool negative = value < 0;
	double scaled = fabs(value) * 1e6;

	before_value(e);
	if (!isfinite(value) || scaled > 9e15) { /* beyond exact integers: let printf do it */
		int n = snprintf(buf, sizeof buf, "%.6f", isfinite(value) ? value : 0.0);
		put_bytes(e, buf, n < 0 ? 0 : (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
		return;
	}
	uint64_t us = (uint64_t)llround(scaled);
	char *p = buf + sizeof buf;
	for (int i = 0; i < 6; i++, us /= 10)
		*--p = (char)('0' + us % 10);
	*--p = '.';
	p = format_u64(us, p);
	if (negative)
		*--p = '-';
	put_bytes(e, p, (size_t)(buf + sizeof buf - p));
}

void emit_kv_string(struct emitter *e, const char *key, const char *text)
{
	emit_key(e, key);
	emit_string(e, text);
}

void emit_kv_int(struct emitter *e, const char *key, int64_t value)
{
	emit_key(e, key);
	emit_int(e, value);
}

void emit_kv_bool(struct emitter *e, const char *key, bool value)
{
	emit_key(e, key);
	emit_bool(e, value);
}

void emit_kv_seconds(struct emitter *e, const char *key, double value)
{
	emit_key(e, key);
	emit_seconds(e, value);
}

void emit_kv_int_or_null(struct emitter *e, const char *key, bool known, int64_t value)
{
	emit_key(e, key);
	if (known)
		emit_int(e, value);
	else
		emit_null(e);
}
