/*
 * The work log's forms: one day (GET and POST /worklog/YYYY-MM-DD: save or
 * clear) and several days at once (GET and POST /worklog/range).
 *
 * Every change is one MariaDB transaction that locks the person's row
 * first, bumps users.worklog_version and reads it back (DBK_WRITE_BEGIN,
 * dbk_page_write_done); then the Redis months are invalidated for that
 * version (worklogcache.c) before the 303 to the month goes out, so the
 * next page view shows the change.  Bad input re-renders the form with a
 * message (422) and changes nothing.  Only the person's own entries are
 * ever read or written: every statement names their id.
 */

#include <string.h>

#include "page_worklog.h"
#include "core/validate.h"
#include "mustache/mustache.h"

/* Lines of kept days a flash lists (it is a cookie: a few hundred bytes). */
#define KEPT_LINES	16

int	page_worklog_day(struct http_request *);
int	page_worklog_range(struct http_request *);

enum form_state {
	FORM_AUTH,
	FORM_START,
	FORM_LOAD_WAIT,
	FORM_WRITE_WAIT,
	FORM_INVALIDATE_WAIT
};

_Static_assert(FORM_START == DBK_WLPAGE_AFTER_AUTH,
    "FORM_START follows the auth");

static int	day_start(struct http_request *);
static int	day_load_wait(struct http_request *);
static int	day_write_wait(struct http_request *);

static struct http_state	day_states[] = {
	{ "FORM_AUTH",			dbk_wlpage_auth },
	{ "FORM_START",			day_start },
	{ "FORM_LOAD_WAIT",		day_load_wait },
	{ "FORM_WRITE_WAIT",		day_write_wait },
	{ "FORM_INVALIDATE_WAIT",	dbk_wlpage_invalidate_wait },
};

static int	range_start(struct http_request *);
static int	range_write_wait(struct http_request *);

static struct http_state	range_states[] = {
	{ "FORM_AUTH",			dbk_wlpage_auth },
	{ "FORM_START",			range_start },
	{ "FORM_LOAD_WAIT",		range_start },	/* not used */
	{ "FORM_WRITE_WAIT",		range_write_wait },
	{ "FORM_INVALIDATE_WAIT",	dbk_wlpage_invalidate_wait },
};

/* "/worklog?month=YYYY-MM" of d into p->redirect. */
static void
redirect_to_month(struct worklog_page *p, const struct dbk_date *d)
{
	(void)snprintf(p->redirect, sizeof(p->redirect),
	    "/worklog?month=%04d-%02d", d->year, d->month);
}

/*
 * A form field, trimmed, into out (size bytes) when it is text on one line
 * of at most max characters.  Returns 1; 0 when it is not (out empty).
 */
static int
field_line(struct http_request *req, const char *name, char *out,
    size_t size, size_t max)
{
	const char	*v;
	size_t		len;

	out[0] = '\0';
	if (!dbk_form_get(req, name, &v, &len))
		return (1);
	dbk_trim(&v, &len);
	if (len >= size || !dbk_utf8_valid(v, len, DBK_UTF8_SINGLE_LINE) ||
	    dbk_utf8_length(v, len) > max)
		return (0);
	memcpy(out, v, len);
	out[len] = '\0';

	return (1);
}

/* The checkbox name: 1 when it was sent. */
static int
field_checked(struct http_request *req, const char *name)
{
	const char	*v;
	size_t		len;

	return (dbk_form_get(req, name, &v, &len) && len > 0);
}

/* The kind chosen in the form into p->kind; 0 with the error set. */
static int
field_kind(struct http_request *req, struct worklog_page *p)
{
	enum dbk_day_kind	kind;
	const char		*v;
	size_t			len;

	if (!dbk_form_get(req, "kind", &v, &len) ||
	    dbk_day_kind_parse(v, len, &kind) == -1) {
		p->error_kind = "Choose what kind of day it was: office, "
		    "remote, vacation, holiday or sick.";
		return (0);
	}
	p->kind = kind;

	return (1);
}

