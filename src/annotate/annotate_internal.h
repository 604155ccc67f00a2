/*
 * annotate_internal.h - the bounded text builder and name tables shared by
 * the files of src/annotate/.
 *
 * struct text invariants: buf holds `size` bytes, buf[len] == '\0' whenever
 * size > 0; once a piece does not fit the text is cut at the last word
 * boundary of that piece, `full` is set and later pieces are dropped.
 */
#ifndef SOCKSCOPE_ANNOTATE_INTERNAL_H
#define SOCKSCOPE_ANNOTATE_INTERNAL_H

#include "sockscope/annotate.h"

struct text {
	char *buf;
	size_t size, len;
	bool full;
};

void text_init(struct text *t, char *buf, size_t size);
void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "" for 1, "s" otherwise: "%llu packet%s". */
const char *text_plural(unsigned long long n);

/* "port unreachable", "echo request", ... (decode's table) or NULL when unknown. */
const char *annotate_icmp_name(const struct packet *pkt);
/* An error message that quotes the packet it is about (decode's table). */
bool annotate_icmp_is_error(const struct packet *pkt);
/* tcpdump's flag letters in its order: F S R P . U E W; "none" when no flag is set. */
void annotate_tcp_flags(uint8_t flags, char *buf, size_t size);
/* "It ended after both sides had closed it." for end_reason "closed", ... */
const char *annotate_end_reason_sentence(const char *end_reason);

/* causes.c: the sentences that say why (analysis_detail, RTT, SACK, states) */
void annotate_write_analysis(const struct track_result *tr, struct text *sum, struct text *det);
void annotate_write_sack(const struct track_result *tr, struct text *sum, struct text *det);
void annotate_write_handshake_rtt(const struct track_result *tr, struct text *det);
void annotate_write_ack_rtt(const struct track_result *tr, struct text *det);
void annotate_write_states(const struct track_result *tr, struct text *det);

#endif
