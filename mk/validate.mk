# mk/validate.mk - input validation (src/validate.c, pure C) and its unit
# test.  The test compiles src/validate.c itself, with ASan+UBSan.

VALIDATE_SRCS	 := src/validate.c
VALIDATE_HDRS	 := src/validate.h
VALIDATE_TEST_BIN := $(BUILD)/unit/test_validate

UNIT_TEST_BINS	+= $(VALIDATE_TEST_BIN)

$(VALIDATE_TEST_BIN): tests/unit/test_validate.c $(VALIDATE_SRCS) \
    $(VALIDATE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(SAN) -o $@ tests/unit/test_validate.c \
	    $(VALIDATE_SRCS) -lcriterion

.PHONY: test-validate
test-validate: $(VALIDATE_TEST_BIN)
	ASAN_OPTIONS=detect_leaks=1 $(VALIDATE_TEST_BIN) --jobs 2
