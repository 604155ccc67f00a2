/*
 * pipeline.c - source -> decode -> track -> annotate -> timeline, once per
 * frame, with nothing allocated per packet: the packet, track result and
 * annotation live in one `struct pipeline_state` reused for every frame.
 *
 * The pipeline also merges a demo's socket calls with the packets by time and
 * ties each call to its flow while the flow table still holds it, so the
 * writer receives finished events only.
 */
#include "sockscope/cli.h"
#include "sockscope/kernel.h"
#include "sockscope/timeline.h"
#include "output.h"
#include "signals.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROGRESS_EVERY 65536 /* frames between progress lines */

struct pipeline_state {
	const struct cli_pipeline *config;
	struct timeline_writer *writer;
	struct track_table *table;
	FILE *out;
	struct cli_output output;
	bool interrupted; /* a signal ended the reading */
	uint64_t frames;
	const struct demo_call *calls; /* sorted by return time */
	size_t call_count, next_call;
	const struct timeline_kernel *kernel; /* records in time order, or NULL */
	size_t next_record;
	struct kernel_note *notes; /* kernel_explain's, in record order */
	size_t note_count, next_note;
	bool have_origin;
	int64_t origin_sec;
	uint32_t origin_nsec;
	struct packet pkt;
	struct track_result result;
	struct annotation explain;
	bool explain_wanted; /* every format but plain text shows the explanation */
	bool pipe_closed;    /* stdout's reader has gone */
	char label[160];
	char errbuf[512];
	/* the call log, in order of each call's start, fed to the tracker (feed_calls) */
	size_t *start_order, next_fed;
};

static void on_flow_end(const struct track_flow_summary *flow, void *ctx)
{
	struct pipeline_state *st = ctx;
	timeline_add_flow(st->writer, flow);
}

static bool time_before(int64_t a_sec, uint32_t a_nsec, int64_t b_sec, uint32_t b_nsec)
{
	return a_sec < b_sec || (a_sec == b_sec && a_nsec < b_nsec);
}

/* Seconds since the origin: the earliest of the first call and the first packet. */
static double relative_time(struct pipeline_state *st, int64_t sec, uint32_t nsec)
{
	if (!st->have_origin) {
		st->have_origin = true;
		st->origin_sec = sec;
		st->origin_nsec = nsec;
		if (st->call_count && time_before(st->calls[0].ts_sec, st->calls[0].ts_nsec, sec,
		                                  nsec)) {
			st->origin_sec = st->calls[0].ts_sec;
			st->origin_nsec = st->calls[0].ts_nsec;
		}
	}
	/* in double: the difference of two hostile int64 seconds can overflow */
	return ((double)sec - (double)st->origin_sec) + ((double)nsec - (double)st->origin_nsec) / 1e9;
}

static uint64_t call_flow(const struct pipeline_state *st, const struct demo_call *call)
{
	if (!call->has_tuple || !st->table)
		return 0;
	return track_find_flow(st->table, call->proto, &call->local, call->local_port,
	                       &call->peer, call->peer_port);
}

/* What the wire shows of the caller's socket when the call returns, in words
 * when it and the call seem to disagree (annotate_call). */
static const char *call_reading(const struct pipeline_state *st, const struct demo_call *call)
{
	if (!st->table || !call->has_tuple || call->proto != L4_TCP)
		return NULL;
	return annotate_call(call->call, call->err,
	                     track_tcp_state_of(st->table, &call->local, call->local_port,
	                                        &call->peer, call->peer_port));
}

static int write_call(struct pipeline_state *st, const struct demo_call *call)
{
	struct timeline_call tc = {
	    .call = call,
	    .t = relative_time(st, call->ts_sec, call->ts_nsec),
	    .flow = call_flow(st, call),
	    .explain = call_reading(st, call),
	};
	st->next_call++;
	return timeline_write_call(st->writer, &tc);
}

/* A kernel record with its notes; a socket of none of the captured flows is
 * left out when the run asks for those only (capture -- CMD). */
static int write_kernel_record(struct pipeline_state *st, const struct kernel_record *rec)
{
	size_t index = st->next_record++;
	struct timeline_kernel_event ke = {
	    .record = rec,
	    .t = relative_time(st, rec->ts_sec, rec->ts_nsec),
	    .notes = st->notes ? st->notes + st->next_note : NULL,
	};
	if (rec->kind == KREC_SOCKET && rec->sock.state != KTCP_LISTEN && st->table)
		ke.flow = track_find_flow(st->table, L4_TCP, &rec->sock.local, rec->sock.local_port,
		                          &rec->sock.remote, rec->sock.remote_port);
	if (rec->kind == KREC_SOCKET && st->kernel->match_flows && ke.flow == 0)
		ke.record = NULL;
	while (st->next_note < st->note_count && st->notes[st->next_note].record == index) {
		ke.note_count++;
		st->next_note++;
	}
	if (!ke.record && !ke.note_count)
		return 0;
	return timeline_write_kernel(st->writer, &ke);
}

