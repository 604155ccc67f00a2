/*
 * json_scan.c - JSON as RFC 8259 has it, checked and taken apart without
 * building anything (see json_scan.h).
 */
#include "sockscope/json_scan.h"

#include <string.h>

enum { JSON_DEPTH = 32 };

struct scan {
	const unsigned char *p, *end;
	int depth;
};

static void skip_space(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static bool take(struct scan *s, unsigned char c)
{
	if (s->p < s->end && *s->p == c) {
		s->p++;
		return true;
	}
	return false;
}

static bool digits(struct scan *s)
{
	const unsigned char *from = s->p;
	while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
		s->p++;
	return s->p > from;
}

static bool scan_number(struct scan *s)
{
	take(s, '-');
	if (!take(s, '0') && !(s->p < s->end && *s->p >= '1' && *s->p <= '9' && digits(s)))
		return false;
	if (take(s, '.') && !digits(s))
		return false;
	if (take(s, 'e') || take(s, 'E')) {
		if (!take(s, '+'))
			take(s, '-');
		return digits(s);
	}
	return true;
}

static bool scan_string(struct scan *s)
{
	if (!take(s, '"'))
		return false;
	while (s->p < s->end) {
		unsigned char c = *s->p++;
		if (c == '"')
			return true;
		if (c < 0x20)
			return false;
		if (c != '\\')
			continue;
		if (s->p >= s->end)
			return false;
		c = *s->p++;
		if (c == 'u') {
			for (int i = 0; i < 4; i++, s->p++)
				if (s->p >= s->end || !strchr("0123456789abcdefABCDEF", *s->p) || !*s->p)
					return false;
		} else if (!c || !strchr("\"\\/bfnrt", c)) {
			return false;
		}
	}
	return false;
}

static bool scan_value(struct scan *s);

/* The members of an object or the items of an array, up to and with `close`. */
static bool scan_items(struct scan *s, unsigned char close, bool object)
{
	if (++s->depth > JSON_DEPTH)
		return false;
	skip_space(s);
	if (take(s, close)) {
		s->depth--;
		return true;
	}
	do {
		skip_space(s);
		if (object && !(scan_string(s) && (skip_space(s), take(s, ':'))))
			return false;
		if (!scan_value(s))
			return false;
		skip_space(s);
	} while (take(s, ','));
	s->depth--;
	return take(s, close);
}

static bool scan_literal(struct scan *s, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
		return false;
	s->p += n;
	return true;
}

static bool scan_value(struct scan *s)
{
	skip_space(s);
	if (s->p >= s->end)
		return false;
	switch (*s->p) {
	case '{':
		s->p++;
		return scan_items(s, '}', true);
	case '[':
		s->p++;
		return scan_items(s, ']', false);
	case '"':
		return scan_string(s);
	case 't':
		return scan_literal(s, "true");
	case 'f':
		return scan_literal(s, "false");
	case 'n':
		return scan_literal(s, "null");
	default:
		return scan_number(s);
	}
}

bool json_scan_valid(const char *text, size_t len)
{
	struct scan s = {(const unsigned char *)text, (const unsigned char *)text + len, 0};
	if (!scan_value(&s))
		return false;
	skip_space(&s);
	return s.p == s.end;
}

int json_scan_members(struct json_span obj, struct json_span *keys, struct json_span *values,
                      int max)
{
	struct scan s = {(const unsigned char *)obj.p, (const unsigned char *)obj.p + obj.n, 0};
	int n = 0;

	skip_space(&s);
	if (!take(&s, '{'))
		return -1;
	skip_space(&s);
	if (take(&s, '}'))
		return 0;
	do {
		skip_space(&s);
		const unsigned char *key = s.p;
		if (n == max || !scan_string(&s))
			return -1;
		keys[n] = (struct json_span){(const char *)key + 1, (size_t)(s.p - key) - 2};
		skip_space(&s);
		if (!take(&s, ':'))
			return -1;
		skip_space(&s);
		const unsigned char *value = s.p;
		if (!scan_value(&s))
			return -1;
		values[n++] = (struct json_span){(const char *)value, (size_t)(s.p - value)};
		skip_space(&s);
	} while (take(&s, ','));
	return take(&s, '}') ? n : -1;
}

