/*
 * The account page over HTTP against the running test server (issue 6):
 * display name, email, password, time zone, log out everywhere and
 * account deletion; success and every validation error, CSRF on every
 * form, the login redirect; sessions refreshed (a second client sees a new
 * name at once) or ended (a password change ends the other sessions, not
 * the current one); a deleted account leaves no row in MariaDB and no key
 * or session copy of that person in Redis.
 *
 * Every test makes its own account (t<pid>-<n>-<name>@example.com), so the
 * tests are independent.  MariaDB is read with the test stack's settings
 * (var/test/env.sh), Redis with redis-cli.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


#include <criterion/criterion.h>

#include "checks.h"
#include "harness.h"

#define PW_OLD	"Pw-zq8Xy-secret"
#define PW_NEW	"New-pw-7Hk2-secret"
#define REDIS_CLI	"redis-cli -p \"$DAYBOOK_REDIS_PORT\" -a " \
			"\"$(cat var/test/redis_password)\" --no-auth-warning"

/* One person: the client that signed up, the email and the user id. */
struct person {
	struct harness_client	*c;
	char			*email;
	char			 uid[24];
};

TestSuite(account, .timeout = 90);

/* ------------------------------------------------------------ helpers */

/*
 * Wrong passwords also count against the client address, shared by every
 * test: forget that counter after failing on purpose.
 */
static void
forget_address_failures(void)
{
	harness_run(REDIS_CLI " DEL dbk:rl:ip:127.0.0.1 >/dev/null");
}

