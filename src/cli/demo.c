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
#include "sockscope/kernel.h"
#include "sockscope/timeline.h"

#define DEFAULT_BASE_PORT 47000

static const char demo_usage[] =
    "usage: sockscope demo NAME|all [-o DIR] [-p PORT] [--kernel-interval MS]\n"
    "       sockscope demo --list\n"
    "\n"
    "Runs a bundled socket demo (client and server in one process) under live\n"
    "capture on loopback and writes DIR/NAME.pcap, DIR/NAME.json (the annotated\n"
    "timeline, socket calls merged with packets) and DIR/NAME.html.\n"
    "\n"
    "  -o DIR      where to write the files (default: the current directory)\n"
    "  -p PORT     first of the 16 ports the demo may use (default 47000);\n"
    "              the last one carries sockscope's capture markers\n"
    "  --kernel-interval MS\n"
    "              how often the kernel's view (sock_diag, /proc/net counters)\n"
    "              is sampled besides after each socket call (default 1; 0: off)\n"
    "  --list      list the demos and what each teaches\n"
    "  --format F  json (default), jsonl or text: DIR/NAME.json, .jsonl or .txt\n"
    "              (text has no page)\n"
    "\n"
    "Live capture needs root or CAP_NET_RAW; raw-icmp and tcp-loss need root.\n"
    "Exit status: 0 ok, 1 a demo or its capture failed, 2 usage.\n";

struct demo_args {
	const char *dir;
	long base_port;
	bool list;
	struct cli_format format;
	unsigned kernel_interval_us; /* 0: no kernel sampling */
};

/* Set when the capture itself was refused: `demo all` then stops after one message. */
static bool capture_refused;

struct demo_work {
	const struct demo *demo;
	struct demo_log *log;
	struct demo_env env;
	unsigned kernel_interval_us;
	struct kernel_sampler *sampler; /* started here, inside the demo's namespace */
};

static unsigned kernel_interval_us = KERNEL_DEFAULT_INTERVAL_US;

/* After each logged call: a new connection is sampled before the demo goes on
 * (it may live less than an interval); any other call only wakes the sampler. */
static void sample_after_call(void *sampler, const struct demo_call *call)
{
	bool new_socket = call->ret >= 0 && call->proto == L4_TCP &&
	                  (strcmp(call->call, "connect") == 0 || strcmp(call->call, "accept") == 0);

	if (new_socket)
		kernel_sampler_sync(sampler);
	else
		kernel_sampler_poke(sampler);
}

/* Runs on the recording thread, in the demo's namespace: the sampler's thread inherits it. */
static int run_demo_work(void *arg)
{
	struct demo_work *work = arg;
	struct kernel_options kopts = {.interval_us = work->kernel_interval_us, .counters = true};
	int ret;

	if (work->kernel_interval_us)
		work->sampler = kernel_sampler_start(&kopts);
	if (work->sampler)
		demo_log_set_observer(work->log, sample_after_call, work->sampler);
	ret = work->demo->run(work->log, &work->env);
	demo_log_set_observer(work->log, NULL, NULL);
	kernel_sampler_stop(work->sampler);
	return ret;
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
                          const struct record_result *rec, const char *paths[3],
                          const struct cli_format *format,
                          const struct kernel_sampler *sampler)
{
	/* in the host's namespace the sampler sees every socket of the machine: keep the demo's */
	struct timeline_kernel kernel = {
	    .scope = rec->in_private_netns ? "demo namespace" : "machine",
	    .match_flows = !rec->in_private_netns,
	};
	struct cli_pipeline pipeline = {
	    .json_path = paths[1],
	    .html_path = paths[2][0] ? paths[2] : NULL,
	    .format = *format,
	    .calls = log,
	    .demo = demo,
	    .filter = filter,
	    .live_interface = rec->interface,
	    .live_stats = &rec->stats,
	    .kernel = sampler ? &kernel : NULL,
	};
	if (sampler) {
		timeline_kernel_from_sampler(&kernel, sampler, kernel_interval_us);
		if (*kernel.status)
			cli_error("%s: warning: %s", demo->name, kernel.status);
	}
	return cli_trace_file(paths[0], NULL, &pipeline);
}

