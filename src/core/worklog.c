/*
 * daybook work log: day kinds, month grids, ranges, half-day totals,
 * summaries and "today" in a time zone.  See worklog.h.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "validate.h"
#include "worklog.h"

#define ZONEINFO_DIR	"/usr/share/zoneinfo/"

struct kind_info {
	const char	*name;
	const char	*label;
};

static const struct kind_info kinds[DBK_DAY_KIND_COUNT] = {
	[DBK_DAY_OFFICE] = { "office", "Office" },
	[DBK_DAY_REMOTE] = { "remote", "Remote" },
	[DBK_DAY_VACATION] = { "vacation", "Vacation" },
	[DBK_DAY_HOLIDAY] = { "holiday", "Holiday" },
	[DBK_DAY_SICK] = { "sick", "Sick" },
};

static int
kind_in_range(enum dbk_day_kind kind)
{
	return ((int)kind >= 0 && (int)kind < DBK_DAY_KIND_COUNT);
}

static int
ascii_lower(int c)
{
	return (c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
}

/* 1 when the len bytes at s equal the lowercase NUL-terminated word,
 * ignoring ASCII case. */
static int
equal_nocase(const char *s, size_t len, const char *word)
{
	size_t	i;

	if (strlen(word) != len)
		return (0);
	for (i = 0; i < len; i++) {
		if (ascii_lower((unsigned char)s[i]) != word[i])
			return (0);
	}
	return (1);
}

int
dbk_day_kind_parse(const char *s, size_t len, enum dbk_day_kind *out)
{
	int	i;

	if (s == NULL)
		return (-1);
	for (i = 0; i < DBK_DAY_KIND_COUNT; i++) {
		if (equal_nocase(s, len, kinds[i].name)) {
			*out = (enum dbk_day_kind)i;
			return (0);
		}
	}
	return (-1);
}

const char *
dbk_day_kind_name(enum dbk_day_kind kind)
{
	return (kind_in_range(kind) ? kinds[kind].name : NULL);
}

const char *
dbk_day_kind_label(enum dbk_day_kind kind)
{
	return (kind_in_range(kind) ? kinds[kind].label : NULL);
}

/* ---- Month grid ------------------------------------------------------ */

int
dbk_month_grid_build(int year, int month, struct dbk_month_grid *grid)
{
	struct dbk_date	 first = { year, month, 1 };
	int64_t		 start, day;
	int		 lead, ndays, weeks, w, d;

	if (grid == NULL || !dbk_date_valid(year, month, 1))
		return (-1);
	lead = dbk_weekday(&first);		/* cells before the 1st */
	ndays = dbk_days_in_month(year, month);
	weeks = (lead + ndays + 6) / 7;
	start = dbk_date_to_days(&first) - lead;

	memset(grid, 0, sizeof(*grid));
	grid->year = year;
	grid->month = month;
	grid->weeks = weeks;
	for (w = 0; w < weeks; w++) {
		for (d = 0; d < 7; d++) {
			day = start + 7 * w + d;
			dbk_days_to_date(day, &grid->cells[w][d].date);
			grid->cells[w][d].in_month =
			    grid->cells[w][d].date.month == month;
		}
	}
	return (0);
}

int
dbk_month_grid_find(const struct dbk_month_grid *grid,
    const struct dbk_date *date, int *week, int *weekday)
{
	struct dbk_date	first;
	int64_t		offset, target;

	if (grid == NULL || date == NULL || grid->weeks < DBK_GRID_MIN_WEEKS ||
	    grid->weeks > DBK_GRID_MAX_WEEKS)
		return (-1);
	first = grid->cells[0][0].date;
	if ((target = dbk_date_to_days(date)) == INT64_MIN)
		return (-1);
	offset = target - dbk_date_to_days(&first);
	if (offset < 0 || offset >= 7 * (int64_t)grid->weeks)
		return (-1);
	*week = (int)(offset / 7);
	*weekday = (int)(offset % 7);
	return (0);
}

