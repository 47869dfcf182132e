/*
 * GET /worklog/summary?year=YYYY (default: this year, own zone): a year of the
 * person's work log as a table of months by kinds with the year's totals,
 * the allowances used and remaining, and a bar chart of the months drawn
 * here as inline SVG (stacked by kind; each kind has a colour and a
 * pattern, and a legend names them; the table is the text alternative).
 *
 * Never stale: every work log write bumps users.worklog_version in its
 * transaction and then invalidates the person's Redis header (worklogcache.c)
 * before its 303.  The rendered page is kept per worker (pagecache.h) under
 * the version it was read at, and a view learns the current version
 *   - from the header "h" of dbk:w:UID, asked for in the same pipelined
 *     Redis round trip as the session, when it is of the generation the
 *     session lookup read (the month page's guarantee: such a header is
 *     never older than a write that had its 303), so a kept page is sent
 *     with no MariaDB at all; or else
 *   - from MariaDB (a primary key lookup).
 * A miss reads the version again, then the year's rows and the allowances,
 * in one round trip, in that order: the rows are at least as new as the
 * version the page is kept under, so a reader that sees a newer version
 * never gets an older page.  This page does not fill the header: the fill
 * script stores a month of the month page's snapshot with it; the month
 * page fills it.
 */

#include <string.h>

#include "runtime/page.h"
#include "page_worklog.h"
#include "runtime/pagecache.h"
#include "core/validate.h"
#include "domain/wldata.h"
#include "core/worklog.h"
#include "mustache/mustache.h"

/* The chart's geometry, in SVG user units (viewBox 0 0 CHART_W CHART_H). */
#define CHART_W		640
#define CHART_H		250
#define PLOT_LEFT	44
#define PLOT_RIGHT	632
#define PLOT_TOP	12
#define PLOT_BOTTOM	216
#define BAR_W		29
#define TICKS		5

/* The pagecache.h filter of a year's summary: this + the year. */
#define PAGEKEY_SUMMARY	0x200000

int	page_worklog_summary(struct http_request *);

struct summary_page {
	struct dbk_wldata	wl;
	int			year;
	struct dbk_year_summary	summary;
	struct dbk_allowances	allowances;
	u_int64_t		version;
	int			head_idx;	/* the header's reply, or -1 */
};

enum summary_state {
	SUMMARY_AUTH,
	SUMMARY_VERSION_WAIT,
	SUMMARY_LOAD_WAIT
};

static int	summary_auth(struct http_request *);
static int	summary_version_wait(struct http_request *);
static int	summary_load_wait(struct http_request *);
static void	queue_head(struct http_request *);
static int	send_kept(struct http_request *, struct summary_page *);
static void	queue_load(struct http_request *, struct summary_page *);

static struct http_state	summary_states[] = {
	{ "SUMMARY_AUTH",		summary_auth },
	{ "SUMMARY_VERSION_WAIT",	summary_version_wait },
	{ "SUMMARY_LOAD_WAIT",		summary_load_wait },
};

int
page_worklog_summary(struct http_request *req)
{
	return (dbk_wldata_run(req, sizeof(struct summary_page),
	    summary_states, sizeof(summary_states) / sizeof(summary_states[0]),
	    NULL));
}

/* A bad year: the message and the year form, nothing else (400). */
static void
year_error_page(struct http_request *req, struct summary_page *p)
{
	struct mustache_value	*root;

	root = dbk_wldata_context(req, &p->wl, "Year summary",
	    "wl_nav_summary");
	dbk_view_set_cstr(root, "year_error", "Enter a year from 1970 to "
	    "2100 as four digits, e.g. 2026.");
	(void)dbk_view_respond(req, HTTP_STATUS_BAD_REQUEST, "worklog_summary",
	    root, NULL);
}

static int
summary_auth(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct summary_page	*p = r->page;
	struct dbk_sql_param	params[1];
	u_int64_t		head;
	int			ret;

	if (p->wl.auth.queue_extra == NULL) {
		p->head_idx = -1;
		p->wl.auth.queue_extra = queue_head;
	}
	if ((ret = dbk_page_auth_gate(req, &p->wl.auth)) != HTTP_STATE_CONTINUE)
		return (ret);

	http_populate_qs(req);
	if (dbk_wldata_year(req, 1, p->wl.auth.user.time_zone,
	    &p->year) == -1) {
		year_error_page(req, p);
		return (HTTP_STATE_COMPLETE);
	}

	/* The header is the session's person's (the cookie's uid). */
	if (p->wl.auth.user.id == p->wl.auth.cookie_uid &&
	    dbk_worklog_head_version(&r->cache, p->head_idx, p->wl.auth.gen,
	    &head)) {
		p->version = head;
		if (send_kept(req, p))
			return (HTTP_STATE_COMPLETE);
		queue_load(req, p);
		return (HTTP_STATE_CONTINUE);
	}

	params[0] = (struct dbk_sql_param)DBK_SQL_P_INT(p->wl.auth.user.id);
	(void)dbk_db_query(&r->db, "SELECT worklog_version FROM users WHERE "
	    "id = ?", params, 1);
	req->fsm_state = SUMMARY_VERSION_WAIT;

	return (HTTP_STATE_CONTINUE);
}

