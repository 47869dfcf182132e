# make check-layers: every folder of src/ includes only its own or lower
# layers (scripts/check-layers.sh, docs/architecture.md).  Part of make
# test.

EXTRA_TEST_TARGETS += check-layers

.PHONY: check-layers
check-layers:
	@$(TIMED) check-layers check-layers.sh sh scripts/check-layers.sh
