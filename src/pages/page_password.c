/*
 * Password reset by email (issue 6): /password/forgot and /password/reset.
 *
 * /password/forgot answers the same whether or not an account has the
 * address (no account discovery): one transaction voids the account's
 * unused links and stores the hash of a new token, both only for an
 * enabled account; the link is mailed (src/runtime/mail.c, never waited for) or,
 * without DAYBOOK_SMTP_URL, written to the log.
 *
 * /password/reset?token=... shows the form while the token is good (unused,
 * not expired, account enabled).  The POST hashes the new password on a
 * task thread, then one transaction, with the person's users row locked,
 * marks the token used (and fails unless exactly that happened), sets the
 * password, ends every session of the person and starts a new one; after
 * the commit the ended sessions' Redis copies are tombstoned.
 */

#include <sodium.h>
#include <string.h>

#include <mysqld_error.h>

#include "runtime/mail.h"
#include "runtime/page.h"
#include "runtime/pwtask.h"
#include "core/reset.h"
#include "core/validate.h"
#include "mustache/mustache.h"

int	page_password_forgot(struct http_request *);
int	page_password_reset(struct http_request *);

#define SENT_FLASH	"If an account has that email address, a link to " \
			"choose a new password is on its way there.  It " \
			"works once, within 30 minutes."
#define GONE_ERROR	"This password reset link is not valid: it has " \
			"expired, was used already, or was replaced by a " \
			"newer one.  Ask for a new link below."
#define MAIL_SUBJECT	"Reset your daybook password"

/*
 * Voids the unused links, adds the new one; [4] is the INSERT.  Nothing
 * changes (and no mail goes) while the account's newest unused link is
 * younger than FORGOT_COOLDOWN_S: the form cannot flood an inbox.
 */
#define FORGOT_COOLDOWN_S	60
#define FORGOT_SQL \
	"START TRANSACTION;" \
	"SELECT id FROM users WHERE email = ? AND is_disabled = 0 " \
	"FOR UPDATE;" \
	"SET @dbk_recent = (SELECT COUNT(*) FROM password_resets pr " \
	"JOIN users u ON u.id = pr.user_id WHERE u.email = ? AND " \
	"pr.used_at IS NULL AND pr.created_at > UTC_TIMESTAMP(6) - " \
	"INTERVAL ? SECOND);" \
	"DELETE FROM password_resets WHERE used_at IS NULL AND " \
	"@dbk_recent = 0 AND user_id = " \
	"(SELECT id FROM users WHERE email = ? AND is_disabled = 0);" \
	"INSERT INTO password_resets (token_hash, user_id, created_at, " \
	"expires_at) SELECT ?, id, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) + " \
	"INTERVAL ? MINUTE FROM users WHERE email = ? AND is_disabled = 0 " \
	"AND @dbk_recent = 0;" \
	"COMMIT"
#define FORGOT_INSERT_IDX	4
#define FORGOT_NPARAMS		7

/* The account of a good token. */
#define LOOKUP_SQL \
	"SELECT pr.user_id FROM password_resets pr " \
	"JOIN users u ON u.id = pr.user_id " \
	"WHERE pr.token_hash = ? AND pr.used_at IS NULL " \
	"AND pr.expires_at > UTC_TIMESTAMP(6) AND u.is_disabled = 0"

/*
 * The reset itself.  The token is marked used only if it is still good;
 * otherwise the SIGNAL fails the whole transaction (ER_SIGNAL_EXCEPTION),
 * which the pool rolls back with the connection.
 */
