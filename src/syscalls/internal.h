/*
 * internal.h - the syscalls module's private pieces: the table of traced
 * calls and the seccomp filter built from it (table.c), the per-process fd
 * tables (fdtable.c), and the decoder that turns one finished call into a
 * demo_call (decode.c).  The tracer (tracer.c) drives them.  Tests include
 * this header to test the decoder and the fd table without ptrace.
 */
#ifndef SOCKSCOPE_SYSCALLS_INTERNAL_H
#define SOCKSCOPE_SYSCALLS_INTERNAL_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "sockscope/syscalls.h"

#define SYSCALLS_DATA_PREVIEW 64 /* bytes of a data argument shown */

/* ---- the traced calls ---- */

enum syscall_kind {
	SC_SOCKET,
	SC_SOCKETPAIR,
	SC_BIND,
	SC_LISTEN,
	SC_ACCEPT,
	SC_ACCEPT4,
	SC_CONNECT,
	SC_SHUTDOWN,
	SC_CLOSE,
	SC_SETSOCKOPT,
	SC_GETSOCKOPT,
	SC_GETSOCKNAME,
	SC_GETPEERNAME,
	SC_SENDTO,
	SC_RECVFROM,
	SC_SENDMSG,
	SC_RECVMSG,
	SC_SENDMMSG,
	SC_RECVMMSG,
	SC_READ,
	SC_WRITE,
	SC_READV,
	SC_WRITEV,
	SC_SENDFILE,
	SC_SPLICE,
	SC_POLL,
	SC_PPOLL,
	SC_SELECT,
	SC_PSELECT6,
	SC_EPOLL_WAIT,
	SC_EPOLL_PWAIT,
	SC_FCNTL,
	SC_DUP,
	SC_DUP2,
	SC_DUP3,
	SC_CLOSE_RANGE,
};

/* How the seccomp filter picks a call's stops. */
enum syscall_filter {
	FILTER_ALWAYS,    /* every call */
	FILTER_FD_ABOVE2, /* only when arg 0 (the fd) is not stdin/stdout/stderr */
	FILTER_FCNTL,     /* only F_SETFL, F_DUPFD, F_DUPFD_CLOEXEC */
};

struct syscall_desc {
	long nr;
	enum syscall_kind kind;
	const char *name;
	enum syscall_filter filter;
};

/* The traced call with this number on the native architecture, or NULL. */
const struct syscall_desc *syscalls_lookup(long nr);
/* The native audit architecture, or 0 where the tracer is not supported. */
uint32_t syscalls_native_arch(void);
/*
 * Writes the seccomp program (at most `room` instructions) into prog:
 * foreign architectures are allowed, traced calls return SECCOMP_RET_TRACE,
 * all others SECCOMP_RET_ALLOW.  Returns the instruction count, or 0 when it
 * does not fit or the architecture is not supported.
 */
size_t syscalls_build_filter(struct sock_filter *prog, size_t room);

/* ---- fd tables: which fds of a process are sockets ---- */

enum fd_kind { FD_UNKNOWN = 0, FD_SOCKET, FD_OTHER };

struct fd_socket {
	int domain, type;       /* AF_INET, SOCK_STREAM (type without flags) */
	struct demo_call tuple; /* proto, local, peer and ports as last read */
};

struct fd_table; /* shared by the threads of a process (CLONE_FILES) */

struct fd_table *syscalls_fd_create(void);
/* A copy, as fork() gives the child: a new table with the same entries. */
struct fd_table *syscalls_fd_clone(const struct fd_table *table);
struct fd_table *syscalls_fd_ref(struct fd_table *table);
void syscalls_fd_unref(struct fd_table *table);
enum fd_kind syscalls_fd_kind(const struct fd_table *table, int fd);
/* The socket at fd, or NULL when fd is not known to be one. */
struct fd_socket *syscalls_fd_socket(struct fd_table *table, int fd);
/* Records fd as a socket (replacing what was there); NULL when fd is out of range. */
struct fd_socket *syscalls_fd_add_socket(struct fd_table *table, int fd, int domain, int type);
void syscalls_fd_set_other(struct fd_table *table, int fd);
void syscalls_fd_remove(struct fd_table *table, int fd);
/* newfd becomes what oldfd is (dup2 semantics). */
void syscalls_fd_dup(struct fd_table *table, int oldfd, int newfd);
/* Forgets every "not a socket" entry (fds may have arrived by SCM_RIGHTS). */
void syscalls_fd_forget_others(struct fd_table *table);
/* Drops every entry whose fd `is_open` says is closed (after exec, CLOEXEC). */
void syscalls_fd_keep_open(struct fd_table *table, bool (*is_open)(int fd, void *ctx), void *ctx);

/* ---- decoding a finished call ---- */

/* Reads the traced program's memory: bytes read (fewer at an unmapped page). */
struct tracee_access {
	size_t (*read)(void *ctx, uint64_t addr, void *buf, size_t len);
	/* Is fd a socket?  -1 unknown, 0 no, 1 yes with domain and type set. */
	int (*probe_fd)(void *ctx, int fd, int *domain, int *type);
	/* The fds in the program's epoll set epfd (at most max): their count, or -1. */
	int (*epoll_fds)(void *ctx, int epfd, int *fds, int max);
	/* A duplicate of the program's fd in this process (the caller closes it), or -1. */
	int (*get_fd)(void *ctx, int fd);
	void *ctx;
};

struct syscall_event {
	const struct syscall_desc *desc;
	uint64_t args[6];
	int64_t ret;          /* the raw return: -errno on failure */
	struct fd_table *fds; /* the process's table, updated by the call */
	uint8_t before[256];  /* what syscalls_decode_entry saw (select sets, epoll fds) */
	size_t before_len;
};

/* At the call's entry: keeps what the call will change (select's sets, a
 * socket's addresses before close) for syscalls_decode.  Returns false when
 * the call is already known to show nothing (a read, write or close of a
 * file): its exit need not stop the program, and syscalls_decode is not called. */
bool syscalls_decode_entry(struct syscall_event *ev, const struct tracee_access *access);

/*
 * Decodes a finished call into call (whose times, pid, tid and comm the
 * caller sets) and updates the fd table.  Returns true when the call is a
 * socket call to log, false when it only updated the table (dup, a read of
 * a file) or acts on no socket.
 */
bool syscalls_decode(const struct syscall_event *ev, const struct tracee_access *access,
                     struct demo_call *call);

/* "127.0.0.1:7000" from len bytes of sockaddr at addr; fills *ss (zeroed if unreadable). */
const char *syscalls_format_sockaddr(const struct tracee_access *access, uint64_t addr,
                                     uint64_t len, struct sockaddr_storage *ss, char *buf,
                                     size_t size);

#endif
