/*
 * tcp_detail.c - the evidence behind each tcp.analysis flag (analysis_detail):
 * which frame a flag refers to, why a segment was sent again, Karn's rule for
 * RTT samples, the delayed-ACK timer, SACK and D-SACK blocks.
 *
 * The flags themselves are Wireshark's (tcp_analysis.c); nothing here changes
 * them.  This file only names causes, from what the wire shows: the original
 * send and its time, duplicate ACKs and SACK blocks from the receiver, and
 * Linux's timer constants (docs/analysis.md, "Causes").
 */
#include "track_internal.h"

#include <string.h>

#define RESEND_FLAGS                                                                           \
	(TA_RETRANSMISSION | TA_FAST_RETRANSMISSION | TA_SPURIOUS_RETRANSMISSION | TA_OUT_OF_ORDER)

static struct track_analysis_detail *detail_of(struct track_result *out, enum track_analysis flag)
{
	return &out->detail[ta_bit(flag)];
}

static uint32_t seg_space(const struct packet *pkt)
{
	return tcp_seglen(pkt) + ((pkt->tcp.flags & (TCP_SYN | TCP_FIN)) ? 1u : 0u);
}

/* The ring slot of the remembered send that starts at seq (or covers it), newest first;
 * -1 if none. */
static int sent_slot(const struct tcp_dir *fwd, uint32_t seq)
{
	if (!fwd->sent_count || !seq_lt(seq, fwd->sent_high))
		return -1; /* new sequence space, the common case: no scan */
	for (unsigned i = 1; i <= fwd->sent_count; i++) {
		unsigned slot = (fwd->sent_pos + TRACK_SENT_HISTORY - i) % TRACK_SENT_HISTORY;
		const struct sent_seg *s = &fwd->sent[slot];
		if (s->seq == seq || (seq_le(s->seq, seq) && seq_lt(seq, s->nextseq)))
			return (int)slot;
	}
	return -1;
}

static const struct sent_seg *find_sent(const struct tcp_dir *fwd, uint32_t seq)
{
	int slot = sent_slot(fwd, seq);

	return slot < 0 ? NULL : &fwd->sent[slot];
}

/* Did the peer's ACKs ask for exactly this byte (duplicate ACKs or SACK blocks above it)? */
static bool asked_for(const struct tcp_dir *rev, uint32_t seq)
{
	return rev->have_lastack && rev->lastack == seq &&
	       (rev->dupacknum >= 1 || rev->sack_dupacks >= 1);
}

static enum track_cause resend_cause(const struct tcp_conn *conn, enum track_dir dir,
                                     const struct packet *pkt, const struct sent_seg *orig,
                                     uint32_t found, double after)
{
	const struct tcp_dir *fwd = &conn->dir[dir], *rev = &conn->dir[track_other(dir)];
	bool last_segment = orig && orig->nextseq == fwd->nextseq;

	if (pkt->tcp.flags & TCP_SYN)
		return TRACK_CAUSE_SYN;
	if (found & TA_SPURIOUS_RETRANSMISSION)
		return TRACK_CAUSE_SPURIOUS;
	if ((found & TA_FAST_RETRANSMISSION) || asked_for(rev, pkt->tcp.seq))
		return TRACK_CAUSE_FAST;
	if (!orig || (fwd->base_set && orig->seq == fwd->base))
		return TRACK_CAUSE_UNKNOWN; /* e.g. TFO data the SYN-ACK did not take: no timer */
	/* With only the last segment out and sent once, Linux schedules its tail
	 * loss probe at 2*SRTT + TCP_RTO_MIN (tcp_schedule_loss_probe): the same
	 * moment as the retransmission timer, so after 200 ms the wire cannot say
	 * which fired (resend_timer_ambiguous); before, only the probe can. */
	if (after >= LINUX_RTO_MIN)
		return last_segment && orig->sends == 1 ? TRACK_CAUSE_UNKNOWN : TRACK_CAUSE_RTO;
	if (last_segment && orig->sends == 1)
		return TRACK_CAUSE_TLP;
	return TRACK_CAUSE_UNKNOWN;
}

