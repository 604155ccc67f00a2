/*
 * decode.h - bytes of one captured frame to a `struct packet` view.
 *
 * Pure functions: no allocation, no global state.  The caller owns the
 * `struct packet`; its pointers (payload, option data) point into the frame
 * buffer and are valid only as long as that buffer (for libpcap, until the
 * next pcap_next_ex): copy what must outlive it.
 *
 * A truncated frame is decoded as far as its bytes go: every layer that was
 * complete is filled in, `truncated` is set and `err` says where it stopped.
 * Nothing is read past the captured length.
 */
#ifndef SOCKSCOPE_DECODE_H
#define SOCKSCOPE_DECODE_H

#include "sockscope/common.h"
#include "sockscope/cursor.h"

/* Link types, by their pcap LINKTYPE_* numbers (the values in a file header). */
enum decode_linktype {
	LINKTYPE_NULL = 0,        /* BSD loopback: 4-byte host-order address family */
	LINKTYPE_ETHERNET = 1,    /* EN10MB */
	LINKTYPE_RAW = 101,       /* raw IPv4 or IPv6, version nibble decides */
	LINKTYPE_LOOP = 108,      /* OpenBSD loopback: 4-byte network-order family */
	LINKTYPE_LINUX_SLL = 113, /* Linux cooked v1 */
	LINKTYPE_IPV4 = 228,
	LINKTYPE_IPV6 = 229,
	LINKTYPE_LINUX_SLL2 = 276, /* Linux cooked v2 */
};

/* Some libpcap builds report DLT_RAW as 12 or 14 in live captures. */
#define DLT_RAW_BSD     12
#define DLT_RAW_OPENBSD 14

enum decode_l3 { L3_NONE = 0, L3_IPV4, L3_IPV6, L3_ARP, L3_OTHER };
enum decode_l4 { L4_NONE = 0, L4_TCP, L4_UDP, L4_ICMP, L4_ICMPV6, L4_OTHER };

/* RFC 9293 §3.1 control bits, in header bit order. */
enum tcp_flag {
	TCP_FIN = 0x01,
	TCP_SYN = 0x02,
	TCP_RST = 0x04,
	TCP_PSH = 0x08,
	TCP_ACK = 0x10,
	TCP_URG = 0x20,
	TCP_ECE = 0x40,
	TCP_CWR = 0x80,
};

/* TCP option kinds (IANA registry). */
enum tcp_option_kind {
	TCPOPT_EOL = 0,
	TCPOPT_NOP = 1,
	TCPOPT_MSS = 2,
	TCPOPT_WSCALE = 3,
	TCPOPT_SACK_PERM = 4,
	TCPOPT_SACK = 5,
	TCPOPT_TIMESTAMP = 8,
	TCPOPT_TFO = 34, /* TCP Fast Open cookie (RFC 7413); len 2: a cookie request */
};

#define DECODE_MAX_SACK_BLOCKS 4
/* 40 bytes of options, each at least one byte long. */
#define DECODE_MAX_TCP_OPTIONS 40
#define DECODE_MAX_IPV6_EXT    16
/* Tunnels inside tunnels: past this many outer layers a frame is malformed
 * (a nested-tunnel bomb), and the error names the layer that went too deep. */
#define DECODE_MAX_ENCAP       8
#define DECODE_MAX_MPLS_LABELS 8

struct decode_error {
	const char *layer; /* "ipv4", "tcp", ...; NULL when no error */
	size_t offset;     /* byte offset in the frame where decoding stopped */
	const char *what;  /* static text: "header length 60 > 40 captured bytes" */
	uint32_t need;     /* bytes the layer needed from `offset`, when known */
};

