/*
 * log.c - the record of a demo's socket API calls.
 *
 * Calls are appended under a mutex by whichever thread made them (a
 * concurrent server logs from several).  Timestamps come from CLOCK_REALTIME,
 * the clock libpcap stamps packets with, so a call and the packets it caused
 * fall into one order.  demo_log_calls() sorts by return time; calls that
 * returned in the same nanosecond keep the order they were logged in.
 */
#include "sockscope/demo.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

struct logged_call {
	struct demo_call call;
	uint64_t seq; /* insertion order, the tie-breaker when sorting */
};

struct demo_log {
	pthread_mutex_t lock;
	struct logged_call *items;
	struct demo_call *sorted; /* handed out by demo_log_calls() */
	size_t count, capacity;
	uint64_t next_seq;
	char error[DEMO_TEXT_MAX * 2];
	void (*observer)(void *arg, const struct demo_call *call); /* the kernel sampler */
	void *observer_arg;
};

void demo_log_set_observer(struct demo_log *log,
                           void (*fn)(void *arg, const struct demo_call *call), void *arg)
{
	pthread_mutex_lock(&log->lock);
	log->observer = fn;
	log->observer_arg = arg;
	pthread_mutex_unlock(&log->lock);
}

struct demo_log *demo_log_create(void)
{
	struct demo_log *log = calloc(1, sizeof(*log));
	if (!log)
		return NULL;
	pthread_mutex_init(&log->lock, NULL);
	return log;
}

void demo_log_free(struct demo_log *log)
{
	if (!log)
		return;
	pthread_mutex_destroy(&log->lock);
	free(log->items);
	free(log->sorted);
	free(log);
}

size_t demo_log_count(const struct demo_log *log)
{
	size_t n;
	pthread_mutex_lock((pthread_mutex_t *)&log->lock);
	n = log->count;
	pthread_mutex_unlock((pthread_mutex_t *)&log->lock);
	return n;
}

static int compare_logged(const void *a, const void *b)
{
	const struct logged_call *x = a, *y = b;
	if (x->call.ts_sec != y->call.ts_sec)
		return x->call.ts_sec < y->call.ts_sec ? -1 : 1;
	if (x->call.ts_nsec != y->call.ts_nsec)
		return x->call.ts_nsec < y->call.ts_nsec ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

const struct demo_call *demo_log_calls(struct demo_log *log)
{
	struct demo_call *sorted;

	pthread_mutex_lock(&log->lock);
	if (log->count) /* qsort wants a non-NULL base even for no items */
		qsort(log->items, log->count, sizeof(*log->items), compare_logged);
	sorted = realloc(log->sorted, (log->count ? log->count : 1) * sizeof(*sorted));
	if (sorted) {
		log->sorted = sorted;
		for (size_t i = 0; i < log->count; i++)
			sorted[i] = log->items[i].call;
	}
	pthread_mutex_unlock(&log->lock);
	return sorted;
}

/* Appends a finished call; on allocation failure the call is lost, not the log. */
static void log_append(struct demo_log *log, const struct demo_call *call)
{
	pthread_mutex_lock(&log->lock);
	if (log->count == log->capacity) {
		size_t capacity = log->capacity ? log->capacity * 2 : 64;
		struct logged_call *items = realloc(log->items, capacity * sizeof(*items));
		if (!items) {
			pthread_mutex_unlock(&log->lock);
			return;
		}
		log->items = items;
		log->capacity = capacity;
	}
	log->items[log->count].call = *call;
	log->items[log->count].seq = log->next_seq++;
	log->count++;
	void (*observer)(void *, const struct demo_call *) = log->observer;
	void *observer_arg = log->observer_arg;
	pthread_mutex_unlock(&log->lock);
	if (observer)
		observer(observer_arg, call);
}

static void stamp(int64_t *sec, uint32_t *nsec)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	*sec = now.tv_sec;
	*nsec = (uint32_t)now.tv_nsec;
}

void demo_call_begin(struct demo_call *call, const char *side, const char *name)
{
	memset(call, 0, sizeof(*call));
	snprintf(call->side, sizeof(call->side), "%s", side);
	snprintf(call->call, sizeof(call->call), "%s", name);
	stamp(&call->start_sec, &call->start_nsec);
}

