/*
 * spawn.c - starting the command as a tracee, with its seccomp filter.
 *
 * The child asks to be traced (PTRACE_TRACEME), installs the filter that
 * stops it on socket calls only, tells the parent over a close-on-exec pipe
 * how far it got, stops itself (so the parent can set the ptrace options
 * before anything runs) and execs.  A refusal at any step is not fatal: the
 * command runs untraced, or traced at every call when only the filter was
 * refused.  An exec failure is written to the same pipe before _exit.
 *
 * Between fork and exec only async-signal-safe calls are made: sockscope
 * has other threads (the capture reader).
 */
#include "spawn.h"

#include <errno.h>
#include <linux/close_range.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define FILTER_ROOM 256

/*
 * Without CAP_SYS_ADMIN the kernel takes a filter only under no_new_privs,
 * which also stops set-user-ID programs in the command from gaining
 * privileges; with it (root, not dropped), the filter goes on without.
 */
static int install_filter(void)
{
	struct sock_filter insn[FILTER_ROOM];
	struct sock_fprog prog = {.filter = insn};

	prog.len = (unsigned short)syscalls_build_filter(insn, FILTER_ROOM);
	if (!prog.len) {
		errno = ENOSYS; /* an architecture the filter does not know */
		return -1;
	}
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0)
		return 0;
	if (errno != EACCES)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/*
 * Once the filter is on, write() to fd 3 and up stops for a tracer that has
 * not yet set PTRACE_O_TRACESECCOMP, and fails with ENOSYS: pwritev2 at
 * offset -1 (the current position, so a pipe takes it) is not filtered.
 */
static void report(int fd, enum spawn_stage stage, int err)
{
	struct spawn_report r = {stage, err};
	struct iovec iov = {&r, sizeof r};
	long n = syscall(SYS_pwritev2, fd, &iov, 1, -1L, 0L, 0);
	(void)n; /* the parent reads EOF as "no report": nothing better to do here */
}

static void run_child(char **command, int report_fd, bool trace, bool stdout_to_stderr,
                      const struct spawn_preload *pre)
{
	enum spawn_stage stage = SPAWN_READY;
	sigset_t none;
	int err = 0;

	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (stdout_to_stderr && dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
		_exit(127);
	/* only 0, 1 and 2 reach the command, whatever a library left open */
	syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
	/* and the shim's memfd, kept across exec, where LD_PRELOAD names it (without
	 * it the program runs without the shim; the tracer then stops it at each call) */
	bool shim = pre && dup2(pre->fd, pre->child_fd) >= 0;
	if (trace && ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0) {
		stage = SPAWN_NO_PTRACE;
		err = errno;
	} else if (trace && !pre && install_filter() < 0) {
		stage = SPAWN_NO_FILTER;
		err = errno;
	}
	report(report_fd, stage, err);
	if (trace && stage != SPAWN_NO_PTRACE)
		raise(SIGSTOP); /* the parent sets its options, then lets us go on */
	if (shim)
		execvpe(command[0], command, pre->environ);
	else
		execvp(command[0], command);
	report(report_fd, SPAWN_EXEC_FAILED, errno);
	_exit(errno == ENOENT ? 127 : 126);
}

pid_t syscalls_spawn(char **command, bool trace, bool stdout_to_stderr,
                     const struct spawn_preload *pre, struct spawn_report *first, int *report_fd)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		run_child(command, fds[1], trace, stdout_to_stderr, pre);
	}
	close(fds[1]);
	*report_fd = fds[0];
	if (syscalls_read_report(fds[0], first) <= 0)
		*first = (struct spawn_report){SPAWN_NO_PTRACE, 0};
	return pid;
}

int syscalls_read_report(int fd, struct spawn_report *r)
{
	ssize_t n;

	do
		n = read(fd, r, sizeof *r);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof *r ? 1 : n < 0 ? -1 : 0;
}