/* The next call or kernel record in time (a record first at the same time),
 * or NULL for both when none is left. */
static void next_evidence(const struct pipeline_state *st, const struct demo_call **call,
                          const struct kernel_record **rec)
{
	*call = st->next_call < st->call_count ? &st->calls[st->next_call] : NULL;
	*rec = st->kernel && st->next_record < st->kernel->count
	           ? &st->kernel->records[st->next_record]
	           : NULL;
	if (*call && *rec) {
		if (time_before((*call)->ts_sec, (*call)->ts_nsec, (*rec)->ts_sec, (*rec)->ts_nsec))
			*rec = NULL;
		else
			*call = NULL;
	}
}

/* Writes the calls and kernel records up to (and at) the given time, or all of them. */
static int write_evidence_until(struct pipeline_state *st, int64_t sec, uint32_t nsec, bool all)
{
	const struct demo_call *call;
	const struct kernel_record *rec;

	for (next_evidence(st, &call, &rec); call || rec; next_evidence(st, &call, &rec)) {
		int64_t at_sec = call ? call->ts_sec : rec->ts_sec;
		uint32_t at_nsec = call ? call->ts_nsec : rec->ts_nsec;
		if (!all && time_before(sec, nsec, at_sec, at_nsec))
			break;
		if ((call ? write_call(st, call) : write_kernel_record(st, rec)) < 0)
			return -SS_EIO;
	}
	return 0;
}

/* The calls that change what later packets mean; the rest are no evidence for track. */
static enum track_call track_kind(const struct demo_call *call)
{
	if (strcmp(call->call, "listen") == 0 && call->ret == 0)
		return TRACK_CALL_LISTEN;
	if (strcmp(call->call, "close") == 0)
		return TRACK_CALL_CLOSE;
	if (strcmp(call->call, "shutdown") == 0 && strstr(call->args, "SHUT_WR"))
		return TRACK_CALL_SHUTDOWN_WR;
	if (strcmp(call->call, "setsockopt") == 0 && strstr(call->args, "SO_LINGER {on, 0 s}"))
		return TRACK_CALL_LINGER_ZERO;
	return TRACK_CALL_NONE;
}

static int by_start(const void *a, const void *b, void *ctx)
{
	const struct demo_call *calls = ctx, *x = &calls[*(const size_t *)a],
	                       *y = &calls[*(const size_t *)b];
	if (x->start_sec != y->start_sec)
		return x->start_sec < y->start_sec ? -1 : 1;
	return x->start_nsec < y->start_nsec ? -1 : x->start_nsec > y->start_nsec;
}

/* Hands the tracker every call that started before this frame: a FIN leaves during
 * close(), before it returns, so the start is what orders a call before its packets. */
static void feed_calls(struct pipeline_state *st, int64_t sec, uint32_t nsec)
{
	while (st->next_fed < st->call_count) {
		const struct demo_call *c = &st->calls[st->start_order[st->next_fed]];
		if (c->start_sec > sec || (c->start_sec == sec && c->start_nsec > nsec))
			return;
		struct track_call_info info = {
		    .call = track_kind(c),
		    .proto = c->proto,
		    .local = c->local,
		    .peer = c->peer,
		    .local_port = c->local_port,
		    .peer_port = c->peer_port,
		    .has_peer = c->has_tuple && c->peer.family != 0,
		};
		track_note_call(st->table, &info);
		st->next_fed++;
	}
}

/* The order in which calls started, for feed_calls (st->calls are in return order). */
static int prepare_calls(struct pipeline_state *st)
{
	st->start_order = calloc(st->call_count ? st->call_count : 1, sizeof *st->start_order);
	if (!st->start_order)
		return -SS_ENOMEM;
	for (size_t i = 0; i < st->call_count; i++)
		st->start_order[i] = i;
	qsort_r(st->start_order, st->call_count, sizeof *st->start_order, by_start,
	        (void *)st->calls);
	return 0;
}

