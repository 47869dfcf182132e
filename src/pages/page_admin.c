/*
 * The administrators' pages: GET /admin (accounts, the create-an-account
 * form, the latest audit rows), POST /admin/accounts (create an account
 * with a one-time set-password link), POST /admin/accounts/ID/disable and
 * /enable; the report pages are in page_admin_reports.c.
 *
 * Everyone who is not an administrator, logged in or not, gets the very
 * 404 of an unknown URL, for GET and POST alike, before the CSRF token is
 * looked at.  The check is statement [0] of the page's first MariaDB round
 * trip (see page_admin.h), so `daybook-admin set-admin EMAIL off` and a
 * disabled account take effect at once, whatever Redis holds; Redis
 * copies with a stale admin flag are refreshed on the way.
 *
 * Every change is one transaction with one admin_audit row.  Disabling
 * ends the account's sessions in the same transaction (DBK_SESSION_END_SQL)
 * and tombstones their Redis copies before the 303 goes out.
 */

#include <sodium.h>
#include <string.h>

#include <mysqld_error.h>

#include "page_admin.h"
#include "core/validate.h"
#include "mustache/mustache.h"

#define ACCOUNTS_PER_PAGE	50
#define AUDIT_ROWS		20
#define NAME_MAX_CHARS		100
#define WRITE_TRIES		3

/* Statements [0] SET and [1] START, then the target's row locked at [2]. */
#define WRITE_BEGIN	"SET TRANSACTION ISOLATION LEVEL READ COMMITTED;" \
			"START TRANSACTION;"
#define LOCK_TARGET	"SELECT id, email FROM users WHERE id = ? FOR UPDATE;"
#define AUDIT_OF_TARGET	"INSERT INTO admin_audit (actor_user_id, actor, " \
			"action, target_user_id, detail) SELECT ?, ?, ?, " \
			"id, email FROM users WHERE id = ?;"
/* Indexes of the disable transaction's statements. */
#define DISABLE_LOCK		2
#define DISABLE_UPDATE		3
#define DISABLE_SESSIONS	4	/* the SELECT of DBK_SESSION_END_SQL */

/* GET /admin, after the check: the count, a page, the audit rows. */
#define HOME_SQL \
	"SELECT COUNT(*) FROM users;" \
	"SELECT u.id, u.email, u.display_name, u.is_admin, u.is_disabled, " \
	"DATE_FORMAT(u.created_at, '%Y-%m-%d %H:%i'), " \
	"IFNULL(DATE_FORMAT(GREATEST(" \
	"COALESCE(u.last_seen_at, s.seen), COALESCE(s.seen, u.last_seen_at)), " \
	"'%Y-%m-%d %H:%i'), ''), " \
	"COUNT(t.id) - COUNT(t.completed_at), COUNT(t.completed_at) " \
	"FROM (SELECT id FROM users ORDER BY id DESC LIMIT ? OFFSET ?) pg " \
	"JOIN users u ON u.id = pg.id " \
	"LEFT JOIN (SELECT user_id, MAX(last_seen_at) AS seen FROM sessions " \
	"GROUP BY user_id) s ON s.user_id = u.id " \
	"LEFT JOIN tasks t ON t.user_id = u.id " \
	"GROUP BY u.id ORDER BY u.id DESC;" \
	"SELECT DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s'), actor, action, " \
	"IFNULL(target_user_id, ''), detail FROM admin_audit " \
	"ORDER BY id DESC LIMIT ?;"

int	page_admin(struct http_request *);

enum admin_state {
	ADMIN_START,
	ADMIN_CHECK_WAIT,
	ADMIN_REFRESH_WAIT,
	ADMIN_DECIDE,
	ADMIN_HASH_WAIT,
	ADMIN_WRITE_WAIT,
	ADMIN_SYNC_WAIT
};

