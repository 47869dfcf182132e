/*
 * MariaDB access that never blocks a Kore worker.
 *
 * Each worker keeps a small pool of connections opened with MariaDB
 * Connector/C's non-blocking API.  A connection is a struct that starts with
 * a struct kore_event, so the worker's event loop calls conn_handle() when
 * its socket is ready; conn_handle() continues whatever the library was
 * doing (connect, query, store result, next result) and, when a query is
 * complete, stores the results on the request's struct dbk_db, wakes the
 * request and gives the connection to the next waiting request.
 *
 * Rules that keep it simple:
 * - one dbk_db_query() is one round trip; the connection is back in the pool
 *   as soon as its results are stored, so no request ever holds one;
 * - a connection that saw any error is closed (so an interrupted
 *   transaction is rolled back) and reopened later by the timer;
 * - idle connections stay registered for reading: readable while idle means
 *   the server went away, and the connection is closed at once;
 * - a timer every TICK_MS fails queries and waits past their deadline and
 *   reconnects closed connections with a backoff.
 */

#include <sys/socket.h>
#include <sys/epoll.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <errmsg.h>
#include <mysqld_error.h>

#include "daybook.h"

#define TICK_MS			50
#define RETRY_MIN_MS		100
#define RETRY_MAX_MS		2000

enum conn_state {
	CONN_CLOSED,
	CONN_CONNECTING,
	CONN_IDLE,
	CONN_BUSY
};

enum conn_op {
	OP_NONE,
	OP_CONNECT,
	OP_QUERY,
	OP_STORE,
	OP_NEXT
};

struct dbk_db_conn {
	struct kore_event	evt;
	MYSQL			*mysql;
	int			fd;		/* registered fd, or -1 */
	enum conn_state		state;
	enum conn_op		op;
	int			wait_status;	/* MYSQL_WAIT_* asked for */
	u_int64_t		deadline;	/* of the connect */
	u_int64_t		retry_at;	/* next connect when closed */
	u_int64_t		retry_ms;

	/* Return values of the _start/_cont calls. */
	MYSQL			*ret_mysql;
	int			ret_int;
	MYSQL_RES		*ret_res;

	struct dbk_db		*db;		/* the query running, or NULL */
};

static int	db_dispatch(struct dbk_db *);
static void	conn_handle(void *, int);
static void	conn_connect(struct dbk_db_conn *);
static void	conn_close(struct dbk_db_conn *, const char *);
static void	conn_drive(struct dbk_db_conn *, int);
static int	conn_op_done(struct dbk_db_conn *);
static void	conn_wait(struct dbk_db_conn *, int);
static void	conn_set_idle(struct dbk_db_conn *);
static int	conn_start_query(struct dbk_db_conn *, struct dbk_db *);
static void	conn_query_failed(struct dbk_db_conn *, const char *);
static void	conn_query_done(struct dbk_db_conn *);
static void	db_fail(struct dbk_db *, unsigned int, const char *);
static void	db_finish(struct dbk_db *, enum dbk_db_state);
static void	pool_tick(void *, u_int64_t);
static int	pool_usable(void);
static void	outage_begin(const char *);
static void	outage_end(void);

static struct dbk_db_conn	*pool;
static u_int32_t		pool_size;
static TAILQ_HEAD(, dbk_db)	waiters;
static u_int32_t		nwaiters;
static struct kore_timer	*tick;
static int			connect_failing;
static int			in_outage;
static u_int64_t		outage_start;

void
dbk_db_worker_init(void)
{
	u_int32_t	i;

	pool_size = dbk_cfg.db_pool_size;
	pool = kore_calloc(pool_size, sizeof(*pool));
	TAILQ_INIT(&waiters);
	nwaiters = 0;

	for (i = 0; i < pool_size; i++) {
		pool[i].fd = -1;
		pool[i].state = CONN_CLOSED;
		pool[i].evt.type = DBK_EVENT_DB;
		pool[i].evt.handle = conn_handle;
		conn_connect(&pool[i]);
	}

	tick = kore_timer_add(pool_tick, TICK_MS, NULL, 0);
}

