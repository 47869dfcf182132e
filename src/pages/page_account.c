/*
 * The account page: GET /account shows one small form per setting, each
 * posting to its own URL (name, email, password, time zone, log out
 * everywhere); GET /account/delete asks for confirmation and the password,
 * POST /account/delete deletes the account.
 *
 * Every change is one MariaDB transaction with the person's users row
 * locked first (READ COMMITTED, retried on a deadlock), which also lists
 * the sessions whose Redis copies must change.  After the commit those
 * copies are refreshed (name, email, time zone) or tombstoned (password,
 * log out everywhere, deletion), and the work-log cache is invalidated
 * (time zone), before the 303 goes out: the next page already shows the
 * change.
 * Checking the current password and hashing a new one run on a task
 * thread (pwtask.c); wrong current passwords count against the login
 * limits of the account.
 */

#include <sodium.h>
#include <string.h>

#include <mysqld_error.h>

#include "runtime/page.h"
#include "runtime/pwtask.h"
#include "domain/tasklist.h"
#include "core/validate.h"
#include "core/worklog.h"
#include "domain/worklogcache.h"
#include "mustache/mustache.h"

#define WRONG_PASSWORD	"That is not your current password."
#define EMAIL_TAKEN	"Another account uses this email address already."
#define PASSWORD_MOVED	"Your password was changed meanwhile. Nothing " \
			"else changed; try again."

int	page_account(struct http_request *);

enum account_action {
	ACT_SHOW,
	ACT_NAME,
	ACT_EMAIL,
	ACT_PASSWORD,
	ACT_TIME_ZONE,
	ACT_LOGOUT_ALL,
	ACT_DELETE
};

/* The messages under the fields of the page (errors.KEY). */
enum account_error {
	E_NAME,
	E_EMAIL,
	E_EMAIL_PASSWORD,
	E_PASSWORD_CURRENT,
	E_PASSWORD,
	E_PASSWORD2,
	E_TIME_ZONE,
	E_DELETE,
	E_COUNT
};

static const char	*error_keys[E_COUNT] = {
	"name", "email", "email_password", "password_current", "password",
	"password2", "time_zone", "delete"
};

struct account_page {
	struct dbk_auth		auth;
	struct dbk_pwtask	pw;
	enum account_action	action;
	int			status;	/* of a form shown again */
	char			name[DBK_NAME_MAX + 1];
	char			email[DBK_EMAIL_MAX + 1];
	char			zone[DBK_ZONE_NAME_MAX + 1];
	char			ip[INET6_ADDRSTRLEN];
	const char		*password;	/* the current one, typed */
	size_t			password_len;
	const char		*new_password;
	size_t			new_password_len;
	char			old_hash[DBK_PASSWORD_HASH_MAX];
	int			limit_base;
	u_int64_t		version;
	int			tries;
	int			stale;	/* the password hash moved */
	int			sessions_synced;	/* time zone: step 1 */
	const char		*error[E_COUNT];
	char			limit_msg[96];
};

enum account_state {
	ACC_AUTH,
	ACC_START,
	ACC_LOAD_WAIT,
	ACC_LIMIT_WAIT,
	ACC_HASH_WAIT,
	ACC_VERIFY_WAIT,
	ACC_NEWHASH_WAIT,
	ACC_WRITE,
	ACC_WRITE_WAIT,
	ACC_SYNC_WAIT,
	ACC_PURGE_WAIT
};

static int	acc_auth(struct http_request *);
static int	acc_start(struct http_request *);
static int	acc_load_wait(struct http_request *);
static int	acc_limit_wait(struct http_request *);
static int	acc_hash_wait(struct http_request *);
static int	acc_verify_wait(struct http_request *);
static int	acc_newhash_wait(struct http_request *);
static int	acc_write(struct http_request *);
static int	acc_write_wait(struct http_request *);
static int	acc_sync_wait(struct http_request *);
static int	acc_purge_wait(struct http_request *);

static struct http_state	account_states[] = {
	{ "ACC_AUTH",		acc_auth },
	{ "ACC_START",		acc_start },
	{ "ACC_LOAD_WAIT",	acc_load_wait },
	{ "ACC_LIMIT_WAIT",	acc_limit_wait },
	{ "ACC_HASH_WAIT",	acc_hash_wait },
	{ "ACC_VERIFY_WAIT",	acc_verify_wait },
	{ "ACC_NEWHASH_WAIT",	acc_newhash_wait },
	{ "ACC_WRITE",		acc_write },
	{ "ACC_WRITE_WAIT",	acc_write_wait },
	{ "ACC_SYNC_WAIT",	acc_sync_wait },
	{ "ACC_PURGE_WAIT",	acc_purge_wait },
};

