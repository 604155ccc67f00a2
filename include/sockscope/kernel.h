/*
 * kernel.h - the kernel's own view of the sockets and counters under
 * observation, sampled while a demo or a command runs.
 *
 * Two sources, read at the same moments:
 *  - sock_diag (NETLINK_SOCK_DIAG, inet_diag_req_v2): every TCP socket of the
 *    sampling thread's network namespace, with INET_DIAG_INFO (struct
 *    tcp_info) and INET_DIAG_SKMEMINFO.  For a LISTEN socket the kernel
 *    reports the accept queue: idiag_rqueue is its length, idiag_wqueue the
 *    backlog limit.  TIME_WAIT sockets come without tcp_info.
 *  - /proc/thread-self/net/netstat, snmp and snmp6: every counter, named as
 *    nstat names them ("TcpExtListenOverflows", "UdpNoPorts", "Ip6InReceives").
 *    thread-self, not self: the sampler's thread may live in a namespace of its
 *    own while the process's first thread does not.
 *
 * The sampler runs in its own thread (so sampling never runs on a demo's
 * thread), on a timer (1 ms by default) and whenever kernel_sampler_poke()
 * says a socket call just returned.  It keeps a record only when something
 * changed: a socket's state, queues or tcp_info (busy_time and delivery_rate
 * aside: they move with every microsecond of sending), or any counter.  A
 * socket that disappears keeps its last record.  Times are CLOCK_REALTIME, the
 * clock packets and socket calls are stamped with.
 *
 * Every netlink reply and /proc file is hostile input: each header and
 * attribute is bounds-checked before it is read, and a struct tcp_info shorter
 * than ours (an older kernel) is copied as far as it goes: the fields it does
 * not reach are unknown, never zero.
 */
#ifndef SOCKSCOPE_KERNEL_H
#define SOCKSCOPE_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "sockscope/common.h"

#define KERNEL_DEFAULT_INTERVAL_US 1000
#define KERNEL_MAX_RECORDS         200000 /* then sampling stops, and says so */
#define KERNEL_COUNTER_NAME_MAX    48

/* The kernel's TCP states (include/net/tcp_states.h), as inet_diag and tcp_info number them. */
enum kernel_tcp_state {
	KTCP_ESTABLISHED = 1,
	KTCP_SYN_SENT,
	KTCP_SYN_RECV,
	KTCP_FIN_WAIT1,
	KTCP_FIN_WAIT2,
	KTCP_TIME_WAIT,
	KTCP_CLOSE,
	KTCP_CLOSE_WAIT,
	KTCP_LAST_ACK,
	KTCP_LISTEN,
	KTCP_CLOSING,
	KTCP_NEW_SYN_RECV,
};

/* The tcp_info fields a timeline shows; a bit in `known` per field. */
enum kernel_tcpi_field {
	KTI_STATE,
	KTI_CA_STATE,
	KTI_RTO,
	KTI_RTT,
	KTI_RTTVAR,
	KTI_SND_CWND,
	KTI_SND_SSTHRESH,
	KTI_UNACKED,
	KTI_SACKED,
	KTI_LOST,
	KTI_RETRANS,
	KTI_TOTAL_RETRANS,
	KTI_SND_WND,
	KTI_RCV_WND,
	KTI_RCV_SPACE,
	KTI_DELIVERY_RATE,
	KTI_BUSY_TIME,
	KTI_RWND_LIMITED,
	KTI_SNDBUF_LIMITED,
	KTI_FIELD_COUNT
};

struct kernel_tcpi {
	uint32_t known;                  /* bit (1u << enum kernel_tcpi_field) */
	uint64_t value[KTI_FIELD_COUNT]; /* as the kernel reports: µs, segments, bytes */
};

/* JSON names of the fields ("snd_cwnd"), by enum kernel_tcpi_field. */
extern const char *const kernel_tcpi_names[KTI_FIELD_COUNT];

