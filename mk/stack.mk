# Developer set-up, private MariaDB/Redis stacks, integration tests.
#
#   make run               deps, build, dev stack (var/dev), migrate, seed
#                          once, then daybook in the foreground on :8080
#   make stop              stop every daybook server and both stacks
#   make test              deps, build, unit tests, integration tests, then
#                          $(EXTRA_TEST_TARGETS) (helm-test, test-browser...)
#   make test-integration  test stack (var/test), migrate, test servers on
#                          8081 (ASan, 2 workers) and 8082 (1 worker, test
#                          routes), every integration binary, sanitizer check
#
# Integration tests: every tests/integration/test_*.c becomes a Criterion
# binary $(BUILD)/tests/test_* linked with harness.c and libcurl, unless a
# fragment already builds it (its binary in INTEGRATION_TEST_BINS).  Files
# named test_outage*.c stop and restart MariaDB or Redis: they run last, one
# test at a time.  A fragment adds a target to `make test` with
# EXTRA_TEST_TARGETS += name.

STACK		:= scripts/stack.sh
SERVER		:= scripts/server.sh
ADMIN		:= $(BUILD)/daybook-admin
TEST_MODULE	:= $(BUILD)/test/daybook.so
DEV_MODULE	:= $(BUILD)/daybook.so

IT_DIR		:= tests/integration
IT_BUILD	:= $(BUILD)/tests
IT_PKGS		:= libcurl libmariadb hiredis
IT_CFLAGS	:= $(BASE_CFLAGS) $(SAN) -I$(IT_DIR) \
		   $(shell pkg-config --cflags $(IT_PKGS) 2>/dev/null)
IT_LIBS		:= $(shell pkg-config --libs $(IT_PKGS) 2>/dev/null) \
		   -lcriterion -lpthread
IT_JOBS		?= 1

# Deferred (=): fragments included after this one add to these.
IT_OWN_SRCS	= $(filter-out $(addprefix $(IT_DIR)/,\
		    $(addsuffix .c,$(notdir $(INTEGRATION_TEST_BINS)))),\
		    $(wildcard $(IT_DIR)/test_*.c))
IT_BINS		= $(patsubst $(IT_DIR)/%.c,$(IT_BUILD)/%,$(IT_OWN_SRCS)) \
		  $(INTEGRATION_TEST_BINS)
IT_OUTAGE_BINS	= $(foreach b,$(IT_BINS),$(if $(findstring /test_outage,$(b)),$(b)))
IT_MAIN_BINS	= $(filter-out $(IT_OUTAGE_BINS),$(IT_BINS))

# make print-it-bins: which binaries run, in which group.
print-it-bins:
	@echo "main:   $(IT_MAIN_BINS)"
	@echo "outage: $(IT_OUTAGE_BINS)"

