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

#include "sockscope/common.h"
#include "sockscope/decode.h"

#define DEMO_TEXT_MAX 160

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

/* A free-text note on the timeline ("the server drops this datagram on purpose"). */
void demo_log_note(struct demo_log *log, const char *side, const char *text);

struct demo_env {
	uint16_t base_port; /* ports the demo may use: base_port .. base_port + 15 */
	const char *netns;  /* network namespace used by demos that make one, or NULL */
};

struct demo {
	const char *name;        /* "tcp-upper" */
	const char *description; /* one line */
	const char *teaches;     /* what a student should see */
	const char *interface;   /* where to capture: "lo" */
	/* BPF filter for the capture; %u is replaced by base_port .. base_port+15 */
	const char *filter;
	int (*run)(struct demo_log *log, const struct demo_env *env);
};

const struct demo *demo_find(const char *name);
const struct demo *demo_registry(size_t *count);

#endif
