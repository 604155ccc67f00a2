/*
 * pipeline.c - source -> decode -> track -> annotate -> timeline, once per
 * frame, with nothing allocated per packet: the packet, track result and
 * annotation live in one `struct pipeline_state` reused for every frame.
 */
#include "sockscope/cli.h"
#include "sockscope/timeline.h"
#include "output.h"
#include "signals.h"

#include <errno.h>
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
	struct packet pkt;
	struct track_result result;
	struct annotation explain;
	char label[160];
	char errbuf[512];
};

static void on_flow_end(const struct track_flow_summary *flow, void *ctx)
{
	struct pipeline_state *st = ctx;
	timeline_add_flow(st->writer, flow);
}

static int handle_frame(struct pipeline_state *st, const struct capture_frame *frame)
{
	int linktype = capture_linktype(st->config->source);
	double t;

	st->frames++;
	decode_frame(linktype, frame->data, frame->caplen, frame->wirelen, &st->pkt);
	t = timeline_relative_time(st->writer, frame->ts_sec, frame->ts_nsec);
	if (track_packet(st->table, &st->pkt, t, st->frames, &st->result) < 0)
		return -SS_ENOMEM;
	annotate_packet(&st->pkt, &st->result, &st->explain);
	annotate_label(&st->pkt, &st->result, st->label, sizeof st->label);
	struct timeline_packet tp = {
	    .frame = st->frames,
	    .ts_sec = frame->ts_sec,
	    .ts_nsec = frame->ts_nsec,
	    .pkt = &st->pkt,
	    .track = &st->result,
	    .explain = &st->explain,
	    .label = st->label,
	};
	return timeline_write_packet(st->writer, &tp);
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
			cli_error("%s: packet %llu: cannot write the timeline: %s",
			          capture_name(pl->source), (unsigned long long)st->frames,
			          errno ? strerror(errno) : "out of memory");
			return CLI_FAIL;
		}
		if (st->frames % PROGRESS_EVERY == 0)
			show_progress(st, false);
	}
}

static void describe_source(const struct pipeline_state *st, struct timeline_source *src)
{
	const struct cli_pipeline *pl = st->config;

	memset(src, 0, sizeof *src);
	src->live = pl->live_interface || capture_is_live(pl->source);
	src->name = pl->live_interface ? pl->live_interface : capture_name(pl->source);
	src->linktype = capture_linktype_name(pl->source);
	src->snaplen = capture_snaplen(pl->source);
	src->filter = pl->filter;
	src->packets = st->frames;
	src->interrupted = st->interrupted;
	if (pl->live_stats)
		src->stats = *pl->live_stats;
	else
		capture_get_stats(pl->source, &src->stats);
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

	timeline_flush_calls(st->writer); /* calls after the last packet, while flows exist */
	track_destroy(st->table);         /* ends every flow: summaries reach the writer */
	show_progress(st, true);
	describe_source(st, &src);
	if (timeline_finish(st->writer, &src) < 0) {
		cli_error("%s: cannot write the timeline: %s", st->config->json_path,
		          strerror(errno));
		cli_output_discard(&st->output);
		return CLI_FAIL;
	}
	if (cli_output_commit(&st->output) != CLI_OK)
		status = CLI_FAIL;
	return status;
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
	st->writer = timeline_open(st->out, pl->demo);
	st->table = st->writer ? track_create(on_flow_end, st) : NULL;
	if (!st->table) {
		cli_error("out of memory");
		goto out_free;
	}
	if (pl->calls)
		timeline_set_calls(st->writer, demo_log_calls(pl->calls), demo_log_count(pl->calls),
		                   st->table);
	status = finish(st, read_source(st));
	if (status == CLI_OK && pl->html_path)
		status = cli_write_report(pl->json_path, pl->html_path);
	free(st);
	return status;

out_free:
	timeline_abort(st->writer);
	if (st->out)
		cli_output_discard(&st->output);
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
