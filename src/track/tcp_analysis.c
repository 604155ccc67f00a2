/*
 * tcp_analysis.c - relative sequence numbers, Wireshark's tcp.analysis.*
 * flags and ack RTT, for one TCP segment.
 *
 * Definitions and order follow tcp_analyze_sequence_number() in
 * epan/dissectors/packet-tcp.c at tag wireshark-4.0.17 (checked against
 * tshark 4.0.17); each rule is written out in words in docs/analysis.md.
 * Every rule reads the state left by earlier packets only; the state is
 * updated once, in update_after_rules(), after all rules have looked.
 */
#include "track_internal.h"

#include <string.h>

/* One segment as the rules see it. */
struct seg {
	uint32_t seq, ack, len, window; /* absolute; window unscaled, as on the wire */
	uint8_t flags;
	double t;
	double ooo_threshold; /* the iRTT when known, else TCPA_OOO_DEFAULT_THRESHOLD */
	bool not_advanced;    /* seq is below the highest nextseq seen: a resend of some kind */
	uint32_t found;       /* flags matched so far for this segment */
};

typedef bool (*tcp_rule_fn)(const struct seg *s, const struct tcp_dir *fwd,
                            const struct tcp_dir *rev);

struct tcp_rule {
	enum track_analysis flag;
	const char *name; /* as tcp.analysis.<name> */
	tcp_rule_fn match;
	bool stop; /* skip the rest of this group when it matches */
};

static bool no_syn_fin_rst(const struct seg *s)
{
	return (s->flags & (TCP_SYN | TCP_FIN | TCP_RST)) == 0;
}

/* Same seq as expected next, same ack as last time, no data: the ACK says nothing new. */
static bool repeats_last_ack(const struct seg *s, const struct tcp_dir *fwd)
{
	return s->len == 0 && fwd->have_nextseq && s->seq == fwd->nextseq && fwd->have_lastack &&
	       s->ack == fwd->lastack && no_syn_fin_rst(s);
}

/* ZERO WINDOW PROBE: one byte at the next expected seq while the peer's window is 0. */
static bool is_zero_window_probe(const struct seg *s, const struct tcp_dir *fwd,
                                 const struct tcp_dir *rev)
{
	return s->len == 1 && fwd->have_nextseq && s->seq == fwd->nextseq && rev->have_window &&
	       rev->window == 0;
}

/* ZERO WINDOW: the sender advertises window 0 (SYN, FIN and RST never count). */
static bool is_zero_window(const struct seg *s, const struct tcp_dir *fwd,
                           const struct tcp_dir *rev)
{
	(void)fwd;
	(void)rev;
	return s->window == 0 && no_syn_fin_rst(s);
}

/* LOST SEGMENT: seq jumps beyond the next expected seq; RSTs are not checked. */
static bool is_lost_segment(const struct seg *s, const struct tcp_dir *fwd,
                            const struct tcp_dir *rev)
{
	(void)rev;
	return fwd->have_nextseq && seq_gt(s->seq, fwd->nextseq) && !(s->flags & TCP_RST);
}

/* KEEP ALIVE: 0 or 1 byte starting one byte before the next expected seq. */
static bool is_keep_alive(const struct seg *s, const struct tcp_dir *fwd, const struct tcp_dir *rev)
{
	(void)rev;
	return s->len <= 1 && fwd->have_nextseq && s->seq == fwd->nextseq - 1 && no_syn_fin_rst(s);
}

/* WINDOW UPDATE: no data, same seq and ack as before, a new non-zero window. */
static bool is_window_update(const struct seg *s, const struct tcp_dir *fwd,
                             const struct tcp_dir *rev)
{
	(void)rev;
	return s->window != 0 && fwd->have_window && s->window != fwd->window &&
	       repeats_last_ack(s, fwd);
}

/* WINDOW FULL: data that reaches exactly the right edge of the peer's advertised window. */
static bool is_window_full(const struct seg *s, const struct tcp_dir *fwd,
                           const struct tcp_dir *rev)
{
	(void)fwd;
	return s->len > 0 && rev->win_scale != -1 && rev->have_lastack && rev->have_window &&
	       (uint32_t)(s->seq + s->len) == (uint32_t)(rev->lastack + rev->window_bytes) &&
	       no_syn_fin_rst(s);
}

/* KEEP ALIVE ACK: repeats the last ACK and window, answering the peer's keep-alive. */
static bool is_keep_alive_ack(const struct seg *s, const struct tcp_dir *fwd,
                              const struct tcp_dir *rev)
{
	return s->window != 0 && fwd->have_window && s->window == fwd->window &&
	       repeats_last_ack(s, fwd) && (rev->lastsegmentflags & TA_KEEP_ALIVE);
}

