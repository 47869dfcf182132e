/*
 * Sessions, CSRF tokens, flash messages and the cache generation.
 *
 * The session cookie is "UID.TOKEN" (TOKEN: 32 random bytes in hex).  Only
 * SHA-256(TOKEN) is stored: in MariaDB (the source of truth) and in Redis
 * (a copy with the idle lifetime as TTL).  Carrying the user id in the
 * cookie lets a page ask Redis for the session and the user's cached data
 * in one pipelined round trip; the id is trusted only once the session
 * matched it.
 */

#ifndef DBK_SESSION_H
#define DBK_SESSION_H

#include "daybook.h"

#define DBK_TOKEN_LEN		32
#define DBK_TOKEN_HEX		(DBK_TOKEN_LEN * 2)
#define DBK_EMAIL_MAX		254
#define DBK_NAME_MAX		(100 * 4)
#define DBK_GEN_MAX		32
#define DBK_TZ_MAX		64	/* = DBK_ZONE_NAME_MAX (worklog.h) */

/*
 * The person behind a session, as MariaDB and the session's Redis copy
 * know them.  time_zone (users.time_zone, an IANA name) decides "today"
 * on the pages (dbk_page_today()).
 */
struct dbk_user {
	u_int64_t	id;
	int		is_admin;
	char		email[DBK_EMAIL_MAX + 1];
	char		display_name[DBK_NAME_MAX + 1];
	char		time_zone[DBK_TZ_MAX + 1];
};

enum dbk_auth_state {
	DBK_AUTH_STATE_START,
	DBK_AUTH_STATE_CACHE,
	DBK_AUTH_STATE_DB,
	DBK_AUTH_STATE_DONE
};

enum dbk_auth_result {
	DBK_AUTH_PENDING,	/* the request sleeps; call again */
	DBK_AUTH_OK,		/* auth->user is the person */
	DBK_AUTH_NONE,		/* no valid session */
	DBK_AUTH_UNAVAILABLE	/* MariaDB could not tell */
};

/*
 * Everything a handler needs to know who is asking.  Embed it in the page
 * state; drive it with dbk_auth_step() until it is not PENDING.
 */
struct dbk_auth {
	enum dbk_auth_state	state;
	enum dbk_auth_result	result;
	int			has_cookie;
	u_int64_t		cookie_uid;
	u_int8_t		token_hash[32];
	char			key[48];	/* Redis key of the session */
	char			gen[DBK_GEN_MAX + 1];	/* "" when unknown */
	int			gen_idx;
	int			session_idx;
	struct dbk_user		user;
	char			csrf[DBK_TOKEN_HEX + 1];

	/* Called after the session commands are queued: add your own. */
	void			(*queue_extra)(struct http_request *);
};

enum dbk_auth_result	dbk_auth_step(struct http_request *,
			    struct dbk_auth *);
int	dbk_auth_parse_cookie(struct http_request *, struct dbk_auth *);
int	dbk_auth_csrf_ok(struct dbk_auth *, const char *);

/* Sessions. */
void	dbk_session_new(struct dbk_auth *, char *);
void	dbk_session_set_cookie(struct http_request *, u_int64_t, const char *);
void	dbk_session_clear_cookie(struct http_request *);
void	dbk_session_revoke(struct dbk_cache *, struct dbk_auth *);
void	dbk_session_revoke_fire(struct dbk_auth *);
void	dbk_session_cache_fill(struct dbk_auth *, u_int64_t);
void	dbk_session_hash_hex(const u_int8_t *, char *);
void	dbk_session_key(const u_int8_t *, char *, size_t);

/*
 * Ending or refreshing every session of one person (password change or
 * reset, "log out everywhere", a disabled or deleted account, a new name or
 * email).  MariaDB first, in the caller's transaction with the person's
 * users row locked:
 *
 *   DBK_SESSION_END_SQL      lists, then deletes, every session of the
 *                            person except one (params from
 *                            dbk_session_end_params(): 4 of them);
 *   DBK_SESSION_LIST_SQL     lists every session with its expiry (param:
 *                            the user id), to refresh their Redis copies.
 *
 * After the commit, dbk_session_end_listed() (tombstones) or
 * dbk_session_refresh_listed() (fresh copies: name, email, admin flag, time
 * zone) take
 * the result set of that SELECT, queue one script on cache and send it; the
 * caller waits (dbk_cache_pending()) and then calls dbk_session_sync_done(),
 * which voids the whole cache generation if Redis did not confirm.  They
 * return 1 when a command was sent, 0 when the result listed no session
 * (nothing to wait for).
 */
#define DBK_SESSION_END_SQL \
	"SELECT token_hash FROM sessions WHERE user_id = ? " \
	"AND token_hash <> ? FOR UPDATE; " \
	"DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?;"
#define DBK_SESSION_END_NPARAMS		4
#define DBK_SESSION_LIST_SQL \
	"SELECT token_hash, UNIX_TIMESTAMP(expires_at) FROM sessions " \
	"WHERE user_id = ? AND expires_at > NOW(6);"

void	dbk_session_end_params(struct dbk_sql_param *, u_int64_t,
	    const u_int8_t *);
int	dbk_session_end_listed(struct dbk_cache *, struct dbk_db *, size_t);
int	dbk_session_refresh_listed(struct dbk_cache *, struct dbk_db *, size_t,
	    const struct dbk_user *);
void	dbk_session_sync_done(struct dbk_cache *);

/* Pre-session CSRF (login and sign-up forms). */
void	dbk_precsrf_token(struct http_request *, char *);
int	dbk_precsrf_ok(struct http_request *, const char *);

/*
 * Flash messages: a signed cookie set with the redirect, shown and cleared
 * by the next page.  details (may be NULL) are extra lines, e.g. the task
 * titles that were skipped; they are cut to fit a cookie.
 */
void	dbk_flash_set(struct http_request *, int, const char *,
	    const char *const *, size_t);
int	dbk_flash_take(struct http_request *, struct mustache_value *);
int	dbk_flash_pending(struct http_request *);

/* The cache generation (see cache_gen_* in session.c). */
void	dbk_cache_gen_queue(struct dbk_cache *, int *);
void	dbk_cache_gen_read(struct dbk_cache *, int, char *);
void	dbk_cache_gen_lost(void);
void	dbk_cache_gen_worker_init(void);
void	dbk_cache_invalidate(struct dbk_cache *, const char *, const char *,
	    u_int64_t, const char *);
void	dbk_cache_invalidated(struct dbk_cache *);

/* Cookie values and forms. */
int	dbk_form_get(struct http_request *, const char *, const char **,
	    size_t *);
void	dbk_cookie_set(struct http_request *, const char *, const char *,
	    int);

#endif
