/*
 * parts.h - the timeline module's private pieces: the writer's state and one
 * function per part of the document, each writing through the emitter.
 */
#ifndef SOCKSCOPE_TIMELINE_PARTS_H
#define SOCKSCOPE_TIMELINE_PARTS_H

#include "emit.h"
#include "sockscope/timeline.h"

struct endpoint_entry {
	struct ss_addr addr;
	uint16_t port;
	bool server;
	bool listener;    /* the listening socket (role "listener"), not a connection's end */
	uint64_t flow_id; /* the first flow it took part in */
};

struct timeline_writer {
	struct emitter events; /* the document */
	struct emitter flows;  /* flow summaries, spooled until the end */
	FILE *flow_spool;      /* one JSON flow summary per line */
	uint64_t flow_count;
	bool have_origin;
	int64_t origin_sec;
	uint32_t origin_nsec;
	int64_t iso_sec;     /* the second iso_prefix was made for */
	char iso_prefix[24]; /* "2026-11-27T08:00:00" */
	const struct demo_call *calls;
	size_t call_count, next_call;
	const struct track_table *table;
	struct endpoint_entry endpoints[TIMELINE_MAX_ENDPOINTS];
	size_t endpoint_count;
	bool endpoints_cut;
};

/* {"addr": "...", "port": N} as the value of `key`; port left out when has_port is false. */
void timeline_emit_endpoint(struct emitter *e, const char *key, const struct ss_addr *addr,
                            uint16_t port, bool has_port);
/* "ts": "2026-11-27T08:00:00.123456Z" */
void timeline_emit_iso_time(struct timeline_writer *w, int64_t sec, uint32_t nsec);
/* "flow": id, or null for 0 */
void timeline_emit_flow_id(struct emitter *e, const char *key, uint64_t id);
const char *timeline_proto_name(enum decode_l4 proto);

void timeline_emit_packet(struct timeline_writer *w, const struct timeline_packet *p, double t);
void timeline_emit_call(struct timeline_writer *w, const struct demo_call *call, double t,
                        uint64_t flow);
void timeline_emit_flow_summary(struct emitter *e, const struct track_flow_summary *flow);
/* "glossary": {...}, the meanings of every code the timeline uses (glossary_json.c) */
void timeline_emit_glossary(struct emitter *e);

#endif
