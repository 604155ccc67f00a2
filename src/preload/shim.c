/*
 * shim.c - libsockscope-calls.so, preloaded into a traced program: its C
 * library's socket calls, logged without stopping it.
 *
 * A ptrace tracer stops the program twice per call, which costs more than a
 * small send on loopback.  This library wraps the same calls where a program
 * makes them, through the C library: it stamps the start, runs the real call,
 * stamps the return, decodes it with the tracer's own decoder (decode.c,
 * reading this process's memory with process_vm_readv, so a bad pointer is a
 * failed read, never a crash) and hands the finished demo_call to the tracer
 * through the call ring (ring.h), shared memory it inherited.  The tracer
 * still follows every process (fork, clone, exec) with ptrace, and traces a
 * process this library cannot reach (static, set-user-ID, its environment
 * cleared) by stopping it at each call instead.
 *
 * Rules for every wrapper: errno is the real call's when it returns; a call
 * the library makes itself (decoding reads addresses with getsockname) is
 * not logged (the `busy` flag per thread); without a ring it is a plain
 * pass-through.  Only the wrappers are exported.
 */
#include "../syscalls/access.h"
#include "../syscalls/internal.h"
#include "../syscalls/ring.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/single_threaded.h>
#include <sys/prctl.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))
#define THREAD_LOCAL __thread __attribute__((tls_model("initial-exec")))

/* Calls an architecture does not have are passed through (lookup fails). */
#ifndef SYS_accept
#define SYS_accept -1
#endif
#ifndef SYS_poll
#define SYS_poll -1
#endif
#ifndef SYS_select
#define SYS_select -1
#endif
#ifndef SYS_epoll_wait
#define SYS_epoll_wait -1
#endif

/* duplicates made to read a socket's addresses go this high, so that they
 * never take the low fd number the program's next socket() would get */
#define DUP_FLOOR 512

static struct callring_header *ring; /* NULL: nothing is logged */
static struct fd_table *fds;         /* this process's sockets, shared by its threads */
static pthread_mutex_t fds_lock = PTHREAD_MUTEX_INITIALIZER;
static struct process_ref self;
static char side[16]; /* "pid 1234": this process, written once (and after a fork) */
static THREAD_LOCAL int busy;  /* inside the library: pass calls through */
/* set by vfork() (below) in the memory parent and child share: the next call
 * asks the kernel who makes it, once */
static THREAD_LOCAL int in_vfork __asm__("shim_in_vfork") __attribute__((used));
#if defined(__x86_64__)
/* until shim_init finds vfork; named for the jump below */
static pid_t (*vfork_next)(void) __asm__("shim_vfork_next") __attribute__((used)) = fork;
#endif
static THREAD_LOCAL pid_t tid; /* 0 until known; reset in a forked child */
static THREAD_LOCAL char comm[16];
static THREAD_LOCAL int64_t comm_read_at; /* ns; the name is read again 10 ms later */

/* Memory the kernel has just read or written for a successful call: read
 * directly; anything else through process_vm_readv, where a bad pointer is a
 * failed read rather than a crash. */
static THREAD_LOCAL struct {
	uint64_t addr, len;
} trusted[2];

/* ---- this process, read from inside ---- */

static int self_get_fd(void *ctx, int fd)
{
	(void)ctx;
	return (int)syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, DUP_FLOOR);
}

static int self_probe_fd(void *ctx, int fd, int *domain, int *type)
{
	struct stat st;
	socklen_t len = sizeof(int);

	(void)ctx;
	if (fstat(fd, &st) < 0)
		return errno == EBADF ? 0 : -1;
	if (!S_ISSOCK(st.st_mode))
		return 0;
	getsockopt(fd, SOL_SOCKET, SO_DOMAIN, domain, &len);
	len = sizeof(int);
	getsockopt(fd, SOL_SOCKET, SO_TYPE, type, &len);
	return 1;
}

static size_t (*read_remote)(void *ctx, uint64_t addr, void *buf, size_t len);

static size_t self_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	for (size_t i = 0; i < sizeof trusted / sizeof *trusted; i++)
		if (addr >= trusted[i].addr && len <= trusted[i].len &&
		    addr - trusted[i].addr <= trusted[i].len - len && addr) {
			memcpy(buf, (const void *)(uintptr_t)addr, len);
			return len;
		}
	return read_remote(ctx, addr, buf, len);
}

static struct tracee_access access_self(void)
{
	struct tracee_access a = syscalls_access(&self); /* process_vm_readv, /proc fdinfo */
	a.read = self_read;
	a.get_fd = self_get_fd;
	a.probe_fd = self_probe_fd;
	return a;
}