/* ------------------------------------------------------------ one day */

int
page_worklog_day(struct http_request *req)
{
	(void)dbk_wlpage_state(req);

	return (http_state_run(day_states,
	    sizeof(day_states) / sizeof(day_states[0]), req));
}

/* The date in the path, or an error page (404) saying why not. */
static int
day_from_path(struct http_request *req, struct worklog_page *p)
{
	struct mustache_value	*root;
	const char		*s = req->path + strlen("/worklog/");

	if (dbk_date_parse(s, strlen(s), &p->day) == 0)
		return (1);

	root = dbk_wlpage_context(req, p, "No such day");
	dbk_view_set_int(root, "status", HTTP_STATUS_NOT_FOUND);
	dbk_view_set_cstr(root, "heading", "No such day");
	dbk_view_set_cstr(root, "message", "That is not a real date. The work "
	    "log has the days from 1970-01-01 to 2100-12-31.");
	(void)dbk_view_respond(req, HTTP_STATUS_NOT_FOUND, "error", root,
	    NULL);

	return (0);
}

/* The day's form, with p's values and errors. */
static void
day_page(struct http_request *req, struct worklog_page *p)
{
	struct mustache_value	*root, *errors;
	char			title[WL_LONG_DATE_MAX], date[DBK_DATE_STR_LEN];
	char			back[40];

	dbk_wlpage_long_date(&p->day, title);
	dbk_date_format(&p->day, date);
	root = dbk_wlpage_context(req, p, title);
	dbk_view_set_bool(root, "wl_nav_month", 1);
	dbk_view_set_cstr(root, "heading", title);
	dbk_view_set_cstr(root, "date", date);
	dbk_view_set_cstr(root, "month_url", p->redirect);
	(void)snprintf(back, sizeof(back), "%s %d",
	    dbk_wlpage_month_name(p->day.month), p->day.year);
	dbk_view_set_cstr(root, "month_title", back);
	dbk_wlpage_kinds(root, p->kind);
	dbk_view_set_bool(root, "half_day", p->half_day);
	dbk_view_set_cstr(root, "location", p->location);
	dbk_view_set_cstr(root, "note", p->note);

	errors = dbk_view_object();
	if (p->error_kind != NULL)
		dbk_view_set_cstr(errors, "kind", p->error_kind);
	if (p->error_location != NULL)
		dbk_view_set_cstr(errors, "location", p->error_location);
	if (p->error_note != NULL)
		dbk_view_set_cstr(errors, "note", p->error_note);
	dbk_view_set(root, "errors", errors);

	(void)dbk_view_respond(req, p->status, "worklog_day", root, NULL);
}

/* The POSTed form into p.  Returns 1 when it may be saved. */
static int
day_validate(struct http_request *req, struct worklog_page *p)
{
	(void)field_kind(req, p);
	p->half_day = field_checked(req, "half_day");
	if (!field_line(req, "location", p->location, sizeof(p->location),
	    DBK_WORKLOG_LOCATION_MAX))
		p->error_location = "A location is at most 100 characters "
		    "on one line.";
	else if (p->location[0] != '\0' && p->kind >= 0 &&
	    p->kind != DBK_DAY_REMOTE)
		p->error_location = "A location is for remote days only: "
		    "choose Remote, or leave it empty.";
	if (!field_line(req, "note", p->note, sizeof(p->note),
	    DBK_WORKLOG_NOTE_MAX))
		p->error_note = "A note is at most 500 characters on one line.";

	return (p->error_kind == NULL && p->error_location == NULL &&
	    p->error_note == NULL);
}

