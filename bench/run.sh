#!/bin/sh
# make bench: drive the daybook server with wrk and print requests/s and
# p99 latency of each page beside the same bytes served as a static file by
# the same Kore server (the ceiling), with the ratio; POST /tasks; each
# worker's resident memory before and after.  Not a test: numbers only.
#
#   bench/run.sh [SECONDS]      (default 10 s per run; 64 connections)
#
# Uses the test stack (scripts/stack.sh start test) and a server built for
# benchmarks (build/bench/daybook.so) on 127.0.0.1:8090.
set -eu

cd "$(dirname "$0")/.."
secs=${1:-10}
conns=64
bench_port=$((8090 + ${DAYBOOK_PORT_OFFSET:-0}))
base=http://127.0.0.1:$bench_port
static=var/bench/static
mkdir -p "$static" var/bench

scripts/stack.sh start test >/dev/null
. var/test/env.sh
build/daybook-admin migrate >/dev/null

# The benchmark's person: 50 open tasks.
email="bench@example.com"
password="bench-password-1"
printf '%s\n' "$password" | build/daybook-admin create-user "$email" \
    --name Bench >/dev/null 2>&1 || true
redis_cli() {
	redis-cli -p "$DAYBOOK_REDIS_PORT" -a "$(cat "$DAYBOOK_REDIS_PASSWORD_FILE")" \
	    --no-auth-warning "$@"
}
redis_cli SET dbk:bench:kv "a value from Redis" >/dev/null

scripts/server.sh stop bench >/dev/null 2>&1 || true
scripts/server.sh start bench --port $bench_port --workers 2 \
    --module build/bench/daybook.so --conf bench/kore-bench.conf \
    --test-routes >/dev/null

jar=var/bench/cookies
rm -f "$jar"
csrf() { sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -n 1; }
token=$(curl -s -c "$jar" -b "$jar" "$base/login" | csrf)
curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf=$token" \
    --data-urlencode "email=$email" --data-urlencode "password=$password" \
    "$base/login"
cookie=$(awk '$6 == "dbk_session" { print $7 }' "$jar")
[ -n "$cookie" ] || { echo "bench: cannot log in" >&2; exit 1; }
token=$(curl -s -b "$jar" "$base/tasks" | csrf)

# Exactly 50 open tasks.
curl -s -b "$jar" -o /dev/null -X POST --data-urlencode "csrf=$token" \
    "$base/tasks/delete-all"
titles=$(seq 1 50 | sed 's/.*/Bench task & with <markup> \& "quotes"/')
curl -s -b "$jar" -o /dev/null --data-urlencode "csrf=$token" \
    --data-urlencode "titles=$titles" "$base/tasks"

# The same bytes as static files.
curl -s "$base/healthcheck" >"$static/healthcheck.json"
curl -s "$base/__test/kv" >"$static/kv.html"
curl -s -b "$jar" "$base/tasks" >"$static/tasks.html"
grep -c '/complete' "$static/tasks.html" | grep -qx 50 || {
	echo "bench: the task page does not list 50 tasks" >&2; exit 1; }

# ---- work log year summary: the bench person's year holds every
# weekday of this year (about 260 entries, five kinds), imported as CSV.
year=$(date -u +%Y)
wl_csv=var/bench/worklog.csv
(
	echo "date,kind,half_day,location,note"
	d="$year-01-01"
	while [ "$(date -u -d "$d" +%Y)" = "$year" ]; do
		n=$(date -u -d "$d" +%u)
		if [ "$n" -le 5 ]; then
			set -- office remote office vacation sick holiday office
			shift $(( $(date -u -d "$d" +%j | sed 's/^0*//') % 7 ))
			echo "$d,$1,$(( n == 5 )),Somewhere,\"a note, with a comma\""
		fi
		d=$(date -u -d "$d + 1 day" +%Y-%m-%d)
	done
) >"$wl_csv"
token_wl=$(curl -s -b "$jar" "$base/worklog/data" | csrf)
curl -s -b "$jar" -o /dev/null -F "csrf=$token_wl" -F "file=@$wl_csv" \
    "$base/worklog/import"
curl -s -b "$jar" "$base/worklog/summary?year=$year" >"$static/summary.html"
grep -q 'wl-pat-office' "$static/summary.html" || {
	echo "bench: the year summary has no chart" >&2; exit 1; }
# ---- end of work log year summary

# ---- work log: this month's working days recorded
# (office; a remote day with a location), the month page as a static copy.
month_first=$(date -u +%Y-%m-01)
month_last=$(date -u -d "$month_first +1 month -1 day" +%Y-%m-%d)
curl -s -b "$jar" -o /dev/null --data-urlencode "csrf=$token" \
    --data-urlencode "from=$month_first" --data-urlencode "to=$month_last" \
    --data-urlencode "kind=office" --data-urlencode "skip_weekends=1" \
    --data-urlencode "replace=1" "$base/worklog/range"
