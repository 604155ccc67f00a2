/*
 * track.h - the flow table and per-connection analysis.
 *
 * Flows are keyed by the 5-tuple in canonical order.  The client is the side
 * that sent the first SYN, or the first packet seen when no SYN was.  The
 * table owns every flow; a flow that has closed (or idled out, see
 * docs/analysis.md) is summarised, handed to the caller's `on_flow_end`
 * callback and freed, so memory follows live flows, not packets.
 *
 * track_packet fills a caller-owned `struct track_result` describing the
 * packet in its connection's story; the result holds no pointers into the
 * table and stays valid after the flow is freed.
 */
#ifndef SOCKSCOPE_TRACK_H
#define SOCKSCOPE_TRACK_H

#include "sockscope/common.h"
#include "sockscope/decode.h"

enum track_dir { TRACK_C2S = 0, TRACK_S2C = 1 };

/* RFC 9293 §3.3.2 states, as inferred from the wire. */
enum track_tcp_state {
	TCPS_NONE = 0, /* not known (capture started mid-connection) */
	TCPS_CLOSED,
	TCPS_LISTEN,
	TCPS_SYN_SENT,
	TCPS_SYN_RECEIVED,
	TCPS_ESTABLISHED,
	TCPS_FIN_WAIT_1,
	TCPS_FIN_WAIT_2,
	TCPS_CLOSE_WAIT,
	TCPS_CLOSING,
	TCPS_LAST_ACK,
	TCPS_TIME_WAIT,
	TCPS_COUNT
};

/* Wireshark tcp.analysis.* flags: one bit each (docs/analysis.md). */
enum track_analysis {
	TA_RETRANSMISSION = 1u << 0,
	TA_FAST_RETRANSMISSION = 1u << 1,
	TA_SPURIOUS_RETRANSMISSION = 1u << 2,
	TA_OUT_OF_ORDER = 1u << 3,
	TA_LOST_SEGMENT = 1u << 4,
	TA_ACK_LOST_SEGMENT = 1u << 5,
	TA_DUPLICATE_ACK = 1u << 6,
	TA_ZERO_WINDOW = 1u << 7,
	TA_ZERO_WINDOW_PROBE = 1u << 8,
	TA_ZERO_WINDOW_PROBE_ACK = 1u << 9,
	TA_WINDOW_FULL = 1u << 10,
	TA_WINDOW_UPDATE = 1u << 11,
	TA_KEEP_ALIVE = 1u << 12,
	TA_KEEP_ALIVE_ACK = 1u << 13,
	TA_REUSED_PORTS = 1u << 14,
	TA_COUNT_FLAGS = 15
};

/* Which flow a packet belongs to and what it means there. */
struct track_result {
	uint64_t flow_id; /* 1-based, in order of first packet */
	enum track_dir dir;
	bool new_flow; /* this packet created the flow */
	enum decode_l4 proto;

	/* TCP, relative to each direction's initial sequence number */
	bool has_rel;
	uint32_t seq_rel, ack_rel, next_seq_rel;
	int64_t win_scaled; /* -1 when the scale is not known */
	uint8_t handshake;  /* 1, 2, 3 for SYN, SYN-ACK, ACK; 0 otherwise */
	enum track_tcp_state state_client, state_server; /* after this packet */
	uint32_t analysis;                               /* enum track_analysis bits */
	uint32_t dup_ack_num;                            /* with TA_DUPLICATE_ACK: 1, 2, ... */
	uint64_t dup_ack_frame;                          /* the frame it duplicates */
	uint64_t acks_frame;  /* the data segment this ACK covers, 0 if none */
	double ack_rtt;       /* seconds, with acks_frame */
	double handshake_rtt; /* seconds, on the 3rd handshake packet; <0 unknown */

	/* ICMP errors: the flow quoted (0 if none in the table) */
	uint64_t icmp_flow;
	/* UDP: 1-based index of this datagram in its direction; the request answered */
	uint64_t udp_index;
	uint64_t reply_to_frame;

	/* TCP: each side's state before this packet, to tell what it changed */
	enum track_tcp_state state_client_before, state_server_before;
};

/* A finished flow, as the summary in the timeline's `flows` array. */
struct track_flow_summary {
	uint64_t id;
	enum decode_l4 proto;
	struct ss_addr client_addr, server_addr;
	uint16_t client_port, server_port;
	uint64_t packets[2], bytes[2]; /* by enum track_dir; bytes are payload bytes */
	uint64_t first_frame, last_frame;
	double first_t, last_t;     /* seconds since the first packet of the trace */
	double handshake_rtt;       /* seconds; <0 unknown */
	uint32_t states_reached[2]; /* bit (1 << state) for each side */
	uint32_t analysis_counts[TA_COUNT_FLAGS];
	uint64_t icmp_errors;
	char conn_state[8]; /* Zeek: S0, S1, SF, REJ, ... */
	char history[32];   /* Zeek letters, e.g. "ShADadFf" */
	uint16_t mss[2];
	int8_t wscale[2]; /* -1 when not offered */
	bool sack_permitted, timestamps;
	enum track_tcp_state final_state[2]; /* TCP: each side's state at the end */
	char end_reason[16];                 /* "closed", "reset", "idle", "reused", "trace end" */
};

struct track_table;

typedef void (*track_flow_end_fn)(const struct track_flow_summary *flow, void *ctx);

struct track_table *track_create(track_flow_end_fn on_flow_end, void *ctx);
/* Ends every remaining flow (callback per flow, in id order) and frees the table. */
void track_destroy(struct track_table *table);

/*
 * Places one decoded packet.  `t` is seconds since the trace's first packet,
 * `frame` its 1-based index.  Packets with no IP layer get flow_id 0.
 * Returns 0 or -SS_ENOMEM.
 */
int track_packet(struct track_table *table, const struct packet *pkt, double t, uint64_t frame,
                 struct track_result *out);

/*
 * The id of the flow with this 5-tuple (either direction), or 0 when none is
 * live.  A flow ended recently is still found: the table remembers the keys of
 * the last TRACK_RECENT_ENDED ended flows, so a socket call logged just after
 * a connection's last packet can still name its flow.
 */
#define TRACK_RECENT_ENDED 64
uint64_t track_find_flow(const struct track_table *table, enum decode_l4 proto,
                         const struct ss_addr *a, uint16_t aport, const struct ss_addr *b,
                         uint16_t bport);

/* Number of flows currently held in memory. */
size_t track_live_flows(const struct track_table *table);

const char *track_state_name(enum track_tcp_state state);  /* "ESTABLISHED" */
const char *track_analysis_name(enum track_analysis flag); /* "duplicate_ack" */

#endif
