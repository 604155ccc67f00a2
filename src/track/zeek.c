/*
 * zeek.c - Zeek's one-glance story of a connection: the conn.log history
 * letters and conn_state code (docs/analysis.md, "Zeek summary").
 *
 * History: one letter per kind of event, upper case when the originator
 * (client) sent it, each recorded once per direction, except t, w and g which
 * repeat when their count reaches 1, 10, 100, ... as in Zeek.
 */
#include "track_internal.h"

#include <stdio.h>
#include <string.h>

enum zeek_letter { ZL_SYN, ZL_SYNACK, ZL_ACK, ZL_DATA, ZL_FIN, ZL_RST, ZL_MULTI, ZL_BAD };

static const char zeek_letters[] = {
    [ZL_SYN] = 's', [ZL_SYNACK] = 'h', [ZL_ACK] = 'a',   [ZL_DATA] = 'd',
    [ZL_FIN] = 'f', [ZL_RST] = 'r',    [ZL_MULTI] = 'q', [ZL_BAD] = 'i',
};

static void history_append(struct flow *flow, enum track_dir dir, char lower)
{
	char *h = flow->sum.history;
	size_t len = strlen(h);

	if (len + 1 >= sizeof flow->sum.history)
		return; /* full: the story is long enough */
	h[len] = dir == TRACK_C2S ? (char)(lower - 'a' + 'A') : lower;
	h[len + 1] = '\0';
}

static void history_once(struct flow *flow, enum track_dir dir, struct tcp_dir *side,
                         enum zeek_letter letter)
{
	if (side->history_seen & (1u << letter))
		return;
	side->history_seen |= 1u << letter;
	history_append(flow, dir, zeek_letters[letter]);
}

/* Zeek logs repeating letters when the count reaches 1, 10, 100, ... */
static void history_counted(struct flow *flow, enum track_dir dir, uint32_t *count, char lower)
{
	uint32_t n = ++*count;

	while (n % 10 == 0)
		n /= 10;
	if (n == 1)
		history_append(flow, dir, lower);
}

static void zeek_letters_for(struct flow *flow, const struct packet *pkt, enum track_dir dir,
                             struct tcp_dir *side)
{
	uint8_t f = pkt->tcp.flags;