struct tcp_option {
	uint8_t kind;
	uint8_t len; /* the length byte as sent (1 for EOL/NOP) */
	union {
		uint16_t mss;
		uint8_t wscale;
		struct {
			uint32_t value, echo_reply;
		} ts;
		struct {
			uint8_t count;
			uint32_t left[DECODE_MAX_SACK_BLOCKS], right[DECODE_MAX_SACK_BLOCKS];
		} sack;
	} u;
	const uint8_t *data; /* option body (len - 2 bytes) for unknown kinds */
};

struct packet_tcp {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t header_len; /* data offset * 4 */
	uint8_t flags;      /* enum tcp_flag bits */
	uint16_t window, checksum, urgent;
	uint8_t option_count;
	bool options_bad; /* an option's length was 0/1 or ran past the header */
	/* also set when a known kind has the wrong length (kept raw, like an unknown
	 * kind).  Entries past option_count are not zeroed by decode_frame. */
	struct tcp_option options[DECODE_MAX_TCP_OPTIONS];
};

struct packet_udp {
	uint16_t sport, dport;
	uint16_t length; /* the UDP length field: header + payload */
	uint16_t checksum;
	bool length_exceeds_ip; /* length > IP payload: the IP payload bounds it (tcpdump's rule) */
	bool length_short;      /* length < IP payload: the bytes after it are not UDP's */
};

/* The IP header and first transport bytes an ICMP error quotes (RFC 792, RFC 4443). */
struct icmp_quote {
	bool present; /* an error type with at least the inner IP header */
	uint8_t ip_version;
	uint8_t proto;
	struct ss_addr src, dst;
	bool has_ports; /* at least 4 bytes of TCP/UDP header quoted */
	uint16_t sport, dport;
	bool has_tcp_seq; /* at least 8 bytes of a TCP header quoted */
	uint32_t tcp_seq;
};

struct packet_icmp {
	uint8_t type, code;
	uint16_t checksum;
	uint32_t rest;    /* bytes 4..7: id/seq for echo, MTU for too-big, ... */
	uint16_t id, seq; /* echo request/reply */
	struct icmp_quote quoted;
};

struct packet_ip {
	uint8_t version; /* 4 or 6 */
	struct ss_addr src, dst;
	uint8_t ttl; /* TTL (IPv4) or hop limit (IPv6) */
	uint8_t tos; /* TOS byte or traffic class */
	uint32_t flow_label;
	uint8_t proto;       /* the transport protocol after extension headers */
	uint16_t header_len; /* IPv4 IHL*4; IPv6 40 + extension headers */
	uint32_t total_len;  /* IPv4 total length; IPv6 40 + payload length */
	uint16_t id;
	bool dont_fragment, more_fragments;
	uint16_t frag_offset; /* in bytes */
	bool fragment;        /* part of a fragmented datagram (first or later) */
	uint8_t ext_count;    /* IPv6 extension headers walked */
	uint8_t ext[DECODE_MAX_IPV6_EXT];
	bool options_present; /* IPv4 header longer than 20 bytes */
	bool tso;             /* IPv4 total length 0: the frame gave the length (TSO/GSO) */
	bool jumbo;           /* IPv6 Jumbo Payload option (RFC 2675) gave the length */
};

/* Outer layers a packet was carried in (src/decode/tunnel.c, carrier.c). */
enum encap_kind {
	ENCAP_NONE = 0,
	ENCAP_VXLAN,  /* RFC 7348, UDP 4789 */
	ENCAP_GENEVE, /* RFC 8926, UDP 6081 */
	ENCAP_GRE,    /* RFC 2784, RFC 2890 */
	ENCAP_IPIP,   /* IPv4 in IPv4 (protocol 4), RFC 2003 */
	ENCAP_SIT,    /* IPv6 in IPv4 (protocol 41), RFC 4213 */
	ENCAP_IP6IP6, /* IPv6 in IPv6, RFC 2473 */
	ENCAP_IP4IN6, /* IPv4 in IPv6, RFC 2473 */
	ENCAP_MPLS,   /* RFC 3032 label stack */
	ENCAP_PPPOE,  /* RFC 2516 session stage */
};

