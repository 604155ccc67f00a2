/*
 * causes.c - the sentences that say why: each analysis flag with the frame and
 * time it rests on (analysis_detail), the RTT with its vantage and Karn's rule,
 * SACK and D-SACK blocks, and the states a packet moved each side through.
 *
 * Every number printed is a field of the track result; every cause named is
 * the one track_result.detail recorded (docs/analysis.md, "Causes").
 */
#include "annotate_internal.h"

#include <errno.h>
#include <string.h>

static const struct track_analysis_detail *detail(const struct track_result *tr,
                                                  enum track_analysis flag)
{
	unsigned bit = 0;

	while (bit < TA_COUNT_FLAGS && (1u << bit) != (unsigned)flag)
		bit++;
	return &tr->detail[bit < TA_COUNT_FLAGS ? bit : 0];
}

static void resend_cause(struct text *det, const struct track_analysis_detail *d)
{
	switch (d->cause) {
	case TRACK_CAUSE_RTO:
		text_add(det,
		         " The retransmission timer expired: no duplicate ACK asked for it. "
		         "Linux's minimum RTO is 200 ms, and each further expiry doubles it.");
		break;
	case TRACK_CAUSE_FAST:
		text_add(det,
		         " Fast retransmit: %u duplicate ACK%s asked for exactly these bytes, so the sender resent them at once instead of waiting for its "
		         "timer. The textbook rule (RFC 5681) resends after three duplicate ACKs; "
		         "Linux with SACK may count SACKed segments instead.",
		         (unsigned)d->num, text_plural(d->num));
		break;
	case TRACK_CAUSE_TLP:
		text_add(det, " A tail-loss probe: Linux resends the last segment sent when no ACK "
		              "came for about two smoothed RTTs, sooner than any retransmission "
		              "timeout (200 ms minimum), to draw an ACK or SACK that shows what was "
		              "lost. No duplicate ACK asked for it.");
		break;
	case TRACK_CAUSE_SYN:
		text_add(det,
		         " No answer came, so the SYN timer sent it again: resend %u, %.3f s after "
		         "the previous send. Linux starts that timer at 1 s and doubles it each "
		         "time.",
		         (unsigned)d->num, d->backoff);
		break;
	case TRACK_CAUSE_SPURIOUS:
		text_add(det, " The receiver had already acknowledged these bytes: nothing was "
		              "missing, so this resend was not needed.");
		break;
	case TRACK_CAUSE_SIMULTANEOUS_OPEN:
		text_add(det, " Wireshark flags it because it repeats this side's SYN, but it is "
		              "not a resend: in a simultaneous open each side answers the other's "
		              "SYN with a SYN-ACK that carries its own SYN again (RFC 9293 section 3.5).");
		break;
	default:
		if (d->timer)
			text_add(det, " A timer fired: no duplicate ACK asked for it. Which one the "
			              "wire cannot tell: with only this last segment out, Linux's "
			              "tail-loss probe waits about two smoothed RTTs plus 200 ms, the "
			              "same as the retransmission timer (200 ms minimum). The kernel's "
			              "counters say which (TCPLossProbes or TCPTimeouts).");
		else
			text_add(det, " The wire does not tell which timer or signal caused it.");
		break;
	}
}

static void write_resend(struct text *det, const struct track_analysis_detail *d,
                         const char *what)
{
	if (d->frame)
		text_add(det, d->after < 0.01 ? " %s: it resends frame %llu after %.6f s."
		                              : " %s: it resends frame %llu after %.3f s.",
		         what, (unsigned long long)d->frame, d->after);
	else
		text_add(det, " %s: its first send was not captured.", what);
	resend_cause(det, d);
}

static void write_dup_ack(struct text *det, const struct track_result *tr,
                          const struct track_analysis_detail *d)
{
	if (tr->dsack) {
		text_add(det,
		         " Duplicate ACK %u of frame %llu: the same acknowledgment again, sent "
		         "because a duplicate arrived (the D-SACK above), not because anything is "
		         "missing.",
		         (unsigned)d->num, (unsigned long long)d->frame);
		return;
	}
	text_add(det,
	         " Duplicate ACK %u of frame %llu: the same acknowledgment again, so the "
	         "receiver is still waiting for byte %u.",
	         (unsigned)d->num, (unsigned long long)d->frame, (unsigned)tr->ack_rel);
	if (tr->sack)
		text_add(det, " A later segment arrived while an earlier one is missing.");
	if (d->num == 3)
		text_add(det, " This is the third: the textbook sender (RFC 5681) now resends the "
		              "missing segment without waiting for its timer (fast retransmit).");
}

