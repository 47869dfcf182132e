/*
 * Accounts over HTTP against the running test server (issue 4): sign up and
 * its validation, log in, the post-login redirect (and no open redirect),
 * login limiting, session fixation, log out, CSRF on the account forms,
 * redirects to /login for pages behind a login, security headers.
 *
 * Every test makes its own account (t<pid>-<n>-<name>@example.com), so the
 * tests are independent and may run in parallel (--jobs 2).
 */

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "checks.h"
#include "harness.h"

#define PASSWORD	"Pw-zq8Xy-secret"
#define NAME		"Ada Tester"



static struct harness_client *
client_new(void)
{
	struct harness_client	*c = harness_client_new(NULL);

	cr_assert_not_null(c);
	return c;
}

/* A client that sends exactly this Cookie header and has no jar cookies. */
static struct harness_client *
client_with_cookie(const char *cookie)
{
	struct harness_client	*c = client_new();
	char			*line;

	cr_assert(asprintf(&line, "Cookie: %s", cookie) != -1);
	cr_assert_eq(harness_client_header(c, line), 0);
	free(line);
	return c;
}

/* The location header, asserted present; caller frees. */
static char *
location(const struct harness_response *r)
{
	char	*loc = harness_header(r, "Location");

	cr_assert_not_null(loc, "no Location (status %ld)", r->status);
	return loc;
}

/* Percent-decoded s (a query value); caller frees. */
static char *
url_decode(const char *s)
{
	char		*out, *o;
	unsigned int	 byte;

	out = malloc(strlen(s) + 1);
	cr_assert_not_null(out);
	for (o = out; *s != '\0'; s++) {
		if (*s == '%' && isxdigit((unsigned char)s[1]) &&
		    isxdigit((unsigned char)s[2]) &&
		    sscanf(s + 1, "%2x", &byte) == 1) {
			*o++ = (char)byte;
			s += 2;
		} else
			*o++ = *s == '+' ? ' ' : *s;
	}
	*o = '\0';
	return out;
}

/* A 303 to /login?next=X where X decodes to next. */
static void
assert_login_redirect(const struct harness_response *r, const char *next)
{
	char	*loc, *decoded;

	cr_assert_eq(r->status, 303, "status %ld, want 303 to /login",
	    r->status);
	loc = location(r);
	cr_assert(strncmp(loc, "/login?next=", 12) == 0, "Location: %s", loc);
	decoded = url_decode(loc + 12);
	cr_assert_str_eq(decoded, next, "Location: %s", loc);
	free(decoded);
	free(loc);
}

/* The Set-Cookie line for cookie name (attributes included); caller frees. */
static char *
set_cookie_line(const struct harness_response *r, const char *name)
{
	const char	*p, *end;
	size_t		 nlen = strlen(name);

	for (p = r->headers; p != NULL && *p != '\0'; p = end) {
		end = strchr(p, '\n');
		end = end ? end + 1 : p + strlen(p);
		if (strncasecmp(p, "set-cookie:", 11) != 0)
			continue;
		p += 11;
		while (*p == ' ')
			p++;
		if (strncmp(p, name, nlen) == 0 && p[nlen] == '=')
			return strndup(p, (size_t)(end - p));
	}
	return NULL;
}

/* The value in a Set-Cookie line for name, or NULL; caller frees. */
static char *
set_cookie_value(const struct harness_response *r, const char *name)
{
	char	*line, *value;
	size_t	 n;

	if ((line = set_cookie_line(r, name)) == NULL)
		return NULL;
	n = strcspn(line + strlen(name) + 1, ";\r\n");
	value = strndup(line + strlen(name) + 1, n);
	free(line);
	return value;
}

/* POST /signup on c (fresh form); the response is left in r. */
static void
signup_post(struct harness_client *c, const char *email, const char *name,
    const char *pw, const char *pw2, struct harness_response *r)
{
	char	*csrf, *body;

	csrf = csrf_of(c, "/signup");
	body = harness_form("csrf", csrf, "email", email, "display_name", name,
	    "password", pw, "password2", pw2, NULL);
	post_ok(c, "/signup", body, r);
	free(body);
	free(csrf);
}

/*
 * Failed logins also count against the client address (20 per 15 min), and
 * every test connects from 127.0.0.1: forget that counter before a test
 * that fails logins on purpose, so that repeated runs stay independent.
 */
