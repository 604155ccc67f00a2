/*
 * inspect.c - what the kernel says about a socket (see inspect.h).
 */
#include "inspect.h"

#include <stdio.h>
#include <stdlib.h>

int demo_getsockopt(const struct actor *a, int fd, int level, int name, void *value,
                    socklen_t len, demo_describe_fn describe)
{
	struct demo_call c;
	char text[DEMO_TEXT_MAX / 2] = "?";

	demo_call_begin(&c, a->side, "getsockopt");
	int ret = getsockopt(fd, level, name, value, &len);
	int err = ret < 0 ? errno : 0;
	demo_call_tuple(&c, fd);
	if (ret == 0)
		describe(value, text, sizeof(text));
	demo_log_finish(a->log, &c, ret, err, "fd %d, %s", fd, text);
	errno = err;
	return ret;
}

/* Finds NAME among the "TcpExt:" header line's words; its value is the same word of the next. */
static long counter_in(char *names, char *values, const char *name)
{
	char *save_n, *save_v;
	char *n = strtok_r(names, " \n", &save_n);
	char *v = strtok_r(values, " \n", &save_v);

	for (; n && v; n = strtok_r(NULL, " \n", &save_n), v = strtok_r(NULL, " \n", &save_v))
		if (strcmp(n, name) == 0) {
			char *end;
			long value = strtol(v, &end, 10);
			return end != v && *end == '\0' && value >= 0 ? value : -1;
		}
	return -1;
}

long demo_netstat_counter_in(FILE *netstat, const char *name)
{
	/* the TcpExt header line is over 2 KB on Linux 6; twice that leaves room to grow */
	char names[8192], values[8192];

	while (fgets(names, sizeof(names), netstat) && fgets(values, sizeof(values), netstat)) {
		/* a line cut by the buffer would pair names with the wrong values: give up */
		if (!strchr(names, '\n') || !strchr(values, '\n'))
			return -1;
		if (strncmp(names, "TcpExt:", 7) == 0 && strncmp(values, "TcpExt:", 7) == 0)
			return counter_in(names + 7, values + 7, name);
	}
	return -1;
}

long demo_netstat_counter(const char *name)
{
	/* thread-self: a demo's private namespace belongs to its threads, not the process */
	FILE *f = fopen("/proc/thread-self/net/netstat", "r");
	long result;

	if (!f)
		return -1;
	result = demo_netstat_counter_in(f, name);
	fclose(f);
	return result;
}
