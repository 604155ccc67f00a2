/*
 * main.c - `sockscope SUBCOMMAND ...`: dispatch by table.
 *
 * Privileges are settled before a subcommand parses anything: trace, report
 * and list hold none (under sudo they become the user); capture and demo keep
 * only the capabilities they need (docs/privileges.md).
 */
#include "sockscope/cli.h"

#include <stdio.h>
#include <string.h>

#include "privs.h"

#define KEEP_NONE UINT64_MAX /* drop everything, and become the sudo user */

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
	uint64_t keep_caps;
} subcommands[] = {
    {"demo", cli_demo, "run a bundled socket demo under live capture and explain it",
     PRIV_DEMO_SET},
    {"capture", cli_capture, "capture live traffic (optionally around a command)",
     PRIV_ATTACH_SET}, /* capture.c gives up CAP_SYS_PTRACE at once without -p */
    {"trace", cli_trace, "read a pcap/pcapng file and write the annotated timeline", KEEP_NONE},
    {"report", cli_report, "write a self-contained HTML page for a capture or timeline", KEEP_NONE},
    {"list", cli_list, "list the bundled demos", KEEP_NONE},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: sockscope COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
		fprintf(out, "  %-8s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(out, "\n'sockscope COMMAND --help' describes each command.\n");
}

/* CLI_OK once the subcommand holds no more than it needs. */
static int settle_privileges(uint64_t keep)
{
	char errbuf[256];
	int rc;

	if (keep == KEEP_NONE) {
		if (priv_drop(errbuf, sizeof errbuf) == 0)
			return CLI_OK;
		cli_error("%s", errbuf);
		return CLI_FAIL;
	}
	if ((rc = priv_limit_caps(keep)) == 0)
		return CLI_OK;
	cli_error("cannot drop capabilities: %s", strerror(-rc));
	return CLI_FAIL;
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
			return settle_privileges(subcommands[i].keep_caps) != CLI_OK
			           ? CLI_FAIL
			           : subcommands[i].run(argc - 1, argv + 1);
	cli_error("unknown command '%s'", argv[1]);
	usage(stderr);
	return CLI_USAGE;
}