void
dbk_db_worker_teardown(void)
{
	u_int32_t	i;

	if (tick != NULL) {
		kore_timer_remove(tick);
		tick = NULL;
	}
	for (i = 0; i < pool_size; i++)
		conn_close(&pool[i], NULL);
	kore_free(pool);
	pool = NULL;
	pool_size = 0;
}

/* Is at least one connection up?  Cheap; for /healthcheck. */
int
dbk_db_available(void)
{
	return (pool_usable());
}

void
dbk_db_stats(struct dbk_db_stats *stats)
{
	u_int32_t	i;

	memset(stats, 0, sizeof(*stats));
	stats->conns = pool_size;
	stats->queued = nwaiters;
	for (i = 0; i < pool_size; i++) {
		if (pool[i].state == CONN_IDLE || pool[i].state == CONN_BUSY)
			stats->usable++;
		if (pool[i].state == CONN_BUSY)
			stats->busy++;
	}
}

void
dbk_db_init(struct dbk_db *db, struct http_request *req)
{
	memset(db, 0, sizeof(*db));
	db->req = req;
	db->state = DBK_DB_IDLE;
}

/*
 * Send sql with its parameters.  Returns KORE_RESULT_OK when the query was
 * started or queued (the request now sleeps until the handle is DONE or
 * ERROR), KORE_RESULT_ERROR when it failed at once (db->error says why).
 * Results of an earlier query on the same handle are released first.
 */
int
dbk_db_query(struct dbk_db *db, const char *sql,
    const struct dbk_sql_param *params, size_t nparams)
{
	size_t		len;

	dbk_db_clear(db);

	if ((len = dbk_sql_length(sql, params, nparams)) == 0)
		fatal("dbk_db_query: placeholders do not match: %s", sql);

	db->sql = kore_malloc(len + 1);
	db->sql_len = len;
	dbk_sql_write(db->sql, sql, params, nparams);

	return (db_dispatch(db));
}

/*
 * Send the handle's last query once more (after a deadlock, say): its
 * results and error are dropped first.  Returns as dbk_db_query().
 */
int
dbk_db_retry(struct dbk_db *db)
{
	char		*sql;
	size_t		len;

	sql = db->sql;
	len = db->sql_len;
	db->sql = NULL;
	dbk_db_clear(db);
	db->sql = sql;
	db->sql_len = len;

	return (db_dispatch(db));
}

/* Is this MariaDB error worth running the same transaction again for? */
int
dbk_db_transient(struct dbk_db *db)
{
	return (db->errcode == ER_LOCK_DEADLOCK ||
	    db->errcode == ER_LOCK_WAIT_TIMEOUT ||
	    db->errcode == ER_AUTOINC_READ_FAILED);
}

/* Put db->sql on an idle connection, or in the queue, or fail it. */
static int
db_dispatch(struct dbk_db *db)
{
	u_int32_t	i;
	int		detached;

	detached = db->detached;
	db->deadline = kore_time_ms() +
	    (db->timeout_ms ? db->timeout_ms : dbk_cfg.db_timeout_ms);

	for (i = 0; i < pool_size; i++) {
		if (pool[i].state == CONN_IDLE) {
			conn_drive(&pool[i], conn_start_query(&pool[i], db));
			/* A detached handle may be freed already. */
			if (detached)
				return (KORE_RESULT_OK);
			goto sleep;
		}
	}

	if (!pool_usable() && connect_failing) {
		db_fail(db, 0, "MariaDB is unavailable");
		return (KORE_RESULT_ERROR);	/* db may be freed (detached) */
	}
	if (nwaiters >= dbk_cfg.db_queue_max) {
		db_fail(db, 0, "too many queries waiting for MariaDB");
		return (KORE_RESULT_ERROR);
	}

	db->state = DBK_DB_QUEUED;
	TAILQ_INSERT_TAIL(&waiters, db, wait);
	nwaiters++;

sleep:
	if (db->state == DBK_DB_QUEUED || db->state == DBK_DB_RUNNING) {
		if (db->req != NULL)
			http_request_sleep(db->req);
		return (KORE_RESULT_OK);
	}

	return (db->state == DBK_DB_DONE ? KORE_RESULT_OK : KORE_RESULT_ERROR);
}

