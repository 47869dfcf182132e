/*
 * Unit tests for src/core/worklog.c: day kinds, month grids, month stepping,
 * ranges, half-day units, totals, summaries, allowances and time zones.
 */

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "core/validate.h"
#include "core/worklog.h"

#define LIT(s)	(s), (sizeof(s) - 1)

static struct dbk_date
mkdate(int year, int month, int day)
{
	struct dbk_date	d = { year, month, day };

	return (d);
}

static int
same_date(const struct dbk_date *a, int year, int month, int day)
{
	return (a->year == year && a->month == month && a->day == day);
}

/* ---- Day kinds ------------------------------------------------------- */

Test(kind, names_round_trip)
{
	enum dbk_day_kind	 kind;
	const char		*name;
	int			 i;

	for (i = 0; i < DBK_DAY_KIND_COUNT; i++) {
		name = dbk_day_kind_name((enum dbk_day_kind)i);
		cr_assert_not_null(name);
		cr_assert_not_null(dbk_day_kind_label((enum dbk_day_kind)i));
		cr_assert_eq(dbk_day_kind_parse(name, strlen(name), &kind), 0);
		cr_assert_eq((int)kind, i);
	}
	cr_assert_str_eq(dbk_day_kind_name(DBK_DAY_OFFICE), "office");
	cr_assert_str_eq(dbk_day_kind_name(DBK_DAY_SICK), "sick");
	cr_assert_str_eq(dbk_day_kind_label(DBK_DAY_VACATION), "Vacation");
	cr_assert_null(dbk_day_kind_name((enum dbk_day_kind)5));
	cr_assert_null(dbk_day_kind_name((enum dbk_day_kind)-1));
	cr_assert_null(dbk_day_kind_label((enum dbk_day_kind)99));
}

Test(kind, parse_rejects)
{
	enum dbk_day_kind	kind = DBK_DAY_SICK;

	cr_assert_eq(dbk_day_kind_parse(LIT("Remote"), &kind), 0);
	cr_assert_eq(kind, DBK_DAY_REMOTE);
	kind = DBK_DAY_SICK;
	cr_assert_eq(dbk_day_kind_parse(LIT(""), &kind), -1);
	cr_assert_eq(dbk_day_kind_parse(LIT("offic"), &kind), -1);
	cr_assert_eq(dbk_day_kind_parse(LIT("offices"), &kind), -1);
	cr_assert_eq(dbk_day_kind_parse(LIT(" office"), &kind), -1);
	cr_assert_eq(dbk_day_kind_parse(LIT("office\0"), &kind), -1);
	cr_assert_eq(dbk_day_kind_parse(NULL, 0, &kind), -1);
	cr_assert_eq(kind, DBK_DAY_SICK, "unchanged on failure");
}

/* ---- Leap years and month grids -------------------------------------- */

Test(calendar, leap_years)
{
	cr_assert_eq(dbk_is_leap(1970), 0);
	cr_assert_eq(dbk_is_leap(1972), 1);
	cr_assert_eq(dbk_is_leap(2000), 1);
	cr_assert_eq(dbk_is_leap(2024), 1);
	cr_assert_eq(dbk_is_leap(2100), 0);
	cr_assert_eq(dbk_days_in_month(2024, 2), 29);
	cr_assert_eq(dbk_days_in_month(2100, 2), 28);
}

Test(grid, february_2021_is_four_rows)
{
	struct dbk_month_grid	grid;
	int			w, d;

	cr_assert_eq(dbk_month_grid_build(2021, 2, &grid), 0);
	cr_assert_eq(grid.weeks, 4);
	cr_assert(same_date(&grid.cells[0][0].date, 2021, 2, 1));
	cr_assert(same_date(&grid.cells[3][6].date, 2021, 2, 28));
	for (w = 0; w < 4; w++) {
		for (d = 0; d < 7; d++) {
			cr_assert(grid.cells[w][d].in_month);
			cr_assert_eq(dbk_weekday(&grid.cells[w][d].date), d);
		}
	}
}

