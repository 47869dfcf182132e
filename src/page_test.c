/*
 * Test-only routes, compiled in only with -DDBK_TEST_ROUTES (the build used
 * by `make test`) and routed by conf/routes-test.conf.  Never in a release.
 */

#if defined(DBK_TEST_ROUTES)

#include "daybook.h"

int	page_test_sleep(struct http_request *);
int	page_test_stats(struct http_request *);

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

#endif
