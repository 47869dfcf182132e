/*
 * What the page handlers share: the page context (user, CSRF token, flash),
 * the redirect to the login page, form validators, login limiting.
 */

#ifndef DBK_PAGE_H
#define DBK_PAGE_H

#include "daybook.h"
#include "session.h"

/*
 * Every write transaction starts here: READ COMMITTED (no gap locks, so
 * two people's inserts cannot deadlock each other) and the person's row
 * locked, which orders one person's writes.  Statement [0] is the SET,
 * [1] START, [2] the lock; the one parameter is the person's id.  End it
 * with the version bump, "SELECT <version> ...;COMMIT" and check it with
 * dbk_page_write_done().
 */
#define DBK_WRITE_BEGIN	"SET TRANSACTION ISOLATION LEVEL READ COMMITTED;" \
			"START TRANSACTION;" \
			"SELECT id FROM users WHERE id = ? FOR UPDATE;"
#define DBK_WRITE_FIRST	3	/* index of the first statement after them */
#define DBK_WRITE_TRIES	3	/* a deadlocked transaction is sent again */

struct mustache_value	*dbk_page_context(struct http_request *,
			    struct dbk_auth *, const char *);
void	dbk_page_login_redirect(struct http_request *);
int	dbk_page_is_post(struct http_request *);
int	dbk_page_db_wait(struct http_request *, const char *);
int	dbk_page_auth_gate(struct http_request *, struct dbk_auth *);
int	dbk_page_csrf_gate(struct http_request *, struct dbk_auth *);
int	dbk_page_write_done(struct http_request *, int *, u_int64_t *,
	    const char *);
void	dbk_page_today(const char *, char *);
void	dbk_urlencode(struct kore_buf *, const char *);
int	dbk_form_multiline(struct http_request *, const char *, char **,
	    size_t *);
const char	*dbk_form_display_name(struct http_request *, const char *,
		    char *, size_t);
const char	*dbk_form_email(struct http_request *, const char *, char *,
		    size_t);
int	dbk_form_new_password(struct http_request *, const char *,
	    const char *, const char **, size_t *, const char **,
	    const char **);

void	dbk_auth_prepare(void);
int	page_not_found(struct http_request *);

/* Kore validators for conf/routes.conf. */
int	v_text(struct http_request *, char *);
int	v_token(struct http_request *, char *);

/* Login limiting: Redis counters, this worker's memory when Redis is down. */
#define DBK_LIMIT_WINDOW	900

void	dbk_limit_queue(struct dbk_cache *, const char *, const char *,
	    int *);
int	dbk_limit_check(struct dbk_cache *, const char *, const char *,
	    int, int *);
void	dbk_limit_fail(struct dbk_cache *, const char *, const char *);
void	dbk_limit_clear(struct dbk_cache *, const char *);
void	dbk_client_ip(struct http_request *, char *, size_t);

#endif