Test(grid, month_starting_sunday_needs_six_rows)
{
	struct dbk_date		first = mkdate(2021, 8, 1);
	struct dbk_month_grid	grid;

	cr_assert_eq(dbk_weekday(&first), 6, "2021-08-01 is a Sunday");
	cr_assert_eq(dbk_month_grid_build(2021, 8, &grid), 0);
	cr_assert_eq(grid.weeks, 6);
	cr_assert(same_date(&grid.cells[0][0].date, 2021, 7, 26));
	cr_assert_eq(grid.cells[0][5].in_month, 0);
	cr_assert(same_date(&grid.cells[0][6].date, 2021, 8, 1));
	cr_assert(grid.cells[0][6].in_month);
	cr_assert(same_date(&grid.cells[5][1].date, 2021, 8, 31));
	cr_assert(same_date(&grid.cells[5][6].date, 2021, 9, 5));
	cr_assert_eq(grid.cells[5][2].in_month, 0);
}

Test(grid, january_1970_starts_thursday)
{
	struct dbk_month_grid	grid;

	cr_assert_eq(dbk_month_grid_build(1970, 1, &grid), 0);
	cr_assert(same_date(&grid.cells[0][3].date, 1970, 1, 1));
	cr_assert(grid.cells[0][3].in_month);
	cr_assert(same_date(&grid.cells[0][0].date, 1969, 12, 29));
	cr_assert_eq(grid.cells[0][0].in_month, 0);
	cr_assert_eq(grid.cells[0][2].in_month, 0);
	cr_assert_eq(grid.weeks, 5);
}

Test(grid, december_2100_spills_into_2101)
{
	struct dbk_month_grid	 grid;
	struct dbk_date		 last = mkdate(2100, 12, 31);
	const struct dbk_date	*end;
	int			 wd = dbk_weekday(&last);

	cr_assert_eq(dbk_month_grid_build(2100, 12, &grid), 0);
	cr_assert_geq(wd, 0);
	cr_assert(same_date(&grid.cells[grid.weeks - 1][wd].date, 2100, 12,
	    31));
	end = &grid.cells[grid.weeks - 1][6].date;
	if (wd < 6) {
		cr_assert(same_date(end, 2101, 1, 6 - wd));
		cr_assert_eq(grid.cells[grid.weeks - 1][6].in_month, 0);
	}
}

/* Every month 1970-2100: Monday first, consecutive days, the whole month
 * exactly once, 4-6 rows, no row wholly outside the month. */
Test(grid, every_month_is_consistent)
{
	struct dbk_month_grid	grid;
	int64_t			prev, cur;
	int			y, m, w, d, inside, row_inside;

	for (y = DBK_YEAR_MIN; y <= DBK_YEAR_MAX; y++) {
		for (m = 1; m <= 12; m++) {
			cr_assert_eq(dbk_month_grid_build(y, m, &grid), 0);
			cr_assert(grid.weeks >= 4 && grid.weeks <= 6);
			cr_assert_eq(grid.year, y);
			cr_assert_eq(grid.month, m);
			prev = dbk_date_to_days(&grid.cells[0][0].date) - 1;
			inside = 0;
			for (w = 0; w < grid.weeks; w++) {
				row_inside = 0;
				for (d = 0; d < 7; d++) {
					const struct dbk_grid_cell *c =
					    &grid.cells[w][d];

					cur = dbk_date_to_days(&c->date);
					cr_assert_eq(cur, prev + 1);
					prev = cur;
					cr_assert_eq(dbk_weekday(&c->date), d);
					cr_assert_eq(c->in_month,
					    c->date.year == y &&
					    c->date.month == m);
					inside += c->in_month;
					row_inside += c->in_month;
				}
				cr_assert_gt(row_inside, 0);
			}
			cr_assert_eq(inside, dbk_days_in_month(y, m));
			if (grid.weeks == 4)
				cr_assert(m == 2 && !dbk_is_leap(y));
		}
	}
}