#define RESET_SQL \
	"SET TRANSACTION ISOLATION LEVEL READ COMMITTED;" \
	"START TRANSACTION;" \
	"SELECT id FROM users WHERE id = ? FOR UPDATE;" \
	"UPDATE password_resets SET used_at = UTC_TIMESTAMP(6) " \
	"WHERE token_hash = ? AND user_id = ? AND used_at IS NULL " \
	"AND expires_at > UTC_TIMESTAMP(6) " \
	"AND (SELECT is_disabled FROM users WHERE id = ?) = 0;" \
	"SET @dbk_reset_ok = ROW_COUNT();" \
	"BEGIN NOT ATOMIC IF @dbk_reset_ok <> 1 THEN " \
	"SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'reset link not valid'; " \
	"END IF; END;" \
	"UPDATE users SET password_hash = ?, last_seen_at = NOW(6) " \
	"WHERE id = ?;" \
	"DELETE FROM password_resets WHERE user_id = ? AND used_at IS NULL;" \
	DBK_SESSION_END_SQL \
	"DELETE FROM sessions WHERE token_hash = ?;" \
	"INSERT INTO sessions (token_hash, user_id, expires_at) " \
	"VALUES (?, ?, NOW(6) + INTERVAL ? HOUR);" \
	"COMMIT"
#define RESET_NPARAMS		(11 + DBK_SESSION_END_NPARAMS)
#define RESET_ENDED_IDX		8	/* the SELECT of DBK_SESSION_END_SQL */

enum field {
	F_PASSWORD,
	F_PASSWORD2
};

struct password_page {
	struct dbk_pwtask	pw;
	struct dbk_auth		old;		/* the cookie's session */
	struct dbk_auth		fresh;		/* the new session */
	char			email[DBK_EMAIL_MAX + 1];
	char			token[DBK_RESET_HEX + 1];
	u_int8_t		token_hash[DBK_RESET_HASH_BYTES];
	char			session_hex[DBK_TOKEN_HEX + 1];
	const char		*password;
	size_t			password_len;
	u_int64_t		uid;
	const char		*error;
	const char		*field_error[2];
};

static struct password_page	*page_state(struct http_request *);
static int	csrf_ok(struct http_request *);
static void	forgot_form(struct http_request *, struct password_page *,
		    int);
static void	forgot_send(struct password_page *, const char *);
static void	reset_form(struct http_request *, struct password_page *,
		    int);
static void	reset_gone(struct http_request *);
static int	reset_validate(struct http_request *, struct password_page *);

static struct password_page *
page_state(struct http_request *req)
{
	struct dbk_request	*r;

	r = dbk_request_get(req, sizeof(struct password_page));
	return (r->page);
}

/* The form's pre-session CSRF token; answers 403 and returns 0 if bad. */
static int
csrf_ok(struct http_request *req)
{
	const char	*csrf;
	size_t		len;

	if (dbk_form_get(req, "csrf", &csrf, &len) &&
	    dbk_precsrf_ok(req, csrf))
		return (1);
	dbk_respond_error(req, HTTP_STATUS_FORBIDDEN);
	return (0);
}

enum forgot_state {
	FORGOT_START,
	FORGOT_WAIT
};

static int	forgot_start(struct http_request *);
static int	forgot_wait(struct http_request *);

static struct http_state	forgot_states[] = {
	{ "FORGOT_START",	forgot_start },
	{ "FORGOT_WAIT",	forgot_wait },
};

/* GET /password/forgot shows the form; POST makes and sends a link. */
int
page_password_forgot(struct http_request *req)
{
	struct password_page	*p = page_state(req);

	if (dbk_page_is_post(req)) {
		return (http_state_run(forgot_states,
		    sizeof(forgot_states) / sizeof(forgot_states[0]), req));
	}
	forgot_form(req, p, HTTP_STATUS_OK);
	return (KORE_RESULT_OK);
}

