# mk/mustache.mk - the Mustache engine (src/mustache), its CLI, unit tests,
# fuzz target and benchmark.  See src/mustache/mustache.h.

MUSTACHE_LIB_SRCS := src/mustache/value.c src/mustache/compile.c \
		     src/mustache/set.c src/mustache/render.c
MUSTACHE_HDRS	:= $(wildcard src/mustache/*.h)
MUSTACHE_OBJDIR	:= $(BUILD)/mustache/obj
MUSTACHE_SANDIR	:= $(BUILD)/mustache/san
MUSTACHE_OBJS	:= $(MUSTACHE_LIB_SRCS:src/mustache/%.c=$(MUSTACHE_OBJDIR)/%.o)
MUSTACHE_SAN_OBJS := $(MUSTACHE_LIB_SRCS:src/mustache/%.c=$(MUSTACHE_SANDIR)/%.o)
MUSTACHE_TEST_SRCS := $(wildcard tests/unit/test_mustache*.c)
MUSTACHE_TEST_BIN := $(BUILD)/mustache/test_mustache
MUSTACHE_FUZZ_BIN := $(BUILD)/mustache/mustache-fuzz
MUSTACHE_BENCH_BIN := $(BUILD)/mustache/bench-mustache
FUZZ_SECONDS	?= 60

ALL_TARGETS	+= $(BUILD)/mustache-render $(BUILD)/libmustache.a
UNIT_TEST_BINS	+= $(MUSTACHE_TEST_BIN)
BENCH_TARGETS	+= bench-mustache

$(MUSTACHE_OBJDIR)/%.o: src/mustache/%.c $(MUSTACHE_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -c $< -o $@

$(MUSTACHE_SANDIR)/%.o: src/mustache/%.c $(MUSTACHE_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(SAN) -c $< -o $@

$(BUILD)/libmustache.a: $(MUSTACHE_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/mustache-render: $(MUSTACHE_OBJDIR)/render_main.o \
    $(MUSTACHE_OBJDIR)/mustache_json.o $(BUILD)/libmustache.a
	$(CC) $(BASE_CFLAGS) -o $@ $^ -ljansson

$(MUSTACHE_TEST_BIN): $(MUSTACHE_TEST_SRCS) $(MUSTACHE_SAN_OBJS) \
    $(MUSTACHE_SANDIR)/mustache_json.o $(MUSTACHE_HDRS) \
    $(BUILD)/mustache-render
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(SAN) \
	    -DMUSTACHE_SPEC_DIR='"$(CURDIR)/tests/mustache/spec"' \
	    -DMUSTACHE_DATA_DIR='"$(CURDIR)/tests/mustache"' \
	    -DMUSTACHE_RENDER_BIN='"$(CURDIR)/$(BUILD)/mustache-render"' \
	    -o $@ $(MUSTACHE_TEST_SRCS) $(MUSTACHE_SAN_OBJS) \
	    $(MUSTACHE_SANDIR)/mustache_json.o -lcriterion -ljansson

.PHONY: fuzz bench-mustache test-mustache

test-mustache: $(MUSTACHE_TEST_BIN)
	ASAN_OPTIONS=detect_leaks=1 $(MUSTACHE_TEST_BIN) --jobs 2

$(MUSTACHE_FUZZ_BIN): fuzz/mustache_fuzz.c $(MUSTACHE_LIB_SRCS) \
    src/mustache/mustache_json.c $(MUSTACHE_HDRS)
	@mkdir -p $(dir $@)
	clang $(CSTD) $(WARN) -O1 -g -D_GNU_SOURCE -Isrc \
	    -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer \
	    -fno-sanitize-recover=undefined -o $@ fuzz/mustache_fuzz.c \
	    $(MUSTACHE_LIB_SRCS) src/mustache/mustache_json.c -ljansson

# make fuzz FUZZ_SECONDS=600: the corpus grows in build/mustache/fuzz-corpus (seeded
# from fuzz/corpus); crashes are written to build/mustache/.
fuzz: $(MUSTACHE_FUZZ_BIN)
	@mkdir -p $(BUILD)/mustache/fuzz-corpus
	$(MUSTACHE_FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) \
	    -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
	    -dict=fuzz/mustache.dict -print_final_stats=1 \
	    -artifact_prefix=$(BUILD)/mustache/ $(BUILD)/mustache/fuzz-corpus \
	    fuzz/corpus

$(MUSTACHE_BENCH_BIN): bench/mustache/bench_mustache.cc $(BUILD)/libmustache.a \
    $(MUSTACHE_HDRS)
	@mkdir -p $(dir $@)
	$(CXX) -std=c++17 -O2 -g -Wall -Wextra -Werror -Isrc -o $@ \
	    bench/mustache/bench_mustache.cc $(BUILD)/libmustache.a -lmstch

bench-mustache: $(MUSTACHE_BENCH_BIN)
	$(MUSTACHE_BENCH_BIN) bench/mustache
