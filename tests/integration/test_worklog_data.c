/*
 * The work log's year summary, allowances, CSV export and import and
 * "delete a year" over HTTP against the running test server (issue 5):
 * every page, the all-or-nothing import (bad rows listed with their line
 * numbers, nothing stored), another person's entries never visible
 * (export, summary), CSRF on every POST, validation that changes nothing,
 * and freshness: right after a write returns, the pages show it.
 *
 * Every test makes its own account, so the tests are independent.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "checks.h"
#include "harness.h"

#define HEADER		"date,kind,half_day,location,note\r\n"

/* ------------------------------------------------------------ helpers */

/* POST a CSV file to /worklog/import with csrf (NULL: none). */
static void
upload(struct harness_client *c, const char *csrf, const char *csv,
    size_t len, struct harness_response *r)
{
	struct harness_part	parts[2];
	size_t			n = 0;

	memset(parts, 0, sizeof(parts));
	if (csrf != NULL) {
		parts[n].name = "csrf";
		parts[n].value = csrf;
		n++;
	}
	if (csv != NULL) {
		parts[n].name = "file";
		parts[n].data = csv;
		parts[n].data_len = len;
		parts[n].filename = "worklog.csv";
		parts[n].content_type = "text/csv";
		n++;
	}
	cr_assert_eq(harness_post_multipart(c, "/worklog/import", parts, n, r),
	    0, "POST /worklog/import: %s", r->error);
}

/* Import csv, expecting success; returns the flash page (caller frees). */
static char *
import_ok(struct harness_client *c, const char *csv)
{
	struct harness_response	 r;
	char			*csrf = csrf_of(c, "/worklog/data");

	upload(c, csrf, csv, strlen(csv), &r);
	assert_redirect(&r, "/worklog/data");
	harness_response_free(&r);
	free(csrf);
	return check_page(c, "/worklog/data", 200);
}

/* The export of year ("all" for all years), asserted 200 and CSV. */
static char *
export_of(struct harness_client *c, const char *year)
{
	struct harness_response	 r;
	char			 path[64], *type, *disp, *body;

	(void)snprintf(path, sizeof(path), "/worklog/export.csv?year=%s",
	    year);
	get_ok(c, path, &r);
	cr_assert_eq(r.status, 200, "GET %s: %ld", path, r.status);
	type = harness_header(&r, "Content-Type");
	cr_assert_str_eq(type, "text/csv; charset=utf-8");
	disp = harness_header(&r, "Content-Disposition");
	cr_assert_not_null(disp);
	cr_assert(strstr(disp, "attachment; filename=\"daybook-worklog-") ==
	    disp, "Content-Disposition: %s", disp);
	free(type);
	free(disp);
	body = r.body;
	r.body = NULL;
	harness_response_free(&r);
	return body;
}

/* POST a urlencoded form with the csrf of csrf_page. */
static void
post_with_csrf(struct harness_client *c, const char *csrf_page,
    const char *path, struct harness_response *r, ...)
{
	va_list		 ap;
	const char	*k, *v;
	char		*csrf = csrf_of(c, csrf_page), *body, *ek, *ev, *joined;

	body = harness_form("csrf", csrf, NULL);
	va_start(ap, r);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		ek = harness_urlencode(k);
		ev = harness_urlencode(v);
		cr_assert(asprintf(&joined, "%s&%s=%s", body, ek, ev) > 0);
		free(body);
		free(ek);
		free(ev);
		body = joined;
	}
	va_end(ap);
	post_ok(c, path, body, r);
	free(body);
	free(csrf);
}

static int
this_year(void)
{
	time_t		now = time(NULL);
	struct tm	tm;

	gmtime_r(&now, &tm);
	return tm.tm_year + 1900;
}

/*
 * The text of the summary's table row whose header is name (a month's
 * header holds the long name, then the short one for phones).
 */
static char *
summary_row(const char *html, const char *name)
{
	char		 plain[64], month[96], *row;
	const char	*start, *end;

	(void)snprintf(plain, sizeof(plain), "<th scope=\"row\">%s</th>",
	    name);
	(void)snprintf(month, sizeof(month), "<th scope=\"row\"><span "
	    "class=\"wl-long\">%s</span>", name);
	if ((start = strstr(html, plain)) == NULL)
		start = strstr(html, month);
	cr_assert_not_null(start, "no row %s", name);
	end = strstr(start, "</tr>");
	cr_assert_not_null(end);
	row = strndup(start, (size_t)(end - start));
	cr_assert_not_null(row);
	return row;
}

TestSuite(worklog_data, .timeout = 90);

/* ------------------------------------------------------------- pages */

