/* text.c - appending to a fixed buffer that never overflows and cuts at a word boundary. */
#include "annotate_internal.h"

#include <stdarg.h>
#include <stdio.h>

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

void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	size_t room;
	int n;

	if (t->full)
		return;
	room = t->size - t->len;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, room, fmt, ap);
	va_end(ap);
	if (n < 0) {
		t->buf[t->len] = '\0';
		return;
	}
	if ((size_t)n < room)
		t->len += (size_t)n;
	else
		text_cut(t, t->len);
}

const char *text_plural(unsigned long long n)
{
	return n == 1 ? "" : "s";
}
