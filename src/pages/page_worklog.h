/*
 * The work log pages (issue 5), shared by page_worklog.c (the month
 * calendar) and page_worklog_day.c (the day form and range entry).
 */

#ifndef DBK_PAGE_WORKLOG_H
#define DBK_PAGE_WORKLOG_H

#include "runtime/page.h"
#include "core/worklog.h"
#include "domain/worklogcache.h"

/* The longest location and note in bytes (4 per character), and a NUL. */
#define WL_LOCATION_BYTES	(DBK_WORKLOG_LOCATION_MAX * 4 + 1)
#define WL_NOTE_BYTES		(DBK_WORKLOG_NOTE_MAX * 4 + 1)
/* A date as typed into a form, kept to show it again. */
#define WL_INPUT_MAX		32
/* "Wednesday 30 September 2026" and a NUL. */
#define WL_LONG_DATE_MAX	40

struct worklog_page {
	struct dbk_auth			auth;
	int				status;	/* of the page shown */

	/* The month calendar. */
	int				year;
	int				month;
	int				month_given;	/* ?month= was valid */
	const char			*month_error;
	int				cache_idx;
	int				reloads;
	struct dbk_worklog_month	m;
	struct kore_buf			*loaded;

	/* The day form and the range. */
	struct dbk_date			day;		/* or the range's first */
	struct dbk_date			to;
	char				from_text[WL_INPUT_MAX];
	char				to_text[WL_INPUT_MAX];
	int				kind;		/* -1: none chosen */
	int				half_day;
	int				skip_weekends;
	int				replace;
	int				clear;
	char				location[WL_LOCATION_BYTES];
	char				note[WL_NOTE_BYTES];
	const char			*error_kind;
	const char			*error_location;
	const char			*error_note;
	const char			*error_from;
	const char			*error_to;
	const char			*error_range;
	struct dbk_date			*days;		/* kore_malloc'd */
	int				ndays;

	/* The write. */
	u_int64_t			version;
	int				tries;
	char				redirect[32];
};

/* Every page's state table: [0] dbk_wlpage_auth, then this state. */
#define DBK_WLPAGE_AFTER_AUTH	1

struct worklog_page	*dbk_wlpage_state(struct http_request *);
int	dbk_wlpage_auth(struct http_request *);
int	dbk_wlpage_invalidate_wait(struct http_request *);
void	dbk_wlpage_write_end(struct http_request *, struct worklog_page *);
const char	*dbk_wlpage_month_name(int);
void	dbk_wlpage_long_date(const struct dbk_date *, char *);
struct mustache_value	*dbk_wlpage_context(struct http_request *,
			    struct worklog_page *, const char *);
void	dbk_wlpage_kinds(struct mustache_value *, int);

#endif
