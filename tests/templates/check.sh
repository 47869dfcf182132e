#!/bin/bash
# tests/templates/check.sh - check the page templates against their contract.
#
# Usage: tests/templates/check.sh [--screenshots DIR]
#
# 1. Rules on the sources: no template holds style=, <script, {{{ or {{&
#    (CSP and escaping); every <form method="post"> line is followed by the
#    csrf hidden input; the stylesheet loads nothing from elsewhere.
# 2. Renders every sample tests/templates/NAME[--VARIANT].json with
#    templates/NAME.mustache through build/mustache-render --strict
#    --partials templates (exit 0; --strict: a missing partial fails, as at
#    daybook's start-up), then greps the page for strings every page needs
#    and the strings listed for that sample below.
# 3. When python3 is there: a structural check of each rendered page (one
#    h1, headings in order, unique ids, a label for every field,
#    aria-describedby naming ids that exist, no unescaped markup from data).
# 4. With chromium on PATH: a 360 px wide page must not scroll sideways.
#    With --screenshots DIR: PNGs of every sample at 1280 and 375 px.
#
# Rendered pages go to build/templates-check/.  Exit 0 when all passed.

set -u
cd "$(dirname "$0")/../.." || exit 2

RENDER=${MUSTACHE_RENDER:-build/mustache-render}
OUT=build/templates-check
SHOTS=
if [ "${1:-}" = "--screenshots" ]; then
	SHOTS=${2:?usage: $0 [--screenshots DIR]}
fi

failures=0
fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

if [ ! -x "$RENDER" ]; then
	echo "check.sh: $RENDER missing (make $RENDER)" >&2
	exit 2
fi
mkdir -p "$OUT"

# ------------------------------------------------------------ 1. sources

