/*
 * The task list: GET /tasks (from the Redis copy when it is current),
 * POST /tasks (add several, one per line), and per task or for the whole
 * list: complete, reopen, edit, delete, clear completed, delete all.
 *
 * Every change is one MariaDB transaction that also bumps the person's
 * tasks_version and reads it back; then the Redis copy is invalidated for
 * that version (tasklist.c) before the 303 goes out, so the next page view
 * shows the change.
 */

#include <string.h>

#include "runtime/page.h"
#include "runtime/pagecache.h"
#include "domain/tasklist.h"
#include "core/validate.h"
#include "mustache/mustache.h"

#define ADD_LINES_MAX		100

#define TITLE_MAX_CHARS		200
#define NOTES_MAX_CHARS		4000

int	page_tasks(struct http_request *);
int	page_task(struct http_request *);

enum task_action {
	ACT_COMPLETE,
	ACT_REOPEN,
	ACT_EDIT,
	ACT_DELETE,
	ACT_CLEAR_COMPLETED,
	ACT_DELETE_ALL
};

struct tasks_page {
	struct dbk_auth		auth;
	int			list_idx;
	const char		*payload;
	u_int64_t		list_version;
	struct kore_buf		*loaded;

	/* Adding */
	char			*titles;	/* the textarea, decoded */
	const char		*add_text;
	const char		*add_error;
	int			show_status;
	const char		*lines[ADD_LINES_MAX];
	size_t			line_len[ADD_LINES_MAX];
	size_t			nlines;

	/* One task */
	enum task_action	action;
	u_int64_t		task_id;
	char			title[TITLE_MAX_CHARS * 4 + 1];
	char			*notes;
	char			due[11];
	const char		*error_title;
	const char		*error_notes;
	const char		*error_due;
	u_int64_t		version;
	int			tries;
};

enum tasks_state {
	TASKS_AUTH,
	TASKS_ADD,
	TASKS_ADD_WAIT,
	TASKS_INVALIDATE_WAIT,
	TASKS_SHOW,
	TASKS_LOAD_WAIT,
	TASKS_RENDER
};

static int	tasks_auth(struct http_request *);
static int	tasks_add(struct http_request *);
static int	tasks_add_wait(struct http_request *);
static int	tasks_invalidate_wait(struct http_request *);
static int	tasks_show(struct http_request *);
static int	tasks_load_wait(struct http_request *);
static int	tasks_render(struct http_request *);

static struct http_state	tasks_states[] = {
	{ "TASKS_AUTH",			tasks_auth },
	{ "TASKS_ADD",			tasks_add },
	{ "TASKS_ADD_WAIT",		tasks_add_wait },
	{ "TASKS_INVALIDATE_WAIT",	tasks_invalidate_wait },
	{ "TASKS_SHOW",			tasks_show },
	{ "TASKS_LOAD_WAIT",		tasks_load_wait },
	{ "TASKS_RENDER",		tasks_render },
};

static void	page_onfree(struct http_request *);
static void	queue_list(struct http_request *);

/* A NUL-terminated copy of a line; kore_free() it. */
static char *
line_copy(const char *line, size_t len)
{
	char	*copy;

	copy = kore_malloc(len + 1);
	memcpy(copy, line, len);
	copy[len] = '\0';

	return (copy);
}

static struct tasks_page *
page_state(struct http_request *req)
{
	struct dbk_request	*r;
	struct tasks_page	*p;
	int			fresh;

	fresh = !http_state_exists(req);
	r = dbk_request_get(req, sizeof(struct tasks_page));
	p = r->page;
	if (fresh) {
		p->list_idx = -1;
		p->show_status = HTTP_STATUS_OK;
		req->onfree = page_onfree;
	}

	return (p);
}