Test(grid, rejects_out_of_range)
{
	struct dbk_month_grid	grid;

	grid.weeks = 42;
	cr_assert_eq(dbk_month_grid_build(2026, 0, &grid), -1);
	cr_assert_eq(dbk_month_grid_build(2026, 13, &grid), -1);
	cr_assert_eq(dbk_month_grid_build(1969, 12, &grid), -1);
	cr_assert_eq(dbk_month_grid_build(2101, 1, &grid), -1);
	cr_assert_eq(dbk_month_grid_build(2026, 1, NULL), -1);
	cr_assert_eq(grid.weeks, 42, "grid untouched");
}

Test(grid, find)
{
	struct dbk_month_grid	grid;
	struct dbk_date		day;
	int			w = -1, d = -1;

	cr_assert_eq(dbk_month_grid_build(2026, 3, &grid), 0);
	day = mkdate(2026, 3, 1);		/* a Sunday */
	cr_assert_eq(dbk_month_grid_find(&grid, &day, &w, &d), 0);
	cr_assert_eq(w, 0);
	cr_assert_eq(d, 6);
	day = mkdate(2026, 2, 23);		/* spill-over Monday */
	cr_assert_eq(dbk_month_grid_find(&grid, &day, &w, &d), 0);
	cr_assert_eq(w, 0);
	cr_assert_eq(d, 0);
	day = mkdate(2026, 3, 31);
	cr_assert_eq(dbk_month_grid_find(&grid, &day, &w, &d), 0);
	cr_assert(same_date(&grid.cells[w][d].date, 2026, 3, 31));
	day = mkdate(2026, 2, 22);
	cr_assert_eq(dbk_month_grid_find(&grid, &day, &w, &d), -1);
	day = mkdate(2026, 4, 30);
	cr_assert_eq(dbk_month_grid_find(&grid, &day, &w, &d), -1);
	day = mkdate(2026, 2, 30);
	cr_assert_eq(dbk_month_grid_find(&grid, &day, &w, &d), -1);
}

Test(grid, prev_next)
{
	int	y = 2026, m = 1;

	cr_assert_eq(dbk_month_prev(&y, &m), 0);
	cr_assert(y == 2025 && m == 12);
	cr_assert_eq(dbk_month_next(&y, &m), 0);
	cr_assert(y == 2026 && m == 1);
	y = 2026;
	m = 6;
	cr_assert_eq(dbk_month_next(&y, &m), 0);
	cr_assert(y == 2026 && m == 7);

	y = 1970;
	m = 1;
	cr_assert_eq(dbk_month_prev(&y, &m), -1);
	cr_assert(y == 1970 && m == 1);
	cr_assert_eq(dbk_month_next(&y, &m), 0);
	y = 2100;
	m = 12;
	cr_assert_eq(dbk_month_next(&y, &m), -1);
	cr_assert(y == 2100 && m == 12);
	cr_assert_eq(dbk_month_prev(&y, &m), 0);
	cr_assert(y == 2100 && m == 11);
	m = 13;
	cr_assert_eq(dbk_month_next(&y, &m), -1);
	m = 0;
	cr_assert_eq(dbk_month_prev(&y, &m), -1);
	y = 1969;
	m = 12;
	cr_assert_eq(dbk_month_next(&y, &m), 0, "into the range is fine");
	cr_assert(y == 1970 && m == 1);
}

/* ---- Ranges ---------------------------------------------------------- */

Test(range, friday_to_monday_skipping_weekends)
{
	struct dbk_date	from = mkdate(2026, 1, 2);
	struct dbk_date	to = mkdate(2026, 1, 5);
	struct dbk_date	out[DBK_RANGE_MAX_DAYS];

	cr_assert_eq(dbk_weekday(&from), 4, "a Friday");
	cr_assert_eq(dbk_weekday(&to), 0, "a Monday");
	cr_assert_eq(dbk_range_days(&from, &to, 1, out, DBK_RANGE_MAX_DAYS), 2);
	cr_assert(same_date(&out[0], 2026, 1, 2));
	cr_assert(same_date(&out[1], 2026, 1, 5));
	cr_assert_eq(dbk_range_days(&from, &to, 0, out, DBK_RANGE_MAX_DAYS), 4);
	cr_assert(same_date(&out[1], 2026, 1, 3));
	cr_assert(same_date(&out[3], 2026, 1, 5));
}