/* One socket as inet_diag described it. */
struct kernel_socket {
	struct ss_addr local, remote;
	uint16_t local_port, remote_port;
	uint8_t state;           /* TCP_ESTABLISHED ... (linux/tcp.h numbering) */
	uint32_t rqueue, wqueue; /* LISTEN: accept queue length and backlog limit */
	uint64_t cookie;         /* the kernel's socket cookie: identity across samples */
	bool has_info;
	struct kernel_tcpi info;
	bool has_mem;
	uint32_t rmem_alloc, rcvbuf, wmem_queued, sndbuf; /* INET_DIAG_SKMEMINFO, bytes */
};

typedef void (*kernel_socket_fn)(const struct kernel_socket *sock, void *ctx);

/*
 * Parses one buffer of a sock_diag dump reply: netlink messages, each an
 * inet_diag_msg with attributes.  Calls fn for each socket.  Returns 1 when
 * the buffer ends the dump (NLMSG_DONE), 0 when more is to come, -SS_EPERM or
 * -SS_EIO for an NLMSG_ERROR, -SS_ETRUNC / -SS_EMALFORMED when a length lies.
 * Sockets parsed before the damage have been handed to fn.
 */
int kernel_diag_parse(const uint8_t *buf, size_t len, uint32_t seq, kernel_socket_fn fn, void *ctx);

/*
 * Writes an exact sock_diag request for one known socket (its family,
 * addresses, ports and cookie: the kernel answers with that socket alone, a
 * hash lookup instead of a dump's walk of every bucket) at out, sequence
 * number seq.  Returns its length, or 0 when room is too small.
 */
size_t kernel_diag_exact_request(uint8_t *out, size_t room, const struct kernel_socket *sock,
                                 uint32_t seq);

/*
 * Parses one buffer of replies to exact requests sent with sequence numbers
 * first .. first + count - 1: calls fn for each socket, and gone(i, ctx) for
 * request i when the kernel answered with an error (the socket was freed, or
 * its cookie now names another socket).  Returns how many requests the
 * buffer answered, -SS_EPERM when sock_diag refused, -SS_ETRUNC /
 * -SS_EMALFORMED when a length lies.
 */
int kernel_diag_parse_exact(const uint8_t *buf, size_t len, uint32_t first, size_t count,
                            kernel_socket_fn fn, void (*gone)(size_t i, void *ctx), void *ctx);

/* Fills info from an INET_DIAG_INFO payload of len bytes (any length). */
void kernel_tcpi_from_bytes(const uint8_t *payload, size_t len, struct kernel_tcpi *info);

/* RFC 9293 names ("ESTABLISHED", "FIN_WAIT_1", "SYN_RECEIVED", "TIME_WAIT"), plus
 * "NEW_SYN_RECV"; "UNKNOWN" outside the table. */
const char *kernel_tcp_state_name(unsigned state);
/* "open", "disorder", "cwr", "recovery", "loss" (the kernel's tcp_ca_state). */
const char *kernel_ca_state_name(unsigned state);

/* ---- counters ---- */

struct kernel_counter {
	char name[KERNEL_COUNTER_NAME_MAX]; /* "TcpExtListenOverflows" */
	int64_t value;
};

struct kernel_counters {
	struct kernel_counter *items;
	size_t count, capacity;
};

/*
 * Appends the counters of one /proc/net file's text (netstat or snmp: pairs of
 * "Prefix: names" / "Prefix: values" lines; snmp6: "Name value" lines).
 * Malformed lines are skipped, a names line without its values line adds
 * nothing.  Returns the number of counters added, or -SS_ENOMEM.
 */
int kernel_counters_parse_pairs(struct kernel_counters *out, const char *text);
int kernel_counters_parse_flat(struct kernel_counters *out, const char *text);
void kernel_counters_free(struct kernel_counters *c);
/* Looks a counter up by name; NULL when absent. */
const struct kernel_counter *kernel_counters_find(const struct kernel_counters *c,
                                                  const char *name);

/* What a counter counts, in a sentence; NULL for counters not in the glossary. */
const char *kernel_counter_explain(const char *name);

