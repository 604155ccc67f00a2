/*
 * table.c - which system calls are traced, and the seccomp-bpf filter that
 * stops the program on them only.
 *
 * The numbers are the native architecture's, from <sys/syscall.h>, so the
 * one table serves x86_64 and aarch64 (which has no poll, select, send or
 * recv: only their newer forms).  The filter first checks the architecture
 * in seccomp_data, as a number means a different call under another ABI: a
 * 32-bit program on a 64-bit kernel runs untraced rather than misread.
 */
#include "internal.h"

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>

#define ROW(sys, kind, filter)                                                                     \
	{                                                                                          \
		SYS_##sys, kind, #sys, filter                                                      \
	}

static const struct syscall_desc traced[] = {
    ROW(socket, SC_SOCKET, FILTER_ALWAYS),
    ROW(socketpair, SC_SOCKETPAIR, FILTER_ALWAYS),
    ROW(bind, SC_BIND, FILTER_ALWAYS),
    ROW(listen, SC_LISTEN, FILTER_ALWAYS),
#ifdef SYS_accept
    ROW(accept, SC_ACCEPT, FILTER_ALWAYS),
#endif
    ROW(accept4, SC_ACCEPT4, FILTER_ALWAYS),
    ROW(connect, SC_CONNECT, FILTER_ALWAYS),
    ROW(shutdown, SC_SHUTDOWN, FILTER_ALWAYS),
    ROW(close, SC_CLOSE, FILTER_FD_ABOVE2),
    ROW(setsockopt, SC_SETSOCKOPT, FILTER_ALWAYS),
    ROW(getsockopt, SC_GETSOCKOPT, FILTER_ALWAYS),
    ROW(getsockname, SC_GETSOCKNAME, FILTER_ALWAYS),
    ROW(getpeername, SC_GETPEERNAME, FILTER_ALWAYS),
    ROW(sendto, SC_SENDTO, FILTER_ALWAYS),
    ROW(recvfrom, SC_RECVFROM, FILTER_ALWAYS),
    ROW(sendmsg, SC_SENDMSG, FILTER_ALWAYS),
    ROW(recvmsg, SC_RECVMSG, FILTER_ALWAYS),
    ROW(sendmmsg, SC_SENDMMSG, FILTER_ALWAYS),
    ROW(recvmmsg, SC_RECVMMSG, FILTER_ALWAYS),
    ROW(read, SC_READ, FILTER_FD_ABOVE2),
    ROW(write, SC_WRITE, FILTER_FD_ABOVE2),
    ROW(readv, SC_READV, FILTER_FD_ABOVE2),
    ROW(writev, SC_WRITEV, FILTER_FD_ABOVE2),
    ROW(sendfile, SC_SENDFILE, FILTER_ALWAYS),
    ROW(splice, SC_SPLICE, FILTER_ALWAYS),
#ifdef SYS_poll
    ROW(poll, SC_POLL, FILTER_ALWAYS),
#endif
    ROW(ppoll, SC_PPOLL, FILTER_ALWAYS),
#ifdef SYS_select
    ROW(select, SC_SELECT, FILTER_ALWAYS),
#endif
    ROW(pselect6, SC_PSELECT6, FILTER_ALWAYS),
#ifdef SYS_epoll_wait
    ROW(epoll_wait, SC_EPOLL_WAIT, FILTER_ALWAYS),
#endif
    ROW(epoll_pwait, SC_EPOLL_PWAIT, FILTER_ALWAYS),
    ROW(fcntl, SC_FCNTL, FILTER_FCNTL),
    /* not shown, but they change which fd is which socket */
    ROW(dup, SC_DUP, FILTER_ALWAYS),
#ifdef SYS_dup2
    ROW(dup2, SC_DUP2, FILTER_ALWAYS),
#endif
    ROW(dup3, SC_DUP3, FILTER_ALWAYS),
#ifdef SYS_close_range
    ROW(close_range, SC_CLOSE_RANGE, FILTER_ALWAYS),
#endif
};

#define TRACED_COUNT (sizeof traced / sizeof traced[0])

const struct syscall_desc *syscalls_lookup(long nr)
{
	for (size_t i = 0; i < TRACED_COUNT; i++)
		if (traced[i].nr == nr)
			return &traced[i];
	return NULL;
}

uint32_t syscalls_native_arch(void)
{
#if defined(__x86_64__)
	return AUDIT_ARCH_X86_64;
#elif defined(__aarch64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return AUDIT_ARCH_AARCH64;
#else
	return 0;
#endif
}

/* The low 32 bits of argument i (both supported ABIs are little-endian). */
#define ARG_LOW(i) ((uint32_t)offsetof(struct seccomp_data, args[(i)]))

struct program {
	struct sock_filter *insn;
	size_t count, room;
	bool full;
};

static void put(struct program *p, struct sock_filter insn)
{
	if (p->count == p->room) {
		p->full = true;
		return;
	}
	p->insn[p->count++] = insn;
}

static struct sock_filter stmt(uint16_t code, uint32_t k)
{
	return (struct sock_filter)BPF_STMT(code, k);
}

static struct sock_filter jump(uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
	return (struct sock_filter)BPF_JUMP(code, k, jt, jf);
}

/*
 * One block per traced call; each starts with the number still in A.  A block
 * that loads an argument ends in a return, since A no longer holds the number.
 */
static void put_block(struct program *p, const struct syscall_desc *d)
{
	switch (d->filter) {
	case FILTER_ALWAYS:
		put(p, jump(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)d->nr, 0, 1));
		put(p, stmt(BPF_RET | BPF_K, SECCOMP_RET_TRACE));
		break;
	case FILTER_FD_ABOVE2:
		put(p, jump(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)d->nr, 0, 4));
		put(p, stmt(BPF_LD | BPF_W | BPF_ABS, ARG_LOW(0)));
		put(p, jump(BPF_JMP | BPF_JGE | BPF_K, 3, 0, 1));
		put(p, stmt(BPF_RET | BPF_K, SECCOMP_RET_TRACE));
		put(p, stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
		break;
	case FILTER_FCNTL:
		put(p, jump(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)d->nr, 0, 6));
		put(p, stmt(BPF_LD | BPF_W | BPF_ABS, ARG_LOW(1)));
		put(p, jump(BPF_JMP | BPF_JEQ | BPF_K, F_SETFL, 3, 0));
		put(p, jump(BPF_JMP | BPF_JEQ | BPF_K, F_DUPFD, 2, 0));
		put(p, jump(BPF_JMP | BPF_JEQ | BPF_K, F_DUPFD_CLOEXEC, 1, 0));
		put(p, stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
		put(p, stmt(BPF_RET | BPF_K, SECCOMP_RET_TRACE));
		break;
	}
}

size_t syscalls_build_filter(struct sock_filter *prog, size_t room)
{
	struct program p = {.insn = prog, .room = room};
	uint32_t arch = syscalls_native_arch();

	if (!arch)
		return 0;
	put(&p, stmt(BPF_LD | BPF_W | BPF_ABS, (uint32_t)offsetof(struct seccomp_data, arch)));
	put(&p, jump(BPF_JMP | BPF_JEQ | BPF_K, arch, 1, 0));
	put(&p, stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	put(&p, stmt(BPF_LD | BPF_W | BPF_ABS, (uint32_t)offsetof(struct seccomp_data, nr)));
	for (size_t i = 0; i < TRACED_COUNT; i++)
		put_block(&p, &traced[i]);
	put(&p, stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	return p.full ? 0 : p.count;
}