Test(worklog_data, pages_need_a_session)
{
	struct harness_client	*c = harness_client_new(NULL);
	struct harness_response	 r;
	static const char	*paths[] = { "/worklog/summary?year=2026",
	    "/worklog/allowances", "/worklog/data", "/worklog/export.csv",
	    "/worklog/delete-year?year=2026" };
	size_t			 i;
	char			*loc;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		get_ok(c, paths[i], &r);
		cr_assert_eq(r.status, 303, "%s: %ld", paths[i], r.status);
		loc = harness_header(&r, "Location");
		cr_assert(loc != NULL && strncmp(loc, "/login?next=", 12) == 0,
		    "%s -> %s", paths[i], loc);
		free(loc);
		harness_response_free(&r);
	}
	harness_client_free(c);
}

Test(worklog_data, summary_defaults_to_this_year_and_draws_the_chart)
{
	struct harness_client	*c = signed_up("wld-summary", NULL);
	char			*html, want[64];

	html = check_page(c, "/worklog/summary", 200);
	(void)snprintf(want, sizeof(want), "<h1>Year summary %d</h1>",
	    this_year());
	cr_assert(strstr(html, want) != NULL, "%s", html);
	cr_assert(strstr(html, "role=\"img\" aria-labelledby=\"wl-chart-title "
	    "wl-chart-desc\"") != NULL);
	cr_assert(strstr(html, "<title id=\"wl-chart-title\">") != NULL);
	cr_assert(strstr(html, "<desc id=\"wl-chart-desc\">") != NULL);
	cr_assert(strstr(html, "No days logged in") != NULL);
	cr_assert(strstr(html, "aria-current=\"page\">Year summary</a>") !=
	    NULL);
	/* No bar segment without entries. */
	cr_assert(strstr(html, "fill=\"url(#wl-pat-office)\" stroke=\"#ffffff\""
	    " stroke-width=\"0.5\"") == NULL);
	free(html);
	harness_client_free(c);
}

/*
 * Without ?year= the summary shows this year in the person's zone (set
 * on /account): different from UTC's only around New Year, so each zone's
 * year is computed here as the server must.
 */
Test(worklog_data, summary_defaults_to_the_year_of_the_persons_zone)
{
	static const char	*zones[] = { "Pacific/Kiritimati", "Etc/GMT+12",
				    "UTC" };
	struct harness_client	*c = signed_up("wld-zone", NULL);
	char			*html, before[11], after[11], want[64];
	size_t			 i;

	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		zone_set(c, zones[i]);
		date_in_zone(zones[i], before, sizeof(before));
		html = check_page(c, "/worklog/summary", 200);
		date_in_zone(zones[i], after, sizeof(after));
		(void)snprintf(want, sizeof(want), "<h1>Year summary %.4s</h1>",
		    before);
		if (strncmp(before, after, 4) == 0)
			cr_assert(strstr(html, want) != NULL, "%s: %s", zones[i],
			    html);
		free(html);
	}
	harness_client_free(c);
}

Test(worklog_data, summary_rejects_bad_years)
{
	struct harness_client	*c = signed_up("wld-badyear", NULL);
	static const char	*bad[] = { "1969", "2101", "abcd", "20266",
	    "0", "-2026" };
	char			 path[64], *html;
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		(void)snprintf(path, sizeof(path), "/worklog/summary?year=%s",
		    bad[i]);
		html = check_page(c, path, 400);
		cr_assert(strstr(html, "Enter a year from 1970 to 2100") !=
		    NULL, "%s", path);
		free(html);
	}
	html = check_page(c, "/worklog/summary?year=1970", 200);
	cr_assert(strstr(html, "<h1>Year summary 1970</h1>") != NULL);
	cr_assert(strstr(html, "Previous year") == NULL);
	free(html);
	html = check_page(c, "/worklog/summary?year=2100", 200);
	cr_assert(strstr(html, "Next year") == NULL);
	free(html);
	harness_client_free(c);
}