static int
forgot_start(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct password_page	*p = r->page;
	struct dbk_sql_param	params[FORGOT_NPARAMS];
	const char		*v;
	size_t			len;

	http_populate_post(req);
	if (!csrf_ok(req))
		return (HTTP_STATE_COMPLETE);
	if (!dbk_form_get(req, "email", &v, &len))
		v = "", len = 0;
	if (dbk_email_normalize(v, len, p->email, sizeof(p->email)) == -1) {
		p->email[0] = '\0';
		if (len < sizeof(p->email))
			(void)kore_strlcpy(p->email, v, sizeof(p->email));
		p->error = "Enter a valid email address.";
		forgot_form(req, p, 422);
		return (HTTP_STATE_COMPLETE);
	}

	dbk_reset_token_new(p->token, p->token_hash);
	params[0] = (struct dbk_sql_param)DBK_SQL_P_TEXT(p->email,
	    strlen(p->email));
	params[1] = params[0];
	params[2] = (struct dbk_sql_param)DBK_SQL_P_INT(FORGOT_COOLDOWN_S);
	params[3] = params[0];
	params[4] = (struct dbk_sql_param)DBK_SQL_P_BLOB(p->token_hash,
	    sizeof(p->token_hash));
	params[5] = (struct dbk_sql_param)DBK_SQL_P_INT(DBK_RESET_MINUTES);
	params[6] = params[0];
	(void)dbk_db_query(&r->db, FORGOT_SQL, params, FORGOT_NPARAMS);
	req->fsm_state = FORGOT_WAIT;

	return (HTTP_STATE_CONTINUE);
}

static int
forgot_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct password_page	*p = r->page;
	int			ret;

	ret = dbk_page_db_wait(req, "password forgot");
	if (ret == HTTP_STATE_RETRY)
		return (ret);
	if (ret == HTTP_STATE_CONTINUE) {
		if (r->db.nresults > FORGOT_INSERT_IDX &&
		    r->db.affected[FORGOT_INSERT_IDX] == 1)
			forgot_send(p, p->token);
		dbk_flash_set(req, 0, SENT_FLASH, NULL, 0);
		dbk_redirect(req, "/login");
		ret = HTTP_STATE_COMPLETE;
	}
	sodium_memzero(p->token, sizeof(p->token));

	return (ret);
}

/* Mail the link for token to p->email, or log it when there is no SMTP. */
static void
forgot_send(struct password_page *p, const char *token)
{
	struct kore_buf	body;
	char		link[DBK_RESET_LINK_MAX];

	(void)dbk_reset_link(dbk_cfg.base_url, token, link, sizeof(link));
	if (!dbk_mail_enabled()) {
		kore_log(LOG_NOTICE, "password reset: DAYBOOK_SMTP_URL is not "
		    "set, so the link for %s is logged instead of mailed: %s",
		    p->email, link);
		sodium_memzero(link, sizeof(link));
		return;
	}

	kore_buf_init(&body, 1024);
	kore_buf_appendf(&body, "Hello,\n\n"
	    "someone, probably you, asked to reset the password of the "
	    "daybook\naccount %s.  To choose a new password, open this "
	    "link within\n%d minutes:\n\n%s\n\n"
	    "The link works once.  If you did not ask for it, ignore this "
	    "message:\nyour password stays as it is.\n", p->email,
	    DBK_RESET_MINUTES, link);
	kore_buf_append(&body, "", 1);
	(void)dbk_mail_queue(p->email, MAIL_SUBJECT, (const char *)body.data);
	sodium_memzero(body.data, body.offset);
	kore_buf_cleanup(&body);
	sodium_memzero(link, sizeof(link));
}

static void
forgot_form(struct http_request *req, struct password_page *p, int status)
{
	struct mustache_value	*root;

	root = dbk_page_context(req, NULL, "Forgot your password?");
	dbk_view_set_cstr(root, "email", p->email);
	if (p->error != NULL)
		dbk_view_set_cstr(root, "error", p->error);
	(void)dbk_view_respond(req, status, "password_forgot", root, NULL);
}

enum reset_state {
	RESET_START,
	RESET_LOOKUP_WAIT,
	RESET_HASH_WAIT,
	RESET_WRITE_WAIT,
	RESET_SYNC_WAIT
};

static int	reset_start(struct http_request *);
static int	reset_lookup_wait(struct http_request *);
static int	reset_hash_wait(struct http_request *);
static int	reset_write_wait(struct http_request *);
static int	reset_sync_wait(struct http_request *);

static struct http_state	reset_states[] = {
	{ "RESET_START",	reset_start },
	{ "RESET_LOOKUP_WAIT",	reset_lookup_wait },
	{ "RESET_HASH_WAIT",	reset_hash_wait },
	{ "RESET_WRITE_WAIT",	reset_write_wait },
	{ "RESET_SYNC_WAIT",	reset_sync_wait },
};

