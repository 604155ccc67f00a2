/*
 * fuzz_trace.c - libFuzzer over the whole path: capture file bytes -> decode
 * -> track -> annotate -> JSON timeline (written to /dev/null).  Built and run
 * by `make fuzz`, seeded with captures/ and tests/data/ (the tunnel and offload
 * recordings reach every decoder); crash inputs go to tests/data/fuzz/ as
 * regression tests.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockscope/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char errbuf[512];
	FILE *stream;
	struct capture *cap;

	if (size == 0)
		return 0;
	stream = fmemopen((void *)data, size, "rb");
	if (!stream)
		return 0;
	cap = capture_open_stream(stream, "fuzz-input", NULL, errbuf, sizeof errbuf);
	if (!cap)
		return 0;
	struct cli_pipeline pl = {.source = cap, .json_path = "/dev/null"};
	cli_run_pipeline(&pl);
	capture_close(cap);
	return 0;
}