/* Also frees what the page allocated; then the request's own state. */
static void
page_onfree(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct tasks_page	*p;

	if (r == NULL)
		return;
	p = r->page;
	if (p->loaded != NULL) {
		kore_buf_free(p->loaded);
		p->loaded = NULL;
	}
	kore_free(p->notes);
	p->notes = NULL;
	kore_free(p->titles);
	p->titles = NULL;
	dbk_db_cleanup(&r->db);
	dbk_cache_cleanup(&r->cache);
}

/* GET /tasks[?filter=open|done|all] and POST /tasks (add). */
int
page_tasks(struct http_request *req)
{
	struct tasks_page	*p = page_state(req);

	p->auth.queue_extra = queue_list;
	return (http_state_run(tasks_states,
	    sizeof(tasks_states) / sizeof(tasks_states[0]), req));
}

/* Ask for the list in the same Redis round trip as the session. */
static void
queue_list(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct tasks_page	*p = r->page;

	p->list_idx = dbk_tasklist_queue_get(&r->cache, p->auth.cookie_uid);
}

static int
tasks_auth(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct tasks_page	*p = r->page;
	int			ret;

	if ((ret = dbk_page_auth_gate(req, &p->auth)) != HTTP_STATE_CONTINUE)
		return (ret);

	req->fsm_state = dbk_page_is_post(req) ? TASKS_ADD : TASKS_SHOW;
	return (HTTP_STATE_CONTINUE);
}

/*
 * Split the textarea into trimmed, non-empty lines.  Returns 1, or 0 with
 * p->add_error set (and nothing to store).
 */
static int
add_parse(struct tasks_page *p, const char *text, size_t len)
{
	const char	*cursor, *end, *line;
	size_t		llen, n;
	static char	msg[128];

	cursor = text;
	end = text + len;
	n = 0;
	while (dbk_lines_next(&cursor, end, &line, &llen)) {
		n++;
		dbk_trim(&line, &llen);
		if (llen == 0)
			continue;
		if (p->nlines == ADD_LINES_MAX) {
			p->add_error = "Add at most 100 tasks at once.";
			return (0);
		}
		if (!dbk_utf8_valid(line, llen, DBK_UTF8_SINGLE_LINE) ||
		    dbk_utf8_length(line, llen) > TITLE_MAX_CHARS) {
			(void)snprintf(msg, sizeof(msg), "Line %zu is longer "
			    "than %d characters or holds characters that "
			    "are not text. Nothing was added.", n,
			    TITLE_MAX_CHARS);
			p->add_error = msg;
			return (0);
		}
		p->lines[p->nlines] = line;
		p->line_len[p->nlines] = llen;
		p->nlines++;
	}

	if (p->nlines == 0) {
		p->add_error = "Write at least one task, one per line.";
		return (0);
	}

	return (1);
}

/*
 * One transaction: lock the person's row, insert each line unless an open
 * task has that title already (affected rows tell which), bump the version.
 */
