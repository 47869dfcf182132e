/*
 * Accounts: / (where to go), /login, /signup, POST /logout.
 *
 * The login and sign-up forms carry a pre-session CSRF token.  Password
 * work (argon2id) runs on a task thread.  A new session replaces whatever
 * session cookie came with the request (no fixation).
 */

#include <sodium.h>
#include <string.h>

#include <mysqld_error.h>

#include "runtime/page.h"
#include "runtime/pwtask.h"
#include "core/validate.h"
#include "mustache/mustache.h"

int	page_index(struct http_request *);
int	page_login(struct http_request *);
int	page_signup(struct http_request *);
int	page_logout(struct http_request *);

struct auth_page {
	struct dbk_auth		auth;
	struct dbk_pwtask	pw;
	char			email[DBK_EMAIL_MAX + 1];
	char			name[DBK_NAME_MAX + 1];
	char			next[520];
	char			ip[INET6_ADDRSTRLEN];
	char			token_hex[DBK_TOKEN_HEX + 1];
	const char		*password;
	size_t			password_len;
	u_int64_t		uid;
	int			disabled;
	int			limit_base;
	int			has_user;
	struct dbk_auth		old;		/* the session being replaced */
	const char		*error;
	const char		*field_error[4];
};

enum field {
	F_EMAIL,
	F_NAME,
	F_PASSWORD,
	F_PASSWORD2
};

static struct auth_page	*page_state(struct http_request *);
static int	auth_wait(struct http_request *, struct auth_page *);
static void	login_form(struct http_request *, struct auth_page *, int);
static void	signup_form(struct http_request *, struct auth_page *, int);
static void	session_insert(struct http_request *, struct auth_page *);
static void	session_start(struct http_request *, struct auth_page *);
static const char	*dummy_hash(void);

/* GET /: the task list for a person logged in, the login page otherwise. */
int
page_index(struct http_request *req)
{
	struct auth_page	*p = page_state(req);

	switch (auth_wait(req, p)) {
	case DBK_AUTH_PENDING:
		return (KORE_RESULT_RETRY);
	case DBK_AUTH_OK:
		dbk_redirect(req, "/tasks");
		break;
	default:
		dbk_redirect(req, "/login");
		break;
	}

	return (KORE_RESULT_OK);
}

static struct auth_page *
page_state(struct http_request *req)
{
	struct dbk_request	*r;

	r = dbk_request_get(req, sizeof(struct auth_page));
	return (r->page);
}

/* Run the session lookup; returns its result (PENDING: come back). */
static int
auth_wait(struct http_request *req, struct auth_page *p)
{
	enum dbk_auth_result	result;

	result = dbk_auth_step(req, &p->auth);
	return ((int)result);
}

/* The post-login target from the form or query: a path of this site. */
static void
read_next(struct http_request *req, struct auth_page *p)
{
	const char	*next;
	size_t		len;

	p->next[0] = '\0';
	if (!dbk_form_get(req, "next", &next, &len))
		return;
	if (len < sizeof(p->next) && dbk_local_path_ok(next, len))
		(void)kore_strlcpy(p->next, next, sizeof(p->next));
}

enum login_state {
	LOGIN_START,
	LOGIN_LIMIT_WAIT,
	LOGIN_USER_WAIT,
	LOGIN_VERIFY_WAIT,
	LOGIN_SESSION_WAIT
};

static int	login_start(struct http_request *);
static int	login_limit_wait(struct http_request *);
static int	login_user_wait(struct http_request *);
static int	login_verify_wait(struct http_request *);
static int	login_session_wait(struct http_request *);

static struct http_state	login_states[] = {
	{ "LOGIN_START",	login_start },
	{ "LOGIN_LIMIT_WAIT",	login_limit_wait },
	{ "LOGIN_USER_WAIT",	login_user_wait },
	{ "LOGIN_VERIFY_WAIT",	login_verify_wait },
	{ "LOGIN_SESSION_WAIT",	login_session_wait },
};

