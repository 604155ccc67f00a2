/* names.c - names of the TCP states (as RFC 9293 spells them), resend causes and listener states. */
#include "track_internal.h"

static const char *const state_names[TCPS_COUNT] = {
    [TCPS_UNKNOWN] = "UNKNOWN",
    [TCPS_CLOSED] = "CLOSED",
    [TCPS_LISTEN] = "LISTEN",
    [TCPS_SYN_SENT] = "SYN_SENT",
    [TCPS_SYN_RECEIVED] = "SYN_RECEIVED",
    [TCPS_ESTABLISHED] = "ESTABLISHED",
    [TCPS_FIN_WAIT_1] = "FIN_WAIT_1",
    [TCPS_FIN_WAIT_2] = "FIN_WAIT_2",
    [TCPS_CLOSE_WAIT] = "CLOSE_WAIT",
    [TCPS_CLOSING] = "CLOSING",
    [TCPS_LAST_ACK] = "LAST_ACK",
    [TCPS_TIME_WAIT] = "TIME_WAIT",
};

const char *track_state_name(enum track_tcp_state state)
{
	if ((unsigned)state >= TCPS_COUNT)
		return "UNKNOWN";
	return state_names[state];
}

static const char *const cause_names[] = {
    [TRACK_CAUSE_NONE] = "none",    [TRACK_CAUSE_RTO] = "rto",
    [TRACK_CAUSE_FAST] = "fast",    [TRACK_CAUSE_TLP] = "tlp",
    [TRACK_CAUSE_SYN] = "syn",      [TRACK_CAUSE_SPURIOUS] = "spurious",
    [TRACK_CAUSE_SIMULTANEOUS_OPEN] = "simultaneous_open",
    [TRACK_CAUSE_UNKNOWN] = "unknown",
};

const char *track_cause_name(enum track_cause cause)
{
	if ((unsigned)cause >= SS_ARRAY_SIZE(cause_names))
		return "unknown";
	return cause_names[cause];
}

/* The listening socket's own state: LISTEN (called or inferred), CLOSED (nothing listens). */
const char *track_listener_name(enum track_listener l)
{
	switch (l) {
	case TRACK_LISTENER_CALLED:
	case TRACK_LISTENER_INFERRED:
		return "LISTEN";
	case TRACK_LISTENER_NONE:
		return "CLOSED";
	default:
		return "UNKNOWN";
	}
}