/* What a successful call's kernel side touched: its data, its address. */
static void trust(const struct syscall_event *ev, long ret)
{
	memset(trusted, 0, sizeof trusted);
	if (ret < 0)
		return;
	switch (ev->desc->kind) {
	case SC_SENDTO:
		trusted[1].addr = ev->args[4];
		trusted[1].len = ev->args[4] ? (uint32_t)ev->args[5] : 0;
		/* fall through */
	case SC_RECVFROM:
	case SC_READ:
	case SC_WRITE:
		trusted[0].addr = ev->args[1];
		trusted[0].len = (uint64_t)ret;
		break;
	case SC_CONNECT:
	case SC_BIND:
		trusted[0].addr = ev->args[1];
		trusted[0].len = (uint32_t)ev->args[2];
		break;
	default:
		break;
	}
}

/* The thread's name as /proc/PID/comm shows it, read at most every 10 ms. */
static void thread_name(char *name, int64_t sec, uint32_t nsec)
{
	int64_t now = sec * 1000000000 + nsec;

	if (!comm[0] || now - comm_read_at > 10 * 1000 * 1000) {
		prctl(PR_GET_NAME, comm); /* 16 bytes with its NUL */
		comm_read_at = now;
	}
	memcpy(name, comm, sizeof comm);
}

/* ---- the ring, found through the environment ---- */

static bool is_our_memfd(int fd)
{
	char path[64], target[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(path, target, sizeof target - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return strncmp(target, "/memfd:" CALLRING_MEMFD_NAME, 7 + strlen(CALLRING_MEMFD_NAME)) == 0;
}

static void name_side(void)
{
	snprintf(side, sizeof side, "pid %d", (int)self.tgid);
}

static void after_fork_child(void)
{
	self.tid = self.tgid = getpid();
	name_side();
	tid = 0;
	comm[0] = '\0';
	pthread_mutex_init(&fds_lock, NULL); /* the parent's other threads are gone */
}

__attribute__((constructor)) static void shim_init(void)
{
	const char *v = getenv(CALLRING_ENV);
	unsigned long long offset, size;
	int fd, used = 0;

#if defined(__x86_64__)
	pid_t (*next)(void) = (pid_t(*)(void))dlsym(RTLD_NEXT, "vfork");
	if (next)
		vfork_next = next;
#endif
	if (!v || sscanf(v, "%d,%llu,%llu%n", &fd, &offset, &size, &used) != 3 || v[used] ||
	    fd < 0 || offset % 4096 || size == 0 || size > (1ull << 32) || !is_our_memfd(fd))
		return;
	void *map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)offset);
	if (map == MAP_FAILED)
		return;
	struct callring_header *h = callring_attach(map, size);
	if (!h || h->ring_offset != offset || !(fds = syscalls_fd_create())) {
		munmap(map, size);
		return;
	}
	self.tid = self.tgid = getpid();
	name_side();
	read_remote = syscalls_access(&self).read;
	pthread_atfork(NULL, NULL, after_fork_child);
	ring = h;
}

/* ---- who calls, and the fd table's lock ---- */

/*
 * A vfork child runs in its parent's memory, on its parent thread's stack and
 * thread-local storage, until it execs or exits: the fd table and the pid
 * here are the parent's, so its calls are left to the tracer.  Asking the
 * kernel for the pid on every call cost a system call per call (a third of
 * what a small send costs), so vfork() below marks the thread instead: while
 * the mark is set, each call asks; the parent's first call after the child
 * has gone finds its own pid and clears the mark.  On an architecture without
 * that vfork(), every call asks.
 */
#if defined(__x86_64__)
static bool this_process(void)
{
	if (__builtin_expect(!in_vfork, 1))
		return true;
	if ((pid_t)syscall(SYS_getpid) != self.tgid)
		return false;
	in_vfork = 0;
	return true;
}

/* The mark, then a jump (not a call) to the C library's vfork: the child
 * returns from it into the program's frame, as it would without us; a frame
 * of ours would be overwritten by the child before the parent returned
 * through it. */
__attribute__((naked)) EXPORT pid_t vfork(void)
{
	__asm__("endbr64\n\t" /* a landing pad for indirect branch tracking; a no-op elsewhere */
	        "movq shim_in_vfork@gottpoff(%rip), %rax\n\t"
	        "movl $1, %fs:(%rax)\n\t"
	        "jmp *shim_vfork_next(%rip)");
}
#else
static bool this_process(void)
{
	return (pid_t)syscall(SYS_getpid) == self.tgid;
}
#endif

