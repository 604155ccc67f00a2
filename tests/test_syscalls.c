/*
 * test_syscalls.c - the socket-call tracer without ptrace: the table and
 * seccomp filter, the fd tables, and the decoder of finished calls, fed
 * arguments and "tracee memory" from this process (an address is a pointer
 * here), including the hostile ones a traced program may pass.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "../src/syscalls/internal.h"

/* ---- a fake tracee: memory is ours, fds 3..9 are sockets unless told ---- */

struct fake {
	int socket_fds[16]; /* 1: probe says socket */
	int real_fd;        /* what get_fd duplicates, or -1 */
	int domain;         /* what probe says a socket is: AF_INET unless set */
	int get_fd_calls;   /* times the decoder asked for a copy of an fd */
};

static size_t fake_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	if (!addr)
		return 0;
	memcpy(buf, (const void *)(uintptr_t)addr, len);
	return len;
}

/* Reads stop at an unmapped page, as process_vm_readv's do. */
static size_t guarded_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	struct iovec local = {buf, len}, remote = {(void *)(uintptr_t)addr, len};
	ssize_t n = addr ? process_vm_readv(getpid(), &local, 1, &remote, 1, 0) : -1;
	return n > 0 ? (size_t)n : 0;
}

static int fake_probe(void *ctx, int fd, int *domain, int *type)
{
	struct fake *f = ctx;
	if (fd < 0 || fd >= 16)
		return 0;
	*domain = f->domain ? f->domain : AF_INET;
	*type = SOCK_STREAM;
	return f->socket_fds[fd];
}

static int fake_get_fd(void *ctx, int fd)
{
	struct fake *f = ctx;
	(void)fd;
	f->get_fd_calls++;
	return f->real_fd >= 0 ? dup(f->real_fd) : -1;
}

static int fake_epoll(void *ctx, int epfd, int *fds, int max)
{
	(void)ctx;
	(void)epfd;
	if (max < 1)
		return 0;
	fds[0] = 3;
	return 1;
}

struct rig {
	struct fake fake;
	struct tracee_access access;
	struct fd_table *fds;
	struct demo_call call;
};

static int rig_setup(void **state)
{
	struct rig *r = calloc(1, sizeof *r);
	assert_non_null(r);
	for (int fd = 3; fd < 10; fd++)
		r->fake.socket_fds[fd] = 1;
	r->fake.real_fd = -1;
	r->access =
	    (struct tracee_access){fake_read, fake_probe, fake_epoll, fake_get_fd, &r->fake};
	r->fds = syscalls_fd_create();
	assert_non_null(r->fds);
	*state = r;
	return 0;
}

static int rig_teardown(void **state)
{
	struct rig *r = *state;
	syscalls_fd_unref(r->fds);
	if (r->fake.real_fd >= 0)
		close(r->fake.real_fd);
	free(r);
	return 0;
}

#define PTR(p) ((uint64_t)(uintptr_t)(p))

/* Decodes one call: kind by number, six arguments, the raw return value. */
static bool run(struct rig *r, long nr, int64_t ret, uint64_t a0, uint64_t a1, uint64_t a2,
                uint64_t a3, uint64_t a4, uint64_t a5)
{
	struct syscall_event ev = {.desc = syscalls_lookup(nr), .ret = ret, .fds = r->fds};

	assert_non_null(ev.desc);
	uint64_t args[6] = {a0, a1, a2, a3, a4, a5};
	memcpy(ev.args, args, sizeof args);
	memset(&r->call, 0, sizeof r->call);
	if (!syscalls_decode_entry(&ev, &r->access))
		return false; /* the tracer would not stop at its exit */
	return syscalls_decode(&ev, &r->access, &r->call);
}

static struct sockaddr_in loopback(uint16_t port)
{
	struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(port)};
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return in;
}

/* ---- table and filter ---- */

static void test_table_knows_socket_calls_only(void **state)
{
	(void)state;
	assert_non_null(syscalls_lookup(SYS_connect));
	assert_int_equal(syscalls_lookup(SYS_connect)->kind, SC_CONNECT);
	assert_string_equal(syscalls_lookup(SYS_recvfrom)->name, "recvfrom");
	assert_null(syscalls_lookup(SYS_getpid));
	assert_null(syscalls_lookup(SYS_openat));
	assert_null(syscalls_lookup(-1));
}