static bool resend_timer_ambiguous(const struct tcp_dir *fwd, const struct sent_seg *orig,
                                   double after)
{
	return orig && after >= LINUX_RTO_MIN && orig->nextseq == fwd->nextseq && orig->sends == 1;
}

/* Wireshark flags a simultaneous open's SYN-ACK as a resend of that side's own SYN. */
static bool simultaneous_open_synack(const struct tcp_dir *fwd, const struct packet *pkt)
{
	return (pkt->tcp.flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK) && fwd->bare_syn_sent &&
	       fwd->got_bare_syn;
}

static void detail_resend(const struct tcp_conn *conn, enum track_dir dir,
                          const struct packet *pkt, double t, struct track_result *out)
{
	const struct tcp_dir *fwd = &conn->dir[dir];
	const struct sent_seg *orig = find_sent(fwd, pkt->tcp.seq);
	uint32_t flag = out->analysis & RESEND_FLAGS;
	struct track_analysis_detail *d;

	if (!flag)
		return;
	d = detail_of(out, (enum track_analysis)(flag & -flag));
	d->frame = orig ? orig->first_frame : fwd->nextseq_frame;
	d->after = orig ? t - orig->first_t : t - fwd->nextseq_t;
	if (flag & TA_OUT_OF_ORDER && !orig)
		return; /* older bytes arriving late: not a resend, no cause */
	d->cause = resend_cause(conn, dir, pkt, orig, out->analysis, d->after);
	d->timer = d->cause == TRACK_CAUSE_UNKNOWN && resend_timer_ambiguous(fwd, orig, d->after);
	if (simultaneous_open_synack(fwd, pkt))
		d->cause = TRACK_CAUSE_SIMULTANEOUS_OPEN;
	if (d->cause == TRACK_CAUSE_SYN && orig) {
		d->backoff = t - orig->last_t;
		d->num = orig->sends;
	}
	if (d->cause == TRACK_CAUSE_FAST) {
		const struct tcp_dir *rev = &conn->dir[track_other(dir)];
		d->num = rev->dupacknum > 0 ? (uint32_t)rev->dupacknum : rev->sack_dupacks;
	}
}

/* The frame each non-resend flag refers to. */
static void detail_references(const struct tcp_conn *conn, enum track_dir dir,
                              struct track_result *out)
{
	const struct tcp_dir *fwd = &conn->dir[dir], *rev = &conn->dir[track_other(dir)];
	static const enum track_analysis flags[] = {
	    TA_LOST_SEGMENT,  TA_ACK_LOST_SEGMENT, TA_DUPLICATE_ACK, TA_ZERO_WINDOW,
	    TA_ZERO_WINDOW_PROBE, TA_ZERO_WINDOW_PROBE_ACK, TA_WINDOW_FULL,
	    TA_WINDOW_UPDATE, TA_KEEP_ALIVE, TA_KEEP_ALIVE_ACK,
	};
	const uint64_t frames[] = {
	    fwd->nextseq_frame,    /* the last segment before the gap */
	    rev->last_frame,       /* the peer's latest segment: the ACK covers more */
	    out->dup_ack_frame,    /* the ACK it repeats */
	    rev->last_frame,       /* the peer's segment that filled the buffer */
	    rev->zero_window_frame, /* the peer's zero window it probes */
	    rev->probe_frame,      /* the probe it answers */
	    rev->last_frame,       /* the peer's ACK that set the window's edge */
	    fwd->last_frame,       /* the sender's previous segment, with the old window */
	    fwd->nextseq_frame,    /* the segment whose last byte it repeats */
	    rev->keepalive_frame,  /* the keep-alive it answers */
	};

	for (size_t i = 0; i < SS_ARRAY_SIZE(flags); i++) {
		struct track_analysis_detail *d = detail_of(out, flags[i]);
		if (out->analysis & flags[i] && !d->frame)
			d->frame = frames[i];
	}
}

