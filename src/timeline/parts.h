/*
 * parts.h - the timeline module's private pieces: the writer's state, the
 * back-end interface, and one function per part of an event's JSON, each
 * writing through the emitter.
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

/* A socket's local address as a call named its side ("server", "client 2"). */
struct call_side {
	struct ss_addr addr;
	uint16_t port;
	char side[sizeof ((struct demo_call *)0)->side];
};

/*
 * One format.  Each hook writes through w->events (the output) or, for flows,
 * w->flows (the spool, copied out by finish); errors are recorded in the
 * emitters' `failed` and read by writer.c.  finish writes what follows the
 * events; writer.c flushes and closes.
 */
struct timeline_backend {
	void (*open)(struct timeline_writer *w);
	void (*packet)(struct timeline_writer *w, const struct timeline_packet *p);
	void (*call)(struct timeline_writer *w, const struct timeline_call *c);
	void (*kernel)(struct timeline_writer *w, const struct timeline_kernel_event *k);
	void (*flow)(struct timeline_writer *w, const struct track_flow_summary *flow);
	void (*finish)(struct timeline_writer *w, const struct timeline_source *src);
};

extern const struct timeline_backend timeline_json_backend;  /* json.c */
extern const struct timeline_backend timeline_jsonl_backend; /* jsonl.c */
extern const struct timeline_backend timeline_text_backend;  /* text.c */

struct timeline_writer {
	const struct timeline_backend *backend;
	struct timeline_options options;
	struct emitter events; /* the output */
	struct emitter flows;  /* flow summaries, spooled until the end */
	FILE *flow_spool;
	uint64_t event_count, flow_count;
	int64_t iso_sec;     /* the second iso_prefix was made for */
	char iso_prefix[24]; /* "2026-11-27T08:00:00" */
	struct endpoint_entry endpoints[TIMELINE_MAX_ENDPOINTS];
	size_t endpoint_count;
	bool endpoints_cut;
	struct call_side sides[TIMELINE_MAX_ENDPOINTS];
	size_t side_count;
};

/* {"addr": "...", "port": N} as the value of `key`; port left out when has_port is false. */
void timeline_emit_endpoint(struct emitter *e, const char *key, const struct ss_addr *addr,
                            uint16_t port, bool has_port);
/* "ts": "2026-11-27T08:00:00.123456Z" */
void timeline_emit_iso_time(struct timeline_writer *w, int64_t sec, uint32_t nsec);
/* "2026-11-27T08:00:00" for sec, cached for the second (the text back-end shares it). */
const char *timeline_iso_prefix(struct timeline_writer *w, int64_t sec);
/* "flow": id, or null for 0 */
void timeline_emit_flow_id(struct emitter *e, const char *key, uint64_t id);
const char *timeline_proto_name(enum decode_l4 proto);

/* One event's or flow's JSON object (json and jsonl share them). */
void timeline_emit_packet(struct timeline_writer *w, const struct timeline_packet *p, double t);
void timeline_emit_call(struct timeline_writer *w, const struct timeline_call *c);
/* kernel_json.c: one kernel record and its notes as events, each on a line of
 * its own: the json document's (a separator before each) or, with `lines`,
 * jsonl's (an end of line after each, counted); the kernel's fields of
 * `source`. */
void timeline_emit_kernel(struct timeline_writer *w, const struct timeline_kernel_event *k,
                          bool lines);
void timeline_emit_kernel_source(struct emitter *e, const struct timeline_kernel *kernel);
/* A kernel note's sentence with its time filled in (json, jsonl and text share it). */
void timeline_kernel_note_text(const struct kernel_note *note, double t, char *text, size_t size);
void timeline_emit_flow_summary(struct emitter *e, const struct track_flow_summary *flow);
/* "glossary": {...}, the meanings of every code the timeline uses (glossary_json.c) */
void timeline_emit_glossary(struct emitter *e);

/* "source": {...}; without `final`, only what is known before the first
 * packet (no counts).  writer.c */
void timeline_emit_source(struct emitter *e, const struct timeline_source *src, bool final);
/* "endpoints": [...] (w->endpoints_cut says whether more were seen than listed). */
void timeline_emit_endpoints(struct timeline_writer *w);
/* "demo": {...}  json.c */
void timeline_emit_demo(struct emitter *e, const struct demo *demo);

/*
 * Copies the spool to the output: verbatim, or, with `brace`, each line with
 * its opening '{' replaced by `brace` (jsonl's {"kind":"flow",).
 */
void timeline_copy_spool(struct timeline_writer *w, const char *brace);

#endif
