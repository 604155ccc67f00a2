/* test_report.c - the self-contained page: assets inlined, timeline inert. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockscope/common.h"
#include "sockscope/report.h"

static char *render(const char *timeline_text)
{
	char *page = NULL, errbuf[256];
	size_t size = 0;
	FILE *timeline = fmemopen((void *)timeline_text, strlen(timeline_text), "r");
	FILE *out = open_memstream(&page, &size);

	assert_int_equal(report_write(out, timeline, errbuf, sizeof errbuf), 0);
	fclose(out);
	fclose(timeline);
	return page;
}

static void test_report_inlines_every_asset(void **state)
{
	(void)state;
	char *page = render("{}");
	assert_null(strstr(page, "<script src="));
	assert_null(strstr(page, "<link rel=\"stylesheet\""));
	assert_non_null(strstr(page, "<style>"));
	assert_non_null(strstr(page, "id=\"sockscope-timeline\">{}</script>"));
	free(page);
}

static void test_report_timeline_cannot_close_its_element(void **state)
{
	(void)state;
	char *page = render("{\"x\":\"</script><img src=x onerror=alert(1)><!--\"}");
	const char *data = strstr(page, "id=\"sockscope-timeline\">");
	assert_non_null(data);
	const char *end = strstr(data, "</script>");
	assert_non_null(end);
	/* the whole JSON lies before the element's end, with every '<' escaped */
	assert_non_null(strstr(data, "\\u003c/script>\\u003cimg"));
	assert_true(strstr(data, "\\u003c!--") < end);
	assert_null(memchr(data + 24, '<', (size_t)(end - data - 24)));
	free(page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_report_inlines_every_asset),
	    cmocka_unit_test(test_report_timeline_cannot_close_its_element),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
