/* names.c - words for TCP flags, end reasons, Zeek conn_state codes and analysis flags. */
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

/* A word or code and the words that explain it. */
struct meaning {
	const char *key, *words;
};

static const char *lookup_meaning(const struct meaning *table, size_t count, const char *key,
                                  const char *unknown)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(table[i].key, key) == 0)
			return table[i].words;
	return unknown;
}

static const struct meaning conn_states[] = {
    {"S0", "connection attempt seen, no reply"},
    {"S1", "connection established, not terminated"},
    {"SF", "normal establishment and termination"},
    {"REJ", "connection attempt rejected"},
    {"S2", "established, and the originator asked to close but the responder never replied"},
    {"S3", "established, and the responder asked to close but the originator never replied"},
    {"RSTO", "established, then the originator aborted it with a RST"},
    {"RSTR", "the responder sent a RST"},
    {"RSTOS0", "the originator sent a SYN then a RST; no SYN-ACK was seen"},
    {"RSTRH", "the responder sent a SYN-ACK then a RST; no SYN was seen"},
    {"SH", "the originator sent a SYN then a FIN; no SYN-ACK was seen (half open)"},
    {"SHR", "the responder sent a SYN-ACK then a FIN; no SYN was seen"},
    {"OTH", "no SYN seen, just midstream traffic"},
};

const char *annotate_conn_state_meaning(const char *conn_state)
{
	return lookup_meaning(conn_states, SS_ARRAY_SIZE(conn_states), conn_state, "unknown");
}

/* One sentence per end_reason (docs/analysis.md, "Flow life and expiry"). */
static const struct meaning end_reasons[] = {
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
    {TA_RETRANSMISSION, "Retransmission: these bytes were sent before; the sender gave up "
                        "waiting for their ACK and sent them again."},
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
