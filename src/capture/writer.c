/*
 * writer.c - a pcap file written frame by frame from an open source.
 *
 * The -w dumper saves every frame capture_next hands out.  A recording that
 * must leave some frames out (sockscope's own start/end markers, see
 * docs/demos.md) writes through this instead: same link type, snaplen and
 * timestamp precision as the source's handle.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "source.h"

struct capture_writer {
	pcap_dumper_t *dumper;
	bool nanosecond; /* the file's precision: that of the source's handle */
};

struct capture_writer *capture_writer_open(const struct capture *cap, const char *path,
                                           char *errbuf, size_t errsize)
{
	struct capture_writer *writer = calloc(1, sizeof(*writer));

	if (!writer) {
		snprintf(errbuf, errsize, "%s: out of memory", path);
		return NULL;
	}
	writer->nanosecond = cap->nanosecond;
	writer->dumper = pcap_dump_open(cap->handle, path);
	if (!writer->dumper) {
		snprintf(errbuf, errsize, "%s: %s", path, pcap_geterr(cap->handle));
		free(writer);
		return NULL;
	}
	return writer;
}

int capture_writer_write(struct capture_writer *writer, const struct capture_frame *frame)
{
	struct pcap_pkthdr header;

	memset(&header, 0, sizeof(header));
	header.ts.tv_sec = (time_t)frame->ts_sec;
	/* a nanosecond file keeps nanoseconds in the field named tv_usec */
	header.ts.tv_usec = writer->nanosecond ? frame->ts_nsec : frame->ts_nsec / 1000;
	header.caplen = frame->caplen;
	header.len = frame->wirelen;
	pcap_dump((u_char *)writer->dumper, &header, frame->data);
	return 0;
}

int capture_writer_close(struct capture_writer *writer)
{
	int ret = 0;

	if (!writer)
		return 0;
	if (pcap_dump_flush(writer->dumper) < 0)
		ret = -SS_EIO;
	pcap_dump_close(writer->dumper);
	free(writer);
	return ret;
}
