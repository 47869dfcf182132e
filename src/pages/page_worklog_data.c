/*
 * The work log's data pages:
 *   GET /worklog/data: the import form, export links per year and for all
 *	years, and the "delete a year" form.
 *   GET /worklog/export.csv?year=YYYY|all: the entries as CSV (csv.h).
 *   GET /worklog/delete-year?year=YYYY: the confirmation page; POST (same
 *	URL) deletes the year's entries in the work log's write transaction
 *	(wldata.h), then 303 /worklog/data with a flash.
 * A bad year shows the data page with the message (400); nothing changes.
 * The import (POST /worklog/import) is page_worklog_import.c.
 */

#include <string.h>

#include "core/csv.h"
#include "runtime/page.h"
#include "core/validate.h"
#include "domain/wldata.h"
#include "core/worklog.h"
#include "mustache/mustache.h"

/* Largest export: every day of 1970-2100 with the longest fields. */
#define EXPORT_MAX	(64 * 1024 * 1024)

int	page_worklog_data(struct http_request *);

enum data_action {
	DATA_SHOW,
	DATA_EXPORT,
	DATA_DELETE
};

struct data_page {
	struct dbk_wldata	wl;
	enum data_action	action;
	int			year;		/* 0: all years */
	const char		*error;
};

enum data_state {
	DATA_AUTH,
	DATA_LIST_WAIT,
	DATA_EXPORT_WAIT,
	DATA_COUNT_WAIT,
	DATA_DELETE_WAIT,
	DATA_INVALIDATE_WAIT
};

static int	data_auth(struct http_request *);
static int	data_list_wait(struct http_request *);
static int	data_export_wait(struct http_request *);
static int	data_count_wait(struct http_request *);

static struct http_state	data_states[] = {
	{ "DATA_AUTH",			data_auth },
	{ "DATA_LIST_WAIT",		data_list_wait },
	{ "DATA_EXPORT_WAIT",		data_export_wait },
	{ "DATA_COUNT_WAIT",		data_count_wait },
	{ "DATA_DELETE_WAIT",		dbk_wldata_write_wait },
	{ "DATA_INVALIDATE_WAIT",	dbk_wldata_invalidate_wait },
};

/* /worklog/data, /worklog/export.csv and /worklog/delete-year. */
int
page_worklog_data(struct http_request *req)
{
	return (dbk_wldata_run(req, sizeof(struct data_page), data_states,
	    sizeof(data_states) / sizeof(data_states[0]), NULL));
}

/* The years with entries, for the data page. */
static void
list_query(struct dbk_request *r, struct data_page *p)
{
	struct dbk_sql_param	param = DBK_SQL_P_INT(p->wl.auth.user.id);

	(void)dbk_db_query(&r->db, "SELECT YEAR(day), COUNT(*) FROM "
	    "worklog_entries WHERE user_id = ? GROUP BY YEAR(day) "
	    "ORDER BY 1 DESC", &param, 1);
}

/* "YYYY-01-01" and "YYYY-12-31" of p->year into from and to. */
static void
year_bounds(const struct data_page *p, char *from, char *to)
{
	(void)snprintf(from, DBK_DATE_STR_LEN, "%04d-01-01", p->year);
	(void)snprintf(to, DBK_DATE_STR_LEN, "%04d-12-31", p->year);
}

static void
export_query(struct dbk_request *r, struct data_page *p)
{
	struct dbk_sql_param	params[3];
	char			from[DBK_DATE_STR_LEN], to[DBK_DATE_STR_LEN];

	params[0] = (struct dbk_sql_param)DBK_SQL_P_INT(p->wl.auth.user.id);
	if (p->year == 0) {
		(void)dbk_db_query(&r->db, "SELECT DATE_FORMAT(day, "
		    "'%Y-%m-%d'), kind, half_day, location, note FROM "
		    "worklog_entries WHERE user_id = ? ORDER BY day",
		    params, 1);
		return;
	}
	year_bounds(p, from, to);
	params[1] = (struct dbk_sql_param)DBK_SQL_P_TEXT(from, strlen(from));
	params[2] = (struct dbk_sql_param)DBK_SQL_P_TEXT(to, strlen(to));
	(void)dbk_db_query(&r->db, "SELECT DATE_FORMAT(day, '%Y-%m-%d'), "
	    "kind, half_day, location, note FROM worklog_entries WHERE "
	    "user_id = ? AND day BETWEEN ? AND ? ORDER BY day", params, 3);
}

