/*
 * POST /worklog/import (multipart/form-data: csrf and the file "file"): a
 * CSV file in the export's format (csv.h), all or nothing.  Every row is
 * checked first; when any is bad nothing is stored and the page lists each
 * bad row with its line number and why (422).  A good file is stored in
 * one write transaction (wldata.h): dates already in the work log count as
 * replaced, the others as added; the flash after the 303 says how many.
 *
 * Kore keeps the body in memory (http_body_disk_offload is off) and refuses
 * bodies over http_body_max (conf/daybook.conf: 1 MiB); the file itself
 * may hold DBK_WL_IMPORT_MAX bytes and DBK_CSV_MAX_ROWS days.
 */

#include <string.h>

#include "core/csv.h"
#include "runtime/page.h"
#include "core/validate.h"
#include "domain/wldata.h"
#include "core/worklog.h"
#include "mustache/mustache.h"

/* Rows per INSERT statement. */
#define INSERT_BATCH	500

int	page_worklog_import(struct http_request *);

struct import_page {
	struct dbk_wldata	wl;
	char			*data;		/* the file */
	size_t			len;
	struct dbk_csv_import	csv;
	const char		*error;		/* about the whole file */
};

enum import_state {
	IMPORT_AUTH,
	IMPORT_WRITE_WAIT,
	IMPORT_INVALIDATE_WAIT
};

static int	import_auth(struct http_request *);

static struct http_state	import_states[] = {
	{ "IMPORT_AUTH",		import_auth },
	{ "IMPORT_WRITE_WAIT",		dbk_wldata_write_wait },
	{ "IMPORT_INVALIDATE_WAIT",	dbk_wldata_invalidate_wait },
};

static void
import_onfree(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct import_page	*p;

	if (r == NULL)
		return;
	p = r->page;
	dbk_csv_import_free(&p->csv);
	kore_free(p->data);
	p->data = NULL;
	dbk_wldata_onfree(req);
}

int
page_worklog_import(struct http_request *req)
{
	return (dbk_wldata_run(req, sizeof(struct import_page),
	    import_states, sizeof(import_states) / sizeof(import_states[0]),
	    import_onfree));
}

/* The result page of a file that was refused (422): why, row by row. */
static void
import_refused(struct http_request *req, struct import_page *p)
{
	struct mustache_value	*root, *list, *item;
	struct dbk_csv_error	*e;
	char			why[160];
	size_t			i;

	root = dbk_wldata_context(req, &p->wl, "Import refused",
	    "wl_nav_data");
	dbk_view_set_int(root, "import_max_kb", DBK_WL_IMPORT_MAX / 1000);
	dbk_view_set_int(root, "import_max_rows", DBK_CSV_MAX_ROWS);
	if (p->error != NULL)
		dbk_view_set_cstr(root, "error", p->error);
	list = dbk_view_list();
	for (i = 0; p->error == NULL && i < p->csv.nerrors; i++) {
		e = &p->csv.errors[i];
		item = dbk_view_object();
		dbk_view_set_int(item, "line", e->line);
		if (e->reason == DBK_CSV_DUPLICATE_DATE) {
			(void)snprintf(why, sizeof(why), "The date is "
			    "already on line %d of the file.", e->first_line);
			dbk_view_set_cstr(item, "why", why);
		} else {
			dbk_view_set_cstr(item, "why",
			    dbk_csv_reason_message(e->reason));
		}
		dbk_view_push(list, item);
	}
	dbk_view_set(root, "bad_rows", list);
	dbk_view_set_int(root, "bad_count", (int64_t)p->csv.nerrors);
	dbk_view_set_bool(root, "bad_one", p->csv.nerrors == 1);

	(void)dbk_view_respond(req, 422, "worklog_import", root, NULL);
}

/*
 * The uploaded file into p->data.  Returns 1, or 0 with p->error set (no
 * file, empty, too large).
 */
static int
import_read(struct http_request *req, struct import_page *p)
{
	struct http_file	*f;
	ssize_t			n;

	if ((f = http_file_lookup(req, "file")) == NULL) {
		p->error = "Choose a CSV file to import (it may not be empty).";
		return (0);
	}
	if (f->length > DBK_WL_IMPORT_MAX) {
		p->error = "The file is larger than 1 MB. Split it into "
		    "smaller files (e.g. one per year).";
		return (0);
	}

	p->data = kore_malloc(f->length + 1);
	while (p->len < f->length) {
		n = http_file_read(f, p->data + p->len, f->length - p->len);
		if (n <= 0)
			break;
		p->len += (size_t)n;
	}
	if (p->len != f->length) {
		p->error = "The file could not be read. Please try again.";
		return (0);
	}

	return (1);
}

/*
 * Parses p->data.  Returns 1 when every row is good and there is at least
 * one; 0 with p->error or p->csv's errors set otherwise.
 */
