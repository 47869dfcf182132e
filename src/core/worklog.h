/*
 * daybook work log: day kinds, month grids, date ranges, half-day totals,
 * yearly summaries with allowances, and "today" in a person's time zone.
 *
 * Pure C: no Kore, no allocation.  Dates are struct dbk_date from
 * validate.h; the date arithmetic is validate.c's.  Functions never crash
 * on bad input: they return -1 (or a negative code) instead.
 *
 * Totals are kept in half-day units (a full day is 2, a half day 1) so
 * that no floating point is involved; dbk_units_format prints them as
 * days ("2.5").
 */

#ifndef DBK_WORKLOG_H
#define DBK_WORKLOG_H

#include <stddef.h>
#include <time.h>

#include "validate.h"

enum dbk_day_kind {
	DBK_DAY_OFFICE = 0,
	DBK_DAY_REMOTE,
	DBK_DAY_VACATION,
	DBK_DAY_HOLIDAY,
	DBK_DAY_SICK,
};

#define DBK_DAY_KIND_COUNT	5

/* Longest location and note, in characters (code points). */
#define DBK_WORKLOG_LOCATION_MAX	100
#define DBK_WORKLOG_NOTE_MAX		500

/*
 * Parses a kind name ("office", "remote", "vacation", "holiday", "sick";
 * ASCII case ignored, no surrounding spaces).  Returns 0 and sets *out, or
 * -1 and leaves *out unchanged.
 */
int		 dbk_day_kind_parse(const char *s, size_t len,
		    enum dbk_day_kind *out);

/* The kind's lowercase name ("office"), or NULL for a value out of range. */
const char	*dbk_day_kind_name(enum dbk_day_kind kind);

/* The kind's human label ("Office"), or NULL for a value out of range. */
const char	*dbk_day_kind_label(enum dbk_day_kind kind);

/* ---- Month grid ------------------------------------------------------ */

#define DBK_GRID_MIN_WEEKS	4
#define DBK_GRID_MAX_WEEKS	6

struct dbk_grid_cell {
	struct dbk_date	date;		/* real date, also outside */
	int		in_month;	/* 1: date is in the month */
};

/*
 * A month as weeks: rows Monday..Sunday, cells[week][0] is a Monday.
 * Leading and trailing cells belong to the neighbouring months (in_month
 * 0); in January 1970 and December 2100 they may lie in 1969 and 2101.
 */
struct dbk_month_grid {
	int			year;
	int			month;
	int			weeks;		/* rows used: 4-6 */
	struct dbk_grid_cell	cells[DBK_GRID_MAX_WEEKS][7];
};

/*
 * Fills *grid for month (1-12) of year (DBK_YEAR_MIN..DBK_YEAR_MAX).
 * Returns 0, or -1 for a month or year out of range (grid untouched).
 */
int	dbk_month_grid_build(int year, int month,
	    struct dbk_month_grid *grid);

/*
 * Finds *date in the grid (also in the spill-over cells).  Returns 0 and
 * sets *week and *weekday (0 = Monday), or -1 when it is not shown.
 */
int	dbk_month_grid_find(const struct dbk_month_grid *grid,
	    const struct dbk_date *date, int *week, int *weekday);

/*
 * The month before / after *year-*month.  Returns 0 and updates both, or
 * -1 (nothing changed) when the result would leave
 * DBK_YEAR_MIN..DBK_YEAR_MAX or the input month is invalid.
 */
int	dbk_month_prev(int *year, int *month);
int	dbk_month_next(int *year, int *month);

/* ---- Ranges ---------------------------------------------------------- */

/* Longest range dbk_range_days accepts, in calendar days (from and to
 * included). */
#define DBK_RANGE_MAX_DAYS	366

/* dbk_range_days errors (negative). */
#define DBK_RANGE_EDATE		(-1)	/* from or to not valid */
#define DBK_RANGE_EORDER	(-2)	/* from is after to */
#define DBK_RANGE_ELONG		(-3)	/* > DBK_RANGE_MAX_DAYS */
#define DBK_RANGE_ESPACE	(-4)	/* out has too little room */

/*
 * The dates from *from to *to, both included, in order, skipping Saturdays
 * and Sundays when skip_weekends is set.  Both dates must be valid (years
 * DBK_YEAR_MIN..DBK_YEAR_MAX), from <= to, and the range at most
 * DBK_RANGE_MAX_DAYS calendar days.  Writes the dates to out (room for
 * outcap; DBK_RANGE_MAX_DAYS is always enough) and returns how many (0 when
 * a weekend is skipped entirely), or a DBK_RANGE_E* code.
 */
