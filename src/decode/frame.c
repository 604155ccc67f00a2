/*
 * frame.c - decode_frame, the entry point: reset the packet, decode from the
 * link layer down; and the one way a layer reports failure.
 */
#include "internal.h"

#include <stddef.h>

int decode_fail(struct packet *pkt, int code, const char *layer, size_t offset, const char *what,
                uint32_t need)
{
	if (!pkt->err.layer) {
		pkt->err.layer = layer;
		pkt->err.offset = offset;
		pkt->err.what = what;
		pkt->err.need = need;
	}
	if (code == SS_ETRUNC)
		pkt->truncated = true;
	return -code;
}

/*
 * Zeroes everything but tcp.options[]: entries past option_count are never
 * read, and the array is most of the struct's size.
 */
static void packet_reset(struct packet *pkt)
{
	const size_t options = offsetof(struct packet, tcp.options);
	const size_t after = options + sizeof pkt->tcp.options;

	memset(pkt, 0, options);
	memset((uint8_t *)pkt + after, 0, sizeof *pkt - after);
}

int decode_frame(int linktype, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
                 struct packet *pkt)
{
	static const uint8_t nothing[1];
	struct cursor c;

	packet_reset(pkt);
	pkt->linktype = linktype;
	pkt->caplen = caplen;
	pkt->wirelen = wirelen;
	if (!data) /* NULL + 0 is undefined; an empty frame is still a frame */
		caplen = 0;
	c = cursor_make(data ? data : nothing, caplen);
	return decode_link(linktype, &c, pkt);
}
