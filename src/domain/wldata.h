/*
 * What the work log's summary, allowances and data pages share (wldata.c):
 * the request's start, the year parameter, the page context with the
 * sub-navigation, and the write path: one transaction that locks the
 * person's row, changes worklog_entries or worklog_allowances and bumps
 * users.worklog_version, then the month cache invalidated for that version
 * (worklogcache.h) before the 303.
 */

#ifndef DBK_WLDATA_H
#define DBK_WLDATA_H

#include "runtime/daybook.h"
#include "runtime/page.h"
#include "runtime/session.h"

/*
 * Every work log write is DBK_WRITE_BEGIN (page.h: the person's users row
 * locked; one parameter, the user id), its statements from
 * DBK_WRITE_FIRST on, then DBK_WL_WRITE_END (the version bumped and read
 * back, COMMIT: two parameters, the user id twice).
 */
#define DBK_WL_WRITE_END	"UPDATE users SET worklog_version = " \
				"worklog_version + 1 WHERE id = ?;" \
				"SELECT worklog_version FROM users " \
				"WHERE id = ?;COMMIT"

/* Largest import file, in bytes (under http_body_max in conf/). */
#define DBK_WL_IMPORT_MAX	1000000

/*
 * The first member of every one of these pages' state (so that the shared
 * states below find it at the request's ->page).
 */
struct dbk_wldata {
	struct dbk_auth		auth;
	int			tries;		/* write attempts */
	u_int64_t		version;	/* made by the write */
	char			location[64];	/* 303 target after a write */

	/*
	 * Called once the write committed (results still in the request's
	 * db handle): sets the flash and location.
	 */
	void			(*committed)(struct http_request *);
	u_int8_t		invalidate_state;	/* its index */
};

int	dbk_wldata_run(struct http_request *, size_t, struct http_state *,
	    u_int8_t, void (*)(struct http_request *));
void	dbk_wldata_onfree(struct http_request *);
int	dbk_wldata_year(struct http_request *, int, const char *, int *);
int	dbk_wldata_this_year(const char *);
struct mustache_value	*dbk_wldata_context(struct http_request *,
			    struct dbk_wldata *, const char *, const char *);
int	dbk_wldata_write_wait(struct http_request *);
int	dbk_wldata_invalidate_wait(struct http_request *);

#endif
