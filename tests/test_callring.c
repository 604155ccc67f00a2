/*
 * test_callring.c - the call ring between the preloaded shim and the tracer
 * (src/syscalls/ring.c), and which programs can load the shim (preload.c):
 * order, backpressure, a writer killed mid-record, hostile records and
 * headers, hostile ELF files.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../src/syscalls/preload.h"
#include "../src/syscalls/ring.h"

static void *new_ring(uint32_t slots, struct callring_reader *r)
{
	size_t size = callring_size(slots);
	void *mem = calloc(1, size);
	assert_non_null(mem);
	callring_init(mem, slots, 4096);
	callring_reader_init(r, mem, slots);
	assert_ptr_equal(callring_attach(mem, size), mem);
	return mem;
}

static struct demo_call numbered(long n)
{
	struct demo_call c;
	memset(&c, 0, sizeof c);
	snprintf(c.call, sizeof c.call, "send");
	snprintf(c.args, sizeof c.args, "call %ld", n);
	c.ret = n;
	c.pid = 42;
	return c;
}

static void test_in_order_through_wraps(void **state)
{
	struct callring_reader r;
	void *mem = new_ring(4, &r);
	struct demo_call got;
	long next = 0;
	(void)state;

	for (long n = 0; n < 10; n++) {
		assert_true(callring_push(mem, &(struct demo_call){.ret = n}));
		/* the ring holds 4: take what is there every other push */
		if (n % 2)
			while (callring_pop(&r, &got, 0))
				next++;
	}
	while (callring_pop(&r, &got, 0))
		next++;
	assert_int_equal(next, 10);
	for (long n = 0; n < 4; n++)
		assert_true(callring_push(mem, &(struct demo_call){.ret = n}));
	for (long n = 0; n < 4; n++) {
		assert_true(callring_pop(&r, &got, 0));
		assert_int_equal(got.ret, n);
	}
	assert_false(callring_pop(&r, &got, 0));
	assert_int_equal(callring_pending(&r), 0);
	free(mem);
}

static void test_contents_kept(void **state)
{
	struct callring_reader r;
	void *mem = new_ring(8, &r);
	struct demo_call in = numbered(7), out;
	(void)state;

	assert_true(callring_push(mem, &in));
	assert_true(callring_pop(&r, &out, 0));
	assert_string_equal(out.args, "call 7");
	assert_string_equal(out.call, "send");
	assert_int_equal(out.pid, 42);
	free(mem);
}

/* A full ring with nobody reading any more: the writer gives up, counted. */
static void test_reader_gone_drops(void **state)
{
	struct callring_reader r;
	struct callring_header *h = new_ring(2, &r);
	struct demo_call c = numbered(1);
	(void)state;

	assert_true(callring_push(h, &c));
	assert_true(callring_push(h, &c));
	atomic_store(&h->reader_gone, 1);
	assert_false(callring_push(h, &c));
	assert_int_equal(atomic_load(&h->dropped), 1);
	free(h);
}

/* A writer that claimed a slot and died: the reader waits stuck_ns, then skips it. */
static void test_stuck_slot_skipped(void **state)
{
	struct callring_reader r;
	struct callring_header *h = new_ring(8, &r);
	struct demo_call c = numbered(2), out;
	struct timespec nap = {0, 3 * 1000 * 1000};
	(void)state;

	atomic_fetch_add(&h->head, 1); /* claimed, never published */
	assert_true(callring_push(h, &c));
	assert_false(callring_pop(&r, &out, 0)); /* 0: never skips */
	assert_false(callring_pop(&r, &out, 1000 * 1000)); /* starts the clock */
	nanosleep(&nap, NULL);
	assert_true(callring_pop(&r, &out, 1000 * 1000));
	assert_string_equal(out.args, "call 2");
	assert_int_equal(r.skipped, 1);
	free(h);
}

