/*
 * timeline.h - the timeline ("sockscope.timeline/1"), streamed in one of three
 * formats by one writer.
 *
 * The writer takes finished events and plain values: a packet with its
 * decoded fields, track result, explanation and label; a socket call with the
 * flow it belongs to (matched by the caller, which owns the flow table); a
 * flow's summary when the flow ends; the source's description at the end.
 * Times arrive already made relative to the trace's origin (`t`).  Events must
 * be handed over in the order they are to appear (by time).
 *
 * Back-ends (one file each, behind struct timeline_backend in parts.h):
 *   json   one document: schema, demo, events, source, endpoints, flows
 *   jsonl  one object a line: header, the events, one line per flow, end
 *   text   one line per packet, as tcpdump prints, plus what sockscope adds
 * Memory does not grow with the number of packets: flow summaries (which
 * arrive as flows end, in any order) are spooled to a temporary file.
 * docs/timeline.md documents every field of json and jsonl.
 */
#ifndef SOCKSCOPE_TIMELINE_H
#define SOCKSCOPE_TIMELINE_H

#include <stdio.h>

#include "sockscope/annotate.h"
#include "sockscope/decode.h"
#include "sockscope/demo.h"
#include "sockscope/track.h"

#define TIMELINE_SCHEMA          "sockscope.timeline/1"
#define TIMELINE_PAYLOAD_PREVIEW 64  /* bytes of payload shown per packet */
#define TIMELINE_MAX_ENDPOINTS   256 /* endpoints listed; more are counted, not listed */

enum timeline_format { TIMELINE_JSON, TIMELINE_JSONL, TIMELINE_TEXT };

struct timeline_writer;
struct timeline_source;

/* How to write: the format; the demo (written as `demo`, or NULL); what is
 * known of the source before the first packet (jsonl's header; read by
 * timeline_open only; may be NULL); for text, colour (ANSI escapes) and
 * verbosity (the explanation's summary, the flows' narratives); flush_lines
 * writes each event out at once (for a terminal) instead of in large blocks. */
struct timeline_options {
	enum timeline_format format;
	const struct demo *demo;
	const struct timeline_source *source;
	bool color;
	bool verbose;
	bool flush_lines;
};

/* One packet with everything known about it. */
struct timeline_packet {
	uint64_t frame; /* 1-based index in the source */
	int64_t ts_sec;
	uint32_t ts_nsec;
	double t; /* seconds since the trace's origin */
	const struct packet *pkt;
	const struct track_result *track;
	const struct annotation *explain;
	const char *label; /* tcpdump-style label */
};

/* One socket call (or note), tied to its flow by the caller. */
struct timeline_call {
	const struct demo_call *call;
	double t;      /* seconds since the trace's origin, at the call's return */
	uint64_t flow; /* 0 when no flow is known */
	const char *explain; /* the call read against the wire (annotate_call), or NULL */
};

/*
 * The kernel's view (include/sockscope/kernel.h) of a run: its records in time
 * order and what `source` says of them.  Plain values; the records must
 * outlive the writer.
 */
struct kernel_record;
struct kernel_note;
struct kernel_sampler;
struct timeline_kernel {
	const struct kernel_record *records; /* in time order */
	size_t count;
	const char *scope;  /* source.counters_scope: "demo namespace" or "machine" */
	const char *status; /* "" or why sock_diag gave no socket records (said loudly) */
	bool match_flows;   /* write only sockets of captured flows (capture -- CMD) */
	unsigned interval_us;
	uint64_t samples;
	double sampling_seconds; /* time the sampler's thread spent sampling */
};
/* Fills records, status and cost from a stopped sampler (scope and match_flows stay). */
void timeline_kernel_from_sampler(struct timeline_kernel *kernel,
                                  const struct kernel_sampler *sampler, unsigned interval_us);

/* One kernel record (a socket sample or counter deltas), tied to its flow by
 * the caller, with the notes that cite it (kernel_explain).  record NULL: the
 * notes only (the caller leaves out a socket that is none of its flows'). */
struct timeline_kernel_event {
	const struct kernel_record *record;
	double t;      /* seconds since the trace's origin */
	uint64_t flow; /* 0 when no flow is known */
	const struct kernel_note *notes;
	size_t note_count;
};

/* The kernel's capture counters; the values mean nothing when !known. */
struct timeline_stats {
	bool known;
	uint64_t received, dropped, if_dropped;
};

/* What the source was, written after the events (counts are known by then). */
/* `source.calls`: whether a program's socket calls were traced (capture -- CMD). */
struct timeline_calls_source {
	bool traced;
	const char *why;     /* why not, or what limited it; NULL or "" when nothing to say */
	uint64_t count;      /* calls logged */
	const char *command; /* how the program ended: "exited with status 0" */
	const char *via;     /* how the calls were seen: "preload", "ptrace", both; NULL: none */
	uint64_t lost;       /* calls begun but never handed over (a process killed mid-record) */
};

struct timeline_source {
	const struct timeline_calls_source *calls; /* NULL: no program was traced */
	bool live;
	const char *name; /* path or interface */
	const char *linktype;
	int snaplen;
	const char *filter;
	uint64_t packets;
	struct timeline_stats stats;
	const struct timeline_kernel *kernel; /* the kernel's view, or NULL */
	bool interrupted; /* a signal ended the reading early: "interrupted": true */
};

/* Starts the timeline on `out` (not closed by the writer); NULL when out of memory. */
struct timeline_writer *timeline_open(FILE *out, const struct timeline_options *options);

/* Each returns 0, or -SS_EIO once writing has failed (errno says why). */
int timeline_write_packet(struct timeline_writer *w, const struct timeline_packet *p);
int timeline_write_call(struct timeline_writer *w, const struct timeline_call *c);
int timeline_write_kernel(struct timeline_writer *w, const struct timeline_kernel_event *k);
/* A flow has ended; its summary is kept until timeline_finish. */
int timeline_add_flow(struct timeline_writer *w, const struct track_flow_summary *flow);

/* Writes the source, endpoints and flows, flushes, and frees w. */
int timeline_finish(struct timeline_writer *w, const struct timeline_source *source);

/* Frees w without finishing the timeline (after an output error). */
void timeline_abort(struct timeline_writer *w);

/* "json", "jsonl", "text" <-> the format; parse returns false for another name. */
bool timeline_format_parse(const char *name, enum timeline_format *format);
const char *timeline_format_name(enum timeline_format format);

#endif
