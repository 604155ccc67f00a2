/* call_json.c - socket API calls and notes as timeline events. */
#include "parts.h"

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

void timeline_emit_call(struct timeline_writer *w, const struct demo_call *call, double t,
                        uint64_t flow)
{
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
	emit_end_object(e);
}
