/*
 * Shared by the work log's summary, allowances and data pages: the
 * request's start, the year parameter, the page context with the
 * sub-navigation and the write path's end (see wldata.h).
 */

#include <string.h>

#include "runtime/page.h"
#include "core/validate.h"
#include "wldata.h"
#include "worklogcache.h"
#include "mustache/mustache.h"

/*
 * Runs the page's state machine; on the first call the request's state is
 * made with page_size zeroed bytes of page state (starting with a struct
 * dbk_wldata) and onfree (NULL: dbk_wldata_onfree) frees it.
 */
int
dbk_wldata_run(struct http_request *req, size_t page_size,
    struct http_state *states, u_int8_t nstates,
    void (*onfree)(struct http_request *))
{
	if (!http_state_exists(req)) {
		(void)dbk_request_get(req, page_size);
		req->onfree = onfree != NULL ? onfree : dbk_wldata_onfree;
	}

	return (http_state_run(states, nstates, req));
}

/* Frees the request's queries and commands (its onfree, or part of it). */
void
dbk_wldata_onfree(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);

	if (r == NULL)
		return;
	dbk_db_cleanup(&r->db);
	dbk_cache_cleanup(&r->cache);
}

/* This year in zone tz (as dbk_page_today() has it: NULL means UTC). */
int
dbk_wldata_this_year(const char *tz)
{
	char	today[11];

	dbk_page_today(tz, today);
	return ((int)strtol(today, NULL, 10));
}

/*
 * The "year" argument (query string or form, whichever the caller
 * populated).  Returns 1 with *year set when it is four digits in
 * DBK_YEAR_MIN..DBK_YEAR_MAX; 0 with *year this year (in zone tz) when it
 * is absent or empty (and allow_empty); -1 (*year this year) when it is
 * anything else.
 */
int
dbk_wldata_year(struct http_request *req, int allow_empty, const char *tz,
    int *year)
{
	const char	*s;
	size_t		len, i;
	int		y;

	*year = dbk_wldata_this_year(tz);
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
dbk_wldata_context(struct http_request *req, struct dbk_wldata *p,
    const char *title, const char *nav)
{
	struct mustache_value	*root;

	root = dbk_page_context(req, &p->auth, title);
	dbk_view_set_bool(root, "nav_worklog", 1);
	if (nav != NULL)
		dbk_view_set_bool(root, nav, 1);

	return (root);
}

/*
 * The state after a page sent its write: once it committed, the page's
 * committed() sets the flash and location, and the month cache is told
 * the new version; the request sleeps in p->invalidate_state until Redis
 * answered.
 */
int
dbk_wldata_write_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct dbk_wldata	*p = r->page;

	if (dbk_db_pending(&r->db))
		return (HTTP_STATE_RETRY);
	switch (dbk_page_write_done(req, &p->tries, &p->version,
	    "work log write")) {
	case -1:
		return (HTTP_STATE_RETRY);
	case 0:
		return (HTTP_STATE_COMPLETE);
	}

	p->committed(req);
	dbk_db_clear(&r->db);
	dbk_worklog_invalidate(&r->cache, p->auth.user.id, p->version);
	req->fsm_state = p->invalidate_state;

	return (HTTP_STATE_CONTINUE);
}

/* Waits for the invalidation, then 303 to p->location. */
int
dbk_wldata_invalidate_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct dbk_wldata	*p = r->page;

	if (dbk_cache_pending(&r->cache))
		return (HTTP_STATE_RETRY);
	dbk_worklog_invalidated(&r->cache);
	dbk_redirect(req, p->location);

	return (HTTP_STATE_COMPLETE);
}