/* Save (or clear) the day in one transaction. */
static void
day_write(struct dbk_request *r, struct worklog_page *p)
{
	struct dbk_sql_param	params[10];
	const char		*kind;
	char			date[DBK_DATE_STR_LEN];
	u_int64_t		uid = p->auth.user.id;
	size_t			n;

	dbk_date_format(&p->day, date);
	n = 0;
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(date, strlen(date));
	if (!p->clear) {
		kind = dbk_day_kind_name(p->kind);
		params[n++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(kind,
		    strlen(kind));
		params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(p->half_day);
		params[n++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(p->location,
		    strlen(p->location));
		params[n++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(p->note,
		    strlen(p->note));
	}
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);

	if (p->clear) {
		(void)dbk_db_query(&r->db, DBK_WRITE_BEGIN
		    "DELETE FROM worklog_entries WHERE user_id = ? AND day = ?;"
		    "UPDATE users SET worklog_version = worklog_version + 1 "
		    "WHERE id = ?;"
		    "SELECT worklog_version FROM users WHERE id = ?;COMMIT",
		    params, n);
		return;
	}
	(void)dbk_db_query(&r->db, DBK_WRITE_BEGIN
	    "INSERT INTO worklog_entries (user_id, day, kind, half_day, "
	    "location, note) VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY "
	    "UPDATE kind = VALUES(kind), half_day = VALUES(half_day), "
	    "location = VALUES(location), note = VALUES(note);"
	    "UPDATE users SET worklog_version = worklog_version + 1 "
	    "WHERE id = ?;"
	    "SELECT worklog_version FROM users WHERE id = ?;COMMIT",
	    params, n);
}

static int
day_start(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct worklog_page	*p = r->page;
	struct dbk_sql_param	params[2];
	const char		*v;
	char			date[DBK_DATE_STR_LEN];
	size_t			len;

	if (!day_from_path(req, p))
		return (HTTP_STATE_COMPLETE);
	redirect_to_month(p, &p->day);

	if (!dbk_page_is_post(req)) {
		dbk_date_format(&p->day, date);
		params[0] = (struct dbk_sql_param)DBK_SQL_P_INT(
		    p->auth.user.id);
		params[1] = (struct dbk_sql_param)DBK_SQL_P_TEXT(date,
		    strlen(date));
		(void)dbk_db_query(&r->db, "SELECT kind, half_day, location, "
		    "note FROM worklog_entries WHERE user_id = ? AND day = ?",
		    params, 2);
		req->fsm_state = FORM_LOAD_WAIT;
		return (HTTP_STATE_CONTINUE);
	}

	http_populate_post(req);
	if (!dbk_page_csrf_gate(req, &p->auth))
		return (HTTP_STATE_COMPLETE);
	p->clear = dbk_form_get(req, "action", &v, &len) &&
	    !strcmp(v, "clear");
	if (!p->clear && !day_validate(req, p)) {
		p->status = 422;
		day_page(req, p);
		return (HTTP_STATE_COMPLETE);
	}

	day_write(r, p);
	req->fsm_state = FORM_WRITE_WAIT;

	return (HTTP_STATE_CONTINUE);
}

static int
day_load_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct worklog_page	*p = r->page;
	enum dbk_day_kind	kind;
	MYSQL_ROW		row;
	unsigned long		*len;
	int			ret;

	if ((ret = dbk_page_db_wait(req, "work log day")) !=
	    HTTP_STATE_CONTINUE)
		return (ret);

	if ((row = dbk_db_row(&r->db, 0, &len)) != NULL) {
		if (dbk_day_kind_parse(row[0], len[0], &kind) == 0)
			p->kind = kind;
		p->half_day = row[1][0] == '1';
		(void)kore_strlcpy(p->location, row[2], sizeof(p->location));
		(void)kore_strlcpy(p->note, row[3], sizeof(p->note));
	}
	dbk_db_clear(&r->db);
	day_page(req, p);

	return (HTTP_STATE_COMPLETE);
}

static int
day_write_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct worklog_page	*p = r->page;
	char			msg[96], date[DBK_DATE_STR_LEN];

	if (dbk_db_pending(&r->db))
		return (HTTP_STATE_RETRY);
	switch (dbk_page_write_done(req, &p->tries, &p->version,
	    "work log day")) {
	case -1:
		return (HTTP_STATE_RETRY);
	case 0:
		return (HTTP_STATE_COMPLETE);
	}

	dbk_date_format(&p->day, date);
	if (p->clear)
		(void)snprintf(msg, sizeof(msg), "%s cleared.", date);
	else
		(void)snprintf(msg, sizeof(msg), "%s saved: %s%s.", date,
		    dbk_day_kind_label(p->kind), p->half_day ?
		    " (half day)" : "");
	dbk_flash_set(req, 0, msg, NULL, 0);

	dbk_wlpage_write_end(req, p);
	req->fsm_state = FORM_INVALIDATE_WAIT;

	return (HTTP_STATE_CONTINUE);
}