for t in templates/*.mustache; do
	if grep -n -i -e 'style=' -e '<style' -e '<script' -e '{{{' -e '{{&' \
	    "$t"; then
		fail "$t: inline style, script or unescaped interpolation"
	fi
	# Each post form: the csrf input is on the next line.
	awk -v f="$t" '
		pending { if ($0 !~ /<input type="hidden" name="csrf" value="\{\{csrf\}\}">/) { print f ":" NR ": post form without csrf input"; bad = 1 } pending = 0 }
		/<form[^>]*method="post"/ { pending = 1 }
		END { exit bad }
	' "$t" || fail "$t: csrf input"
done
if grep -n -i -e '@import' -e 'url(' -e 'expression(' assets/daybook.css; then
	fail "assets/daybook.css loads something"
fi

# -------------------------------------------------------------- 2. render

# Strings each sample must contain (grep -F), one "sample|string" a line.
expectations() {
	cat <<'EOF'
login|<title>Log in · daybook</title>
login|action="/login"
login|name="next" value="/tasks?filter=done"
login|value="ada@example.org"
login|id="form-error"><strong>Error:</strong> Wrong email or password.
login|aria-describedby="form-error"
login|href="/signup">Sign up</a></p>
login|<div class="flash flash-ok">
login|<p>You have been logged out.</p>
login|value="pre-session-csrf-token"
login--fresh|name="next" value=""
login--fresh|type="password" autocomplete="current-password"
signup|action="/signup"
signup|value="&lt;b&gt;Ada&lt;/b&gt; &amp; &quot;Co&quot;"
signup|aria-invalid="true" aria-describedby="email-error"
signup|id="email-error"><strong>Error:</strong> Enter an email address
signup|aria-describedby="password-hint password-error" aria-invalid="true"
signup|id="password2-error"
signup|aria-describedby="display_name-hint">
signup--fresh|Sign-up is closed on this site.
signup--fresh|name="password2"
tasks|<a href="/tasks" aria-current="page">Tasks</a>
tasks|action="/logout"
tasks|Ada Lovelace
tasks|<label for="titles">New tasks, one per line</label>
tasks|<a href="/tasks?filter=all" aria-current="page">All <span class="count">6</span>
tasks|<a href="/tasks?filter=open">Open <span class="count">4</span>
tasks|Already on your list: Buy milk
tasks|<time datetime="2026-11-20">2026-11-20</time> <strong class="tag tag-overdue">Overdue</strong>
tasks|action="/tasks/41/complete"
tasks|href="/tasks/41/edit"
tasks|href="/tasks/41/delete"
tasks|action="/tasks/39/reopen"
tasks|Completed 2026-11-22 14:05 UTC
tasks|#128 &lt;script&gt;alert(1)&lt;/script&gt; &amp; merge
tasks|href="/tasks/clear-completed"
tasks|href="/tasks/delete-all"
tasks|<p>2 tasks added; 1 line was already on your list</p>
tasks|<li>Buy milk</li>
tasks--empty|Nothing open. Add a task above.
tasks--empty|Write at least one task title.
tasks--empty|aria-invalid="true" aria-describedby="titles-error"
tasks--empty|<a href="/tasks?filter=open" aria-current="page">
tasks--done|Nothing completed yet.
tasks--done|<div class="flash flash-error">
tasks--done|<p><strong>Error:</strong> That task no longer exists.</p>
tasks--done|href="/tasks/delete-all"
task_edit|action="/tasks/41/edit"
task_edit|maxlength="200"
task_edit|type="date" value="2026-13-40"
task_edit|Ask Grace about &quot;Q3&quot; &lt;totals&gt;.</textarea>
task_edit|aria-invalid="true" aria-describedby="title-error"
task_edit|id="due-error"
task_edit|href="/tasks">Cancel</a>
confirm|<h1>Delete all tasks?</h1>
confirm|action="/tasks/delete-all"
confirm|class="button button-danger">Delete all tasks</button>
confirm|href="/tasks">Cancel</a>
account|<h1>Account</h1>
account|<a href="/account" aria-current="page">Account</a>
account|action="/account/name"
account|value="&lt;b&gt;Ada&lt;/b&gt; &amp; &quot;Co&quot;"
account|action="/account/email"
account|action="/account/password"
account|action="/account/time-zone"
account|list="time-zones"
account|<option value="Europe/Berlin"></option>
account|value="Mars/Base"
account|id="time_zone-error"><strong>Error:</strong> Unknown time zone.
account|aria-describedby="time_zone-hint time_zone-error" aria-invalid="true"
account|href="/worklog/allowances"
account|action="/account/logout-everywhere"
account|href="/account/delete"
account|<p>Your display name is saved.</p>
account--errors|aria-describedby="display_name-hint display_name-error" aria-invalid="true"
account--errors|value="not an email" autocomplete="email" required aria-invalid="true" aria-describedby="email-error"
account--errors|id="email_password-error"
account--errors|id="current_password-error"
account--errors|aria-describedby="password-hint password-error" aria-invalid="true"
account--errors|id="password2-error"
account_delete|<h1>Delete your account?</h1>
account_delete|action="/account/delete"
account_delete|id="form-error"><strong>Error:</strong> That is not your current password.
account_delete|aria-invalid="true" aria-describedby="form-error"
account_delete|class="button button-danger">Delete my account</button>
account_delete|href="/account">Cancel</a>
# worklog: the month calendar, the day form, range entry
worklog|<a href="/worklog" aria-current="page">Calendar</a>
worklog|<a href="/worklog" aria-current="page">Work log</a>
worklog|<caption><h2 class="wl-month-title">November 2026</h2></caption>
worklog|<th scope="col"><abbr title="Monday">Mon</abbr></th>
worklog|<td class="wl-day wl-kind-office">
worklog|<span class="wl-label"><span class="wl-long">Office</span><abbr class="wl-short" title="Office">Off</abbr></span>
worklog|<td class="wl-day wl-today">
worklog|aria-current="date"
worklog|<strong class="wl-today-mark">Today</strong>
worklog|<span class="visually-hidden"> (half day)</span>
worklog|<span class="wl-location">Lisbon &lt;café&gt; &amp; co</span>
worklog|href="/worklog/2026-11-02"
worklog|<span class="visually-hidden">2026-10-26, another month</span>
worklog|href="/worklog?month=2026-10" rel="prev"
worklog|href="/worklog?month=2026-12" rel="next"
worklog|<h2 id="totals-heading">Totals for November 2026</h2>
worklog|Vacation</th><td>5</td>
worklog|<tr><th scope="row">All</th><td>12</td></tr>
worklog|<p>2026-11-20 saved: Remote.</p>
worklog|your time zone, Europe/Berlin
worklog--empty|id="month-error"><strong>Error:</strong> A month is written YYYY-MM
worklog--empty|<a href="/worklog">This month</a>
worklog--empty|href="/worklog?month=1970-02" rel="next"
worklog--empty|<tr><th scope="row">All</th><td>0</td></tr>
worklog_day|<h1>Wednesday 11 March 2026</h1>
worklog_day|action="/worklog/2026-03-11"
worklog_day|<legend>Kind of day</legend>
worklog_day|<input type="radio" id="kind-office" name="kind" value="office" checked>
worklog_day|<label for="kind-remote">
worklog_day|name="half_day" value="1" checked>
worklog_day|value="Lisbon" maxlength="100" aria-invalid="true" aria-describedby="location-error">
worklog_day|id="location-error"><strong>Error:</strong> A location is for remote days only
worklog_day|value="Train &quot;day&quot; &lt;b&gt;" maxlength="500"
worklog_day|name="action" value="save"
worklog_day|name="action" value="clear"
worklog_day|href="/worklog?month=2026-03">Back to March 2026</a>
worklog_day--empty|id="kind-error"><strong>Error:</strong> Choose what kind of day
worklog_day--empty|aria-describedby="kind-error"
worklog_range|<h1>Several days</h1>
worklog_range|aria-current="page">Several days</a>
worklog_range|action="/worklog/range"
worklog_range|id="range-error"><strong>Error:</strong> The first date must not be after the last date.
worklog_range|name="from" type="date" value="2026-03-09"
worklog_range|name="skip_weekends" value="1" checked>
worklog_range|<input type="checkbox" id="replace" name="replace" value="1" aria-describedby="replace-hint">
worklog_range|value="vacation" checked>
worklog_range--errors|id="from-error"
worklog_range--errors|id="to-error"
worklog_range--errors|id="kind-error"
# end of worklog
error|<h1>Page not found</h1>
error|Error 404
error|href="/">Go to the home page</a>
error|<a href="/login">Log in</a>
login|<a href="/password/forgot">Forgot your password?</a>
password_forgot|action="/password/forgot"
password_forgot|value="ada@example"
password_forgot|aria-invalid="true" aria-describedby="form-error"
password_reset|action="/password/reset"
password_reset|name="token" value="0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
password_reset|aria-invalid="true" aria-describedby="password2-error"
password_reset--gone|<strong>Error:</strong> This password reset link is not valid
password_reset--gone|href="/password/forgot"
admin|<a href="/admin" aria-current="page">Admin</a>
admin|<h1>Administration</h1>
admin|action="/admin/accounts/7/disable"
admin|action="/admin/accounts/5/enable"
admin|<strong class="tag tag-disabled">Disabled</strong>
admin|Grace &lt;Hopper&gt; &amp; &quot;Co&quot;
admin|<span class="hint">You</span>
admin|action="/admin/accounts" class="form"
admin|<label for="new-email">Email</label>
admin|Sign-up is closed on this site
admin|<li>https://daybook.example.org/password/reset?token=0123456789abcdef
admin|href="/admin?page=2">Older accounts</a>
admin|<td>daybook-admin</td><td>report</td>
admin|href="/admin/reports"
admin_reports|<h1>Nightly reports</h1>
admin_reports|<a href="/admin/reports/2026-11-22">2026-11-22</a></td><td>Europe/Berlin</td>
admin_reports|href="/admin/reports/2026-11-22.csv" download
admin_reports|Showing the newest 2 of 500 reports.
admin_reports--empty|No reports yet.
admin_report|<h1>Report for 2026-03-29</h1>
admin_report|Completed tasks: 3, by 2 of 3 people
admin_report|<time datetime="2026-03-29T00:30:00+01:00">00:30</time>
admin_report|Ship it, &quot;now&quot; &lt;b&gt;
admin_report|href="/admin/reports/2026-03-29.csv" download
# ---- work log: summary, allowances, import and export
worklog_summary|<h1>Year summary 2026</h1>
worklog_summary|aria-current="page">Year summary</a>
worklog_summary|<svg class="wl-chart" viewBox="0 0 640 250" role="img" aria-labelledby="wl-chart-title wl-chart-desc"
worklog_summary|<desc id="wl-chart-desc">
worklog_summary|fill="url(#wl-pat-remote)"
worklog_summary|<title>February: 6 Remote days</title>
worklog_summary|<strong class="tag tag-overdue">7 over</strong>
worklog_summary|<td>none set</td>
worklog_summary|<table class="wl-table wl-months" aria-labelledby="months-caption">
worklog_summary|<li><a href="/worklog/summary?year=2025">Previous year
worklog_summary--bad-year|id="year-error"><strong>Error:</strong> Enter a year from 1970 to 2100
worklog_summary--bad-year|aria-invalid="true" aria-describedby="year-error"
worklog_allowances|<h1>Allowances for 2026</h1>
worklog_allowances|<input type="hidden" name="year" value="2026">
worklog_allowances|value="2.25" aria-invalid="true" aria-describedby="remote-error"
worklog_allowances|id="remote-error"><strong>Error:</strong> Enter a number of days
worklog_data|enctype="multipart/form-data"
worklog_data|<a href="/worklog/export.csv?year=2025" download>CSV of 2025</a>
worklog_data|href="/worklog/export.csv?year=all" download>Export all years</a>
worklog_data|<form method="get" action="/worklog/delete-year" class="form">
worklog_data|aria-current="page">Import and export</a>
worklog_data|at most 1000 kB and 5000 days
worklog_import|<h1>Nothing was imported</h1>
worklog_import|2 rows of the file are wrong
worklog_import|<tr><th scope="row">7</th><td>The date is already on line 2 of the file.</td></tr>
worklog_import|enctype="multipart/form-data"
# ---- end of work log
EOF
}

# Strings no sample may contain.
absent_everywhere=(
	'<script'
	'style='
	'{{'
	'}}'
)
# Strings every page contains.
common=(
	'<!doctype html>'
	'<html lang="en">'
	'<meta name="viewport" content="width=device-width, initial-scale=1">'
	'<link rel="stylesheet" href="/assets/daybook.css?v=3f2a9c">'
	'<main id="main"'
	'<nav class="site-nav" aria-label="Main">'
	'<div class="flash-list" role="status">'
	'<h1'
)

samples=()
for json in tests/templates/*.json; do
	name=$(basename "$json" .json)
	tmpl=templates/${name%%--*}.mustache
	page=$OUT/$name.html
	if [ ! -f "$tmpl" ]; then
		fail "$json: no template $tmpl"
		continue
	fi
	if ! "$RENDER" --strict --partials templates "$tmpl" "$json" \
	    >"$page"; then
		fail "$name: render failed"
		continue
	fi
	samples+=("$name")
	for s in "${common[@]}"; do
		grep -qF -- "$s" "$page" || fail "$name: missing: $s"
	done
	for s in "${absent_everywhere[@]}"; do
		! grep -qF -- "$s" "$page" || fail "$name: must not contain: $s"
	done
	n=0
	while IFS='|' read -r sample s; do
		[ "$sample" = "$name" ] || continue
		n=$((n + 1))
		grep -qF -- "$s" "$page" || fail "$name: missing: $s"
	done < <(expectations)
	[ "$n" -gt 0 ] || fail "$name: no expectations listed in check.sh"
	# Every post form carries this sample's csrf token.
	token=$(sed -n 's/.*"csrf": *"\([^"]*\)".*/\1/p' "$json")
	forms=$(grep -c 'method="post"' "$page")
	tokens=$(grep -c "name=\"csrf\" value=\"$token\"" "$page")
	[ "$forms" = "$tokens" ] ||
	    fail "$name: $forms post forms, $tokens csrf inputs"
