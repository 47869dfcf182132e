/*
 * daybook-admin report: the tasks completed on one local day of the report
 * time zone (DAYBOOK_REPORT_TZ), per account; stored in reports,
 * report_people and report_items (see sql/migrations/0002_admin.sql) and
 * printed as text, CSV or JSON.
 *
 * The day is [local midnight, next local midnight) converted to UTC with
 * the zone's rules (23 or 25 hours on DST days), and a task belongs to the
 * day its completed_at falls in; editing a task does not change
 * completed_at, so it never moves to another day.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "core/reportfmt.h"

#define DATE_LEN	10		/* YYYY-MM-DD */
#define DAY_S		86400
/*
 * Runs at the same time (a retried CronJob overlapping the first) take
 * turns: without it, two first inserts of a date can deadlock.  The name
 * is per server, so reports of different databases take turns too.
 */
#define REPORT_LOCK	"daybook-report"
#define REPORT_LOCK_WAIT_S 60

enum report_format {
	FORMAT_TEXT,
	FORMAT_CSV,
	FORMAT_JSON
};

struct report_args {
	const char		*date;		/* NULL: yesterday */
	enum report_format	 format;
};

/* Strings point into the stored MariaDB result (struct report's res). */
struct report_task {
	unsigned long long	 id;
	const char		*title;
	const char		*utc;		/* YYYY-MM-DD HH:MM:SS.ffffff */
	time_t			 at;
};

struct report_person {
	unsigned long long	 id;
	const char		*email;
	const char		*name;
	size_t			 first;		/* index into tasks */
	size_t			 count;
};

struct report {
	char			 date[DATE_LEN + 1];
	const char		*tz;
	time_t			 start;		/* local midnight, inclusive */
	time_t			 end;		/* next local midnight */
	MYSQL_RES		*res;
	struct report_person	*people;
	size_t			 npeople;
	size_t			 with_tasks;
	struct report_task	*tasks;
	size_t			 ntasks;
};

/* ------------------------------------------------------------------ */
/* Arguments and dates                                                 */
/* ------------------------------------------------------------------ */

static int
days_in_month(int year, int month)
{
	static const int	days[12] = { 31, 28, 31, 30, 31, 30, 31, 31,
	    30, 31, 30, 31 };
	int			leap;

	leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return (month == 2 && leap ? 29 : days[month - 1]);
}

/*
 * Parse exactly YYYY-MM-DD (a real calendar day, years 1971-9998).
 * Returns 0 with the fields set, or -1.
 */
static int
parse_date(const char *text, int *year, int *month, int *day)
{
	size_t	i;

	if (strlen(text) != DATE_LEN || text[4] != '-' || text[7] != '-')
		return (-1);
	for (i = 0; i < DATE_LEN; i++) {
		if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9'))
			return (-1);
	}
	*year = atoi(text);
	*month = atoi(text + 5);
	*day = atoi(text + 8);
	if (*year < 1971 || *year > 9998 || *month < 1 || *month > 12 ||
	    *day < 1 || *day > days_in_month(*year, *month))
		return (-1);
	return (0);
}

/* An option's value: "--name VALUE" or "--name=VALUE"; NULL if not it. */
static const char *
option_value(const char *name, int argc, char **argv, int *i)
{
	size_t	len = strlen(name);

	if (strncmp(argv[*i], name, len) != 0)
		return (NULL);
	if (argv[*i][len] == '=')
		return (argv[*i] + len + 1);
	if (argv[*i][len] == '\0' && *i + 1 < argc)
		return (argv[++*i]);
	return (NULL);
}

static int
parse_format(const char *text, enum report_format *format)
{
	if (strcmp(text, "text") == 0)
		*format = FORMAT_TEXT;
	else if (strcmp(text, "csv") == 0)
		*format = FORMAT_CSV;
	else if (strcmp(text, "json") == 0)
		*format = FORMAT_JSON;
	else
		return (-1);
	return (0);
}

/* Fill args from argv; an ADMIN_* status with a message on failure. */
static int
parse_args(int argc, char **argv, struct report_args *args)
{
	const char	*value;
	int		 i, y, m, d;

	args->date = NULL;
	args->format = FORMAT_TEXT;
	for (i = 1; i < argc; i++) {
		if ((value = option_value("--date", argc, argv, &i)) != NULL)
			args->date = value;
		else if ((value = option_value("--format", argc, argv,
		    &i)) != NULL) {
			if (parse_format(value, &args->format) == -1) {
				dbk_admin_fail("report", "--format: one of "
				    "text, csv, json");
				return (ADMIN_USAGE);
			}
		} else {
			dbk_admin_fail("report", "usage: daybook-admin report "
			    "[--date YYYY-MM-DD] [--format text|csv|json]");
			return (ADMIN_USAGE);
		}
	}
	if (args->date != NULL && parse_date(args->date, &y, &m, &d) == -1) {
		dbk_admin_fail("report", "--date: not a valid date "
		    "(YYYY-MM-DD, 1971-9998): '%.40s'", args->date);
		return (ADMIN_USAGE);
	}
	return (ADMIN_OK);
}

