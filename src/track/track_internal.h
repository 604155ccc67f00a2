/*
 * track_internal.h - the flow table's private structures, shared by the
 * files of src/track/ (one concern each: flow_table.c, tcp_state.c,
 * tcp_analysis.c, zeek.c, udp_icmp.c, names.c).  Nothing here is visible
 * outside the module.
 *
 * Ownership: the table owns every struct flow; a flow is allocated when its
 * first packet arrives and freed right after its summary went to the
 * on_flow_end callback.  No allocation happens per packet otherwise.
 */
#ifndef SOCKSCOPE_TRACK_INTERNAL_H
#define SOCKSCOPE_TRACK_INTERNAL_H

#include "sockscope/track.h"

/* Expiry policy (docs/analysis.md, "Flow life and expiry"), in trace seconds. */
#define TRACK_CLOSED_GRACE 2.0    /* a closed TCP flow ends after this long without packets */
#define TRACK_TCP_IDLE     7200.0 /* an open TCP flow ends after this long without packets */
#define TRACK_OTHER_IDLE   60.0   /* UDP, ICMP and other flows (Zeek's udp_inactivity_timeout) */
/* At most this many flows are held: past it the least recently seen one ends, so a trace with
 * a million connections in a minute still fits in a few tens of MB (docs/analysis.md). */
#define TRACK_MAX_LIVE_FLOWS  16384
#define TRACK_MAX_UNACKED     32 /* data segments remembered per direction for ack_rtt */
#define TRACK_SENT_HISTORY    64 /* first sends remembered per direction, to name originals */
#define TRACK_MAX_LISTENERS   16 /* listen() calls remembered */
#define TRACK_INITIAL_BUCKETS 64

/* Wireshark 4.0 thresholds (packet-tcp.c, tcp_analyze_sequence_number). */
#define TCPA_FAST_RETRANS_WINDOW   0.020 /* fast retransmission within 20 ms of the dup ACK */
#define TCPA_OOO_DEFAULT_THRESHOLD 0.003 /* out-of-order within 3 ms when no iRTT is known */

/* Linux's timers (include/net/tcp.h), used to name causes, never to set flags. */
#define LINUX_RTO_MIN    0.200 /* TCP_RTO_MIN: no retransmission timer fires sooner */
#define LINUX_DELACK_MIN 0.040 /* TCP_DELACK_MIN: the delayed-ACK timer's shortest wait */
#define LINUX_DELACK_MAX 0.200 /* TCP_DELACK_MAX */

/* Which sub-kind of a protocol a key names: ICMP echo and errors are separate flows. */
enum flow_kind { FLOW_PLAIN = 0, FLOW_ICMP_ECHO, FLOW_ICMP_OTHER };

/* The 5-tuple in canonical order: (a, aport) <= (b, bport). */
struct flow_key {
	uint8_t proto; /* enum decode_l4 */
	uint8_t kind;  /* enum flow_kind */
	uint16_t aport, bport;
	struct ss_addr a, b;
	/* the innermost tunnel id (VNI, GRE key, PPPoE session) and its
	 * enum encap_kind: tenants with equal inner addresses stay apart */
	uint32_t tunnel_id;
	uint8_t tunnel_kind;
};

/* Zeek's endpoint states (TCP_ENDPOINT_*), the input to conn_state. */
enum zeek_endpoint {
	ZEEK_INACTIVE = 0,
	ZEEK_SYN_SENT,
	ZEEK_SYN_ACK_SENT,
	ZEEK_PARTIAL,
	ZEEK_ESTABLISHED,
	ZEEK_CLOSED,
	ZEEK_RESET
};

/* A data segment (or SYN/FIN) waiting for its ACK. */
struct unacked_seg {
	uint64_t frame;
	uint32_t seq, nextseq; /* absolute */
	double t;
	bool resent; /* sent more than once: RFC 6298 §3 (Karn) forbids timing its ACK */
};

