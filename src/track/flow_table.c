/*
 * flow_table.c - the flow table: canonical 5-tuple keys, a chained hash
 * table that doubles when it gets crowded, flow birth and end, and the
 * expiry lists (docs/analysis.md, "Flow life and expiry").
 *
 * Each flow sits in one of three LRU lists by expiry class (closed TCP, open
 * TCP, other); a list's flows share one timeout, so expiry only ever looks at
 * list heads: O(1) per packet plus the flows that actually end.
 */
#include "track_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

static const double expiry_timeout[EXPIRY_CLASSES] = {
    [EXPIRY_CLOSED] = TRACK_CLOSED_GRACE,
    [EXPIRY_TCP_OPEN] = TRACK_TCP_IDLE,
    [EXPIRY_OTHER] = TRACK_OTHER_IDLE,
};

static void addr_copy(struct ss_addr *to, const struct ss_addr *from)
{
	memset(to, 0, sizeof *to);
	to->family = from->family;
	memcpy(to->bytes, from->bytes, from->family == 6 ? 16 : 4);
}

/* Orders (src, sport) and (dst, dport); *src_is_a tells where the sender landed. */
static void key_set(struct flow_key *key, uint8_t proto, uint8_t kind, const struct ss_addr *src,
                    uint16_t sport, const struct ss_addr *dst, uint16_t dport, bool *src_is_a)
{
	int cmp = ss_addr_compare(src, dst);
	bool a_first = cmp < 0 || (cmp == 0 && sport <= dport);

	memset(key, 0, sizeof *key);
	key->proto = proto;
	key->kind = kind;
	addr_copy(&key->a, a_first ? src : dst);
	addr_copy(&key->b, a_first ? dst : src);
	key->aport = a_first ? sport : dport;
	key->bport = a_first ? dport : sport;
	if (src_is_a)
		*src_is_a = a_first;
}

/* The key of the flow a packet belongs to.  ICMP: echo by identifier, others by host pair. */
static void key_from_packet(const struct packet *pkt, struct flow_key *key, bool *src_is_a)
{
	uint16_t sport = 0, dport = 0;
	uint8_t kind = FLOW_PLAIN;
	bool request;

	if (pkt->l4 == L4_TCP) {
		sport = pkt->tcp.sport;
		dport = pkt->tcp.dport;
	} else if (pkt->l4 == L4_UDP) {
		sport = pkt->udp.sport;
		dport = pkt->udp.dport;
	} else if (pkt->l4 == L4_ICMP || pkt->l4 == L4_ICMPV6) {
		kind = icmp_is_echo(pkt, &request) ? FLOW_ICMP_ECHO : FLOW_ICMP_OTHER;
		if (kind == FLOW_ICMP_ECHO)
			sport = dport = pkt->icmp.id;
	}
	key_set(key, (uint8_t)pkt->l4, kind, &pkt->ip.src, sport, &pkt->ip.dst, dport, src_is_a);
	decode_tunnel_id(pkt, &key->tunnel_kind, &key->tunnel_id);
}

/*
 * SipHash-1-3 (Aumasson and Bernstein; the variant Rust's HashMap and
 * CPython use) over the whole key, keyed with 128 random bits per run: the
 * packets of a hostile capture cannot be chosen to share one bucket.  Keys
 * are built zeroed, so padding and unused bytes are 0.
 */
static uint64_t hash_key[2];
static pthread_once_t hash_key_once = PTHREAD_ONCE_INIT;

static void hash_key_init(void)
{
	if (getrandom(hash_key, sizeof hash_key, 0) != (ssize_t)sizeof hash_key) {
		struct timespec now; /* no entropy yet: still different per run */
		clock_gettime(CLOCK_REALTIME, &now);
		hash_key[0] = (uint64_t)now.tv_nsec << 32 ^ (uint64_t)now.tv_sec;
		hash_key[1] = (uint64_t)getpid() * 0x9e3779b97f4a7c15ull ^ (uintptr_t)&now;
	}
}

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND(v0, v1, v2, v3)                                                                   \
	do {                                                                                       \
		v0 += v1, v1 = ROTL(v1, 13), v1 ^= v0, v0 = ROTL(v0, 32);                          \
		v2 += v3, v3 = ROTL(v3, 16), v3 ^= v2;                                             \
		v0 += v3, v3 = ROTL(v3, 21), v3 ^= v0;                                             \
		v2 += v1, v1 = ROTL(v1, 17), v1 ^= v2, v2 = ROTL(v2, 32);                          \
	} while (0)