/* One thread (the C library says so): nobody to lock against.  A signal
 * handler's calls while the lock would be held pass through (busy). */
static void fds_acquire(void)
{
	if (!__libc_single_threaded)
		pthread_mutex_lock(&fds_lock);
}

static void fds_release(void)
{
	if (!__libc_single_threaded)
		pthread_mutex_unlock(&fds_lock);
}

/* ---- one call: begin before the real call, end after it ---- */

struct pending {
	struct syscall_event ev;
	int64_t sec;
	uint32_t nsec;
};

static void stamp(int64_t *sec, uint32_t *nsec)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	*sec = now.tv_sec;
	*nsec = (uint32_t)now.tv_nsec;
}

static bool begin(struct pending *p, long nr, const uint64_t *args)
{
	const struct syscall_desc *desc;
	int saved = errno;

	if (!ring || busy || !(desc = syscalls_lookup(nr)))
		return false;
	if (!this_process())
		return false;
	busy = 1;
	struct tracee_access access = access_self();
	p->ev.desc = desc;
	memcpy(p->ev.args, args, sizeof p->ev.args);
	p->ev.fds = fds;
	fds_acquire();
	bool keep = syscalls_decode_entry(&p->ev, &access); /* false: a file, nothing to show */
	fds_release();
	if (keep)
		callring_prepare(ring);
	stamp(&p->sec, &p->nsec);
	busy = 0; /* a signal handler's socket calls during the real call are logged too */
	errno = saved;
	return keep;
}

static void end(struct pending *p, long ret)
{
	int saved = errno;
	struct demo_call call;

	busy = 1;
	memset(&call, 0, sizeof call);
	stamp(&call.ts_sec, &call.ts_nsec);
	p->ev.ret = ret < 0 ? -(int64_t)saved : ret;
	trust(&p->ev, ret);
	struct tracee_access access = access_self();
	fds_acquire();
	bool show = syscalls_decode(&p->ev, &access, &call);
	fds_release();
	if (show) {
		if (!tid)
			tid = (pid_t)syscall(SYS_gettid);
		call.start_sec = p->sec;
		call.start_nsec = p->nsec;
		call.pid = self.tgid;
		call.tid = tid;
		thread_name(call.comm, call.ts_sec, call.ts_nsec);
		memcpy(call.side, side, sizeof side);
		callring_push(ring, &call);
	}
	busy = 0;
	errno = saved;
}

#define U(x) ((uint64_t)(int64_t)(x))    /* an integer argument, sign-extended */
#define P(x) ((uint64_t)(uintptr_t)(x)) /* a pointer argument */
#define ARGS(...)                                                                                  \
	{                                                                                          \
		__VA_ARGS__                                                                        \
	}

/* The real function, found once; ENOSYS if the C library has none. */
#define REAL(name)                                                                                 \
	static __typeof__(name) *real_##name;                                                      \
	if (!real_##name)                                                                          \
		real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name);                         \
	if (!real_##name) {                                                                        \
		errno = ENOSYS;                                                                    \
		return -1;                                                                         \
	}

/*
 * A wrapper: `ret name params` calls the real `name args`, and logs it as
 * system call `nr` with the six `sysargs` the kernel would have seen.
 */
#define WRAP(ret, name, nr, params, args, sysargs)                                                 \
	EXPORT ret name params                                                                     \
	{                                                                                          \
		REAL(name)                                                          \
		struct pending p;                                                                  \
		bool on = begin(&p, nr, (const uint64_t[6])ARGS sysargs);                          \
		ret result_ = real_##name args;                                                    \
		if (on)                                                                            \
			end(&p, (long)result_);                                                    \
		return result_;                                                                    \
	}

typedef const struct sockaddr *ADDR;
typedef struct sockaddr *ADDR_OUT;
typedef const struct timespec *TIMESPEC;
typedef const sigset_t *SIGSET;

WRAP(int, socket, SYS_socket, (int d, int t, int pr), (d, t, pr), (U(d), U(t), U(pr), 0, 0, 0))
WRAP(int, socketpair, SYS_socketpair, (int d, int t, int pr, int sv[2]), (d, t, pr, sv),
     (U(d), U(t), U(pr), P(sv), 0, 0))
