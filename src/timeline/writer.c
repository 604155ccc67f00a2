/*
 * writer.c - the streamed timeline document: header, merged events, and the
 * trailer (source, endpoints, flows) once the source has ended.
 */
#include "parts.h"

#include <stdlib.h>
#include <string.h>

static void emit_demo(struct emitter *e, const struct demo *demo)
{
	emit_key(e, "demo");
	emit_begin_object(e);
	emit_kv_string(e, "name", demo->name);
	emit_kv_string(e, "description", demo->description);
	emit_kv_string(e, "teaches", demo->teaches);
	emit_end_object(e);
}

struct timeline_writer *timeline_open(FILE *out, const struct demo *demo)
{
	struct timeline_writer *w = calloc(1, sizeof *w);

	if (!w)
		return NULL;
	w->flow_spool = tmpfile();
	if (!w->flow_spool) {
		free(w);
		return NULL;
	}
	emit_init(&w->events, out);
	emit_init(&w->flows, w->flow_spool);
	emit_begin_object(&w->events);
	emit_kv_string(&w->events, "schema", TIMELINE_SCHEMA);
	if (demo)
		emit_demo(&w->events, demo);
	emit_line_break(&w->events);
	emit_key(&w->events, "events");
	emit_begin_array(&w->events);
	return w;
}

void timeline_set_calls(struct timeline_writer *w, const struct demo_call *calls, size_t count,
                        const struct track_table *flows)
{
	w->calls = calls;
	w->call_count = count;
	w->next_call = 0;
	w->table = flows;
}

static bool time_before(int64_t a_sec, uint32_t a_nsec, int64_t b_sec, uint32_t b_nsec)
{
	return a_sec < b_sec || (a_sec == b_sec && a_nsec < b_nsec);
}

/* The origin is the earliest of the first call and the first packet. */
double timeline_relative_time(struct timeline_writer *w, int64_t ts_sec, uint32_t ts_nsec)
{
	if (!w->have_origin) {
		w->have_origin = true;
		w->origin_sec = ts_sec;
		w->origin_nsec = ts_nsec;
		if (w->call_count &&
		    time_before(w->calls[0].ts_sec, w->calls[0].ts_nsec, ts_sec, ts_nsec)) {
			w->origin_sec = w->calls[0].ts_sec;
			w->origin_nsec = w->calls[0].ts_nsec;
		}
	}
	/* in double: the difference of two hostile int64 seconds can overflow */
	return ((double)ts_sec - (double)w->origin_sec) +
	       ((double)ts_nsec - (double)w->origin_nsec) / 1e9;
}

static uint64_t call_flow(const struct timeline_writer *w, const struct demo_call *call)
{
	if (!call->has_tuple || !w->table)
		return 0;
	return track_find_flow(w->table, call->proto, &call->local, call->local_port, &call->peer,
	                       call->peer_port);
}

/* Writes the calls that returned before (or at) the given time. */
static void flush_calls_until(struct timeline_writer *w, int64_t sec, uint32_t nsec, bool all)
{
	while (w->next_call < w->call_count) {
		const struct demo_call *call = &w->calls[w->next_call];
		if (!all && time_before(sec, nsec, call->ts_sec, call->ts_nsec))
			break;
		double t = timeline_relative_time(w, call->ts_sec, call->ts_nsec);
		emit_line_break(&w->events);
		timeline_emit_call(w, call, t, call_flow(w, call));
		w->next_call++;
	}
}

void timeline_flush_calls(struct timeline_writer *w)
{
	flush_calls_until(w, 0, 0, true);
	w->table = NULL; /* the table is about to go; later calls name no flow */
}

int timeline_write_packet(struct timeline_writer *w, const struct timeline_packet *p)
{
	double t = timeline_relative_time(w, p->ts_sec, p->ts_nsec);

	flush_calls_until(w, p->ts_sec, p->ts_nsec, false);
	emit_line_break(&w->events);
	timeline_emit_packet(w, p, t);
	return w->events.failed ? -SS_EIO : 0;
}

static void remember_endpoint(struct timeline_writer *w, const struct ss_addr *addr, uint16_t port,
                              bool server, uint64_t flow_id)
{
	for (size_t i = 0; i < w->endpoint_count; i++) {
		struct endpoint_entry *e = &w->endpoints[i];
		if (e->port == port && e->server == server && ss_addr_equal(&e->addr, addr)) {
			if (flow_id < e->flow_id)
				e->flow_id = flow_id;
			return;
		}
	}
	if (w->endpoint_count == TIMELINE_MAX_ENDPOINTS) {
		w->endpoints_cut = true;
		return;
	}
	w->endpoints[w->endpoint_count++] = (struct endpoint_entry){*addr, port, server, flow_id};
}

int timeline_add_flow(struct timeline_writer *w, const struct track_flow_summary *flow)
{
	emit_line_break(&w->flows);
	timeline_emit_flow_summary(&w->flows, flow);
	w->flow_count++;
	if (!w->endpoints_cut) {
		remember_endpoint(w, &flow->client_addr, flow->client_port, false, flow->id);
		remember_endpoint(w, &flow->server_addr, flow->server_port, true, flow->id);
	}
	return w->flows.failed ? -SS_EIO : 0;
}

