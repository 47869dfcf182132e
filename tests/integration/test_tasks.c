/*
 * The task pages over HTTP against the running test server (issue 4):
 * adding several tasks at once (trimming, duplicates, validation),
 * complete, reopen, edit, delete, clear completed, delete all, filters and
 * counts, overdue marks, another person's task (404), CSRF on every POST,
 * escaping and security headers.
 *
 * Every test makes its own account (t<pid>-<n>-<name>@example.com), so the
 * tests are independent and may run in parallel (--jobs 2).
 */

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "checks.h"
#include "harness.h"
#include "task_page.h"

#define PASSWORD	"Pw-zq8Xy-secret"

/* ------------------------------------------------------------ helpers */

/* POST /tasks with titles (and the page's csrf); response in r. */
static void
add_post(struct harness_client *c, const char *titles,
    struct harness_response *r)
{
	char	*csrf = csrf_of(c, "/tasks"), *body;

	body = harness_form("csrf", csrf, "titles", titles, NULL);
	post_ok(c, "/tasks", body, r);
	free(body);
	free(csrf);
}

/* Add titles, expecting 303 /tasks; returns the next page (with flash). */
static char *
add_ok(struct harness_client *c, const char *titles)
{
	struct harness_response	 r;

	add_post(c, titles, &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	return check_page(c, "/tasks", 200);
}

/* POST path with csrf and more fields (name, value, ..., NULL). */
static void
post_action(struct harness_client *c, const char *path,
    struct harness_response *r, ...)
{
	va_list		 ap;
	char		*csrf = csrf_of(c, "/tasks"), *body, *more, *joined;
	const char	*key, *value, *encv;
	char		*enc;

	body = harness_form("csrf", csrf, NULL);
	va_start(ap, r);
	while ((key = va_arg(ap, const char *)) != NULL) {
		value = va_arg(ap, const char *);
		enc = harness_urlencode(value);
		cr_assert_not_null(enc);
		encv = enc;
		cr_assert(asprintf(&more, "&%s=%s", key, encv) != -1);
		cr_assert(asprintf(&joined, "%s%s", body, more) != -1);
		free(body);
		free(more);
		free(enc);
		body = joined;
	}
	va_end(ap);
	post_ok(c, path, body, r);
	free(body);
	free(csrf);
}

/* The HTML text of title as the page shows it; caller frees. */
static char *
html_escape(const char *s)
{
	char	*out, *o;

	out = malloc(strlen(s) * 6 + 1);
	cr_assert_not_null(out);
	for (o = out; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			o = stpcpy(o, "&amp;");
			break;
		case '<':
			o = stpcpy(o, "&lt;");
			break;
		case '>':
			o = stpcpy(o, "&gt;");
			break;
		case '"':
			o = stpcpy(o, "&quot;");
			break;
		case '\'':
			o = stpcpy(o, "&#39;");
			break;
		default:
			*o++ = *s;
			break;
		}
	}
	*o = '\0';
	return out;
}

/*
 * The tasks titled title on a task page: the first one's place, id and
 * state, and how many there are.  Reads the whole page once (task_page.h);
 * a check of many titles on one page indexes it once instead.
 */
struct task_hit {
	const char	*at;		/* NULL when none is listed */
	size_t		 count;
	long long	 id;		/* -1 when none */
	int		 state;		/* 'o' open, 'd' done, 0 */
};

static struct task_hit
task_hit(const char *body, const char *title)
{
	struct task_hit		 hit = { NULL, 0, -1, 0 };
	struct task_page	 page;
	const struct task_entry	*e;
	char			*esc = html_escape(title);

	cr_assert(task_page_read(&page, body), "malformed task page");
	if ((e = task_page_find(&page, esc, &hit.count)) != NULL) {
		hit.at = e->at;
		hit.id = e->id;
		hit.state = e->state;
	}
	task_page_free(&page);
	free(esc);
	return hit;
}

/* Where the task titled title starts in body, or NULL. */
static const char *
task_at(const char *body, const char *title)
{
	return task_hit(body, title).at;
}

/* How many tasks titled title the page lists. */
static int
task_count(const char *body, const char *title)
{
	return (int)task_hit(body, title).count;
}

/* The id of the task titled title in body, or -1. */
static long long
task_id(const char *body, const char *title)
{
	return task_hit(body, title).id;
}

/* 'o' when the task titled title is listed open, 'd' done, 0 absent. */
static int
task_state(const char *body, const char *title)
{
	return task_hit(body, title).state;
}

/* Is the count in the filter link label ("Open", "Done", "All") n? */
static int
count_is(const char *body, const char *label, int n)
{
	char	*needle;
	int	 found;

	cr_assert(asprintf(&needle, ">%s <span class=\"count\">%d</span>",
	    label, n) != -1);
	found = strstr(body, needle) != NULL;
	free(needle);
	return found;
}

static void
assert_counts(const char *body, int open, int done)
{
	cr_assert(count_is(body, "Open", open), "open count is not %d", open);
	cr_assert(count_is(body, "Done", done), "done count is not %d", done);
	cr_assert(count_is(body, "All", open + done), "all count is not %d",
	    open + done);
}

static char *
task_path(long long id, const char *action)
{
	char	*path;

	cr_assert(asprintf(&path, "/tasks/%lld/%s", id, action) != -1);
	return path;
}

/* Add one task titled title; returns its id. */
static long long
add_one(struct harness_client *c, const char *title)
{
	char		*body = add_ok(c, title);
	long long	 id = task_id(body, title);

	cr_assert(id > 0, "task %s not listed", title);
	free(body);
	return id;
}

/* POST /tasks/ID/action with csrf, expecting 303 /tasks; next page. */
static char *
act_ok(struct harness_client *c, long long id, const char *action)
{
	struct harness_response	 r;
	char			*path = task_path(id, action);

	post_action(c, path, &r, NULL);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	free(path);
	return check_page(c, "/tasks", 200);
}

/* A string of n copies of unit. */
static char *
repeat(const char *unit, size_t n)
{
	size_t	 ulen = strlen(unit), i;
	char	*s = malloc(ulen * n + 1);

	cr_assert_not_null(s);
	for (i = 0; i < n; i++)
		memcpy(s + i * ulen, unit, ulen);
	s[ulen * n] = '\0';
	return s;
}

