# daybook — top-level Makefile.  See README.md.
#
# Conventions for the mk/*.mk fragments included below:
#   ALL_TARGETS      files `make` (all) builds
#   UNIT_TEST_BINS   Criterion binaries built with ASan+UBSan, run by test-unit
#   BENCH_TARGETS    phony targets `make bench` runs, in order
#   CLEAN_FILES      extra files `make clean` removes
# Debian packages the project needs are listed in scripts/debian-packages.txt
# and installed by `make deps` (scripts/deps.sh) when missing.

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:

CC		?= cc
BUILD		:= build
KORE_FEATURES	:= $(shell cat /usr/share/kore/features 2>/dev/null)

CSTD		:= -std=gnu11
WARN		:= -Wall -Wextra -Werror -Wstrict-prototypes \
		   -Wmissing-prototypes -Wshadow
OPT		?= -O2 -g
SAN		:= -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=undefined
BASE_CFLAGS	:= $(CSTD) $(WARN) $(OPT) -D_GNU_SOURCE -Isrc

# Every test binary's and stage's wall time goes to TEST_TIMES (see
# scripts/timed.sh); `make test` prints them as a table at the end.
TIMED		:= scripts/timed.sh
TEST_TIMES	:= $(BUILD)/test-times.tsv
export DAYBOOK_TEST_TIMES := $(TEST_TIMES)

ALL_TARGETS	:=
UNIT_TEST_BINS	:=
BENCH_TARGETS	:=
CLEAN_FILES	:=

# The engine's and the core library's fragments first: the others use
# MUSTACHE_LIB_SRCS, CORE_LIB and CORE_SAN_LIB in their rules.
# DAYBOOK_PORT_OFFSET (default 0) shifts every port the stacks, test servers
# and benchmarks use, so that two checkouts can test side by side.
PORT_OFFSET	:= $(or $(DAYBOOK_PORT_OFFSET),0)
port		= $(shell echo $$(($(1) + $(PORT_OFFSET))))
export DAYBOOK_PORT_OFFSET := $(PORT_OFFSET)

include mk/mustache.mk mk/core.mk
include $(filter-out mk/mustache.mk mk/core.mk,$(sort $(wildcard mk/*.mk)))

.PHONY: all deps test test-unit bench clean

all: $(ALL_TARGETS)

deps:
	@sh scripts/deps.sh

test-unit: $(UNIT_TEST_BINS)
	@failed=""; for t in $(UNIT_TEST_BINS); do \
		echo "== $$t"; ASAN_OPTIONS=detect_leaks=1 \
		    $(TIMED) test-unit $$(basename $$t) $$t --jobs 2 || \
		    failed="$$failed $$t"; \
	done; \
	[ -z "$$failed" ] || { echo "test-unit FAILED:$$failed"; exit 1; }

bench: all
	@set -e; for t in $(BENCH_TARGETS); do $(MAKE) --no-print-directory $$t; done

clean:
	rm -rf $(BUILD) $(CLEAN_FILES)
