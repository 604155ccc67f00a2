/*
 * record.h - live capture to a pcap file around a piece of work (a demo, a
 * command, or until Ctrl-C): private to the cli module.
 *
 * The recording is provably complete.  Before the work starts, a marker
 * datagram to 127.0.0.1 (matched by the filter) is sent and the recorder
 * waits until the capture hands it back: from then on, anything sent is
 * captured.  After the work ends, a second marker is sent and the capture is
 * read until it comes back, then until the buffer is empty.  Markers (and any
 * ICMP error quoting them) are left out of the file by their random nonce, and
 * taken out of the `received` statistic.  Markers need the interface to see
 * 127.0.0.1 traffic ("lo" or "any"); elsewhere the capture is trusted from
 * the moment its filter is installed and drained until one read times out.
 */
#ifndef SOCKSCOPE_CLI_RECORD_H
#define SOCKSCOPE_CLI_RECORD_H

#include "sockscope/capture.h"

struct record_options {
	const char *iface;     /* NULL: "lo" */
	const char *filter;    /* BPF expression, or NULL for everything */
	int snaplen;           /* 0: the default */
	const char *pcap_path; /* where the frames go (required) */
	int pcap_fd;           /* pcap_path already open for writing (taken over), or
	                          0: opened here with the user's rights (privs.h) */
	bool copy_to_stdout;   /* the same frames as a pcap stream on stdout (-w -) */
	long max_packets;      /* stop after this many frames; 0: no limit */
	uint16_t marker_port;  /* UDP port on 127.0.0.1 for the markers; 0: any free one */
	bool private_netns;    /* enter a new network namespace before opening the capture */
	bool netns_optional;   /* ... but stay in the host's when that is refused */
	bool drop_privileges;  /* once the capture is open: become SUDO_UID/SUDO_GID when
	                          run via sudo, and drop every capability (privs.h) */
	/* the work; NULL: record until record_interrupt() or max_packets */
	int (*work)(void *arg);
	void *work_arg;
};

struct record_result {
	struct capture_stats stats; /* markers taken out of `received` */
	uint64_t frames;            /* written to the file */
	bool markers;               /* start and end were proven by markers */
	int work_ret;               /* what work() returned */
	int error;                  /* 0, or the SS_E* code of a capture failure */
	bool in_private_netns;      /* the work ran in a namespace of its own */
	bool started;               /* the capture ran: the file holds what it saw, even
	                               after an error (a full disk, a vanished interface) */
	char interface[64];
};

/* Runs the recording in its own thread (so that a namespace never leaks into
 * the caller) and waits for it.  Returns 0, or a negative code with a message
 * in errbuf (-SS_EPERM when capture is not permitted). */
int record_run(const struct record_options *opts, struct record_result *result, char *errbuf,
               size_t errsize);

/* Ends an open-ended recording in order (end marker, drain); async-signal-safe.
 * From the second signal on (signals.h) the end marker and drain are skipped.
 * The file is flushed every RECORD_FLUSH_MS and after every signal: with the
 * reader's 50 ms wait (CAPTURE_LIVE_TIMEOUT_MS), each frame reaches the file
 * within 100 ms of being captured. */
#define RECORD_FLUSH_MS 50
void record_interrupt(void);

#endif