/*
 * GET /login shows the form (or moves on when a session exists); POST
 * checks the limits, the password (on a task thread) and starts a session.
 */
int
page_login(struct http_request *req)
{
	struct auth_page	*p = page_state(req);

	if (dbk_page_is_post(req)) {
		return (http_state_run(login_states,
		    sizeof(login_states) / sizeof(login_states[0]), req));
	}

	if (auth_wait(req, p) == DBK_AUTH_PENDING)
		return (KORE_RESULT_RETRY);
	http_populate_qs(req);
	read_next(req, p);
	if (p->auth.result == DBK_AUTH_OK)
		dbk_redirect(req, p->next[0] ? p->next : "/tasks");
	else
		login_form(req, p, HTTP_STATUS_OK);

	return (KORE_RESULT_OK);
}

/* The form's email, kept for the form when it does not parse. */
static int
login_read_email(struct http_request *req, struct auth_page *p)
{
	const char	*v;
	size_t		len;

	if (!dbk_form_get(req, "email", &v, &len))
		return (0);
	if (dbk_email_normalize(v, len, p->email, sizeof(p->email)) == 0)
		return (1);
	p->email[0] = '\0';
	if (len < sizeof(p->email))
		(void)kore_strlcpy(p->email, v, sizeof(p->email));

	return (0);
}

static int
login_start(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct auth_page	*p = r->page;
	const char		*csrf;
	size_t			len;

	http_populate_post(req);
	if (!dbk_form_get(req, "csrf", &csrf, &len) ||
	    !dbk_precsrf_ok(req, csrf)) {
		dbk_respond_error(req, HTTP_STATUS_FORBIDDEN);
		return (HTTP_STATE_COMPLETE);
	}
	read_next(req, p);
	if (!login_read_email(req, p)) {
		p->error = "Enter the email address of your account.";
		login_form(req, p, HTTP_STATUS_OK);
		return (HTTP_STATE_COMPLETE);
	}
	if (!dbk_form_get(req, "password", &p->password, &p->password_len) ||
	    p->password_len == 0 || p->password_len > DBK_PASSWORD_MAX_BYTES) {
		p->error = "Enter your password.";
		login_form(req, p, HTTP_STATUS_OK);
		return (HTTP_STATE_COMPLETE);
	}

	dbk_client_ip(req, p->ip, sizeof(p->ip));
	dbk_limit_queue(&r->cache, p->email, p->ip, &p->limit_base);
	dbk_cache_send(&r->cache);
	req->fsm_state = LOGIN_LIMIT_WAIT;

	return (HTTP_STATE_CONTINUE);
}

static int
login_limit_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct auth_page	*p = r->page;
	char			msg[128];
	int			minutes;
	struct dbk_sql_param	params[1];

	if (dbk_cache_pending(&r->cache))
		return (HTTP_STATE_RETRY);

	if (dbk_limit_check(&r->cache, p->email, p->ip, p->limit_base,
	    &minutes)) {
		(void)snprintf(msg, sizeof(msg), "Too many failed attempts. "
		    "Try again in %d minute%s.", minutes,
		    minutes == 1 ? "" : "s");
		p->error = msg;
		login_form(req, p, 429);
		return (HTTP_STATE_COMPLETE);
	}

	dbk_cache_clear(&r->cache);
	params[0] = (struct dbk_sql_param)DBK_SQL_P_TEXT(p->email,
	    strlen(p->email));
	(void)dbk_db_query(&r->db, "SELECT id, password_hash, is_disabled "
	    "FROM users WHERE email = ?", params, 1);
	req->fsm_state = LOGIN_USER_WAIT;

	return (HTTP_STATE_CONTINUE);
}