int
dbk_month_prev(int *year, int *month)
{
	int	y = *year, m = *month;

	if (m < 1 || m > 12)
		return (-1);
	if (--m == 0) {
		m = 12;
		y--;
	}
	if (y < DBK_YEAR_MIN || y > DBK_YEAR_MAX)
		return (-1);
	*year = y;
	*month = m;
	return (0);
}

int
dbk_month_next(int *year, int *month)
{
	int	y = *year, m = *month;

	if (m < 1 || m > 12)
		return (-1);
	if (++m == 13) {
		m = 1;
		y++;
	}
	if (y < DBK_YEAR_MIN || y > DBK_YEAR_MAX)
		return (-1);
	*year = y;
	*month = m;
	return (0);
}

/* ---- Ranges ---------------------------------------------------------- */

int
dbk_range_days(const struct dbk_date *from, const struct dbk_date *to,
    int skip_weekends, struct dbk_date *out, size_t outcap)
{
	int64_t	first, last, day;
	size_t	count = 0;
	int	weekday;

	if (from == NULL || to == NULL ||
	    !dbk_date_valid(from->year, from->month, from->day) ||
	    !dbk_date_valid(to->year, to->month, to->day))
		return (DBK_RANGE_EDATE);
	first = dbk_date_to_days(from);
	last = dbk_date_to_days(to);
	if (first > last)
		return (DBK_RANGE_EORDER);
	if (last - first + 1 > DBK_RANGE_MAX_DAYS)
		return (DBK_RANGE_ELONG);

	weekday = dbk_weekday(from);
	for (day = first; day <= last; day++, weekday = (weekday + 1) % 7) {
		if (skip_weekends && weekday >= 5)
			continue;
		if (out == NULL || count >= outcap)
			return (DBK_RANGE_ESPACE);
		dbk_days_to_date(day, &out[count++]);
	}
	return ((int)count);
}

const char *
dbk_range_error_message(int code)
{
	switch (code) {
	case DBK_RANGE_EDATE:
		return ("Both dates must be real dates between 1970 and 2100.");
	case DBK_RANGE_EORDER:
		return ("The first date must not be after the last date.");
	case DBK_RANGE_ELONG:
		return ("A range may cover at most 366 days.");
	case DBK_RANGE_ESPACE:
		return ("Internal error: no room for the range.");
	default:
		return ("The range is not valid.");
	}
}

/* ---- Units and totals ------------------------------------------------ */

long
dbk_day_units(int half_day)
{
	return (half_day ? 1 : 2);
}

void
dbk_units_format(long units, char out[DBK_UNITS_STR_LEN])
{
	unsigned long	magnitude;
	const char	*sign;

	/* Negate in unsigned arithmetic: LONG_MIN has no positive twin. */
	sign = units < 0 ? "-" : "";
	magnitude = units < 0 ? 0UL - (unsigned long)units :
	    (unsigned long)units;
	if (magnitude % 2)
		snprintf(out, DBK_UNITS_STR_LEN, "%s%lu.5", sign,
		    magnitude / 2);
	else
		snprintf(out, DBK_UNITS_STR_LEN, "%s%lu", sign, magnitude / 2);
}

int
dbk_units_parse(const char *s, size_t len, long *units)
{
	size_t	i = 0, digits = 0;
	long	whole = 0, half = 0;

	if (s == NULL)
		return (-1);
	while (i < len && s[i] >= '0' && s[i] <= '9' && digits < 5) {
		whole = whole * 10 + (s[i] - '0');
		i++;
		digits++;
	}
	if (digits == 0 || whole > 9999)
		return (-1);
	if (i < len) {
		/* One fractional digit: .0 or .5. */
		if (len - i != 2 || s[i] != '.')
			return (-1);
		if (s[i + 1] == '5')
			half = 1;
		else if (s[i + 1] != '0')
			return (-1);
	}
	*units = whole * 2 + half;
	return (0);
}

int
dbk_totals_add(struct dbk_kind_totals *totals, enum dbk_day_kind kind,
    int half_day)
{
	long	units = dbk_day_units(half_day);

	if (totals == NULL || !kind_in_range(kind))
		return (-1);
	totals->units[kind] += units;
	totals->all += units;
	return (0);
}

