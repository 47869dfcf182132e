/*
 * daybook: the internal header of the Kore module.
 *
 * The runtime layer (src/runtime/, docs/architecture.md), one file each:
 *   init.c       parent and worker set-up, seccomp filter
 *   db.c         MariaDB pool driven by the worker's event loop
 *   cache.c      Redis through hiredis' async API on the worker's event loop
 *   request.c    per-request state, responses, security headers, access log
 *   assets.c     static files from assets/, served from memory
 *   view.c       template set and rendering (src/mustache)
 *   session.c    sessions: cookie, MariaDB rows, Redis copies (session.h)
 *   pagecache.c  rendered pages kept per worker (pagecache.h)
 *   mail.c       outgoing mail on a Kore task thread (mail.h)
 *   pwtask.c     argon2id on a Kore task thread (pwtask.h)
 *   page.c       helpers of every handler: gates, forms, limits (page.h)
 * Below it src/core/ (no Kore: core/sql.h formats SQL, core/config.h reads
 * the configuration, ...); above it src/domain/ and src/pages/.
 */

#ifndef DBK_DAYBOOK_H
#define DBK_DAYBOOK_H

#include <sys/types.h>
#include <sys/queue.h>

#include <kore/kore.h>
#include <kore/http.h>

#include <mysql.h>

#include "core/config.h"
#include "core/sql.h"

/* Our types of struct kore_event, next to Kore's KORE_TYPE_*. */
#define DBK_EVENT_DB		100
#define DBK_EVENT_REDIS		101

/* The configuration, loaded once in the parent and inherited by workers. */
extern struct dbk_config	dbk_cfg;

/* Microseconds from a monotonic clock. */
u_int64_t	dbk_now_us(void);

/*
 * MariaDB.
 *
 * A request owns a struct dbk_db (inside its struct dbk_request).  Each
 * dbk_db_query() is one round trip on a pooled connection: the SQL may hold
 * several statements (a whole transaction); their results are stored in the
 * handle and the connection goes back to the pool at once.  While the query
 * runs the request sleeps; it is woken when the handle reaches DBK_DB_DONE or
 * DBK_DB_ERROR.
 */
enum dbk_db_state {
	DBK_DB_IDLE,		/* nothing asked */
	DBK_DB_QUEUED,		/* waiting for a free connection */
	DBK_DB_RUNNING,		/* on a connection */
	DBK_DB_DONE,		/* results stored */
	DBK_DB_ERROR		/* failed: see error */
};

#define DBK_DB_RESULTS_MAX	128
#define DBK_DB_ERROR_MAX	256

struct dbk_db_conn;

struct dbk_db {
	enum dbk_db_state	state;
	struct http_request	*req;
	struct dbk_db_conn	*conn;
	char			*sql;
	size_t			sql_len;
	u_int64_t		timeout_ms;	/* 0: the configured default */
	u_int64_t		deadline;

	MYSQL_RES		*results[DBK_DB_RESULTS_MAX];
	u_int64_t		affected[DBK_DB_RESULTS_MAX];
	size_t			nresults;
	u_int64_t		insert_id;

	int			detached;	/* freed when done */
	unsigned int		errcode;	/* MariaDB's, or 0 */
	char			error[DBK_DB_ERROR_MAX];

	TAILQ_ENTRY(dbk_db)	wait;
};

void	dbk_db_worker_init(void);
void	dbk_db_worker_teardown(void);
void	dbk_db_init(struct dbk_db *, struct http_request *);
int	dbk_db_query(struct dbk_db *, const char *,
	    const struct dbk_sql_param *, size_t);
int	dbk_db_pending(struct dbk_db *);
int	dbk_db_retry(struct dbk_db *);
int	dbk_db_transient(struct dbk_db *);
void	dbk_db_fire(const char *, const struct dbk_sql_param *, size_t);
void	dbk_db_clear(struct dbk_db *);
void	dbk_db_cleanup(struct dbk_db *);
void	dbk_db_logerror(struct dbk_db *, const char *);
MYSQL_ROW	dbk_db_row(struct dbk_db *, size_t, unsigned long **);
u_int64_t	dbk_db_num_rows(struct dbk_db *, size_t);
int	dbk_db_available(void);

/* Statistics for tests and /healthcheck. */
struct dbk_db_stats {
	u_int32_t	conns;		/* pool size */
	u_int32_t	usable;		/* idle or busy */
	u_int32_t	busy;
	u_int32_t	queued;
};
void	dbk_db_stats(struct dbk_db_stats *);

