/*
 * The work log's month calendar: GET /worklog[?month=YYYY-MM].
 *
 * The month comes from the Redis copy when it is current (worklogcache.c),
 * asked for in the same pipelined round trip as the session; otherwise
 * from MariaDB (one snapshot: version, time zone, the month's entries),
 * which then fills Redis.  The person's time zone rides along, so "today"
 * (and the default month) needs no other lookup.  A rendered page is kept
 * per worker (pagecache.c) for the version Redis says is current.
 *
 * Also what the work log pages share: the page state, the wait for the
 * invalidation after a write, dates in words.
 */

#include <string.h>
#include <time.h>

#include "page_worklog.h"
#include "runtime/pagecache.h"
#include "core/validate.h"
#include "mustache/mustache.h"

/* Times the month is loaded again when the zone moves "this month". */
#define RELOADS_MAX	1
/* Zones whose "today" a worker keeps, for a minute of UTC. */
#define TODAY_MEMO	8

int	page_worklog(struct http_request *);

enum wl_state {
	WL_AUTH,
	WL_SHOW,
	WL_LOAD_WAIT,
	WL_RENDER
};

_Static_assert(WL_SHOW == DBK_WLPAGE_AFTER_AUTH, "WL_SHOW follows auth");

static int	wl_show(struct http_request *);
static int	wl_load_wait(struct http_request *);
static int	wl_render(struct http_request *);

static struct http_state	wl_states[] = {
	{ "WL_AUTH",		dbk_wlpage_auth },
	{ "WL_SHOW",		wl_show },
	{ "WL_LOAD_WAIT",	wl_load_wait },
	{ "WL_RENDER",		wl_render },
};

static const char	*month_names[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};

static const char	*weekday_names[7] = {
	"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
	"Sunday"
};

/* The kinds' labels on a phone, by enum dbk_day_kind. */
static const char	*kind_short[DBK_DAY_KIND_COUNT] = {
	"Off", "Rem", "Vac", "Hol", "Sick"
};

static void	page_onfree(struct http_request *);
static void	queue_month(struct http_request *);

/* The state of a work log page; created zeroed on the first call. */
struct worklog_page *
dbk_wlpage_state(struct http_request *req)
{
	struct dbk_request	*r;
	struct worklog_page	*p;
	int			fresh;

	fresh = !http_state_exists(req);
	r = dbk_request_get(req, sizeof(struct worklog_page));
	p = r->page;
	if (fresh) {
		p->status = HTTP_STATUS_OK;
		p->cache_idx = -1;
		p->kind = -1;
		req->onfree = page_onfree;
	}

	return (p);
}

/* Also frees what the page allocated; then the request's own state. */
static void
page_onfree(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct worklog_page	*p;

	if (r == NULL)
		return;
	p = r->page;
	if (p->loaded != NULL) {
		kore_buf_free(p->loaded);
		p->loaded = NULL;
	}
	kore_free(p->days);
	p->days = NULL;
	dbk_db_cleanup(&r->db);
	dbk_cache_cleanup(&r->cache);
}

/* "November", or "" for a month out of range. */
const char *
dbk_wlpage_month_name(int month)
{
	if (month < 1 || month > 12)
		return ("");
	return (month_names[month - 1]);
}

/* "Monday 23 November 2026" into out (WL_LONG_DATE_MAX bytes). */
void
dbk_wlpage_long_date(const struct dbk_date *d, char *out)
{
	int	wd;

	wd = dbk_weekday(d);
	(void)snprintf(out, WL_LONG_DATE_MAX, "%s %d %s %d",
	    wd >= 0 ? weekday_names[wd] : "", d->day,
	    dbk_wlpage_month_name(d->month), d->year);
}

/* The page context of a work log page, with the navigation set. */
struct mustache_value *
dbk_wlpage_context(struct http_request *req, struct worklog_page *p,
    const char *title)
{
	struct mustache_value	*root;

	root = dbk_page_context(req, &p->auth, title);
	dbk_view_set_bool(root, "nav_worklog", 1);

	return (root);
}

/*
 * root's "kinds": the five kinds as radio buttons ({name, label, checked}),
 * checked the one numbered chosen (none when -1).
 */
void
dbk_wlpage_kinds(struct mustache_value *root, int chosen)
{
	struct mustache_value	*list, *item;
	int			k;

	list = dbk_view_list();
	for (k = 0; k < DBK_DAY_KIND_COUNT; k++) {
		item = dbk_view_object();
		dbk_view_set_cstr(item, "name", dbk_day_kind_name(k));
		dbk_view_set_cstr(item, "label", dbk_day_kind_label(k));
		dbk_view_set_bool(item, "checked", k == chosen);
		dbk_view_push(list, item);
	}
	dbk_view_set(root, "kinds", list);
}

