/*
 * source.h - the capture module's private state, shared by its file and live
 * halves.  Both are libpcap handles; they differ only in how they are opened
 * and in when "no more packets" means the end.
 */
#ifndef SOCKSCOPE_CAPTURE_SOURCE_H
#define SOCKSCOPE_CAPTURE_SOURCE_H

#include <pcap/pcap.h>
#include <signal.h>

#include "sockscope/capture.h"

struct capture {
	pcap_t *handle;
	bool live;
	bool nanosecond; /* timestamps in ns (pcapng, ns pcap, live with TSTAMP_PRECISION_NANO) */
	volatile sig_atomic_t stop_requested;
	bool draining;  /* live: stop seen, handing out what the buffer still holds */
	char name[256]; /* path or interface */
	uint64_t frames;
	long file_size; /* offline: bytes in the file, for the truncation check */
};

/* A zeroed capture named `name` (path or interface), or NULL with
 * "NAME: out of memory" in errbuf.  Freed by capture_close. */
struct capture *capture_alloc(const char *name, char *errbuf, size_t errsize);

/* Compiles and installs `filter` on cap->handle; message in errbuf on failure. */
int capture_apply_filter(struct capture *cap, const char *filter, char *errbuf, size_t errsize);

/*
 * Live sources are non-blocking: waits up to CAPTURE_LIVE_TIMEOUT_MS for a
 * frame.  Returns 1 when one may be ready, 0 when the wait timed out.
 */
int capture_live_wait(struct capture *cap);

#endif
