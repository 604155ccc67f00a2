/* call_json.c - socket API calls and notes as timeline events. */
#include "parts.h"

#include <errno.h>
#include <string.h>

static double call_duration(const struct demo_call *call)
{
	return ((double)call->ts_sec - (double)call->start_sec) + /* no int64 overflow */
	       ((double)call->ts_nsec - (double)call->start_nsec) / 1e9;
}

static void emit_call_fields(struct emitter *e, const struct demo_call *call, uint64_t flow)
{
	const char *err_name = call->err ? strerrorname_np(call->err) : NULL;

	emit_kv_string(e, "call", call->call);
	emit_kv_string(e, "args", call->args);
	emit_kv_int(e, "ret", call->ret);
	emit_key(e, "errno");
	if (err_name)
		emit_string(e, err_name);
	else
		emit_null(e);
	if (call->err)
		emit_kv_string(e, "error", strerror(call->err));
	emit_kv_seconds(e, "duration", call_duration(call));
	timeline_emit_flow_id(e, "flow", flow);
}

/* Who made a traced program's call, and on which socket (a demo's calls have pid 0). */
static void emit_process_fields(struct emitter *e, const struct demo_call *call)
{
	emit_kv_int(e, "pid", call->pid);
	emit_kv_int(e, "tid", call->tid);
	emit_kv_string(e, "comm", call->comm);
	emit_kv_int_or_null(e, "fd", call->fd >= 0, call->fd);
	if (call->local.family)
		timeline_emit_endpoint(e, "local", &call->local, call->local_port, true);
	if (call->peer.family)
		timeline_emit_endpoint(e, "remote", &call->peer, call->peer_port, true);
}

void timeline_emit_call(struct timeline_writer *w, const struct timeline_call *c)
{
	const struct demo_call *call = c->call;
	double t = c->t;
	uint64_t flow = c->flow;
	struct emitter *e = &w->events;
	bool note = strcmp(call->call, "note") == 0;

	emit_begin_object(e);
	emit_kv_string(e, "kind", note ? "note" : "app");
	emit_kv_seconds(e, "t", t);
	timeline_emit_iso_time(w, call->ts_sec, call->ts_nsec);
	emit_kv_string(e, "side", call->side);
	if (note)
		emit_kv_string(e, "text", call->args);
	else
		emit_call_fields(e, call, flow);
	if (!note && call->pid)
		emit_process_fields(e, call);
	if (c->explain)
		emit_kv_string(e, "explain", c->explain);
	emit_end_object(e);
}
