/*
 * writer.c - what every format shares: the life cycle, the flow spool, the
 * endpoints seen and the sides the socket calls named.  The format itself is
 * a back-end (json.c, jsonl.c, text.c).
 */
#include "parts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const struct timeline_backend *const backends[] = {
    [TIMELINE_JSON] = &timeline_json_backend,
    [TIMELINE_JSONL] = &timeline_jsonl_backend,
    [TIMELINE_TEXT] = &timeline_text_backend,
};
static const char *const format_names[] = {
    [TIMELINE_JSON] = "json",
    [TIMELINE_JSONL] = "jsonl",
    [TIMELINE_TEXT] = "text",
};

bool timeline_format_parse(const char *name, enum timeline_format *format)
{
	for (size_t i = 0; i < SS_ARRAY_SIZE(format_names); i++)
		if (strcmp(name, format_names[i]) == 0) {
			*format = (enum timeline_format)i;
			return true;
		}
	return false;
}

const char *timeline_format_name(enum timeline_format format)
{
	return (size_t)format < SS_ARRAY_SIZE(format_names) ? format_names[format] : "json";
}

struct timeline_writer *timeline_open(FILE *out, const struct timeline_options *options)
{
	struct timeline_writer *w = calloc(1, sizeof *w);

	if (!w)
		return NULL;
	w->options = *options;
	if ((size_t)options->format >= SS_ARRAY_SIZE(backends))
		w->options.format = TIMELINE_JSON;
	w->backend = backends[w->options.format];
	w->flow_spool = tmpfile();
	if (!w->flow_spool) {
		free(w);
		return NULL;
	}
	emit_init(&w->events, out);
	emit_init(&w->flows, w->flow_spool);
	w->backend->open(w);
	return w;
}

/* After a failed write, errno is the write's again (later calls may have changed it). */
static int status_of(const struct emitter *e)
{
	if (!e->failed)
		return 0;
	errno = e->error;
	return -SS_EIO;
}

static int event_written(struct timeline_writer *w)
{
	if (w->options.flush_lines && emit_flush(&w->events) && fflush(w->events.out) == EOF) {
		w->events.failed = true;
		w->events.error = errno;
	}
	return status_of(&w->events);
}

int timeline_write_packet(struct timeline_writer *w, const struct timeline_packet *p)
{
	w->backend->packet(w, p);
	return event_written(w);
}

/* The first call that names a local address names its side. */
static void remember_side(struct timeline_writer *w, const struct demo_call *call)
{
	if (!call->has_tuple || w->side_count == TIMELINE_MAX_ENDPOINTS)
		return;
	for (size_t i = 0; i < w->side_count; i++)
		if (w->sides[i].port == call->local_port &&
		    ss_addr_equal(&w->sides[i].addr, &call->local))
			return;
	struct call_side *s = &w->sides[w->side_count++];
	s->addr = call->local;
	s->port = call->local_port;
	snprintf(s->side, sizeof s->side, "%s", call->side);
}

int timeline_write_call(struct timeline_writer *w, const struct timeline_call *c)
{
	remember_side(w, c->call);
	w->backend->call(w, c);
	return event_written(w);
}

int timeline_write_kernel(struct timeline_writer *w, const struct timeline_kernel_event *k)
{
	w->backend->kernel(w, k);
	return event_written(w);
}

static void remember_endpoint(struct timeline_writer *w, const struct ss_addr *addr, uint16_t port,
                              bool server, uint64_t flow_id, bool listener)
{
	for (size_t i = 0; i < w->endpoint_count; i++) {
		struct endpoint_entry *e = &w->endpoints[i];
		if (e->port == port && e->server == server && e->listener == listener &&
		    ss_addr_equal(&e->addr, addr)) {
			if (flow_id < e->flow_id)
				e->flow_id = flow_id;
			return;
		}
	}
	if (w->endpoint_count == TIMELINE_MAX_ENDPOINTS) {
		w->endpoints_cut = true;
		return;
	}
	w->endpoints[w->endpoint_count++] =
	    (struct endpoint_entry){*addr, port, server, listener, flow_id};
}

