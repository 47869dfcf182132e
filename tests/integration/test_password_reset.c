/*
 * Password reset by email (issue 6), end to end: the test servers send
 * their mail to the loopback SMTP sink the test stack runs
 * (tests/smtp_sink.py, writing each message to $DAYBOOK_TEST_MAIL_DIR).
 *
 * No account discovery, the mail and its link (works once, not twice),
 * expiry (expires_at moved into the past in MariaDB), a newer link voiding
 * an older one, every session ended by a reset, disabled accounts, the
 * password rules, CSRF, two concurrent uses of one link, and a failing
 * SMTP server (the sink refuses recipients named smtpfail-*) retried a
 * bounded number of times, logged, with the page unchanged.
 */

#include <ctype.h>
#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "checks.h"
#include "harness.h"

#define NEW_PASSWORD	"New-pw-7Qk-secret"
#define MAIL_WAIT_MS	15000
#define GONE_TEXT	"This password reset link is not valid"
#define SENT_TEXT	"If an account has that email address"
#define MAIL_ATTEMPTS	3

TestSuite(password_reset, .timeout = 90);

/* ------------------------------------------------------------ MariaDB */

/* -------------------------------------------------------- the sink */

/* A file's whole content (caller frees), or NULL. */
static char *
slurp(const char *path)
{
	FILE	*f;
	char	*buf;
	long	 len;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	(void)fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	cr_assert_not_null(buf = malloc((size_t)len + 1));
	buf[fread(buf, 1, (size_t)len, f)] = '\0';
	fclose(f);
	return buf;
}

static const char *
mail_dir(void)
{
	const char	*dir = getenv("DAYBOOK_TEST_MAIL_DIR");

	cr_assert_not_null(dir, "DAYBOOK_TEST_MAIL_DIR unset: source "
	    "var/test/env.sh");
	return dir;
}

static int
is_message(const struct dirent *e)
{
	return e->d_name[0] != '.' && strstr(e->d_name, ".eml") != NULL;
}

/*
 * How many messages to rcpt the sink received; out[0..max) get the first
 * ones' contents, in the order received (caller frees each).
 */
static size_t
mails_to(const char *rcpt, char **out, size_t max)
{
	struct dirent	**names;
	char		 path[1024], want[320], *text;
	size_t		 found = 0;
	int		 n, i;

	(void)snprintf(want, sizeof(want), "\r\nTo: %s\r\n", rcpt);
	n = scandir(mail_dir(), &names, is_message, alphasort);
	cr_assert_geq(n, 0, "cannot read %s", mail_dir());
	for (i = 0; i < n; i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", mail_dir(),
		    names[i]->d_name);
		text = slurp(path);
		if (text != NULL && strstr(text, want) != NULL) {
			if (found < max) {
				out[found] = text;
				text = NULL;
			}
			found++;
		}
		free(text);
		free(names[i]);
	}
	free(names);
	return found;
}

struct mail_wait {
	const char	*rcpt;
	size_t		 count;
};

static int
mails_arrived(void *arg)
{
	struct mail_wait	*w = arg;
	char			*got[8];
	size_t			 n, i;

	n = mails_to(w->rcpt, got, 8);
	for (i = 0; i < n && i < 8; i++)
		free(got[i]);
	return n >= w->count;
}

/* The nth (from 0) message to rcpt, waited for; caller frees. */
static char *
mail_wait(const char *rcpt, size_t nth)
{
	struct mail_wait	 w = { rcpt, nth + 1 };
	char			*got[8], *mail;
	size_t			 n, i;

	cr_assert(harness_poll_until(mails_arrived, &w, MAIL_WAIT_MS),
	    "no mail #%zu to %s within %d ms", nth + 1, rcpt, MAIL_WAIT_MS);
	n = mails_to(rcpt, got, 8);
	mail = got[nth];
	for (i = 0; i < n && i < 8; i++) {
		if (i != nth)
			free(got[i]);
	}
	return mail;
}