static int	admin_start(struct http_request *);
static int	admin_check_wait(struct http_request *);
static int	admin_refresh_wait(struct http_request *);
static int	admin_decide(struct http_request *);
static int	admin_hash_wait(struct http_request *);
static int	admin_write_wait(struct http_request *);
static int	admin_sync_wait(struct http_request *);

static struct http_state	admin_states[] = {
	{ "ADMIN_START",	admin_start },
	{ "ADMIN_CHECK_WAIT",	admin_check_wait },
	{ "ADMIN_REFRESH_WAIT",	admin_refresh_wait },
	{ "ADMIN_DECIDE",	admin_decide },
	{ "ADMIN_HASH_WAIT",	admin_hash_wait },
	{ "ADMIN_WRITE_WAIT",	admin_write_wait },
	{ "ADMIN_SYNC_WAIT",	admin_sync_wait },
};

static void	home_render(struct http_request *, struct dbk_admin_page *);
static int	create_start(struct http_request *, struct dbk_admin_page *);
static void	account_write(struct http_request *, struct dbk_admin_page *);

/* Every /admin route; the handler itself tells them apart. */
int
page_admin(struct http_request *req)
{
	(void)dbk_request_get(req, sizeof(struct dbk_admin_page));

	return (http_state_run(admin_states,
	    sizeof(admin_states) / sizeof(admin_states[0]), req));
}

/* /admin/accounts/ID/ACTION into p; 0 when the path is not one. */
static int
route_account(const char *path, int post, struct dbk_admin_page *p)
{
	const char	*slash;

	if (!post || (slash = strchr(path, '/')) == NULL ||
	    dbk_parse_id(path, (size_t)(slash - path), &p->target) == -1)
		return (0);
	if (!strcmp(slash, "/disable"))
		p->route = DBK_ADMIN_DISABLE;
	else if (!strcmp(slash, "/enable"))
		p->route = DBK_ADMIN_ENABLE;
	return (p->route != DBK_ADMIN_NONE);
}

/* /admin/reports/YYYY-MM-DD[.csv] into p; 0 when the path is not one. */
static int
route_report(const char *path, int post, struct dbk_admin_page *p)
{
	size_t	len = strlen(path);

	if (post || (len != 10 && (len != 14 || strcmp(path + 10, ".csv"))))
		return (0);
	memcpy(p->date, path, 10);
	p->date[10] = '\0';
	p->route = len == 10 ? DBK_ADMIN_REPORT : DBK_ADMIN_REPORT_CSV;
	return (1);
}

/* Which page the method and path ask for (conf/routes.conf). */
static void
route(struct http_request *req, struct dbk_admin_page *p)
{
	const char	*path = req->path;
	int		 post = dbk_page_is_post(req);

	p->route = DBK_ADMIN_NONE;
	if (!strcmp(path, "/admin")) {
		if (!post)
			p->route = DBK_ADMIN_HOME;
	} else if (!strcmp(path, "/admin/accounts")) {
		if (post)
			p->route = DBK_ADMIN_CREATE;
	} else if (!strncmp(path, "/admin/accounts/", 16)) {
		(void)route_account(path + 16, post, p);
	} else if (!strcmp(path, "/admin/reports")) {
		if (!post)
			p->route = DBK_ADMIN_REPORTS;
	} else if (!strncmp(path, "/admin/reports/", 15)) {
		(void)route_report(path + 15, post, p);
	}
}

/* The accounts page asked for (?page=N, from 1). */
static u_int64_t
home_pageno(struct http_request *req)
{
	char		*v;
	u_int64_t	 n;

	http_populate_qs(req);
	if (!http_argument_get_string(req, "page", &v) ||
	    dbk_parse_id(v, strlen(v), &n) == -1 || n == 0)
		return (1);
	return (n);
}

/*
 * The first round trip: the check, and for a GET the page's own
 * statements.
 */
