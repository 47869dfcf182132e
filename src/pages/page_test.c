/*
 * Test-only routes, compiled in only with -DDBK_TEST_ROUTES (the build used
 * by `make test`) and routed by conf/routes-test.conf.  Never in a release.
 */

#if defined(DBK_TEST_ROUTES)

#include "runtime/daybook.h"

int	page_test_sleep(struct http_request *);
int	page_test_stats(struct http_request *);
int	page_test_kv(struct http_request *);

enum sleep_state {
	SLEEP_START,
	SLEEP_WAIT,
	SLEEP_ANSWER
};

static int	sleep_start(struct http_request *);
static int	sleep_wait(struct http_request *);
static int	sleep_answer(struct http_request *);

static struct http_state	sleep_states[] = {
	{ "SLEEP_START",	sleep_start },
	{ "SLEEP_WAIT",		sleep_wait },
	{ "SLEEP_ANSWER",	sleep_answer },
};

/* GET /__test/sleep: holds a MariaDB connection for 3 s. */
int
page_test_sleep(struct http_request *req)
{
	(void)dbk_request_get(req, 0);

	return (http_state_run(sleep_states,
	    sizeof(sleep_states) / sizeof(sleep_states[0]), req));
}

static int
sleep_start(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);

	r->db.timeout_ms = 10000;
	(void)dbk_db_query(&r->db, "SELECT SLEEP(3)", NULL, 0);
	req->fsm_state = SLEEP_WAIT;

	return (HTTP_STATE_CONTINUE);
}

static int
sleep_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);

	if (dbk_db_pending(&r->db)) {
		http_request_sleep(req);
		return (HTTP_STATE_RETRY);
	}
	req->fsm_state = SLEEP_ANSWER;

	return (HTTP_STATE_CONTINUE);
}

static int
sleep_answer(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);

	if (r->db.state != DBK_DB_DONE) {
		dbk_respond_error(req, HTTP_STATUS_SERVICE_UNAVAILABLE);
		return (HTTP_STATE_COMPLETE);
	}
	dbk_respond(req, HTTP_STATUS_OK, "text/plain", "slept\n", 6);

	return (HTTP_STATE_COMPLETE);
}

/* GET /__test/stats: this worker's pool, as JSON. */
int
page_test_stats(struct http_request *req)
{
	struct dbk_db_stats	stats;
	struct kore_buf		buf;

	(void)dbk_request_get(req, 0);
	dbk_db_stats(&stats);

	kore_buf_init(&buf, 128);
	kore_buf_appendf(&buf, "{\"pid\":%d,\"conns\":%u,\"usable\":%u,"
	    "\"busy\":%u,\"queued\":%u,\"redis\":%d}\n", (int)getpid(),
	    stats.conns, stats.usable, stats.busy, stats.queued,
	    dbk_cache_available());
	dbk_respond_buf(req, HTTP_STATUS_OK, "application/json", &buf);
	kore_buf_cleanup(&buf);

	return (KORE_RESULT_OK);
}

enum kv_state {
	KV_START,
	KV_WAIT,
	KV_ANSWER
};

static int	kv_start(struct http_request *);
static int	kv_wait(struct http_request *);
static int	kv_answer(struct http_request *);

static struct http_state	kv_states[] = {
	{ "KV_START",	kv_start },
	{ "KV_WAIT",	kv_wait },
	{ "KV_ANSWER",	kv_answer },
};

/*
 * GET /__test/kv: one Redis key and one MariaDB row, asked at once, in a
 * small HTML page: the benchmark's "page with data".
 */
int
page_test_kv(struct http_request *req)
{
	(void)dbk_request_get(req, 0);

	return (http_state_run(kv_states,
	    sizeof(kv_states) / sizeof(kv_states[0]), req));
}

static int
kv_start(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	static const char	*get[] = { "GET", "dbk:bench:kv" };
	static const size_t	getlen[] = { 3, 12 };

	(void)dbk_db_query(&r->db, "SELECT id, display_name FROM users "
	    "ORDER BY id LIMIT 1", NULL, 0);
	(void)dbk_cache_command(&r->cache, 2, get, getlen);
	dbk_cache_send(&r->cache);
	req->fsm_state = KV_WAIT;

	return (HTTP_STATE_CONTINUE);
}

static int
kv_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);

	if (dbk_db_pending(&r->db) || dbk_cache_pending(&r->cache)) {
		http_request_sleep(req);
		return (HTTP_STATE_RETRY);
	}
	req->fsm_state = KV_ANSWER;

	return (HTTP_STATE_CONTINUE);
}

static int
kv_answer(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct dbk_cache_reply	*reply = &r->cache.replies[0];
	struct kore_buf		buf;
	MYSQL_ROW		row;

	if (r->db.state != DBK_DB_DONE) {
		dbk_respond_error(req, HTTP_STATUS_SERVICE_UNAVAILABLE);
		return (HTTP_STATE_COMPLETE);
	}
	row = dbk_db_row(&r->db, 0, NULL);

	kore_buf_init(&buf, 256);
	kore_buf_appendf(&buf, "<!doctype html><title>kv</title>"
	    "<p>redis: %s</p><p>mariadb: %s</p>\n",
	    reply->type == DBK_REPLY_STRING ? "hit" : "miss",
	    row != NULL ? "row" : "none");
	dbk_respond_buf(req, HTTP_STATUS_OK, "text/html; charset=utf-8",
	    &buf);
	kore_buf_cleanup(&buf);

	return (HTTP_STATE_COMPLETE);
}

#endif
