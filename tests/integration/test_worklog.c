/*
 * The work log's month calendar, day form and range entry over HTTP
 * against the running test server (issue 5): the month grid (Monday
 * first, labels, today, previous / next, totals), saving and clearing a
 * day, validation (real dates 1970-2100, the five kinds, location and note
 * lengths) that changes nothing, range entry (skip weekends, keep or
 * replace existing days), CSRF, logged-out visitors, the person's time
 * zone for "today", and another person's entries: never visible, never
 * written.
 *
 * Every test makes its own account, so they may run in parallel.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "checks.h"
#include "harness.h"
#include "worklog_checks.h"

TestSuite(worklog, .timeout = 60);

/* ------------------------------------------------------- the calendar */

Test(worklog, month_grid_starts_on_monday)
{
	struct harness_client	*c = wl_signed_up("grid", NULL);
	char			*body;

	/* February 2026: Sunday the 1st to Saturday the 28th, 5 weeks. */
	body = wl_page(c, "/worklog?month=2026-02");
	cr_assert(strstr(body, "February 2026") != NULL);
	cr_assert_eq(wl_count(body, "href=\"/worklog/2026-02-"), 28);
	cr_assert_eq(wl_count(body, "<tr>\n<td"), 5, "five weeks");
	/* The first row: Monday 26 January .. Saturday 31 January outside. */
	cr_assert(strstr(body, "2026-01-26, another month") != NULL);
	cr_assert(strstr(body, "2026-01-26, another month") <
	    strstr(body, "href=\"/worklog/2026-02-01\""));
	cr_assert(strstr(body, "<abbr title=\"Monday\">Mon</abbr>") <
	    strstr(body, "<abbr title=\"Sunday\">Sun</abbr>"));
	cr_assert(strstr(body, "href=\"/worklog?month=2026-01\"") != NULL);
	cr_assert(strstr(body, "href=\"/worklog?month=2026-03\"") != NULL);
	cr_assert(strstr(body, "Totals for February 2026") != NULL);
	cr_assert(strstr(body, "aria-current=\"page\">Calendar</a>") != NULL,
	    "the work log navigation marks the calendar");
	free(body);

	/* The ends of the calendar have no link beyond them. */
	body = wl_page(c, "/worklog?month=1970-01");
	cr_assert_null(strstr(body, "month=1969-12"));
	cr_assert(strstr(body, "href=\"/worklog?month=1970-02\"") != NULL);
	free(body);
	body = wl_page(c, "/worklog?month=2100-12");
	cr_assert_null(strstr(body, "month=2101-01"));
	free(body);
	harness_client_free(c);
}

Test(worklog, default_month_is_this_month_with_today_marked)
{
	struct harness_client	*c = wl_signed_up("today", NULL);
	char			*body, today[16], month[8], title[32];
	const char		*names[] = { "January", "February", "March",
				    "April", "May", "June", "July", "August",
				    "September", "October", "November",
				    "December" };
	struct tm		 tm;
	time_t			 now;

	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	strftime(month, sizeof(month), "%Y-%m", &tm);
	snprintf(title, sizeof(title), "%s %d", names[tm.tm_mon],
	    tm.tm_year + 1900);

	body = wl_page(c, "/worklog");
	/* Around midnight UTC the date may move between the two calls. */
	if (strstr(body, title) != NULL) {
		cr_assert_str_eq(wl_today(body), today);
		cr_assert(strstr(body, "<strong class=\"wl-today-mark\">"
		    "Today</strong>") != NULL);
	}
	cr_assert(strstr(body, "your time zone, UTC") != NULL);
	free(body);
	harness_client_free(c);
}

Test(worklog, today_is_in_the_persons_time_zone)
{
	const char		*zones[] = { "Pacific/Kiritimati",
				    "Etc/GMT+12" };
	struct harness_client	*c;
	char			*email, *body, want[16], again[16];
	int			 i;

	for (i = 0; i < 2; i++) {
		c = wl_signed_up("zone", &email);
		/* Set before the first work log page: nothing cached yet. */
		cr_assert_eq(wl_sql("UPDATE users SET time_zone = '%s', "
		    "worklog_version = worklog_version + 1 WHERE email = '%s'",
		    zones[i], email), 0);
		date_in_zone(zones[i], want, sizeof(want));
		body = wl_page(c, "/worklog");
		date_in_zone(zones[i], again, sizeof(again));
		if (strcmp(want, again) == 0) {
			cr_assert_str_eq(wl_today(body), want, "zone %s",
			    zones[i]);
		}
		cr_assert(strstr(body, zones[i]) != NULL);
		free(body);
		free(email);
		harness_client_free(c);
	}
}

