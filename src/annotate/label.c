/* label.c - tcpdump-style labels for ladder arrows: "[S.] seq 0 ack 1 win 65483 mss 1460". */
#include "annotate_internal.h"

#include <stdio.h>

static void label_tcp_options(struct text *t, const struct packet *pkt)
{
	const char *sep = " ";

	for (unsigned i = 0; i < pkt->tcp.option_count && i < DECODE_MAX_TCP_OPTIONS; i++) {
		const struct tcp_option *o = &pkt->tcp.options[i];
		if (o->kind == TCPOPT_MSS)
			text_add(t, "%smss %u", sep, (unsigned)o->u.mss);
		else if (o->kind == TCPOPT_SACK_PERM)
			text_add(t, "%ssackOK", sep);
		else if (o->kind == TCPOPT_TIMESTAMP)
			text_add(t, "%sTS", sep);
		else if (o->kind == TCPOPT_WSCALE)
			text_add(t, "%swscale %u", sep, (unsigned)o->u.wscale);
		else if (o->kind == TCPOPT_SACK)
			text_add(t, "%ssack %u", sep, (unsigned)o->u.sack.count);
		else
			continue;
		sep = ",";
	}
}

static void label_tcp(struct text *t, const struct packet *pkt, const struct track_result *tr)
{
	char flags[12];
	uint32_t len = pkt->payload_wire_len ? pkt->payload_wire_len : pkt->payload_len;
	uint32_t seq = tr && tr->has_rel ? tr->seq_rel : pkt->tcp.seq;
	uint32_t ack = tr && tr->has_rel ? tr->ack_rel : pkt->tcp.ack;

	annotate_tcp_flags(pkt->tcp.flags, flags, sizeof flags);
	text_add(t, "[%s] seq %u", flags, (unsigned)seq);
	if (len)
		text_add(t, ":%u", (unsigned)(seq + len));
	if (pkt->tcp.flags & TCP_ACK)
		text_add(t, " ack %u", (unsigned)ack);
	text_add(t, " win %u", (unsigned)pkt->tcp.window);
	label_tcp_options(t, pkt);
	if (len)
		text_add(t, " len %u", (unsigned)len);
}

static void label_icmp(struct text *t, const struct packet *pkt)
{
	const char *name = annotate_icmp_name(pkt);

	if (name)
		text_add(t, "ICMP %s", name);
	else
		text_add(t, "ICMP type %u code %u", (unsigned)pkt->icmp.type,
		         (unsigned)pkt->icmp.code);
	if (name && (pkt->icmp.type == 8 || pkt->icmp.type == 0 || pkt->icmp.type == 128 ||
	             pkt->icmp.type == 129))
		text_add(t, " id %u seq %u", (unsigned)pkt->icmp.id, (unsigned)pkt->icmp.seq);
}

void annotate_label(const struct packet *pkt, const struct track_result *tr, char *buf, size_t size)
{
	struct text t;

	text_init(&t, buf, size);
	if (pkt->l4 == L4_TCP)
		label_tcp(&t, pkt, tr);
	else if (pkt->l4 == L4_UDP)
		text_add(&t, "UDP len %u", (unsigned)pkt->payload_wire_len);
	else if (pkt->l4 == L4_ICMP || pkt->l4 == L4_ICMPV6)
		label_icmp(&t, pkt);
	else if (pkt->l3 == L3_IPV4 || pkt->l3 == L3_IPV6)
		text_add(&t, "IP proto %u", (unsigned)pkt->ip.proto);
	else
		text_add(&t, "non-IP frame");
}