static void
forget_address_failures(void)
{
	harness_run("redis-cli -p \"$DAYBOOK_REDIS_PORT\" -a \"$(cat var/test/redis_password)\" "
	    "--no-auth-warning DEL dbk:rl:ip:127.0.0.1 >/dev/null");
}

/* Is the page for a logged-in person (has the log out form)? */
static int
logged_in_page(const char *body)
{
	return strstr(body, "action=\"/logout\"") != NULL;
}

static void
assert_form_kept(const char *body, const char *email, const char *name)
{
	char	*v;

	v = harness_input_value(body, "email");
	cr_assert_not_null(v, "email input missing");
	/* Kept, possibly normalised to lower case. */
	cr_assert(strcasecmp(v, email) == 0, "email input holds \"%s\", not "
	    "\"%s\"", v, email);
	free(v);
	v = harness_input_value(body, "display_name");
	cr_assert_not_null(v, "display_name input missing");
	cr_assert_str_eq(v, name);
	free(v);
	cr_assert_null(strstr(body, PASSWORD), "password echoed back");
}

TestSuite(accounts, .timeout = 60);

Test(accounts, signup_page_has_pre_cookie_csrf_and_security_headers)
{
	struct harness_client	*c = client_new();
	struct harness_response	 r;
	char			*csrf, *pre, *h;

	get_ok(c, "/signup", &r);
	cr_assert_eq(r.status, 200);
	csrf = harness_input_value(r.body, "csrf");
	cr_assert(csrf != NULL && strlen(csrf) >= 16, "csrf: %s", csrf);
	pre = harness_cookie(c, "dbk_pre");
	cr_assert(pre != NULL && *pre != '\0', "no dbk_pre cookie");
	cr_assert(strstr(r.body, "action=\"/signup\"") != NULL);

	h = harness_header(&r, "Content-Security-Policy");
	cr_assert_not_null(h, "no CSP");
	cr_assert_null(strstr(h, "unsafe-inline"), "CSP: %s", h);
	free(h);
	h = harness_header(&r, "X-Content-Type-Options");
	cr_assert(h != NULL && strcasecmp(h, "nosniff") == 0);
	free(h);
	h = harness_header(&r, "Referrer-Policy");
	cr_assert(h != NULL && strcasecmp(h, "same-origin") == 0);
	free(h);
	h = harness_header(&r, "X-Frame-Options");
	cr_assert(h != NULL && strcasecmp(h, "DENY") == 0);
	free(h);

	free(pre);
	free(csrf);
	harness_response_free(&r);
	harness_client_free(c);
}

Test(accounts, signup_creates_session_cookie_and_redirects)
{
	struct harness_client	*c = client_new(), *other;
	struct harness_response	 r;
	char			*email = harness_unique_email("signup");
	char			*line, *value, *cookie;

	signup_post(c, email, NAME, PASSWORD, PASSWORD, &r);
	assert_redirect(&r, "/tasks");
	line = set_cookie_line(&r, "dbk_session");
	cr_assert_not_null(line, "no dbk_session cookie set");
	cr_assert(strcasestr(line, "HttpOnly") != NULL, "%s", line);
	cr_assert(strcasestr(line, "SameSite=Lax") != NULL, "%s", line);
	cr_assert(strcasestr(line, "Path=/") != NULL, "%s", line);
	cr_assert_null(strcasestr(line, "Secure"), "Secure on http: %s", line);
	value = set_cookie_value(&r, "dbk_session");
	cr_assert(value != NULL && strlen(value) >= 43, "token: %s", value);
	harness_response_free(&r);

	get_ok(c, "/tasks", &r);
	cr_assert_eq(r.status, 200);
	cr_assert(logged_in_page(r.body));
	cr_assert(strstr(r.body, NAME) != NULL, "display name not shown");
	harness_response_free(&r);

	/* The cookie alone is the session. */
	cr_assert(asprintf(&cookie, "dbk_session=%s", value) != -1);
	other = client_with_cookie(cookie);
	get_ok(other, "/tasks", &r);
	cr_assert_eq(r.status, 200);
	harness_response_free(&r);
	get_ok(other, "/", &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);

	cr_assert(can_log_in(email, PASSWORD));

	free(cookie);
	free(value);
	free(line);
	free(email);
	harness_client_free(other);
	harness_client_free(c);
}

