/*
 * Integration tests for daybook-admin report, set-admin and reset-password
 * against the real test MariaDB.
 *
 * Run from the repository root with the test stack's variables:
 *	. var/test/env.sh && build/integration/test_admin_report
 * (make test-admin-report).  Every test works in its own database
 * daybook_rpt_<test>_<pid>, migrated by the program under test and dropped
 * at the end, so tests may run in parallel.  The program under test is the
 * ASan build DBK_ADMIN_DEFAULT; DBK_ADMIN overrides it.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <jansson.h>
#include <mysql.h>
#include <sodium.h>

#include "core/config.h"

#define ADMIN_DB_PREFIX	"daybook_rpt_"
#include "admin_run.h"

static long
sql_count(const char *query)
{
	return (strtol(sql_value("%s", query), NULL, 10));
}

TestSuite(report, .init = admin_setup, .fini = admin_teardown,
    .timeout = 120);

/* ------------------------------------------------------------------ */
/* Fixtures                                                            */
/* ------------------------------------------------------------------ */

static void
migrate(void)
{
	ADMIN(NULL, NULL, "migrate");
	expect_status(0);
}

/* A user row (no usable password: these tests never log in). */
static long
add_user(const char *email, const char *name)
{
	sql(db, "INSERT INTO users (email, display_name, password_hash) "
	    "VALUES ('%s', '%s', 'x')", email, name);
	return ((long)mysql_insert_id(db));
}

/* A task of user; completed_at is a UTC DATETIME literal or NULL. */
static long
add_task(long user, const char *title, const char *completed_utc)
{
	if (completed_utc == NULL)
		sql(db, "INSERT INTO tasks (user_id, title) VALUES (%ld, '%s')",
		    user, title);
	else
		sql(db, "INSERT INTO tasks (user_id, title, completed_at) "
		    "VALUES (%ld, '%s', '%s')", user, title, completed_utc);
	return ((long)mysql_insert_id(db));
}

/* The ids of the stored report's items for date, "1,2,3" (static). */
static const char *
stored_ids(const char *date)
{
	return (sql_value("SELECT IFNULL(GROUP_CONCAT(task_id ORDER BY "
	    "task_id), '') FROM report_items WHERE report_date = '%s'", date));
}

static void
tz_env(char *buf, size_t len, const char *tz)
{
	(void)snprintf(buf, len, "DAYBOOK_REPORT_TZ=%s", tz);
}

/* ------------------------------------------------------------------ */
/* report: day boundaries                                              */
/* ------------------------------------------------------------------ */

/*
 * Berlin in winter is UTC+1: 2026-01-15 is [2026-01-14 23:00,
 * 2026-01-15 23:00) UTC.  One microsecond either side stays out.
 */
Test(report, berlin_midnight_edges)
{
	char		 tz[64], ids[64];
	const char *const env[] = { tz, NULL };
	long		 ann, before, first, last, after;

	tz_env(tz, sizeof(tz), "Europe/Berlin");
	migrate();
	ann = add_user("ann@example.com", "Ann");
	(void)add_user("bob@example.com", "Bob");
	before = add_task(ann, "late on the 14th", "2026-01-14 22:59:59.999999");
	first = add_task(ann, "just after midnight", "2026-01-14 23:00:00");
	last = add_task(ann, "just before midnight",
	    "2026-01-15 22:59:59.999999");
	after = add_task(ann, "early on the 16th", "2026-01-15 23:00:00");
	(void)add_task(ann, "not done", NULL);

	ADMIN(NULL, env, "report", "--date", "2026-01-15");
	expect_status(0);
	cr_assert_str_eq(r.err, "");
	expect_out("daybook report for 2026-01-15 (Europe/Berlin)\n");
	expect_out("from 2026-01-15T00:00:00+01:00 to 2026-01-16T00:00:00+01:00"
	    " (24 hours)\n");
	expect_out("2 tasks completed by 1 of 2 people\n");
	expect_out("Ann <ann@example.com>: 2 completed\n");
	expect_out("  00:00:00+01:00  #");
	expect_out("  23:59:59+01:00  #");
	expect_out("Bob <bob@example.com>: 0 completed\n");
	expect_no_out("late on the 14th");
	expect_no_out("early on the 16th");
	expect_no_out("not done");
	cr_assert_lt(strstr(r.out, "just after") - r.out,
	    strstr(r.out, "just before") - r.out, "not in time order");

	(void)snprintf(ids, sizeof(ids), "%ld,%ld", first, last);
	cr_assert_str_eq(stored_ids("2026-01-15"), ids);
	cr_assert_str_eq(sql_value("SELECT CONCAT(time_zone, '|', range_start,"
	    " '|', range_end, '|', people, '|', tasks_completed) FROM reports"),
	    "Europe/Berlin|2026-01-14 23:00:00.000000|2026-01-15 23:00:00.000000"
	    "|2|2");
	cr_assert_str_eq(sql_value("SELECT GROUP_CONCAT(CONCAT(email, '=', "
	    "tasks_completed) ORDER BY email) FROM report_people"),
	    "ann@example.com=2,bob@example.com=0");

	/* The neighbouring days get the tasks just outside. */
	ADMIN(NULL, env, "report", "--date", "2026-01-14");
	expect_status(0);
	(void)snprintf(ids, sizeof(ids), "%ld", before);
	cr_assert_str_eq(stored_ids("2026-01-14"), ids);
	ADMIN(NULL, env, "report", "--date", "2026-01-16");
	expect_status(0);
	(void)snprintf(ids, sizeof(ids), "%ld", after);
	cr_assert_str_eq(stored_ids("2026-01-16"), ids);
}