/* A new account named tag, signed up (so logged in) on its own client. */
static void
person_new(struct person *who, const char *tag)
{
	struct harness_response	 r;
	char			*csrf, *body, *cookie, *dot;

	who->c = harness_client_new(NULL);
	cr_assert_not_null(who->c);
	who->email = harness_unique_email("acct");
	csrf = csrf_of(who->c, "/signup");
	body = harness_form("csrf", csrf, "email", who->email,
	    "display_name", tag, "password", PW_OLD, "password2", PW_OLD,
	    NULL);
	post_ok(who->c, "/signup", body, &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	free(body);
	free(csrf);

	cookie = harness_cookie(who->c, "dbk_session");
	cr_assert(cookie != NULL && (dot = strchr(cookie, '.')) != NULL);
	*dot = '\0';
	(void)snprintf(who->uid, sizeof(who->uid), "%s", cookie);
	free(cookie);
}

static void
person_free(struct person *who)
{
	harness_client_free(who->c);
	free(who->email);
}

/*
 * POST path on c with the csrf of /account (or none when csrf is 0) and
 * the fields (name, value, ..., NULL); the response in r.
 */
static void
account_post(struct harness_client *c, const char *path, int csrf,
    struct harness_response *r, ...)
{
	va_list		 ap;
	const char	*key, *value;
	char		*token = NULL, *body, *more, *enc;

	if (csrf)
		token = csrf_of(c, "/account");
	body = harness_form("csrf", token ? token : "", NULL);
	va_start(ap, r);
	while ((key = va_arg(ap, const char *)) != NULL) {
		value = va_arg(ap, const char *);
		cr_assert_not_null(enc = harness_urlencode(value));
		cr_assert(asprintf(&more, "%s&%s=%s", body, key, enc) != -1);
		free(enc);
		free(body);
		body = more;
	}
	va_end(ap);
	post_ok(c, path, body, r);
	free(body);
	free(token);
}

/* The response is the form again (422) with message on it. */
static void
assert_form_error(struct harness_response *r, const char *message)
{
	cr_assert_eq(r->status, 422, "status %ld, want 422 with \"%s\"",
	    r->status, message);
	cr_assert_not_null(strstr(r->body, message), "no \"%s\" in\n%s",
	    message, r->body);
	cr_assert_not_null(strstr(r->body, "aria-invalid=\"true\""));
	cr_assert_null(strstr(r->body, PW_OLD), "a password echoed back");
	cr_assert_null(strstr(r->body, PW_NEW), "a password echoed");
	harness_response_free(r);
}

/* The page after a 303 to /account shows message (a flash). */
static void
assert_saved(struct harness_client *c, struct harness_response *r,
    const char *message)
{
	char	*body;

	assert_redirect(r, "/account");
	harness_response_free(r);
	body = check_page(c, "/account", 200);
	cr_assert_not_null(strstr(body, message), "no \"%s\"", message);
	free(body);
}

/* r is a 303 to /login that cleared the cookie; the page says message. */
static void
assert_logged_out(struct harness_client *c, struct harness_response *r,
    const char *message)
{
	char	*cookie, *body;

	assert_redirect(r, "/login");
	harness_response_free(r);
	cookie = harness_cookie(c, "dbk_session");
	cr_assert(cookie == NULL || *cookie == '\0', "cookie kept: %s",
	    cookie);
	free(cookie);
	body = check_page(c, "/login", 200);
	cr_assert_not_null(strstr(body, message), "no \"%s\"", message);
	free(body);
}

/* The users row of who still holds column = value? */
static long
user_has(const struct person *who, const char *column, const char *value)
{
	return check_sql("SELECT COUNT(*) FROM users WHERE id = %s AND "
	    "%s = '%s'", who->uid, column, value);
}

/* ------------------------------------------------- page and gates */

Test(account, logged_out_gets_the_login_page)
{
	struct harness_client	*c = harness_client_new(NULL);
	struct harness_response	 r;

	get_ok(c, "/account", &r);
	assert_redirect(&r, "/login?next=%2Faccount");
	harness_response_free(&r);
	get_ok(c, "/account/delete", &r);
	assert_redirect(&r, "/login?next=%2Faccount%2Fdelete");
	harness_response_free(&r);
	post_ok(c, "/account/name", "display_name=x", &r);
	assert_redirect(&r, "/login");
	harness_response_free(&r);
	harness_client_free(c);
}

Test(account, page_shows_every_form_with_current_values)
{
	struct person	 who;
	char		*body, *v;

	person_new(&who, "Page Person");
	body = check_page(who.c, "/account", 200);
	cr_assert_not_null(strstr(body, "<h1>Account</h1>"));
	cr_assert_not_null(strstr(body, "aria-current=\"page\">Account</a>"));
	cr_assert_not_null(strstr(body, "action=\"/account/name\""));
	cr_assert_not_null(strstr(body, "action=\"/account/email\""));
	cr_assert_not_null(strstr(body, "action=\"/account/password\""));
	cr_assert_not_null(strstr(body, "action=\"/account/time-zone\""));
	cr_assert_not_null(strstr(body,
	    "action=\"/account/logout-everywhere\""));
	cr_assert_not_null(strstr(body, "href=\"/account/delete\""));
	cr_assert_not_null(strstr(body, "href=\"/worklog/allowances\""));
	cr_assert_not_null(strstr(body, "<option value=\"Europe/Berlin\">"));
	v = harness_input_value(body, "display_name");
	cr_assert_str_eq(v, "Page Person");
	free(v);
	v = harness_input_value(body, "email");
	cr_assert_str_eq(v, who.email);
	free(v);
	v = harness_input_value(body, "time_zone");
	cr_assert_str_eq(v, "UTC");
	free(v);
	free(body);
	person_free(&who);
}

Test(account, every_form_refuses_a_missing_or_wrong_csrf_token)
{
	static const char	*paths[] = {
		"/account/name", "/account/email", "/account/password",
		"/account/time-zone", "/account/logout-everywhere",
		"/account/delete",
	};
	struct person		 who;
	struct harness_response	 r;
	size_t			 i;
	char			*body;

	person_new(&who, "Csrf Person");
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		account_post(who.c, paths[i], 0, &r, "display_name", "Evil",
		    "email", "evil@example.com", "password", PW_OLD,
		    "current_password", PW_OLD, "password2", PW_OLD,
		    "time_zone", "Asia/Tokyo", NULL);
		cr_assert_eq(r.status, 403, "%s without csrf: %ld", paths[i],
		    r.status);
		harness_response_free(&r);
		body = harness_form("csrf", "00000000000000000000000000000000"
		    "00000000000000000000000000000000", "display_name", "Evil",
		    "password", PW_OLD, NULL);
		post_ok(who.c, paths[i], body, &r);
		cr_assert_eq(r.status, 403, "%s bad csrf: %ld", paths[i],
		    r.status);
		harness_response_free(&r);
		free(body);
	}
	/* Nothing changed, and the session is still there. */
	cr_assert_eq(user_has(&who, "display_name", "Csrf Person"), 1);
	cr_assert_eq(user_has(&who, "time_zone", "UTC"), 1);
	cr_assert(session_alive(who.c));
	person_free(&who);
}