Test(range, weekend_only_and_single_day)
{
	struct dbk_date	sat = mkdate(2026, 1, 3);
	struct dbk_date	sun = mkdate(2026, 1, 4);
	struct dbk_date	out[4];

	cr_assert_eq(dbk_range_days(&sat, &sun, 1, out, 4), 0);
	cr_assert_eq(dbk_range_days(&sat, &sun, 0, out, 4), 2);
	cr_assert_eq(dbk_range_days(&sat, &sat, 0, out, 4), 1);
	cr_assert(same_date(&out[0], 2026, 1, 3));
	cr_assert_eq(dbk_range_days(&sat, &sat, 1, out, 4), 0);
}

Test(range, across_year_and_leap_day)
{
	struct dbk_date	from = mkdate(2023, 12, 30);
	struct dbk_date	to = mkdate(2024, 3, 1);
	struct dbk_date	out[DBK_RANGE_MAX_DAYS];
	int		n, i, leap_seen = 0;

	n = dbk_range_days(&from, &to, 0, out, DBK_RANGE_MAX_DAYS);
	cr_assert_eq(n, 2 + 31 + 29 + 1);
	for (i = 1; i < n; i++) {
		cr_assert_eq(dbk_date_to_days(&out[i]),
		    dbk_date_to_days(&out[i - 1]) + 1);
		leap_seen |= same_date(&out[i], 2024, 2, 29);
	}
	cr_assert(leap_seen);
}

/* A whole year of weekdays: the count matches a brute-force count. */
Test(range, year_of_weekdays)
{
	struct dbk_date	from = mkdate(2026, 1, 1);
	struct dbk_date	to = mkdate(2026, 12, 31);
	struct dbk_date	out[DBK_RANGE_MAX_DAYS], day;
	int		n, i, expected = 0, m, d;

	for (m = 1; m <= 12; m++) {
		for (d = 1; d <= dbk_days_in_month(2026, m); d++) {
			day = mkdate(2026, m, d);
			expected += dbk_weekday(&day) < 5;
		}
	}
	n = dbk_range_days(&from, &to, 1, out, DBK_RANGE_MAX_DAYS);
	cr_assert_eq(n, expected);
	for (i = 0; i < n; i++)
		cr_assert_lt(dbk_weekday(&out[i]), 5);
}

Test(range, bounds)
{
	struct dbk_date	out[DBK_RANGE_MAX_DAYS];
	struct dbk_date	a = mkdate(2024, 1, 1), b = mkdate(2024, 12, 31);
	struct dbk_date	c = mkdate(2025, 1, 1), bad = mkdate(2026, 2, 30);
	struct dbk_date	early = mkdate(1969, 12, 31);
	struct dbk_date	late = mkdate(2101, 1, 1);
	struct dbk_date	first = mkdate(1970, 1, 1);
	struct dbk_date	last = mkdate(2100, 12, 31);

	cr_assert_eq(dbk_range_days(&a, &b, 0, out, DBK_RANGE_MAX_DAYS), 366);
	cr_assert_eq(dbk_range_days(&a, &c, 0, out, DBK_RANGE_MAX_DAYS),
	    DBK_RANGE_ELONG);
	cr_assert_eq(dbk_range_days(&a, &c, 1, out, DBK_RANGE_MAX_DAYS),
	    DBK_RANGE_ELONG, "the bound is in calendar days");
	cr_assert_eq(dbk_range_days(&b, &a, 0, out, DBK_RANGE_MAX_DAYS),
	    DBK_RANGE_EORDER);
	cr_assert_eq(dbk_range_days(&a, &bad, 0, out, DBK_RANGE_MAX_DAYS),
	    DBK_RANGE_EDATE);
	cr_assert_eq(dbk_range_days(&early, &first, 0, out, 4),
	    DBK_RANGE_EDATE);
	cr_assert_eq(dbk_range_days(&last, &late, 0, out, 4),
	    DBK_RANGE_EDATE);
	cr_assert_eq(dbk_range_days(&first, &first, 0, out, 4), 1);
	cr_assert_eq(dbk_range_days(&last, &last, 0, out, 4), 1);
	cr_assert_eq(dbk_range_days(NULL, &a, 0, out, 4), DBK_RANGE_EDATE);
	cr_assert_eq(dbk_range_days(&a, &b, 0, out, 10), DBK_RANGE_ESPACE);
	cr_assert_eq(dbk_range_days(&a, &a, 0, NULL, 0), DBK_RANGE_ESPACE);
	cr_assert_not_null(dbk_range_error_message(DBK_RANGE_ELONG));
	cr_assert_not_null(dbk_range_error_message(12345));
}