static const struct {
	const char		*path;
	enum account_action	action;
} account_routes[] = {
	{ "/account",				ACT_SHOW },
	{ "/account/name",			ACT_NAME },
	{ "/account/email",			ACT_EMAIL },
	{ "/account/password",			ACT_PASSWORD },
	{ "/account/time-zone",			ACT_TIME_ZONE },
	{ "/account/logout-everywhere",		ACT_LOGOUT_ALL },
	{ "/account/delete",			ACT_DELETE },
};

static int	show_page(struct http_request *, struct account_page *, int);
static void	delete_page(struct http_request *, struct account_page *,
		    int);

/* The action of req->path; 0 when the path is none of ours. */
static int
account_route(struct http_request *req, struct account_page *p)
{
	size_t	i;

	for (i = 0; i < sizeof(account_routes) / sizeof(account_routes[0]);
	    i++) {
		if (!strcmp(req->path, account_routes[i].path)) {
			p->action = account_routes[i].action;
			return (1);
		}
	}

	return (0);
}

/* Also wipes what the page kept of passwords. */
static void
page_onfree(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct account_page	*p;

	if (r == NULL)
		return;
	p = r->page;
	sodium_memzero(p->old_hash, sizeof(p->old_hash));
	sodium_memzero(p->pw.hash, sizeof(p->pw.hash));
	dbk_db_cleanup(&r->db);
	dbk_cache_cleanup(&r->cache);
}

/* Every /account route: GET shows, POST changes. */
int
page_account(struct http_request *req)
{
	if (!http_state_exists(req)) {
		(void)dbk_request_get(req, sizeof(struct account_page));
		req->onfree = page_onfree;
	}

	return (http_state_run(account_states,
	    sizeof(account_states) / sizeof(account_states[0]), req));
}

static int
acc_auth(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct account_page	*p = r->page;
	int			ret;

	if (!account_route(req, p) || (!dbk_page_is_post(req) &&
	    p->action != ACT_SHOW && p->action != ACT_DELETE) ||
	    (dbk_page_is_post(req) && p->action == ACT_SHOW)) {
		dbk_respond_error(req, HTTP_STATUS_NOT_FOUND);
		return (HTTP_STATE_COMPLETE);
	}
	if ((ret = dbk_page_auth_gate(req, &p->auth)) != HTTP_STATE_CONTINUE)
		return (ret);
	req->fsm_state = ACC_START;

	return (HTTP_STATE_CONTINUE);
}

/* The current password, when the form has one; sets e when it has not. */
static void
read_password(struct http_request *req, struct account_page *p,
    const char *field, enum account_error e)
{
	if (!dbk_form_get(req, field, &p->password, &p->password_len) ||
	    p->password_len == 0 || p->password_len > DBK_PASSWORD_MAX_BYTES)
		p->error[e] = "Enter your current password.";
}

static void
validate_email(struct http_request *req, struct account_page *p)
{
	p->error[E_EMAIL] = dbk_form_email(req, "email", p->email,
	    sizeof(p->email));
	if (p->error[E_EMAIL] == NULL && !strcmp(p->email, p->auth.user.email))
		p->error[E_EMAIL] = "This is your email address already.";
	read_password(req, p, "password", E_EMAIL_PASSWORD);
}

/* The new password twice; the same rules as at sign-up. */
static void
validate_password(struct http_request *req, struct account_page *p)
{
	read_password(req, p, "current_password", E_PASSWORD_CURRENT);
	(void)dbk_form_new_password(req, "password", "password2",
	    &p->new_password, &p->new_password_len, &p->error[E_PASSWORD],
	    &p->error[E_PASSWORD2]);
}

/* An IANA zone this system knows, as worklog.c resolves them. */
static void
validate_zone(struct http_request *req, struct account_page *p)
{
	const char	*v;
	size_t		len;

	if (!dbk_form_get(req, "time_zone", &v, &len))
		v = "", len = 0;
	dbk_trim(&v, &len);
	p->zone[0] = '\0';
	if (len < sizeof(p->zone)) {
		memcpy(p->zone, v, len);
		p->zone[len] = '\0';
	}
	if (len == 0 || len >= sizeof(p->zone) || !dbk_zone_exists(p->zone))
		p->error[E_TIME_ZONE] = "Unknown time zone. Enter a name "
		    "like Europe/Berlin or America/New_York, or UTC.";
}

