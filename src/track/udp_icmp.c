/*
 * udp_icmp.c - datagram flows: per-direction indexes, request/response
 * pairing for UDP and ICMP echo, and which ICMP messages are errors.
 *
 * Pairing: a server-to-client datagram answers the latest client-to-server
 * datagram not yet answered (one answer per request; later server datagrams
 * without a new request answer nothing).
 */
#include "track_internal.h"

static void pair_reply(struct flow *flow, enum track_dir dir, uint64_t frame,
                       struct track_result *out)
{
	if (dir == TRACK_C2S) {
		flow->udp.unanswered_frame = frame;
	} else if (flow->udp.unanswered_frame) {
		out->reply_to_frame = flow->udp.unanswered_frame;
		flow->udp.unanswered_frame = 0;
	}
}

/* FNV-1a over the captured payload and its length: equal datagrams hash equal. */
static uint64_t payload_hash(const struct packet *pkt)
{
	uint64_t h = 1469598103934665603ull ^ pkt->payload_wire_len;

	for (size_t i = 0; pkt->payload && i < pkt->payload_len; i++) {
		h ^= pkt->payload[i];
		h *= 1099511628211ull;
	}
	return h;
}

/*
 * An application resend: the same bytes again, in the same direction, while
 * the previous copy is still unanswered (stop-and-wait after a timeout).  UDP
 * itself never resends; this names the copy it repeats.
 */
static void note_resend(struct flow *flow, const struct packet *pkt, enum track_dir dir,
                        uint64_t frame, struct track_result *out)
{
	uint64_t h = payload_hash(pkt);
	bool unanswered = dir == TRACK_C2S && flow->udp.unanswered_frame == flow->udp.last_frame[dir];

	if (flow->udp.last_frame[dir] && flow->udp.last_hash[dir] == h && unanswered)
		out->udp_resend_of = flow->udp.last_frame[dir];
	flow->udp.last_hash[dir] = h;
	flow->udp.last_frame[dir] = frame;
}

void udp_packet(struct flow *flow, const struct packet *pkt, enum track_dir dir, uint64_t frame,
                struct track_result *out)
{
	out->udp_index = ++flow->udp.index[dir];
	note_resend(flow, pkt, dir, frame, out);
	pair_reply(flow, dir, frame, out);
}

void icmp_echo_packet(struct flow *flow, const struct packet *pkt, enum track_dir dir,
                      uint64_t frame, struct track_result *out)
{
	bool request;

	if (!icmp_is_echo(pkt, &request))
		return;
	/* a request from the server side is its own question; only replies are paired */
	if (request)
		flow->udp.unanswered_frame = dir == TRACK_C2S ? frame : flow->udp.unanswered_frame;
	else
		pair_reply(flow, TRACK_S2C, frame, out);
}

/* ICMPv4 (RFC 792) echo 8/0; ICMPv6 (RFC 4443) echo 128/129. */
bool icmp_is_echo(const struct packet *pkt, bool *is_request)
{
	uint8_t type = pkt->icmp.type;

	if (pkt->l4 == L4_ICMP && (type == 8 || type == 0)) {
		*is_request = type == 8;
		return true;
	}
	if (pkt->l4 == L4_ICMPV6 && (type == 128 || type == 129)) {
		*is_request = type == 128;
		return true;
	}
	return false;
}

/* Error messages quote the packet that caused them: v4 types 3, 4, 5, 11, 12; v6 types < 128. */
bool icmp_is_error(const struct packet *pkt)
{
	uint8_t type = pkt->icmp.type;

	if (pkt->l4 == L4_ICMP)
		return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
	if (pkt->l4 == L4_ICMPV6)
		return type < 128;
	return false;
}
