/*
 * capture.c - `sockscope capture [-i IF] [-w FILE] [-o OUT] [-c N] [FILTER] [-- CMD ARGS]`
 *
 * Captures until Ctrl-C, until COUNT packets, or around a command: the
 * capture is proven running before the command starts and drained after it
 * ends (record.c).  The frames go to FILE (or a temporary file), and the
 * pipeline reads them back into the timeline.  Only the capabilities a
 * capture needs are kept, and only until its handle is open; under sudo,
 * root is then given up, and every file is opened with the user's rights
 * (docs/privileges.md).
 */
#include "sockscope/cli.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <linux/close_range.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "calls.h"
#include "output.h"
#include "privs.h"
#include "record.h"
#include "signals.h"
#include "sockscope/kernel.h"
#include "sockscope/timeline.h"

static const char capture_usage[] =
    "usage: sockscope capture [-i IFACE] [-w FILE] [-o OUT.json|-] [--html OUT.html]\n"
    "                         [-c COUNT] [-s SNAPLEN] [FILTER...] [-- COMMAND [ARGS...]]\n"
    "\n"
    "Captures live traffic and writes the annotated JSON timeline: until Ctrl-C,\n"
    "until COUNT packets, or for as long as COMMAND runs.  Nothing captured is\n"
    "lost at the end: the capture is drained before the timeline is written.\n"
    "\n"
    "  -i IFACE    interface (default lo)\n"
    "  -w FILE     also keep the raw packets in this pcap file ('-': stdout,\n"
    "              then the timeline needs -o OUT)\n"
    "  -o OUT      where to write the timeline; '-' (the default) is stdout\n"
    "              (COMMAND's own stdout then goes to stderr)\n"
    "  --html OUT  also write a self-contained HTML page (needs -o FILE)\n"
    "  -c COUNT    stop after COUNT packets\n"
    "  -s SNAPLEN  bytes to keep of each packet (default 262144)\n"
    CLI_FORMAT_USAGE
    "  FILTER      a BPF filter expression, as for tcpdump\n"
    "  -- COMMAND  run COMMAND, capturing from just before it starts until it ends;\n"
    "              its socket calls are traced onto the timeline\n"
    "  --no-calls  run COMMAND without tracing its socket calls\n"
    "  --calls=HOW how: auto (the default: a shim preloaded into programs that\n"
    "              can load it, ptrace stops for the others), preload (the shim\n"
    "              even when COMMAND itself cannot load it), ptrace (stops only)\n"
    "  -p PID      trace the socket calls of running process PID until it ends or Ctrl-C\n"
    "  --kernel-interval MS\n"
    "              how often the kernel's view (sock_diag, /proc/net counters) is\n"
    "              sampled while COMMAND runs (default 1; 0: off)\n"
    "\n"
    "Needs root or CAP_NET_RAW.  Under sudo, root is dropped once capture starts\n"
    "(not with -p: tracing a process that is not its child needs CAP_SYS_PTRACE).\n"
    "SIGINT, SIGTERM, SIGHUP: sent on to COMMAND, then the capture drains and the\n"
    "timeline is written; a second one kills COMMAND and stops at once.\n"
    "Exit status: 0 ok, 1 capture or input failure, 2 usage.\n";

struct capture_args {
	const char *iface, *write_path, *output, *html;
	long count, snaplen;
	char *filter;   /* malloc'd */
	char **command; /* NULL-terminated, or NULL */
	struct cli_format format;
	bool no_calls; /* --no-calls */
	enum syscalls_via via; /* --calls=HOW */
	long attach;   /* -p PID, or 0 */
	unsigned kernel_interval_us; /* 0: no kernel sampling */
};

/* The command around which the capture runs. */
struct command {
	char **argv;
	bool stdout_apart; /* sockscope's stdout carries data: the command's goes to stderr */
};

