# The Kore module build/daybook.so, and build/test/daybook.so: the same
# sources with AddressSanitizer, UBSan and the test-only routes, for the
# integration tests.  Kore unloads the module before LeakSanitizer looks,
# so whatever the module's globals hold is released by its teardown hooks
# (src/runtime/init.c), or it would be reported as leaked.  Compiled with Kore's own feature flags so that struct
# http_request has the layout the kore binary expects.

MODULE_PKGS	:= libmariadb libsodium hiredis
# libcurl: SMTP for password reset mail (src/runtime/mail.c).
MODULE_PKGS	+= libcurl
MODULE_CFLAGS	:= $(BASE_CFLAGS) -fPIC $(KORE_FEATURES) \
		   $(shell pkg-config --cflags $(MODULE_PKGS))
MODULE_LIBS	:= $(shell pkg-config --libs $(MODULE_PKGS))

# The module's own layers, by folder (docs/architecture.md), and the
# engine (MUSTACHE_LIB_SRCS, from mk/mustache.mk); src/core comes in as
# the core library (mk/core.mk).
MODULE_DIRS	:= src/runtime src/domain src/pages
MODULE_SRCS	:= $(foreach d,$(MODULE_DIRS),$(wildcard $(d)/*.c)) \
		   $(MUSTACHE_LIB_SRCS)
MODULE_OBJS	:= $(patsubst src/%.c,$(BUILD)/module/%.o,$(MODULE_SRCS))
MODULE_TEST_OBJS := $(patsubst src/%.c,$(BUILD)/module-test/%.o,$(MODULE_SRCS))
MODULE_BENCH_OBJS := $(patsubst src/%.c,$(BUILD)/module-bench/%.o,$(MODULE_SRCS))

# build/bench/daybook.so: optimised like the release, plus the test routes
# (the benchmark's /__test/kv page).
ALL_TARGETS	+= $(BUILD)/daybook.so $(BUILD)/test/daybook.so

$(BUILD)/module/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(MODULE_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/module-test/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(MODULE_CFLAGS) $(SAN) -DDBK_TEST_ROUTES -MMD -MP -c -o $@ $<

$(BUILD)/module-bench/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(MODULE_CFLAGS) -DDBK_TEST_ROUTES -MMD -MP -c -o $@ $<

$(BUILD)/bench/daybook.so: $(MODULE_BENCH_OBJS) $(CORE_LIB)
	@mkdir -p $(@D)
	$(CC) -shared -o $@ $^ $(MODULE_LIBS)

$(BUILD)/daybook.so: $(MODULE_OBJS) $(CORE_LIB)
	$(CC) -shared -o $@ $^ $(MODULE_LIBS)

$(BUILD)/test/daybook.so: $(MODULE_TEST_OBJS) $(CORE_SAN_LIB)
	@mkdir -p $(@D)
	$(CC) -shared $(SAN) -o $@ $^ $(MODULE_LIBS)

-include $(MODULE_OBJS:.o=.d) $(MODULE_TEST_OBJS:.o=.d) \
    $(MODULE_BENCH_OBJS:.o=.d)
