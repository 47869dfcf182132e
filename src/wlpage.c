/*
 * Shared by the work log's summary, allowances and data pages: session and
 * CSRF gates, the year parameter, the page context with the sub-navigation
 * and the write path's end (see wlpage.h).
 */

#include <string.h>
#include <time.h>

#include "page.h"
#include "validate.h"
#include "wlpage.h"
#include "worklogcache.h"
#include "mustache/mustache.h"

#define WRITE_TRIES	3

/*
 * The session: returns HTTP_STATE_CONTINUE when the person is known, or
 * answers (login redirect, 503) and returns HTTP_STATE_COMPLETE, or
 * HTTP_STATE_RETRY while it waits.
 */
int
dbk_wlpage_auth(struct http_request *req, struct dbk_wlpage *p)
{
	switch (dbk_auth_step(req, &p->auth)) {
	case DBK_AUTH_PENDING:
		return (HTTP_STATE_RETRY);
	case DBK_AUTH_OK:
		return (HTTP_STATE_CONTINUE);
	case DBK_AUTH_UNAVAILABLE:
		dbk_respond_error(req, HTTP_STATUS_SERVICE_UNAVAILABLE);
		return (HTTP_STATE_COMPLETE);
	case DBK_AUTH_NONE:
	default:
		if (p->auth.has_cookie)
			dbk_session_clear_cookie(req);
		if (dbk_page_is_post(req))
			dbk_redirect(req, "/login");
		else
			dbk_page_login_redirect(req);
		return (HTTP_STATE_COMPLETE);
	}
}

/*
 * A POST must carry this session's token (the form fields are populated):
 * returns 1, or 0 after a 403.
 */
int
dbk_wlpage_csrf(struct http_request *req, struct dbk_wlpage *p)
{
	const char	*csrf;
	size_t		len;

	if (!dbk_form_get(req, "csrf", &csrf, &len) ||
	    !dbk_auth_csrf_ok(&p->auth, csrf)) {
		dbk_respond_error(req, HTTP_STATUS_FORBIDDEN);
		return (0);
	}

	return (1);
}

/* This year in UTC. */
int
dbk_wlpage_this_year(void)
{
	struct tm	tm;
	time_t		now;

	now = time(NULL);
	(void)gmtime_r(&now, &tm);

	return (tm.tm_year + 1900);
}

/*
 * The "year" argument (query string or form, whichever the caller
 * populated).  Returns 1 with *year set when it is four digits in
 * DBK_YEAR_MIN..DBK_YEAR_MAX; 0 with *year this year when it is absent or
 * empty (and allow_empty); -1 (*year this year) when it is anything else.
 */
int
dbk_wlpage_year(struct http_request *req, int allow_empty, int *year)
{
	const char	*s;
	size_t		len, i;
	int		y;

	*year = dbk_wlpage_this_year();
	if (!dbk_form_get(req, "year", &s, &len))
		s = "", len = 0;
	dbk_trim(&s, &len);
	if (len == 0)
		return (allow_empty ? 0 : -1);
	if (len != 4)
		return (-1);
	for (i = 0, y = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		y = y * 10 + (s[i] - '0');
	}
	if (y < DBK_YEAR_MIN || y > DBK_YEAR_MAX)
		return (-1);
	*year = y;

	return (1);
}

/*
 * The page context (dbk_page_context) with the work log section marked
 * and nav (e.g. "wl_nav_summary") set for the sub-navigation.
 */
struct mustache_value *
dbk_wlpage_context(struct http_request *req, struct dbk_wlpage *p,
    const char *title, const char *nav)
{
	struct mustache_value	*root;

	root = dbk_page_context(req, &p->auth, title);
	dbk_view_set_bool(root, "nav_worklog", 1);
	if (nav != NULL)
		dbk_view_set_bool(root, nav, 1);
	dbk_view_set_int(root, "year_min", DBK_YEAR_MIN);
	dbk_view_set_int(root, "year_max", DBK_YEAR_MAX);

	return (root);
}

/*
 * A write transaction (DBK_WL_WRITE_BEGIN ... DBK_WL_WRITE_END) ended.
 * Returns 1 when it committed (p->version is the version it made), 0 when
 * an answer was sent (503), -1 when it was sent again after a transient
 * failure (a deadlock): wait once more.
 */
int
dbk_wlpage_write_done(struct http_request *req, struct dbk_wlpage *p)
{
	struct dbk_request	*r = http_state_get(req);
	MYSQL_ROW		row;

	if (r->db.state != DBK_DB_DONE && dbk_db_transient(&r->db) &&
	    ++p->tries < WRITE_TRIES) {
		(void)dbk_db_retry(&r->db);
		return (-1);
	}
	if (r->db.state != DBK_DB_DONE ||
	    r->db.nresults < DBK_WL_WRITE_FIRST + 2) {
		dbk_db_logerror(&r->db, "work log write");
		dbk_respond_error(req, HTTP_STATUS_SERVICE_UNAVAILABLE);
		return (0);
	}

	/* ..., [n-2] the version, [n-1] COMMIT */
	p->version = 0;
	if ((row = dbk_db_row(&r->db, r->db.nresults - 2, NULL)) != NULL)
		p->version = strtoull(row[0], NULL, 10);

	return (1);
}

/*
 * After a committed write: tell the month cache the new version (the
 * request sleeps until Redis answered; then dbk_wlpage_invalidate_wait).
 */
void
dbk_wlpage_invalidate(struct http_request *req, struct dbk_wlpage *p)
{
	struct dbk_request	*r = http_state_get(req);

	dbk_db_clear(&r->db);
	dbk_worklog_invalidate(&r->cache, p->auth.user.id, p->version);
}

/* Waits for the invalidation, then 303 to p->location. */
int
dbk_wlpage_invalidate_wait(struct http_request *req, struct dbk_wlpage *p)
{
	struct dbk_request	*r = http_state_get(req);

	if (dbk_cache_pending(&r->cache))
		return (HTTP_STATE_RETRY);
	dbk_worklog_invalidated(&r->cache);
	dbk_redirect(req, p->location);

	return (HTTP_STATE_COMPLETE);
}
