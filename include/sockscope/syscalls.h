/*
 * syscalls.h - the socket system calls of any program, traced with ptrace.
 *
 * syscalls_run() starts a command (or attaches to a running process) and
 * follows every process and thread it starts (fork, vfork, clone, exec).
 * Each socket call it makes - socket, bind, connect, send, recv, close of a
 * socket, poll on one, ... - is appended to the caller's demo_log as a
 * `struct demo_call`, exactly as the demos log their own calls: start and
 * return time on CLOCK_REALTIME (the clock libpcap stamps packets with),
 * arguments decoded in the demos' style, result and errno, pid, tid, comm,
 * fd, and the socket's addresses once known, so the timeline ties each call
 * to its flow.
 *
 * A started command whose program is dynamically linked runs with a shim
 * preloaded (src/preload/): its C library's socket calls are logged inside
 * it, without a stop, and reach the tracer through shared memory; the tracer
 * still follows it, and stops at each call any program it starts that cannot
 * load the shim (static, set-user-ID, environment cleared).  Otherwise the
 * command stops only on socket-related calls: a seccomp-bpf filter installed
 * in the child before exec returns SECCOMP_RET_TRACE for them and
 * SECCOMP_RET_ALLOW for everything else (x86_64 and aarch64; other
 * architectures are refused with a message).  An attached process cannot be
 * given a filter: every system call stops and the choice is made here.
 *
 * The traced program is hostile input: its memory is read with
 * process_vm_readv, bounded, and any pointer or length it passes is checked.
 *
 * When tracing is refused (no CAP_SYS_PTRACE, Yama, a seccomp policy), the
 * command still runs untraced and `result.why` says why.  Nothing here
 * prints; the caller reports.
 */
#ifndef SOCKSCOPE_SYSCALLS_H
#define SOCKSCOPE_SYSCALLS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sockscope/demo.h"

/* How a started command's calls are seen (an attached process: by ptrace). */
enum syscalls_via {
	SYSCALLS_VIA_AUTO,    /* the shim where the command's program can load it */
	SYSCALLS_VIA_PRELOAD, /* the shim, for every program that can load it */
	SYSCALLS_VIA_PTRACE,  /* stops only: the seccomp filter, every call stops twice */
};

struct syscalls_options {
	char **command; /* NULL-terminated argv to run, or NULL to attach */
	pid_t attach;   /* with command == NULL: the running process to attach to */
	bool trace;     /* false: run the command untraced (--no-calls) */
	bool stdout_to_stderr; /* sockscope's stdout carries data: the command writes to stderr */
	enum syscalls_via via;
	/* told the command's pid once it runs, and 0 once it has ended, so the
	 * caller can forward signals to it (NULL: nobody to tell) */
	void (*on_command)(pid_t pid);
};

struct syscalls_result {
	bool traced;         /* calls were traced (some may still be 0) */
	char why[256];       /* when asked to trace but not traced: the reason */
	bool started;        /* the command ran (exec succeeded, or the attach did) */
	bool exited;         /* it ended with exit(); status holds the code */
	int status;          /* exit code; or the signal that killed it */
	bool signaled;       /* killed by signal `status` */
	int exec_errno;      /* exec failed with this errno (ENOENT: not found; EACCES) */
	int left;            /* processes it left running when it ended (daemons) */
	char left_list[128]; /* "1234 python3, 1240 sleep" */
	uint64_t calls;      /* socket calls logged */
	uint64_t lost;       /* calls the shim began but never finished (a writer killed mid-record) */
	char via[160];       /* how the calls were seen: "preload (3 programs)", "ptrace", ... */
	char ended[192];     /* how it ended, one sentence: "exited with status 0" */
};

/*
 * Runs (or attaches to) the program and returns once its first process has
 * ended (or, attached, when syscalls_interrupt() detaches).  Processes a
 * started command leaves behind are killed, since their socket calls cannot
 * run without the tracer once its filter is installed; result.left counts
 * them.  Returns 0, or a negative SS_E* code when the program could not be
 * started at all (fork failed).
 */
int syscalls_run(const struct syscalls_options *opts, struct demo_log *log,
                 struct syscalls_result *result);

/* Ctrl-C: ends an attach (the attached process runs on, untraced).  A run
 * command gets the signal from the caller (see on_command).  Async-signal-safe. */
void syscalls_interrupt(void);

#endif
