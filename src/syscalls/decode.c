/*
 * decode.c - one finished system call to one demo_call, in the words the
 * demos use ("fd 3, 127.0.0.1:7000", "fd 4, \"HELLO\\n\", 6 bytes"), and the
 * fd table kept in step with what the call did to the process's fds.
 *
 * Everything read from the program is untrusted: a pointer may be NULL or
 * unmapped, a length may be huge or negative.  Reads go through
 * tracee_access.read, bounded by the caller's buffer, and a short read shows
 * as "?" rather than as bytes that were never there.
 */
#include "internal.h"
#include "names.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_POLL_FDS 64 /* pollfds read from one poll(); the rest are not looked at */
#define MAX_IOVS     16

struct decoder {
	const struct syscall_event *ev;
	const struct tracee_access *access;
	struct demo_call *call;
	size_t used; /* of call->args */
};

/* ---- reading the program's memory ---- */

static bool read_exact(const struct decoder *d, uint64_t addr, void *buf, size_t len)
{
	return addr && d->access->read(d->access->ctx, addr, buf, len) == len;
}

static void add(struct decoder *d, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void add(struct decoder *d, const char *format, ...)
{
	size_t size = sizeof d->call->args;
	va_list ap;

	if (d->used >= size - 1)
		return;
	va_start(ap, format);
	int n = vsnprintf(d->call->args + d->used, size - d->used, format, ap);
	va_end(ap);
	if (n > 0)
		d->used = d->used + (size_t)n < size ? d->used + (size_t)n : size - 1;
}

/* The pieces of the calls a busy program makes most (send, recv, read, write),
 * added without printf: the shim formats every call inside the program, and
 * one printf costs about as much as a small send on loopback. */
static void add_n(struct decoder *d, const char *text, size_t n)
{
	size_t room = sizeof d->call->args - 1 - d->used; /* used stays below the size */

	n = n < room ? n : room;
	memcpy(d->call->args + d->used, text, n);
	d->used += n;
	d->call->args[d->used] = '\0';
}

static void add_text(struct decoder *d, const char *text)
{
	add_n(d, text, strnlen(text, sizeof d->call->args));
}

/* a string literal, its length known */
#define add_lit(d, literal) add_n(d, "" literal, sizeof literal - 1)

static void add_number(struct decoder *d, uint64_t value)
{
	char digits[24];
	size_t n = sizeof digits;

	digits[--n] = '\0';
	do
		digits[--n] = (char)('0' + value % 10);
	while (value /= 10);
	add_text(d, digits + n);
}

/* "fd 3", or "fd -1" */
static void add_fd(struct decoder *d, int fd)
{
	add_text(d, fd < 0 ? "fd -" : "fd ");
	add_number(d, fd < 0 ? -(uint64_t)(int64_t)fd : (uint64_t)fd);
}

/* ", 32 bytes" */
static void add_bytes(struct decoder *d, const char *before, uint64_t count)
{
	add_text(d, before);
	add_number(d, count);
	add_lit(d, " bytes");
}

/* "\"preview\"" of the got bytes read of len; "..." when there are more */
static void add_preview(struct decoder *d, const char *data, size_t got, uint64_t len)
{
	add_lit(d, "\"");
	d->used += demo_preview_n(data, got, d->call->args + d->used, sizeof d->call->args - d->used);
	if (got < len)
		add_lit(d, "\"...");
	else
		add_lit(d, "\"");
}

/* Adds "\"preview\"" of up to 64 of the len bytes at addr; "..." when there are more. */
static void add_data(struct decoder *d, uint64_t addr, uint64_t len)
{
	char data[SYSCALLS_DATA_PREVIEW];
	size_t want = len < SYSCALLS_DATA_PREVIEW ? (size_t)len : SYSCALLS_DATA_PREVIEW;
	size_t got = want && addr ? d->access->read(d->access->ctx, addr, data, want) : 0;

	if (want && got == 0) {
		add(d, "?");
		return;
	}
	add_preview(d, data, got, len);
}

const char *syscalls_format_sockaddr(const struct tracee_access *access, uint64_t addr,
                                     uint64_t len, struct sockaddr_storage *ss, char *buf,
                                     size_t size)
{
	size_t want = len < sizeof *ss ? (size_t)len : sizeof *ss;
	size_t got;

	memset(ss, 0, sizeof *ss);
	if (!addr) {
		snprintf(buf, size, "NULL");
		return buf;
	}
	got = want ? access->read(access->ctx, addr, ss, want) : 0;
	if (got < sizeof(sa_family_t) || got < want) {
		memset(ss, 0, sizeof *ss);
		snprintf(buf, size, "?");
		return buf;
	}
	if ((ss->ss_family == AF_INET && got < sizeof(struct sockaddr_in)) ||
	    (ss->ss_family == AF_INET6 && got < sizeof(struct sockaddr_in6))) {
		snprintf(buf, size, "(%zu bytes of sockaddr)", got);
		memset(ss, 0, sizeof *ss);
		return buf;
	}
	if (ss->ss_family == AF_UNIX && got <= offsetof(struct sockaddr_un, sun_path)) {
		snprintf(buf, size, "(unnamed)");
		return buf;
	}
	((char *)ss)[sizeof *ss - 1] = '\0'; /* an AF_UNIX path need not end in NUL */
	return demo_format_sockaddr(ss, buf, size);
}

/* Adds the sockaddr at addr; *ss gets it, for the call's peer. */
static void add_sockaddr(struct decoder *d, uint64_t addr, uint64_t len,
                         struct sockaddr_storage *ss)
{
	char text[128];
	add(d, "%s", syscalls_format_sockaddr(d->access, addr, len, ss, text, sizeof text));
}

/* A sockaddr whose length the kernel wrote to *lenp (accept, recvfrom, getsockname). */
static void add_result_sockaddr(struct decoder *d, uint64_t addr, uint64_t lenp,
                                struct sockaddr_storage *ss)
{
	uint32_t len = 0;

	if (!read_exact(d, lenp, &len, sizeof len))
		len = 0;
	add_sockaddr(d, addr, len, ss);
}

/* ---- sockets and their addresses ---- */

/* The socket at fd, asking the program's /proc entry when fd is not yet known. */
static struct fd_socket *socket_at(const struct decoder *d, int64_t fd)
{
	struct fd_table *fds = d->ev->fds;
	int domain = 0, type = 0;

	if (fd < 0 || fd > INT32_MAX)
		return NULL;
	switch (syscalls_fd_kind(fds, (int)fd)) {
	case FD_SOCKET:
		return syscalls_fd_socket(fds, (int)fd);
	case FD_OTHER:
		return NULL;
	case FD_UNKNOWN:
		break;
	}
	int is = d->access->probe_fd(d->access->ctx, (int)fd, &domain, &type);
	if (is == 1)
		return syscalls_fd_add_socket(fds, (int)fd, domain, type);
	if (is == 0)
		syscalls_fd_set_other(fds, (int)fd);
	return NULL;
}

/* Reads the socket's protocol and addresses again (after bind, connect, a first send). */
static void refresh_tuple(const struct decoder *d, int fd, struct fd_socket *sock)
{
	int copy = d->access->get_fd(d->access->ctx, fd);

	if (copy < 0)
		return;
	struct demo_call now;
	memset(&now, 0, sizeof now);
	demo_call_tuple(&now, copy);
	close(copy);
	/* a reset connection has no peer any more: keep the one it had */
	struct demo_call *t = &sock->tuple;
	if (now.proto != L4_NONE)
		t->proto = now.proto;
	if (now.local.family) {
		t->local = now.local;
		t->local_port = now.local_port;
	}
	if (now.peer.family) {
		t->peer = now.peer;
		t->peer_port = now.peer_port;
	}
	t->has_tuple = t->local.family && t->peer.family;
}

/* The call acts on fd: name it, and carry the socket's addresses for the flow. */
static void use_socket(struct decoder *d, int fd, const struct fd_socket *sock)
{
	struct demo_call *c = d->call;

	c->fd = fd;
	if (!sock)
		return;
	c->proto = sock->tuple.proto;
	c->local = sock->tuple.local;
	c->local_port = sock->tuple.local_port;
	c->peer = sock->tuple.peer;
	c->peer_port = sock->tuple.peer_port;
	c->has_tuple = sock->tuple.has_tuple;
}

static bool failed(const struct decoder *d)
{
	return d->ev->ret < 0;
}

/* An IP socket whose local port is not known yet gets one from the kernel on
 * first use.  Other families have no ports: asking again on every call cost
 * a Unix socket's program seven system calls per call (a copy of the fd,
 * three getsockopt, getsockname, getpeername, close). */
static struct fd_socket *socket_with_tuple(struct decoder *d, int64_t fd)
{
	struct fd_socket *sock = socket_at(d, fd);

	if (sock && sock->tuple.local_port == 0 &&
	    (sock->domain == AF_INET || sock->domain == AF_INET6 || sock->domain == 0))
		refresh_tuple(d, (int)fd, sock);
	if (sock)
		use_socket(d, (int)fd, sock);
	return sock;
}

/* ---- the calls ---- */

static bool decode_socket(struct decoder *d)
{
	const uint64_t *a = d->ev->args;
	char family[24], type[24], flags[64];
	int base_type = (int)a[1] & 0xf;

	add(d, "%s, %s", syscalls_name_of(syscalls_families, (long)a[0], family, sizeof family),
	    syscalls_name_of(syscalls_types, base_type, type, sizeof type));
	if ((int)a[1] & ~0xf)
		add(d, " | %s",
		    syscalls_flags_of(syscalls_socket_flags, (unsigned)a[1] & ~0xfu, flags,
		                      sizeof flags));
	add(d, ", %d", (int)a[2]);
	d->call->fd = -1;
	if (!failed(d)) {
		struct fd_socket *sock =
		    syscalls_fd_add_socket(d->ev->fds, (int)d->ev->ret, (int)a[0], base_type);
		use_socket(d, (int)d->ev->ret, sock);
		d->call->proto = base_type == SOCK_STREAM  ? L4_TCP
		                 : base_type == SOCK_DGRAM ? L4_UDP
		                                           : L4_NONE;
	}
	return true;
}

static bool decode_socketpair(struct decoder *d)
{
	const uint64_t *a = d->ev->args;
	char family[24], type[24];
	int sv[2];

	add(d, "%s, %s, %d", syscalls_name_of(syscalls_families, (long)a[0], family, sizeof family),
	    syscalls_name_of(syscalls_types, (int)a[1] & 0xf, type, sizeof type), (int)a[2]);
	d->call->fd = -1;
	if (!failed(d) && read_exact(d, a[3], sv, sizeof sv)) {
		add(d, " -> [%d, %d]", sv[0], sv[1]);
		syscalls_fd_add_socket(d->ev->fds, sv[0], (int)a[0], (int)a[1] & 0xf);
		syscalls_fd_add_socket(d->ev->fds, sv[1], (int)a[0], (int)a[1] & 0xf);
		d->call->fd = sv[0];
	}
	return true;
}

/* bind and connect: fd, address. */
static bool decode_address_call(struct decoder *d)
{
	const uint64_t *a = d->ev->args;
	struct fd_socket *sock = socket_at(d, (int64_t)a[0]);
	struct sockaddr_storage ss;

	add(d, "fd %d, ", (int)a[0]);
	add_sockaddr(d, a[1], a[2], &ss);
	if (sock)
		refresh_tuple(d, (int)a[0], sock);
	use_socket(d, (int)a[0], sock);
	/* a connect in progress or refused has no peer yet: we know whom it asked */
	if (d->ev->desc->kind == SC_CONNECT && d->call->peer.family == 0)
		demo_call_peer(d->call, &ss);
	return true;
}

static bool decode_listen(struct decoder *d)
{
	const uint64_t *a = d->ev->args;
	add(d, "fd %d, backlog %d", (int)a[0], (int)a[1]);
	use_socket(d, (int)a[0], socket_at(d, (int64_t)a[0]));
	return true;
}

static void add_tuple_peer(struct decoder *d, const struct fd_socket *sock)
{
	char text[SS_ADDR_STRLEN];

	if (!sock || !sock->tuple.peer.family) {
		add(d, "?");
		return;
	}
	ss_addr_format(&sock->tuple.peer, text, sizeof text);
	add(d, sock->tuple.peer.family == 6 ? "[%s]:%u" : "%s:%u", text, sock->tuple.peer_port);
}

static bool decode_accept(struct decoder *d)
{
	const uint64_t *a = d->ev->args;
	struct fd_socket *listener = socket_at(d, (int64_t)a[0]);
	struct sockaddr_storage ss;
	char flags[64];

	add(d, "fd %d", (int)a[0]);
	if (d->ev->desc->kind == SC_ACCEPT4 && a[3])
		add(d, ", %s", syscalls_flags_of(syscalls_socket_flags, a[3], flags, sizeof flags));
	use_socket(d, (int)a[0], listener);
	if (failed(d))
		return true;
	int conn = (int)d->ev->ret;
	struct fd_socket *sock =
	    syscalls_fd_add_socket(d->ev->fds, conn, listener ? listener->domain : AF_UNSPEC,
	                           listener ? listener->type : SOCK_STREAM);
	add(d, " -> client ");
	if (a[1])
		add_result_sockaddr(d, a[1], a[2], &ss);
	if (sock)
		refresh_tuple(d, conn, sock);
	if (!a[1]) /* no buffer for the peer's address: the kernel's own view of it */
		add_tuple_peer(d, sock);
	use_socket(d, conn, sock); /* the call belongs to the new connection's flow */
	d->call->fd = (int)a[0];
	return true;
}

static bool decode_shutdown(struct decoder *d)
{
	const uint64_t *a = d->ev->args;
	char how[16];
	add(d, "fd %d, %s", (int)a[0],
	    syscalls_name_of(syscalls_shutdown_how, (long)a[1], how, sizeof how));
	use_socket(d, (int)a[0], socket_at(d, (int64_t)a[0]));
	return true;
}

static bool decode_close(struct decoder *d)
{
	int fd = (int)d->ev->args[0];
	struct fd_socket *sock = syscalls_fd_kind(d->ev->fds, fd) == FD_SOCKET
	                             ? syscalls_fd_socket(d->ev->fds, fd)
	                             : NULL;

	if (!sock) { /* a file: only the table learns of it */
		syscalls_fd_remove(d->ev->fds, fd);
		return false;
	}
	add(d, "fd %d", fd);
	use_socket(d, fd, sock);
	syscalls_fd_remove(d->ev->fds, fd);
	return true;
}

/* The option's value, as the demos write it: 1, {1, 0} for SO_LINGER, {sec, usec}. */
static void add_option_value(struct decoder *d, long name, long level, uint64_t addr, uint64_t len)
{
	uint8_t value[16];
	int i;

	if (len > sizeof value || len == 0 || !read_exact(d, addr, value, (size_t)len)) {
		add(d, "%llu bytes", (unsigned long long)len);
		return;
	}
	if (level == SOL_SOCKET && name == SO_LINGER && len >= sizeof(struct linger)) {
		struct linger l;
		memcpy(&l, value, sizeof l);
		add(d, "{%d, %d}", l.l_onoff, l.l_linger);
	} else if (level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO) &&
	           len >= 16) {
		int64_t tv[2];
		memcpy(tv, value, sizeof tv);
		add(d, "{%lld, %lld}", (long long)tv[0], (long long)tv[1]);
	} else if (len == sizeof i) {
		memcpy(&i, value, sizeof i);
		add(d, "%d", i);
	} else {
		add(d, "%llu bytes", (unsigned long long)len);
	}
}