/* The same instants fall on other days in UTC. */
Test(report, utc_zone_differs_from_berlin)
{
	const char *const env[] = { "DAYBOOK_REPORT_TZ=UTC", NULL };
	long		 ann, late;
	char		 ids[32];

	migrate();
	ann = add_user("ann@example.com", "Ann");
	late = add_task(ann, "late", "2026-01-14 23:30:00");
	ADMIN(NULL, env, "report", "--date", "2026-01-14");
	expect_status(0);
	expect_out("from 2026-01-14T00:00:00+00:00 to 2026-01-15T00:00:00+00:00");
	(void)snprintf(ids, sizeof(ids), "%ld", late);
	cr_assert_str_eq(stored_ids("2026-01-14"), ids);
}

/*
 * Berlin's DST days: 2026-03-29 has 23 hours ([03-28 23:00, 03-29 22:00)
 * UTC), 2026-10-25 has 25 ([10-24 22:00, 10-25 23:00) UTC).
 */
Test(report, berlin_dst_days)
{
	char		 tz[64], ids[64];
	const char *const env[] = { tz, NULL };
	long		 ann, a, b, c, d;

	tz_env(tz, sizeof(tz), "Europe/Berlin");
	migrate();
	ann = add_user("ann@example.com", "Ann");
	(void)add_task(ann, "x1", "2026-03-28 22:59:59");
	a = add_task(ann, "spring first", "2026-03-28 23:00:00");
	b = add_task(ann, "spring last", "2026-03-29 21:59:59");
	(void)add_task(ann, "x2", "2026-03-29 22:00:00");
	(void)add_task(ann, "x3", "2026-10-24 21:59:59");
	c = add_task(ann, "autumn first", "2026-10-24 22:00:00");
	d = add_task(ann, "autumn last", "2026-10-25 22:59:59");
	(void)add_task(ann, "x4", "2026-10-25 23:00:00");

	ADMIN(NULL, env, "report", "--date", "2026-03-29");
	expect_status(0);
	expect_out("from 2026-03-29T00:00:00+01:00 to 2026-03-30T00:00:00+02:00"
	    " (23 hours)\n");
	expect_out("  23:59:59+02:00  #");
	(void)snprintf(ids, sizeof(ids), "%ld,%ld", a, b);
	cr_assert_str_eq(stored_ids("2026-03-29"), ids);

	ADMIN(NULL, env, "report", "--date", "2026-10-25");
	expect_status(0);
	expect_out("from 2026-10-25T00:00:00+02:00 to 2026-10-26T00:00:00+01:00"
	    " (25 hours)\n");
	(void)snprintf(ids, sizeof(ids), "%ld,%ld", c, d);
	cr_assert_str_eq(stored_ids("2026-10-25"), ids);
}

/*
 * New York: 2026-03-08 (clocks forward at 02:00) is [05:00, 03-09 04:00)
 * UTC, 23 hours; 2026-11-01 (back at 02:00) is [04:00, 11-02 05:00) UTC,
 * 25 hours; an ordinary day in between is [04:00, 04:00).
 */