static uint64_t siphash13(const uint8_t *in, size_t len, const uint64_t k[2])
{
	uint64_t v0 = 0x736f6d6570736575ull ^ k[0], v1 = 0x646f72616e646f6dull ^ k[1];
	uint64_t v2 = 0x6c7967656e657261ull ^ k[0], v3 = 0x7465646279746573ull ^ k[1];
	uint64_t m, last = (uint64_t)len << 56;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&m, in + i, 8); /* little-endian hosts; the hash stays private */
		v3 ^= m;
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	for (size_t j = 0; i + j < len; j++)
		last |= (uint64_t)in[i + j] << (8 * j);
	v3 ^= last;
	SIPROUND(v0, v1, v2, v3);
	v0 ^= last;
	v2 ^= 0xff;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

static size_t key_hash(const struct flow_key *key)
{
	return (size_t)siphash13((const uint8_t *)key, sizeof *key, hash_key);
}

static bool key_equal(const struct flow_key *x, const struct flow_key *y)
{
	return memcmp(x, y, sizeof *x) == 0;
}

static struct flow *table_lookup(const struct track_table *table, const struct flow_key *key)
{
	struct flow *f = table->buckets[key_hash(key) & (table->bucket_count - 1)];

	while (f && !key_equal(&f->key, key))
		f = f->hash_next;
	return f;
}

/* Doubles the bucket array; on allocation failure the table keeps working, only slower. */
static void table_grow(struct track_table *table)
{
	size_t count = table->bucket_count * 2;
	struct flow **buckets = calloc(count, sizeof *buckets);

	if (!buckets)
		return;
	for (size_t i = 0; i < table->bucket_count; i++) {
		struct flow *f = table->buckets[i], *next;
		for (; f; f = next) {
			size_t b = key_hash(&f->key) & (count - 1);
			next = f->hash_next;
			f->hash_next = buckets[b];
			buckets[b] = f;
		}
	}
	free(table->buckets);
	table->buckets = buckets;
	table->bucket_count = count;
}

static void table_unlink(struct track_table *table, struct flow *flow)
{
	struct flow **pp = &table->buckets[key_hash(&flow->key) & (table->bucket_count - 1)];

	while (*pp && *pp != flow)
		pp = &(*pp)->hash_next;
	if (*pp)
		*pp = flow->hash_next;
}

static void lru_remove(struct lru_list *list, struct flow *flow)
{
	if (flow->lru_prev)
		flow->lru_prev->lru_next = flow->lru_next;
	else
		list->head = flow->lru_next;
	if (flow->lru_next)
		flow->lru_next->lru_prev = flow->lru_prev;
	else
		list->tail = flow->lru_prev;
	flow->lru_prev = flow->lru_next = NULL;
}

static void lru_append(struct lru_list *list, struct flow *flow)
{
	flow->lru_prev = list->tail;
	flow->lru_next = NULL;
	if (list->tail)
		list->tail->lru_next = flow;
	else
		list->head = flow;
	list->tail = flow;
}

/* Moves a flow to the tail of the list its class now belongs to. */
static void flow_touch(struct track_table *table, struct flow *flow, double t)
{
	enum expiry_class cls = EXPIRY_OTHER;

	if (flow->tcp)
		cls = flow->tcp->closed ? EXPIRY_CLOSED : EXPIRY_TCP_OPEN;
	lru_remove(&table->lists[flow->expiry], flow);
	flow->expiry = cls;
	flow->last_seen = t;
	lru_append(&table->lists[cls], flow);
}

/* The least recently seen flow of all: the oldest of the three lists' heads. */
static struct flow *least_recent_flow(const struct track_table *table)
{
	struct flow *oldest = NULL;

	for (int cls = 0; cls < EXPIRY_CLASSES; cls++) {
		struct flow *f = table->lists[cls].head;
		if (f && (!oldest || f->last_seen < oldest->last_seen))
			oldest = f;
	}
	return oldest;
}

/* Ends every flow whose class timeout has passed at trace time t, then the least
 * recently seen ones while more than TRACK_MAX_LIVE_FLOWS are held. */
static void expire_flows(struct track_table *table, double t)
{
	struct flow *f;

	for (int cls = 0; cls < EXPIRY_CLASSES; cls++)
		while ((f = table->lists[cls].head) && t - f->last_seen > expiry_timeout[cls])
			flow_end(table, f, cls == EXPIRY_CLOSED ? "closed" : "idle");
	while (table->live >= TRACK_MAX_LIVE_FLOWS && (f = least_recent_flow(table)))
		flow_end(table, f, "evicted");
}

