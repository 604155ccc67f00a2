/*
 * json.c - the timeline as one JSON document:
 *   {"schema":..,"demo":{..},
 *   "glossary":{..},
 *   "events":[
 *   {event},
 *   ...
 *   ],
 *   "source":{..},
 *   "endpoints":[..],
 *   "flows":[
 *   {flow},
 *   ...
 *   ]}
 * One event or flow a line, so a reader can also skim it line by line.
 */
#include "parts.h"

/* "demo": {...}, shared with the jsonl header. */
void timeline_emit_demo(struct emitter *e, const struct demo *demo)
{
	emit_key(e, "demo");
	emit_begin_object(e);
	emit_kv_string(e, "name", demo->name);
	emit_kv_string(e, "description", demo->description);
	emit_kv_string(e, "teaches", demo->teaches);
	emit_end_object(e);
}

static void json_open(struct timeline_writer *w)
{
	struct emitter *e = &w->events;

	emit_begin_object(e);
	emit_kv_string(e, "schema", TIMELINE_SCHEMA);
	if (w->options.demo)
		timeline_emit_demo(e, w->options.demo);
	emit_line_break(e);
	timeline_emit_glossary(e);
	emit_line_break(e);
	emit_key(e, "events");
	emit_begin_array(e);
}

static void json_packet(struct timeline_writer *w, const struct timeline_packet *p)
{
	emit_line_break(&w->events);
	timeline_emit_packet(w, p, p->t);
}

static void json_call(struct timeline_writer *w, const struct timeline_call *c)
{
	emit_line_break(&w->events);
	timeline_emit_call(w, c);
}

static void json_kernel(struct timeline_writer *w, const struct timeline_kernel_event *k)
{
	timeline_emit_kernel(w, k, false);
}

static void json_flow(struct timeline_writer *w, const struct track_flow_summary *flow)
{
	emit_line_break(&w->flows);
	timeline_emit_flow_summary(&w->flows, flow);
}

static void json_finish(struct timeline_writer *w, const struct timeline_source *source)
{
	struct emitter *e = &w->events;

	emit_raw(e, "\n");
	emit_end_array(e);
	emit_line_break(e);
	timeline_emit_source(e, source, true);
	emit_line_break(e);
	timeline_emit_endpoints(w);
	if (w->endpoints_cut) {
		emit_line_break(e);
		emit_kv_bool(e, "endpoints_cut", true);
	}
	emit_line_break(e);
	emit_key(e, "flows");
	emit_begin_array(e);
	timeline_copy_spool(w, NULL);
	emit_raw(e, "\n");
	emit_end_array(e);
	emit_end_object(e);
	emit_raw(e, "\n");
}

const struct timeline_backend timeline_json_backend = {
    .open = json_open,
    .packet = json_packet,
    .call = json_call,
    .kernel = json_kernel,
    .flow = json_flow,
    .finish = json_finish,
};
