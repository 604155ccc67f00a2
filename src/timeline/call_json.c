/* call_json.c - socket API calls and notes as timeline events. */
#include "parts.h"

#include <errno.h>
#include <string.h>

static double call_duration(const struct demo_call *call)
{
	return (double)(call->ts_sec - call->start_sec) +
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

/*
 * A call read against the wire: a non-blocking connect() returns EINPROGRESS
 * without waiting, yet on loopback the whole handshake is often over by then.
 * Said only when the tracked state shows it (docs/timeline.md, `explain`).
 */
static void emit_call_reading(struct timeline_writer *w, const struct demo_call *call)
{
	enum track_tcp_state state;

	if (!w->table || call->err != EINPROGRESS || strcmp(call->call, "connect") != 0 ||
	    !call->has_tuple || call->proto != L4_TCP)
		return;
	state = track_tcp_state_of(w->table, &call->local, call->local_port, &call->peer,
	                           call->peer_port);
	if (state != TCPS_ESTABLISHED)
		return;
	emit_kv_string(&w->events, "explain",
	               "connect() returned EINPROGRESS, yet the wire shows the handshake (SYN, "
	               "SYN-ACK, ACK) already complete: on loopback the kernel finishes it before "
	               "connect() returns. A non-blocking connect() never waits, so it still says "
	               "EINPROGRESS; poll() for POLLOUT then reports the connection ready.");
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
	emit_call_reading(w, call);
	emit_end_object(e);
}
