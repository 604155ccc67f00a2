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

struct timeline_kernel_state {
	struct timeline_kernel config;
	size_t next; /* next record to write */
	struct kernel_note *notes;
	size_t note_count, next_note;
};

void timeline_set_kernel(struct timeline_writer *w, const struct timeline_kernel *kernel,
                         const struct track_table *flows)
{
	struct timeline_kernel_state *k = calloc(1, sizeof *k);

	if (!k)
		return; /* no kernel events: the timeline itself is still whole */
	timeline_kernel_free(w);
	k->config = *kernel;
	k->notes = kernel_explain(kernel->records, kernel->count, &k->note_count);
	w->kernel = k;
	w->table = flows; /* shared with the calls: the same table names their flows */
}

void timeline_kernel_from_sampler(struct timeline_kernel *kernel,
                                  const struct kernel_sampler *sampler, unsigned interval_us)
{
	kernel->records = kernel_sampler_records(sampler, &kernel->count);
	kernel->status = kernel_sampler_status(sampler);
	kernel->interval_us = interval_us;
	kernel_sampler_cost(sampler, &kernel->samples, &kernel->sampling_seconds);
}

void timeline_kernel_free(struct timeline_writer *w)
{
	if (!w->kernel)
		return;
	free(w->kernel->notes);
	free(w->kernel);
	w->kernel = NULL;
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

static uint64_t record_flow(const struct timeline_writer *w, const struct kernel_record *rec)
{
	if (!w->table || rec->sock.state == KTCP_LISTEN)
		return 0;
	return track_find_flow(w->table, L4_TCP, &rec->sock.local, rec->sock.local_port,
	                       &rec->sock.remote, rec->sock.remote_port);
}

static void emit_socket(struct timeline_writer *w, const struct kernel_record *rec, double t)
{
	struct emitter *e = &w->events;
	const struct kernel_socket *s = &rec->sock;
	uint64_t flow = record_flow(w, rec);

	if (w->kernel->config.match_flows && flow == 0)
		return; /* capture -- CMD: only the sockets of the captured flows */
	emit_line_break(e);
	emit_begin_object(e);
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
	emit_end_object(e);
}

static void emit_counters(struct timeline_writer *w, const struct kernel_record *rec, double t)
{
	struct emitter *e = &w->events;

	emit_line_break(e);
	emit_begin_object(e);
	emit_kv_string(e, "kind", "counters");
	emit_kv_seconds(e, "t", t);
	timeline_emit_iso_time(w, rec->ts_sec, rec->ts_nsec);
	emit_key(e, "delta");
	emit_begin_object(e);
	for (size_t i = 0; i < rec->delta_count; i++)
		emit_kv_int(e, rec->deltas[i].name, rec->deltas[i].delta);
	emit_end_object(e);
	emit_end_object(e);
}

/* "%T" in a note's text becomes the relative time, in seconds. */
static void emit_note(struct timeline_writer *w, const struct kernel_note *note, double t)
{
	struct emitter *e = &w->events;
	char text[sizeof note->text + 32], when[32];
	const char *mark = strstr(note->text, "%T");

	snprintf(when, sizeof when, "%.3f s", t);
	if (mark)
		snprintf(text, sizeof text, "%.*s%s%s", (int)(mark - note->text), note->text, when,
		         mark + 2);
	else
		snprintf(text, sizeof text, "%s", note->text);
	emit_line_break(e);
	emit_begin_object(e);
	emit_kv_string(e, "kind", "note");
	emit_kv_seconds(e, "t", t);
	timeline_emit_iso_time(w, note->ts_sec, note->ts_nsec);
	emit_kv_string(e, "side", "kernel");
	emit_kv_string(e, "text", text);
	emit_kv_string(e, "evidence", "counters");
	emit_end_object(e);
}

static bool before(int64_t a_sec, uint32_t a_nsec, int64_t b_sec, uint32_t b_nsec)
{
	return a_sec < b_sec || (a_sec == b_sec && a_nsec < b_nsec);
}

void timeline_flush_kernel(struct timeline_writer *w, int64_t sec, uint32_t nsec, bool all)
{
	struct timeline_kernel_state *k = w->kernel;

	while (k && k->next < k->config.count) {
		const struct kernel_record *rec = &k->config.records[k->next];
		if (!all && before(sec, nsec, rec->ts_sec, rec->ts_nsec))
			break;
		double t = timeline_relative_time(w, rec->ts_sec, rec->ts_nsec);
		if (rec->kind == KREC_SOCKET)
			emit_socket(w, rec, t);
		else
			emit_counters(w, rec, t);
		while (k->next_note < k->note_count && k->notes[k->next_note].record == k->next)
			emit_note(w, &k->notes[k->next_note++], t);
		k->next++;
	}
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

void timeline_emit_kernel_source(struct emitter *e, const struct timeline_writer *w)
{
	const struct timeline_kernel *config = w->kernel ? &w->kernel->config : NULL;

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
