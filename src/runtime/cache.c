/*
 * Redis through hiredis' async API, driven by the Kore worker's event loop.
 *
 * One connection per worker (struct redis_link, which starts with a struct
 * kore_event).  hiredis tells us through its ev hooks when it wants to read
 * or write; we register exactly that interest, level-triggered, and call
 * redisAsyncHandleRead/Write when the loop says the socket is ready — the
 * same job hiredis' own adapters do for libevent or ae.
 *
 * A request's commands are sent at once (hiredis buffers them, so they go out
 * pipelined in one write) and share one struct dbk_cache_op.  The op outlives
 * the request if the request goes away first: its replies are then dropped.
 *
 * hiredis 0.14 has no timers: a tick every TICK_MS fails a link whose
 * oldest command or connect is past its deadline, by freeing the context,
 * which calls every pending callback with a NULL reply.  A link that is down
 * is reconnected with a backoff; meanwhile every command fails at once and
 * callers read MariaDB instead.  Outages are logged once each.
 */

#include <sys/epoll.h>

#include <string.h>

#include <hiredis/hiredis.h>
#include <hiredis/async.h>

#include "daybook.h"

#define TICK_MS			50
#define RETRY_MIN_MS		100
#define RETRY_MAX_MS		2000

enum link_state {
	LINK_DOWN,
	LINK_CONNECTING,
	LINK_READY
};

struct redis_link {
	struct kore_event	evt;
	redisAsyncContext	*ac;
	enum link_state		state;
	int			fd;
	int			reading;
	int			writing;
	int			registered;
	u_int64_t		connect_deadline;
	u_int64_t		retry_at;
	u_int64_t		retry_ms;
	int			in_outage;
	u_int64_t		outage_start;
};

struct op_slot {
	struct dbk_cache_op	*op;
	size_t			idx;
};

struct dbk_cache_op {
	struct dbk_cache	*cache;		/* NULL once orphaned */
	size_t			sent;
	size_t			replied;
	int			sealed;
	u_int64_t		deadline;
	struct op_slot		slots[DBK_CACHE_CMDS_MAX];
	TAILQ_ENTRY(dbk_cache_op)	list;
};

static void	link_connect(void);
static void	link_fail(const char *);
static void	link_lost(const char *);
static void	link_handle(void *, int);
static void	link_update(struct redis_link *);
static void	ev_add_read(void *);
static void	ev_del_read(void *);
static void	ev_add_write(void *);
static void	ev_del_write(void *);
static void	ev_cleanup(void *);
static void	on_connect(const redisAsyncContext *, int);
static void	on_disconnect(const redisAsyncContext *, int);
static void	on_setup_reply(redisAsyncContext *, void *, void *);
static void	on_reply(redisAsyncContext *, void *, void *);
static void	op_maybe_complete(struct dbk_cache_op *);
static void	reply_store(struct dbk_cache_reply *, redisReply *);
static void	reply_free(struct dbk_cache_reply *);
static void	cache_tick(void *, u_int64_t);

static struct redis_link		redis;
static TAILQ_HEAD(, dbk_cache_op)	inflight;
static struct kore_timer		*tick;

void
dbk_cache_worker_init(void)
{
	memset(&redis, 0, sizeof(redis));
	redis.evt.type = DBK_EVENT_REDIS;
	redis.evt.handle = link_handle;
	redis.fd = -1;
	redis.state = LINK_DOWN;
	TAILQ_INIT(&inflight);

	link_connect();
	tick = kore_timer_add(cache_tick, TICK_MS, NULL, 0);
}

void
dbk_cache_worker_teardown(void)
{
	if (tick != NULL) {
		kore_timer_remove(tick);
		tick = NULL;
	}
	redis.in_outage = 1;	/* no log line for our own close */
	if (redis.ac != NULL)
		link_fail("worker exit");
}

int
dbk_cache_available(void)
{
	return (redis.state == LINK_READY);
}

void
dbk_cache_init(struct dbk_cache *cache, struct http_request *req)
{
	memset(cache, 0, sizeof(*cache));
	cache->req = req;
	cache->state = DBK_CACHE_IDLE;
}

