/*
 * diag.c - sock_diag replies: netlink messages carrying inet_diag_msg and its
 * attributes, parsed as hostile input (see kernel.h).
 *
 * Every length is checked before the bytes it announces are read, and every
 * structure is copied out with memcpy, so a reply that lies can make us stop
 * but never read outside the buffer or misaligned.
 */
#include "sockscope/kernel.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

/* Kernels since 6.2 append tcpi_rcv_wnd right after tcpi_snd_wnd (include/uapi/linux/tcp.h);
 * older headers stop at tcpi_snd_wnd, so its offset is derived, not named. */
#define TCPI_RCV_WND_OFFSET (offsetof(struct tcp_info, tcpi_snd_wnd) + 4)
#define TCPI_COPY_MAX       512 /* more than any kernel's struct tcp_info so far */

const char *const kernel_tcpi_names[KTI_FIELD_COUNT] = {
    "state",          "ca_state", "rto",       "rtt",           "rttvar",    "snd_cwnd",
    "snd_ssthresh",   "unacked",  "sacked",    "lost",          "retrans",   "total_retrans",
    "snd_wnd",        "rcv_wnd",  "rcv_space", "delivery_rate", "busy_time", "rwnd_limited",
    "sndbuf_limited",
};

struct tcpi_field {
	size_t offset, size;
};

#define TCPI(f)                                                                                    \
	{                                                                                          \
		offsetof(struct tcp_info, f), sizeof(((struct tcp_info *)0)->f)                    \
	}

static const struct tcpi_field tcpi_fields[KTI_FIELD_COUNT] = {
    [KTI_STATE] = TCPI(tcpi_state),
    [KTI_CA_STATE] = TCPI(tcpi_ca_state),
    [KTI_RTO] = TCPI(tcpi_rto),
    [KTI_RTT] = TCPI(tcpi_rtt),
    [KTI_RTTVAR] = TCPI(tcpi_rttvar),
    [KTI_SND_CWND] = TCPI(tcpi_snd_cwnd),
    [KTI_SND_SSTHRESH] = TCPI(tcpi_snd_ssthresh),
    [KTI_UNACKED] = TCPI(tcpi_unacked),
    [KTI_SACKED] = TCPI(tcpi_sacked),
    [KTI_LOST] = TCPI(tcpi_lost),
    [KTI_RETRANS] = TCPI(tcpi_retrans),
    [KTI_TOTAL_RETRANS] = TCPI(tcpi_total_retrans),
    [KTI_SND_WND] = TCPI(tcpi_snd_wnd),
    [KTI_RCV_WND] = {TCPI_RCV_WND_OFFSET, 4},
    [KTI_RCV_SPACE] = TCPI(tcpi_rcv_space),
    [KTI_DELIVERY_RATE] = TCPI(tcpi_delivery_rate),
    [KTI_BUSY_TIME] = TCPI(tcpi_busy_time),
    [KTI_RWND_LIMITED] = TCPI(tcpi_rwnd_limited),
    [KTI_SNDBUF_LIMITED] = TCPI(tcpi_sndbuf_limited),
};

/* Host byte order: the kernel writes tcp_info in its own (our) order. */
static uint64_t read_host(const uint8_t *p, size_t size)
{
	uint8_t u8;
	uint32_t u32;
	uint64_t u64;

	switch (size) {
	case 1:
		memcpy(&u8, p, 1);
		return u8;
	case 4:
		memcpy(&u32, p, 4);
		return u32;
	default:
		memcpy(&u64, p, 8);
		return u64;
	}
}

void kernel_tcpi_from_bytes(const uint8_t *payload, size_t len, struct kernel_tcpi *info)
{
	uint8_t copy[TCPI_COPY_MAX] = {0};
	size_t n = len < sizeof copy ? len : sizeof copy;

	memset(info, 0, sizeof *info);
	if (n)
		memcpy(copy, payload, n);
	for (size_t i = 0; i < KTI_FIELD_COUNT; i++) {
		const struct tcpi_field *f = &tcpi_fields[i];
		if (f->offset + f->size > n)
			continue; /* an older kernel's shorter struct: unknown, not zero */
		info->value[i] = read_host(copy + f->offset, f->size);
		info->known |= 1u << i;
	}
}

/* RFC 9293's names, as the states inferred from the wire are named; NEW_SYN_RECV
 * (a request a listener keeps before the handshake completes) has no RFC name. */
