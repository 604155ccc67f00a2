/*
 * calls.c - the socket API with a log (see calls.h).
 *
 * Every wrapper follows one pattern: demo_call_begin stamps the start, the
 * real call runs, errno is saved at once, the socket's addresses are read
 * (before the call for close, which destroys them), and demo_log_finish
 * stamps the return.  errno is restored last so callers can test it.
 */
#include "calls.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/un.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct actor demo_actor(struct demo_log *log, const char *side)
{
	struct actor a = {.log = log};
	snprintf(a.side, sizeof(a.side), "%s", side);
	return a;
}

struct sockaddr_storage demo_loopback4(uint16_t port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;

	memset(&ss, 0, sizeof(ss));
	in->sin_family = AF_INET;
	in->sin_port = htons(port);
	in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return ss;
}

struct sockaddr_storage demo_loopback6(uint16_t port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(port);
	in6->sin6_addr = in6addr_loopback;
	return ss;
}

socklen_t demo_sockaddr_len(const struct sockaddr_storage *addr)
{
	if (addr->ss_family == AF_INET)
		return sizeof(struct sockaddr_in);
	if (addr->ss_family == AF_INET6)
		return sizeof(struct sockaddr_in6);
	if (addr->ss_family == AF_UNIX) {
		const struct sockaddr_un *un = (const struct sockaddr_un *)addr;
		size_t name = un->sun_path[0] ? strlen(un->sun_path) + 1
		                              : 1 + strlen(un->sun_path + 1); /* abstract */
		return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + name);
	}
	return sizeof(*addr);
}

const char *demo_format_sockaddr(const struct sockaddr_storage *addr, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN] = "?";

	if (addr->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)addr;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		snprintf(buf, size, "%s:%u", host, ntohs(in->sin_port));
	} else if (addr->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)addr;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		snprintf(buf, size, "[%s]:%u", host, ntohs(in6->sin6_port));
	} else if (addr->ss_family == AF_UNIX) {
		const struct sockaddr_un *un = (const struct sockaddr_un *)addr;
		/* an abstract name starts with NUL; ss shows it as '@' */
		snprintf(buf, size, "%s%.60s", un->sun_path[0] ? "" : "@",
		         un->sun_path + !un->sun_path[0]);
	} else {
		snprintf(buf, size, "(family %d)", addr->ss_family);
	}
	return buf;
}

/* Whether none of the eight bytes in x needs escaping: each is printable
 * ASCII (0x20 to 0x7e) and not '"' or '\\'.  Bytewise tests without a
 * branch per byte (a byte's high bit marks it): the shim runs this on every
 * call's data. */
static bool plain8(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
#define ZERO_BYTE(v) (((v)-ones) & ~(v)&high)
	uint64_t below_space = (x - ones * 0x20) & ~x & high; /* exact once no high bit is set */
	return !(x & high) && !below_space && !ZERO_BYTE(x ^ (ones * 0x7f)) &&
	       !ZERO_BYTE(x ^ (ones * '"')) && !ZERO_BYTE(x ^ (ones * '\\'));
#undef ZERO_BYTE
}

size_t demo_preview_n(const void *data, size_t len, char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = data;
	size_t out = 0, i = 0;

	/* printable ASCII as it is (not isprint(): the shim runs in the traced
	 * program's locale), the rest escaped; no printf: it runs for every call */
	while (i < len && out + 5 < size) {
		uint64_t eight;
		if (len - i >= 8 && size - out > 8 + 5 && (memcpy(&eight, p + i, 8), plain8(eight))) {
			memcpy(buf + out, p + i, 8);
			out += 8;
			i += 8;
			continue;
		}
		unsigned char c = p[i++];
		if (c == '\n') {
			buf[out++] = '\\';
			buf[out++] = 'n';
		} else if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			buf[out++] = (char)c;
		} else {
			buf[out++] = '\\';
			buf[out++] = 'x';
			buf[out++] = hex[c >> 4];
			buf[out++] = hex[c & 15];
		}
	}
	buf[out] = '\0';
	return out;
}

const char *demo_preview(const void *data, ssize_t len, char *buf, size_t size)
{
	demo_preview_n(data, len > 0 ? (size_t)len : 0, buf, size);
	return buf;
}

/*
 * Starts a call on an existing socket: its addresses are read now, too, so a
 * call that ends the connection (recv seeing RST, shutdown) still names it.
 * The start is stamped last, right before the real call.
 */
static void begin_on_socket(struct demo_call *c, const struct actor *a, const char *name, int fd)
{
	struct timespec now;

	demo_call_begin(c, a->side, name);
	demo_call_tuple(c, fd);
	clock_gettime(CLOCK_REALTIME, &now);
	c->start_sec = now.tv_sec;
	c->start_nsec = (uint32_t)now.tv_nsec;
}

