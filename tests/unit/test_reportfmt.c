/*
 * The report's shared formatting (src/core/reportfmt.c): local times with
 * their offsets across DST, the time zone switched and put back, RFC 4180
 * rows.  (Reset tokens and links: tests/unit/test_mail.c.)
 */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "core/reportfmt.h"

/* t (a UTC "YYYY-MM-DD HH:MM:SS") in zone tz, as the report writes it. */
static void
local_in(const char *tz, const char *utc, char *out)
{
	struct dbk_report_zone	z;
	time_t			t = dbk_report_parse_utc(utc);

	cr_assert_neq(t, -1, "%s does not parse", utc);
	cr_assert_eq(dbk_report_zone_enter(&z, tz), 0, "zone %s", tz);
	dbk_report_local_time(t, out, DBK_REPORT_TIME_MAX);
	dbk_report_zone_leave(&z);
}

Test(reportfmt, local_times_carry_the_offset_of_their_instant)
{
	char	out[DBK_REPORT_TIME_MAX];

	local_in("Europe/Berlin", "2026-03-29 00:30:00", out);
	cr_assert_str_eq(out, "2026-03-29T01:30:00+01:00");
	local_in("Europe/Berlin", "2026-03-29 01:30:00.999999", out);
	cr_assert_str_eq(out, "2026-03-29T03:30:00+02:00");
	local_in("America/New_York", "2026-01-15 04:59:59", out);
	cr_assert_str_eq(out, "2026-01-14T23:59:59-05:00");
	local_in("Asia/Kolkata", "2026-06-01 00:00:00", out);
	cr_assert_str_eq(out, "2026-06-01T05:30:00+05:30");
	local_in("UTC", "2026-06-01 00:00:00", out);
	cr_assert_str_eq(out, "2026-06-01T00:00:00+00:00");
}

Test(reportfmt, the_zone_is_put_back)
{
	struct dbk_report_zone	z;

	cr_assert_eq(setenv("TZ", "America/New_York", 1), 0);
	cr_assert_eq(dbk_report_zone_enter(&z, "Europe/Berlin"), 0);
	cr_assert_str_eq(getenv("TZ"), "Europe/Berlin");
	dbk_report_zone_leave(&z);
	cr_assert_str_eq(getenv("TZ"), "America/New_York");

	cr_assert_eq(unsetenv("TZ"), 0);
	cr_assert_eq(dbk_report_zone_enter(&z, "Europe/Berlin"), 0);
	dbk_report_zone_leave(&z);
	cr_assert_null(getenv("TZ"));
	dbk_report_zone_leave(&z);		/* twice: nothing */
}

Test(reportfmt, unknown_or_malformed_zones_change_nothing)
{
	struct dbk_report_zone	z;
	static const char	*bad[] = {
		"Mars/Olympus_Mons", "../../etc/passwd", "/etc/localtime",
		"Europe//Berlin", "",
	};
	size_t			i;

	cr_assert_eq(setenv("TZ", "UTC", 1), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(dbk_report_zone_enter(&z, bad[i]), -1, "%s",
		    bad[i]);
		cr_assert_str_eq(getenv("TZ"), "UTC");
		dbk_report_zone_leave(&z);
		cr_assert_str_eq(getenv("TZ"), "UTC");
	}
}

Test(reportfmt, parse_utc)
{
	cr_assert_eq(dbk_report_parse_utc("1970-01-01 00:00:01"), 1);
	cr_assert_eq(dbk_report_parse_utc("2026-03-29 01:00:00.000001"),
	    1774746000);
	cr_assert_eq(dbk_report_parse_utc("2026-03-29"), -1);
	cr_assert_eq(dbk_report_parse_utc("yesterday"), -1);
}

Test(reportfmt, csv_rows_quote_what_rfc_4180_needs)
{
	struct dbk_csv_writer	w;
	struct dbk_report_zone	z;
	const char		*want =
	    DBK_REPORT_CSV_HEADER "\r\n"
	    "ada@example.org,\"Lovelace, Ada\",7,\"Say \"\"hi\"\"\r\nthen "
	    "go\",2026-03-29T03:30:00+02:00\r\n"
	    "b@example.org,Bob,8,plain,2026-03-29T03:30:00+02:00\r\n";

	cr_assert_eq(dbk_report_zone_enter(&z, "Europe/Berlin"), 0);
	dbk_csv_writer_init(&w, 0);
	cr_assert_eq(dbk_report_csv_header(&w), 0);
	cr_assert_eq(dbk_report_csv_row(&w, "ada@example.org", "Lovelace, Ada",
	    7, "Say \"hi\"\r\nthen go", 1774747800), 0);
	cr_assert_eq(dbk_report_csv_row(&w, "b@example.org", "Bob", 8,
	    "plain", 1774747800), 0);
	dbk_report_zone_leave(&z);
	cr_assert_eq(w.len, strlen(want));
	cr_assert_eq(memcmp(w.data, want, w.len), 0, "%.*s", (int)w.len,
	    w.data);
	dbk_csv_writer_free(&w);
}
