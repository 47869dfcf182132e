/*
 * A person's work log months as the /worklog page needs them, cached in
 * Redis; see worklogcache.c for the rules that keep it never stale.
 *
 * Writers (every change to worklog_entries, worklog_allowances or
 * users.time_zone) bump users.worklog_version in the same transaction, read
 * the new version back and, after the commit, call
 * dbk_worklog_invalidate(), wait until the cache handle is no longer
 * pending, then call dbk_worklog_invalidated().
 */

#ifndef DBK_WORKLOGCACHE_H
#define DBK_WORKLOGCACHE_H

#include "runtime/daybook.h"
#include "core/worklog.h"

/*
 * One month from the cache or from MariaDB.  payload: one line per entry
 * of the month, by day: "DD\tKIND\tHALF\tNOTE\tLOCATION\n" (DD the day of
 * the month, KIND the kind's name, HALF and NOTE "0" or "1": half day, has
 * a note; LOCATION without tabs or line breaks).
 */
struct dbk_worklog_month {
	u_int64_t	version;
	char		tz[DBK_ZONE_NAME_MAX + 1];
	const char	*payload;
};

/* Queue and send the invalidation of uid's cached work log for a committed
 * version; the request sleeps until the reply (wait like page_tasks.c waits
 * after dbk_tasklist_invalidate), then call dbk_worklog_invalidated(). */
void	dbk_worklog_invalidate(struct dbk_cache *, u_int64_t uid,
	    u_int64_t version);
/* After that reply: a failed invalidation voids the whole cache generation
 * (dbk_cache_gen_lost()), as dbk_tasklist_invalidated() does. */
void	dbk_worklog_invalidated(struct dbk_cache *);

void	dbk_worklog_key(u_int64_t, char *, size_t);
int	dbk_worklog_queue_get(struct dbk_cache *, u_int64_t, int, int);
int	dbk_worklog_from_cache(struct dbk_cache *, int, const char *,
	    struct dbk_worklog_month *);
int	dbk_worklog_queue_head(struct dbk_cache *, u_int64_t);
int	dbk_worklog_head_version(struct dbk_cache *, int, const char *,
	    u_int64_t *);
void	dbk_worklog_query(struct dbk_db *, u_int64_t, int, int);
int	dbk_worklog_from_db(struct dbk_db *, struct kore_buf *,
	    struct dbk_worklog_month *);
void	dbk_worklog_fill(u_int64_t, const char *, int, int,
	    const struct dbk_worklog_month *, size_t);

#endif
