/*
 * text.c - the timeline for a terminal, one line per event, as tcpdump -n
 * prints packets, and then what sockscope adds:
 *
 *   08:44:08.791530 flow 1 127.0.0.1.49254 > 127.0.0.1.7000: [S] seq 0 win 65495 ...  client SYN_SENT, server LISTEN
 *   08:44:08.791912 flow 1 127.0.0.1.7000 > 127.0.0.1.49254: [P.] seq 1:6 ...  !retransmission
 *   08:44:08.791000 server accept(fd 3) = 4  flow 1
 *
 * A state is shown when the packet changed it (before→after); analysis flags
 * follow a '!' (in colour when asked); with verbose, the explanation's summary
 * on an indented line.  The flows' summaries close the output.  No JSON
 * escaping is needed, but captured text never reaches the terminal: a label
 * holds numbers and names only, and summaries are sockscope's own sentences.
 */
#include "parts.h"
#include "sockscope/kernel.h"

#include <string.h>

#define TEXT_LINE 2048

/* ANSI SGR: bold red for losses and resends, yellow for the rest. */
#define COLOR_LOSS  "\033[1;31m"
#define COLOR_FLAG  "\033[33m"
#define COLOR_STATE "\033[36m"
#define COLOR_OFF   "\033[0m"

#define LOSS_FLAGS                                                                             \
	(TA_RETRANSMISSION | TA_FAST_RETRANSMISSION | TA_SPURIOUS_RETRANSMISSION |             \
	 TA_OUT_OF_ORDER | TA_LOST_SEGMENT | TA_ACK_LOST_SEGMENT)

/* A line under construction; text past the end is cut, never overrun. */
struct line {
	char buf[TEXT_LINE];
	size_t len;
};

static void put(struct line *l, const char *text)
{
	size_t n = strlen(text), room = sizeof l->buf - 1 - l->len;

	if (n > room)
		n = room;
	memcpy(l->buf + l->len, text, n);
	l->len += n;
	l->buf[l->len] = '\0';
}

static void put_u64(struct line *l, uint64_t v)
{
	char text[24], *p = text + sizeof text - 1;

	*p = '\0';
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	put(l, p);
}

static void put_color(struct line *l, const struct timeline_writer *w, const char *color)
{
	if (w->options.color)
		put(l, color);
}

/* "08:44:08.791530": the time of day (UTC), as tcpdump prints it (local there). */
static void put_time(struct line *l, struct timeline_writer *w, int64_t sec, uint32_t nsec)
{
	const char *prefix = timeline_iso_prefix(w, sec);
	char micros[8];
	uint32_t us = (nsec % 1000000000u) / 1000u;

	if (!*prefix) { /* a year no clock shows: seconds since 1970 */
		char seconds[24];
		snprintf(seconds, sizeof seconds, "%lld", (long long)sec);
		put(l, seconds);
	}
	put(l, strlen(prefix) > 11 ? prefix + 11 : prefix);
	micros[0] = '.';
	for (int i = 6; i >= 1; i--, us /= 10)
		micros[i] = (char)('0' + us % 10);
	micros[7] = '\0';
	put(l, micros);
}

/* tcpdump's "addr.port" (the port left out for ICMP and others). */
static void put_endpoint(struct line *l, const struct ss_addr *addr, uint16_t port, bool ports)
{
	char text[SS_ADDR_STRLEN];

	put(l, ss_addr_format(addr, text, sizeof text));
	if (ports) {
		put(l, ".");
		put_u64(l, port);
	}
}

static void put_addresses(struct line *l, const struct packet *pkt)
{
	bool ports = pkt->l4 == L4_TCP || pkt->l4 == L4_UDP;
	uint16_t sport = pkt->l4 == L4_TCP ? pkt->tcp.sport : pkt->udp.sport;
	uint16_t dport = pkt->l4 == L4_TCP ? pkt->tcp.dport : pkt->udp.dport;

	if (pkt->l3 != L3_IPV4 && pkt->l3 != L3_IPV6) {
		put(l, pkt->l3 == L3_ARP ? "ARP" : "not IP");
		return;
	}
	put_endpoint(l, &pkt->ip.src, sport, ports);
	put(l, " > ");
	put_endpoint(l, &pkt->ip.dst, dport, ports);
}

static void put_transition(struct line *l, const char *side, enum track_tcp_state before,
                           enum track_tcp_state after, bool *first)
{
	if (before == after)
		return;
	put(l, *first ? "  " : ", ");
	*first = false;
	put(l, side);
	put(l, " ");
	put(l, track_state_name(before));
	put(l, "\u2192");
	put(l, track_state_name(after));
}

static void put_states(struct line *l, struct timeline_writer *w, const struct track_result *tr)
{
	bool first = true;
	size_t mark = l->len;

	put_color(l, w, COLOR_STATE);
	put_transition(l, "client", tr->state_client_before, tr->state_client, &first);
	put_transition(l, "server", tr->state_server_before, tr->state_server, &first);
	if (first) {
		l->len = mark; /* no change: no colour either */
		l->buf[mark] = '\0';
		return;
	}
	put_color(l, w, COLOR_OFF);
}

static void put_flags(struct line *l, struct timeline_writer *w, uint32_t analysis)
{
	for (unsigned bit = 0; bit < TA_COUNT_FLAGS; bit++) {
		uint32_t flag = 1u << bit;
		if (!(analysis & flag))
			continue;
		put(l, "  ");
		put_color(l, w, (flag & LOSS_FLAGS) ? COLOR_LOSS : COLOR_FLAG);
		put(l, "!");
		put(l, track_analysis_name((enum track_analysis)flag));
		put_color(l, w, COLOR_OFF);
	}
}