int
dbk_admin_report_check(int argc, char **argv)
{
	struct report_args	args;

	return (parse_args(argc, argv, &args));
}

/* The local calendar day of t as YYYYMMDD. */
static long
local_day(time_t t)
{
	struct tm	tm;

	if (localtime_r(&t, &tm) == NULL)
		return (0);
	return ((long)(tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 +
	    tm.tm_mday);
}

/* YYYYMMDD of a UTC calendar day given as time_t of its midnight. */
static long
utc_day(time_t t)
{
	struct tm	tm;

	(void)gmtime_r(&t, &tm);
	return ((long)(tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 +
	    tm.tm_mday);
}

/*
 * The first second whose local date is day (YYYYMMDD), where midnight_utc
 * is that day's midnight in UTC.  Zone offsets are under 26 hours, so the
 * answer lies within two days of it; a binary search finds it whatever
 * the zone does at midnight (DST changes, skipped or repeated midnights).
 */
static time_t
local_day_start(long day, time_t midnight_utc)
{
	time_t	lo = midnight_utc - 2 * DAY_S, hi = midnight_utc + 2 * DAY_S;
	time_t	mid;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (local_day(mid) >= day)
			hi = mid;
		else
			lo = mid;
	}
	return (hi);
}

/* Set r->date, r->start and r->end; date NULL means yesterday. */
static void
day_bounds(struct report *r, const char *date)
{
	struct tm	tm;
	time_t		midnight, now;
	int		y, m, d;

	memset(&tm, 0, sizeof(tm));
	if (date != NULL) {
		(void)parse_date(date, &y, &m, &d);
		tm.tm_year = y - 1900;
		tm.tm_mon = m - 1;
		tm.tm_mday = d;
	} else {
		now = time(NULL);
		(void)localtime_r(&now, &tm);
		tm.tm_mday -= 1;
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = 0;
	}
	midnight = timegm(&tm);		/* normalises the day before */
	(void)gmtime_r(&midnight, &tm);
	(void)strftime(r->date, sizeof(r->date), "%Y-%m-%d", &tm);
	r->start = local_day_start(utc_day(midnight), midnight);
	r->end = local_day_start(utc_day(midnight + DAY_S), midnight + DAY_S);
}

/* t as a MariaDB UTC DATETIME literal into out (>= 20 bytes). */
static void
utc_text(time_t t, char *out, size_t outlen)
{
	struct tm	tm;

	(void)gmtime_r(&t, &tm);
	(void)strftime(out, outlen, "%Y-%m-%d %H:%M:%S", &tm);
}

/* ------------------------------------------------------------------ */
/* Reading and storing                                                 */
/* ------------------------------------------------------------------ */

/* One result row into r: a new person when the user id changes. */
static int
add_row(struct report *r, MYSQL_ROW row)
{
	struct report_person	*p;
	struct report_task	*t;
	unsigned long long	 uid;

	if (row[0] == NULL || row[1] == NULL || row[2] == NULL)
		return (-1);
	uid = strtoull(row[0], NULL, 10);
	if (r->npeople == 0 || r->people[r->npeople - 1].id != uid) {
		p = &r->people[r->npeople++];
		p->id = uid;
		p->email = row[1];
		p->name = row[2];
		p->first = r->ntasks;
		p->count = 0;
	}
	p = &r->people[r->npeople - 1];
	if (row[3] == NULL)
		return (0);
	if (row[4] == NULL || row[5] == NULL)
		return (-1);
	t = &r->tasks[r->ntasks++];
	t->id = strtoull(row[3], NULL, 10);
	t->title = row[4];
	t->utc = row[5];
	if ((t->at = dbk_report_parse_utc(row[5])) == -1)
		return (-1);
	if (p->count++ == 0)
		r->with_tasks++;
	return (0);
}

/* Every account with its tasks completed in [start, end), into r. */
static int
load_report(MYSQL *db, struct report *r, char *err, size_t errlen)
{
	static const char	 sql[] = "SELECT u.id, u.email, "
	    "u.display_name, t.id, t.title, DATE_FORMAT(t.completed_at, "
	    "'%Y-%m-%d %H:%i:%s.%f') FROM users u LEFT JOIN tasks t ON "
	    "t.user_id = u.id AND t.completed_at >= ? AND t.completed_at < ? "
	    "ORDER BY u.email, u.id, t.completed_at, t.id";
	char			 from[32], to[32];
	struct dbk_sql_param	 p[2];
	MYSQL_ROW		 row;
	size_t			 rows;

	utc_text(r->start, from, sizeof(from));
	utc_text(r->end, to, sizeof(to));
	p[0] = (struct dbk_sql_param)DBK_SQL_P_TEXT(from, strlen(from));
	p[1] = (struct dbk_sql_param)DBK_SQL_P_TEXT(to, strlen(to));
	if ((r->res = dbk_admin_select(db, sql, p, 2, err, errlen)) == NULL)
		return (-1);
	rows = (size_t)mysql_num_rows(r->res);
	if ((r->people = calloc(rows + 1, sizeof(*r->people))) == NULL ||
	    (r->tasks = calloc(rows + 1, sizeof(*r->tasks))) == NULL) {
		(void)snprintf(err, errlen, "out of memory");
		return (-1);
	}
	while ((row = mysql_fetch_row(r->res)) != NULL) {
		if (add_row(r, row) == -1) {
			(void)snprintf(err, errlen, "unexpected row from the "
			    "database");
			return (-1);
		}
	}
	return (0);
}

/* Replace the stored report of r->date: the reports row itself. */
static int
store_head(MYSQL *db, const struct report *r, unsigned long long *replaced,
    char *err, size_t errlen)
{
	static const char	del[] = "DELETE FROM reports WHERE "
	    "report_date = ?";
	static const char	ins[] = "INSERT INTO reports (report_date, "
	    "time_zone, range_start, range_end, created_at, people, "
	    "tasks_completed) VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6), ?, ?)";
	char			from[32], to[32];
	struct dbk_sql_param	pd[1] = {
		DBK_SQL_P_TEXT(r->date, DATE_LEN),
	};
	struct dbk_sql_param	pi[6] = {
		DBK_SQL_P_TEXT(r->date, DATE_LEN),
		DBK_SQL_P_TEXT(r->tz, strlen(r->tz)),
		DBK_SQL_P_TEXT(from, 19),
		DBK_SQL_P_TEXT(to, 19),
		DBK_SQL_P_INT(r->npeople),
		DBK_SQL_P_INT(r->ntasks),
	};

	utc_text(r->start, from, sizeof(from));
	utc_text(r->end, to, sizeof(to));
	if (dbk_admin_exec(db, del, pd, 1, replaced, err, errlen) == -1)
		return (-1);
	return (dbk_admin_exec(db, ins, pi, 6, NULL, err, errlen));
}

static int
store_person(MYSQL *db, const struct report *r,
    const struct report_person *p, char *err, size_t errlen)
{
	static const char	ins[] = "INSERT INTO report_people "
	    "(report_date, user_id, email, display_name, tasks_completed) "
	    "VALUES (?, ?, ?, ?, ?)";
	static const char	item[] = "INSERT INTO report_items "
	    "(report_date, user_id, task_id, title, completed_at) "
	    "VALUES (?, ?, ?, ?, ?)";
	struct dbk_sql_param	pp[5] = {
		DBK_SQL_P_TEXT(r->date, DATE_LEN),
		DBK_SQL_P_INT(p->id),
		DBK_SQL_P_TEXT(p->email, strlen(p->email)),
		DBK_SQL_P_TEXT(p->name, strlen(p->name)),
		DBK_SQL_P_INT(p->count),
	};
	struct dbk_sql_param	pt[5];
	const struct report_task *t;
	size_t			i;

	if (dbk_admin_exec(db, ins, pp, 5, NULL, err, errlen) == -1)
		return (-1);
	for (i = 0; i < p->count; i++) {
		t = &r->tasks[p->first + i];
		pt[0] = pp[0];
		pt[1] = pp[1];
		pt[2] = (struct dbk_sql_param)DBK_SQL_P_INT(t->id);
		pt[3] = (struct dbk_sql_param)DBK_SQL_P_TEXT(t->title,
		    strlen(t->title));
		pt[4] = (struct dbk_sql_param)DBK_SQL_P_TEXT(t->utc,
		    strlen(t->utc));
		if (dbk_admin_exec(db, item, pt, 5, NULL, err, errlen) == -1)
			return (-1);
	}
	return (0);
}

/* Wait for REPORT_LOCK; 0, or -1 with err set. */
static int
take_lock(MYSQL *db, char *err, size_t errlen)
{
	static const char	 sql[] = "SELECT GET_LOCK(?, ?)";
	struct dbk_sql_param	 p[2] = {
		DBK_SQL_P_TEXT(REPORT_LOCK, sizeof(REPORT_LOCK) - 1),
		DBK_SQL_P_INT(REPORT_LOCK_WAIT_S),
	};
	MYSQL_RES		*res;
	MYSQL_ROW		 row;
	int			 rc = -1;

	if ((res = dbk_admin_select(db, sql, p, 2, err, errlen)) == NULL)
		return (-1);
	if ((row = mysql_fetch_row(res)) != NULL && row[0] != NULL &&
	    strcmp(row[0], "1") == 0)
		rc = 0;
	else
		(void)snprintf(err, errlen, "another report run has held the "
		    "lock %s for %d s", REPORT_LOCK, REPORT_LOCK_WAIT_S);
	mysql_free_result(res);
	return (rc);
}

static void
release_lock(MYSQL *db)
{
	MYSQL_RES	*res;

	if (mysql_query(db, "SELECT RELEASE_LOCK('" REPORT_LOCK "')") == 0 &&
	    (res = mysql_store_result(db)) != NULL)
		mysql_free_result(res);
}

/*
 * Read the day's tasks and replace the stored report, with its audit row,
 * in one transaction, holding REPORT_LOCK.  0, or -1 with err set (rolled
 * back).
 */
static int
make_report(MYSQL *db, struct report *r, char *err, size_t errlen)
{
	unsigned long long	replaced;
	char			detail[200];
	size_t			i;

	if (take_lock(db, err, errlen) == -1)
		return (-1);
	if (dbk_admin_begin(db, err, errlen) == -1)
		goto fail;
	if (load_report(db, r, err, errlen) == -1 ||
	    store_head(db, r, &replaced, err, errlen) == -1)
		goto fail;
	for (i = 0; i < r->npeople; i++) {
		if (store_person(db, r, &r->people[i], err, errlen) == -1)
			goto fail;
	}
	(void)snprintf(detail, sizeof(detail), "%s (%s): %zu tasks, %zu of "
	    "%zu people%s", r->date, r->tz, r->ntasks, r->with_tasks,
	    r->npeople, replaced != 0 ? ", replaced the stored report" : "");
	if (dbk_admin_audit(db, "report", 0, detail, err, errlen) == -1 ||
	    dbk_admin_commit(db, err, errlen) == -1)
		goto fail;
	release_lock(db);
	return (0);
fail:
	dbk_admin_rollback(db);
	release_lock(db);
	return (-1);
}

/* ------------------------------------------------------------------ */
/* Output                                                              */
/* ------------------------------------------------------------------ */

/* Text for a terminal: control characters become '?'. */
static void
put_plain(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, fp);
}