/* The SACK option's blocks, if any. */
static const struct tcp_option *sack_option(const struct packet *pkt)
{
	for (unsigned i = 0; i < pkt->tcp.option_count && i < DECODE_MAX_TCP_OPTIONS; i++)
		if (pkt->tcp.options[i].kind == TCPOPT_SACK && pkt->tcp.options[i].u.sack.count)
			return &pkt->tcp.options[i];
	return NULL;
}

/* The latest resend of the peer's that lies inside [left, right), 0 if none. */
static uint64_t resend_inside(const struct tcp_dir *rev, uint32_t left, uint32_t right)
{
	for (unsigned i = 1; i <= rev->sent_count; i++) {
		const struct sent_seg *s =
		    &rev->sent[(rev->sent_pos + TRACK_SENT_HISTORY - i) % TRACK_SENT_HISTORY];
		if (s->sends > 1 && seq_le(left, s->seq) && seq_le(s->nextseq, right))
			return s->last_frame;
	}
	return 0;
}

/*
 * RFC 2883 §4: the first SACK block is a D-SACK when it lies below the
 * cumulative ACK, or inside the second block.  It reports a duplicate: nothing
 * is missing.  Any other block beyond the ACK says what arrived past a gap.
 */
static void detail_sack(const struct tcp_conn *conn, enum track_dir dir, const struct packet *pkt,
                        struct track_result *out)
{
	const struct tcp_dir *rev = &conn->dir[track_other(dir)];
	const struct tcp_option *o = sack_option(pkt);
	uint32_t ack = pkt->tcp.ack;
	unsigned first = 0;

	if (!o || !(pkt->tcp.flags & TCP_ACK) || !rev->base_set)
		return;
	uint32_t l0 = o->u.sack.left[0], r0 = o->u.sack.right[0];
	bool inside_second = o->u.sack.count > 1 && seq_le(o->u.sack.left[1], l0) &&
	                     seq_le(r0, o->u.sack.right[1]);
	if (seq_le(r0, ack) || inside_second) {
		out->dsack = true;
		out->dsack_left_rel = l0 - rev->base;
		out->dsack_right_rel = r0 - rev->base;
		out->dsack_frame = resend_inside(rev, l0, r0);
		first = 1;
	}
	for (unsigned i = first; i < o->u.sack.count && i < DECODE_MAX_SACK_BLOCKS; i++) {
		if (seq_gt(o->u.sack.right[i], ack)) {
			out->sack = true;
			out->sack_left_rel = o->u.sack.left[i] - rev->base;
			out->sack_right_rel = o->u.sack.right[i] - rev->base;
			return;
		}
	}
}

static enum track_ack_covers ack_covers(const struct tcp_dir *rev, uint32_t ack)
{
	if (rev->fin_seen && ack == rev->fin_next)
		return TRACK_ACK_FIN;
	if (!rev->syn_seen)
		return TRACK_ACK_NO_BASE;
	return ack == rev->base + 1 ? TRACK_ACK_SYN : TRACK_ACK_DATA;
}

void tcp_detail_classify(struct tcp_conn *conn, enum track_dir dir, const struct packet *pkt,
                         double t, struct track_result *out)
{
	if (pkt->tcp.flags & TCP_ACK)
		out->ack_covers = ack_covers(&conn->dir[track_other(dir)], pkt->tcp.ack);
	if (pkt->tcp.flags & TCP_SYN && !(pkt->tcp.flags & TCP_RST))
		out->syn_data_len = tcp_seglen(pkt);
	detail_resend(conn, dir, pkt, t, out);
	detail_references(conn, dir, out);
	detail_sack(conn, dir, pkt, out);
}