Test(worklog_data, summary_totals_months_kinds_and_allowances)
{
	struct harness_client	*c = signed_up("wld-totals", NULL);
	struct harness_response	 r;
	char			*html, *row;

	free(import_ok(c, HEADER
	    "2031-01-05,office,0,,\r\n"
	    "2031-01-06,office,1,,\r\n"
	    "2031-01-07,remote,0,Lisbon,\r\n"
	    "2031-03-02,vacation,0,,\r\n"
	    "2031-03-03,vacation,yes,,\r\n"
	    "2031-12-31,sick,0,,\r\n"
	    "2032-01-01,holiday,0,,\r\n"));
	post_with_csrf(c, "/worklog/allowances?year=2031",
	    "/worklog/allowances", &r, "year", "2031", "vacation", "10",
	    "remote", "0.5", "sick", "", NULL);
	assert_redirect(&r, "/worklog/allowances?year=2031");
	harness_response_free(&r);

	html = check_page(c, "/worklog/summary?year=2031", 200);
	row = summary_row(html, "January");
	cr_assert(strstr(row, "<td>1.5</td><td>1</td><td class=\"wl-zero\">0"
	    "</td><td class=\"wl-zero\">0</td><td class=\"wl-zero\">0</td>"
	    "<td>2.5</td>") != NULL, "%s", row);
	free(row);
	row = summary_row(html, "March");
	cr_assert(strstr(row, "<td class=\"wl-zero\">0</td><td class=\""
	    "wl-zero\">0</td><td>1.5</td><td class=\"wl-zero\">0</td><td "
	    "class=\"wl-zero\">0</td><td>1.5</td>") != NULL, "%s", row);
	free(row);
	row = summary_row(html, "Year");
	cr_assert(strstr(row, "<td>1.5</td><td>1</td><td>1.5</td><td>0</td>"
	    "<td>1</td><td>5</td>") != NULL, "%s", row);
	free(row);
	/* Allowances: used and remaining; over; none set. */
	row = summary_row(html, "Vacation");
	cr_assert(strstr(row, "<td>10</td>\n<td>1.5</td>\n<td>8.5</td>") !=
	    NULL, "%s", row);
	free(row);
	row = summary_row(html, "Remote");
	cr_assert(strstr(row, "0.5 over") != NULL, "%s", row);
	free(row);
	row = summary_row(html, "Sick");
	cr_assert(strstr(row, "none set") != NULL, "%s", row);
	free(row);
	/* Five bar segments: office+remote (Jan), vacation, sick. */
	cr_assert(strstr(html, "<title>January: 1.5 Office days</title>") !=
	    NULL);
	cr_assert(strstr(html, "<title>December: 1 Sick day</title>") != NULL);
	free(html);

	/* 2032 holds only the holiday. */
	html = check_page(c, "/worklog/summary?year=2032", 200);
	row = summary_row(html, "Year");
	cr_assert(strstr(row, "<td>0</td><td>0</td><td>0</td><td>1</td>"
	    "<td>0</td><td>1</td>") != NULL, "%s", row);
	free(row);
	free(html);
	harness_client_free(c);
}

/* -------------------------------------------------------- allowances */

Test(worklog_data, allowances_save_blank_and_invalid)
{
	struct harness_client	*c = signed_up("wld-allow", NULL);
	struct harness_response	 r;
	char			*html, *v;

	html = check_page(c, "/worklog/allowances?year=2030", 200);
	cr_assert(strstr(html, "<h1>Allowances for 2030</h1>") != NULL);
	free(html);

	post_with_csrf(c, "/worklog/allowances", "/worklog/allowances", &r,
	    "year", "2030", "vacation", " 25.5 ", "remote", "100",
	    "sick", "", NULL);
	assert_redirect(&r, "/worklog/allowances?year=2030");
	harness_response_free(&r);
	html = check_page(c, "/worklog/allowances?year=2030", 200);
	cr_assert(strstr(html, "Allowances for 2030 saved.") != NULL);
	v = harness_input_value(html, "vacation");
	cr_assert_str_eq(v, "25.5");
	free(v);
	v = harness_input_value(html, "remote");
	cr_assert_str_eq(v, "100");
	free(v);
	v = harness_input_value(html, "sick");
	cr_assert_str_eq(v, "");
	free(v);
	free(html);

	/* Another year is its own. */
	html = check_page(c, "/worklog/allowances?year=2029", 200);
	v = harness_input_value(html, "vacation");
	cr_assert_str_eq(v, "");
	free(v);
	free(html);

	/* Invalid: 422 with the message; nothing changes. */
	post_with_csrf(c, "/worklog/allowances", "/worklog/allowances", &r,
	    "year", "2030", "vacation", "3", "remote", "2.25", "sick", "-1",
	    NULL);
	cr_assert_eq(r.status, 422, "%ld", r.status);
	cr_assert(strstr(r.body, "id=\"remote-error\"") != NULL);
	cr_assert(strstr(r.body, "id=\"sick-error\"") != NULL);
	cr_assert(strstr(r.body, "id=\"vacation-error\"") == NULL);
	cr_assert(strstr(r.body, "in steps of 0.5") != NULL);
	harness_response_free(&r);
	post_with_csrf(c, "/worklog/allowances", "/worklog/allowances", &r,
	    "year", "1969", "vacation", "3", NULL);
	cr_assert_eq(r.status, 400, "%ld", r.status);
	harness_response_free(&r);
	html = check_page(c, "/worklog/allowances?year=2030", 200);
	v = harness_input_value(html, "vacation");
	cr_assert_str_eq(v, "25.5");
	free(v);
	free(html);

	/* Blank again: no allowance. */
	post_with_csrf(c, "/worklog/allowances", "/worklog/allowances", &r,
	    "year", "2030", "vacation", "", "remote", "", "sick", "", NULL);
	assert_redirect(&r, "/worklog/allowances?year=2030");
	harness_response_free(&r);
	html = check_page(c, "/worklog/summary?year=2030", 200);
	cr_assert(strstr(html, "none set") != NULL);
	cr_assert(strstr(html, "<td>25.5</td>") == NULL);
	free(html);
	harness_client_free(c);
}

