/* main.c - `sockscope SUBCOMMAND ...`: dispatch by table. */
#include "sockscope/cli.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} subcommands[] = {
    {"demo", cli_demo, "run a bundled socket demo under live capture and explain it"},
    {"capture", cli_capture, "capture live traffic (optionally around a command)"},
    {"trace", cli_trace, "read a pcap/pcapng file and write the annotated timeline"},
    {"report", cli_report, "write a self-contained HTML page for a capture or timeline"},
    {"list", cli_list, "list the bundled demos"},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: sockscope COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
		fprintf(out, "  %-8s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(out, "\n'sockscope COMMAND --help' describes each command.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return CLI_OK;
	}
	for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].run(argc - 1, argv + 1);
	cli_error("unknown command '%s'", argv[1]);
	usage(stderr);
	return CLI_USAGE;
}
