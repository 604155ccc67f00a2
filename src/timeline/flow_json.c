/* flow_json.c - one entry of the timeline's `flows` array. */
#include "parts.h"

static void add(json_object *obj, const char *key, json_object *value)
{
	json_object_object_add(obj, key, value);
}

static json_object *states_json(uint32_t reached)
{
	json_object *arr = json_object_new_array();
	/* in the order of a connection's life: CLOSED is where it ends */
	for (int s = TCPS_CLOSED + 1; s <= TCPS_COUNT; s++) {
		int state = s == TCPS_COUNT ? TCPS_CLOSED : s;
		if (reached & (1u << state))
			json_object_array_add(arr, json_object_new_string(track_state_name(
			                               (enum track_tcp_state)state)));
	}
	return arr;
}

static json_object *analysis_counts_json(const struct track_flow_summary *flow)
{
	json_object *obj = json_object_new_object();
	for (unsigned bit = 0; bit < TA_COUNT_FLAGS; bit++)
		if (flow->analysis_counts[bit])
			add(obj, track_analysis_name((enum track_analysis)(1u << bit)),
			    json_object_new_int64(flow->analysis_counts[bit]));
	return obj;
}

static json_object *tcp_summary_json(const struct track_flow_summary *flow)
{
	json_object *obj = json_object_new_object();

	add(obj, "mss_client", flow->mss[0] ? json_object_new_int(flow->mss[0]) : NULL);
	add(obj, "mss_server", flow->mss[1] ? json_object_new_int(flow->mss[1]) : NULL);
	add(obj, "wscale_client",
	    flow->wscale[0] >= 0 ? json_object_new_int(flow->wscale[0]) : NULL);
	add(obj, "wscale_server",
	    flow->wscale[1] >= 0 ? json_object_new_int(flow->wscale[1]) : NULL);
	add(obj, "sack_permitted", json_object_new_boolean(flow->sack_permitted));
	add(obj, "timestamps", json_object_new_boolean(flow->timestamps));
	return obj;
}

json_object *timeline_flow_summary(const struct track_flow_summary *flow)
{
	json_object *obj = json_object_new_object();
	bool ports = flow->proto == L4_TCP || flow->proto == L4_UDP;

	add(obj, "id", json_object_new_int64((int64_t)flow->id));
	add(obj, "proto", json_object_new_string(timeline_proto_name(flow->proto)));
	add(obj, "client", timeline_json_endpoint(&flow->client_addr, flow->client_port, ports));
	add(obj, "server", timeline_json_endpoint(&flow->server_addr, flow->server_port, ports));
	add(obj, "packets", json_object_new_int64((int64_t)(flow->packets[0] + flow->packets[1])));
	add(obj, "bytes", json_object_new_int64((int64_t)(flow->bytes[0] + flow->bytes[1])));
	add(obj, "packets_c2s", json_object_new_int64((int64_t)flow->packets[TRACK_C2S]));
	add(obj, "packets_s2c", json_object_new_int64((int64_t)flow->packets[TRACK_S2C]));
	add(obj, "bytes_c2s", json_object_new_int64((int64_t)flow->bytes[TRACK_C2S]));
	add(obj, "bytes_s2c", json_object_new_int64((int64_t)flow->bytes[TRACK_S2C]));
	add(obj, "first_frame", json_object_new_int64((int64_t)flow->first_frame));
	add(obj, "last_frame", json_object_new_int64((int64_t)flow->last_frame));
	add(obj, "first_t", timeline_json_fixed(flow->first_t, 6));
	add(obj, "last_t", timeline_json_fixed(flow->last_t, 6));
	add(obj, "handshake_rtt",
	    flow->handshake_rtt >= 0 ? timeline_json_fixed(flow->handshake_rtt, 6) : NULL);
	if (flow->proto == L4_TCP) {
		json_object *states = json_object_new_object();
		add(states, "client", states_json(flow->states_reached[TRACK_C2S]));
		add(states, "server", states_json(flow->states_reached[TRACK_S2C]));
		add(obj, "states", states);
		add(obj, "tcp", tcp_summary_json(flow));
	}
	add(obj, "conn_state", json_object_new_string(flow->conn_state));
	add(obj, "history", json_object_new_string(flow->history));
	add(obj, "analysis", analysis_counts_json(flow));
	add(obj, "icmp_errors", json_object_new_int64((int64_t)flow->icmp_errors));
	char narrative[1024];
	annotate_flow(flow, narrative, sizeof narrative);
	add(obj, "narrative", json_object_new_string(narrative));
	return obj;
}
