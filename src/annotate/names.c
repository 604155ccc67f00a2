/* names.c - words for TCP flags, end reasons, Zeek conn_state codes and history letters,
 * and analysis flags: the one glossary, also written into the timeline for the page. */
#include "annotate_internal.h"

#include <string.h>

/* decode's ICMP names (RFC 792, RFC 4443), picked by the version the l4 protocol implies. */
const char *annotate_icmp_name(const struct packet *pkt)
{
	uint8_t version = pkt->l4 == L4_ICMPV6 ? 6 : 4;

	return decode_icmp_type_name(version, pkt->icmp.type, pkt->icmp.code);
}

bool annotate_icmp_is_error(const struct packet *pkt)
{
	return decode_icmp_is_error(pkt->l4 == L4_ICMPV6 ? 6 : 4, pkt->icmp.type);
}

static const struct {
	uint8_t flag;
	char letter;
} tcp_flag_letters[] = {
    {TCP_FIN, 'F'}, {TCP_SYN, 'S'}, {TCP_RST, 'R'}, {TCP_PSH, 'P'},
    {TCP_ACK, '.'}, {TCP_URG, 'U'}, {TCP_ECE, 'E'}, {TCP_CWR, 'W'},
};

void annotate_tcp_flags(uint8_t flags, char *buf, size_t size)
{
	size_t n = 0;

	if (size == 0)
		return;
	for (size_t i = 0; i < SS_ARRAY_SIZE(tcp_flag_letters) && n + 1 < size; i++)
		if (flags & tcp_flag_letters[i].flag)
			buf[n++] = tcp_flag_letters[i].letter;
	buf[n] = '\0';
	if (n == 0 && size > 4)
		memcpy(buf, "none", 5);
}

static const char *lookup_meaning(const struct annotate_term *table, size_t count,
                                  const char *key, const char *unknown)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(table[i].key, key) == 0)
			return table[i].words;
	return unknown;
}

static const struct annotate_term conn_states[] = {
    {"S0", "connection attempt seen, no reply"},
    {"S1", "connection established, not terminated"},
    {"SF", "normal establishment and termination"},
    {"REJ", "connection attempt rejected"},
    {"S2", "established, and the originator asked to close but the responder never replied"},
    {"S3", "established, and the responder asked to close but the originator never replied"},
    {"RSTO", "established, then the originator aborted it with a RST"},
    {"RSTR", "the responder sent a RST"},
    {"RSTOS0", "the originator sent a SYN then a RST; no SYN-ACK was seen"},
    {"RSTRH", "the responder sent a RST (Zeek's case for a SYN-ACK then a RST); no SYN from "
              "the originator was seen"},
    {"SH", "the originator sent a SYN then a FIN; no SYN-ACK was seen (half open)"},
    {"SHR", "the responder sent a SYN-ACK then a FIN; no SYN was seen"},
    {"OTH", "no SYN seen, just midstream traffic"},
};

/* UDP (and ICMP) have no establishment or termination: Zeek's codes mean only who sent. */
static const struct annotate_term conn_states_udp[] = {
    {"S0", "only the originator sent datagrams; nothing came back"},
    {"SF", "datagrams went both ways; UDP has no establishment or termination"},
    {"SHR", "only the responder sent datagrams"},
    {"OTH", "no clear originator"},
};

/* Zeek history letters, lower case; upper case = the originator (client). */
static const struct annotate_term history_letters[] = {
    {"s", "SYN"},         {"h", "SYN-ACK"},          {"a", "pure ACK"},
    {"d", "packet with data"}, {"f", "FIN"},         {"r", "RST"},
    {"c", "bad checksum"}, {"g", "content gap"},     {"i", "inconsistent packet"},
    {"q", "multi-flag packet"}, {"t", "retransmitted payload"}, {"w", "zero window"},
    {"x", "orientation flipped"}, {"^", "direction flipped"},
};

const char *annotate_conn_state_meaning(const char *conn_state, enum decode_l4 proto)
{
	if (proto != L4_TCP) /* UDP, ICMP: no establishment or termination */
		return lookup_meaning(conn_states_udp, SS_ARRAY_SIZE(conn_states_udp), conn_state,
		                      "unknown");
	return lookup_meaning(conn_states, SS_ARRAY_SIZE(conn_states), conn_state, "unknown");
}