/*
 * Queue one command (argv as for redisCommandArgv).  It leaves with the
 * others at the next return to the event loop.  Returns the index of its
 * reply, or -1 when the handle is full.  When Redis is unavailable the reply
 * is DBK_REPLY_FAILED.
 */
int
dbk_cache_command(struct dbk_cache *cache, int argc, const char **argv,
    const size_t *argvlen)
{
	struct op_slot	*slot;
	size_t		idx;

	if (cache->state == DBK_CACHE_PENDING)
		fatal("dbk_cache_command: batch already sent");
	if (cache->ncmds == DBK_CACHE_CMDS_MAX)
		return (-1);

	idx = cache->ncmds++;
	cache->replies[idx].type = DBK_REPLY_FAILED;

	if (redis.state != LINK_READY || redis.ac == NULL)
		return ((int)idx);

	if (cache->op == NULL) {
		cache->op = kore_calloc(1, sizeof(*cache->op));
		cache->op->cache = cache;
		cache->op->deadline = kore_time_ms() +
		    dbk_cfg.redis_timeout_ms;
		TAILQ_INSERT_TAIL(&inflight, cache->op, list);
	}

	slot = &cache->op->slots[idx];
	slot->op = cache->op;
	slot->idx = idx;
	if (redisAsyncCommandArgv(redis.ac, on_reply, slot, argc, argv,
	    argvlen) == REDIS_OK)
		cache->op->sent++;

	return ((int)idx);
}

/*
 * Send the queued commands.  Afterwards the handle is DBK_CACHE_PENDING (the
 * request sleeps until the replies are in) or already DBK_CACHE_DONE.
 */
void
dbk_cache_send(struct dbk_cache *cache)
{
	struct dbk_cache_op	*op;

	if ((op = cache->op) == NULL) {
		cache->state = DBK_CACHE_DONE;
		return;
	}

	cache->state = DBK_CACHE_PENDING;
	op->sealed = 1;
	op_maybe_complete(op);

	if (cache->state == DBK_CACHE_PENDING && cache->req != NULL)
		http_request_sleep(cache->req);
}

/*
 * Send one command nobody waits for (cache fills, counters): its reply is
 * dropped.  Does nothing when Redis is unavailable.
 */
void
dbk_cache_fire(int argc, const char **argv, const size_t *argvlen)
{
	struct dbk_cache_op	*op;

	if (redis.state != LINK_READY || redis.ac == NULL)
		return;

	op = kore_calloc(1, sizeof(*op));
	op->deadline = kore_time_ms() + dbk_cfg.redis_timeout_ms;
	op->sealed = 1;
	op->slots[0].op = op;
	TAILQ_INSERT_TAIL(&inflight, op, list);
	if (redisAsyncCommandArgv(redis.ac, on_reply, &op->slots[0], argc,
	    argv, argvlen) == REDIS_OK)
		op->sent = 1;
	op_maybe_complete(op);
}

int
dbk_cache_pending(struct dbk_cache *cache)
{
	return (cache->state == DBK_CACHE_PENDING);
}

/* Forget replies; the handle can queue a new batch. */
void
dbk_cache_clear(struct dbk_cache *cache)
{
	size_t		i;

	if (cache->state == DBK_CACHE_PENDING)
		fatal("dbk_cache_clear: batch still pending");

	for (i = 0; i < cache->ncmds; i++)
		reply_free(&cache->replies[i]);
	cache->ncmds = 0;
	cache->state = DBK_CACHE_IDLE;
}

/* The request goes away: detach from a batch in flight and free replies. */
void
dbk_cache_cleanup(struct dbk_cache *cache)
{
	if (cache->op != NULL) {
		cache->op->cache = NULL;
		cache->op = NULL;
	}
	cache->state = DBK_CACHE_IDLE;
	cache->req = NULL;
	dbk_cache_clear(cache);
}

static void
on_reply(redisAsyncContext *ac, void *r, void *privdata)
{
	struct op_slot		*slot = privdata;
	struct dbk_cache_op	*op = slot->op;

	(void)ac;

	if (op->cache != NULL && r != NULL)
		reply_store(&op->cache->replies[slot->idx], r);

	op->replied++;
	op_maybe_complete(op);
}