static bool decode_sockopt(struct decoder *d)
{
	const uint64_t *a = d->ev->args;
	char level[24], name[32];
	uint64_t len = a[4];

	add(d, "fd %d, %s, %s, ", (int)a[0],
	    syscalls_name_of(syscalls_levels, (long)a[1], level, sizeof level),
	    syscalls_name_of(syscalls_option_names((long)a[1]), (long)a[2], name, sizeof name));
	if (d->ev->desc->kind == SC_GETSOCKOPT) {
		uint32_t n = 0;
		len = read_exact(d, a[4], &n, sizeof n) ? n : 0;
		if (failed(d))
			add(d, "?");
	}
	if (d->ev->desc->kind == SC_SETSOCKOPT || !failed(d))
		add_option_value(d, (long)a[2], (long)a[1], a[3], len);
	use_socket(d, (int)a[0], socket_at(d, (int64_t)a[0]));
	return true;
}

static bool decode_getname(struct decoder *d)
{
	const uint64_t *a = d->ev->args;
	struct sockaddr_storage ss;

	add(d, "fd %d", (int)a[0]);
	if (!failed(d)) {
		add(d, " -> ");
		add_result_sockaddr(d, a[1], a[2], &ss);
	}
	use_socket(d, (int)a[0], socket_at(d, (int64_t)a[0]));
	return true;
}

