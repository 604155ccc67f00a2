/*
 * parts.h - the timeline module's private builders: one function per piece
 * of the document, each returning a new json-c object the caller owns.
 */
#ifndef SOCKSCOPE_TIMELINE_PARTS_H
#define SOCKSCOPE_TIMELINE_PARTS_H

#include <json-c/json.h>

#include "sockscope/timeline.h"

/* A double written with exactly `decimals` digits after the point. */
json_object *timeline_json_fixed(double value, int decimals);
/* {"addr": "...", "port": N}; port omitted when has_port is false. */
json_object *timeline_json_endpoint(const struct ss_addr *addr, uint16_t port, bool has_port);
/* "2026-11-27T08:00:00.123456Z" */
json_object *timeline_json_iso_time(int64_t sec, uint32_t nsec);
/* A flow id, or null for 0. */
json_object *timeline_json_flow_id(uint64_t id);
const char *timeline_proto_name(enum decode_l4 proto);

json_object *timeline_packet_event(const struct timeline_packet *p, double t);
json_object *timeline_call_event(const struct demo_call *call, double t, uint64_t flow);
json_object *timeline_flow_summary(const struct track_flow_summary *flow);

#endif
