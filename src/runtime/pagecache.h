/*
 * Rendered task pages (and work log month pages), kept per worker.
 *
 * A page is reused only when everything its bytes depend on is the same:
 * the person and session (names, admin flag, CSRF token), the version of
 * the list that Redis says is current, the filter and the date (overdue
 * marks).  Pages with a flash message or a form error are never kept.
 */

#ifndef DBK_PAGECACHE_H
#define DBK_PAGECACHE_H

#include "daybook.h"
#include "session.h"

/*
 * The filter of a work log month page: DBK_PAGEKEY_WORKLOG + year * 12 +
 * month - 1 (the task pages use 0-2).
 */
#define DBK_PAGEKEY_WORKLOG	0x100000

struct dbk_pagekey {
	u_int64_t	uid;
	u_int64_t	version;
	int		filter;
	int		is_admin;
	char		today[11];
	u_int8_t	session[32];
	char		names[DBK_EMAIL_MAX + DBK_NAME_MAX + 2];
};

void	dbk_pagekey_init(struct dbk_pagekey *, struct dbk_auth *, u_int64_t,
	    int, const char *);
const char	*dbk_pagecache_get(const struct dbk_pagekey *, size_t *);
void	dbk_pagecache_put(const struct dbk_pagekey *, const char *, size_t);
void	dbk_pagecache_worker_teardown(void);

#endif