Test(report, new_york_dst_days)
{
	char		 tz[64], ids[64];
	const char *const env[] = { tz, NULL };
	long		 ann, a, b, c, d, e;

	tz_env(tz, sizeof(tz), "America/New_York");
	migrate();
	ann = add_user("ann@example.com", "Ann");
	(void)add_task(ann, "x1", "2026-03-08 04:59:59.999999");
	a = add_task(ann, "march first", "2026-03-08 05:00:00");
	b = add_task(ann, "march last", "2026-03-09 03:59:59");
	(void)add_task(ann, "x2", "2026-03-09 04:00:00");
	(void)add_task(ann, "x3", "2026-11-01 03:59:59");
	c = add_task(ann, "november first", "2026-11-01 04:00:00");
	d = add_task(ann, "repeated hour", "2026-11-01 06:30:00");
	e = add_task(ann, "november last", "2026-11-02 04:59:59");
	(void)add_task(ann, "x4", "2026-11-02 05:00:00");

	ADMIN(NULL, env, "report", "--date", "2026-03-08");
	expect_status(0);
	expect_out("(23 hours)");
	(void)snprintf(ids, sizeof(ids), "%ld,%ld", a, b);
	cr_assert_str_eq(stored_ids("2026-03-08"), ids);
	cr_assert_str_eq(sql_value("SELECT CONCAT(range_start, '|', range_end)"
	    " FROM reports WHERE report_date = '2026-03-08'"),
	    "2026-03-08 05:00:00.000000|2026-03-09 04:00:00.000000");

	ADMIN(NULL, env, "report", "--date", "2026-11-01", "--format", "csv");
	expect_status(0);
	/* 06:30 UTC is the second 01:30 of the day, in EST. */
	expect_out(",repeated hour,2026-11-01T01:30:00-05:00\r\n");
	expect_out(",november first,2026-11-01T00:00:00-04:00\r\n");
	(void)snprintf(ids, sizeof(ids), "%ld,%ld,%ld", c, d, e);
	cr_assert_str_eq(stored_ids("2026-11-01"), ids);
	cr_assert_str_eq(sql_value("SELECT CONCAT(range_start, '|', range_end)"
	    " FROM reports WHERE report_date = '2026-11-01'"),
	    "2026-11-01 04:00:00.000000|2026-11-02 05:00:00.000000");

	ADMIN(NULL, env, "report", "--date", "2026-07-04");
	expect_status(0);
	expect_out("(24 hours)");
	cr_assert_str_eq(sql_value("SELECT range_start FROM reports WHERE "
	    "report_date = '2026-07-04'"), "2026-07-04 04:00:00.000000");
}

/* Without --date: yesterday in the report zone, far from UTC. */
Test(report, default_date_is_yesterday)
{
	const char *const env[] = { "DAYBOOK_REPORT_TZ=Pacific/Kiritimati",
	    NULL };
	char		 before[16], after[16], *saved;
	time_t		 now;
	struct tm	 tm;
	const char	*stored;

	migrate();
	saved = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
	cr_assert_eq(setenv("TZ", "Pacific/Kiritimati", 1), 0);
	tzset();
	now = time(NULL) - 86400;
	(void)localtime_r(&now, &tm);
	(void)strftime(before, sizeof(before), "%Y-%m-%d", &tm);
	ADMIN(NULL, env, "report");
	now = time(NULL) - 86400;
	(void)localtime_r(&now, &tm);
	(void)strftime(after, sizeof(after), "%Y-%m-%d", &tm);
	if (saved != NULL)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
	/* Approximation of "yesterday" above is exact except on DST days
	 * (Kiritimati has none); either side of midnight is accepted. */
	expect_status(0);
	stored = sql_value("SELECT report_date FROM reports");
	cr_assert(strcmp(stored, before) == 0 || strcmp(stored, after) == 0,
	    "stored %s, expected %s", stored, before);
}

/* ------------------------------------------------------------------ */
/* report: formats                                                     */
/* ------------------------------------------------------------------ */

static void
format_fixture(long *ids)
{
	long	ann, zed;

	migrate();
	ann = add_user("ann@example.com", "Lee, Ann \\\"A\\\"");
	zed = add_user("zed@example.com", "Z\xc3\xa9" "d");
	(void)add_user("nil@example.com", "Nobody");
	ids[0] = add_task(ann, "plain", "2026-05-05 08:00:00");
	ids[1] = add_task(ann, "comma, \\\"quoted\\\"\\nand a line",
	    "2026-05-05 09:15:30.5");
	ids[2] = add_task(zed, "caf\xc3\xa9 \xf0\x9f\x8d\xb5 tab\\t",
	    "2026-05-05 21:59:59");
}

