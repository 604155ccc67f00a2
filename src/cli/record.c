/*
 * record.c - live capture to a file around a piece of work (see record.h).
 *
 * Two threads: the recorder opens the capture (inside a private namespace
 * when asked, so that only it and what it starts live there), proves the
 * capture with a start marker, runs the work, proves the drain with an end
 * marker, and stops; the reader takes frames from the capture, recognises
 * the markers by their nonce and writes everything else to the file.
 */
#include "record.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "privs.h"
#include "signals.h"
#include "sockscope/demo.h"

#define MARKER_WAIT_MS   2000 /* give up proving the capture after this */
#define MARKER_RESEND_MS 100

enum marker_kind { MARKER_BEGIN = 0, MARKER_END = 1 };

struct recording {
	const struct record_options *opts;
	struct record_result *result;
	struct capture *cap;
	struct capture_writer *writer, *copy; /* the file; stdout for -w - */
	struct timespec flushed;              /* when the writers were last flushed */
	unsigned flushed_signals;             /* signals_count() then */
	const char *failed_name;              /* the file a write failed on */
	bool pcap_fd_taken;                   /* opts->pcap_fd is the writer's now */
	int marker_rx, marker_tx;
	uint16_t marker_port;
	char nonce[40]; /* "sockscope-marker-<16 hex digits>" */
	pthread_mutex_t lock;
	pthread_cond_t changed;
	bool seen[2];     /* by enum marker_kind */
	bool reader_done; /* the capture ended (stopped and drained, or failed) */
	bool full;        /* max_packets reached */
	uint64_t markers_seen;
	enum { OPENING, DROPPED_HERE, DROPPED_EVERYWHERE, THREAD_DONE } privileges;
	char *errbuf;
	size_t errsize;
};

static volatile sig_atomic_t interrupted;

void record_interrupt(void)
{
	interrupted = 1;
}

static bool uses_loopback(const char *iface)
{
	return strcmp(iface, "lo") == 0 || strcmp(iface, "any") == 0;
}

/* The frame carries our nonce: a marker, or an ICMP error quoting one. */
static bool check_marker(struct recording *rec, const struct capture_frame *frame)
{
	size_t len = strlen(rec->nonce);
	const uint8_t *hit = memmem(frame->data, frame->caplen, rec->nonce, len);

	if (!hit)
		return false;
	pthread_mutex_lock(&rec->lock);
	rec->markers_seen++;
	size_t rest = frame->caplen - (size_t)(hit - frame->data) - len;
	if (rest >= 4 && memcmp(hit + len, " end", 4) == 0)
		rec->seen[MARKER_END] = true;
	else
		rec->seen[MARKER_BEGIN] = true;
	pthread_cond_broadcast(&rec->changed);
	pthread_mutex_unlock(&rec->lock);
	return true;
}

static long ms_since(const struct timespec *then)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - then->tv_sec) * 1000 + (now.tv_nsec - then->tv_nsec) / 1000000;
}

/* Every RECORD_FLUSH_MS and after a signal; the first write error ends the capture. */
static int flush_writers(struct recording *rec, bool force)
{
	unsigned signals = signals_count();
	int rc;

	if (!force && signals == rec->flushed_signals && ms_since(&rec->flushed) < RECORD_FLUSH_MS)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &rec->flushed);
	rec->flushed_signals = signals;
	rec->failed_name = rec->opts->pcap_path;
	if ((rc = capture_writer_flush(rec->writer)) == 0 && rec->copy &&
	    (rc = capture_writer_flush(rec->copy)) < 0)
		rec->failed_name = "-";
	return rc;
}

static int write_frame(struct recording *rec, const struct capture_frame *frame)
{
	int rc = capture_writer_write(rec->writer, frame);

	rec->failed_name = rec->opts->pcap_path;
	if (rc == 0 && rec->copy && (rc = capture_writer_write(rec->copy, frame)) < 0)
		rec->failed_name = "-";
	return rc;
}

/* Returns 0, or -errno when the frame could not be written. */
static int take_frame(struct recording *rec, const struct capture_frame *frame)
{
	int rc;

	if (rec->nonce[0] && check_marker(rec, frame))
		return 0;
	if (rec->full)
		return 0; /* -c reached: keep reading to see the end marker, write no more */
	if ((rc = write_frame(rec, frame)) < 0)
		return rc;
	if (++rec->result->frames == (uint64_t)rec->opts->max_packets) {
		pthread_mutex_lock(&rec->lock);
		rec->full = true;
		pthread_cond_broadcast(&rec->changed);
		pthread_mutex_unlock(&rec->lock);
	}
	return 0;
}

