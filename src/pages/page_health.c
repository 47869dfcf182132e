/*
 * Health: /healthcheck (MariaDB and Redis, for readiness) and /livez (the
 * worker serves, for liveness; touches neither).
 */

#include "runtime/daybook.h"

#define HEALTH_DB_TIMEOUT_MS	1000

int	page_healthcheck(struct http_request *);
int	page_livez(struct http_request *);

enum health_state {
	HEALTH_START,
	HEALTH_WAIT,
	HEALTH_ANSWER
};

static int	health_start(struct http_request *);
static int	health_wait(struct http_request *);
static int	health_answer(struct http_request *);

static struct http_state	health_states[] = {
	{ "HEALTH_START",	health_start },
	{ "HEALTH_WAIT",	health_wait },
	{ "HEALTH_ANSWER",	health_answer },
};

int
page_healthcheck(struct http_request *req)
{
	(void)dbk_request_get(req, 0);

	return (http_state_run(health_states,
	    sizeof(health_states) / sizeof(health_states[0]), req));
}

int
page_livez(struct http_request *req)
{
	static const char	body[] = "{\"status\":\"ok\"}\n";

	(void)dbk_request_get(req, 0);
	http_response_header(req, "cache-control", "no-store");
	dbk_respond(req, HTTP_STATUS_OK, "application/json", body,
	    sizeof(body) - 1);

	return (KORE_RESULT_OK);
}

/* Ask both at once: SELECT 1 on MariaDB, PING on Redis. */
static int
health_start(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	static const char	*ping[] = { "PING" };
	static const size_t	pinglen[] = { 4 };

	r->db.timeout_ms = HEALTH_DB_TIMEOUT_MS;
	(void)dbk_db_query(&r->db, "SELECT 1", NULL, 0);

	(void)dbk_cache_command(&r->cache, 1, ping, pinglen);
	dbk_cache_send(&r->cache);

	req->fsm_state = HEALTH_WAIT;
	return (HTTP_STATE_CONTINUE);
}

static int
health_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);

	if (dbk_db_pending(&r->db) || dbk_cache_pending(&r->cache)) {
		http_request_sleep(req);
		return (HTTP_STATE_RETRY);
	}

	req->fsm_state = HEALTH_ANSWER;
	return (HTTP_STATE_CONTINUE);
}

static int
health_answer(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct kore_buf		buf;
	int			db_ok, redis_ok;

	db_ok = (r->db.state == DBK_DB_DONE);
	redis_ok = (r->cache.replies[0].type == DBK_REPLY_STRING);

	kore_buf_init(&buf, 128);
	kore_buf_appendf(&buf,
	    "{\"status\":\"%s\",\"mariadb\":\"%s\",\"redis\":\"%s\"}\n",
	    db_ok ? "ok" : "unavailable", db_ok ? "ok" : "down",
	    redis_ok ? "ok" : "down");

	http_response_header(req, "cache-control", "no-store");
	dbk_respond_buf(req, db_ok ? HTTP_STATUS_OK :
	    HTTP_STATUS_SERVICE_UNAVAILABLE, "application/json", &buf);
	kore_buf_cleanup(&buf);

	return (HTTP_STATE_COMPLETE);
}
