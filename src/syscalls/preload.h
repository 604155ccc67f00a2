/*
 * preload.h - the tracer's side of the preloaded shim (private to syscalls;
 * see preload.c and src/preload/shim.c).
 *
 * A program whose C library can load the shim has its socket calls logged
 * in-process and handed over through the call ring (ring.h); the tracer then
 * stops it only at fork, clone, exec and exit.  One memfd carries both the
 * shim (from byte 0, so the dynamic loader can map it) and the ring after it;
 * the program inherits it at a high fd number, and LD_PRELOAD names it as
 * /proc/self/fd/N, so nothing is installed or left on disk.
 */
#ifndef SOCKSCOPE_SYSCALLS_PRELOAD_H
#define SOCKSCOPE_SYSCALLS_PRELOAD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/types.h>

#include "ring.h"

struct preload {
	int fd;       /* the memfd (close-on-exec here); -1 when none */
	int child_fd; /* its number in the traced program */
	uint64_t ring_offset, ring_size;
	void *map;
	struct callring_reader reader;
	char env_calls[96];   /* SOCKSCOPE_CALLS=FD,OFFSET,SIZE */
	char **environ;       /* the command's environment, with the two variables */
	struct demo_log *log; /* where the drain thread puts the calls */
	pthread_t drain;
	bool draining;
	atomic_int stop;
	uint64_t calls, lost; /* logged; lost (a writer killed mid-record) */
};

/* Makes the memfd, the ring and the environment; 0, or an errno value. */
int preload_open(struct preload *p, struct demo_log *log);
/* Starts the thread that moves calls from the ring to the log; 0 or errno. */
int preload_start(struct preload *p);
/* Once every traced process has ended: takes the last calls, stops the thread. */
void preload_finish(struct preload *p);
void preload_close(struct preload *p);

/*
 * Can the program at path load the shim: a dynamically linked ELF file of
 * this architecture, or a script whose interpreter is one?  Where the answer
 * is no, a command is traced by stops alone.
 */
bool preload_fits_file(const char *path);
/* The same for a command, looked up in PATH as execvp does. */
bool preload_fits_command(char *const *command);
/* At a process's exec stop: will the shim log its calls (it kept the memfd
 * and the variables, its new program is dynamic and not set-user-ID)? */
bool preload_active_in(const struct preload *p, pid_t pid);

#endif
