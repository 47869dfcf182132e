# mk/unit.mk - the unit tests: every tests/unit/test_NAME.c is one Criterion
# binary $(BUILD)/unit/test_NAME, built with ASan+UBSan against the core
# library ($(CORE_SAN_LIB)), run by `make test-unit`.  The engine's tests
# (tests/unit/test_mustache*.c) form one binary of mk/mustache.mk instead.
#
# One rule for all.  A test that needs more adds prerequisites with a rule
# of its own without a recipe, and -D flags with the target-specific
# UNIT_DEFS, as test_admin_cli does in mk/admin.mk.

UNIT_SRCS	:= $(filter-out tests/unit/test_mustache%,\
		   $(wildcard tests/unit/test_*.c))
UNIT_BINS	:= $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/unit/%)
UNIT_TEST_BINS	+= $(UNIT_BINS)

$(UNIT_BINS): $(BUILD)/unit/%: tests/unit/%.c $(CORE_SAN_LIB)
	@mkdir -p $(@D)
	$(CC) $(CORE_CFLAGS) $(SAN) $(UNIT_DEFS) -MMD -MP -o $@ $< \
	    $(CORE_SAN_LIB) $(CORE_LIBS) -lcriterion

-include $(UNIT_BINS:=.d)