/* ------------------------------------------------------ export/import */

Test(worklog_data, import_then_export_round_trips)
{
	struct harness_client	*c = signed_up("wld-roundtrip", NULL);
	char			*html, *csv;
	const char		*file = "\xEF\xBB\xBF" HEADER
	    "2027-03-01,remote,1,\"Lisbon, PT\",\"a \"\"quoted\"\" note\r\n"
	    "on two lines\"\r\n"
	    "2027-02-28,office,0,,caf\xC3\xA9\r\n"
	    "2028-01-01,holiday,false,,\r\n";

	html = import_ok(c, file);
	cr_assert(strstr(html, "Import done: 3 days added, 0 replaced.") !=
	    NULL, "%s", html);
	cr_assert(strstr(html, "href=\"/worklog/export.csv?year=2027\"") !=
	    NULL);
	cr_assert(strstr(html, "href=\"/worklog/export.csv?year=2028\"") !=
	    NULL);
	free(html);

	csv = export_of(c, "2027");
	cr_assert_str_eq(csv, HEADER
	    "2027-02-28,office,0,,caf\xC3\xA9\r\n"
	    "2027-03-01,remote,1,\"Lisbon, PT\",\"a \"\"quoted\"\" note\r\n"
	    "on two lines\"\r\n");
	free(csv);
	csv = export_of(c, "all");
	cr_assert(strstr(csv, "2028-01-01,holiday,0,,\r\n") != NULL, "%s", csv);
	cr_assert(strstr(csv, "2027-02-28") != NULL);
	free(csv);
	csv = export_of(c, "2026");
	cr_assert_str_eq(csv, HEADER);
	free(csv);

	/* The export imports again: every day replaced, nothing added. */
	csv = export_of(c, "all");
	html = import_ok(c, csv);
	cr_assert(strstr(html, "Import done: 0 days added, 3 replaced.") !=
	    NULL, "%s", html);
	free(html);
	free(csv);
	harness_client_free(c);
}

Test(worklog_data, import_counts_added_and_replaced_and_replaces_values)
{
	struct harness_client	*c = signed_up("wld-replace", NULL);
	char			*html, *csv;

	free(import_ok(c, HEADER "2029-05-01,office,0,,old\r\n"
	    "2029-05-02,office,0,,\r\n"));
	html = import_ok(c, HEADER "2029-05-01,sick,1,,new\r\n"
	    "2029-05-03,remote,0,Home,\r\n");
	cr_assert(strstr(html, "Import done: 1 day added, 1 replaced.") !=
	    NULL, "%s", html);
	free(html);
	csv = export_of(c, "2029");
	cr_assert_str_eq(csv, HEADER "2029-05-01,sick,1,,new\r\n"
	    "2029-05-02,office,0,,\r\n2029-05-03,remote,0,Home,\r\n");
	free(csv);
	harness_client_free(c);
}