static void
check_query(struct http_request *req, struct dbk_admin_page *p)
{
	struct dbk_request	*r = http_state_get(req);
	struct dbk_sql_param	 params[DBK_ADMIN_CHECK_NPARAMS +
				    DBK_ADMIN_PARAMS_MAX];
	struct kore_buf		 sql;
	const char		*more = "";
	size_t			 n;

	n = 0;
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(p->auth.user.id);
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(p->auth.user.id);
	if (p->route == DBK_ADMIN_HOME) {
		p->pageno = home_pageno(req);
		more = HOME_SQL;
		params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(
		    ACCOUNTS_PER_PAGE);
		params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(
		    (p->pageno - 1) * ACCOUNTS_PER_PAGE);
		params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(AUDIT_ROWS);
	} else if (p->route >= DBK_ADMIN_REPORTS) {
		more = dbk_admin_reports_sql(p, params, &n);
	}

	kore_buf_init(&sql, 2048);
	kore_buf_append(&sql, DBK_ADMIN_CHECK_SQL,
	    sizeof(DBK_ADMIN_CHECK_SQL) - 1);
	kore_buf_append(&sql, more, strlen(more) + 1);
	(void)dbk_db_query(&r->db, (const char *)sql.data, params, n);
	kore_buf_cleanup(&sql);
}

static int
admin_start(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct dbk_admin_page	*p = r->page;

	if (p->route == DBK_ADMIN_NONE)
		route(req, p);
	if (p->route == DBK_ADMIN_NONE) {
		dbk_respond_error(req, HTTP_STATUS_NOT_FOUND);
		return (HTTP_STATE_COMPLETE);
	}

	switch (dbk_auth_step(req, &p->auth)) {
	case DBK_AUTH_PENDING:
		return (HTTP_STATE_RETRY);
	case DBK_AUTH_OK:
		break;
	case DBK_AUTH_UNAVAILABLE:
		dbk_respond_error(req, HTTP_STATUS_SERVICE_UNAVAILABLE);
		return (HTTP_STATE_COMPLETE);
	default:
		/* Anonymous: the 404 of any unknown URL, cookie untouched. */
		dbk_respond_error(req, HTTP_STATUS_NOT_FOUND);
		return (HTTP_STATE_COMPLETE);
	}

	dbk_cache_clear(&r->cache);
	check_query(req, p);
	req->fsm_state = ADMIN_CHECK_WAIT;
	return (HTTP_STATE_CONTINUE);
}

/*
 * MariaDB's word on the asker.  When the session's Redis copies carry
 * another admin flag (`daybook-admin set-admin` cannot reach Redis), they
 * are refreshed first, so that the nav link follows too.
 */
static int
admin_check_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct dbk_admin_page	*p = r->page;
	struct dbk_user		 fresh;
	MYSQL_ROW		 row;
	int			 ret, is_admin;

	if ((ret = dbk_page_db_wait(req, "admin")) != HTTP_STATE_CONTINUE)
		return (ret);
	req->fsm_state = ADMIN_DECIDE;
	if ((row = dbk_db_row(&r->db, 0, NULL)) == NULL) {
		p->auth.user.is_admin = 0;
		return (HTTP_STATE_CONTINUE);
	}
	is_admin = row[0][0] == '1';
	if (is_admin != p->auth.user.is_admin) {
		fresh = p->auth.user;	/* the time zone as the session has it */
		fresh.is_admin = is_admin;
		(void)kore_strlcpy(fresh.email, row[1], sizeof(fresh.email));
		(void)kore_strlcpy(fresh.display_name, row[2],
		    sizeof(fresh.display_name));
		if (dbk_session_refresh_listed(&r->cache, &r->db, 1, &fresh))
			req->fsm_state = ADMIN_REFRESH_WAIT;
	}
	p->auth.user.is_admin = is_admin;
	return (HTTP_STATE_CONTINUE);
}

static int
admin_refresh_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);

	if (dbk_cache_pending(&r->cache))
		return (HTTP_STATE_RETRY);
	dbk_session_sync_done(&r->cache);
	req->fsm_state = ADMIN_DECIDE;
	return (HTTP_STATE_CONTINUE);
}