void
dbk_summary_init(struct dbk_year_summary *summary, int year)
{
	memset(summary, 0, sizeof(*summary));
	summary->year = year;
}

int
dbk_summary_add(struct dbk_year_summary *summary, const struct dbk_date *day,
    enum dbk_day_kind kind, int half_day)
{
	if (summary == NULL || day == NULL || !kind_in_range(kind) ||
	    day->year != summary->year ||
	    !dbk_date_valid(day->year, day->month, day->day))
		return (-1);
	dbk_totals_add(&summary->months[day->month - 1], kind, half_day);
	dbk_totals_add(&summary->year_totals, kind, half_day);
	return (0);
}

void
dbk_allowances_use(const struct dbk_year_summary *summary,
    const struct dbk_allowances *allowances,
    struct dbk_allowance_use out[DBK_ALLOWANCE_KINDS])
{
	static const enum dbk_day_kind with_allowance[DBK_ALLOWANCE_KINDS] = {
		DBK_DAY_VACATION, DBK_DAY_REMOTE, DBK_DAY_SICK
	};
	long	allowed[DBK_ALLOWANCE_KINDS];
	int	i;

	allowed[0] = allowances ? allowances->vacation : DBK_ALLOWANCE_NONE;
	allowed[1] = allowances ? allowances->remote : DBK_ALLOWANCE_NONE;
	allowed[2] = allowances ? allowances->sick : DBK_ALLOWANCE_NONE;
	for (i = 0; i < DBK_ALLOWANCE_KINDS; i++) {
		out[i].kind = with_allowance[i];
		out[i].is_set = allowed[i] >= 0;
		out[i].allowed = out[i].is_set ? allowed[i] : 0;
		out[i].used = summary->year_totals.units[with_allowance[i]];
		out[i].remaining = out[i].allowed - out[i].used;
	}
}

/* ---- Time zones ------------------------------------------------------ */

static int
zone_char_ok(int c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '/' || c == '_' || c == '-' ||
	    c == '+');
}

int
dbk_zone_name_valid(const char *name)
{
	size_t	len, i;

	if (name == NULL)
		return (0);
	len = strnlen(name, DBK_ZONE_NAME_MAX + 1);
	if (len == 0 || len > DBK_ZONE_NAME_MAX)
		return (0);
	if (name[0] == '/' || name[len - 1] == '/' ||
	    strstr(name, "//") != NULL || strstr(name, "..") != NULL)
		return (0);
	for (i = 0; i < len; i++) {
		if (!zone_char_ok((unsigned char)name[i]))
			return (0);
	}
	return (1);
}

int
dbk_zone_exists(const char *name)
{
	char		path[sizeof(ZONEINFO_DIR) + DBK_ZONE_NAME_MAX];
	char		magic[4];
	struct stat	st;
	int		fd, ok = 0;

	if (!dbk_zone_name_valid(name))
		return (0);
	snprintf(path, sizeof(path), "%s%s", ZONEINFO_DIR, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return (0);
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode))
		goto done;
	if (read(fd, magic, sizeof(magic)) != (ssize_t)sizeof(magic))
		goto done;
	ok = memcmp(magic, "TZif", sizeof(magic)) == 0;
done:
	close(fd);
	return (ok);
}

int
dbk_date_in_zone(const char *tz, time_t when, struct dbk_date *out)
{
	char		*saved = NULL;
	const char	*old;
	struct tm	 tm;
	int		 rc = -1, converted;

	if (out == NULL || !dbk_zone_exists(tz))
		return (-1);
	if ((old = getenv("TZ")) != NULL && (saved = strdup(old)) == NULL)
		return (-1);
	if (setenv("TZ", tz, 1) == -1)
		goto restore;
	tzset();
	converted = localtime_r(&when, &tm) != NULL;
	if (converted && dbk_date_valid(tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday)) {
		out->year = tm.tm_year + 1900;
		out->month = tm.tm_mon + 1;
		out->day = tm.tm_mday;
		rc = 0;
	}
restore:
	if (saved != NULL)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
	return (rc);
}

int
dbk_today_in_zone(const char *tz, struct dbk_date *out)
{
	return (dbk_date_in_zone(tz, time(NULL), out));
}