static void test_filter_builds_and_refuses_small_room(void **state)
{
	struct sock_filter prog[256];
	(void)state;
	size_t n = syscalls_build_filter(prog, 256);
	assert_true(n > 10);
	/* starts by checking the architecture, ends by allowing */
	assert_int_equal(prog[0].code, BPF_LD | BPF_W | BPF_ABS);
	assert_int_equal(prog[1].k, syscalls_native_arch());
	assert_int_equal(prog[n - 1].code, BPF_RET | BPF_K);
	assert_int_equal(syscalls_build_filter(prog, 8), 0);
}

/* ---- fd tables ---- */

static void test_fd_table_add_dup_remove(void **state)
{
	struct fd_table *t = syscalls_fd_create();
	(void)state;
	assert_non_null(syscalls_fd_add_socket(t, 5, AF_INET, SOCK_DGRAM));
	assert_int_equal(syscalls_fd_kind(t, 5), FD_SOCKET);
	assert_int_equal(syscalls_fd_kind(t, 4), FD_UNKNOWN);
	syscalls_fd_dup(t, 5, 300); /* grows the table */
	assert_int_equal(syscalls_fd_socket(t, 300)->type, SOCK_DGRAM);
	syscalls_fd_remove(t, 5);
	assert_null(syscalls_fd_socket(t, 5));
	assert_non_null(syscalls_fd_socket(t, 300));
	syscalls_fd_dup(t, 7, 300); /* dup2 of an unknown fd over a socket forgets it */
	assert_int_equal(syscalls_fd_kind(t, 300), FD_UNKNOWN);
	assert_null(syscalls_fd_add_socket(t, -1, AF_INET, SOCK_STREAM));
	assert_null(syscalls_fd_add_socket(t, 1 << 24, AF_INET, SOCK_STREAM));
	assert_null(syscalls_fd_socket(t, 1 << 24));
	syscalls_fd_unref(t);
}

static void test_fd_table_fork_copies_threads_share(void **state)
{
	struct fd_table *parent = syscalls_fd_create();
	(void)state;
	syscalls_fd_add_socket(parent, 3, AF_INET, SOCK_STREAM);
	struct fd_table *child = syscalls_fd_clone(parent);
	struct fd_table *thread = syscalls_fd_ref(parent);
	syscalls_fd_remove(child, 3); /* the child closes its copy */
	assert_non_null(syscalls_fd_socket(parent, 3));
	syscalls_fd_remove(thread, 3); /* a thread closes the shared one */
	assert_null(syscalls_fd_socket(parent, 3));
	syscalls_fd_unref(thread);
	syscalls_fd_unref(child);
	syscalls_fd_unref(parent);
}

static bool only_fd_4_open(int fd, void *ctx)
{
	(void)ctx;
	return fd == 4;
}

static void test_fd_table_exec_and_scm_rights(void **state)
{
	struct fd_table *t = syscalls_fd_create();
	(void)state;
	syscalls_fd_add_socket(t, 3, AF_INET, SOCK_STREAM); /* CLOEXEC: gone after exec */
	syscalls_fd_add_socket(t, 4, AF_INET, SOCK_STREAM);
	syscalls_fd_set_other(t, 6);
	syscalls_fd_keep_open(t, only_fd_4_open, NULL);
	assert_int_equal(syscalls_fd_kind(t, 3), FD_UNKNOWN);
	assert_int_equal(syscalls_fd_kind(t, 4), FD_SOCKET);
	syscalls_fd_set_other(t, 4);
	syscalls_fd_forget_others(t);
	assert_int_equal(syscalls_fd_kind(t, 4), FD_UNKNOWN);
	syscalls_fd_unref(t);
}

/* ---- decoding ---- */

static void test_decode_socket_names_flags(void **state)
{
	struct rig *r = *state;
	assert_true(run(r, SYS_socket, 3, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0, 0, 0, 0));
	assert_string_equal(r->call.call, "socket");
	assert_string_equal(r->call.args, "AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0");
	assert_int_equal(r->call.ret, 3);
	assert_int_equal(r->call.fd, 3);
	assert_int_equal(syscalls_fd_kind(r->fds, 3), FD_SOCKET);
	assert_true(run(r, SYS_socket, -EACCES, AF_INET, SOCK_RAW, IPPROTO_ICMP, 0, 0, 0));
	assert_int_equal(r->call.ret, -1);
	assert_int_equal(r->call.err, EACCES);
	assert_string_equal(r->call.args, "AF_INET, SOCK_RAW, 1");
}

