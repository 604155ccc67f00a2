/*
 * output.h - the files a subcommand writes: private to the cli module.
 *
 * A timeline or page is written to a temporary file beside its target
 * (".NAME.XXXXXXXX", created with the user's rights, see privs.h) and
 * renamed over the target only once complete, so the target is either the
 * old file or the whole new one: never half-written, never written through a
 * symbolic link.  An interrupted or failed write removes the temporary file.
 * "-" is stdout, written in place, as is a target that is a device or FIFO
 * (/dev/null, /dev/stdout): a rename would replace it.
 */
#ifndef SOCKSCOPE_CLI_OUTPUT_H
#define SOCKSCOPE_CLI_OUTPUT_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

struct cli_output {
	const char *path; /* the target, or "-" */
	char temp[PATH_MAX];
	FILE *out;
	int slot; /* signals.h's temporary-file slot */
};

/* Opens path ("-": stdout) for writing; NULL after a message naming it. */
FILE *cli_output_open(struct cli_output *o, const char *path);
/* Closes and renames into place; CLI_OK, or CLI_FAIL after a message. */
int cli_output_commit(struct cli_output *o);
/* Closes and removes the temporary file (stdout is only flushed). */
void cli_output_discard(struct cli_output *o);

/* A new empty file with a random name in the system's temporary
 * directory, created with the user's rights and registered for removal at
 * the exit signal: its descriptor, or -1 after a message. */
int cli_temp_file(char *path, size_t size, const char *suffix, int *slot);

/* One file named on the command line, by its option (for messages). */
struct cli_named_file {
	const char *option; /* "-r", "-o", ... */
	const char *path;   /* NULL or "-": not a file */
};

/* CLI_USAGE after a message when two of the files are one (same name, or
 * same device and inode): sockscope would read back what it writes. */
int cli_check_distinct(const char *command, const struct cli_named_file *files, size_t count);

#endif