int demo_socket(const struct actor *a, int domain, int type, int protocol)
{
	struct demo_call c;
	demo_call_begin(&c, a->side, "socket");
	int fd = socket(domain, type, protocol);
	int err = fd < 0 ? errno : 0;
	demo_call_tuple(&c, fd);
	demo_log_finish(a->log, &c, fd, err, "%s, %s%s, %d",
	                domain == AF_INET6  ? "AF_INET6"
	                : domain == AF_UNIX ? "AF_UNIX"
	                                    : "AF_INET",
	                (type & 0xf) == SOCK_STREAM  ? "SOCK_STREAM"
	                : (type & 0xf) == SOCK_DGRAM ? "SOCK_DGRAM"
	                : (type & 0xf) == SOCK_RAW   ? "SOCK_RAW"
	                                             : "SOCK_SEQPACKET",
	                (type & SOCK_NONBLOCK) ? " | SOCK_NONBLOCK" : "", protocol);
	errno = err;
	return fd;
}

int demo_bind(const struct actor *a, int fd, const struct sockaddr_storage *addr)
{
	struct demo_call c;
	char where[64];

	begin_on_socket(&c, a, "bind", fd);
	int ret = bind(fd, (const struct sockaddr *)addr, demo_sockaddr_len(addr));
	int err = ret < 0 ? errno : 0;
	demo_call_tuple(&c, fd);
	demo_log_finish(a->log, &c, ret, err, "fd %d, %s", fd,
	                demo_format_sockaddr(addr, where, sizeof(where)));
	errno = err;
	return ret;
}

int demo_listen(const struct actor *a, int fd, int backlog)
{
	struct demo_call c;
	begin_on_socket(&c, a, "listen", fd);
	int ret = listen(fd, backlog);
	int err = ret < 0 ? errno : 0;
	demo_call_tuple(&c, fd);
	demo_log_finish(a->log, &c, ret, err, "fd %d, backlog %d", fd, backlog);
	errno = err;
	return ret;
}

int demo_connect(const struct actor *a, int fd, const struct sockaddr_storage *addr)
{
	struct demo_call c;
	char where[64];

	demo_call_begin(&c, a->side, "connect");
	int ret = connect(fd, (const struct sockaddr *)addr, demo_sockaddr_len(addr));
	int err = ret < 0 ? errno : 0;
	demo_call_tuple(&c, fd);
	if (c.peer.family == 0) /* refused: no peer, but we know whom we asked */
		demo_call_peer(&c, addr);
	demo_log_finish(a->log, &c, ret, err, "fd %d, %s", fd,
	                demo_format_sockaddr(addr, where, sizeof(where)));
	errno = err;
	return ret;
}

int demo_accept(const struct actor *a, int fd)
{
	struct demo_call c;
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);
	char who[64] = "";

	demo_call_begin(&c, a->side, "accept");
	memset(&peer, 0, sizeof(peer));
	int conn = accept(fd, (struct sockaddr *)&peer, &len);
	int err = conn < 0 ? errno : 0;
	demo_call_tuple(&c, conn);
	if (conn >= 0)
		demo_format_sockaddr(&peer, who, sizeof(who));
	demo_log_finish(a->log, &c, conn, err, "fd %d%s%s", fd, conn >= 0 ? " -> client " : "",
	                who);
	errno = err;
	return conn;
}

ssize_t demo_send(const struct actor *a, int fd, const void *buf, size_t len, int flags)
{
	struct demo_call c;
	char text[48];

	begin_on_socket(&c, a, "send", fd);
	ssize_t n = send(fd, buf, len, flags);
	int err = n < 0 ? errno : 0;
	demo_call_tuple(&c, fd);
	demo_log_finish(a->log, &c, n, err, "fd %d, \"%s\", %zu bytes", fd,
	                demo_preview(buf, (ssize_t)len, text, sizeof(text)), len);
	errno = err;
	return n;
}

ssize_t demo_recv(const struct actor *a, int fd, void *buf, size_t len, int flags)
{
	struct demo_call c;
	char text[48];

	begin_on_socket(&c, a, "recv", fd);
	ssize_t n = recv(fd, buf, len, flags);
	int err = n < 0 ? errno : 0;
	demo_call_tuple(&c, fd);
	demo_log_finish(a->log, &c, n, err, "fd %d, up to %zu bytes -> \"%s\"", fd, len,
	                demo_preview(buf, n, text, sizeof(text)));
	errno = err;
	return n;
}

ssize_t demo_sendto(const struct actor *a, int fd, const void *buf, size_t len,
                    const struct sockaddr_storage *to)
{
	struct demo_call c;
	char text[48], where[64];

	begin_on_socket(&c, a, "sendto", fd);
	ssize_t n = sendto(fd, buf, len, 0, (const struct sockaddr *)to, demo_sockaddr_len(to));
	int err = n < 0 ? errno : 0;
	demo_call_tuple(&c, fd);
	demo_call_peer(&c, to);
	demo_log_finish(a->log, &c, n, err, "fd %d, \"%s\", %zu bytes, to %s", fd,
	                demo_preview(buf, (ssize_t)len, text, sizeof(text)), len,
	                demo_format_sockaddr(to, where, sizeof(where)));
	errno = err;
	return n;
}