/* Remembers a send, or counts a resend of a range already sent. */
static void remember_send(struct tcp_dir *fwd, const struct packet *pkt, double t, uint64_t frame)
{
	int slot = sent_slot(fwd, pkt->tcp.seq);
	struct sent_seg *s = slot < 0 ? NULL : &fwd->sent[slot];

	if (s && s->seq == pkt->tcp.seq) {
		s->sends++;
		s->last_frame = frame;
		s->last_t = t;
		return;
	}
	s = &fwd->sent[fwd->sent_pos];
	fwd->sent_pos = (fwd->sent_pos + 1) % TRACK_SENT_HISTORY;
	if (fwd->sent_count < TRACK_SENT_HISTORY)
		fwd->sent_count++;
	*s = (struct sent_seg){frame, frame, pkt->tcp.seq, pkt->tcp.seq + seg_space(pkt), t, t, 1};
	if (fwd->sent_count == 1 || seq_gt(s->nextseq, fwd->sent_high))
		fwd->sent_high = s->nextseq;
}

/* Karn: every outstanding segment a resend overlaps was sent more than once. */
static void mark_resent(struct tcp_dir *fwd, const struct packet *pkt)
{
	uint32_t left = pkt->tcp.seq, right = left + seg_space(pkt);

	for (unsigned i = 0; i < fwd->unacked_count; i++) {
		struct unacked_seg *u = &fwd->unacked[i];
		if (seq_lt(u->seq, right) && seq_lt(left, u->nextseq))
			u->resent = true;
	}
}

void tcp_detail_update(struct tcp_conn *conn, enum track_dir dir, const struct packet *pkt,
                       double t, uint64_t frame, const struct track_result *out)
{
	struct tcp_dir *fwd = &conn->dir[dir], *rev = &conn->dir[track_other(dir)];
	uint8_t flags = pkt->tcp.flags;

	if (seg_space(pkt) && !(flags & TCP_RST)) {
		bool resend = find_sent(fwd, pkt->tcp.seq) != NULL;
		remember_send(fwd, pkt, t, frame);
		if (resend)
			mark_resent(fwd, pkt);
	}
	if ((flags & (TCP_SYN | TCP_ACK)) == TCP_SYN) {
		fwd->bare_syn_sent = true;
		rev->got_bare_syn = true;
	}
	if (out->analysis & TA_ZERO_WINDOW_PROBE)
		fwd->probe_frame = frame;
	if (out->analysis & TA_KEEP_ALIVE)
		fwd->keepalive_frame = frame;
	if (out->analysis & TA_ZERO_WINDOW)
		fwd->zero_window_frame = frame;
	if (pkt->tcp.ack != fwd->sack_ack) {
		fwd->sack_ack = pkt->tcp.ack;
		fwd->sack_dupacks = 0;
	} else if (out->sack && tcp_seglen(pkt) == 0) {
		fwd->sack_dupacks++;
	}
	fwd->last_frame = frame;
	fwd->last_t = t;
}

/*
 * Called for the segment an ACK matched exactly.  RFC 6298 §3 (Karn): an ACK
 * of a segment sent more than once gives no RTT sample, since it cannot tell
 * which send it answers.  A pure ACK about 40 ms after the data, with nothing
 * sent in between and a faster handshake, is Linux's delayed-ACK timer.
 */
void tcp_detail_ack_rtt(const struct tcp_conn *conn, const struct tcp_dir *fwd,
                        const struct unacked_seg *u, const struct packet *pkt, double t,
                        struct track_result *out)
{
	double rtt = t - u->t;
	bool pure = tcp_seglen(pkt) == 0 && !(pkt->tcp.flags & (TCP_SYN | TCP_FIN | TCP_RST));

	if (u->resent) {
		out->karn_frame = u->frame;
		return;
	}
	out->acks_frame = u->frame;
	out->ack_rtt = rtt;
	out->delayed_ack = pure && rtt >= LINUX_DELACK_MIN * 0.9 && rtt <= LINUX_DELACK_MAX * 1.1 &&
	                   conn->irtt_set && conn->irtt * 2 < rtt && fwd->last_frame < u->frame;
}