/*
 * After a write committed (p->version): invalidate the cached months and
 * go on to dbk_wlpage_invalidate_wait (the caller sets that state).
 */
void
dbk_wlpage_write_end(struct http_request *req, struct worklog_page *p)
{
	struct dbk_request	*r = http_state_get(req);

	dbk_db_clear(&r->db);
	dbk_worklog_invalidate(&r->cache, p->auth.user.id, p->version);
}

/* The invalidation's reply is in: 303 to p->redirect. */
int
dbk_wlpage_invalidate_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct worklog_page	*p = r->page;

	if (dbk_cache_pending(&r->cache))
		return (HTTP_STATE_RETRY);
	dbk_worklog_invalidated(&r->cache);
	dbk_redirect(req, p->redirect);

	return (HTTP_STATE_COMPLETE);
}

/*
 * Today in zone tz (UTC when the zone is unknown).  Each zone's date is
 * kept for the rest of the UTC minute: every zone's midnight falls on a
 * whole minute, so it cannot change within one.
 */
static void
today_in(const char *tz, struct dbk_date *out)
{
	static struct {
		char		tz[DBK_ZONE_NAME_MAX + 1];
		time_t		minute;
		struct dbk_date	date;
	} memo[TODAY_MEMO];
	static unsigned int	next;
	struct tm		tm;
	time_t			now, minute;
	unsigned int		i;

	now = time(NULL);
	minute = now / 60;
	for (i = 0; i < TODAY_MEMO; i++) {
		if (memo[i].minute == minute && !strcmp(memo[i].tz, tz)) {
			*out = memo[i].date;
			return;
		}
	}

	if (strcmp(tz, "UTC") == 0 || dbk_date_in_zone(tz, now, out) == -1) {
		(void)gmtime_r(&now, &tm);
		out->year = tm.tm_year + 1900;
		out->month = tm.tm_mon + 1;
		out->day = tm.tm_mday;
	}
	i = next++ % TODAY_MEMO;
	(void)kore_strlcpy(memo[i].tz, tz, sizeof(memo[i].tz));
	memo[i].minute = minute;
	memo[i].date = *out;
}

/* GET /worklog[?month=YYYY-MM]. */
int
page_worklog(struct http_request *req)
{
	struct worklog_page	*p = dbk_wlpage_state(req);
	char			*month;
	time_t			now;
	struct tm		tm;

	if (p->auth.queue_extra == NULL) {
		http_populate_qs(req);
		if (http_argument_get_string(req, "month", &month)) {
			if (dbk_month_parse(month, strlen(month), &p->year,
			    &p->month) == 0) {
				p->month_given = 1;
			} else {
				p->month_error = "A month is written YYYY-MM, "
				    "from 1970-01 to 2100-12. Here is this "
				    "month instead.";
				p->status = HTTP_STATUS_BAD_REQUEST;
			}
		}
		if (!p->month_given) {
			/* A guess: the zone may move it (month_moved). */
			now = time(NULL);
			(void)gmtime_r(&now, &tm);
			p->year = tm.tm_year + 1900;
			p->month = tm.tm_mon + 1;
		}
		p->auth.queue_extra = queue_month;
	}

	return (http_state_run(wl_states,
	    sizeof(wl_states) / sizeof(wl_states[0]), req));
}

/* Ask for the month in the same Redis round trip as the session. */
static void
queue_month(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct worklog_page	*p = r->page;

	p->cache_idx = dbk_worklog_queue_get(&r->cache, p->auth.cookie_uid,
	    p->year, p->month);
}

/*
 * The first state of every work log page: the session; then the state
 * numbered DBK_WLPAGE_AFTER_AUTH.
 */
int
dbk_wlpage_auth(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct worklog_page	*p = r->page;
	int			ret;

	if ((ret = dbk_page_auth_gate(req, &p->auth)) != HTTP_STATE_CONTINUE)
		return (ret);
	req->fsm_state = DBK_WLPAGE_AFTER_AUTH;

	return (HTTP_STATE_CONTINUE);
}

/*
 * Without ?month: is the month shown this month in the person's zone?
 * If not, move to it and return 1 (load it again).
 */
static int
month_moved(struct worklog_page *p)
{
	struct dbk_date	today;

	if (p->month_given || p->reloads >= RELOADS_MAX)
		return (0);
	today_in(p->m.tz, &today);
	if (today.year == p->year && today.month == p->month)
		return (0);
	p->year = today.year;
	p->month = today.month;
	p->reloads++;

	return (1);
}

/* May this page's bytes be kept and reused? */
static int
page_reusable(struct http_request *req, struct worklog_page *p)
{
	return (p->status == HTTP_STATUS_OK && !dbk_flash_pending(req));
}

