/*
 * emit.h - a streaming JSON writer for the timeline's hot path.
 *
 * Why not json-c trees: building a json-c object per field cost ~60% of the
 * run time in malloc/free (bench/README.md).  The emitter writes text straight
 * into a reused buffer that is flushed to the FILE in large blocks, so a packet
 * event costs no allocation.  Output is the same compact form json-c writes
 * (JSON_C_TO_STRING_PLAIN | NOSLASHESCAPE), so either can produce a golden file.
 *
 * Commas are the emitter's business: the caller says key, value, begin, end.
 * Strings are escaped as JSON requires; bytes >= 0x80 are written as \u00XX
 * (Latin-1), so whatever a capture holds, the document is valid UTF-8 JSON.
 */
#ifndef SOCKSCOPE_TIMELINE_EMIT_H
#define SOCKSCOPE_TIMELINE_EMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define EMIT_MAX_DEPTH 16
#define EMIT_BUFFER    65536

struct emitter {
	FILE *out;
	size_t len;
	int depth;
	bool after_key;
	bool failed;
	int error; /* errno of the first failed write */
	bool has_items[EMIT_MAX_DEPTH];
	char buf[EMIT_BUFFER];
};

void emit_init(struct emitter *e, FILE *out);
/* Writes the buffer out; returns false if writing ever failed. */
bool emit_flush(struct emitter *e);

void emit_raw(struct emitter *e, const char *text); /* verbatim, no comma logic */
void emit_begin_object(struct emitter *e);
void emit_end_object(struct emitter *e);
void emit_begin_array(struct emitter *e);
void emit_end_array(struct emitter *e);
void emit_key(struct emitter *e, const char *key);
/* Starts a new line before the next item of the current object or array,
 * with the comma that separates it from the previous one ("\n" or ",\n"). */
void emit_line_break(struct emitter *e);
/* Ends a line after a complete top-level value: "\n", and the next value
 * starts a new one, with no comma (JSON Lines). */
void emit_end_line(struct emitter *e);

void emit_string(struct emitter *e, const char *text);
void emit_string_n(struct emitter *e, const char *text, size_t len);
void emit_int(struct emitter *e, int64_t value);
void emit_bool(struct emitter *e, bool value);
void emit_null(struct emitter *e);
/* A number with exactly six decimals, as printf("%.6f") would write it. */
void emit_seconds(struct emitter *e, double value);

/* key + value in one call, for the common cases */
void emit_kv_string(struct emitter *e, const char *key, const char *text);
void emit_kv_int(struct emitter *e, const char *key, int64_t value);
void emit_kv_bool(struct emitter *e, const char *key, bool value);
void emit_kv_seconds(struct emitter *e, const char *key, double value);
/* an integer, or null when `known` is false */
void emit_kv_int_or_null(struct emitter *e, const char *key, bool known, int64_t value);

#endif