static void
add_query(struct dbk_request *r, struct tasks_page *p)
{
	struct kore_buf		sql;
	struct dbk_sql_param	*params;
	size_t			i, n;
	u_int64_t		uid = p->auth.user.id;

	params = kore_calloc(p->nlines * 4 + 3, sizeof(*params));
	kore_buf_init(&sql, 512 + p->nlines * 200);
	kore_buf_appendf(&sql, DBK_WRITE_BEGIN);
	n = 0;
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	for (i = 0; i < p->nlines; i++) {
		kore_buf_appendf(&sql, "INSERT INTO tasks (user_id, title) "
		    "SELECT ?, ? FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM "
		    "tasks WHERE user_id = ? AND completed_at IS NULL AND "
		    "title = ?);");
		params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
		params[n++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(p->lines[i],
		    p->line_len[i]);
		params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
		params[n++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(p->lines[i],
		    p->line_len[i]);
	}
	kore_buf_appendf(&sql, "UPDATE users SET tasks_version = "
	    "tasks_version + 1 WHERE id = ?;"
	    "SELECT tasks_version FROM users WHERE id = ?;COMMIT");
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	kore_buf_append(&sql, "", 1);

	(void)dbk_db_query(&r->db, (const char *)sql.data, params, n);
	kore_buf_cleanup(&sql);
	kore_free(params);
}

static int
tasks_add(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct tasks_page	*p = r->page;
	const char		*text;
	size_t			len;

	text = "";
	if (dbk_form_multiline(req, "titles", &p->titles, &len))
		text = p->titles;
	http_populate_post(req);
	if (!dbk_page_csrf_gate(req, &p->auth))
		return (HTTP_STATE_COMPLETE);

	if (!add_parse(p, text, len)) {
		p->add_text = text;
		p->show_status = 422;
		req->fsm_state = TASKS_SHOW;
		return (HTTP_STATE_CONTINUE);
	}

	dbk_cache_clear(&r->cache);
	add_query(r, p);
	req->fsm_state = TASKS_ADD_WAIT;

	return (HTTP_STATE_CONTINUE);
}

static int
tasks_add_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct tasks_page	*p = r->page;
	const char		*skipped[ADD_LINES_MAX];
	size_t			i, nskipped, added;
	char			msg[96];

	if (dbk_db_pending(&r->db))
		return (HTTP_STATE_RETRY);
	switch (dbk_page_write_done(req, &p->tries, &p->version,
	    "tasks write")) {
	case -1:
		return (HTTP_STATE_RETRY);
	case 0:
		return (HTTP_STATE_COMPLETE);
	}

	added = 0;
	nskipped = 0;
	for (i = 0; i < p->nlines; i++) {
		if (r->db.affected[DBK_WRITE_FIRST + i] == 1) {
			added++;
			continue;
		}
		skipped[nskipped++] = line_copy(p->lines[i], p->line_len[i]);
	}

	if (nskipped == 0) {
		(void)snprintf(msg, sizeof(msg), "%zu task%s added.", added,
		    added == 1 ? "" : "s");
	} else {
		(void)snprintf(msg, sizeof(msg), "%zu task%s added; %zu "
		    "already on your list:", added, added == 1 ? "" : "s",
		    nskipped);
	}
	dbk_flash_set(req, 0, msg, skipped, nskipped);
	for (i = 0; i < nskipped; i++)
		kore_free((void *)skipped[i]);

	dbk_db_clear(&r->db);
	dbk_tasklist_invalidate(&r->cache, p->auth.user.id, p->version);
	req->fsm_state = TASKS_INVALIDATE_WAIT;

	return (HTTP_STATE_CONTINUE);
}

static int
tasks_invalidate_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);

	if (dbk_cache_pending(&r->cache))
		return (HTTP_STATE_RETRY);
	dbk_tasklist_invalidated(&r->cache);
	dbk_redirect(req, "/tasks");

	return (HTTP_STATE_COMPLETE);
}

enum filter {
	FILTER_ALL,
	FILTER_OPEN,
	FILTER_DONE
};

static enum filter
task_filter(struct http_request *req)
{
	char	*filter;

	http_populate_qs(req);
	if (!http_argument_get_string(req, "filter", &filter))
		return (FILTER_ALL);
	if (!strcmp(filter, "open"))
		return (FILTER_OPEN);
	if (!strcmp(filter, "done"))
		return (FILTER_DONE);

	return (FILTER_ALL);
}

/*
 * May this page's bytes be kept and reused?  Not with a message on it (a
 * flash, a form error), nor for anything but a plain GET.
 */
static int
page_reusable(struct http_request *req, struct tasks_page *p)
{
	return (!dbk_page_is_post(req) && p->show_status == HTTP_STATUS_OK &&
	    p->add_error == NULL && !dbk_flash_pending(req));
}

static void
page_key(struct http_request *req, struct tasks_page *p,
    struct dbk_pagekey *key)
{
	char	today[11];