Test(account, get_of_a_form_url_is_not_found)
{
	struct person		 who;
	struct harness_response	 r;

	person_new(&who, "Get Person");
	get_ok(who.c, "/account/name", &r);
	cr_assert_eq(r.status, 404);
	harness_response_free(&r);
	get_ok(who.c, "/account/logout-everywhere", &r);
	cr_assert_eq(r.status, 404);
	harness_response_free(&r);
	cr_assert(session_alive(who.c));
	person_free(&who);
}

/* ------------------------------------------------------------- name */

Test(account, name_change_shows_at_once_in_every_session)
{
	struct person		 who;
	struct harness_client	*other;
	struct harness_response	 r;
	char			*body;

	person_new(&who, "Old Name");
	cr_assert_not_null(other = logged_in(who.email, PW_OLD));
	/* Both sessions are cached in Redis now. */
	body = check_page(other, "/tasks", 200);
	cr_assert_not_null(strstr(body, "Old Name"));
	free(body);

	account_post(who.c, "/account/name", 1, &r, "display_name",
	    "  Grace <Hopper> & Co  ", NULL);
	assert_saved(who.c, &r, "Your display name is saved.");
	cr_assert_eq(user_has(&who, "display_name", "Grace <Hopper> & Co"),
	    1);

	body = check_page(other, "/tasks", 200);
	cr_assert_not_null(strstr(body, "Grace &lt;Hopper&gt; &amp; Co"),
	    "the other session still shows the old name");
	cr_assert_null(strstr(body, "Old Name"));
	free(body);
	body = check_page(who.c, "/account", 200);
	cr_assert_not_null(strstr(body, "value=\"Grace &lt;Hopper&gt; &amp; "
	    "Co\""));
	free(body);
	harness_client_free(other);
	person_free(&who);
}

Test(account, name_errors_keep_the_typed_name_and_change_nothing)
{
	struct person		 who;
	struct harness_response	 r;
	char			 longname[120];

	person_new(&who, "Kept Name");
	account_post(who.c, "/account/name", 1, &r, "display_name", "   ",
	    NULL);
	assert_form_error(&r, "Enter a name of 1 to 100 characters.");

	memset(longname, 'n', 101);
	longname[101] = '\0';
	account_post(who.c, "/account/name", 1, &r, "display_name", longname,
	    NULL);
	cr_assert_not_null(strstr(r.body, longname), "typed name not kept");
	assert_form_error(&r, "Enter a name of 1 to 100 characters.");
	cr_assert_eq(user_has(&who, "display_name", "Kept Name"), 1);
	person_free(&who);
}

/* ------------------------------------------------------------ email */

Test(account, email_change_needs_the_password_and_moves_the_login)
{
	struct person		 who;
	struct harness_client	*other;
	struct harness_response	 r;
	char			*fresh, *body, *v;

	person_new(&who, "Mail Person");
	cr_assert_not_null(other = logged_in(who.email, PW_OLD));
	fresh = harness_unique_email("moved");

	account_post(who.c, "/account/email", 1, &r, "email", fresh,
	    "password", PW_OLD, NULL);
	assert_saved(who.c, &r, "Your email address is changed.");
	cr_assert_eq(user_has(&who, "email", fresh), 1);

	/* The other session's copy has the new address too. */
	body = check_page(other, "/account", 200);
	v = harness_input_value(body, "email");
	cr_assert_str_eq(v, fresh);
	free(v);
	free(body);
	cr_assert(session_alive(other));

	cr_assert(can_log_in(fresh, PW_OLD));
	cr_assert(!can_log_in(who.email, PW_OLD));
	forget_address_failures();
	harness_client_free(other);
	free(fresh);
	person_free(&who);
}

