#!/bin/sh
# Run integration test binaries against the test stack and servers.
#
#   scripts/integration.sh [--filter PATTERN] BIN...
#
# Starts the test stack (scripts/stack.sh start test), migrates it, starts
# the two test servers afresh ("main": ASan module, 2 workers, port
# $DAYBOOK_IT_PORT_MAIN; "one": 1 worker with the test-only routes, port
# $DAYBOOK_IT_PORT_ONE), runs each BIN with Criterion, stops the servers
# and fails on any sanitizer report a test server left.  Binaries named
# test_outage* stop and restart MariaDB or Redis: they run after the
# others, one test at a time, and the stack is started again after each.
# --filter PATTERN is passed to every binary (Criterion's --filter, e.g.
# 'cache/*').  Each binary's wall time is printed and kept in the timing
# file (scripts/timed.sh, stage test-integration).
#
# Called by `make test-integration` and `make test-one` (mk/stack.mk), which
# set DAYBOOK_IT_PORT_MAIN, DAYBOOK_IT_PORT_ONE, DAYBOOK_IT_MODULE,
# DAYBOOK_IT_ADMIN and hold the test stack's lock.
set -eu

cd "$(dirname "$0")/.."
: "${DAYBOOK_IT_PORT_MAIN:?}" "${DAYBOOK_IT_PORT_ONE:?}"
: "${DAYBOOK_IT_MODULE:?}" "${DAYBOOK_IT_ADMIN:?}"
STACK=scripts/stack.sh
SERVER=scripts/server.sh
TIMED=scripts/timed.sh
IT_JOBS=${IT_JOBS:-1}
REPORTS="var/test/asan.main.* var/test/asan.one.* var/test/asan.closed.*
    var/test/asan.proxy.*"

filter=""
if [ "${1:-}" = --filter ]; then
	filter=${2:?--filter needs a pattern}
	shift 2
fi
[ $# -ge 1 ] || { sed -n '4p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

stop_servers()
{
	$SERVER stop main --env test || return 1
	$SERVER stop one --env test
}

# run_bin BIN JOBS: one binary, timed; 0 when it passed.
run_bin()
{
	if [ -n "$filter" ]; then
		$TIMED test-integration "$(basename "$1")" "$1" --jobs "$2" \
		    --filter "$filter"
	else
		$TIMED test-integration "$(basename "$1")" "$1" --jobs "$2"
	fi
}

$STACK start test
. var/test/env.sh
"$DAYBOOK_IT_ADMIN" migrate
stop_servers
# shellcheck disable=SC2086
rm -f $REPORTS
trap 'stop_servers' EXIT
$SERVER start main --env test --port "$DAYBOOK_IT_PORT_MAIN" --workers 2 \
    --module "$DAYBOOK_IT_MODULE"
$SERVER start one --env test --port "$DAYBOOK_IT_PORT_ONE" --workers 1 \
    --module "$DAYBOOK_IT_MODULE" --test-routes
DAYBOOK_REPO_ROOT=$(pwd)
DAYBOOK_TEST_URL=http://127.0.0.1:$DAYBOOK_IT_PORT_MAIN
DAYBOOK_TEST_URL_ONE_WORKER=http://127.0.0.1:$DAYBOOK_IT_PORT_ONE
ASAN_OPTIONS=detect_leaks=1
export DAYBOOK_REPO_ROOT DAYBOOK_TEST_URL DAYBOOK_TEST_URL_ONE_WORKER \
    ASAN_OPTIONS

failed=""
for t in "$@"; do
	case "$(basename "$t")" in test_outage*) continue ;; esac
	echo "== $t"
	run_bin "$t" "$IT_JOBS" || failed="$failed $t"
done
for t in "$@"; do
	case "$(basename "$t")" in test_outage*) ;; *) continue ;; esac
	echo "== $t (outage, alone)"
	run_bin "$t" 1 || failed="$failed $t"
	$STACK start test >/dev/null
done

trap - EXIT
$SERVER stop main --env test || failed="$failed stop-main"
$SERVER stop one --env test || failed="$failed stop-one"
reports=""
# shellcheck disable=SC2086
for f in $REPORTS; do
	[ -f "$f" ] || continue
	echo "== $f"
	cat "$f"
	reports="$reports $f"
done
[ -z "$reports" ] || failed="$failed sanitizer-reports($reports)"
if [ -n "$failed" ]; then
	echo "test-integration FAILED:$failed"
	exit 1
fi
echo "test-integration: all passed"