Test(worklog, bad_month_is_a_clear_message)
{
	struct harness_client	*c = wl_signed_up("badmonth", NULL);
	const char		*bad[] = { "2026-13", "1969-12", "2101-01",
				    "2026-1", "x", "2026-00" };
	struct harness_response	 r;
	char			 path[64];
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(path, sizeof(path), "/worklog?month=%s", bad[i]);
		get_ok(c, path, &r);
		cr_assert_eq(r.status, 400, "%s: %ld", bad[i], r.status);
		cr_assert(strstr(r.body, "A month is written YYYY-MM") != NULL,
		    "%s: no message", bad[i]);
		cr_assert(strstr(r.body, "class=\"wl-calendar\"") != NULL);
		harness_response_free(&r);
	}
	harness_client_free(c);
}

/* ------------------------------------------------------------ one day */

Test(worklog, save_a_day_and_see_it_everywhere)
{
	struct harness_client	*c = wl_signed_up("save", NULL);
	struct harness_response	 r;
	char			*body;

	wl_save(c, "2026-03-10", &r, "kind", "office", NULL);
	wl_assert_redirect(&r, "/worklog?month=2026-03");
	harness_response_free(&r);
	body = wl_page(c, "/worklog?month=2026-03");
	cr_assert_str_eq(wl_day_kind(body, "2026-03-10"), "office");
	cr_assert(strstr(body, "2026-03-10 saved: Office.") != NULL,
	    "the flash message");
	cr_assert(strstr(body, "<span class=\"wl-long\">Office</span>") != NULL,
	    "the kind in words, not only a colour");
	cr_assert_str_eq(wl_total(body, "Office"), "1");
	free(body);

	wl_save(c, "2026-03-11", &r, "kind", "remote", "half_day", "1",
	    "location", "Lisbon <b>&</b>", "note", "Train day", NULL);
	wl_assert_redirect(&r, "/worklog?month=2026-03");
	harness_response_free(&r);
	body = wl_page(c, "/worklog?month=2026-03");
	cr_assert_str_eq(wl_day_kind(body, "2026-03-11"), "remote");
	cr_assert(strstr(body, "Lisbon &lt;b&gt;&amp;&lt;/b&gt;") != NULL,
	    "the location, escaped");
	cr_assert(strstr(body, "(half day)") != NULL);
	cr_assert_str_eq(wl_total(body, "Remote"), "0.5");
	cr_assert_str_eq(wl_total(body, "All"), "1.5");
	free(body);

	/* The form shows what was saved. */
	body = wl_page(c, "/worklog/2026-03-11");
	cr_assert(strstr(body, "<h1>Wednesday 11 March 2026</h1>") != NULL);
	cr_assert(strstr(body, "value=\"remote\" checked") != NULL);
	cr_assert(strstr(body, "name=\"half_day\" value=\"1\" checked") !=
	    NULL);
	cr_assert(strstr(body, "value=\"Lisbon &lt;b&gt;&amp;&lt;/b&gt;\"") !=
	    NULL);
	cr_assert(strstr(body, "value=\"Train day\"") != NULL);
	free(body);

	/* Saving again replaces; clearing removes. */
	wl_save(c, "2026-03-11", &r, "kind", "sick", NULL);
	wl_assert_redirect(&r, "/worklog?month=2026-03");
	harness_response_free(&r);
	body = wl_page(c, "/worklog?month=2026-03");
	cr_assert_str_eq(wl_day_kind(body, "2026-03-11"), "sick");
	cr_assert_null(strstr(body, "Lisbon"));
	free(body);

	wl_save(c, "2026-03-11", &r, "action", "clear", NULL);
	wl_assert_redirect(&r, "/worklog?month=2026-03");
	harness_response_free(&r);
	body = wl_page(c, "/worklog?month=2026-03");
	cr_assert_str_eq(wl_day_kind(body, "2026-03-11"), "");
	cr_assert(strstr(body, "2026-03-11 cleared.") != NULL);
	cr_assert_str_eq(wl_day_kind(body, "2026-03-10"), "office");
	free(body);
	harness_client_free(c);
}