static const struct ended_key *ended_lookup(const struct track_table *table,
                                            const struct flow_key *key)
{
	for (size_t i = 1; i <= table->ended_count; i++) {
		size_t pos = (table->ended_pos + TRACK_RECENT_ENDED - i) % TRACK_RECENT_ENDED;
		if (key_equal(&table->ended[pos].key, key))
			return &table->ended[pos];
	}
	return NULL;
}

static void ended_remember(struct track_table *table, const struct flow *flow)
{
	struct ended_key *e = &table->ended[table->ended_pos];

	e->key = flow->key;
	e->client_is_b = flow->client_is_b;
	e->id = flow->sum.id;
	e->last_frame = flow->sum.last_frame;
	table->ended_pos = (table->ended_pos + 1) % TRACK_RECENT_ENDED;
	if (table->ended_count < TRACK_RECENT_ENDED)
		table->ended_count++;
}

static void summary_set_endpoints(struct flow *flow)
{
	const struct flow_key *k = &flow->key;

	flow->sum.client_addr = flow->client_is_b ? k->b : k->a;
	flow->sum.server_addr = flow->client_is_b ? k->a : k->b;
	flow->sum.client_port = flow->client_is_b ? k->bport : k->aport;
	flow->sum.server_port = flow->client_is_b ? k->aport : k->bport;
}

static struct flow *flow_create(struct track_table *table, const struct flow_key *key,
                                bool client_is_b, const struct packet *pkt)
{
	struct flow *flow = calloc(1, sizeof *flow);

	if (!flow)
		return NULL;
	if (pkt->l4 == L4_TCP && !(flow->tcp = calloc(1, sizeof *flow->tcp))) {
		free(flow);
		return NULL;
	}
	flow->key = *key;
	flow->client_is_b = client_is_b;
	flow->sum.id = ++table->next_id;
	flow->sum.proto = pkt->l4;
	flow->sum.handshake_rtt = -1;
	flow->sum.wscale[0] = flow->sum.wscale[1] = -1;
	if (flow->tcp)
		flow->tcp->dir[0].wscale = flow->tcp->dir[1].wscale = -1;
	if (flow->tcp)
		flow->tcp->dir[0].win_scale = flow->tcp->dir[1].win_scale = -1;
	summary_set_endpoints(flow);

	size_t b = key_hash(key) & (table->bucket_count - 1);
	flow->hash_next = table->buckets[b];
	table->buckets[b] = flow;
	flow->expiry = EXPIRY_OTHER;
	lru_append(&table->lists[EXPIRY_OTHER], flow);
	if (++table->live > table->bucket_count - table->bucket_count / 4)
		table_grow(table);
	return flow;
}

/* Summarises, reports and frees a flow. */
void flow_end(struct track_table *table, struct flow *flow, const char *reason)
{
	struct track_flow_summary *sum = &flow->sum;

	if (flow->tcp) {
		sum->final_state[TRACK_C2S] = flow->tcp->dir[TRACK_C2S].state;
		sum->final_state[TRACK_S2C] = flow->tcp->dir[TRACK_S2C].state;
		if (flow->tcp->dir[0].rst_seen || flow->tcp->dir[1].rst_seen)
			reason = strcmp(reason, "closed") == 0 ? "reset" : reason;
	}
	zeek_finish(flow);
	snprintf(sum->end_reason, sizeof sum->end_reason, "%s", reason);
	if (table->on_flow_end)
		table->on_flow_end(sum, table->ctx);
	ended_remember(table, flow);
	table_unlink(table, flow);
	lru_remove(&table->lists[flow->expiry], flow);
	table->live--;
	free(flow->tcp);
	free(flow);
}

struct track_table *track_create(track_flow_end_fn on_flow_end, void *ctx)
{
	struct track_table *table = calloc(1, sizeof *table);

	if (!table)
		return NULL;
	pthread_once(&hash_key_once, hash_key_init);
	table->bucket_count = TRACK_INITIAL_BUCKETS;
	table->buckets = calloc(table->bucket_count, sizeof *table->buckets);
	if (!table->buckets) {
		free(table);
		return NULL;
	}
	table->on_flow_end = on_flow_end;
	table->ctx = ctx;
	return table;
}

