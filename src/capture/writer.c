/*
 * writer.c - a pcap file written frame by frame from an open source.
 *
 * A recording writes through this: same link type, snaplen and timestamp
 * precision as the source's handle, and it may leave frames out
 * (sockscope's own start/end markers, see docs/demos.md).
 *
 * The file must be readable however the process ends.  The header is
 * flushed at once; frames collect in a buffer of WRITER_BUFFER bytes that is
 * written out only at a frame boundary (before a frame that would not fit,
 * and whenever the caller flushes), so a kill -9 leaves whole frames only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source.h"

#define WRITER_BUFFER  (1024 * 1024)
#define RECORD_HEADER  16 /* a pcap record header on disk */

struct capture_writer {
	pcap_dumper_t *dumper;
	FILE *file;
	char *buffer;
	size_t pending; /* bytes in the buffer */
	int error;      /* the first errno of a failed write, or 0 */
	bool nanosecond; /* the file's precision: that of the source's handle */
};

static void writer_free(struct capture_writer *writer)
{
	if (writer->dumper)
		pcap_dump_close(writer->dumper); /* closes the file */
	else if (writer->file)
		fclose(writer->file);
	free(writer->buffer);
	free(writer);
}

struct capture_writer *capture_writer_open(const struct capture *cap, int fd, const char *name,
                                           char *errbuf, size_t errsize)
{
	struct capture_writer *writer = calloc(1, sizeof(*writer));

	if (!writer || !(writer->buffer = malloc(WRITER_BUFFER)) ||
	    !(writer->file = fdopen(fd, "wb"))) {
		snprintf(errbuf, errsize, "%s: %s", name, strerror(errno ? errno : ENOMEM));
		close(fd);
		if (writer)
			writer_free(writer);
		return NULL;
	}
	setvbuf(writer->file, writer->buffer, _IOFBF, WRITER_BUFFER);
	writer->nanosecond = cap->nanosecond;
	writer->dumper = pcap_dump_fopen(cap->handle, writer->file);
	if (!writer->dumper || capture_writer_flush(writer) < 0) {
		snprintf(errbuf, errsize, "%s: cannot write: %s", name,
		         writer->error ? strerror(writer->error) : pcap_geterr(cap->handle));
		writer_free(writer);
		return NULL;
	}
	return writer;
}

int capture_writer_flush(struct capture_writer *writer)
{
	if (writer->error)
		return -writer->error;
	errno = 0;
	if (fflush(writer->file) != 0 || ferror(writer->file))
		writer->error = errno ? errno : EIO;
	writer->pending = 0;
	return -writer->error;
}

int capture_writer_write(struct capture_writer *writer, const struct capture_frame *frame)
{
	struct pcap_pkthdr header;
	size_t size = RECORD_HEADER + (size_t)frame->caplen;

	if (writer->pending + size > WRITER_BUFFER && capture_writer_flush(writer) < 0)
		return -writer->error;
	memset(&header, 0, sizeof(header));
	header.ts.tv_sec = (time_t)frame->ts_sec;
	/* a nanosecond file keeps nanoseconds in the field named tv_usec */
	header.ts.tv_usec = writer->nanosecond ? frame->ts_nsec : frame->ts_nsec / 1000;
	header.caplen = frame->caplen;
	header.len = frame->wirelen;
	pcap_dump((u_char *)writer->dumper, &header, frame->data);
	writer->pending += size;
	return -writer->error;
}

int capture_writer_close(struct capture_writer *writer)
{
	int ret;

	if (!writer)
		return 0;
	ret = capture_writer_flush(writer);
	errno = 0;
	pcap_dump_close(writer->dumper);
	writer->dumper = NULL;
	writer->file = NULL;
	free(writer->buffer);
	free(writer);
	return ret;
}