/* One sentence (or a few) per flag, each citing the frame its detail names. */
static void write_flag(struct text *det, const struct track_result *tr, enum track_analysis flag)
{
	const struct track_analysis_detail *d = detail(tr, flag);

	switch (flag) {
	case TA_RETRANSMISSION:
		write_resend(det, d, "Retransmission");
		return;
	case TA_FAST_RETRANSMISSION:
		write_resend(det, d, "Fast retransmission");
		return;
	case TA_SPURIOUS_RETRANSMISSION:
		write_resend(det, d, "Spurious retransmission");
		return;
	case TA_OUT_OF_ORDER:
		text_add(det, " %s", annotate_analysis_meaning(flag));
		if (d->frame)
			text_add(det, " (compare frame %llu, %.3f s earlier).",
			         (unsigned long long)d->frame, d->after);
		return;
	case TA_DUPLICATE_ACK:
		write_dup_ack(det, tr, d);
		return;
	default:
		text_add(det, " %s", annotate_analysis_meaning(flag));
		if (d->frame)
			text_add(det, " (See frame %llu.)", (unsigned long long)d->frame);
		return;
	}
}

void annotate_write_analysis(const struct track_result *tr, struct text *sum, struct text *det)
{
	for (unsigned i = 0; i < TA_COUNT_FLAGS; i++) {
		enum track_analysis flag = (enum track_analysis)(1u << i);
		if (!(tr->analysis & flag))
			continue;
		text_add(sum, " [%s]", track_analysis_name(flag));
		write_flag(det, tr, flag);
	}
}

/* RFC 2018 SACK and RFC 2883 D-SACK, read against the cumulative ACK. */
void annotate_write_sack(const struct track_result *tr, struct text *sum, struct text *det)
{
	if (tr->sack) {
		text_add(sum, "; SACK: it holds %u-%u", (unsigned)tr->sack_left_rel,
		         (unsigned)(tr->sack_right_rel - 1));
		text_add(det,
		         " SACK (RFC 2018): besides the cumulative ACK, the receiver reports that "
		         "it already holds bytes %u to %u beyond the gap, so the sender need "
		         "resend only what is missing.",
		         (unsigned)tr->sack_left_rel, (unsigned)(tr->sack_right_rel - 1));
	}
	if (tr->dsack) {
		text_add(sum, "; D-SACK %u-%u: received twice", (unsigned)tr->dsack_left_rel,
		         (unsigned)(tr->dsack_right_rel - 1));
		text_add(det,
		         " D-SACK (RFC 2883): the first SACK block, bytes %u to %u, lies below the "
		         "ACK or inside another SACK block, so it reports bytes the receiver got "
		         "twice. This is not loss: nothing is missing.",
		         (unsigned)tr->dsack_left_rel, (unsigned)(tr->dsack_right_rel - 1));
		if (tr->dsack_frame)
			text_add(det, " It proves the resend in frame %llu was unneeded (spurious).",
			         (unsigned long long)tr->dsack_frame);
	}
}

static const char *vantage_words(enum track_vantage v)
{
	switch (v) {
	case TRACK_VANTAGE_LOOPBACK:
		return " Both ends are on this host (loopback): every gap here is the kernel's "
		       "own work, not a network path.";
	case TRACK_VANTAGE_SERVER:
		return " The capture sits near the server: SYN to SYN-ACK is the server's local "
		       "turnaround, and SYN-ACK to this ACK is the path's round trip.";
	case TRACK_VANTAGE_CLIENT:
		return " The capture sits near the client: SYN to SYN-ACK is the path's round "
		       "trip, and SYN-ACK to this ACK the client's own turnaround.";
	case TRACK_VANTAGE_MIDDLE:
		return " The capture sits somewhere between the ends: each gap holds part of the "
		       "path.";
	default:
		return "";
	}
}