/* The child's half: plain signals, only descriptors 0, 1 and 2, then exec. */
static void exec_command(const struct command *cmd)
{
	static const int signals[] = {SIGINT, SIGTERM, SIGHUP};
	sigset_t none;

	for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
		signal(signals[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (cmd->stdout_apart && dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
		_exit(127);
	close_range(3, ~0U, CLOSE_RANGE_CLOEXEC); /* whatever a library left open */
	execvp(cmd->argv[0], cmd->argv);
	fprintf(stderr, "sockscope: %s: cannot run it: %s\n", cmd->argv[0], strerror(errno));
	_exit(127);
}

/* Waits for the command; it is reaped only after signals stop going to its
 * pid, so a signal can never reach another process that reuses the pid. */
static int wait_command(pid_t pid)
{
	siginfo_t info;
	int status, rc;

	while ((rc = waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT)) < 0 && errno == EINTR)
		;
	signals_forward_to(0);
	if (rc < 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * Runs the command and waits: its exit status (or 128 + signal), -1 when it
 * could not be started.  Signals are blocked across fork, so one arriving
 * then is forwarded once the command's pid is known (signals.h).
 */
static int run_command(void *arg)
{
	const struct command *cmd = arg;
	sigset_t all, old;
	pid_t pid;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	pid = fork();
	if (pid == 0)
		exec_command(cmd);
	if (pid > 0)
		signals_forward_to(pid);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (pid < 0)
		return -1;
	return wait_command(pid);
}

/* COMMAND (or the process attached to) with the kernel sampled around it, in
 * the host's namespace; under the tracer unless its calls are not wanted. */
struct command_work {
	struct command cmd;
	struct cli_calls *calls;
	unsigned kernel_interval_us; /* 0: no sampling */
	struct kernel_sampler *sampler;
};

/* A traced call that made or named a TCP connection: the sampler looks it up
 * on its next tick, so that one living between two full samples is seen. */
static void watch_after_call(void *sampler, const struct demo_call *call)
{
	bool listen = strcmp(call->call, "listen") == 0;
	bool connection = strcmp(call->call, "connect") == 0 || strncmp(call->call, "accept", 6) == 0;
	bool done = call->ret >= 0 || call->err == EINPROGRESS;

	/* a listener has a local address only (no tuple): found by it alone */
	if (!(listen || (connection && call->has_tuple)) || !done || call->proto != L4_TCP ||
	    !call->local_port)
		return;
	struct kernel_socket id = {.local = call->local,
	                           .remote = call->peer,
	                           .local_port = call->local_port,
	                           .remote_port = call->peer_port,
	                           .cookie = UINT64_MAX};
	if (!id.remote.family) /* a listener: no peer */
		id.remote.family = id.local.family;
	kernel_sampler_watch(sampler, &id);
}

static int run_sampled_command(void *arg)
{
	struct command_work *work = arg;
	struct kernel_options kopts = {.interval_us = work->kernel_interval_us, .counters = true};
	int ret;

	if (work->kernel_interval_us)
		work->sampler = kernel_sampler_start(&kopts);
	if (work->sampler && work->calls->active)
		demo_log_set_observer(work->calls->log, watch_after_call, work->sampler);
	ret = work->calls->active ? cli_calls_work(work->calls) : run_command(&work->cmd);
	if (work->calls->active)
		demo_log_set_observer(work->calls->log, NULL, NULL);
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
	case 'C':
		if (strcmp(arg, "auto") == 0)
			args->via = SYSCALLS_VIA_AUTO;
		else if (strcmp(arg, "preload") == 0)
			args->via = SYSCALLS_VIA_PRELOAD;
		else if (strcmp(arg, "ptrace") == 0)
			args->via = SYSCALLS_VIA_PTRACE;
		else {
			cli_error("capture: --calls wants auto, preload or ptrace, not '%s'", arg);
			return CLI_USAGE;
		}
		break;
	case 'k':
		if (!cli_parse_interval_ms(arg, &args->kernel_interval_us)) {
			cli_error("capture: --kernel-interval wants milliseconds from 0 to 1000, not '%s'",
			          arg);
			return CLI_USAGE;
		}
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

/* A signal: the command has it already (signals.c forwards it); an attach
 * ends; the recording drains and ends.  Async-signal-safe. */
static void on_signal(void)
{
	syscalls_interrupt();
	record_interrupt();
}

/* -w, -o and --html: three different files, and stdout for one at most. */
static int check_outputs(const struct capture_args *args)
{
	const struct cli_named_file files[] = {
	    {"-w", args->write_path}, {"-o", args->output}, {"--html", args->html}};

	if (args->write_path && strcmp(args->write_path, "-") == 0 &&
	    strcmp(args->output, "-") == 0) {
		cli_error("capture: -w - writes the capture to stdout: give the timeline a file "
		          "with -o OUT.json");
		return CLI_USAGE;
	}
	return cli_check_distinct("capture", files, sizeof files / sizeof files[0]);
}

static int parse_capture_args(int argc, char **argv, struct capture_args *args)
{
	static const struct option longopts[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"html", required_argument, NULL, 'H'},
	    {"no-calls", no_argument, NULL, 'N'},
	    {"calls", required_argument, NULL, 'C'},
	    {"kernel-interval", required_argument, NULL, 'k'},
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
	if ((status = cli_check_html_output("capture", args->html, args->output, &args->format)) !=
	        CLI_OK ||
	    (status = check_outputs(args)) != CLI_OK)
		return status;
	args->filter = cli_join_words(end - optind, argv + optind);
	return CLI_OK;
}

/* The pipeline over the recorded file; a signal from now on ends it early. */
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
	    .interrupt_after = signals_count(),
	};
	if (sampler)
		timeline_kernel_from_sampler(&kernel, sampler, args->kernel_interval_us);
	return cli_trace_file(pcap_path, NULL, &pipeline);
}

static int record_and_write(const struct capture_args *args, const char *pcap_path, int pcap_fd,
                            struct cli_calls *calls)
{
	bool pcap_to_stdout = args->write_path && strcmp(args->write_path, "-") == 0;
	bool stdout_apart = pcap_to_stdout || strcmp(args->output, "-") == 0;
	struct command_work work = {{args->command, stdout_apart}, calls, args->kernel_interval_us, NULL};
	struct record_options opts = {
	    .iface = args->iface,
	    .filter = args->filter,
	    .snaplen = (int)args->snaplen,
	    .pcap_path = pcap_path,
	    .pcap_fd = pcap_fd,
	    .copy_to_stdout = pcap_to_stdout,
	    .max_packets = args->count,
	    /* -p stays root: Yama's ptrace_scope 1 lets only CAP_SYS_PTRACE trace a non-child */
	    .drop_privileges = !args->attach,
	    .work = calls->active || args->command ? run_sampled_command : NULL,
	    .work_arg = &work,
	};
	struct record_result rec;
	char errbuf[512];
	int status = CLI_OK;

	calls->opts.stdout_to_stderr = stdout_apart;
	calls->opts.on_command = signals_forward_to;
	if (record_run(&opts, &rec, errbuf, sizeof(errbuf)) < 0) {
		cli_error("%s", errbuf);
		if (!rec.started) {
			kernel_sampler_free(work.sampler);
			return CLI_FAIL;
		}
		/* a full disk, a vanished interface: keep what was captured */
		cli_error("the timeline holds what was captured before that");
		status = CLI_FAIL;
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
	int written = write_timeline(args, pcap_path, &rec, work.sampler, calls);
	kernel_sampler_free(work.sampler);
	return status == CLI_OK ? written : status;
}

int cli_capture(int argc, char **argv)
{
	struct capture_args args = {.output = "-", .kernel_interval_us = KERNEL_DEFAULT_INTERVAL_US};
	char temp_path[PATH_MAX];
	const char *pcap_path;
	int status = parse_capture_args(argc, argv, &args), fd = 0, slot = -1;

	if (status != CLI_OK) {
		free(args.filter);
		return status == CLI_HELP ? CLI_OK : status;
	}
	if (!args.attach && (status = priv_limit_caps(PRIV_CAPTURE_SET)) < 0) {
		cli_error("cannot drop capabilities: %s", strerror(-status));
		free(args.filter);
		return CLI_FAIL;
	}
	signals_install(3, on_signal);
	pcap_path = args.write_path;
	if (!pcap_path || strcmp(pcap_path, "-") == 0) {
		fd = cli_temp_file(temp_path, sizeof temp_path, ".pcap", &slot);
		if (fd < 0) {
			free(args.filter);
			return CLI_FAIL;
		}
		pcap_path = temp_path;
	}
	struct cli_calls calls;
	status = cli_calls_init(&calls, args.command, args.attach, !args.no_calls);
	calls.opts.via = args.via;
	if (status == CLI_OK)
		status = record_and_write(&args, pcap_path, fd, &calls);
	cli_calls_free(&calls);
	if (pcap_path == temp_path) {
		priv_unlink(temp_path);
		signals_temp_remove(slot);
	}
	free(args.filter);
	return status;
}