Test(report, csv_format)
{
	const char *const env[] = { "DAYBOOK_REPORT_TZ=Europe/Berlin", NULL };
	char	expect[1024];
	long	ids[3];

	format_fixture(ids);
	ADMIN(NULL, env, "report", "--date", "2026-05-05", "--format", "csv");
	expect_status(0);
	(void)snprintf(expect, sizeof(expect),
	    "email,display_name,task_id,title,completed_at\r\n"
	    "ann@example.com,\"Lee, Ann \"\"A\"\"\",%ld,plain,"
	    "2026-05-05T10:00:00+02:00\r\n"
	    "ann@example.com,\"Lee, Ann \"\"A\"\"\",%ld,\"comma, "
	    "\"\"quoted\"\"\nand a line\",2026-05-05T11:15:30+02:00\r\n"
	    "zed@example.com,Z\xc3\xa9" "d,%ld,caf\xc3\xa9 \xf0\x9f\x8d\xb5 "
	    "tab\t,2026-05-05T23:59:59+02:00\r\n", ids[0], ids[1], ids[2]);
	cr_assert_str_eq(r.out, expect);
}

Test(report, json_format)
{
	const char *const env[] = { "DAYBOOK_REPORT_TZ=Europe/Berlin", NULL };
	json_t		*root, *people, *p, *tasks, *t;
	json_error_t	 jerr;
	long		 ids[3];

	format_fixture(ids);
	ADMIN(NULL, env, "report", "--date", "2026-05-05", "--format", "json");
	expect_status(0);
	root = json_loads(r.out, 0, &jerr);
	cr_assert_not_null(root, "not JSON (%s at %d):\n%s", jerr.text,
	    jerr.position, r.out);
	cr_assert_str_eq(json_string_value(json_object_get(root, "date")),
	    "2026-05-05");
	cr_assert_str_eq(json_string_value(json_object_get(root, "time_zone")),
	    "Europe/Berlin");
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(root,
	    "totals"), "tasks_completed")), 3);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(root,
	    "totals"), "people")), 3);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(root,
	    "totals"), "people_with_tasks")), 2);
	people = json_object_get(root, "people");
	cr_assert_eq(json_array_size(people), 3);

	p = json_array_get(people, 0);
	cr_assert_str_eq(json_string_value(json_object_get(p, "display_name")),
	    "Lee, Ann \"A\"");
	cr_assert_eq(json_integer_value(json_object_get(p, "tasks_completed")),
	    2);
	tasks = json_object_get(p, "tasks");
	cr_assert_eq(json_array_size(tasks), 2);
	t = json_array_get(tasks, 1);
	cr_assert_eq(json_integer_value(json_object_get(t, "id")), ids[1]);
	cr_assert_str_eq(json_string_value(json_object_get(t, "title")),
	    "comma, \"quoted\"\nand a line");
	cr_assert_str_eq(json_string_value(json_object_get(t, "completed_at")),
	    "2026-05-05T11:15:30+02:00");

	p = json_array_get(people, 1);
	cr_assert_str_eq(json_string_value(json_object_get(p, "email")),
	    "nil@example.com");
	cr_assert_eq(json_array_size(json_object_get(p, "tasks")), 0);

	p = json_array_get(people, 2);
	t = json_array_get(json_object_get(p, "tasks"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(t, "title")),
	    "caf\xc3\xa9 \xf0\x9f\x8d\xb5 tab\t");
	cr_assert_str_eq(json_string_value(json_object_get(p, "display_name")),
	    "Z\xc3\xa9" "d");
	json_decref(root);
}

Test(report, text_format_hides_control_characters)
{
	const char *const env[] = { "DAYBOOK_REPORT_TZ=Europe/Berlin", NULL };
	long	ids[3];

	format_fixture(ids);
	ADMIN(NULL, env, "report", "--date", "2026-05-05", "--format", "text");
	expect_status(0);
	expect_out("3 tasks completed by 2 of 3 people\n");
	expect_out("Lee, Ann \"A\" <ann@example.com>: 2 completed\n");
	expect_out("comma, \"quoted\"?and a line\n");
	expect_out("Nobody <nil@example.com>: 0 completed\n");
	expect_out("caf\xc3\xa9 \xf0\x9f\x8d\xb5 tab?\n");
}

/* ------------------------------------------------------------------ */
/* report: storing                                                     */
/* ------------------------------------------------------------------ */