/* ZERO WINDOW PROBE ACK: repeats the last ACK and the zero window, answering a probe. */
static bool is_zero_window_probe_ack(const struct seg *s, const struct tcp_dir *fwd,
                                     const struct tcp_dir *rev)
{
	return s->window == 0 && fwd->have_window && fwd->window == 0 && repeats_last_ack(s, fwd) &&
	       (rev->lastsegmentflags & TA_ZERO_WINDOW_PROBE);
}

/* DUPLICATE ACK: no data, same seq, ack and non-zero window as the previous segment. */
static bool is_duplicate_ack(const struct seg *s, const struct tcp_dir *fwd,
                             const struct tcp_dir *rev)
{
	(void)rev;
	return s->window != 0 && fwd->have_window && s->window == fwd->window &&
	       repeats_last_ack(s, fwd);
}

/* ACKED LOST SEGMENT: acks beyond the highest contiguous byte seen from the peer. */
static bool is_ack_lost_segment(const struct seg *s, const struct tcp_dir *fwd,
                                const struct tcp_dir *rev)
{
	(void)fwd;
	if (!(s->flags & TCP_ACK) || !rev->have_maxseq || !seq_gt(s->ack, rev->maxseqtobeacked))
		return false;
	/* 4.0: flag once per hole; later ACKs of the same hole only if the peer sent no dup ACK */
	return rev->maxseqtobeacked != rev->nextseq || rev->dupacknum == 0;
}

/* SPURIOUS RETRANSMISSION: data the peer has already acknowledged. */
static bool is_spurious_retransmission(const struct seg *s, const struct tcp_dir *fwd,
                                       const struct tcp_dir *rev)
{
	(void)fwd;
	return s->len > 0 && rev->have_lastack && rev->lastack != 0 &&
	       seq_le(s->seq + s->len, rev->lastack);
}

/* FAST RETRANSMISSION: resends what >= 2 duplicate ACKs asked for, within 20 ms of the last. */
static bool is_fast_retransmission(const struct seg *s, const struct tcp_dir *fwd,
                                   const struct tcp_dir *rev)
{
	(void)fwd;
	return s->not_advanced && rev->dupacknum >= 2 && rev->lastack == s->seq &&
	       s->t - rev->lastack_t < TCPA_FAST_RETRANS_WINDOW;
}

/* OUT-OF-ORDER: older seq, arriving soon (< iRTT, or 3 ms) after the highest seq, not a resend
 * of the last segment. */
