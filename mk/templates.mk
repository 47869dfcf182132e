# make test-templates: every template rendered with its sample data through
# build/mustache-render, checked for labels, headings, ids, CSRF inputs, no
# inline style or script, and no horizontal scroll at 360 px (Chromium).
# Part of make test.

EXTRA_TEST_TARGETS += test-templates
CLEAN_FILES	+= $(BUILD)/templates-check

.PHONY: test-templates
test-templates: $(BUILD)/mustache-render
	@$(TIMED) test-templates check.sh bash tests/templates/check.sh
