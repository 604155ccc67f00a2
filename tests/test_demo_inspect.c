/*
 * test_demo_inspect.c - reading the kernel's TcpExt counters, the evidence
 * tcp-fast-retransmit notes: the right column, and -1 for text not in
 * /proc/net/netstat's form.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../src/demos/inspect.h"

#define NETSTAT                                                                    \
	"TcpExt: SyncookiesSent TCPFastRetrans TCPTimeouts TCPLossProbes\n"            \
	"TcpExt: 0 3 1 2\n"                                                            \
	"IpExt: InNoRoutes TCPFastRetrans\n"                                           \
	"IpExt: 0 99\n"

static long counter_of(const char *text, const char *name)
{
	char copy[16384];
	snprintf(copy, sizeof(copy), "%s", text);
	FILE *f = fmemopen(copy, strlen(copy), "r");
	assert_non_null(f);
	long value = demo_netstat_counter_in(f, name);
	fclose(f);
	return value;
}

static void test_reads_the_named_column(void **state)
{
	(void)state;
	assert_int_equal(counter_of(NETSTAT, "TCPFastRetrans"), 3);
	assert_int_equal(counter_of(NETSTAT, "TCPTimeouts"), 1);
	assert_int_equal(counter_of(NETSTAT, "TCPLossProbes"), 2);
	assert_int_equal(counter_of(NETSTAT, "SyncookiesSent"), 0);
}

static void test_unknown_or_malformed_is_minus_one(void **state)
{
	(void)state;
	assert_int_equal(counter_of(NETSTAT, "InNoRoutes"), -1); /* IpExt, not TcpExt */
	assert_int_equal(counter_of(NETSTAT, "TCPNothing"), -1);
	assert_int_equal(counter_of("", "TCPTimeouts"), -1);
	assert_int_equal(counter_of("TcpExt: TCPTimeouts\n", "TCPTimeouts"), -1);
	/* fewer values than names, a value that is not a number, a negative one */
	assert_int_equal(counter_of("TcpExt: A TCPTimeouts\nTcpExt: 1\n", "TCPTimeouts"), -1);
	assert_int_equal(counter_of("TcpExt: TCPTimeouts\nTcpExt: 7x\n", "TCPTimeouts"), -1);
	assert_int_equal(counter_of("TcpExt: TCPTimeouts\nTcpExt: -4\n", "TCPTimeouts"), -1);
	/* no newline: a line cut short cannot be trusted */
	assert_int_equal(counter_of("TcpExt: TCPTimeouts\nTcpExt: 5", "TCPTimeouts"), -1);
}

static void test_a_line_longer_than_the_buffer_is_refused(void **state)
{
	static char text[12000];
	size_t n = (size_t)snprintf(text, sizeof(text), "TcpExt:");
	(void)state;
	while (n < 9000)
		n += (size_t)snprintf(text + n, sizeof(text) - n, " LongCounterName");
	snprintf(text + n, sizeof(text) - n, " TCPTimeouts\nTcpExt: 1\n");
	FILE *f = fmemopen(text, strlen(text), "r");
	assert_non_null(f);
	assert_int_equal(demo_netstat_counter_in(f, "TCPTimeouts"), -1);
	fclose(f);
}

static void test_this_namespace_has_the_counters(void **state)
{
	(void)state;
	FILE *f = fopen("/proc/thread-self/net/netstat", "r");
	if (!f)
		skip(); /* no /proc here: nothing to compare with */
	fclose(f);
	assert_true(demo_netstat_counter("TCPTimeouts") >= 0);
	assert_true(demo_netstat_counter("TCPFastRetrans") >= 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reads_the_named_column),
	    cmocka_unit_test(test_unknown_or_malformed_is_minus_one),
	    cmocka_unit_test(test_a_line_longer_than_the_buffer_is_refused),
	    cmocka_unit_test(test_this_namespace_has_the_counters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
