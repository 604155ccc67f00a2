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

/* "port unreachable", "echo request", ... or NULL when unknown. */
const char *annotate_icmp_name(enum decode_l4 l4, uint8_t type, uint8_t code);
/* tcpdump's flag letters in its order: F S R P . U E W; "none" when no flag is set. */
void annotate_tcp_flags(uint8_t flags, char *buf, size_t size);
/* Zeek's meaning of a conn_state code. */
const char *annotate_conn_state_meaning(const char *conn_state);
/* One sentence per analysis flag. */
const char *annotate_analysis_meaning(enum track_analysis flag);

#endif
