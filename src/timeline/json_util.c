/* json_util.c - small json-c builders shared by the timeline's parts. */
#include "parts.h"

#include <stdio.h>
#include <time.h>

json_object *timeline_json_fixed(double value, int decimals)
{
	char text[48];
	snprintf(text, sizeof text, "%.*f", decimals, value);
	/* json-c writes the given text verbatim, so "0.000100" stays as is */
	return json_object_new_double_s(value, text);
}

json_object *timeline_json_endpoint(const struct ss_addr *addr, uint16_t port, bool has_port)
{
	char text[SS_ADDR_STRLEN];
	json_object *obj = json_object_new_object();

	json_object_object_add(obj, "addr",
	                       json_object_new_string(ss_addr_format(addr, text, sizeof text)));
	if (has_port)
		json_object_object_add(obj, "port", json_object_new_int(port));
	return obj;
}

json_object *timeline_json_iso_time(int64_t sec, uint32_t nsec)
{
	char text[64];
	struct tm tm;
	time_t t = (time_t)sec;

	if (!gmtime_r(&t, &tm))
		return json_object_new_string("");
	size_t n = strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(text + n, sizeof text - n, ".%06uZ", nsec / 1000u);
	return json_object_new_string(text);
}

json_object *timeline_json_flow_id(uint64_t id)
{
	return id ? json_object_new_int64((int64_t)id) : NULL;
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
