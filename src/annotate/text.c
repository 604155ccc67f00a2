/* text.c - appending to a fixed buffer that never overflows and cuts at a word boundary. */
#include "annotate_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void text_init(struct text *t, char *buf, size_t size)
{
	t->buf = buf;
	t->size = size;
	t->len = 0;
	t->full = size == 0;
	if (size)
		buf[0] = '\0';
}

/* Cuts the piece that started at `start` back to its last space (or drops it). */
static void text_cut(struct text *t, size_t start)
{
	size_t end = t->size - 1;

	while (end > start && t->buf[end] != ' ')
		end--;
	t->len = end;
	t->buf[end] = '\0';
	t->full = true;
}

/* Appends n bytes, or cuts the piece started at `start` when they do not fit. */
static bool put(struct text *t, size_t start, const char *s, size_t n)
{
	if (n >= t->size - t->len) {
		text_cut(t, start);
		return false;
	}
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	return true;
}

static bool put_unsigned(struct text *t, size_t start, unsigned long long v, bool negative)
{
	char digits[24], *p = digits + sizeof digits;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (negative)
		*--p = '-';
	return put(t, start, p, (size_t)(digits + sizeof digits - p));
}

static bool put_signed(struct text *t, size_t start, long long v)
{
	unsigned long long magnitude = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	return put_unsigned(t, start, magnitude, v < 0);
}

/* One conversion of the few this module uses; false when the text is full.
 * *known is cleared for a conversion it does not handle. */
static bool put_conversion(struct text *t, size_t start, const char **fmt, va_list *ap, bool *known)
{
	const char *f = *fmt;
	char num[352]; /* "%.6f" of the largest double is 316 characters */

	if (f[0] == 's') {
		const char *s = va_arg(*ap, const char *);
		*fmt = f + 1;
		return put(t, start, s, strlen(s));
	}
	if (f[0] == 'u' || f[0] == 'd') {
		*fmt = f + 1;
		return f[0] == 'u' ? put_unsigned(t, start, va_arg(*ap, unsigned), false)
		                   : put_signed(t, start, va_arg(*ap, int));
	}
	if (f[0] == 'l' && f[1] == 'l' && (f[2] == 'u' || f[2] == 'd')) {
		*fmt = f + 3;
		return f[2] == 'u' ? put_unsigned(t, start, va_arg(*ap, unsigned long long), false)
		                   : put_signed(t, start, va_arg(*ap, long long));
	}
	if (f[0] == '.' && f[1] == '6' && f[2] == 'f') {
		*fmt = f + 3;
		int n = snprintf(num, sizeof num, "%.6f", va_arg(*ap, double));
		size_t len = n < 0 ? 0 : (size_t)n < sizeof num ? (size_t)n : sizeof num - 1;
		return put(t, start, num, len);
	}
	if (f[0] == '%') {
		*fmt = f + 1;
		return put(t, start, "%", 1);
	}
	*known = false;
	return false;
}

/*
 * printf for the conversions this module uses (%s %u %d %llu %lld %.6f %%),
 * without vsnprintf's cost on every sentence of every packet; any other
 * conversion goes to vsnprintf.
 */
void text_add(struct text *t, const char *fmt, ...)
{
	size_t start = t->len;
	bool known = true;
	va_list ap, again;

	if (t->full)
		return;
	va_start(ap, fmt);
	va_copy(again, ap);
	for (const char *f = fmt; *f && known;) {
		const char *pct = strchr(f, '%');
		size_t plain = pct ? (size_t)(pct - f) : strlen(f);
		if (!put(t, start, f, plain))
			goto out;
		if (!pct)
			break;
		f = pct + 1;
		if (!put_conversion(t, start, &f, &ap, &known) && known)
			goto out;
	}
	if (!known) {
		t->len = start;
		int n = vsnprintf(t->buf + t->len, t->size - t->len, fmt, again);
		if (n >= 0 && (size_t)n < t->size - t->len)
			t->len += (size_t)n;
		else if (n >= 0)
			text_cut(t, start);
	}
out:
	t->buf[t->len] = '\0';
	va_end(again);
	va_end(ap);
}

const char *text_plural(unsigned long long n)
{
	return n == 1 ? "" : "s";
}
