/* access.h - reading a traced process from outside (private to syscalls; see access.c). */
#ifndef SOCKSCOPE_SYSCALLS_ACCESS_H
#define SOCKSCOPE_SYSCALLS_ACCESS_H

#include "internal.h"

struct process_ref {
	pid_t tid, tgid;
};

/* Reads process through process_vm_readv and /proc; process must outlive the result. */
struct tracee_access syscalls_access(struct process_ref *process);
/* For syscalls_fd_keep_open after exec: ctx is a struct process_ref. */
bool syscalls_fd_is_open(int fd, void *ctx);
void syscalls_read_comm(pid_t tid, char *comm, size_t size);
pid_t syscalls_read_tgid(pid_t tid);

#endif