static void add_msg_flags(struct decoder *d, uint64_t flags)
{
	char text[96];
	if (flags)
		add(d, ", %s", syscalls_flags_of(syscalls_msg_flags, flags, text, sizeof text));
}

/* sendto, and send (which the C library makes as sendto with no address). */
static bool decode_sendto(struct decoder *d)
{
	const uint64_t *a = d->ev->args;
	struct sockaddr_storage ss;

	if (!socket_at(d, (int64_t)a[0]))
		return false;
	strcpy(d->call->call, a[4] ? "sendto" : "send");
	add_fd(d, (int)a[0]);
	add_lit(d, ", ");
	add_data(d, a[1], (int64_t)a[2]);
	add_bytes(d, ", ", a[2]);
	add_msg_flags(d, a[3]);
	socket_with_tuple(d, (int64_t)a[0]);
	if (a[4]) {
		add(d, ", to ");
		add_sockaddr(d, a[4], a[5], &ss);
		demo_call_peer(d->call, &ss);
	}
	return true;
}

static bool decode_recvfrom(struct decoder *d)
{
	const uint64_t *a = d->ev->args;
	struct sockaddr_storage ss;

	if (!socket_at(d, (int64_t)a[0]))
		return false;
	strcpy(d->call->call, a[4] ? "recvfrom" : "recv");
	add_fd(d, (int)a[0]);
	add_bytes(d, ", up to ", a[2]);
	add_msg_flags(d, a[3]);
	socket_with_tuple(d, (int64_t)a[0]);
	if (failed(d))
		return true;
	add_lit(d, " -> ");
	add_data(d, a[1], (uint64_t)d->ev->ret);
	if (a[4]) {
		add(d, " from ");
		add_result_sockaddr(d, a[4], a[5], &ss);
		demo_call_peer(d->call, &ss);
	}
	return true;
}