/* Copies an AF_INET/AF_INET6 sockaddr into an ss_addr and port; false for other families. */
static bool sockaddr_to_ss(const void *sockaddr, struct ss_addr *addr, uint16_t *port)
{
	const struct sockaddr *sa = sockaddr;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = sockaddr;
		addr->family = 4;
		memcpy(addr->bytes, &in->sin_addr, 4);
		*port = ntohs(in->sin_port);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = sockaddr;
		addr->family = 6;
		memcpy(addr->bytes, &in6->sin6_addr, 16);
		*port = ntohs(in6->sin6_port);
		return true;
	}
	return false;
}

/* The transport a socket speaks, from its type and protocol. */
static enum decode_l4 socket_l4(int fd)
{
	int domain = 0, type = 0, protocol = 0;
	socklen_t len = sizeof(int);

	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0)
		return L4_NONE;
	if (domain != AF_INET && domain != AF_INET6)
		return L4_NONE;
	len = sizeof(int);
	getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len);
	len = sizeof(int);
	getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &protocol, &len);
	if (type == SOCK_STREAM)
		return L4_TCP;
	if (type == SOCK_DGRAM)
		return L4_UDP;
	if (protocol == IPPROTO_ICMP)
		return L4_ICMP;
	if (protocol == IPPROTO_ICMPV6)
		return L4_ICMPV6;
	return L4_OTHER;
}

/*
 * An unconnected UDP socket is bound to the wildcard address; the datagram
 * still leaves with a real source address, chosen by route.  Towards a
 * loopback peer that is the loopback address, so name it, and the call can
 * be tied to its flow.
 */
static void resolve_wildcard_local(struct demo_call *call)
{
	static const uint8_t zero[16];

	if (call->local.family == 0 || memcmp(call->local.bytes, zero, sizeof(zero)) != 0)
		return;
	if (call->peer.family == 4 && call->peer.bytes[0] == 127) {
		call->local.bytes[0] = 127;
		call->local.bytes[3] = 1;
	} else if (call->peer.family == 6 && call->peer.bytes[15] == 1 &&
	           memcmp(call->peer.bytes, zero, 15) == 0) {
		call->local.bytes[15] = 1;
	}
}

void demo_call_tuple(struct demo_call *call, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int saved_errno = errno;

	if (fd < 0)
		return;
	call->proto = socket_l4(fd);
	len = sizeof(ss);
	memset(&ss, 0, sizeof(ss));
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
		sockaddr_to_ss(&ss, &call->local, &call->local_port);
	len = sizeof(ss);
	memset(&ss, 0, sizeof(ss));
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0)
		sockaddr_to_ss(&ss, &call->peer, &call->peer_port);
	resolve_wildcard_local(call);
	call->has_tuple = call->local.family != 0 && call->peer.family != 0;
	errno = saved_errno;
}

void demo_call_peer(struct demo_call *call, const void *sockaddr)
{
	if (sockaddr && sockaddr_to_ss(sockaddr, &call->peer, &call->peer_port)) {
		resolve_wildcard_local(call);
		call->has_tuple = call->local.family != 0;
	}
}

static void finish_va(struct demo_log *log, struct demo_call *call, long ret, int err,
                      const char *format, va_list ap)
{
	stamp(&call->ts_sec, &call->ts_nsec);
	call->ret = ret;
	call->err = err;
	if (format)
		vsnprintf(call->args, sizeof(call->args), format, ap);
	log_append(log, call);
}

void demo_log_finish(struct demo_log *log, struct demo_call *call, long ret, int err,
                     const char *args_format, ...)
{
	va_list ap;
	va_start(ap, args_format);
	finish_va(log, call, ret, err, args_format, ap);
	va_end(ap);
}

void demo_log_call(struct demo_log *log, const char *side, const char *call, int fd, long ret,
                   int err, const char *args_format, ...)
{
	struct demo_call c;
	va_list ap;

	demo_call_begin(&c, side, call);
	demo_call_tuple(&c, fd);
	va_start(ap, args_format);
	finish_va(log, &c, ret, err, args_format, ap);
	va_end(ap);
}

void demo_log_add(struct demo_log *log, const struct demo_call *call)
{
	log_append(log, call);
}

void demo_log_note(struct demo_log *log, const char *side, const char *text)
{
	struct demo_call c;

	demo_call_begin(&c, side, "note");
	demo_log_finish(log, &c, 0, 0, "%s", text);
}

void demo_log_error(struct demo_log *log, const char *format, ...)
{
	va_list ap;

	pthread_mutex_lock(&log->lock);
	if (log->error[0] == '\0') {
		va_start(ap, format);
		vsnprintf(log->error, sizeof(log->error), format, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&log->lock);
}

const char *demo_log_error_text(const struct demo_log *log)
{
	return log->error;
}