/* The reset link in a message (caller frees); asserts its form. */
static char *
link_of(const char *mail)
{
	const char	*start, *tok;
	char		*link, base[512];
	size_t		 i;

	(void)snprintf(base, sizeof(base), "%s/password/reset?token=",
	    getenv("DAYBOOK_BASE_URL"));
	start = strstr(mail, base);
	cr_assert_not_null(start, "no %s... in the mail:\n%s", base, mail);
	tok = start + strlen(base);
	for (i = 0; i < 64; i++)
		cr_assert(isxdigit((unsigned char)tok[i]) &&
		    !isupper((unsigned char)tok[i]), "bad token in %s", start);
	cr_assert(tok[64] == '\r', "token not 64 digits then CRLF");
	cr_assert_not_null(link = strndup(start, (size_t)(tok + 64 - start)));
	return link;
}

static const char *
token_of(const char *link)
{
	return strstr(link, "token=") + 6;
}

/* ----------------------------------------------------------- HTTP */

static struct harness_client *
client_new(void)
{
	struct harness_client	*c = harness_client_new(NULL);

	cr_assert_not_null(c);
	return c;
}

/* A new account for email, logged in on the returned client. */
static struct harness_client *
signed_up_as(const char *email)
{
	struct harness_client	*c = client_new();
	struct harness_response	 r;
	char			*csrf, *body;

	csrf = csrf_of(c, "/signup");
	body = harness_form("csrf", csrf, "email", email, "display_name",
	    "Reset Tester", "password", PASSWORD, "password2", PASSWORD, NULL);
	post_ok(c, "/signup", body, &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	free(body);
	free(csrf);
	return c;
}

/* POST /password/forgot for email on c; the response is left in r. */
static void
forgot_on(struct harness_client *c, const char *email,
    struct harness_response *r)
{
	char	*csrf, *body;

	csrf = csrf_of(c, "/password/forgot");
	body = harness_form("csrf", csrf, "email", email, NULL);
	post_ok(c, "/password/forgot", body, r);
	free(body);
	free(csrf);
}

/* The same on a fresh client. */
static void
forgot(const char *email, struct harness_response *r)
{
	struct harness_client	*c = client_new();

	forgot_on(c, email, r);
	harness_client_free(c);
}

/* body with the value of its csrf input blanked (it differs per client). */
static void
strip_csrf(char *body)
{
	static const char	 attr[] = "name=\"csrf\" value=\"";
	char			*v = strstr(body, attr);

	if (v == NULL)
		return;
	for (v += strlen(attr); *v != '\0' && *v != '"'; v++)
		*v = 'x';
}

static void
forgot_ok(const char *email)
{
	struct harness_response	r;

	forgot(email, &r);
	assert_redirect(&r, "/login");
	harness_response_free(&r);
}

/*
 * GET link on c: the form (200, its csrf returned, caller frees) or,
 * when want_gone, the one message (410, NULL returned).
 */
static char *
open_link(struct harness_client *c, const char *link, int want_gone)
{
	struct harness_response	 r;
	char			*csrf = NULL;

	get_ok(c, link, &r);
	if (want_gone) {
		cr_assert_eq(r.status, 410, "GET link: %ld", r.status);
		cr_assert_not_null(strstr(r.body, GONE_TEXT));
		cr_assert_null(strstr(r.body, "name=\"password\""));
	} else {
		cr_assert_eq(r.status, 200, "GET link: %ld", r.status);
		cr_assert_not_null(strstr(r.body, "name=\"password2\""));
		csrf = harness_input_value(r.body, "csrf");
		cr_assert_not_null(csrf);
	}
	harness_response_free(&r);
	return csrf;
}

/* POST /password/reset on c; the response is left in r. */
static void
reset_post(struct harness_client *c, const char *csrf, const char *token,
    const char *pw, const char *pw2, struct harness_response *r)
{
	char	*body;

	body = harness_form("csrf", csrf, "token", token, "password", pw,
	    "password2", pw2, NULL);
	post_ok(c, "/password/reset", body, r);
	free(body);
}

/* Follow link on a fresh client and set pw; returns that client. */
static struct harness_client *
reset_with(const char *link, const char *pw)
{
	struct harness_client	*c = client_new();
	struct harness_response	 r;
	char			*csrf;

	csrf = open_link(c, link, 0);
	reset_post(c, csrf, token_of(link), pw, pw, &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	free(csrf);
	return c;
}

/*
 * One account with a link asked for and its form open: owner is logged in
 * as the account, c has the form (csrf) of the link in mail.
 */
struct opened {
	char			*email;
	struct harness_client	*owner;
	struct harness_client	*c;
	char			*mail;
	char			*link;
	char			*csrf;
};

static void
opened_start(struct opened *o, const char *tag)
{
	o->email = harness_unique_email(tag);
	o->owner = signed_up_as(o->email);
	o->c = client_new();
	forgot_ok(o->email);
	o->mail = mail_wait(o->email, 0);
	o->link = link_of(o->mail);
	o->csrf = open_link(o->c, o->link, 0);
}

/* POST the new password pw (twice) on o->c; the response is left in r. */
static void
opened_post(struct opened *o, const char *pw, struct harness_response *r)
{
	reset_post(o->c, o->csrf, token_of(o->link), pw, pw, r);
}

/* The link is refused now: the form and a POST get the one message. */
static void
opened_assert_gone(struct opened *o)
{
	struct harness_response	r;

	(void)open_link(o->c, o->link, 1);
	opened_post(o, NEW_PASSWORD, &r);
	cr_assert_eq(r.status, 410);
	cr_assert_not_null(strstr(r.body, GONE_TEXT));
	harness_response_free(&r);
}

static void
opened_free(struct opened *o)
{
	free(o->csrf);
	free(o->link);
	free(o->mail);
	harness_client_free(o->c);
	harness_client_free(o->owner);
	free(o->email);
}

/* ---------------------------------------------------------- tests */

Test(password_reset, login_page_links_to_forgot_password)
{
	struct harness_client	*c = client_new();
	struct harness_response	 r;

	get_ok(c, "/login", &r);
	cr_assert_eq(r.status, 200);
	cr_assert_not_null(strstr(r.body, "<a href=\"/password/forgot\">"
	    "Forgot your password?</a>"));
	harness_response_free(&r);
	harness_client_free(c);
}

/* Same status, same Location, same next page for any address. */
Test(password_reset, no_account_discovery)
{
	char			*known = harness_unique_email("known");
	char			*unknown = harness_unique_email("unknown");
	struct harness_client	*ck = client_new(), *cu = client_new();
	struct harness_response	 rk, ru, pk, pu;
	char			*loc_k, *loc_u;

	harness_client_free(signed_up_as(known));
	forgot_on(cu, unknown, &ru);
	forgot_on(ck, known, &rk);
	cr_assert_eq(rk.status, 303);
	cr_assert_eq(ru.status, rk.status);
	loc_k = harness_header(&rk, "Location");
	loc_u = harness_header(&ru, "Location");
	cr_assert_str_eq(loc_k, "/login");
	cr_assert_str_eq(loc_u, loc_k);
	cr_assert_eq(rk.body_len, ru.body_len);
	cr_assert_eq(harness_header_count(&rk, "Set-Cookie"),
	    harness_header_count(&ru, "Set-Cookie"));

	/* The page after the redirect: the same message, the same bytes. */
	get_ok(ck, loc_k, &pk);
	get_ok(cu, loc_u, &pu);
	cr_assert_eq(pk.status, 200);
	cr_assert_eq(pu.status, 200);
	cr_assert_not_null(strstr(pk.body, SENT_TEXT));
	strip_csrf(pk.body);
	strip_csrf(pu.body);
	cr_assert_str_eq(pk.body, pu.body);

	/* The known address got its mail; the unknown one nothing. */
	free(mail_wait(known, 0));
	cr_assert_eq(mails_to(unknown, NULL, 0), 0);
	cr_assert_eq(check_sql("SELECT COUNT(*) FROM users WHERE email = "
	    "'%s'", unknown), 0);

	harness_response_free(&rk);
	harness_response_free(&ru);
	harness_response_free(&pk);
	harness_response_free(&pu);
	harness_client_free(ck);
	harness_client_free(cu);
	free(loc_k);
	free(loc_u);
	free(known);
	free(unknown);
}

/* The whole way: mail, link, new password, all sessions ended, once. */
Test(password_reset, mail_link_works_once_and_ends_every_session)
{
	struct opened		 o;
	struct harness_client	*b;
	struct harness_response	 r;
	char			 hdr[400];

	opened_start(&o, "e2e");
	cr_assert_not_null(b = logged_in(o.email, PASSWORD));
	cr_assert(session_alive(o.owner) && session_alive(b));

	cr_assert_not_null(strstr(o.mail, "\r\nFrom: daybook@test.invalid"
	    "\r\n"));
	(void)snprintf(hdr, sizeof(hdr), "\r\nTo: %s\r\n", o.email);
	cr_assert_not_null(strstr(o.mail, hdr));
	cr_assert_not_null(strstr(o.mail, "\r\nSubject: Reset your daybook "
	    "password\r\n"));
	cr_assert_not_null(strstr(o.mail, "\r\nDate: "));
	cr_assert_not_null(strstr(o.mail, "\r\nMessage-ID: <"));
	cr_assert_not_null(strstr(o.mail, "\r\nMIME-Version: 1.0\r\n"));
	cr_assert_not_null(strstr(o.mail, "\r\nContent-Type: text/plain; "
	    "charset=utf-8\r\n"));

	/* Only the hash of the token is stored. */
	cr_assert_eq(check_sql("SELECT COUNT(*) FROM password_resets WHERE "
	    "token_hash = UNHEX(SHA2(UNHEX('%s'), 256)) AND used_at IS NULL",
	    token_of(o.link)), 1);
	cr_assert_eq(check_sql("SELECT COUNT(*) FROM password_resets WHERE "
	    "HEX(token_hash) = UPPER('%s')", token_of(o.link)), 0);

	opened_post(&o, NEW_PASSWORD, &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	cr_assert(session_alive(o.c), "the reset logs the person in");
	cr_assert(!session_alive(o.owner), "old session A still alive");
	cr_assert(!session_alive(b), "old session B still alive");
	cr_assert(!can_log_in(o.email, PASSWORD));
	cr_assert(can_log_in(o.email, NEW_PASSWORD));

	/* Not twice: neither the form nor a POST with the same token. */
	opened_assert_gone(&o);
	cr_assert(can_log_in(o.email, NEW_PASSWORD));

	harness_client_free(b);
	opened_free(&o);
}

/* A link past expires_at gets the one message and changes nothing. */
Test(password_reset, expired_link_is_refused)
{
	struct opened	o;

	opened_start(&o, "expired");
	cr_assert_eq(check_sql("UPDATE password_resets SET expires_at = "
	    "UTC_TIMESTAMP(6) - INTERVAL 1 SECOND WHERE user_id = (SELECT id "
	    "FROM users WHERE email = '%s')", o.email), 1);
	opened_assert_gone(&o);
	cr_assert(can_log_in(o.email, PASSWORD));
	cr_assert(session_alive(o.owner));
	opened_free(&o);
}

/* Unknown and malformed tokens: the same message. */
Test(password_reset, unknown_or_malformed_token_is_refused)
{
	struct harness_client	*c = client_new();
	struct harness_response	 r;
	char			*csrf;

	(void)open_link(c, "/password/reset?token=00000000000000000000000000"
	    "00000000000000000000000000000000000000", 1);
	(void)open_link(c, "/password/reset?token=xyz", 1);
	(void)open_link(c, "/password/reset", 1);
	csrf = csrf_of(c, "/password/forgot");
	reset_post(c, csrf, "abababababababababababababababababababababababab"
	    "abababababababab", NEW_PASSWORD, NEW_PASSWORD, &r);
	cr_assert_eq(r.status, 410);
	cr_assert_not_null(strstr(r.body, GONE_TEXT));
	harness_response_free(&r);
	free(csrf);
	harness_client_free(c);
}

/* A newer link voids the older one. */
Test(password_reset, newer_link_voids_older)
{
	char			*email = harness_unique_email("newer");
	struct harness_client	*a = signed_up_as(email), *c = client_new();
	char			*m1, *m2, *l1, *l2, *csrf;

	forgot_ok(email);
	m1 = mail_wait(email, 0);
	/* Within the minute a second request sends nothing new. */
	forgot_ok(email);
	cr_assert_eq(check_sql("SELECT COUNT(*) FROM password_resets pr "
	    "JOIN users u ON u.id = pr.user_id WHERE u.email = '%s'", email),
	    1);
	/* A minute later it replaces the first link. */
	check_sql("UPDATE password_resets pr JOIN users u ON u.id = pr.user_id "
	    "SET pr.created_at = pr.created_at - INTERVAL 2 MINUTE "
	    "WHERE u.email = '%s'", email);
	forgot_ok(email);
	m2 = mail_wait(email, 1);
	l1 = link_of(m1);
	l2 = link_of(m2);
	cr_assert_str_neq(l1, l2);
	(void)open_link(c, l1, 1);
	csrf = open_link(c, l2, 0);
	free(csrf);
	harness_client_free(reset_with(l2, NEW_PASSWORD));

	free(l1);
	free(l2);
	free(m1);
	free(m2);
	harness_client_free(c);
	harness_client_free(a);
	free(email);
}

/* The sign-up password rules; a refused password keeps the link good. */
Test(password_reset, password_rules_and_csrf)
{
	struct opened		 o;
	struct harness_response	 r;
	char			*body;

	opened_start(&o, "rules");
	opened_post(&o, "short", &r);
	cr_assert_eq(r.status, 422);
	cr_assert_not_null(strstr(r.body, "at least 8 characters"));
	harness_response_free(&r);
	reset_post(o.c, o.csrf, token_of(o.link), NEW_PASSWORD,
	    "Other-pw-1234", &r);
	cr_assert_eq(r.status, 422);
	cr_assert_not_null(strstr(r.body, "The two passwords differ."));
	harness_response_free(&r);

	/* No CSRF token, or a wrong one: 403, nothing changes. */
	body = harness_form("token", token_of(o.link), "password",
	    NEW_PASSWORD, "password2", NEW_PASSWORD, NULL);
	post_ok(o.c, "/password/reset", body, &r);
	cr_assert_eq(r.status, 403);
	harness_response_free(&r);
	free(body);
	reset_post(o.c, "0000000000000000000000000000000000000000000000000000"
	    "000000000000", token_of(o.link), NEW_PASSWORD, NEW_PASSWORD, &r);
	cr_assert_eq(r.status, 403);
	harness_response_free(&r);
	body = harness_form("email", o.email, NULL);
	post_ok(o.c, "/password/forgot", body, &r);
	cr_assert_eq(r.status, 403);
	harness_response_free(&r);
	free(body);

	cr_assert(can_log_in(o.email, PASSWORD));
	cr_assert(session_alive(o.owner));
	harness_client_free(reset_with(o.link, NEW_PASSWORD));
	opened_free(&o);
}

/* A disabled account gets no link, and its earlier link stops working. */
Test(password_reset, disabled_account_cannot_reset)
{
	struct opened	o;

	opened_start(&o, "disabled");
	cr_assert_eq(check_sql("UPDATE users SET is_disabled = 1 WHERE email = "
	    "'%s'", o.email), 1);
	opened_assert_gone(&o);

	/* Same answer as for anyone; no new link stored. */
	forgot_ok(o.email);
	cr_assert_eq(check_sql("SELECT COUNT(*) FROM password_resets WHERE "
	    "user_id = (SELECT id FROM users WHERE email = '%s')", o.email), 1);
	cr_assert_eq(check_sql("SELECT COUNT(*) FROM password_resets WHERE "
	    "used_at IS NULL AND user_id = (SELECT id FROM users WHERE "
	    "email = '%s')", o.email), 1);
	opened_free(&o);
}

struct race {
	const char		*link;
	pthread_barrier_t	*all_read;	/* every form fetched */
	long			 status;
};

static void *
race_post(void *arg)
{
	struct race		*race = arg;
	struct harness_client	*c = harness_client_new(NULL);
	struct harness_response	 r;
	char			*csrf, *body;

	if (c == NULL)
		return NULL;
	csrf = NULL;
	if (harness_get(c, race->link, &r) == 0)
		csrf = harness_input_value(r.body, "csrf");
	harness_response_free(&r);
	(void)pthread_barrier_wait(race->all_read);
	if (csrf != NULL) {
		body = harness_form("csrf", csrf ? csrf : "", "token",
		    token_of(race->link), "password", NEW_PASSWORD,
		    "password2", NEW_PASSWORD, NULL);
		if (harness_post_form(c, "/password/reset", body, &r) == 0)
			race->status = r.status;
		harness_response_free(&r);
		free(body);
		free(csrf);
	}
	harness_client_free(c);
	return NULL;
}

/* Two uses of one link at the same time: exactly one succeeds. */
Test(password_reset, concurrent_uses_of_one_link)
{
	char			*email = harness_unique_email("race");
	struct race		 races[4];
	pthread_t		 th[4];
	pthread_barrier_t	 all_read;
	char		*mail, *link;
	int		 i, ok = 0, gone = 0;

	harness_client_free(signed_up_as(email));
	forgot_ok(email);
	mail = mail_wait(email, 0);
	link = link_of(mail);
	cr_assert_eq(pthread_barrier_init(&all_read, NULL, 4), 0);
	for (i = 0; i < 4; i++) {
		races[i].link = link;
		races[i].all_read = &all_read;
		races[i].status = 0;
		cr_assert_eq(pthread_create(&th[i], NULL, race_post,
		    &races[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ok += races[i].status == 303;
		gone += races[i].status == 410;
	}
	pthread_barrier_destroy(&all_read);
	cr_assert_eq(ok, 1, "%d of 4 uses succeeded", ok);
	cr_assert_eq(gone, 3, "%d of 4 uses refused", gone);
	cr_assert_eq(check_sql("SELECT COUNT(*) FROM sessions WHERE user_id ="
	    " (SELECT id FROM users WHERE email = '%s')", email), 1);

	free(link);
	free(mail);
	free(email);
}

/* ---------------------------------------------------- failing SMTP */

struct log_wait {
	const char	*rcpt;
	int		 refused;	/* lines in refused.log */
	int		 giving_up;	/* "giving up" lines in the kore log */
};

static int
count_lines(const char *text, const char *a, const char *b)
{
	const char	*line, *end;
	int		 n = 0;

	for (line = text; line != NULL && *line != '\0'; line = end) {
		end = strchr(line, '\n');
		end = end ? end + 1 : line + strlen(line);
		if (memmem(line, (size_t)(end - line), a, strlen(a)) &&
		    (b == NULL || memmem(line, (size_t)(end - line), b,
		    strlen(b))))
			n++;
	}
	return n;
}

static char *
read_kore_log(void)
{
	char	path[1024];
	char	*text;

	(void)snprintf(path, sizeof(path), "%s/var/test/kore-main.log",
	    getenv("DAYBOOK_REPO_ROOT") ? getenv("DAYBOOK_REPO_ROOT") : ".");
	cr_assert_not_null(text = slurp(path), "cannot read %s", path);
	return text;
}

static int
failures_logged(void *arg)
{
	struct log_wait	*w = arg;
	char		 path[1024], *text;

	(void)snprintf(path, sizeof(path), "%s/refused.log", mail_dir());
	text = slurp(path);
	w->refused = count_lines(text, w->rcpt, NULL);
	free(text);
	text = read_kore_log();
	w->giving_up = count_lines(text, w->rcpt, "giving up");
	free(text);
	return w->giving_up > 0;
}

/*
 * The sink refuses smtpfail-* recipients with 451: the page is the same
 * as ever, the send is tried MAIL_ATTEMPTS times, each failure logged on
 * one line without the link, then given up.
 */
Test(password_reset, failing_smtp_is_retried_a_bounded_number_of_times)
{
	char			 email[128];
	struct log_wait		 w;
	struct harness_response	 r, ok;
	char			*known = harness_unique_email("control");
	char			*log, *loc, *loc_ok;

	(void)snprintf(email, sizeof(email), "smtpfail-%d-%ld@example.com",
	    (int)getpid(), (long)harness_now_ms());
	harness_client_free(signed_up_as(email));
	harness_client_free(signed_up_as(known));

	forgot(email, &r);
	forgot(known, &ok);
	cr_assert_eq(r.status, ok.status);
	loc = harness_header(&r, "Location");
	loc_ok = harness_header(&ok, "Location");
	cr_assert_str_eq(loc, loc_ok);
	harness_response_free(&r);
	harness_response_free(&ok);

	w.rcpt = email;
	cr_assert(harness_poll_until(failures_logged, &w, 30000),
	    "no 'giving up' line for %s in the log within 30 s", email);
	cr_assert_eq(w.refused, MAIL_ATTEMPTS, "the sink saw %d attempts",
	    w.refused);

	log = read_kore_log();
	cr_assert_eq(count_lines(log, email, "failed (attempt"),
	    MAIL_ATTEMPTS);
	cr_assert_eq(count_lines(log, email, "retrying in"),
	    MAIL_ATTEMPTS - 1);
	cr_assert_eq(count_lines(log, email, "giving up"), 1);
	cr_assert_eq(count_lines(log, email, "token="), 0);
	cr_assert_eq(count_lines(log, email, "mail: sent to"), 0);
	cr_assert_eq(mails_to(email, NULL, 0), 0);

	/* The other worker-mates' mail still goes out. */
	free(mail_wait(known, 0));

	free(log);
	free(loc);
	free(loc_ok);
	free(known);
}