/* The (decoded) text of the first <textarea name="name">, or NULL. */
static char *
textarea_text(const char *html, const char *name)
{
	static const struct {
		const char	*name;
		char		 c;
	} entities[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&quot;", '"' }, { "&#39;", '\'' },
	};
	char		*needle, *text, *out, *o;
	const char	*p, *end;
	size_t		 i;

	cr_assert(asprintf(&needle, "name=\"%s\"", name) != -1);
	p = strstr(html, needle);
	free(needle);
	if (p == NULL || (p = strchr(p, '>')) == NULL)
		return NULL;
	p++;
	if ((end = strstr(p, "</textarea>")) == NULL)
		return NULL;
	text = strndup(p, (size_t)(end - p));
	cr_assert_not_null(text);
	/* Decode the entities the template engine writes. */
	out = malloc(strlen(text) + 1);
	cr_assert_not_null(out);
	for (p = text, o = out; *p != '\0'; ) {
		for (i = 0; i < sizeof(entities) / sizeof(entities[0]); i++) {
			if (strncmp(p, entities[i].name,
			    strlen(entities[i].name)) == 0)
				break;
		}
		if (i < sizeof(entities) / sizeof(entities[0])) {
			*o++ = entities[i].c;
			p += strlen(entities[i].name);
		} else if (p[0] == '\r' && p[1] == '\n') {
			p++;	/* a browser shows CRLF as one line break */
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	free(text);
	/* A browser drops one newline right after <textarea>. */
	if (out[0] == '\n')
		memmove(out, out + 1, strlen(out));
	return out;
}

/* Today in UTC shifted by days, as YYYY-MM-DD, into out[11]. */
static void
utc_date(char out[11], int days)
{
	time_t		t = time(NULL) + (time_t)days * 86400;
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Does body hold "YYYY-MM-DD HH:MM UTC"? */
static int
has_utc_time(const char *body)
{
	const char	*p;
	int		 y, mo, d, h, mi, n;

	for (p = body; (p = strstr(p, " UTC")) != NULL; p++) {
		if (p - body < 16)
			continue;
		n = 0;
		if (sscanf(p - 16, "%4d-%2d-%2d %2d:%2d%n", &y, &mo, &d, &h,
		    &mi, &n) == 5 && n == 16 && y >= 2020 && mo >= 1 &&
		    mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59)
			return 1;
	}
	return 0;
}

TestSuite(tasks, .timeout = 60);

/* -------------------------------------------------------------- adding */

Test(tasks, add_several_at_once_trimmed_in_order)
{
	struct harness_client	*c = signed_up("addmany", NULL);
	char			*body;
	const char		*a, *b, *d;

	body = check_page(c, "/tasks", 200);
	assert_counts(body, 0, 0);
	free(body);

	body = add_ok(c, "  Alpha task \r\n\r\n\tBravo task\n   \nCharlie "
	    "task  \n\n");
	cr_assert(strstr(body, "3 tasks added.") != NULL, "no flash:\n%s",
	    body);
	a = task_at(body, "Alpha task");
	b = task_at(body, "Bravo task");
	d = task_at(body, "Charlie task");
	cr_assert(a && b && d, "a title is missing or not trimmed:\n%s", body);
	cr_assert(a < b && b < d, "not in the order written");
	cr_assert_eq(task_state(body, "Alpha task"), 'o');
	assert_counts(body, 3, 0);
	free(body);

	/* The flash is shown once. */
	body = check_page(c, "/tasks", 200);
	cr_assert_null(strstr(body, "tasks added"));
	free(body);

	body = add_ok(c, "Delta task");
	cr_assert(strstr(body, "1 task added.") != NULL);
	assert_counts(body, 4, 0);
	free(body);
	harness_client_free(c);
}

Test(tasks, add_skips_titles_already_open)
{
	struct harness_client	*c = signed_up("dups", NULL);
	char			*body;

	free(add_ok(c, "Buy milk\nCall mum"));
	body = add_ok(c, "Eggs\nbuy MILK\nBread\n");
	cr_assert(strstr(body, "2 tasks added; 1 already on your list:") !=
	    NULL, "flash:\n%s", body);
	cr_assert(strstr(body, "<li>buy MILK</li>") != NULL,
	    "skipped title not listed:\n%s", body);
	cr_assert_eq(task_count(body, "Buy milk"), 1);
	cr_assert_eq(task_count(body, "buy MILK"), 0);
	cr_assert_eq(task_count(body, "Eggs"), 1);
	cr_assert_eq(task_count(body, "Bread"), 1);
	assert_counts(body, 4, 0);
	free(body);

	/* Repeated within one submission. */
	body = add_ok(c, "Jam\nJAM\n  jam  \nHoney");
	cr_assert(strstr(body, "2 tasks added; 2 already on your list:") !=
	    NULL, "flash:\n%s", body);
	cr_assert(strstr(body, "<li>JAM</li>") != NULL);
	cr_assert(strstr(body, "<li>jam</li>") != NULL);
	cr_assert_eq(task_count(body, "Jam"), 1);
	assert_counts(body, 6, 0);
	free(body);

	/* Everything skipped. */
	body = add_ok(c, "call mum\nHONEY");
	cr_assert(strstr(body, "0 tasks added; 2 already on your list:") !=
	    NULL, "flash:\n%s", body);
	assert_counts(body, 6, 0);
	free(body);
	harness_client_free(c);
}

Test(tasks, add_compares_titles_like_unicode_ci)
{
	struct harness_client	*c = signed_up("unicodeci", NULL);
	char			*body;

	free(add_ok(c, "Crème brûlée"));
	body = add_ok(c, "CRÈME BRÛLÉE\ncreme brulee\nÉclair\néclair");
	cr_assert(strstr(body, "1 task added; 3 already on your list:") !=
	    NULL, "flash:\n%s", body);
	cr_assert_eq(task_count(body, "Crème brûlée"), 1);
	cr_assert_eq(task_count(body, "Éclair"), 1);
	cr_assert_eq(task_count(body, "éclair"), 0);
	assert_counts(body, 2, 0);
	free(body);
	harness_client_free(c);
}

Test(tasks, completed_title_can_be_added_again)
{
	struct harness_client	*c = signed_up("readd", NULL);
	long long		 id;
	char			*body;

	id = add_one(c, "Water plants");
	free(act_ok(c, id, "complete"));
	body = add_ok(c, "Water plants");
	cr_assert(strstr(body, "1 task added.") != NULL, "flash:\n%s", body);
	cr_assert_eq(task_count(body, "Water plants"), 2);
	assert_counts(body, 1, 1);
	free(body);

	/* Reopening makes two open tasks of one title: allowed. */
	body = act_ok(c, id, "reopen");
	cr_assert(strstr(body, "Task reopened.") != NULL);
	assert_counts(body, 2, 0);
	free(body);
	harness_client_free(c);
}

/* POST titles: 422, the message, the text kept, nothing stored. */
static void
add_rejected(struct harness_client *c, const char *titles,
    const char *message, int open_before)
{
	struct harness_response	 r;
	char			*kept, *body;

	add_post(c, titles, &r);
	cr_assert_eq(r.status, 422, "status %ld for %s", r.status, message);
	cr_assert(strstr(r.body, message) != NULL, "no \"%s\" in\n%s",
	    message, r.body);
	kept = textarea_text(r.body, "titles");
	cr_assert_not_null(kept, "no titles textarea");
	cr_assert_str_eq(kept, titles, "the text was not kept");
	free(kept);
	harness_response_free(&r);

	body = check_page(c, "/tasks", 200);
	assert_counts(body, open_before, 0);
	cr_assert_null(strstr(body, "Good line"), "part was stored");
	free(body);
}

Test(tasks, add_validation_stores_nothing)
{
	struct harness_client	*c = signed_up("addval", NULL);
	char			*line, *text, *body;
	int			 i;

	free(add_ok(c, "Existing one"));

	/* 201 ASCII characters on the second line. */
	line = repeat("x", 201);
	cr_assert(asprintf(&text, "Good line A\n%s\nGood line B", line) != -1);
	add_rejected(c, text, "Line 2 is longer than 200 characters", 1);
	free(text);
	free(line);

	/* Characters, not bytes: 201 x "é" is too long ... */
	line = repeat("\xc3\xa9", 201);
	cr_assert(asprintf(&text, "Good line A\n%s", line) != -1);
	add_rejected(c, text, "Line 2 is longer than 200 characters", 1);
	free(text);
	free(line);

	/* ... 200 x "é" (400 bytes) is fine, as are 200 ASCII. */
	line = repeat("\xc3\xa9", 200);
	body = add_ok(c, line);
	cr_assert_eq(task_count(body, line), 1, "200 x é not stored");
	free(body);
	free(line);
	line = repeat("y", 200);
	body = add_ok(c, line);
	cr_assert_eq(task_count(body, line), 1);
	assert_counts(body, 3, 0);
	free(body);
	free(line);

	/* 101 lines. */
	text = calloc(1, 101 * 16);
	cr_assert_not_null(text);
	for (i = 0; i < 101; i++)
		sprintf(text + strlen(text), "Good line %d\n", i);
	add_rejected(c, text, "Add at most 100 tasks at once.", 3);
	free(text);

	/* Nothing but blank lines. */
	add_rejected(c, "  \n\t\n\n", "Write at least one task, one per "
	    "line.", 3);
	add_rejected(c, "", "Write at least one task, one per line.", 3);

	/*
	 * Not valid UTF-8: refused, nothing stored (the text cannot be shown
	 * again as it was, so only status and store are checked).
	 */
	{
		struct harness_response	r;

		add_post(c, "Good line A\nbad \xff\xfe byte", &r);
		cr_assert_eq(r.status, 422, "invalid UTF-8: %ld", r.status);
		harness_response_free(&r);
		body = check_page(c, "/tasks", 200);
		assert_counts(body, 3, 0);
		free(body);
	}
	harness_client_free(c);
}

Test(tasks, add_exactly_100_lines)
{
	struct harness_client	*c = signed_up("add100", NULL);
	char			*text, *body;
	int			 i;

	text = calloc(1, 100 * 16);
	cr_assert_not_null(text);
	for (i = 0; i < 100; i++)
		sprintf(text + strlen(text), "Item %03d\n", i);
	body = add_ok(c, text);
	cr_assert(strstr(body, "100 tasks added.") != NULL, "flash:\n%s",
	    body);
	assert_counts(body, 100, 0);
	cr_assert(task_at(body, "Item 000") < task_at(body, "Item 099"));
	free(body);
	free(text);
	harness_client_free(c);
}

/*
 * The largest valid submission: 100 lines of 200 characters each (about
 * 20 KB, more with the CRLF line breaks a browser sends).
 */
Test(tasks, add_largest_valid_submission)
{
	struct harness_client	*c = signed_up("addmax", NULL);
	char			*text, *body, *pad, title[256];
	int			 i;

	pad = repeat("z", 193);
	text = calloc(1, 100 * 203);
	cr_assert_not_null(text);
	for (i = 0; i < 100; i++)
		sprintf(text + strlen(text), "L%03d %s-x\r\n", i, pad);
	snprintf(title, sizeof(title), "L%03d %s-x", 0, pad);
	cr_assert_eq(strlen(title), 200);
	body = add_ok(c, text);
	cr_assert(strstr(body, "100 tasks added.") != NULL,
	    "100 lines of 200 characters refused");
	assert_counts(body, 100, 0);
	cr_assert_eq(task_count(body, title), 1);
	free(body);
	free(text);
	free(pad);
	harness_client_free(c);
}

/* Four-byte characters count as one each. */
Test(tasks, add_counts_four_byte_characters)
{
	struct harness_client	*c = signed_up("emoji", NULL);
	struct harness_response	 r;
	char			*line, *body;

	line = repeat("\xf0\x9f\x98\x80", 200);
	body = add_ok(c, line);
	cr_assert_eq(task_count(body, line), 1, "200 emoji not stored");
	free(body);
	free(line);

	line = repeat("\xf0\x9f\x98\x80", 201);
	add_post(c, line, &r);
	cr_assert_eq(r.status, 422);
	cr_assert(strstr(r.body, "Line 1 is longer than 200 characters") !=
	    NULL);
	harness_response_free(&r);
	free(line);
	body = check_page(c, "/tasks", 200);
	assert_counts(body, 1, 0);
	free(body);
	harness_client_free(c);
}

/* -------------------------------------------------- complete and reopen */

Test(tasks, complete_and_reopen)
{
	struct harness_client	*c = signed_up("complete", NULL);
	long long		 first, second;
	char			*body;

	free(add_ok(c, "First thing\nSecond thing"));
	body = check_page(c, "/tasks", 200);
	first = task_id(body, "First thing");
	second = task_id(body, "Second thing");
	cr_assert(first > 0 && second > 0 && first != second);
	cr_assert_null(strstr(body, "Completed 2"), "nothing completed yet");
	free(body);

	body = act_ok(c, first, "complete");
	cr_assert(strstr(body, "Task completed.") != NULL, "flash:\n%s", body);
	cr_assert_eq(task_state(body, "First thing"), 'd');
	cr_assert_eq(task_state(body, "Second thing"), 'o');
	/* Open tasks first, then the completed ones with their time. */
	cr_assert(task_at(body, "Second thing") < task_at(body, "First thing"));
	cr_assert(has_utc_time(body), "no completion time:\n%s", body);
	assert_counts(body, 1, 1);
	free(body);

	/* Completing it again changes nothing. */
	body = act_ok(c, first, "complete");
	cr_assert_eq(task_state(body, "First thing"), 'd');
	assert_counts(body, 1, 1);
	free(body);

	body = act_ok(c, first, "reopen");
	cr_assert(strstr(body, "Task reopened.") != NULL, "flash:\n%s", body);
	cr_assert_eq(task_state(body, "First thing"), 'o');
	cr_assert_not(has_utc_time(body), "a completion time is left");
	assert_counts(body, 2, 0);
	free(body);
	harness_client_free(c);
}

Test(tasks, filters_and_counts)
{
	struct harness_client	*c = signed_up("filters", NULL);
	char			*body;
	long long		 id;

	free(add_ok(c, "Open one\nOpen two\nDone one"));
	body = check_page(c, "/tasks", 200);
	id = task_id(body, "Done one");
	free(body);
	free(act_ok(c, id, "complete"));

	body = check_page(c, "/tasks?filter=open", 200);
	cr_assert_eq(task_state(body, "Open one"), 'o');
	cr_assert_eq(task_state(body, "Open two"), 'o');
	cr_assert_eq(task_count(body, "Done one"), 0);
	assert_counts(body, 2, 1);
	cr_assert(strstr(body, "filter=open\" aria-current=\"page\"") != NULL);
	free(body);

	body = check_page(c, "/tasks?filter=done", 200);
	cr_assert_eq(task_state(body, "Done one"), 'd');
	cr_assert_eq(task_count(body, "Open one"), 0);
	assert_counts(body, 2, 1);
	free(body);

	body = check_page(c, "/tasks?filter=all", 200);
	cr_assert_eq(task_state(body, "Open one"), 'o');
	cr_assert_eq(task_state(body, "Done one"), 'd');
	assert_counts(body, 2, 1);
	free(body);

	body = check_page(c, "/tasks?filter=bogus", 200);
	cr_assert_eq(task_count(body, "Open one"), 1);
	assert_counts(body, 2, 1);
	free(body);
	harness_client_free(c);
}

/* ----------------------------------------------------------------- edit */

/* The edit form's title, notes and due; caller frees each. */
static void
edit_form(struct harness_client *c, long long id, char **title,
    char **notes, char **due)
{
	char	*path = task_path(id, "edit"), *body;

	body = check_page(c, path, 200);
	*title = harness_input_value(body, "title");
	*due = harness_input_value(body, "due");
	*notes = textarea_text(body, "notes");
	cr_assert(*title && *due && *notes, "edit form incomplete:\n%s", body);
	free(body);
	free(path);
}

static void
assert_task_fields(struct harness_client *c, long long id, const char *title,
    const char *notes, const char *due)
{
	char	*t, *n, *d;

	edit_form(c, id, &t, &n, &d);
	cr_assert_str_eq(t, title);
	cr_assert_str_eq(n, notes);
	cr_assert_str_eq(d, due);
	free(t);
	free(n);
	free(d);
}

static void
edit_post(struct harness_client *c, long long id, const char *title,
    const char *notes, const char *due, struct harness_response *r)
{
	char	*path = task_path(id, "edit");

	post_action(c, path, r, "title", title, "notes", notes, "due", due,
	    NULL);
	free(path);
}

Test(tasks, edit_title_notes_due)
{
	struct harness_client	*c = signed_up("edit", NULL);
	struct harness_response	 r;
	long long		 id;
	char			*body, future[11];

	id = add_one(c, "Draft title");
	assert_task_fields(c, id, "Draft title", "", "");

	utc_date(future, 30);
	edit_post(c, id, "  Final title  ", "Line one\r\nLine two & <b>",
	    future, &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	body = check_page(c, "/tasks", 200);
	cr_assert(strstr(body, "Task saved.") != NULL, "flash:\n%s", body);
	cr_assert_eq(task_state(body, "Final title"), 'o', "title not saved "
	    "(trimmed):\n%s", body);
	cr_assert_eq(task_count(body, "Draft title"), 0);
	cr_assert(strstr(body, future) != NULL, "due date not shown");
	cr_assert_null(strstr(body, "Overdue"), "a future date is overdue");
	free(body);
	assert_task_fields(c, id, "Final title", "Line one\nLine two & <b>",
	    future);

	/* Due date and notes can be emptied again. */
	edit_post(c, id, "Final title", "", "", &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	assert_task_fields(c, id, "Final title", "", "");
	harness_client_free(c);
}

Test(tasks, edit_limits_are_characters)
{
	struct harness_client	*c = signed_up("editlimits", NULL);
	struct harness_response	 r;
	long long		 id;
	char			*title, *notes;

	id = add_one(c, "Short");
	title = repeat("\xc3\xa9", 200);
	notes = repeat("\xc3\xa9", 4000);
	edit_post(c, id, title, notes, "", &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	assert_task_fields(c, id, title, notes, "");
	free(notes);
	free(title);
	harness_client_free(c);
}

/*
 * A browser counts a line break in a textarea as one character (its
 * maxlength="4000" lets 3,999 through here) but sends it as CRLF.
 */
Test(tasks, edit_notes_line_breaks_count_once)
{
	struct harness_client	*c = signed_up("notescrlf", NULL);
	struct harness_response	 r;
	char			*line, *notes, *expect;
	long long		 id;
	int			 i;

	id = add_one(c, "Notes with lines");
	line = repeat("x", 39);
	notes = calloc(1, 100 * 41 + 1);
	expect = calloc(1, 100 * 40 + 1);
	cr_assert(notes != NULL && expect != NULL);
	for (i = 0; i < 100; i++) {
		sprintf(notes + strlen(notes), "%s%s", i ? "\r\n" : "", line);
		sprintf(expect + strlen(expect), "%s%s", i ? "\n" : "", line);
	}
	cr_assert_eq(strlen(expect), 3999);
	edit_post(c, id, "Notes with lines", notes, "", &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	assert_task_fields(c, id, "Notes with lines", expect, "");
	free(expect);
	free(notes);
	free(line);
	harness_client_free(c);
}

/* Editing a completed task keeps it completed, with the same time. */
Test(tasks, edit_keeps_completion)
{
	struct harness_client	*c = signed_up("editdone", NULL);
	struct harness_response	 r;
	long long		 id;
	char			*body, *meta, before[64];
	const char		*at;

	id = add_one(c, "Done then edited");
	body = act_ok(c, id, "complete");
	at = strstr(task_at(body, "Done then edited"), "Completed ");
	cr_assert_not_null(at);
	snprintf(before, sizeof(before), "%.30s", at);
	free(body);

	edit_post(c, id, "Done and edited", "More notes", "2031-03-04", &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	body = check_page(c, "/tasks", 200);
	cr_assert_eq(task_state(body, "Done and edited"), 'd',
	    "editing reopened the task");
	meta = strstr(task_at(body, "Done and edited"), "Completed ");
	cr_assert(meta != NULL && strncmp(meta, before, strlen(before)) == 0,
	    "completion time changed: %.30s / %s", meta, before);
	free(body);
	harness_client_free(c);
}

/* The completion time is shown in UTC and is now (within two minutes). */
Test(tasks, completion_time_is_now_in_utc)
{
	struct harness_client	*c = signed_up("utctime", NULL);
	long long		 id;
	char			*body;
	const char		*at;
	struct tm		 tm;
	time_t			 shown, now;
	int			 n = 0;

	id = add_one(c, "Timed task");
	body = act_ok(c, id, "complete");
	now = time(NULL);
	at = strstr(task_at(body, "Timed task"), "Completed ");
	cr_assert_not_null(at);
	at += strlen("Completed ");
	memset(&tm, 0, sizeof(tm));
	cr_assert(sscanf(at, "%4d-%2d-%2d %2d:%2d UTC%n", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &n) == 5 &&
	    n == 20, "not YYYY-MM-DD HH:MM UTC: %.24s", at);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	shown = timegm(&tm);
	cr_assert(shown <= now && now - shown < 120, "completion time %.20s "
	    "is not the current UTC time", at);
	free(body);
	harness_client_free(c);
}

Test(tasks, overdue_open_tasks_are_marked)
{
	struct harness_client	*c = signed_up("overdue", NULL);
	struct harness_response	 r;
	long long		 late, today_id, done;
	char			*body, past[11], today[11];

	free(add_ok(c, "Late task\nToday task\nDone late task"));
	body = check_page(c, "/tasks", 200);
	late = task_id(body, "Late task");
	today_id = task_id(body, "Today task");
	done = task_id(body, "Done late task");
	free(body);

	utc_date(past, -1);
	utc_date(today, 0);
	edit_post(c, late, "Late task", "", past, &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	edit_post(c, today_id, "Today task", "", today, &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	edit_post(c, done, "Done late task", "", "2020-01-01", &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	free(act_ok(c, done, "complete"));

	body = check_page(c, "/tasks", 200);
	/* Only the open task due yesterday: one mark. */
	cr_assert(strstr(body, "Overdue") != NULL, "no overdue mark:\n%s",
	    body);
	cr_assert_null(strstr(strstr(body, "Overdue") + 1, "Overdue"),
	    "more than one task marked overdue");
	cr_assert(strstr(task_at(body, "Late task"), "Overdue") <
	    task_at(body, "Today task"), "the wrong task is marked");
	free(body);

	/* Completed: no longer overdue. */
	free(act_ok(c, late, "complete"));
	body = check_page(c, "/tasks", 200);
	cr_assert_null(strstr(body, "Overdue"));
	free(body);
	harness_client_free(c);
}

/* Is the open task titled title marked overdue on body? */
static int
marked_overdue(const char *body, const char *title)
{
	const char	*at = task_at(body, title), *end, *mark;

	cr_assert_not_null(at, "no task %s", title);
	end = strstr(at, "</li>");
	mark = strstr(at, ">Overdue<");
	return mark != NULL && (end == NULL || mark < end);
}

/*
 * Of UTC+14 and UTC-12, a zone whose date is not UTC's right now (one of
 * them always is); its date goes to local, UTC's to utc.
 */
static const char *
zone_off_utc(char local[11], char utc[11])
{
	static const char	*zones[] = { "Pacific/Kiritimati", "Etc/GMT+12" };
	size_t			 i;

	date_in_zone("UTC", utc, 11);
	for (i = 0; i < 2; i++) {
		date_in_zone(zones[i], local, 11);
		if (strcmp(local, utc) != 0)
			return zones[i];
	}
	cr_assert_fail("both zones have UTC's date %s", utc);
	return NULL;
}

/* Are the dates of zone and UTC still local and utc? */
static int
same_days(const char *zone, const char *local, const char *utc)
{
	char	now_local[11], now_utc[11];

	date_in_zone(zone, now_local, sizeof(now_local));
	date_in_zone("UTC", now_utc, sizeof(now_utc));
	return !strcmp(now_local, local) && !strcmp(now_utc, utc);
}

/*
 * "Today" is the person's: a task due today in UTC is overdue in a zone
 * already in tomorrow, one due today in the zone never is.  A second
 * session of the person (its copy cached in Redis) follows a new zone at
 * once.
 */
Test(tasks, overdue_follows_the_persons_time_zone)
{
	struct harness_client	*c, *other, *who;
	struct harness_response	 r;
	const char		*zone;
	long long		 at_utc, at_local;
	char			*email, *body, local[11], utc[11];
	int			 i;

	c = signed_up("tzone", &email);
	cr_assert_not_null(other = logged_in(email, PASSWORD));
	body = add_ok(c, "Due UTC today\nDue zone today");
	at_utc = task_id(body, "Due UTC today");
	at_local = task_id(body, "Due zone today");
	free(body);

	zone = zone_off_utc(local, utc);
	edit_post(c, at_utc, "Due UTC today", "", utc, &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	edit_post(c, at_local, "Due zone today", "", local, &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);

	/* Still UTC, on both sessions; twice, the second from Redis. */
	for (i = 0; i < 4; i++) {
		body = check_page(i % 2 ? other : c, "/tasks", 200);
		if (!same_days(zone, local, utc)) {
			free(body);
			break;		/* midnight passed: nothing to tell */
		}
		cr_assert(!marked_overdue(body, "Due UTC today"), "%s", body);
		cr_assert_eq(marked_overdue(body, "Due zone today"),
		    strcmp(local, utc) < 0, "%s vs %s:\n%s", local, utc, body);
		free(body);
	}

	zone_set(c, zone);
	/* The other session first: its copy was refreshed by the change. */
	for (i = 0; i < 4; i++) {
		who = i % 2 ? c : other;
		body = check_page(who, "/tasks", 200);
		if (!same_days(zone, local, utc)) {
			free(body);
			break;		/* midnight passed: nothing to tell */
		}
		cr_assert(!marked_overdue(body, "Due zone today"),
		    "%s: %s:\n%s", zone, local, body);
		cr_assert_eq(marked_overdue(body, "Due UTC today"),
		    strcmp(utc, local) < 0, "%s: %s vs UTC %s:\n%s", zone,
		    local, utc, body);
		free(body);
	}

	/* Back to UTC: the marks are UTC's again, on the other session too. */
	zone_set(c, "UTC");
	body = check_page(other, "/tasks", 200);
	if (same_days(zone, local, utc)) {
		cr_assert(!marked_overdue(body, "Due UTC today"), "%s", body);
		cr_assert_eq(marked_overdue(body, "Due zone today"),
		    strcmp(local, utc) < 0, "%s", body);
	}
	free(body);
	free(email);
	harness_client_free(other);
	harness_client_free(c);
}

/* An edit that must fail: 422, the message, the task unchanged. */
static void
edit_rejected(struct harness_client *c, long long id, const char *title,
    const char *notes, const char *due, const char *message)
{
	struct harness_response	 r;

	edit_post(c, id, title, notes, due, &r);
	cr_assert_eq(r.status, 422, "status %ld for %s", r.status, message);
	cr_assert(strstr(r.body, message) != NULL, "no \"%s\" in\n%s",
	    message, r.body);
	cr_assert(strstr(r.body, "action=\"/tasks/") != NULL, "no form");
	harness_response_free(&r);
	assert_task_fields(c, id, "Keep me", "Old notes", "2030-01-02");
}

Test(tasks, edit_validation_changes_nothing)
{
	struct harness_client	*c = signed_up("editval", NULL);
	struct harness_response	 r;
	long long		 id;
	char			*s;

	id = add_one(c, "Keep me");
	edit_post(c, id, "Keep me", "Old notes", "2030-01-02", &r);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);

	edit_rejected(c, id, "", "New notes", "", "Give the task a title.");
	edit_rejected(c, id, "   ", "New notes", "",
	    "Give the task a title.");
	s = repeat("t", 201);
	edit_rejected(c, id, s, "New notes", "", "A title is at most 200");
	free(s);
	s = repeat("\xc3\xa9", 201);
	edit_rejected(c, id, s, "New notes", "", "A title is at most 200");
	free(s);
	s = repeat("n", 4001);
	edit_rejected(c, id, "New title", s, "",
	    "Notes are at most 4,000 characters.");
	free(s);
	edit_rejected(c, id, "New title", "", "2026-02-30",
	    "Enter a real date");
	edit_rejected(c, id, "New title", "", "1969-12-31",
	    "Enter a real date");
	edit_rejected(c, id, "New title", "", "tomorrow", "Enter a real date");
	edit_rejected(c, id, "New title", "", "2026-1-5", "Enter a real date");
	harness_client_free(c);
}

/* --------------------------------------------------------------- delete */

Test(tasks, delete_one_through_confirmation)
{
	struct harness_client	*c = signed_up("delete", NULL);
	struct harness_response	 r;
	long long		 id;
	char			*path, *body, *action;

	free(add_ok(c, "Doomed task\nSurvivor task"));
	body = check_page(c, "/tasks", 200);
	id = task_id(body, "Doomed task");
	free(body);

	path = task_path(id, "delete");
	body = check_page(c, path, 200);
	cr_assert(asprintf(&action, "action=\"%s\"", path) != -1);
	cr_assert(strstr(body, action) != NULL, "no form posting to %s:\n%s",
	    path, body);
	cr_assert(strstr(body, "method=\"post\"") != NULL);
	free(body);
	/* The confirmation page changed nothing. */
	body = check_page(c, "/tasks", 200);
	cr_assert_eq(task_count(body, "Doomed task"), 1);
	free(body);

	post_action(c, path, &r, NULL);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	body = check_page(c, "/tasks", 200);
	cr_assert(strstr(body, "Task deleted.") != NULL, "flash:\n%s", body);
	cr_assert_eq(task_count(body, "Doomed task"), 0);
	cr_assert_eq(task_count(body, "Survivor task"), 1);
	assert_counts(body, 1, 0);
	free(body);

	/* Gone: every verb on it is 404. */
	get_ok(c, path, &r);
	cr_assert_eq(r.status, 404);
	harness_response_free(&r);
	post_action(c, path, &r, NULL);
	cr_assert_eq(r.status, 404);
	harness_response_free(&r);
	free(path);
	path = task_path(id, "edit");
	get_ok(c, path, &r);
	cr_assert_eq(r.status, 404);
	harness_response_free(&r);

	free(action);
	free(path);
	harness_client_free(c);
}

Test(tasks, clear_completed_keeps_open_ones)
{
	struct harness_client	*c = signed_up("clear", NULL);
	struct harness_response	 r;
	char			*body;

	free(add_ok(c, "Keep open\nDone A\nDone B"));
	body = check_page(c, "/tasks", 200);
	free(act_ok(c, task_id(body, "Done A"), "complete"));
	free(act_ok(c, task_id(body, "Done B"), "complete"));
	free(body);

	body = check_page(c, "/tasks/clear-completed", 200);
	cr_assert(strstr(body, "action=\"/tasks/clear-completed\"") != NULL,
	    "no confirmation form:\n%s", body);
	free(body);
	body = check_page(c, "/tasks", 200);
	assert_counts(body, 1, 2);
	free(body);

	post_action(c, "/tasks/clear-completed", &r, NULL);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	body = check_page(c, "/tasks", 200);
	cr_assert(strstr(body, "2 completed tasks cleared.") != NULL,
	    "flash:\n%s", body);
	cr_assert_eq(task_state(body, "Keep open"), 'o');
	cr_assert_eq(task_count(body, "Done A"), 0);
	cr_assert_eq(task_count(body, "Done B"), 0);
	assert_counts(body, 1, 0);
	free(body);
	harness_client_free(c);
}

Test(tasks, delete_all)
{
	struct harness_client	*c = signed_up("deleteall", NULL);
	struct harness_response	 r;
	char			*body;

	free(add_ok(c, "One\nTwo\nThree"));
	body = check_page(c, "/tasks", 200);
	free(act_ok(c, task_id(body, "Two"), "complete"));
	free(body);

	body = check_page(c, "/tasks/delete-all", 200);
	cr_assert(strstr(body, "action=\"/tasks/delete-all\"") != NULL,
	    "no confirmation form:\n%s", body);
	free(body);

	post_action(c, "/tasks/delete-all", &r, NULL);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	body = check_page(c, "/tasks", 200);
	cr_assert(strstr(body, "3 tasks deleted.") != NULL, "flash:\n%s",
	    body);
	assert_counts(body, 0, 0);
	cr_assert_eq(task_count(body, "One"), 0);
	free(body);
	harness_client_free(c);
}

/* ------------------------------------------------ another person's task */

Test(tasks, another_persons_task_is_404)
{
	struct harness_client	*owner = signed_up("owner", NULL);
	struct harness_client	*other = signed_up("intruder", NULL);
	static const char	*actions[] = {
		"edit", "complete", "reopen", "delete"
	};
	struct harness_response	 r;
	long long		 open_id, done_id;
	char			*path, *body;
	size_t			 i;

	free(add_ok(owner, "Private open\nPrivate done"));
	body = check_page(owner, "/tasks", 200);
	open_id = task_id(body, "Private open");
	done_id = task_id(body, "Private done");
	free(body);
	free(act_ok(owner, done_id, "complete"));
	free(add_ok(other, "Intruder task"));

	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		path = task_path(open_id, actions[i]);
		get_ok(other, path, &r);
		cr_assert_eq(r.status, 404, "GET %s: %ld", path, r.status);
		cr_assert_null(strstr(r.body, "Private open"));
		harness_response_free(&r);
		post_action(other, path, &r, "title", "Pwned", "notes", "",
		    "due", "", NULL);
		cr_assert_eq(r.status, 404, "POST %s: %ld", path, r.status);
		harness_response_free(&r);
		free(path);

		path = task_path(done_id, actions[i]);
		post_action(other, path, &r, "title", "Pwned", "notes", "",
		    "due", "", NULL);
		cr_assert_eq(r.status, 404, "POST %s: %ld", path, r.status);
		harness_response_free(&r);
		free(path);
	}

	/* The intruder's bulk actions touch only the intruder's list. */
	post_action(other, "/tasks/clear-completed", &r, NULL);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);
	post_action(other, "/tasks/delete-all", &r, NULL);
	assert_redirect(&r, "/tasks");
	harness_response_free(&r);

	body = check_page(owner, "/tasks", 200);
	cr_assert_eq(task_state(body, "Private open"), 'o');
	cr_assert_eq(task_state(body, "Private done"), 'd');
	cr_assert_eq(task_count(body, "Pwned"), 0);
	assert_counts(body, 1, 1);
	free(body);
	assert_task_fields(owner, open_id, "Private open", "", "");

	body = check_page(other, "/tasks", 200);
	cr_assert_null(strstr(body, "Private"));
	free(body);
	harness_client_free(other);
	harness_client_free(owner);
}

Test(tasks, bad_ids_are_404)
{
	struct harness_client	*c = signed_up("badids", NULL);
	static const char	*paths[] = {
		"/tasks/abc/edit", "/tasks/0/edit", "/tasks/-1/edit",
		"/tasks/9999999999999999/edit",
		"/tasks/99999999999999999999/edit",
		"/tasks/18446744073709551616/complete",
		"/tasks/1.5/edit", "/tasks//edit", "/tasks/12/frobnicate",
		"/tasks/0x10/edit", "/tasks/%31/edit",
	};
	struct harness_response	 r;
	size_t			 i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		get_ok(c, paths[i], &r);
		cr_assert_eq(r.status, 404, "GET %s: %ld", paths[i], r.status);
		harness_response_free(&r);
		post_action(c, paths[i], &r, NULL);
		cr_assert_eq(r.status, 404, "POST %s: %ld", paths[i],
		    r.status);
		harness_response_free(&r);
	}
	harness_client_free(c);
}

/* ----------------------------------------------------------------- CSRF */

/* POST body to path must be 403. */
static void
forbidden(struct harness_client *c, const char *path, const char *body)
{
	struct harness_response	r;

	post_ok(c, path, body, &r);
	cr_assert_eq(r.status, 403, "POST %s (%s): %ld", path, body, r.status);
	harness_response_free(&r);
}

/* Every way to send a bad token on one POST. */
static void
csrf_rejected(struct harness_client *c, const char *path,
    const char *other_csrf, const char *fields)
{
	char	*body;

	forbidden(c, path, fields);
	cr_assert(asprintf(&body, "csrf=&%s", fields) != -1);
	forbidden(c, path, body);
	free(body);
	cr_assert(asprintf(&body, "csrf=00112233445566778899aabbccddeeff&%s",
	    fields) != -1);
	forbidden(c, path, body);
	free(body);
	cr_assert(asprintf(&body, "csrf=%s&%s", other_csrf, fields) != -1);
	forbidden(c, path, body);
	free(body);
}

Test(tasks, every_post_needs_the_right_csrf)
{
	struct harness_client	*c = signed_up("csrf", NULL);
	struct harness_client	*other = signed_up("csrfother", NULL);
	long long		 open_id, done_id;
	char			*other_csrf, *path, *body;

	free(add_ok(c, "Open csrf\nDone csrf"));
	body = check_page(c, "/tasks", 200);
	open_id = task_id(body, "Open csrf");
	done_id = task_id(body, "Done csrf");
	free(body);
	free(act_ok(c, done_id, "complete"));
	other_csrf = csrf_of(other, "/tasks");

	csrf_rejected(c, "/tasks", other_csrf, "titles=Sneaky");
	path = task_path(open_id, "complete");
	csrf_rejected(c, path, other_csrf, "x=1");
	free(path);
	path = task_path(done_id, "reopen");
	csrf_rejected(c, path, other_csrf, "x=1");
	free(path);
	path = task_path(open_id, "edit");
	csrf_rejected(c, path, other_csrf, "title=Sneaky&notes=&due=");
	free(path);
	path = task_path(open_id, "delete");
	csrf_rejected(c, path, other_csrf, "x=1");
	free(path);
	csrf_rejected(c, "/tasks/clear-completed", other_csrf, "x=1");
	csrf_rejected(c, "/tasks/delete-all", other_csrf, "x=1");

	body = check_page(c, "/tasks", 200);
	cr_assert_eq(task_state(body, "Open csrf"), 'o');
	cr_assert_eq(task_state(body, "Done csrf"), 'd');
	cr_assert_eq(task_count(body, "Sneaky"), 0);
	assert_counts(body, 1, 1);
	free(body);

	free(other_csrf);
	harness_client_free(other);
	harness_client_free(c);
}

/* ------------------------------------------------ escaping and headers */

#define NASTY	"<script>alert(\"x\")</script> & 'q'"
#define NASTY_HTML \
	"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;"

Test(tasks, titles_are_escaped)
{
	struct harness_client	*c = signed_up("escape", NULL);
	char			*body, *path, *value;
	long long		 id;

	body = add_ok(c, NASTY);
	cr_assert(strstr(body, NASTY_HTML) != NULL, "not escaped:\n%s", body);
	cr_assert_null(strstr(body, "<script"), "raw script tag");
	cr_assert_null(strstr(body, "alert(\"x\")"), "raw quotes");
	id = task_id(body, NASTY);
	cr_assert(id > 0);
	free(body);

	/* Skipped again: the flash detail is escaped too. */
	body = add_ok(c, NASTY);
	cr_assert(strstr(body, "already on your list") != NULL);
	cr_assert_null(strstr(body, "<script"), "raw script tag in flash");
	free(body);

	path = task_path(id, "edit");
	body = check_page(c, path, 200);
	cr_assert_null(strstr(body, "<script"), "raw script tag in edit");
	value = harness_input_value(body, "title");
	cr_assert(value != NULL && strcmp(value, NASTY) == 0);
	free(value);
	free(body);
	free(path);

	path = task_path(id, "delete");
	body = check_page(c, path, 200);
	cr_assert_null(strstr(body, "<script"), "raw script tag in confirm");
	free(body);
	free(path);
	harness_client_free(c);
}

Test(tasks, security_headers_on_the_task_pages)
{
	struct harness_client	*c = signed_up("headers", NULL);
	static const char	*paths[] = { "/tasks", "/tasks?filter=done",
		"/tasks/clear-completed", "/tasks/delete-all" };
	struct harness_response	 r;
	size_t			 i;
	char			*h;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		get_ok(c, paths[i], &r);
		cr_assert_eq(r.status, 200);
		h = harness_header(&r, "Content-Security-Policy");
		cr_assert(h != NULL && strstr(h, "unsafe-inline") == NULL &&
		    strstr(h, "default-src") != NULL, "CSP: %s", h);
		free(h);
		h = harness_header(&r, "X-Content-Type-Options");
		cr_assert(h != NULL && strcasecmp(h, "nosniff") == 0);
		free(h);
		h = harness_header(&r, "Referrer-Policy");
		cr_assert(h != NULL && strcasecmp(h, "same-origin") == 0);
		free(h);
		h = harness_header(&r, "X-Frame-Options");
		cr_assert(h != NULL && strcasecmp(h, "DENY") == 0);
		free(h);
		cr_assert_null(strstr(r.body, "<script"), "script on %s",
		    paths[i]);
		harness_response_free(&r);
	}
	harness_client_free(c);
}

/* ------------------------------------- several people at the same time */

#define ADDERS		4
#define ADDS_EACH	25

struct adder {
	struct harness_client	*client;
	char			*csrf;
	int			 n;
	int			 failures;
	long			 first_status;
	char			 first_title[48];
};

/* Add ADDS_EACH tasks one by one as fast as possible, count refusals. */
static void *
adder_main(void *arg)
{
	struct adder		*a = arg;
	struct harness_response	 r;
	char			 title[48], *enc, *body;
	int			 i;

	for (i = 0; i < ADDS_EACH; i++) {
		snprintf(title, sizeof(title), "Parallel %d-%02d", a->n, i);
		enc = harness_urlencode(title);
		if (enc == NULL || asprintf(&body, "csrf=%s&titles=%s",
		    a->csrf, enc) == -1) {
			free(enc);
			a->failures++;
			continue;
		}
		if (harness_post_form(a->client, "/tasks", body, &r) != 0 ||
		    r.status != 303) {
			if (a->failures++ == 0) {
				a->first_status = r.status;
				snprintf(a->first_title,
				    sizeof(a->first_title), "%s", title);
			}
		}
		harness_response_free(&r);
		free(body);
		free(enc);
	}
	return NULL;
}

/*
 * People do not wait for each other: adds by different accounts at the
 * same time all succeed (no 503 from a lock conflict between them).
 */
Test(tasks, concurrent_adds_by_different_people_all_succeed)
{
	struct adder		 a[ADDERS];
	pthread_t		 t[ADDERS];
	struct task_page	 page;
	char			*body, title[48];
	size_t			 count = 0;
	int			 i, j, failures = 0;

	for (i = 0; i < ADDERS; i++) {
		memset(&a[i], 0, sizeof(a[i]));
		a[i].client = signed_up("parallel", NULL);
		a[i].csrf = csrf_of(a[i].client, "/tasks");
		a[i].n = i;
	}
	for (i = 0; i < ADDERS; i++)
		cr_assert_eq(pthread_create(&t[i], NULL, adder_main, &a[i]), 0);
	for (i = 0; i < ADDERS; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < ADDERS; i++) {
		if (a[i].failures > 0)
			cr_log_error("person %d: %d adds refused, first %s "
			    "with status %ld", i, a[i].failures,
			    a[i].first_title, a[i].first_status);
		failures += a[i].failures;
	}
	cr_assert_eq(failures, 0, "%d of %d concurrent adds failed (see "
	    "above)", failures, ADDERS * ADDS_EACH);

	for (i = 0; i < ADDERS; i++) {
		body = check_page(a[i].client, "/tasks", 200);
		assert_counts(body, ADDS_EACH, 0);
		cr_assert(task_page_read(&page, body), "malformed task page");
		for (j = 0; j < ADDS_EACH; j++) {
			snprintf(title, sizeof(title), "Parallel %d-%02d", i,
			    j);
			cr_assert(task_page_find(&page, title, &count) != NULL &&
			    count == 1, "%s listed %zu times", title, count);
		}
		task_page_free(&page);
		free(body);
		free(a[i].csrf);
		harness_client_free(a[i].client);
	}
}
