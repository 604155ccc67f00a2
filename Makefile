# sockscope - see README.md.  `make` builds build/sockscope; `make test` runs
# every suite; `make asan` runs the suites under AddressSanitizer + UBSan.

CC      ?= cc
BUILD   ?= build
BENCH_PACKETS ?= 1000000
PKGS    := libpcap json-c
CSTD    := -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-missing-field-initializers
OPT     ?= -O2 -g
SAN     ?=
CFLAGS  := $(CSTD) $(WARN) $(OPT) $(SAN) -Iinclude -MMD -MP \
           $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS  := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lpcap -ljson-c) -lpthread -lm
TEST_LDLIBS := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

LIB_SRCS  := $(filter-out src/cli/main.c src/preload/%,$(wildcard src/*/*.c))
WEB_FILES := $(wildcard web/index.html web/*.css web/*.js)
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/gen/web_assets.o $(BUILD)/gen/shim_bytes.o
# The shim preloaded into traced programs: the tracer's decoder, built position-independent,
# never with sanitizers (it runs inside other programs), only its wrappers exported.
SHIM_SRCS := src/preload/shim.c $(addprefix src/syscalls/,ring.c decode.c fdtable.c names.c \
             table.c access.c) src/demos/log.c src/demos/calls.c src/common/common.c
SHIM_OBJS := $(SHIM_SRCS:%.c=$(BUILD)/pic/%.o)
SHIM_CFLAGS := $(CSTD) $(WARN) -O2 -g -Iinclude -MMD -MP -fPIC -fvisibility=hidden
TEST_SRCS := $(wildcard tests/test_*.c)
TEST_BINS := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)

.PHONY: all deps test-deps test unit golden e2e web-test asan demo captures fuzz bench bench-calls \
        format clean golden-update
all: $(BUILD)/sockscope

deps:
	@sh .ci/deps build

test-deps:
	@sh .ci/deps test

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

# The web page, compiled in so that `sockscope report` works from anywhere.
$(BUILD)/gen/web_assets.c: $(WEB_FILES) src/timeline/embed-web.sh
	@mkdir -p $(dir $@)
	sh src/timeline/embed-web.sh $(WEB_FILES) > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/web_assets.o: $(BUILD)/gen/web_assets.c
	$(CC) $(CFLAGS) -Wno-overlength-strings -c $< -o $@

$(BUILD)/pic/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(SHIM_CFLAGS) -c $< -o $@

$(BUILD)/libsockscope-calls.so: $(SHIM_OBJS)
	$(CC) -shared -Wl,--no-undefined -Wl,-z,now -o $@ $^ -ldl -lpthread

$(BUILD)/gen/shim_bytes.c: $(BUILD)/libsockscope-calls.so src/preload/embed-shim.sh
	@mkdir -p $(dir $@)
	sh src/preload/embed-shim.sh $< > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/shim_bytes.o: $(BUILD)/gen/shim_bytes.c
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libsockscope.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/sockscope: $(BUILD)/src/cli/main.o $(BUILD)/libsockscope.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(BUILD)/libsockscope.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libsockscope.a $(LDLIBS) $(TEST_LDLIBS)

# The main job: run a demo under live capture, analyse it and render the page.
demo: deps
	@$(MAKE) --no-print-directory all
	@sh tests/run-demo.sh $(BUILD)

# Every suite: unit (cmocka), golden timelines, tshark oracle, live end-to-end, browser.
test: deps test-deps
	@$(MAKE) --no-print-directory all $(TEST_BINS)
	@sh tests/run-all.sh $(BUILD)

unit: all $(TEST_BINS)
	@sh tests/run-unit.sh $(BUILD)

golden: all
	@sh tests/run-golden.sh $(BUILD)

golden-update: all
	@sh tests/run-golden.sh $(BUILD) --update

# The same suites built with sanitizers, in their own build directory.
asan: deps test-deps
	@$(MAKE) --no-print-directory BUILD=build/asan CC=clang OPT="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" all \
		$(TEST_SRCS:tests/%.c=build/asan/tests/%)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		SOCKSCOPE_SKIP_OVERHEAD="a sanitizer build: make test measures the budgets on the optimised one" \
		SOCKSCOPE_SKIP_WEB=1 sh tests/run-all.sh build/asan

captures: all
	@sh tests/make-captures.sh $(BUILD)

format:
	clang-format -i $(wildcard src/*/*.c include/sockscope/*.h tests/*.c bench/*.c)

clean:
	rm -rf build

-include $(LIB_OBJS:.o=.d) $(SHIM_OBJS:.o=.d) $(BUILD)/src/cli/main.d

# Coverage-guided fuzzing of file -> decode -> track -> JSON (clang's libFuzzer).
# FUZZ_SECONDS bounds the run; new crash inputs land in build/fuzz/crashes/.
FUZZ_SECONDS ?= 60
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
fuzz: deps test-deps
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang OPT="-O1 -g" \
		SAN="$(FUZZ_SAN) -fsanitize=fuzzer-no-link" build/fuzz/libsockscope.a
	clang $(CSTD) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer -Iinclude tests/fuzz/fuzz_trace.c \
		build/fuzz/libsockscope.a $(LDLIBS) -o build/fuzz/fuzz_trace
	@mkdir -p build/fuzz/corpus build/fuzz/crashes
	@cp captures/*.pcap* tests/data/*.pcap tests/data/fuzz/* build/fuzz/corpus/ 2>/dev/null || true
	build/fuzz/fuzz_trace -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
		-artifact_prefix=build/fuzz/crashes/ -print_final_stats=1 \
		build/fuzz/corpus tests/data/fuzz

# Benchmark against tcpdump and tshark on one synthetic capture (not part of `make test`).
bench: deps test-deps all
	@sh bench/run.sh $(BUILD) $(BENCH_PACKETS)

# What tracing socket calls costs (capture -- CMD vs --no-calls); fails when a target is missed.
bench-calls: all
	@sh bench/calls.sh $(BUILD)