static int
login_user_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct auth_page	*p = r->page;
	MYSQL_ROW		row;
	const char		*hash;
	int			ret;

	if ((ret = dbk_page_db_wait(req, "login")) != HTTP_STATE_CONTINUE)
		return (ret);

	/* No account: spend the same time on a hash that cannot match. */
	hash = dummy_hash();
	if ((row = dbk_db_row(&r->db, 0, NULL)) != NULL) {
		p->has_user = 1;
		p->uid = strtoull(row[0], NULL, 10);
		p->disabled = (row[2][0] == '1');
		hash = row[1];
	}
	dbk_pwtask_start(req, &p->pw, DBK_PWTASK_VERIFY, p->password,
	    p->password_len, hash);
	dbk_db_clear(&r->db);
	req->fsm_state = LOGIN_VERIFY_WAIT;

	return (HTTP_STATE_RETRY);
}

static int
login_verify_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct auth_page	*p = r->page;

	if (dbk_pwtask_pending(req, &p->pw))
		return (HTTP_STATE_RETRY);
	dbk_pwtask_cleanup(&p->pw);

	if (!p->has_user || !p->pw.ok) {
		dbk_limit_fail(&r->cache, p->email, p->ip);
		p->error = "Wrong email or password.";
		login_form(req, p, HTTP_STATUS_OK);
		return (HTTP_STATE_COMPLETE);
	}
	if (p->disabled) {
		p->error = "This account is disabled. Ask an administrator.";
		login_form(req, p, HTTP_STATUS_OK);
		return (HTTP_STATE_COMPLETE);
	}

	session_insert(req, p);
	req->fsm_state = LOGIN_SESSION_WAIT;

	return (HTTP_STATE_CONTINUE);
}

static int
login_session_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct auth_page	*p = r->page;
	int			ret;

	if ((ret = dbk_page_db_wait(req, "login session")) !=
	    HTTP_STATE_CONTINUE)
		return (ret);

	dbk_limit_clear(&r->cache, p->email);
	session_start(req, p);
	dbk_redirect(req, p->next[0] ? p->next : "/tasks");

	return (HTTP_STATE_COMPLETE);
}

/*
 * Store a new session for p->uid, deleting the one whose cookie came with
 * the request (if any): a login always gets a fresh token.
 */
static void
session_insert(struct http_request *req, struct auth_page *p)
{
	struct dbk_request	*r = http_state_get(req);
	struct dbk_auth		fresh;
	struct dbk_sql_param	params[5];

	memset(&p->old, 0, sizeof(p->old));
	(void)dbk_auth_parse_cookie(req, &p->old);

	memset(&fresh, 0, sizeof(fresh));
	dbk_session_new(&fresh, p->token_hex);
	memcpy(p->auth.token_hash, fresh.token_hash, sizeof(fresh.token_hash));
	memcpy(p->auth.key, fresh.key, sizeof(fresh.key));

	params[0] = (struct dbk_sql_param)DBK_SQL_P_BLOB(p->old.token_hash,
	    sizeof(p->old.token_hash));
	params[1] = (struct dbk_sql_param)DBK_SQL_P_BLOB(fresh.token_hash,
	    sizeof(fresh.token_hash));
	params[2] = (struct dbk_sql_param)DBK_SQL_P_INT(p->uid);
	params[3] = (struct dbk_sql_param)DBK_SQL_P_INT(
	    dbk_cfg.session_max_hours);
	params[4] = (struct dbk_sql_param)DBK_SQL_P_INT(p->uid);

	dbk_db_clear(&r->db);
	(void)dbk_db_query(&r->db,
	    "DELETE FROM sessions WHERE token_hash = ?;"
	    "INSERT INTO sessions (token_hash, user_id, expires_at) "
	    "VALUES (?, ?, NOW(6) + INTERVAL ? HOUR);"
	    "UPDATE users SET last_seen_at = NOW(6) WHERE id = ?",
	    params, 5);
}

/* The session row is stored: tombstone the old one, set the cookie. */
static void
session_start(struct http_request *req, struct auth_page *p)
{
	if (p->old.has_cookie)
		dbk_session_revoke_fire(&p->old);
	dbk_session_set_cookie(req, p->uid, p->token_hex);
	sodium_memzero(p->token_hex, sizeof(p->token_hex));
}