/* Not an administrator: 404.  Else the page, or the POST's CSRF check. */
static int
admin_decide(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct dbk_admin_page	*p = r->page;
	const char		*csrf;
	size_t			 len;

	if (!p->auth.user.is_admin) {
		dbk_respond_error(req, HTTP_STATUS_NOT_FOUND);
		return (HTTP_STATE_COMPLETE);
	}

	if (!dbk_page_is_post(req)) {
		if (p->route == DBK_ADMIN_HOME)
			home_render(req, p);
		else
			dbk_admin_reports_respond(req, p);
		return (HTTP_STATE_COMPLETE);
	}

	http_populate_post(req);
	if (!dbk_form_get(req, "csrf", &csrf, &len) ||
	    !dbk_auth_csrf_ok(&p->auth, csrf)) {
		dbk_respond_error(req, HTTP_STATUS_FORBIDDEN);
		return (HTTP_STATE_COMPLETE);
	}
	dbk_db_clear(&r->db);

	if (p->route == DBK_ADMIN_CREATE)
		return (create_start(req, p));

	if (p->route == DBK_ADMIN_DISABLE && p->target == p->auth.user.id) {
		dbk_flash_set(req, 1, "You cannot disable your own account. "
		    "Ask another administrator.", NULL, 0);
		dbk_redirect(req, "/admin");
		return (HTTP_STATE_COMPLETE);
	}
	account_write(req, p);
	req->fsm_state = ADMIN_WRITE_WAIT;
	return (HTTP_STATE_CONTINUE);
}

/* ------------------------------------------------------ GET /admin */

/* One accounts row as a view object. */
static struct mustache_value *
account_view(MYSQL_ROW row, u_int64_t self)
{
	struct mustache_value	*a;
	u_int64_t		 id;

	id = strtoull(row[0], NULL, 10);
	a = dbk_view_object();
	dbk_view_set_int(a, "id", (int64_t)id);
	dbk_view_set_cstr(a, "email", row[1]);
	dbk_view_set_cstr(a, "display_name", row[2]);
	dbk_view_set_bool(a, "is_admin", row[3][0] == '1');
	dbk_view_set_bool(a, "is_disabled", row[4][0] == '1');
	dbk_view_set_cstr(a, "created", row[5]);
	dbk_view_set_cstr(a, "last_seen", row[6]);
	dbk_view_set_int(a, "open", (int64_t)strtoll(row[7], NULL, 10));
	dbk_view_set_int(a, "done", (int64_t)strtoll(row[8], NULL, 10));
	dbk_view_set_bool(a, "is_self", id == self);
	return (a);
}

static struct mustache_value *
audit_view(MYSQL_ROW row)
{
	struct mustache_value	*a;

	a = dbk_view_object();
	dbk_view_set_cstr(a, "when", row[0]);
	dbk_view_set_cstr(a, "actor", row[1]);
	dbk_view_set_cstr(a, "action", row[2]);
	dbk_view_set_cstr(a, "target", row[3]);
	dbk_view_set_cstr(a, "detail", row[4]);
	return (a);
}

/* Previous / next page links when there are other pages. */
static void
home_pages(struct mustache_value *root, u_int64_t pageno, u_int64_t total)
{
	u_int64_t	pages;

	pages = (total + ACCOUNTS_PER_PAGE - 1) / ACCOUNTS_PER_PAGE;
	if (pages == 0)
		pages = 1;
	dbk_view_set_int(root, "accounts_total", (int64_t)total);
	dbk_view_set_int(root, "page", (int64_t)pageno);
	dbk_view_set_int(root, "pages", (int64_t)pages);
	dbk_view_set_bool(root, "paged", pages > 1);
	if (pageno > 1)
		dbk_view_set_int(root, "prev_page", (int64_t)(pageno - 1));
	if (pageno < pages)
		dbk_view_set_int(root, "next_page", (int64_t)(pageno + 1));
}

