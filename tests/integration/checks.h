/*
 * Criterion checks shared by the page tests (test_accounts.c,
 * test_tasks.c, test_admin_web.c, test_worklog_data.c, ...): requests that
 * must get an answer, the CSRF token of a page, redirects, signing up and
 * logging in, pages that must answer a status.  The harness itself
 * reports errors instead of asserting, so these live here.
 */

#ifndef DBK_CHECKS_H
#define DBK_CHECKS_H

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "harness.h"

static inline void
get_ok(struct harness_client *c, const char *path,
    struct harness_response *r)
{
	cr_assert_eq(harness_get(c, path, r), 0, "GET %s: %s", path,
	    r->error);
}

static inline void
post_ok(struct harness_client *c, const char *path, const char *body,
    struct harness_response *r)
{
	cr_assert_eq(harness_post_form(c, path, body, r), 0, "POST %s: %s",
	    path, r->error);
}

/* The csrf token in the page at path (asserted 200); caller frees. */
static inline char *
csrf_of(struct harness_client *c, const char *path)
{
	struct harness_response	 r;
	char			*csrf;

	get_ok(c, path, &r);
	cr_assert_eq(r.status, 200, "GET %s: %ld", path, r.status);
	csrf = harness_input_value(r.body, "csrf");
	cr_assert(csrf != NULL && *csrf != '\0', "no csrf in %s", path);
	harness_response_free(&r);
	return csrf;
}

/* ---- Accounts: shared by test_accounts.c, test_tasks.c, test_admin_web.c */

#define PASSWORD	"Pw-zq8Xy-secret"

/* r is a 303 to exactly where. */
static inline void
assert_redirect(const struct harness_response *r, const char *where)
{
	char	*loc;

	cr_assert_eq(r->status, 303, "status %ld, want 303 to %s\n%s",
	    r->status, where, r->body ? r->body : "");
	loc = harness_header(r, "Location");
	cr_assert_not_null(loc, "no Location");
	cr_assert_str_eq(loc, where);
	free(loc);
}

/* POST /login with a fresh form on c; the response is left in r. */
static inline void
login_post(struct harness_client *c, const char *email, const char *pw,
    const char *next, struct harness_response *r)
{
	char	*csrf, *body;

	csrf = csrf_of(c, "/login");
	body = harness_form("csrf", csrf, "email", email, "password", pw,
	    "next", next ? next : "", NULL);
	post_ok(c, "/login", body, r);
	free(body);
	free(csrf);
}

/* email logged in with pw on a fresh client, or NULL when refused. */
static inline struct harness_client *
logged_in(const char *email, const char *pw)
{
	struct harness_client	*c = harness_client_new(NULL);
	struct harness_response	 r;
	int			 ok;

	cr_assert_not_null(c);
	login_post(c, email, pw, NULL, &r);
	ok = r.status == 303;
	harness_response_free(&r);
	if (!ok) {
		harness_client_free(c);
		return NULL;
	}
	return c;
}

/* Can email log in with pw (on a fresh client)? */
static inline int
can_log_in(const char *email, const char *pw)
{
	struct harness_client	*c = logged_in(email, pw);

	harness_client_free(c);
	return c != NULL;
}

/* Is c's session alive (GET /tasks 200, not a 303 to the login page)? */
static inline int
session_alive(struct harness_client *c)
{
	struct harness_response	 r;
	long			 status;

	get_ok(c, "/tasks", &r);
	status = r.status;
	if (status == 303) {
		char	*loc = harness_header(&r, "Location");

		cr_assert(loc != NULL && strncmp(loc, "/login", 6) == 0,
		    "303 to %s", loc ? loc : "(none)");
		free(loc);
	} else
		cr_assert_eq(status, 200);
	harness_response_free(&r);
	return status == 200;
}

/*
 * A new account (display name tag, password PASSWORD), signed up and so
 * logged in, on its own client.  Its email goes to *email_out (caller
 * frees) unless email_out is NULL.
 */
static inline struct harness_client *
signed_up(const char *tag, char **email_out)
{
	struct harness_client	*c = harness_client_new(NULL);
	struct harness_response	 r;
	char			*email, *csrf, *body;

	cr_assert_not_null(c);
	email = harness_unique_email(tag);
	csrf = csrf_of(c, "/signup");
	body = harness_form("csrf", csrf, "email", email, "display_name", tag,
	    "password", PASSWORD, "password2", PASSWORD, NULL);
	post_ok(c, "/signup", body, &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	free(body);
	free(csrf);
	if (email_out != NULL)
		*email_out = email;
	else
		free(email);
	return c;
}

/*
 * One statement on the test database (printf-style, test values only),
 * asserted to succeed.  Returns its first value as a number (-1 when it
 * returned no row), or for a statement without rows the affected rows.
 */
static inline long long
check_sql(const char *fmt, ...)
{
	va_list		 ap;
	char		*value;
	long long	 n;

	va_start(ap, fmt);
	value = harness_vsql(fmt, ap);
	va_end(ap);
	cr_assert_not_null(value, "SQL failed: %s", fmt);
	n = value[0] != '\0' ? strtoll(value, NULL, 10) : -1;
	free(value);
	return n;
}

/* GET path, asserted to answer status; the body, caller frees. */
static inline char *
check_page(struct harness_client *c, const char *path, long status)
{
	struct harness_response	 r;
	char			*body;

	get_ok(c, path, &r);
	cr_assert_eq(r.status, status, "GET %s: %ld, want %ld\n%s", path,
	    r.status, status, r.body);
	body = r.body;
	r.body = NULL;
	harness_response_free(&r);
	return body;
}

/* Today's date in zone tz as YYYY-MM-DD. */
static inline void
date_in_zone(const char *tz, char *out, size_t len)
{
	struct tm	tm;
	time_t		now = time(NULL);
	char		*old = getenv("TZ") ? strdup(getenv("TZ")) : NULL;

	setenv("TZ", tz, 1);
	tzset();
	localtime_r(&now, &tm);
	strftime(out, len, "%Y-%m-%d", &tm);
	if (old != NULL)
		setenv("TZ", old, 1);
	else
		unsetenv("TZ");
	tzset();
	free(old);
}

/* POST zone as the person's time zone on /account; asserted saved. */
static inline void
zone_set(struct harness_client *c, const char *zone)
{
	struct harness_response	 r;
	char			*csrf, *body;

	csrf = csrf_of(c, "/account");
	body = harness_form("csrf", csrf, "time_zone", zone, NULL);
	post_ok(c, "/account/time-zone", body, &r);
	assert_redirect(&r, "/account");
	harness_response_free(&r);
	free(body);
	free(csrf);
}

#endif