Test(worklog_data, import_is_all_or_nothing_and_lists_bad_rows)
{
	struct harness_client	*c = signed_up("wld-allornothing", NULL);
	struct harness_response	 r;
	char			*csrf, *csv;
	const char		*bad = HEADER
	    "2029-01-01,office,0,,\r\n"
	    "2026-02-30,office,0,,\r\n"
	    "2029-01-02,party,0,,\r\n"
	    "2029-01-03,office,maybe,,\r\n"
	    "2029-01-01,remote,0,,\r\n"
	    "1969-12-31,office,0,,\r\n"
	    "2029-01-04,office,0\r\n";

	free(import_ok(c, HEADER "2029-06-01,office,0,,kept\r\n"));
	csrf = csrf_of(c, "/worklog/data");
	upload(c, csrf, bad, strlen(bad), &r);
	cr_assert_eq(r.status, 422, "%ld\n%s", r.status, r.body);
	cr_assert(strstr(r.body, "<h1>Nothing was imported</h1>") != NULL);
	cr_assert(strstr(r.body, "6 rows of the file are wrong") != NULL,
	    "%s", r.body);
	cr_assert(strstr(r.body, "<tr><th scope=\"row\">3</th><td>The date "
	    "must be a real date") != NULL, "%s", r.body);
	cr_assert(strstr(r.body, "<tr><th scope=\"row\">4</th><td>The kind")
	    != NULL);
	cr_assert(strstr(r.body, "<tr><th scope=\"row\">5</th>") != NULL);
	cr_assert(strstr(r.body, "<tr><th scope=\"row\">6</th><td>The date is "
	    "already on line 2 of the file.</td>") != NULL, "%s", r.body);
	cr_assert(strstr(r.body, "<tr><th scope=\"row\">7</th>") != NULL);
	cr_assert(strstr(r.body, "<tr><th scope=\"row\">8</th>") != NULL);
	cr_assert(strstr(r.body, "<tr><th scope=\"row\">2</th>") == NULL);
	harness_response_free(&r);

	/* Nothing stored: the good row 2 is not there either. */
	csv = export_of(c, "all");
	cr_assert_str_eq(csv, HEADER "2029-06-01,office,0,,kept\r\n");
	free(csv);

	/* A bad header. */
	upload(c, csrf, "day,kind\r\n2029-01-01,office\r\n", 30, &r);
	cr_assert_eq(r.status, 422);
	cr_assert(strstr(r.body, "<tr><th scope=\"row\">1</th>") != NULL,
	    "%s", r.body);
	harness_response_free(&r);

	/* Only a header: nothing to import. */
	upload(c, csrf, HEADER, strlen(HEADER), &r);
	cr_assert_eq(r.status, 422);
	cr_assert(strstr(r.body, "The file holds no days") != NULL);
	harness_response_free(&r);

	/* No file. */
	upload(c, csrf, NULL, 0, &r);
	cr_assert_eq(r.status, 422);
	cr_assert(strstr(r.body, "Choose a CSV file") != NULL);
	harness_response_free(&r);

	csv = export_of(c, "all");
	cr_assert_str_eq(csv, HEADER "2029-06-01,office,0,,kept\r\n");
	free(csv);
	free(csrf);
	harness_client_free(c);
}

Test(worklog_data, import_bounds_size_and_rows)
{
	struct harness_client	*c = signed_up("wld-bounds", NULL);
	struct harness_response	 r;
	char			*csrf, *big, *csv;
	size_t			 len, i;

	csrf = csrf_of(c, "/worklog/data");
	/* Over 1 MB of file, under Kore's 1 MiB body bound. */
	len = 1000001;
	big = malloc(len);
	cr_assert_not_null(big);
	memcpy(big, HEADER, strlen(HEADER));
	memset(big + strlen(HEADER), '\n', len - strlen(HEADER));
	upload(c, csrf, big, len, &r);
	cr_assert_eq(r.status, 422, "%ld", r.status);
	cr_assert(strstr(r.body, "larger than 1 MB") != NULL);
	harness_response_free(&r);
	free(big);

	/* 5001 days: over the row cap. */
	big = malloc(5001 * 24 + 64);
	cr_assert_not_null(big);
	len = (size_t)sprintf(big, "%s", HEADER);
	for (i = 0; i < 5001; i++)
		len += (size_t)sprintf(big + len, "%04zu-01-01,office,0,,\r\n",
		    1970 + i % 131);
	upload(c, csrf, big, len, &r);
	cr_assert_eq(r.status, 422, "%ld", r.status);
	cr_assert(strstr(r.body, "5000") != NULL, "%s", r.body);
	harness_response_free(&r);
	free(big);

	/* The page says what the bounds are. */
	csv = check_page(c, "/worklog/data", 200);
	cr_assert(strstr(csv, "at most 1000 kB and 5000 days") != NULL);
	free(csv);
	csv = export_of(c, "all");
	cr_assert_str_eq(csv, HEADER);
	free(csv);
	free(csrf);
	harness_client_free(c);
}

Test(worklog_data, import_of_many_rows_in_one_go)
{
	struct harness_client	*c = signed_up("wld-many", NULL);
	char			*file, *html, *csv;
	size_t			 len, i, lines;
	int			 d;

	/* Every day of 2033 and 2034 (730 rows: two INSERT batches). */
	file = malloc(730 * 40 + 64);
	cr_assert_not_null(file);
	len = (size_t)sprintf(file, "%s", HEADER);
	for (i = 0; i < 2; i++) {
		for (d = 0; d < 365; d++) {
			struct tm tm = { .tm_year = 133 + (int)i, .tm_mon = 0,
			    .tm_mday = 1 + d, .tm_hour = 12 };
			char day[11];

			(void)timegm(&tm);
			strftime(day, sizeof(day), "%Y-%m-%d", &tm);
			len += (size_t)sprintf(file + len, "%s,%s,0,,\r\n",
			    day, d % 2 ? "remote" : "office");
		}
	}
	html = import_ok(c, file);
	cr_assert(strstr(html, "Import done: 730 days added, 0 replaced.") !=
	    NULL, "%s", html);
	free(html);
	csv = export_of(c, "all");
	for (i = 0, lines = 0; csv[i] != '\0'; i++)
		lines += csv[i] == '\n';
	cr_assert_eq(lines, 731);
	free(csv);
	html = check_page(c, "/worklog/summary?year=2034", 200);
	cr_assert(strstr(html, "<td>183</td><td>182</td><td>0</td><td>0</td>"
	    "<td>0</td><td>365</td>") != NULL);
	free(html);
	free(file);
	harness_client_free(c);
}

