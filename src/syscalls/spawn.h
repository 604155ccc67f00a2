/* spawn.h - starting the traced command (private to syscalls; see spawn.c). */
#ifndef SOCKSCOPE_SYSCALLS_SPAWN_H
#define SOCKSCOPE_SYSCALLS_SPAWN_H

#include <fcntl.h>

#include "internal.h"

enum spawn_stage {
	SPAWN_READY,       /* traced with the filter (or untraced, as asked); stops itself */
	SPAWN_NO_PTRACE,   /* PTRACE_TRACEME refused: runs untraced, no stop */
	SPAWN_NO_FILTER,   /* traced, but the filter was refused: stops itself */
	SPAWN_EXEC_FAILED, /* exec failed with err; the child exits 127 or 126 */
};

struct spawn_report {
	enum spawn_stage stage;
	int err;
};

/* The preloaded shim's memfd for the command (preload.h): no seccomp filter
 * then, the memfd at child_fd, and this environment. */
struct spawn_preload {
	int fd, child_fd;
	char **environ;
};

/*
 * Forks and starts command in the child; returns its pid (or -1), with the
 * child's first report in *first and the pipe for a later exec failure in
 * *report_fd (close-on-exec; the caller closes it).  pre: NULL, or the shim.
 */
pid_t syscalls_spawn(char **command, bool trace, bool stdout_to_stderr,
                     const struct spawn_preload *pre, struct spawn_report *first, int *report_fd);
/* 1 with a report, 0 at end of file (exec succeeded), -1 on error. */
int syscalls_read_report(int fd, struct spawn_report *report);

#endif
