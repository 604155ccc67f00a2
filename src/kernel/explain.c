/*
 * explain.c - sentences that cite the kernel's own records.
 *
 * Each sentence rests on two records the timeline also shows: a counters
 * delta (what the kernel counted) and the last socket sample before it (the
 * state the kernel was in).  The time is left as "%T" for the timeline writer,
 * which alone knows the document's time origin.
 */
#include "sockscope/kernel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *kernel_record_side(const struct kernel_record *rec)
{
	if (rec->sock.state == KTCP_LISTEN)
		return "listener";
	if (rec->listener_port)
		return "server";
	if (rec->peer_listener_port)
		return "client";
	return "unknown";
}

int64_t kernel_record_delta(const struct kernel_record *rec, const char *name)
{
	if (rec->kind != KREC_COUNTERS)
		return 0;
	for (size_t i = 0; i < rec->delta_count; i++)
		if (strcmp(rec->deltas[i].name, name) == 0)
			return rec->deltas[i].delta;
	return 0;
}

typedef bool (*socket_pick)(const struct kernel_record *rec);

/* The last socket record before index `before` that pick accepts. */
static const struct kernel_record *last_socket(const struct kernel_record *recs, size_t before,
                                               socket_pick pick)
{
	for (size_t i = before; i-- > 0;)
		if (recs[i].kind == KREC_SOCKET && pick(&recs[i]))
			return &recs[i];
	return NULL;
}

static bool is_listener(const struct kernel_record *rec)
{
	return rec->sock.state == KTCP_LISTEN;
}

/* A sender waiting for an acknowledgement, with its timer known. */
static bool is_waiting_sender(const struct kernel_record *rec)
{
	const struct kernel_tcpi *i = &rec->sock.info;
	return rec->sock.state != KTCP_LISTEN && rec->sock.has_info &&
	       (i->known & (1u << KTI_RTO)) && (i->known & (1u << KTI_UNACKED)) &&
	       i->value[KTI_UNACKED] > 0;
}

static double seconds_between(const struct kernel_record *a, const struct kernel_record *b)
{
	return (double)(b->ts_sec - a->ts_sec) + ((double)b->ts_nsec - (double)a->ts_nsec) / 1e9;
}

/* What became of the dropped SYN: the next SYN retransmission the kernel counted. */
static void overflow_outcome(const struct kernel_record *recs, size_t count, size_t at, char *text,
                             size_t size)
{
	for (size_t i = at + 1; i < count; i++)
		if (kernel_record_delta(&recs[i], "TcpExtTCPSynRetrans") > 0) {
			snprintf(text, size,
			         "; the client's SYN timer resent it (TCPSynRetrans +%lld counted "
			         "%.3f s "
			         "later)",
			         (long long)kernel_record_delta(&recs[i], "TcpExtTCPSynRetrans"),
			         seconds_between(&recs[at], &recs[i]));
			return;
		}
	snprintf(text, size, "; no SYN retransmission was counted afterwards");
}

static void explain_overflow(const struct kernel_record *recs, size_t count, size_t at, int64_t n,
                             char *text, size_t size)
{
	const struct kernel_record *l = last_socket(recs, at, is_listener);
	char outcome[128];

	overflow_outcome(recs, count, at, outcome, sizeof outcome);
	if (l)
		snprintf(
		    text, size,
		    "the kernel counted ListenOverflows +%lld at t=%%T: the accept queue of port "
		    "%u held %u connections with a backlog of %u (Linux counts it full above the "
		    "backlog), so the SYN was dropped%s",
		    (long long)n, l->sock.local_port, l->sock.rqueue, l->sock.wqueue, outcome);
	else
		snprintf(text, size,
		         "the kernel counted ListenOverflows +%lld at t=%%T: a listener's accept "
		         "queue was full, so the SYN was dropped (the listener was not sampled)%s",
		         (long long)n, outcome);
}

