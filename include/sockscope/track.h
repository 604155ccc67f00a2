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

/* RFC 9293 §3.3.2 states, as inferred from the wire.  UNKNOWN is what the wire
 * cannot tell (the capture began mid-connection, or a SYN went unanswered):
 * never guessed. */
enum track_tcp_state {
	TCPS_UNKNOWN = 0,
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

/*
 * Why a segment was sent again (docs/analysis.md, "Causes"):
 * RTO   the retransmission timer expired (no duplicate ACK asked for it);
 * FAST  the receiver's duplicate ACKs (or SACK blocks) asked for exactly it;
 * TLP   Linux's tail-loss probe: the last segment resent about 2 SRTT after it,
 *       sooner than any RTO (200 ms minimum) and with no duplicate ACK;
 * SYN   a SYN or SYN-ACK resent by the SYN timer (1 s initial on Linux, doubling);
 * SPURIOUS  the receiver had already acknowledged it (nothing was missing);
 * SIMULTANEOUS_OPEN  not a resend: the SYN-ACK of a simultaneous open repeats
 *           its side's SYN, as RFC 9293 §3.5 requires (Wireshark flags it);
 * UNKNOWN   the wire does not tell.
 */
enum track_cause {
	TRACK_CAUSE_NONE = 0,
	TRACK_CAUSE_RTO,
	TRACK_CAUSE_FAST,
	TRACK_CAUSE_TLP,
	TRACK_CAUSE_SYN,
	TRACK_CAUSE_SPURIOUS,
	TRACK_CAUSE_SIMULTANEOUS_OPEN,
	TRACK_CAUSE_UNKNOWN
};

/* The evidence behind one analysis flag: `frame` is the frame it refers to (the
 * original of a resend, the ACK a duplicate repeats, the probe a probe ACK
 * answers, ...), 0 when none was seen. */
struct track_analysis_detail {
	uint64_t frame;
	enum track_cause cause; /* resends only */
	double after;           /* seconds since `frame`; resends only */
	double backoff;         /* SYN resends: seconds since the previous send of that SYN */
	uint32_t num;           /* duplicate ACKs: 1, 2, ...; SYN resends: the resend count */
	bool timer;             /* cause unknown, but a timer fired: the retransmission
	                         * timer or Linux's tail loss probe, which the wire cannot
	                         * tell apart (a lone last segment, resent after >= 200 ms) */
};

/*
 * The listening socket a SYN asks for (its own entity: LISTEN belongs to it,
 * never to the connection).  CALLED: listen() in the call log; INFERRED: a
 * SYN-ACK came back, so something listens; NONE: a RST answered the SYN, so no
 * socket listens; UNKNOWN: the wire does not tell (an unanswered SYN).
 */
enum track_listener {
	TRACK_LISTENER_UNKNOWN = 0,
	TRACK_LISTENER_CALLED,
	TRACK_LISTENER_INFERRED,
	TRACK_LISTENER_NONE
};

/* Socket calls that change what a packet means, fed from the call log before
 * the packets that follow them (track_note_call). */
enum track_call {
	TRACK_CALL_NONE = 0,
	TRACK_CALL_LISTEN,       /* listen(): the local address is a listener */
	TRACK_CALL_SHUTDOWN_WR,  /* shutdown(SHUT_WR): half-close, still receives */
	TRACK_CALL_CLOSE,        /* close(): no more sending or receiving */
	TRACK_CALL_LINGER_ZERO,  /* setsockopt(SO_LINGER {1, 0}): close() will abort */
	TRACK_CALL_ABORT         /* close() after SO_LINGER {1, 0}: a RST, no TIME_WAIT */
};

/* From where the capture saw a handshake: decides what its gaps measure. */
enum track_vantage {
	TRACK_VANTAGE_UNKNOWN = 0,
	TRACK_VANTAGE_LOOPBACK, /* both ends on this host: every gap is local work */
	TRACK_VANTAGE_CLIENT,   /* near the client: SYN -> SYN-ACK is the path RTT */
	TRACK_VANTAGE_SERVER,   /* near the server: SYN -> SYN-ACK is local turnaround */
	TRACK_VANTAGE_MIDDLE
};

/* What an ACK number reaches in the peer's sequence space: SYN and FIN take one
 * sequence number each and are not bytes. */
enum track_ack_covers {
	TRACK_ACK_NO_BASE = 0, /* the peer's SYN was not seen: its numbering is a guess */
	TRACK_ACK_SYN,         /* exactly the peer's SYN: no data yet */
	TRACK_ACK_DATA,        /* data bytes up to ack - 1 */
	TRACK_ACK_FIN          /* everything up to and including the peer's FIN */
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
	struct track_analysis_detail detail[TA_COUNT_FLAGS]; /* by flag bit, for set flags */
	uint64_t acks_frame;  /* the data segment this ACK covers, 0 if none */
	double ack_rtt;       /* seconds, with acks_frame */
	double handshake_rtt; /* seconds, on the 3rd handshake packet; <0 unknown */
	/* RFC 6298 §3 (Karn): the ACK covers a segment sent more than once, so no RTT */
	uint64_t karn_frame; /* the resent segment, 0 if none */
	bool delayed_ack;    /* a pure ACK ~40 ms after the data, nothing sent between */
	enum track_vantage vantage; /* on the 3rd handshake packet */
	double syn_gap, synack_gap; /* the handshake's two gaps (SYN->SYN-ACK, SYN-ACK->ACK) */