	if ((f & TCP_SYN) && (f & (TCP_FIN | TCP_RST)))
		history_once(flow, dir, side, ZL_MULTI);
	else if ((f & TCP_FIN) && (f & TCP_RST))
		history_once(flow, dir, side, ZL_BAD);
	if ((f & (TCP_SYN | TCP_ACK)) == TCP_SYN)
		history_once(flow, dir, side, ZL_SYN);
	if ((f & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
		history_once(flow, dir, side, ZL_SYNACK);
	if (tcp_seglen(pkt) > 0)
		history_once(flow, dir, side, ZL_DATA);
	else if ((f & (TCP_ACK | TCP_SYN | TCP_FIN | TCP_RST)) == TCP_ACK)
		history_once(flow, dir, side, ZL_ACK);
	if (f & TCP_FIN)
		history_once(flow, dir, side, ZL_FIN);
	if (f & TCP_RST)
		history_once(flow, dir, side, ZL_RST);
}

/* Zeek's endpoint states (simplified from its TCP analyzer; docs/analysis.md). */
static void zeek_endpoints(struct tcp_dir *fwd, struct tcp_dir *rev, const struct packet *pkt)
{
	uint8_t f = pkt->tcp.flags;

	if (f & TCP_RST) {
		fwd->zeek = ZEEK_RESET;
	} else if ((f & (TCP_SYN | TCP_ACK)) == TCP_SYN) {
		if (fwd->zeek == ZEEK_INACTIVE)
			fwd->zeek = ZEEK_SYN_SENT;
	} else if (f & TCP_SYN) {
		if (rev->zeek == ZEEK_SYN_SENT) { /* Zeek's connection_established */
			rev->zeek = ZEEK_ESTABLISHED;
			fwd->zeek = ZEEK_ESTABLISHED;
		} else if (fwd->zeek == ZEEK_INACTIVE) {
			fwd->zeek = ZEEK_SYN_ACK_SENT;
		}
	} else if (fwd->zeek == ZEEK_INACTIVE) {
		fwd->zeek = ZEEK_PARTIAL;
	} else if ((fwd->zeek == ZEEK_SYN_SENT || fwd->zeek == ZEEK_SYN_ACK_SENT) &&
	           (f & TCP_ACK) && rev->zeek != ZEEK_INACTIVE) {
		fwd->zeek = ZEEK_ESTABLISHED;
		if (rev->zeek == ZEEK_SYN_ACK_SENT || rev->zeek == ZEEK_SYN_SENT)
			rev->zeek = ZEEK_ESTABLISHED;
	}
	if ((f & TCP_FIN) && fwd->zeek != ZEEK_RESET)
		fwd->zeek = ZEEK_CLOSED;
}

void zeek_tcp_packet(struct flow *flow, const struct packet *pkt, enum track_dir dir,
                     uint32_t analysis)
{
	struct tcp_dir *fwd = &flow->tcp->dir[dir], *rev = &flow->tcp->dir[track_other(dir)];

	zeek_endpoints(fwd, rev, pkt);
	zeek_letters_for(flow, pkt, dir, fwd);
	if (tcp_seglen(pkt) > 0 &&
	    (analysis & (TA_RETRANSMISSION | TA_FAST_RETRANSMISSION | TA_SPURIOUS_RETRANSMISSION)))
		history_counted(flow, dir, &fwd->retrans_count, 't');
	if (analysis & TA_ZERO_WINDOW)
		history_counted(flow, dir, &fwd->zero_window_count, 'w');
	if (analysis & TA_LOST_SEGMENT)
		history_counted(flow, dir, &fwd->gap_count, 'g');
}

void zeek_udp_packet(struct flow *flow, enum track_dir dir, uint32_t payload_len)
{
	const char *h = flow->sum.history;
	char letter = dir == TRACK_C2S ? 'D' : 'd';

	if (payload_len > 0 && !strchr(h, letter))
		history_append(flow, dir, 'd');
}

static bool inactive(enum zeek_endpoint e)
{
	return e == ZEEK_INACTIVE || e == ZEEK_PARTIAL;
}

/* Zeek's pattern ^?S[^HAFGIQ]*R: the originator's SYN, then its RST with nothing else between. */
static bool syn_then_rst(const char *h)
{
	if (*h == '^')
		h++;
	if (*h++ != 'S')
		return false;
	for (; *h && *h != 'R'; h++)
		if (strchr("HAFGIQ", *h))
			return false;
	return *h == 'R';
}

static const char *tcp_conn_state(const struct flow *flow)
{
	enum zeek_endpoint os = flow->tcp->dir[TRACK_C2S].zeek, rs = flow->tcp->dir[TRACK_S2C].zeek;
	bool no_bytes = flow->sum.bytes[0] == 0 && flow->sum.bytes[1] == 0;

	if (rs == ZEEK_RESET) {
		if (os == ZEEK_SYN_SENT || os == ZEEK_SYN_ACK_SENT ||
		    (os == ZEEK_RESET && no_bytes))
			return "REJ";
		return inactive(os) ? "RSTRH" : "RSTR";
	}
	if (os == ZEEK_RESET) {
		if (inactive(rs))
			return syn_then_rst(flow->sum.history) ? "RSTOS0" : "OTH";
		return "RSTO";
	}
	if (rs == ZEEK_CLOSED && os == ZEEK_CLOSED)
		return "SF";
	if (os == ZEEK_CLOSED)
		return inactive(rs) ? "SH" : "S2";
	if (rs == ZEEK_CLOSED)
		return inactive(os) ? "SHR" : "S3";
	if (os == ZEEK_SYN_SENT && rs == ZEEK_INACTIVE)
		return "S0";
	if (os == ZEEK_ESTABLISHED && rs == ZEEK_ESTABLISHED)
		return "S1";
	return "OTH";
}

/* Fills conn_state; the history string is already built packet by packet. */
void zeek_finish(struct flow *flow)
{
	const char *state = "OTH";
	bool orig = flow->sum.packets[TRACK_C2S] > 0, resp = flow->sum.packets[TRACK_S2C] > 0;

	if (flow->tcp)
		state = tcp_conn_state(flow);
	else if (flow->key.proto == L4_UDP)
		state = orig ? (resp ? "SF" : "S0") : (resp ? "SHR" : "OTH");
	snprintf(flow->sum.conn_state, sizeof flow->sum.conn_state, "%s", state);
}
