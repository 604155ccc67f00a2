/*
 * writer.c - the streamed timeline document: header, merged events, and the
 * trailer (source, endpoints, flows) once the source has ended.
 */
#include "parts.h"

#include <stdlib.h>
#include <string.h>

#define JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

struct endpoint_entry {
	struct ss_addr addr;
	uint16_t port;
	bool server;
};

struct timeline_writer {
	FILE *out;
	FILE *flow_spool; /* one JSON flow summary per line, until finish */
	uint64_t events, flows;
	bool have_origin;
	int64_t origin_sec;
	uint32_t origin_nsec;
	const struct demo_call *calls;
	size_t call_count, next_call;
	const struct track_table *table;
	struct endpoint_entry endpoints[TIMELINE_MAX_ENDPOINTS];
	size_t endpoint_count;
	bool endpoints_cut;
	bool failed;
};

static void write_object(struct timeline_writer *w, json_object *obj)
{
	const char *text = json_object_to_json_string_ext(obj, JSON_FLAGS);
	if (fputs(text, w->out) == EOF)
		w->failed = true;
}

static json_object *demo_json(const struct demo *demo)
{
	json_object *obj = json_object_new_object();
	json_object_object_add(obj, "name", json_object_new_string(demo->name));
	json_object_object_add(obj, "description", json_object_new_string(demo->description));
	json_object_object_add(obj, "teaches", json_object_new_string(demo->teaches));
	return obj;
}

struct timeline_writer *timeline_open(FILE *out, const struct demo *demo)
{
	struct timeline_writer *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->out = out;
	w->flow_spool = tmpfile();
	if (!w->flow_spool) {
		free(w);
		return NULL;
	}
	fputs("{\"schema\":\"" TIMELINE_SCHEMA "\",", out);
	if (demo) {
		json_object *obj = demo_json(demo);
		fputs("\"demo\":", out);
		write_object(w, obj);
		json_object_put(obj);
		fputc(',', out);
	}
	fputs("\n\"events\":[", out);
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
	return (double)(ts_sec - w->origin_sec) + ((double)ts_nsec - (double)w->origin_nsec) / 1e9;
}

static void write_event(struct timeline_writer *w, json_object *ev)
{
	fputs(w->events++ ? ",\n" : "\n", w->out);
	write_object(w, ev);
	json_object_put(ev);
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
		write_event(w, timeline_call_event(call, t, call_flow(w, call)));
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
	write_event(w, timeline_packet_event(p, t));
	return w->failed ? -SS_EIO : 0;
}

static void remember_endpoint(struct timeline_writer *w, const struct ss_addr *addr, uint16_t port,
                              bool server)
{
	for (size_t i = 0; i < w->endpoint_count; i++) {
		const struct endpoint_entry *e = &w->endpoints[i];
		if (e->port == port && e->server == server && ss_addr_equal(&e->addr, addr))
			return;
	}
	if (w->endpoint_count == TIMELINE_MAX_ENDPOINTS) {
		w->endpoints_cut = true;
		return;
	}
	w->endpoints[w->endpoint_count++] = (struct endpoint_entry){*addr, port, server};
}

int timeline_add_flow(struct timeline_writer *w, const struct track_flow_summary *flow)
{
	json_object *obj = timeline_flow_summary(flow);
	const char *text = json_object_to_json_string_ext(obj, JSON_FLAGS);

	if (fputs(text, w->flow_spool) == EOF || fputc('\n', w->flow_spool) == EOF)
		w->failed = true;
	json_object_put(obj);
	w->flows++;
	if (!w->endpoints_cut) {
		remember_endpoint(w, &flow->client_addr, flow->client_port, false);
		remember_endpoint(w, &flow->server_addr, flow->server_port, true);
	}
	return w->failed ? -SS_EIO : 0;
}

static json_object *source_json(const struct timeline_source *src)
{
	json_object *obj = json_object_new_object();

	json_object_object_add(obj, "kind", json_object_new_string(src->live ? "live" : "file"));
	json_object_object_add(obj, src->live ? "interface" : "path",
	                       json_object_new_string(src->name ? src->name : ""));
	json_object_object_add(obj, "linktype", json_object_new_string(src->linktype));
	json_object_object_add(obj, "snaplen", json_object_new_int(src->snaplen));
	json_object_object_add(obj, "filter",
	                       src->filter ? json_object_new_string(src->filter) : NULL);
	json_object_object_add(obj, "packets", json_object_new_int64((int64_t)src->packets));
	json_object_object_add(
	    obj, "received",
	    src->stats.known ? json_object_new_int64((int64_t)src->stats.received) : NULL);
	json_object_object_add(obj, "dropped",
	                       src->stats.known ? json_object_new_int64((int64_t)src->stats.dropped)
	                                        : NULL);
	json_object_object_add(
	    obj, "if_dropped",
	    src->stats.known ? json_object_new_int64((int64_t)src->stats.if_dropped) : NULL);
	return obj;
}

/* Clients are labelled "client", or "client 1", "client 2", ... when several. */
static json_object *endpoints_json(const struct timeline_writer *w)
{
	json_object *arr = json_object_new_array();
	size_t clients = 0, client_no = 0;

	for (size_t i = 0; i < w->endpoint_count; i++)
		clients += !w->endpoints[i].server;
	for (size_t i = 0; i < w->endpoint_count; i++) {
		const struct endpoint_entry *e = &w->endpoints[i];
		json_object *obj = timeline_json_endpoint(&e->addr, e->port, true);
		char label[32] = "server";
		if (!e->server)
			snprintf(label, sizeof label, clients > 1 ? "client %zu" : "client",
			         ++client_no);
		json_object_object_add(obj, "role",
		                       json_object_new_string(e->server ? "server" : "client"));
		json_object_object_add(obj, "label", json_object_new_string(label));
		json_object_array_add(arr, obj);
	}
	return arr;
}

static void copy_flow_spool(struct timeline_writer *w)
{
	char line[8192];
	bool start_of_line = true;
	uint64_t written = 0;

	rewind(w->flow_spool);
	while (fgets(line, sizeof line, w->flow_spool)) {
		if (start_of_line)
			fputs(written++ ? ",\n" : "\n", w->out);
		size_t n = strlen(line);
		start_of_line = n && line[n - 1] == '\n';
		if (start_of_line)
			line[n - 1] = '\0';
		fputs(line, w->out);
	}
	if (ferror(w->flow_spool))
		w->failed = true;
}

int timeline_finish(struct timeline_writer *w, const struct timeline_source *source)
{
	json_object *obj;
	int rc;

	flush_calls_until(w, 0, 0, true);
	fputs("\n],\n\"source\":", w->out);
	obj = source_json(source);
	write_object(w, obj);
	json_object_put(obj);
	fputs(",\n\"endpoints\":", w->out);
	obj = endpoints_json(w);
	write_object(w, obj);
	json_object_put(obj);
	if (w->endpoints_cut)
		fputs(",\n\"endpoints_cut\":true", w->out);
	fputs(",\n\"flows\":[", w->out);
	copy_flow_spool(w);
	fputs("\n]}\n", w->out);
	if (fflush(w->out) == EOF || ferror(w->out))
		w->failed = true;
	rc = w->failed ? -SS_EIO : 0;
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
