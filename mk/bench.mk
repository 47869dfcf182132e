# make bench: bench/run.sh (wrk against a server built with -O2 and the
# test routes), after the engine benchmark and the others in BENCH_TARGETS.

BENCH_SECONDS	?= 10
BENCH_TARGETS	+= bench-server

.PHONY: bench-server
bench-server: $(BUILD)/bench/daybook.so $(BUILD)/daybook-admin
	@sh bench/run.sh $(BENCH_SECONDS)