static int compare_flow_id(const void *x, const void *y)
{
	uint64_t a = (*(struct flow *const *)x)->sum.id, b = (*(struct flow *const *)y)->sum.id;
	return a < b ? -1 : a > b;
}

void track_destroy(struct track_table *table)
{
	struct flow **all;
	size_t n = 0;

	if (!table)
		return;
	all = malloc((table->live ? table->live : 1) * sizeof *all);
	for (size_t i = 0; all && i < table->bucket_count; i++)
		for (struct flow *f = table->buckets[i]; f; f = f->hash_next)
			all[n++] = f;
	if (all) {
		qsort(all, n, sizeof *all, compare_flow_id);
		for (size_t i = 0; i < n; i++)
			flow_end(table, all[i], "trace end");
	}
	/* Out of memory for the sort: end them in table order rather than leak. */
	for (size_t i = 0; i < table->bucket_count; i++)
		while (table->buckets[i])
			flow_end(table, table->buckets[i], "trace end");
	free(all);
	free(table->buckets);
	free(table);
}

/* ICMP errors: counts the error on the flow it quotes and names that flow. */
static void tie_icmp_error(struct track_table *table, const struct packet *pkt,
                           struct track_result *out)
{
	struct flow_key key;
	bool quoted_is_a;
	struct flow *quoted;
	const struct ended_key *ended;

	if (!icmp_quoted_key(pkt, &key, &quoted_is_a))
		return;
	quoted = table_lookup(table, &key);
	if (quoted) {
		quoted->sum.icmp_errors++;
		out->icmp_flow = quoted->sum.id;
	} else if ((ended = ended_lookup(table, &key))) {
		out->icmp_flow = ended->id;
	}
}

/*
 * Finds or makes the packet's flow.  A SYN that opens a new connection on a
 * live or recently ended tuple ends the old flow and sets TA_REUSED_PORTS.
 */
static struct flow *flow_for_packet(struct track_table *table, const struct packet *pkt,
                                    const struct flow_key *key, bool src_is_a,
                                    struct track_result *out)
{
	struct flow *flow = table_lookup(table, key);
	bool syn = pkt->l4 == L4_TCP && (pkt->tcp.flags & (TCP_SYN | TCP_ACK)) == TCP_SYN;
	bool synack =
	    pkt->l4 == L4_TCP && (pkt->tcp.flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK);
	const struct ended_key *ended;
	bool client_is_b = !src_is_a;

	if (flow && flow->tcp) {
		enum track_dir dir = (src_is_a == !flow->client_is_b) ? TRACK_C2S : TRACK_S2C;
		if (!tcp_is_new_connection_syn(flow, pkt, dir))
			return flow;
		out->detail[ta_bit(TA_REUSED_PORTS)].frame = flow->sum.last_frame;
		flow_end(table, flow, "reused");
		out->analysis |= TA_REUSED_PORTS;
	} else if (flow) {
		return flow;
	}
	ended = ended_lookup(table, key);
	if (syn && ended) {
		out->analysis |= TA_REUSED_PORTS;
		out->detail[ta_bit(TA_REUSED_PORTS)].frame = ended->last_frame;
	}
	if (synack)
		client_is_b = src_is_a; /* the receiver of a SYN-ACK asked first */
	else if (!syn && ended)
		client_is_b = ended->client_is_b; /* a late packet keeps the old roles */
	flow = flow_create(table, key, client_is_b, pkt);
	if (flow) {
		out->new_flow = true;
		if (synack)
			flow->sum.history[0] = '^'; /* Zeek: direction flipped */
	}
	return flow;
}

static void account_packet(struct flow *flow, const struct packet *pkt, enum track_dir dir,
                           double t, uint64_t frame)
{
	struct track_flow_summary *sum = &flow->sum;
	uint32_t len = pkt->l4 == L4_TCP ? tcp_seglen(pkt) : pkt->payload_wire_len;

	if (!len && pkt->l4 == L4_UDP && pkt->udp.length >= 8)
		len = pkt->udp.length - 8u;
	if (!sum->first_frame) {
		sum->first_frame = frame;
		sum->first_t = t;
	}
	sum->last_frame = frame;
	sum->last_t = t;
	sum->packets[dir]++;
	sum->bytes[dir] += len;
}