Test(account, email_errors)
{
	struct person		 who, taken;
	struct harness_response	 r;
	char			*fresh;

	person_new(&who, "Mail Errors");
	person_new(&taken, "Mail Taken");
	fresh = harness_unique_email("unused");

	account_post(who.c, "/account/email", 1, &r, "email", "not an email",
	    "password", PW_OLD, NULL);
	cr_assert_not_null(strstr(r.body, "value=\"not an email\""));
	assert_form_error(&r, "Enter a valid email address.");

	account_post(who.c, "/account/email", 1, &r, "email", fresh,
	    "password", "", NULL);
	assert_form_error(&r, "Enter your current password.");

	account_post(who.c, "/account/email", 1, &r, "email", fresh,
	    "password", "wrong-password-1", NULL);
	cr_assert_not_null(strstr(r.body, fresh), "typed email not kept");
	assert_form_error(&r, "That is not your current password.");

	account_post(who.c, "/account/email", 1, &r, "email", taken.email,
	    "password", PW_OLD, NULL);
	assert_form_error(&r, "Another account uses this email address "
	    "already.");

	account_post(who.c, "/account/email", 1, &r, "email", who.email,
	    "password", PW_OLD, NULL);
	assert_form_error(&r, "This is your email address already.");

	cr_assert_eq(user_has(&who, "email", who.email), 1);
	cr_assert_eq(check_sql("SELECT COUNT(*) FROM users WHERE email = "
	    "'%s'", fresh), 0);
	forget_address_failures();
	free(fresh);
	person_free(&taken);
	person_free(&who);
}

/* --------------------------------------------------------- password */

Test(account, password_change_ends_the_other_sessions_only)
{
	struct person		 who;
	struct harness_client	*other;
	struct harness_response	 r;
	char			*body;

	person_new(&who, "Pw Person");
	cr_assert_not_null(other = logged_in(who.email, PW_OLD));
	cr_assert(session_alive(other));
	check_sql("INSERT INTO password_resets (token_hash, user_id, expires_at) "
	    "VALUES (UNHEX(SHA2(UUID(), 256)), %s, NOW() + INTERVAL 1 HOUR)",
	    who.uid);

	account_post(who.c, "/account/password", 1, &r, "current_password",
	    PW_OLD, "password", PW_NEW, "password2", PW_NEW,
	    NULL);
	assert_saved(who.c, &r, "Your password is changed.");

	/* This session stays; the other one gets the login page. */
	cr_assert(session_alive(who.c));
	cr_assert(!session_alive(other), "the other session survived");
	get_ok(other, "/account", &r);
	assert_redirect(&r, "/login?next=%2Faccount");
	harness_response_free(&r);
	body = check_page(other, "/login", 200);
	cr_assert_not_null(strstr(body, "action=\"/login\""));
	free(body);
	cr_assert_eq(check_sql("SELECT COUNT(*) FROM sessions WHERE "
	    "user_id = %s", who.uid), 1);
	cr_assert_eq(check_sql("SELECT COUNT(*) FROM password_resets WHERE "
	    "user_id = %s", who.uid), 0);

	cr_assert(can_log_in(who.email, PW_NEW));
	cr_assert(!can_log_in(who.email, PW_OLD));
	forget_address_failures();
	harness_client_free(other);
	person_free(&who);
}

Test(account, password_errors_change_nothing)
{
	struct person		 who;
	struct harness_client	*other;
	struct harness_response	 r;

	person_new(&who, "Pw Errors");
	cr_assert_not_null(other = logged_in(who.email, PW_OLD));

	account_post(who.c, "/account/password", 1, &r, "current_password",
	    "wrong-password-1", "password", PW_NEW, "password2",
	    PW_NEW, NULL);
	assert_form_error(&r, "That is not your current password.");

	account_post(who.c, "/account/password", 1, &r, "current_password",
	    PW_OLD, "password", "short", "password2", "short", NULL);
	assert_form_error(&r, "Choose a password of at least 8 characters.");

	account_post(who.c, "/account/password", 1, &r, "current_password",
	    PW_OLD, "password", PW_NEW, "password2", "Other-pw-9x",
	    NULL);
	assert_form_error(&r, "The two passwords differ.");

	account_post(who.c, "/account/password", 1, &r, "current_password",
	    "", "password", PW_NEW, "password2", PW_NEW, NULL);
	assert_form_error(&r, "Enter your current password.");

	cr_assert(session_alive(other));
	cr_assert(session_alive(who.c));
	cr_assert(can_log_in(who.email, PW_OLD));
	forget_address_failures();
	harness_client_free(other);
	person_free(&who);
}