Test(worklog, many_kept_days_are_summed_up)
{
	struct harness_client	*c = wl_signed_up("many", NULL);
	struct harness_response	 r;
	char			*body, date[16];
	int			 i;

	/* 18 days apart from each other: April 1, 3, ... 29, May 1, 3, 5. */
	for (i = 0; i < 18; i++) {
		if (i < 15)
			snprintf(date, sizeof(date), "2027-04-%02d", 1 + 2 * i);
		else
			snprintf(date, sizeof(date), "2027-05-%02d",
			    1 + 2 * (i - 15));
		wl_save(c, date, &r, "kind", "sick", NULL);
		wl_assert_redirect(&r, i < 15 ? "/worklog?month=2027-04" :
		    "/worklog?month=2027-05");
		harness_response_free(&r);
	}
	wl_range(c, &r, "from", "2027-04-01", "to", "2027-05-06", "kind",
	    "office", NULL);
	wl_assert_redirect(&r, "/worklog?month=2027-04");
	harness_response_free(&r);
	body = wl_page(c, "/worklog?month=2027-04");
	cr_assert(strstr(body, "18 days saved as Office. 18 days already had "
	    "an entry") != NULL, "the message");
	cr_assert(strstr(body, "<li>2027-04-01</li>") != NULL);
	cr_assert(strstr(body, "<li>2027-04-31</li>") == NULL);
	cr_assert(strstr(body, "<li>and 2 more days</li>") != NULL,
	    "16 lines, then the rest counted");
	cr_assert_str_eq(wl_day_kind(body, "2027-04-02"), "office");
	cr_assert_str_eq(wl_day_kind(body, "2027-04-03"), "sick");
	free(body);
	harness_client_free(c);
}

/* POST path, which must be refused: 422 and message (nothing saved). */
static void
refused(struct harness_client *c, const char *path, const char *message,
    ...)
{
	struct harness_response	 r;
	va_list			 ap;
	char			*body, *csrf;

	csrf = csrf_of(c, "/worklog/range");
	va_start(ap, message);
	body = wl_form_va(csrf, ap);
	va_end(ap);
	post_ok(c, path, body, &r);
	cr_assert_eq(r.status, 422, "%s: status %ld", message, r.status);
	cr_assert(strstr(r.body, message) != NULL, "no message \"%s\"",
	    message);
	cr_assert(strstr(r.body, "<strong>Error:</strong>") != NULL);
	harness_response_free(&r);
	free(body);
	free(csrf);
}

Test(worklog, bad_input_changes_nothing)
{
	struct harness_client	*c = wl_signed_up("bad", NULL);
	struct harness_response	 r;
	const char		*day = "/worklog/2026-04-01";
	char			*body, loc[128], note[520];

	wl_save(c, "2026-04-01", &r, "kind", "vacation", NULL);
	wl_assert_redirect(&r, "/worklog?month=2026-04");
	harness_response_free(&r);

	memset(loc, 'x', 101);
	loc[101] = '\0';
	memset(note, 'n', 501);
	note[501] = '\0';
	refused(c, day, "Choose what kind of day", "kind", "party", NULL);
	refused(c, day, "Choose what kind of day", NULL);
	refused(c, day, "at most 100 characters", "kind", "remote",
	    "location", loc, NULL);
	refused(c, day, "at most 500 characters", "kind", "office",
	    "note", note, NULL);
	refused(c, day, "for remote days only", "kind", "office",
	    "location", "Berlin", NULL);

	body = wl_page(c, "/worklog?month=2026-04");
	cr_assert_str_eq(wl_day_kind(body, "2026-04-01"), "vacation",
	    "a refused form changed the day");
	free(body);

	/* The edges: 100 characters and 500 are fine. */
	loc[100] = '\0';
	note[500] = '\0';
	wl_save(c, "2026-04-01", &r, "kind", "remote", "location", loc,
	    "note", note, NULL);
	wl_assert_redirect(&r, "/worklog?month=2026-04");
	harness_response_free(&r);
	harness_client_free(c);
}