/*
 * Redis.
 *
 * A request queues up to DBK_CACHE_CMDS_MAX commands with
 * dbk_cache_command() and sends them pipelined with dbk_cache_send().  The
 * request sleeps until every reply arrived, the timeout passed or Redis went
 * away.  Replies are copied into the handle.  When Redis is unavailable,
 * dbk_cache_send() completes at once with every reply failed: callers fall
 * back to MariaDB.
 */
#define DBK_CACHE_CMDS_MAX	8

enum dbk_cache_state {
	DBK_CACHE_IDLE,
	DBK_CACHE_PENDING,
	DBK_CACHE_DONE
};

enum dbk_cache_reply_type {
	DBK_REPLY_FAILED,	/* no reply: Redis down, timeout, error */
	DBK_REPLY_NIL,
	DBK_REPLY_STRING,	/* also status replies */
	DBK_REPLY_INTEGER,
	DBK_REPLY_OTHER		/* arrays and the like, not kept */
};

struct dbk_cache_reply {
	enum dbk_cache_reply_type	type;
	long long			integer;
	char				*str;	/* kore_malloc'd, NUL-terminated */
	size_t				len;
};

struct dbk_cache_op;

struct dbk_cache {
	enum dbk_cache_state	state;
	struct http_request	*req;
	struct dbk_cache_op	*op;
	size_t			ncmds;
	struct kore_buf		*pending;	/* formatted commands */
	struct dbk_cache_reply	replies[DBK_CACHE_CMDS_MAX];
};

void	dbk_cache_worker_init(void);
void	dbk_cache_worker_teardown(void);
void	dbk_cache_init(struct dbk_cache *, struct http_request *);
int	dbk_cache_command(struct dbk_cache *, int, const char **,
	    const size_t *);
void	dbk_cache_send(struct dbk_cache *);
void	dbk_cache_fire(int, const char **, const size_t *);
int	dbk_cache_pending(struct dbk_cache *);
void	dbk_cache_clear(struct dbk_cache *);
void	dbk_cache_cleanup(struct dbk_cache *);
int	dbk_cache_available(void);

/*
 * Per-request state shared by every handler that talks to MariaDB or Redis,
 * followed by the page's own state (page_size bytes, zeroed).  Freed with the
 * request: pending queries and commands are detached first.
 */
struct dbk_request {
	u_int64_t		start_us;
	struct dbk_db		db;
	struct dbk_cache	cache;
	void			*page;
};

struct dbk_request	*dbk_request_get(struct http_request *, size_t);

/* Responses: every one gets the security headers and an access-log line. */
void	dbk_respond(struct http_request *, int, const char *,
	    const void *, size_t);
void	dbk_respond_buf(struct http_request *, int, const char *,
	    struct kore_buf *);
void	dbk_respond_error(struct http_request *, int);
void	dbk_redirect(struct http_request *, const char *);
void	dbk_accesslog_flush(void);
void	dbk_accesslog_worker_init(void);
void	dbk_accesslog_worker_teardown(void);

/*
 * Views: templates compiled in the parent; contexts built in the worker's
 * arena (see view.c for the rule that keeps that safe).
 */
struct mustache_arena;
struct mustache_value;

int	dbk_view_load(const char *, char *, size_t);
void	dbk_view_unload(void);
int	dbk_view_exists(const char *);
struct mustache_arena	*dbk_view_begin(struct mustache_value **);
struct mustache_arena	*dbk_view_arena(void);
struct mustache_value	*dbk_view_object(void);
struct mustache_value	*dbk_view_list(void);
void	dbk_view_push(struct mustache_value *, struct mustache_value *);
void	dbk_view_set(struct mustache_value *, const char *,
	    struct mustache_value *);
void	dbk_view_set_str(struct mustache_value *, const char *, const char *,
	    size_t);
void	dbk_view_set_cstr(struct mustache_value *, const char *, const char *);
void	dbk_view_set_int(struct mustache_value *, const char *, int64_t);
void	dbk_view_set_bool(struct mustache_value *, const char *, int);
const char	*dbk_view_respond(struct http_request *, int, const char *,
		    struct mustache_value *, size_t *);
void	dbk_view_send(struct http_request *, int, const void *, size_t);

/* Static assets, loaded in the parent. */
int	dbk_assets_load(const char *, char *, size_t);
void	dbk_assets_unload(void);
const char	*dbk_asset_url(const char *);

#endif
