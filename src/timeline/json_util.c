/* json_util.c - small pieces shared by the timeline's parts. */
#include "parts.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

void timeline_emit_endpoint(struct emitter *e, const char *key, const struct ss_addr *addr,
                            uint16_t port, bool has_port)
{
	char text[SS_ADDR_STRLEN];

	emit_key(e, key);
	emit_begin_object(e);
	emit_kv_string(e, "addr", ss_addr_format(addr, text, sizeof text));
	if (has_port)
		emit_kv_int(e, "port", port);
	emit_end_object(e);
}

/* ISO 8601 has four-digit years: outside 0000-9999 the prefix stays empty. */
static void format_iso_prefix(struct timeline_writer *w, int64_t sec)
{
	struct tm tm;
	time_t t = (time_t)sec;
	char text[80];

	w->iso_prefix[0] = '\0';
	w->iso_sec = sec;
	if (gmtime_r(&t, &tm) && tm.tm_year >= -1900 && tm.tm_year <= 9999 - 1900 &&
	    snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
	             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec) == 19)
		memcpy(w->iso_prefix, text, 20);
}

/* The date and time change once a second at most: format them once per second.
 * "" for a time no ISO string can hold. */
const char *timeline_iso_prefix(struct timeline_writer *w, int64_t sec)
{
	if (sec != w->iso_sec || !w->iso_prefix[0])
		format_iso_prefix(w, sec);
	return w->iso_prefix;
}

/* A time no ISO string can hold is written as seconds since 1970, a number. */
void timeline_emit_iso_time(struct timeline_writer *w, int64_t sec, uint32_t nsec)
{
	char text[48];
	uint32_t micros = (nsec % 1000000000u) / 1000u;
	const char *prefix = timeline_iso_prefix(w, sec);
	size_t n = strlen(prefix);

	if (n == 0) {
		emit_kv_seconds(&w->events, "ts", (double)sec + (double)(nsec % 1000000000u) / 1e9);
		return;
	}
	memcpy(text, prefix, n);
	text[n] = '.';
	for (int i = 6; i >= 1; i--, micros /= 10)
		text[n + (size_t)i] = (char)('0' + micros % 10);
	memcpy(text + n + 7, "Z", 2);
	emit_kv_string(&w->events, "ts", text);
}

void timeline_emit_flow_id(struct emitter *e, const char *key, uint64_t id)
{
	emit_kv_int_or_null(e, key, id != 0, (int64_t)id);
}

const char *timeline_proto_name(enum decode_l4 proto)
{
	static const char *const names[] = {
	    [L4_NONE] = "none", [L4_TCP] = "tcp",       [L4_UDP] = "udp",
	    [L4_ICMP] = "icmp", [L4_ICMPV6] = "icmpv6", [L4_OTHER] = "other",
	};
	if ((size_t)proto >= SS_ARRAY_SIZE(names))
		return "other";
	return names[proto];
}
