/* util.c - what every subcommand shares: messages, options and the filter words. */
#include "sockscope/cli.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void cli_error(const char *format, ...)
{
	va_list ap;

	fputs("sockscope: ", stderr);
	va_start(ap, format);
	vfprintf(stderr, format, ap);
	va_end(ap);
	fputc('\n', stderr);
}

enum { OPT_FORMAT = 0x100, OPT_COLOR }; /* beyond any short option */

#define MAX_LONGOPTS 32

static int parse_format_option(int opt, const char *arg, struct cli_format *f)
{
	static const char *const colors[] = {
	    [CLI_COLOR_AUTO] = "auto", [CLI_COLOR_ALWAYS] = "always", [CLI_COLOR_NEVER] = "never"};

	if (opt == 'v') {
		f->verbose = true;
		return CLI_OK;
	}
	if (opt == OPT_FORMAT) {
		if (timeline_format_parse(arg, &f->format)) {
			f->format_set = true;
			return CLI_OK;
		}
		cli_error("--format wants text, json or jsonl, not '%s'", arg);
		return CLI_USAGE;
	}
	for (size_t i = 0; i < SS_ARRAY_SIZE(colors); i++)
		if (strcmp(arg, colors[i]) == 0) {
			f->color = (enum cli_color)i;
			return CLI_OK;
		}
	cli_error("--color wants auto, always or never, not '%s'", arg);
	return CLI_USAGE;
}

/* The command's options plus, with a format to fill, --format, --color and -v. */
static void add_format_options(const struct cli_options *options, char *shortopts,
                               size_t size, struct option *longopts)
{
	size_t n = 0;

	snprintf(shortopts, size, "%s%s", options->shortopts, options->format ? "v" : "");
	for (; options->longopts[n].name && n < MAX_LONGOPTS - 3; n++)
		longopts[n] = options->longopts[n];
	if (options->format) {
		longopts[n++] = (struct option){"format", required_argument, NULL, OPT_FORMAT};
		longopts[n++] = (struct option){"color", required_argument, NULL, OPT_COLOR};
	}
	longopts[n] = (struct option){NULL, 0, NULL, 0};
}

int cli_parse_options(const struct cli_options *options, int argc, char **argv,
                      int (*handle)(int opt, const char *arg, void *ctx), void *ctx)
{
	struct option longopts[MAX_LONGOPTS];
	char shortopts[64];
	int opt, status;

	add_format_options(options, shortopts, sizeof shortopts, longopts);
	optind = 1;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(options->usage, stdout);
			return CLI_HELP;
		}
		if (opt == '?') {
			fputs(options->usage, stderr);
			return CLI_USAGE;
		}
		if (options->format && (opt == 'v' || opt == OPT_FORMAT || opt == OPT_COLOR))
			status = parse_format_option(opt, optarg, options->format);
		else
			status = handle(opt, optarg, ctx);
		if (status != CLI_OK)
			return status;
	}
	return CLI_OK;
}

int cli_check_html_output(const char *command, const char *html, const char *output,
                          const struct cli_format *format)
{
	if (html && strcmp(output, "-") == 0) {
		cli_error("%s: --html needs the timeline in a file: add -o OUT.json", command);
		return CLI_USAGE;
	}
	if (html && format->format_set && format->format == TIMELINE_TEXT) {
		cli_error("%s: --html needs a json or jsonl timeline, not text", command);
		return CLI_USAGE;
	}
	return CLI_OK;
}

char *cli_join_words(int count, char **words)
{
	size_t len = 1;
	char *text;

	if (count <= 0)
		return NULL;
	for (int i = 0; i < count; i++)
		len += strlen(words[i]) + 1;
	text = malloc(len);
	if (!text)
		return NULL;
	text[0] = '\0';
	for (int i = 0; i < count; i++) {
		if (i)
			strcat(text, " ");
		strcat(text, words[i]);
	}
	return text;
}

bool cli_parse_interval_ms(const char *text, unsigned *us)
{
	char *end;
	double ms = strtod(text, &end);

	if (*end || end == text || !(ms >= 0 && ms <= 1000))
		return false;
	*us = (unsigned)(ms * 1000 + 0.5);
	return true;
}

bool cli_parse_count(const char *text, long *value)
{
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno || end == text || *end || v <= 0)
		return false;
	*value = v;
	return true;
}