/* Ask for the header in the same Redis round trip as the session. */
static void
queue_head(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct summary_page	*p = r->page;

	p->head_idx = dbk_worklog_queue_head(&r->cache, p->wl.auth.cookie_uid);
}

/* The version of statement idx's first row, or 0. */
static u_int64_t
version_of(struct dbk_db *db, size_t idx)
{
	MYSQL_ROW	row;

	if ((row = dbk_db_row(db, idx, NULL)) == NULL)
		return (0);

	return (strtoull(row[0], NULL, 10));
}

/* Only a plain GET without a flash is kept and reused. */
static int
page_reusable(struct http_request *req, struct summary_page *p)
{
	return (!dbk_page_is_post(req) && p->version != 0 &&
	    !dbk_flash_pending(req));
}

static void
page_key(struct summary_page *p, struct dbk_pagekey *key)
{
	dbk_pagekey_init(key, &p->wl.auth, p->version,
	    PAGEKEY_SUMMARY + p->year, "");
}

/* Send the page kept for p->version, if any: 1 when sent. */
static int
send_kept(struct http_request *req, struct summary_page *p)
{
	struct dbk_pagekey	key;
	const char		*html;
	size_t			len;

	if (!page_reusable(req, p))
		return (0);
	page_key(p, &key);
	if ((html = dbk_pagecache_get(&key, &len)) == NULL)
		return (0);
	dbk_view_send(req, HTTP_STATUS_OK, html, len);

	return (1);
}

/* The kept page for the current version (from MariaDB), or the load. */
static int
summary_version_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct summary_page	*p = r->page;
	int			ret;

	if ((ret = dbk_page_db_wait(req, "work log version")) !=
	    HTTP_STATE_CONTINUE)
		return (ret);
	p->version = version_of(&r->db, 0);
	dbk_db_clear(&r->db);
	if (send_kept(req, p))
		return (HTTP_STATE_COMPLETE);
	queue_load(req, p);

	return (HTTP_STATE_CONTINUE);
}

/*
 * Queue the version again, the year's rows and the allowances (in this
 * order; see the top of the file); then SUMMARY_LOAD_WAIT.
 */
static void
queue_load(struct http_request *req, struct summary_page *p)
{
	struct dbk_request	*r = http_state_get(req);
	struct dbk_sql_param	params[6];
	char			from[DBK_DATE_STR_LEN], to[DBK_DATE_STR_LEN];

	(void)snprintf(from, sizeof(from), "%04d-01-01", p->year);
	(void)snprintf(to, sizeof(to), "%04d-12-31", p->year);
	params[0] = (struct dbk_sql_param)DBK_SQL_P_INT(p->wl.auth.user.id);
	params[1] = (struct dbk_sql_param)DBK_SQL_P_INT(p->wl.auth.user.id);
	params[2] = (struct dbk_sql_param)DBK_SQL_P_TEXT(from, strlen(from));
	params[3] = (struct dbk_sql_param)DBK_SQL_P_TEXT(to, strlen(to));
	params[4] = (struct dbk_sql_param)DBK_SQL_P_INT(p->wl.auth.user.id);
	params[5] = (struct dbk_sql_param)DBK_SQL_P_INT(p->year);
	/* The rows, not a GROUP BY: MariaDB serves them about twice as
	 * fast as it groups them (no temporary table); summing is cheap. */
	(void)dbk_db_query(&r->db, "SELECT worklog_version FROM users WHERE "
	    "id = ?;"
	    "SELECT day, kind, half_day FROM worklog_entries WHERE "
	    "user_id = ? AND day BETWEEN ? AND ?;"
	    "SELECT vacation_days, remote_days, sick_days FROM "
	    "worklog_allowances WHERE user_id = ? AND year = ?",
	    params, 6);
	req->fsm_state = SUMMARY_LOAD_WAIT;
}

/* An allowance column: DBK_ALLOWANCE_NONE when NULL or unreadable. */
static long
allowance_of(const char *s)
{
	long	units;

	if (s == NULL || dbk_units_parse(s, strlen(s), &units) == -1)
		return (DBK_ALLOWANCE_NONE);

	return (units);
}