/* Once sealed and every command answered: wake the request, free the op. */
static void
op_maybe_complete(struct dbk_cache_op *op)
{
	struct dbk_cache	*cache;

	if (!op->sealed || op->replied < op->sent)
		return;

	TAILQ_REMOVE(&inflight, op, list);
	if ((cache = op->cache) != NULL) {
		cache->op = NULL;
		cache->state = DBK_CACHE_DONE;
		if (cache->req != NULL)
			http_request_wakeup(cache->req);
	}
	kore_free(op);
}

static void
reply_store(struct dbk_cache_reply *out, redisReply *reply)
{
	switch (reply->type) {
	case REDIS_REPLY_STRING:
	case REDIS_REPLY_STATUS:
		out->type = DBK_REPLY_STRING;
		out->len = reply->len;
		out->str = kore_malloc(reply->len + 1);
		memcpy(out->str, reply->str, reply->len);
		out->str[reply->len] = '\0';
		break;
	case REDIS_REPLY_INTEGER:
		out->type = DBK_REPLY_INTEGER;
		out->integer = reply->integer;
		break;
	case REDIS_REPLY_NIL:
		out->type = DBK_REPLY_NIL;
		break;
	case REDIS_REPLY_ERROR:
		out->type = DBK_REPLY_FAILED;
		break;
	default:
		out->type = DBK_REPLY_OTHER;
		break;
	}
}

static void
reply_free(struct dbk_cache_reply *reply)
{
	kore_free(reply->str);
	memset(reply, 0, sizeof(*reply));
}

/* Start a connection; AUTH and SELECT are queued to go first. */
static void
link_connect(void)
{
	redisAsyncContext	*ac;
	const char		*argv[2];
	size_t			argvlen[2];
	char			dbnum[16];

	ac = redisAsyncConnect(dbk_cfg.redis_host, (int)dbk_cfg.redis_port);
	if (ac == NULL || ac->err) {
		link_lost(ac ? ac->errstr : "out of memory");
		if (ac != NULL)
			redisAsyncFree(ac);
		return;
	}

	redis.ac = ac;
	redis.fd = ac->c.fd;
	redis.reading = redis.writing = redis.registered = 0;
	redis.state = LINK_CONNECTING;
	redis.connect_deadline = kore_time_ms() + dbk_cfg.redis_timeout_ms;

	ac->ev.data = &redis;
	ac->ev.addRead = ev_add_read;
	ac->ev.delRead = ev_del_read;
	ac->ev.addWrite = ev_add_write;
	ac->ev.delWrite = ev_del_write;
	ac->ev.cleanup = ev_cleanup;
	redisAsyncSetConnectCallback(ac, on_connect);
	redisAsyncSetDisconnectCallback(ac, on_disconnect);

	if (dbk_cfg.redis_password != NULL && dbk_cfg.redis_password[0]) {
		argv[0] = "AUTH";
		argvlen[0] = 4;
		argv[1] = dbk_cfg.redis_password;
		argvlen[1] = strlen(dbk_cfg.redis_password);
		redisAsyncCommandArgv(ac, on_setup_reply, NULL, 2, argv,
		    argvlen);
	}
	if (dbk_cfg.redis_db != 0) {
		(void)snprintf(dbnum, sizeof(dbnum), "%u", dbk_cfg.redis_db);
		argv[0] = "SELECT";
		argvlen[0] = 6;
		argv[1] = dbnum;
		argvlen[1] = strlen(dbnum);
		redisAsyncCommandArgv(ac, on_setup_reply, NULL, 2, argv,
		    argvlen);
	}

	/* The connect completes when the socket is writable. */
	ev_add_write(&redis);
}

/*
 * Drop the link now, from outside hiredis' callbacks (the tick): pending
 * callbacks run with NULL replies, which completes every op.
 */
static void
link_fail(const char *why)
{
	redisAsyncContext	*ac = redis.ac;

	link_lost(why);
	redis.ac = NULL;
	if (ac != NULL)
		redisAsyncFree(ac);
}

