/* names.c - words for ICMP types, TCP flags, Zeek conn_state codes and analysis flags. */
#include "annotate_internal.h"

#include <string.h>

struct icmp_name {
	enum decode_l4 l4;
	uint8_t type;
	int code; /* -1: any code */
	const char *name;
};

/* RFC 792 and RFC 4443 (the common ones; the rest print their numbers). */
static const struct icmp_name icmp_names[] = {
    {L4_ICMP, 0, -1, "echo reply"},
    {L4_ICMP, 3, 0, "net unreachable"},
    {L4_ICMP, 3, 1, "host unreachable"},
    {L4_ICMP, 3, 2, "protocol unreachable"},
    {L4_ICMP, 3, 3, "port unreachable"},
    {L4_ICMP, 3, 4, "fragmentation needed"},
    {L4_ICMP, 3, 13, "administratively prohibited"},
    {L4_ICMP, 3, -1, "destination unreachable"},
    {L4_ICMP, 4, -1, "source quench"},
    {L4_ICMP, 5, -1, "redirect"},
    {L4_ICMP, 8, -1, "echo request"},
    {L4_ICMP, 11, 0, "time exceeded in transit"},
    {L4_ICMP, 11, -1, "time exceeded"},
    {L4_ICMP, 12, -1, "parameter problem"},
    {L4_ICMPV6, 1, 4, "port unreachable"},
    {L4_ICMPV6, 1, 1, "administratively prohibited"},
    {L4_ICMPV6, 1, -1, "destination unreachable"},
    {L4_ICMPV6, 2, -1, "packet too big"},
    {L4_ICMPV6, 3, -1, "time exceeded"},
    {L4_ICMPV6, 4, -1, "parameter problem"},
    {L4_ICMPV6, 128, -1, "echo request"},
    {L4_ICMPV6, 129, -1, "echo reply"},
    {L4_ICMPV6, 135, -1, "neighbor solicitation"},
    {L4_ICMPV6, 136, -1, "neighbor advertisement"},
};

const char *annotate_icmp_name(enum decode_l4 l4, uint8_t type, uint8_t code)
{
	for (size_t i = 0; i < SS_ARRAY_SIZE(icmp_names); i++) {
		const struct icmp_name *n = &icmp_names[i];
		if (n->l4 == l4 && n->type == type && (n->code < 0 || n->code == code))
			return n->name;
	}
	return NULL;
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

static const struct {
	const char *code, *meaning;
} conn_states[] = {
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
	for (size_t i = 0; i < SS_ARRAY_SIZE(conn_states); i++)
		if (strcmp(conn_states[i].code, conn_state) == 0)
			return conn_states[i].meaning;
	return "unknown";
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
