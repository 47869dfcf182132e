# mk/worklog.mk - work log building blocks (issue 5): calendar and day-kind
# logic (src/worklog.c) and RFC 4180 CSV (src/csv.c), pure C, and their
# unit tests.  The tests compile the sources themselves, with ASan+UBSan.

WORKLOG_SRCS	 := src/worklog.c src/validate.c
WORKLOG_HDRS	 := src/worklog.h src/validate.h
CSV_SRCS	 := src/csv.c $(WORKLOG_SRCS)
CSV_HDRS	 := src/csv.h $(WORKLOG_HDRS)
WORKLOG_TEST_BIN := $(BUILD)/unit/test_worklog
CSV_TEST_BIN	 := $(BUILD)/unit/test_csv

UNIT_TEST_BINS	+= $(WORKLOG_TEST_BIN) $(CSV_TEST_BIN)

$(WORKLOG_TEST_BIN): tests/unit/test_worklog.c $(WORKLOG_SRCS) \
    $(WORKLOG_HDRS)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(SAN) -o $@ tests/unit/test_worklog.c \
	    $(WORKLOG_SRCS) -lcriterion

$(CSV_TEST_BIN): tests/unit/test_csv.c $(CSV_SRCS) $(CSV_HDRS)
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(SAN) -o $@ tests/unit/test_csv.c \
	    $(CSV_SRCS) -lcriterion

.PHONY: test-worklog
test-worklog: $(WORKLOG_TEST_BIN) $(CSV_TEST_BIN)
	ASAN_OPTIONS=detect_leaks=1 $(WORKLOG_TEST_BIN) --jobs 2
	ASAN_OPTIONS=detect_leaks=1 $(CSV_TEST_BIN) --jobs 2
