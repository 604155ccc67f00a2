/* names.c - names of the TCP states, as RFC 9293 spells them. */
#include "track_internal.h"

static const char *const state_names[TCPS_COUNT] = {
    [TCPS_NONE] = "NONE",
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