# helm-test and test-browser join `make test` when a fragment defines them,
# even if it forgot EXTRA_TEST_TARGETS.
OPTIONAL_TEST_TARGETS := helm-test test-browser
FOUND_TEST_TARGETS := $(foreach t,$(OPTIONAL_TEST_TARGETS),\
		    $(if $(shell grep -ls '^$(t):' Makefile mk/*.mk),$(t)))

CLEAN_FILES	+= var/test/asan.main.* var/test/asan.one.* var/test/asan.closed.*

.PHONY: run stop test test-integration integration-bins integration-run \
	print-it-bins test-one

$(IT_BUILD)/harness.o: $(IT_DIR)/harness.c $(IT_DIR)/harness.h
	@mkdir -p $(@D)
	$(CC) $(IT_CFLAGS) -MMD -MP -c -o $@ $<

$(IT_BUILD)/test_%: $(IT_DIR)/test_%.c $(IT_BUILD)/harness.o
	@mkdir -p $(@D)
	$(CC) $(IT_CFLAGS) -MMD -MP -o $@ $< $(IT_BUILD)/harness.o $(IT_LIBS)

-include $(IT_BUILD)/harness.d $(wildcard $(IT_BUILD)/test_*.d)

integration-bins:
	@$(MAKE) --no-print-directory $(IT_BINS)

# ---------------------------------------------------------------- make run

run:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all
	@$(STACK) start dev
	@. var/dev/env.sh && $(ADMIN) migrate
	@if [ ! -f var/dev/seeded ]; then \
		set -e; . var/dev/env.sh; \
		for f in $(sort $(wildcard sql/seed/*.sql)); do \
			$(ADMIN) seed "$$f"; \
		done; \
		touch var/dev/seeded; \
	fi
	@echo
	@echo "daybook: http://127.0.0.1:$(call port,8080)/  (make stop stops everything)"
	@sed -n 's/^--[[:space:]]*\(email\|password\):[[:space:]]*/  demo \1: /p' \
		$(sort $(wildcard sql/seed/*.sql)) /dev/null
	@echo
	@$(SERVER) run dev --env dev --port $(call port,8080) --module $(DEV_MODULE)

# ---------------------------------------------------------------- make stop

# Every server started by scripts/server.sh (by its pid file), then the
# stacks.  STOP_ENVS=dev limits it to one env.  Keeps going after a failure,
# then fails.
STOP_ENVS	?= dev test

stop:
	@rc=0; \
	for env in $(STOP_ENVS); do \
		for pid in var/$$env/kore-*.pid; do \
			[ -f "$$pid" ] || continue; \
			name=$$(basename "$$pid" .pid); name=$${name#kore-}; \
			$(SERVER) stop "$$name" --env "$$env" || rc=1; \
		done; \
	done; \
	for env in $(STOP_ENVS); do $(STACK) stop $$env || rc=1; done; \
	exit $$rc

# ---------------------------------------------------------------- make test

# Stages run in order; a failing stage does not hide the later ones' output,
# but fails the run.
test:
	@$(MAKE) --no-print-directory deps
	@echo "==== make all"; $(MAKE) --no-print-directory all
	@mkdir -p $(BUILD); : >$(TEST_TIMES); failed=""; \
	for stage in test-unit test-integration \
	    $$(echo $(EXTRA_TEST_TARGETS) $(FOUND_TEST_TARGETS) | \
	       tr ' ' '\n' | awk 'NF && !seen[$$0]++'); do \
		echo "==== make $$stage"; \
		$(TIMED) stage $$stage \
		    $(MAKE) --no-print-directory $$stage || failed="$$failed $$stage"; \
	done; \
	$(TIMED) table $(TEST_TIMES); \
	if [ -n "$$failed" ]; then \
		echo "==== make test FAILED:$$failed"; exit 1; \
	fi; \
	echo "==== make test: all stages passed"

# Runs the binaries with the test stack's variables; outage tests last.
# One run at a time on a machine (the servers and ports are shared): the
# lock is held by flock itself (-o), not by the servers it starts.
test-integration:
	@$(MAKE) --no-print-directory $(ADMIN) $(TEST_MODULE) integration-bins
	@mkdir -p var/test
	@flock -w 1800 -o var/test/.integration.lock \
	    $(MAKE) --no-print-directory integration-run

integration-run:
	@DAYBOOK_IT_PORT_MAIN=$(call port,8081) \
	    DAYBOOK_IT_PORT_ONE=$(call port,8082) \
	    DAYBOOK_IT_MODULE=$(TEST_MODULE) DAYBOOK_IT_ADMIN=$(ADMIN) \
	    IT_JOBS=$(IT_JOBS) scripts/integration.sh $(IT_BINS)

# ------------------------------------------------------------ make test-one

# One test binary, or some of its tests, on its own:
#   make test-one T=test_cache                 every test in it
#   make test-one T=test_cache F='cache/*'     Criterion --filter F
# An integration binary runs against the test stack and freshly started test
# servers (as in test-integration, under the same lock); a unit binary
# (test_csv, test_mustache, ...) runs by itself.
TEST_ONE_IT	= $(filter %/$(T),$(IT_BINS))
TEST_ONE_UNIT	= $(filter %/$(T),$(UNIT_TEST_BINS))

test-one:
	@[ -n "$(T)" ] || { echo "usage: make test-one T=test_NAME [F='suite/test*']" >&2; \
	    echo "  integration: $(notdir $(IT_BINS))" >&2; \
	    echo "  unit:        $(notdir $(UNIT_TEST_BINS))" >&2; exit 2; }
ifneq ($(TEST_ONE_IT),)
	@$(MAKE) --no-print-directory $(ADMIN) $(TEST_MODULE) $(TEST_ONE_IT)
	@mkdir -p var/test
	@flock -w 1800 -o var/test/.integration.lock env \
	    DAYBOOK_IT_PORT_MAIN=$(call port,8081) \
	    DAYBOOK_IT_PORT_ONE=$(call port,8082) \
	    DAYBOOK_IT_MODULE=$(TEST_MODULE) DAYBOOK_IT_ADMIN=$(ADMIN) \
	    IT_JOBS=$(IT_JOBS) scripts/integration.sh \
	    $(if $(F),--filter '$(F)') $(TEST_ONE_IT)
else ifneq ($(TEST_ONE_UNIT),)
	@$(MAKE) --no-print-directory $(TEST_ONE_UNIT)
	ASAN_OPTIONS=detect_leaks=1 $(TEST_ONE_UNIT) --jobs 2 $(if $(F),--filter '$(F)')
else
	@echo "test-one: no test binary $(T); make test-one lists them" >&2; exit 2
endif
