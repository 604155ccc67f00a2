/*
 * test_demo_log.c - the demo call log: ordering, thread safety, and the
 * addresses it reads from real loopback sockets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockscope/demo.h"

static bool call_before(const struct demo_call *a, const struct demo_call *b)
{
	return a->ts_sec < b->ts_sec || (a->ts_sec == b->ts_sec && a->ts_nsec <= b->ts_nsec);
}

static void test_log_keeps_order_and_fields(void **state)
{
	struct demo_log *log = demo_log_create();
	const struct demo_call *calls;

	(void)state;
	assert_non_null(log);
	demo_log_call(log, "client", "socket", -1, 3, 0, "AF_INET, SOCK_STREAM, %d", 0);
	demo_log_note(log, "server", "drops this datagram on purpose");
	demo_log_call(log, "client", "connect", -1, -1, 111, "fd %d", 3);
	assert_int_equal(demo_log_count(log), 3);
	calls = demo_log_calls(log);
	assert_string_equal(calls[0].call, "socket");
	assert_string_equal(calls[0].args, "AF_INET, SOCK_STREAM, 0");
	assert_int_equal(calls[0].ret, 3);
	assert_string_equal(calls[1].call, "note");
	assert_string_equal(calls[1].side, "server");
	assert_string_equal(calls[1].args, "drops this datagram on purpose");
	assert_string_equal(calls[2].call, "connect");
	assert_int_equal(calls[2].err, 111);
	for (size_t i = 0; i + 1 < 3; i++)
		assert_true(call_before(&calls[i], &calls[i + 1]));
	/* a call starts before it returns */
	assert_true(
	    calls[0].start_sec < calls[0].ts_sec ||
	    (calls[0].start_sec == calls[0].ts_sec && calls[0].start_nsec <= calls[0].ts_nsec));
	demo_log_free(log);
}

/* Calls logged out of order (a slow call returns last) come back sorted by return. */
static void test_log_sorts_by_return_time(void **state)
{
	struct demo_log *log = demo_log_create();
	struct demo_call slow, fast;
	const struct demo_call *calls;

	(void)state;
	demo_call_begin(&slow, "server", "accept");
	demo_call_begin(&fast, "client", "connect");
	demo_log_finish(log, &fast, 0, 0, "fast");
	usleep(2000);
	demo_log_finish(log, &slow, 4, 0, "slow");
	calls = demo_log_calls(log);
	assert_string_equal(calls[0].args, "fast");
	assert_string_equal(calls[1].args, "slow");
	assert_true(calls[1].start_sec < calls[1].ts_sec || calls[1].start_nsec < calls[1].ts_nsec);
	demo_log_free(log);
}

#define THREADS    8
#define PER_THREAD 500

struct writer {
	struct demo_log *log;
	int id;
};

static void *write_many(void *arg)
{
	struct writer *w = arg;
	char side[16];

	snprintf(side, sizeof(side), "client %d", w->id);
	for (int i = 0; i < PER_THREAD; i++)
		demo_log_call(w->log, side, "send", -1, i, 0, "n %d", i);
	return NULL;
}

static void test_log_is_thread_safe(void **state)
{
	struct demo_log *log = demo_log_create();
	struct writer writers[THREADS];
	pthread_t threads[THREADS];
	int next[THREADS] = {0};
	const struct demo_call *calls;

	(void)state;
	for (int t = 0; t < THREADS; t++) {
		writers[t] = (struct writer){log, t};
		pthread_create(&threads[t], NULL, write_many, &writers[t]);
	}
	for (int t = 0; t < THREADS; t++)
		pthread_join(threads[t], NULL);
	assert_int_equal(demo_log_count(log), THREADS * PER_THREAD);
	calls = demo_log_calls(log);
	for (size_t i = 0; i < THREADS * PER_THREAD; i++) {
		int t = -1;
		assert_int_equal(sscanf(calls[i].side, "client %d", &t), 1);
		/* each thread's calls keep their own order within the sorted whole */
		assert_int_equal(calls[i].ret, next[t]++);
		if (i > 0)
			assert_true(call_before(&calls[i - 1], &calls[i]));
	}
	demo_log_free(log);
}

