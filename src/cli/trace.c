/* trace.c - `sockscope trace -r FILE [-o OUT|-] [-c COUNT] [--format F] [FILTER...]` */
#include "sockscope/cli.h"
#include "util.h"

#include <stdlib.h>

#include "output.h"
#include "signals.h"

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
    CLI_FORMAT_USAGE
    "  FILTER          a BPF filter expression, as for tcpdump (e.g. tcp port 7000)\n"
    "\n"
    "A signal (Ctrl-C) ends the timeline early, marked \"interrupted\"; a second\n"
    "removes the unfinished files and exits at once.\n"
    "Exit status: 0 ok, 1 bad input or failure, 2 usage.\n";

struct trace_args {
	const char *input, *output, *html;
	long count;
	bool quiet;
	struct cli_format format;
};

static int parse_option(int opt, const char *arg, void *ctx)
{
	struct trace_args *args = ctx;

	switch (opt) {
	case 'r':
		args->input = arg;
		break;
	case 'o':
		args->output = arg;
		break;
	case 'H':
		args->html = arg;
		break;
	case 'q':
		args->quiet = true;
		break;
	case 'c':
		if (!cli_parse_count(arg, &args->count)) {
			cli_error("trace: -c wants a positive count, not '%s'", arg);
			return CLI_USAGE;
		}
		break;
	}
	return CLI_OK;
}

static int parse_trace_args(int argc, char **argv, struct trace_args *args)
{
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"html", required_argument, NULL, 'H'},
	    {NULL, 0, NULL, 0},
	};
	const struct cli_options options = {trace_usage, "r:o:c:qh", longopts, &args->format};
	int status = cli_parse_options(&options, argc, argv, parse_option, args);

	if (status != CLI_OK)
		return status;
	if (!args->input) {
		cli_error("trace: which file? give it with -r FILE");
		fputs(trace_usage, stderr);
		return CLI_USAGE;
	}
	const struct cli_named_file files[] = {
	    {"-r", args->input}, {"-o", args->output}, {"--html", args->html}};
	status = cli_check_html_output("trace", args->html, args->output, &args->format);
	return status != CLI_OK ? status : cli_check_distinct("trace", files, 3);
}

int cli_trace(int argc, char **argv)
{
	struct trace_args args = {.output = "-"};
	int status = parse_trace_args(argc, argv, &args);

	if (status != CLI_OK)
		return status == CLI_HELP ? CLI_OK : status;
	signals_install(2, NULL);
	char *filter = cli_join_words(argc - optind, argv + optind);
	struct capture_options opts = {.filter = filter};
	struct cli_pipeline pl = {
	    .json_path = args.output,
	    .html_path = args.html,
	    .max_packets = args.count,
	    .progress = !args.quiet,
	    .filter = filter,
	    .format = args.format,
	};
	status = cli_trace_file(args.input, &opts, &pl);
	free(filter);
	return status;
}