/* listen() in the call log on the server's address (or the wildcard) and port. */
static bool listen_called(const struct track_table *table, const struct flow *flow)
{
	static const struct ss_addr any4 = {.family = 4}, any6 = {.family = 6};

	for (size_t i = 0; i < table->listener_count; i++) {
		const struct ss_addr *a = &table->listeners[i].addr;
		if (table->listeners[i].port == flow->sum.server_port &&
		    (ss_addr_equal(a, &flow->sum.server_addr) || ss_addr_equal(a, &any4) ||
		     ss_addr_equal(a, &any6)))
			return true;
	}
	return false;
}

/* The calls of the packet's sender and receiver, and the listener listen() made. */
static void apply_calls(const struct track_table *table, struct flow *flow, enum track_dir dir,
                        struct track_result *out)
{
	struct tcp_conn *conn = flow->tcp;

	if (conn->listener == TRACK_LISTENER_UNKNOWN && listen_called(table, flow))
		conn->listener = TRACK_LISTENER_CALLED;
	out->sender_call = conn->dir[dir].last_call;
	out->receiver_call = conn->dir[track_other(dir)].last_call;
	if (out->sender_call == TRACK_CALL_ABORT)
		flow->sum.abort_call = true;
}

static void count_analysis(struct flow *flow, const struct packet *pkt, enum track_dir dir,
                           const struct track_result *out)
{
	uint32_t resend = TA_RETRANSMISSION | TA_FAST_RETRANSMISSION | TA_SPURIOUS_RETRANSMISSION;

	for (unsigned i = 0; i < TA_COUNT_FLAGS; i++)
		if (out->analysis & (1u << i))
			flow->sum.analysis_counts[i]++;
	if (out->analysis & resend)
		flow->sum.resent_bytes[dir] += tcp_seglen(pkt);
	for (unsigned i = 0; i < TA_COUNT_FLAGS; i++) {
		const struct track_analysis_detail *d = &out->detail[i];
		if (!(out->analysis & (1u << i)) || d->cause != TRACK_CAUSE_SYN)
			continue;
		if (!flow->sum.syn_resends++)
			flow->sum.syn_unanswered_frame = d->frame;
		flow->sum.syn_last_backoff = d->backoff;
	}
}

/* A RST from a side whose FIN went out before the peer's newest data: the wire
 * shows a closed socket answering data (RFC 1122 4.2.2.13; Linux counts it as
 * TCPAbortOnData), whatever the call log says. */
static void note_fin_and_rst(struct tcp_conn *conn, const struct packet *pkt, enum track_dir dir,
                             uint64_t frame, struct track_result *out)
{
	struct tcp_dir *fwd = &conn->dir[dir];
	const struct tcp_dir *rev = &conn->dir[track_other(dir)];

	if ((pkt->tcp.flags & TCP_RST) && fwd->fin_frame && rev->nextseq_frame > fwd->fin_frame &&
	    rev->nextseq_frame > rev->fin_frame) {
		out->rst_fin_frame = fwd->fin_frame;
		out->rst_data_frame = rev->nextseq_frame;
	}
	if ((pkt->tcp.flags & TCP_FIN) && !fwd->fin_frame)
		fwd->fin_frame = frame;
}

static void dispatch_packet(const struct track_table *table, struct flow *flow,
                            const struct packet *pkt, enum track_dir dir, double t,
                            uint64_t frame, struct track_result *out)
{
	if (flow->tcp) {
		apply_calls(table, flow, dir, out);
		note_fin_and_rst(flow->tcp, pkt, dir, frame, out);
		tcp_analyze_packet(flow, pkt, dir, t, frame, out);
		tcp_state_packet(flow, pkt, dir, t, out);
		zeek_tcp_packet(flow, pkt, dir, out->analysis);
		count_analysis(flow, pkt, dir, out);
	} else if (pkt->l4 == L4_UDP) {
		udp_packet(flow, pkt, dir, frame, out);
		zeek_udp_packet(flow, dir, pkt->payload_wire_len);
	} else if (flow->key.kind == FLOW_ICMP_ECHO) {
		icmp_echo_packet(flow, pkt, dir, frame, out);
	}
}

int track_packet(struct track_table *table, const struct packet *pkt, double t, uint64_t frame,
                 struct track_result *out)
{
	struct flow_key key;
	bool src_is_a;
	struct flow *flow;

