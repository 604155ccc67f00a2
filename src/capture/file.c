/*
 * file.c - the offline source: a pcap or pcapng file read with libpcap.
 *
 * Timestamps are always asked for in nanoseconds; libpcap scales microsecond
 * files up, so the rest of the program sees one precision.
 */
#include "source.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* libpcap's "unknown file format" is accurate but does not say what to do. */
static void describe_open_failure(const char *path, const char *pcap_message, char *errbuf,
                                  size_t errsize)
{
	FILE *probe = fopen(path, "rb");
	if (!probe) {
		snprintf(errbuf, errsize, "%s: %s", path, strerror(errno));
		return;
	}
	fclose(probe);
	if (strstr(pcap_message, "unknown file format"))
		snprintf(errbuf, errsize, "%s: not a pcap or pcapng capture file", path);
	else
		snprintf(errbuf, errsize, "%s: %s", path, pcap_message);
}

static long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* Filter and dumper, once the handle is open; frees cap on failure. */
static struct capture *finish_open(struct capture *cap, const struct capture_options *opts,
                                   char *errbuf, size_t errsize)
{
	cap->nanosecond = pcap_get_tstamp_precision(cap->handle) == PCAP_TSTAMP_PRECISION_NANO;
	if (opts && capture_apply_filter(cap, opts->filter, errbuf, errsize) < 0) {
		capture_close(cap);
		return NULL;
	}
	return cap;
}

struct capture *capture_open_file(const char *path, const struct capture_options *opts,
                                  char *errbuf, size_t errsize)
{
	char pcap_err[PCAP_ERRBUF_SIZE] = "";
	struct capture *cap = capture_alloc(path, errbuf, errsize);

	if (!cap)
		return NULL;
	cap->handle =
	    pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, pcap_err);
	if (!cap->handle) {
		describe_open_failure(path, pcap_err, errbuf, errsize);
		capture_close(cap);
		return NULL;
	}
	cap->file_size = file_size(path);
	return finish_open(cap, opts, errbuf, errsize);
}

struct capture *capture_open_stream(FILE *stream, const char *name,
                                    const struct capture_options *opts, char *errbuf,
                                    size_t errsize)
{
	char pcap_err[PCAP_ERRBUF_SIZE] = "";
	struct capture *cap = capture_alloc(name, errbuf, errsize);

	if (!cap) {
		fclose(stream);
		return NULL;
	}
	cap->handle =
	    pcap_fopen_offline_with_tstamp_precision(stream, PCAP_TSTAMP_PRECISION_NANO, pcap_err);
	if (!cap->handle) {
		fclose(stream); /* libpcap closes it only on success */
		snprintf(errbuf, errsize, "%s: %s", name, pcap_err);
		capture_close(cap);
		return NULL;
	}
	return finish_open(cap, opts, errbuf, errsize);
}
