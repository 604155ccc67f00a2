/*
 * demo.c - `sockscope demo NAME|all [-o DIR]` and `sockscope list`.
 *
 * A demo runs under live capture (record.c): the frames go to DIR/NAME.pcap,
 * the demo's socket calls to a log, and then the pipeline reads the file back
 * with the log merged in, writing DIR/NAME.json and DIR/NAME.html.  Reading
 * the saved file rather than the live handle keeps one code path for every
 * timeline; the live statistics are carried over into `source`.
 */
#include "sockscope/cli.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "privs.h"
#include "record.h"
#include "signals.h"

#define DEFAULT_BASE_PORT 47000

static const char demo_usage[] =
    "usage: sockscope demo NAME|all [-o DIR] [-p PORT]\n"
    "       sockscope demo --list\n"
    "\n"
    "Runs a bundled socket demo (client and server in one process) under live\n"
    "capture on loopback and writes DIR/NAME.pcap, DIR/NAME.json (the annotated\n"
    "timeline, socket calls merged with packets) and DIR/NAME.html.\n"
    "\n"
    "  -o DIR      where to write the files (default: the current directory)\n"
    "  -p PORT     first of the 16 ports the demo may use (default 47000);\n"
    "              the last one carries sockscope's capture markers\n"
    "  --list      list the demos and what each teaches\n"
    "\n"
    "Live capture needs root or CAP_NET_RAW; raw-icmp and tcp-loss need root.\n"
    "Exit status: 0 ok, 1 a demo or its capture failed, 2 usage.\n";

struct demo_args {
	const char *dir;
	long base_port;
	bool list;
};

/* Set when the capture itself was refused: `demo all` then stops after one message. */
static bool capture_refused;

struct demo_work {
	const struct demo *demo;
	struct demo_log *log;
	struct demo_env env;
};

static int run_demo_work(void *arg)
{
	struct demo_work *work = arg;
	return work->demo->run(work->log, &work->env);
}

int cli_list(int argc, char **argv)
{
	size_t count;
	const struct demo *demos = demo_registry(&count);

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: sockscope list\n\nLists the bundled demos and what each "
		       "teaches.\n");
		return CLI_OK;
	}
	for (size_t i = 0; i < count; i++)
		printf("%-19s %s%s\n%-19s teaches: %s\n", demos[i].name, demos[i].description,
		       (demos[i].flags & DEMO_NEEDS_ROOT) ? " (needs root)" : "", "",
		       demos[i].teaches);
	return CLI_OK;
}

/* The pipeline over the saved file, with the calls and the live capture's facts. */
static int write_timeline(const struct demo *demo, struct demo_log *log, const char *filter,
                          const struct record_result *rec, const char *paths[3])
{
	struct cli_pipeline pipeline = {
	    .json_path = paths[1],
	    .html_path = paths[2],
	    .calls = log,
	    .demo = demo,
	    .filter = filter,
	    .live_interface = rec->interface,
	    .live_stats = &rec->stats,
	};
	return cli_trace_file(paths[0], NULL, &pipeline);
}

static int record_demo(const struct demo *demo, struct demo_log *log, uint16_t base_port,
                       const char *pcap_path, const char *filter, struct record_result *rec)
{
	struct demo_work work = {demo, log, {.base_port = base_port}};
	struct record_options opts = {
	    .iface = demo->interface,
	    .filter = filter,
	    .pcap_path = pcap_path,
	    .marker_port = (uint16_t)(base_port + DEMO_MARKER_PORT_OFFSET),
	    .private_netns = (demo->flags & DEMO_OWN_NETNS) != 0,
	    .work = run_demo_work,
	    .work_arg = &work,
	};
	char errbuf[512];

	if (opts.private_netns)
		work.env.netns = "private";
	if (record_run(&opts, rec, errbuf, sizeof(errbuf)) < 0) {
		capture_refused = rec->error == -SS_EPERM && !opts.private_netns;
		cli_error("%s: %s", demo->name, errbuf);
		return CLI_FAIL;
	}
	if (!rec->markers)
		cli_error("%s: warning: the capture's end was not proven by its marker",
		          demo->name);
	return CLI_OK;
}

