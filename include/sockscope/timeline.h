/*
 * timeline.h - the JSON timeline ("sockscope.timeline/1"), streamed.
 *
 * The writer emits the document as events arrive, so memory does not grow
 * with the number of packets: each event is built as a json-c object,
 * written and released.  Flow summaries arrive as flows end (in any order)
 * and are spooled to a temporary file until timeline_finish() writes them
 * after the events, with the source description and the endpoints.  Keys are
 * written in the order docs/timeline.md gives them:
 *   schema, demo, events, source, endpoints, flows
 *
 * Socket API calls (from a demo) are handed over once, before the first
 * packet; the writer merges them by time with the packets, and names the flow
 * of each call by asking the flow table.
 */
#ifndef SOCKSCOPE_TIMELINE_H
#define SOCKSCOPE_TIMELINE_H

#include <stdio.h>

#include "sockscope/annotate.h"
#include "sockscope/capture.h"
#include "sockscope/decode.h"
#include "sockscope/demo.h"
#include "sockscope/track.h"

#define TIMELINE_SCHEMA          "sockscope.timeline/1"
#define TIMELINE_PAYLOAD_PREVIEW 64  /* bytes of payload shown per packet */
#define TIMELINE_MAX_ENDPOINTS   256 /* endpoints listed; more are counted, not listed */

struct timeline_writer;

/* One packet with everything known about it. */
struct timeline_packet {
	uint64_t frame; /* 1-based index in the source */
	int64_t ts_sec;
	uint32_t ts_nsec;
	const struct packet *pkt;
	const struct track_result *track;
	const struct annotation *explain;
	const char *label; /* tcpdump-style label */
};

/* What the source was, written after the events (counts are known by then). */
struct timeline_source {
	bool live;
	const char *name; /* path or interface */
	const char *linktype;
	int snaplen;
	const char *filter;
	uint64_t packets;
	struct capture_stats stats; /* dropped is null when !stats.known */
	bool interrupted;           /* a signal ended the reading early: "interrupted": true */
};

/* Starts the document on `out` (not closed by the writer).  demo may be NULL. */
struct timeline_writer *timeline_open(FILE *out, const struct demo *demo);

/* Socket calls to merge, sorted by return time; the array must outlive the writer. */
void timeline_set_calls(struct timeline_writer *w, const struct demo_call *calls, size_t count,
                        const struct track_table *flows);

/* Seconds since the first event for a timestamp (fixes the origin on first use). */
double timeline_relative_time(struct timeline_writer *w, int64_t ts_sec, uint32_t ts_nsec);

int timeline_write_packet(struct timeline_writer *w, const struct timeline_packet *p);

/* Writes the calls not yet written (those after the last packet), while the
 * flow table they are matched against still exists. */
void timeline_flush_calls(struct timeline_writer *w);

/* A flow has ended; its summary is kept until timeline_finish. */
int timeline_add_flow(struct timeline_writer *w, const struct track_flow_summary *flow);

/* Writes the remaining calls, the source, endpoints and flows, and frees w. */
int timeline_finish(struct timeline_writer *w, const struct timeline_source *source);

/* Frees w without finishing the document (after an output error). */
void timeline_abort(struct timeline_writer *w);

#endif