Test(account, wrong_current_passwords_are_limited)
{
	struct person		 who;
	struct harness_response	 r;
	int			 i;

	person_new(&who, "Pw Limited");
	for (i = 0; i < 5; i++) {
		account_post(who.c, "/account/password", 1, &r,
		    "current_password", "wrong-password-1", "password",
		    PW_NEW, "password2", PW_NEW, NULL);
		assert_form_error(&r, "That is not your current password.");
	}
	/* Even the right password is refused now. */
	account_post(who.c, "/account/password", 1, &r, "current_password",
	    PW_OLD, "password", PW_NEW, "password2", PW_NEW,
	    NULL);
	cr_assert_eq(r.status, 429, "status %ld", r.status);
	cr_assert_not_null(strstr(r.body, "Too many wrong passwords."));
	harness_response_free(&r);
	cr_assert(!can_log_in(who.email, PW_NEW));
	forget_address_failures();
	person_free(&who);
}

/* -------------------------------------------------------- time zone */

Test(account, time_zone_is_saved_and_bumps_the_worklog_version)
{
	struct person		 who;
	struct harness_response	 r;
	long			 before;
	char			*body, *v;

	person_new(&who, "Zone Person");
	before = check_sql("SELECT worklog_version FROM users WHERE id = %s",
	    who.uid);
	account_post(who.c, "/account/time-zone", 1, &r, "time_zone",
	    " Europe/Berlin ", NULL);
	assert_saved(who.c, &r, "Your time zone is saved.");
	cr_assert_eq(user_has(&who, "time_zone", "Europe/Berlin"), 1);
	cr_assert_eq(check_sql("SELECT worklog_version FROM users WHERE "
	    "id = %s", who.uid), before + 1);
	body = check_page(who.c, "/account", 200);
	v = harness_input_value(body, "time_zone");
	cr_assert_str_eq(v, "Europe/Berlin");
	free(v);
	free(body);
	person_free(&who);
}

/* The work-log month cache carries the zone: it must not show the old one. */
Test(account, time_zone_change_reaches_the_cached_work_log_at_once)
{
	struct person		 who;
	struct harness_response	 r;
	char			*body;

	person_new(&who, "Zone Cache");
	free(check_page(who.c, "/worklog", 200));	/* cached with UTC */
	body = check_page(who.c, "/worklog", 200);
	cr_assert_not_null(strstr(body, "in your time zone, UTC."), "%s",
	    body);
	free(body);

	account_post(who.c, "/account/time-zone", 1, &r, "time_zone",
	    "Pacific/Kiritimati", NULL);
	assert_saved(who.c, &r, "Your time zone is saved.");
	body = check_page(who.c, "/worklog", 200);
	cr_assert_not_null(strstr(body, "in your time zone, "
	    "Pacific/Kiritimati."), "the work log still shows the old zone");
	free(body);
	person_free(&who);
}

Test(account, unknown_time_zones_are_refused)
{
	static const char	*bad[] = {
		"Mars/Olympus_Mons", "../../etc/passwd", "", "Europe/",
		"zone.tab", "Europe/Berlin\xc3",
	};
	struct person		 who;
	struct harness_response	 r;
	size_t			 i;

	person_new(&who, "Zone Errors");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		account_post(who.c, "/account/time-zone", 1, &r, "time_zone",
		    bad[i], NULL);
		assert_form_error(&r, "Unknown time zone.");
	}
	cr_assert_eq(user_has(&who, "time_zone", "UTC"), 1);
	person_free(&who);
}

/* ------------------------------------------------ log out everywhere */

Test(account, log_out_everywhere_ends_every_session)
{
	struct person		 who;
	struct harness_client	*other;
	struct harness_response	 r;

	person_new(&who, "Everywhere");
	cr_assert_not_null(other = logged_in(who.email, PW_OLD));
	cr_assert(session_alive(other));

	account_post(who.c, "/account/logout-everywhere", 1, &r, NULL);
	assert_logged_out(who.c, &r, "You are logged out everywhere.");

	cr_assert(!session_alive(other));
	cr_assert(!session_alive(who.c));
	cr_assert_eq(check_sql("SELECT COUNT(*) FROM sessions WHERE "
	    "user_id = %s", who.uid), 0);
	cr_assert(can_log_in(who.email, PW_OLD));
	harness_client_free(other);
	person_free(&who);
}

/* --------------------------------------------------------- deletion */