Test(accounts, signup_unicode_name_of_100_characters_is_accepted)
{
	struct harness_client	*c = client_new();
	struct harness_response	 r;
	char			*email = harness_unique_email("name100");
	char			 name[201];
	int			 i;

	for (i = 0; i < 100; i++)
		memcpy(name + 2 * i, "\xc3\xa9", 2);
	name[200] = '\0';
	signup_post(c, email, name, PASSWORD, PASSWORD, &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	free(email);
	harness_client_free(c);
}

/* Sign-up errors: 422, the form again with input kept, no password. */
static void
signup_rejected(const char *email, const char *name, const char *pw,
    const char *pw2, const char *message)
{
	struct harness_client	*c = client_new();
	struct harness_response	 r;

	signup_post(c, email, name, pw, pw2, &r);
	cr_assert_eq(r.status, 422, "status %ld for %s", r.status, message);
	cr_assert_eq(set_cookie_line(&r, "dbk_session"), NULL);
	cr_assert(strstr(r.body, message) != NULL, "no \"%s\" in\n%s",
	    message, r.body);
	cr_assert(strstr(r.body, "action=\"/signup\"") != NULL);
	assert_form_kept(r.body, email, name);
	cr_assert_null(strstr(r.body, pw), "password echoed back");
	cr_assert_null(strstr(r.body, pw2), "password echoed back");
	harness_response_free(&r);
	harness_client_free(c);
}

Test(accounts, signup_rejects_invalid_email)
{
	signup_rejected("not-an-email", NAME, PASSWORD, PASSWORD,
	    "Enter a valid email address.");
	forget_address_failures();
	cr_assert_not(can_log_in("not-an-email", PASSWORD));
}

Test(accounts, signup_rejects_empty_name)
{
	char	*email = harness_unique_email("noname");

	signup_rejected(email, "", PASSWORD, PASSWORD,
	    "Enter a name of 1 to 100 characters.");
	forget_address_failures();
	cr_assert_not(can_log_in(email, PASSWORD));
	free(email);
}

Test(accounts, signup_rejects_name_over_100_characters)
{
	char	*email = harness_unique_email("longname");
	char	 name[102];

	memset(name, 'n', 101);
	name[101] = '\0';
	signup_rejected(email, name, PASSWORD, PASSWORD,
	    "Enter a name of 1 to 100 characters.");
	forget_address_failures();
	cr_assert_not(can_log_in(email, PASSWORD));
	free(email);
}

Test(accounts, signup_rejects_short_password)
{
	char	*email = harness_unique_email("shortpw");

	signup_rejected(email, NAME, "Pw-7chr", "Pw-7chr",
	    "Choose a password of at least 8 characters.");
	forget_address_failures();
	cr_assert_not(can_log_in(email, "Pw-7chr"));
	free(email);
}

Test(accounts, signup_rejects_different_passwords)
{
	char	*email = harness_unique_email("pwdiffer");

	signup_rejected(email, NAME, PASSWORD, "Pw-zq8Xy-other",
	    "The two passwords differ.");
	forget_address_failures();
	cr_assert_not(can_log_in(email, PASSWORD));
	free(email);
}

Test(accounts, signup_rejects_taken_email)
{
	struct harness_client	*c;
	char			*email;

	c = signed_up("taken", &email);
	signup_rejected(email, "Someone Else", "Pw-another-one",
	    "Pw-another-one", "exists already");
	/* The first account is unchanged. */
	cr_assert(can_log_in(email, PASSWORD));
	free(email);
	harness_client_free(c);
}

Test(accounts, signup_without_or_with_wrong_csrf_is_403)
{
	struct harness_client	*c = client_new();
	struct harness_response	 r;
	char			*email = harness_unique_email("nocsrf");
	char			*csrf, *body;

	csrf = csrf_of(c, "/signup");
	body = harness_form("email", email, "display_name", NAME, "password",
	    PASSWORD, "password2", PASSWORD, NULL);
	post_ok(c, "/signup", body, &r);
	cr_assert_eq(r.status, 403);
	cr_assert_null(set_cookie_line(&r, "dbk_session"));
	harness_response_free(&r);
	free(body);

	body = harness_form("csrf", "0123456789abcdef0123456789abcdef",
	    "email", email,
	    "display_name", NAME, "password", PASSWORD, "password2", PASSWORD,
	    NULL);
	post_ok(c, "/signup", body, &r);
	cr_assert_eq(r.status, 403);
	harness_response_free(&r);
	free(body);

	/* A good token with another client's pre-session cookie. */
	harness_cookies_clear(c);
	free(csrf_of(c, "/login"));
	body = harness_form("csrf", csrf, "email", email, "display_name", NAME,
	    "password", PASSWORD, "password2", PASSWORD, NULL);
	harness_cookies_clear(c);
	post_ok(c, "/signup", body, &r);
	cr_assert_eq(r.status, 403);
	harness_response_free(&r);
	free(body);

	forget_address_failures();
	cr_assert_not(can_log_in(email, PASSWORD), "account was created");
	free(csrf);
	free(email);
	harness_client_free(c);
}

Test(accounts, login_page_keeps_next)
{
	struct harness_client	*c = client_new();
	struct harness_response	 r;
	char			*next, *csrf;

	get_ok(c, "/login?next=%2Ftasks%3Ffilter%3Ddone", &r);
	cr_assert_eq(r.status, 200);
	csrf = harness_input_value(r.body, "csrf");
	cr_assert(csrf != NULL && *csrf != '\0');
	next = harness_input_value(r.body, "next");
	cr_assert_not_null(next, "no hidden next input");
	cr_assert_str_eq(next, "/tasks?filter=done");
	cr_assert(strstr(r.body, "action=\"/login\"") != NULL);
	free(next);
	free(csrf);
	harness_response_free(&r);
	harness_client_free(c);
}

Test(accounts, login_redirects_to_next_with_new_session)
{
	struct harness_client	*c, *fresh = client_new();
	struct harness_response	 r;
	char			*email, *before, *after;

	c = signed_up("login", &email);
	before = harness_cookie(c, "dbk_session");
	cr_assert_not_null(before);

	login_post(fresh, email, PASSWORD, "/tasks?filter=done", &r);
	assert_redirect(&r, "/tasks?filter=done");
	after = set_cookie_value(&r, "dbk_session");
	cr_assert(after != NULL && *after != '\0', "no new session cookie");
	cr_assert_str_neq(after, before);
	harness_response_free(&r);

	get_ok(fresh, "/tasks?filter=done", &r);
	cr_assert_eq(r.status, 200);
	cr_assert(logged_in_page(r.body));
	harness_response_free(&r);

	/* Without next: /tasks.  Sessions of one account are independent. */
	harness_client_free(fresh);
	fresh = client_new();
	login_post(fresh, email, PASSWORD, NULL, &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	get_ok(c, "/tasks", &r);
	cr_assert_eq(r.status, 200, "the first session was lost");
	harness_response_free(&r);

	free(after);
	free(before);
	free(email);
	harness_client_free(fresh);
	harness_client_free(c);
}

Test(accounts, login_after_redirect_returns_to_the_page)
{
	struct harness_client	*c, *anon = client_new();
	struct harness_response	 r;
	char			*email, *loc, *next, *csrf, *body;

	c = signed_up("backto", &email);
	get_ok(anon, "/tasks?filter=done", &r);
	assert_login_redirect(&r, "/tasks?filter=done");
	loc = location(&r);
	harness_response_free(&r);

	get_ok(anon, loc, &r);
	cr_assert_eq(r.status, 200);
	next = harness_input_value(r.body, "next");
	csrf = harness_input_value(r.body, "csrf");
	cr_assert(next != NULL && csrf != NULL);
	harness_response_free(&r);

	body = harness_form("csrf", csrf, "email", email, "password", PASSWORD,
	    "next", next, NULL);
	post_ok(anon, "/login", body, &r);
	assert_redirect(&r, "/tasks?filter=done");
	harness_response_free(&r);

	free(body);
	free(csrf);
	free(next);
	free(loc);
	free(email);
	harness_client_free(anon);
	harness_client_free(c);
}

Test(accounts, login_wrong_password_or_unknown_email)
{
	struct harness_client	*c, *anon = client_new();
	struct harness_response	 r;
	char			*email, *unknown;
	char			*v;

	unknown = harness_unique_email("nobody");
	forget_address_failures();
	c = signed_up("wrongpw", &email);

	login_post(anon, email, "Pw-not-the-one", NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert(strstr(r.body, "Wrong email or password.") != NULL);
	cr_assert_null(set_cookie_line(&r, "dbk_session"));
	cr_assert_null(strstr(r.body, "Pw-not-the-one"), "password echoed");
	v = harness_input_value(r.body, "email");
	cr_assert(v != NULL && strcmp(v, email) == 0, "email not kept");
	free(v);
	harness_response_free(&r);

	login_post(anon, unknown, PASSWORD, NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert(strstr(r.body, "Wrong email or password.") != NULL);
	cr_assert_null(set_cookie_line(&r, "dbk_session"));
	cr_assert_null(strstr(r.body, PASSWORD), "password echoed");
	harness_response_free(&r);

	get_ok(anon, "/tasks", &r);
	assert_login_redirect(&r, "/tasks");
	harness_response_free(&r);

	forget_address_failures();
	free(unknown);
	free(email);
	harness_client_free(anon);
	harness_client_free(c);
}

/* Does "Try again in N minutes." appear, with 1 <= N <= 15? */
static int
says_try_again(const char *body)
{
	const char	*p;
	int		 n;

	p = strstr(body, "Too many failed attempts. Try again in ");
	if (p == NULL)
		return 0;
	p += strlen("Too many failed attempts. Try again in ");
	n = atoi(p);
	while (isdigit((unsigned char)*p))
		p++;
	return n >= 1 && n <= 15 && (strncmp(p, " minutes.", 9) == 0 ||
	    (n == 1 && strncmp(p, " minute.", 8) == 0));
}

Test(accounts, login_limited_after_five_failures)
{
	struct harness_client	*c, *anon = client_new();
	struct harness_response	 r;
	char			*email, *other_email;
	struct harness_client	*other;
	int			 i;

	forget_address_failures();
	c = signed_up("limit", &email);
	other = signed_up("notlimited", &other_email);
	for (i = 0; i < 5; i++) {
		login_post(anon, email, "Pw-wrong-guess", NULL, &r);
		cr_assert_eq(r.status, 200, "attempt %d: %ld", i + 1,
		    r.status);
		cr_assert(strstr(r.body, "Wrong email or password.") != NULL);
		harness_response_free(&r);
	}
	login_post(anon, email, PASSWORD, NULL, &r);
	cr_assert_eq(r.status, 429, "right password after 5 failures: %ld",
	    r.status);
	cr_assert(says_try_again(r.body), "no retry message in\n%s", r.body);
	cr_assert_null(set_cookie_line(&r, "dbk_session"));
	harness_response_free(&r);

	login_post(anon, email, "Pw-wrong-guess", NULL, &r);
	cr_assert_eq(r.status, 429);
	harness_response_free(&r);

	/* Another account from the same address is not limited. */
	login_post(anon, other_email, PASSWORD, NULL, &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);

	forget_address_failures();
	free(other_email);
	free(email);
	harness_client_free(other);
	harness_client_free(anon);
	harness_client_free(c);
}

Test(accounts, login_next_is_never_an_open_redirect)
{
	static const char	*evil[] = {
		"//evil.example", "https://evil.example", "/\\evil.example",
		"http://evil.example/tasks", "///evil.example", "/\\/evil",
		"javascript:alert(1)", "\\\\evil.example", "/\\\\evil.example",
		"/\t/evil.example", "/\n/evil.example", "/tasks\r\nX-Evil: 1",
		" //evil.example", "\t//evil.example",
	};
	struct harness_client	*c, *anon;
	struct harness_response	 r;
	char			*email;
	size_t			 i;

	c = signed_up("openredir", &email);
	for (i = 0; i < sizeof(evil) / sizeof(evil[0]); i++) {
		anon = client_new();
		login_post(anon, email, PASSWORD, evil[i], &r);
		cr_assert_eq(r.status, 303, "next=%s: %ld", evil[i], r.status);
		assert_redirect(&r, "/tasks");
		cr_assert_eq(harness_header_count(&r, "X-Evil"), 0);
		harness_response_free(&r);
		harness_client_free(anon);
	}

	/* A logged-in GET /login?next=... redirects the same way. */
	get_ok(c, "/login?next=%2F%2Fevil.example", &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	get_ok(c, "/login?next=%2Ftasks%3Ffilter%3Dall", &r);
	assert_redirect(&r, "/tasks?filter=all");
	harness_response_free(&r);

	free(email);
	harness_client_free(c);
}

#define PLANTED	"1.00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

Test(accounts, login_replaces_existing_session_no_fixation)
{
	struct harness_client	*c = client_new(), *old_only, *planted;
	struct harness_response	 r;
	char			*email, *csrf, *body, *first, *second, *cookie;
	char			*pre;
	struct harness_client	*owner;

	owner = signed_up("fixation", &email);

	/* One client logs in twice with the same login form. */
	csrf = csrf_of(c, "/login");
	body = harness_form("csrf", csrf, "email", email, "password", PASSWORD,
	    "next", "", NULL);
	post_ok(c, "/login", body, &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	first = harness_cookie(c, "dbk_session");
	cr_assert_not_null(first);

	post_ok(c, "/login", body, &r);
	assert_redirect(&r, "/tasks");
	second = set_cookie_value(&r, "dbk_session");
	cr_assert(second != NULL && *second != '\0', "no new cookie");
	cr_assert_str_neq(first, second, "session token kept over login");
	harness_response_free(&r);

	get_ok(c, "/tasks", &r);
	cr_assert_eq(r.status, 200, "the new session does not work");
	harness_response_free(&r);

	cr_assert(asprintf(&cookie, "dbk_session=%s", first) != -1);
	old_only = client_with_cookie(cookie);
	get_ok(old_only, "/tasks", &r);
	assert_login_redirect(&r, "/tasks");
	harness_response_free(&r);
	free(cookie);

	/* A token planted by someone else is not adopted either. */
	harness_client_free(c);
	c = client_new();
	free(csrf);
	csrf = csrf_of(c, "/login");
	pre = harness_cookie(c, "dbk_pre");
	cr_assert_not_null(pre);
	cr_assert(asprintf(&cookie, "dbk_pre=%s; dbk_session=%s", pre,
	    PLANTED) != -1);
	planted = client_with_cookie(cookie);
	free(body);
	body = harness_form("csrf", csrf, "email", email, "password",
	    PASSWORD, NULL);
	post_ok(planted, "/login", body, &r);
	assert_redirect(&r, "/tasks");
	free(second);
	second = set_cookie_value(&r, "dbk_session");
	cr_assert_not_null(second, "no new cookie over a planted one");
	cr_assert_str_neq(second, PLANTED);
	free(cookie);
	free(pre);
	harness_response_free(&r);

	free(second);
	free(first);
	free(body);
	free(csrf);
	free(email);
	harness_client_free(planted);
	harness_client_free(old_only);
	harness_client_free(owner);
	harness_client_free(c);
}

Test(accounts, pages_behind_login_redirect_to_login)
{
	struct harness_client	*anon = client_new(), *c;
	struct harness_response	 r;
	char			*email;

	get_ok(anon, "/tasks", &r);
	assert_login_redirect(&r, "/tasks");
	harness_response_free(&r);
	get_ok(anon, "/tasks?filter=done", &r);
	assert_login_redirect(&r, "/tasks?filter=done");
	harness_response_free(&r);
	get_ok(anon, "/tasks/1/edit", &r);
	assert_login_redirect(&r, "/tasks/1/edit");
	harness_response_free(&r);
	get_ok(anon, "/", &r);
	assert_redirect(&r, "/login");
	harness_response_free(&r);

	/* A POST without a session does not reach the handler's work. */
	post_ok(anon, "/tasks", "csrf=x&titles=sneaky", &r);
	cr_assert(r.status == 303 || r.status == 403, "POST /tasks: %ld",
	    r.status);
	harness_response_free(&r);

	c = signed_up("index", &email);
	get_ok(c, "/", &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	get_ok(c, "/login", &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);

	free(email);
	harness_client_free(c);
	harness_client_free(anon);
}

Test(accounts, logout_ends_session_and_says_so)
{
	struct harness_client	*c, *old_only;
	struct harness_response	 r;
	char			*email, *csrf, *body, *token, *cookie, *line;

	c = signed_up("logout", &email);
	token = harness_cookie(c, "dbk_session");
	cr_assert_not_null(token);
	csrf = csrf_of(c, "/tasks");

	body = harness_form("csrf", csrf, NULL);
	post_ok(c, "/logout", body, &r);
	assert_redirect(&r, "/login");
	line = set_cookie_line(&r, "dbk_flash");
	cr_assert_not_null(line, "no flash cookie");
	free(line);
	harness_response_free(&r);

	get_ok(c, "/login", &r);
	cr_assert_eq(r.status, 200);
	cr_assert(strstr(r.body, "You are logged out.") != NULL,
	    "no flash in\n%s", r.body);
	cr_assert_not(logged_in_page(r.body));
	harness_response_free(&r);

	/* Shown once. */
	get_ok(c, "/login", &r);
	cr_assert_null(strstr(r.body, "You are logged out."));
	harness_response_free(&r);

	get_ok(c, "/tasks", &r);
	assert_login_redirect(&r, "/tasks");
	harness_response_free(&r);

	cr_assert(asprintf(&cookie, "dbk_session=%s", token) != -1);
	old_only = client_with_cookie(cookie);
	get_ok(old_only, "/tasks", &r);
	assert_login_redirect(&r, "/tasks");
	harness_response_free(&r);

	/* The account still works. */
	cr_assert(can_log_in(email, PASSWORD));

	free(cookie);
	free(body);
	free(csrf);
	free(token);
	free(email);
	harness_client_free(old_only);
	harness_client_free(c);
}

Test(accounts, logout_without_right_csrf_is_403)
{
	struct harness_client	*c, *other;
	struct harness_response	 r;
	char			*email, *email2, *other_csrf, *body;

	c = signed_up("logoutcsrf", &email);
	other = signed_up("logoutcsrf2", &email2);
	other_csrf = csrf_of(other, "/tasks");

	post_ok(c, "/logout", "", &r);
	cr_assert_eq(r.status, 403);
	harness_response_free(&r);
	post_ok(c, "/logout", "csrf=0123456789abcdef", &r);
	cr_assert_eq(r.status, 403);
	harness_response_free(&r);
	/* Another session's token is not this session's. */
	body = harness_form("csrf", other_csrf, NULL);
	post_ok(c, "/logout", body, &r);
	cr_assert_eq(r.status, 403);
	harness_response_free(&r);

	get_ok(c, "/tasks", &r);
	cr_assert_eq(r.status, 200, "logged out without a token");
	harness_response_free(&r);
	get_ok(other, "/tasks", &r);
	cr_assert_eq(r.status, 200);
	harness_response_free(&r);

	free(body);
	free(other_csrf);
	free(email2);
	free(email);
	harness_client_free(other);
	harness_client_free(c);
}

Test(accounts, login_without_right_csrf_is_403)
{
	struct harness_client	*c, *anon = client_new();
	struct harness_response	 r;
	char			*email, *body;

	c = signed_up("logincsrf", &email);
	free(csrf_of(anon, "/login"));
	body = harness_form("email", email, "password", PASSWORD, NULL);
	post_ok(anon, "/login", body, &r);
	cr_assert_eq(r.status, 403);
	cr_assert_null(set_cookie_line(&r, "dbk_session"));
	harness_response_free(&r);
	free(body);

	body = harness_form("csrf", "ffffffffffffffffffffffffffffffff",
	    "email", email,
	    "password", PASSWORD, NULL);
	post_ok(anon, "/login", body, &r);
	cr_assert_eq(r.status, 403);
	cr_assert_null(set_cookie_line(&r, "dbk_session"));
	harness_response_free(&r);

	get_ok(anon, "/tasks", &r);
	assert_login_redirect(&r, "/tasks");
	harness_response_free(&r);

	free(body);
	free(email);
	harness_client_free(anon);
	harness_client_free(c);
}

/*
 * The contract spells the login redirect with next fully percent-encoded
 * (/login?next=%2Ftasks%3Ffilter%3Ddone), "/" included.
 */
Test(accounts, login_redirect_percent_encodes_next)
{
	struct harness_client	*anon = client_new();
	struct harness_response	 r;

	get_ok(anon, "/tasks", &r);
	assert_redirect(&r, "/login?next=%2Ftasks");
	harness_response_free(&r);
	get_ok(anon, "/tasks?filter=done", &r);
	assert_redirect(&r, "/login?next=%2Ftasks%3Ffilter%3Ddone");
	harness_response_free(&r);
	harness_client_free(anon);
}

Test(accounts, email_is_unique_whatever_its_case)
{
	struct harness_client	*c, *anon = client_new();
	struct harness_response	 r;
	char			*email, *upper, *p;

	c = signed_up("casefold", &email);
	upper = strdup(email);
	cr_assert_not_null(upper);
	for (p = upper; *p != '\0'; p++)
		*p = (char)toupper((unsigned char)*p);
	signup_rejected(upper, NAME, PASSWORD, PASSWORD, "exists already");
	login_post(anon, upper, PASSWORD, NULL, &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	free(upper);
	free(email);
	harness_client_free(anon);
	harness_client_free(c);
}

/* A flash cookie not signed by the server is not shown. */
Test(accounts, forged_flash_is_not_shown)
{
	struct harness_client	*c;
	struct harness_response	 r;

	/* base64url("IForged message") and a made-up signature. */
	c = client_with_cookie("dbk_flash=SUZvcmdlZCBtZXNzYWdl."
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
	get_ok(c, "/login", &r);
	cr_assert_eq(r.status, 200);
	cr_assert_null(strstr(r.body, "Forged message"), "forged flash shown");
	harness_response_free(&r);
	harness_client_free(c);
}

/* A session cookie with another account's id does not log in as it. */
Test(accounts, session_cookie_is_bound_to_its_account)
{
	struct harness_client	*a, *b, *mixed;
	struct harness_response	 r;
	char			*email_a, *email_b, *ca, *cb, *cookie, *dot;

	a = signed_up("bound-a", &email_a);
	b = signed_up("bound-b", &email_b);
	ca = harness_cookie(a, "dbk_session");
	cb = harness_cookie(b, "dbk_session");
	cr_assert(ca != NULL && cb != NULL);
	cr_assert((dot = strchr(cb, '.')) != NULL, "cookie %s", cb);
	/* a's id with b's token. */
	cr_assert(asprintf(&cookie, "dbk_session=%.*s%s",
	    (int)(strchr(ca, '.') - ca), ca, dot) != -1);
	mixed = client_with_cookie(cookie);
	get_ok(mixed, "/tasks", &r);
	cr_assert(r.status == 303, "mixed cookie %s accepted: %ld", cookie,
	    r.status);
	harness_response_free(&r);

	free(cookie);
	free(cb);
	free(ca);
	free(email_b);
	free(email_a);
	harness_client_free(mixed);
	harness_client_free(b);
	harness_client_free(a);
}

/* Failures count per account, however the email is spelt. */
Test(accounts, login_limit_counts_any_spelling_of_the_email)
{
	struct harness_client	*c, *anon = client_new();
	struct harness_response	 r;
	char			*email, *upper, *p;
	int			 i;

	forget_address_failures();
	c = signed_up("limitcase", &email);
	upper = strdup(email);
	cr_assert_not_null(upper);
	for (p = upper; *p != '\0'; p++)
		*p = (char)toupper((unsigned char)*p);
	for (i = 0; i < 5; i++) {
		login_post(anon, i % 2 ? upper : email, "Pw-wrong-guess", NULL,
		    &r);
		cr_assert_eq(r.status, 200);
		harness_response_free(&r);
	}
	login_post(anon, email, PASSWORD, NULL, &r);
	cr_assert_eq(r.status, 429, "limit bypassed by the spelling: %ld",
	    r.status);
	cr_assert(says_try_again(r.body));
	harness_response_free(&r);
	forget_address_failures();
	free(upper);
	free(email);
	harness_client_free(anon);
	harness_client_free(c);
}

/*
 * Does Redis hold a session copy of email made under generation gen?
 * (The copy is "GEN|UID|EXPIRES|ADMIN|ZONE|EMAIL|NAME".)
 */
static int
copy_has_generation(const char *email, const char *gen)
{
	return harness_run("redis-cli -p \"$DAYBOOK_REDIS_PORT\" -a "
	    "\"$(cat var/test/redis_password)\" --no-auth-warning EVAL "
	    "\"for _, k in ipairs(redis.call('KEYS', 'dbk:s2:*')) do "
	    "local v = redis.call('GET', k) if v and string.find(v, ARGV[1], "
	    "1, true) then return v end end return ''\" 0 '|%s|' | "
	    "grep -q '^%s|'", email, gen) == 0;
}

/*
 * After the cache generation changes (a FLUSH, or a lost invalidation),
 * an active session's copy of the old generation is replaced at its next
 * request instead of sending every request of it to MariaDB for good.
 */
Test(accounts, session_copy_follows_a_new_generation)
{
	struct harness_client	*c;
	char			*email, gen[32];
	int			 i, refilled;

	c = signed_up("newgen", &email);
	free(check_page(c, "/tasks", 200));
	(void)snprintf(gen, sizeof(gen), "testgen%ld", (long)getpid());
	cr_assert_eq(harness_run("redis-cli -p \"$DAYBOOK_REDIS_PORT\" -a "
	    "\"$(cat var/test/redis_password)\" --no-auth-warning "
	    "SET dbk:gen %s >/dev/null", gen), 0);

	/* Bounded: a worker reads the generation with each request. */
	refilled = 0;
	for (i = 0; i < 20 && !refilled; i++) {
		free(check_page(c, "/tasks", 200));
		refilled = copy_has_generation(email, gen);
	}
	cr_assert(refilled, "the session copy kept the old generation");

	free(email);
	harness_client_free(c);
}