/* A range of sequence space as first sent, and how often it was sent. */
struct sent_seg {
	uint64_t first_frame, last_frame;
	uint32_t seq, nextseq; /* absolute */
	double first_t, last_t;
	uint32_t sends;
};

/* One direction of a TCP connection: the sender's side of the story. */
struct tcp_dir {
	enum track_tcp_state state;
	enum zeek_endpoint zeek;
	bool base_set, syn_seen, synack_seen, fin_seen, fin_acked, rst_seen;
	uint32_t base, fin_next; /* fin_next: sequence number after the FIN */

	/* options from this side's SYN */
	uint16_t mss;
	int8_t wscale; /* offered shift, -1 when not offered or not seen */
	int win_scale; /* as Wireshark: -1 unknown, -2 no scaling, >= 0 shift */
	bool sack_permitted, timestamps;

	/* Wireshark's tcp_analyze_seq_info, updated once per packet */
	bool have_nextseq, have_maxseq, have_lastack, have_window;
	uint32_t nextseq, maxseqtobeacked, lastack, window;
	int64_t window_bytes; /* last advertised window in bytes (SYN: unscaled) */
	double nextseq_t, lastack_t;
	uint64_t nextseq_frame, lastnondupack;
	int dupacknum;
	uint32_t lastsegmentflags;

	struct unacked_seg unacked[TRACK_MAX_UNACKED];
	unsigned unacked_count;

	/* evidence for analysis_detail (tcp_detail.c) */
	struct sent_seg sent[TRACK_SENT_HISTORY]; /* ring, newest at sent_pos - 1 */
	unsigned sent_pos, sent_count;
	uint32_t sent_high; /* the end of the highest range remembered */
	uint64_t last_frame, probe_frame, keepalive_frame, zero_window_frame;
	uint64_t fin_frame; /* the frame of this side's first FIN, 0 before it */
	double last_t;
	bool bare_syn_sent;   /* this side sent a SYN without ACK */
	bool got_bare_syn;    /* this side (as receiver) took the peer's bare SYN */
	uint32_t sack_ack, sack_dupacks; /* pure ACKs with SACK blocks at ack number sack_ack */
	enum track_call last_call;

	/* Zeek history: letters already logged, and counters for repeating ones */
	uint32_t history_seen; /* bit per letter index (zeek.c) */
	uint32_t retrans_count, zero_window_count, gap_count;
};

struct tcp_conn {
	struct tcp_dir dir[2]; /* by enum track_dir */
	bool syn_time_set;     /* a SYN without ACK was seen: Wireshark's ts_mru_syn */
	double syn_time;
	bool irtt_set;
	double irtt;            /* Wireshark's ts_first_rtt */
	uint8_t handshake_next; /* the handshake step the next packet may be: 1, 2, 3, done 4 */
	bool closed;            /* both FINs acked, or a RST seen */
	double closed_t;
	double synack_t; /* when the first SYN-ACK was seen, for the handshake's vantage */
	bool synack_time_set;
	enum track_listener listener;
};

struct udp_pairing {
	uint64_t index[2];         /* datagrams so far per direction */
	uint64_t unanswered_frame; /* latest c2s datagram not yet answered, 0 if none */
	uint64_t last_frame[2];    /* each direction's latest datagram */
	uint64_t last_hash[2];     /* and its payload's hash, to tell an application resend */
};

enum expiry_class { EXPIRY_CLOSED = 0, EXPIRY_TCP_OPEN, EXPIRY_OTHER, EXPIRY_CLASSES };

struct flow {
	struct flow_key key;
	uint8_t client_is_b; /* 1 when the client is the key's b side */
	struct track_flow_summary sum;
	struct tcp_conn *tcp; /* TCP flows only; allocated with the flow */
	struct udp_pairing udp;
	double last_seen;
	enum expiry_class expiry;
	struct flow *hash_next;
	struct flow *lru_prev, *lru_next; /* in the list of its expiry class */
};

