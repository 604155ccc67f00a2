/*
 * sampler.c - the sampling thread: sock_diag and /proc/net counters on a
 * timer and on demand, kept only when something changed (see kernel.h).
 *
 * A dump walks every bucket of the kernel's established-socket hash table,
 * whatever few sockets it holds: 262,144 buckets on a machine with 24 GB,
 * several milliseconds per address family.  Dumped on every 1 ms tick, it
 * took a whole CPU from the program being watched.  So dumps, which find new
 * sockets, are paced to a share of the time (DUMP_SHARE), and on the other
 * ticks the sockets already found are asked for one by one (an exact
 * request: a hash lookup).  The counters (three /proc files read and parsed)
 * are read with the dumps, not on every tick.  A poke (a demo's socket call)
 * takes a full sample at once.
 */
#include "sockscope/kernel.h"
#include "internal.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RECV_BUFFER    65536
#define PROC_MAX       (256 * 1024) /* larger than any kernel's /proc/net/netstat */
#define LISTEN_PORTS   64
#define ALL_TCP_STATES 0xffffffffu
#define DUMP_SHARE     10 /* the next dump waits at least ten times the last one's cost */
#define LOOKUP_MAX     64 /* sockets asked for one by one per tick, the newest first */
#define EXACT_REQUEST  128 /* bytes of one exact request, rounded up */
#define ASKED_MAX      (LOOKUP_MAX + KERNEL_WATCH_MAX)

struct tracked {
	uint64_t cookie;
	struct kernel_socket last;
	uint64_t dump_seen; /* the last dump that listed it */
	bool gone;          /* freed: a dump missed it, or a lookup found nothing */
};

struct kernel_sampler {
	struct kernel_options opts;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping, poked, started, sync_ready;
	uint64_t begun, done;   /* samples started and finished, under lock */
	pthread_cond_t sampled; /* signalled when a sample finishes */
	int nl;
	uint32_t seq;
	char status[256];
	uint8_t *buf;
	char *proc_text;
	struct kernel_record *recs;
	size_t count, capacity;
	bool full;
	struct tracked *socks;
	size_t nsocks, capsocks;
	uint16_t listen_ports[LISTEN_PORTS];
	size_t nlisten;
	struct kernel_counters prev;
	bool have_prev;
	int64_t now_sec;
	uint32_t now_nsec;
	uint64_t samples, dumps;
	double seconds;
	int64_t next_dump_ns; /* CLOCK_MONOTONIC: no dump before, unless poked */
	struct kernel_socket watch[KERNEL_WATCH_MAX]; /* named by calls, under lock */
	size_t nwatch;
	size_t asked[ASKED_MAX]; /* request i: socks[asked[i]], or a watch */
};

#define ASKED_WATCH SIZE_MAX

/* Records are stamped when the kernel's answer holding them arrived, not when a
 * sample began: a dump of a big hash table takes milliseconds, and finds sockets
 * made after it began; stamped at its start, their records would come before the
 * handshakes that made them, when no flow exists to tie them to. */
static void stamp(struct kernel_sampler *s)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	s->now_sec = now.tv_sec;
	s->now_nsec = (uint32_t)now.tv_nsec;
}

static struct kernel_record *new_record(struct kernel_sampler *s, enum kernel_record_kind kind)
{
	if (s->count == KERNEL_MAX_RECORDS) {
		if (!s->full)
			snprintf(s->status + strlen(s->status),
			         sizeof s->status - strlen(s->status),
			         "%sonly the first %d kernel records were kept",
			         s->status[0] ? "; " : "", KERNEL_MAX_RECORDS);
		s->full = true;
		return NULL;
	}
	if (!kernel_reserve((void **)&s->recs, &s->capacity, s->count, sizeof *s->recs, 256))
		return NULL;
	struct kernel_record *rec = &s->recs[s->count++];
	memset(rec, 0, sizeof *rec);
	rec->kind = kind;
	rec->ts_sec = s->now_sec;
	rec->ts_nsec = s->now_nsec;
	return rec;
}

