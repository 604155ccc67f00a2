/* call_json.c - socket API calls and notes as timeline events. */
#include "parts.h"

#include <string.h>

static void add(json_object *obj, const char *key, json_object *value)
{
	json_object_object_add(obj, key, value);
}

static json_object *note_event(const struct demo_call *call, double t)
{
	json_object *ev = json_object_new_object();
	add(ev, "kind", json_object_new_string("note"));
	add(ev, "t", timeline_json_fixed(t, 6));
	add(ev, "ts", timeline_json_iso_time(call->ts_sec, call->ts_nsec));
	add(ev, "side", json_object_new_string(call->side));
	add(ev, "text", json_object_new_string(call->args));
	return ev;
}

static double call_duration(const struct demo_call *call)
{
	return (double)(call->ts_sec - call->start_sec) +
	       ((double)call->ts_nsec - (double)call->start_nsec) / 1e9;
}

json_object *timeline_call_event(const struct demo_call *call, double t, uint64_t flow)
{
	if (strcmp(call->call, "note") == 0)
		return note_event(call, t);

	json_object *ev = json_object_new_object();
	const char *err_name = call->err ? strerrorname_np(call->err) : NULL;

	add(ev, "kind", json_object_new_string("app"));
	add(ev, "t", timeline_json_fixed(t, 6));
	add(ev, "ts", timeline_json_iso_time(call->ts_sec, call->ts_nsec));
	add(ev, "side", json_object_new_string(call->side));
	add(ev, "call", json_object_new_string(call->call));
	add(ev, "args", json_object_new_string(call->args));
	add(ev, "ret", json_object_new_int64(call->ret));
	add(ev, "errno", err_name ? json_object_new_string(err_name) : NULL);
	if (call->err)
		add(ev, "error", json_object_new_string(strerror(call->err)));
	add(ev, "duration", timeline_json_fixed(call_duration(call), 6));
	add(ev, "flow", timeline_json_flow_id(flow));
	return ev;
}
