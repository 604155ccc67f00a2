/*
 * capture.c - what file and live sources share: reading the next frame, the
 * BPF filter, statistics and closing.
 */
#include "source.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int capture_apply_filter(struct capture *cap, const char *filter, char *errbuf, size_t errsize)
{
	struct bpf_program prog;

	if (!filter || !*filter)
		return 0;
	if (pcap_compile(cap->handle, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		snprintf(errbuf, errsize, "%s: bad filter \"%s\": %s", cap->name, filter,
		         pcap_geterr(cap->handle));
		return -SS_EUSAGE;
	}
	int rc = pcap_setfilter(cap->handle, &prog);
	pcap_freecode(&prog);
	if (rc < 0) {
		snprintf(errbuf, errsize, "%s: cannot set filter: %s", cap->name,
		         pcap_geterr(cap->handle));
		return -SS_EIO;
	}
	return 0;
}

/*
 * A file's sub-second field is not checked by libpcap (a classic pcap keeps
 * any 32-bit value there): whole seconds in it are carried into the
 * seconds, which saturate rather than overflow.  With nanosecond precision
 * libpcap stores ns in tv_usec.
 */
static void set_frame_time(struct capture_frame *frame, int64_t sec, int64_t sub, bool nano)
{
	const int64_t per_second = nano ? 1000000000 : 1000000;
	int64_t carry = sub / per_second, rest = sub % per_second;

	if (rest < 0) {
		rest += per_second;
		carry--;
	}
	if (__builtin_add_overflow(sec, carry, &frame->ts_sec))
		frame->ts_sec = carry < 0 ? INT64_MIN : INT64_MAX;
	frame->ts_nsec = (uint32_t)(nano ? rest : rest * 1000);
}

static void frame_from_pcap(const struct capture *cap, const struct pcap_pkthdr *hdr,
                            const u_char *data, struct capture_frame *frame)
{
	frame->data = data;
	frame->caplen = hdr->caplen;
	frame->wirelen = hdr->len;
	set_frame_time(frame, hdr->ts.tv_sec, hdr->ts.tv_usec, cap->nanosecond);
}

static int next_offline_error(struct capture *cap, char *errbuf, size_t errsize)
{
	snprintf(errbuf, errsize, "%s: after packet %llu: %s", cap->name,
	         (unsigned long long)cap->frames, pcap_geterr(cap->handle));
	return -SS_ETRUNC;
}

int capture_next(struct capture *cap, struct capture_frame *frame, char *errbuf, size_t errsize)
{
	struct pcap_pkthdr *hdr;
	const u_char *data;

	if (cap->live && cap->stop_requested && !cap->draining) {
		cap->draining = true;
		pcap_setnonblock(cap->handle, 1, errbuf);
	}
	/* live handles are non-blocking (live.c): wait here, so a stop is seen */
	if (cap->live && !cap->draining && !capture_live_wait(cap))
		return 2;
	int rc = pcap_next_ex(cap->handle, &hdr, &data);
	if (rc == 1) {
		cap->frames++;
		frame_from_pcap(cap, hdr, data, frame);
		return 1;
	}
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	if (rc == 0) /* live: timeout, or nothing left while draining */
		return cap->draining ? 0 : 2;
	if (!cap->live)
		return next_offline_error(cap, errbuf, errsize);
	snprintf(errbuf, errsize, "%s: capture failed: %s", cap->name, pcap_geterr(cap->handle));
	return -SS_EIO;
}

void capture_stop(struct capture *cap)
{
	cap->stop_requested = 1;
}

int capture_linktype(const struct capture *cap)
{
	return pcap_datalink(cap->handle);
}

const char *capture_linktype_name(const struct capture *cap)
{
	const char *name = pcap_datalink_val_to_name(pcap_datalink(cap->handle));
	return name ? name : "unknown";
}

int capture_snaplen(const struct capture *cap)
{
	return pcap_snapshot(cap->handle);
}

bool capture_is_live(const struct capture *cap)
{
	return cap->live;
}

const char *capture_name(const struct capture *cap)
{
	return cap->name;
}

double capture_progress(struct capture *cap)
{
	FILE *f = cap->live ? NULL : pcap_file(cap->handle);
	long pos = f ? ftell(f) : -1;

	if (pos < 0 || cap->file_size <= 0)
		return -1;
	return (double)pos / (double)cap->file_size;
}

void capture_get_stats(struct capture *cap, struct capture_stats *stats)
{
	struct pcap_stat ps;

	memset(stats, 0, sizeof *stats);
	if (!cap->live || pcap_stats(cap->handle, &ps) < 0)
		return;
	stats->known = true;
	stats->received = ps.ps_recv;
	stats->dropped = ps.ps_drop;
	stats->if_dropped = ps.ps_ifdrop;
}

struct capture *capture_alloc(const char *name, char *errbuf, size_t errsize)
{
	struct capture *cap = calloc(1, sizeof *cap);

	if (!cap) {
		snprintf(errbuf, errsize, "%s: out of memory", name);
		return NULL;
	}
	snprintf(cap->name, sizeof cap->name, "%s", name);
	return cap;
}

void capture_close(struct capture *cap)
{
	if (!cap)
		return;
	if (cap->handle)
		pcap_close(cap->handle);
	free(cap);
}
