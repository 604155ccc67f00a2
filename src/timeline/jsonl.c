/*
 * jsonl.c - the timeline as JSON Lines, one object a line, for engines that
 * split a file at newlines (DuckDB, ClickHouse, Spark, jq -c):
 *   {"kind":"header","schema":..,"source":{what is known at the start},"demo":{..},"glossary":{..}}
 *   {event}                  each exactly as in the document's `events`
 *   {"kind":"flow",...}      each exactly as in the document's `flows`, plus kind
 *   {"kind":"end","source":{..},"endpoints":[..],"event_count":N,"flow_count":N}
 * A file without its end line was cut short.
 */
#include "parts.h"

static void jsonl_open(struct timeline_writer *w)
{
	struct emitter *e = &w->events;

	emit_begin_object(e);
	emit_kv_string(e, "kind", "header");
	emit_kv_string(e, "schema", TIMELINE_SCHEMA);
	if (w->options.source)
		timeline_emit_source(e, w->options.source, false);
	if (w->options.demo)
		timeline_emit_demo(e, w->options.demo);
	timeline_emit_glossary(e);
	emit_end_object(e);
	emit_end_line(e);
}

static void jsonl_packet(struct timeline_writer *w, const struct timeline_packet *p)
{
	timeline_emit_packet(w, p, p->t);
	emit_end_line(&w->events);
	w->event_count++;
}

static void jsonl_call(struct timeline_writer *w, const struct timeline_call *c)
{
	timeline_emit_call(w, c);
	emit_end_line(&w->events);
	w->event_count++;
}

static void jsonl_kernel(struct timeline_writer *w, const struct timeline_kernel_event *k)
{
	timeline_emit_kernel(w, k, true);
}

static void jsonl_flow(struct timeline_writer *w, const struct track_flow_summary *flow)
{
	timeline_emit_flow_summary(&w->flows, flow);
	emit_end_line(&w->flows);
}

static void jsonl_finish(struct timeline_writer *w, const struct timeline_source *source)
{
	struct emitter *e = &w->events;

	timeline_copy_spool(w, "{\"kind\":\"flow\",");
	emit_begin_object(e);
	emit_kv_string(e, "kind", "end");
	timeline_emit_source(e, source, true);
	timeline_emit_endpoints(w);
	if (w->endpoints_cut)
		emit_kv_bool(e, "endpoints_cut", true);
	emit_kv_int(e, "event_count", (int64_t)w->event_count);
	emit_kv_int(e, "flow_count", (int64_t)w->flow_count);
	emit_end_object(e);
	emit_end_line(e);
}

const struct timeline_backend timeline_jsonl_backend = {
    .open = jsonl_open,
    .packet = jsonl_packet,
    .call = jsonl_call,
    .kernel = jsonl_kernel,
    .flow = jsonl_flow,
    .finish = jsonl_finish,
};