static void
login_form(struct http_request *req, struct auth_page *p, int status)
{
	struct mustache_value	*root;

	root = dbk_page_context(req, NULL, "Log in");
	dbk_view_set_cstr(root, "email", p->email);
	dbk_view_set_cstr(root, "next", p->next);
	if (p->error != NULL)
		dbk_view_set_cstr(root, "error", p->error);
	(void)dbk_view_respond(req, status, "login", root, NULL);
}

#define EMAIL_TAKEN	"An account with this email exists already. Log in instead."

enum signup_state {
	SIGNUP_START,
	SIGNUP_CHECK_WAIT,
	SIGNUP_HASH_WAIT,
	SIGNUP_INSERT_WAIT
};

static int
signup_validate(struct http_request *req, struct auth_page *p)
{
	p->field_error[F_EMAIL] = dbk_form_email(req, "email", p->email,
	    sizeof(p->email));
	p->field_error[F_NAME] = dbk_form_display_name(req, "display_name",
	    p->name, sizeof(p->name));
	(void)dbk_form_new_password(req, "password", "password2",
	    &p->password, &p->password_len, &p->field_error[F_PASSWORD],
	    &p->field_error[F_PASSWORD2]);

	return (p->field_error[F_EMAIL] == NULL &&
	    p->field_error[F_NAME] == NULL &&
	    p->field_error[F_PASSWORD] == NULL &&
	    p->field_error[F_PASSWORD2] == NULL);
}

static int	signup_start(struct http_request *);
static int	signup_check_wait(struct http_request *);
static int	signup_hash_wait(struct http_request *);
static int	signup_insert_wait(struct http_request *);

static struct http_state	signup_states[] = {
	{ "SIGNUP_START",	signup_start },
	{ "SIGNUP_CHECK_WAIT",	signup_check_wait },
	{ "SIGNUP_HASH_WAIT",	signup_hash_wait },
	{ "SIGNUP_INSERT_WAIT",	signup_insert_wait },
};

/* GET /signup shows the form; POST creates the account and a session. */
int
page_signup(struct http_request *req)
{
	struct auth_page	*p = page_state(req);

	if (!dbk_cfg.signup_open) {
		dbk_respond_error(req, HTTP_STATUS_NOT_FOUND);
		return (KORE_RESULT_OK);
	}
	if (dbk_page_is_post(req)) {
		return (http_state_run(signup_states,
		    sizeof(signup_states) / sizeof(signup_states[0]), req));
	}

	signup_form(req, p, HTTP_STATUS_OK);
	return (KORE_RESULT_OK);
}

static int
signup_start(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct auth_page	*p = r->page;
	const char		*csrf;
	size_t			len;
	struct dbk_sql_param	params[1];

	http_populate_post(req);
	if (!dbk_form_get(req, "csrf", &csrf, &len) ||
	    !dbk_precsrf_ok(req, csrf)) {
		dbk_respond_error(req, HTTP_STATUS_FORBIDDEN);
		return (HTTP_STATE_COMPLETE);
	}
	if (!signup_validate(req, p)) {
		signup_form(req, p, 422);
		return (HTTP_STATE_COMPLETE);
	}

	params[0] = (struct dbk_sql_param)DBK_SQL_P_TEXT(p->email,
	    strlen(p->email));
	(void)dbk_db_query(&r->db, "SELECT 1 FROM users WHERE email = ?",
	    params, 1);
	req->fsm_state = SIGNUP_CHECK_WAIT;

	return (HTTP_STATE_CONTINUE);
}

static int
signup_check_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct auth_page	*p = r->page;
	int			ret;

	if ((ret = dbk_page_db_wait(req, "signup check")) !=
	    HTTP_STATE_CONTINUE)
		return (ret);
	if (dbk_db_num_rows(&r->db, 0) > 0) {
		p->field_error[F_EMAIL] = EMAIL_TAKEN;
		signup_form(req, p, 422);
		return (HTTP_STATE_COMPLETE);
	}

	dbk_db_clear(&r->db);
	dbk_pwtask_start(req, &p->pw, DBK_PWTASK_HASH, p->password,
	    p->password_len, NULL);
	req->fsm_state = SIGNUP_HASH_WAIT;

	return (HTTP_STATE_RETRY);
}