static void text_packet(struct timeline_writer *w, const struct timeline_packet *p)
{
	const struct track_result *tr = p->track;
	struct line l = {.len = 0};

	put_time(&l, w, p->ts_sec, p->ts_nsec);
	if (tr->flow_id) {
		put(&l, " flow ");
		put_u64(&l, tr->flow_id);
	}
	put(&l, " ");
	put_addresses(&l, p->pkt);
	put(&l, ": ");
	put(&l, p->label ? p->label : "");
	if (p->pkt->l4 == L4_TCP)
		put_states(&l, w, tr);
	put_flags(&l, w, tr->analysis);
	if (w->options.verbose && p->explain) {
		put(&l, "\n    ");
		put(&l, p->explain->summary);
	}
	put(&l, "\n");
	emit_raw(&w->events, l.buf);
}

/* A call's args are the demo's own text, e.g. "fd 3, 127.0.0.1:7000". */
static void text_call(struct timeline_writer *w, const struct timeline_call *c)
{
	const struct demo_call *call = c->call;
	struct line l = {.len = 0};
	char ret[24];

	put_time(&l, w, call->ts_sec, call->ts_nsec);
	put(&l, " ");
	put(&l, call->side);
	if (strcmp(call->call, "note") == 0) {
		put(&l, " note: ");
		put(&l, call->args);
	} else {
		put(&l, " ");
		put(&l, call->call);
		put(&l, "(");
		put(&l, call->args);
		snprintf(ret, sizeof ret, ") = %ld", call->ret);
		put(&l, ret);
		if (call->err) {
			put(&l, " ");
			put(&l, strerrorname_np(call->err) ? strerrorname_np(call->err) : "");
		}
		if (c->flow) {
			put(&l, "  flow ");
			put_u64(&l, c->flow);
		}
	}
	put(&l, "\n");
	emit_raw(&w->events, l.buf);
}

/* Counter deltas and the notes citing them; a socket's sample only when verbose. */
static void text_kernel(struct timeline_writer *w, const struct timeline_kernel_event *k)
{
	const struct kernel_record *rec = k->record;
	struct line l = {.len = 0};
	char text[640];

	if (rec && (rec->kind != KREC_SOCKET || w->options.verbose)) {
		put_time(&l, w, rec->ts_sec, rec->ts_nsec);
		put(&l, " kernel ");
		if (rec->kind == KREC_SOCKET) {
			put(&l, kernel_record_side(rec));
			put(&l, " ");
			put(&l, kernel_tcp_state_name(rec->sock.state));
		} else {
			for (size_t i = 0; i < rec->delta_count; i++) {
				snprintf(text, sizeof text, "%s%s %+lld", i ? ", " : "",
				         rec->deltas[i].name, (long long)rec->deltas[i].delta);
				put(&l, text);
			}
		}
		if (k->flow) {
			put(&l, "  flow ");
			put_u64(&l, k->flow);
		}
		put(&l, "\n");
	}
	for (size_t i = 0; i < k->note_count; i++) {
		timeline_kernel_note_text(&k->notes[i], k->t, text, sizeof text);
		put(&l, "    kernel note: ");
		put(&l, text);
		put(&l, "\n");
	}
	emit_raw(&w->events, l.buf);
}

static void put_flow_counts(struct line *l, const struct track_flow_summary *flow)
{
	put(l, ", ");
	put_u64(l, flow->packets[TRACK_C2S] + flow->packets[TRACK_S2C]);
	put(l, " packets (client ");
	put_u64(l, flow->packets[TRACK_C2S]);
	put(l, ", server ");
	put_u64(l, flow->packets[TRACK_S2C]);
	put(l, "), ");
	put_u64(l, flow->bytes[TRACK_C2S] + flow->bytes[TRACK_S2C]);
	put(l, " bytes");
}

static void text_flow(struct timeline_writer *w, const struct track_flow_summary *flow)
{
	bool ports = flow->proto == L4_TCP || flow->proto == L4_UDP;
	struct line l = {.len = 0};
	char narrative[1024];

	put(&l, "flow ");
	put_u64(&l, flow->id);
	put(&l, " ");
	put(&l, timeline_proto_name(flow->proto));
	put(&l, " ");
	put_endpoint(&l, &flow->client_addr, flow->client_port, ports);
	put(&l, " > ");
	put_endpoint(&l, &flow->server_addr, flow->server_port, ports);
	put(&l, ": ");
	put(&l, flow->conn_state);
	if (flow->history[0]) {
		put(&l, " ");
		put(&l, flow->history);
	}
	put_flow_counts(&l, flow);
	if (w->options.verbose) {
		annotate_flow(flow, narrative, sizeof narrative);
		put(&l, "\n    ");
		put(&l, narrative);
	}
	put(&l, "\n");
	emit_raw(&w->flows, l.buf);
}

static void text_open(struct timeline_writer *w)
{
	(void)w;
}

/* The flows in the order they ended, after a blank line. */
static void text_finish(struct timeline_writer *w, const struct timeline_source *source)
{
	(void)source;
	if (w->flow_count)
		emit_raw(&w->events, "\n");
	timeline_copy_spool(w, NULL);
}

const struct timeline_backend timeline_text_backend = {
    .open = text_open,
    .packet = text_packet,
    .call = text_call,
    .kernel = text_kernel,
    .flow = text_flow,
    .finish = text_finish,
};