void annotate_write_handshake_rtt(const struct track_result *tr, struct text *det)
{
	if (tr->handshake_rtt < 0)
		return;
	text_add(det,
	         " From the SYN to this ACK took %.6f s, as seen from the capture point: %.6f s "
	         "from SYN to SYN-ACK, %.6f s from SYN-ACK to this ACK.",
	         tr->handshake_rtt, tr->syn_gap, tr->synack_gap);
	text_add(det, "%s", vantage_words(tr->vantage));
}

void annotate_write_ack_rtt(const struct track_result *tr, struct text *det)
{
	if (tr->acks_frame && tr->handshake == 2) /* the gap's meaning depends on the vantage */
		text_add(det,
		         " It answers the SYN in frame %llu, %.6f s after the capture saw it: a "
		         "round trip only if the capture sat at the client; near the server it is "
		         "the server's own turnaround (the third packet of the handshake says "
		         "which).",
		         (unsigned long long)tr->acks_frame, tr->ack_rtt);
	else if (tr->acks_frame) {
		text_add(det,
		         " It acknowledges the segment in frame %llu, %.6f s after the capture "
		         "saw it (ack RTT from the capture point).",
		         (unsigned long long)tr->acks_frame, tr->ack_rtt);
		if (tr->delayed_ack)
			text_add(det, " Nothing else was sent in between and the handshake was much "
			              "faster: this wait is the receiver's delayed-ACK timer (40 ms "
			              "minimum on Linux), not the network.");
	}
	if (tr->karn_frame)
		text_add(det,
		         " It acknowledges what frame %llu carried, which was sent more than "
		         "once, so it gives no RTT sample: it cannot tell which send it answers "
		         "(Karn's rule, RFC 6298 section 3).",
		         (unsigned long long)tr->karn_frame);
}

static void write_side_change(struct text *det, const char *side, enum track_tcp_state before,
                              enum track_tcp_state via, enum track_tcp_state after)
{
	if (before == after && via == TCPS_UNKNOWN)
		return;
	if (via != TCPS_UNKNOWN)
		text_add(det, " The %s moves from %s through %s to %s.", side,
		         track_state_name(before), track_state_name(via), track_state_name(after));
	else
		text_add(det, " The %s moves from %s to %s.", side, track_state_name(before),
		         track_state_name(after));
}

/* TIME_WAIT (RFC 9293 §3.6): why the side that closed first (or both, after a
 * simultaneous close) waits. */
static void write_time_wait(struct text *det, const char *side, enum track_tcp_state before)
{
	text_add(det,
	         before == TCPS_CLOSING ? " Both sides closed at once, so the %s too waits"
	                                : " The %s closed first, so it is the one that waits",
	         side);
	text_add(det, " in TIME_WAIT for 2 MSL (60 s on Linux) before the address and port pair "
	              "may be used again: a late segment of this connection cannot be taken for "
	              "part of a new one, and the last ACK can be sent again if the peer's FIN "
	              "is resent.");
}

void annotate_write_states(const struct track_result *tr, struct text *det)
{
	write_side_change(det, "client", tr->state_client_before, tr->via_client,
	                  tr->state_client);
	write_side_change(det, "server", tr->state_server_before, tr->via_server,
	                  tr->state_server);
	if (tr->fin_crossed)
		text_add(det, " The FINs crossed (simultaneous close): this FIN left before the "
		              "other side's arrived, so its sender went FIN_WAIT_1, then CLOSING "
		              "when that FIN reached it; both sides then wait in TIME_WAIT.");
	if (tr->state_client == TCPS_TIME_WAIT && tr->state_client_before != TCPS_TIME_WAIT)
		write_time_wait(det, "client", tr->state_client_before);
	if (tr->state_server == TCPS_TIME_WAIT && tr->state_server_before != TCPS_TIME_WAIT)
		write_time_wait(det, "server", tr->state_server_before);
}

const char *annotate_call(const char *call, int err, enum track_tcp_state state_now)
{
	if (err != EINPROGRESS || strcmp(call, "connect") != 0 || state_now != TCPS_ESTABLISHED)
		return NULL;
	return "connect() returned EINPROGRESS, yet the wire shows the handshake (SYN, SYN-ACK, "
	       "ACK) already complete: on loopback the kernel finishes it before connect() "
	       "returns. A non-blocking connect() never waits, so it still says EINPROGRESS; "
	       "poll() for POLLOUT then reports the connection ready.";
}