	/* RFC 2883 D-SACK: a SACK block below the ACK or inside another block */
	bool dsack;
	uint32_t dsack_left_rel, dsack_right_rel; /* the duplicate range, relative */
	uint64_t dsack_frame; /* the latest resend it names as unneeded, 0 if none */
	/* SACK: the first block beyond the ACK (what the receiver holds past the gap) */
	bool sack;
	uint32_t sack_left_rel, sack_right_rel;

	/* the listening socket this connection's SYN asked for */
	enum track_listener listener;
	uint16_t listener_port;
	/* states passed through within this packet (simultaneous open), UNKNOWN if none */
	enum track_tcp_state via_client, via_server;
	bool fin_crossed; /* simultaneous close: this FIN was sent before the peer's arrived */
	/* the last call of each side's socket before this packet (track_note_call) */
	enum track_call sender_call, receiver_call;
	/* a RST from a side that had sent its FIN (fin_frame), answering the peer's
	 * data that came after it (data_frame): that socket takes no more data */
	uint64_t rst_fin_frame, rst_data_frame;
	uint64_t syn_data_len; /* TFO: data carried by a SYN */
	/* what the ACK number covers in the peer's sequence space (RFC 9293 §3.4) */
	enum track_ack_covers ack_covers;

	/* ICMP errors: the flow quoted (0 if none in the table) */
	uint64_t icmp_flow;
	/* UDP: 1-based index of this datagram in its direction; the request answered */
	uint64_t udp_index;
	uint64_t reply_to_frame;
	uint64_t udp_resend_of; /* the same bytes sent before, still unanswered: an app resend */

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
	uint64_t resent_bytes[2];      /* payload bytes sent again (part of bytes) */
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
	enum track_listener listener;        /* TCP: the listening socket the SYN asked for */
	bool fin_crossed;                    /* TCP: simultaneous close */
	bool abort_call;                     /* TCP: a side closed with SO_LINGER {1, 0} */
	uint32_t syn_resends;                /* TCP: SYNs (or SYN-ACKs) resent by the SYN timer */
	uint64_t syn_unanswered_frame;       /* the first SYN of those, which got no answer */
	double syn_last_backoff;             /* seconds between the last two sends of it */
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

/*
 * A socket call from the call log, fed before the packets that follow its
 * start.  `local` is the socket's own address; `peer` is set for connected
 * sockets (has_peer).  LISTEN marks local:port as listening; the others are
 * remembered on the side of the flow whose endpoint is `local`.
 */
struct track_call_info {
	enum track_call call;
	enum decode_l4 proto;
	struct ss_addr local, peer;
	uint16_t local_port, peer_port;
	bool has_peer;
};
void track_note_call(struct track_table *table, const struct track_call_info *call);

/*
 * The RFC 9293 state of the TCP endpoint `local` in its live flow with `peer`,
 * as the wire has shown it so far; TCPS_UNKNOWN when no such flow is live.
 * Lets a socket call be read against the wire (a connect() that returns
 * EINPROGRESS after its handshake already finished, on loopback).
 */
enum track_tcp_state track_tcp_state_of(const struct track_table *table, const struct ss_addr *local,
                                        uint16_t local_port, const struct ss_addr *peer,
                                        uint16_t peer_port);

/* Number of flows currently held in memory. */
size_t track_live_flows(const struct track_table *table);

const char *track_state_name(enum track_tcp_state state);  /* "ESTABLISHED" */
const char *track_analysis_name(enum track_analysis flag); /* "duplicate_ack" */
const char *track_cause_name(enum track_cause cause);       /* "rto", "fast", ... */
const char *track_listener_name(enum track_listener l);     /* "LISTEN", "CLOSED", "UNKNOWN" */

#endif