/* busy_time and delivery_rate move with every microsecond of sending: not a change. */
static bool socket_changed(const struct kernel_socket *a, const struct kernel_socket *b)
{
	if (a->state != b->state || a->rqueue != b->rqueue || a->wqueue != b->wqueue ||
	    a->has_info != b->has_info || a->info.known != b->info.known)
		return true;
	for (size_t i = 0; i < KTI_FIELD_COUNT; i++)
		if (i != KTI_BUSY_TIME && i != KTI_DELIVERY_RATE &&
		    a->info.value[i] != b->info.value[i])
			return true;
	return false;
}

/* The tracked socket with this cookie, inserted (sorted) when new; NULL when out of memory. */
static struct tracked *find_tracked(struct kernel_sampler *s, uint64_t cookie, bool *is_new)
{
	size_t lo = 0, hi = s->nsocks;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->socks[mid].cookie == cookie) {
			*is_new = false;
			return &s->socks[mid];
		}
		if (s->socks[mid].cookie < cookie)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!kernel_reserve((void **)&s->socks, &s->capsocks, s->nsocks, sizeof *s->socks, 64))
		return NULL;
	memmove(&s->socks[lo + 1], &s->socks[lo], (s->nsocks - lo) * sizeof *s->socks);
	s->nsocks++;
	memset(&s->socks[lo], 0, sizeof s->socks[lo]);
	s->socks[lo].cookie = cookie;
	*is_new = true;
	return &s->socks[lo];
}

static void remember_listener(struct kernel_sampler *s, uint16_t port)
{
	for (size_t i = 0; i < s->nlisten; i++)
		if (s->listen_ports[i] == port)
			return;
	if (s->nlisten < LISTEN_PORTS)
		s->listen_ports[s->nlisten++] = port;
}

static void take_socket(const struct kernel_socket *sock, void *ctx)
{
	struct kernel_sampler *s = ctx;
	bool is_new;
	struct tracked *t = find_tracked(s, sock->cookie, &is_new);

	if (sock->state == KTCP_LISTEN)
		remember_listener(s, sock->local_port);
	if (!t)
		return;
	t->dump_seen = s->dumps;
	t->gone = false;
	if (!is_new && !socket_changed(&t->last, sock))
		return;
	t->last = *sock;
	struct kernel_record *rec = new_record(s, KREC_SOCKET);
	if (rec)
		rec->sock = *sock;
}