Test(report, rerun_replaces)
{
	const char *const env[] = { "DAYBOOK_REPORT_TZ=Europe/Berlin", NULL };
	long	ann;

	migrate();
	ann = add_user("ann@example.com", "Ann");
	(void)add_user("bob@example.com", "Bob");
	(void)add_task(ann, "one", "2026-02-10 12:00:00");
	(void)add_task(ann, "two", "2026-02-10 13:00:00");
	(void)add_task(ann, "other day", "2026-02-11 13:00:00");
	ADMIN(NULL, env, "report", "--date", "2026-02-10");
	expect_status(0);
	ADMIN(NULL, env, "report", "--date", "2026-02-11");
	expect_status(0);
	ADMIN(NULL, env, "report", "--date", "2026-02-10");
	expect_status(0);
	cr_assert_eq(sql_count("SELECT COUNT(*) FROM reports"), 2);
	cr_assert_eq(sql_count("SELECT COUNT(*) FROM report_items WHERE "
	    "report_date = '2026-02-10'"), 2);
	cr_assert_eq(sql_count("SELECT COUNT(*) FROM report_people WHERE "
	    "report_date = '2026-02-10'"), 2);

	/* A late completion for that day (a retry after a fix, say). */
	(void)add_task(ann, "three", "2026-02-10 14:00:00");
	ADMIN(NULL, env, "report", "--date", "2026-02-10", "--format", "json");
	expect_status(0);
	expect_out("\"tasks_completed\":3");
	cr_assert_eq(sql_count("SELECT COUNT(*) FROM reports"), 2);
	cr_assert_eq(sql_count("SELECT COUNT(*) FROM report_items WHERE "
	    "report_date = '2026-02-10'"), 3);
	cr_assert_eq(sql_count("SELECT tasks_completed FROM reports WHERE "
	    "report_date = '2026-02-10'"), 3);
	cr_assert_eq(sql_count("SELECT COUNT(*) FROM report_items WHERE "
	    "report_date = '2026-02-11'"), 1);

	/* Every run is audited, the replacing ones say so. */
	cr_assert_eq(sql_count("SELECT COUNT(*) FROM admin_audit WHERE "
	    "action = 'report' AND actor = 'daybook-admin'"), 4);
	cr_assert_eq(sql_count("SELECT COUNT(*) FROM admin_audit WHERE "
	    "detail LIKE '2026-02-10 (Europe/Berlin): %replaced%'"), 2);
}

/* Overlapping runs for a new date (a retried CronJob) all succeed. */
Test(report, concurrent_runs_take_turns)
{
	char	cmd[512];
	long	ann;
	int	rc;

	migrate();
	ann = add_user("ann@example.com", "Ann");
	(void)add_task(ann, "one", "2026-02-10 12:00:00");
	cr_assert_eq(setenv("DAYBOOK_DB_NAME", db_name, 1), 0);
	(void)snprintf(cmd, sizeof(cmd), "a='%s'; s=0; for d in 11 12 13 14; "
	    "do \"$a\" report --date 2026-02-$d >/dev/null & p1=$!; "
	    "\"$a\" report --date 2026-02-$d >/dev/null & p2=$!; "
	    "\"$a\" report --date 2026-02-$d >/dev/null & p3=$!; "
	    "for p in $p1 $p2 $p3; do wait $p || s=1; done; done; exit $s",
	    admin_path());
	rc = system(cmd);
	cr_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "status %d", rc);
	cr_assert_eq(sql_count("SELECT COUNT(*) FROM reports"), 4);
	cr_assert_eq(sql_count("SELECT COUNT(*) FROM report_people"), 4);
	cr_assert_eq(sql_count("SELECT COUNT(*) FROM admin_audit WHERE "
	    "action = 'report'"), 12);
}

/* Deleting an account removes it from the stored reports too. */
Test(report, deleted_account_leaves_reports)
{
	long	ann;

	migrate();
	ann = add_user("ann@example.com", "Ann");
	(void)add_task(ann, "one", "2026-02-10 12:00:00");
	ADMIN(NULL, NULL, "report", "--date", "2026-02-10");
	expect_status(0);
	cr_assert_eq(sql_count("SELECT COUNT(*) FROM report_items"), 1);
	sql(db, "DELETE FROM users WHERE id = %ld", ann);
	cr_assert_eq(sql_count("SELECT COUNT(*) FROM report_items"), 0);
	cr_assert_eq(sql_count("SELECT COUNT(*) FROM report_people"), 0);
	cr_assert_eq(sql_count("SELECT COUNT(*) FROM reports"), 1);
}