static int run_one(const struct demo *demo, const char *dir, uint16_t base_port)
{
	char pcap[4096], json[4096], html[4096], filter[512];
	const char *paths[3] = {pcap, json, html};
	struct record_result rec;
	struct demo_log *log = demo_log_create();
	int status;

	if (!log || demo_filter_format(demo, base_port, filter, sizeof(filter)) < 0) {
		demo_log_free(log);
		cli_error("%s: out of memory", demo->name);
		return CLI_FAIL;
	}
	snprintf(pcap, sizeof(pcap), "%s/%s.pcap", dir, demo->name);
	snprintf(json, sizeof(json), "%s/%s.json", dir, demo->name);
	snprintf(html, sizeof(html), "%s/%s.html", dir, demo->name);
	status = record_demo(demo, log, base_port, pcap, filter, &rec);
	if (status == CLI_OK && rec.work_ret < 0) {
		const char *why = demo_log_error_text(log);
		cli_error("%s: %s", demo->name, *why ? why : ss_strerror(rec.work_ret));
		status = CLI_FAIL;
	}
	if (rec.error == 0) {
		int written = write_timeline(demo, log, filter, &rec, paths);
		if (written == CLI_OK)
			printf("%s: %llu packets, %zu socket calls\n  %s\n  %s\n  %s\n", demo->name,
			       (unsigned long long)rec.frames, demo_log_count(log), pcap, json,
			       html);
		status = status == CLI_OK ? written : status;
	}
	demo_log_free(log);
	return status;
}

static int parse_option(int opt, const char *arg, void *ctx)
{
	struct demo_args *args = ctx;

	switch (opt) {
	case 'o':
		args->dir = arg;
		break;
	case 'p':
		args->base_port = strtol(arg, NULL, 10);
		if (args->base_port < 1024 || args->base_port > 65535 - DEMO_PORT_COUNT) {
			cli_error("demo: -p wants a port from 1024 to %d, not '%s'",
			          65535 - DEMO_PORT_COUNT, arg);
			return CLI_USAGE;
		}
		break;
	case 'l':
		args->list = true;
		break;
	}
	return CLI_OK;
}

static int parse_demo_args(int argc, char **argv, struct demo_args *args)
{
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"list", no_argument, NULL, 'l'},
	    {NULL, 0, NULL, 0},
	};
	static const struct cli_options options = {demo_usage, "o:p:h", longopts};

	return cli_parse_options(&options, argc, argv, parse_option, args);
}

static int run_all(const char *dir, uint16_t base_port)
{
	size_t count;
	const struct demo *demos = demo_registry(&count);
	int status = CLI_OK;

	for (size_t i = 0; i < count && !capture_refused; i++)
		if (run_one(&demos[i], dir, base_port) != CLI_OK)
			status = CLI_FAIL;
	return status;
}

int cli_demo(int argc, char **argv)
{
	struct demo_args args = {.dir = ".", .base_port = DEFAULT_BASE_PORT};
	int status = parse_demo_args(argc, argv, &args);
	const struct demo *demo;

	if (status != CLI_OK)
		return status == CLI_HELP ? CLI_OK : status;
	if (args.list)
		return cli_list(1, argv);
	if (optind != argc - 1) {
		cli_error("demo: which demo? give one name, or 'all' (see sockscope demo --list)");
		return CLI_USAGE;
	}
	if (priv_mkdir(args.dir, 0755) < 0 && access(args.dir, W_OK) < 0) {
		cli_error("%s: cannot write there", args.dir);
		return CLI_FAIL;
	}
	signals_install(1, NULL); /* a signal removes the unfinished outputs and exits */
	if (strcmp(argv[optind], "all") == 0)
		return run_all(args.dir, (uint16_t)args.base_port);
	demo = demo_find(argv[optind]);
	if (!demo) {
		cli_error("demo: no demo named '%s' (see sockscope demo --list)", argv[optind]);
		return CLI_USAGE;
	}
	return run_one(demo, args.dir, (uint16_t)args.base_port);
}