	dbk_page_today(p->auth.user.time_zone, today);
	dbk_pagekey_init(key, &p->auth, p->list_version, task_filter(req),
	    today);
}

static int
tasks_show(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct tasks_page	*p = r->page;
	struct dbk_pagekey	key;
	const char		*html;
	size_t			len;

	p->payload = dbk_tasklist_from_cache(&r->cache, p->list_idx,
	    p->auth.gen, &p->list_version);
	if (p->payload != NULL) {
		/* The same page for the same current version: send it. */
		if (page_reusable(req, p)) {
			page_key(req, p, &key);
			if ((html = dbk_pagecache_get(&key, &len)) != NULL) {
				dbk_view_send(req, HTTP_STATUS_OK, html, len);
				return (HTTP_STATE_COMPLETE);
			}
		}
		req->fsm_state = TASKS_RENDER;
		return (HTTP_STATE_CONTINUE);
	}

	dbk_tasklist_query(&r->db, p->auth.user.id);
	req->fsm_state = TASKS_LOAD_WAIT;

	return (HTTP_STATE_CONTINUE);
}

static int
tasks_load_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct tasks_page	*p = r->page;
	u_int64_t		version;
	int			ret;

	if ((ret = dbk_page_db_wait(req, "task list")) != HTTP_STATE_CONTINUE)
		return (ret);

	p->loaded = kore_buf_alloc(4096);
	version = dbk_tasklist_from_db(&r->db, p->loaded);
	p->list_version = version;
	if (version != 0) {
		dbk_tasklist_fill(p->auth.user.id, p->auth.gen, version,
		    p->loaded->data, p->loaded->offset);
	}
	kore_buf_append(p->loaded, "", 1);
	p->payload = (const char *)p->loaded->data;
	dbk_db_clear(&r->db);
	req->fsm_state = TASKS_RENDER;

	return (HTTP_STATE_CONTINUE);
}

static int
tasks_render(struct http_request *req)
{
	struct dbk_request		*r = http_state_get(req);
	struct tasks_page		*p = r->page;
	struct mustache_value		*root;
	struct dbk_tasklist_view	view;
	struct dbk_pagekey		key;
	enum filter			filter;
	const char			*html;
	char				today[11];
	size_t				len;
	int				reusable;

	filter = task_filter(req);
	reusable = page_reusable(req, p) && p->list_version != 0;

	root = dbk_page_context(req, &p->auth, "Tasks");
	dbk_page_today(p->auth.user.time_zone, today);
	dbk_tasklist_view(p->payload, today, &view);

	dbk_view_set_bool(root, "nav_tasks", 1);
	dbk_view_set_bool(root, "filter_open", filter == FILTER_OPEN);
	dbk_view_set_bool(root, "filter_done", filter == FILTER_DONE);
	dbk_view_set_bool(root, "filter_all", filter == FILTER_ALL);
	dbk_view_set_bool(root, "show_open", filter != FILTER_DONE);
	dbk_view_set_bool(root, "show_done", filter != FILTER_OPEN);
	dbk_view_set_int(root, "count_open", view.count_open);
	dbk_view_set_int(root, "count_done", view.count_done);
	dbk_view_set_int(root, "count_all", view.count_open + view.count_done);
	dbk_view_set_bool(root, "has_done", view.count_done > 0);
	dbk_view_set_bool(root, "has_any",
	    view.count_open + view.count_done > 0);
	dbk_view_set(root, "open_tasks", view.open);
	dbk_view_set(root, "done_tasks", view.done);
	if (p->add_text != NULL)
		dbk_view_set_cstr(root, "add_text", p->add_text);
	if (p->add_error != NULL)
		dbk_view_set_cstr(root, "add_error", p->add_error);

	html = dbk_view_respond(req, p->show_status, "tasks", root, &len);
	if (html != NULL && reusable) {
		page_key(req, p, &key);
		dbk_pagecache_put(&key, html, len);
	}

	return (HTTP_STATE_COMPLETE);
}