struct ended_key {
	struct flow_key key;
	uint8_t client_is_b;
	uint64_t id, last_frame;
};

struct lru_list {
	struct flow *head, *tail; /* head = least recently seen */
};

struct track_table {
	track_flow_end_fn on_flow_end;
	void *ctx;
	struct flow **buckets;
	size_t bucket_count, live;
	uint64_t next_id;
	struct lru_list lists[EXPIRY_CLASSES];
	struct ended_key ended[TRACK_RECENT_ENDED]; /* ring, newest at ended_pos - 1 */
	size_t ended_pos, ended_count;
	struct {
		struct ss_addr addr;
		uint16_t port;
	} listeners[TRACK_MAX_LISTENERS]; /* from listen() calls, oldest dropped first */
	size_t listener_pos, listener_count;
};

/* flow_table.c */
void flow_end(struct track_table *table, struct flow *flow, const char *reason);

/* tcp_state.c: options, handshake, RFC 9293 states for both sides */
void tcp_state_packet(struct flow *flow, const struct packet *pkt, enum track_dir dir, double t,
                      struct track_result *out);
bool tcp_is_new_connection_syn(const struct flow *flow, const struct packet *pkt,
                               enum track_dir dir);

/* tcp_analysis.c: relative numbers, Wireshark analysis rules, ack RTT */
void tcp_analyze_packet(struct flow *flow, const struct packet *pkt, enum track_dir dir, double t,
                        uint64_t frame, struct track_result *out);

/* tcp_detail.c: the evidence behind each flag, resend causes, Karn, D-SACK, SACK.
 * tcp_detail_classify reads the state before the packet; tcp_detail_update changes it. */
void tcp_detail_classify(struct tcp_conn *conn, enum track_dir dir, const struct packet *pkt,
                         double t, struct track_result *out);
void tcp_detail_update(struct tcp_conn *conn, enum track_dir dir, const struct packet *pkt,
                       double t, uint64_t frame, const struct track_result *out);
/* Karn's rule and the delayed-ACK timer, for an ACK that matched `u`. */
void tcp_detail_ack_rtt(const struct tcp_conn *conn, const struct tcp_dir *fwd,
                        const struct unacked_seg *u, const struct packet *pkt, double t,
                        struct track_result *out);

/* zeek.c */
void zeek_tcp_packet(struct flow *flow, const struct packet *pkt, enum track_dir dir,
                     uint32_t analysis);
void zeek_udp_packet(struct flow *flow, enum track_dir dir, uint32_t payload_len);
void zeek_finish(struct flow *flow);

/* udp_icmp.c */
void udp_packet(struct flow *flow, const struct packet *pkt, enum track_dir dir, uint64_t frame,
                struct track_result *out);
void icmp_echo_packet(struct flow *flow, const struct packet *pkt, enum track_dir dir,
                      uint64_t frame, struct track_result *out);
bool icmp_quoted_key(const struct packet *pkt, struct flow_key *key, bool *quoted_is_a);
bool icmp_is_error(const struct packet *pkt);
bool icmp_is_echo(const struct packet *pkt, bool *is_request);

/* helpers shared by the files */
static inline enum track_dir track_other(enum track_dir dir)
{
	return dir == TRACK_C2S ? TRACK_S2C : TRACK_C2S;
}

/* The index of one analysis flag in track_result.detail and analysis_counts. */
static inline unsigned ta_bit(enum track_analysis flag)
{
	return (unsigned)__builtin_ctz((unsigned)flag);
}

/* RFC 9293 §3.4: sequence numbers compare modulo 2^32. */
static inline bool seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}
static inline bool seq_gt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}
static inline bool seq_le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

/* The segment length as Wireshark's tcp.len: payload bytes as announced. */
static inline uint32_t tcp_seglen(const struct packet *pkt)
{
	return pkt->payload_wire_len ? pkt->payload_wire_len : pkt->payload_len;
}

#endif
