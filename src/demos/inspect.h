/*
 * inspect.h - what the kernel says about a socket, for demos that show it as
 * evidence: private to the demos.
 *
 * demo_getsockopt is logged like the wrappers in calls.h (start, return,
 * arguments, result, errno); DESCRIBE turns the value it read into the
 * log's words ("TCP_MAXSEG -> 1448").  demo_netstat_counter reads the
 * calling thread's network namespace, so in a demo's private namespace the
 * count is that demo's alone.
 */
#ifndef SOCKSCOPE_DEMOS_INSPECT_H
#define SOCKSCOPE_DEMOS_INSPECT_H

#include "calls.h"

typedef void (*demo_describe_fn)(const void *value, char *text, size_t size);

int demo_getsockopt(const struct actor *a, int fd, int level, int name, void *value,
                    socklen_t len, demo_describe_fn describe);

#include <stdio.h>

/* The TcpExt counter NAME ("TCPFastRetrans") of this thread's namespace, or -1. */
long demo_netstat_counter(const char *name);
/* The same from text in /proc/net/netstat's form (header line, value line, ...), or -1
 * when NAME is not there or the text is not in that form. */
long demo_netstat_counter_in(FILE *netstat, const char *name);

#endif