Test(worklog_data, export_rejects_bad_years)
{
	struct harness_client	*c = signed_up("wld-exportbad", NULL);
	char			*html;

	html = check_page(c, "/worklog/export.csv?year=1969", 400);
	cr_assert(strstr(html, "Export a year from 1970 to 2100") != NULL);
	free(html);
	html = check_page(c, "/worklog/export.csv?year=26", 400);
	free(html);
	harness_client_free(c);
}

/* ------------------------------------------------------ other people */

Test(worklog_data, another_persons_entries_are_never_visible)
{
	struct harness_client	*a = signed_up("wld-alice", NULL), *b = signed_up("wld-bob", NULL);
	struct harness_response	 r;
	char			*csv, *html, *row;

	free(import_ok(a, HEADER "2035-04-01,vacation,0,,alice secret\r\n"
	    "2035-04-02,vacation,0,,\r\n"));
	post_with_csrf(a, "/worklog/allowances", "/worklog/allowances", &r,
	    "year", "2035", "vacation", "30", NULL);
	assert_redirect(&r, "/worklog/allowances?year=2035");
	harness_response_free(&r);

	csv = export_of(b, "all");
	cr_assert_str_eq(csv, HEADER);
	free(csv);
	csv = export_of(b, "2035");
	cr_assert_str_eq(csv, HEADER);
	free(csv);
	html = check_page(b, "/worklog/summary?year=2035", 200);
	cr_assert(strstr(html, "No days logged in 2035") != NULL);
	row = summary_row(html, "Vacation");
	cr_assert(strstr(row, "none set") != NULL, "%s", row);
	free(row);
	free(html);
	html = check_page(b, "/worklog/data", 200);
	cr_assert(strstr(html, "2035") == NULL);
	free(html);
	html = check_page(b, "/worklog/delete-year?year=2035", 200);
	cr_assert(strstr(html, "0 days logged in 2035") != NULL);
	free(html);

	/* Bob deleting 2035 leaves Alice's days. */
	post_with_csrf(b, "/worklog/data", "/worklog/delete-year?year=2035",
	    &r, NULL);
	assert_redirect(&r, "/worklog/data");
	harness_response_free(&r);
	csv = export_of(a, "2035");
	cr_assert(strstr(csv, "alice secret") != NULL);
	free(csv);
	harness_client_free(a);
	harness_client_free(b);
}

/* ------------------------------------------------------- delete year */

Test(worklog_data, delete_a_year_through_the_confirmation_page)
{
	struct harness_client	*c = signed_up("wld-delete", NULL);
	struct harness_response	 r;
	char			*html, *csv;

	free(import_ok(c, HEADER "2036-01-01,holiday,0,,\r\n"
	    "2036-07-01,office,0,,\r\n2037-01-01,holiday,0,,\r\n"));

	html = check_page(c, "/worklog/delete-year?year=2036", 200);
	cr_assert(strstr(html, "<h1>Delete the work log of 2036?</h1>") !=
	    NULL, "%s", html);
	cr_assert(strstr(html, "2 days logged in 2036 will be deleted") !=
	    NULL);
	cr_assert(strstr(html, "action=\"/worklog/delete-year?year=2036\"") !=
	    NULL);
	free(html);

	/* A bad year: the data page with the message, 400. */
	html = check_page(c, "/worklog/delete-year?year=99", 400);
	cr_assert(strstr(html, "Delete a year from 1970 to 2100") != NULL);
	free(html);

	/* No token, a wrong token: 403, nothing deleted. */
	post_ok(c, "/worklog/delete-year?year=2036", "", &r);
	cr_assert_eq(r.status, 403);
	harness_response_free(&r);
	post_ok(c, "/worklog/delete-year?year=2036", "csrf=00000000000000000"
	    "00000000000000000000000000000000000000000000000", &r);
	cr_assert_eq(r.status, 403);
	harness_response_free(&r);
	csv = export_of(c, "2036");
	cr_assert(strstr(csv, "2036-07-01") != NULL);
	free(csv);

	post_with_csrf(c, "/worklog/data", "/worklog/delete-year?year=2036",
	    &r, NULL);
	assert_redirect(&r, "/worklog/data");
	harness_response_free(&r);
	html = check_page(c, "/worklog/data", 200);
	cr_assert(strstr(html, "2 days of 2036 deleted.") != NULL, "%s", html);
	free(html);
	csv = export_of(c, "all");
	cr_assert_str_eq(csv, HEADER "2037-01-01,holiday,0,,\r\n");
	free(csv);
	harness_client_free(c);
}