static void test_decode_connect_refused_keeps_target(void **state)
{
	struct rig *r = *state;
	struct sockaddr_in to = loopback(7000);
	assert_true(run(r, SYS_connect, -ECONNREFUSED, 3, PTR(&to), sizeof to, 0, 0, 0));
	assert_string_equal(r->call.args, "fd 3, 127.0.0.1:7000");
	assert_int_equal(r->call.err, ECONNREFUSED);
	assert_int_equal(r->call.peer.family, 4);
	assert_int_equal(r->call.peer_port, 7000);
}

static void test_decode_send_and_sendto(void **state)
{
	struct rig *r = *state;
	struct sockaddr_in to = loopback(7001);
	const char data[] = "HELLO\n\"x\"";
	assert_true(run(r, SYS_sendto, 6, 4, PTR(data), 6, 0, 0, 0));
	assert_string_equal(r->call.call, "send");
	assert_string_equal(r->call.args, "fd 4, \"HELLO\\n\", 6 bytes");
	assert_true(run(r, SYS_sendto, 9, 4, PTR(data), 9, MSG_DONTWAIT, PTR(&to), sizeof to));
	assert_string_equal(r->call.call, "sendto");
	assert_string_equal(
	    r->call.args,
	    "fd 4, \"HELLO\\n\\x22x\\x22\", 9 bytes, MSG_DONTWAIT, to 127.0.0.1:7001");
	assert_int_equal(r->call.peer_port, 7001);
}

static void test_decode_recvfrom_names_sender(void **state)
{
	struct rig *r = *state;
	struct sockaddr_in from = loopback(40000);
	uint32_t len = sizeof from;
	char buf[32] = "hi there";
	assert_true(run(r, SYS_recvfrom, 8, 5, PTR(buf), sizeof buf, 0, PTR(&from), PTR(&len)));
	assert_string_equal(r->call.call, "recvfrom");
	assert_string_equal(r->call.args,
	                    "fd 5, up to 32 bytes -> \"hi there\" from 127.0.0.1:40000");
	assert_int_equal(r->call.peer_port, 40000);
	assert_true(run(r, SYS_recvfrom, -EAGAIN, 5, PTR(buf), sizeof buf, MSG_DONTWAIT, 0, 0));
	assert_string_equal(r->call.call, "recv");
	assert_string_equal(r->call.args, "fd 5, up to 32 bytes, MSG_DONTWAIT");
	assert_int_equal(r->call.err, EAGAIN);
}

static void test_decode_data_preview_is_64_bytes(void **state)
{
	struct rig *r = *state;
	char data[200];
	memset(data, 'a', sizeof data);
	assert_true(run(r, SYS_sendto, 200, 4, PTR(data), sizeof data, 0, 0, 0));
	char expect[128];
	snprintf(expect, sizeof expect, "fd 4, \"%.64s\"..., 200 bytes", data);
	assert_string_equal(r->call.args, expect);
}

/* The escaping byte by byte, as it was before the eight-byte fast path. */
static size_t escape_bytewise(const unsigned char *p, size_t len, char *buf, size_t size)
{
	size_t out = 0;
	for (size_t i = 0; i < len && out + 5 < size; i++) {
		unsigned char c = p[i];
		if (c == '\n')
			out += (size_t)sprintf(buf + out, "\\n");
		else if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			buf[out++] = (char)c;
		else
			out += (size_t)sprintf(buf + out, "\\x%02x", c);
	}
	buf[out] = '\0';
	return out;
}

/* Every byte value at every place of an eight-byte block, among plain bytes,
 * and every room from 1 to past the need: the same text as byte by byte. */
