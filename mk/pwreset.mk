# Password reset by email (issue 6): unit tests of its Kore-free parts,
# src/mailmsg.c (composing a message) and src/reset.c (tokens and links).
# The module and daybook-admin build those files with the rest of src/.
# The test stack's SMTP sink is started by scripts/stack.sh.

PWRESET_TEST_BIN := $(BUILD)/unit/test_mail

UNIT_TEST_BINS	+= $(PWRESET_TEST_BIN)

$(PWRESET_TEST_BIN): tests/unit/test_mail.c src/mailmsg.c src/mailmsg.h \
    src/reset.c src/reset.h
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(SAN) -o $@ tests/unit/test_mail.c \
	    src/mailmsg.c src/reset.c $(shell pkg-config --cflags --libs \
	    libsodium) -lcriterion