static void explain_timer(const struct kernel_record *recs, size_t at, const char *what, int64_t n,
                          char *text, size_t size)
{
	const struct kernel_record *s = last_socket(recs, at, is_waiting_sender);
	int64_t syns = kernel_record_delta(&recs[at], "TcpExtTCPSynRetrans");

	/* Every expiry counts in TCPTimeouts, a SYN's too: when the SYN resends
	 * account for it, no data sender's timer is involved. */
	if (strcmp(what, "TCPTimeouts") == 0 && syns >= n)
		snprintf(text, size,
		         "%s +%lld at t=%%T, with TCPSynRetrans +%lld: a SYN's timer expired and the "
		         "SYN was sent again (Linux's first SYN timeout is 1 s, doubling each time)",
		         what, (long long)n, (long long)syns);
	else if (s)
		snprintf(
		    text, size,
		    "%s +%lld at t=%%T; the kernel's RTO was %.3f s (port %u, %s, %llu segment%s "
		    "unacknowledged)",
		    what, (long long)n, (double)s->sock.info.value[KTI_RTO] / 1e6,
		    s->sock.local_port, kernel_tcp_state_name(s->sock.state),
		    (unsigned long long)s->sock.info.value[KTI_UNACKED],
		    s->sock.info.value[KTI_UNACKED] == 1 ? "" : "s");
	else
		snprintf(text, size, "%s +%lld at t=%%T; the sender's RTO is unknown (not sampled)",
		         what, (long long)n);
}

/* A sender that sees a zero window from its peer. */
static bool is_zero_window_sender(const struct kernel_record *rec)
{
	const struct kernel_tcpi *i = &rec->sock.info;
	return rec->sock.has_info && (i->known & (1u << KTI_SND_WND)) && i->value[KTI_SND_WND] == 0;
}

static void explain_window_probe(const struct kernel_record *recs, size_t at, int64_t n, char *text,
                                 size_t size)
{
	const struct kernel_record *s = last_socket(recs, at, is_zero_window_sender);

	if (s)
		snprintf(
		    text, size,
		    "the kernel counted TCPWinProbe +%lld at t=%%T: port %u's peer advertised a "
		    "zero window (snd_wnd 0 in its tcp_info, %u bytes not yet acknowledged), so "
		    "its persist timer sent a zero-window probe (RFC 9293 3.8.6.1)",
		    (long long)n, s->sock.local_port, s->sock.wqueue);
	else
		snprintf(
		    text, size,
		    "the kernel counted TCPWinProbe +%lld at t=%%T: a zero-window probe was sent "
		    "(the sender's window was not sampled)",
		    (long long)n);
}

/* A new note for record `index`, or NULL when out of memory. */
static struct kernel_note *add_note(struct kernel_note **notes, size_t *count,
                                    const struct kernel_record *rec, size_t index)
{
	struct kernel_note *more = realloc(*notes, (*count + 1) * sizeof **notes);

	if (!more)
		return NULL;
	*notes = more;
	more[*count] =
	    (struct kernel_note){.record = index, .ts_sec = rec->ts_sec, .ts_nsec = rec->ts_nsec};
	return &more[(*count)++];
}

struct timer_counter {
	const char *counter, *words;
};

static const struct timer_counter timer_counters[] = {
    {"TcpExtTCPTimeouts", "TCPTimeouts"},
    {"TcpExtTCPLossProbes", "TCPLossProbes"},
};

struct kernel_note *kernel_explain(const struct kernel_record *recs, size_t count,
                                   size_t *note_count)
{
	struct kernel_note *notes = NULL, *note;

	*note_count = 0;
	for (size_t i = 0; i < count; i++) {
		int64_t n = kernel_record_delta(&recs[i], "TcpExtListenOverflows");
		if (n > 0 && (note = add_note(&notes, note_count, &recs[i], i)))
			explain_overflow(recs, count, i, n, note->text, sizeof note->text);
		n = kernel_record_delta(&recs[i], "TcpExtTCPWinProbe");
		if (n > 0 && (note = add_note(&notes, note_count, &recs[i], i)))
			explain_window_probe(recs, i, n, note->text, sizeof note->text);
		for (size_t k = 0; k < SS_ARRAY_SIZE(timer_counters); k++) {
			n = kernel_record_delta(&recs[i], timer_counters[k].counter);
			if (n > 0 && (note = add_note(&notes, note_count, &recs[i], i)))
				explain_timer(recs, i, timer_counters[k].words, n, note->text,
				              sizeof note->text);
		}
	}
	return notes;
}
