/*
 * names.c - numbers to names for the arguments of socket calls: address
 * families, socket types, flags, option levels and names.  Tables, one row
 * per name, as the kernel's headers spell them.
 */
#include "names.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* clang-format off */
#define NAME(x) {x, #x}
/* clang-format on */

static const struct syscalls_name families[] = {
    NAME(AF_UNIX), NAME(AF_INET), NAME(AF_INET6), NAME(AF_NETLINK), NAME(AF_PACKET), {0, NULL},
};

static const struct syscalls_name types[] = {
    NAME(SOCK_STREAM), NAME(SOCK_DGRAM), NAME(SOCK_RAW), NAME(SOCK_SEQPACKET), {0, NULL},
};

static const struct syscalls_name levels[] = {
    NAME(SOL_SOCKET),  NAME(IPPROTO_IP),   NAME(IPPROTO_TCP),
    NAME(IPPROTO_UDP), NAME(IPPROTO_IPV6), {0, NULL},
};

static const struct syscalls_name socket_options[] = {
    NAME(SO_REUSEADDR), NAME(SO_REUSEPORT),    NAME(SO_KEEPALIVE), NAME(SO_BROADCAST),
    NAME(SO_LINGER),    NAME(SO_RCVBUF),       NAME(SO_SNDBUF),    NAME(SO_RCVTIMEO),
    NAME(SO_SNDTIMEO),  NAME(SO_ERROR),        NAME(SO_TYPE),      NAME(SO_DOMAIN),
    NAME(SO_PROTOCOL),  NAME(SO_ACCEPTCONN),   NAME(SO_OOBINLINE), NAME(SO_RCVLOWAT),
    NAME(SO_PRIORITY),  NAME(SO_BINDTODEVICE), NAME(SO_PASSCRED),  NAME(SO_PEERCRED),
    NAME(SO_TIMESTAMP), NAME(SO_MARK),         {0, NULL},
};

static const struct syscalls_name tcp_options[] = {
    NAME(TCP_NODELAY),
    NAME(TCP_MAXSEG),
    NAME(TCP_CORK),
    NAME(TCP_KEEPIDLE),
    NAME(TCP_KEEPINTVL),
    NAME(TCP_KEEPCNT),
    NAME(TCP_SYNCNT),
    NAME(TCP_LINGER2),
    NAME(TCP_DEFER_ACCEPT),
    NAME(TCP_WINDOW_CLAMP),
    NAME(TCP_INFO),
    NAME(TCP_QUICKACK),
    NAME(TCP_CONGESTION),
    NAME(TCP_USER_TIMEOUT),
    NAME(TCP_FASTOPEN),
    NAME(TCP_NOTSENT_LOWAT),
    {0, NULL},
};

static const struct syscalls_name ip_options[] = {
    NAME(IP_TOS),
    NAME(IP_TTL),
    NAME(IP_RECVERR),
    NAME(IP_MTU_DISCOVER),
    NAME(IP_PKTINFO),
    NAME(IP_MULTICAST_TTL),
    NAME(IP_MULTICAST_LOOP),
    NAME(IP_ADD_MEMBERSHIP),
    NAME(IP_BIND_ADDRESS_NO_PORT),
    {0, NULL},
};

static const struct syscalls_name ipv6_options[] = {
    NAME(IPV6_V6ONLY), NAME(IPV6_UNICAST_HOPS), NAME(IPV6_RECVERR), NAME(IPV6_TCLASS), {0, NULL},
};

static const struct syscalls_name msg_flags[] = {
    NAME(MSG_OOB),      NAME(MSG_PEEK),         NAME(MSG_DONTROUTE), NAME(MSG_DONTWAIT),
    NAME(MSG_EOR),      NAME(MSG_WAITALL),      NAME(MSG_TRUNC),     NAME(MSG_CTRUNC),
    NAME(MSG_NOSIGNAL), NAME(MSG_MORE),         NAME(MSG_CONFIRM),   NAME(MSG_ERRQUEUE),
    NAME(MSG_FASTOPEN), NAME(MSG_CMSG_CLOEXEC), {0, NULL},
};

static const struct syscalls_name socket_flags[] = {
    NAME(SOCK_NONBLOCK),
    NAME(SOCK_CLOEXEC),
    {0, NULL},
};

static const struct syscalls_name file_flags[] = {
    NAME(O_WRONLY), NAME(O_RDWR), NAME(O_APPEND), NAME(O_NONBLOCK), NAME(O_ASYNC), {0, NULL},
};

static const struct syscalls_name poll_events[] = {
    NAME(POLLIN),     NAME(POLLPRI),    NAME(POLLOUT),    NAME(POLLERR),
    NAME(POLLHUP),    NAME(POLLNVAL),   NAME(POLLRDHUP),  NAME(POLLRDNORM),
    NAME(POLLRDBAND), NAME(POLLWRNORM), NAME(POLLWRBAND), {0, NULL},
};

static const struct syscalls_name how_names[] = {
    NAME(SHUT_RD),
    NAME(SHUT_WR),
    NAME(SHUT_RDWR),
    {0, NULL},
};

const struct syscalls_name *const syscalls_families = families;
const struct syscalls_name *const syscalls_types = types;
const struct syscalls_name *const syscalls_levels = levels;
const struct syscalls_name *const syscalls_msg_flags = msg_flags;
const struct syscalls_name *const syscalls_socket_flags = socket_flags;
const struct syscalls_name *const syscalls_file_flags = file_flags;
const struct syscalls_name *const syscalls_poll_events = poll_events;
const struct syscalls_name *const syscalls_shutdown_how = how_names;

const struct syscalls_name *syscalls_option_names(long level)
{
	switch (level) {
	case SOL_SOCKET:
		return socket_options;
	case IPPROTO_TCP:
		return tcp_options;
	case IPPROTO_IP:
		return ip_options;
	case IPPROTO_IPV6:
		return ipv6_options;
	default:
		return NULL;
	}
}

const char *syscalls_name_of(const struct syscalls_name *table, long value, char *buf, size_t size)
{
	for (; table && table->name; table++)
		if (table->value == value)
			return table->name;
	snprintf(buf, size, "%ld", value);
	return buf;
}

const char *syscalls_flags_of(const struct syscalls_name *table, unsigned long value, char *buf,
                              size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (; table->name; table++) {
		if (!table->value ||
		    (value & (unsigned long)table->value) != (unsigned long)table->value)
			continue;
		used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%s%s",
		                         used ? " | " : "", table->name);
		value &= ~(unsigned long)table->value;
	}
	if (value || !used)
		snprintf(buf + used, used < size ? size - used : 0, "%s%#lx", used ? " | " : "",
		         value);
	return buf;
}
