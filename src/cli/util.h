/* util.h - helpers private to the cli module. */
#ifndef SOCKSCOPE_CLI_UTIL_H
#define SOCKSCOPE_CLI_UTIL_H

#include <getopt.h>
#include <stdbool.h>

/* cli_parse_options' answer when --help was asked for and printed: exit 0. */
#define CLI_HELP (-1)

#include "sockscope/cli.h"

/* A subcommand's options, as cli_parse_options reads them. */
struct cli_options {
	const char *usage;             /* for --help (stdout) and a bad option (stderr) */
	const char *shortopts;         /* getopt_long's; has "h" */
	const struct option *longopts; /* has {"help", no_argument, NULL, 'h'} */
	/* For a command that writes a timeline: --format, --color and -v are
	 * read into it by cli_parse_options itself (NULL: not accepted). */
	struct cli_format *format;
};

/* The lines of usage text that describe the options in struct cli_format. */
#define CLI_FORMAT_USAGE                                                                       \
	"  --format F      text, json or jsonl (default: text on a terminal, jsonl for\n"          \
	"                  -o FILE.jsonl, json otherwise)\n"                                      \
	"  --color WHEN    colour the text format: auto (a colour terminal), always, never\n"     \
	"  -v              text: add each packet's explanation and each flow's story\n"

/*
 * Reads argv[1..argc) with getopt_long from the start (optind = 1).  With
 * options->format, --format, --color and -v are accepted and read there.  -h and
 * --help print the usage to stdout and return CLI_HELP; an unknown option or
 * a missing argument prints it to stderr and returns CLI_USAGE.  Every other
 * option goes to handle(opt, optarg, ctx), which returns CLI_OK or CLI_USAGE
 * after saying why.  On CLI_OK, optind is the first operand.
 */
int cli_parse_options(const struct cli_options *options, int argc, char **argv,
                      int (*handle)(int opt, const char *arg, void *ctx), void *ctx);

/* CLI_USAGE (with a message naming command) when an --html page is asked
 * for but the timeline goes to stdout or is text; else CLI_OK. */
int cli_check_html_output(const char *command, const char *html, const char *output,
                          const struct cli_format *format);

/* The trailing words of a command line as one BPF expression (malloc'd), or NULL. */
char *cli_join_words(int count, char **words);
/* A positive decimal count (-c); false if the text is not one. */
bool cli_parse_count(const char *text, long *value);
/* --kernel-interval MS: 0 to 1000 milliseconds, fractions allowed, as microseconds. */
bool cli_parse_interval_ms(const char *text, unsigned *us);

#endif
