/*
 * demo.h - the bundled socket demos and the log of their socket API calls.
 *
 * Each demo is a small client/server program.  Every socket call it makes is
 * recorded in a `struct demo_log` with a CLOCK_REALTIME timestamp taken when
 * the call returns: the same clock libpcap stamps packets with, so calls and
 * packets merge on one time line.  The log is owned by the caller of
 * demo_run(); demo_log_free() releases it.  The log is thread-safe (a
 * concurrent server logs from several threads).
 */
#ifndef SOCKSCOPE_DEMO_H
#define SOCKSCOPE_DEMO_H

#include <sys/types.h>

#include "sockscope/common.h"
#include "sockscope/decode.h"

#define DEMO_TEXT_MAX 320 /* room for a 64-byte data preview, escaped */

struct demo_call {
	int64_t ts_sec; /* when the call returned (CLOCK_REALTIME) */
	uint32_t ts_nsec;
	int64_t start_sec; /* when the call was made */
	uint32_t start_nsec;
	char side[16];            /* "server", "client", "client 2" */
	char call[16];            /* "connect", "recvfrom", ... */
	char args[DEMO_TEXT_MAX]; /* "fd 3, 127.0.0.1:7000" */
	long ret;
	int err; /* errno when the call failed, else 0 */
	/* the socket's addresses after the call, to tie it to a flow */
	enum decode_l4 proto; /* L4_TCP, L4_UDP, L4_ICMP or L4_NONE */
	bool has_tuple;
	struct ss_addr local, peer;
	uint16_t local_port, peer_port;
	/* who made the call: set for a traced program (syscalls.h), 0 / "" for a demo */
	int pid, tid;  /* process (thread group) and thread */
	char comm[16]; /* the thread's command name, as in /proc/PID/comm */
	int fd;        /* the socket the call acts on, or -1; meaningful when pid != 0 */
};

struct demo_log;

struct demo_log *demo_log_create(void);
void demo_log_free(struct demo_log *log);
size_t demo_log_count(const struct demo_log *log);
/* Calls sorted by return time; valid until the next demo_log_* call. */
const struct demo_call *demo_log_calls(struct demo_log *log);

/* Records a call.  fd (or -1) is used to read the socket's addresses. */
void demo_log_call(struct demo_log *log, const char *side, const char *call, int fd, long ret,
                   int err, const char *args_format, ...) __attribute__((format(printf, 7, 8)));

/*
 * A call recorded in three steps, so that its start time is taken before the
 * call and its addresses can be read at the right moment (before close(),
 * after accept()):
 *
 *	struct demo_call c;
 *	demo_call_begin(&c, "server", "accept");      stamps the start
 *	int conn = accept(listener, NULL, NULL);
 *	int err = conn < 0 ? errno : 0;
 *	demo_call_tuple(&c, conn);                     getsockname/getpeername
 *	demo_log_finish(log, &c, conn, err, "fd %d", listener);   stamps the return
 */
void demo_call_begin(struct demo_call *call, const char *side, const char *name);
/* Reads the protocol and both addresses of socket fd into call; absent parts stay unset. */
void demo_call_tuple(struct demo_call *call, int fd);
/* Sets the peer from a sockaddr (sendto's destination, recvfrom's source, connect's target). */
void demo_call_peer(struct demo_call *call, const void *sockaddr);
void demo_log_finish(struct demo_log *log, struct demo_call *call, long ret, int err,
                     const char *args_format, ...) __attribute__((format(printf, 5, 6)));

/* fn(arg, call) is called by the logging thread after each call or note is
 * logged (the kernel sampler samples right after a socket call); NULL fn: none. */
void demo_log_set_observer(struct demo_log *log,
                           void (*fn)(void *arg, const struct demo_call *call), void *arg);

/* A short, printable preview of len bytes at data for a call's arguments:
 * "HELLO\n" becomes HELLO\\n, quotes and other bytes \xHH.  len <= 0 gives "". */
const char *demo_preview(const void *data, ssize_t len, char *buf, size_t size);
/* The same into buf (size >= 1), terminated; the characters written.  As much
 * of data as fits whole: an escape is never cut. */
size_t demo_preview_n(const void *data, size_t len, char *buf, size_t size);

struct sockaddr_storage;
/* "127.0.0.1:7000", "[::1]:7000", a Unix path, or "(family N)" */
const char *demo_format_sockaddr(const struct sockaddr_storage *addr, char *buf, size_t size);

/* Records a call already complete, times included (a traced program's call). */
void demo_log_add(struct demo_log *log, const struct demo_call *call);

/* A free-text note on the timeline ("the server drops this datagram on purpose"):
 * stored as a demo_call with call "note" and the text in args. */
void demo_log_note(struct demo_log *log, const char *side, const char *text);

/* Why a demo failed ("raw sockets need root or CAP_NET_RAW"), for the CLI to print;
 * "" when none was recorded.  The first message recorded wins. */
void demo_log_error(struct demo_log *log, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
const char *demo_log_error_text(const struct demo_log *log);

struct demo_env {
	uint16_t base_port; /* ports the demo may use: base_port .. base_port + 15 */
	const char *netns;  /* network namespace used by demos that make one, or NULL */
};

/* The last port of a demo's range is kept for the capture's start/end markers. */
#define DEMO_PORT_COUNT         16
#define DEMO_MARKER_PORT_OFFSET 15

enum demo_flags {
	DEMO_NEEDS_ROOT = 1u << 0, /* raw sockets or namespaces: root or CAP_NET_RAW/ADMIN */
	/* runs in a fresh network namespace: the runner enters it (unshare) before the
	 * capture opens, so `interface` names the namespace's own device */
	DEMO_OWN_NETNS = 1u << 1,
	DEMO_NO_WIRE = 1u << 2, /* nothing crosses a network (Unix sockets): calls only */
};

struct demo {
	const char *name;        /* "tcp-upper" */
	const char *description; /* one line */
	const char *teaches;     /* what a student should see */
	const char *interface;   /* where to capture: "lo" */
	/* BPF filter for the capture; %u is replaced by base_port .. base_port+15 */
	const char *filter;
	int (*run)(struct demo_log *log, const struct demo_env *env);
	unsigned flags; /* enum demo_flags */
	int snaplen;    /* bytes kept per frame; 0: the default (bulk demos keep headers) */
};

const struct demo *demo_find(const char *name);
const struct demo *demo_registry(size_t *count);

/* Expands demo->filter for base_port into buf.  Returns 0, or -SS_EUSAGE when it does not fit. */
int demo_filter_format(const struct demo *demo, uint16_t base_port, char *buf, size_t size);

/*
 * Moves the calling thread into a new, private network namespace with its
 * loopback up (DEMO_OWN_NETNS).  Threads and processes it starts afterwards
 * share the namespace; it vanishes when the last of them ends, so nothing is
 * left to clean up even after a crash.  Returns 0 or -SS_EPERM with a message.
 */
int demo_enter_private_netns(char *errbuf, size_t errsize);

#endif