static void test_preview_fast_path_matches_bytewise(void **state)
{
	unsigned char data[40];
	char fast[200], slow[200];

	(void)state;
	for (int value = 0; value < 256; value++)
		for (size_t at = 0; at < 16; at++) {
			memset(data, 'a' + (int)(at % 26), sizeof data);
			data[at] = (unsigned char)value;
			for (size_t size = 1; size < sizeof fast; size += (size < 24 ? 1 : 37)) {
				size_t n = demo_preview_n(data, 24, fast, size);
				size_t m = escape_bytewise(data, 24, slow, size);
				assert_string_equal(fast, slow);
				assert_int_equal(n, m);
				assert_int_equal(n, strlen(fast));
				assert_true(n < size);
			}
		}
}

/* A Unix socket has no ports: its sends do not ask the kernel for its
 * addresses again each time (it cost seven system calls per call). */
static void test_decode_unix_socket_tuple_asked_once(void **state)
{
	struct rig *r = *state;
	const char data[] = "x";

	r->fake.domain = AF_UNIX;
	for (int i = 0; i < 5; i++)
		assert_true(run(r, SYS_sendto, 1, 6, PTR(data), 1, 0, 0, 0));
	assert_string_equal(r->call.args, "fd 6, \"x\", 1 bytes");
	assert_int_equal(r->fake.get_fd_calls, 0);
	r->fake.domain = AF_INET; /* an IP socket without a port yet asks on each use */
	assert_true(run(r, SYS_sendto, 1, 7, PTR(data), 1, 0, 0, 0));
	assert_true(run(r, SYS_sendto, 1, 7, PTR(data), 1, 0, 0, 0));
	assert_int_equal(r->fake.get_fd_calls, 2);
}

/* A hostile program: NULL, unmapped and half-mapped buffers, lying lengths. */
static void test_decode_hostile_pointers(void **state)
{
	struct rig *r = *state;
	long page = sysconf(_SC_PAGESIZE);
	uint8_t *map = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE,
	                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(map != MAP_FAILED);
	munmap(map + page, (size_t)page); /* the second page is gone */
	memset(map, 'z', (size_t)page);
	r->access.read = guarded_read;
	assert_true(run(r, SYS_sendto, -EFAULT, 4, 0, 100, 0, 0, 0));
	assert_string_equal(r->call.args, "fd 4, ?, 100 bytes");
	assert_true(run(r, SYS_sendto, 10, 4, PTR(map + page - 10), UINT64_MAX, 0, 0, 0));
	assert_non_null(strstr(r->call.args, "\"zzzzzzzzzz\"..."));
	assert_true(run(r, SYS_connect, -EFAULT, 4, PTR(map + page), 16, 0, 0, 0));
	assert_string_equal(r->call.args, "fd 4, ?");
	struct sockaddr_in to = loopback(1);
	assert_true(run(r, SYS_connect, -EINVAL, 4, PTR(&to), 3, 0, 0, 0));
	assert_string_equal(r->call.args, "fd 4, (3 bytes of sockaddr)");
	assert_true(run(r, SYS_connect, -EINVAL, 4, PTR(&to), UINT32_MAX, 0, 0, 0));
	assert_non_null(strstr(r->call.args, "fd 4, "));
	assert_true(run(r, SYS_recvmsg, -EFAULT, 4, PTR(map + page - 8), 0, 0, 0, 0));
	assert_string_equal(r->call.args, "fd 4, ?");
	struct pollfd *pfd = (struct pollfd *)(map + page - sizeof *pfd);
	*pfd = (struct pollfd){.fd = 3, .events = POLLIN};
	assert_false(run(r, SYS_ppoll, 0, PTR(pfd), 1000000, 0, 0, 0, 0)); /* runs off the page */
	munmap(map, (size_t)page);
}

static void test_decode_sockopts(void **state)
{
	struct rig *r = *state;
	struct linger l = {1, 0};
	int one = 1;
	assert_true(run(r, SYS_setsockopt, 0, 3, SOL_SOCKET, SO_LINGER, PTR(&l), sizeof l, 0));
	assert_string_equal(r->call.args, "fd 3, SOL_SOCKET, SO_LINGER, {1, 0}");
	assert_true(
	    run(r, SYS_setsockopt, 0, 3, IPPROTO_TCP, 1 /* TCP_NODELAY */, PTR(&one), 4, 0));
	assert_string_equal(r->call.args, "fd 3, IPPROTO_TCP, TCP_NODELAY, 1");
	uint32_t len = 4;
	int err = 111;
	assert_true(run(r, SYS_getsockopt, 0, 3, SOL_SOCKET, SO_ERROR, PTR(&err), PTR(&len), 0));
	assert_string_equal(r->call.args, "fd 3, SOL_SOCKET, SO_ERROR, 111");
	assert_true(run(r, SYS_setsockopt, 0, 3, 999, 77, PTR(&one), 4000, 0));
	assert_string_equal(r->call.args, "fd 3, 999, 77, 4000 bytes");
}