/* Delete (POST) or count (GET, for the confirmation) the year's entries. */
static void
delete_query(struct dbk_request *r, struct data_page *p, int post)
{
	struct dbk_sql_param	params[6];
	char			from[DBK_DATE_STR_LEN], to[DBK_DATE_STR_LEN];
	u_int64_t		uid = p->wl.auth.user.id;
	size_t			n;

	year_bounds(p, from, to);
	n = 0;
	if (post)
		params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(from, strlen(from));
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(to, strlen(to));
	if (!post) {
		(void)dbk_db_query(&r->db, "SELECT COUNT(*) FROM "
		    "worklog_entries WHERE user_id = ? AND day BETWEEN ? "
		    "AND ?", params, n);
		return;
	}
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	(void)dbk_db_query(&r->db, DBK_WRITE_BEGIN
	    "DELETE FROM worklog_entries WHERE user_id = ? AND day BETWEEN ? "
	    "AND ?;" DBK_WL_WRITE_END, params, n);
}

/*
 * The year argument of export (absent or "all": every year) and delete
 * (required).  Returns 1, or 0 with p->error set.
 */
static int
data_year(struct http_request *req, struct data_page *p)
{
	const char	*s;
	size_t		len;

	if (p->action == DATA_EXPORT) {
		if (!dbk_form_get(req, "year", &s, &len) || len == 0 ||
		    !strcmp(s, "all")) {
			p->year = 0;
			return (1);
		}
	}
	if (dbk_wldata_year(req, 0, p->wl.auth.user.time_zone,
	    &p->year) == 1)
		return (1);
	p->error = p->action == DATA_EXPORT ?
	    "Export a year from 1970 to 2100 (four digits) or all years." :
	    "Delete a year from 1970 to 2100, given as four digits.";

	return (0);
}

/* The year's entries are gone: to the data page, with a flash. */
static void
delete_committed(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct data_page	*p = r->page;
	unsigned long long	n;
	char			msg[96];

	n = r->db.affected[DBK_WRITE_FIRST];
	(void)snprintf(msg, sizeof(msg), "%llu day%s of %d deleted.", n,
	    n == 1 ? "" : "s", p->year);
	dbk_flash_set(req, 0, msg, NULL, 0);
	(void)kore_strlcpy(p->wl.location, "/worklog/data",
	    sizeof(p->wl.location));
}

static int
data_auth(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct data_page	*p = r->page;
	int			ret, post;

	if ((ret = dbk_page_auth_gate(req, &p->wl.auth)) != HTTP_STATE_CONTINUE)
		return (ret);

	/* The route (conf/routes.conf) says which page this is. */
	if (!strcmp(req->path, "/worklog/export.csv"))
		p->action = DATA_EXPORT;
	else if (!strcmp(req->path, "/worklog/delete-year"))
		p->action = DATA_DELETE;
	else
		p->action = DATA_SHOW;
	post = dbk_page_is_post(req);
	http_populate_qs(req);
	if (post) {
		http_populate_post(req);
		if (!dbk_page_csrf_gate(req, &p->wl.auth))
			return (HTTP_STATE_COMPLETE);
	}

	if (p->action == DATA_SHOW || !data_year(req, p)) {
		list_query(r, p);
		req->fsm_state = DATA_LIST_WAIT;
	} else if (p->action == DATA_EXPORT) {
		export_query(r, p);
		req->fsm_state = DATA_EXPORT_WAIT;
	} else {
		delete_query(r, p, post);
		p->wl.committed = delete_committed;
		p->wl.invalidate_state = DATA_INVALIDATE_WAIT;
		req->fsm_state = post ? DATA_DELETE_WAIT : DATA_COUNT_WAIT;
	}

	return (HTTP_STATE_CONTINUE);
}