struct encap_layer {
	uint8_t kind; /* enum encap_kind */
	/* the IP header that carried this layer; family 0 when none did
	 * (MPLS or PPPoE right after an Ethernet header) */
	struct ss_addr src, dst;
	uint16_t sport, dport; /* VXLAN, Geneve: the UDP ports that carried them */
	bool has_id;
	uint32_t id;      /* VXLAN/Geneve VNI, GRE key, PPPoE session id */
	uint16_t proto;   /* GRE/Geneve protocol type, PPP protocol */
	bool has_seq;     /* GRE S bit */
	uint32_t seq;     /* GRE sequence number */
	bool has_csum;    /* GRE C bit: a checksum is present (not verified) */
	uint8_t count;    /* MPLS labels, Geneve options */
	uint16_t opt_len; /* Geneve: option bytes */
	uint32_t labels[DECODE_MAX_MPLS_LABELS]; /* MPLS, outermost first */
};

struct packet {
	/* link layer */
	int linktype;
	uint32_t caplen, wirelen;
	uint16_t ethertype;
	uint8_t vlan_count;
	uint16_t vlan[2]; /* VLAN IDs (TCI & 0x0fff), outermost first */

	/* outer layers, outermost first; ip/tcp/udp below describe the innermost */
	uint8_t encap_count;
	struct encap_layer encap[DECODE_MAX_ENCAP];

	enum decode_l3 l3;
	struct packet_ip ip;

	enum decode_l4 l4;
	struct packet_tcp tcp;
	struct packet_udp udp;
	struct packet_icmp icmp;

	/* transport payload: `payload_len` bytes captured at `payload`;
	 * `payload_wire_len` as the length fields announce it */
	const uint8_t *payload;
	uint32_t payload_len;
	uint32_t payload_wire_len;

	bool truncated;
	struct decode_error err;
};

/* True when decode_frame knows this link type. */
bool decode_linktype_supported(int linktype);

/*
 * Decodes one frame.  Returns 0, or:
 *   -SS_ETRUNC      the frame ends inside a header; layers before it are filled in
 *   -SS_EMALFORMED  a length or field is impossible (pkt->err says which)
 *   -SS_EUNSUPPORTED the link type is unknown
 * An unknown ethertype or IP protocol is not an error: l3/l4 say OTHER.
 */
int decode_frame(int linktype, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
                 struct packet *pkt);

/* Layer decoders, for tests and for ICMP's quoted headers.  Each reads from
 * the cursor, fills its part of pkt and decodes the next layer. */
int decode_link(int linktype, struct cursor *c, struct packet *pkt);
int decode_ipv4(struct cursor *c, struct packet *pkt);
int decode_ipv6(struct cursor *c, struct packet *pkt);
int decode_tcp(struct cursor *c, struct packet *pkt);
int decode_udp(struct cursor *c, struct packet *pkt);
int decode_icmp(struct cursor *c, struct packet *pkt); /* ICMPv4 */
int decode_icmpv6(struct cursor *c, struct packet *pkt);
int decode_ethernet(struct cursor *c, struct packet *pkt);

/* "vxlan", "geneve", ... for enum encap_kind; "unknown" otherwise. */
const char *decode_encap_name(uint8_t kind);
/* The innermost tunnel identifier (VNI, GRE key, PPPoE session) and its
 * layer's kind, which keep apart tenants whose inner addresses are equal;
 * false when no outer layer carries one. */
bool decode_tunnel_id(const struct packet *pkt, uint8_t *kind, uint32_t *id);

/* Names for values, for the timeline and messages. */
const char *decode_tcp_option_name(uint8_t kind); /* "mss", "wscale", ... or NULL */
const char *decode_icmp_type_name(uint8_t version, uint8_t type, uint8_t code); /* or NULL */
bool decode_icmp_is_error(uint8_t version, uint8_t type);

#endif
