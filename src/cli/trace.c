/* trace.c - `sockscope trace -r FILE [-o OUT|-] [-c COUNT] [FILTER...]` */
#include "sockscope/cli.h"
#include "util.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char trace_usage[] =
    "usage: sockscope trace -r FILE [-o OUT.json|-] [-c COUNT] [--html OUT.html] [FILTER...]\n"
    "\n"
    "Reads a pcap or pcapng file, decodes and tracks every packet, and writes the\n"
    "annotated JSON timeline (docs/timeline.md).\n"
    "\n"
    "  -r FILE         capture file to read (pcap or pcapng)\n"
    "  -o OUT          where to write the timeline; '-' (the default) is stdout\n"
    "  -c COUNT        stop after COUNT packets\n"
    "  --html OUT      also write a self-contained HTML page (needs -o FILE)\n"
    "  -q              no progress on stderr\n"
    "  FILTER          a BPF filter expression, as for tcpdump (e.g. tcp port 7000)\n"
    "\n"
    "Exit status: 0 ok, 1 bad input or failure, 2 usage.\n";

struct trace_args {
	const char *input, *output, *html;
	long count;
	bool quiet;
};

static int parse_trace_args(int argc, char **argv, struct trace_args *args)
{
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"html", required_argument, NULL, 'H'},
	    {NULL, 0, NULL, 0},
	};
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "r:o:c:qh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			args->input = optarg;
			break;
		case 'o':
			args->output = optarg;
			break;
		case 'H':
			args->html = optarg;
			break;
		case 'q':
			args->quiet = true;
			break;
		case 'c':
			if (!cli_parse_count(optarg, &args->count)) {
				cli_error("trace: -c wants a positive count, not '%s'", optarg);
				return CLI_USAGE;
			}
			break;
		case 'h':
			fputs(trace_usage, stdout);
			return -1;
		default:
			fputs(trace_usage, stderr);
			return CLI_USAGE;
		}
	}
	if (!args->input) {
		cli_error("trace: which file? give it with -r FILE");
		fputs(trace_usage, stderr);
		return CLI_USAGE;
	}
	if (args->html && strcmp(args->output, "-") == 0) {
		cli_error("trace: --html needs the timeline in a file: add -o OUT.json");
		return CLI_USAGE;
	}
	return CLI_OK;
}

int cli_trace(int argc, char **argv)
{
	struct trace_args args = {.output = "-"};
	char errbuf[512];
	int status = parse_trace_args(argc, argv, &args);

	if (status != CLI_OK)
		return status < 0 ? CLI_OK : status;
	char *filter = cli_join_words(argc - optind, argv + optind);
	struct capture_options opts = {.filter = filter};
	struct capture *cap = capture_open_file(args.input, &opts, errbuf, sizeof errbuf);
	if (!cap) {
		cli_error("%s", errbuf);
		free(filter);
		return CLI_FAIL;
	}
	struct cli_pipeline pl = {
	    .source = cap,
	    .json_path = args.output,
	    .html_path = args.html,
	    .max_packets = args.count,
	    .progress = !args.quiet,
	    .filter = filter,
	};
	status = cli_run_pipeline(&pl);
	capture_close(cap);
	free(filter);
	return status;
}