static void
home_render(struct http_request *req, struct dbk_admin_page *p)
{
	struct dbk_request	*r = http_state_get(req);
	struct mustache_value	*root, *accounts, *audit;
	MYSQL_ROW		 row;
	u_int64_t		 total = 0;

	root = dbk_page_context(req, &p->auth, "Administration");
	dbk_view_set_bool(root, "nav_admin", 1);
	dbk_view_set_bool(root, "signup_closed", !dbk_cfg.signup_open);

	if ((row = dbk_db_row(&r->db, DBK_ADMIN_FIRST, NULL)) != NULL)
		total = strtoull(row[0], NULL, 10);
	home_pages(root, p->pageno, total);

	accounts = dbk_view_list();
	while ((row = dbk_db_row(&r->db, DBK_ADMIN_FIRST + 1, NULL)) != NULL)
		dbk_view_push(accounts, account_view(row, p->auth.user.id));
	dbk_view_set(root, "accounts", accounts);
	dbk_view_set_bool(root, "has_accounts", accounts->u.list.len > 0);

	audit = dbk_view_list();
	while ((row = dbk_db_row(&r->db, DBK_ADMIN_FIRST + 2, NULL)) != NULL)
		dbk_view_push(audit, audit_view(row));
	dbk_view_set(root, "audit", audit);
	dbk_view_set_bool(root, "has_audit", audit->u.list.len > 0);

	(void)dbk_view_respond(req, HTTP_STATUS_OK, "admin", root, NULL);
}

/* -------------------------------------------- disable and enable */

/*
 * One transaction: the target's row locked, the flag set, (disable) every
 * session of the target listed and deleted, the audit row.
 */
static void
account_write(struct http_request *req, struct dbk_admin_page *p)
{
	struct dbk_request	*r = http_state_get(req);
	struct dbk_sql_param	 params[2 + DBK_SESSION_END_NPARAMS + 4];
	const char		*action, *sql;
	size_t			 n = 0;
	int			 disable = p->route == DBK_ADMIN_DISABLE;

	action = disable ? "disable" : "enable";
	sql = disable ?
	    WRITE_BEGIN LOCK_TARGET
	    "UPDATE users SET is_disabled = 1 WHERE id = ?;"
	    DBK_SESSION_END_SQL AUDIT_OF_TARGET "COMMIT" :
	    WRITE_BEGIN LOCK_TARGET
	    "UPDATE users SET is_disabled = 0 WHERE id = ?;"
	    AUDIT_OF_TARGET "COMMIT";

	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(p->target);
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(p->target);
	if (disable) {
		dbk_session_end_params(&params[n], p->target, NULL);
		n += DBK_SESSION_END_NPARAMS;
	}
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(p->auth.user.id);
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(p->auth.user.email,
	    strlen(p->auth.user.email));
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(action,
	    strlen(action));
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(p->target);

	(void)dbk_db_query(&r->db, sql, params, n);
}

/* ------------------------------------------------ create an account */

/*
 * The form's email and name into p.  Returns NULL when both are good,
 * else the message for the flash.
 */
static const char *
create_validate(struct http_request *req, struct dbk_admin_page *p)
{
	const char	*v;
	size_t		 len;

	if (!dbk_form_get(req, "email", &v, &len))
		v = "", len = 0;
	dbk_trim(&v, &len);
	if (dbk_email_normalize(v, len, p->email, sizeof(p->email)) == -1)
		return ("Enter a valid email address for the new account. "
		    "No account was created.");

	if (!dbk_form_get(req, "display_name", &v, &len))
		v = "", len = 0;
	dbk_trim(&v, &len);
	if (len == 0 || len >= sizeof(p->name) ||
	    !dbk_utf8_valid(v, len, DBK_UTF8_SINGLE_LINE) ||
	    dbk_utf8_length(v, len) > NAME_MAX_CHARS)
		return ("Enter a display name of 1 to 100 characters. "
		    "No account was created.");
	memcpy(p->name, v, len);
	p->name[len] = '\0';
	return (NULL);
}

