/* report.c - `sockscope report (-r FILE.pcap | -j FILE.json) -o OUT.html` */
#include "sockscope/cli.h"
#include "sockscope/report.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	FILE *in = fopen(json_path, "r"), *doc = in ? tmpfile() : NULL;

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
	FILE *out;
	int rc;

	if (!timeline)
		return CLI_FAIL;
	out = fopen(html_path, "w");
	if (!out) {
		cli_error("%s: cannot write: %s", html_path, strerror(errno));
		fclose(timeline);
		return CLI_FAIL;
	}
	rc = report_write(out, timeline, errbuf, sizeof errbuf);
	fclose(timeline);
	if (fclose(out) != 0 && rc == 0) {
		snprintf(errbuf, sizeof errbuf, "%s", strerror(errno));
		rc = -1;
	}
	if (rc < 0) {
		cli_error("%s: %s", html_path, errbuf);
		return CLI_FAIL;
	}
	return CLI_OK;
}

/* Traces a capture into a temporary timeline, then writes the page. */
static int report_from_capture(const char *capture, const char *html, char *filter)
{
	char json_path[] = "/tmp/sockscope-report-XXXXXX";
	struct capture_options opts = {.filter = filter};
	struct cli_pipeline pl = {
	    .json_path = json_path, .html_path = html, .filter = filter, .progress = true};
	int fd = mkstemp(json_path);
	int status;

	if (fd < 0) {
		cli_error("cannot make a temporary file: %s", strerror(errno));
		return CLI_FAIL;
	}
	close(fd);
	status = cli_trace_file(capture, &opts, &pl);
	unlink(json_path);
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
	if (args.json)
		return cli_write_report(args.json, args.html);
	char *filter = cli_join_words(argc - optind, argv + optind);
	status = report_from_capture(args.capture, args.html, filter);
	free(filter);
	return status;
}
