# mk/core.mk - src/core/: the code that needs no Kore (validation, CSV, SQL
# formatting, migrations, passwords, dates and work-log arithmetic, report
# formatting, mail composition, addresses, configuration), built once as a
# static library that the module, daybook-admin and the unit tests link.
#
#   $(CORE_LIB)      position-independent (the module is a shared object)
#   $(CORE_SAN_LIB)  the same with ASan+UBSan: the test module, the ASan
#                    daybook-admin and the unit tests
#
# The source list is the folder: every src/core/*.c.  A program links only
# the members it uses (migrate.o, which needs the blocking MariaDB client,
# reaches daybook-admin only).

CORE_PKGS	:= libmariadb libsodium
CORE_CFLAGS	:= $(BASE_CFLAGS) -fPIC $(shell pkg-config --cflags $(CORE_PKGS))
CORE_LIBS	:= $(shell pkg-config --libs $(CORE_PKGS))
CORE_SRCS	:= $(wildcard src/core/*.c)
CORE_OBJS	:= $(CORE_SRCS:src/core/%.c=$(BUILD)/core/obj/%.o)
CORE_SAN_OBJS	:= $(CORE_SRCS:src/core/%.c=$(BUILD)/core/san/%.o)
CORE_LIB	:= $(BUILD)/core/libdaybook-core.a
CORE_SAN_LIB	:= $(BUILD)/core/libdaybook-core-san.a

$(BUILD)/core/obj/%.o: src/core/%.c
	@mkdir -p $(@D)
	$(CC) $(CORE_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/core/san/%.o: src/core/%.c
	@mkdir -p $(@D)
	$(CC) $(CORE_CFLAGS) $(SAN) -MMD -MP -c -o $@ $<

$(CORE_LIB): $(CORE_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(CORE_SAN_LIB): $(CORE_SAN_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

-include $(CORE_OBJS:.o=.d) $(CORE_SAN_OBJS:.o=.d)
