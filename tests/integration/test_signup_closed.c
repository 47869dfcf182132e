/*
 * DAYBOOK_SIGNUP=closed: a server of its own (ASan module, one worker, on
 * 8084 + DAYBOOK_PORT_OFFSET) on the test stack.  Nobody can sign up there;
 * an administrator creates the account, and its one-time link sets the
 * password on /password/reset, after which the person logs in.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "checks.h"
#include "harness.h"

#define ADMIN_TOOL	"build/daybook-admin"
#define NEW_PASSWORD	"Closed-7Qk-secret"

static char	base[64];

static void
closed_stop(void)
{
	(void)harness_run("scripts/server.sh stop closed --env test "
	    ">/dev/null");
}

static void
closed_start(void)
{
	const char	*offset = getenv("DAYBOOK_PORT_OFFSET");
	int		 port = 8084 + (offset != NULL ? atoi(offset) : 0);

	(void)snprintf(base, sizeof(base), "http://127.0.0.1:%d", port);
	/* One left over by an interrupted run would hold the port. */
	closed_stop();
	cr_assert_eq(harness_run("DAYBOOK_SIGNUP=closed scripts/server.sh "
	    "start closed --env test --port %d --workers 1 "
	    "--module build/test/daybook.so >/dev/null", port), 0,
	    "the closed-sign-up server did not start");
}

/*
 * One test, so that Criterion never runs two of them (and two servers on
 * one port) at once.
 */
TestSuite(signup_closed, .init = closed_start, .fini = closed_stop,
    .timeout = 90);

/* A new client of the closed server. */
static struct harness_client *
closed_client(void)
{
	struct harness_client	*c = harness_client_new(base);

	cr_assert_not_null(c);
	return c;
}

static void
nobody_signs_up(void)
{
	struct harness_client	*c = closed_client();
	struct harness_response	 r;
	char			*email = harness_unique_email("closed"), *csrf;
	char			*body;

	get_ok(c, "/signup", &r);
	cr_assert_eq(r.status, 404, "GET /signup: %ld", r.status);
	harness_response_free(&r);

	/* A well-formed sign-up with the login form's token: still 404. */
	csrf = csrf_of(c, "/login");
	body = harness_form("csrf", csrf, "email", email, "display_name",
	    "Closed", "password", PASSWORD, "password2", PASSWORD, NULL);
	post_ok(c, "/signup", body, &r);
	cr_assert_eq(r.status, 404, "POST /signup: %ld", r.status);
	harness_response_free(&r);
	free(body);
	cr_assert_eq(check_sql("SELECT COUNT(*) FROM users WHERE email = '%s'",
	    email), 0, "an account was made");

	/* The login page offers no sign-up. */
	body = check_page(c, "/login", 200);
	cr_assert_null(strstr(body, "href=\"/signup\""), "%s", body);

	free(body);
	free(csrf);
	free(email);
	harness_client_free(c);
}

/* The token of the one-time link /admin shows after creating email. */
static void
create_account(struct harness_client *admin, const char *email,
    char *token)
{
	struct harness_response	 r;
	char			*csrf, *form, *body, *at;

	csrf = csrf_of(admin, "/admin");
	form = harness_form("csrf", csrf, "email", email, "display_name",
	    "Made By Admin", NULL);
	post_ok(admin, "/admin/accounts", form, &r);
	assert_redirect(&r, "/admin");
	harness_response_free(&r);

	body = check_page(admin, "/admin", 200);
	at = strstr(body, "/password/reset?token=");
	cr_assert_not_null(at, "no link on /admin:\n%s", body);
	cr_assert_eq(sscanf(at + strlen("/password/reset?token="),
	    "%64[0-9a-f]", token), 1);
	cr_assert_eq(strlen(token), 64);

	free(body);
	free(form);
	free(csrf);
}

static void
an_administrator_lets_people_in(void)
{
	struct harness_client	*admin = closed_client(), *person;
	struct harness_response	 r;
	char			*admin_email = harness_unique_email("cadmin");
	char			*email = harness_unique_email("invited");
	char			*csrf, *form, path[128], token[65];

	cr_assert_eq(harness_run("printf '%%s\\n' '%s' | " ADMIN_TOOL
	    " create-user '%s' --admin >/dev/null", PASSWORD, admin_email),
	    0, "create-user --admin failed");
	login_post(admin, admin_email, PASSWORD, NULL, &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);

	create_account(admin, email, token);
	/* The account exists but its random password is unknown to all. */
	cr_assert_eq(check_sql("SELECT COUNT(*) FROM users WHERE email = '%s'",
	    email), 1);

	/* The link sets the password and logs the person in. */
	person = closed_client();
	(void)snprintf(path, sizeof(path), "/password/reset?token=%s", token);
	csrf = csrf_of(person, path);
	form = harness_form("csrf", csrf, "token", token, "password",
	    NEW_PASSWORD, "password2", NEW_PASSWORD, NULL);
	post_ok(person, "/password/reset", form, &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	cr_assert(session_alive(person));
	harness_client_free(person);

	/* From then on the person logs in like anyone else. */
	person = closed_client();
	login_post(person, email, NEW_PASSWORD, NULL, &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	harness_client_free(person);

	free(form);
	free(csrf);
	free(email);
	free(admin_email);
	harness_client_free(admin);
}

Test(signup_closed, nobody_signs_up_and_administrators_let_people_in)
{
	nobody_signs_up();
	an_administrator_lets_people_in();
}
