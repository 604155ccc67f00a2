/* common.c - error names and address helpers shared by every module. */
#include "sockscope/common.h"

#include <arpa/inet.h>
#include <string.h>

static const char *const error_names[] = {
    [SS_OK] = "ok",
    [SS_ETRUNC] = "truncated",
    [SS_EMALFORMED] = "malformed",
    [SS_EUNSUPPORTED] = "unsupported",
    [SS_ENOMEM] = "out of memory",
    [SS_EIO] = "input/output error",
    [SS_EPERM] = "not permitted",
    [SS_EUSAGE] = "usage error",
};

const char *ss_strerror(int code)
{
	if (code < 0)
		code = -code;
	if ((size_t)code >= SS_ARRAY_SIZE(error_names) || !error_names[code])
		return "unknown error";
	return error_names[code];
}

/* Dotted quad by hand: inet_ntop goes through sprintf, once per address per packet. */
static char *format_ipv4(const uint8_t *bytes, char *buf)
{
	char *p = buf;
	for (int i = 0; i < 4; i++) {
		unsigned v = bytes[i];
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		*p++ = i < 3 ? '.' : '\0';
	}
	return buf;
}

char *ss_addr_format(const struct ss_addr *addr, char *buf, size_t size)
{
	if (addr->family == 4 && size >= 16)
		return format_ipv4(addr->bytes, buf);
	int af = addr->family == 6 ? AF_INET6 : AF_INET;
	if (size == 0)
		return buf;
	if (addr->family == 0 || !inet_ntop(af, addr->bytes, buf, (socklen_t)size))
		buf[0] = '\0';
	return buf;
}

bool ss_addr_equal(const struct ss_addr *a, const struct ss_addr *b)
{
	return ss_addr_compare(a, b) == 0;
}

int ss_addr_compare(const struct ss_addr *a, const struct ss_addr *b)
{
	size_t len = a->family == 6 ? 16 : 4;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->bytes, b->bytes, len);
}
