/*
 * proc.c - the kernel's counters from /proc/net/netstat, snmp and snmp6,
 * named as nstat names them.
 *
 * netstat and snmp come in pairs of lines, "TcpExt: SyncookiesSent ..." then
 * "TcpExt: 0 ...": the name is the prefix without its colon followed by the
 * column's name ("TcpExtSyncookiesSent").  snmp6 has one "Ip6InReceives 12"
 * per line.  The text is hostile: a line that does not parse is skipped, a
 * values line that does not match its names line adds nothing.
 */
#include "sockscope/kernel.h"
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 8192

bool kernel_reserve(void **items, size_t *capacity, size_t count, size_t item_size, size_t first)
{
	if (count < *capacity)
		return true;
	size_t more = *capacity ? *capacity * 2 : first;
	void *grown = realloc(*items, more * item_size);
	if (!grown)
		return false;
	*items = grown;
	*capacity = more;
	return true;
}

void kernel_counters_free(struct kernel_counters *c)
{
	free(c->items);
	memset(c, 0, sizeof *c);
}

/* nstat's names are letters, digits and '_': anything else is not a counter (and
 * could not be written as a JSON key unescaped). */
static bool plain_name(const char *name, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_')
			return false;
	return len > 0;
}

static int add_counter(struct kernel_counters *c, const char *prefix, size_t prefix_len,
                       const char *name, size_t name_len, int64_t value)
{
	if (prefix_len + name_len + 1 > KERNEL_COUNTER_NAME_MAX || !plain_name(name, name_len) ||
	    (prefix_len && !plain_name(prefix, prefix_len)))
		return 0; /* too long for nstat's table, or not a name at all */
	if (!kernel_reserve((void **)&c->items, &c->capacity, c->count, sizeof *c->items, 256))
		return -SS_ENOMEM;
	struct kernel_counter *k = &c->items[c->count++];
	memcpy(k->name, prefix, prefix_len);
	memcpy(k->name + prefix_len, name, name_len);
	k->name[prefix_len + name_len] = '\0';
	k->value = value;
	return 1;
}

/* One whitespace-separated token from *p (up to end); false when none is left. */
static bool next_token(const char **p, const char *end, const char **tok, size_t *len)
{
	const char *s = *p;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s == end)
		return false;
	*tok = s;
	while (s < end && *s != ' ' && *s != '\t')
		s++;
	*len = (size_t)(s - *tok);
	*p = s;
	return true;
}

/* A decimal integer, maybe negative (Tcp MaxConn is -1), filling the whole token. */
static bool parse_value(const char *tok, size_t len, int64_t *value)
{
	char text[32];
	char *end;

	if (len == 0 || len >= sizeof text)
		return false;
	memcpy(text, tok, len);
	text[len] = '\0';
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (errno || *end)
		return false;
	*value = v;
	return true;
}

/* The prefix of "TcpExt: ..." ("TcpExt"), or false when the line has none. */
static bool line_prefix(const char *line, const char *end, size_t *len)
{
	const char *colon = memchr(line, ':', (size_t)(end - line));

	if (!colon || colon == line || colon + 1 > end)
		return false;
	for (const char *s = line; s < colon; s++)
		if (*s == ' ' || *s == '\t')
			return false;
	*len = (size_t)(colon - line);
	return true;
}

static size_t count_tokens(const char *p, const char *end)
{
	const char *tok;
	size_t len, n = 0;

	while (next_token(&p, end, &tok, &len))
		n++;
	return n;
}

/* Checks that every value of the line parses before any counter is added. */
static bool values_line_ok(const char *p, const char *end)
{
	const char *tok;
	size_t len;
	int64_t v;

	while (next_token(&p, end, &tok, &len))
		if (!parse_value(tok, len, &v))
			return false;
	return true;
}

static int add_pair(struct kernel_counters *out, const char *names, const char *names_end,
                    const char *values, const char *values_end, size_t prefix_len)
{
	const char *n = names + prefix_len + 1, *v = values + prefix_len + 1;
	const char *ntok, *vtok;
	size_t nlen, vlen;
	int added = 0;

	if (count_tokens(n, names_end) != count_tokens(v, values_end) ||
	    !values_line_ok(v, values_end))
		return 0;
	while (next_token(&n, names_end, &ntok, &nlen) &&
	       next_token(&v, values_end, &vtok, &vlen)) {
		int64_t value = 0;
		parse_value(vtok, vlen, &value);
		int rc = add_counter(out, names, prefix_len, ntok, nlen, value);
		if (rc < 0)
			return rc;
		added += rc;
	}
	return added;
}

static const char *line_end(const char *p)
{
	const char *nl = strchr(p, '\n');
	return nl ? nl : p + strlen(p);
}

int kernel_counters_parse_pairs(struct kernel_counters *out, const char *text)
{
	const char *p = text;
	int added = 0;

	while (*p) {
		const char *end = line_end(p), *next = *end ? end + 1 : end;
		size_t plen, plen2;
		if (!line_prefix(p, end, &plen) || !*next) {
			p = next;
			continue;
		}
		const char *vend = line_end(next);
		if (!line_prefix(next, vend, &plen2) || plen2 != plen ||
		    memcmp(p, next, plen) != 0) {
			p = next; /* not a pair: try again from the second line */
			continue;
		}
		int rc = add_pair(out, p, end, next, vend, plen);
		if (rc < 0)
			return rc;
		added += rc;
		p = *vend ? vend + 1 : vend;
	}
	return added;
}

int kernel_counters_parse_flat(struct kernel_counters *out, const char *text)
{
	const char *p = text;
	int added = 0;

	while (*p) {
		const char *end = line_end(p), *s = p, *name, *val;
		size_t nlen, vlen;
		int64_t value;
		if (next_token(&s, end, &name, &nlen) && next_token(&s, end, &val, &vlen) &&
		    count_tokens(s, end) == 0 && parse_value(val, vlen, &value)) {
			int rc = add_counter(out, "", 0, name, nlen, value);
			if (rc < 0)
				return rc;
			added += rc;
		}
		p = *end ? end + 1 : end;
	}
	return added;
}

const struct kernel_counter *kernel_counters_find(const struct kernel_counters *c, const char *name)
{
	for (size_t i = 0; i < c->count; i++)
		if (strcmp(c->items[i].name, name) == 0)
			return &c->items[i];
	return NULL;
}