/* The data page: 200, or 400 with p->error. */
static int
data_list_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct data_page	*p = r->page;
	struct mustache_value	*root, *years, *item;
	MYSQL_ROW		row;
	int64_t			first;
	int			ret;

	if ((ret = dbk_page_db_wait(req, "work log years")) !=
	    HTTP_STATE_CONTINUE)
		return (ret);

	root = dbk_wldata_context(req, &p->wl, "Import and export",
	    "wl_nav_data");
	years = dbk_view_list();
	first = 0;
	while ((row = dbk_db_row(&r->db, 0, NULL)) != NULL) {
		if (first == 0)
			first = strtoll(row[0], NULL, 10);
		item = dbk_view_object();
		dbk_view_set_cstr(item, "year", row[0]);
		dbk_view_set_cstr(item, "count", row[1]);
		dbk_view_push(years, item);
	}
	dbk_db_clear(&r->db);
	dbk_view_set(root, "years", years);
	dbk_view_set_bool(root, "has_years", first != 0);
	dbk_view_set_int(root, "delete_year",
	    first != 0 ? first :
	    dbk_wldata_this_year(p->wl.auth.user.time_zone));
	dbk_view_set_int(root, "import_max_kb", DBK_WL_IMPORT_MAX / 1000);
	dbk_view_set_int(root, "import_max_rows", DBK_CSV_MAX_ROWS);
	if (p->error != NULL)
		dbk_view_set_cstr(root, "error", p->error);

	(void)dbk_view_respond(req, p->error != NULL ?
	    HTTP_STATUS_BAD_REQUEST : HTTP_STATUS_OK, "worklog_data", root,
	    NULL);

	return (HTTP_STATE_COMPLETE);
}

/* The CSV into w from the export query; 0, or -1 when it did not fit. */
static int
export_write(struct dbk_db *db, struct dbk_csv_writer *w)
{
	MYSQL_ROW		row;
	unsigned long		*len;
	struct dbk_date		date;
	enum dbk_day_kind	kind;

	(void)dbk_csv_write_header(w);
	while ((row = dbk_db_row(db, 0, &len)) != NULL) {
		if (dbk_date_parse(row[0], len[0], &date) == -1 ||
		    dbk_day_kind_parse(row[1], len[1], &kind) == -1)
			continue;
		(void)dbk_csv_write_entry(w, &date, kind, !strcmp(row[2], "1"),
		    row[3], len[3], row[4], len[4]);
	}

	return (w->failed ? -1 : 0);
}

static int
data_export_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct data_page	*p = r->page;
	struct dbk_csv_writer	w;
	char			disp[80];
	int			ret;

	if ((ret = dbk_page_db_wait(req, "work log export")) !=
	    HTTP_STATE_CONTINUE)
		return (ret);

	dbk_csv_writer_init(&w, EXPORT_MAX);
	if (export_write(&r->db, &w) == -1) {
		kore_log(LOG_ERR, "work log export: out of room");
		dbk_respond_error(req, HTTP_STATUS_INTERNAL_ERROR);
		goto out;
	}
	if (p->year == 0) {
		(void)kore_strlcpy(disp, "attachment; "
		    "filename=\"daybook-worklog-all.csv\"", sizeof(disp));
	} else {
		(void)snprintf(disp, sizeof(disp), "attachment; "
		    "filename=\"daybook-worklog-%04d.csv\"", p->year);
	}
	http_response_header(req, "content-disposition", disp);
	http_response_header(req, "cache-control", "no-store");
	dbk_respond(req, HTTP_STATUS_OK, "text/csv; charset=utf-8", w.data,
	    w.len);

out:
	dbk_csv_writer_free(&w);
	dbk_db_clear(&r->db);

	return (HTTP_STATE_COMPLETE);
}

/* The confirmation page, with how many days would go. */
static int
data_count_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct data_page	*p = r->page;
	struct mustache_value	*root;
	MYSQL_ROW		row;
	char			buf[160];
	long			n;
	int			ret;

	if ((ret = dbk_page_db_wait(req, "work log count")) !=
	    HTTP_STATE_CONTINUE)
		return (ret);
	n = 0;
	if ((row = dbk_db_row(&r->db, 0, NULL)) != NULL)
		n = strtol(row[0], NULL, 10);
	dbk_db_clear(&r->db);

	root = dbk_wldata_context(req, &p->wl, "Confirm", "wl_nav_data");
	(void)snprintf(buf, sizeof(buf), "Delete the work log of %d?",
	    p->year);
	dbk_view_set_cstr(root, "heading", buf);
	(void)snprintf(buf, sizeof(buf), "%ld day%s logged in %d will be "
	    "deleted. The allowances of %d stay. This cannot be undone.",
	    n, n == 1 ? "" : "s", p->year, p->year);
	dbk_view_set_cstr(root, "message", buf);
	(void)snprintf(buf, sizeof(buf), "/worklog/delete-year?year=%d",
	    p->year);
	dbk_view_set_cstr(root, "action", buf);
	(void)snprintf(buf, sizeof(buf), "Delete %d", p->year);
	dbk_view_set_cstr(root, "button", buf);
	dbk_view_set_cstr(root, "cancel_url", "/worklog/data");
	(void)dbk_view_respond(req, HTTP_STATUS_OK, "confirm", root, NULL);

	return (HTTP_STATE_COMPLETE);
}