/*
 * GET /password/reset?token=... shows the form for a good token; POST
 * (csrf, token, password, password2) sets the password.  A bad token gets
 * one message (410).
 */
int
page_password_reset(struct http_request *req)
{
	(void)page_state(req);

	return (http_state_run(reset_states,
	    sizeof(reset_states) / sizeof(reset_states[0]), req));
}

static int
reset_start(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct password_page	*p = r->page;
	struct dbk_sql_param	params[1];
	const char		*v;
	size_t			len;

	if (dbk_page_is_post(req)) {
		http_populate_post(req);
		if (!csrf_ok(req))
			return (HTTP_STATE_COMPLETE);
	} else {
		http_populate_qs(req);
	}
	if (!dbk_form_get(req, "token", &v, &len) ||
	    dbk_reset_token_hash(v, len, p->token_hash) == -1) {
		reset_gone(req);
		return (HTTP_STATE_COMPLETE);
	}
	(void)kore_strlcpy(p->token, v, sizeof(p->token));

	params[0] = (struct dbk_sql_param)DBK_SQL_P_BLOB(p->token_hash,
	    sizeof(p->token_hash));
	(void)dbk_db_query(&r->db, LOOKUP_SQL, params, 1);
	req->fsm_state = RESET_LOOKUP_WAIT;

	return (HTTP_STATE_CONTINUE);
}

static int
reset_lookup_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct password_page	*p = r->page;
	MYSQL_ROW		row;
	int			ret;

	if ((ret = dbk_page_db_wait(req, "password reset lookup")) !=
	    HTTP_STATE_CONTINUE)
		return (ret);
	if ((row = dbk_db_row(&r->db, 0, NULL)) == NULL) {
		reset_gone(req);
		return (HTTP_STATE_COMPLETE);
	}
	p->uid = strtoull(row[0], NULL, 10);
	dbk_db_clear(&r->db);

	if (!dbk_page_is_post(req)) {
		reset_form(req, p, HTTP_STATUS_OK);
		return (HTTP_STATE_COMPLETE);
	}
	if (!reset_validate(req, p)) {
		reset_form(req, p, 422);
		return (HTTP_STATE_COMPLETE);
	}

	dbk_pwtask_start(req, &p->pw, DBK_PWTASK_HASH, p->password,
	    p->password_len, NULL);
	req->fsm_state = RESET_HASH_WAIT;

	return (HTTP_STATE_RETRY);
}

/* The sign-up rules: an acceptable password, typed the same twice. */
static int
reset_validate(struct http_request *req, struct password_page *p)
{
	const char	*pw2;
	size_t		pw2len;

	if (!dbk_form_get(req, "password", &p->password, &p->password_len) ||
	    !dbk_password_acceptable(p->password, p->password_len)) {
		p->field_error[F_PASSWORD] = "Choose a password of at least "
		    "8 characters.";
		return (0);
	}
	if (!dbk_form_get(req, "password2", &pw2, &pw2len) ||
	    pw2len != p->password_len ||
	    memcmp(pw2, p->password, pw2len) != 0) {
		p->field_error[F_PASSWORD2] = "The two passwords differ.";
		return (0);
	}
	return (1);
}