static int
import_parse(struct import_page *p)
{
	int	ret;

	ret = dbk_csv_import_parse(p->data, p->len, &p->csv);
	if (ret != DBK_CSV_OK) {
		p->error = dbk_csv_status_message(ret);
		return (0);
	}
	if (p->csv.nerrors > 0)
		return (0);
	if (p->csv.nrows == 0) {
		p->error = "The file holds no days: only the header line "
		    "date,kind,half_day,location,note or nothing at all.";
		return (0);
	}

	return (1);
}

/* The date of row i as "YYYY-MM-DD" in dates[i]. */
static void
row_dates(struct import_page *p, char (*dates)[DBK_DATE_STR_LEN])
{
	size_t	i;

	for (i = 0; i < p->csv.nrows; i++)
		dbk_date_format(&p->csv.rows[i].date, dates[i]);
}

/*
 * The write transaction: lock, count the file's dates already there (the
 * statement at DBK_WRITE_FIRST), upsert in batches, bump the version.
 */
static void
import_write(struct dbk_request *r, struct import_page *p)
{
	struct kore_buf		sql;
	struct dbk_sql_param	*params;
	struct dbk_csv_row	*row;
	char			(*dates)[DBK_DATE_STR_LEN];
	u_int64_t		uid = p->wl.auth.user.id;
	size_t			i, n, nrows = p->csv.nrows;

	dates = kore_calloc(nrows, sizeof(*dates));
	row_dates(p, dates);
	params = kore_calloc(nrows * 7 + 4, sizeof(*params));
	kore_buf_init(&sql, 1024 + nrows * 32);
	n = 0;

	kore_buf_appendf(&sql, DBK_WRITE_BEGIN);
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	kore_buf_appendf(&sql, "SELECT COUNT(*) FROM worklog_entries WHERE "
	    "user_id = ? AND day IN (");
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	for (i = 0; i < nrows; i++) {
		kore_buf_appendf(&sql, i == 0 ? "?" : ",?");
		params[n++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(dates[i],
		    10);
	}
	kore_buf_appendf(&sql, ");");

	for (i = 0; i < nrows; i++) {
		row = &p->csv.rows[i];
		if (i % INSERT_BATCH == 0) {
			kore_buf_appendf(&sql, "INSERT INTO worklog_entries "
			    "(user_id, day, kind, half_day, location, note) "
			    "VALUES ");
		} else {
			kore_buf_appendf(&sql, ",");
		}
		kore_buf_appendf(&sql, "(?,?,?,?,?,?)");
		params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
		params[n++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(dates[i],
		    10);
		params[n++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(
		    dbk_day_kind_name(row->kind),
		    strlen(dbk_day_kind_name(row->kind)));
		params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(
		    row->half_day);
		params[n++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(
		    row->location, row->location_len);
		params[n++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(row->note,
		    row->note_len);
		if ((i + 1) % INSERT_BATCH == 0 || i + 1 == nrows) {
			kore_buf_appendf(&sql, " ON DUPLICATE KEY UPDATE "
			    "kind = VALUES(kind), half_day = VALUES(half_day), "
			    "location = VALUES(location), "
			    "note = VALUES(note);");
		}
	}

	kore_buf_appendf(&sql, DBK_WL_WRITE_END);
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	kore_buf_append(&sql, "", 1);

	(void)dbk_db_query(&r->db, (const char *)sql.data, params, n);
	kore_buf_cleanup(&sql);
	kore_free(params);
	kore_free(dates);
}

/* Stored: to the data page, with how many days were added and replaced. */
static void
import_committed(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct import_page	*p = r->page;
	MYSQL_ROW		row;
	unsigned long long	replaced, added;
	char			msg[128];

	replaced = 0;
	if ((row = dbk_db_row(&r->db, DBK_WRITE_FIRST, NULL)) != NULL)
		replaced = strtoull(row[0], NULL, 10);
	added = p->csv.nrows - replaced;
	(void)snprintf(msg, sizeof(msg), "Import done: %llu day%s added, "
	    "%llu replaced.", added, added == 1 ? "" : "s", replaced);
	dbk_flash_set(req, 0, msg, NULL, 0);
	(void)kore_strlcpy(p->wl.location, "/worklog/data",
	    sizeof(p->wl.location));
}

static int
import_auth(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct import_page	*p = r->page;
	int			ret;

	if ((ret = dbk_page_auth_gate(req, &p->wl.auth)) != HTTP_STATE_CONTINUE)
		return (ret);
	if (!dbk_page_is_post(req)) {
		dbk_redirect(req, "/worklog/data");
		return (HTTP_STATE_COMPLETE);
	}

	http_populate_multipart_form(req);
	if (!dbk_page_csrf_gate(req, &p->wl.auth))
		return (HTTP_STATE_COMPLETE);

	if (!import_read(req, p) || !import_parse(p)) {
		import_refused(req, p);
		return (HTTP_STATE_COMPLETE);
	}

	import_write(r, p);
	p->wl.committed = import_committed;
	p->wl.invalidate_state = IMPORT_INVALIDATE_WAIT;
	req->fsm_state = IMPORT_WRITE_WAIT;

	return (HTTP_STATE_CONTINUE);
}
