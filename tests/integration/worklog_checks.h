/*
 * Helpers of the work log tests (test_worklog.c, test_worklog_cache.c):
 * accounts, forms, and reading the month page.  The wl_*_try functions
 * never assert (for threads); the others do.
 */

#ifndef DBK_WORKLOG_CHECKS_H
#define DBK_WORKLOG_CHECKS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "checks.h"
#include "harness.h"

#define WL_PASSWORD	"Pw-zq8Xy-secret"
#define WL_BAD_TOKEN	"00000000000000000000000000000000" \
			"00000000000000000000000000000000"

/* Did r answer 303 to where? */
static inline int
wl_redirected(const struct harness_response *r, const char *where)
{
	char	*loc;
	int	 ok;

	if (r->status != 303)
		return 0;
	loc = harness_header(r, "Location");
	ok = loc != NULL && strcmp(loc, where) == 0;
	free(loc);
	return ok;
}

static inline void
wl_assert_redirect(const struct harness_response *r, const char *where)
{
	char	*loc = harness_header(r, "Location");

	cr_assert(wl_redirected(r, where), "want 303 to %s, got %ld to %s\n%s",
	    where, r->status, loc ? loc : "-", r->body ? r->body : "");
	free(loc);
}

/* An urlencoded body: csrf, then name, value pairs up to NULL. */
static inline char *
wl_form_va(const char *csrf, va_list ap)
{
	const char	*name, *value;
	char		*body, *enc, *joined;

	if ((enc = harness_urlencode(csrf)) == NULL)
		return NULL;
	if (asprintf(&body, "csrf=%s", enc) == -1)
		body = NULL;
	free(enc);
	while (body != NULL && (name = va_arg(ap, const char *)) != NULL) {
		value = va_arg(ap, const char *);
		if ((enc = harness_urlencode(value)) == NULL ||
		    asprintf(&joined, "%s&%s=%s", body, name, enc) == -1)
			joined = NULL;
		free(enc);
		free(body);
		body = joined;
	}
	return body;
}

/* POST path with the session's token and fields (name, value, ..., NULL). */
static inline int
wl_post_va(struct harness_client *c, const char *path,
    struct harness_response *r, va_list ap)
{
	struct harness_response	 page;
	char			*csrf = NULL, *body;
	int			 rc = -1;

	memset(r, 0, sizeof(*r));
	/* A page of this session without a database query. */
	if (harness_get(c, "/worklog/range", &page) == 0 && page.status == 200)
		csrf = harness_input_value(page.body, "csrf");
	harness_response_free(&page);
	if (csrf != NULL && (body = wl_form_va(csrf, ap)) != NULL) {
		rc = harness_post_form(c, path, body, r);
		free(body);
	}
	free(csrf);
	return rc;
}

/* POST path with the token and fields; 0 when an answer came. */
static inline int
wl_post(struct harness_client *c, const char *path,
    struct harness_response *r, ...)
{
	va_list	ap;
	int	rc;

	va_start(ap, r);
	rc = wl_post_va(c, path, r, ap);
	va_end(ap);
	return rc;
}

/* POST /worklog/DATE (save unless fields say action=clear). */
static inline void
wl_save(struct harness_client *c, const char *date,
    struct harness_response *r, ...)
{
	char	path[64];
	va_list	ap;

	snprintf(path, sizeof(path), "/worklog/%s", date);
	va_start(ap, r);
	cr_assert_eq(wl_post_va(c, path, r, ap), 0, "POST %s", path);
	va_end(ap);
}

/* POST /worklog/range. */
static inline void
wl_range(struct harness_client *c, struct harness_response *r, ...)
{
	va_list	ap;

	va_start(ap, r);
	cr_assert_eq(wl_post_va(c, "/worklog/range", r, ap), 0,
	    "POST /worklog/range");
	va_end(ap);
}

/* Sign up a new account on a new client; 1 when it worked. */
static inline int
wl_sign_up_try(struct harness_client *c, const char *email)
{
	struct harness_response	 r;
	char			*csrf = NULL, *body;
	int			 ok = 0;

	if (harness_get(c, "/signup", &r) == 0 && r.status == 200)
		csrf = harness_input_value(r.body, "csrf");
	harness_response_free(&r);
	if (csrf == NULL)
		return 0;
	body = harness_form("csrf", csrf, "email", email, "display_name",
	    "Worklog", "password", WL_PASSWORD, "password2", WL_PASSWORD,
	    NULL);
	ok = harness_post_form(c, "/signup", body, &r) == 0 &&
	    wl_redirected(&r, "/tasks");
	harness_response_free(&r);
	free(body);
	free(csrf);
	return ok;
}

/* Log in as email on c; 1 when it worked. */
static inline int
wl_log_in_try(struct harness_client *c, const char *email)
{
	struct harness_response	 r;
	char			*csrf = NULL, *body;
	int			 ok = 0;

	if (harness_get(c, "/login", &r) == 0 && r.status == 200)
		csrf = harness_input_value(r.body, "csrf");
	harness_response_free(&r);
	if (csrf == NULL)
		return 0;
	body = harness_form("csrf", csrf, "email", email, "password",
	    WL_PASSWORD, NULL);
	ok = harness_post_form(c, "/login", body, &r) == 0 &&
	    wl_redirected(&r, "/tasks");
	harness_response_free(&r);
	free(body);
	free(csrf);
	return ok;
}

/* A new account and its client; its email in *email when not NULL. */
static inline struct harness_client *
wl_signed_up(const char *tag, char **email)
{
	struct harness_client	*c = harness_client_new(NULL);
	char			*e = harness_unique_email(tag);

	cr_assert_not_null(c);
	cr_assert(wl_sign_up_try(c, e), "sign-up of %s failed", e);
	if (email != NULL)
		*email = e;
	else
		free(e);
	return c;
}