/* The query's version, rows and allowances into p. */
static void
summary_read(struct dbk_db *db, struct summary_page *p)
{
	MYSQL_ROW		row;
	unsigned long		*len;
	enum dbk_day_kind	kind;
	struct dbk_date		day;

	p->version = version_of(db, 0);
	dbk_summary_init(&p->summary, p->year);
	while ((row = dbk_db_row(db, 1, &len)) != NULL) {
		if (dbk_date_parse(row[0], len[0], &day) == -1 ||
		    dbk_day_kind_parse(row[1], len[1], &kind) == -1)
			continue;
		(void)dbk_summary_add(&p->summary, &day, kind,
		    row[2][0] == '1');
	}

	p->allowances.vacation = DBK_ALLOWANCE_NONE;
	p->allowances.remote = DBK_ALLOWANCE_NONE;
	p->allowances.sick = DBK_ALLOWANCE_NONE;
	if ((row = dbk_db_row(db, 2, NULL)) != NULL) {
		p->allowances.vacation = allowance_of(row[0]);
		p->allowances.remote = allowance_of(row[1]);
		p->allowances.sick = allowance_of(row[2]);
	}
}

static void
set_units(struct mustache_value *obj, const char *key, long units)
{
	char	buf[DBK_UNITS_STR_LEN];

	dbk_units_format(units, buf);
	dbk_view_set_cstr(obj, key, buf);
}

/* One row of the table: a cell per kind and the total. */
static struct mustache_value *
totals_row(const char *name, const struct dbk_kind_totals *t)
{
	struct mustache_value	*row, *cells, *cell;
	int			k;

	row = dbk_view_object();
	dbk_view_set_cstr(row, "name", name);
	dbk_view_set_str(row, "short", name, 3);
	cells = dbk_view_list();
	for (k = 0; k < DBK_DAY_KIND_COUNT; k++) {
		cell = dbk_view_object();
		set_units(cell, "days", t->units[k]);
		dbk_view_set_bool(cell, "zero", t->units[k] == 0);
		dbk_view_push(cells, cell);
	}
	dbk_view_set(row, "cells", cells);
	set_units(row, "total", t->all);

	return (row);
}

/* Months x kinds, and the year's row. */
static void
view_table(struct mustache_value *root, const struct summary_page *p)
{
	struct mustache_value	*months;
	int			m;

	months = dbk_view_list();
	for (m = 0; m < 12; m++)
		dbk_view_push(months, totals_row(dbk_wlpage_month_name(m + 1),
		    &p->summary.months[m]));
	dbk_view_set(root, "months", months);
	dbk_view_set(root, "year_row", totals_row("Year",
	    &p->summary.year_totals));
	dbk_wlpage_kinds(root, -1);
	dbk_view_set_bool(root, "has_entries", p->summary.year_totals.all > 0);
}

/* Used and remaining of the three allowances. */
static void
view_allowances(struct mustache_value *root, const struct summary_page *p)
{
	struct dbk_allowance_use	use[DBK_ALLOWANCE_KINDS];
	struct mustache_value		*list, *item;
	int				i;

	dbk_allowances_use(&p->summary, &p->allowances, use);
	list = dbk_view_list();
	for (i = 0; i < DBK_ALLOWANCE_KINDS; i++) {
		item = dbk_view_object();
		dbk_view_set_cstr(item, "label", dbk_day_kind_label(
		    use[i].kind));
		dbk_view_set_bool(item, "is_set", use[i].is_set);
		set_units(item, "allowed", use[i].allowed);
		set_units(item, "used", use[i].used);
		if (use[i].remaining < 0) {
			dbk_view_set_bool(item, "over", 1);
			set_units(item, "over_by", -use[i].remaining);
		} else {
			set_units(item, "remaining", use[i].remaining);
		}
		dbk_view_push(list, item);
	}
	dbk_view_set(root, "allowances", list);
}

/* The y coordinate of cum half-day units on a scale of max units. */
static int
chart_y(long cum, long max)
{
	return (PLOT_BOTTOM - (int)((cum * (PLOT_BOTTOM - PLOT_TOP) +
	    max / 2) / max));
}