/* ---------------------------------------------------------- the range */

int
page_worklog_range(struct http_request *req)
{
	(void)dbk_wlpage_state(req);

	return (http_state_run(range_states,
	    sizeof(range_states) / sizeof(range_states[0]), req));
}

/* The range form, with p's values and errors. */
static void
range_page(struct http_request *req, struct worklog_page *p)
{
	struct mustache_value	*root, *errors;

	root = dbk_wlpage_context(req, p, "Several days");
	dbk_view_set_bool(root, "wl_nav_range", 1);
	dbk_view_set_cstr(root, "from", p->from_text);
	dbk_view_set_cstr(root, "to", p->to_text);
	dbk_wlpage_kinds(root, p->kind);
	dbk_view_set_bool(root, "skip_weekends", p->skip_weekends);
	dbk_view_set_bool(root, "replace", p->replace);

	errors = dbk_view_object();
	if (p->error_from != NULL)
		dbk_view_set_cstr(errors, "from", p->error_from);
	if (p->error_to != NULL)
		dbk_view_set_cstr(errors, "to", p->error_to);
	if (p->error_kind != NULL)
		dbk_view_set_cstr(errors, "kind", p->error_kind);
	if (p->error_range != NULL)
		dbk_view_set_cstr(errors, "range", p->error_range);
	dbk_view_set(root, "errors", errors);

	(void)dbk_view_respond(req, p->status, "worklog_range", root, NULL);
}

/*
 * A date field into *d, its text kept in text (WL_INPUT_MAX bytes).
 * Returns 1, or 0 when it is missing or not a real date.
 */
static int
field_date(struct http_request *req, const char *name, char *text,
    struct dbk_date *d)
{
	if (!field_line(req, name, text, WL_INPUT_MAX, WL_INPUT_MAX - 1))
		return (0);

	return (dbk_date_parse(text, strlen(text), d) == 0);
}

/* The POSTed range into p (p->days).  Returns 1 when it may be saved. */
static int
range_validate(struct http_request *req, struct worklog_page *p)
{
	static const char	*bad = "Enter a real date as YYYY-MM-DD "
				    "(1970 to 2100).";
	int			n, ok;

	ok = field_date(req, "from", p->from_text, &p->day);
	if (!ok)
		p->error_from = bad;
	if (!field_date(req, "to", p->to_text, &p->to)) {
		p->error_to = bad;
		ok = 0;
	}
	if (!field_kind(req, p))
		ok = 0;
	p->skip_weekends = field_checked(req, "skip_weekends");
	p->replace = field_checked(req, "replace");
	if (!ok)
		return (0);

	p->days = kore_calloc(DBK_RANGE_MAX_DAYS, sizeof(*p->days));
	n = dbk_range_days(&p->day, &p->to, p->skip_weekends, p->days,
	    DBK_RANGE_MAX_DAYS);
	if (n < 0) {
		p->error_range = dbk_range_error_message(n);
		return (0);
	}
	if (n == 0) {
		p->error_range = "Those dates are all on a weekend: nothing "
		    "to save. Untick \"Skip weekends\" to save them.";
		return (0);
	}
	p->ndays = n;

	return (1);
}