/* What a hostile program writes is made well-formed before anyone reads it. */
static void test_hostile_record_sanitized(void **state)
{
	struct callring_reader r;
	struct callring_header *h = new_ring(4, &r);
	struct demo_call bad, out;
	(void)state;

	memset(&bad, 'A', sizeof bad);
	bad.proto = (enum decode_l4)99;
	bad.local.family = 9;
	bad.peer.family = 4;
	bad.ts_nsec = 2000000000u;
	bad.start_nsec = 3000000000u;
	bad.err = -5;
	assert_true(callring_push(h, &bad));
	assert_true(callring_pop(&r, &out, 0));
	assert_int_equal(strlen(out.args), sizeof out.args - 1);
	assert_int_equal(strlen(out.call), sizeof out.call - 1);
	assert_int_equal(strlen(out.comm), sizeof out.comm - 1);
	assert_int_equal(strlen(out.side), sizeof out.side - 1);
	assert_int_equal(out.proto, L4_NONE);
	assert_int_equal(out.local.family, 0);
	assert_false(out.has_tuple);
	assert_int_equal(out.ts_nsec, 0);
	assert_int_equal(out.start_nsec, 0);
	assert_int_equal(out.err, 0);
	free(h);
}

/* The reader keeps its own tail: a writer moving the shared one changes nothing. */
static void test_shared_tail_ignored(void **state)
{
	struct callring_reader r;
	struct callring_header *h = new_ring(4, &r);
	struct demo_call c = numbered(3), out;
	(void)state;

	assert_true(callring_push(h, &c));
	atomic_store(&h->tail, 12345);
	assert_true(callring_pop(&r, &out, 0));
	assert_string_equal(out.args, "call 3");
	free(h);
}

static void test_attach_refuses_bad_headers(void **state)
{
	size_t size = callring_size(4);
	struct callring_header *h = calloc(1, size);
	(void)state;

	callring_init(h, 4, 4096);
	assert_null(callring_attach(h, size - 4096)); /* shorter than the ring */
	assert_null(callring_attach(h, 16));
	h->slots = 3; /* not a power of two */
	assert_null(callring_attach(h, size));
	h->slots = 4;
	h->slot_size = 1;
	assert_null(callring_attach(h, size));
	callring_init(h, 4, 4096);
	h->magic ^= 1;
	assert_null(callring_attach(h, size));
	free(h);
}

/* ---- which programs can load the shim ---- */

static const char *write_file(const char *name, const void *data, size_t len)
{
	static char path[128];
	snprintf(path, sizeof path, "/tmp/sockscope-test-%d-%s", (int)getpid(), name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
	return path;
}

static void test_fits(void **state)
{
	(void)state;
	assert_true(preload_fits_file("/bin/sh")); /* Debian's dash is dynamically linked */
	const char *script = write_file("script", "#!/bin/sh -e\necho hi\n", 21);
	assert_true(preload_fits_file(script));
	unlink(script);
	const char *loop = write_file("loop", "#!/tmp/does-not-exist\n", 22);
	assert_false(preload_fits_file(loop));
	unlink(loop);
	const char *text = write_file("text", "just text\n", 10);
	assert_false(preload_fits_file(text));
	unlink(text);
	assert_false(preload_fits_file("/nonexistent"));
	char *sh[] = {"sh", NULL}, *none[] = {"no-such-program-here", NULL};
	assert_true(preload_fits_command(sh));
	assert_false(preload_fits_command(none));
}

/* ELF headers a hostile file may hold: cut short, absurd counts, wrong class. */
static void test_fits_hostile_elf(void **state)
{
	unsigned char buf[4096];
	FILE *f = fopen("/bin/sh", "rb");
	(void)state;

	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	assert_true(n >= 64);
	const char *cut = write_file("cut", buf, 40);
	assert_false(preload_fits_file(cut));
	unlink(cut);
	unsigned char many[4096];
	memcpy(many, buf, n);
	many[56] = 0xff; /* e_phnum: 65535 */
	many[57] = 0xff;
	const char *p = write_file("phnum", many, n);
	assert_false(preload_fits_file(p));
	unlink(p);
	memcpy(many, buf, n);
	memset(many + 32, 0xff, 8); /* e_phoff far beyond the file */
	p = write_file("phoff", many, n);
	assert_false(preload_fits_file(p));
	unlink(p);
	memcpy(many, buf, n);
	many[4] = 1; /* ELFCLASS32 */
	p = write_file("class", many, n);
	assert_false(preload_fits_file(p));
	unlink(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_in_order_through_wraps),
	    cmocka_unit_test(test_contents_kept),
	    cmocka_unit_test(test_reader_gone_drops),
	    cmocka_unit_test(test_stuck_slot_skipped),
	    cmocka_unit_test(test_hostile_record_sanitized),
	    cmocka_unit_test(test_shared_tail_ignored),
	    cmocka_unit_test(test_attach_refuses_bad_headers),
	    cmocka_unit_test(test_fits),
	    cmocka_unit_test(test_fits_hostile_elf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