static bool is_out_of_order(const struct seg *s, const struct tcp_dir *fwd,
                            const struct tcp_dir *rev)
{
	uint32_t end = s->seq + s->len + ((s->flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
	(void)rev;
	return s->not_advanced && s->t - fwd->nextseq_t < s->ooo_threshold && fwd->nextseq != end;
}

/* RETRANSMISSION: any other segment that does not advance the sequence number. */
static bool is_retransmission(const struct seg *s, const struct tcp_dir *fwd,
                              const struct tcp_dir *rev)
{
	(void)fwd;
	(void)rev;
	return s->not_advanced;
}

/* Checked in order; every matching rule adds its flag unless an earlier `stop` matched. */
static const struct tcp_rule forward_rules[] = {
    {TA_ZERO_WINDOW_PROBE, "zero_window_probe", is_zero_window_probe, true},
    {TA_ZERO_WINDOW, "zero_window", is_zero_window, false},
    {TA_LOST_SEGMENT, "lost_segment", is_lost_segment, false},
    {TA_KEEP_ALIVE, "keep_alive", is_keep_alive, false},
    {TA_WINDOW_UPDATE, "window_update", is_window_update, false},
    {TA_WINDOW_FULL, "window_full", is_window_full, false},
    {TA_KEEP_ALIVE_ACK, "keep_alive_ack", is_keep_alive_ack, true},
    {TA_ZERO_WINDOW_PROBE_ACK, "zero_window_probe_ack", is_zero_window_probe_ack, true},
    {TA_DUPLICATE_ACK, "duplicate_ack", is_duplicate_ack, false},
};

static const struct tcp_rule ack_rules[] = {
    {TA_ACK_LOST_SEGMENT, "ack_lost_segment", is_ack_lost_segment, false},
};

/* Only for segments that carry data, SYN or FIN and are not keep-alives; first match wins. */
static const struct tcp_rule retransmission_rules[] = {
    {TA_SPURIOUS_RETRANSMISSION, "spurious_retransmission", is_spurious_retransmission, true},
    {TA_FAST_RETRANSMISSION, "fast_retransmission", is_fast_retransmission, true},
    {TA_OUT_OF_ORDER, "out_of_order", is_out_of_order, true},
    {TA_RETRANSMISSION, "retransmission", is_retransmission, true},
};

/* Not a sequence rule: set by the flow table when a SYN opens a new connection on a tuple. */
static const struct tcp_rule table_rules[] = {
    {TA_REUSED_PORTS, "reused_ports", NULL, false},
};

static void run_rules(const struct tcp_rule *rules, size_t count, struct seg *s,
                      const struct tcp_dir *fwd, const struct tcp_dir *rev)
{
	for (size_t i = 0; i < count; i++) {
		if (!rules[i].match(s, fwd, rev))
			continue;
		s->found |= rules[i].flag;
		if (rules[i].stop)
			return;
	}
}

static bool carries_sequence(const struct seg *s)
{
	return s->len > 0 || (s->flags & (TCP_SYN | TCP_FIN));
}

static void classify(struct seg *s, const struct tcp_dir *fwd, const struct tcp_dir *rev)
{
	run_rules(forward_rules, SS_ARRAY_SIZE(forward_rules), s, fwd, rev);
	run_rules(ack_rules, SS_ARRAY_SIZE(ack_rules), s, fwd, rev);
	if (!carries_sequence(s) || (s->found & TA_KEEP_ALIVE))
		return;
	s->not_advanced = fwd->have_nextseq && seq_lt(s->seq, fwd->nextseq);
	/* new data starting one byte below nextseq follows a probe: not a resend */
	if (s->len > 1 && fwd->have_nextseq && fwd->nextseq - 1 == s->seq)
		s->not_advanced = false;
	run_rules(retransmission_rules, SS_ARRAY_SIZE(retransmission_rules), s, fwd, rev);
}

/* Wireshark's base_seq: the ISN, or seq - 1 (ack - 1 for the peer) when the SYN was not seen.
 * A SYN seen later still sets it (as tshark 4.0.17 does), so an ack that falls before
 * the peer's ISN is shown negative-wrapped, as 32-bit unsigned. */
static void set_bases(struct tcp_dir *fwd, struct tcp_dir *rev, const struct seg *s)
{
	if (!fwd->base_set || (s->flags & TCP_SYN)) {
		fwd->base = (s->flags & TCP_SYN) ? s->seq : s->seq - 1;
		fwd->base_set = true;
	}
	if (!rev->base_set && (s->flags & TCP_ACK)) {
		rev->base = s->ack - 1;
		rev->base_set = true;
	}
}

static void relative_numbers(const struct tcp_dir *fwd, const struct tcp_dir *rev,
                             const struct seg *s, struct track_result *out)
{
	out->has_rel = true;
	out->seq_rel = s->seq - fwd->base;
	out->ack_rel = (s->flags & TCP_ACK) ? s->ack - rev->base : 0;
	/* RFC 9293 §3.4: SYN and FIN each take one sequence number */
	out->next_seq_rel = out->seq_rel + s->len + ((s->flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
}

static void remember_unacked(struct tcp_dir *fwd, const struct seg *s, uint64_t frame)
{
	struct unacked_seg *u;

	if (!carries_sequence(s) || fwd->unacked_count >= TRACK_MAX_UNACKED)
		return; /* as Wireshark: stop remembering when too many are outstanding */
	u = &fwd->unacked[fwd->unacked_count++];
	u->frame = frame;
	u->seq = s->seq;
	u->nextseq = s->seq + s->len + ((s->flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
	u->t = s->t;
	u->resent = false; /* tcp_detail.c marks it when a resend overlaps it */
}

/* Drops the peer's segments this ACK covers; an exact match gives acks_frame and ack_rtt,
 * unless that segment was sent more than once (Karn, tcp_detail.c). */
static void match_acked(const struct tcp_conn *conn, const struct tcp_dir *fwd,
                        struct tcp_dir *rev, const struct seg *s, const struct packet *pkt,
                        struct track_result *out)
{
	unsigned kept = 0;

	if (!(s->flags & TCP_ACK))
		return;
	for (unsigned i = 0; i < rev->unacked_count; i++) {
		struct unacked_seg *u = &rev->unacked[i];
		if (s->ack == u->nextseq) {
			if (!out->acks_frame && !out->karn_frame) /* the oldest match, as Wireshark */
				tcp_detail_ack_rtt(conn, fwd, u, pkt, s->t, out);
			continue;
		}
		if (seq_gt(u->nextseq, s->ack)) {
			if (seq_gt(s->ack, u->seq))
				u->seq = s->ack; /* partly acknowledged */
			rev->unacked[kept++] = *u;
		}
	}
	rev->unacked_count = kept;
}

static void update_dupack(struct tcp_dir *fwd, const struct seg *s, uint64_t frame,
                          struct track_result *out)
{
	if (s->found & TA_DUPLICATE_ACK) {
		fwd->dupacknum = fwd->dupacknum < 0 ? 1 : fwd->dupacknum + 1;
		out->dup_ack_num = (uint32_t)fwd->dupacknum;
		out->dup_ack_frame = fwd->lastnondupack;
	}
	/* 4.0: the count restarts only when the ack number moves */
	if (!fwd->have_lastack || s->ack != fwd->lastack) {
		fwd->lastnondupack = frame;
		fwd->dupacknum = 0;
	}
}

static void update_ack_lost(struct tcp_dir *rev, const struct seg *s)
{
	if (!(s->flags & TCP_ACK) || !rev->have_maxseq || !seq_gt(s->ack, rev->maxseqtobeacked))
		return;
	if (rev->maxseqtobeacked != rev->nextseq)
		rev->maxseqtobeacked = rev->nextseq;
	else
		rev->dupacknum = -1; /* do not flag the same hole again */
}

static void update_nextseq(struct tcp_dir *fwd, const struct seg *s, uint64_t frame)
{
	uint32_t nextseq = s->seq + s->len + ((s->flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
	bool probe = s->found & TA_ZERO_WINDOW_PROBE; /* probes do not advance nextseq */

	if ((!fwd->have_nextseq || seq_gt(nextseq, fwd->nextseq)) && !probe) {
		fwd->nextseq = nextseq;
		fwd->have_nextseq = true;
		fwd->nextseq_frame = frame;
		fwd->nextseq_t = s->t;
	}
	if ((!fwd->have_maxseq || s->seq == fwd->maxseqtobeacked) && !probe && fwd->have_nextseq) {
		fwd->maxseqtobeacked = fwd->nextseq;
		fwd->have_maxseq = true;
	}
}

/* The one place the analysis state changes, after every rule has seen the old state. */
static void update_after_rules(struct tcp_conn *conn, enum track_dir dir, const struct seg *s,
                               const struct packet *pkt, uint64_t frame, struct track_result *out)
{
	struct tcp_dir *fwd = &conn->dir[dir], *rev = &conn->dir[track_other(dir)];

	update_dupack(fwd, s, frame, out);
	update_ack_lost(rev, s);
	remember_unacked(fwd, s, frame);
	update_nextseq(fwd, s, frame);
	fwd->window = s->window;
	fwd->have_window = true;
	fwd->lastack = s->ack;
	fwd->have_lastack = true;
	fwd->lastack_t = s->t;
	fwd->lastsegmentflags = s->found;
	match_acked(conn, fwd, rev, s, pkt, out);
	tcp_detail_update(conn, dir, pkt, s->t, frame, out);
}

void tcp_analyze_packet(struct flow *flow, const struct packet *pkt, enum track_dir dir, double t,
                        uint64_t frame, struct track_result *out)
{
	struct tcp_conn *conn = flow->tcp;
	struct tcp_dir *fwd = &conn->dir[dir], *rev = &conn->dir[track_other(dir)];
	struct seg s = {
	    .seq = pkt->tcp.seq,
	    .ack = pkt->tcp.ack,
	    .len = tcp_seglen(pkt),
	    .window = pkt->tcp.window,
	    .flags = pkt->tcp.flags,
	    .t = t,
	    .ooo_threshold = conn->irtt_set ? conn->irtt : TCPA_OOO_DEFAULT_THRESHOLD,
	};

	set_bases(fwd, rev, &s);
	relative_numbers(fwd, rev, &s, out);
	classify(&s, fwd, rev);
	out->analysis |= s.found;
	if (s.found & TA_DUPLICATE_ACK) /* the count as it will be after this ACK */
		out->dup_ack_frame = fwd->lastnondupack;
	tcp_detail_classify(conn, dir, pkt, t, out);
	update_after_rules(conn, dir, &s, pkt, frame, out);
	if (out->analysis & TA_DUPLICATE_ACK)
		out->detail[ta_bit(TA_DUPLICATE_ACK)].num = out->dup_ack_num;
}

static const struct {
	const struct tcp_rule *rules;
	size_t count;
} rule_groups[] = {
    {forward_rules, SS_ARRAY_SIZE(forward_rules)},
    {ack_rules, SS_ARRAY_SIZE(ack_rules)},
    {retransmission_rules, SS_ARRAY_SIZE(retransmission_rules)},
    {table_rules, SS_ARRAY_SIZE(table_rules)},
};

const char *track_analysis_name(enum track_analysis flag)
{
	for (size_t g = 0; g < SS_ARRAY_SIZE(rule_groups); g++)
		for (size_t i = 0; i < rule_groups[g].count; i++)
			if (rule_groups[g].rules[i].flag == flag)
				return rule_groups[g].rules[i].name;
	return "unknown";
}