static void
page_key(struct worklog_page *p, struct dbk_pagekey *key)
{
	struct dbk_date	today;
	char		date[DBK_DATE_STR_LEN];

	today_in(p->m.tz, &today);
	dbk_date_format(&today, date);
	dbk_pagekey_init(key, &p->auth, p->m.version,
	    DBK_PAGEKEY_WORKLOG + p->year * 12 + p->month - 1, date);
}

static int
wl_show(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct worklog_page	*p = r->page;
	struct dbk_pagekey	key;
	const char		*html;
	size_t			len;

	if (dbk_worklog_from_cache(&r->cache, p->cache_idx, p->auth.gen,
	    &p->m) && !month_moved(p)) {
		/* The same page for the same current version: send it. */
		if (page_reusable(req, p)) {
			page_key(p, &key);
			if ((html = dbk_pagecache_get(&key, &len)) != NULL) {
				dbk_view_send(req, HTTP_STATUS_OK, html, len);
				return (HTTP_STATE_COMPLETE);
			}
		}
		req->fsm_state = WL_RENDER;
		return (HTTP_STATE_CONTINUE);
	}

	dbk_worklog_query(&r->db, p->auth.user.id, p->year, p->month);
	req->fsm_state = WL_LOAD_WAIT;

	return (HTTP_STATE_CONTINUE);
}

static int
wl_load_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct worklog_page	*p = r->page;
	int			ret;

	if ((ret = dbk_page_db_wait(req, "work log month")) !=
	    HTTP_STATE_CONTINUE)
		return (ret);

	if (p->loaded == NULL)
		p->loaded = kore_buf_alloc(2048);
	kore_buf_reset(p->loaded);
	if (!dbk_worklog_from_db(&r->db, p->loaded, &p->m)) {
		/* The account is gone. */
		dbk_db_clear(&r->db);
		dbk_redirect(req, "/login");
		return (HTTP_STATE_COMPLETE);
	}
	kore_buf_append(p->loaded, "", 1);
	p->m.payload = (const char *)p->loaded->data;
	dbk_worklog_fill(p->auth.user.id, p->auth.gen, p->year, p->month,
	    &p->m, p->loaded->offset - 1);
	dbk_db_clear(&r->db);

	if (month_moved(p)) {
		dbk_worklog_query(&r->db, p->auth.user.id, p->year, p->month);
		return (HTTP_STATE_RETRY);
	}
	req->fsm_state = WL_RENDER;

	return (HTTP_STATE_CONTINUE);
}

/* One day's entry from the payload. */
struct day_entry {
	int		kind;		/* -1: none */
	int		half_day;
	int		has_note;
	const char	*location;
	size_t		location_len;
};

/*
 * Parse the payload (see worklogcache.h) into days[1..31]; strings are
 * borrowed from it.  Lines that do not parse are skipped.
 */
static void
payload_days(const char *payload, struct day_entry *days, int ndays)
{
	const char		*line, *end, *f[5];
	size_t			flen[5];
	enum dbk_day_kind	kind;
	int			i, d;

	for (d = 0; d <= ndays; d++)
		days[d].kind = -1;

	for (line = payload; *line != '\0'; line = end + 1) {
		if ((end = strchr(line, '\n')) == NULL)
			break;
		f[0] = line;
		for (i = 0; i < 4; i++) {
			f[i + 1] = memchr(f[i], '\t', (size_t)(end - f[i]));
			if (f[i + 1] == NULL)
				break;
			flen[i] = (size_t)(f[i + 1] - f[i]);
			f[i + 1]++;
		}
		if (i < 4)
			continue;
		flen[4] = (size_t)(end - f[4]);
		d = atoi(f[0]);
		if (d < 1 || d > ndays ||
		    dbk_day_kind_parse(f[1], flen[1], &kind) == -1)
			continue;
		days[d].kind = kind;
		days[d].half_day = f[2][0] == '1';
		days[d].has_note = f[3][0] == '1';
		days[d].location = f[4];
		days[d].location_len = flen[4];
	}
}

/* One calendar cell. */
static struct mustache_value *
day_cell(const struct dbk_grid_cell *cell, const struct day_entry *e,
    const struct dbk_date *today)
{
	struct mustache_value	*item;
	char			date[DBK_DATE_STR_LEN];

	item = dbk_view_object();
	dbk_date_format(&cell->date, date);
	dbk_view_set_cstr(item, "date", date);
	dbk_view_set_int(item, "day", cell->date.day);
	dbk_view_set_bool(item, "in_month", cell->in_month);
	dbk_view_set_bool(item, "today", !dbk_date_cmp(&cell->date, today));
	if (!cell->in_month || e->kind < 0)
		return (item);

	dbk_view_set_cstr(item, "kind", dbk_day_kind_name(e->kind));
	dbk_view_set_cstr(item, "kind_label", dbk_day_kind_label(e->kind));
	dbk_view_set_cstr(item, "kind_short", kind_short[e->kind]);
	dbk_view_set_bool(item, "half_day", e->half_day);
	dbk_view_set_bool(item, "has_note", e->has_note);
	if (e->location_len > 0) {
		dbk_view_set(item, "location", mustache_string_borrow(
		    dbk_view_arena(), e->location, e->location_len));
	}

	return (item);
}