/* ---- Units, totals, summaries ---------------------------------------- */

static void
assert_format(long units, const char *expected)
{
	char	out[DBK_UNITS_STR_LEN];

	dbk_units_format(units, out);
	cr_assert_str_eq(out, expected, "%ld units", units);
}

Test(units, format)
{
	char	out[DBK_UNITS_STR_LEN];

	assert_format(0, "0");
	assert_format(1, "0.5");
	assert_format(2, "1");
	assert_format(5, "2.5");
	assert_format(732, "366");
	assert_format(-1, "-0.5");
	assert_format(-3, "-1.5");
	assert_format(-4, "-2");
	dbk_units_format(LONG_MIN, out);
	cr_assert_eq(out[0], '-');
	dbk_units_format(LONG_MAX, out);
	cr_assert_eq(out[strlen(out) - 2], '.');
}

static long
parse_units(const char *s)
{
	long	units = -777;

	if (dbk_units_parse(s, strlen(s), &units) == -1)
		return (-1);
	return (units);
}

Test(units, parse)
{
	cr_assert_eq(parse_units("25"), 50);
	cr_assert_eq(parse_units("25.0"), 50);
	cr_assert_eq(parse_units("25.5"), 51);
	cr_assert_eq(parse_units("0.5"), 1);
	cr_assert_eq(parse_units("0"), 0);
	cr_assert_eq(parse_units("9999.5"), 19999);
	cr_assert_eq(parse_units("10000"), -1);
	cr_assert_eq(parse_units("123456789012345678901234"), -1);
	cr_assert_eq(parse_units("2.3"), -1);
	cr_assert_eq(parse_units("2.50"), -1);
	cr_assert_eq(parse_units("2."), -1);
	cr_assert_eq(parse_units(".5"), -1);
	cr_assert_eq(parse_units(""), -1);
	cr_assert_eq(parse_units("-1"), -1);
	cr_assert_eq(parse_units(" 1"), -1);
	cr_assert_eq(parse_units("1 "), -1);
	cr_assert_eq(parse_units("1,5"), -1);
	cr_assert_eq(dbk_units_parse(NULL, 0, NULL), -1);
}

