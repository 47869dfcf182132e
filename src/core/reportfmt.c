/*
 * The nightly report's shared formatting; see reportfmt.h.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "reportfmt.h"
#include "worklog.h"

int
dbk_report_zone_enter(struct dbk_report_zone *z, const char *tz)
{
	const char	*dir = getenv("TZDIR"), *old;
	char		 path[512];

	memset(z, 0, sizeof(*z));
	if (!dbk_zone_name_valid(tz))
		return (-1);
	if (dir == NULL || dir[0] == '\0')
		dir = "/usr/share/zoneinfo";
	(void)snprintf(path, sizeof(path), "%s/%s", dir, tz);
	if (strcmp(tz, "UTC") != 0 && access(path, R_OK) != 0)
		return (-1);
	if ((old = getenv("TZ")) != NULL && (z->saved = strdup(old)) == NULL)
		return (-1);
	if (setenv("TZ", tz, 1) == -1) {
		free(z->saved);
		z->saved = NULL;
		return (-1);
	}
	tzset();
	z->entered = 1;
	return (0);
}

void
dbk_report_zone_leave(struct dbk_report_zone *z)
{
	if (!z->entered)
		return;
	if (z->saved != NULL)
		(void)setenv("TZ", z->saved, 1);
	else
		(void)unsetenv("TZ");
	tzset();
	free(z->saved);
	z->saved = NULL;
	z->entered = 0;
}

void
dbk_report_local_time(time_t t, char *out, size_t outlen)
{
	struct tm	tm;
	long		off;
	size_t		n;

	(void)localtime_r(&t, &tm);
	n = strftime(out, outlen, "%Y-%m-%dT%H:%M:%S", &tm);
	off = tm.tm_gmtoff;
	(void)snprintf(out + n, outlen - n, "%c%02ld:%02ld", off < 0 ? '-' :
	    '+', labs(off) / 3600, labs(off) % 3600 / 60);
}

time_t
dbk_report_parse_utc(const char *text)
{
	struct tm	tm;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(text, "%4d-%2d-%2d %2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return (-1);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (timegm(&tm));
}

int
dbk_report_csv_header(struct dbk_csv_writer *w)
{
	static const char	*names[] = {
		"email", "display_name", "task_id", "title", "completed_at"
	};
	size_t			 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		(void)dbk_csv_write_field(w, names[i], strlen(names[i]));
	return (dbk_csv_end_row(w));
}

int
dbk_report_csv_row(struct dbk_csv_writer *w, const char *email,
    const char *name, unsigned long long task_id, const char *title,
    time_t at)
{
	char	id[24], when[DBK_REPORT_TIME_MAX];

	(void)snprintf(id, sizeof(id), "%llu", task_id);
	dbk_report_local_time(at, when, sizeof(when));
	(void)dbk_csv_write_field(w, email, strlen(email));
	(void)dbk_csv_write_field(w, name, strlen(name));
	(void)dbk_csv_write_field(w, id, strlen(id));
	(void)dbk_csv_write_field(w, title, strlen(title));
	(void)dbk_csv_write_field(w, when, strlen(when));
	return (dbk_csv_end_row(w));
}
