/* report.c - `sockscope report (-r FILE.pcap | -j FILE.json) -o OUT.html` */
#include "sockscope/cli.h"
#include "sockscope/report.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char report_usage[] =
    "usage: sockscope report (-r CAPTURE | -j TIMELINE.json) -o OUT.html [FILTER...]\n"
    "\n"
    "Writes one self-contained HTML file: the sockscope viewer with the timeline\n"
    "inlined.  It opens from disk in any browser and needs no network.\n"
    "\n"
    "  -r CAPTURE   a pcap or pcapng file: traced first, as 'sockscope trace' does\n"
    "  -j FILE      an existing timeline (from 'sockscope trace -o FILE')\n"
    "  -o OUT.html  the page to write\n";

int cli_write_report(const char *json_path, const char *html_path)
{
	char errbuf[256] = "";
	FILE *timeline = fopen(json_path, "r");
	FILE *out;
	int rc;

	if (!timeline) {
		cli_error("%s: %s", json_path, strerror(errno));
		return CLI_FAIL;
	}
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
	char errbuf[512];
	struct capture_options opts = {.filter = filter};
	int fd = mkstemp(json_path);
	int status = CLI_FAIL;

	if (fd < 0) {
		cli_error("cannot make a temporary file: %s", strerror(errno));
		return CLI_FAIL;
	}
	close(fd);
	struct capture *cap = capture_open_file(capture, &opts, errbuf, sizeof errbuf);
	if (!cap) {
		cli_error("%s", errbuf);
	} else {
		struct cli_pipeline pl = {.source = cap,
		                          .json_path = json_path,
		                          .html_path = html,
		                          .filter = filter,
		                          .progress = true};
		status = cli_run_pipeline(&pl);
		capture_close(cap);
	}
	unlink(json_path);
	return status;
}

int cli_report(int argc, char **argv)
{
	static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
	                                         {NULL, 0, NULL, 0}};
	const char *capture = NULL, *json = NULL, *html = NULL;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "r:j:o:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			capture = optarg;
			break;
		case 'j':
			json = optarg;
			break;
		case 'o':
			html = optarg;
			break;
		case 'h':
			fputs(report_usage, stdout);
			return CLI_OK;
		default:
			fputs(report_usage, stderr);
			return CLI_USAGE;
		}
	}
	if (!html || !capture == !json) {
		cli_error("report: give one of -r CAPTURE or -j TIMELINE.json, and -o OUT.html");
		fputs(report_usage, stderr);
		return CLI_USAGE;
	}
	if (json)
		return cli_write_report(json, html);
	char *filter = cli_join_words(argc - optind, argv + optind);
	int status = report_from_capture(capture, html, filter);
	free(filter);
	return status;
}
