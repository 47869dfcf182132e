/*
 * Password hashing off the event loop.  argon2id takes milliseconds of CPU
 * and 19 MiB of memory by design, so it runs on one of Kore's task threads
 * while the request sleeps; the worker keeps serving everyone else.
 */

#ifndef DBK_PWTASK_H
#define DBK_PWTASK_H

#include <kore/tasks.h>

#include "core/password.h"

enum dbk_pwtask_op {
	DBK_PWTASK_HASH,
	DBK_PWTASK_VERIFY
};

/* Embed in the page state; zeroed memory is a valid idle task. */
struct dbk_pwtask {
	struct kore_task	task;
	int			started;
	int			finished;
	int			ok;	/* verify: matched; hash: hashed */
	char			hash[DBK_PASSWORD_HASH_MAX];
};

void	dbk_pwtask_start(struct http_request *, struct dbk_pwtask *,
	    enum dbk_pwtask_op, const char *, size_t, const char *);
int	dbk_pwtask_pending(struct http_request *, struct dbk_pwtask *);
void	dbk_pwtask_cleanup(struct dbk_pwtask *);

#endif