static int handle_frame(struct pipeline_state *st, const struct capture_frame *frame)
{
	int linktype = capture_linktype(st->config->source);
	double t;

	st->frames++;
	decode_frame(linktype, frame->data, frame->caplen, frame->wirelen, &st->pkt);
	t = relative_time(st, frame->ts_sec, frame->ts_nsec);
	feed_calls(st, frame->ts_sec, frame->ts_nsec);
	if (track_packet(st->table, &st->pkt, t, st->frames, &st->result) < 0)
		return -SS_ENOMEM;
	if (st->explain_wanted)
		annotate_packet(&st->pkt, &st->result, &st->explain);
	annotate_label(&st->pkt, &st->result, st->label, sizeof st->label);
	struct timeline_packet tp = {
	    .frame = st->frames,
	    .ts_sec = frame->ts_sec,
	    .ts_nsec = frame->ts_nsec,
	    .t = t,
	    .pkt = &st->pkt,
	    .track = &st->result,
	    .explain = st->explain_wanted ? &st->explain : NULL,
	    .label = st->label,
	};
	if (write_evidence_until(st, frame->ts_sec, frame->ts_nsec, false) < 0)
		return -SS_EIO;
	return timeline_write_packet(st->writer, &tp);
}

/* The reader of stdout went away (`| head`): stop quietly, as tcpdump does. */
static bool reader_gone(struct pipeline_state *st)
{
	if (errno == EPIPE && st->out == stdout)
		st->pipe_closed = true;
	return st->pipe_closed;
}

static void show_progress(struct pipeline_state *st, bool done)
{
	double fraction = capture_progress(st->config->source);

	if (!st->config->progress || !isatty(STDERR_FILENO))
		return;
	if (done)
		fprintf(stderr, "\r%llu packets%30s\n", (unsigned long long)st->frames, "");
	else if (fraction >= 0)
		fprintf(stderr, "\r%llu packets, %.0f%% of %s", (unsigned long long)st->frames,
		        fraction * 100, capture_name(st->config->source));
	else
		fprintf(stderr, "\r%llu packets", (unsigned long long)st->frames);
}

/* Returns a cli_exit code once the source ends, fails or -c is reached. */
static int read_source(struct pipeline_state *st)
{
	const struct cli_pipeline *pl = st->config;
	struct capture_frame frame;

	for (;;) {
		if (pl->max_packets > 0 && st->frames >= (uint64_t)pl->max_packets)
			return CLI_OK;
		if (signals_count() > pl->interrupt_after) {
			st->interrupted = true;
			cli_error(
			    "%s: interrupted: the timeline holds the %llu packets read before "
			    "the signal",
			    capture_name(pl->source), (unsigned long long)st->frames);
			return CLI_FAIL;
		}
		int rc = capture_next(pl->source, &frame, st->errbuf, sizeof st->errbuf);
		if (rc == 0)
			return CLI_OK;
		if (rc == 2)
			continue;
		if (rc < 0) {
			cli_error("%s", st->errbuf);
			cli_error("%s: the timeline holds the %llu packets read before the damage",
			          capture_name(pl->source), (unsigned long long)st->frames);
			return CLI_FAIL;
		}
		if (handle_frame(st, &frame) < 0) {
			if (reader_gone(st))
				return CLI_OK;
			cli_error("%s: packet %llu: cannot write the timeline: %s",
			          capture_name(pl->source), (unsigned long long)st->frames,
			          errno ? strerror(errno) : "out of memory");
			return CLI_FAIL;
		}
		if (st->frames % PROGRESS_EVERY == 0)
			show_progress(st, false);
	}
}

/* What is known of the source; the counts only once it has ended. */
static void describe_source(const struct pipeline_state *st, struct timeline_source *src)
{
	const struct cli_pipeline *pl = st->config;
	struct capture_stats stats = {0};

	memset(src, 0, sizeof *src);
	src->live = pl->live_interface || capture_is_live(pl->source);
	src->name = pl->live_interface ? pl->live_interface : capture_name(pl->source);
	src->linktype = capture_linktype_name(pl->source);
	src->snaplen = capture_snaplen(pl->source);
	src->filter = pl->filter;
	src->packets = st->frames;
	src->calls = pl->calls_source;
	src->interrupted = st->interrupted;
	if (pl->live_stats)
		stats = *pl->live_stats;
	else
		capture_get_stats(pl->source, &stats);
	src->stats = (struct timeline_stats){stats.known, stats.received, stats.dropped,
	                                     stats.if_dropped};
	src->kernel = pl->kernel;
}

static int check_linktype(const struct cli_pipeline *pl)
{
	int linktype = capture_linktype(pl->source);
	if (decode_linktype_supported(linktype))
		return CLI_OK;
	cli_error("%s: link type %s (%d) is not supported; sockscope reads Ethernet, Linux cooked "
	          "(SLL, SLL2), BSD loopback and raw IP captures",
	          capture_name(pl->source), capture_linktype_name(pl->source), linktype);
	return CLI_FAIL;
}

