/* report.c - `sockscope report (-r FILE.pcap | -j FILE.json) -o OUT.html` */
#include "sockscope/cli.h"
#include "sockscope/report.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"
#include "privs.h"
#include "signals.h"

static const char report_usage[] =
    "usage: sockscope report (-r CAPTURE | -j TIMELINE.json|.jsonl) -o OUT.html [FILTER...]\n"
    "\n"
    "Writes one self-contained HTML file: the sockscope viewer with the timeline\n"
    "inlined.  It opens from disk in any browser and needs no network.\n"
    "\n"
    "  -r CAPTURE   a pcap or pcapng file: traced first, as 'sockscope trace' does\n"
    "  -j FILE      an existing timeline, JSON or JSON Lines (from 'sockscope trace')\n"
    "  -o OUT.html  the page to write\n";

/* The timeline, in either format, as the document the page reads (a temporary file). */
static FILE *read_timeline(const char *json_path)
{
	char errbuf[256] = "";
	FILE *in = fopen(json_path, "re"), *doc = in ? tmpfile() : NULL;

	if (!in || !doc) {
		cli_error("%s: %s", in ? "temporary file" : json_path, strerror(errno));
		if (in)
			fclose(in);
		return NULL;
	}
	if (report_read_timeline(in, doc, errbuf, sizeof errbuf) < 0) {
		cli_error("%s: %s", json_path, errbuf);
		fclose(doc);
		doc = NULL;
	}
	fclose(in);
	if (doc)
		rewind(doc);
	return doc;
}

int cli_write_report(const char *json_path, const char *html_path)
{
	char errbuf[256] = "";
	FILE *timeline = read_timeline(json_path);
	struct cli_output output;
	FILE *out;
	int rc;

	if (!timeline)
		return CLI_FAIL;
	out = cli_output_open(&output, html_path);
	if (!out) {
		fclose(timeline);
		return CLI_FAIL;
	}
	rc = report_write(out, timeline, errbuf, sizeof errbuf);
	fclose(timeline);
	if (rc == 0 && signals_count() > 0) {
		cli_error("%s: interrupted: the page was not written", html_path);
		rc = -1;
	} else if (rc < 0) {
		cli_error("%s: %s", html_path, errbuf);
	}
	if (rc < 0) {
		cli_output_discard(&output);
		return CLI_FAIL;
	}
	return cli_output_commit(&output);
}

/* Traces a capture into a temporary timeline, then writes the page. */
static int report_from_capture(const char *capture, const char *html, char *filter)
{
	char json_path[PATH_MAX];
	struct capture_options opts = {.filter = filter};
	struct cli_pipeline pl = {
	    .json_path = json_path, .html_path = html, .filter = filter, .progress = true};
	int slot, fd = cli_temp_file(json_path, sizeof json_path, ".json", &slot);
	int status;

	if (fd < 0)
		return CLI_FAIL;
	close(fd);
	status = cli_trace_file(capture, &opts, &pl);
	priv_unlink(json_path);
	signals_temp_remove(slot);
	return status;
}

struct report_args {
	const char *capture, *json, *html;
};

static int parse_option(int opt, const char *arg, void *ctx)
{
	struct report_args *args = ctx;

	switch (opt) {
	case 'r':
		args->capture = arg;
		break;
	case 'j':
		args->json = arg;
		break;
	case 'o':
		args->html = arg;
		break;
	}
	return CLI_OK;
}

int cli_report(int argc, char **argv)
{
	static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
	                                         {NULL, 0, NULL, 0}};
	static const struct cli_options options = {report_usage, "r:j:o:h", longopts};
	struct report_args args = {NULL};
	int status = cli_parse_options(&options, argc, argv, parse_option, &args);

	if (status != CLI_OK)
		return status == CLI_HELP ? CLI_OK : status;
	if (!args.html || !args.capture == !args.json) {
		cli_error("report: give one of -r CAPTURE or -j TIMELINE.json, and -o OUT.html");
		fputs(report_usage, stderr);
		return CLI_USAGE;
	}
	const struct cli_named_file files[] = {
	    {"-r", args.capture}, {"-j", args.json}, {"-o", args.html}};
	if ((status = cli_check_distinct("report", files, 3)) != CLI_OK)
		return status;
	signals_install(2, NULL);
	if (args.json)
		return cli_write_report(args.json, args.html);
	char *filter = cli_join_words(argc - optind, argv + optind);
	status = report_from_capture(args.capture, args.html, filter);
	free(filter);
	return status;
}