static void
print_text(FILE *fp, const struct report *r)
{
	const struct report_person	*p;
	const struct report_task	*t;
	char				 from[40], to[40], at[40];
	size_t				 i, j;

	dbk_report_local_time(r->start, from, sizeof(from));
	dbk_report_local_time(r->end, to, sizeof(to));
	fprintf(fp, "daybook report for %s (%s)\n", r->date, r->tz);
	fprintf(fp, "from %s to %s (%lld hours)\n", from, to,
	    (long long)(r->end - r->start) / 3600);
	fprintf(fp, "%zu tasks completed by %zu of %zu people\n", r->ntasks,
	    r->with_tasks, r->npeople);
	for (i = 0; i < r->npeople; i++) {
		p = &r->people[i];
		fputc('\n', fp);
		put_plain(fp, p->name);
		fputs(" <", fp);
		put_plain(fp, p->email);
		fprintf(fp, ">: %zu completed\n", p->count);
		for (j = 0; j < p->count; j++) {
			t = &r->tasks[p->first + j];
			dbk_report_local_time(t->at, at, sizeof(at));
			fprintf(fp, "  %s  #%llu  ", at + 11, t->id);
			put_plain(fp, t->title);
			fputc('\n', fp);
		}
	}
}

/* The CSV (src/core/reportfmt.c, shared with /admin/reports); 0 or -1. */
static int
print_csv(FILE *fp, const struct report *r)
{
	const struct report_person	*p;
	const struct report_task	*t;
	struct dbk_csv_writer		 w;
	size_t				 i, j;
	int				 rc = -1;

	dbk_csv_writer_init(&w, 0);
	(void)dbk_report_csv_header(&w);
	for (i = 0; i < r->npeople; i++) {
		p = &r->people[i];
		for (j = 0; j < p->count; j++) {
			t = &r->tasks[p->first + j];
			(void)dbk_report_csv_row(&w, p->email, p->name, t->id,
			    t->title, t->at);
		}
	}
	if (!w.failed && fwrite(w.data, 1, w.len, fp) == w.len)
		rc = 0;
	dbk_csv_writer_free(&w);
	return (rc);
}

