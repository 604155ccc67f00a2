/*
 * calls.c - a program's socket calls traced around a live capture (calls.h).
 *
 * The tracer runs as the recording's work, in the recording thread, after the
 * capture is proven running and privileges are dropped: the program runs as
 * the user who ran sudo, and its calls and packets share one clock.
 */
#include "calls.h"

#include "sockscope/cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int cli_calls_init(struct cli_calls *c, char **command, long attach, bool trace)
{
	memset(c, 0, sizeof *c);
	c->opts.command = command;
	c->opts.attach = (pid_t)attach;
	c->opts.trace = trace || attach > 0;
	c->active = (command && trace) || attach > 0;
	if (!c->active)
		return CLI_OK;
	c->log = demo_log_create();
	return c->log ? CLI_OK : CLI_FAIL;
}

int cli_calls_work(void *arg)
{
	struct cli_calls *c = arg;
	struct syscalls_result *r = &c->result;

	if (syscalls_run(&c->opts, c->log, r) < 0)
		return -1;
	c->source.traced = r->traced;
	c->source.why = r->why;
	c->source.count = r->calls;
	c->source.command = r->ended;
	c->source.via = r->via[0] ? r->via : NULL;
	c->source.lost = r->lost;
	if (!r->started)
		return r->exec_errno == 0 ? 1 : r->exec_errno == ENOENT ? 127 : 126;
	if (r->signaled)
		return 128 + r->status;
	return r->exited ? r->status : 0;
}

void cli_calls_report(const struct cli_calls *c)
{
	const char *name = c->opts.command ? c->opts.command[0] : "the process";

	if (!c->active)
		return;
	if (!c->result.traced)
		cli_error("socket calls NOT traced: %s",
		          c->result.why[0] ? c->result.why : "unknown");
	else if (c->result.why[0])
		cli_error("socket calls traced, but %s", c->result.why);
	if (c->result.lost)
		cli_error("%llu socket call%s lost: a process was killed while logging %s",
		          (unsigned long long)c->result.lost, c->result.lost == 1 ? "" : "s",
		          c->result.lost == 1 ? "it" : "them");
	if (c->opts.attach > 0)
		cli_error("process %d %s", (int)c->opts.attach, c->result.ended);
	else
		cli_error("%s %s", name, c->result.ended);
}

void cli_calls_free(struct cli_calls *c)
{
	demo_log_free(c->log);
	c->log = NULL;
}