static int
signup_hash_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct auth_page	*p = r->page;
	struct dbk_sql_param	params[5];

	if (dbk_pwtask_pending(req, &p->pw))
		return (HTTP_STATE_RETRY);
	dbk_pwtask_cleanup(&p->pw);
	if (!p->pw.ok) {
		dbk_respond_error(req, HTTP_STATUS_INTERNAL_ERROR);
		return (HTTP_STATE_COMPLETE);
	}

	dbk_session_new(&p->auth, p->token_hex);
	params[0] = (struct dbk_sql_param)DBK_SQL_P_TEXT(p->email,
	    strlen(p->email));
	params[1] = (struct dbk_sql_param)DBK_SQL_P_TEXT(p->name,
	    strlen(p->name));
	params[2] = (struct dbk_sql_param)DBK_SQL_P_TEXT(p->pw.hash,
	    strlen(p->pw.hash));
	params[3] = (struct dbk_sql_param)DBK_SQL_P_BLOB(p->auth.token_hash,
	    sizeof(p->auth.token_hash));
	params[4] = (struct dbk_sql_param)DBK_SQL_P_INT(
	    dbk_cfg.session_max_hours);
	(void)dbk_db_query(&r->db,
	    "START TRANSACTION;"
	    "INSERT INTO users (email, display_name, password_hash, "
	    "last_seen_at) VALUES (?, ?, ?, NOW(6));"
	    "INSERT INTO sessions (token_hash, user_id, expires_at) "
	    "VALUES (?, LAST_INSERT_ID(), NOW(6) + INTERVAL ? HOUR);"
	    "COMMIT", params, 5);
	sodium_memzero(p->pw.hash, sizeof(p->pw.hash));
	req->fsm_state = SIGNUP_INSERT_WAIT;

	return (HTTP_STATE_CONTINUE);
}

static int
signup_insert_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct auth_page	*p = r->page;

	if (dbk_db_pending(&r->db))
		return (HTTP_STATE_RETRY);
	if (r->db.state != DBK_DB_DONE) {
		if (r->db.errcode == ER_DUP_ENTRY) {
			p->field_error[F_EMAIL] = EMAIL_TAKEN;
			signup_form(req, p, 422);
			return (HTTP_STATE_COMPLETE);
		}
		dbk_db_logerror(&r->db, "signup");
		dbk_respond_error(req, HTTP_STATUS_SERVICE_UNAVAILABLE);
		return (HTTP_STATE_COMPLETE);
	}

	p->uid = r->db.insert_id;
	dbk_session_set_cookie(req, p->uid, p->token_hex);
	sodium_memzero(p->token_hex, sizeof(p->token_hex));
	dbk_flash_set(req, 0, "Welcome to daybook! Add your first tasks "
	    "below.", NULL, 0);
	dbk_redirect(req, "/tasks");

	return (HTTP_STATE_COMPLETE);
}

static void
signup_form(struct http_request *req, struct auth_page *p, int status)
{
	struct mustache_value	*root, *errors;
	static const char	*names[] = {
		"email", "display_name", "password", "password2"
	};
	int			i;

	root = dbk_page_context(req, NULL, "Sign up");
	dbk_view_set_cstr(root, "email", p->email);
	dbk_view_set_cstr(root, "display_name", p->name);
	errors = dbk_view_object();
	for (i = 0; i < 4; i++) {
		if (p->field_error[i] != NULL)
			dbk_view_set_cstr(errors, names[i], p->field_error[i]);
	}
	dbk_view_set(root, "errors", errors);
	if (p->error != NULL)
		dbk_view_set_cstr(root, "error", p->error);
	(void)dbk_view_respond(req, status, "signup", root, NULL);
}