/*
 * One task: /tasks/ID/complete, /reopen, /edit, /delete; and the whole
 * list: /tasks/clear-completed, /tasks/delete-all.  GET shows the edit form
 * or the confirmation page; POST changes.  Another person's task is 404.
 */
enum task_state {
	TASK_AUTH,
	TASK_START,
	TASK_LOAD_WAIT,
	TASK_WRITE,
	TASK_WRITE_WAIT,
	TASK_INVALIDATE_WAIT
};

static int	task_auth(struct http_request *);
static int	task_start(struct http_request *);
static int	task_load_wait(struct http_request *);
static int	task_write(struct http_request *);
static int	task_write_wait(struct http_request *);

static struct http_state	task_states[] = {
	{ "TASK_AUTH",			task_auth },
	{ "TASK_START",			task_start },
	{ "TASK_LOAD_WAIT",		task_load_wait },
	{ "TASK_WRITE",			task_write },
	{ "TASK_WRITE_WAIT",		task_write_wait },
	{ "TASK_INVALIDATE_WAIT",	tasks_invalidate_wait },
};

static const struct {
	const char		*suffix;
	enum task_action	action;
} task_actions[] = {
	{ "/complete",		ACT_COMPLETE },
	{ "/reopen",		ACT_REOPEN },
	{ "/edit",		ACT_EDIT },
	{ "/delete",		ACT_DELETE },
};

/* Which action and task the path names; 0 when it names none. */
static int
task_route(struct http_request *req, struct tasks_page *p)
{
	const char	*path = req->path + strlen("/tasks/");
	const char	*slash;
	size_t		i;

	if (strncmp(req->path, "/tasks/", 7) != 0)
		return (0);
	if (!strcmp(path, "clear-completed")) {
		p->action = ACT_CLEAR_COMPLETED;
		return (1);
	}
	if (!strcmp(path, "delete-all")) {
		p->action = ACT_DELETE_ALL;
		return (1);
	}
	if ((slash = strchr(path, '/')) == NULL ||
	    dbk_parse_id(path, (size_t)(slash - path), &p->task_id) == -1)
		return (0);
	for (i = 0; i < sizeof(task_actions) / sizeof(task_actions[0]); i++) {
		if (!strcmp(slash, task_actions[i].suffix)) {
			p->action = task_actions[i].action;
			return (1);
		}
	}

	return (0);
}

int
page_task(struct http_request *req)
{
	(void)page_state(req);

	return (http_state_run(task_states,
	    sizeof(task_states) / sizeof(task_states[0]), req));
}

static int
task_auth(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct tasks_page	*p = r->page;
	int			ret;

	if (!task_route(req, p)) {
		dbk_respond_error(req, HTTP_STATUS_NOT_FOUND);
		return (HTTP_STATE_COMPLETE);
	}
	if ((ret = dbk_page_auth_gate(req, &p->auth)) != HTTP_STATE_CONTINUE)
		return (ret);
	req->fsm_state = TASK_START;

	return (HTTP_STATE_CONTINUE);
}