Test(totals, half_days_count_half)
{
	struct dbk_kind_totals	totals;
	char			out[DBK_UNITS_STR_LEN];

	memset(&totals, 0, sizeof(totals));
	cr_assert_eq(dbk_day_units(0), 2);
	cr_assert_eq(dbk_day_units(1), 1);
	cr_assert_eq(dbk_totals_add(&totals, DBK_DAY_REMOTE, 0), 0);
	cr_assert_eq(dbk_totals_add(&totals, DBK_DAY_REMOTE, 0), 0);
	cr_assert_eq(dbk_totals_add(&totals, DBK_DAY_REMOTE, 1), 0);
	cr_assert_eq(dbk_totals_add(&totals, DBK_DAY_SICK, 1), 0);
	cr_assert_eq(dbk_totals_add(&totals, (enum dbk_day_kind)7, 0), -1);
	cr_assert_eq(dbk_totals_add(NULL, DBK_DAY_SICK, 0), -1);
	cr_assert_eq(totals.units[DBK_DAY_REMOTE], 5);
	cr_assert_eq(totals.units[DBK_DAY_SICK], 1);
	cr_assert_eq(totals.units[DBK_DAY_OFFICE], 0);
	cr_assert_eq(totals.all, 6);
	dbk_units_format(totals.units[DBK_DAY_REMOTE], out);
	cr_assert_str_eq(out, "2.5");
}

Test(summary, accumulates_months_and_year)
{
	struct dbk_year_summary	s;
	struct dbk_date		d;
	int			m, k, sum;

	dbk_summary_init(&s, 2024);
	d = mkdate(2024, 1, 15);
	cr_assert_eq(dbk_summary_add(&s, &d, DBK_DAY_VACATION, 0), 0);
	d = mkdate(2024, 1, 16);
	cr_assert_eq(dbk_summary_add(&s, &d, DBK_DAY_VACATION, 1), 0);
	d = mkdate(2024, 2, 29);
	cr_assert_eq(dbk_summary_add(&s, &d, DBK_DAY_SICK, 0), 0);
	d = mkdate(2024, 12, 31);
	cr_assert_eq(dbk_summary_add(&s, &d, DBK_DAY_OFFICE, 0), 0);

	d = mkdate(2023, 12, 31);
	cr_assert_eq(dbk_summary_add(&s, &d, DBK_DAY_OFFICE, 0), -1);
	d = mkdate(2024, 2, 30);
	cr_assert_eq(dbk_summary_add(&s, &d, DBK_DAY_OFFICE, 0), -1);
	d = mkdate(2024, 3, 1);
	cr_assert_eq(dbk_summary_add(&s, &d, (enum dbk_day_kind)5, 0), -1);

	cr_assert_eq(s.months[0].units[DBK_DAY_VACATION], 3);
	cr_assert_eq(s.months[0].all, 3);
	cr_assert_eq(s.months[1].units[DBK_DAY_SICK], 2);
	cr_assert_eq(s.months[2].all, 0, "rejected entries add nothing");
	cr_assert_eq(s.months[11].units[DBK_DAY_OFFICE], 2);
	cr_assert_eq(s.year_totals.units[DBK_DAY_VACATION], 3);
	cr_assert_eq(s.year_totals.all, 7);
	for (k = 0; k < DBK_DAY_KIND_COUNT; k++) {
		sum = 0;
		for (m = 0; m < 12; m++)
			sum += (int)s.months[m].units[k];
		cr_assert_eq(sum, s.year_totals.units[k]);
	}
}

