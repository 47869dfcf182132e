# daybook-admin, the shared config/password/migrate code it uses, and their
# tests.  Included by the top-level Makefile.

ADMIN_PKGS	:= libmariadb libsodium
ADMIN_CFLAGS	:= $(BASE_CFLAGS) $(shell pkg-config --cflags $(ADMIN_PKGS))
ADMIN_LIBS	:= $(shell pkg-config --libs $(ADMIN_PKGS))
CRITERION_LIBS	:= $(shell pkg-config --libs criterion)

ADMIN_SHARED	:= src/config.c src/password.c src/migrate.c
# src/netaddr.c: DAYBOOK_TRUSTED_PROXIES, parsed by src/config.c.
ADMIN_SHARED	+= src/netaddr.c
# src/sql.c: the parameter formatter the report and account commands use.
ADMIN_SRCS	:= $(ADMIN_SHARED) src/sql.c $(wildcard src/admin/*.c)
# Shared with the module: password reset tokens and links (src/reset.c),
# the report's CSV and local times (src/reportfmt.c and what it uses).
ADMIN_SRCS	+= src/reset.c src/reportfmt.c src/csv.c src/worklog.c \
		   src/validate.c
ADMIN_OBJS	:= $(patsubst src/%.c,$(BUILD)/admin-obj/%.o,$(ADMIN_SRCS))

# The same shared code built with ASan+UBSan for the unit tests.
ADMIN_SAN_OBJS	:= $(patsubst src/%.c,$(BUILD)/admin-san/%.o,$(ADMIN_SHARED))

# daybook-admin itself built with ASan+UBSan, which test_admin_report runs.
ADMIN_SAN_ONLY_OBJS := $(patsubst src/%.c,$(BUILD)/admin-san/%.o,\
		   $(filter-out $(ADMIN_SHARED),$(ADMIN_SRCS)))
ADMIN_SAN_BIN	:= $(BUILD)/admin-san/daybook-admin

ADMIN_UNIT_TESTS := test_config test_migrate test_password
ADMIN_UNIT_BINS	:= $(addprefix $(BUILD)/unit/,$(ADMIN_UNIT_TESTS))
ADMIN_INTEGRATION_BIN := $(BUILD)/integration/test_admin

ALL_TARGETS	+= $(BUILD)/daybook-admin
UNIT_TEST_BINS	+= $(ADMIN_UNIT_BINS)
# Integration tests: run with the test stack's variables, from the repo root
# (see test-admin-integration below).
INTEGRATION_TEST_BINS += $(ADMIN_INTEGRATION_BIN)
ADMIN_REPORT_TEST_BIN := $(BUILD)/integration/test_admin_report
INTEGRATION_TEST_BINS += $(ADMIN_REPORT_TEST_BIN)

$(ADMIN_OBJS): $(BUILD)/admin-obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ADMIN_CFLAGS) -Isrc/admin -MMD -MP -c -o $@ $<

$(ADMIN_SAN_OBJS): $(BUILD)/admin-san/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ADMIN_CFLAGS) $(SAN) -MMD -MP -c -o $@ $<

$(ADMIN_SAN_ONLY_OBJS): $(BUILD)/admin-san/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ADMIN_CFLAGS) $(SAN) -Isrc/admin -MMD -MP -c -o $@ $<

$(ADMIN_SAN_BIN): $(ADMIN_SAN_OBJS) $(ADMIN_SAN_ONLY_OBJS)
	$(CC) $(SAN) -o $@ $^ $(ADMIN_LIBS)

$(BUILD)/daybook-admin: $(ADMIN_OBJS)
	$(CC) $(OPT) -o $@ $^ $(ADMIN_LIBS)

$(ADMIN_UNIT_BINS): $(BUILD)/unit/%: tests/unit/%.c $(ADMIN_SAN_OBJS)
	@mkdir -p $(@D)
	$(CC) $(ADMIN_CFLAGS) $(SAN) -MMD -MP -o $@ $< $(ADMIN_SAN_OBJS) \
	    $(ADMIN_LIBS) $(CRITERION_LIBS)

$(ADMIN_INTEGRATION_BIN): tests/integration/test_admin.c \
    $(BUILD)/admin-san/config.o $(BUILD)/admin-san/netaddr.o \
    $(BUILD)/admin-san/password.o $(BUILD)/daybook-admin
	@mkdir -p $(@D)
	$(CC) $(ADMIN_CFLAGS) $(SAN) -MMD -MP -o $@ $< \
	    $(BUILD)/admin-san/config.o $(BUILD)/admin-san/netaddr.o \
	    $(BUILD)/admin-san/password.o $(ADMIN_LIBS) $(CRITERION_LIBS)

# report, set-admin and reset-password, run against the ASan build of
# daybook-admin (DBK_ADMIN overrides it).
$(ADMIN_REPORT_TEST_BIN): tests/integration/test_admin_report.c \
    $(BUILD)/admin-san/config.o $(BUILD)/admin-san/netaddr.o $(ADMIN_SAN_BIN)
	@mkdir -p $(@D)
	$(CC) $(ADMIN_CFLAGS) $(SAN) -MMD -MP \
	    -DDBK_ADMIN_DEFAULT='"$(ADMIN_SAN_BIN)"' -o $@ $< \
	    $(BUILD)/admin-san/config.o $(BUILD)/admin-san/netaddr.o \
	    $(ADMIN_LIBS) \
	    $(shell pkg-config --libs jansson) $(CRITERION_LIBS)

.PHONY: test-admin-integration test-admin-report
test-admin-report: $(ADMIN_SAN_BIN) $(ADMIN_REPORT_TEST_BIN)
	@test -f var/test/env.sh || { echo "var/test/env.sh missing: start the test stack first"; exit 1; }
	. var/test/env.sh && ASAN_OPTIONS=detect_leaks=1 \
	    $(ADMIN_REPORT_TEST_BIN) --jobs 2

test-admin-integration: $(BUILD)/daybook-admin $(ADMIN_INTEGRATION_BIN)
	@test -f var/test/env.sh || { echo "var/test/env.sh missing: start the test stack first"; exit 1; }
	. var/test/env.sh && $(ADMIN_INTEGRATION_BIN) --jobs 2

-include $(ADMIN_OBJS:.o=.d) $(ADMIN_SAN_OBJS:.o=.d) \
    $(ADMIN_SAN_ONLY_OBJS:.o=.d) $(ADMIN_UNIT_BINS:=.d) \
    $(ADMIN_INTEGRATION_BIN).d $(ADMIN_REPORT_TEST_BIN).d

# Unit tests of the code the admin tool and the module share.
REPORTFMT_TEST_SRCS := src/reportfmt.c src/csv.c \
		   src/worklog.c src/validate.c
$(BUILD)/unit/test_reportfmt: tests/unit/test_reportfmt.c \
    $(REPORTFMT_TEST_SRCS) src/reportfmt.h
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(SAN) -o $@ tests/unit/test_reportfmt.c \
	    $(REPORTFMT_TEST_SRCS) $(shell pkg-config --libs libsodium) \
	    -lcriterion

UNIT_TEST_BINS	+= $(BUILD)/unit/test_reportfmt

# daybook-admin's messages that need no database (the hint to source
# var/dev/env.sh), run against its ASan build by absolute path: the test
# runs it in a directory of its own.
ADMIN_CLI_TEST_BIN := $(BUILD)/unit/test_admin_cli
$(ADMIN_CLI_TEST_BIN): tests/unit/test_admin_cli.c $(ADMIN_SAN_BIN)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(SAN) -MMD -MP \
	    -DDBK_ADMIN_BIN='"$(CURDIR)/$(ADMIN_SAN_BIN)"' -o $@ $< \
	    $(CRITERION_LIBS)

UNIT_TEST_BINS	+= $(ADMIN_CLI_TEST_BIN)
-include $(ADMIN_CLI_TEST_BIN).d
