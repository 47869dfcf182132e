/*
 * GET /worklog/allowances?year=YYYY: the person's vacation, remote and sick
 * day allowances for a year (default: this year); POST saves them (steps
 * of 0.5 day, 0-9999; blank: no allowance) in worklog_allowances, in the
 * work log's write transaction (wldata.h), then 303 back with a flash.
 */

#include <string.h>

#include "runtime/page.h"
#include "core/validate.h"
#include "domain/wldata.h"
#include "core/worklog.h"
#include "mustache/mustache.h"

int	page_worklog_allowances(struct http_request *);

/* The form's fields, in the table's column order. */
static const char	*fields[DBK_ALLOWANCE_KINDS] = {
	"vacation", "remote", "sick"
};

static const char	*field_labels[DBK_ALLOWANCE_KINDS] = {
	"Vacation days", "Remote days", "Sick days"
};

struct allowances_page {
	struct dbk_wldata	wl;
	int			year;
	const char		*year_error;
	/* The values as typed (POST) or as stored (GET), NUL-terminated. */
	char			value[DBK_ALLOWANCE_KINDS][DBK_UNITS_STR_LEN];
	long			units[DBK_ALLOWANCE_KINDS];	/* -1: none */
	const char		*error[DBK_ALLOWANCE_KINDS];
};

enum allowances_state {
	ALLOW_AUTH,
	ALLOW_LOAD_WAIT,
	ALLOW_WRITE_WAIT,
	ALLOW_INVALIDATE_WAIT
};

static int	allow_auth(struct http_request *);
static int	allow_load_wait(struct http_request *);

static struct http_state	allow_states[] = {
	{ "ALLOW_AUTH",			allow_auth },
	{ "ALLOW_LOAD_WAIT",		allow_load_wait },
	{ "ALLOW_WRITE_WAIT",		dbk_wldata_write_wait },
	{ "ALLOW_INVALIDATE_WAIT",	dbk_wldata_invalidate_wait },
};

int
page_worklog_allowances(struct http_request *req)
{
	return (dbk_wldata_run(req, sizeof(struct allowances_page),
	    allow_states, sizeof(allow_states) / sizeof(allow_states[0]),
	    NULL));
}

/* The form with p's values and errors; status 200, 400 or 422. */
static void
allow_render(struct http_request *req, struct allowances_page *p, int status)
{
	struct mustache_value	*root, *list, *item;
	char			id[32];
	int			i;

	root = dbk_wldata_context(req, &p->wl, "Allowances",
	    "wl_nav_allowances");
	if (p->year_error != NULL) {
		dbk_view_set_cstr(root, "year_error", p->year_error);
		(void)dbk_view_respond(req, status, "worklog_allowances", root,
		    NULL);
		return;
	}
	dbk_view_set_int(root, "year", p->year);
	list = dbk_view_list();
	for (i = 0; i < DBK_ALLOWANCE_KINDS; i++) {
		item = dbk_view_object();
		dbk_view_set_cstr(item, "name", fields[i]);
		dbk_view_set_cstr(item, "label", field_labels[i]);
		dbk_view_set_cstr(item, "value", p->value[i]);
		if (p->error[i] != NULL) {
			dbk_view_set_cstr(item, "error", p->error[i]);
			(void)snprintf(id, sizeof(id), "%s-error", fields[i]);
			dbk_view_set_cstr(item, "error_id", id);
		}
		dbk_view_push(list, item);
	}
	dbk_view_set(root, "fields", list);
	(void)dbk_view_respond(req, status, "worklog_allowances", root, NULL);
}

/* Reads and checks the three fields.  Returns 1 when all are valid. */
static int
allow_validate(struct http_request *req, struct allowances_page *p)
{
	const char	*v;
	size_t		len;
	int		i, ok;

	for (i = 0, ok = 1; i < DBK_ALLOWANCE_KINDS; i++) {
		if (!dbk_form_get(req, fields[i], &v, &len))
			v = "", len = 0;
		dbk_trim(&v, &len);
		p->units[i] = DBK_ALLOWANCE_NONE;
		if (len < sizeof(p->value[i])) {
			memcpy(p->value[i], v, len);
			p->value[i][len] = '\0';
		}
		if (len == 0)
			continue;
		if (len >= sizeof(p->value[i]) ||
		    dbk_units_parse(v, len, &p->units[i]) == -1) {
			p->units[i] = DBK_ALLOWANCE_NONE;
			p->error[i] = "Enter a number of days from 0 to 9999 "
			    "in steps of 0.5 (e.g. 25 or 2.5), or leave it "
			    "blank for no allowance.";
			ok = 0;
		}
	}

	return (ok);
}

