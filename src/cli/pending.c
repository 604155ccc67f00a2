/* pending.c - subcommands whose modules are not in this build yet. */
#include "sockscope/cli.h"

static int not_yet(const char *name)
{
	cli_error("%s: not available in this build", name);
	return CLI_FAIL;
}

int cli_demo(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return not_yet("demo");
}

int cli_capture(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return not_yet("capture");
}

int cli_list(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return not_yet("list");
}
