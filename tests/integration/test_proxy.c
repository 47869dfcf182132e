/*
 * DAYBOOK_TRUSTED_PROXIES: a server of its own (ASan module, one worker, on
 * 8085 + DAYBOOK_PORT_OFFSET) on the test stack that trusts 127.0.0.1, the
 * address every test request comes from.  There the login limit counts
 * failures for the address X-Forwarded-For names; on the normal test
 * server (no trusted proxies) the header is ignored.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "checks.h"
#include "harness.h"

#define REDIS_CLI	"redis-cli -p \"$DAYBOOK_REDIS_PORT\" -a " \
			"\"$(cat var/test/redis_password)\" --no-auth-warning"
#define WRONG		"Wrong email or password."

static char	base[64];

/*
 * Forget the per-address counters this test makes (the normal server
 * counts its one failure for 127.0.0.1).
 */
static void
forget_counters(void)
{
	(void)harness_run(REDIS_CLI " DEL dbk:rl:ip:203.0.113.7 "
	    "dbk:rl:ip:203.0.113.8 dbk:rl:ip:127.0.0.1 >/dev/null");
}

static void
proxy_stop(void)
{
	(void)harness_run("scripts/server.sh stop proxy --env test "
	    ">/dev/null");
	forget_counters();
}

static void
proxy_start(void)
{
	const char	*offset = getenv("DAYBOOK_PORT_OFFSET");
	int		 port = 8085 + (offset != NULL ? atoi(offset) : 0);

	(void)snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
	/* One left over by an interrupted run would hold the port. */
	proxy_stop();
	cr_assert_eq(harness_run("DAYBOOK_TRUSTED_PROXIES='10.0.0.0/8, "
	    "127.0.0.1' scripts/server.sh start proxy --env test --port %d "
	    "--workers 1 --module build/test/daybook.so >/dev/null", port), 0,
	    "the trusted-proxy server did not start");
}

/*
 * One test, so that Criterion never runs two of them (and two servers on
 * one port) at once.
 */
TestSuite(proxy, .init = proxy_start, .fini = proxy_stop, .timeout = 120);

/*
 * A failed login on base_url (a fresh unknown email, so only the address
 * counter matters) sent with X-Forwarded-For: xff; returns the status and
 * checks the body of a 200.
 */
static long
failed_login(const char *base_url, const char *xff)
{
	struct harness_client	*c = harness_client_new(base_url);
	struct harness_response	 r;
	char			 header[128], *email;
	long			 status;

	cr_assert_not_null(c);
	(void)snprintf(header, sizeof(header), "X-Forwarded-For: %s", xff);
	cr_assert_eq(harness_client_header(c, header), 0);
	email = harness_unique_email("proxied");
	login_post(c, email, "Pw-wrong-guess", NULL, &r);
	status = r.status;
	if (status == 200)
		cr_assert_not_null(strstr(r.body, WRONG), "%s", r.body);
	harness_response_free(&r);
	free(email);
	harness_client_free(c);
	return status;
}

/* Has Redis counted 20 failures for 203.0.113.7? */
static int
counted_twenty(void *arg)
{
	(void)arg;
	return harness_run("test \"$(" REDIS_CLI " GET dbk:rl:ip:203.0.113.7)\""
	    " = 20") == 0;
}

Test(proxy, forwarded_address_counted_only_behind_a_trusted_proxy)
{
	long	status;
	int	i;

	/*
	 * The proxy chain: a spoofed entry, the client, a trusted hop.  The
	 * client is the rightmost entry that is not a trusted proxy.
	 */
	for (i = 0; i < 20; i++) {
		status = failed_login(base,
		    "198.51.100.1, 203.0.113.7, 10.1.2.3");
		cr_assert_eq(status, 200, "failure %d: %ld", i + 1, status);
	}
	cr_assert(harness_poll_until(counted_twenty, NULL, 5000),
	    "Redis has not counted 20 failures for 203.0.113.7");
	/* That address is limited now, even with another spoofed entry... */
	cr_assert_eq(failed_login(base, "192.0.2.1,203.0.113.7"), 429);
	/* ... while another client behind the same proxy is not. */
	cr_assert_eq(failed_login(base, "203.0.113.7, 203.0.113.8"), 200);

	/* The normal server trusts no proxy: the header changes nothing. */
	cr_assert_eq(failed_login(harness_url(), "203.0.113.7"), 200);
	cr_assert(counted_twenty(NULL), "the normal server counted a "
	    "failure for a forwarded address");
}