/* Run the form's checks; 1 when nothing was wrong. */
static int
validate(struct http_request *req, struct account_page *p)
{
	int	i;

	switch (p->action) {
	case ACT_NAME:
		p->error[E_NAME] = dbk_form_display_name(req, "display_name",
		    p->name, sizeof(p->name));
		break;
	case ACT_EMAIL:
		validate_email(req, p);
		break;
	case ACT_PASSWORD:
		validate_password(req, p);
		break;
	case ACT_TIME_ZONE:
		validate_zone(req, p);
		break;
	case ACT_DELETE:
		read_password(req, p, "password", E_DELETE);
		break;
	default:
		break;
	}

	for (i = 0; i < E_COUNT; i++) {
		if (p->error[i] != NULL)
			return (0);
	}

	return (1);
}

/* Does this action need the current password? */
static int
needs_password(enum account_action action)
{
	return (action == ACT_EMAIL || action == ACT_PASSWORD ||
	    action == ACT_DELETE);
}

/* Re-render the form of p->action with its errors (422 or p->status). */
static int
form_error(struct http_request *req, struct account_page *p)
{
	struct dbk_request	*r = http_state_get(req);

	if (p->status == 0)
		p->status = 422;
	if (p->action == ACT_DELETE) {
		delete_page(req, p, p->status);
		return (HTTP_STATE_COMPLETE);
	}
	if (dbk_db_pending(&r->db))
		fatal("account: form error while a query runs");
	dbk_db_clear(&r->db);

	return (show_page(req, p, p->status));
}

static int
acc_start(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct account_page	*p = r->page;

	if (!dbk_page_is_post(req)) {
		if (p->action == ACT_DELETE) {
			delete_page(req, p, HTTP_STATUS_OK);
			return (HTTP_STATE_COMPLETE);
		}
		return (show_page(req, p, HTTP_STATUS_OK));
	}

	http_populate_post(req);
	if (!dbk_page_csrf_gate(req, &p->auth))
		return (HTTP_STATE_COMPLETE);
	if (!validate(req, p))
		return (form_error(req, p));

	if (!needs_password(p->action)) {
		req->fsm_state = ACC_WRITE;
		return (HTTP_STATE_CONTINUE);
	}

	/* Wrong current passwords count like failed logins. */
	dbk_client_ip(req, p->ip, sizeof(p->ip));
	dbk_cache_clear(&r->cache);
	dbk_limit_queue(&r->cache, p->auth.user.email, p->ip, &p->limit_base);
	dbk_cache_send(&r->cache);
	req->fsm_state = ACC_LIMIT_WAIT;

	return (HTTP_STATE_CONTINUE);
}

/* Ask for the time zone, then render the page (status) in ACC_LOAD_WAIT. */
static int
show_page(struct http_request *req, struct account_page *p, int status)
{
	struct dbk_request	*r = http_state_get(req);
	struct dbk_sql_param	params[1];

	p->status = status;
	params[0] = (struct dbk_sql_param)DBK_SQL_P_INT(p->auth.user.id);
	(void)dbk_db_query(&r->db, "SELECT time_zone FROM users WHERE id = ?",
	    params, 1);
	req->fsm_state = ACC_LOAD_WAIT;

	return (HTTP_STATE_CONTINUE);
}

static int
acc_load_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct account_page	*p = r->page;
	struct mustache_value	*root, *errors;
	MYSQL_ROW		row;
	const char		*zone;
	int			i, ret;

	if ((ret = dbk_page_db_wait(req, "account")) != HTTP_STATE_CONTINUE)
		return (ret);
	zone = "UTC";
	if ((row = dbk_db_row(&r->db, 0, NULL)) != NULL && row[0] != NULL)
		zone = row[0];

	root = dbk_page_context(req, &p->auth, "Account");
	dbk_view_set_bool(root, "nav_account", 1);
	/* What was typed into the form that failed; the stored values else. */
	dbk_view_set_cstr(root, "name", p->error[E_NAME] != NULL ?
	    p->name : p->auth.user.display_name);
	dbk_view_set_cstr(root, "email", p->action == ACT_EMAIL ?
	    p->email : p->auth.user.email);
	dbk_view_set_cstr(root, "time_zone", p->error[E_TIME_ZONE] != NULL ?
	    p->zone : zone);
	errors = dbk_view_object();
	for (i = 0; i < E_COUNT; i++) {
		if (p->error[i] != NULL)
			dbk_view_set_cstr(errors, error_keys[i], p->error[i]);
	}
	dbk_view_set(root, "errors", errors);

	(void)dbk_view_respond(req, p->status, "account", root, NULL);
	return (HTTP_STATE_COMPLETE);
}

