# End-to-end browser test (issue 4): headless Chromium (Debian `chromium`)
# driven by playwright-core with JavaScript disabled clicks through sign-up,
# adding three tasks at once, completing one and logging out
# (tests/browser/e2e.test.mjs, node --test).  Part of `make test`.
#
#   make test-browser                      start the test stack and a server
#                                          of its own on $(BROWSER_PORT)
#                                          (ASan module), run, stop it
#   DAYBOOK_TEST_URL=http://127.0.0.1:8081 make test-browser
#                                          test a server already running
#
# Screenshots: tests/output/tasks.png (1280 wide, full page) and
# tests/output/tasks-phone.png (375x800 viewport, full page).
# The npm packages go to tests/browser/node_modules (`npm ci`, lockfile).
#
# `make test` stops the integration servers before this target runs, so
# without DAYBOOK_TEST_URL the target starts (and afterwards stops) a server
# named "browser" with scripts/server.sh, and fails on sanitizer reports it
# left in var/test/asan.*.

BROWSER_DIR	:= tests/browser
BROWSER_NODE	:= $(BROWSER_DIR)/node_modules/.package-lock.json
BROWSER_PORT	?= $(call port,8083)
BROWSER_WORKERS	?= 2
BROWSER_MODULE	?= $(BUILD)/test/daybook.so
CHROMIUM	?= /usr/bin/chromium

EXTRA_TEST_TARGETS += test-browser
CLEAN_FILES	+= tests/output/tasks.png tests/output/tasks-phone.png

.PHONY: test-browser browser-deps

$(BROWSER_NODE): $(BROWSER_DIR)/package.json $(BROWSER_DIR)/package-lock.json
	cd $(BROWSER_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

browser-deps: $(BROWSER_NODE)
	@[ -x "$(CHROMIUM)" ] || { \
		echo "test-browser: $(CHROMIUM) not found (make deps installs chromium)" >&2; \
		exit 1; }

# scripts/stack.sh, scripts/server.sh and daybook-admin come from
# mk/stack.mk and mk/admin.mk (included after this file: used in the recipe
# only).
test-browser: browser-deps
	@set -e; export CHROMIUM="$(CHROMIUM)"; \
	if [ -n "$$DAYBOOK_TEST_URL" ]; then \
		echo "test-browser: against $$DAYBOOK_TEST_URL"; \
		cd $(BROWSER_DIR) && exec node --test *.test.mjs; \
	fi; \
	$(MAKE) --no-print-directory $(BUILD)/daybook-admin $(BROWSER_MODULE); \
	scripts/stack.sh start test; \
	. var/test/env.sh; $(BUILD)/daybook-admin migrate; \
	scripts/server.sh stop browser --env test >/dev/null; \
	ls var/test/asan.* 2>/dev/null | sort >var/test/browser-asan.before || true; \
	trap 'scripts/server.sh stop browser --env test' EXIT; \
	scripts/server.sh start browser --env test --port $(BROWSER_PORT) \
	    --workers $(BROWSER_WORKERS) --module $(BROWSER_MODULE); \
	rc=0; \
	DAYBOOK_TEST_URL=http://127.0.0.1:$(BROWSER_PORT) \
	    $(TIMED) test-browser "node --test (tests/browser)" \
	    sh -c 'cd $(BROWSER_DIR) && exec node --test *.test.mjs' || rc=$$?; \
	scripts/server.sh stop browser --env test; trap - EXIT; \
	ls var/test/asan.* 2>/dev/null | sort | \
	    comm -13 var/test/browser-asan.before - >var/test/browser-asan.new || true; \
	if [ -s var/test/browser-asan.new ]; then \
		for f in $$(cat var/test/browser-asan.new); do \
			echo "== $$f"; cat "$$f"; done; \
		echo "test-browser: sanitizer reports (above)"; rc=1; \
	fi; \
	if grep -q 'sandbox violation' var/test/kore-browser.log; then \
		grep 'sandbox violation' var/test/kore-browser.log; \
		echo "test-browser: a worker was killed by the seccomp sandbox (var/test/kore-browser.log)"; \
		rc=1; \
	fi; \
	exit $$rc

# Work log: tests/browser/worklog.test.mjs, the month
# calendar, day form and range entry with JavaScript off; screenshots
# tests/output/worklog.png (1280) and tests/output/worklog-phone.png (375).
CLEAN_FILES	+= tests/output/worklog.png tests/output/worklog-phone.png