/* ---------------------------------------------------------------- CSRF */

Test(worklog_data, every_post_needs_the_token)
{
	struct harness_client	*c = signed_up("wld-csrf", NULL);
	struct harness_response	 r;
	const char		*csv = HEADER "2038-01-01,office,0,,\r\n";
	char			*out;

	upload(c, NULL, csv, strlen(csv), &r);
	cr_assert_eq(r.status, 403, "%ld", r.status);
	harness_response_free(&r);
	upload(c, "0000000000000000000000000000000000000000000000000000000000000000",
	    csv, strlen(csv), &r);
	cr_assert_eq(r.status, 403);
	harness_response_free(&r);
	post_ok(c, "/worklog/allowances", "year=2038&vacation=3", &r);
	cr_assert_eq(r.status, 403);
	harness_response_free(&r);

	out = export_of(c, "all");
	cr_assert_str_eq(out, HEADER);
	free(out);
	out = check_page(c, "/worklog/allowances?year=2038", 200);
	cr_assert(strstr(out, "value=\"3\"") == NULL);
	free(out);
	harness_client_free(c);
}

/* ---------------------------------------------------------- freshness */

/* How many times needle occurs in hay. */
static int
occurrences(const char *hay, const char *needle)
{
	int	n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/*
 * Right after each write returns, a new connection (either worker) shows
 * it: the summary, the export, the allowances and the month calendar,
 * whose Redis copy was made before the write (the month cache must have
 * been invalidated).  Repeated, so that a stale copy anywhere is caught.
 */
Test(worklog_data, every_write_is_visible_at_once)
{
	struct harness_client	*c = signed_up("wld-fresh", NULL), *other;
	struct harness_response	 r;
	char			 line[64], want[64], hdr[256];
	char			*html, *csv, *cookie, *row;
	int			 i;

	cookie = harness_cookie(c, "dbk_session");
	cr_assert_not_null(cookie);
	(void)snprintf(hdr, sizeof(hdr), "Cookie: dbk_session=%s", cookie);
	for (i = 1; i <= 6; i++) {
		/* The month calendar, cached before the write. */
		html = check_page(c, "/worklog?month=2039-02", 200);
		cr_assert_eq(occurrences(html, "wl-day wl-kind-office"), i - 1);
		free(html);

		(void)snprintf(line, sizeof(line), HEADER
		    "2039-02-%02d,office,0,,\r\n", i);
		free(import_ok(c, line));

		other = harness_client_new(NULL);
		cr_assert_eq(harness_client_header(other, hdr), 0);
		html = check_page(other, "/worklog/summary?year=2039", 200);
		row = summary_row(html, "February");
		(void)snprintf(want, sizeof(want), "<td>%d</td>", i);
		cr_assert(strstr(row, want) != NULL, "after import %d: %s", i,
		    row);
		free(row);
		free(html);
		html = check_page(other, "/worklog?month=2039-02", 200);
		cr_assert_eq(occurrences(html, "wl-day wl-kind-office"), i,
		    "the month calendar is stale after import %d", i);
		free(html);
		csv = export_of(other, "2039");
		(void)snprintf(want, sizeof(want), "2039-02-%02d", i);
		cr_assert(strstr(csv, want) != NULL);
		free(csv);

		(void)snprintf(want, sizeof(want), "%d", i);
		post_with_csrf(c, "/worklog/data", "/worklog/allowances", &r,
		    "year", "2039", "vacation", want, NULL);
		assert_redirect(&r, "/worklog/allowances?year=2039");
		harness_response_free(&r);
		html = check_page(other, "/worklog/allowances?year=2039", 200);
		csv = harness_input_value(html, "vacation");
		cr_assert_str_eq(csv, want);
		free(csv);
		free(html);
		/* The summary kept for the import's version is not reused. */
		html = check_page(other, "/worklog/summary?year=2039", 200);
		row = summary_row(html, "Vacation");
		(void)snprintf(want, sizeof(want), "<td>%d</td>", i);
		cr_assert(strstr(row, want) != NULL, "allowance %d: %s", i, row);
		free(row);
		free(html);
		harness_client_free(other);
	}

	post_with_csrf(c, "/worklog/data", "/worklog/delete-year?year=2039",
	    &r, NULL);
	assert_redirect(&r, "/worklog/data");
	harness_response_free(&r);
	html = check_page(c, "/worklog/summary?year=2039", 200);
	cr_assert(strstr(html, "No days logged in 2039") != NULL);
	free(html);
	html = check_page(c, "/worklog?month=2039-02", 200);
	cr_assert_eq(occurrences(html, "wl-day wl-kind-office"), 0,
	    "the month calendar is stale after deleting the year");
	free(html);
	free(cookie);
	harness_client_free(c);
}

/* ------------------------------------- the summary's Redis fast path */

#define READERS		5	/* 4 on the two-worker server, 1 alone */
#define READS		5	/* reads per reader after each write */
#define HEAD_CMD	"redis-cli -p \"$DAYBOOK_REDIS_PORT\" -a " \
			"\"$(cat var/test/redis_password)\" --no-auth-warning " \
			"HGET dbk:w:%s h | grep -q '^[0-9a-f][0-9a-f]*|'"

/* Does Redis hold uid's work log header of a generation (a fill)? */
static int
head_filled(void *uid)
{
	return harness_run(HEAD_CMD, (const char *)uid) == 0;
}

/*
 * Make the Redis header current (the month page fills it) and let every
 * reader keep the summary of that version in its worker.
 */
static void
prime_summary(struct harness_client *c, const char *uid,
    struct harness_client **readers)
{
	int	i;

	free(check_page(c, "/worklog?month=2040-03", 200));
	cr_assert(harness_poll_until(head_filled, (void *)uid, 5000),
	    "the month page did not fill the work log header");
	for (i = 0; i < READERS; i++)
		free(check_page(readers[i], "/worklog/summary?year=2040", 200));
}

/* Every reader, READS times: the summary's row name holds want. */
static void
summary_shows(struct harness_client **readers, const char *name,
    const char *want, const char *after)
{
	char	*html, *row;
	int	 i, n;

	for (n = 0; n < READS; n++) {
		for (i = 0; i < READERS; i++) {
			html = check_page(readers[i],
			    "/worklog/summary?year=2040", 200);
			row = summary_row(html, name);
			cr_assert(strstr(row, want) != NULL, "reader %d, read "
			    "%d after %s: %s has no %s", i, n, after, row,
			    want);
			free(row);
			free(html);
		}
	}
}

/*
 * The summary takes the current version from the Redis header when it is
 * valid, and then sends the page its worker kept, with no MariaDB at all.
 * Each write (the day form, an import, an allowance) is seen by every
 * read after its 303, from several sessions on both servers (each worker
 * keeps its own pages), after the header was current and every reader
 * had kept the page of the version before the write.
 */
Test(worklog_data, summary_fast_path_shows_every_write)
{
	struct harness_client	*c = signed_up("wld-fast", NULL);
	struct harness_client	*readers[READERS];
	struct harness_response	 r;
	char			 hdr[256], uid[32], path[64], want[32];
	char			 line[64], label[32], *cookie, *dot;
	int			 i, k;

	cookie = harness_cookie(c, "dbk_session");
	cr_assert(cookie != NULL && (dot = strchr(cookie, '.')) != NULL);
	(void)snprintf(uid, sizeof(uid), "%.*s", (int)(dot - cookie), cookie);
	(void)snprintf(hdr, sizeof(hdr), "Cookie: dbk_session=%s", cookie);
	for (k = 0; k < READERS; k++) {
		readers[k] = harness_client_new(k == READERS - 1 ?
		    harness_url_one_worker() : NULL);
		cr_assert_eq(harness_client_header(readers[k], hdr), 0);
	}

	for (i = 1; i <= 3; i++) {
		/* The day form: March, office. */
		prime_summary(c, uid, readers);
		(void)snprintf(path, sizeof(path), "/worklog/2040-03-%02d", i);
		post_with_csrf(c, "/worklog/data", path, &r, "kind", "office",
		    NULL);
		assert_redirect(&r, "/worklog?month=2040-03");
		harness_response_free(&r);
		(void)snprintf(want, sizeof(want), "<td>%d</td>", i);
		(void)snprintf(label, sizeof(label), "day %d", i);
		summary_shows(readers, "March", want, label);

		/* An import: April, sick. */
		prime_summary(c, uid, readers);
		(void)snprintf(line, sizeof(line), HEADER
		    "2040-04-%02d,sick,0,,\r\n", i);
		free(import_ok(c, line));
		(void)snprintf(label, sizeof(label), "import %d", i);
		summary_shows(readers, "April", want, label);

		/* An allowance: vacation, i + 10 days. */
		prime_summary(c, uid, readers);
		(void)snprintf(line, sizeof(line), "%d", i + 10);
		post_with_csrf(c, "/worklog/data", "/worklog/allowances", &r,
		    "year", "2040", "vacation", line, NULL);
		assert_redirect(&r, "/worklog/allowances?year=2040");
		harness_response_free(&r);
		(void)snprintf(want, sizeof(want), "<td>%d</td>", i + 10);
		(void)snprintf(label, sizeof(label), "allowance %d", i);
		summary_shows(readers, "Vacation", want, label);
	}

	for (k = 0; k < READERS; k++)
		harness_client_free(readers[k]);
	free(cookie);
	harness_client_free(c);
}