/* The capture ended with an error: say so, once. */
static void reader_failed(struct recording *rec, int rc, const char *message)
{
	if (rec->result->error)
		return;
	rec->result->error = rc;
	snprintf(rec->errbuf, rec->errsize, "%s", message);
}

static void *read_frames(void *arg)
{
	struct recording *rec = arg;
	struct capture_frame frame;
	char errbuf[256] = "";
	int rc, werr = 0;

	clock_gettime(CLOCK_MONOTONIC, &rec->flushed);
	while ((rc = capture_next(rec->cap, &frame, errbuf, sizeof(errbuf))) > 0) {
		if ((rc == 1 && (werr = take_frame(rec, &frame)) < 0) ||
		    (werr = flush_writers(rec, false)) < 0)
			break;
	}
	if (werr == 0)
		werr = flush_writers(rec, true);
	pthread_mutex_lock(&rec->lock);
	if (werr < 0) {
		snprintf(errbuf, sizeof errbuf, "%s: cannot write: %s; the capture stopped there",
		         rec->failed_name, strerror(-werr));
		reader_failed(rec, -SS_EIO, errbuf);
	} else if (rc < 0) {
		reader_failed(rec, rc, errbuf);
	}
	rec->reader_done = true;
	pthread_cond_broadcast(&rec->changed);
	pthread_mutex_unlock(&rec->lock);
	return NULL;
}

/* A bound receiver on 127.0.0.1 (so no ICMP error answers the marker) and a sender. */
static int open_marker_sockets(struct recording *rec)
{
	struct sockaddr_in addr = {.sin_family = AF_INET,
	                           .sin_port = htons(rec->opts->marker_port)};
	socklen_t len = sizeof(addr);
	uint8_t random[8];

	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rec->marker_rx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	rec->marker_tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (rec->marker_rx < 0 || rec->marker_tx < 0 ||
	    bind(rec->marker_rx, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    getsockname(rec->marker_rx, (struct sockaddr *)&addr, &len) < 0) {
		snprintf(rec->errbuf, rec->errsize, "marker socket on 127.0.0.1:%u: %s",
		         rec->opts->marker_port, strerror(errno));
		return -SS_EIO;
	}
	rec->marker_port = ntohs(addr.sin_port);
	if (getrandom(random, sizeof(random), 0) != (ssize_t)sizeof(random)) {
		uint64_t fallback = (uint64_t)time(NULL) << 20 ^ (uint64_t)getpid();
		memcpy(random, &fallback, sizeof(random));
	}
	snprintf(rec->nonce, sizeof(rec->nonce), "sockscope-marker-");
	for (size_t i = 0; i < sizeof(random); i++)
		snprintf(rec->nonce + strlen(rec->nonce), 3, "%02x", random[i]);
	return 0;
}

static void send_marker(const struct recording *rec, enum marker_kind kind)
{
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(rec->marker_port)};
	char text[64];

	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	snprintf(text, sizeof(text), "%s %s", rec->nonce, kind == MARKER_END ? "end" : "begin");
	sendto(rec->marker_tx, text, strlen(text), 0, (struct sockaddr *)&to, sizeof(to));
}

static void deadline_after(struct timespec *t, int ms)
{
	clock_gettime(CLOCK_REALTIME, t);
	t->tv_nsec += (long)(ms % 1000) * 1000000L;
	t->tv_sec += ms / 1000 + t->tv_nsec / 1000000000L;
	t->tv_nsec %= 1000000000L;
}

/* Sends the marker until the capture hands it back.  Returns true when it did. */
static bool prove_capture(struct recording *rec, enum marker_kind kind)
{
	struct timespec deadline;
	bool seen = false;

	for (int waited = 0; !seen && waited < MARKER_WAIT_MS; waited += MARKER_RESEND_MS) {
		send_marker(rec, kind);
		deadline_after(&deadline, MARKER_RESEND_MS);
		pthread_mutex_lock(&rec->lock);
		while (!rec->seen[kind] && !rec->reader_done &&
		       pthread_cond_timedwait(&rec->changed, &rec->lock, &deadline) == 0)
			;
		seen = rec->seen[kind];
		pthread_mutex_unlock(&rec->lock);
		if (rec->reader_done)
			break;
	}
	return seen;
}

