/*
 * capture.h - packet sources: a capture file or a live interface, behind one
 * interface.
 *
 * A source hands out one frame at a time; the frame's bytes belong to libpcap
 * and are valid until the next capture_next() call.  capture_close() frees
 * everything the source holds.
 */
#ifndef SOCKSCOPE_CAPTURE_H
#define SOCKSCOPE_CAPTURE_H

#include <stdio.h>

#include "sockscope/common.h"

struct capture_frame {
	const uint8_t *data;
	uint32_t caplen, wirelen;
	int64_t ts_sec;   /* UTC seconds */
	uint32_t ts_nsec; /* nanoseconds within the second */
};

struct capture_stats {
	bool known;
	uint64_t received, dropped, if_dropped;
};

struct capture;

/* Options shared by file and live sources; zero-initialise for defaults. */
struct capture_options {
	const char *filter; /* BPF expression, NULL for none */
	int snaplen;        /* 0: 262144 */
	/* live only */
	int buffer_size; /* bytes; 0: a size that drops nothing at loopback speed */
};

/*
 * Opens a pcap or pcapng file.  On failure returns NULL and writes a message
 * naming the file and the problem into errbuf.
 */
struct capture *capture_open_file(const char *path, const struct capture_options *opts,
                                  char *errbuf, size_t errsize);

/* The same over an open stream (a pipe, or memory in the fuzzer); `name` is
 * used in messages.  The stream is closed by capture_close. */
struct capture *capture_open_stream(FILE *stream, const char *name,
                                    const struct capture_options *opts, char *errbuf,
                                    size_t errsize);

/*
 * Opens a live capture (pcap_create, immediate mode, buffer size, nanosecond
 * timestamps where supported, a read timeout of CAPTURE_LIVE_TIMEOUT_MS so a
 * stop request is seen, filter) on `iface` (NULL: "lo").  Returns NULL with a
 * message in errbuf; *error is set to -SS_EPERM when capture is not permitted,
 * else to another negative code.  On success *error is 0, and errbuf holds a
 * warning from pcap_activate (or "" when there was none) for the caller to show.
 */
#define CAPTURE_LIVE_TIMEOUT_MS 50
struct capture *capture_open_live(const char *iface, const struct capture_options *opts, int *error,
                                  char *errbuf, size_t errsize);

/*
 * Next frame.  Returns 1 with *frame filled, 0 at the end of a file (or when a
 * live source was stopped and drained), 2 when a live source timed out with
 * nothing to hand out (call again), or a negative code with a message in
 * errbuf (a truncated file: frames before the damage were already returned).
 */
int capture_next(struct capture *cap, struct capture_frame *frame, char *errbuf, size_t errsize);

/* Asks a live capture to stop; safe from a signal handler. */
void capture_stop(struct capture *cap);

int capture_linktype(const struct capture *cap);
const char *capture_linktype_name(const struct capture *cap); /* "EN10MB" */
int capture_snaplen(const struct capture *cap);
bool capture_is_live(const struct capture *cap);
const char *capture_name(const struct capture *cap); /* file path or interface */
/* Fraction of a file read so far (0..1), or -1 for live sources. */
double capture_progress(struct capture *cap);
void capture_get_stats(struct capture *cap, struct capture_stats *stats);
void capture_close(struct capture *cap);

/*
 * A pcap file written frame by frame from an open source, with the source's
 * link type, snaplen and timestamp precision.  For a copy of a live capture
 * that leaves some frames out (sockscope's own start/end markers).  The file
 * is readable whenever the process ends: the header is written at once and
 * only whole frames reach the file (see writer.c).
 */
struct capture_writer;
/* Takes fd (open for writing; closed by capture_writer_close, or here on
 * failure); name is for messages. */
struct capture_writer *capture_writer_open(const struct capture *cap, int fd, const char *name,
                                           char *errbuf, size_t errsize);
/* Each returns 0, or -errno of the first failed write (ENOSPC: disk full);
 * after a failure nothing more is written. */
int capture_writer_write(struct capture_writer *writer, const struct capture_frame *frame);
int capture_writer_flush(struct capture_writer *writer);
/* Flushes and closes. */
int capture_writer_close(struct capture_writer *writer);

#endif