/*
 * Send a query nobody waits for (a last-seen time, say).  Its handle
 * belongs to the pool and is freed when the query ends; failures are
 * logged.
 */
void
dbk_db_fire(const char *sql, const struct dbk_sql_param *params,
    size_t nparams)
{
	struct dbk_db	*db;

	db = kore_calloc(1, sizeof(*db));
	dbk_db_init(db, NULL);
	db->detached = 1;
	(void)dbk_db_query(db, sql, params, nparams);
}

/* Is a query still on its way? */
int
dbk_db_pending(struct dbk_db *db)
{
	return (db->state == DBK_DB_QUEUED || db->state == DBK_DB_RUNNING);
}

/* Release results and errors; the handle can be used again. */
void
dbk_db_clear(struct dbk_db *db)
{
	size_t		i;

	if (dbk_db_pending(db))
		fatal("dbk_db_clear: query still pending");

	for (i = 0; i < db->nresults; i++) {
		if (db->results[i] != NULL)
			mysql_free_result(db->results[i]);
		db->results[i] = NULL;
		db->affected[i] = 0;
	}
	db->nresults = 0;
	db->insert_id = 0;
	db->errcode = 0;
	db->error[0] = '\0';
	kore_free(db->sql);
	db->sql = NULL;
	db->sql_len = 0;
	db->state = DBK_DB_IDLE;
}

/*
 * Detach the handle from the pool (the request is going away) and free all
 * it holds.  A query already on a connection runs to its end there and its
 * results are dropped.
 */
void
dbk_db_cleanup(struct dbk_db *db)
{
	if (db->state == DBK_DB_QUEUED) {
		TAILQ_REMOVE(&waiters, db, wait);
		nwaiters--;
	} else if (db->state == DBK_DB_RUNNING && db->conn != NULL) {
		db->conn->db = NULL;
	}
	db->conn = NULL;
	db->state = DBK_DB_IDLE;
	db->req = NULL;
	dbk_db_clear(db);
}

void
dbk_db_logerror(struct dbk_db *db, const char *what)
{
	kore_log(LOG_NOTICE, "db: %s: %s (state %d, code %u)", what,
	    db->error[0] ? db->error : "no error recorded", db->state,
	    db->errcode);
}

/*
 * The next row of result set idx, or NULL at the end or when statement idx
 * returned no rows.  When lengths is not NULL it points at the columns'
 * lengths.  Valid until dbk_db_clear().
 */
MYSQL_ROW
dbk_db_row(struct dbk_db *db, size_t idx, unsigned long **lengths)
{
	MYSQL_ROW	row;

	if (idx >= db->nresults || db->results[idx] == NULL)
		return (NULL);
	if ((row = mysql_fetch_row(db->results[idx])) == NULL)
		return (NULL);
	if (lengths != NULL)
		*lengths = mysql_fetch_lengths(db->results[idx]);

	return (row);
}

u_int64_t
dbk_db_num_rows(struct dbk_db *db, size_t idx)
{
	if (idx >= db->nresults || db->results[idx] == NULL)
		return (0);
	return (mysql_num_rows(db->results[idx]));
}

