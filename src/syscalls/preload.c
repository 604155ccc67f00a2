/*
 * preload.c - the tracer's side of the preloaded shim (preload.h).
 */
#include "preload.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

extern const unsigned char syscalls_shim[]; /* build/gen/shim_bytes.c */
extern const size_t syscalls_shim_size;
extern char **environ;

#define RING_SLOTS 8192u                     /* 8192 calls in flight: ~4 MB */
#define STUCK_NS (1000ull * 1000 * 1000)     /* a slot unpublished for 1 s is lost */
#define CHILD_FD_CEILING 1000                /* the program's copy goes just below this */
#define PAGE 4096u

#if defined(__x86_64__)
#define NATIVE_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define NATIVE_MACHINE EM_AARCH64
#else
#define NATIVE_MACHINE EM_NONE
#endif

/* ---- the memfd and the environment ---- */

static int write_all(int fd, const unsigned char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EIO;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A high number, below the fd limit, so the program's own fds keep their numbers. */
static int pick_child_fd(void)
{
	struct rlimit lim;
	rlim_t top = CHILD_FD_CEILING;

	if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < top)
		top = lim.rlim_cur;
	return top > 16 ? (int)top - 1 : -1;
}

/* environ with SOCKSCOPE_CALLS set and the shim first in LD_PRELOAD. */
static char **make_environ(struct preload *p)
{
	size_t n = 0, k = 0;
	const char *old = getenv("LD_PRELOAD");
	char *preload = NULL;

	while (environ[n])
		n++;
	char **env = calloc(n + 3, sizeof *env);
	if (!env || asprintf(&preload, "LD_PRELOAD=/proc/self/fd/%d%s%s", p->child_fd,
	                     old && *old ? " " : "", old ? old : "") < 0) {
		free(env);
		return NULL;
	}
	env[k++] = preload;
	env[k++] = p->env_calls;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "LD_PRELOAD=", 11) != 0 &&
		    strncmp(environ[i], CALLRING_ENV "=", sizeof CALLRING_ENV) != 0)
			env[k++] = environ[i];
	env[k] = NULL;
	return env;
}

int preload_open(struct preload *p, struct demo_log *log)
{
	memset(p, 0, sizeof *p);
	p->fd = -1;
	p->log = log;
	p->child_fd = pick_child_fd();
	if (p->child_fd < 0)
		return EMFILE;
	p->ring_offset = (syscalls_shim_size + PAGE - 1) & ~(uint64_t)(PAGE - 1);
	p->ring_size = callring_size(RING_SLOTS);
	p->fd = memfd_create(CALLRING_MEMFD_NAME, MFD_CLOEXEC);
	if (p->fd < 0)
		return errno;
	int err = write_all(p->fd, syscalls_shim, syscalls_shim_size);
	if (!err && ftruncate(p->fd, (off_t)(p->ring_offset + p->ring_size)) < 0)
		err = errno;
	if (!err) {
		p->map = mmap(NULL, p->ring_size, PROT_READ | PROT_WRITE, MAP_SHARED, p->fd,
		              (off_t)p->ring_offset);
		if (p->map == MAP_FAILED) {
			p->map = NULL;
			err = errno;
		}
	}
	if (!err) {
		callring_init(p->map, RING_SLOTS, p->ring_offset);
		callring_reader_init(&p->reader, p->map, RING_SLOTS);
		snprintf(p->env_calls, sizeof p->env_calls, CALLRING_ENV "=%d,%llu,%llu", p->child_fd,
		         (unsigned long long)p->ring_offset, (unsigned long long)p->ring_size);
		if (!(p->environ = make_environ(p)))
			err = ENOMEM;
	}
	if (err)
		preload_close(p);
	return err;
}

/* ---- the drain thread ---- */

static void nap_ms(long ms)
{
	struct timespec t = {0, ms * 1000 * 1000};
	nanosleep(&t, NULL);
}

static void *drain(void *arg)
{
	struct preload *p = arg;
	struct demo_call call;

	for (;;) {
		bool stopping = atomic_load(&p->stop);
		bool any = false;
		while (callring_pop(&p->reader, &call, stopping ? 1 : STUCK_NS)) {
			demo_log_add(p->log, &call);
			p->calls++;
			any = true;
		}
		/* at the end every writer has gone: what is left unpublished is lost;
		 * a head past the ring's size was written by no honest writer */
		if (stopping && (callring_pending(&p->reader) == 0 || p->reader.skipped > RING_SLOTS))
			break;
		if (!any)
			nap_ms(1);
	}
	p->lost = p->reader.skipped;
	return NULL;
}

int preload_start(struct preload *p)
{
	int err = pthread_create(&p->drain, NULL, drain, p);
	p->draining = err == 0;
	if (err) /* nobody reads: writers must not wait for room */
		atomic_store_explicit(&p->reader.ring->reader_gone, 1, memory_order_relaxed);
	return err;
}

void preload_finish(struct preload *p)
{
	if (!p->draining)
		return;
	atomic_store_explicit(&p->reader.ring->reader_gone, 1, memory_order_relaxed);
	atomic_store(&p->stop, 1);
	pthread_join(p->drain, NULL);
	p->draining = false;
}

