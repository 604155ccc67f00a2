/* test_capture.c - the offline source over the bundled captures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "sockscope/capture.h"

static int count_frames(const char *path, const char *filter, struct capture_frame *first)
{
	char errbuf[512];
	struct capture_options opts = {.filter = filter};
	struct capture *cap = capture_open_file(path, &opts, errbuf, sizeof errbuf);
	struct capture_frame frame;
	int n = 0, rc;

	assert_non_null(cap);
	while ((rc = capture_next(cap, &frame, errbuf, sizeof errbuf)) == 1)
		if (n++ == 0 && first)
			*first = frame;
	assert_int_equal(rc, 0);
	capture_close(cap);
	return n;
}

static void test_capture_reads_pcap_and_pcapng(void **state)
{
	(void)state;
	assert_int_equal(count_frames("captures/loopback-tcp4-echo.pcap", NULL, NULL), 10);
	assert_int_equal(count_frames("captures/loopback-tcp6-echo.pcapng", NULL, NULL), 10);
}

static void test_capture_filter_applies(void **state)
{
	(void)state;
	assert_int_equal(
	    count_frames("captures/loopback-tcp4-echo.pcap", "tcp[tcpflags] & tcp-syn != 0", NULL),
	    2);
}

static void test_capture_nanosecond_file_keeps_precision(void **state)
{
	(void)state;
	struct capture_frame us, ns;
	count_frames("captures/loopback-tcp4-echo.pcap", NULL, &us);
	count_frames("captures/loopback-udp-refused-ns.pcap", NULL, &ns);
	assert_int_equal(us.ts_nsec % 1000, 0); /* microseconds scaled up */
	assert_true(ns.ts_nsec < 1000000000u);
}

static void test_capture_missing_file_named(void **state)
{
	(void)state;
	char errbuf[512];
	assert_null(capture_open_file("tests/data/nope.pcap", NULL, errbuf, sizeof errbuf));
	assert_string_equal(errbuf, "tests/data/nope.pcap: No such file or directory");
}

static void test_capture_not_a_capture(void **state)
{
	(void)state;
	char errbuf[512];
	assert_null(capture_open_file("README.md", NULL, errbuf, sizeof errbuf));
	assert_string_equal(errbuf, "README.md: not a pcap or pcapng capture file");
}

static void test_capture_bad_filter(void **state)
{
	(void)state;
	char errbuf[512];
	struct capture_options opts = {.filter = "tcp port port"};
	assert_null(
	    capture_open_file("captures/loopback-tcp4-echo.pcap", &opts, errbuf, sizeof errbuf));
	assert_non_null(strstr(errbuf, "bad filter \"tcp port port\""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_capture_reads_pcap_and_pcapng),
	    cmocka_unit_test(test_capture_filter_applies),
	    cmocka_unit_test(test_capture_nanosecond_file_keeps_precision),
	    cmocka_unit_test(test_capture_missing_file_named),
	    cmocka_unit_test(test_capture_not_a_capture),
	    cmocka_unit_test(test_capture_bad_filter),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