	memset(out, 0, sizeof *out);
	out->win_scaled = -1;
	out->handshake_rtt = -1;
	out->proto = pkt->l4;
	if (pkt->l3 != L3_IPV4 && pkt->l3 != L3_IPV6)
		return 0;
	expire_flows(table, t);
	if (icmp_is_error(pkt))
		tie_icmp_error(table, pkt, out);
	key_from_packet(pkt, &key, &src_is_a);
	flow = flow_for_packet(table, pkt, &key, src_is_a, out);
	if (!flow)
		return -SS_ENOMEM;
	out->flow_id = flow->sum.id;
	out->dir = (src_is_a == !flow->client_is_b) ? TRACK_C2S : TRACK_S2C;
	account_packet(flow, pkt, out->dir, t, frame);
	dispatch_packet(table, flow, pkt, out->dir, t, frame, out);
	flow_touch(table, flow, t);
	return 0;
}

uint64_t track_find_flow(const struct track_table *table, enum decode_l4 proto,
                         const struct ss_addr *a, uint16_t aport, const struct ss_addr *b,
                         uint16_t bport)
{
	struct flow_key key;
	const struct flow *flow;
	const struct ended_key *ended;

	key_set(&key, (uint8_t)proto, FLOW_PLAIN, a, aport, b, bport, NULL);
	if ((flow = table_lookup(table, &key)))
		return flow->sum.id;
	if ((ended = ended_lookup(table, &key)))
		return ended->id;
	return 0;
}

/* A listen(): remembered in a ring, so a long trace keeps the latest ones. */
static void note_listener(struct track_table *table, const struct track_call_info *call)
{
	size_t pos = table->listener_pos;

	table->listeners[pos].addr = call->local;
	table->listeners[pos].port = call->local_port;
	table->listener_pos = (pos + 1) % TRACK_MAX_LISTENERS;
	if (table->listener_count < TRACK_MAX_LISTENERS)
		table->listener_count++;
}

void track_note_call(struct track_table *table, const struct track_call_info *call)
{
	struct flow_key key;
	bool local_is_a;
	struct flow *flow;
	enum track_dir side;
	enum track_call *last;

	if (call->proto != L4_TCP || call->call == TRACK_CALL_NONE)
		return;
	if (call->call == TRACK_CALL_LISTEN) {
		note_listener(table, call);
		return;
	}
	if (!call->has_peer)
		return;
	key_set(&key, L4_TCP, FLOW_PLAIN, &call->local, call->local_port, &call->peer,
	        call->peer_port, &local_is_a);
	flow = table_lookup(table, &key);
	if (!flow || !flow->tcp)
		return;
	side = (local_is_a == !flow->client_is_b) ? TRACK_C2S : TRACK_S2C;
	last = &flow->tcp->dir[side].last_call;
	/* close() after SO_LINGER {1, 0} aborts: RFC 9293 §3.10.4 ABORT, a RST and no TIME_WAIT */
	if (call->call == TRACK_CALL_CLOSE && *last == TRACK_CALL_LINGER_ZERO)
		*last = TRACK_CALL_ABORT;
	else
		*last = call->call;
}

enum track_tcp_state track_tcp_state_of(const struct track_table *table, const struct ss_addr *local,
                                        uint16_t local_port, const struct ss_addr *peer,
                                        uint16_t peer_port)
{
	struct flow_key key;
	bool local_is_a;
	const struct flow *flow;

	key_set(&key, L4_TCP, FLOW_PLAIN, local, local_port, peer, peer_port, &local_is_a);
	flow = table_lookup(table, &key);
	if (!flow || !flow->tcp)
		return TCPS_UNKNOWN;
	return flow->tcp->dir[(local_is_a == !flow->client_is_b) ? TRACK_C2S : TRACK_S2C].state;
}

size_t track_live_flows(const struct track_table *table)
{
	return table->live;
}

/* For udp_icmp.c: the key of the flow an ICMP error quotes. */
bool icmp_quoted_key(const struct packet *pkt, struct flow_key *key, bool *quoted_is_a)
{
	const struct icmp_quote *q = &pkt->icmp.quoted;
	uint8_t proto;

	if (!q->present)
		return false;
	if (q->proto == 6)
		proto = L4_TCP;
	else if (q->proto == 17)
		proto = L4_UDP;
	else
		return false;
	key_set(key, proto, FLOW_PLAIN, &q->src, q->has_ports ? q->sport : 0, &q->dst,
	        q->has_ports ? q->dport : 0, quoted_is_a);
	decode_tunnel_id(pkt, &key->tunnel_kind, &key->tunnel_id); /* the error's own tunnel */
	return true;
}