/* The first bytes of an iovec array, up to `len` in all. */
static void add_iov_data(struct decoder *d, uint64_t iov_addr, uint64_t iov_count, uint64_t len)
{
	struct iovec iov[MAX_IOVS];
	size_t n = iov_count < MAX_IOVS ? (size_t)iov_count : MAX_IOVS;
	char data[SYSCALLS_DATA_PREVIEW];
	size_t got = 0;

	if (n && !read_exact(d, iov_addr, iov, n * sizeof iov[0])) {
		add(d, "?");
		return;
	}
	for (size_t i = 0; i < n && got < sizeof data && got < len; i++) {
		size_t want =
		    iov[i].iov_len < sizeof data - got ? iov[i].iov_len : sizeof data - got;
		if (want > len - got)
			want = (size_t)(len - got);
		got += d->access->read(d->access->ctx, (uint64_t)(uintptr_t)iov[i].iov_base,
		                       data + got, want);
	}
	add_preview(d, data, got, len);
}

static uint64_t iov_total(const struct decoder *d, uint64_t iov_addr, uint64_t iov_count)
{
	struct iovec iov[MAX_IOVS];
	size_t n = iov_count < MAX_IOVS ? (size_t)iov_count : MAX_IOVS;
	uint64_t total = 0;

	if (n && !read_exact(d, iov_addr, iov, n * sizeof iov[0]))
		return 0;
	for (size_t i = 0; i < n; i++)
		total += iov[i].iov_len;
	return total;
}