static int record_demo(struct demo_work *work, uint16_t base_port, const char *pcap_path,
                       const char *filter, struct record_result *rec)
{
	const struct demo *demo = work->demo;
	struct record_options opts = {
	    .iface = demo->interface,
	    .filter = filter,
	    .snaplen = demo->snaplen,
	    .pcap_path = pcap_path,
	    .marker_port = (uint16_t)(base_port + DEMO_MARKER_PORT_OFFSET),
	    /* every demo in a namespace of its own, so its counters are its own; only
	     * those that change the network insist on it */
	    .private_netns = true,
	    .netns_optional = (demo->flags & DEMO_OWN_NETNS) == 0,
	    .work = run_demo_work,
	    .work_arg = work,
	};
	char errbuf[512];

	if (!opts.netns_optional)
		work->env.netns = "private";
	if (record_run(&opts, rec, errbuf, sizeof(errbuf)) < 0) {
		capture_refused = rec->error == -SS_EPERM && opts.netns_optional;
		cli_error("%s: %s", demo->name, errbuf);
		return CLI_FAIL;
	}
	if (!rec->markers)
		cli_error("%s: warning: the capture's end was not proven by its marker",
		          demo->name);
	return CLI_OK;
}

static int run_one(const struct demo *demo, const char *dir, uint16_t base_port,
                   const struct cli_format *format)
{
	static const char *const suffix[] = {
	    [TIMELINE_JSON] = "json", [TIMELINE_JSONL] = "jsonl", [TIMELINE_TEXT] = "txt"};
	enum timeline_format f = format->format_set ? format->format : TIMELINE_JSON;
	char pcap[4096], json[4096], html[4096], filter[512];
	const char *paths[3] = {pcap, json, html};
	struct record_result rec;
	struct demo_log *log = demo_log_create();
	struct demo_work work = {demo, log, {.base_port = base_port}, kernel_interval_us, NULL};
	int status;

	if (!log || demo_filter_format(demo, base_port, filter, sizeof(filter)) < 0) {
		demo_log_free(log);
		cli_error("%s: out of memory", demo->name);
		return CLI_FAIL;
	}
	snprintf(pcap, sizeof(pcap), "%s/%s.pcap", dir, demo->name);
	snprintf(json, sizeof(json), "%s/%s.%s", dir, demo->name, suffix[f]);
	snprintf(html, sizeof(html), "%s/%s.html", dir, demo->name);
	if (f == TIMELINE_TEXT)
		html[0] = '\0'; /* a page needs a json or jsonl timeline */
	status = record_demo(&work, base_port, pcap, filter, &rec);
	if (status == CLI_OK && rec.work_ret < 0) {
		const char *why = demo_log_error_text(log);
		cli_error("%s: %s", demo->name, *why ? why : ss_strerror(rec.work_ret));
		status = CLI_FAIL;
	}
	if (rec.error == 0) {
		int written = write_timeline(demo, log, filter, &rec, paths, format, work.sampler);
		if (written == CLI_OK)
			printf("%s: %llu packets, %zu socket calls\n  %s\n  %s\n  %s\n", demo->name,
			       (unsigned long long)rec.frames, demo_log_count(log), pcap, json,
			       html);
		status = status == CLI_OK ? written : status;
	}
	kernel_sampler_free(work.sampler);
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
	case 'k':
		if (!cli_parse_interval_ms(arg, &args->kernel_interval_us)) {
			cli_error("demo: --kernel-interval wants milliseconds from 0 to 1000, not '%s'",
			          arg);
			return CLI_USAGE;
		}
		break;
	}
	return CLI_OK;
}

static int parse_demo_args(int argc, char **argv, struct demo_args *args)
{
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"list", no_argument, NULL, 'l'},
	    {"kernel-interval", required_argument, NULL, 'k'},
	    {NULL, 0, NULL, 0},
	};
	const struct cli_options options = {demo_usage, "o:p:h", longopts, &args->format};

	return cli_parse_options(&options, argc, argv, parse_option, args);
}

static int run_all(const char *dir, uint16_t base_port, const struct cli_format *format)
{
	size_t count;
	const struct demo *demos = demo_registry(&count);
	int status = CLI_OK;

	for (size_t i = 0; i < count && !capture_refused; i++)
		if (run_one(&demos[i], dir, base_port, format) != CLI_OK)
			status = CLI_FAIL;
	return status;
}

int cli_demo(int argc, char **argv)
{
	struct demo_args args = {.dir = ".", .base_port = DEFAULT_BASE_PORT,
	                         .kernel_interval_us = KERNEL_DEFAULT_INTERVAL_US};
	int status = parse_demo_args(argc, argv, &args);
	const struct demo *demo;

	if (status != CLI_OK)
		return status == CLI_HELP ? CLI_OK : status;
	if (args.list)
		return cli_list(1, argv);
	kernel_interval_us = args.kernel_interval_us;
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
		return run_all(args.dir, (uint16_t)args.base_port, &args.format);
	demo = demo_find(argv[optind]);
	if (!demo) {
		cli_error("demo: no demo named '%s' (see sockscope demo --list)", argv[optind]);
		return CLI_USAGE;
	}
	return run_one(demo, args.dir, (uint16_t)args.base_port, &args.format);
}
