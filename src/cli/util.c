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

int cli_parse_options(const struct cli_options *options, int argc, char **argv,
                      int (*handle)(int opt, const char *arg, void *ctx), void *ctx)
{
	int opt, status;

	optind = 1;
	while ((opt = getopt_long(argc, argv, options->shortopts, options->longopts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(options->usage, stdout);
			return CLI_HELP;
		}
		if (opt == '?') {
			fputs(options->usage, stderr);
			return CLI_USAGE;
		}
		if ((status = handle(opt, optarg, ctx)) != CLI_OK)
			return status;
	}
	return CLI_OK;
}

int cli_check_html_output(const char *command, const char *html, const char *output)
{
	if (html && strcmp(output, "-") == 0) {
		cli_error("%s: --html needs the timeline in a file: add -o OUT.json", command);
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
