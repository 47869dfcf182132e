/*
 * Nothing blocks a worker: with ONE worker, a request held by a 3-second
 * query (the test-only route /__test/sleep) does not delay /healthcheck or
 * a page by more than 100 ms.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"

static int
sleep_query_running(void *arg)
{
	struct harness_client	*c = arg;
	struct harness_response	resp;
	int			busy;

	busy = 0;
	if (harness_get(c, "/__test/stats", &resp) == 0 && resp.status == 200)
		busy = strstr(resp.body, "\"busy\":0,") == NULL;
	harness_response_free(&resp);

	return (busy);
}

Test(nonblocking, slow_query_does_not_hold_up_the_worker)
{
	struct harness_client	*c;
	struct harness_response	resp, slow;
	struct harness_bg	*bg;
	double			start;
	int			i;

	c = harness_client_new(harness_url_one_worker());
	cr_assert_not_null(c);

	/* Warm: every pooled connection is up. */
	cr_assert(harness_wait_status(harness_url_one_worker(),
	    "/healthcheck", 200, 10000));

	start = harness_now_ms();
	bg = harness_bg_get(harness_url_one_worker(), "/__test/sleep");
	cr_assert_not_null(bg);
	cr_assert(harness_poll_until(sleep_query_running, c, 2000),
	    "the slow query never started");

	for (i = 0; i < 5; i++) {
		cr_assert_eq(harness_get(c, "/healthcheck", &resp), 0);
		cr_assert_eq(resp.status, 200);
		cr_assert_lt(resp.elapsed_ms, 100.0,
		    "healthcheck took %.1f ms behind a slow query",
		    resp.elapsed_ms);
		harness_response_free(&resp);

		cr_assert_eq(harness_get(c, "/login", &resp), 0);
		cr_assert_eq(resp.status, 200);
		cr_assert_lt(resp.elapsed_ms, 100.0,
		    "a page took %.1f ms behind a slow query",
		    resp.elapsed_ms);
		harness_response_free(&resp);
	}

	/* The slow request was really slow, and still finished fine. */
	cr_assert(sleep_query_running(c), "slow query finished too early "
	    "to prove anything");
	cr_assert_eq(harness_bg_wait(bg, &slow), 0);
	cr_assert_eq(slow.status, 200);
	cr_assert_str_eq(slow.body, "slept\n");
	cr_assert_geq(harness_now_ms() - start, 2900.0);
	harness_response_free(&slow);
	harness_client_free(c);
}