WRAP(int, bind, SYS_bind, (int fd, ADDR a, socklen_t l), (fd, a, l), (U(fd), P(a), l, 0, 0, 0))
WRAP(int, listen, SYS_listen, (int fd, int n), (fd, n), (U(fd), U(n), 0, 0, 0, 0))
WRAP(int, accept, SYS_accept, (int fd, ADDR_OUT a, socklen_t *l), (fd, a, l),
     (U(fd), P(a), P(l), 0, 0, 0))
WRAP(int, accept4, SYS_accept4, (int fd, ADDR_OUT a, socklen_t *l, int f), (fd, a, l, f),
     (U(fd), P(a), P(l), U(f), 0, 0))
WRAP(int, connect, SYS_connect, (int fd, ADDR a, socklen_t l), (fd, a, l),
     (U(fd), P(a), l, 0, 0, 0))
WRAP(int, shutdown, SYS_shutdown, (int fd, int how), (fd, how), (U(fd), U(how), 0, 0, 0, 0))
WRAP(int, close, SYS_close, (int fd), (fd), (U(fd), 0, 0, 0, 0, 0))
WRAP(int, setsockopt, SYS_setsockopt, (int fd, int lv, int o, const void *v, socklen_t l),
     (fd, lv, o, v, l), (U(fd), U(lv), U(o), P(v), l, 0))
WRAP(int, getsockopt, SYS_getsockopt, (int fd, int lv, int o, void *v, socklen_t *l),
     (fd, lv, o, v, l), (U(fd), U(lv), U(o), P(v), P(l), 0))
WRAP(int, getsockname, SYS_getsockname, (int fd, ADDR_OUT a, socklen_t *l), (fd, a, l),
     (U(fd), P(a), P(l), 0, 0, 0))
WRAP(int, getpeername, SYS_getpeername, (int fd, ADDR_OUT a, socklen_t *l), (fd, a, l),
     (U(fd), P(a), P(l), 0, 0, 0))
/* send() and recv() are the system calls sendto and recvfrom without an address */
WRAP(ssize_t, send, SYS_sendto, (int fd, const void *b, size_t n, int f), (fd, b, n, f),
     (U(fd), P(b), n, U(f), 0, 0))
WRAP(ssize_t, sendto, SYS_sendto, (int fd, const void *b, size_t n, int f, ADDR a, socklen_t l),
     (fd, b, n, f, a, l), (U(fd), P(b), n, U(f), P(a), l))
WRAP(ssize_t, recv, SYS_recvfrom, (int fd, void *b, size_t n, int f), (fd, b, n, f),
     (U(fd), P(b), n, U(f), 0, 0))
WRAP(ssize_t, recvfrom, SYS_recvfrom,
     (int fd, void *b, size_t n, int f, ADDR_OUT a, socklen_t *l), (fd, b, n, f, a, l),
     (U(fd), P(b), n, U(f), P(a), P(l)))
WRAP(ssize_t, sendmsg, SYS_sendmsg, (int fd, const struct msghdr *m, int f), (fd, m, f),
     (U(fd), P(m), U(f), 0, 0, 0))
WRAP(ssize_t, recvmsg, SYS_recvmsg, (int fd, struct msghdr *m, int f), (fd, m, f),
     (U(fd), P(m), U(f), 0, 0, 0))
WRAP(int, sendmmsg, SYS_sendmmsg, (int fd, struct mmsghdr *v, unsigned int n, int f),
     (fd, v, n, f), (U(fd), P(v), n, U(f), 0, 0))
WRAP(int, recvmmsg, SYS_recvmmsg,
     (int fd, struct mmsghdr *v, unsigned int n, int f, struct timespec *t), (fd, v, n, f, t),
     (U(fd), P(v), n, U(f), P(t), 0))
WRAP(ssize_t, read, SYS_read, (int fd, void *b, size_t n), (fd, b, n), (U(fd), P(b), n, 0, 0, 0))
WRAP(ssize_t, write, SYS_write, (int fd, const void *b, size_t n), (fd, b, n),
     (U(fd), P(b), n, 0, 0, 0))
WRAP(ssize_t, readv, SYS_readv, (int fd, const struct iovec *v, int n), (fd, v, n),
     (U(fd), P(v), U(n), 0, 0, 0))
WRAP(ssize_t, writev, SYS_writev, (int fd, const struct iovec *v, int n), (fd, v, n),
     (U(fd), P(v), U(n), 0, 0, 0))
WRAP(ssize_t, sendfile, SYS_sendfile, (int out, int in, off_t *o, size_t n), (out, in, o, n),
     (U(out), U(in), P(o), n, 0, 0))