static void test_decode_close_and_files(void **state)
{
	struct rig *r = *state;
	char buf[8] = "abc";
	r->fake.socket_fds[12] = 0; /* fd 12 is a file */
	assert_false(run(r, SYS_read, 3, 12, PTR(buf), sizeof buf, 0, 0, 0));
	assert_int_equal(syscalls_fd_kind(r->fds, 12), FD_OTHER);
	assert_false(run(r, SYS_close, 0, 12, 0, 0, 0, 0, 0));
	assert_int_equal(syscalls_fd_kind(r->fds, 12), FD_UNKNOWN);
	assert_true(run(r, SYS_read, 3, 6, PTR(buf), sizeof buf, 0, 0, 0));
	assert_string_equal(r->call.args, "fd 6, up to 8 bytes -> \"abc\"");
	assert_true(run(r, SYS_write, 3, 6, PTR(buf), 3, 0, 0, 0));
	assert_string_equal(r->call.args, "fd 6, \"abc\", 3 bytes");
	assert_true(run(r, SYS_close, 0, 6, 0, 0, 0, 0, 0));
	assert_string_equal(r->call.args, "fd 6");
	assert_int_equal(r->call.fd, 6);
	assert_int_equal(syscalls_fd_kind(r->fds, 6), FD_UNKNOWN);
}

static void test_decode_fcntl_dup_poll(void **state)
{
	struct rig *r = *state;
	assert_true(run(r, SYS_fcntl, 0, 3, F_SETFL, O_RDWR | O_NONBLOCK, 0, 0, 0));
	assert_string_equal(r->call.args, "fd 3, F_SETFL, O_RDWR | O_NONBLOCK");
	assert_false(run(r, SYS_dup3, 11, 3, 11, 0, 0, 0, 0));
	assert_int_equal(syscalls_fd_kind(r->fds, 11), FD_SOCKET);
	struct pollfd fds[2] = {{.fd = 3, .events = POLLIN, .revents = POLLIN},
	                        {.fd = 12, .events = POLLIN}};
	r->fake.socket_fds[12] = 0;
	assert_true(run(r, SYS_ppoll, 1, PTR(fds), 2, 0, 0, 0, 0));
	assert_string_equal(r->call.args, "fd 3 POLLIN -> fd 3 POLLIN");
	fds[0].fd = 12;
	assert_false(run(r, SYS_ppoll, 1, PTR(fds), 1, 0, 0, 0, 0)); /* waits on no socket */
	assert_true(run(r, SYS_epoll_pwait, 1, 7, 0, 8, 500, 0, 0));
	assert_string_equal(r->call.args, "epfd 7 (fd 3), 500 ms -> 1 ready");
}

/* select's sets are read at entry: the call overwrites them with the ready fds. */
static void test_decode_select_reads_sets_before_the_call(void **state)
{
	struct rig *r = *state;
	fd_set readable, writable;
	struct syscall_event ev = {.desc = syscalls_lookup(SYS_pselect6), .ret = 1, .fds = r->fds};

	FD_ZERO(&readable);
	FD_ZERO(&writable);
	FD_SET(3, &readable);
	FD_SET(12, &readable); /* a file: not listed */
	FD_SET(5, &writable);
	r->fake.socket_fds[12] = 0;
	ev.args[0] = 13;
	ev.args[1] = PTR(&readable);
	ev.args[2] = PTR(&writable);
	assert_true(syscalls_decode_entry(&ev, &r->access));
	FD_ZERO(&readable); /* what the kernel leaves: nothing ready to read */
	assert_true(syscalls_decode(&ev, &r->access, &r->call));
	assert_string_equal(r->call.args, "read 3; write 5 -> 1 ready");
	ev.args[1] = ev.args[2] = 0;
	assert_true(syscalls_decode_entry(&ev, &r->access));
	assert_false(syscalls_decode(&ev, &r->access, &r->call)); /* waits on no socket */
}