static bool decode_msg(struct decoder *d)
{
	const uint64_t *a = d->ev->args;
	bool sending = d->ev->desc->kind == SC_SENDMSG;
	struct msghdr msg;
	struct sockaddr_storage ss;

	if (!socket_at(d, (int64_t)a[0]))
		return false;
	add(d, "fd %d, ", (int)a[0]);
	socket_with_tuple(d, (int64_t)a[0]);
	if (!read_exact(d, a[1], &msg, sizeof msg)) {
		add(d, "?");
		return true;
	}
	uint64_t iov = (uint64_t)(uintptr_t)msg.msg_iov, total = iov_total(d, iov, msg.msg_iovlen);
	if (sending) {
		add_iov_data(d, iov, msg.msg_iovlen, total);
		add(d, ", %llu bytes in %zu iov", (unsigned long long)total,
		    (size_t)msg.msg_iovlen);
	} else {
		add(d, "up to %llu bytes in %zu iov", (unsigned long long)total,
		    (size_t)msg.msg_iovlen);
	}
	add_msg_flags(d, a[2]);
	if (!sending && !failed(d)) {
		add(d, " -> ");
		add_iov_data(d, iov, msg.msg_iovlen, (uint64_t)d->ev->ret);
		if (msg.msg_controllen) /* SCM_RIGHTS may have brought new fds */
			syscalls_fd_forget_others(d->ev->fds);
	}
	if (msg.msg_name && (sending || !failed(d))) {
		add(d, sending ? ", to " : " from ");
		add_sockaddr(d, (uint64_t)(uintptr_t)msg.msg_name, msg.msg_namelen, &ss);
		demo_call_peer(d->call, &ss);
	}
	return true;
}