const struct annotate_term *annotate_glossary(enum annotate_glossary which, size_t *count)
{
	static const struct {
		const struct annotate_term *terms;
		size_t count;
	} tables[] = {
	    [ANNOTATE_GLOSSARY_CONN_STATE] = {conn_states, SS_ARRAY_SIZE(conn_states)},
	    [ANNOTATE_GLOSSARY_CONN_STATE_UDP] = {conn_states_udp, SS_ARRAY_SIZE(conn_states_udp)},
	    [ANNOTATE_GLOSSARY_HISTORY] = {history_letters, SS_ARRAY_SIZE(history_letters)},
	};

	if ((unsigned)which >= SS_ARRAY_SIZE(tables)) {
		*count = 0;
		return NULL;
	}
	*count = tables[which].count;
	return tables[which].terms;
}

/* One sentence per end_reason (docs/analysis.md, "Flow life and expiry"). */
static const struct annotate_term end_reasons[] = {
    {"closed", "It ended after both sides had closed it."},
    {"reset", "It ended when a RST aborted it."},
    {"idle", "It ended when no packet came for a long time (an idle timeout)."},
    {"reused", "It ended when a new connection started on the same addresses and ports."},
    {"trace end", "The capture ended while this flow was still being followed."},
    {"evicted", "sockscope stopped following it to make room: too many flows were open at once."},
};

const char *annotate_end_reason_sentence(const char *end_reason)
{
	return lookup_meaning(end_reasons, SS_ARRAY_SIZE(end_reasons), end_reason, "It ended.");
}

static const struct {
	enum track_analysis flag;
	const char *meaning;
} analysis_meanings[] = {
    {TA_RETRANSMISSION, "Retransmission: these bytes were sent before and are sent again; "
                        "the packet's details name the first send and the cause (timer, "
                        "duplicate ACKs, tail-loss probe, SYN timer), or say it is unknown."},
    {TA_FAST_RETRANSMISSION, "Fast retransmission: the receiver sent duplicate ACKs asking "
                             "for exactly this byte, so the sender resent it at once instead "
                             "of waiting for its timer."},
    {TA_SPURIOUS_RETRANSMISSION, "Spurious retransmission: the receiver had already "
                                 "acknowledged these bytes; sending them again was not needed."},
    {TA_OUT_OF_ORDER, "Out of order: this segment carries older bytes than one sent just "
                      "before it; the network delivered them in a different order."},
    {TA_LOST_SEGMENT, "Previous segment not captured: the sequence number jumps ahead, so "
                      "some bytes before this segment were lost or not captured."},
    {TA_ACK_LOST_SEGMENT, "ACKed unseen segment: this ACK covers bytes the capture never "
                          "saw, so they passed without being captured."},
    {TA_DUPLICATE_ACK, "Duplicate ACK: the same acknowledgment again; the receiver is "
                       "still waiting for the same byte, usually because a later segment "
                       "arrived while an earlier one is missing."},
    {TA_ZERO_WINDOW, "Zero window: the sender's receive buffer is full; the other side "
                     "must stop sending data until the window opens."},
    {TA_ZERO_WINDOW_PROBE, "Zero window probe: one byte sent into a closed window to ask "
                           "whether it has opened yet."},
    {TA_ZERO_WINDOW_PROBE_ACK, "Zero window probe ACK: the answer to a probe; the window is "
                               "still closed."},
    {TA_WINDOW_FULL, "Window full: this segment fills the receiver's advertised window to "
                     "its last byte; the sender must now wait for an ACK."},
    {TA_WINDOW_UPDATE, "Window update: nothing new is acknowledged, only the window changed: "
                       "the receiver has made room for more data."},
    {TA_KEEP_ALIVE, "Keep-alive: a segment one byte behind, sent after a quiet time only to "
                    "check that the other side is still there."},
    {TA_KEEP_ALIVE_ACK, "Keep-alive ACK: the answer to a keep-alive; the other side is alive."},
    {TA_REUSED_PORTS, "Ports reused: a new connection starts on the same addresses and ports "
                      "as an earlier one."},
};

const char *annotate_analysis_meaning(enum track_analysis flag)
{
	for (size_t i = 0; i < SS_ARRAY_SIZE(analysis_meanings); i++)
		if (analysis_meanings[i].flag == flag)
			return analysis_meanings[i].meaning;
	return NULL;
}