static int finish(struct pipeline_state *st, int status)
{
	struct timeline_source src;

	/* calls and kernel records after the last packet, while their flows still exist */
	if (!st->pipe_closed && write_evidence_until(st, 0, 0, true) < 0 && !reader_gone(st))
		status = CLI_FAIL;
	track_destroy(st->table); /* ends every flow: summaries reach the writer */
	show_progress(st, true);
	describe_source(st, &src);
	if (st->pipe_closed) {
		timeline_abort(st->writer);
		return CLI_OK;
	}
	if (timeline_finish(st->writer, &src) < 0 && !reader_gone(st)) {
		cli_error("%s: cannot write the timeline: %s", st->config->json_path,
		          strerror(errno));
		cli_output_discard(&st->output);
		return CLI_FAIL;
	}
	if (cli_output_commit(&st->output) != CLI_OK)
		status = CLI_FAIL;
	return status;
}

/*
 * The format asked for, else by the output: text for a terminal, jsonl for a
 * FILE.jsonl, json otherwise.  Colour (auto) only on a terminal that has it.
 */
static struct timeline_options writer_options(const struct cli_pipeline *pl, FILE *out)
{
	const struct cli_format *f = &pl->format;
	const char *term = getenv("TERM"), *dot = strrchr(pl->json_path, '.');
	bool tty = isatty(fileno(out));
	struct timeline_options opts = {.demo = pl->demo, .verbose = f->verbose};

	if (f->format_set)
		opts.format = f->format;
	else if (tty)
		opts.format = TIMELINE_TEXT;
	else
		opts.format = dot && strcmp(dot, ".jsonl") == 0 ? TIMELINE_JSONL : TIMELINE_JSON;
	if (f->color == CLI_COLOR_AUTO)
		opts.color = tty && !getenv("NO_COLOR") && term && strcmp(term, "dumb") != 0;
	else
		opts.color = f->color == CLI_COLOR_ALWAYS;
	opts.flush_lines = tty;
	return opts;
}

static struct timeline_writer *open_writer(struct pipeline_state *st)
{
	struct timeline_source src;
	struct timeline_options opts = writer_options(st->config, st->out);

	describe_source(st, &src);
	opts.source = &src;
	st->explain_wanted = opts.format != TIMELINE_TEXT || opts.verbose;
	if (st->out == stdout)
		signal(SIGPIPE, SIG_IGN); /* a closed pipe is EPIPE: see reader_gone */
	return timeline_open(st->out, &opts);
}

int cli_run_pipeline(const struct cli_pipeline *pl)
{
	struct pipeline_state *st;
	int status = check_linktype(pl);

	if (status != CLI_OK)
		return status;
	st = calloc(1, sizeof *st);
	if (!st)
		return CLI_FAIL;
	st->config = pl;
	st->out = cli_output_open(&st->output, pl->json_path);
	if (!st->out)
		goto out_free;
	if (pl->calls) {
		st->calls = demo_log_calls(pl->calls);
		st->call_count = demo_log_count(pl->calls);
		if (prepare_calls(st) < 0) {
			cli_error("out of memory");
			goto out_free;
		}
	}
	if (pl->kernel) {
		st->kernel = pl->kernel;
		st->notes = kernel_explain(pl->kernel->records, pl->kernel->count, &st->note_count);
	}
	st->writer = open_writer(st);
	st->table = st->writer ? track_create(on_flow_end, st) : NULL;
	if (!st->table) {
		cli_error("out of memory");
		goto out_free;
	}
	status = finish(st, read_source(st));
	if (status == CLI_OK && pl->html_path)
		status = cli_write_report(pl->json_path, pl->html_path);
	free(st->notes);
	free(st->start_order);
	free(st);
	return status;

out_free:
	timeline_abort(st->writer);
	if (st->out)
		cli_output_discard(&st->output);
	free(st->notes);
	free(st->start_order);
	free(st);
	return CLI_FAIL;
}

int cli_trace_file(const char *path, const struct capture_options *opts,
                   const struct cli_pipeline *pipeline)
{
	char errbuf[512];
	struct capture *file = capture_open_file(path, opts, errbuf, sizeof errbuf);
	struct cli_pipeline pl = *pipeline;
	int status;

	if (!file) {
		cli_error("%s", errbuf);
		return CLI_FAIL;
	}
	pl.source = file;
	status = cli_run_pipeline(&pl);
	capture_close(file);
	return status;
}