static bool decode_mmsg(struct decoder *d)
{
	const uint64_t *a = d->ev->args;

	if (!socket_at(d, (int64_t)a[0]))
		return false;
	add(d, "fd %d, %u messages", (int)a[0], (unsigned)a[2]);
	add_msg_flags(d, a[3]);
	if (!failed(d))
		add(d, " -> %lld done", (long long)d->ev->ret);
	socket_with_tuple(d, (int64_t)a[0]);
	return true;
}

/* read, write, readv, writev on a socket: shown like recv and send. */
static bool decode_read_write(struct decoder *d)
{
	const uint64_t *a = d->ev->args;
	enum syscall_kind kind = d->ev->desc->kind;
	bool vector = kind == SC_READV || kind == SC_WRITEV;
	bool writing = kind == SC_WRITE || kind == SC_WRITEV;
	uint64_t len = vector ? iov_total(d, a[1], a[2]) : a[2];
	uint64_t shown = writing ? len : (uint64_t)d->ev->ret; /* ret >= 0 unless failed */

	if (!socket_at(d, (int64_t)a[0]))
		return false;
	socket_with_tuple(d, (int64_t)a[0]);
	add_fd(d, (int)a[0]);
	if (!writing) {
		add_bytes(d, ", up to ", len);
		add_lit(d, " -> ");
	} else {
		add_lit(d, ", ");
	}
	if (!writing && failed(d))
		add_lit(d, "?");
	else if (vector)
		add_iov_data(d, a[1], a[2], shown);
	else
		add_data(d, a[1], shown);
	if (writing)
		add_bytes(d, ", ", len);
	return true;
}

/* sendfile(out, in, offset, count) and splice(in, off, out, off, len, flags). */
static bool decode_transfer(struct decoder *d)
{
	const uint64_t *a = d->ev->args;
	bool splice = d->ev->desc->kind == SC_SPLICE;
	int out = (int)(splice ? a[2] : a[0]), in = (int)(splice ? a[0] : a[1]);
	uint64_t count = splice ? a[4] : a[3];
	struct fd_socket *out_sock = socket_at(d, out), *in_sock = socket_at(d, in);

	if (!out_sock && !in_sock)
		return false;
	add(d, "fd %d <- fd %d, %llu bytes", out, in, (unsigned long long)count);
	if (out_sock)
		socket_with_tuple(d, out);
	else
		socket_with_tuple(d, in);
	return true;
}

/* poll and ppoll: the sockets waited on, and what came of them. */
static bool decode_poll(struct decoder *d)
{
	const uint64_t *a = d->ev->args;
	struct pollfd fds[MAX_POLL_FDS];
	size_t n = a[1] < MAX_POLL_FDS ? (size_t)a[1] : MAX_POLL_FDS;
	int first = -1;
	char events[96];

	if (!n || !read_exact(d, a[0], fds, n * sizeof fds[0]))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!socket_at(d, fds[i].fd))
			continue;
		if (first < 0)
			first = fds[i].fd;
		add(d, "%sfd %d %s", first == fds[i].fd ? "" : ", ", fds[i].fd,
		    syscalls_flags_of(syscalls_poll_events, (uint16_t)fds[i].events, events,
		                      sizeof events));
	}
	if (first < 0)
		return false;
	if (a[1] > n)
		add(d, " and %llu more", (unsigned long long)(a[1] - n));
	if (d->ev->desc->kind == SC_POLL)
		add(d, ", %d ms", (int)a[2]);
	for (size_t i = 0; !failed(d) && i < n; i++)
		if (fds[i].revents)
			add(d, " -> fd %d %s", fds[i].fd,
			    syscalls_flags_of(syscalls_poll_events, (uint16_t)fds[i].revents,
			                      events, sizeof events));
	socket_with_tuple(d, first);
	return true;
}