static int
reset_hash_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct password_page	*p = r->page;
	struct dbk_sql_param	params[RESET_NPARAMS];

	if (dbk_pwtask_pending(req, &p->pw))
		return (HTTP_STATE_RETRY);
	dbk_pwtask_cleanup(&p->pw);
	if (!p->pw.ok) {
		dbk_respond_error(req, HTTP_STATUS_INTERNAL_ERROR);
		return (HTTP_STATE_COMPLETE);
	}

	memset(&p->old, 0, sizeof(p->old));
	(void)dbk_auth_parse_cookie(req, &p->old);
	dbk_session_new(&p->fresh, p->session_hex);

	params[0] = (struct dbk_sql_param)DBK_SQL_P_INT(p->uid);
	params[1] = (struct dbk_sql_param)DBK_SQL_P_BLOB(p->token_hash,
	    sizeof(p->token_hash));
	params[2] = params[0];
	params[3] = params[0];
	params[4] = (struct dbk_sql_param)DBK_SQL_P_TEXT(p->pw.hash,
	    strlen(p->pw.hash));
	params[5] = params[0];
	params[6] = params[0];
	dbk_session_end_params(&params[7], p->uid, NULL);
	params[7 + DBK_SESSION_END_NPARAMS] = (struct dbk_sql_param)
	    DBK_SQL_P_BLOB(p->old.token_hash, sizeof(p->old.token_hash));
	params[8 + DBK_SESSION_END_NPARAMS] = (struct dbk_sql_param)
	    DBK_SQL_P_BLOB(p->fresh.token_hash, sizeof(p->fresh.token_hash));
	params[9 + DBK_SESSION_END_NPARAMS] = params[0];
	params[10 + DBK_SESSION_END_NPARAMS] = (struct dbk_sql_param)
	    DBK_SQL_P_INT(dbk_cfg.session_max_hours);
	(void)dbk_db_query(&r->db, RESET_SQL, params, RESET_NPARAMS);
	sodium_memzero(p->pw.hash, sizeof(p->pw.hash));
	req->fsm_state = RESET_WRITE_WAIT;

	return (HTTP_STATE_CONTINUE);
}

static int
reset_write_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);

	if (dbk_db_pending(&r->db))
		return (HTTP_STATE_RETRY);
	if (r->db.state != DBK_DB_DONE) {
		if (r->db.errcode == ER_SIGNAL_EXCEPTION) {
			/* Used or expired since the lookup. */
			reset_gone(req);
			return (HTTP_STATE_COMPLETE);
		}
		dbk_db_logerror(&r->db, "password reset");
		dbk_respond_error(req, HTTP_STATUS_SERVICE_UNAVAILABLE);
		return (HTTP_STATE_COMPLETE);
	}

	dbk_cache_clear(&r->cache);
	req->fsm_state = RESET_SYNC_WAIT;
	if (!dbk_session_end_listed(&r->cache, &r->db, RESET_ENDED_IDX))
		return (HTTP_STATE_CONTINUE);
	return (HTTP_STATE_RETRY);
}

/* The ended sessions are tombstoned in Redis: log the person in anew. */
static int
reset_sync_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct password_page	*p = r->page;

	if (dbk_cache_pending(&r->cache))
		return (HTTP_STATE_RETRY);
	if (r->cache.ncmds > 0)
		dbk_session_sync_done(&r->cache);

	if (p->old.has_cookie)
		dbk_session_revoke_fire(&p->old);
	dbk_session_set_cookie(req, p->uid, p->session_hex);
	sodium_memzero(p->session_hex, sizeof(p->session_hex));
	dbk_flash_set(req, 0, "Your new password is set.  Every other "
	    "session of your account has ended.", NULL, 0);
	dbk_redirect(req, "/tasks");

	return (HTTP_STATE_COMPLETE);
}

static void
reset_form(struct http_request *req, struct password_page *p, int status)
{
	struct mustache_value	*root, *errors;

	root = dbk_page_context(req, NULL, "Choose a new password");
	dbk_view_set_cstr(root, "token", p->token);
	errors = dbk_view_object();
	if (p->field_error[F_PASSWORD] != NULL)
		dbk_view_set_cstr(errors, "password",
		    p->field_error[F_PASSWORD]);
	if (p->field_error[F_PASSWORD2] != NULL)
		dbk_view_set_cstr(errors, "password2",
		    p->field_error[F_PASSWORD2]);
	dbk_view_set(root, "errors", errors);
	(void)dbk_view_respond(req, status, "password_reset", root, NULL);
}

/* Expired, used, replaced or unknown: one message, 410. */
static void
reset_gone(struct http_request *req)
{
	struct mustache_value	*root;

	root = dbk_page_context(req, NULL, "Choose a new password");
	dbk_view_set_cstr(root, "error", GONE_ERROR);
	dbk_view_set_bool(root, "gone", 1);
	(void)dbk_view_respond(req, 410, "password_reset", root, NULL);
}