/* The confirmation page of a destructive action. */
static void
confirm_page(struct http_request *req, struct tasks_page *p)
{
	struct mustache_value	*root;
	struct kore_buf		msg;

	root = dbk_page_context(req, &p->auth, "Confirm");
	dbk_view_set_bool(root, "nav_tasks", 1);
	dbk_view_set_cstr(root, "action", req->path);
	dbk_view_set_cstr(root, "cancel_url", "/tasks");

	kore_buf_init(&msg, 256);
	switch (p->action) {
	case ACT_DELETE:
		dbk_view_set_cstr(root, "heading", "Delete this task?");
		kore_buf_appendf(&msg, "\"%s\" will be deleted. This cannot "
		    "be undone.", p->title);
		dbk_view_set_cstr(root, "button", "Delete task");
		break;
	case ACT_CLEAR_COMPLETED:
		dbk_view_set_cstr(root, "heading", "Clear completed tasks?");
		kore_buf_appendf(&msg, "Every completed task will be deleted. "
		    "Open tasks stay. This cannot be undone.");
		dbk_view_set_cstr(root, "button", "Clear completed tasks");
		break;
	default:
		dbk_view_set_cstr(root, "heading", "Delete all tasks?");
		kore_buf_appendf(&msg, "Every task on your list, open or "
		    "completed, will be deleted. This cannot be undone.");
		dbk_view_set_cstr(root, "button", "Delete all tasks");
		break;
	}
	dbk_view_set_str(root, "message", (const char *)msg.data, msg.offset);
	kore_buf_cleanup(&msg);

	(void)dbk_view_respond(req, HTTP_STATUS_OK, "confirm", root, NULL);
}

/* The edit form, with p's values and errors. */
static void
edit_page(struct http_request *req, struct tasks_page *p, int status)
{
	struct mustache_value	*root, *task, *errors;

	root = dbk_page_context(req, &p->auth, "Edit task");
	dbk_view_set_bool(root, "nav_tasks", 1);
	task = dbk_view_object();
	dbk_view_set_int(task, "id", (int64_t)p->task_id);
	dbk_view_set_cstr(task, "title", p->title);
	dbk_view_set_cstr(task, "notes", p->notes ? p->notes : "");
	dbk_view_set_cstr(task, "due", p->due);
	dbk_view_set(root, "task", task);

	errors = dbk_view_object();
	if (p->error_title != NULL)
		dbk_view_set_cstr(errors, "title", p->error_title);
	if (p->error_notes != NULL)
		dbk_view_set_cstr(errors, "notes", p->error_notes);
	if (p->error_due != NULL)
		dbk_view_set_cstr(errors, "due", p->error_due);
	dbk_view_set(root, "errors", errors);

	(void)dbk_view_respond(req, status, "task_edit", root, NULL);
}

static int
task_start(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct tasks_page	*p = r->page;
	struct dbk_sql_param	params[2];
	size_t			len;

	if (dbk_page_is_post(req)) {
		if (p->action == ACT_EDIT &&
		    !dbk_form_multiline(req, "notes", &p->titles, &len))
			p->titles = NULL;
		http_populate_post(req);
		if (!dbk_page_csrf_gate(req, &p->auth))
			return (HTTP_STATE_COMPLETE);
	} else if (p->action != ACT_EDIT && p->action != ACT_DELETE &&
	    p->action != ACT_CLEAR_COMPLETED && p->action != ACT_DELETE_ALL) {
		dbk_respond_error(req, HTTP_STATUS_NOT_FOUND);
		return (HTTP_STATE_COMPLETE);
	}

	if (p->task_id == 0) {
		if (dbk_page_is_post(req)) {
			req->fsm_state = TASK_WRITE;
			return (HTTP_STATE_CONTINUE);
		}
		confirm_page(req, p);
		return (HTTP_STATE_COMPLETE);
	}

	/* Load the task: it must exist and be this person's. */
	params[0] = (struct dbk_sql_param)DBK_SQL_P_INT(p->task_id);
	params[1] = (struct dbk_sql_param)DBK_SQL_P_INT(p->auth.user.id);
	(void)dbk_db_query(&r->db, "SELECT title, notes, "
	    "IFNULL(DATE_FORMAT(due_date, '%Y-%m-%d'), '') FROM tasks "
	    "WHERE id = ? AND user_id = ?", params, 2);
	req->fsm_state = TASK_LOAD_WAIT;

	return (HTTP_STATE_CONTINUE);
}

