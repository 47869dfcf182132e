/*
 * Outages, against the 2-worker test server: Redis stopped (pages still
 * served from MariaDB, /healthcheck says "redis":"down" with 200, one log
 * line per outage), MariaDB stopped (quick 503s, /livez still 200) and
 * both recovering without restarting daybook.  Stops and starts the test
 * stack's servers: run alone (make test-integration runs test_outage*
 * last, one test at a time).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"

#define MAIN_LOG	"var/test/kore-main.log"

static int
health_body_has(void *arg)
{
	const char		*needle = arg;
	struct harness_client	*c = harness_client_new(NULL);
	struct harness_response	resp;
	int			ok;

	ok = harness_get(c, "/healthcheck", &resp) == 0 &&
	    strstr(resp.body, needle) != NULL;
	harness_response_free(&resp);
	harness_client_free(c);

	return (ok);
}

static size_t
log_count(const char *needle)
{
	FILE	*fp;
	char	line[1024];
	size_t	n = 0;

	if ((fp = fopen(MAIN_LOG, "r")) == NULL)
		return (0);
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strstr(line, needle) != NULL)
			n++;
	}
	fclose(fp);

	return (n);
}

/* Sign up a fresh account on c; returns the CSRF token (caller frees). */
static char *
sign_up(struct harness_client *c, const char *tag)
{
	struct harness_response	resp;
	char			body[512], *csrf;

	cr_assert_eq(harness_get(c, "/signup", &resp), 0);
	csrf = harness_input_value(resp.body, "csrf");
	cr_assert_not_null(csrf);
	harness_response_free(&resp);

	(void)snprintf(body, sizeof(body), "csrf=%s&email=outage-%s-%d%%40"
	    "example.com&display_name=Outage&password=outage-pass-1&"
	    "password2=outage-pass-1", csrf, tag, getpid());
	free(csrf);
	cr_assert_eq(harness_post_form(c, "/signup", body, &resp), 0);
	cr_assert_eq(resp.status, 303, "signup answered %ld", resp.status);
	harness_response_free(&resp);

	cr_assert_eq(harness_get(c, "/tasks", &resp), 0);
	cr_assert_eq(resp.status, 200);
	csrf = harness_input_value(resp.body, "csrf");
	harness_response_free(&resp);

	return (csrf);
}

static void
add_task(struct harness_client *c, const char *csrf, const char *title)
{
	struct harness_response	resp;
	char			body[256], *enc;

	enc = harness_urlencode(title);
	(void)snprintf(body, sizeof(body), "csrf=%s&titles=%s", csrf, enc);
	free(enc);
	cr_assert_eq(harness_post_form(c, "/tasks", body, &resp), 0);
	cr_assert_eq(resp.status, 303, "add answered %ld", resp.status);
	harness_response_free(&resp);
}

static void
assert_listed(struct harness_client *c, const char *title)
{
	struct harness_response	resp;

	cr_assert_eq(harness_get(c, "/tasks", &resp), 0);
	cr_assert_eq(resp.status, 200);
	cr_assert_not_null(strstr(resp.body, title), "%s missing", title);
	harness_response_free(&resp);
}

Test(outage, redis_down_pages_still_served)
{
	struct harness_client	*c = harness_client_new(NULL);
	struct harness_response	resp;
	char			*csrf;
	size_t			before;
	int			i;

	csrf = sign_up(c, "redis");
	add_task(c, csrf, "before the Redis outage");
	before = log_count("Redis unavailable");

	cr_assert_eq(harness_stack("stop-redis"), 0);
	cr_assert(harness_poll_until(health_body_has, "\"redis\":\"down\"",
	    5000), "healthcheck never reported Redis down");

	for (i = 0; i < 20; i++) {
		cr_assert_eq(harness_get(c, "/healthcheck", &resp), 0);
		cr_assert_eq(resp.status, 200);
		cr_assert_str_eq(resp.body, "{\"status\":\"ok\","
		    "\"mariadb\":\"ok\",\"redis\":\"down\"}\n");
		harness_response_free(&resp);
	}

	/* Reads and writes keep working, from MariaDB. */
	assert_listed(c, "before the Redis outage");
	add_task(c, csrf, "during the Redis outage");
	assert_listed(c, "during the Redis outage");

	/* Once per outage and worker, not once per request. */
	cr_assert_leq(log_count("Redis unavailable") - before, 2,
	    "the outage was logged per request");

	cr_assert_eq(harness_stack("start-redis"), 0);
	cr_assert(harness_poll_until(health_body_has, "\"redis\":\"ok\"",
	    10000), "Redis did not come back");

	/* After the outage the cache must not serve anything older. */
	add_task(c, csrf, "after the Redis outage");
	assert_listed(c, "during the Redis outage");
	assert_listed(c, "after the Redis outage");
	free(csrf);
	harness_client_free(c);
}

Test(outage, mariadb_down_quick_503_and_recovery)
{
	struct harness_client	*c = harness_client_new(NULL);
	struct harness_response	resp;
	char			*csrf;
	int			i;

	csrf = sign_up(c, "mariadb");
	add_task(c, csrf, "before the MariaDB outage");

	cr_assert_eq(harness_stack("stop-mariadb"), 0);
	cr_assert(harness_poll_until(health_body_has, "\"mariadb\":\"down\"",
	    5000), "healthcheck never reported MariaDB down");

	for (i = 0; i < 10; i++) {
		cr_assert_eq(harness_get(c, "/healthcheck", &resp), 0);
		cr_assert_eq(resp.status, 503);
		cr_assert_not_null(strstr(resp.body, "\"mariadb\":\"down\""));
		cr_assert_lt(resp.elapsed_ms, 1000.0, "503 took %.0f ms",
		    resp.elapsed_ms);
		harness_response_free(&resp);

		cr_assert_eq(harness_get(c, "/livez", &resp), 0);
		cr_assert_eq(resp.status, 200);
		harness_response_free(&resp);
	}

	/* A write needs MariaDB: a short 503 page, quickly. */
	cr_assert_eq(harness_post_form(c, "/tasks", "csrf=x&titles=y", &resp),
	    0);
	cr_assert(resp.status == 503 || resp.status == 403);
	cr_assert_lt(resp.elapsed_ms, 1000.0);
	harness_response_free(&resp);

	cr_assert_eq(harness_stack("start-mariadb"), 0);
	cr_assert(harness_wait_status(harness_url(), "/healthcheck", 200,
	    30000), "daybook did not recover when MariaDB came back");

	/* Nothing lost, writes work again. */
	assert_listed(c, "before the MariaDB outage");
	add_task(c, csrf, "after the MariaDB outage");
	assert_listed(c, "after the MariaDB outage");
	free(csrf);
	harness_client_free(c);
}