static const char *const tcp_states[] = {
    [KTCP_ESTABLISHED] = "ESTABLISHED",
    [KTCP_SYN_SENT] = "SYN_SENT",
    [KTCP_SYN_RECV] = "SYN_RECEIVED",
    [KTCP_FIN_WAIT1] = "FIN_WAIT_1",
    [KTCP_FIN_WAIT2] = "FIN_WAIT_2",
    [KTCP_TIME_WAIT] = "TIME_WAIT",
    [KTCP_CLOSE] = "CLOSED",
    [KTCP_CLOSE_WAIT] = "CLOSE_WAIT",
    [KTCP_LAST_ACK] = "LAST_ACK",
    [KTCP_LISTEN] = "LISTEN",
    [KTCP_CLOSING] = "CLOSING",
    [KTCP_NEW_SYN_RECV] = "NEW_SYN_RECV",
};

const char *kernel_tcp_state_name(unsigned state)
{
	if (state < SS_ARRAY_SIZE(tcp_states) && tcp_states[state])
		return tcp_states[state];
	return "UNKNOWN";
}

const char *kernel_ca_state_name(unsigned state)
{
	static const char *const names[] = {"open", "disorder", "cwr", "recovery", "loss"};
	return state < SS_ARRAY_SIZE(names) ? names[state] : "unknown";
}

static void set_addr(struct ss_addr *addr, uint8_t family, const uint32_t raw[4])
{
	memset(addr, 0, sizeof *addr);
	addr->family = family == AF_INET6 ? 6 : 4;
	memcpy(addr->bytes, raw, family == AF_INET6 ? 16 : 4);
}

static void take_meminfo(struct kernel_socket *sock, const uint8_t *p, size_t len)
{
	uint32_t mem[SK_MEMINFO_WMEM_QUEUED + 1];

	if (len < sizeof mem)
		return; /* too short to hold the fields we show */
	memcpy(mem, p, sizeof mem);
	sock->has_mem = true;
	sock->rmem_alloc = mem[SK_MEMINFO_RMEM_ALLOC];
	sock->rcvbuf = mem[SK_MEMINFO_RCVBUF];
	sock->wmem_queued = mem[SK_MEMINFO_WMEM_QUEUED];
	sock->sndbuf = mem[SK_MEMINFO_SNDBUF];
}

/* The attributes after an inet_diag_msg: rtattr headers, each 4-aligned. */
static int parse_attributes(struct kernel_socket *sock, const uint8_t *p, size_t len)
{
	while (len >= sizeof(struct rtattr)) {
		struct rtattr rta;
		memcpy(&rta, p, sizeof rta);
		if (rta.rta_len < sizeof rta || rta.rta_len > len)
			return -SS_EMALFORMED;
		const uint8_t *payload = p + RTA_LENGTH(0);
		size_t plen = rta.rta_len - RTA_LENGTH(0);
		if (rta.rta_type == INET_DIAG_INFO) {
			kernel_tcpi_from_bytes(payload, plen, &sock->info);
			sock->has_info = true;
		} else if (rta.rta_type == INET_DIAG_SKMEMINFO) {
			take_meminfo(sock, payload, plen);
		}
		size_t step = RTA_ALIGN(rta.rta_len);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return 0;
}

static int parse_socket(const uint8_t *p, size_t len, kernel_socket_fn fn, void *ctx)
{
	struct inet_diag_msg msg;
	struct kernel_socket sock;
	size_t head = NLMSG_ALIGN(sizeof msg);

	if (len < sizeof msg)
		return -SS_ETRUNC;
	memcpy(&msg, p, sizeof msg);
	if (msg.idiag_family != AF_INET && msg.idiag_family != AF_INET6)
		return -SS_EMALFORMED;
	memset(&sock, 0, sizeof sock);
	set_addr(&sock.local, msg.idiag_family, msg.id.idiag_src);
	set_addr(&sock.remote, msg.idiag_family, msg.id.idiag_dst);
	sock.local_port = (uint16_t)(p[offsetof(struct inet_diag_msg, id.idiag_sport)] << 8 |
	                             p[offsetof(struct inet_diag_msg, id.idiag_sport) + 1]);
	sock.remote_port = (uint16_t)(p[offsetof(struct inet_diag_msg, id.idiag_dport)] << 8 |
	                              p[offsetof(struct inet_diag_msg, id.idiag_dport) + 1]);
	sock.state = msg.idiag_state;
	sock.rqueue = msg.idiag_rqueue;
	sock.wqueue = msg.idiag_wqueue;
	sock.cookie = (uint64_t)msg.id.idiag_cookie[1] << 32 | msg.id.idiag_cookie[0];
	if (len > head) {
		int rc = parse_attributes(&sock, p + head, len - head);
		if (rc < 0)
			return rc;
	}
	fn(&sock, ctx);
	return 0;
}

static int error_code(const uint8_t *payload, size_t len)
{
	int32_t err;

	if (len < sizeof err)
		return -SS_ETRUNC;
	memcpy(&err, payload, sizeof err);
	if (err == 0)
		return 1; /* an acknowledgement: nothing more comes */
	return err == -EPERM || err == -EACCES ? -SS_EPERM : -SS_EIO;
}

/* Calls on_message for each netlink message in buf, its length checked first,
 * until one returns non-zero, which is returned; 0 when the buffer ends where
 * a message does, -SS_ETRUNC when a length lies. */
typedef int (*message_fn)(const struct nlmsghdr *h, const uint8_t *payload, size_t len, void *ctx);

static int each_message(const uint8_t *buf, size_t len, message_fn on_message, void *ctx)
{
	size_t off = 0;

	while (len - off >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;
		memcpy(&h, buf + off, sizeof h);
		if (h.nlmsg_len < sizeof h || h.nlmsg_len > len - off)
			return -SS_ETRUNC;
		int rc = on_message(&h, buf + off + NLMSG_HDRLEN, h.nlmsg_len - NLMSG_HDRLEN, ctx);
		if (rc)
			return rc;
		size_t step = NLMSG_ALIGN(h.nlmsg_len);
		if (step >= len - off)
			return 0;
		off += step;
	}
	return off == len ? 0 : -SS_ETRUNC;
}

struct dump_reply {
	uint32_t seq;
	kernel_socket_fn fn;
	void *ctx;
};

static int dump_message(const struct nlmsghdr *h, const uint8_t *payload, size_t len, void *ctx)
{
	const struct dump_reply *r = ctx;

	if (h->nlmsg_seq != r->seq)
		return 0; /* another request's */
	if (h->nlmsg_type == NLMSG_DONE)
		return 1;
	if (h->nlmsg_type == NLMSG_ERROR)
		return error_code(payload, len);
	if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY)
		return parse_socket(payload, len, r->fn, r->ctx);
	return 0;
}