/* The confirmation page of account deletion. */
static void
delete_page(struct http_request *req, struct account_page *p, int status)
{
	struct mustache_value	*root;

	root = dbk_page_context(req, &p->auth, "Delete account");
	dbk_view_set_bool(root, "nav_account", 1);
	if (p->error[E_DELETE] != NULL)
		dbk_view_set_cstr(root, "error", p->error[E_DELETE]);
	(void)dbk_view_respond(req, status, "account_delete", root, NULL);
}

/* Which message slot a problem with the current password goes to. */
static enum account_error
password_error_slot(enum account_action action)
{
	switch (action) {
	case ACT_EMAIL:
		return (E_EMAIL_PASSWORD);
	case ACT_PASSWORD:
		return (E_PASSWORD_CURRENT);
	default:
		return (E_DELETE);
	}
}

static int
acc_limit_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct account_page	*p = r->page;
	struct dbk_sql_param	params[3];
	int			minutes;
	size_t			n;

	if (dbk_cache_pending(&r->cache))
		return (HTTP_STATE_RETRY);
	if (dbk_limit_check(&r->cache, p->auth.user.email, p->ip,
	    p->limit_base, &minutes)) {
		(void)snprintf(p->limit_msg, sizeof(p->limit_msg), "Too many "
		    "wrong passwords. Try again in %d minute%s.", minutes,
		    minutes == 1 ? "" : "s");
		p->error[password_error_slot(p->action)] = p->limit_msg;
		p->status = 429;
		return (form_error(req, p));
	}
	dbk_cache_clear(&r->cache);

	/* The stored hash; for an email change, whether it is taken. */
	n = 0;
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(p->auth.user.id);
	if (p->action == ACT_EMAIL) {
		params[n++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(p->email,
		    strlen(p->email));
		params[n++] = params[0];
		(void)dbk_db_query(&r->db, "SELECT password_hash FROM users "
		    "WHERE id = ?; SELECT 1 FROM users WHERE email = ? AND "
		    "id <> ?", params, n);
	} else {
		(void)dbk_db_query(&r->db, "SELECT password_hash FROM users "
		    "WHERE id = ?", params, n);
	}
	req->fsm_state = ACC_HASH_WAIT;

	return (HTTP_STATE_CONTINUE);
}

static int
acc_hash_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct account_page	*p = r->page;
	MYSQL_ROW		row;
	int			ret;

	if ((ret = dbk_page_db_wait(req, "account password")) !=
	    HTTP_STATE_CONTINUE)
		return (ret);
	if ((row = dbk_db_row(&r->db, 0, NULL)) == NULL || row[0] == NULL) {
		/* The account went away meanwhile. */
		dbk_session_clear_cookie(req);
		dbk_redirect(req, "/login");
		return (HTTP_STATE_COMPLETE);
	}
	(void)kore_strlcpy(p->old_hash, row[0], sizeof(p->old_hash));
	if (p->action == ACT_EMAIL && dbk_db_num_rows(&r->db, 1) > 0) {
		/* Said before the password is checked: sign-up tells too. */
		p->error[E_EMAIL] = EMAIL_TAKEN;
		return (form_error(req, p));
	}
	dbk_db_clear(&r->db);

	dbk_pwtask_start(req, &p->pw, DBK_PWTASK_VERIFY, p->password,
	    p->password_len, p->old_hash);
	req->fsm_state = ACC_VERIFY_WAIT;

	return (HTTP_STATE_RETRY);
}

static int
acc_verify_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct account_page	*p = r->page;

	if (dbk_pwtask_pending(req, &p->pw))
		return (HTTP_STATE_RETRY);
	dbk_pwtask_cleanup(&p->pw);

	if (!p->pw.ok) {
		dbk_limit_fail(&r->cache, p->auth.user.email, p->ip);
		p->error[password_error_slot(p->action)] = WRONG_PASSWORD;
		return (form_error(req, p));
	}
	if (p->action != ACT_PASSWORD) {
		req->fsm_state = ACC_WRITE;
		return (HTTP_STATE_CONTINUE);
	}

	dbk_pwtask_start(req, &p->pw, DBK_PWTASK_HASH, p->new_password,
	    p->new_password_len, NULL);
	req->fsm_state = ACC_NEWHASH_WAIT;

	return (HTTP_STATE_RETRY);
}