static void emit_stat(struct emitter *e, const char *key, const struct capture_stats *stats,
                      uint64_t value)
{
	emit_kv_int_or_null(e, key, stats->known, (int64_t)value);
}

static void emit_source(struct emitter *e, const struct timeline_source *src)
{
	emit_key(e, "source");
	emit_begin_object(e);
	emit_kv_string(e, "kind", src->live ? "live" : "file");
	emit_kv_string(e, src->live ? "interface" : "path", src->name ? src->name : "");
	emit_kv_string(e, "linktype", src->linktype);
	emit_kv_int(e, "snaplen", src->snaplen);
	emit_key(e, "filter");
	if (src->filter)
		emit_string(e, src->filter);
	else
		emit_null(e);
	emit_kv_int(e, "packets", (int64_t)src->packets);
	emit_stat(e, "received", &src->stats, src->stats.received);
	emit_stat(e, "dropped", &src->stats, src->stats.dropped);
	emit_stat(e, "if_dropped", &src->stats, src->stats.if_dropped);
	if (src->interrupted)
		emit_kv_bool(e, "interrupted", true);
	emit_end_object(e);
}

/* The side of the demo whose socket had this address, if a call says so. */
static const char *side_of(const struct timeline_writer *w, const struct endpoint_entry *ep)
{
	for (size_t i = 0; i < w->call_count; i++) {
		const struct demo_call *call = &w->calls[i];
		if (call->has_tuple && call->local_port == ep->port &&
		    ss_addr_equal(&call->local, &ep->addr))
			return call->side;
	}
	return NULL;
}

static int by_flow_id(const void *a, const void *b)
{
	const struct endpoint_entry *x = a, *y = b;
	if (x->flow_id != y->flow_id)
		return x->flow_id < y->flow_id ? -1 : 1;
	return (int)x->server - (int)y->server;
}

/* Labels: the demo's name for the side when a socket call names it; otherwise
 * "client", or "client 1", "client 2", ... in order of first flow, and "server". */
static void emit_endpoints(struct emitter *e, struct timeline_writer *w)
{
	size_t clients = 0, client_no = 0;

	qsort(w->endpoints, w->endpoint_count, sizeof w->endpoints[0], by_flow_id);
	for (size_t i = 0; i < w->endpoint_count; i++)
		clients += !w->endpoints[i].server;
	emit_key(e, "endpoints");
	emit_begin_array(e);
	for (size_t i = 0; i < w->endpoint_count; i++) {
		const struct endpoint_entry *ep = &w->endpoints[i];
		const char *side = side_of(w, ep);
		char label[32] = "server", text[SS_ADDR_STRLEN];
		if (!ep->server)
			snprintf(label, sizeof label, clients > 1 ? "client %zu" : "client",
			         ++client_no);
		emit_begin_object(e);
		emit_kv_string(e, "addr", ss_addr_format(&ep->addr, text, sizeof text));
		emit_kv_int(e, "port", ep->port);
		emit_kv_string(e, "role", ep->server ? "server" : "client");
		emit_kv_string(e, "label", side ? side : label);
		emit_end_object(e);
	}
	emit_end_array(e);
}

/* The spooled flow summaries, already separated, copied in blocks. */
static void emit_spooled_flows(struct timeline_writer *w)
{
	char block[16384];
	size_t n;

	emit_flush(&w->flows);
	rewind(w->flow_spool);
	while ((n = fread(block, 1, sizeof block - 1, w->flow_spool)) > 0) {
		block[n] = '\0';
		emit_raw(&w->events, block);
	}
	if (ferror(w->flow_spool))
		w->events.failed = true;
}

int timeline_finish(struct timeline_writer *w, const struct timeline_source *source)
{
	struct emitter *e = &w->events;
	int rc;

	flush_calls_until(w, 0, 0, true);
	emit_raw(e, "\n");
	emit_end_array(e);
	emit_line_break(e);
	emit_source(e, source);
	emit_line_break(e);
	emit_endpoints(e, w);
	if (w->endpoints_cut) {
		emit_line_break(e);
		emit_kv_bool(e, "endpoints_cut", true);
	}
	emit_line_break(e);
	emit_key(e, "flows");
	emit_begin_array(e);
	emit_spooled_flows(w);
	emit_raw(e, "\n");
	emit_end_array(e);
	emit_end_object(e);
	emit_raw(e, "\n");
	if (!emit_flush(e) || fflush(e->out) == EOF || ferror(e->out) || w->flows.failed)
		rc = -SS_EIO;
	else
		rc = 0;
	timeline_abort(w);
	return rc;
}

void timeline_abort(struct timeline_writer *w)
{
	if (!w)
		return;
	if (w->flow_spool)
		fclose(w->flow_spool);
	free(w);
}