/* select and pselect6: the socket fds in the read and write sets, as they were asked. */
static bool decode_select(struct decoder *d)
{
	const struct syscall_event *ev = d->ev;
	int first = -1;
	int limit = ev->args[0] < 1024 ? (int)ev->args[0] : 1024;

	for (int set = 0; set < 2; set++) {
		const uint8_t *bits = ev->before + set * 128;
		bool any = false;
		for (int fd = 0; fd < limit && ev->before_len == 256; fd++) {
			if (!(bits[fd / 8] & (1u << (fd % 8))) || !socket_at(d, fd))
				continue;
			if (first < 0)
				first = fd;
			add(d, "%s%s%d",
			    any       ? ", "
			    : d->used ? "; "
			              : "",
			    any   ? ""
			    : set ? "write "
			          : "read ",
			    fd);
			any = true;
		}
	}
	if (first < 0)
		return false;
	if (!failed(d))
		add(d, " -> %lld ready", (long long)ev->ret);
	socket_with_tuple(d, first);
	return true;
}

/* epoll_wait: shown when the epoll set holds a socket (the tracer lists it at entry). */
static bool decode_epoll(struct decoder *d)
{
	const struct syscall_event *ev = d->ev;
	int first = -1, count = (int)(ev->before_len / sizeof(int));
	int fds[64];

	memcpy(fds, ev->before, (size_t)count * sizeof(int));
	for (int i = 0; i < count && first < 0; i++)
		if (socket_at(d, fds[i]))
			first = fds[i];
	if (first < 0)
		return false;
	add(d, "epfd %d (", (int)ev->args[0]);
	for (int i = 0; i < count; i++)
		add(d, "%sfd %d", i ? ", " : "", fds[i]);
	add(d, "), %d ms", (int)ev->args[3]);
	if (!failed(d))
		add(d, " -> %lld ready", (long long)ev->ret);
	socket_with_tuple(d, first);
	return true;
}

static bool decode_fcntl(struct decoder *d)
{
	const uint64_t *a = d->ev->args;
	char flags[96];

	if (a[1] != F_SETFL) { /* F_DUPFD, F_DUPFD_CLOEXEC */
		if (!failed(d))
			syscalls_fd_dup(d->ev->fds, (int)a[0], (int)d->ev->ret);
		return false;
	}
	if (!socket_at(d, (int64_t)a[0]))
		return false;
	add(d, "fd %d, F_SETFL, %s", (int)a[0],
	    syscalls_flags_of(syscalls_file_flags, a[2], flags, sizeof flags));
	socket_with_tuple(d, (int64_t)a[0]);
	return true;
}

static bool decode_dup(struct decoder *d)
{
	const uint64_t *a = d->ev->args;

	if (failed(d))
		return false;
	if (d->ev->desc->kind == SC_CLOSE_RANGE) {
		if (!(a[2] & CLOSE_RANGE_CLOEXEC))
			for (uint64_t fd = a[0]; fd <= a[1] && fd < (1u << 20); fd++)
				syscalls_fd_remove(d->ev->fds, (int)fd);
		return false;
	}
	syscalls_fd_dup(d->ev->fds, (int)a[0], (int)d->ev->ret);
	return false;
}

typedef bool (*decode_fn)(struct decoder *d);