static int
task_load_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct tasks_page	*p = r->page;
	MYSQL_ROW		row;
	int			ret;

	if ((ret = dbk_page_db_wait(req, "task")) != HTTP_STATE_CONTINUE)
		return (ret);
	if ((row = dbk_db_row(&r->db, 0, NULL)) == NULL) {
		dbk_respond_error(req, HTTP_STATUS_NOT_FOUND);
		return (HTTP_STATE_COMPLETE);
	}

	(void)kore_strlcpy(p->title, row[0], sizeof(p->title));
	p->notes = kore_strdup(row[1]);
	(void)kore_strlcpy(p->due, row[2], sizeof(p->due));
	dbk_db_clear(&r->db);

	if (dbk_page_is_post(req)) {
		req->fsm_state = TASK_WRITE;
		return (HTTP_STATE_CONTINUE);
	}
	if (p->action == ACT_EDIT)
		edit_page(req, p, HTTP_STATUS_OK);
	else
		confirm_page(req, p);

	return (HTTP_STATE_COMPLETE);
}

/*
 * A copy of s with every line break (CR LF, lone CR) made a LF, as a
 * browser counts and shows them; kore_free() it.
 */
static char *
newlines_normalize(const char *s)
{
	char	*out, *o;

	out = kore_malloc(strlen(s) + 1);
	for (o = out; *s != '\0'; s++) {
		if (*s == '\r') {
			*o++ = '\n';
			if (s[1] == '\n')
				s++;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';

	return (out);
}

/*
 * The edit form's fields into p, checked.  Returns 1 when all are valid;
 * 0 with the error fields set (p keeps the input for the form).
 */
static int
edit_validate(struct http_request *req, struct tasks_page *p)
{
	const char		*v;
	size_t			len;
	struct dbk_date		date;

	if (!dbk_form_get(req, "title", &v, &len))
		v = "", len = 0;
	dbk_trim(&v, &len);
	(void)kore_strlcpy(p->title, "", sizeof(p->title));
	if (len < sizeof(p->title)) {
		memcpy(p->title, v, len);
		p->title[len] = '\0';
	}
	if (len == 0)
		p->error_title = "Give the task a title.";
	else if (len >= sizeof(p->title) ||
	    !dbk_utf8_valid(v, len, DBK_UTF8_SINGLE_LINE) ||
	    dbk_utf8_length(v, len) > TITLE_MAX_CHARS)
		p->error_title = "A title is at most 200 characters of text "
		    "on one line.";

	/* Read from the raw body by task_start (multi-line). */
	v = p->titles != NULL ? p->titles : "";
	kore_free(p->notes);
	p->notes = newlines_normalize(v);
	len = strlen(p->notes);
	if (!dbk_utf8_valid(p->notes, len, DBK_UTF8_ALLOW_NEWLINES) ||
	    dbk_utf8_length(p->notes, len) > NOTES_MAX_CHARS)
		p->error_notes = "Notes are at most 4,000 characters.";

	if (!dbk_form_get(req, "due", &v, &len))
		v = "", len = 0;
	dbk_trim(&v, &len);
	p->due[0] = '\0';
	if (len > 0 && dbk_date_parse(v, len, &date) == -1)
		p->error_due = "Enter a real date as YYYY-MM-DD "
		    "(1970 to 2100), or leave it empty.";
	else if (len > 0)
		dbk_date_format(&date, p->due);

	return (p->error_title == NULL && p->error_notes == NULL &&
	    p->error_due == NULL);
}

/* The statement that makes the change; the transaction wraps it. */
static const char *
task_write_sql(enum task_action action)
{
	switch (action) {
	case ACT_COMPLETE:
		return ("UPDATE tasks SET completed_at = NOW(6) WHERE id = ? "
		    "AND user_id = ? AND completed_at IS NULL;");
	case ACT_REOPEN:
		return ("UPDATE tasks SET completed_at = NULL WHERE id = ? "
		    "AND user_id = ?;");
	case ACT_EDIT:
		return ("UPDATE tasks SET title = ?, notes = ?, due_date = ? "
		    "WHERE id = ? AND user_id = ?;");
	case ACT_DELETE:
		return ("DELETE FROM tasks WHERE id = ? AND user_id = ?;");
	case ACT_CLEAR_COMPLETED:
		return ("DELETE FROM tasks WHERE user_id = ? AND "
		    "completed_at IS NOT NULL;");
	case ACT_DELETE_ALL:
	default:
		return ("DELETE FROM tasks WHERE user_id = ?;");
	}
}

static int
task_write(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct tasks_page	*p = r->page;
	struct kore_buf		sql;
	struct dbk_sql_param	params[9];
	size_t			n;
	u_int64_t		uid = p->auth.user.id;

	if (p->action == ACT_EDIT && !edit_validate(req, p)) {
		edit_page(req, p, 422);
		return (HTTP_STATE_COMPLETE);
	}

	n = 0;
	kore_buf_init(&sql, 512);
	kore_buf_appendf(&sql, DBK_WRITE_BEGIN);
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	kore_buf_appendf(&sql, "%s", task_write_sql(p->action));
	if (p->action == ACT_EDIT) {
		params[n++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(p->title,
		    strlen(p->title));
		params[n++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(p->notes,
		    strlen(p->notes));
		if (p->due[0] != '\0')
			params[n++] = (struct dbk_sql_param)DBK_SQL_P_TEXT(
			    p->due, strlen(p->due));
		else
			params[n++] = (struct dbk_sql_param)DBK_SQL_P_NULL;
	}
	if (p->task_id != 0)
		params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(p->task_id);
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	kore_buf_appendf(&sql, "UPDATE users SET tasks_version = "
	    "tasks_version + 1 WHERE id = ?;"
	    "SELECT tasks_version FROM users WHERE id = ?;COMMIT");
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	params[n++] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	kore_buf_append(&sql, "", 1);

	(void)dbk_db_query(&r->db, (const char *)sql.data, params, n);
	kore_buf_cleanup(&sql);
	req->fsm_state = TASK_WRITE_WAIT;

	return (HTTP_STATE_CONTINUE);
}

static int
task_write_wait(struct http_request *req)
{
	struct dbk_request	*r = http_state_get(req);
	struct tasks_page	*p = r->page;
	u_int64_t		changed;
	char			msg[96];

	if (dbk_db_pending(&r->db))
		return (HTTP_STATE_RETRY);
	switch (dbk_page_write_done(req, &p->tries, &p->version,
	    "tasks write")) {
	case -1:
		return (HTTP_STATE_RETRY);
	case 0:
		return (HTTP_STATE_COMPLETE);
	}

	changed = r->db.affected[DBK_WRITE_FIRST];
	switch (p->action) {
	case ACT_COMPLETE:
		(void)snprintf(msg, sizeof(msg), "Task completed.");
		break;
	case ACT_REOPEN:
		(void)snprintf(msg, sizeof(msg), "Task reopened.");
		break;
	case ACT_EDIT:
		(void)snprintf(msg, sizeof(msg), "Task saved.");
		break;
	case ACT_DELETE:
		(void)snprintf(msg, sizeof(msg), "Task deleted.");
		break;
	case ACT_CLEAR_COMPLETED:
		(void)snprintf(msg, sizeof(msg), "%llu completed task%s "
		    "cleared.", (unsigned long long)changed,
		    changed == 1 ? "" : "s");
		break;
	case ACT_DELETE_ALL:
		(void)snprintf(msg, sizeof(msg), "%llu task%s deleted.",
		    (unsigned long long)changed, changed == 1 ? "" : "s");
		break;
	}
	dbk_flash_set(req, 0, msg, NULL, 0);

	dbk_db_clear(&r->db);
	dbk_tasklist_invalidate(&r->cache, p->auth.user.id, p->version);
	req->fsm_state = TASK_INVALIDATE_WAIT;

	return (HTTP_STATE_CONTINUE);
}
