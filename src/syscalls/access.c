/*
 * access.c - what the tracer learns about a traced process outside its
 * registers: its memory (process_vm_readv), its fds (/proc/PID/fd and a
 * duplicate by pidfd_getfd, so getsockname runs here), its epoll sets
 * (/proc/PID/fdinfo) and its name (/proc/PID/comm).  All of it is read as
 * the process's tracer, which the kernel's ptrace access checks allow.
 */
#include "access.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static size_t read_memory(void *ctx, uint64_t addr, void *buf, size_t len)
{
	const struct process_ref *p = ctx;
	struct iovec local = {buf, len}, remote = {(void *)(uintptr_t)addr, len};
	ssize_t n;

	if (!len || !addr)
		return 0;
	n = process_vm_readv(p->tid, &local, 1, &remote, 1, 0);
	return n > 0 ? (size_t)n : 0; /* a partial read stops at the first unmapped page */
}

static int get_fd(void *ctx, int fd)
{
	const struct process_ref *p = ctx;
#if defined(SYS_pidfd_open) && defined(SYS_pidfd_getfd)
	int pidfd = (int)syscall(SYS_pidfd_open, p->tgid, 0);
	if (pidfd < 0)
		return -1;
	int copy = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	close(pidfd);
	return copy;
#else
	(void)p;
	(void)fd;
	return -1;
#endif
}

static int probe_fd(void *ctx, int fd, int *domain, int *type)
{
	const struct process_ref *p = ctx;
	char path[64], target[64];
	socklen_t len = sizeof(int);

	snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)p->tid, fd);
	ssize_t n = readlink(path, target, sizeof target - 1);
	if (n < 0)
		return errno == ENOENT ? 0 : -1; /* not open: whatever opens it later is seen */
	target[n] = '\0';
	if (strncmp(target, "socket:", 7) != 0)
		return 0;
	int copy = get_fd(ctx, fd);
	if (copy < 0)
		return 1; /* a socket of unknown kind */
	getsockopt(copy, SOL_SOCKET, SO_DOMAIN, domain, &len);
	len = sizeof(int);
	getsockopt(copy, SOL_SOCKET, SO_TYPE, type, &len);
	close(copy);
	return 1;
}

/* "tfd:        5 events:       19 data: ..." lines of /proc/PID/fdinfo/EPFD. */
static int epoll_fds(void *ctx, int epfd, int *fds, int max)
{
	const struct process_ref *p = ctx;
	char path[64], line[256];
	int count = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/fdinfo/%d", (int)p->tid, epfd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (count < max && fgets(line, sizeof line, f))
		if (sscanf(line, "tfd: %d", &fds[count]) == 1)
			count++;
	fclose(f);
	return count;
}

struct tracee_access syscalls_access(struct process_ref *process)
{
	return (struct tracee_access){
	    .read = read_memory,
	    .probe_fd = probe_fd,
	    .epoll_fds = epoll_fds,
	    .get_fd = get_fd,
	    .ctx = process,
	};
}

bool syscalls_fd_is_open(int fd, void *ctx)
{
	const struct process_ref *p = ctx;
	char path[64];

	snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)p->tid, fd);
	return access(path, F_OK) == 0 || errno != ENOENT;
}

void syscalls_read_comm(pid_t tid, char *comm, size_t size)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/comm", (int)tid);
	f = fopen(path, "r");
	if (!f || !fgets(comm, (int)size, f))
		snprintf(comm, size, "?");
	if (f)
		fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
}

pid_t syscalls_read_tgid(pid_t tid)
{
	char path[64], line[128];
	pid_t tgid = tid;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)tid);
	f = fopen(path, "r");
	if (!f)
		return tid;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "Tgid: %d", &tgid) == 1)
			break;
	fclose(f);
	return tgid;
}