static int open_diag(char *status, size_t size)
{
	struct timeval timeout = {.tv_sec = 1};
	int fd;

	if (getenv("SOCKSCOPE_NO_SOCK_DIAG")) {
		snprintf(status, size,
		         "sock_diag was not used (SOCKSCOPE_NO_SOCK_DIAG is set): "
		         "no kernel socket records");
		return -1;
	}
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0) {
		snprintf(status, size,
		         "sock_diag is unavailable (socket: %s): no kernel socket records",
		         strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
	return fd;
}

static int send_dump(struct kernel_sampler *s, uint8_t family)
{
	struct {
		struct nlmsghdr h;
		struct inet_diag_req_v2 r;
	} req = {0};
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};

	req.h.nlmsg_len = sizeof req;
	req.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = ++s->seq;
	req.r.sdiag_family = family;
	req.r.sdiag_protocol = IPPROTO_TCP;
	req.r.idiag_states = ALL_TCP_STATES;
	req.r.idiag_ext = 1u << (INET_DIAG_INFO - 1) | 1u << (INET_DIAG_SKMEMINFO - 1);
	if (sendto(s->nl, &req, sizeof req, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0)
		return -SS_EIO;
	return 0;
}

/* One dump of one family; the status says why when it fails. */
static int dump_family(struct kernel_sampler *s, uint8_t family)
{
	int rc = send_dump(s, family);

	while (rc == 0) {
		ssize_t n = recv(s->nl, s->buf, RECV_BUFFER, 0);
		if (n <= 0) {
			rc = -SS_EIO;
			break;
		}
		stamp(s);
		rc = kernel_diag_parse(s->buf, (size_t)n, s->seq, take_socket, s);
	}
	if (rc < 0)
		snprintf(s->status, sizeof s->status,
		         "sock_diag %s the dump (%s): no further kernel socket records",
		         rc == -SS_EPERM ? "refused" : "failed", ss_strerror(rc));
	return rc < 0 ? rc : 0;
}

static void stop_diag(struct kernel_sampler *s)
{
	close(s->nl);
	s->nl = -1;
}

/* Both families' dumps; a socket they no longer list is gone. */
static void dump_sockets(struct kernel_sampler *s)
{
	if (s->nl < 0)
		return;
	s->dumps++;
	if (dump_family(s, AF_INET) < 0 || dump_family(s, AF_INET6) < 0) {
		stop_diag(s);
		return;
	}
	for (size_t i = 0; i < s->nsocks; i++)
		s->socks[i].gone |= s->socks[i].dump_seen != s->dumps;
}

static void lookup_gone(size_t i, void *ctx)
{
	struct kernel_sampler *s = ctx;
	if (s->asked[i] != ASKED_WATCH) /* a watched socket may already be gone */
		s->socks[s->asked[i]].gone = true;
}

/* The sockets calls named since the last tick, taken from the list. */
static size_t take_watched(struct kernel_sampler *s, struct kernel_socket *out)
{
	pthread_mutex_lock(&s->lock);
	size_t n = s->nwatch;
	memcpy(out, s->watch, n * sizeof *out);
	s->nwatch = 0;
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* Sends one exact request per socket calls named, and per socket still there
 * (the newest LOOKUP_MAX); returns how many. */
static size_t send_lookups(struct kernel_sampler *s, uint32_t first)
{
	uint8_t reqs[ASKED_MAX * EXACT_REQUEST];
	struct kernel_socket watched[KERNEL_WATCH_MAX];
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	size_t n = 0, len = 0, nwatched = take_watched(s, watched);

	for (size_t i = 0; i < nwatched; i++) {
		size_t add = kernel_diag_exact_request(reqs + len, sizeof reqs - len, &watched[i],
		                                       first + (uint32_t)n);
		if (!add)
			break;
		s->asked[n++] = ASKED_WATCH;
		len += add;
	}
	for (size_t i = s->nsocks; i-- > 0 && n < nwatched + LOOKUP_MAX;) {
		/* a TIME_WAIT socket has no tcp_info and only waits to be freed:
		 * the next dump sees it gone */
		if (s->socks[i].gone || s->socks[i].last.state == KTCP_TIME_WAIT)
			continue;
		size_t add = kernel_diag_exact_request(reqs + len, sizeof reqs - len, &s->socks[i].last,
		                                       first + (uint32_t)n);
		if (!add)
			break;
		s->asked[n++] = i;
		len += add;
	}
	if (n && sendto(s->nl, reqs, len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0)
		return SIZE_MAX;
	return n;
}

/* The sockets already found, asked for one by one. */
static void lookup_sockets(struct kernel_sampler *s)
{
	uint32_t first = s->seq + 1;
	size_t n, answered = 0;

	if (s->nl < 0)
		return;
	n = send_lookups(s, first);
	if (n == SIZE_MAX) {
		snprintf(s->status, sizeof s->status,
		         "sock_diag failed a lookup (%s): no further kernel socket records",
		         strerror(errno));
		stop_diag(s);
		return;
	}
	s->seq += (uint32_t)n;
	while (answered < n) {
		ssize_t got = recv(s->nl, s->buf, RECV_BUFFER, 0);
		stamp(s);
		int rc = got <= 0 ? -SS_EIO
		                  : kernel_diag_parse_exact(s->buf, (size_t)got, first, n, take_socket,
		                                            lookup_gone, s);
		if (rc < 0) {
			snprintf(s->status, sizeof s->status,
			         "sock_diag %s a lookup (%s): no further kernel socket records",
			         rc == -SS_EPERM ? "refused" : "failed", ss_strerror(rc));
			stop_diag(s);
			return;
		}
		answered += (size_t)rc;
	}
}

static int64_t monotonic_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Counters are read with the dumps, not on every tick. */
static void sample_counters(struct kernel_sampler *s);

/* A full sample (dumps, counters) when poked or when its pace allows, else lookups. */
static void sample_sockets_and_counters(struct kernel_sampler *s, bool full)
{
	int64_t start = monotonic_ns();

	if (!full && start < s->next_dump_ns) {
		lookup_sockets(s);
		return;
	}
	dump_sockets(s);
	sample_counters(s);
	int64_t now = monotonic_ns(), wait = DUMP_SHARE * (now - start);
	int64_t interval = (int64_t)s->opts.interval_us * 1000;
	s->next_dump_ns = now + (wait > interval ? wait : interval);
}

/* Reads a whole /proc file into s->proc_text; false when it cannot. */
static bool read_proc(struct kernel_sampler *s, const char *path)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return false;
	n = fread(s->proc_text, 1, PROC_MAX - 1, f);
	fclose(f);
	s->proc_text[n] = '\0';
	return true;
}

static bool read_counters(struct kernel_sampler *s, struct kernel_counters *cur)
{
	static const char *const pairs[] = {"/proc/thread-self/net/netstat",
	                                    "/proc/thread-self/net/snmp"};
	for (size_t i = 0; i < SS_ARRAY_SIZE(pairs); i++)
		if (read_proc(s, pairs[i]) && kernel_counters_parse_pairs(cur, s->proc_text) < 0)
			return false;
	if (read_proc(s, "/proc/thread-self/net/snmp6") &&
	    kernel_counters_parse_flat(cur, s->proc_text) < 0)
		return false;
	return true;
}

static int64_t previous_value(const struct kernel_counters *prev, size_t i, const char *name)
{
	if (i < prev->count && strcmp(prev->items[i].name, name) == 0)
		return prev->items[i].value; /* the usual case: same files, same order */
	const struct kernel_counter *k = kernel_counters_find(prev, name);
	return k ? k->value : 0;
}

static int by_delta_name(const void *a, const void *b)
{
	return strcmp(((const struct kernel_delta *)a)->name,
	              ((const struct kernel_delta *)b)->name);
}

static void record_deltas(struct kernel_sampler *s, const struct kernel_counters *cur)
{
	struct kernel_delta *deltas = NULL;
	size_t n = 0, capacity = 0;

	for (size_t i = 0; i < cur->count; i++) {
		int64_t d = cur->items[i].value - previous_value(&s->prev, i, cur->items[i].name);
		if (d == 0)
			continue;
		if (!kernel_reserve((void **)&deltas, &capacity, n, sizeof *deltas, 16))
			break;
		memcpy(deltas[n].name, cur->items[i].name, KERNEL_COUNTER_NAME_MAX);
		deltas[n++].delta = d;
	}
	struct kernel_record *rec = n ? new_record(s, KREC_COUNTERS) : NULL;
	if (!rec) {
		free(deltas);
		return;
	}
	qsort(deltas, n, sizeof *deltas, by_delta_name);
	rec->deltas = deltas;
	rec->delta_count = n;
}

static void sample_counters(struct kernel_sampler *s)
{
	struct kernel_counters cur = {0};

	if (!s->opts.counters || !read_counters(s, &cur)) {
		kernel_counters_free(&cur);
		return;
	}
	stamp(s);
	if (s->have_prev)
		record_deltas(s, &cur);
	kernel_counters_free(&s->prev);
	s->prev = cur;
	s->have_prev = true;
}

static void sample(struct kernel_sampler *s, bool full)
{
	struct timespec start, end;

	clock_gettime(CLOCK_MONOTONIC, &start);
	sample_sockets_and_counters(s, full);
	clock_gettime(CLOCK_MONOTONIC, &end);
	s->samples++;
	s->seconds += (double)(end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
}

static void after_interval(struct timespec *t, unsigned us)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_nsec += (long)us * 1000L;
	t->tv_sec += t->tv_nsec / 1000000000L;
	t->tv_nsec %= 1000000000L;
}

static void *sampler_thread(void *arg)
{
	struct kernel_sampler *s = arg;
	struct timespec deadline;

	s->nl = open_diag(s->status, sizeof s->status);
	sample(s, true); /* the baseline: the counters' first values, the sockets already there */
	pthread_mutex_lock(&s->lock);
	while (!s->stopping) {
		after_interval(&deadline, s->opts.interval_us);
		while (!s->poked && !s->stopping &&
		       pthread_cond_timedwait(&s->wake, &s->lock, &deadline) == 0)
			;
		bool poked = s->poked;
		s->poked = false;
		s->begun++;
		pthread_mutex_unlock(&s->lock);
		sample(s, poked);
		pthread_mutex_lock(&s->lock);
		s->done++;
		pthread_cond_broadcast(&s->sampled);
	}
	pthread_mutex_unlock(&s->lock);
	sample(s, true); /* the end: what the last calls left behind */
	if (s->nl >= 0)
		close(s->nl);
	return NULL;
}

struct kernel_sampler *kernel_sampler_start(const struct kernel_options *opts)
{
	struct kernel_sampler *s = calloc(1, sizeof *s);
	pthread_condattr_t attr;

	if (!s)
		return NULL;
	s->opts = *opts;
	if (!s->opts.interval_us)
		s->opts.interval_us = KERNEL_DEFAULT_INTERVAL_US;
	s->nl = -1;
	s->buf = malloc(RECV_BUFFER);
	s->proc_text = malloc(PROC_MAX);
	if (!s->buf || !s->proc_text) {
		kernel_sampler_free(s);
		return NULL;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &attr);
	pthread_cond_init(&s->sampled, &attr);
	pthread_condattr_destroy(&attr);
	s->sync_ready = true;
	s->started = pthread_create(&s->thread, NULL, sampler_thread, s) == 0;
	if (!s->started)
		snprintf(s->status, sizeof s->status,
		         "the kernel sampler could not start a thread");
	return s;
}

void kernel_sampler_poke(void *sampler)
{
	struct kernel_sampler *s = sampler;

	pthread_mutex_lock(&s->lock);
	s->poked = true;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
}

void kernel_sampler_watch(void *sampler, const struct kernel_socket *id)
{
	struct kernel_sampler *s = sampler;

	pthread_mutex_lock(&s->lock);
	if (s->nwatch < KERNEL_WATCH_MAX)
		s->watch[s->nwatch++] = *id;
	pthread_mutex_unlock(&s->lock);
}

void kernel_sampler_sync(void *sampler)
{
	struct kernel_sampler *s = sampler;
	struct timespec deadline;

	if (!s->started)
		return;
	after_interval(&deadline, KERNEL_SYNC_WAIT_US);
	pthread_mutex_lock(&s->lock);
	uint64_t want = s->begun + 1; /* a sample that starts after this moment */
	s->poked = true;
	pthread_cond_signal(&s->wake);
	while (s->done < want && !s->stopping &&
	       pthread_cond_timedwait(&s->sampled, &s->lock, &deadline) == 0)
		;
	pthread_mutex_unlock(&s->lock);
}

/* Listeners are known only once seen: sides are settled when the run is over. */
static void settle_sides(struct kernel_sampler *s)
{
	for (size_t i = 0; i < s->count; i++) {
		struct kernel_record *rec = &s->recs[i];
		if (rec->kind != KREC_SOCKET)
			continue;
		for (size_t j = 0; j < s->nlisten; j++) {
			rec->listener_port |= rec->sock.local_port == s->listen_ports[j];
			rec->peer_listener_port |= rec->sock.remote_port == s->listen_ports[j];
		}
	}
}

void kernel_sampler_stop(struct kernel_sampler *s)
{
	if (!s || !s->started)
		return;
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	s->started = false;
	settle_sides(s);
}

const struct kernel_record *kernel_sampler_records(const struct kernel_sampler *s, size_t *count)
{
	*count = s->count;
	return s->recs;
}

const char *kernel_sampler_status(const struct kernel_sampler *s)
{
	return s->status;
}

void kernel_sampler_cost(const struct kernel_sampler *s, uint64_t *samples, double *seconds)
{
	*samples = s->samples;
	*seconds = s->seconds;
}

void kernel_sampler_free(struct kernel_sampler *s)
{
	if (!s)
		return;
	kernel_sampler_stop(s);
	for (size_t i = 0; i < s->count; i++)
		free(s->recs[i].deltas);
	free(s->recs);
	free(s->socks);
	free(s->buf);
	free(s->proc_text);
	kernel_counters_free(&s->prev);
	if (s->sync_ready) {
		pthread_cond_destroy(&s->wake);
		pthread_cond_destroy(&s->sampled);
		pthread_mutex_destroy(&s->lock);
	}
	free(s);
}