/* Editing a completed task later does not move it to the day of the edit. */
Test(report, edit_after_completion_stays)
{
	const char *const env[] = { "DAYBOOK_REPORT_TZ=America/New_York",
	    NULL };
	long	ann, task;
	char	ids[32];

	migrate();
	ann = add_user("ann@example.com", "Ann");
	task = add_task(ann, "before", "2026-06-01 15:00:00");
	ADMIN(NULL, env, "report", "--date", "2026-06-01");
	expect_status(0);
	expect_out("before");

	/* Two days later: a new title, notes and due date. */
	sql(db, "UPDATE tasks SET title = 'after the edit', notes = 'n', "
	    "due_date = '2026-06-09', updated_at = '2026-06-03 16:00:00' "
	    "WHERE id = %ld", task);
	cr_assert_str_eq(sql_value("SELECT completed_at FROM tasks"),
	    "2026-06-01 15:00:00.000000");
	ADMIN(NULL, env, "report", "--date", "2026-06-03");
	expect_status(0);
	expect_no_out("after the edit");
	expect_out("0 tasks completed");
	cr_assert_str_eq(stored_ids("2026-06-03"), "");

	/* Re-run for its own day: still there, with the new title. */
	ADMIN(NULL, env, "report", "--date", "2026-06-01");
	expect_status(0);
	expect_out("after the edit");
	(void)snprintf(ids, sizeof(ids), "%ld", task);
	cr_assert_str_eq(stored_ids("2026-06-01"), ids);
}

/* ------------------------------------------------------------------ */
/* report: failures                                                    */
/* ------------------------------------------------------------------ */

Test(report, invalid_dates)
{
	static const char *const bad[] = { "2026-02-29", "2026-02-30",
	    "2026-13-01", "2026-00-10", "2026-04-31", "2026-1-01",
	    "2026-01-1", "yesterday", "", "20260101", "2026-01-01x",
	    "1900-01-01", "-2026-01-01", "2026/01/01" };
	size_t	i;

	migrate();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ADMIN(NULL, NULL, "report", "--date", bad[i]);
		cr_assert_eq(r.status, 2, "%s: exit %d", bad[i], r.status);
		expect_err_line("daybook-admin: report: --date: not a valid "
		    "date");
		cr_assert_str_eq(r.out, "");
	}
	cr_assert_eq(sql_count("SELECT COUNT(*) FROM reports"), 0);
	ADMIN(NULL, NULL, "report", "--date", "2028-02-29");
	expect_status(0);
	ADMIN(NULL, NULL, "report", "--date");
	expect_status(2);
	expect_err_line("usage: daybook-admin report");
	ADMIN(NULL, NULL, "report", "--format", "xml");
	expect_status(2);
	expect_err_line("--format: one of text, csv, json");
	ADMIN(NULL, NULL, "report", "2026-01-01");
	expect_status(2);
}

Test(report, unknown_time_zone)
{
	const char *const env[] = { "DAYBOOK_REPORT_TZ=Mars/Olympus_Mons",
	    NULL };

	migrate();
	ADMIN(NULL, env, "report", "--date", "2026-01-01");
	expect_status(1);
	expect_err_line("daybook-admin: report: DAYBOOK_REPORT_TZ: unknown "
	    "time zone 'Mars/Olympus_Mons'");
	cr_assert_eq(sql_count("SELECT COUNT(*) FROM reports"), 0);
}

/* Without the 0002 tables the report fails cleanly (and stores nothing). */
Test(report, unmigrated_database)
{
	ADMIN(NULL, NULL, "report", "--date", "2026-01-01");
	expect_status(1);
	expect_err_line("daybook-admin: report: 2026-01-01: ");
}

/* A loopback port nothing listens on (just released by us). */
static int
closed_port(void)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd, port;

	cr_assert_neq(fd = socket(AF_INET, SOCK_STREAM, 0), -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return (port);
}

Test(report, unreachable_database)
{
	char		port_var[64], expect[128];
	const char *const env[] = { "DAYBOOK_DB_HOST=127.0.0.1", port_var,
	    "DAYBOOK_DB_SOCKET", "DAYBOOK_DB_TIMEOUT_MS=2000", NULL };
	int		port = closed_port();

	(void)snprintf(port_var, sizeof(port_var), "DAYBOOK_DB_PORT=%d", port);
	ADMIN(NULL, env, "report", "--date", "2026-01-01");
	expect_status(1);
	(void)snprintf(expect, sizeof(expect), "daybook-admin: report: cannot "
	    "connect to MariaDB at 127.0.0.1:%d: ", port);
	expect_err_line(expect);
	cr_assert_str_eq(r.out, "");
	cr_assert_lt(r.seconds, 10.0, "took %.1f s", r.seconds);

	ADMIN(NULL, env, "set-admin", "a@example.com", "on");
	expect_status(1);
	expect_err_line("set-admin: cannot connect to MariaDB");
	ADMIN(NULL, env, "reset-password", "a@example.com");
	expect_status(1);
	expect_err_line("reset-password: cannot connect to MariaDB");
	cr_assert_str_eq(r.out, "");
}