/* Upsert the year's row in the write transaction. */
static void
allow_write(struct dbk_request *r, struct allowances_page *p)
{
	struct dbk_sql_param	params[9];
	char			days[DBK_ALLOWANCE_KINDS][DBK_UNITS_STR_LEN];
	u_int64_t		uid = p->wl.auth.user.id;
	size_t			n;
	int			i;

	n = 0;
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(p->year);
	for (i = 0; i < DBK_ALLOWANCE_KINDS; i++) {
		if (p->units[i] == DBK_ALLOWANCE_NONE) {
			params[n++] = (struct dbk_sql_param)DBK_SQL_P_NULL;
			continue;
		}
		dbk_units_format(p->units[i], days[i]);
		params[n++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(days[i],
		    strlen(days[i]));
	}
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);

	(void)dbk_db_query(&r->db, DBK_WRITE_BEGIN
	    "INSERT INTO worklog_allowances (user_id, year, vacation_days, "
	    "remote_days, sick_days) VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY "
	    "UPDATE vacation_days = VALUES(vacation_days), remote_days = "
	    "VALUES(remote_days), sick_days = VALUES(sick_days);"
	    DBK_WL_WRITE_END, params, n);
}

/* The write committed: back to the form, with a flash. */
static void
allow_committed(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct allowances_page	*p = r->page;
	char			msg[64];

	(void)snprintf(msg, sizeof(msg), "Allowances for %d saved.", p->year);
	dbk_flash_set(req, 0, msg, NULL, 0);
	(void)snprintf(p->wl.location, sizeof(p->wl.location),
	    "/worklog/allowances?year=%d", p->year);
}

static int
allow_auth(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct allowances_page	*p = r->page;
	struct dbk_sql_param	params[2];
	int			ret, post;

	if ((ret = dbk_page_auth_gate(req, &p->wl.auth)) != HTTP_STATE_CONTINUE)
		return (ret);

	post = dbk_page_is_post(req);
	if (post) {
		http_populate_post(req);
		if (!dbk_page_csrf_gate(req, &p->wl.auth))
			return (HTTP_STATE_COMPLETE);
	} else {
		http_populate_qs(req);
	}
	if (dbk_wldata_year(req, !post, p->wl.auth.user.time_zone,
	    &p->year) == -1) {
		p->year_error = "Enter a year from 1970 to 2100 as four "
		    "digits, e.g. 2026.";
		allow_render(req, p, HTTP_STATUS_BAD_REQUEST);
		return (HTTP_STATE_COMPLETE);
	}

	if (post) {
		if (!allow_validate(req, p)) {
			allow_render(req, p, 422);
			return (HTTP_STATE_COMPLETE);
		}
		allow_write(r, p);
		p->wl.committed = allow_committed;
		p->wl.invalidate_state = ALLOW_INVALIDATE_WAIT;
		req->fsm_state = ALLOW_WRITE_WAIT;
		return (HTTP_STATE_CONTINUE);
	}

	params[0] = (struct dbk_sql_param)DBK_SQL_P_INT(p->wl.auth.user.id);
	params[1] = (struct dbk_sql_param)DBK_SQL_P_INT(p->year);
	(void)dbk_db_query(&r->db, "SELECT vacation_days, remote_days, "
	    "sick_days FROM worklog_allowances WHERE user_id = ? AND "
	    "year = ?", params, 2);
	req->fsm_state = ALLOW_LOAD_WAIT;

	return (HTTP_STATE_CONTINUE);
}

static int
allow_load_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct allowances_page	*p = r->page;
	MYSQL_ROW		row;
	long			units;
	int			i, ret;

	if ((ret = dbk_page_db_wait(req, "allowances")) != HTTP_STATE_CONTINUE)
		return (ret);
	if ((row = dbk_db_row(&r->db, 0, NULL)) != NULL) {
		for (i = 0; i < DBK_ALLOWANCE_KINDS; i++) {
			if (row[i] != NULL && dbk_units_parse(row[i],
			    strlen(row[i]), &units) == 0)
				dbk_units_format(units, p->value[i]);
		}
	}
	dbk_db_clear(&r->db);
	allow_render(req, p, HTTP_STATUS_OK);

	return (HTTP_STATE_COMPLETE);
}