static const decode_fn decoders[] = {
    [SC_SOCKET] = decode_socket,
    [SC_SOCKETPAIR] = decode_socketpair,
    [SC_BIND] = decode_address_call,
    [SC_LISTEN] = decode_listen,
    [SC_ACCEPT] = decode_accept,
    [SC_ACCEPT4] = decode_accept,
    [SC_CONNECT] = decode_address_call,
    [SC_SHUTDOWN] = decode_shutdown,
    [SC_CLOSE] = decode_close,
    [SC_SETSOCKOPT] = decode_sockopt,
    [SC_GETSOCKOPT] = decode_sockopt,
    [SC_GETSOCKNAME] = decode_getname,
    [SC_GETPEERNAME] = decode_getname,
    [SC_SENDTO] = decode_sendto,
    [SC_RECVFROM] = decode_recvfrom,
    [SC_SENDMSG] = decode_msg,
    [SC_RECVMSG] = decode_msg,
    [SC_SENDMMSG] = decode_mmsg,
    [SC_RECVMMSG] = decode_mmsg,
    [SC_READ] = decode_read_write,
    [SC_WRITE] = decode_read_write,
    [SC_READV] = decode_read_write,
    [SC_WRITEV] = decode_read_write,
    [SC_SENDFILE] = decode_transfer,
    [SC_SPLICE] = decode_transfer,
    [SC_POLL] = decode_poll,
    [SC_PPOLL] = decode_poll,
    [SC_SELECT] = decode_select,
    [SC_PSELECT6] = decode_select,
    [SC_EPOLL_WAIT] = decode_epoll,
    [SC_EPOLL_PWAIT] = decode_epoll,
    [SC_FCNTL] = decode_fcntl,
    [SC_DUP] = decode_dup,
    [SC_DUP2] = decode_dup,
    [SC_DUP3] = decode_dup,
    [SC_CLOSE_RANGE] = decode_dup,
};

bool syscalls_decode(const struct syscall_event *ev, const struct tracee_access *access,
                     struct demo_call *call)
{
	struct decoder d = {.ev = ev, .access = access, .call = call};

	size_t name_len = strnlen(ev->desc->name, sizeof call->call - 1);
	memcpy(call->call, ev->desc->name, name_len); /* not printf: see add_text */
	call->call[name_len] = '\0';
	call->args[0] = '\0';
	call->fd = -1;
	/* the kernel returns -errno, from -1 to -4095, on failure */
	if (ev->ret < 0 && ev->ret >= -4095) {
		call->ret = -1;
		call->err = (int)-ev->ret;
	} else {
		call->ret = (long)ev->ret;
		call->err = 0;
	}
	return decoders[ev->desc->kind](&d);
}

/* A read, write or close of a file (not a socket): nothing of it is shown, so
 * its exit need not stop the program.  The fd is still open at entry, so an
 * unknown one can be looked up now. */
static bool on_a_file(const struct decoder *d)
{
	int64_t fd = (int64_t)d->ev->args[0];

	if (socket_at(d, fd) || syscalls_fd_kind(d->ev->fds, (int)fd) != FD_OTHER)
		return false;
	if (d->ev->desc->kind == SC_CLOSE)
		syscalls_fd_remove(d->ev->fds, (int)fd); /* closed even when close() fails */
	return true;
}

/* What must be seen before the call runs: select's sets (the call overwrites
 * them), the fds in an epoll set, and a socket's addresses before close. */
static void keep_before(struct syscall_event *ev, const struct decoder *d)
{
	const struct tracee_access *access = d->access;
	struct fd_socket *sock;

	switch (ev->desc->kind) {
	case SC_SELECT:
	case SC_PSELECT6:
		memset(ev->before, 0, 256);
		if (ev->args[1])
			access->read(access->ctx, ev->args[1], ev->before, 128);
		if (ev->args[2])
			access->read(access->ctx, ev->args[2], ev->before + 128, 128);
		ev->before_len = 256;
		break;
	case SC_EPOLL_WAIT:
	case SC_EPOLL_PWAIT: {
		int n = access->epoll_fds(access->ctx, (int)ev->args[0], (int *)ev->before,
		                          (int)(sizeof ev->before / sizeof(int)));
		ev->before_len = n > 0 ? (size_t)n * sizeof(int) : 0;
		break;
	}
	case SC_CLOSE:
	case SC_SHUTDOWN:
		sock = syscalls_fd_socket(ev->fds, (int)ev->args[0]);
		if (sock)
			refresh_tuple(d, (int)ev->args[0], sock);
		break;
	default:
		break;
	}
}

bool syscalls_decode_entry(struct syscall_event *ev, const struct tracee_access *access)
{
	struct decoder d = {.ev = ev, .access = access};

	ev->before_len = 0;
	switch (ev->desc->kind) {
	case SC_READ:
	case SC_WRITE:
	case SC_READV:
	case SC_WRITEV:
	case SC_CLOSE:
		if (on_a_file(&d))
			return false;
		break;
	default:
		break;
	}
	keep_before(ev, &d);
	return true;
}