/* Mark the link down, log the outage once, plan the reconnect. */
static void
link_lost(const char *why)
{
	redis.state = LINK_DOWN;
	redis.retry_ms = redis.retry_ms ?
	    MIN(redis.retry_ms * 2, RETRY_MAX_MS) : RETRY_MIN_MS;
	redis.retry_at = kore_time_ms() + redis.retry_ms;

	if (!redis.in_outage) {
		redis.in_outage = 1;
		redis.outage_start = kore_time_ms();
		kore_log(LOG_WARNING, "cache: Redis unavailable (%s); "
		    "serving from MariaDB until it returns", why);
	}
}

static void
link_up(void)
{
	redis.state = LINK_READY;
	redis.retry_ms = 0;
	if (redis.in_outage) {
		redis.in_outage = 0;
		kore_log(LOG_NOTICE, "cache: Redis is back after %llu ms",
		    (unsigned long long)(kore_time_ms() - redis.outage_start));
	}
}

static void
on_connect(const redisAsyncContext *ac, int status)
{
	if (ac != redis.ac)
		return;
	if (status != REDIS_OK) {
		/* hiredis frees the context after this returns. */
		redis.ac = NULL;
		link_lost(ac->errstr);
		return;
	}
	link_up();
}

static void
on_disconnect(const redisAsyncContext *ac, int status)
{
	(void)status;

	if (ac != redis.ac)
		return;
	redis.ac = NULL;
	link_lost(ac->err ? ac->errstr : "connection closed");
}

/* AUTH or SELECT answered; an error means the link is of no use. */
static void
on_setup_reply(redisAsyncContext *ac, void *r, void *privdata)
{
	redisReply	*reply = r;

	(void)privdata;

	if (reply == NULL || reply->type != REDIS_REPLY_ERROR)
		return;
	if (ac != redis.ac)
		return;

	link_lost(reply->str);
	redisAsyncDisconnect(ac);
}

static void
link_handle(void *arg, int error)
{
	struct redis_link	*l = arg;
	int			flags;

	flags = l->evt.flags;
	l->evt.flags = 0;

	if (l->ac != NULL && ((flags & KORE_EVENT_READ) || error))
		redisAsyncHandleRead(l->ac);
	if (l->ac != NULL && (flags & KORE_EVENT_WRITE))
		redisAsyncHandleWrite(l->ac);
}

/* Register exactly the interest hiredis asked for, level-triggered. */
static void
link_update(struct redis_link *l)
{
	int		interest;

	interest = 0;
	if (l->reading)
		interest |= EPOLLIN;
	if (l->writing)
		interest |= EPOLLOUT;

	if (interest != 0) {
		kore_platform_event_schedule(l->fd, interest, 0, l);
		l->registered = 1;
	} else if (l->registered) {
		kore_platform_disable_read(l->fd);
		l->registered = 0;
	}
}

static void
ev_add_read(void *arg)
{
	struct redis_link	*l = arg;

	if (!l->reading) {
		l->reading = 1;
		link_update(l);
	}
}

static void
ev_del_read(void *arg)
{
	struct redis_link	*l = arg;

	if (l->reading) {
		l->reading = 0;
		link_update(l);
	}
}

static void
ev_add_write(void *arg)
{
	struct redis_link	*l = arg;

	if (!l->writing) {
		l->writing = 1;
		link_update(l);
	}
}

static void
ev_del_write(void *arg)
{
	struct redis_link	*l = arg;

	if (l->writing) {
		l->writing = 0;
		link_update(l);
	}
}

static void
ev_cleanup(void *arg)
{
	struct redis_link	*l = arg;

	l->reading = 0;
	l->writing = 0;
	link_update(l);
	l->fd = -1;
}

/* Deadlines and reconnects. */
static void
cache_tick(void *arg, u_int64_t now)
{
	struct dbk_cache_op	*op;

	(void)arg;

	op = TAILQ_FIRST(&inflight);
	if (op != NULL && now >= op->deadline && redis.ac != NULL) {
		link_fail("command timed out");
		return;
	}

	switch (redis.state) {
	case LINK_DOWN:
		if (redis.ac == NULL && now >= redis.retry_at)
			link_connect();
		break;
	case LINK_CONNECTING:
		if (now >= redis.connect_deadline)
			link_fail("connect timed out");
		break;
	case LINK_READY:
		break;
	}
}
