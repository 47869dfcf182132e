#!/bin/sh
# Run one test binary or stage and keep its wall time.
#
#   scripts/timed.sh STAGE NAME COMMAND [ARG...]
#   scripts/timed.sh table [FILE]
#
# The first form runs COMMAND, prints "-- NAME: S s (ok|FAILED)" after it
# and appends "STAGE<TAB>NAME<TAB>SECONDS<TAB>ok|FAILED" to the timing file;
# it exits with COMMAND's status.  STAGE "stage" marks a whole `make test`
# stage (test-unit, test-integration, ...); other rows are the binaries of
# the stage they name.  The second form prints the file as a table: the
# binaries, then the stages and their sum, in the order they ran.
#
# The timing file is $DAYBOOK_TEST_TIMES (default build/test-times.tsv);
# `make test` empties it before its first stage.
set -u

times=${DAYBOOK_TEST_TIMES:-build/test-times.tsv}

now()
{
	date +%s.%N
}

table()
{
	[ -s "$1" ] || { echo "timings: no rows in $1"; return 0; }
	awk -F '\t' '
	{ n++; stage[n] = $1; name[n] = $2; secs[n] = $3; st[n] = $4 }
	END {
		printf "\n==== test timings (wall clock, seconds)\n"
		printf "%-18s %-44s %9s  %s\n", "stage", "binary", "seconds", \
		    "result"
		for (i = 1; i <= n; i++)
			if (stage[i] != "stage")
				printf "%-18s %-44s %9.1f  %s\n", stage[i], \
				    name[i], secs[i], st[i]
		total = 0
		for (i = 1; i <= n; i++)
			if (stage[i] == "stage") {
				printf "%-18s %-44s %9.1f  %s\n", "(stage)", \
				    name[i], secs[i], st[i]
				total += secs[i]
			}
		printf "%-18s %-44s %9.1f\n", "(all stages)", "", total
	}' "$1"
}

[ $# -ge 1 ] || { sed -n '4,5p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
if [ "$1" = table ]; then
	table "${2:-$times}"
	exit 0
fi
[ $# -ge 3 ] || { sed -n '4,5p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
stage=$1
name=$2
shift 2

mkdir -p "$(dirname "$times")"
start=$(now)
rc=0
"$@" || rc=$?
secs=$(awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
result=ok
[ "$rc" -eq 0 ] || result=FAILED
printf '%s\t%s\t%s\t%s\n' "$stage" "$name" "$secs" "$result" >>"$times"
echo "-- $name: $secs s ($result)"
exit "$rc"