ssize_t demo_recvfrom(const struct actor *a, int fd, void *buf, size_t len,
                      struct sockaddr_storage *from)
{
	struct demo_call c;
	socklen_t from_len = sizeof(*from);
	char text[48], where[64] = "?";

	begin_on_socket(&c, a, "recvfrom", fd);
	memset(from, 0, sizeof(*from));
	ssize_t n = recvfrom(fd, buf, len, 0, (struct sockaddr *)from, &from_len);
	int err = n < 0 ? errno : 0;
	demo_call_tuple(&c, fd);
	if (n >= 0) {
		demo_call_peer(&c, from);
		demo_format_sockaddr(from, where, sizeof(where));
	}
	demo_log_finish(a->log, &c, n, err, "fd %d, up to %zu bytes -> \"%s\" from %s", fd, len,
	                demo_preview(buf, n, text, sizeof(text)), where);
	errno = err;
	return n;
}

int demo_setsockopt(const struct actor *a, int fd, int level, int name, const void *value,
                    socklen_t len, const char *description)
{
	struct demo_call c;
	begin_on_socket(&c, a, "setsockopt", fd);
	int ret = setsockopt(fd, level, name, value, len);
	int err = ret < 0 ? errno : 0;
	demo_call_tuple(&c, fd);
	demo_log_finish(a->log, &c, ret, err, "fd %d, %s", fd, description);
	errno = err;
	return ret;
}

int demo_set_receive_timeout(const struct actor *a, int fd, int timeout_ms)
{
	struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
	char description[64];

	snprintf(description, sizeof(description), "SO_RCVTIMEO %d ms", timeout_ms);
	return demo_setsockopt(a, fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv), description);
}

int demo_shutdown(const struct actor *a, int fd, int how)
{
	struct demo_call c;
	begin_on_socket(&c, a, "shutdown", fd);
	int ret = shutdown(fd, how);
	int err = ret < 0 ? errno : 0;
	demo_call_tuple(&c, fd);
	demo_log_finish(a->log, &c, ret, err, "fd %d, %s", fd,
	                how == SHUT_WR   ? "SHUT_WR"
	                : how == SHUT_RD ? "SHUT_RD"
	                                 : "SHUT_RDWR");
	errno = err;
	return ret;
}

int demo_close(const struct actor *a, int fd)
{
	struct demo_call c;
	demo_call_begin(&c, a->side, "close");
	demo_call_tuple(&c, fd); /* afterwards the socket and its addresses are gone */
	int ret = close(fd);
	int err = ret < 0 ? errno : 0;
	demo_log_finish(a->log, &c, ret, err, "fd %d", fd);
	errno = err;
	return ret;
}

int demo_poll(const struct actor *a, struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
	struct demo_call c;
	demo_call_begin(&c, a->side, "poll");
	int ret = poll(fds, nfds, timeout_ms);
	int err = ret < 0 ? errno : 0;
	if (nfds == 1)
		demo_call_tuple(&c, fds[0].fd);
	demo_log_finish(a->log, &c, ret, err, "fd %d%s, events %s%s, %d ms -> revents %s%s%s%s",
	                fds[0].fd, nfds > 1 ? " and more" : "",
	                (fds[0].events & POLLIN) ? "POLLIN " : "",
	                (fds[0].events & POLLOUT) ? "POLLOUT" : "", timeout_ms,
	                (fds[0].revents & POLLIN) ? "POLLIN " : "",
	                (fds[0].revents & POLLOUT) ? "POLLOUT " : "",
	                (fds[0].revents & POLLERR) ? "POLLERR " : "",
	                (fds[0].revents & POLLHUP) ? "POLLHUP" : "");
	errno = err;
	return ret;
}

void demo_note(const struct actor *a, const char *format, ...)
{
	char text[DEMO_TEXT_MAX];
	va_list ap;

	va_start(ap, format);
	vsnprintf(text, sizeof(text), format, ap);
	va_end(ap);
	demo_log_note(a->log, a->side, text);
}

void demo_sleep_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int demo_fail(const struct actor *a, const char *what)
{
	int err = errno;

	demo_log_error(a->log, "%s: %s: %s", a->side, what, strerror(err));
	return err == EPERM || err == EACCES ? -SS_EPERM : -SS_EIO;
}

int demo_open_listener(const struct actor *server, const struct sockaddr_storage *addr, int backlog)
{
	int one = 1, ret;
	int fd = demo_socket(server, addr->ss_family, SOCK_STREAM, 0);

	if (fd < 0)
		return demo_fail(server, "socket");
	demo_setsockopt(server, fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one), "SO_REUSEADDR 1");
	if (demo_bind(server, fd, addr) < 0 || demo_listen(server, fd, backlog) < 0) {
		ret = demo_fail(server, "bind/listen");
		close(fd);
		return ret;
	}
	return fd;
}