/* One month's bar: a segment per kind with entries, stacked upwards. */
static struct mustache_value *
chart_bar(const struct dbk_kind_totals *t, int m, long max)
{
	struct mustache_value	*bar, *segs, *seg;
	char			title[96], days[DBK_UNITS_STR_LEN];
	long			cum;
	int			k, x, y0, y1;

	x = PLOT_LEFT + m * ((PLOT_RIGHT - PLOT_LEFT) / 12) +
	    ((PLOT_RIGHT - PLOT_LEFT) / 12 - BAR_W) / 2;
	bar = dbk_view_object();
	dbk_view_set_cstr(bar, "label", dbk_wlpage_month_name(m + 1));
	dbk_view_set_str(bar, "short", dbk_wlpage_month_name(m + 1), 3);
	dbk_view_set_int(bar, "label_x", x + BAR_W / 2);
	segs = dbk_view_list();
	for (k = 0, cum = 0; k < DBK_DAY_KIND_COUNT; k++) {
		if (t->units[k] == 0)
			continue;
		y0 = chart_y(cum, max);
		cum += t->units[k];
		y1 = chart_y(cum, max);
		seg = dbk_view_object();
		dbk_view_set_cstr(seg, "kind", dbk_day_kind_name(k));
		dbk_view_set_int(seg, "x", x);
		dbk_view_set_int(seg, "y", y1);
		dbk_view_set_int(seg, "w", BAR_W);
		dbk_view_set_int(seg, "h", y0 - y1);
		dbk_units_format(t->units[k], days);
		(void)snprintf(title, sizeof(title), "%s: %s %s %s",
		    dbk_wlpage_month_name(m + 1), days, dbk_day_kind_label(k),
		    t->units[k] == 2 ? "day" : "days");
		dbk_view_set_cstr(seg, "title", title);
		dbk_view_push(segs, seg);
	}
	dbk_view_set(bar, "segments", segs);

	return (bar);
}

/*
 * The chart: the scale runs to the busiest month rounded up to a multiple
 * of TICKS days (at least TICKS), with a grid line per tick.
 */
static void
view_chart(struct mustache_value *root, const struct summary_page *p)
{
	struct mustache_value	*chart, *bars, *ticks, *tick;
	char			label[DBK_UNITS_STR_LEN];
	long			max, days;
	int			m, i;

	for (m = 0, max = 0; m < 12; m++) {
		if (p->summary.months[m].all > max)
			max = p->summary.months[m].all;
	}
	days = (max + 1) / 2;
	days = days <= TICKS ? TICKS : (days + TICKS - 1) / TICKS * TICKS;
	max = days * 2;

	chart = dbk_view_object();
	dbk_view_set_int(chart, "width", CHART_W);
	dbk_view_set_int(chart, "height", CHART_H);
	dbk_view_set_int(chart, "left", PLOT_LEFT);
	dbk_view_set_int(chart, "right", PLOT_RIGHT);
	dbk_view_set_int(chart, "bottom", PLOT_BOTTOM);
	dbk_view_set_int(chart, "label_y", PLOT_BOTTOM + 20);
	dbk_view_set_int(chart, "axis_x", PLOT_LEFT - 6);
	ticks = dbk_view_list();
	for (i = 0; i <= TICKS; i++) {
		tick = dbk_view_object();
		dbk_view_set_int(tick, "y", chart_y(max * i / TICKS, max));
		dbk_view_set_int(tick, "text_y", chart_y(max * i / TICKS,
		    max) + 4);
		dbk_units_format(max * i / TICKS, label);
		dbk_view_set_cstr(tick, "label", label);
		dbk_view_push(ticks, tick);
	}
	dbk_view_set(chart, "ticks", ticks);

	bars = dbk_view_list();
	for (m = 0; m < 12; m++)
		dbk_view_push(bars, chart_bar(&p->summary.months[m], m, max));
	dbk_view_set(chart, "bars", bars);
	dbk_view_set(root, "chart", chart);
}

static int
summary_load_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct summary_page	*p = r->page;
	struct mustache_value	*root;
	struct dbk_pagekey	key;
	char			total[DBK_UNITS_STR_LEN];
	const char		*html;
	size_t			len;
	int			ret;

	if ((ret = dbk_page_db_wait(req, "work log summary")) !=
	    HTTP_STATE_CONTINUE)
		return (ret);
	summary_read(&r->db, p);
	dbk_db_clear(&r->db);

	root = dbk_wldata_context(req, &p->wl, "Year summary",
	    "wl_nav_summary");
	dbk_view_set_int(root, "year", p->year);
	if (p->year > DBK_YEAR_MIN)
		dbk_view_set_int(root, "prev_year", p->year - 1);
	if (p->year < DBK_YEAR_MAX)
		dbk_view_set_int(root, "next_year", p->year + 1);
	dbk_units_format(p->summary.year_totals.all, total);
	dbk_view_set_cstr(root, "year_total", total);
	view_table(root, p);
	view_allowances(root, p);
	view_chart(root, p);

	html = dbk_view_respond(req, HTTP_STATUS_OK, "worklog_summary", root,
	    &len);
	if (html != NULL && page_reusable(req, p)) {
		page_key(p, &key);
		dbk_pagecache_put(&key, html, len);
	}

	return (HTTP_STATE_COMPLETE);
}
