/*
 * kernel_json.c - the kernel's records as timeline events: `kernel` (one
 * socket as sock_diag saw it), `counters` (the deltas of /proc/net counters)
 * and the `note` events that cite them; plus what `source` says about them.
 * The writer merges them by time with packets and calls (docs/timeline.md).
 */
#include "parts.h"
#include "sockscope/kernel.h"

#include <stdlib.h>
#include <string.h>

void timeline_kernel_from_sampler(struct timeline_kernel *kernel,
                                  const struct kernel_sampler *sampler, unsigned interval_us)
{
	kernel->records = kernel_sampler_records(sampler, &kernel->count);
	kernel->status = kernel_sampler_status(sampler);
	kernel->interval_us = interval_us;
	kernel_sampler_cost(sampler, &kernel->samples, &kernel->sampling_seconds);
}

/* Times in microseconds in tcp_info are written in seconds, like every time in the timeline. */
static bool is_microseconds(size_t field)
{
	return field == KTI_RTO || field == KTI_RTT || field == KTI_RTTVAR ||
	       field == KTI_BUSY_TIME || field == KTI_RWND_LIMITED || field == KTI_SNDBUF_LIMITED;
}

static void emit_tcp_info(struct emitter *e, const struct kernel_tcpi *info)
{
	emit_key(e, "tcp_info");
	emit_begin_object(e);
	for (size_t i = 0; i < KTI_FIELD_COUNT; i++) {
		const char *name = kernel_tcpi_names[i];
		uint64_t v = info->value[i];
		if (!(info->known & (1u << i))) {
			emit_key(e, name);
			emit_null(e);
		} else if (i == KTI_STATE) {
			emit_kv_string(e, name, kernel_tcp_state_name((unsigned)v));
		} else if (i == KTI_CA_STATE) {
			emit_kv_string(e, name, kernel_ca_state_name((unsigned)v));
		} else if (is_microseconds(i)) {
			emit_kv_seconds(e, name, (double)v / 1e6);
		} else {
			emit_kv_int(e, name, v > INT64_MAX ? INT64_MAX : (int64_t)v);
		}
	}
	emit_end_object(e);
}

static void emit_queue(struct emitter *e, const struct kernel_socket *s)
{
	emit_key(e, "queue");
	emit_begin_object(e);
	if (s->state == KTCP_LISTEN) {
		emit_kv_int(e, "accept", s->rqueue);
		emit_kv_int(e, "backlog", s->wqueue);
	} else {
		emit_kv_int(e, "recv", s->rqueue);
		emit_kv_int(e, "send", s->wqueue);
	}
	emit_end_object(e);
	if (!s->has_mem)
		return;
	emit_key(e, "mem");
	emit_begin_object(e);
	emit_kv_int(e, "rmem_alloc", s->rmem_alloc);
	emit_kv_int(e, "rcvbuf", s->rcvbuf);
	emit_kv_int(e, "wmem_queued", s->wmem_queued);
	emit_kv_int(e, "sndbuf", s->sndbuf);
	emit_end_object(e);
}

/* Before an event: the separator of the json document; after it: jsonl's end of line. */
static void begin_event(struct timeline_writer *w, bool lines)
{
	if (!lines)
		emit_line_break(&w->events);
	emit_begin_object(&w->events);
}

static void end_event(struct timeline_writer *w, bool lines)
{
	emit_end_object(&w->events);
	if (lines) {
		emit_end_line(&w->events);
		w->event_count++;
	}
}

static void emit_socket(struct timeline_writer *w, const struct kernel_record *rec, double t,
                        uint64_t flow, bool lines)
{
	struct emitter *e = &w->events;
	const struct kernel_socket *s = &rec->sock;

	begin_event(w, lines);
	emit_kv_string(e, "kind", "kernel");
	emit_kv_seconds(e, "t", t);
	timeline_emit_iso_time(w, rec->ts_sec, rec->ts_nsec);
	timeline_emit_flow_id(e, "flow", flow);
	emit_kv_string(e, "side", kernel_record_side(rec));
	emit_kv_string(e, "state", kernel_tcp_state_name(s->state));
	timeline_emit_endpoint(e, "local", &s->local, s->local_port, true);
	timeline_emit_endpoint(e, "remote", &s->remote, s->remote_port, true);
	if (s->has_info) {
		emit_tcp_info(e, &s->info);
	} else {
		emit_key(e, "tcp_info");
		emit_null(e); /* TIME_WAIT and NEW_SYN_RECV sockets have none */
	}
	emit_queue(e, s);
	end_event(w, lines);
}

