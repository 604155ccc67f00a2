/*
 * capture.c - `sockscope capture [-i IF] [-w FILE] [-o OUT] [-c N] [FILTER] [-- CMD ARGS]`
 *
 * Captures until Ctrl-C, until COUNT packets, or around a command: the
 * capture is proven running before the command starts and drained after it
 * ends (record.c).  The frames go to FILE (or a temporary file), and the
 * pipeline reads them back into the timeline.  Run under sudo, the capture
 * gives up root once its handle and file are open, so the command and the
 * output files belong to the user (tcpdump's -Z habit).
 */
#include "sockscope/cli.h"
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "calls.h"
#include "record.h"
#include "sockscope/kernel.h"
#include "sockscope/timeline.h"

static const char capture_usage[] =
    "usage: sockscope capture [-i IFACE] [-w FILE] [-o OUT.json|-] [--html OUT.html]\n"
    "                         [-c COUNT] [-s SNAPLEN] [--no-calls] [-p PID]\n"
    "                         [FILTER...] [-- COMMAND [ARGS...]]\n"
    "\n"
    "Captures live traffic and writes the annotated JSON timeline: until Ctrl-C,\n"
    "until COUNT packets, or for as long as COMMAND runs.  Nothing captured is\n"
    "lost at the end: the capture is drained before the timeline is written.\n"
    "\n"
    "  -i IFACE    interface (default lo)\n"
    "  -w FILE     also keep the raw packets in this pcap file\n"
    "  -o OUT      where to write the timeline; '-' (the default) is stdout\n"
    "  --html OUT  also write a self-contained HTML page (needs -o FILE)\n"
    "  -c COUNT    stop after COUNT packets\n"
    "  -s SNAPLEN  bytes to keep of each packet (default 262144)\n"
    CLI_FORMAT_USAGE
    "  FILTER      a BPF filter expression, as for tcpdump\n"
    "  -- COMMAND  run COMMAND, capturing from just before it starts until it ends;\n"
    "              its socket calls are traced onto the timeline\n"
    "  --no-calls  run COMMAND without tracing its socket calls\n"
    "  -p PID      trace the socket calls of running process PID until it ends or Ctrl-C\n"
    "\n"
    "Needs root or CAP_NET_RAW.  Under sudo, root is dropped once capture starts\n"
    "(not with -p: tracing a process that is not its child needs CAP_SYS_PTRACE).\n"
    "Exit status: 0 ok, 1 capture or input failure, 2 usage.\n";

struct capture_args {
	const char *iface, *write_path, *output, *html;
	long count, snaplen;
	char *filter;   /* malloc'd */
	char **command; /* NULL-terminated, or NULL */
	struct cli_format format;
	bool no_calls;  /* --no-calls */
	long attach;    /* -p PID, or 0 */
};

static void on_interrupt(int signo)
{
	(void)signo;
	syscalls_interrupt(); /* Ctrl-C reaches the traced program first */
	record_interrupt();
}

/* Runs the command and waits; its exit status (or 128 + signal). */
static int run_command(void *arg)
{
	char **command = arg;
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		execvp(command[0], command);
		fprintf(stderr, "sockscope: %s: cannot run it: %s\n", command[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) /* only a signal (Ctrl-C) may interrupt the wait */
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* COMMAND (or the process attached to) with the kernel sampled around it, in
 * the host's namespace; under the tracer unless its calls are not wanted. */
struct command_work {
	char **command;
	struct cli_calls *calls;
	struct kernel_sampler *sampler;
};

static int run_sampled_command(void *arg)
{
	struct command_work *work = arg;
	struct kernel_options kopts = {.counters = true};
	int ret;

	work->sampler = kernel_sampler_start(&kopts);
	ret = work->calls->active ? cli_calls_work(work->calls) : run_command(work->command);
	kernel_sampler_stop(work->sampler);
	return ret;
}

static int parse_option(int opt, const char *arg, void *ctx)
{
	struct capture_args *args = ctx;

	switch (opt) {
	case 'i':
		args->iface = arg;
		break;
	case 'w':
		args->write_path = arg;
		break;
	case 'o':
		args->output = arg;
		break;
	case 'H':
		args->html = arg;
		break;
	case 'N':
		args->no_calls = true;
		break;
	case 'p':
		if (!cli_parse_count(arg, &args->attach)) {
			cli_error("capture: -p wants a process id, not '%s'", arg);
			return CLI_USAGE;
		}
		break;
	case 'c':
	case 's':
		if (!cli_parse_count(arg, opt == 'c' ? &args->count : &args->snaplen)) {
			cli_error("capture: -%c wants a positive number, not '%s'", opt, arg);
			return CLI_USAGE;
		}
		break;
	}
	return CLI_OK;
}

static int parse_capture_args(int argc, char **argv, struct capture_args *args)
{
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"html", required_argument, NULL, 'H'},
	    {"no-calls", no_argument, NULL, 'N'},
	    {NULL, 0, NULL, 0},
	};
	const struct cli_options options = {capture_usage, "i:w:o:c:s:p:h", longopts, &args->format};
	int status, end = argc;

	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			end = i;
			args->command = i + 1 < argc ? argv + i + 1 : NULL;
			break;
		}
	status = cli_parse_options(&options, end, argv, parse_option, args);
	if (status != CLI_OK)
		return status;
	if (args->attach && args->command) {
		cli_error("capture: -p and '-- COMMAND' cannot go together");
		return CLI_USAGE;
	}
	if (end < argc && !args->command) {
		cli_error("capture: '--' must be followed by a command");
		return CLI_USAGE;
	}
	status = cli_check_html_output("capture", args->html, args->output, &args->format);
	if (status != CLI_OK)
		return status;
	args->filter = cli_join_words(end - optind, argv + optind);
	return CLI_OK;
}