Test(summary, allowances_used_and_remaining)
{
	struct dbk_year_summary		s;
	struct dbk_allowances		a;
	struct dbk_allowance_use	use[DBK_ALLOWANCE_KINDS];
	struct dbk_date			d;
	char				out[DBK_UNITS_STR_LEN];
	int				i;

	dbk_summary_init(&s, 2026);
	/* 26.5 vacation days: one more than 25.5 allowed. */
	for (i = 0; i < 26; i++) {
		d = mkdate(2026, 1 + i / 20, 1 + i % 20);
		cr_assert_eq(dbk_summary_add(&s, &d, DBK_DAY_VACATION, 0), 0);
	}
	d = mkdate(2026, 6, 1);
	cr_assert_eq(dbk_summary_add(&s, &d, DBK_DAY_VACATION, 1), 0);
	d = mkdate(2026, 6, 2);
	cr_assert_eq(dbk_summary_add(&s, &d, DBK_DAY_REMOTE, 0), 0);

	cr_assert_eq(dbk_units_parse(LIT("25.5"), &a.vacation), 0);
	cr_assert_eq(dbk_units_parse(LIT("100"), &a.remote), 0);
	a.sick = DBK_ALLOWANCE_NONE;
	dbk_allowances_use(&s, &a, use);

	cr_assert_eq(use[0].kind, DBK_DAY_VACATION);
	cr_assert(use[0].is_set);
	cr_assert_eq(use[0].used, 53);
	cr_assert_eq(use[0].remaining, -2);
	dbk_units_format(use[0].remaining, out);
	cr_assert_str_eq(out, "-1");
	cr_assert_eq(use[1].kind, DBK_DAY_REMOTE);
	cr_assert_eq(use[1].remaining, 198);
	cr_assert_eq(use[2].kind, DBK_DAY_SICK);
	cr_assert_eq(use[2].is_set, 0);
	cr_assert_eq(use[2].used, 0);

	a.vacation = 54;
	dbk_allowances_use(&s, &a, use);
	dbk_units_format(use[0].remaining, out);
	cr_assert_str_eq(out, "0.5");

	dbk_allowances_use(&s, NULL, use);
	for (i = 0; i < DBK_ALLOWANCE_KINDS; i++)
		cr_assert_eq(use[i].is_set, 0);
	cr_assert_eq(use[0].used, 53);
}

/* ---- Time zones ------------------------------------------------------ */

Test(zone, name_syntax)
{
	char	long_name[DBK_ZONE_NAME_MAX + 2];

	cr_assert(dbk_zone_name_valid("UTC"));
	cr_assert(dbk_zone_name_valid("Europe/Berlin"));
	cr_assert(dbk_zone_name_valid("America/Argentina/Buenos_Aires"));
	cr_assert(dbk_zone_name_valid("Etc/GMT+5"));
	cr_assert(dbk_zone_name_valid("Etc/GMT-14"));
	cr_assert_not(dbk_zone_name_valid(NULL));
	cr_assert_not(dbk_zone_name_valid(""));
	cr_assert_not(dbk_zone_name_valid("../../etc/passwd"));
	cr_assert_not(dbk_zone_name_valid("Europe/../UTC"));
	cr_assert_not(dbk_zone_name_valid("a..b"));
	cr_assert_not(dbk_zone_name_valid("/etc/localtime"));
	cr_assert_not(dbk_zone_name_valid("Europe/"));
	cr_assert_not(dbk_zone_name_valid("Europe//Berlin"));
	cr_assert_not(dbk_zone_name_valid("Europe/Ber lin"));
	cr_assert_not(dbk_zone_name_valid("UTC;"));
	cr_assert_not(dbk_zone_name_valid(":UTC"));
	cr_assert_not(dbk_zone_name_valid("zone.tab"));
	cr_assert_not(dbk_zone_name_valid("Europe/Zürich"));
	memset(long_name, 'A', DBK_ZONE_NAME_MAX);
	long_name[DBK_ZONE_NAME_MAX] = '\0';
	cr_assert(dbk_zone_name_valid(long_name));
	long_name[DBK_ZONE_NAME_MAX] = 'A';
	long_name[DBK_ZONE_NAME_MAX + 1] = '\0';
	cr_assert_not(dbk_zone_name_valid(long_name));
}

Test(zone, exists)
{
	cr_assert(dbk_zone_exists("UTC"));
	cr_assert(dbk_zone_exists("Pacific/Kiritimati"));
	cr_assert(dbk_zone_exists("Europe/Berlin"));
	cr_assert_not(dbk_zone_exists("Nowhere/Atlantis"));
	cr_assert_not(dbk_zone_exists("Europe"), "a directory");
	cr_assert_not(dbk_zone_exists("../../../etc/passwd"));
	cr_assert_not(dbk_zone_exists(NULL));
}