/* ------------------------------------------------------------------ */
/* set-admin                                                           */
/* ------------------------------------------------------------------ */

Test(report, set_admin_on_off)
{
	long	ann;

	migrate();
	ann = add_user("ann@example.com", "Ann");
	(void)add_user("bob@example.com", "Bob");

	ADMIN(NULL, NULL, "set-admin", "Ann@Example.com", "on");
	expect_status(0);
	expect_out("set-admin: ann@example.com is now an administrator\n");
	cr_assert_str_eq(sql_value("SELECT GROUP_CONCAT(CONCAT(email, '=', "
	    "is_admin) ORDER BY email) FROM users"),
	    "ann@example.com=1,bob@example.com=0");
	ADMIN(NULL, NULL, "set-admin", "ann@example.com", "on");
	expect_status(0);
	expect_out("was already an administrator");
	ADMIN(NULL, NULL, "set-admin", "ann@example.com", "off");
	expect_status(0);
	expect_out("ann@example.com is no longer an administrator\n");
	cr_assert_eq(sql_count("SELECT is_admin FROM users WHERE email = "
	    "'ann@example.com'"), 0);

	cr_assert_eq(sql_count("SELECT COUNT(*) FROM admin_audit"), 3);
	cr_assert_eq(strtol(sql_value("SELECT COUNT(*) FROM admin_audit WHERE "
	    "actor = 'daybook-admin' AND target_user_id = %ld AND "
	    "actor_user_id IS NULL", ann), NULL, 10), 3);
	cr_assert_str_eq(sql_value("SELECT GROUP_CONCAT(CONCAT(action, ':', "
	    "detail) ORDER BY id) FROM admin_audit"),
	    "set-admin on:is_admin 0 -> 1,set-admin on:is_admin 1 -> 1,"
	    "set-admin off:is_admin 1 -> 0");
}

Test(report, set_admin_refusals)
{
	migrate();
	(void)add_user("ann@example.com", "Ann");
	ADMIN(NULL, NULL, "set-admin", "nobody@example.com", "on");
	expect_status(1);
	expect_err_line("daybook-admin: set-admin: no account with email "
	    "nobody@example.com");
	ADMIN(NULL, NULL, "set-admin", "ann@example.com", "yes");
	expect_status(2);
	expect_err_line("usage: daybook-admin set-admin EMAIL on|off");
	ADMIN(NULL, NULL, "set-admin", "ann@example.com");
	expect_status(2);
	ADMIN(NULL, NULL, "set-admin", "not-an-email", "on");
	expect_status(2);
	expect_err_line("set-admin: not a valid email address");
	cr_assert_eq(sql_count("SELECT COUNT(*) FROM admin_audit"), 0);
	cr_assert_eq(sql_count("SELECT SUM(is_admin) FROM users"), 0);
}

/* ------------------------------------------------------------------ */
/* reset-password                                                      */
/* ------------------------------------------------------------------ */

/*
 * The token of the link in r.out, which must be exactly
 * base + "/password/reset?token=" + 64 hex digits + "\n", into token.
 */
static void
link_token(const char *base, unsigned char token[32])
{
	char	prefix[256], hex[65];
	size_t	plen, bin_len;

	(void)snprintf(prefix, sizeof(prefix), "%s/password/reset?token=",
	    base);
	plen = strlen(prefix);
	cr_assert_eq(strncmp(r.out, prefix, plen), 0, "%s", r.out);
	cr_assert_eq(strlen(r.out), plen + 65, "%s", r.out);
	cr_assert_eq(r.out[plen + 64], '\n');
	cr_assert_eq(strspn(r.out + plen, "0123456789abcdef"), 64);
	memcpy(hex, r.out + plen, 64);
	hex[64] = '\0';
	cr_assert_eq(sodium_hex2bin(token, 32, hex, 64, NULL, &bin_len, NULL),
	    0);
	cr_assert_eq(bin_len, 32);
}

/* The number of password_resets rows whose hash is SHA-256(token). */
static long
stored_token(const unsigned char token[32])
{
	unsigned char	hash[crypto_hash_sha256_BYTES];
	char		hex[2 * crypto_hash_sha256_BYTES + 1];

	crypto_hash_sha256(hash, token, 32);
	(void)sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
	return (strtol(sql_value("SELECT COUNT(*) FROM password_resets WHERE "
	    "token_hash = UNHEX('%s') AND used_at IS NULL AND expires_at = "
	    "created_at + INTERVAL 30 MINUTE AND expires_at > UTC_TIMESTAMP(6)"
	    " + INTERVAL 29 MINUTE", hex), NULL, 10));
}