curl -s -b "$jar" -o /dev/null --data-urlencode "csrf=$token" \
    --data-urlencode "kind=remote" --data-urlencode "location=Lisbon" \
    --data-urlencode "note=bench" "$base/worklog/$month_first"
curl -s -b "$jar" "$base/worklog" >"$static/worklog.html"
grep -q 'wl-day wl-kind-office' "$static/worklog.html" || {
	echo "bench: the work log month shows no entries" >&2; exit 1; }
# ---- end of work log

worker_rss() {
	for p in $(pgrep -P "$(cat var/test/kore-bench.pid)"); do
		awk -v p="$p" '/VmRSS/ { printf "%s:%s kB ", p, $2 }' \
		    "/proc/$p/status"
	done
	echo
}

total=0
run() {	# name url [header]
	if [ $# -ge 3 ]; then
		out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency -H "$3" "$2")
	else
		out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency "$2")
	fi
	rps=$(echo "$out" | awk '/Requests\/sec/ { print $2 }')
	p99=$(echo "$out" | awk '$1 == "99%" { print $2 }')
	n=$(echo "$out" | awk '/requests in/ { print $1 }')
	bad=$(echo "$out" | awk '/Non-2xx/ { print $5 }')
	total=$((total + n))
	printf '%-28s %10s req/s   p99 %8s%s\n' "$1" "$rps" "$p99" \
	    "${bad:+   NON-2XX: $bad}"
	eval "rps_$4=$rps"
}

echo "daybook bench: wrk -t2 -c$conns -d${secs}s on $(nproc) cores, $(date -u)"
echo "workers' RSS at start: $(worker_rss)"
# Warm-up: every buffer and cache reaches its working size.
wrk -t2 -c"$conns" -d2s -H "Cookie: dbk_session=$cookie" "$base/tasks" \
    >/dev/null
wrk -t2 -c"$conns" -d2s "$base/__test/kv" >/dev/null
wrk -t2 -c"$conns" -d2s -H "Cookie: dbk_session=$cookie" "$base/worklog" \
    >/dev/null	# work log
echo "workers' RSS after warm-up: $(worker_rss)"
total=0
run "GET /healthcheck"        "$base/healthcheck" "" health
run "  static, same bytes"    "$base/static/healthcheck.json" "" health_s
run "GET /__test/kv"          "$base/__test/kv" "" kv
run "  static, same bytes"    "$base/static/kv.html" "" kv_s
run "GET /tasks (50, warm)"   "$base/tasks" "Cookie: dbk_session=$cookie" tasks
run "  static, same bytes"    "$base/static/tasks.html" "" tasks_s
# ---- work log year summary
run "GET /worklog/summary"    "$base/worklog/summary?year=$year" \
    "Cookie: dbk_session=$cookie" summary
run "  static, same bytes"    "$base/static/summary.html" "" summary_s
# ---- end of work log year summary

run "GET /worklog (month, warm)" "$base/worklog" "Cookie: dbk_session=$cookie" worklog
run "  static, same bytes"    "$base/static/worklog.html" "" worklog_s
echo "workers' RSS after these $total requests: $(worker_rss)"

cat >var/bench/post.lua <<LUA
counter = 0
request = function()
	counter = counter + 1
	local body = "csrf=$token&titles=bench-post-" .. counter ..
	    "-" .. math.random(1, 1000000000)
	return wrk.format("POST", "/tasks", {
		["Content-Type"] = "application/x-www-form-urlencoded",
		["Cookie"] = "dbk_session=$cookie" }, body)
end
LUA
out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency -s var/bench/post.lua \
    "$base/tasks")
printf '%-28s %10s req/s   p99 %8s\n' "POST /tasks (one task, 303)" \
    "$(echo "$out" | awk '/Requests\/sec/ { print $2 }')" \
    "$(echo "$out" | awk '$1 == "99%" { print $2 }')"
total=$((total + $(echo "$out" | awk '/requests in/ { print $1 }')))

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", 100 * a / b }'; }
echo
echo "share of the static ceiling: /healthcheck $(ratio "$rps_health" "$rps_health_s")," \
    "/__test/kv $(ratio "$rps_kv" "$rps_kv_s")," \
    "/tasks $(ratio "$rps_tasks" "$rps_tasks_s")"
echo "share of the static ceiling: /worklog/summary" \
    "$(ratio "$rps_summary" "$rps_summary_s")"

echo "share of the static ceiling: /worklog $(ratio "$rps_worklog" "$rps_worklog_s")" \
    "(work log month, warm)"
echo "workers' RSS after the POST run too ($total requests): $(worker_rss)"

# Leave the bench person with an empty list again (the POST run added many).
curl -s -b "$jar" -o /dev/null -X POST --data-urlencode "csrf=$token" \
    "$base/tasks/delete-all"
scripts/server.sh stop bench >/dev/null
