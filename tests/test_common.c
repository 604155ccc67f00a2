/* test_common.c - address formatting and comparison. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "sockscope/common.h"

static void test_ipv4_format_matches_inet_ntop(void **state)
{
	(void)state;
	struct ss_addr addr = {.family = 4};
	char ours[SS_ADDR_STRLEN], theirs[INET_ADDRSTRLEN];

	for (unsigned i = 0; i < 100000; i++) {
		uint32_t v = i * 2654435761u; /* spread over the whole space, 0 and 255 included */
		memcpy(addr.bytes, &v, 4);
		if (i == 1)
			memset(addr.bytes, 255, 4);
		inet_ntop(AF_INET, addr.bytes, theirs, sizeof theirs);
		assert_string_equal(ss_addr_format(&addr, ours, sizeof ours), theirs);
	}
}

static void test_ipv6_and_unset(void **state)
{
	(void)state;
	struct ss_addr addr = {.family = 6};
	char text[SS_ADDR_STRLEN];

	addr.bytes[15] = 1;
	assert_string_equal(ss_addr_format(&addr, text, sizeof text), "::1");
	addr.family = 0;
	assert_string_equal(ss_addr_format(&addr, text, sizeof text), "");
}

static void test_compare_orders_family_first(void **state)
{
	(void)state;
	struct ss_addr a = {.family = 4, .bytes = {200}}, b = {.family = 6};
	assert_true(ss_addr_compare(&a, &b) < 0);
	assert_false(ss_addr_equal(&a, &b));
	b = a;
	assert_true(ss_addr_equal(&a, &b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_format_matches_inet_ntop),
		cmocka_unit_test(test_ipv6_and_unset),
		cmocka_unit_test(test_compare_orders_family_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