Test(worklog, only_real_dates_from_1970_to_2100)
{
	struct harness_client	*c = wl_signed_up("dates", NULL);
	const char		*bad[] = { "2026-02-30", "2026-02-29",
				    "2026-13-01", "2026-00-10", "1969-12-31",
				    "2101-01-01", "2026-04-31" };
	struct harness_response	 r;
	char			 path[64], *body;
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(path, sizeof(path), "/worklog/%s", bad[i]);
		get_ok(c, path, &r);
		cr_assert_eq(r.status, 404, "GET %s: %ld", bad[i], r.status);
		cr_assert(strstr(r.body, "That is not a real date") != NULL);
		harness_response_free(&r);
		wl_save(c, bad[i], &r, "kind", "office", NULL);
		cr_assert_eq(r.status, 404, "POST %s: %ld", bad[i], r.status);
		harness_response_free(&r);
	}
	body = wl_page(c, "/worklog?month=2026-02");
	cr_assert_eq(wl_count(body, "wl-day wl-kind-office"), 0);
	free(body);

	/* A leap day and the last day there is. */
	wl_save(c, "2028-02-29", &r, "kind", "holiday", NULL);
	wl_assert_redirect(&r, "/worklog?month=2028-02");
	harness_response_free(&r);
	wl_save(c, "2100-12-31", &r, "kind", "holiday", NULL);
	wl_assert_redirect(&r, "/worklog?month=2100-12");
	harness_response_free(&r);
	wl_save(c, "1970-01-01", &r, "kind", "holiday", NULL);
	wl_assert_redirect(&r, "/worklog?month=1970-01");
	harness_response_free(&r);
	body = wl_page(c, "/worklog?month=2100-12");
	cr_assert_str_eq(wl_day_kind(body, "2100-12-31"), "holiday");
	free(body);
	harness_client_free(c);
}

Test(worklog, posts_need_the_csrf_token)
{
	struct harness_client	*c = wl_signed_up("csrf", NULL);
	struct harness_response	 r;
	char			*body;

	post_ok(c, "/worklog/2026-05-04", "kind=office", &r);
	cr_assert_eq(r.status, 403);
	harness_response_free(&r);
	post_ok(c, "/worklog/2026-05-04", "kind=office&csrf=" WL_BAD_TOKEN,
	    &r);
	cr_assert_eq(r.status, 403);
	harness_response_free(&r);
	post_ok(c, "/worklog/range", "from=2026-05-04&to=2026-05-08&"
	    "kind=office", &r);
	cr_assert_eq(r.status, 403);
	harness_response_free(&r);
	body = wl_page(c, "/worklog?month=2026-05");
	cr_assert_eq(wl_count(body, "wl-day wl-kind-office"), 0);
	free(body);
	harness_client_free(c);
}

Test(worklog, logged_out_visitors_go_to_the_login)
{
	struct harness_client	*c = harness_client_new(NULL);
	struct harness_response	 r;

	cr_assert_not_null(c);
	get_ok(c, "/worklog?month=2026-05", &r);
	wl_assert_redirect(&r, "/login?next=%2Fworklog%3Fmonth%3D2026-05");
	harness_response_free(&r);
	get_ok(c, "/worklog/2026-05-04", &r);
	wl_assert_redirect(&r, "/login?next=%2Fworklog%2F2026-05-04");
	harness_response_free(&r);
	post_ok(c, "/worklog/2026-05-04", "kind=office", &r);
	wl_assert_redirect(&r, "/login");
	harness_response_free(&r);
	post_ok(c, "/worklog/range", "kind=office", &r);
	wl_assert_redirect(&r, "/login");
	harness_response_free(&r);
	harness_client_free(c);
}

/* ------------------------------------------------------------ ranges */