int timeline_add_flow(struct timeline_writer *w, const struct track_flow_summary *flow)
{
	w->backend->flow(w, flow);
	w->flow_count++;
	if (!w->endpoints_cut) {
		remember_endpoint(w, &flow->client_addr, flow->client_port, false, flow->id, false);
		remember_endpoint(w, &flow->server_addr, flow->server_port, true, flow->id, false);
		if (flow->listener == TRACK_LISTENER_CALLED || flow->listener == TRACK_LISTENER_INFERRED)
			remember_endpoint(w, &flow->server_addr, flow->server_port, true, flow->id, true);
	}
	return status_of(&w->flows);
}

static void emit_optional_string(struct emitter *e, const char *key, const char *text)
{
	emit_key(e, key);
	if (text && *text)
		emit_string(e, text);
	else
		emit_null(e);
}

static void emit_calls_source(struct emitter *e, const struct timeline_calls_source *calls)
{
	emit_key(e, "calls");
	emit_begin_object(e);
	emit_kv_bool(e, "traced", calls->traced);
	emit_optional_string(e, "why", calls->why);
	emit_kv_int(e, "count", (int64_t)calls->count);
	emit_optional_string(e, "command", calls->command);
	emit_optional_string(e, "via", calls->via);
	if (calls->lost)
		emit_kv_int(e, "lost", (int64_t)calls->lost);
	emit_end_object(e);
}

void timeline_emit_source(struct emitter *e, const struct timeline_source *src, bool final)
{
	const struct timeline_stats *stats = &src->stats;

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
	if (!final) {
		emit_end_object(e);
		return;
	}
	emit_kv_int(e, "packets", (int64_t)src->packets);
	emit_kv_int_or_null(e, "received", stats->known, (int64_t)stats->received);
	emit_kv_int_or_null(e, "dropped", stats->known, (int64_t)stats->dropped);
	emit_kv_int_or_null(e, "if_dropped", stats->known, (int64_t)stats->if_dropped);
	timeline_emit_kernel_source(e, src->kernel);
	if (src->interrupted)
		emit_kv_bool(e, "interrupted", true);
	if (src->calls)
		emit_calls_source(e, src->calls);
	emit_end_object(e);
}

/* The side of the demo whose socket had this address, if a call says so. */
static const char *side_of(const struct timeline_writer *w, const struct endpoint_entry *ep)
{
	for (size_t i = 0; i < w->side_count; i++)
		if (w->sides[i].port == ep->port && ss_addr_equal(&w->sides[i].addr, &ep->addr))
			return w->sides[i].side;
	return NULL;
}

static int by_flow_id(const void *a, const void *b)
{
	const struct endpoint_entry *x = a, *y = b;
	if (x->listener != y->listener) /* listeners last: a page keyed by address keeps its lanes */
		return (int)x->listener - (int)y->listener;
	if (x->flow_id != y->flow_id)
		return x->flow_id < y->flow_id ? -1 : 1;
	return (int)x->server - (int)y->server;
}

/* Labels: the demo's name for the side when a socket call names it; otherwise
 * "client", or "client 1", "client 2", ... in order of first flow, and "server". */
void timeline_emit_endpoints(struct timeline_writer *w)
{
	struct emitter *e = &w->events;
	size_t clients = 0, client_no = 0;

	qsort(w->endpoints, w->endpoint_count, sizeof w->endpoints[0], by_flow_id);
	for (size_t i = 0; i < w->endpoint_count; i++)
		clients += !w->endpoints[i].server && !w->endpoints[i].listener;
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
		emit_kv_string(e, "role", ep->listener ? "listener" : ep->server ? "server" : "client");
		emit_kv_string(e, "label", ep->listener ? "listener" : side ? side : label);
		emit_end_object(e);
	}
	emit_end_array(e);
}

static void copy_spool_lines(struct timeline_writer *w, const char *brace)
{
	char *line = NULL;
	size_t size = 0;
	ssize_t n;

	while ((n = getline(&line, &size, w->flow_spool)) > 0) {
		emit_raw(&w->events, brace);
		emit_raw(&w->events, line[0] == '{' ? line + 1 : line);
	}
	free(line);
}

void timeline_copy_spool(struct timeline_writer *w, const char *brace)
{
	char block[16384];
	size_t n;

	emit_flush(&w->flows);
	rewind(w->flow_spool);
	if (brace)
		copy_spool_lines(w, brace);
	else
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
	int rc = 0;

	w->backend->finish(w, source);
	if (!emit_flush(e) || fflush(e->out) == EOF || ferror(e->out) || w->flows.failed) {
		if (e->failed)
			errno = e->error;
		rc = -SS_EIO;
	}
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
