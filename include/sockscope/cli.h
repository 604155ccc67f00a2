/*
 * cli.h - subcommands and the pipeline they share.
 *
 * Each subcommand parses its own arguments (tcpdump's habits: -i, -r, -w, -c,
 * -s, a trailing BPF filter, -o FILE or -o - for stdout, --help) and returns
 * the process exit code: 0 ok, 1 bad input or runtime failure, 2 usage.
 * Only this module prints to the user or decides exit codes.
 */
#ifndef SOCKSCOPE_CLI_H
#define SOCKSCOPE_CLI_H

#include <stdio.h>

#include "sockscope/capture.h"
#include "sockscope/demo.h"
#include "sockscope/timeline.h"

enum cli_exit { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

int cli_trace(int argc, char **argv);   /* read a file, write the timeline */
int cli_report(int argc, char **argv);  /* timeline or capture -> self-contained HTML */
int cli_capture(int argc, char **argv); /* live capture, optionally around a command */
int cli_demo(int argc, char **argv);    /* run a bundled demo under capture */
int cli_list(int argc, char **argv);    /* list the demos */

enum cli_color { CLI_COLOR_AUTO, CLI_COLOR_ALWAYS, CLI_COLOR_NEVER };

/* --format, --color and -v, shared by every command that writes a timeline. */
struct cli_format {
	bool format_set;             /* else chosen by the output (see cli_run_pipeline) */
	enum timeline_format format; /* with format_set */
	enum cli_color color;
	bool verbose;
};

/* What the pipeline writes and how. */
struct timeline_kernel;

struct cli_pipeline {
	struct capture *source;  /* open file or live source; not closed by the pipeline */
	const char *json_path;   /* "-" for stdout; NULL to write no timeline */
	const char *html_path;   /* self-contained report, or NULL */
	long max_packets;        /* -c; 0 for no limit */
	struct demo_log *calls;  /* socket API calls to merge, or NULL */
	const struct demo *demo; /* written as `demo`, or NULL */
	bool progress;           /* report progress on stderr for long files */
	const char *filter;      /* the BPF filter, as written into `source` */
	/* Describe the source as this live capture (a demo records to a file,
	 * then traces it): interface and kernel statistics.  NULL: the source. */
	const char *live_interface;
	const struct capture_stats *live_stats;
	struct cli_format format;
	const struct timeline_kernel *kernel; /* the kernel's records to merge, or NULL */
	const struct timeline_calls_source *calls_source; /* source.calls, or NULL */
	/* A signal beyond this many (the cli's signal count) ends the reading
	 * early: the timeline is finished, marked `source.interrupted`, and the
	 * status is CLI_FAIL. */
	unsigned interrupt_after;
};

/*
 * Runs source -> decode -> track -> annotate -> timeline until the source
 * ends (or max_packets).  The format is pipeline->format's, or else text when
 * the output is a terminal, jsonl for a path ending in .jsonl, json otherwise;
 * a reader of stdout that goes away (EPIPE) ends the run quietly with CLI_OK.  Messages name the source and the packet.  Returns
 * a cli_exit code; a truncated file still yields a complete timeline of what
 * was read, a warning, and CLI_FAIL.  A file output is written beside its
 * target and renamed into place when complete, so it is never half-written.
 */
int cli_run_pipeline(const struct cli_pipeline *pipeline);

/* Opens the capture file at path (with opts, or NULL for none), runs the
 * pipeline over it as its source, and closes it.  Returns a cli_exit code. */
int cli_trace_file(const char *path, const struct capture_options *opts,
                   const struct cli_pipeline *pipeline);

/* Writes the self-contained HTML report: the web page with the timeline in
 * json_path inlined.  Returns a cli_exit code. */
int cli_write_report(const char *json_path, const char *html_path);

/* Prints "sockscope: " + message to stderr. */
void cli_error(const char *format, ...) __attribute__((format(printf, 1, 2)));

#endif