/*
 * A valid create form: hash a random password nobody knows (on a task
 * thread, as for any password), so that the account exists but cannot be
 * logged into until its person follows the set-password link.
 */
static int
create_start(struct http_request *req, struct dbk_admin_page *p)
{
	const char	*error;
	char		 pw[32];

	if ((error = create_validate(req, p)) != NULL) {
		dbk_flash_set(req, 1, error, NULL, 0);
		dbk_redirect(req, "/admin");
		return (HTTP_STATE_COMPLETE);
	}

	randombytes_buf(pw, sizeof(pw));
	dbk_pwtask_start(req, &p->pw, DBK_PWTASK_HASH, pw, sizeof(pw), NULL);
	sodium_memzero(pw, sizeof(pw));
	req->fsm_state = ADMIN_HASH_WAIT;
	return (HTTP_STATE_RETRY);
}

/* The account, its set-password link and the audit row, at once. */
static int
admin_hash_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct dbk_admin_page	*p = r->page;
	struct dbk_sql_param	 params[8];
	static const char	 action[] = "create";

	if (dbk_pwtask_pending(req, &p->pw))
		return (HTTP_STATE_RETRY);
	dbk_pwtask_cleanup(&p->pw);
	if (!p->pw.ok) {
		dbk_respond_error(req, HTTP_STATUS_INTERNAL_ERROR);
		return (HTTP_STATE_COMPLETE);
	}

	dbk_reset_token_new(p->token_hex, p->token_hash);
	params[0] = (struct dbk_sql_param)DBK_SQL_P_TEXT(p->email,
	    strlen(p->email));
	params[1] = (struct dbk_sql_param)DBK_SQL_P_TEXT(p->name,
	    strlen(p->name));
	params[2] = (struct dbk_sql_param)DBK_SQL_P_TEXT(p->pw.hash,
	    strlen(p->pw.hash));
	params[3] = (struct dbk_sql_param)DBK_SQL_P_BLOB(p->token_hash,
	    sizeof(p->token_hash));
	params[4] = (struct dbk_sql_param)DBK_SQL_P_INT(DBK_RESET_MINUTES);
	params[5] = (struct dbk_sql_param)DBK_SQL_P_INT(p->auth.user.id);
	params[6] = (struct dbk_sql_param)DBK_SQL_P_TEXT(p->auth.user.email,
	    strlen(p->auth.user.email));
	params[7] = (struct dbk_sql_param)DBK_SQL_P_TEXT(action,
	    sizeof(action) - 1);
	(void)dbk_db_query(&r->db, WRITE_BEGIN
	    "INSERT INTO users (email, display_name, password_hash) "
	    "VALUES (?, ?, ?);"
	    "SET @dbk_new_user = LAST_INSERT_ID();"
	    DBK_RESET_ADD_SQL("@dbk_new_user") ";"
	    "INSERT INTO admin_audit (actor_user_id, actor, action, "
	    "target_user_id, detail) SELECT ?, ?, ?, id, email FROM users "
	    "WHERE id = @dbk_new_user;"
	    "COMMIT", params, 8);
	sodium_memzero(p->pw.hash, sizeof(p->pw.hash));
	req->fsm_state = ADMIN_WRITE_WAIT;
	return (HTTP_STATE_CONTINUE);
}

/* The account exists: the flash carries its one-time link. */
static void
create_done(struct http_request *req, struct dbk_admin_page *p)
{
	char		 link[DBK_RESET_LINK_MAX];
	const char	*details[1];
	struct kore_buf	 msg;

	(void)dbk_reset_link(dbk_cfg.base_url, p->token_hex, link, sizeof(link));
	sodium_memzero(p->token_hex, sizeof(p->token_hex));
	kore_buf_init(&msg, 256);
	kore_buf_appendf(&msg, "Account %s created. Send this one-time link "
	    "to its owner to set a password; it works for %d minutes:",
	    p->email, DBK_RESET_MINUTES);
	details[0] = link;
	dbk_flash_set(req, 0, kore_buf_stringify(&msg, NULL), details, 1);
	kore_buf_cleanup(&msg);
	sodium_memzero(link, sizeof(link));
}