/* Output of a shell command (first 64 KiB), caller frees. */
static char *
command_output(const char *cmd)
{
	FILE	*f;
	char	*out;
	size_t	 n;

	cr_assert_not_null(out = calloc(1, 65536));
	cr_assert_not_null(f = popen(cmd, "r"), "%s", cmd);
	n = fread(out, 1, 65535, f);
	out[n] = '\0';
	(void)pclose(f);
	return out;
}

/*
 * What Redis holds of the person, one per line: every key with the email
 * in it or the id as one of its ':'-separated parts, and every session
 * copy (dbk:s2:*) whose value holds the id or the email (a tombstone holds
 * neither).  Empty when nothing.  Filtered in Redis, so that the answer
 * stays small however many keys the test stack has.
 */
static char *
redis_traces(const struct person *who)
{
	static const char	*lua =
	    "local out, cursor = {}, '0' "
	    "repeat "
	    " local res = redis.call('SCAN', cursor, 'COUNT', 1000) "
	    " cursor = res[1] "
	    " for _, k in ipairs(res[2]) do "
	    "  local hit = string.find(k, ARGV[2], 1, true) "
	    "  for part in string.gmatch(k, '[^:]+') do "
	    "   if part == ARGV[1] then hit = true end end "
	    "  if not hit and string.sub(k, 1, 7) == 'dbk:s2:' then "
	    "   local v = redis.call('GET', k) "
	    "   hit = v and (string.match(v, '^[^|]*|(%d+)|') == ARGV[1] or "
	    "string.find(v, ARGV[2], 1, true)) "
	    "   if hit then k = k .. '=' .. v end "
	    "  end "
	    "  if hit then table.insert(out, k) end "
	    " end "
	    "until cursor == '0' "
	    "return out";
	char	*cmd, *out, *end;

	cr_assert(asprintf(&cmd, REDIS_CLI " EVAL \"%s\" 0 %s '%s'", lua,
	    who->uid, who->email) != -1);
	out = command_output(cmd);
	free(cmd);
	/* An empty list prints as an empty line. */
	for (end = out + strlen(out); end > out && end[-1] == '\n'; end--)
		end[-1] = '\0';
	return out;
}