enum logout_state {
	LOGOUT_AUTH,
	LOGOUT_DELETE_WAIT,
	LOGOUT_REVOKE_WAIT
};

static int	logout_auth(struct http_request *);
static int	logout_delete_wait(struct http_request *);
static int	logout_revoke_wait(struct http_request *);

static struct http_state	logout_states[] = {
	{ "LOGOUT_AUTH",	logout_auth },
	{ "LOGOUT_DELETE_WAIT",	logout_delete_wait },
	{ "LOGOUT_REVOKE_WAIT",	logout_revoke_wait },
};

/* POST /logout: the session row goes, then its Redis copy. */
int
page_logout(struct http_request *req)
{
	(void)page_state(req);

	if (!dbk_page_is_post(req)) {
		dbk_respond_error(req, HTTP_STATUS_NOT_FOUND);
		return (KORE_RESULT_OK);
	}

	return (http_state_run(logout_states,
	    sizeof(logout_states) / sizeof(logout_states[0]), req));
}

static int
logout_auth(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct auth_page	*p = r->page;
	const char		*csrf;
	size_t			len;
	struct dbk_sql_param	params[1];

	switch (auth_wait(req, p)) {
	case DBK_AUTH_PENDING:
		return (HTTP_STATE_RETRY);
	case DBK_AUTH_OK:
		break;
	case DBK_AUTH_UNAVAILABLE:
		dbk_respond_error(req, HTTP_STATUS_SERVICE_UNAVAILABLE);
		return (HTTP_STATE_COMPLETE);
	default:
		dbk_session_clear_cookie(req);
		dbk_redirect(req, "/login");
		return (HTTP_STATE_COMPLETE);
	}

	http_populate_post(req);
	if (!dbk_form_get(req, "csrf", &csrf, &len) ||
	    !dbk_auth_csrf_ok(&p->auth, csrf)) {
		dbk_respond_error(req, HTTP_STATUS_FORBIDDEN);
		return (HTTP_STATE_COMPLETE);
	}

	dbk_cache_clear(&r->cache);
	params[0] = (struct dbk_sql_param)DBK_SQL_P_BLOB(p->auth.token_hash,
	    sizeof(p->auth.token_hash));
	(void)dbk_db_query(&r->db, "DELETE FROM sessions WHERE "
	    "token_hash = ?", params, 1);
	req->fsm_state = LOGOUT_DELETE_WAIT;

	return (HTTP_STATE_CONTINUE);
}

static int
logout_delete_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct auth_page	*p = r->page;
	int			ret;

	if ((ret = dbk_page_db_wait(req, "logout")) != HTTP_STATE_CONTINUE)
		return (ret);

	dbk_session_revoke(&r->cache, &p->auth);
	req->fsm_state = LOGOUT_REVOKE_WAIT;

	return (HTTP_STATE_CONTINUE);
}

static int
logout_revoke_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);

	if (dbk_cache_pending(&r->cache))
		return (HTTP_STATE_RETRY);
	if (r->cache.replies[0].type != DBK_REPLY_STRING)
		dbk_cache_gen_lost();

	dbk_session_clear_cookie(req);
	dbk_flash_set(req, 0, "You are logged out.", NULL, 0);
	dbk_redirect(req, "/login");

	return (HTTP_STATE_COMPLETE);
}

/*
 * A valid argon2id hash of a random password, made once per process, so
 * that a login for an unknown email costs the same as a wrong password.
 */
static const char *
dummy_hash(void)
{
	static char	hash[DBK_PASSWORD_HASH_MAX];
	char		pw[32];

	if (hash[0] == '\0') {
		randombytes_buf(pw, sizeof(pw));
		if (dbk_password_hash(pw, sizeof(pw), hash, sizeof(hash)) != 0)
			fatal("cannot make the dummy password hash");
	}

	return (hash);
}

/* Make the dummy hash in the parent, before the workers fork. */
void
dbk_auth_prepare(void)
{
	(void)dummy_hash();
}