done

# ---------------------------------------------------- 3. page structure

if command -v python3 >/dev/null 2>&1; then
	python3 - "$OUT" "${samples[@]}" <<'EOF' || failures=$((failures + $?))
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input",
        "link", "meta", "source", "track", "wbr"}

class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.ids, self.problems = [], {}, []
        self.headings, self.labels_for, self.fields = [], set(), []
        self.described, self.counts = [], {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.counts[tag] = self.counts.get(tag, 0) + 1
        if tag not in VOID:
            self.stack.append(tag)
        if "id" in a:
            if a["id"] in self.ids:
                self.problems.append("duplicate id %s" % a["id"])
            self.ids[a["id"]] = tag
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        if tag == "label" and "for" in a:
            self.labels_for.add(a["for"])
        if tag in ("input", "textarea", "select") and \
                a.get("type") not in ("hidden", "submit"):
            self.fields.append(a.get("id"))
        if "aria-describedby" in a:
            self.described.extend(a["aria-describedby"].split())
        if tag == "form" and a.get("method") == "post" and \
                not a.get("action", "").startswith("/"):
            self.problems.append("post form action %r" % a.get("action"))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append("</%s> does not close <%s>" %
                                 (tag, self.stack[-1] if self.stack else ""))
            return
        self.stack.pop()

def check(path):
    p = Page()
    p.feed(open(path, encoding="utf-8").read())
    p.close()
    if p.stack:
        p.problems.append("unclosed: %s" % " ".join(p.stack))
    if p.counts.get("h1") != 1:
        p.problems.append("%d h1" % p.counts.get("h1", 0))
    if p.counts.get("main") != 1:
        p.problems.append("%d main" % p.counts.get("main", 0))
    last = 0
    for level in p.headings:
        if level > last + 1:
            p.problems.append("heading h%d after h%d" % (level, last))
        last = level
    for fid in p.fields:
        if fid is None or fid not in p.labels_for:
            p.problems.append("field without label: %s" % fid)
    for ref in p.described:
        if ref not in p.ids:
            p.problems.append("aria-describedby names missing id %s" % ref)
    return p.problems

out, bad = sys.argv[1], 0
for name in sys.argv[2:]:
    for problem in check("%s/%s.html" % (out, name)):
        print("FAIL: %s: %s" % (name, problem))
        bad += 1
sys.exit(min(bad, 100))
EOF
else
	echo "skip: structure check (no python3)"
fi

# ----------------------------------------------- 4. browser: width, shots

# A copy of the page that links the stylesheet beside it, for file://.
browser_copy() {
	local name=$1 dir=$2
	sed 's|href="/assets/daybook.css[^"]*"|href="daybook.css"|' \
	    "$OUT/$name.html" >"$dir/$name.html"
}

# Headless Chromium will not make a window narrower than 500 px, so a
# phone is a 360 px (or 375 px) iframe in a wrapper page.
phone_frame() {
	local name=$1 dir=$2 width=$3 height=$4 probe=$5
	{
		echo '<!doctype html><html lang="en"><head><meta charset="utf-8">'
		echo '<title>frame</title></head><body style="margin:0">'
		echo "<iframe src=\"$name.html\" width=\"$width\" height=\"$height\" style=\"border:0;display:block\"></iframe>"
		if [ "$probe" = 1 ]; then
			echo '<script>addEventListener("message", function (e) { document.body.setAttribute("data-width", e.data); });</script>'
		fi
		echo '</body></html>'
	} >"$dir/$name-frame-$width.html"
}

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
chrome() {
	"$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
	    "$@" 2>/dev/null
}
if [ -n "$CHROMIUM" ]; then
	wdir=$OUT/width
	mkdir -p "$wdir"
	cp assets/daybook.css "$wdir/"
	for name in "${samples[@]}"; do
		browser_copy "$name" "$wdir"
		# Test harness only (never in a template): report the widths.
		sed -i 's|</body>|<script>parent.postMessage(document.documentElement.scrollWidth + "/" + document.documentElement.clientWidth, "*")</script></body>|' \
		    "$wdir/$name.html"
		phone_frame "$name" "$wdir" 360 800 1
		w=$(chrome --virtual-time-budget=3000 --window-size=500,800 \
		    --dump-dom "file://$PWD/$wdir/$name-frame-360.html" |
		    sed -n 's/.*data-width="\([0-9]*\/[0-9]*\)".*/\1/p')
		case "$w" in
		"")	fail "$name: chromium gave no width" ;;
		360/360) ;;
		*)	fail "$name: scrolls sideways at 360 px (scroll/client $w)" ;;
		esac
	done
	if [ -n "$SHOTS" ]; then
		mkdir -p "$SHOTS"
		cp assets/daybook.css "$SHOTS/"
		abs=$(cd "$SHOTS" && pwd)
		for name in "${samples[@]}"; do
			browser_copy "$name" "$SHOTS"
			chrome --window-size=1280,900 \
			    --screenshot="$abs/$name-1280.png" \
			    "file://$abs/$name.html" >/dev/null ||
			    fail "$name: screenshot at 1280 px"
			phone_frame "$name" "$SHOTS" 375 1400 0
			chrome --window-size=500,1400 \
			    --screenshot="$abs/$name-375.png" \
			    "file://$abs/$name-frame-375.html" >/dev/null ||
			    fail "$name: screenshot at 375 px"
		done
		echo "screenshots in $SHOTS (the 375 px page is the left part)"
	fi
else
	echo "skip: width check and screenshots (no chromium)"
fi

if [ "$failures" -gt 0 ]; then
	echo "templates: $failures failure(s)"
	exit 1
fi
echo "templates: ${#samples[@]} samples passed"
