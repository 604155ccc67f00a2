/* signals.c - counted, forwarded signals and temporary-file removal (signals.h). */
#include "signals.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define TEMP_SLOTS 4

static volatile sig_atomic_t received, forward_pid;
static unsigned exit_count;
static void (*notify)(void);
static char temp_paths[TEMP_SLOTS][PATH_MAX];
static volatile sig_atomic_t temp_used[TEMP_SLOTS];

static void on_signal(int signo, siginfo_t *info, void *context)
{
	int saved = errno;
	int count = ++received;
	pid_t pid = (pid_t)forward_pid;

	(void)context;
	/* SI_KERNEL: the terminal sent it to the whole foreground group, CMD too */
	if (pid > 0 && count >= 2)
		kill(pid, SIGKILL);
	else if (pid > 0 && info->si_code != SI_KERNEL)
		kill(pid, signo);
	if (notify)
		notify();
	if (exit_count && (unsigned)count >= exit_count) {
		for (int i = 0; i < TEMP_SLOTS; i++)
			if (temp_used[i])
				unlink(temp_paths[i]);
		_exit(128 + signo);
	}
	errno = saved;
}

void signals_install(unsigned exit_at, void (*on_signal_fn)(void))
{
	static const int signals[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa;

	exit_count = exit_at;
	notify = on_signal_fn;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigfillset(&sa.sa_mask); /* one handler at a time: the count stays exact */
	for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
		sigaction(signals[i], &sa, NULL);
}

unsigned signals_count(void)
{
	return (unsigned)received;
}

void signals_forward_to(pid_t pid)
{
	forward_pid = pid;
}

int signals_temp_add(const char *path)
{
	for (int i = 0; i < TEMP_SLOTS; i++)
		if (!temp_used[i] && snprintf(temp_paths[i], PATH_MAX, "%s", path) < PATH_MAX) {
			temp_used[i] = 1;
			return i;
		}
	return -1;
}

void signals_temp_remove(int slot)
{
	if (slot >= 0 && slot < TEMP_SLOTS)
		temp_used[slot] = 0;
}