void preload_close(struct preload *p)
{
	preload_finish(p);
	if (p->environ)
		free(p->environ[0]); /* the LD_PRELOAD string; the rest are borrowed */
	free(p->environ);
	p->environ = NULL;
	if (p->map)
		munmap(p->map, p->ring_size);
	p->map = NULL;
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

/* ---- which programs can load it ---- */

/* A dynamically linked ELF of this architecture: it has a PT_INTERP header. */
static bool dynamic_elf(int fd)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;

	if (pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_machine != NATIVE_MACHINE || eh.e_phentsize != sizeof ph || eh.e_phnum > 256)
		return false;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		off_t at = (off_t)(eh.e_phoff + (uint64_t)i * sizeof ph);
		if (eh.e_phoff > (uint64_t)INT64_MAX / 2 || pread(fd, &ph, sizeof ph, at) != (ssize_t)sizeof ph)
			return false;
		if (ph.p_type == PT_INTERP)
			return true;
	}
	return false;
}

/* "#!/bin/sh -e": the interpreter's path, or false. */
static bool script_interpreter(int fd, char *path, size_t size)
{
	char line[256];
	ssize_t n = pread(fd, line, sizeof line - 1, 0);

	if (n < 3 || line[0] != '#' || line[1] != '!')
		return false;
	line[n] = '\0';
	char *start = line + 2 + strspn(line + 2, " \t");
	size_t len = strcspn(start, " \t\n");
	if (len == 0 || len >= size || start[len] == '\0')
		return false; /* no end of line within the kernel's own limit */
	memcpy(path, start, len);
	path[len] = '\0';
	return true;
}

static bool fits(const char *path, int depth)
{
	char interpreter[256];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool yes = false;

	if (fd < 0)
		return false;
	if (dynamic_elf(fd))
		yes = true;
	else if (depth < 4 && script_interpreter(fd, interpreter, sizeof interpreter))
		yes = fits(interpreter, depth + 1);
	close(fd);
	return yes;
}

bool preload_fits_file(const char *path)
{
	return fits(path, 0);
}

bool preload_fits_command(char *const *command)
{
	const char *name = command[0], *path = getenv("PATH");
	char full[PATH_MAX];

	if (!name || !*name)
		return false;
	if (strchr(name, '/'))
		return fits(name, 0);
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t len = strcspn(path, ":");
		if (snprintf(full, sizeof full, "%.*s%s%s", (int)len, path, len ? "/" : "", name) <
		        (int)sizeof full &&
		    access(full, X_OK) == 0)
			return fits(full, 0);
		path += len + (path[len] == ':');
	}
	return false;
}

static bool proc_has_memfd(const struct preload *p, pid_t pid)
{
	char path[64], target[64];
	snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)pid, p->child_fd);
	ssize_t n = readlink(path, target, sizeof target - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return strncmp(target, "/memfd:" CALLRING_MEMFD_NAME " ", 8 + strlen(CALLRING_MEMFD_NAME)) == 0;
}

/* Reads a /proc file of at most size - 1 bytes; its length, or -1. */
static ssize_t read_proc(pid_t pid, const char *name, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t got = 0, n;

	if (fd < 0)
		return -1;
	while ((size_t)got < size - 1 && (n = read(fd, buf + got, size - 1 - (size_t)got)) > 0)
		got += n;
	close(fd);
	buf[got] = '\0';
	return got;
}

/* Both variables as this tracer set them, the shim first in LD_PRELOAD. */
static bool proc_has_environ(const struct preload *p, pid_t pid)
{
	static char env[64 * 1024];
	char want[64];
	bool calls = false, shim = false;
	ssize_t len = read_proc(pid, "environ", env, sizeof env);

	snprintf(want, sizeof want, "LD_PRELOAD=/proc/self/fd/%d", p->child_fd);
	for (ssize_t i = 0; i < len; i += (ssize_t)strlen(env + i) + 1) {
		calls |= strcmp(env + i, p->env_calls) == 0;
		shim |= strncmp(env + i, want, strlen(want)) == 0 &&
		        (env[i + strlen(want)] == '\0' || env[i + strlen(want)] == ' ' ||
		         env[i + strlen(want)] == ':');
	}
	return calls && shim;
}

/* AT_SECURE: the loader ignores LD_PRELOAD with a slash (set-user-ID and such). */
static bool proc_secure(pid_t pid)
{
	uint64_t aux[128];
	ssize_t len = read_proc(pid, "auxv", (char *)aux, sizeof aux);

	if (len < 0)
		return true;
	for (size_t i = 0; i + 1 < (size_t)len / sizeof *aux; i += 2)
		if (aux[i] == AT_SECURE)
			return aux[i + 1] != 0;
	return false;
}

bool preload_active_in(const struct preload *p, pid_t pid)
{
	char exe[64];

	snprintf(exe, sizeof exe, "/proc/%d/exe", (int)pid);
	return proc_has_memfd(p, pid) && proc_has_environ(p, pid) && !proc_secure(pid) &&
	       preload_fits_file(exe);
}