/* The pipeline over the recorded file. */
static int write_timeline(const struct capture_args *args, const char *pcap_path,
                          const struct record_result *rec, const struct kernel_sampler *sampler,
                          const struct cli_calls *calls)
{
	struct timeline_kernel kernel = {.scope = "machine", .match_flows = true};
	struct cli_pipeline pipeline = {
	    .json_path = args->output,
	    .html_path = args->html,
	    .filter = args->filter,
	    .live_interface = rec->interface,
	    .live_stats = &rec->stats,
	    .format = args->format,
	    .kernel = sampler ? &kernel : NULL,
	    .calls = calls->log,
	    .calls_source = calls->active ? &calls->source : NULL,
	};
	if (sampler)
		timeline_kernel_from_sampler(&kernel, sampler, KERNEL_DEFAULT_INTERVAL_US);
	return cli_trace_file(pcap_path, NULL, &pipeline);
}

static int record_and_write(const struct capture_args *args, const char *pcap_path,
                            struct cli_calls *calls)
{
	struct command_work work = {args->command, calls, NULL};
	struct record_options opts = {
	    .iface = args->iface,
	    .filter = args->filter,
	    .snaplen = (int)args->snaplen,
	    .pcap_path = pcap_path,
	    .max_packets = args->count,
	    /* -p stays root: Yama's ptrace_scope 1 lets only CAP_SYS_PTRACE trace a non-child */
	    .drop_privileges = !args->attach,
	    .work = calls->active || args->command ? run_sampled_command : NULL,
	    .work_arg = &work,
	};
	struct record_result rec;
	char errbuf[512];
	int status;

	signal(SIGINT, on_interrupt);
	signal(SIGTERM, on_interrupt);
	if (record_run(&opts, &rec, errbuf, sizeof(errbuf)) < 0) {
		cli_error("%s", errbuf);
		kernel_sampler_free(work.sampler);
		return CLI_FAIL;
	}
	if (args->command && !calls->active && rec.work_ret != 0)
		fprintf(stderr, "sockscope: %s exited with status %d\n", args->command[0],
		        rec.work_ret);
	cli_calls_report(calls);
	fprintf(stderr, "sockscope: %llu packets captured, %llu dropped",
	        (unsigned long long)rec.frames, (unsigned long long)rec.stats.dropped);
	if (calls->active)
		fprintf(stderr, ", %llu socket calls traced", (unsigned long long)calls->result.calls);
	fputc('\n', stderr);
	status = write_timeline(args, pcap_path, &rec, work.sampler, calls);
	kernel_sampler_free(work.sampler);
	return status;
}

int cli_capture(int argc, char **argv)
{
	struct capture_args args = {.output = "-"};
	char temp_path[] = "/tmp/sockscope-XXXXXX";
	const char *pcap_path = NULL;
	int status = parse_capture_args(argc, argv, &args);

	if (status != CLI_OK) {
		free(args.filter);
		return status == CLI_HELP ? CLI_OK : status;
	}
	if (args.write_path) {
		pcap_path = args.write_path;
	} else {
		int fd = mkstemp(temp_path);
		if (fd < 0) {
			cli_error("%s: cannot create a temporary file", temp_path);
			free(args.filter);
			return CLI_FAIL;
		}
		close(fd);
		pcap_path = temp_path;
	}
	struct cli_calls calls;
	status = cli_calls_init(&calls, args.command, args.attach, !args.no_calls);
	if (status == CLI_OK)
		status = record_and_write(&args, pcap_path, &calls);
	cli_calls_free(&calls);
	if (!args.write_path)
		unlink(temp_path);
	free(args.filter);
	return status;
}