/* Give the person data in every table and Redis key there is. */
static void
fill_everything(struct person *who)
{
	struct harness_response	 r;
	char			*csrf, *body, *traces;
	long			 task;

	csrf = csrf_of(who->c, "/tasks");
	body = harness_form("csrf", csrf, "titles", "first task", NULL);
	post_ok(who->c, "/tasks", body, &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	free(body);
	free(csrf);
	free(check_page(who->c, "/tasks", 200));	/* the list is cached in Redis */

	task = check_sql("SELECT MAX(id) FROM tasks WHERE user_id = %s",
	    who->uid);
	check_sql("INSERT INTO worklog_entries (user_id, day, kind) VALUES "
	    "(%s, '2026-01-05', 'office')", who->uid);
	check_sql("INSERT INTO worklog_allowances (user_id, year, vacation_days) "
	    "VALUES (%s, 2026, 25.0)", who->uid);
	check_sql("INSERT INTO password_resets (token_hash, user_id, expires_at) "
	    "VALUES (UNHEX(SHA2(UUID(), 256)), %s, NOW() + INTERVAL 1 HOUR)",
	    who->uid);
	check_sql("INSERT IGNORE INTO reports (report_date, time_zone, range_start, "
	    "range_end, people, tasks_completed) VALUES ('1970-01-01', 'UTC', "
	    "'1970-01-01', '1970-01-02', 1, 1)");
	check_sql("INSERT INTO report_people (report_date, user_id, email, "
	    "display_name, tasks_completed) VALUES ('1970-01-01', %s, '%s', "
	    "'x', 1)", who->uid, who->email);
	check_sql("INSERT INTO report_items (report_date, user_id, task_id, title, "
	    "completed_at) VALUES ('1970-01-01', %s, %ld, 'first task', "
	    "NOW())", who->uid, task);
	check_sql("INSERT INTO login_failures (subject, failures, window_start) "
	    "VALUES ('a:%s', 1, NOW())", who->email);
	/* Audit rows naming the person as actor and as target. */
	check_sql("INSERT INTO admin_audit (actor_user_id, actor, action, "
	    "target_user_id, detail) VALUES (%s, '%s', 'disable', %s, "
	    "'by %s')", who->uid, who->email, who->uid, who->email);
	/* A work-log month as worklogcache.c stores it. */
	harness_run(REDIS_CLI " HSET dbk:w:%s h '-|1|UTC' >/dev/null",
	    who->uid);
	/* A failed login: the account's counter, keyed by the email. */
	cr_assert(!can_log_in(who->email, "wrong-password-1"));
	forget_address_failures();

	traces = redis_traces(who);
	cr_assert_not_null(strstr(traces, "dbk:t:"), "%s", traces);
	cr_assert_not_null(strstr(traces, "dbk:w:"), "%s", traces);
	cr_assert_not_null(strstr(traces, "dbk:rl:a:"), "%s", traces);
	cr_assert_not_null(strstr(traces, "dbk:s2:"), "%s", traces);
	free(traces);
}

/* How many rows of the person are left in every table. */
static void
assert_no_rows(const struct person *who)
{
	static const char	*by_user[] = {
		"sessions", "tasks", "worklog_entries", "worklog_allowances",
		"password_resets", "report_people", "report_items",
	};
	size_t			 i;

	cr_assert_eq(check_sql("SELECT COUNT(*) FROM users WHERE id = %s OR "
	    "email = '%s'", who->uid, who->email), 0);
	for (i = 0; i < sizeof(by_user) / sizeof(by_user[0]); i++)
		cr_assert_eq(check_sql("SELECT COUNT(*) FROM %s WHERE "
		    "user_id = %s", by_user[i], who->uid), 0, "rows left in %s",
		    by_user[i]);
	cr_assert_eq(check_sql("SELECT COUNT(*) FROM login_failures WHERE "
	    "subject = 'a:%s'", who->email), 0);
	/* The audit trail keeps its rows, without the person's email. */
	cr_assert_eq(check_sql("SELECT COUNT(*) FROM admin_audit WHERE "
	    "actor_user_id = %s OR target_user_id = %s", who->uid, who->uid),
	    1);
	cr_assert_eq(check_sql("SELECT COUNT(*) FROM admin_audit WHERE "
	    "actor LIKE '%%%s%%' OR detail LIKE '%%%s%%'", who->email,
	    who->email), 0);
}

Test(account, delete_page_asks_for_the_password)
{
	struct person		 who;
	struct harness_response	 r;
	char			*body;

	person_new(&who, "Delete Asks");
	body = check_page(who.c, "/account/delete", 200);
	cr_assert_not_null(strstr(body, "<h1>Delete your account?</h1>"));
	cr_assert_not_null(strstr(body, "action=\"/account/delete\""));
	cr_assert_not_null(strstr(body, "type=\"password\""));
	cr_assert_not_null(strstr(body, "href=\"/account\">Cancel</a>"));
	free(body);

	account_post(who.c, "/account/delete", 1, &r, "password", "", NULL);
	assert_form_error(&r, "Enter your current password.");
	account_post(who.c, "/account/delete", 1, &r, "password",
	    "wrong-password-1", NULL);
	cr_assert_not_null(strstr(r.body, "action=\"/account/delete\""));
	assert_form_error(&r, "That is not your current password.");

	cr_assert_eq(user_has(&who, "email", who.email), 1);
	cr_assert(session_alive(who.c));
	forget_address_failures();
	person_free(&who);
}

Test(account, deletion_leaves_no_rows_and_no_redis_keys)
{
	struct person		 who;
	struct harness_client	*other;
	struct harness_response	 r;
	char			*traces;

	person_new(&who, "Delete Me");
	cr_assert_not_null(other = logged_in(who.email, PW_OLD));
	free(check_page(other, "/tasks", 200));
	fill_everything(&who);

	account_post(who.c, "/account/delete", 1, &r, "password", PW_OLD,
	    NULL);
	assert_logged_out(who.c, &r, "Your account is deleted.");

	assert_no_rows(&who);
	/* The report row made for this test (its people went with it). */
	check_sql("DELETE FROM reports WHERE report_date = '1970-01-01'");
	traces = redis_traces(&who);
	cr_assert_str_empty(traces, "Redis still holds:\n%s", traces);
	free(traces);

	cr_assert(!session_alive(other));
	cr_assert(!can_log_in(who.email, PW_OLD));
	forget_address_failures();
	/* The failed login above made a new counter for that email. */
	harness_run(REDIS_CLI " DEL 'dbk:rl:a:%s' >/dev/null", who.email);
	harness_client_free(other);
	person_free(&who);
}