/* GET path: the body when 200 (caller frees), else NULL. */
static inline char *
wl_page_try(struct harness_client *c, const char *path, long *status)
{
	struct harness_response	 r;
	char			*body = NULL;

	if (harness_get(c, path, &r) == 0 && r.status == 200) {
		body = r.body;
		r.body = NULL;
	}
	*status = r.status;
	harness_response_free(&r);
	return body;
}

static inline char *
wl_page(struct harness_client *c, const char *path)
{
	long	 status;
	char	*body = wl_page_try(c, path, &status);

	cr_assert_not_null(body, "GET %s: %ld", path, status);
	return body;
}

static inline int
wl_count(const char *body, const char *needle)
{
	int	n = 0;

	for (body = strstr(body, needle); body != NULL;
	    body = strstr(body + 1, needle))
		n++;
	return n;
}

/*
 * A month page read once: each day cell's date (from its link) and the
 * kind it shows ("office", ..., "" when the day has no entry).  A check of
 * many days on one page indexes it once with wl_month_read() and looks up
 * with wl_month_kind(), instead of scanning the page for every day.
 */
#define WL_MONTH_CELLS	64	/* a month page has at most 6 weeks: 42 */
#define WL_KIND_LEN	16

struct wl_month_day {
	char	date[16];
	char	kind[WL_KIND_LEN];
};

struct wl_month {
	struct wl_month_day	days[WL_MONTH_CELLS];
	size_t			n;
};

/* Copy the text at p up to a space or quote into out[len], if it fits. */
static inline void
wl_copy_word(char *out, size_t len, const char *p)
{
	size_t	n = strcspn(p, " \"");

	out[0] = '\0';
	if (n < len) {
		memcpy(out, p, n);
		out[n] = '\0';
	}
}

/* Index the day cells of the month page in body (one pass). */
static inline void
wl_month_read(struct wl_month *m, const char *body)
{
	static const char	 cell[] = "<td class=\"";
	static const char	 link[] = "href=\"/worklog/";
	static const char	 kind[] = "wl-kind-";
	const char		*td, *next, *stop, *href, *k;
	const char		*end = body + strlen(body);

	m->n = 0;
	for (td = strstr(body, cell); td != NULL && m->n < WL_MONTH_CELLS;
	    td = next) {
		next = memmem(td + 1, (size_t)(end - td - 1), cell,
		    sizeof(cell) - 1);
		stop = next != NULL ? next : end;
		href = memmem(td, (size_t)(stop - td), link, sizeof(link) - 1);
		if (href == NULL)	/* a day of another month */
			continue;
		wl_copy_word(m->days[m->n].date, sizeof(m->days[0].date),
		    href + sizeof(link) - 1);
		m->days[m->n].kind[0] = '\0';
		k = memmem(td, (size_t)(href - td), kind, sizeof(kind) - 1);
		if (k != NULL)
			wl_copy_word(m->days[m->n].kind, WL_KIND_LEN,
			    k + sizeof(kind) - 1);
		m->n++;
	}
}

/* The kind shown for date on the indexed page, "?" when it has no cell. */
static inline const char *
wl_month_kind(const struct wl_month *m, const char *date)
{
	size_t	i;

	for (i = 0; i < m->n; i++) {
		if (strcmp(m->days[i].date, date) == 0)
			return m->days[i].kind;
	}
	return "?";
}

/*
 * The kind the month page shows for date ("office", ...), "" when the day
 * has no entry, "?" when the page has no link to the day.  into holds
 * WL_KIND_LEN bytes.
 */
static inline const char *
wl_day_kind_into(const char *body, const char *date, char *into)
{
	struct wl_month	m;

	wl_month_read(&m, body);
	snprintf(into, WL_KIND_LEN, "%s", wl_month_kind(&m, date));
	return into;
}

static inline const char *
wl_day_kind(const char *body, const char *date)
{
	static char	kind[WL_KIND_LEN];

	return wl_day_kind_into(body, date, kind);
}

/* The date of the cell marked today, or "". */
static inline const char *
wl_today(const char *body)
{
	static char	 date[16];
	const char	*p;

	date[0] = '\0';
	if ((p = strstr(body, "wl-today\">\n<a class=\"wl-day-link\" "
	    "href=\"/worklog/")) != NULL) {
		p = strstr(p, "/worklog/") + strlen("/worklog/");
		snprintf(date, sizeof(date), "%.10s", p);
	}
	return date;
}

/* The days the totals table gives for label ("Office", "All"), or "". */
static inline const char *
wl_total(const char *body, const char *label)
{
	static char	 days[16];
	char		 needle[64];
	const char	*p;

	days[0] = '\0';
	snprintf(needle, sizeof(needle), "%s</th><td>", label);
	if ((p = strstr(body, needle)) != NULL) {
		p += strlen(needle);
		snprintf(days, sizeof(days), "%.*s", (int)strcspn(p, "<"), p);
	}
	return days;
}

/* Run one SQL statement on the test database (printf format); 0: done. */
#define wl_sql(fmt, ...) harness_run( \
	"MYSQL_PWD=$(cat \"$DAYBOOK_DB_PASSWORD_FILE\") " \
	"mariadb --no-defaults -h \"$DAYBOOK_DB_HOST\" -P \"$DAYBOOK_DB_PORT\" " \
	"-u \"$DAYBOOK_DB_USER\" \"$DAYBOOK_DB_NAME\" -e \"" fmt "\"", __VA_ARGS__)

#endif