Test(report, reset_password_link)
{
	const char *const env[] = {
	    "DAYBOOK_BASE_URL=https://daybook.example.org/", NULL };
	unsigned char	first[32], second[32], other[32];
	long		ann, bob;

	cr_assert_geq(sodium_init(), 0);
	migrate();
	ann = add_user("ann@example.com", "Ann");
	bob = add_user("bob@example.com", "Bob");

	ADMIN(NULL, env, "reset-password", "ANN@example.com");
	expect_status(0);
	cr_assert_str_eq(r.err, "");
	link_token("https://daybook.example.org", first);
	cr_assert_eq(stored_token(first), 1);
	/* The token itself is stored nowhere. */
	cr_assert_eq(sql_count("SELECT COUNT(*) FROM password_resets"), 1);

	ADMIN(NULL, env, "reset-password", "bob@example.com");
	expect_status(0);
	link_token("https://daybook.example.org", other);

	ADMIN(NULL, env, "reset-password", "ann@example.com");
	expect_status(0);
	link_token("https://daybook.example.org", second);
	cr_assert_neq(memcmp(first, second, 32), 0);
	cr_assert_eq(stored_token(second), 1);
	cr_assert_eq(stored_token(first), 0, "the older link still works");
	cr_assert_eq(stored_token(other), 1, "another account's link voided");
	cr_assert_eq(strtol(sql_value("SELECT COUNT(*) FROM password_resets "
	    "WHERE user_id = %ld", ann), NULL, 10), 1);

	cr_assert_eq(strtol(sql_value("SELECT COUNT(*) FROM admin_audit WHERE "
	    "action = 'reset-password' AND target_user_id = %ld", ann), NULL,
	    10), 2);
	cr_assert_eq(strtol(sql_value("SELECT COUNT(*) FROM admin_audit WHERE "
	    "action = 'reset-password' AND target_user_id = %ld", bob), NULL,
	    10), 1);
	cr_assert_eq(sql_count("SELECT COUNT(*) FROM admin_audit WHERE "
	    "detail LIKE '%1 older unused voided%'"), 1);
}

/* A used link is history, not voided; the default base URL is used. */
Test(report, reset_password_keeps_used_and_refuses_unknown)
{
	unsigned char	token[32];
	const char	*base = getenv("DAYBOOK_BASE_URL");
	char		 trimmed[256];
	size_t		 len;

	cr_assert_geq(sodium_init(), 0);
	migrate();
	(void)add_user("ann@example.com", "Ann");
	(void)snprintf(trimmed, sizeof(trimmed), "%s",
	    base != NULL ? base : "http://127.0.0.1:8080");
	len = strlen(trimmed);
	while (len > 0 && trimmed[len - 1] == '/')
		trimmed[--len] = '\0';

	ADMIN(NULL, NULL, "reset-password", "ann@example.com");
	expect_status(0);
	link_token(trimmed, token);
	sql(db, "UPDATE password_resets SET used_at = UTC_TIMESTAMP(6)");
	ADMIN(NULL, NULL, "reset-password", "ann@example.com");
	expect_status(0);
	cr_assert_eq(sql_count("SELECT COUNT(*) FROM password_resets"), 2);
	cr_assert_eq(sql_count("SELECT COUNT(*) FROM password_resets WHERE "
	    "used_at IS NULL"), 1);

	ADMIN(NULL, NULL, "reset-password", "nobody@example.com");
	expect_status(1);
	expect_err_line("daybook-admin: reset-password: no account with email "
	    "nobody@example.com");
	cr_assert_str_eq(r.out, "");
	ADMIN(NULL, NULL, "reset-password");
	expect_status(2);
	expect_err_line("usage: daybook-admin reset-password EMAIL");
	cr_assert_eq(sql_count("SELECT COUNT(*) FROM password_resets"), 2);
	cr_assert_eq(sql_count("SELECT COUNT(*) FROM admin_audit"), 2);
}

Test(report, usage_lists_new_commands)
{
	ADMIN(NULL, NULL, "help");
	expect_status(0);
	expect_out("report [--date YYYY-MM-DD] [--format text|csv|json]");
	expect_out("set-admin EMAIL on|off");
	expect_out("reset-password EMAIL");
}