/* root's "weeks" (each {days}) and "totals", from the payload. */
static void
month_view(struct mustache_value *root, struct worklog_page *p,
    const struct dbk_date *today)
{
	struct dbk_month_grid	grid;
	struct dbk_kind_totals	totals;
	struct day_entry	days[32];
	struct mustache_value	*weeks, *week, *cells, *list, *item;
	const struct dbk_grid_cell	*cell;
	char			units[DBK_UNITS_STR_LEN];
	int			w, d, k;

	(void)dbk_month_grid_build(p->year, p->month, &grid);
	payload_days(p->m.payload, days, dbk_days_in_month(p->year, p->month));
	memset(&totals, 0, sizeof(totals));

	weeks = dbk_view_list();
	for (w = 0; w < grid.weeks; w++) {
		week = dbk_view_object();
		cells = dbk_view_list();
		for (d = 0; d < 7; d++) {
			cell = &grid.cells[w][d];
			dbk_view_push(cells, day_cell(cell,
			    &days[cell->in_month ? cell->date.day : 0], today));
			if (cell->in_month && days[cell->date.day].kind >= 0)
				(void)dbk_totals_add(&totals,
				    days[cell->date.day].kind,
				    days[cell->date.day].half_day);
		}
		dbk_view_set(week, "days", cells);
		dbk_view_push(weeks, week);
	}
	dbk_view_set(root, "weeks", weeks);

	list = dbk_view_list();
	for (k = 0; k < DBK_DAY_KIND_COUNT; k++) {
		item = dbk_view_object();
		dbk_view_set_cstr(item, "kind", dbk_day_kind_name(k));
		dbk_view_set_cstr(item, "label", dbk_day_kind_label(k));
		dbk_units_format(totals.units[k], units);
		dbk_view_set_cstr(item, "days", units);
		dbk_view_push(list, item);
	}
	dbk_view_set(root, "totals", list);
	dbk_units_format(totals.all, units);
	dbk_view_set_cstr(root, "total_days", units);
}

/* root's "prev" / "next" ({url, label}) when those months exist. */
static void
month_links(struct mustache_value *root, int year, int month)
{
	struct mustache_value	*link;
	char			buf[40];
	int			y, m, i;

	for (i = 0; i < 2; i++) {
		y = year;
		m = month;
		if ((i == 0 ? dbk_month_prev(&y, &m) : dbk_month_next(&y, &m))
		    == -1)
			continue;
		link = dbk_view_object();
		(void)snprintf(buf, sizeof(buf), "/worklog?month=%04d-%02d",
		    y, m);
		dbk_view_set_cstr(link, "url", buf);
		(void)snprintf(buf, sizeof(buf), "%s %d",
		    dbk_wlpage_month_name(m), y);
		dbk_view_set_cstr(link, "label", buf);
		dbk_view_set(root, i == 0 ? "prev" : "next", link);
	}
}

static int
wl_render(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct worklog_page	*p = r->page;
	struct mustache_value	*root;
	struct dbk_pagekey	key;
	struct dbk_date		today;
	const char		*html;
	char			buf[40];
	size_t			len;
	int			reusable;

	reusable = page_reusable(req, p);
	today_in(p->m.tz, &today);
	root = dbk_wlpage_context(req, p, "Work log");
	dbk_view_set_bool(root, "wl_nav_month", 1);

	(void)snprintf(buf, sizeof(buf), "%s %d",
	    dbk_wlpage_month_name(p->month), p->year);
	dbk_view_set_cstr(root, "month_title", buf);
	(void)snprintf(buf, sizeof(buf), "%04d-%02d", p->year, p->month);
	dbk_view_set_cstr(root, "month", buf);
	dbk_view_set_bool(root, "is_this_month",
	    today.year == p->year && today.month == p->month);
	dbk_view_set_cstr(root, "time_zone", p->m.tz);
	if (p->month_error != NULL)
		dbk_view_set_cstr(root, "month_error", p->month_error);
	month_links(root, p->year, p->month);
	month_view(root, p, &today);

	html = dbk_view_respond(req, p->status, "worklog", root, &len);
	if (html != NULL && reusable) {
		page_key(p, &key);
		dbk_pagecache_put(&key, html, len);
	}

	return (HTTP_STATE_COMPLETE);
}
