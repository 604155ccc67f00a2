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
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source.h"

#define WRITER_BUFFER (1024 * 1024)
#define RECORD_HEADER 16 /* a pcap record header on disk */

struct capture_writer {
	pcap_dumper_t *dumper;
	FILE *file;
	char *buffer;
	size_t pending;  /* bytes in the buffer */
	off_t committed; /* file size after the last good flush; -1 for a pipe */
	uint32_t *sizes; /* the buffered frames' sizes on disk, to cut at one's end */
	size_t count;    /* frames buffered */
	int error;       /* the first errno of a failed write, or 0 */
	bool nanosecond; /* the file's precision: that of the source's handle */
};

static void writer_free(struct capture_writer *writer)
{
	if (writer->dumper)
		pcap_dump_close(writer->dumper); /* closes the file */
	else if (writer->file)
		fclose(writer->file);
	free(writer->buffer);
	free(writer->sizes);
	free(writer);
}

struct capture_writer *capture_writer_open(const struct capture *cap, int fd, const char *name,
                                           char *errbuf, size_t errsize)
{
	struct capture_writer *writer = calloc(1, sizeof(*writer));

	if (!writer || !(writer->buffer = malloc(WRITER_BUFFER)) ||
	    !(writer->sizes = malloc(WRITER_BUFFER / RECORD_HEADER * sizeof(uint32_t))) ||
	    !(writer->file = fdopen(fd, "wb"))) {
		snprintf(errbuf, errsize, "%s: %s", name, strerror(errno ? errno : ENOMEM));
		close(fd);
		if (writer)
			writer_free(writer);
		return NULL;
	}
	setvbuf(writer->file, writer->buffer, _IOFBF, WRITER_BUFFER);
	writer->nanosecond = cap->nanosecond;
	writer->committed = lseek(fd, 0, SEEK_CUR) < 0 ? -1 : 0; /* a pipe cannot be cut back */
	writer->dumper = pcap_dump_fopen(cap->handle, writer->file);
	if (!writer->dumper || capture_writer_flush(writer) < 0) {
		snprintf(errbuf, errsize, "%s: cannot write: %s", name,
		         writer->error ? strerror(writer->error) : pcap_geterr(cap->handle));
		writer_free(writer);
		return NULL;
	}
	return writer;
}

/* A failed flush may have written part of a frame: cut the file back to the
 * last whole one and drop what is still buffered, so it stays readable. */
static void write_failed(struct capture_writer *writer)
{
	struct stat st;
	off_t end = writer->committed;

	writer->error = errno ? errno : EIO;
	__fpurge(writer->file);
	if (end < 0 || fstat(fileno(writer->file), &st) < 0)
		return;
	for (size_t i = 0; i < writer->count && end + writer->sizes[i] <= st.st_size; i++)
		end += writer->sizes[i];
	if (ftruncate(fileno(writer->file), end) < 0)
		writer->committed = -1;
}

int capture_writer_flush(struct capture_writer *writer)
{
	if (writer->error)
		return -writer->error;
	errno = 0;
	if (fflush(writer->file) != 0 || ferror(writer->file))
		write_failed(writer);
	else if (writer->committed >= 0)
		writer->committed = ftello(writer->file);
	writer->pending = writer->count = 0;
	return -writer->error;
}

int capture_writer_write(struct capture_writer *writer, const struct capture_frame *frame)
{
	struct pcap_pkthdr header;
	size_t size = RECORD_HEADER + (size_t)frame->caplen;

	if (writer->error ||
	    (writer->pending + size > WRITER_BUFFER && capture_writer_flush(writer) < 0))
		return -writer->error;
	memset(&header, 0, sizeof(header));
	header.ts.tv_sec = (time_t)frame->ts_sec;
	/* a nanosecond file keeps nanoseconds in the field named tv_usec */
	header.ts.tv_usec = writer->nanosecond ? frame->ts_nsec : frame->ts_nsec / 1000;
	header.caplen = frame->caplen;
	header.len = frame->wirelen;
	pcap_dump((u_char *)writer->dumper, &header, frame->data);
	writer->pending += size;
	writer->sizes[writer->count++] = (uint32_t)size;
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
	free(writer->sizes);
	free(writer);
	return ret;
}
