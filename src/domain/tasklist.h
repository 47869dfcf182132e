/* The task list cache and its view; see tasklist.c. */

#ifndef DBK_TASKLIST_H
#define DBK_TASKLIST_H

#include "runtime/daybook.h"

struct dbk_tasklist_view {
	struct mustache_value	*open;
	struct mustache_value	*done;
	int64_t			count_open;
	int64_t			count_done;
};

void		dbk_tasklist_key(u_int64_t, char *, size_t);
int		dbk_tasklist_queue_get(struct dbk_cache *, u_int64_t);
const char	*dbk_tasklist_from_cache(struct dbk_cache *, int, const char *,
		    u_int64_t *);
void		dbk_tasklist_query(struct dbk_db *, u_int64_t);
u_int64_t	dbk_tasklist_from_db(struct dbk_db *, struct kore_buf *);
void		dbk_tasklist_fill(u_int64_t, const char *, u_int64_t,
		    const void *, size_t);
void		dbk_tasklist_invalidate(struct dbk_cache *, u_int64_t,
		    u_int64_t);
void		dbk_tasklist_invalidated(struct dbk_cache *);
void		dbk_tasklist_view(const char *, const char *,
		    struct dbk_tasklist_view *);

#endif
