/*
 * annotate.h - plain-words explanations of decoded, tracked packets.
 *
 * Facts first, words second: every number or name in a sentence is also a
 * field of the packet or track result it was made from.  Output goes into
 * caller-owned fixed buffers (no allocation); text is always NUL-terminated
 * and cut at a word boundary if it would overflow.
 */
#ifndef SOCKSCOPE_ANNOTATE_H
#define SOCKSCOPE_ANNOTATE_H

#include "sockscope/decode.h"
#include "sockscope/track.h"

#define ANNOTATE_SUMMARY_MAX 256
#define ANNOTATE_DETAIL_MAX  2048

struct annotation {
	char summary[ANNOTATE_SUMMARY_MAX]; /* one line: "SYN: the client asks to open ..." */
	char detail[ANNOTATE_DETAIL_MAX];   /* a short paragraph for a student */
};

void annotate_packet(const struct packet *pkt, const struct track_result *tr,
                     struct annotation *out);

/* The story of a whole flow, from its summary (one paragraph). */
void annotate_flow(const struct track_flow_summary *flow, char *buf, size_t size);

/*
 * A socket call read against the wire: a sentence when what the call returned
 * and what the wire shows of its socket at that moment (`state_now`, the
 * tracked state of the caller's side) seem to disagree, else NULL.  E.g. a
 * non-blocking connect() that says EINPROGRESS after a finished handshake.
 * `call` and `err` are the call's name and errno.
 */
const char *annotate_call(const char *call, int err, enum track_tcp_state state_now);

/* A tcpdump-style label for a ladder arrow: "[S] seq 0 win 65495 mss 65495". */
void annotate_label(const struct packet *pkt, const struct track_result *tr, char *buf,
                    size_t size);

/*
 * The glossary: the codes the timeline uses and their meanings, kept here once
 * and written into every timeline (`glossary`, docs/timeline.md) so the page
 * never holds a second copy.  Analysis flags: annotate_analysis_meaning().
 */
struct annotate_term {
	const char *key, *words;
};
enum annotate_glossary {
	ANNOTATE_GLOSSARY_CONN_STATE = 0, /* Zeek conn_state, TCP */
	ANNOTATE_GLOSSARY_CONN_STATE_UDP, /* Zeek conn_state, UDP and ICMP */
	ANNOTATE_GLOSSARY_HISTORY         /* Zeek history letters (lower case) */
};
const struct annotate_term *annotate_glossary(enum annotate_glossary which, size_t *count);
/* One sentence per analysis flag; NULL for an unknown flag. */
const char *annotate_analysis_meaning(enum track_analysis flag);
/* Zeek's meaning of a conn_state code, for TCP or for datagram flows (UDP, ICMP). */
const char *annotate_conn_state_meaning(const char *conn_state, enum decode_l4 proto);

#endif
