# mk/netaddr.mk - addresses, CIDR blocks and the X-Forwarded-For walk
# (src/netaddr.c, pure C; DAYBOOK_TRUSTED_PROXIES) and its unit test, built
# with ASan+UBSan.

NETADDR_TEST_BIN := $(BUILD)/unit/test_netaddr

UNIT_TEST_BINS	+= $(NETADDR_TEST_BIN)

$(NETADDR_TEST_BIN): tests/unit/test_netaddr.c src/netaddr.c src/netaddr.h
	@mkdir -p $(@D)
	$(CC) $(BASE_CFLAGS) $(SAN) -o $@ tests/unit/test_netaddr.c \
	    src/netaddr.c -lcriterion
