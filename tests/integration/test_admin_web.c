/*
 * The administrators' pages over HTTP against the running test server
 * (issue 6): the 404 every non-administrator gets on every admin URL (GET
 * and POST, logged in or not, before any CSRF check), disabling an account
 * (no login, its sessions end at once), enabling it again, creating an
 * account with a one-time set-password link, the audit rows of each,
 * `daybook-admin set-admin off|on` taking effect at once (pages and the
 * nav link of sessions cached in Redis), and the stored
 * reports (list, page, CSV byte for byte as `daybook-admin report`).
 *
 * Administrators are made with `build/daybook-admin create-user --admin`;
 * checks of stored rows read the test database (harness_sql()).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "checks.h"
#include "harness.h"

#define ADMIN_TOOL	"build/daybook-admin"
#define REPORT_FILE	"var/test/admin-web-report.csv"
/* 2003-04-06 00:30 in Berlin (CEST, +02:00): the report's only instant. */
#define REPORT_UTC	"2003-04-05 22:30:00"
#define REPORT_DATE	"2003-04-06"
#define REPORT_LOCAL	"2003-04-06T00:30:00+02:00"

/* ------------------------------------------------------------ helpers */

/* An administrator made by the admin tool, logged in on its own client. */
static struct harness_client *
admin_client(char **email_out)
{
	struct harness_client	*c = harness_client_new(NULL);
	struct harness_response	 r;
	char			*email = harness_unique_email("admin");

	cr_assert_not_null(c);
	cr_assert_eq(harness_run("printf '%%s\\n' '%s' | " ADMIN_TOOL
	    " create-user '%s' --admin --name 'Ada Admin' >/dev/null",
	    PASSWORD, email), 0, "create-user --admin failed");
	login_post(c, email, PASSWORD, NULL, &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	*email_out = email;
	return c;
}

/* The id of the account with this email, as text; caller frees. */
static char *
user_id(const char *email)
{
	char	*id = harness_sql("SELECT id FROM users WHERE email = '%s'",
	    email);

	cr_assert(id != NULL && *id != '\0', "no account %s", email);
	return id;
}

/* The first column of a query's first row; caller frees. */
static char *
sql_ok(const char *query)
{
	char	*v = harness_sql("%s", query);

	cr_assert_not_null(v, "query failed: %s", query);
	return v;
}

/* POST an admin action with c's CSRF token from /admin; response in r. */
static void
admin_post(struct harness_client *c, const char *path, const char *more,
    struct harness_response *r)
{
	char	*csrf = csrf_of(c, "/admin"), *body;

	cr_assert(asprintf(&body, "csrf=%s%s", csrf, more ? more : "") != -1);
	post_ok(c, path, body, r);
	free(body);
	free(csrf);
}

/* POST /admin/accounts/ID/action as admin: a 303 to /admin; the flash. */
static char *
account_action(struct harness_client *admin, const char *id,
    const char *action)
{
	struct harness_response	 r;
	char			*path;

	cr_assert(asprintf(&path, "/admin/accounts/%s/%s", id, action) != -1);
	admin_post(admin, path, NULL, &r);
	assert_redirect(&r, "/admin");
	harness_response_free(&r);
	free(path);
	return check_page(admin, "/admin", 200);
}

/* The newest audit row about account id: actor|action|target|recent. */
static char *
last_audit(const char *target_id)
{
	char	*q, *v;

	cr_assert(asprintf(&q, "SELECT CONCAT_WS('|', actor_user_id, actor, "
	    "action, target_user_id, created_at > UTC_TIMESTAMP(6) - "
	    "INTERVAL 5 MINUTE) FROM admin_audit WHERE target_user_id = %s "
	    "ORDER BY id DESC LIMIT 1", target_id) != -1);
	v = sql_ok(q);
	free(q);
	return v;
}

static void
assert_audit(const char *target_id, const char *admin_email,
    const char *action)
{
	char	*admin_id = user_id(admin_email), *want, *got;

	cr_assert(asprintf(&want, "%s|%s|%s|%s|1", admin_id, admin_email,
	    action, target_id) != -1);
	got = last_audit(target_id);
	cr_assert_str_eq(got, want, "audit row");
	free(got);
	free(want);
	free(admin_id);
}

/* The server's answer to an unknown URL, to compare admin 404s with. */
static struct harness_response
unknown_page(void)
{
	struct harness_client	*c = harness_client_new(NULL);
	struct harness_response	 r;

	cr_assert_not_null(c);
	get_ok(c, "/no-such-page-admin-web", &r);
	cr_assert_eq(r.status, 404);
	harness_client_free(c);
	return r;
}

/* r is the 404 of an unknown URL: same status, type and page. */
static void
assert_like_unknown(const struct harness_response *r,
    const struct harness_response *unknown, const char *what)
{
	char	*type = harness_header(r, "Content-Type");
	char	*want = harness_header(unknown, "Content-Type");

	cr_assert_eq(r->status, 404, "%s: status %ld", what, r->status);
	cr_assert_str_eq(r->body, unknown->body, "%s: another page", what);
	cr_assert_str_eq(type, want, "%s: content type", what);
	cr_assert_eq(harness_header_count(r, "Set-Cookie"), 0,
	    "%s: sets a cookie", what);
	free(type);
	free(want);
}

/* Every admin URL, with real ids and dates. */
static const char *
admin_urls[] = {
	"/admin",
	"/admin?page=2",
	"/admin/accounts",
	"/admin/accounts/%s/disable",
	"/admin/accounts/%s/enable",
	"/admin/reports",
	"/admin/reports/" REPORT_DATE,
	"/admin/reports/" REPORT_DATE ".csv",
	"/admin/reports/1999-01-01",
};

/*
 * Every admin URL by GET, POST without a token and POST with c's own valid
 * token (when csrf is not NULL) answers exactly like an unknown URL.
 */
static void
assert_admin_hidden(struct harness_client *c, const char *csrf,
    const char *victim_id, const char *who)
{
	struct harness_response	 unknown = unknown_page(), r;
	char			 path[128], what[256], *body;
	size_t			 i;

	for (i = 0; i < sizeof(admin_urls) / sizeof(admin_urls[0]); i++) {
		(void)snprintf(path, sizeof(path), admin_urls[i], victim_id);
		(void)snprintf(what, sizeof(what), "%s GET %s", who, path);
		get_ok(c, path, &r);
		assert_like_unknown(&r, &unknown, what);
		harness_response_free(&r);

		(void)snprintf(what, sizeof(what), "%s POST %s", who, path);
		post_ok(c, path, "email=x%40example.com&display_name=x", &r);
		assert_like_unknown(&r, &unknown, what);
		harness_response_free(&r);
		if (csrf == NULL)
			continue;
		body = harness_form("csrf", csrf, "email", "x@example.com",
		    "display_name", "Probe", NULL);
		(void)snprintf(what, sizeof(what), "%s POST+csrf %s", who,
		    path);
		post_ok(c, path, body, &r);
		assert_like_unknown(&r, &unknown, what);
		harness_response_free(&r);
		free(body);
	}
	harness_response_free(&unknown);
}

TestSuite(admin_web, .timeout = 120);

/* ------------------------------------------------------------- the 404 */

Test(admin_web, anonymous_and_members_get_the_unknown_url_404)
{
	struct harness_client	*anon = harness_client_new(NULL), *member;
	struct harness_client	*victim, *forged;
	char			*victim_email, *victim_id, *csrf, *flag;

	cr_assert_not_null(anon);
	victim = signed_up("victim", &victim_email);
	victim_id = user_id(victim_email);
	member = signed_up("member", NULL);
	csrf = csrf_of(member, "/tasks");

	assert_admin_hidden(anon, NULL, victim_id, "anonymous");
	assert_admin_hidden(member, csrf, victim_id, "member");

	/* A cookie that names an account but is no session. */
	forged = harness_client_new(NULL);
	cr_assert_eq(harness_client_header(forged, "Cookie: dbk_session=1."
	    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"),
	    0);
	assert_admin_hidden(forged, NULL, victim_id, "forged cookie");

	/* Nothing happened to the victim, and no audit row was written. */
	cr_assert(session_alive(victim), "the victim's session ended");
	flag = harness_sql("SELECT is_disabled FROM users WHERE id = %s",
	    victim_id);
	cr_assert_str_eq(flag, "0");
	free(flag);
	flag = harness_sql("SELECT COUNT(*) FROM admin_audit WHERE "
	    "target_user_id = %s", victim_id);
	cr_assert_str_eq(flag, "0");
	free(flag);

	/* Members see no Admin link. */
	flag = check_page(member, "/tasks", 200);
	cr_assert_null(strstr(flag, "href=\"/admin\""), "Admin link shown");
	free(flag);
	free(csrf);
	free(victim_id);
	free(victim_email);
	harness_client_free(forged);
	harness_client_free(member);
	harness_client_free(victim);
	harness_client_free(anon);
}

Test(admin_web, admin_urls_that_do_not_exist_are_404_for_admins_too)
{
	struct harness_client	*admin;
	struct harness_response	 unknown = unknown_page(), r;
	char			*email;
	static const char	*gets[] = {
		"/admin/accounts", "/admin/accounts/1/disable",
		"/admin/reports/2026-13-45", "/admin/reports/1999-01-01.csv",
		"/admin/", "/admin/accounts/1/delete",
	};
	size_t			 i;

	admin = admin_client(&email);
	for (i = 0; i < sizeof(gets) / sizeof(gets[0]); i++) {
		get_ok(admin, gets[i], &r);
		assert_like_unknown(&r, &unknown, gets[i]);
		harness_response_free(&r);
	}
	admin_post(admin, "/admin/reports", NULL, &r);
	assert_like_unknown(&r, &unknown, "POST /admin/reports");
	harness_response_free(&r);
	admin_post(admin, "/admin", NULL, &r);
	assert_like_unknown(&r, &unknown, "POST /admin");
	harness_response_free(&r);

	harness_response_free(&unknown);
	free(email);
	harness_client_free(admin);
}

/* ----------------------------------------------------------- accounts */

Test(admin_web, admin_sees_accounts_with_counts_and_the_nav_link)
{
	struct harness_client	*admin, *person;
	struct harness_response	 r;
	char			*email, *person_email, *body, *row, *csrf;

	person = signed_up("counted", &person_email);
	csrf = csrf_of(person, "/tasks");
	body = harness_form("csrf", csrf, "titles", "one\ntwo\nthree", NULL);
	post_ok(person, "/tasks", body, &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	free(body);
	/* Complete one of them. */
	row = harness_sql("SELECT t.id FROM tasks t JOIN users u ON "
	    "u.id = t.user_id WHERE u.email = '%s' LIMIT 1", person_email);
	cr_assert(row != NULL && *row != '\0');
	cr_assert(asprintf(&body, "/tasks/%s/complete", row) != -1);
	free(row);
	row = harness_form("csrf", csrf, NULL);
	post_ok(person, body, row, &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	free(row);
	free(body);

	admin = admin_client(&email);
	body = check_page(admin, "/tasks", 200);
	cr_assert_not_null(strstr(body, "<a href=\"/admin\">Admin</a>"),
	    "no Admin link for an administrator");
	free(body);

	body = check_page(admin, "/admin", 200);
	cr_assert_not_null(strstr(body, "<a href=\"/admin\" "
	    "aria-current=\"page\">Admin</a>"));
	cr_assert_not_null(strstr(body, email));
	cr_assert_not_null(strstr(body, "href=\"/admin/reports\""));
	cr_assert_not_null(strstr(body, "action=\"/admin/accounts\""));
	row = strstr(body, person_email);
	cr_assert_not_null(row, "the new account is not listed");
	/* Member, active, then created, last seen, 2 open, 1 done. */
	cr_assert_not_null(strstr(row, "<td>Member</td>\n<td>Active</td>"));
	cr_assert(strstr(row, "<td>2</td>\n<td>1</td>") != NULL &&
	    strstr(row, "<td>2</td>\n<td>1</td>") < strstr(row, "</tr>"),
	    "counts of open and done tasks");
	cr_assert_not_null(strstr(row, "/disable\""));
	free(body);

	free(csrf);
	free(email);
	free(person_email);
	harness_client_free(admin);
	harness_client_free(person);
}

Test(admin_web, disable_ends_sessions_at_once_and_refuses_login)
{
	struct harness_client	*admin, *victim, *fresh;
	struct harness_response	 r;
	char			*email, *victim_email, *victim_id, *body, *v;

	victim = signed_up("disabled", &victim_email);
	victim_id = user_id(victim_email);
	/* Served once from MariaDB, then from the Redis copy. */
	cr_assert(session_alive(victim));
	cr_assert(session_alive(victim));
	admin = admin_client(&email);

	/* Without the token: 403, and nothing changes. */
	cr_assert(asprintf(&body, "/admin/accounts/%s/disable", victim_id) !=
	    -1);
	post_ok(admin, body, "", &r);
	cr_assert_eq(r.status, 403);
	harness_response_free(&r);
	free(body);
	cr_assert(session_alive(victim));

	body = account_action(admin, victim_id, "disable");
	cr_assert_not_null(strstr(body, "is disabled: it cannot log in"));
	cr_assert_not_null(strstr(body, "Disabled</strong>"));
	free(body);
	assert_audit(victim_id, email, "disable");
	v = harness_sql("SELECT CONCAT(u.is_disabled, '/', COUNT(s.user_id)) "
	    "FROM users u LEFT JOIN sessions s ON s.user_id = u.id "
	    "WHERE u.id = %s GROUP BY u.id", victim_id);
	cr_assert_str_eq(v, "1/0", "disabled / sessions left");
	free(v);

	/* The next request of the old session gets the login page. */
	get_ok(victim, "/tasks", &r);
	cr_assert_eq(r.status, 303);
	v = harness_header(&r, "Location");
	cr_assert_str_eq(v, "/login?next=%2Ftasks");
	free(v);
	harness_response_free(&r);
	harness_client_follow(victim, 1);
	get_ok(victim, "/tasks", &r);
	cr_assert_eq(r.status, 200);
	cr_assert_not_null(strstr(r.body, "action=\"/login\""));
	harness_response_free(&r);

	/* The right password tells it is disabled; no session starts. */
	fresh = harness_client_new(NULL);
	login_post(fresh, victim_email, PASSWORD, NULL, &r);
	cr_assert_eq(r.status, 200);
	cr_assert_not_null(strstr(r.body, "This account is disabled."));
	cr_assert_null(strstr(r.headers, "dbk_session="), "a session cookie");
	harness_response_free(&r);
	cr_assert(!session_alive(fresh));

	/* Disabling again says so. */
	body = account_action(admin, victim_id, "disable");
	cr_assert_not_null(strstr(body, "was already disabled"));
	free(body);

	free(victim_id);
	free(victim_email);
	free(email);
	harness_client_free(fresh);
	harness_client_free(admin);
	harness_client_free(victim);
}

Test(admin_web, enable_again_lets_the_account_log_in)
{
	struct harness_client	*admin, *person, *again;
	struct harness_response	 r;
	char			*email, *person_email, *id, *body;

	person = signed_up("reenabled", &person_email);
	id = user_id(person_email);
	admin = admin_client(&email);

	body = account_action(admin, id, "disable");
	free(body);
	cr_assert(!session_alive(person));

	body = account_action(admin, id, "enable");
	cr_assert_not_null(strstr(body, "is enabled: it can log in again"));
	free(body);
	assert_audit(id, email, "enable");

	again = harness_client_new(NULL);
	login_post(again, person_email, PASSWORD, NULL, &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	cr_assert(session_alive(again));

	free(id);
	free(person_email);
	free(email);
	harness_client_free(again);
	harness_client_free(admin);
	harness_client_free(person);
}

Test(admin_web, an_admin_cannot_disable_themself)
{
	struct harness_client	*admin;
	char			*email, *id, *body, *v;

	admin = admin_client(&email);
	id = user_id(email);
	body = account_action(admin, id, "disable");
	cr_assert_not_null(strstr(body, "You cannot disable your own "
	    "account."));
	free(body);
	v = harness_sql("SELECT is_disabled FROM users WHERE id = %s", id);
	cr_assert_str_eq(v, "0");
	free(v);
	cr_assert(session_alive(admin));
	free(id);
	free(email);
	harness_client_free(admin);
}

Test(admin_web, create_account_gives_a_one_time_link)
{
	struct harness_client	*admin;
	struct harness_response	 r;
	char			*email, *new_email, *form, *more, *body, *link;
	char			*v, token[65], want[512];
	const char		*base = getenv("DAYBOOK_BASE_URL");

	admin = admin_client(&email);
	new_email = harness_unique_email("created");
	form = harness_form("email", new_email, "display_name",
	    "Grace \"G\" <Hopper>", NULL);
	cr_assert(asprintf(&more, "&%s", form) != -1);
	admin_post(admin, "/admin/accounts", more, &r);
	assert_redirect(&r, "/admin");
	harness_response_free(&r);
	body = check_page(admin, "/admin", 200);
	cr_assert_not_null(strstr(body, "created. Send this one-time link"));
	(void)snprintf(want, sizeof(want), "<li>%s/password/reset?token=",
	    base != NULL ? base : "http://127.0.0.1:8081");
	link = strstr(body, want);
	cr_assert_not_null(link, "no link %s in\n%s", want, body);
	cr_assert_eq(sscanf(link + strlen(want), "%64[0-9a-f]", token), 1);
	cr_assert_eq(strlen(token), 64);
	cr_assert_not_null(strstr(body, "Grace &quot;G&quot; &lt;Hopper&gt;"));
	free(body);

	/* Only the token's hash is stored, valid 30 minutes, unused. */
	v = harness_sql("SELECT COUNT(*) FROM password_resets p JOIN users u "
	    "ON u.id = p.user_id WHERE u.email = '%s' AND p.token_hash = "
	    "UNHEX(SHA2(UNHEX('%s'), 256)) AND p.used_at IS NULL AND "
	    "p.expires_at BETWEEN UTC_TIMESTAMP() + INTERVAL 29 MINUTE AND "
	    "UTC_TIMESTAMP() + INTERVAL 31 MINUTE", new_email, token);
	cr_assert_str_eq(v, "1", "stored link");
	free(v);
	v = user_id(new_email);
	assert_audit(v, email, "create");
	free(v);

	/* The same email again: refused, said so, nothing written. */
	admin_post(admin, "/admin/accounts", more, &r);
	assert_redirect(&r, "/admin");
	harness_response_free(&r);
	body = check_page(admin, "/admin", 200);
	cr_assert_not_null(strstr(body, "An account with this email exists "
	    "already."));
	free(body);
	v = harness_sql("SELECT COUNT(*) FROM admin_audit a JOIN users u ON "
	    "u.id = a.target_user_id WHERE u.email = '%s'", new_email);
	cr_assert_str_eq(v, "1");
	free(v);
	free(more);
	free(form);

	/* A bad address: the message, no account. */
	admin_post(admin, "/admin/accounts",
	    "&email=not-an-address&display_name=X", &r);
	assert_redirect(&r, "/admin");
	harness_response_free(&r);
	body = check_page(admin, "/admin", 200);
	cr_assert_not_null(strstr(body, "Enter a valid email address"));
	free(body);

	free(new_email);
	free(email);
	harness_client_free(admin);
}

Test(admin_web, set_admin_off_takes_effect_at_once)
{
	struct harness_client	*admin;
	struct harness_response	 unknown = unknown_page(), r;
	char			*email, *body;

	admin = admin_client(&email);
	body = check_page(admin, "/admin", 200);
	free(body);

	cr_assert_eq(harness_run(ADMIN_TOOL " set-admin '%s' off >/dev/null",
	    email), 0);
	get_ok(admin, "/admin", &r);
	assert_like_unknown(&r, &unknown, "GET /admin after set-admin off");
	harness_response_free(&r);
	get_ok(admin, "/admin/reports", &r);
	assert_like_unknown(&r, &unknown, "GET /admin/reports");
	harness_response_free(&r);
	body = harness_form("csrf", "0", NULL);
	post_ok(admin, "/admin/accounts/1/disable", body, &r);
	assert_like_unknown(&r, &unknown, "POST after set-admin off");
	harness_response_free(&r);
	free(body);
	cr_assert(session_alive(admin));

	/* The 404 refreshed the session's copy: the nav link is gone. */
	body = check_page(admin, "/tasks", 200);
	cr_assert_null(strstr(body, "href=\"/admin\""), "Admin link kept");
	free(body);

	cr_assert_eq(harness_run(ADMIN_TOOL " set-admin '%s' on >/dev/null",
	    email), 0);
	body = check_page(admin, "/admin", 200);
	free(body);
	body = check_page(admin, "/tasks", 200);
	cr_assert_not_null(strstr(body, "<a href=\"/admin\">Admin</a>"),
	    "no Admin link after set-admin on");
	free(body);

	harness_response_free(&unknown);
	free(email);
	harness_client_free(admin);
}

/* ------------------------------------------------------------ reports */

/* The file's bytes (caller frees), its length in *len. */
static char *
slurp(const char *path, size_t *len)
{
	FILE	*fp;
	char	*data, full[1024];
	long	 n;

	(void)snprintf(full, sizeof(full), "%s/%s",
	    getenv("DAYBOOK_REPO_ROOT") ? getenv("DAYBOOK_REPO_ROOT") : ".",
	    path);
	cr_assert_not_null(fp = fopen(full, "rb"), "%s", full);
	cr_assert_eq(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	rewind(fp);
	cr_assert_not_null(data = malloc((size_t)n + 1));
	cr_assert_eq(fread(data, 1, (size_t)n, fp), (size_t)n);
	data[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return data;
}

Test(admin_web, reports_list_show_and_csv_as_the_cli_makes_them)
{
	struct harness_client	*admin, *person;
	struct harness_response	 r;
	char			*email, *person_email, *body, *csv, *v, *row;
	size_t			 csv_len;

	/* A task completed at 00:30 Berlin time on REPORT_DATE. */
	person = signed_up("reported", &person_email);
	v = user_id(person_email);
	row = harness_sql("INSERT INTO tasks (user_id, title, completed_at) "
	    "VALUES (%s, 'Ship it, \"now\" <b>', '" REPORT_UTC "')", v);
	cr_assert_not_null(row);
	free(row);
	free(v);

	cr_assert_eq(harness_run("DAYBOOK_REPORT_TZ=Europe/Berlin " ADMIN_TOOL
	    " report --date " REPORT_DATE " --format csv > " REPORT_FILE), 0);
	csv = slurp(REPORT_FILE, &csv_len);
	cr_assert_not_null(strstr(csv, "\r\n" "t"), "no rows:\n%s", csv);
	cr_assert_not_null(strstr(csv, "\"Ship it, \"\"now\"\" <b>\","
	    REPORT_LOCAL "\r\n"));

	admin = admin_client(&email);
	body = check_page(admin, "/admin/reports", 200);
	cr_assert_not_null(strstr(body, "<a href=\"/admin/reports/"
	    REPORT_DATE "\">" REPORT_DATE "</a></td><td>Europe/Berlin</td>"));
	cr_assert_not_null(strstr(body, "href=\"/admin/reports/" REPORT_DATE
	    ".csv\""));
	free(body);

	body = check_page(admin, "/admin/reports/" REPORT_DATE, 200);
	cr_assert_not_null(strstr(body, "<h1>Report for " REPORT_DATE));
	cr_assert_not_null(strstr(body, person_email));
	cr_assert_not_null(strstr(body, "Ship it, &quot;now&quot; &lt;b&gt;"));
	cr_assert_not_null(strstr(body, "<time datetime=\"" REPORT_LOCAL
	    "\">00:30</time>"));
	cr_assert_not_null(strstr(body, "2003-04-06T00:00:00+02:00"),
	    "range in the report's zone");
	free(body);

	get_ok(admin, "/admin/reports/" REPORT_DATE ".csv", &r);
	cr_assert_eq(r.status, 200);
	v = harness_header(&r, "Content-Type");
	cr_assert_str_eq(v, "text/csv; charset=utf-8");
	free(v);
	v = harness_header(&r, "Content-Disposition");
	cr_assert_str_eq(v, "attachment; filename=\"daybook-report-"
	    REPORT_DATE ".csv\"");
	free(v);
	cr_assert_eq(r.body_len, csv_len, "web %zu bytes, CLI %zu",
	    r.body_len, csv_len);
	cr_assert_eq(memcmp(r.body, csv, csv_len), 0, "web:\n%s\nCLI:\n%s",
	    r.body, csv);
	harness_response_free(&r);

	/* No report that day: 404. */
	get_ok(admin, "/admin/reports/1999-01-01", &r);
	cr_assert_eq(r.status, 404);
	harness_response_free(&r);

	free(csv);
	free(email);
	free(person_email);
	harness_client_free(admin);
	harness_client_free(person);
}
