/*
 * glossary.c - what the kernel's counters count, for the timeline and the page.
 *
 * One table, the only copy: the timeline carries the sentences of the
 * counters that moved (source.counters_glossary), and the page shows them
 * from there.  The meanings are those of the Linux sources that increment
 * them (net/ipv4/tcp_input.c, tcp_timer.c, tcp_ipv4.c, udp.c, proc.c).
 */
#include "sockscope/kernel.h"

#include <string.h>

struct gloss {
	const char *name, *text;
};

static const struct gloss glossary[] = {
    {"TcpActiveOpens",
     "connections this host opened with connect(): SYN sent (CLOSED to SYN_SENT)"},
    {"TcpPassiveOpens", "connections accepted by a listener: SYN received (LISTEN to SYN_RECV)"},
    {"TcpAttemptFails",
     "connection attempts that failed: SYN_SENT or SYN_RECV went back to CLOSED or LISTEN"},
    {"TcpEstabResets", "connections reset while ESTABLISHED or CLOSE_WAIT"},
    {"TcpCurrEstab", "connections now ESTABLISHED or CLOSE_WAIT (a gauge, not a counter)"},
    {"TcpInSegs", "TCP segments received, errors included"},
    {"TcpOutSegs", "TCP segments sent, retransmissions excluded"},
    {"TcpRetransSegs", "TCP segments retransmitted"},
    {"TcpInErrs", "TCP segments received with an error (bad checksum, bad header)"},
    {"TcpOutRsts", "TCP segments sent with RST set"},
    {"TcpExtListenOverflows",
     "SYNs or final ACKs dropped because a listener's accept queue was full"},
    {"TcpExtListenDrops",
     "segments to a listener that were dropped, for any reason (overflows included)"},
    {"TcpExtTCPTimeouts", "retransmission timer (RTO) expirations: the sender waited a whole RTO "
                          "without an acknowledgement"},
    {"TcpExtTCPLossProbes", "tail loss probes sent (RFC 8985): a segment resent before the RTO to "
                            "provoke an acknowledgement"},
    {"TcpExtTCPLossProbeRecovery", "losses repaired by a tail loss probe"},
    {"TcpExtTCPFastRetrans",
     "segments resent by fast retransmit, after duplicate acknowledgements or SACKs"},
    {"TcpExtTCPSlowStartRetrans", "segments resent in slow start after a timeout"},
    {"TcpExtTCPSackRecovery", "fast recoveries entered with SACK information"},
    {"TcpExtTCPRenoRecovery", "fast recoveries entered without SACK (NewReno)"},
    {"TcpExtTCPSackRecoveryFail", "fast recoveries with SACK that ended in a timeout"},
    {"TcpExtTCPLostRetransmit", "retransmissions that were lost too"},
    {"TcpExtTCPDSACKRecv", "duplicate SACKs received: the peer got a segment twice"},
    {"TcpExtTCPDSACKOldSent", "duplicate SACKs sent for old data received again"},
    {"TcpExtTCPDSACKOfoSent", "duplicate SACKs sent for out-of-order data received again"},
    {"TcpExtTCPSACKReorder", "reordering detected from SACKs"},
    {"TcpExtTCPSynRetrans", "SYNs and SYN-ACKs retransmitted"},
    {"TcpExtTCPAbortOnClose", "connections reset by close() because unread data was waiting"},
    {"TcpExtTCPAbortOnLinger", "connections reset by close() with SO_LINGER of 0 seconds"},
    {"TcpExtTCPAbortOnData", "connections reset because data arrived after the application closed"},
    {"TcpExtTCPAbortOnTimeout", "connections abandoned after too many retransmission timeouts"},
    {"TcpExtTCPToZeroWindowAdv",
     "times this host advertised a zero receive window after a non-zero one"},
    {"TcpExtTCPFromZeroWindowAdv",
     "times this host reopened its receive window after advertising zero"},
    {"TcpExtTCPWantZeroWindowAdv", "times the receive buffer would have needed a zero window"},
    {"TcpExtTCPWinProbe",
     "zero-window probes sent: the peer's window was zero and data was waiting"},
    {"TcpExtTCPRcvQDrop", "segments dropped because the receive buffer was full"},
    {"TcpExtTCPRcvCollapsed", "segments merged in the receive queue to save memory"},
    {"TcpExtPruneCalled", "times the receive queue had to be pruned for lack of buffer"},
    {"TcpExtTCPOFOQueue", "segments put in the out-of-order queue"},
    {"TcpExtTCPDelivered",
     "segments delivered to the peer (acknowledged), retransmissions included"},
    {"TcpExtTCPHPHits", "segments handled by the fast path (header prediction)"},
    {"TcpExtTCPPureAcks", "acknowledgements received without data"},
    {"TcpExtTCPHPAcks", "acknowledgements handled by the fast path"},
    {"TcpExtDelayedACKs", "delayed acknowledgements sent when the delayed-ACK timer fired"},
    {"TcpExtDelayedACKLost", "times a delayed ACK was lost: the peer resent data already received"},
    {"TcpExtTCPSpuriousRTOs", "retransmission timeouts found spurious afterwards (F-RTO)"},
    {"TcpExtTCPSpuriousRtxHostQueues",
     "retransmissions skipped because the original was still queued on this host"},
    {"TcpExtTW", "connections that finished their TIME_WAIT"},
    {"TcpExtTCPBacklogCoalesce",
     "segments merged in a socket's backlog while the application held it"},
    {"TcpExtTCPAutoCorking", "small sends held back to be merged (autocorking)"},
    {"TcpExtTCPOrigDataSent", "segments of new data sent (not retransmissions)"},
    {"TcpExtTCPSYNChallenge", "challenge ACKs sent in answer to a SYN on an open connection"},
    {"TcpExtTCPChallengeACK", "challenge ACKs sent (RFC 5961)"},
    {"TcpExtTCPKeepAlive", "keep-alive probes sent"},
    {"TcpExtEmbryonicRsts", "resets received for connections still in SYN_RECV"},
    {"TcpExtSyncookiesSent", "SYN cookies sent because the SYN queue was full"},
    {"TcpExtTCPReqQFullDrop", "SYNs dropped because the SYN queue was full and cookies were off"},
    {"TcpExtTCPRcvCoalesce", "segments merged into one in the receive queue"},
    {"TcpExtTCPACKSkippedSynRecv", "ACKs not sent in SYN_RECV (rate limit)"},
    {"IpInReceives", "IP datagrams received, errors included"},
    {"IpInDelivers", "IP datagrams handed to a transport protocol (TCP, UDP, ICMP)"},
    {"IpOutRequests", "IP datagrams handed down for sending by TCP, UDP, ICMP"},
    {"IpExtInOctets", "bytes of IP received"},
    {"IpExtOutOctets", "bytes of IP sent"},
    {"IpExtInNoECTPkts", "IP datagrams received without ECN capability"},
    {"UdpInDatagrams", "UDP datagrams delivered to a socket"},
    {"UdpOutDatagrams", "UDP datagrams sent"},
    {"UdpNoPorts", "UDP datagrams to a port nobody listens on (answered by ICMP port unreachable)"},
    {"UdpInErrors",
     "UDP datagrams that could not be delivered for another reason (full buffer, bad checksum)"},
    {"UdpRcvbufErrors", "UDP datagrams dropped because the socket's receive buffer was full"},
    {"UdpSndbufErrors", "UDP datagrams not sent because the send buffer was full"},
    {"UdpInCsumErrors", "UDP datagrams with a bad checksum"},
    {"IcmpInMsgs", "ICMP messages received"},
    {"IcmpOutMsgs", "ICMP messages sent"},
    {"IcmpInDestUnreachs", "ICMP destination unreachable messages received"},
    {"IcmpOutDestUnreachs", "ICMP destination unreachable messages sent"},
    {"IcmpInEchos", "ICMP echo requests received"},
    {"IcmpOutEchoReps", "ICMP echo replies sent"},
    {"IcmpInEchoReps", "ICMP echo replies received"},
    {"IcmpOutEchos", "ICMP echo requests sent"},
    {"IcmpMsgInType3", "ICMP messages of type 3 (destination unreachable) received"},
    {"IcmpMsgOutType3", "ICMP messages of type 3 (destination unreachable) sent"},
    {"IcmpMsgInType0", "ICMP echo replies (type 0) received"},
    {"IcmpMsgOutType0", "ICMP echo replies (type 0) sent"},
    {"IcmpMsgInType8", "ICMP echo requests (type 8) received"},
    {"IcmpMsgOutType8", "ICMP echo requests (type 8) sent"},
    {"Ip6InReceives", "IPv6 datagrams received"},
    {"Ip6InDelivers", "IPv6 datagrams handed to a transport protocol"},
    {"Ip6OutRequests", "IPv6 datagrams handed down for sending"},
    {"Udp6InDatagrams", "UDP datagrams over IPv6 delivered to a socket"},
    {"Udp6OutDatagrams", "UDP datagrams over IPv6 sent"},
    {"Udp6NoPorts", "UDP datagrams over IPv6 to a port nobody listens on"},
};

const char *kernel_counter_explain(const char *name)
{
	for (size_t i = 0; i < SS_ARRAY_SIZE(glossary); i++)
		if (strcmp(glossary[i].name, name) == 0)
			return glossary[i].text;
	return NULL;
}