static int
acc_newhash_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct account_page	*p = r->page;

	if (dbk_pwtask_pending(req, &p->pw))
		return (HTTP_STATE_RETRY);
	dbk_pwtask_cleanup(&p->pw);
	if (!p->pw.ok) {
		dbk_respond_error(req, HTTP_STATUS_INTERNAL_ERROR);
		return (HTTP_STATE_COMPLETE);
	}
	req->fsm_state = ACC_WRITE;

	return (HTTP_STATE_CONTINUE);
}

/*
 * The statements of p->action after DBK_WRITE_BEGIN, with their parameters
 * appended to params at *n.  Where the result set of the sessions SELECT
 * lands is fixed per action (session_result()).
 */
static void
write_sql(struct account_page *p, struct kore_buf *sql,
    struct dbk_sql_param *params, size_t *n)
{
	u_int64_t		uid = p->auth.user.id;
	struct dbk_sql_param	id = DBK_SQL_P_INT(uid);

	switch (p->action) {
	case ACT_NAME:
		kore_buf_appendf(sql, "UPDATE users SET display_name = ? "
		    "WHERE id = ?;%s", DBK_SESSION_LIST_SQL);
		params[(*n)++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(p->name,
		    strlen(p->name));
		params[(*n)++] = id;
		params[(*n)++] = id;
		break;
	case ACT_EMAIL:
		kore_buf_appendf(sql, "UPDATE users SET email = ? WHERE "
		    "id = ? AND password_hash = ?;%s", DBK_SESSION_LIST_SQL);
		params[(*n)++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(p->email,
		    strlen(p->email));
		params[(*n)++] = id;
		params[(*n)++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(
		    p->old_hash, strlen(p->old_hash));
		params[(*n)++] = id;
		break;
	case ACT_PASSWORD:
		/* A reset link asked for earlier must not undo this. */
		kore_buf_appendf(sql, "UPDATE users SET password_hash = ? "
		    "WHERE id = ? AND password_hash = ?;%s"
		    "DELETE FROM password_resets WHERE user_id = ?;",
		    DBK_SESSION_END_SQL);
		params[(*n)++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(
		    p->pw.hash, strlen(p->pw.hash));
		params[(*n)++] = id;
		params[(*n)++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(
		    p->old_hash, strlen(p->old_hash));
		dbk_session_end_params(params + *n, uid, p->auth.token_hash);
		*n += DBK_SESSION_END_NPARAMS;
		params[(*n)++] = id;
		break;
	case ACT_TIME_ZONE:
		kore_buf_appendf(sql, "UPDATE users SET time_zone = ?, "
		    "worklog_version = worklog_version + 1 WHERE id = ?;"
		    "SELECT worklog_version FROM users WHERE id = ?;%s",
		    DBK_SESSION_LIST_SQL);
		params[(*n)++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(p->zone,
		    strlen(p->zone));
		params[(*n)++] = id;
		params[(*n)++] = id;
		params[(*n)++] = id;
		break;
	case ACT_LOGOUT_ALL:
		kore_buf_appendf(sql, "%s", DBK_SESSION_END_SQL);
		dbk_session_end_params(params + *n, uid, NULL);
		*n += DBK_SESSION_END_NPARAMS;
		break;
	case ACT_DELETE:
		/*
		 * Sessions are listed before the row goes (the cascade would
		 * take them unlisted).  Every other table of the person
		 * cascades from users: tasks, worklog_*, password_resets,
		 * report_people and through it report_items.  The
		 * login_failures row is keyed by the email.  The audit
		 * trail keeps its rows (ids are never reused) but loses the
		 * email and details that named the person.
		 */
		kore_buf_appendf(sql, "%s"
		    "DELETE FROM login_failures WHERE subject = "
		    "CONCAT('a:', ?);"
		    "UPDATE admin_audit SET actor = CONCAT('deleted account #', "
		    "actor_user_id) WHERE actor_user_id = ?;"
		    "UPDATE admin_audit SET detail = '' WHERE "
		    "target_user_id = ?;"
		    "DELETE FROM users WHERE id = ?;", DBK_SESSION_END_SQL);
		dbk_session_end_params(params + *n, uid, NULL);
		*n += DBK_SESSION_END_NPARAMS;
		params[(*n)++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(
		    p->auth.user.email, strlen(p->auth.user.email));
		params[(*n)++] = id;
		params[(*n)++] = id;
		params[(*n)++] = id;
		break;
	default:
		fatal("account: write for action %d", p->action);
	}
}

/* The result set of the sessions SELECT of p->action's transaction. */
static size_t
session_result(enum account_action action)
{
	switch (action) {
	case ACT_NAME:
	case ACT_EMAIL:
	case ACT_PASSWORD:
		return (DBK_WRITE_FIRST + 1);
	case ACT_TIME_ZONE:
		return (DBK_WRITE_FIRST + 2);
	default:
		return (DBK_WRITE_FIRST);
	}
}

static int
acc_write(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct account_page	*p = r->page;
	struct kore_buf		sql;
	struct dbk_sql_param	params[16];
	size_t			n;

	n = 0;
	kore_buf_init(&sql, 1024);
	kore_buf_appendf(&sql, DBK_WRITE_BEGIN);
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(p->auth.user.id);
	write_sql(p, &sql, params, &n);
	kore_buf_appendf(&sql, "COMMIT");
	kore_buf_append(&sql, "", 1);

	dbk_cache_clear(&r->cache);
	dbk_db_clear(&r->db);
	(void)dbk_db_query(&r->db, (const char *)sql.data, params, n);
	kore_buf_cleanup(&sql);
	sodium_memzero(p->pw.hash, sizeof(p->pw.hash));
	req->fsm_state = ACC_WRITE_WAIT;

	return (HTTP_STATE_CONTINUE);
}

/*
 * The transaction ended.  Returns 1 when it committed, 0 when an answer
 * was sent, -1 when it runs again after a transient failure.
 */
static int
write_done(struct http_request *req, struct account_page *p)
{
	struct dbk_request	*r = http_state_get(req);

	if (r->db.state != DBK_DB_DONE && dbk_db_transient(&r->db) &&
	    ++p->tries < DBK_WRITE_TRIES) {
		(void)dbk_db_retry(&r->db);
		return (-1);
	}
	if (r->db.state != DBK_DB_DONE ||
	    r->db.nresults <= session_result(p->action)) {
		dbk_db_logerror(&r->db, "account write");
		dbk_respond_error(req, HTTP_STATUS_SERVICE_UNAVAILABLE);
		return (0);
	}

	return (1);
}

/* The person as the fresh session copies show them (name, email, zone). */
static void
user_after(struct account_page *p, struct dbk_user *user)
{
	*user = p->auth.user;
	if (p->action == ACT_NAME)
		(void)kore_strlcpy(user->display_name, p->name,
		    sizeof(user->display_name));
	else if (p->action == ACT_TIME_ZONE)
		(void)kore_strlcpy(user->time_zone, p->zone,
		    sizeof(user->time_zone));
	else
		(void)kore_strlcpy(user->email, p->email, sizeof(user->email));
}

static int
acc_write_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct account_page	*p = r->page;
	struct dbk_user		user;
	MYSQL_ROW		row;
	size_t			idx;
	int			sent;

	if (dbk_db_pending(&r->db))
		return (HTTP_STATE_RETRY);
	if (r->db.state != DBK_DB_DONE && r->db.errcode == ER_DUP_ENTRY &&
	    p->action == ACT_EMAIL) {
		/* Taken between the check and the change. */
		p->error[E_EMAIL] = EMAIL_TAKEN;
		return (form_error(req, p));
	}
	switch (write_done(req, p)) {
	case -1:
		return (HTTP_STATE_RETRY);
	case 0:
		return (HTTP_STATE_COMPLETE);
	}

	idx = session_result(p->action);
	switch (p->action) {
	case ACT_NAME:
	case ACT_EMAIL:
		/* A name may be saved unchanged; an email never is. */
		p->stale = p->action == ACT_EMAIL &&
		    r->db.affected[DBK_WRITE_FIRST] == 0;
		user_after(p, &user);
		sent = !p->stale &&
		    dbk_session_refresh_listed(&r->cache, &r->db, idx, &user);
		break;
	case ACT_TIME_ZONE:
		/* The session copies now, the work log in acc_sync_wait. */
		row = dbk_db_row(&r->db, DBK_WRITE_FIRST + 1, NULL);
		if (row != NULL)
			p->version = strtoull(row[0], NULL, 10);
		user_after(p, &user);
		sent = dbk_session_refresh_listed(&r->cache, &r->db, idx,
		    &user);
		break;
	case ACT_PASSWORD:
		p->stale = (r->db.affected[DBK_WRITE_FIRST] == 0);
		/* FALLTHROUGH */
	default:
		sent = dbk_session_end_listed(&r->cache, &r->db, idx);
		break;
	}
	dbk_db_clear(&r->db);
	req->fsm_state = ACC_SYNC_WAIT;
	if (!sent)
		dbk_cache_clear(&r->cache);

	return (HTTP_STATE_CONTINUE);
}

/* After a deletion: the person's own Redis keys go. */
static void
purge_send(struct dbk_request *r, struct account_page *p)
{
	const char	*argv[3];
	size_t		argvlen[3];
	char		tasks[32], worklog[32];

	/* The login counter of the email (a DEL on the same link, first). */
	dbk_limit_clear(&r->cache, p->auth.user.email);

	dbk_tasklist_key(p->auth.user.id, tasks, sizeof(tasks));
	dbk_worklog_key(p->auth.user.id, worklog, sizeof(worklog));
	argv[0] = "DEL";
	argv[1] = tasks;
	argv[2] = worklog;
	argvlen[0] = 3;
	argvlen[1] = strlen(tasks);
	argvlen[2] = strlen(worklog);
	dbk_cache_clear(&r->cache);
	(void)dbk_cache_command(&r->cache, 3, argv, argvlen);
	dbk_cache_send(&r->cache);
}

/* The flash and where the 303 goes once everything is synchronised. */
static void
finish(struct http_request *req, struct account_page *p)
{
	const char	*msg = NULL;
	int		error = 0;

	switch (p->action) {
	case ACT_NAME:
		msg = "Your display name is saved.";
		break;
	case ACT_EMAIL:
		msg = "Your email address is changed.";
		break;
	case ACT_PASSWORD:
		msg = "Your password is changed. Every other session is "
		    "logged out.";
		break;
	case ACT_TIME_ZONE:
		msg = "Your time zone is saved.";
		break;
	case ACT_LOGOUT_ALL:
		msg = "You are logged out everywhere.";
		break;
	case ACT_DELETE:
		msg = "Your account is deleted.";
		break;
	default:
		break;
	}
	if (p->stale) {
		msg = PASSWORD_MOVED;
		error = 1;
	}
	dbk_flash_set(req, error, msg, NULL, 0);

	if (p->action == ACT_LOGOUT_ALL || p->action == ACT_DELETE) {
		dbk_session_clear_cookie(req);
		dbk_redirect(req, "/login");
	} else {
		dbk_redirect(req, "/account");
	}
}

static int
acc_sync_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct account_page	*p = r->page;

	if (dbk_cache_pending(&r->cache))
		return (HTTP_STATE_RETRY);
	if (p->action == ACT_TIME_ZONE && !p->sessions_synced) {
		/* Step 2 of a new zone: after the sessions, the work log. */
		if (r->cache.ncmds > 0)
			dbk_session_sync_done(&r->cache);
		p->sessions_synced = 1;
		dbk_worklog_invalidate(&r->cache, p->auth.user.id,
		    p->version);
		return (HTTP_STATE_CONTINUE);
	}
	if (p->action == ACT_TIME_ZONE)
		dbk_worklog_invalidated(&r->cache);
	else if (r->cache.ncmds > 0)
		dbk_session_sync_done(&r->cache);

	if (p->action == ACT_DELETE) {
		purge_send(r, p);
		req->fsm_state = ACC_PURGE_WAIT;
		return (HTTP_STATE_CONTINUE);
	}
	finish(req, p);

	return (HTTP_STATE_COMPLETE);
}

static int
acc_purge_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct account_page	*p = r->page;

	if (dbk_cache_pending(&r->cache))
		return (HTTP_STATE_RETRY);
	if (r->cache.replies[0].type != DBK_REPLY_INTEGER)
		kore_log(LOG_NOTICE, "account: the cached data of a deleted "
		    "account could not be removed; it expires within an hour");
	dbk_cache_clear(&r->cache);
	finish(req, p);

	return (HTTP_STATE_COMPLETE);
}