/* A JSON string; the text is UTF-8 from MariaDB (utf8mb4). */
static void
put_json(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(fp, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", fp);
		else if (*s == '\t')
			fputs("\\t", fp);
		else if ((unsigned char)*s < 0x20)
			fprintf(fp, "\\u%04x", (unsigned)(unsigned char)*s);
		else
			fputc(*s, fp);
	}
	fputc('"', fp);
}

static void
print_json_person(FILE *fp, const struct report *r,
    const struct report_person *p)
{
	const struct report_task	*t;
	char				 at[40];
	size_t				 j;

	fprintf(fp, "{\"user_id\":%llu,\"email\":", p->id);
	put_json(fp, p->email);
	fputs(",\"display_name\":", fp);
	put_json(fp, p->name);
	fprintf(fp, ",\"tasks_completed\":%zu,\"tasks\":[", p->count);
	for (j = 0; j < p->count; j++) {
		t = &r->tasks[p->first + j];
		dbk_report_local_time(t->at, at, sizeof(at));
		fprintf(fp, "%s{\"id\":%llu,\"title\":", j > 0 ? "," : "",
		    t->id);
		put_json(fp, t->title);
		fprintf(fp, ",\"completed_at\":\"%s\"}", at);
	}
	fputs("]}", fp);
}

