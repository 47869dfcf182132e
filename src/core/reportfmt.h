/*
 * The nightly report's shared formatting, used by `daybook-admin report`
 * and the /admin/reports pages, so that both write exactly the format
 * sql/migrations/0002_admin.sql defines: times in the report's zone as
 * 2026-03-29T00:30:00+01:00 and the CSV (RFC 4180, CRLF)
 *
 *	email,display_name,task_id,title,completed_at
 *
 * Pure C (no Kore): memory is the CSV writer's (src/core/csv.h).
 */

#ifndef DBK_REPORTFMT_H
#define DBK_REPORTFMT_H

#include <stddef.h>
#include <time.h>

#include "csv.h"

#define DBK_REPORT_CSV_HEADER \
	"email,display_name,task_id,title,completed_at"
#define DBK_REPORT_TIME_MAX	40	/* room for a local time */

/*
 * The report zone made the process's local zone, and what it replaced.
 * dbk_report_zone_enter() returns 0, or -1 when there is no such zone
 * (glibc would silently fall back to UTC) or tz is not a zone name
 * (dbk_zone_name_valid()), changing nothing.  Looks in
 * $TZDIR, else /usr/share/zoneinfo.  dbk_report_zone_leave() puts the old
 * TZ back.  Not thread-safe: for single-threaded processes (daybook-admin,
 * a Kore worker between two events).
 */
struct dbk_report_zone {
	char	*saved;		/* malloc'd old TZ, NULL when unset */
	int	 entered;
};

int	dbk_report_zone_enter(struct dbk_report_zone *, const char *);
void	dbk_report_zone_leave(struct dbk_report_zone *);

/* t in the local zone as 2026-03-29T00:30:00+01:00 (out >= 32 bytes). */
void	dbk_report_local_time(time_t t, char *out, size_t outlen);

/* "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC to time_t; -1 when malformed. */
time_t	dbk_report_parse_utc(const char *text);

/*
 * The CSV header line, and one row: a completed task of a person, its
 * time in the local zone.  Return 0, or -1 once the writer has failed.
 */
int	dbk_report_csv_header(struct dbk_csv_writer *w);
int	dbk_report_csv_row(struct dbk_csv_writer *w, const char *email,
	    const char *name, unsigned long long task_id, const char *title,
	    time_t at);

#endif