static void test_decode_accept_learns_connection(void **state)
{
	struct rig *r = *state;
	struct sockaddr_in peer = loopback(5555);
	uint32_t len = sizeof peer;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	close(sv[1]);
	r->fake.real_fd = sv[0]; /* what get_fd hands back: a real socket to ask */
	assert_true(run(r, SYS_accept4, 9, 3, PTR(&peer), PTR(&len), SOCK_CLOEXEC, 0, 0));
	assert_string_equal(r->call.args, "fd 3, SOCK_CLOEXEC -> client 127.0.0.1:5555");
	assert_int_equal(r->call.fd, 3);
	assert_int_equal(syscalls_fd_kind(r->fds, 9), FD_SOCKET);
	int pair[2] = {10, 11};
	assert_true(run(r, SYS_socketpair, 0, AF_UNIX, SOCK_STREAM, 0, PTR(pair), 0, 0));
	assert_string_equal(r->call.args, "AF_UNIX, SOCK_STREAM, 0 -> [10, 11]");
	assert_int_equal(syscalls_fd_socket(r->fds, 11)->domain, AF_UNIX);
}

static void test_format_sockaddr_ipv6_and_unix(void **state)
{
	struct rig *r = *state;
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6, .sin6_port = htons(443)};
	struct sockaddr_storage ss;
	char buf[128];
	in6.sin6_addr = in6addr_loopback;
	assert_string_equal(
	    syscalls_format_sockaddr(&r->access, PTR(&in6), sizeof in6, &ss, buf, sizeof buf),
	    "[::1]:443");
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	memset(un.sun_path, 'p', sizeof un.sun_path); /* no NUL: must not run past */
	syscalls_format_sockaddr(&r->access, PTR(&un), sizeof un, &ss, buf, sizeof buf);
	assert_true(strlen(buf) <= 60);
	assert_string_equal(syscalls_format_sockaddr(&r->access, 0, 16, &ss, buf, sizeof buf),
	                    "NULL");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_knows_socket_calls_only),
	    cmocka_unit_test(test_filter_builds_and_refuses_small_room),
	    cmocka_unit_test(test_fd_table_add_dup_remove),
	    cmocka_unit_test(test_fd_table_fork_copies_threads_share),
	    cmocka_unit_test(test_fd_table_exec_and_scm_rights),
	    cmocka_unit_test_setup_teardown(test_decode_socket_names_flags, rig_setup,
	                                    rig_teardown),
	    cmocka_unit_test_setup_teardown(test_decode_connect_refused_keeps_target, rig_setup,
	                                    rig_teardown),
	    cmocka_unit_test_setup_teardown(test_decode_send_and_sendto, rig_setup, rig_teardown),
	    cmocka_unit_test_setup_teardown(test_decode_recvfrom_names_sender, rig_setup,
	                                    rig_teardown),
	    cmocka_unit_test(test_preview_fast_path_matches_bytewise),
	    cmocka_unit_test_setup_teardown(test_decode_unix_socket_tuple_asked_once, rig_setup,
	                                    rig_teardown),
	    cmocka_unit_test_setup_teardown(test_decode_data_preview_is_64_bytes, rig_setup,
	                                    rig_teardown),
	    cmocka_unit_test_setup_teardown(test_decode_hostile_pointers, rig_setup, rig_teardown),
	    cmocka_unit_test_setup_teardown(test_decode_sockopts, rig_setup, rig_teardown),
	    cmocka_unit_test_setup_teardown(test_decode_close_and_files, rig_setup, rig_teardown),
	    cmocka_unit_test_setup_teardown(test_decode_fcntl_dup_poll, rig_setup, rig_teardown),
	    cmocka_unit_test_setup_teardown(test_decode_select_reads_sets_before_the_call,
	                                    rig_setup, rig_teardown),
	    cmocka_unit_test_setup_teardown(test_decode_accept_learns_connection, rig_setup,
	                                    rig_teardown),
	    cmocka_unit_test_setup_teardown(test_format_sockaddr_ipv6_and_unix, rig_setup,
	                                    rig_teardown),
	};
	return cmocka_run_group_tests_name("syscalls", tests, NULL, NULL);
}
