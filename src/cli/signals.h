/*
 * signals.h - SIGINT, SIGTERM and SIGHUP for every subcommand: private to
 * the cli module.
 *
 * Signals are counted.  The first asks for an orderly end (a capture drains
 * and writes its timeline; a trace ends its timeline early, marked
 * interrupted), and is forwarded to a running command unless the terminal
 * already sent it to the command's process group.  The second kills the
 * command and asks for an end at once.  At the count given to
 * signals_install, the handler removes the registered temporary files and
 * exits 128 + signal, leaving no half-written output behind.
 */
#ifndef SOCKSCOPE_CLI_SIGNALS_H
#define SOCKSCOPE_CLI_SIGNALS_H

#include <stdbool.h>
#include <sys/types.h>

/* Installs the handler; `exit_at` signals end the process (0: never).
 * on_signal, if not NULL, is called from the handler: async-signal-safe only. */
void signals_install(unsigned exit_at, void (*on_signal)(void));

/* Signals received so far. */
unsigned signals_count(void);

/* The command that signals go to (0: none). */
void signals_forward_to(pid_t pid);

/* Registers a temporary file for removal at the exit signal: a slot, or -1
 * when every slot is taken.  The path is copied. */
int signals_temp_add(const char *path);
void signals_temp_remove(int slot);

#endif
