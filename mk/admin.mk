# daybook-admin (src/admin/ on the core library), its ASan build and the
# tests that run it.  Included by the top-level Makefile.

ADMIN_PKGS	:= libmariadb libsodium
ADMIN_CFLAGS	:= $(BASE_CFLAGS) $(shell pkg-config --cflags $(ADMIN_PKGS))
ADMIN_LIBS	:= $(shell pkg-config --libs $(ADMIN_PKGS))
CRITERION_LIBS	:= $(shell pkg-config --libs criterion)

ADMIN_SRCS	:= $(wildcard src/admin/*.c)
ADMIN_OBJS	:= $(ADMIN_SRCS:src/admin/%.c=$(BUILD)/admin/obj/%.o)
ADMIN_SAN_OBJS	:= $(ADMIN_SRCS:src/admin/%.c=$(BUILD)/admin/san/%.o)
# daybook-admin built with ASan+UBSan, which test_admin_report and
# test_admin_cli run.
ADMIN_SAN_BIN	:= $(BUILD)/admin-san/daybook-admin

ALL_TARGETS	+= $(BUILD)/daybook-admin

$(BUILD)/admin/obj/%.o: src/admin/%.c
	@mkdir -p $(@D)
	$(CC) $(ADMIN_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/admin/san/%.o: src/admin/%.c
	@mkdir -p $(@D)
	$(CC) $(ADMIN_CFLAGS) $(SAN) -MMD -MP -c -o $@ $<

$(BUILD)/daybook-admin: $(ADMIN_OBJS) $(CORE_LIB)
	$(CC) $(OPT) -o $@ $^ $(ADMIN_LIBS)

$(ADMIN_SAN_BIN): $(ADMIN_SAN_OBJS) $(CORE_SAN_LIB)
	@mkdir -p $(@D)
	$(CC) $(SAN) -o $@ $^ $(ADMIN_LIBS)

-include $(ADMIN_OBJS:.o=.d) $(ADMIN_SAN_OBJS:.o=.d)

# Integration tests of daybook-admin, built here (they link the core
# library for the configuration and password code) and run by mk/stack.mk
# with the others.  test_admin_report runs the ASan daybook-admin
# (DBK_ADMIN overrides it).
ADMIN_IT_BINS	:= $(BUILD)/integration/test_admin \
		   $(BUILD)/integration/test_admin_report
INTEGRATION_TEST_BINS += $(ADMIN_IT_BINS)

$(BUILD)/integration/test_admin: $(BUILD)/daybook-admin
$(BUILD)/integration/test_admin_report: ADMIN_IT_DEFS := \
		   -DDBK_ADMIN_DEFAULT='"$(ADMIN_SAN_BIN)"'
$(BUILD)/integration/test_admin_report: ADMIN_IT_LIBS := \
		   $(shell pkg-config --libs jansson)
$(BUILD)/integration/test_admin_report: $(ADMIN_SAN_BIN)

$(ADMIN_IT_BINS): $(BUILD)/integration/%: tests/integration/%.c \
    $(CORE_SAN_LIB)
	@mkdir -p $(@D)
	$(CC) $(ADMIN_CFLAGS) $(SAN) $(ADMIN_IT_DEFS) -MMD -MP -o $@ $< \
	    $(CORE_SAN_LIB) $(ADMIN_LIBS) $(ADMIN_IT_LIBS) $(CRITERION_LIBS)

-include $(ADMIN_IT_BINS:=.d)

# daybook-admin's messages that need no database (the hint to source
# var/dev/env.sh), run against its ASan build by absolute path: the test
# runs it in a directory of its own.  Built by mk/unit.mk's rule.
$(BUILD)/unit/test_admin_cli: UNIT_DEFS := \
		   -DDBK_ADMIN_BIN='"$(CURDIR)/$(ADMIN_SAN_BIN)"'
$(BUILD)/unit/test_admin_cli: $(ADMIN_SAN_BIN)