/* ---------------------------------------------- after every write */

/*
 * Returns 1 when the transaction committed, 0 when an answer was sent
 * (503), -1 when it was sent again after a transient failure.
 */
static int
write_done(struct http_request *req, struct dbk_admin_page *p)
{
	struct dbk_request	*r = http_state_get(req);

	if (r->db.state != DBK_DB_DONE && dbk_db_transient(&r->db) &&
	    ++p->tries < WRITE_TRIES) {
		(void)dbk_db_retry(&r->db);
		return (-1);
	}
	if (r->db.state != DBK_DB_DONE) {
		dbk_db_logerror(&r->db, "admin write");
		dbk_respond_error(req, HTTP_STATUS_SERVICE_UNAVAILABLE);
		return (0);
	}
	return (1);
}

/* The flash after a disable or enable; 1 when the account exists. */
static int
account_flash(struct http_request *req, struct dbk_admin_page *p)
{
	struct dbk_request	*r = http_state_get(req);
	struct kore_buf		 msg;
	MYSQL_ROW		 row;
	int			 disable = p->route == DBK_ADMIN_DISABLE;

	if ((row = dbk_db_row(&r->db, DISABLE_LOCK, NULL)) == NULL) {
		dbk_flash_set(req, 1, "That account does not exist.", NULL, 0);
		return (0);
	}
	kore_buf_init(&msg, 128);
	if (r->db.affected[DISABLE_UPDATE] == 0)
		kore_buf_appendf(&msg, "%s was already %s.", row[1],
		    disable ? "disabled" : "enabled");
	else if (disable)
		kore_buf_appendf(&msg, "%s is disabled: it cannot log in, and "
		    "its sessions have ended.", row[1]);
	else
		kore_buf_appendf(&msg, "%s is enabled: it can log in again.",
		    row[1]);
	dbk_flash_set(req, 0, kore_buf_stringify(&msg, NULL), NULL, 0);
	kore_buf_cleanup(&msg);
	return (1);
}

static int
admin_write_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct dbk_admin_page	*p = r->page;

	if (dbk_db_pending(&r->db))
		return (HTTP_STATE_RETRY);
	if (p->route == DBK_ADMIN_CREATE && r->db.state != DBK_DB_DONE &&
	    r->db.errcode == ER_DUP_ENTRY) {
		dbk_flash_set(req, 1, "An account with this email exists "
		    "already. No account was created.", NULL, 0);
		dbk_redirect(req, "/admin");
		return (HTTP_STATE_COMPLETE);
	}
	switch (write_done(req, p)) {
	case -1:
		return (HTTP_STATE_RETRY);
	case 0:
		return (HTTP_STATE_COMPLETE);
	}

	if (p->route == DBK_ADMIN_CREATE) {
		create_done(req, p);
	} else if (account_flash(req, p) && p->route == DBK_ADMIN_DISABLE &&
	    dbk_session_end_listed(&r->cache, &r->db, DISABLE_SESSIONS)) {
		/* Tombstones for the Redis copies before the answer. */
		dbk_db_clear(&r->db);
		req->fsm_state = ADMIN_SYNC_WAIT;
		return (HTTP_STATE_CONTINUE);
	}
	dbk_db_clear(&r->db);
	dbk_redirect(req, "/admin");
	return (HTTP_STATE_COMPLETE);
}

static int
admin_sync_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);

	if (dbk_cache_pending(&r->cache))
		return (HTTP_STATE_RETRY);
	dbk_session_sync_done(&r->cache);
	dbk_redirect(req, "/admin");
	return (HTTP_STATE_COMPLETE);
}