Test(worklog, range_skips_weekends_by_default)
{
	struct harness_client	*c = wl_signed_up("range", NULL);
	struct harness_response	 r;
	char			*body;

	body = wl_page(c, "/worklog/range");
	cr_assert(strstr(body, "name=\"skip_weekends\" value=\"1\" checked") !=
	    NULL, "skip weekends is on by default");
	cr_assert(strstr(body, "name=\"replace\" value=\"1\" aria-") != NULL,
	    "replace existing is off by default");
	free(body);

	/* Monday 2026-06-01 to Sunday 2026-06-14: ten working days. */
	wl_range(c, &r, "from", "2026-06-01", "to", "2026-06-14", "kind",
	    "vacation", "skip_weekends", "1", NULL);
	wl_assert_redirect(&r, "/worklog?month=2026-06");
	harness_response_free(&r);
	body = wl_page(c, "/worklog?month=2026-06");
	cr_assert(strstr(body, "10 days saved as Vacation.") != NULL);
	cr_assert_eq(wl_count(body, "wl-day wl-kind-vacation"), 10);
	cr_assert_str_eq(wl_day_kind(body, "2026-06-06"), "", "a Saturday");
	cr_assert_str_eq(wl_day_kind(body, "2026-06-12"), "vacation");
	cr_assert_str_eq(wl_total(body, "Vacation"), "10");
	free(body);

	/* Without skipping: the weekend too (the unticked box sends nothing). */
	wl_range(c, &r, "from", "2026-06-20", "to", "2026-06-21", "kind",
	    "holiday", NULL);
	wl_assert_redirect(&r, "/worklog?month=2026-06");
	harness_response_free(&r);
	body = wl_page(c, "/worklog?month=2026-06");
	cr_assert_str_eq(wl_day_kind(body, "2026-06-20"), "holiday");
	cr_assert_str_eq(wl_day_kind(body, "2026-06-21"), "holiday");
	free(body);

	/* A range across months goes back to the month it starts in. */
	wl_range(c, &r, "from", "2026-07-30", "to", "2026-08-04", "kind",
	    "office", "skip_weekends", "1", NULL);
	wl_assert_redirect(&r, "/worklog?month=2026-07");
	harness_response_free(&r);
	body = wl_page(c, "/worklog?month=2026-08");
	cr_assert_str_eq(wl_day_kind(body, "2026-08-03"), "office");
	cr_assert_str_eq(wl_day_kind(body, "2026-08-01"), "");
	free(body);
	harness_client_free(c);
}

Test(worklog, range_keeps_existing_days_unless_replace)
{
	struct harness_client	*c = wl_signed_up("keep", NULL);
	struct harness_response	 r;
	char			*body;

	wl_save(c, "2026-09-08", &r, "kind", "sick", "note", "flu", NULL);
	harness_response_free(&r);
	wl_save(c, "2026-09-10", &r, "kind", "remote", NULL);
	harness_response_free(&r);

	wl_range(c, &r, "from", "2026-09-07", "to", "2026-09-11", "kind",
	    "vacation", "skip_weekends", "1", NULL);
	wl_assert_redirect(&r, "/worklog?month=2026-09");
	harness_response_free(&r);
	body = wl_page(c, "/worklog?month=2026-09");
	cr_assert(strstr(body, "3 days saved as Vacation. 2 days already had "
	    "an entry and were kept") != NULL, "the message");
	cr_assert(strstr(body, "<li>2026-09-08</li>") != NULL,
	    "the kept days are listed");
	cr_assert(strstr(body, "<li>2026-09-10</li>") != NULL);
	cr_assert_str_eq(wl_day_kind(body, "2026-09-08"), "sick");
	cr_assert_str_eq(wl_day_kind(body, "2026-09-10"), "remote");
	cr_assert_str_eq(wl_day_kind(body, "2026-09-09"), "vacation");
	free(body);

	wl_range(c, &r, "from", "2026-09-07", "to", "2026-09-11", "kind",
	    "holiday", "skip_weekends", "1", "replace", "1", NULL);
	wl_assert_redirect(&r, "/worklog?month=2026-09");
	harness_response_free(&r);
	body = wl_page(c, "/worklog?month=2026-09");
	cr_assert(strstr(body, "5 days saved as Holiday (5 replaced).") !=
	    NULL);
	cr_assert_eq(wl_count(body, "wl-day wl-kind-holiday"), 5);
	cr_assert_str_eq(wl_day_kind(body, "2026-09-08"), "holiday");
	free(body);
	body = wl_page(c, "/worklog/2026-09-08");
	cr_assert(strstr(body, "value=\"flu\"") == NULL,
	    "a replaced day starts afresh");
	free(body);
	harness_client_free(c);
}

