/*
 * json_scan.h - JSON text checked and taken apart in place, nothing built.
 *
 * json-c, even with JSON_TOKENER_STRICT, takes text that JSON (RFC 8259) and
 * so a browser's JSON.parse refuse: raw control characters in strings, single
 * quotes, "1.".  What the page will JSON.parse is checked here instead.  The
 * scanner allocates nothing; it reads every byte at most once and refuses
 * nesting deeper than 32.
 */
#ifndef SOCKSCOPE_JSON_SCAN_H
#define SOCKSCOPE_JSON_SCAN_H

#include <stdbool.h>
#include <stddef.h>

/* A piece of the text: n bytes at p. */
struct json_span {
	const char *p;
	size_t n;
};

/* Whether text[0, len) is one JSON value, with only JSON's white space around it. */
bool json_scan_valid(const char *text, size_t len);

/*
 * The members of a valid JSON object: each key as written between its quotes
 * (escapes left as they are) and each value as written.  Returns how many
 * (at most max), or -1 when obj is not an object or has more than max.
 */
int json_scan_members(struct json_span obj, struct json_span *keys, struct json_span *values,
                      int max);

#endif