/*
 * One transaction: lock, list the entries already in the range, insert a
 * row per day (replacing the existing ones only when asked), bump.
 * Statement DBK_WRITE_FIRST is the list, + 1 the insert.
 */
static void
range_write(struct dbk_request *r, struct worklog_page *p)
{
	struct kore_buf		sql;
	struct dbk_sql_param	*params;
	const char		*kind;
	char			(*dates)[DBK_DATE_STR_LEN];
	u_int64_t		uid = p->auth.user.id;
	size_t			n;
	int			i;

	kind = dbk_day_kind_name(p->kind);
	dates = kore_calloc((size_t)p->ndays + 2, sizeof(*dates));
	params = kore_calloc((size_t)p->ndays * 3 + 6, sizeof(*params));
	kore_buf_init(&sql, 512 + (size_t)p->ndays * 16);

	n = 0;
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	dbk_date_format(&p->day, dates[0]);
	dbk_date_format(&p->to, dates[1]);
	kore_buf_appendf(&sql, "%sSELECT DATE_FORMAT(day, '%%Y-%%m-%%d') "
	    "FROM worklog_entries WHERE user_id = ? AND day BETWEEN ? AND ? "
	    "ORDER BY day;INSERT INTO worklog_entries (user_id, day, kind) "
	    "VALUES ", DBK_WRITE_BEGIN);
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(dates[0], 10);
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(dates[1], 10);
	for (i = 0; i < p->ndays; i++) {
		dbk_date_format(&p->days[i], dates[i + 2]);
		kore_buf_appendf(&sql, "%s(?, ?, ?)", i ? ", " : "");
		params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
		params[n++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(
		    dates[i + 2], 10);
		params[n++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(kind,
		    strlen(kind));
	}
	if (p->replace)
		kore_buf_appendf(&sql, " ON DUPLICATE KEY UPDATE kind = "
		    "VALUES(kind), half_day = 0, location = '', note = '';");
	else
		kore_buf_appendf(&sql, " ON DUPLICATE KEY UPDATE "
		    "user_id = user_id;");
	kore_buf_appendf(&sql, "UPDATE users SET worklog_version = "
	    "worklog_version + 1 WHERE id = ?;"
	    "SELECT worklog_version FROM users WHERE id = ?;COMMIT");
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	kore_buf_append(&sql, "", 1);

	(void)dbk_db_query(&r->db, (const char *)sql.data, params, n);
	kore_buf_cleanup(&sql);
	kore_free(params);
	kore_free(dates);
}

static int
range_start(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct worklog_page	*p = r->page;

	if (!dbk_page_is_post(req)) {
		p->skip_weekends = 1;
		http_populate_qs(req);
		if (!field_date(req, "from", p->from_text, &p->day))
			p->from_text[0] = '\0';
		range_page(req, p);
		return (HTTP_STATE_COMPLETE);
	}

	http_populate_post(req);
	if (!dbk_page_csrf_gate(req, &p->auth))
		return (HTTP_STATE_COMPLETE);
	if (!range_validate(req, p)) {
		p->status = 422;
		range_page(req, p);
		return (HTTP_STATE_COMPLETE);
	}

	redirect_to_month(p, &p->day);
	range_write(r, p);
	req->fsm_state = FORM_WRITE_WAIT;

	return (HTTP_STATE_CONTINUE);
}

/*
 * Which days of the range had an entry: statement DBK_WRITE_FIRST lists
 * every entry from the first to the last day (the range may skip
 * weekends).  Sets kept[i] for p->days[i]; returns how many.
 */
static size_t
range_kept(struct dbk_request *r, struct worklog_page *p, u_int8_t *kept)
{
	MYSQL_ROW		row;
	struct dbk_date		d;
	size_t			n;
	int			i;

	n = 0;
	i = 0;
	while ((row = dbk_db_row(&r->db, DBK_WRITE_FIRST, NULL)) != NULL) {
		if (dbk_date_parse(row[0], strlen(row[0]), &d) == -1)
			continue;
		while (i < p->ndays && dbk_date_cmp(&p->days[i], &d) < 0)
			i++;
		if (i < p->ndays && dbk_date_cmp(&p->days[i], &d) == 0) {
			kept[i] = 1;
			n++;
		}
	}

	return (n);
}

/*
 * The kept days as lines for the flash: runs of days next to each other
 * in the range as "FIRST to LAST", at most KEPT_LINES of them (the flash
 * is a cookie), then "and N more days".  Strings are kore_malloc'd into
 * lines (KEPT_LINES + 1 room); returns how many.
 */
static size_t
kept_lines(struct worklog_page *p, const u_int8_t *kept, char **lines)
{
	char	first[DBK_DATE_STR_LEN], last[DBK_DATE_STR_LEN], buf[48];
	size_t	n, more;
	int	i, j;

	n = 0;
	more = 0;
	for (i = 0; i < p->ndays; i = j) {
		if (!kept[i]) {
			j = i + 1;
			continue;
		}
		for (j = i; j < p->ndays && kept[j]; j++)
			;
		if (n == KEPT_LINES) {
			more += (size_t)(j - i);
			continue;
		}
		dbk_date_format(&p->days[i], first);
		dbk_date_format(&p->days[j - 1], last);
		if (j - i == 1)
			(void)snprintf(buf, sizeof(buf), "%s", first);
		else
			(void)snprintf(buf, sizeof(buf), "%s to %s", first, last);
		lines[n++] = kore_strdup(buf);
	}
	if (more > 0) {
		(void)snprintf(buf, sizeof(buf), "and %zu more day%s", more,
		    more == 1 ? "" : "s");
		lines[n++] = kore_strdup(buf);
	}

	return (n);
}

static int
range_write_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct worklog_page	*p = r->page;
	char			*lines[KEPT_LINES + 1], msg[160];
	u_int8_t		*kept;
	size_t			i, nkept, nlines, saved;

	if (dbk_db_pending(&r->db))
		return (HTTP_STATE_RETRY);
	switch (dbk_page_write_done(req, &p->tries, &p->version,
	    "work log range")) {
	case -1:
		return (HTTP_STATE_RETRY);
	case 0:
		return (HTTP_STATE_COMPLETE);
	}

	kept = kore_calloc((size_t)p->ndays, sizeof(*kept));
	nkept = range_kept(r, p, kept);
	nlines = 0;
	if (p->replace) {
		(void)snprintf(msg, sizeof(msg), "%d day%s saved as %s "
		    "(%zu replaced).", p->ndays, p->ndays == 1 ? "" : "s",
		    dbk_day_kind_label(p->kind), nkept);
		dbk_flash_set(req, 0, msg, NULL, 0);
	} else {
		saved = (size_t)p->ndays - nkept;
		(void)snprintf(msg, sizeof(msg), "%zu day%s saved as %s.",
		    saved, saved == 1 ? "" : "s", dbk_day_kind_label(p->kind));
		if (nkept > 0) {
			(void)snprintf(msg + strlen(msg),
			    sizeof(msg) - strlen(msg), " %zu day%s already "
			    "had an entry and %s kept (tick \"Replace "
			    "existing\" to change them):", nkept,
			    nkept == 1 ? "" : "s", nkept == 1 ? "was" : "were");
		}
		nlines = kept_lines(p, kept, lines);
		dbk_flash_set(req, 0, msg, (const char *const *)lines, nlines);
	}
	for (i = 0; i < nlines; i++)
		kore_free(lines[i]);
	kore_free(kept);

	dbk_wlpage_write_end(req, p);
	req->fsm_state = FORM_INVALIDATE_WAIT;

	return (HTTP_STATE_CONTINUE);
}