/* ---- the records a sampling run produces ---- */

enum kernel_record_kind { KREC_SOCKET, KREC_COUNTERS };

struct kernel_delta {
	char name[KERNEL_COUNTER_NAME_MAX];
	int64_t delta;
};

struct kernel_record {
	enum kernel_record_kind kind;
	int64_t ts_sec;
	uint32_t ts_nsec;
	struct kernel_socket sock;   /* KREC_SOCKET */
	bool listener_port;          /* KREC_SOCKET: local port is one a listener had */
	bool peer_listener_port;     /* KREC_SOCKET: remote port is one a listener had */
	struct kernel_delta *deltas; /* KREC_COUNTERS, sorted by name */
	size_t delta_count;
};

/* "client", "server" or "listener" for a socket record; "unknown" when no
 * listener of the run explains its ports. */
const char *kernel_record_side(const struct kernel_record *rec);

/* Looks a delta up in a counters record; 0 when absent. */
int64_t kernel_record_delta(const struct kernel_record *rec, const char *name);

/* ---- the sampler ---- */

struct kernel_options {
	unsigned interval_us; /* 0: KERNEL_DEFAULT_INTERVAL_US */
	bool counters;        /* sample /proc/net too */
};

struct kernel_sampler;

/*
 * Starts sampling the calling thread's network namespace (the sampler's
 * thread inherits it).  Never fails for lack of sock_diag: the sampler then
 * samples counters only and kernel_sampler_status() says why.  Returns NULL
 * only when out of memory.
 */
struct kernel_sampler *kernel_sampler_start(const struct kernel_options *opts);

/* A socket call just returned: sample now.  Async with respect to the caller. */
void kernel_sampler_poke(void *sampler);

/*
 * A socket was just created by connect() or accept(): waits (at most
 * KERNEL_SYNC_WAIT_US) until a sample that began after this call is done, so
 * that even a connection that lives less than a sampling interval is seen once.
 * The cost to the caller is one sample's time; docs/kernel.md measures it.
 */
#define KERNEL_SYNC_WAIT_US 50000
void kernel_sampler_sync(void *sampler);

/*
 * A traced program's call just named a TCP socket (connect, accept, listen):
 * id holds its addresses and ports (cookie UINT64_MAX: any).  It is looked
 * up on the next tick, so a connection that lives between two full samples
 * is seen.  At most KERNEL_WATCH_MAX wait at once; past that the next full
 * sample finds them.  Thread-safe; returns at once.
 */
#define KERNEL_WATCH_MAX 32
void kernel_sampler_watch(void *sampler, const struct kernel_socket *id);

/* Takes a last sample and stops the thread; records stay until free. */
void kernel_sampler_stop(struct kernel_sampler *s);

/* Records in time order (valid after stop). */
const struct kernel_record *kernel_sampler_records(const struct kernel_sampler *s, size_t *count);

/* "" when sock_diag answered; otherwise why there are no socket records. */
const char *kernel_sampler_status(const struct kernel_sampler *s);

/* How many samples were taken and how long they took, for the overhead measurement. */
void kernel_sampler_cost(const struct kernel_sampler *s, uint64_t *samples, double *seconds);

void kernel_sampler_free(struct kernel_sampler *s);

/* ---- what the kernel's records say, in words ---- */

struct kernel_note {
	size_t record;  /* index of the counters record it explains */
	int64_t ts_sec; /* when: that record's time */
	uint32_t ts_nsec;
	char text[512]; /* with "%T" where the writer puts the relative time */
};

/*
 * Sentences that cite the kernel: a ListenOverflows delta with the accept
 * queue the listener had, a TCPTimeouts or TCPLossProbes delta with the RTO
 * the sender had, a TCPWinProbe delta with the zero window the sender saw.  Returns a malloc'd
 * array (count in *count; NULL when none).
 */
struct kernel_note *kernel_explain(const struct kernel_record *recs, size_t count,
                                   size_t *note_count);

#endif