static void
print_json(FILE *fp, const struct report *r)
{
	char	from[40], to[40];
	size_t	i;

	dbk_report_local_time(r->start, from, sizeof(from));
	dbk_report_local_time(r->end, to, sizeof(to));
	fprintf(fp, "{\"date\":\"%s\",\"time_zone\":", r->date);
	put_json(fp, r->tz);
	fprintf(fp, ",\"range_start\":\"%s\",\"range_end\":\"%s\","
	    "\"totals\":{\"people\":%zu,\"people_with_tasks\":%zu,"
	    "\"tasks_completed\":%zu},\"people\":[", from, to, r->npeople,
	    r->with_tasks, r->ntasks);
	for (i = 0; i < r->npeople; i++) {
		if (i > 0)
			fputc(',', fp);
		print_json_person(fp, r, &r->people[i]);
	}
	fputs("]}\n", fp);
}

int
dbk_admin_report(const struct dbk_config *cfg, MYSQL *db, int argc,
    char **argv)
{
	struct report_args	args;
	struct report		r;
	struct dbk_report_zone	zone;
	char			err[ADMIN_ERROR_MAX];
	int			status = ADMIN_FAILED;

	memset(&r, 0, sizeof(r));
	memset(&zone, 0, sizeof(zone));
	if ((status = parse_args(argc, argv, &args)) != ADMIN_OK)
		return (status);
	status = ADMIN_FAILED;
	if (dbk_report_zone_enter(&zone, cfg->report_tz) == -1) {
		dbk_admin_fail("report", "DAYBOOK_REPORT_TZ: unknown time "
		    "zone '%s'", cfg->report_tz);
		goto out;
	}
	r.tz = cfg->report_tz;
	day_bounds(&r, args.date);
	if (make_report(db, &r, err, sizeof(err)) == -1) {
		dbk_admin_fail("report", "%s: %s", r.date, err);
		goto out;
	}
	if (args.format == FORMAT_CSV) {
		if (print_csv(stdout, &r) == -1) {
			dbk_admin_fail("report", "%s: stored, but writing it "
			    "out failed", r.date);
			goto out;
		}
	} else if (args.format == FORMAT_JSON)
		print_json(stdout, &r);
	else
		print_text(stdout, &r);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		dbk_admin_fail("report", "%s: stored, but writing it out "
		    "failed", r.date);
		goto out;
	}
	status = ADMIN_OK;
out:
	dbk_report_zone_leave(&zone);
	if (r.res != NULL)
		mysql_free_result(r.res);
	free(r.people);
	free(r.tasks);
	return (status);
}