/* Open a connection without blocking. */
static void
conn_connect(struct dbk_db_conn *conn)
{
	int			status;
	unsigned int		timeout;
	my_bool			reconnect;

	if ((conn->mysql = mysql_init(NULL)) == NULL)
		fatal("mysql_init: out of memory");

	timeout = (dbk_cfg.db_timeout_ms + 999) / 1000;
	reconnect = 0;
	mysql_options(conn->mysql, MYSQL_OPT_NONBLOCK, 0);
	mysql_options(conn->mysql, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(conn->mysql, MYSQL_OPT_RECONNECT, &reconnect);
	mysql_options(conn->mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(conn->mysql, MYSQL_INIT_COMMAND,
	    "SET time_zone = '+00:00'");

	conn->state = CONN_CONNECTING;
	conn->op = OP_CONNECT;
	conn->deadline = kore_time_ms() + dbk_cfg.db_timeout_ms;

	status = mysql_real_connect_start(&conn->ret_mysql, conn->mysql,
	    dbk_cfg.db_socket ? NULL : dbk_cfg.db_host, dbk_cfg.db_user,
	    dbk_cfg.db_password, dbk_cfg.db_name,
	    dbk_cfg.db_socket ? 0 : dbk_cfg.db_port, dbk_cfg.db_socket,
	    CLIENT_MULTI_STATEMENTS | CLIENT_MULTI_RESULTS);

	conn_drive(conn, status);
}

/*
 * Close the connection (if open), failing the query on it with reason, and
 * plan a reconnect.  reason NULL: an orderly close at teardown.
 */
static void
conn_close(struct dbk_db_conn *conn, const char *reason)
{
	char		why[DBK_DB_ERROR_MAX];
	int		was_connecting;

	/* reason may point into conn->mysql, which goes away below. */
	(void)kore_strlcpy(why, reason ? reason : "connection closed",
	    sizeof(why));
	if (conn->db != NULL)
		db_fail(conn->db, 0, why);
	conn->db = NULL;

	was_connecting = (conn->state == CONN_CONNECTING);

	if (conn->mysql != NULL) {
		/* A QUIT sent on a shut-down socket fails at once. */
		if (conn->fd != -1)
			(void)shutdown(conn->fd, SHUT_RDWR);
		mysql_close(conn->mysql);
		conn->mysql = NULL;
	}

	conn->fd = -1;
	conn->op = OP_NONE;
	conn->wait_status = 0;
	conn->state = CONN_CLOSED;
	conn->evt.flags = 0;

	if (reason == NULL)
		return;

	if (was_connecting) {
		connect_failing = 1;
		conn->retry_ms = conn->retry_ms ?
		    MIN(conn->retry_ms * 2, RETRY_MAX_MS) : RETRY_MIN_MS;
		if (!pool_usable())
			outage_begin(why);
	} else {
		conn->retry_ms = 0;
	}
	conn->retry_at = kore_time_ms() + conn->retry_ms;
}

/* The event loop says the connection's socket is ready (or broken). */
static void
conn_handle(void *arg, int error)
{
	struct dbk_db_conn	*conn = arg;
	int			events, status;

	events = 0;
	if (conn->evt.flags & KORE_EVENT_READ)
		events |= MYSQL_WAIT_READ;
	if (conn->evt.flags & KORE_EVENT_WRITE)
		events |= MYSQL_WAIT_WRITE;
	if (error)
		events |= conn->wait_status &
		    (MYSQL_WAIT_READ | MYSQL_WAIT_WRITE | MYSQL_WAIT_EXCEPT);
	conn->evt.flags = 0;

	switch (conn->state) {
	case CONN_IDLE:
		conn_close(conn, "MariaDB closed the connection");
		return;
	case CONN_CLOSED:
		return;
	default:
		break;
	}

	if (events == 0)
		return;

	switch (conn->op) {
	case OP_CONNECT:
		status = mysql_real_connect_cont(&conn->ret_mysql,
		    conn->mysql, events);
		break;
	case OP_QUERY:
		status = mysql_real_query_cont(&conn->ret_int,
		    conn->mysql, events);
		break;
	case OP_STORE:
		status = mysql_store_result_cont(&conn->ret_res,
		    conn->mysql, events);
		break;
	case OP_NEXT:
		status = mysql_next_result_cont(&conn->ret_int,
		    conn->mysql, events);
		break;
	case OP_NONE:
	default:
		return;
	}

	conn_drive(conn, status);
}

/*
 * Status is what the last _start/_cont returned.  Finish operations that
 * completed, start the ones that follow, and wait for the socket when the
 * library asks for it.  A connection that became idle takes the next
 * waiting query here, and only here, so that no operation is started while
 * another one on the same connection is being finished.
 */
static void
conn_drive(struct dbk_db_conn *conn, int status)
{
	struct dbk_db	*db;

	for (;;) {
		while (status == 0 && conn->op != OP_NONE)
			status = conn_op_done(conn);

		if (conn->op != OP_NONE) {
			conn_wait(conn, status);
			return;
		}
		if (conn->state != CONN_IDLE ||
		    (db = TAILQ_FIRST(&waiters)) == NULL)
			return;

		TAILQ_REMOVE(&waiters, db, wait);
		nwaiters--;
		status = conn_start_query(conn, db);
	}
}

/*
 * The current operation completed.  Returns the status of the operation
 * started next, or 0 with conn->op == OP_NONE when there is none.
 */
static int
conn_op_done(struct dbk_db_conn *conn)
{
	struct dbk_db	*db = conn->db;

	switch (conn->op) {
	case OP_CONNECT:
		conn->op = OP_NONE;
		if (conn->ret_mysql == NULL) {
			conn_close(conn, mysql_error(conn->mysql));
			return (0);
		}
		conn->retry_ms = 0;
		connect_failing = 0;
		outage_end();
		conn_set_idle(conn);
		return (0);
	case OP_QUERY:
		if (conn->ret_int != 0) {
			conn_query_failed(conn, mysql_error(conn->mysql));
			return (0);
		}
		conn->op = OP_STORE;
		return (mysql_store_result_start(&conn->ret_res, conn->mysql));
	case OP_STORE:
		if (conn->ret_res == NULL && mysql_field_count(conn->mysql)) {
			conn_query_failed(conn, mysql_error(conn->mysql));
			return (0);
		}
		if (db != NULL && db->nresults < DBK_DB_RESULTS_MAX) {
			db->results[db->nresults] = conn->ret_res;
			db->affected[db->nresults] =
			    mysql_affected_rows(conn->mysql);
			if (db->insert_id == 0)
				db->insert_id = mysql_insert_id(conn->mysql);
			db->nresults++;
		} else if (conn->ret_res != NULL) {
			mysql_free_result(conn->ret_res);
		}
		conn->ret_res = NULL;
		if (!mysql_more_results(conn->mysql)) {
			conn_query_done(conn);
			return (0);
		}
		conn->op = OP_NEXT;
		return (mysql_next_result_start(&conn->ret_int, conn->mysql));
	case OP_NEXT:
		if (conn->ret_int > 0) {
			conn_query_failed(conn, mysql_error(conn->mysql));
			return (0);
		}
		if (conn->ret_int == -1) {
			conn_query_done(conn);
			return (0);
		}
		conn->op = OP_STORE;
		return (mysql_store_result_start(&conn->ret_res, conn->mysql));
	case OP_NONE:
	default:
		return (0);
	}
}

/* Ask the event loop for exactly what the library waits for. */
static void
conn_wait(struct dbk_db_conn *conn, int status)
{
	int		fd, interest;

	conn->wait_status = status;

	interest = 0;
	if (status & MYSQL_WAIT_READ)
		interest |= EPOLLIN;
	if (status & MYSQL_WAIT_WRITE)
		interest |= EPOLLOUT;
	if (status & MYSQL_WAIT_EXCEPT)
		interest |= EPOLLPRI;
	if (interest == 0)
		return;		/* a pure timeout: the tick handles it */

	fd = mysql_get_socket(conn->mysql);
	if (fd == -1) {
		conn_close(conn, "no socket");
		return;
	}
	conn->fd = fd;
	kore_platform_event_schedule(fd, interest | EPOLLRDHUP, 0, conn);
}

/*
 * Back in the pool (conn_drive() hands it to a waiting query).  Watch the
 * idle socket meanwhile: readable while idle means the server left.
 */
static void
conn_set_idle(struct dbk_db_conn *conn)
{
	conn->state = CONN_IDLE;
	conn->op = OP_NONE;
	conn->wait_status = 0;
	conn->fd = mysql_get_socket(conn->mysql);
	kore_platform_event_schedule(conn->fd, EPOLLIN | EPOLLRDHUP, 0, conn);
}

/* Send db's query; returns the library's status (drive it). */
static int
conn_start_query(struct dbk_db_conn *conn, struct dbk_db *db)
{
	conn->state = CONN_BUSY;
	conn->db = db;
	db->conn = conn;
	db->state = DBK_DB_RUNNING;
	conn->ret_res = NULL;
	conn->op = OP_QUERY;

	return (mysql_real_query_start(&conn->ret_int, conn->mysql,
	    db->sql, db->sql_len));
}

/* A statement failed: the query fails and the connection is replaced. */
static void
conn_query_failed(struct dbk_db_conn *conn, const char *why)
{
	unsigned int	code;

	code = mysql_errno(conn->mysql);
	if (conn->db != NULL) {
		db_fail(conn->db, code, why);
		conn->db = NULL;
	}
	conn_close(conn, why);
}

static void
conn_query_done(struct dbk_db_conn *conn)
{
	if (conn->db != NULL) {
		conn->db->conn = NULL;
		db_finish(conn->db, DBK_DB_DONE);
		conn->db = NULL;
	}
	conn_set_idle(conn);
}

static void
db_fail(struct dbk_db *db, unsigned int code, const char *why)
{
	db->errcode = code;
	(void)kore_strlcpy(db->error, why[0] ? why : "query failed",
	    sizeof(db->error));
	db->conn = NULL;
	db_finish(db, DBK_DB_ERROR);
}

static void
db_finish(struct dbk_db *db, enum dbk_db_state state)
{
	db->state = state;
	if (db->detached) {
		/* During an outage, which is logged once, stay quiet. */
		if (state == DBK_DB_ERROR && !in_outage)
			dbk_db_logerror(db, "background query");
		dbk_db_clear(db);
		kore_free(db);
		return;
	}
	if (db->req != NULL)
		http_request_wakeup(db->req);
}

/* Deadlines and reconnects. */
static void
pool_tick(void *arg, u_int64_t now)
{
	struct dbk_db	*db, *next;
	u_int32_t	i;

	(void)arg;

	for (i = 0; i < pool_size; i++) {
		switch (pool[i].state) {
		case CONN_CONNECTING:
			if (now >= pool[i].deadline)
				conn_close(&pool[i], "connect timed out");
			break;
		case CONN_BUSY:
			if (pool[i].db != NULL && now >= pool[i].db->deadline)
				conn_close(&pool[i], "query timed out");
			break;
		case CONN_CLOSED:
			if (now >= pool[i].retry_at)
				conn_connect(&pool[i]);
			break;
		case CONN_IDLE:
			break;
		}
	}

	for (db = TAILQ_FIRST(&waiters); db != NULL; db = next) {
		next = TAILQ_NEXT(db, wait);
		if (now < db->deadline && (pool_usable() || !connect_failing))
			continue;
		TAILQ_REMOVE(&waiters, db, wait);
		nwaiters--;
		db_fail(db, 0, now >= db->deadline ?
		    "timed out waiting for a MariaDB connection" :
		    "MariaDB is unavailable");
	}
}

static int
pool_usable(void)
{
	u_int32_t	i;

	for (i = 0; i < pool_size; i++) {
		if (pool[i].state == CONN_IDLE || pool[i].state == CONN_BUSY)
			return (1);
	}

	return (0);
}

/* Log an outage once, when the last connection is lost. */
static void
outage_begin(const char *reason)
{
	if (in_outage)
		return;
	in_outage = 1;
	outage_start = kore_time_ms();
	kore_log(LOG_WARNING, "db: MariaDB unavailable (%s); "
	    "answering 503 until it returns", reason);
}

static void
outage_end(void)
{
	if (!in_outage)
		return;
	in_outage = 0;
	kore_log(LOG_NOTICE, "db: MariaDB is back after %llu ms",
	    (unsigned long long)(kore_time_ms() - outage_start));
}
