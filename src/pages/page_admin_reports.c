/*
 * The stored nightly reports (written by `daybook-admin report`):
 * GET /admin/reports (the list), /admin/reports/YYYY-MM-DD (one report:
 * per person counts and tasks with their completion times) and
 * /admin/reports/YYYY-MM-DD.csv (the download, byte for byte what
 * `daybook-admin report --format csv` prints: both use src/core/reportfmt.c).
 * Times are shown in the report's own time zone.  The admin check and the
 * routing are page_admin.c's.
 */

#include <string.h>

#include "page_admin.h"
#include "core/reportfmt.h"
#include "mustache/mustache.h"

#define REPORTS_MAX		400

/* After the check: the count, then the newest REPORTS_MAX. */
#define LIST_SQL \
	"SELECT COUNT(*) FROM reports;" \
	"SELECT DATE_FORMAT(report_date, '%Y-%m-%d'), time_zone, people, " \
	"tasks_completed, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i') " \
	"FROM reports ORDER BY report_date DESC LIMIT ?;"

/*
 * One report: its head, then its tasks in the CSV's order (by email,
 * completion time, id), each with its person as the report stored them.
 */
#define SHOW_SQL \
	"SELECT time_zone, DATE_FORMAT(range_start, '%Y-%m-%d %H:%i:%s'), " \
	"DATE_FORMAT(range_end, '%Y-%m-%d %H:%i:%s'), people, " \
	"tasks_completed, DATE_FORMAT(created_at, '%Y-%m-%d %H:%i') " \
	"FROM reports WHERE report_date = ?;" \
	"SELECT p.user_id, p.email, p.display_name, i.task_id, i.title, " \
	"DATE_FORMAT(i.completed_at, '%Y-%m-%d %H:%i:%s') " \
	"FROM report_items i JOIN report_people p " \
	"ON p.report_date = i.report_date AND p.user_id = i.user_id " \
	"WHERE i.report_date = ? " \
	"ORDER BY p.email, p.user_id, i.completed_at, i.task_id;"

enum item_col {
	ITEM_UID,
	ITEM_EMAIL,
	ITEM_NAME,
	ITEM_TASK,
	ITEM_TITLE,
	ITEM_AT
};