/* No work: wait for Ctrl-C, -c, or the end of the capture. */
static void wait_for_end(struct recording *rec)
{
	struct timespec deadline;

	pthread_mutex_lock(&rec->lock);
	while (!interrupted && !rec->full && !rec->reader_done) {
		deadline_after(&deadline, 50);
		pthread_cond_timedwait(&rec->changed, &rec->lock, &deadline);
	}
	pthread_mutex_unlock(&rec->lock);
}

/* "(FILTER) or (the markers)", so the markers are captured whatever FILTER says. */
static char *full_filter(const struct recording *rec)
{
	const char *user = rec->opts->filter;
	char *text = NULL;

	if (!user || !*user || !rec->nonce[0])
		return user && *user ? strdup(user) : NULL;
	if (asprintf(&text, "(%s) or (udp and dst host 127.0.0.1 and dst port %u)", user,
	             rec->marker_port) < 0)
		return NULL;
	return text;
}

/*
 * Capabilities belong to each thread (capset changes only the caller's), so
 * the thread that waits in record_run drops its own once this one has: the
 * work and the reader start only after both (privileges_dropped_in_main).
 */
static void set_privileges(struct recording *rec, int phase)
{
	pthread_mutex_lock(&rec->lock);
	rec->privileges = phase;
	pthread_cond_broadcast(&rec->changed);
	pthread_mutex_unlock(&rec->lock);
}

static void wait_for_main_drop(struct recording *rec)
{
	set_privileges(rec, DROPPED_HERE);
	pthread_mutex_lock(&rec->lock);
	while (rec->privileges == DROPPED_HERE)
		pthread_cond_wait(&rec->changed, &rec->lock);
	pthread_mutex_unlock(&rec->lock);
}

/* record_run's half: once the recorder has dropped, drop here too. */
static void privileges_dropped_in_main(struct recording *rec)
{
	char errbuf[256];
	bool dropped;

	pthread_mutex_lock(&rec->lock);
	while (rec->privileges == OPENING)
		pthread_cond_wait(&rec->changed, &rec->lock);
	dropped = rec->privileges == DROPPED_HERE;
	pthread_mutex_unlock(&rec->lock);
	if (!dropped)
		return;
	if (priv_drop(errbuf, sizeof errbuf) < 0) { /* cannot fail once setuid has: say so */
		fprintf(stderr, "sockscope: %s\n", errbuf);
		abort();
	}
	set_privileges(rec, DROPPED_EVERYWHERE);
}

/* The file (opened here with the user's rights unless the caller did) and -w -'s copy. */
static int open_writers(struct recording *rec)
{
	const struct record_options *opts = rec->opts;
	int fd = opts->pcap_fd;

	rec->pcap_fd_taken = true;
	if (fd == 0)
		fd = priv_open(opts->pcap_path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0666);
	if (fd < 0) {
		snprintf(rec->errbuf, rec->errsize, "%s: cannot write: %s", opts->pcap_path,
		         strerror(-fd));
		return -SS_EIO;
	}
	rec->writer = capture_writer_open(rec->cap, fd, opts->pcap_path, rec->errbuf, rec->errsize);
	if (!rec->writer)
		return -SS_EIO;
	if (!opts->copy_to_stdout)
		return 0;
	fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	rec->copy =
	    fd < 0 ? NULL : capture_writer_open(rec->cap, fd, "-", rec->errbuf, rec->errsize);
	if (!rec->copy && fd < 0)
		snprintf(rec->errbuf, rec->errsize, "-: %s", strerror(errno));
	return rec->copy ? 0 : -SS_EIO;
}

static int open_capture(struct recording *rec)
{
	const struct record_options *opts = rec->opts;
	struct capture_options copts = {.snaplen = opts->snaplen};
	int error = 0;

	copts.filter = full_filter(rec);
	rec->cap = capture_open_live(opts->iface, &copts, &error, rec->errbuf, rec->errsize);
	free((char *)copts.filter);
	if (!rec->cap)
		return error ? error : -SS_EIO;
	if (rec->errbuf[0]) /* a warning from pcap_activate */
		fprintf(stderr, "sockscope: %s\n", rec->errbuf);
	rec->errbuf[0] = '\0';
	if (open_writers(rec) < 0)
		return -SS_EIO;
	/* the tcpdump -Z habit: the handle and files are open, root is needed no more */
	if (opts->drop_privileges && priv_drop(rec->errbuf, rec->errsize) < 0)
		return -SS_EPERM;
	if (opts->drop_privileges)
		wait_for_main_drop(rec);
	rec->result->started = true;
	return 0;
}