/* The UTC date of t + offset seconds. */
static struct dbk_date
utc_date(time_t t, long offset)
{
	struct dbk_date	d;
	struct tm	tm;
	time_t		shifted = t + offset;

	cr_assert_not_null(gmtime_r(&shifted, &tm));
	d = mkdate(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	return (d);
}

Test(zone, date_in_zone_fixed_times)
{
	struct dbk_date	got, want;
	struct dbk_date	noon = mkdate(2026, 6, 15);
	time_t		t = (time_t)dbk_date_to_days(&noon) * 86400 +
			    12 * 3600;
	time_t		early = t - 7 * 3600;	/* 05:00 UTC */

	cr_assert_eq(dbk_date_in_zone("UTC", t, &got), 0);
	want = utc_date(t, 0);
	cr_assert_eq(dbk_date_cmp(&got, &want), 0);
	cr_assert_eq(dbk_date_in_zone("Pacific/Kiritimati", t, &got), 0);
	want = utc_date(t, 14 * 3600);
	cr_assert_eq(dbk_date_cmp(&got, &want), 0);
	cr_assert(same_date(&got, 2026, 6, 16));
	cr_assert_eq(dbk_date_in_zone("Pacific/Kiritimati", early, &got), 0);
	cr_assert(same_date(&got, 2026, 6, 15));
	cr_assert_eq(dbk_date_in_zone("America/Los_Angeles", early, &got), 0);
	cr_assert(same_date(&got, 2026, 6, 14));
}

Test(zone, unknown_zone_fails_and_keeps_out)
{
	struct dbk_date	got = mkdate(2000, 1, 1);

	cr_assert_eq(dbk_today_in_zone("Nowhere/Atlantis", &got), -1);
	cr_assert_eq(dbk_today_in_zone("../UTC", &got), -1);
	cr_assert_eq(dbk_today_in_zone("", &got), -1);
	cr_assert_eq(dbk_today_in_zone(NULL, &got), -1);
	cr_assert(same_date(&got, 2000, 1, 1));
}

Test(zone, restores_tz)
{
	struct dbk_date	got;

	cr_assert_eq(setenv("TZ", "Europe/Paris", 1), 0);
	cr_assert_eq(dbk_today_in_zone("Pacific/Kiritimati", &got), 0);
	cr_assert_str_eq(getenv("TZ"), "Europe/Paris");
	cr_assert_eq(unsetenv("TZ"), 0);
	cr_assert_eq(dbk_today_in_zone("UTC", &got), 0);
	cr_assert_null(getenv("TZ"));
}

/*
 * Today in UTC and in Kiritimati (UTC+14, no daylight saving time) against
 * dates computed from time(): retried (bounded) when the clock crosses
 * midnight in either zone during the check.
 */
Test(zone, today_utc_and_kiritimati_differ_by_14_hours)
{
	struct dbk_date	utc, kiri, want_utc, want_kiri;
	struct dbk_date	after_utc, after_kiri;
	time_t		before, after;
	int		attempt, checked = 0;

	for (attempt = 0; attempt < 5 && !checked; attempt++) {
		before = time(NULL);
		cr_assert_eq(dbk_today_in_zone("UTC", &utc), 0);
		cr_assert_eq(dbk_today_in_zone("Pacific/Kiritimati", &kiri), 0);
		after = time(NULL);
		want_utc = utc_date(before, 0);
		want_kiri = utc_date(before, 14 * 3600);
		after_utc = utc_date(after, 0);
		after_kiri = utc_date(after, 14 * 3600);
		if (dbk_date_cmp(&want_utc, &after_utc) != 0 ||
		    dbk_date_cmp(&want_kiri, &after_kiri) != 0)
			continue;
		cr_assert_eq(dbk_date_cmp(&utc, &want_utc), 0);
		cr_assert_eq(dbk_date_cmp(&kiri, &want_kiri), 0);
		cr_assert_geq(dbk_date_to_days(&kiri) - dbk_date_to_days(&utc),
		    0);
		cr_assert_leq(dbk_date_to_days(&kiri) - dbk_date_to_days(&utc),
		    1);
		checked = 1;
	}
	cr_assert(checked, "the clock kept crossing midnight");
}