/* A connected pair on 127.0.0.1: the log names both ends of the flow. */
static void test_log_reads_tuple_of_loopback_pair(void **state)
{
	struct sockaddr_in addr = {.sin_family = AF_INET};
	socklen_t len = sizeof(addr);
	struct demo_log *log = demo_log_create();
	const struct demo_call *calls;
	int listener, client, server;

	(void)state;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	listener = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(listener, (struct sockaddr *)&addr, sizeof(addr)), 0);
	assert_int_equal(listen(listener, 1), 0);
	assert_int_equal(getsockname(listener, (struct sockaddr *)&addr, &len), 0);
	client = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(client, (struct sockaddr *)&addr, sizeof(addr)), 0);
	server = accept(listener, NULL, NULL);
	assert_true(server >= 0);

	demo_log_call(log, "client", "connect", client, 0, 0, "fd %d", client);
	demo_log_call(log, "server", "accept", server, server, 0, "fd %d", listener);
	demo_log_call(log, "server", "listen", listener, 0, 0, "fd %d", listener);
	calls = demo_log_calls(log);

	assert_int_equal(calls[0].proto, L4_TCP);
	assert_true(calls[0].has_tuple);
	assert_int_equal(calls[0].local.family, 4);
	assert_int_equal(calls[0].local.bytes[0], 127);
	assert_int_equal(calls[0].peer_port, ntohs(addr.sin_port));
	/* the server's view is the client's, mirrored */
	assert_true(calls[1].has_tuple);
	assert_int_equal(calls[1].local_port, calls[0].peer_port);
	assert_int_equal(calls[1].peer_port, calls[0].local_port);
	assert_true(ss_addr_equal(&calls[1].peer, &calls[0].local));
	/* a listening socket has no peer, so no flow */
	assert_false(calls[2].has_tuple);
	assert_int_equal(calls[2].local_port, ntohs(addr.sin_port));
	close(client);
	close(server);
	close(listener);
	demo_log_free(log);
}

/* An unconnected UDP socket is bound to 0.0.0.0; towards 127.0.0.1 it is 127.0.0.1. */
static void test_log_names_wildcard_source(void **state)
{
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9)};
	struct demo_log *log = demo_log_create();
	struct demo_call c;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in any = {.sin_family = AF_INET};

	(void)state;
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&any, sizeof(any)), 0);
	demo_call_begin(&c, "client", "sendto");
	demo_call_tuple(&c, fd);
	demo_call_peer(&c, &to);
	demo_log_finish(log, &c, 0, 0, "to port 9");
	assert_true(demo_log_calls(log)[0].has_tuple);
	assert_int_equal(demo_log_calls(log)[0].local.bytes[0], 127);
	assert_int_equal(demo_log_calls(log)[0].local.bytes[3], 1);
	assert_int_equal(demo_log_calls(log)[0].proto, L4_UDP);
	close(fd);
	demo_log_free(log);
}

static void test_log_error_keeps_first(void **state)
{
	struct demo_log *log = demo_log_create();

	(void)state;
	assert_string_equal(demo_log_error_text(log), "");
	demo_log_error(log, "raw sockets need %s", "root");
	demo_log_error(log, "second");
	assert_string_equal(demo_log_error_text(log), "raw sockets need root");
	demo_log_free(log);
}

static void test_registry_filters(void **state)
{
	size_t count = 0;
	const struct demo *demos = demo_registry(&count);
	char filter[256];

	(void)state;
	assert_true(count >= 15);
	for (size_t i = 0; i < count; i++) {
		assert_ptr_equal(demo_find(demos[i].name), &demos[i]);
		assert_non_null(demos[i].run);
		assert_int_equal(demo_filter_format(&demos[i], 7000, filter, sizeof(filter)), 0);
		assert_null(strstr(filter, "%"));
	}
	assert_int_equal(demo_filter_format(demo_find("tcp-upper"), 7000, filter, sizeof(filter)),
	                 0);
	assert_string_equal(filter, "tcp and portrange 7000-7015");
	assert_int_equal(demo_filter_format(demo_find("tcp-upper"), 7000, filter, 10), -SS_EUSAGE);
	assert_null(demo_find("no-such-demo"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_log_keeps_order_and_fields),
	    cmocka_unit_test(test_log_sorts_by_return_time),
	    cmocka_unit_test(test_log_is_thread_safe),
	    cmocka_unit_test(test_log_reads_tuple_of_loopback_pair),
	    cmocka_unit_test(test_log_names_wildcard_source),
	    cmocka_unit_test(test_log_error_keeps_first),
	    cmocka_unit_test(test_registry_filters),
	};
	return cmocka_run_group_tests_name("demo_log", tests, NULL, NULL);
}