Test(worklog, bad_ranges_change_nothing)
{
	struct harness_client	*c = wl_signed_up("badrange", NULL);
	const char		*range = "/worklog/range";
	char			*body;

	refused(c, range, "Enter a real date", "from", "2026-02-30",
	    "to", "2026-03-04", "kind", "office", NULL);
	refused(c, range, "Enter a real date", "from", "2026-03-02",
	    "to", "2101-01-01", "kind", "office", NULL);
	refused(c, range, "Enter a real date", "to", "2026-03-04",
	    "kind", "office", NULL);
	refused(c, range, "Choose what kind of day", "from", "2026-03-02",
	    "to", "2026-03-04", "kind", "Office!", NULL);
	refused(c, range, "must not be after the last date", "from",
	    "2026-03-06", "to", "2026-03-02", "kind", "office", NULL);
	refused(c, range, "at most 366 days", "from", "2026-03-01",
	    "to", "2027-03-05", "kind", "office", NULL);
	refused(c, range, "all on a weekend", "from", "2026-03-07",
	    "to", "2026-03-08", "kind", "office", "skip_weekends", "1", NULL);
	/* The form keeps what was typed. */
	refused(c, range, "value=\"2026-03-09\"", "from", "2026-03-09",
	    "to", "2026-03-02", "kind", "office", NULL);

	body = wl_page(c, "/worklog?month=2026-03");
	cr_assert_eq(wl_count(body, "wl-day wl-kind-"), 0,
	    "a refused range saved days");
	free(body);
	harness_client_free(c);
}

/* ------------------------------------------------ another person */

Test(worklog, another_persons_entries_are_never_visible_or_written)
{
	struct harness_client	*a = wl_signed_up("owner", NULL);
	struct harness_client	*b = wl_signed_up("other", NULL);
	struct harness_response	 r;
	char			*body;

	wl_save(a, "2026-10-05", &r, "kind", "remote", "location",
	    "Secret Island", "note", "private", NULL);
	harness_response_free(&r);

	/* B sees nothing of A's, on the month or on the day form. */
	body = wl_page(b, "/worklog?month=2026-10");
	cr_assert_str_eq(wl_day_kind(body, "2026-10-05"), "");
	cr_assert_null(strstr(body, "Secret Island"));
	cr_assert_str_eq(wl_total(body, "All"), "0");
	free(body);
	body = wl_page(b, "/worklog/2026-10-05");
	cr_assert_null(strstr(body, "Secret Island"));
	cr_assert_null(strstr(body, "private"));
	cr_assert_null(strstr(body, " checked"), "no kind chosen for B");
	free(body);

	/* B's writes on that date change B's log only. */
	wl_save(b, "2026-10-05", &r, "kind", "sick", NULL);
	harness_response_free(&r);
	wl_range(b, &r, "from", "2026-10-01", "to", "2026-10-09", "kind",
	    "vacation", "replace", "1", NULL);
	harness_response_free(&r);
	wl_save(b, "2026-10-05", &r, "action", "clear", NULL);
	harness_response_free(&r);

	body = wl_page(a, "/worklog?month=2026-10");
	cr_assert_str_eq(wl_day_kind(body, "2026-10-05"), "remote");
	cr_assert(strstr(body, "Secret Island") != NULL);
	cr_assert_eq(wl_count(body, "wl-day wl-kind-vacation"), 0,
	    "B's vacation days shown to A");
	free(body);
	body = wl_page(b, "/worklog?month=2026-10");
	cr_assert_str_eq(wl_day_kind(body, "2026-10-05"), "");
	cr_assert_str_eq(wl_day_kind(body, "2026-10-06"), "vacation");
	free(body);
	harness_client_free(b);
	harness_client_free(a);
}