int kernel_diag_parse(const uint8_t *buf, size_t len, uint32_t seq, kernel_socket_fn fn, void *ctx)
{
	struct dump_reply r = {seq, fn, ctx};

	return each_message(buf, len, dump_message, &r);
}

size_t kernel_diag_exact_request(uint8_t *out, size_t room, const struct kernel_socket *sock,
                                 uint32_t seq)
{
	struct {
		struct nlmsghdr h;
		struct inet_diag_req_v2 r;
	} req = {0};
	size_t addr_len = sock->local.family == 6 ? 16 : 4;

	if (room < sizeof req)
		return 0;
	req.h.nlmsg_len = sizeof req;
	req.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.h.nlmsg_flags = NLM_F_REQUEST;
	req.h.nlmsg_seq = seq;
	req.r.sdiag_family = sock->local.family == 6 ? AF_INET6 : AF_INET;
	req.r.sdiag_protocol = IPPROTO_TCP;
	req.r.idiag_states = 0xffffffffu;
	req.r.idiag_ext = 1u << (INET_DIAG_INFO - 1) | 1u << (INET_DIAG_SKMEMINFO - 1);
	memcpy(req.r.id.idiag_src, sock->local.bytes, addr_len);
	memcpy(req.r.id.idiag_dst, sock->remote.bytes, addr_len);
	req.r.id.idiag_sport = htons(sock->local_port);
	req.r.id.idiag_dport = htons(sock->remote_port);
	req.r.id.idiag_cookie[0] = (uint32_t)sock->cookie;
	req.r.id.idiag_cookie[1] = (uint32_t)(sock->cookie >> 32);
	memcpy(out, &req, sizeof req);
	return sizeof req;
}

struct exact_reply {
	uint32_t first;
	size_t count;
	kernel_socket_fn fn;
	void (*gone)(size_t i, void *ctx);
	void *ctx;
	int answered;
};

static int exact_message(const struct nlmsghdr *h, const uint8_t *payload, size_t len, void *ctx)
{
	struct exact_reply *r = ctx;
	size_t i = (uint32_t)(h->nlmsg_seq - r->first);

	if (i >= r->count)
		return 0; /* another request's */
	r->answered++;
	if (h->nlmsg_type == NLMSG_ERROR) {
		int rc = error_code(payload, len);
		if (rc == -SS_EPERM || rc == -SS_ETRUNC)
			return rc;
		r->gone(i, r->ctx);
	} else if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY) {
		int rc = parse_socket(payload, len, r->fn, r->ctx);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int kernel_diag_parse_exact(const uint8_t *buf, size_t len, uint32_t first, size_t count,
                            kernel_socket_fn fn, void (*gone)(size_t i, void *ctx), void *ctx)
{
	struct exact_reply r = {first, count, fn, gone, ctx, 0};
	int rc = each_message(buf, len, exact_message, &r);

	return rc < 0 ? rc : r.answered;
}