int	dbk_range_days(const struct dbk_date *from,
	    const struct dbk_date *to, int skip_weekends, struct dbk_date *out,
	    size_t outcap);

/* A sentence for a DBK_RANGE_E* code (never NULL). */
const char	*dbk_range_error_message(int code);

/* ---- Half-day units and totals --------------------------------------- */

/* Room for a formatted unit count: "-1073741823.5" and a NUL. */
#define DBK_UNITS_STR_LEN	24

/* Half-day units one entry counts: 1 with half_day set, else 2. */
long	dbk_day_units(int half_day);

/*
 * Writes units / 2 as days into out: "0", "2", "2.5", "-0.5".  out must
 * hold DBK_UNITS_STR_LEN bytes.
 */
void	dbk_units_format(long units, char out[DBK_UNITS_STR_LEN]);

/*
 * Parses a day count of 0-9999 days in half days: "25", "25.0", "2.5",
 * "0.5" (a fraction other than .0 or .5 is rejected; no sign, no spaces).
 * Accepts what MariaDB prints for DECIMAL(5,1).  Returns 0 and sets *units,
 * or -1 and leaves it unchanged.
 */
int	dbk_units_parse(const char *s, size_t len, long *units);

/* Totals per kind, in half-day units. */
struct dbk_kind_totals {
	long	units[DBK_DAY_KIND_COUNT];
	long	all;			/* sum over the kinds */
};

/*
 * Adds one entry to *totals.  Returns 0, or -1 for a kind out of range
 * (nothing added).
 */
int	dbk_totals_add(struct dbk_kind_totals *totals,
	    enum dbk_day_kind kind, int half_day);

/* A year: totals per month and for the year. */
struct dbk_year_summary {
	int			year;
	struct dbk_kind_totals	months[12];	/* [0] is January */
	struct dbk_kind_totals	year_totals;
};

/* Empties *summary for year. */
void	dbk_summary_init(struct dbk_year_summary *summary, int year);

/*
 * Adds the entry for *day to its month and to the year.  Returns 0, or -1
 * (nothing added) when the day is not a valid date of summary->year or the
 * kind is out of range.
 */
int	dbk_summary_add(struct dbk_year_summary *summary,
	    const struct dbk_date *day, enum dbk_day_kind kind, int half_day);

/* Allowances for a year in half-day units; DBK_ALLOWANCE_NONE = not set. */
#define DBK_ALLOWANCE_NONE	(-1L)

struct dbk_allowances {
	long	vacation;
	long	remote;
	long	sick;
};

/* The kinds that have an allowance: vacation, remote, sick (this order). */
#define DBK_ALLOWANCE_KINDS	3

struct dbk_allowance_use {
	enum dbk_day_kind	kind;
	int			is_set;		/* 0: no allowance */
	long			allowed;	/* units; 0 when not set */
	long			used;		/* units */
	long			remaining;	/* allowed - used (< 0 ok) */
};

/*
 * Fills out[] (vacation, remote, sick) from the year totals of *summary
 * and *allowances (NULL: none set).  remaining is negative when more was
 * used than allowed.
 */
void	dbk_allowances_use(const struct dbk_year_summary *summary,
	    const struct dbk_allowances *allowances,
	    struct dbk_allowance_use out[DBK_ALLOWANCE_KINDS]);

/* ---- Time zones ------------------------------------------------------ */

#define DBK_ZONE_NAME_MAX	64

/*
 * Returns 1 when the NUL-terminated name looks like an IANA zone name:
 * 1-DBK_ZONE_NAME_MAX bytes of ASCII letters, digits, '/', '_', '-' and
 * '+', not starting or ending with '/', no "//" and no "..".  Says nothing
 * about whether the zone exists.
 */
int	dbk_zone_name_valid(const char *name);

/*
 * Returns 1 when name is valid (dbk_zone_name_valid) and
 * /usr/share/zoneinfo/NAME is a regular file starting with the "TZif"
 * magic, else 0.
 */
int	dbk_zone_exists(const char *name);

/*
 * The calendar date at time when in zone tz.  Sets TZ, calls tzset and
 * localtime_r, then puts TZ back as it was (and calls tzset again): not
 * thread-safe (Kore workers are single-threaded processes).  Returns 0, or
 * -1 for an unknown or invalid zone or a date outside
 * DBK_YEAR_MIN..DBK_YEAR_MAX (*out unchanged).
 */
int	dbk_date_in_zone(const char *tz, time_t when, struct dbk_date *out);

/* dbk_date_in_zone for the current time. */
int	dbk_today_in_zone(const char *tz, struct dbk_date *out);

#endif