const char *
dbk_admin_reports_sql(struct dbk_admin_page *p, struct dbk_sql_param *params,
    size_t *n)
{
	if (p->route == DBK_ADMIN_REPORTS) {
		params[(*n)++] = (struct dbk_sql_param)DBK_SQL_P_INT(
		    REPORTS_MAX);
		return (LIST_SQL);
	}
	params[(*n)++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(p->date, 10);
	params[(*n)++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(p->date, 10);
	return (SHOW_SQL);
}

static struct mustache_value *
report_view(MYSQL_ROW row)
{
	struct mustache_value	*v;

	v = dbk_view_object();
	dbk_view_set_cstr(v, "date", row[0]);
	dbk_view_set_cstr(v, "time_zone", row[1]);
	dbk_view_set_int(v, "people", (int64_t)strtoll(row[2], NULL, 10));
	dbk_view_set_int(v, "tasks", (int64_t)strtoll(row[3], NULL, 10));
	dbk_view_set_cstr(v, "created", row[4]);
	return (v);
}

static void
list_render(struct http_request *req, struct dbk_admin_page *p)
{
	struct dbk_request	*r = http_state_get(req);
	struct mustache_value	*root, *list;
	MYSQL_ROW		 row;
	u_int64_t		 total = 0;

	root = dbk_page_context(req, &p->auth, "Reports");
	dbk_view_set_bool(root, "nav_admin", 1);
	if ((row = dbk_db_row(&r->db, DBK_ADMIN_FIRST, NULL)) != NULL)
		total = strtoull(row[0], NULL, 10);
	list = dbk_view_list();
	while ((row = dbk_db_row(&r->db, DBK_ADMIN_FIRST + 1, NULL)) != NULL)
		dbk_view_push(list, report_view(row));
	dbk_view_set(root, "reports", list);
	dbk_view_set_bool(root, "has_reports", list->u.list.len > 0);
	dbk_view_set_int(root, "reports_total", (int64_t)total);
	dbk_view_set_int(root, "reports_shown", (int64_t)list->u.list.len);
	dbk_view_set_bool(root, "reports_capped", total > list->u.list.len);
	(void)dbk_view_respond(req, HTTP_STATUS_OK, "admin_reports", root,
	    NULL);
}

/*
 * The local time of "YYYY-MM-DD HH:MM:SS" (UTC) in the zone entered, into
 * out (DBK_REPORT_TIME_MAX bytes); "" when it does not parse.
 */
static void
local_of(const char *utc, char *out)
{
	time_t	t;

	out[0] = '\0';
	if ((t = dbk_report_parse_utc(utc)) != -1)
		dbk_report_local_time(t, out, DBK_REPORT_TIME_MAX);
}

/* A task of the report, with its time in the report's zone. */
static struct mustache_value *
item_view(MYSQL_ROW row)
{
	struct mustache_value	*v;
	char			 at[DBK_REPORT_TIME_MAX];

	local_of(row[ITEM_AT], at);
	v = dbk_view_object();
	dbk_view_set_cstr(v, "id", row[ITEM_TASK]);
	dbk_view_set_cstr(v, "title", row[ITEM_TITLE]);
	dbk_view_set_cstr(v, "completed_at", at);
	/* HH:MM of 2026-03-29T00:30:00+01:00 */
	dbk_view_set_str(v, "time", at[0] ? at + 11 : "", at[0] ? 5 : 0);
	return (v);
}

/* People with their tasks, from the rows in CSV order; how many. */
static size_t
people_view(struct dbk_request *r, struct mustache_value *people)
{
	struct mustache_value	*person = NULL, *tasks = NULL;
	MYSQL_ROW		 row;
	char			 last[24];
	size_t			 count = 0;

	last[0] = '\0';
	while ((row = dbk_db_row(&r->db, DBK_ADMIN_FIRST + 1, NULL)) != NULL) {
		if (person == NULL || strcmp(last, row[ITEM_UID])) {
			if (person != NULL)
				dbk_view_set_int(person, "count",
				    (int64_t)tasks->u.list.len);
			(void)kore_strlcpy(last, row[ITEM_UID], sizeof(last));
			person = dbk_view_object();
			tasks = dbk_view_list();
			dbk_view_set_cstr(person, "email", row[ITEM_EMAIL]);
			dbk_view_set_cstr(person, "display_name",
			    row[ITEM_NAME]);
			dbk_view_set(person, "tasks", tasks);
			dbk_view_push(people, person);
			count++;
		}
		dbk_view_push(tasks, item_view(row));
	}
	if (person != NULL)
		dbk_view_set_int(person, "count", (int64_t)tasks->u.list.len);
	return (count);
}

/* The head row of a report into root; the zone is entered. */
static void
head_view(struct mustache_value *root, MYSQL_ROW head)
{
	char	from[DBK_REPORT_TIME_MAX], to[DBK_REPORT_TIME_MAX];

	local_of(head[1], from);
	local_of(head[2], to);
	dbk_view_set_cstr(root, "time_zone", head[0]);
	dbk_view_set_cstr(root, "range_start", from);
	dbk_view_set_cstr(root, "range_end", to);
	dbk_view_set_int(root, "people", (int64_t)strtoll(head[3], NULL, 10));
	dbk_view_set_int(root, "tasks", (int64_t)strtoll(head[4], NULL, 10));
	dbk_view_set_cstr(root, "created", head[5]);
}

static void
show_render(struct http_request *req, struct dbk_admin_page *p,
    MYSQL_ROW head)
{
	struct dbk_request	*r = http_state_get(req);
	struct mustache_value	*root, *people;
	char			 title[32];
	size_t			 with_tasks;

	(void)snprintf(title, sizeof(title), "Report %s", p->date);
	root = dbk_page_context(req, &p->auth, title);
	dbk_view_set_bool(root, "nav_admin", 1);
	dbk_view_set_cstr(root, "date", p->date);
	head_view(root, head);
	people = dbk_view_list();
	with_tasks = people_view(r, people);
	dbk_view_set(root, "people_list", people);
	dbk_view_set_int(root, "people_with_tasks", (int64_t)with_tasks);
	dbk_view_set_bool(root, "has_people", with_tasks > 0);
	(void)dbk_view_respond(req, HTTP_STATUS_OK, "admin_report", root,
	    NULL);
}

/* The CSV download; the zone is entered. */
static void
csv_send(struct http_request *req, struct dbk_admin_page *p)
{
	struct dbk_request	*r = http_state_get(req);
	struct dbk_csv_writer	 w;
	MYSQL_ROW		 row;
	char			 disposition[80];
	time_t			 at;

	dbk_csv_writer_init(&w, 0);
	(void)dbk_report_csv_header(&w);
	while ((row = dbk_db_row(&r->db, DBK_ADMIN_FIRST + 1, NULL)) != NULL) {
		if ((at = dbk_report_parse_utc(row[ITEM_AT])) == -1)
			continue;
		(void)dbk_report_csv_row(&w, row[ITEM_EMAIL], row[ITEM_NAME],
		    strtoull(row[ITEM_TASK], NULL, 10), row[ITEM_TITLE], at);
	}
	if (w.failed) {
		dbk_respond_error(req, HTTP_STATUS_INTERNAL_ERROR);
		goto out;
	}
	(void)snprintf(disposition, sizeof(disposition),
	    "attachment; filename=\"daybook-report-%s.csv\"", p->date);
	http_response_header(req, "content-disposition", disposition);
	http_response_header(req, "cache-control", "no-store");
	dbk_respond(req, HTTP_STATUS_OK, "text/csv; charset=utf-8", w.data,
	    w.len);
out:
	dbk_csv_writer_free(&w);
}

/* A single report, as a page or as CSV; 404 when none is stored. */
static void
report_respond(struct http_request *req, struct dbk_admin_page *p)
{
	struct dbk_request	*r = http_state_get(req);
	struct dbk_report_zone	 zone;
	MYSQL_ROW		 head;

	if ((head = dbk_db_row(&r->db, DBK_ADMIN_FIRST, NULL)) == NULL) {
		dbk_respond_error(req, HTTP_STATUS_NOT_FOUND);
		return;
	}
	/* Times in the report's zone, as daybook-admin prints them. */
	if (dbk_report_zone_enter(&zone, head[0]) == -1) {
		kore_log(LOG_ERR, "report %s: no time zone %s on this system",
		    p->date, head[0]);
		dbk_respond_error(req, HTTP_STATUS_INTERNAL_ERROR);
		return;
	}
	if (p->route == DBK_ADMIN_REPORT_CSV)
		csv_send(req, p);
	else
		show_render(req, p, head);
	dbk_report_zone_leave(&zone);
}

void
dbk_admin_reports_respond(struct http_request *req, struct dbk_admin_page *p)
{
	if (p->route == DBK_ADMIN_REPORTS)
		list_render(req, p);
	else
		report_respond(req, p);
}