/* Start marker, work, end marker, stop: the part that runs with the reader going. */
static int record_around_work(struct recording *rec)
{
	pthread_t reader;
	bool begun = true;

	pthread_create(&reader, NULL, read_frames, rec);
	if (rec->nonce[0] && !(begun = prove_capture(rec, MARKER_BEGIN)) && !rec->result->error)
		snprintf(rec->errbuf, rec->errsize,
		         "%s: the capture never saw its start marker on 127.0.0.1:%u",
		         capture_name(rec->cap), rec->marker_port);
	if (begun && rec->opts->work)
		rec->result->work_ret = rec->opts->work(rec->opts->work_arg);
	else if (begun)
		wait_for_end(rec);
	/* a second signal: stop at once, without the end marker and its wait */
	rec->result->markers =
	    begun && rec->nonce[0] && signals_count() < 2 && prove_capture(rec, MARKER_END);
	capture_stop(rec->cap); /* capture_next now hands out what is buffered, then ends */
	pthread_join(reader, NULL);
	if (!begun && !rec->result->error)
		rec->result->error = -SS_EIO;
	return rec->result->error;
}

static void finish_stats(struct recording *rec)
{
	struct capture_stats *stats = &rec->result->stats;

	capture_get_stats(rec->cap, stats);
	if (stats->known && stats->received >= rec->markers_seen)
		stats->received -= rec->markers_seen; /* only what the file holds */
}

static void *record_thread(void *arg)
{
	struct recording *rec = arg;
	const char *iface = rec->opts->iface ? rec->opts->iface : "lo";
	int ret = 0;

	snprintf(rec->result->interface, sizeof(rec->result->interface), "%s", iface);
	if (rec->opts->private_netns)
		ret = demo_enter_private_netns(rec->errbuf, rec->errsize);
	rec->result->in_private_netns = rec->opts->private_netns && ret == 0;
	if (ret < 0 && rec->opts->netns_optional) { /* the host's namespace will do */
		ret = 0;
		rec->errbuf[0] = '\0';
	}
	if (ret == 0 && uses_loopback(iface))
		ret = open_marker_sockets(rec);
	if (ret == 0)
		ret = open_capture(rec);
	if (ret == 0)
		ret = record_around_work(rec);
	if (rec->cap)
		finish_stats(rec);
	int werr = capture_writer_close(rec->writer);
	if (werr < 0 && ret == 0) {
		snprintf(rec->errbuf, rec->errsize, "%s: cannot write: %s", rec->opts->pcap_path,
		         strerror(-werr));
		ret = -SS_EIO;
	}
	if (capture_writer_close(rec->copy) < 0 && ret == 0) {
		snprintf(rec->errbuf, rec->errsize, "-: cannot write the capture to stdout");
		ret = -SS_EIO;
	}
	if (!rec->pcap_fd_taken && rec->opts->pcap_fd > 0)
		close(rec->opts->pcap_fd); /* the capture failed before its file was needed */
	capture_close(rec->cap);
	if (rec->marker_rx >= 0)
		close(rec->marker_rx);
	if (rec->marker_tx >= 0)
		close(rec->marker_tx);
	rec->result->error = ret;
	set_privileges(rec, THREAD_DONE);
	return NULL;
}

int record_run(const struct record_options *opts, struct record_result *result, char *errbuf,
               size_t errsize)
{
	struct recording rec = {.opts = opts, .result = result, .marker_rx = -1, .marker_tx = -1};
	pthread_t thread;

	memset(result, 0, sizeof(*result));
	errbuf[0] = '\0';
	rec.errbuf = errbuf;
	rec.errsize = errsize;
	interrupted = 0;
	pthread_mutex_init(&rec.lock, NULL);
	pthread_cond_init(&rec.changed, NULL);
	if (pthread_create(&thread, NULL, record_thread, &rec) != 0) {
		snprintf(errbuf, errsize, "cannot start the capture thread");
		return -SS_ENOMEM;
	}
	if (opts->drop_privileges)
		privileges_dropped_in_main(&rec);
	pthread_join(thread, NULL);
	pthread_cond_destroy(&rec.changed);
	pthread_mutex_destroy(&rec.lock);
	return result->error;
}
