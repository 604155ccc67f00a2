/*
 * calls.h - a program's socket calls traced around a live capture: the glue
 * between `sockscope capture -- CMD` / `-p PID` and the syscalls module
 * (private to the cli module).
 */
#ifndef SOCKSCOPE_CLI_CALLS_H
#define SOCKSCOPE_CLI_CALLS_H

#include "sockscope/syscalls.h"
#include "sockscope/timeline.h"

struct cli_calls {
	struct syscalls_options opts;
	struct syscalls_result result;
	struct demo_log *log; /* the calls, handed to the pipeline */
	struct timeline_calls_source source;
	bool active; /* a program is run or attached to by the tracer */
};

/* For `-- command` (trace: unless --no-calls) or `-p attach`.  Returns
 * CLI_OK, or CLI_FAIL when out of memory.  c->active is false when there is
 * nothing for the tracer to do (no command, or --no-calls). */
int cli_calls_init(struct cli_calls *c, char **command, long attach, bool trace);
/* record_options.work: runs the program under the tracer; its exit code. */
int cli_calls_work(void *arg);
/* After the work: says on stderr how the program ended, and loudly when its
 * calls were not traced. */
void cli_calls_report(const struct cli_calls *c);
void cli_calls_free(struct cli_calls *c);

#endif