static void emit_counters(struct timeline_writer *w, const struct kernel_record *rec, double t,
                          bool lines)
{
	struct emitter *e = &w->events;

	begin_event(w, lines);
	emit_kv_string(e, "kind", "counters");
	emit_kv_seconds(e, "t", t);
	timeline_emit_iso_time(w, rec->ts_sec, rec->ts_nsec);
	emit_key(e, "delta");
	emit_begin_object(e);
	for (size_t i = 0; i < rec->delta_count; i++)
		emit_kv_int(e, rec->deltas[i].name, rec->deltas[i].delta);
	emit_end_object(e);
	end_event(w, lines);
}

/* "%T" in a note's text becomes the relative time, in seconds. */
void timeline_kernel_note_text(const struct kernel_note *note, double t, char *text, size_t size)
{
	char when[32];
	const char *mark = strstr(note->text, "%T");

	snprintf(when, sizeof when, "%.3f s", t);
	if (mark)
		snprintf(text, size, "%.*s%s%s", (int)(mark - note->text), note->text, when,
		         mark + 2);
	else
		snprintf(text, size, "%s", note->text);
}

static void emit_note(struct timeline_writer *w, const struct kernel_note *note, double t,
                      bool lines)
{
	struct emitter *e = &w->events;
	char text[sizeof note->text + 32];

	timeline_kernel_note_text(note, t, text, sizeof text);
	begin_event(w, lines);
	emit_kv_string(e, "kind", "note");
	emit_kv_seconds(e, "t", t);
	timeline_emit_iso_time(w, note->ts_sec, note->ts_nsec);
	emit_kv_string(e, "side", "kernel");
	emit_kv_string(e, "text", text);
	emit_kv_string(e, "evidence", "counters");
	end_event(w, lines);
}

void timeline_emit_kernel(struct timeline_writer *w, const struct timeline_kernel_event *k,
                          bool lines)
{
	const struct kernel_record *rec = k->record;

	if (rec && rec->kind != KREC_SOCKET)
		emit_counters(w, rec, k->t, lines);
	else if (rec)
		emit_socket(w, rec, k->t, k->flow, lines);
	for (size_t i = 0; i < k->note_count; i++)
		emit_note(w, &k->notes[i], k->t, lines);
}

static bool listed(const char **names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/* The glossary entries of the counters that moved: the page explains them from here. */
static void emit_glossary(struct emitter *e, const struct timeline_kernel *config)
{
	const char **names = NULL;
	size_t n = 0;

	emit_key(e, "counters_glossary");
	emit_begin_object(e);
	for (size_t i = 0; i < config->count; i++) {
		const struct kernel_record *rec = &config->records[i];
		for (size_t j = 0; j < rec->delta_count; j++) {
			const char *name = rec->deltas[j].name,
			           *text = kernel_counter_explain(name);
			if (!text || listed(names, n, name))
				continue;
			const char **more = realloc(names, (n + 1) * sizeof *names);
			if (!more)
				break;
			names = more;
			names[n++] = name;
			emit_kv_string(e, name, text);
		}
	}
	emit_end_object(e);
	free(names);
}

void timeline_emit_kernel_source(struct emitter *e, const struct timeline_kernel *config)
{
	if (!config)
		return;
	emit_kv_string(e, "counters_scope", config->scope);
	emit_key(e, "kernel");
	emit_begin_object(e);
	emit_kv_string(e, "sock_diag", config->status && *config->status ? "unavailable" : "ok");
	if (config->status && *config->status)
		emit_kv_string(e, "note", config->status);
	emit_kv_seconds(e, "interval", config->interval_us / 1e6);
	emit_kv_int(e, "samples", (int64_t)config->samples);
	emit_kv_seconds(e, "sampling_time", config->sampling_seconds);
	emit_kv_int(e, "records", (int64_t)config->count);
	emit_end_object(e);
	emit_glossary(e, config);
}