WRAP(ssize_t, splice, SYS_splice,
     (int in, loff_t *oi, int out, loff_t *oo, size_t n, unsigned int f),
     (in, oi, out, oo, n, f), (U(in), P(oi), U(out), P(oo), n, f))
WRAP(int, poll, SYS_poll, (struct pollfd *v, nfds_t n, int t), (v, n, t), (P(v), n, U(t), 0, 0, 0))
WRAP(int, ppoll, SYS_ppoll, (struct pollfd *v, nfds_t n, TIMESPEC t, SIGSET m), (v, n, t, m),
     (P(v), n, P(t), P(m), sizeof(uint64_t), 0))
WRAP(int, select, SYS_select, (int n, fd_set *r, fd_set *w, fd_set *e, struct timeval *t),
     (n, r, w, e, t), (U(n), P(r), P(w), P(e), P(t), 0))
WRAP(int, epoll_wait, SYS_epoll_wait, (int ep, struct epoll_event *v, int n, int t), (ep, v, n, t),
     (U(ep), P(v), U(n), U(t), 0, 0))
WRAP(int, epoll_pwait, SYS_epoll_pwait,
     (int ep, struct epoll_event *v, int n, int t, SIGSET m), (ep, v, n, t, m),
     (U(ep), P(v), U(n), U(t), P(m), sizeof(uint64_t)))
WRAP(int, dup, SYS_dup, (int fd), (fd), (U(fd), 0, 0, 0, 0, 0))
WRAP(int, dup2, SYS_dup2, (int fd, int to), (fd, to), (U(fd), U(to), 0, 0, 0, 0))
WRAP(int, dup3, SYS_dup3, (int fd, int to, int f), (fd, to, f), (U(fd), U(to), U(f), 0, 0, 0))
WRAP(int, close_range, SYS_close_range, (unsigned int lo, unsigned int hi, int f), (lo, hi, f),
     (lo, hi, U(f), 0, 0, 0))

/* The fortified forms a program built with _FORTIFY_SOURCE calls instead. */
WRAP(ssize_t, __read_chk, SYS_read, (int fd, void *b, size_t n, size_t room), (fd, b, n, room),
     (U(fd), P(b), n, 0, 0, 0))
WRAP(ssize_t, __recv_chk, SYS_recvfrom, (int fd, void *b, size_t n, size_t room, int f),
     (fd, b, n, room, f), (U(fd), P(b), n, U(f), 0, 0))
WRAP(ssize_t, __recvfrom_chk, SYS_recvfrom,
     (int fd, void *b, size_t n, size_t room, int f, ADDR_OUT a, socklen_t *l),
     (fd, b, n, room, f, a, l), (U(fd), P(b), n, U(f), P(a), P(l)))
WRAP(int, __poll_chk, SYS_poll, (struct pollfd *v, nfds_t n, int t, size_t room), (v, n, t, room),
     (P(v), n, U(t), 0, 0, 0))

/* pselect's sigmask is one pointer; the system call takes {pointer, size}. */
EXPORT int pselect(int n, fd_set *r, fd_set *w, fd_set *e, TIMESPEC t, SIGSET m)
{
	REAL(pselect)
	struct pending p;
	const uint64_t mask[2] = {P(m), sizeof(uint64_t)};
	bool on = begin(&p, SYS_pselect6, (const uint64_t[6]){U(n), P(r), P(w), P(e), P(t), P(mask)});
	int ret = real_pselect(n, r, w, e, t, m);
	if (on)
		end(&p, ret);
	return ret;
}

/* fcntl's third argument is an int or a pointer, by command: passed on as
 * the C library itself reads it. */
static int fcntl_logged(int (*real)(int, int, ...), int fd, int cmd, void *arg)
{
	struct pending p;
	bool on = begin(&p, SYS_fcntl, (const uint64_t[6]){U(fd), U(cmd), P(arg), 0, 0, 0});
	int ret = real(fd, cmd, arg);
	if (on)
		end(&p, ret);
	return ret;
}

#define WRAP_FCNTL(name)                                                                           \
	EXPORT int name(int fd, int cmd, ...)                                                      \
	{                                                                                          \
		va_list ap;                                                                        \
		va_start(ap, cmd);                                                                 \
		void *arg = va_arg(ap, void *);                                                    \
		va_end(ap);                                                                        \
		REAL(name)                                                                         \
		return fcntl_logged(real_##name, fd, cmd, arg);                                    \
	}

WRAP_FCNTL(fcntl)
WRAP_FCNTL(fcntl64)
