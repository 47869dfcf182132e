/*
 * Unit tests for src/core/csv.c: the RFC 4180 writer and the work log import
 * parser (quotes, commas and newlines in notes, BOM, CRLF, bad rows with
 * line numbers, limits, random bytes).
 *
 * Parser inputs are copied into heap buffers of exactly their length so
 * that ASan catches a read past the end.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "core/csv.h"
#include "core/validate.h"
#include "core/worklog.h"

#define LIT(s)		(s), (sizeof(s) - 1)
#define HEADER		"date,kind,half_day,location,note\r\n"

/* Parses len bytes from an exact-size heap copy; caller frees *imp. */
static int
parse(const char *s, size_t len, struct dbk_csv_import *imp)
{
	char	*copy;
	int	 rc;

	copy = malloc(len > 0 ? len : 1);
	cr_assert_not_null(copy);
	if (len > 0)
		memcpy(copy, s, len);
	rc = dbk_csv_import_parse(copy, len, imp);
	free(copy);
	return (rc);
}

static int
parse_str(const char *s, struct dbk_csv_import *imp)
{
	return (parse(s, strlen(s), imp));
}

/* The writer's output as a NUL-terminated string (static buffer). */
static const char *
written(const struct dbk_csv_writer *w)
{
	static char	buf[4096];

	cr_assert_lt(w->len, sizeof(buf));
	memcpy(buf, w->data, w->len);
	buf[w->len] = '\0';
	return (buf);
}

static void
assert_error(const struct dbk_csv_import *imp, size_t i, int line,
    enum dbk_csv_reason reason)
{
	cr_assert_lt(i, imp->nerrors, "error %zu missing", i);
	cr_assert_eq(imp->errors[i].line, line, "error %zu: line %d, not %d",
	    i, imp->errors[i].line, line);
	cr_assert_eq(imp->errors[i].reason, reason,
	    "error %zu: reason %d, not %d", i, imp->errors[i].reason, reason);
}

/* ---- Writer ---------------------------------------------------------- */

Test(writer, quoting_rules)
{
	struct dbk_csv_writer	w;

	dbk_csv_writer_init(&w, 0);
	cr_assert_eq(dbk_csv_write_field(&w, LIT("plain")), 0);
	cr_assert_eq(dbk_csv_write_field(&w, LIT("a,b")), 0);
	cr_assert_eq(dbk_csv_write_field(&w, LIT("say \"hi\"")), 0);
	cr_assert_eq(dbk_csv_write_field(&w, LIT("two\nlines")), 0);
	cr_assert_eq(dbk_csv_write_field(&w, LIT("cr\rhere")), 0);
	cr_assert_eq(dbk_csv_write_field(&w, NULL, 0), 0);
	cr_assert_eq(dbk_csv_write_field(&w, LIT(" spaced ")), 0);
	cr_assert_eq(dbk_csv_write_field(&w, LIT("\"")), 0);
	cr_assert_eq(dbk_csv_end_row(&w), 0);
	cr_assert_eq(dbk_csv_write_field(&w, LIT("Zoë ☃")), 0);
	cr_assert_eq(dbk_csv_end_row(&w), 0);
	cr_assert_str_eq(written(&w),
	    "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\","
	    ", spaced ,\"\"\"\"\r\nZoë ☃\r\n");
	cr_assert_eq(w.failed, 0);
	dbk_csv_writer_free(&w);
	dbk_csv_writer_free(&w);
	cr_assert_null(w.data);
}

Test(writer, header_and_entry)
{
	struct dbk_csv_writer	w;
	struct dbk_date		d = { 2026, 1, 5 };
	struct dbk_date		bad = { 2026, 2, 30 };

	dbk_csv_writer_init(&w, 0);
	cr_assert_eq(dbk_csv_write_header(&w), 0);
	cr_assert_eq(dbk_csv_write_entry(&w, &d, DBK_DAY_REMOTE, 1,
	    LIT("Lisbon"), LIT("with, comma")), 0);
	cr_assert_eq(dbk_csv_write_entry(&w, &d, (enum dbk_day_kind)9, 0,
	    LIT(""), LIT("")), -1);
	cr_assert_eq(dbk_csv_write_entry(&w, &bad, DBK_DAY_OFFICE, 0,
	    LIT(""), LIT("")), -1);
	cr_assert_eq(w.failed, 0, "an invalid entry is not a write failure");
	cr_assert_eq(dbk_csv_write_entry(&w, &d, DBK_DAY_OFFICE, 0, NULL, 0,
	    NULL, 0), 0);
	cr_assert_str_eq(written(&w), HEADER
	    "2026-01-05,remote,1,Lisbon,\"with, comma\"\r\n"
	    "2026-01-05,office,0,,\r\n");
	dbk_csv_writer_free(&w);
}

Test(writer, limit_is_sticky)
{
	struct dbk_csv_writer	w;

	dbk_csv_writer_init(&w, 10);
	cr_assert_eq(dbk_csv_write_field(&w, LIT("12345")), 0);
	cr_assert_eq(dbk_csv_write_field(&w, LIT("12345")), -1);
	cr_assert(w.failed);
	cr_assert_eq(w.len, 5, "nothing of the failed field written");
	cr_assert_eq(dbk_csv_write_field(&w, LIT("1")), -1, "sticky");
	cr_assert_eq(dbk_csv_end_row(&w), -1);
	cr_assert_eq(w.len, 5);
	dbk_csv_writer_free(&w);
}

Test(writer, grows_past_initial_capacity)
{
	struct dbk_csv_writer	w;
	char			big[5000];
	int			i;

	memset(big, 'x', sizeof(big));
	big[100] = '"';
	dbk_csv_writer_init(&w, 0);
	for (i = 0; i < 20; i++)
		cr_assert_eq(dbk_csv_write_field(&w, big, sizeof(big)), 0);
	cr_assert_eq(dbk_csv_end_row(&w), 0);
	/* Each field: quotes, one doubled quote, a comma after the first. */
	cr_assert_eq(w.len, 20 * (sizeof(big) + 3) + 19 + 2);
	dbk_csv_writer_free(&w);
}

/* ---- Round trip ------------------------------------------------------ */

struct sample {
	struct dbk_date		 date;
	enum dbk_day_kind	 kind;
	int			 half_day;
	const char		*location;
	const char		*note;
};

static const struct sample samples[] = {
	{ { 2026, 1, 5 }, DBK_DAY_REMOTE, 0, "Lisbon", "plain note" },
	{ { 2026, 1, 6 }, DBK_DAY_OFFICE, 1, "", "" },
	{ { 2026, 1, 7 }, DBK_DAY_VACATION, 0, "Ko Samui, Thailand",
	    "commas, everywhere, \"quotes\" and \"\"doubled\"\"" },
	{ { 2026, 1, 8 }, DBK_DAY_SICK, 1, "home",
	    "line one\nline two\r\nline three\n\nline five" },
	{ { 2026, 2, 28 }, DBK_DAY_HOLIDAY, 0, "Zürich ☃",
	    "emoji 😀, tab\there, \"quoted,\nmultiline\"" },
	{ { 1970, 1, 1 }, DBK_DAY_OFFICE, 0, "\"", "," },
	{ { 2100, 12, 31 }, DBK_DAY_REMOTE, 0, "a\"b", "\"\"" },
};

#define NSAMPLES	(sizeof(samples) / sizeof(samples[0]))

Test(roundtrip, write_then_parse)
{
	struct dbk_csv_writer	 w;
	struct dbk_csv_import	 imp;
	const struct sample	*s;
	size_t			 i;

	dbk_csv_writer_init(&w, 0);
	cr_assert_eq(dbk_csv_write_header(&w), 0);
	for (i = 0; i < NSAMPLES; i++) {
		s = &samples[i];
		cr_assert_eq(dbk_csv_write_entry(&w, &s->date, s->kind,
		    s->half_day, s->location, strlen(s->location), s->note,
		    strlen(s->note)), 0);
	}
	cr_assert_eq(parse(w.data, w.len, &imp), DBK_CSV_OK);
	cr_assert_eq(imp.nerrors, 0, "first error: line %d reason %d",
	    imp.nerrors ? imp.errors[0].line : 0,
	    imp.nerrors ? (int)imp.errors[0].reason : 0);
	cr_assert_eq(imp.nrows, NSAMPLES);
	for (i = 0; i < NSAMPLES; i++) {
		s = &samples[i];
		cr_assert_eq(dbk_date_cmp(&imp.rows[i].date, &s->date), 0);
		cr_assert_eq(imp.rows[i].kind, s->kind);
		cr_assert_eq(imp.rows[i].half_day, s->half_day);
		cr_assert_str_eq(imp.rows[i].location, s->location);
		cr_assert_eq(imp.rows[i].location_len, strlen(s->location));
		cr_assert_str_eq(imp.rows[i].note, s->note);
		cr_assert_eq(imp.rows[i].note_len, strlen(s->note));
	}
	/* Line numbers count the newlines inside quoted notes. */
	cr_assert_eq(imp.rows[0].line, 2);
	cr_assert_eq(imp.rows[3].line, 5);
	cr_assert_eq(imp.rows[4].line, 5 + 5);
	cr_assert_eq(imp.rows[5].line, 5 + 5 + 2);
	dbk_csv_import_free(&imp);
	dbk_csv_writer_free(&w);
}

/* ---- Parser: good input ---------------------------------------------- */

Test(parse, bom_lf_and_no_final_newline)
{
	struct dbk_csv_import	imp;

	cr_assert_eq(parse_str("\xEF\xBB\xBF"
	    "date,kind,half_day,location,note\n"
	    "2026-03-02,office,,,\n"
	    "2026-03-03,Remote,YES,Porto,\"a, b\"", &imp), DBK_CSV_OK);
	cr_assert_eq(imp.nerrors, 0);
	cr_assert_eq(imp.nrows, 2);
	cr_assert_eq(imp.rows[0].kind, DBK_DAY_OFFICE);
	cr_assert_eq(imp.rows[0].half_day, 0);
	cr_assert_str_eq(imp.rows[0].location, "");
	cr_assert_eq(imp.rows[1].kind, DBK_DAY_REMOTE);
	cr_assert_eq(imp.rows[1].half_day, 1);
	cr_assert_str_eq(imp.rows[1].note, "a, b");
	cr_assert_eq(imp.rows[1].line, 3);
	dbk_csv_import_free(&imp);
}

Test(parse, crlf_lone_cr_blank_lines_and_trimming)
{
	struct dbk_csv_import	imp;

	cr_assert_eq(parse_str("\r\nDATE, Kind ,Half_Day,location,NOTE\r\n"
	    "\r\n"
	    " 2026-03-02 , sick , true ,  here , note \r\n"
	    "2026-03-03,holiday,false,,\r"
	    "2026-03-04,vacation,no,,\r\n\r\n\n", &imp), DBK_CSV_OK);
	cr_assert_eq(imp.nerrors, 0);
	cr_assert_eq(imp.nrows, 3);
	cr_assert_eq(imp.rows[0].line, 4);
	cr_assert_eq(imp.rows[0].half_day, 1);
	cr_assert_str_eq(imp.rows[0].location, "here");
	cr_assert_eq(imp.rows[0].location_len, 4);
	cr_assert_str_eq(imp.rows[0].note, "note");
	cr_assert_eq(imp.rows[1].line, 5);
	cr_assert_eq(imp.rows[1].half_day, 0);
	cr_assert_eq(imp.rows[2].line, 6, "a lone CR ends a line");
	cr_assert_eq(imp.rows[2].kind, DBK_DAY_VACATION);
	dbk_csv_import_free(&imp);
	dbk_csv_import_free(&imp);
}

Test(parse, half_day_values)
{
	static const struct {
		const char	*text;
		int		 value;
	} cases[] = {
		{ "", 0 }, { "0", 0 }, { "1", 1 }, { "true", 1 },
		{ "FALSE", 0 }, { "Yes", 1 }, { "no", 0 }, { "2", -1 },
		{ "y", -1 }, { "on", -1 }, { "01", -1 }, { "1.0", -1 },
		{ "yesyesyes", -1 },
	};
	struct dbk_csv_import	imp;
	char			file[200];
	size_t			i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(file, sizeof(file),
		    HEADER "2026-01-05,office,%s,,\r\n", cases[i].text);
		cr_assert_eq(parse_str(file, &imp), DBK_CSV_OK);
		if (cases[i].value == -1) {
			cr_assert_eq(imp.nrows, 0, "%s", cases[i].text);
			assert_error(&imp, 0, 2, DBK_CSV_BAD_HALF_DAY);
		} else {
			cr_assert_eq(imp.nrows, 1, "%s", cases[i].text);
			cr_assert_eq(imp.rows[0].half_day, cases[i].value);
		}
		dbk_csv_import_free(&imp);
	}
}

Test(parse, header_only_and_empty)
{
	struct dbk_csv_import	imp;

	cr_assert_eq(parse_str(HEADER, &imp), DBK_CSV_OK);
	cr_assert_eq(imp.nrows, 0);
	cr_assert_eq(imp.nerrors, 0);
	dbk_csv_import_free(&imp);

	cr_assert_eq(parse(NULL, 0, &imp), DBK_CSV_OK);
	cr_assert_eq(imp.nrows, 0);
	assert_error(&imp, 0, 1, DBK_CSV_BAD_HEADER);
	dbk_csv_import_free(&imp);

	cr_assert_eq(parse_str("\xEF\xBB\xBF", &imp), DBK_CSV_OK);
	assert_error(&imp, 0, 1, DBK_CSV_BAD_HEADER);
	dbk_csv_import_free(&imp);
}

Test(parse, bad_header)
{
	static const char	*bad[] = {
		"2026-01-05,office,0,,\r\n",
		"date,kind,half_day,location\r\n",
		"date,kind,half_day,location,note,extra\r\n",
		"date,kind,halfday,location,note\r\n",
		"\"date,kind,half_day,location,note\r\n",
	};
	struct dbk_csv_import	imp;
	size_t			i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(parse_str(bad[i], &imp), DBK_CSV_OK);
		cr_assert_eq(imp.nerrors, 1, "%s", bad[i]);
		assert_error(&imp, 0, 1, DBK_CSV_BAD_HEADER);
		cr_assert_eq(imp.nrows, 0);
		dbk_csv_import_free(&imp);
	}
	cr_assert_eq(parse_str("\n\ndate,kind\n2026-01-05,office,0,,\n",
	    &imp), DBK_CSV_OK);
	assert_error(&imp, 0, 3, DBK_CSV_BAD_HEADER);
	cr_assert_eq(imp.nerrors, 1, "parsing stops at a bad header");
	dbk_csv_import_free(&imp);
}

/* ---- Parser: bad rows ------------------------------------------------ */

Test(parse, every_bad_row_with_its_line)
{
	struct dbk_csv_import	imp;
	const char		*file =
	    HEADER						/* 1 */
	    "2026-01-05,office,0,,\r\n"			/* 2 ok */
	    "2026-02-30,office,0,,\r\n"			/* 3 date */
	    "2026-01-06,meeting,0,,\r\n"		/* 4 kind */
	    "2026-01-07,office,maybe,,\r\n"		/* 5 half */
	    "2026-01-08,office,0,\"multi\r\nline\",x\r\n"	/* 6-7 utf8 */
	    "2026-01-09,office,0,,\"note\r\n"		/* 8 ok */
	    "spanning\r\n"				/* 9 */
	    "three lines\"\r\n"				/* 10 */
	    "2026-01-10,office,0\r\n"			/* 11 count */
	    "2026-01-05,remote,1,,\r\n"			/* 12 dup */
	    "1969-12-31,office,0,,\r\n"			/* 13 date */
	    "2026-01-11,office,0,,a,b\r\n"		/* 14 count */
	    "2026-01-12,office,0,ab\"c,\r\n"		/* 15 quote */
	    "2026-01-13,office,0,\"ab\"c,\r\n"		/* 16 quote */
	    "2026-01-14,office,0,\xC3\x28,\r\n"		/* 17 utf8 */
	    "2026-01-15,office,0,,ctrl\x01\r\n"		/* 18 utf8 */
	    "2026-1-16,office,0,,\r\n"			/* 19 date */
	    "2026-01-17,office,0,,\"unterminated\r\n"	/* 20 */
	    "2026-01-18,office,0,,\r\n";			/* (inside) */

	cr_assert_eq(parse_str(file, &imp), DBK_CSV_OK);
	cr_assert_eq(imp.nrows, 2);
	cr_assert_eq(imp.rows[0].line, 2);
	cr_assert_eq(imp.rows[1].line, 8);
	cr_assert_str_eq(imp.rows[1].note, "note\r\nspanning\r\nthree lines");
	cr_assert_eq(imp.nerrors, 14);
	assert_error(&imp, 0, 3, DBK_CSV_BAD_DATE);
	assert_error(&imp, 1, 4, DBK_CSV_UNKNOWN_KIND);
	assert_error(&imp, 2, 5, DBK_CSV_BAD_HALF_DAY);
	assert_error(&imp, 3, 6, DBK_CSV_BAD_UTF8);
	assert_error(&imp, 4, 11, DBK_CSV_FIELD_COUNT);
	assert_error(&imp, 5, 12, DBK_CSV_DUPLICATE_DATE);
	cr_assert_eq(imp.errors[5].first_line, 2);
	assert_error(&imp, 6, 13, DBK_CSV_BAD_DATE);
	assert_error(&imp, 7, 14, DBK_CSV_FIELD_COUNT);
	assert_error(&imp, 8, 15, DBK_CSV_BAD_QUOTE);
	assert_error(&imp, 9, 16, DBK_CSV_BAD_QUOTE);
	assert_error(&imp, 10, 17, DBK_CSV_BAD_UTF8);
	assert_error(&imp, 11, 18, DBK_CSV_BAD_UTF8);
	assert_error(&imp, 12, 19, DBK_CSV_BAD_DATE);
	assert_error(&imp, 13, 20, DBK_CSV_UNTERMINATED_QUOTE);
	dbk_csv_import_free(&imp);
}

Test(parse, duplicate_points_at_first_line)
{
	struct dbk_csv_import	imp;

	cr_assert_eq(parse_str(HEADER
	    "2026-01-05,office,0,,\n"
	    "2026-01-06,office,0,,\n"
	    "2026-01-05,sick,0,,\n"
	    "2026-01-05,remote,0,,\n", &imp), DBK_CSV_OK);
	cr_assert_eq(imp.nrows, 2);
	cr_assert_eq(imp.nerrors, 2);
	assert_error(&imp, 0, 4, DBK_CSV_DUPLICATE_DATE);
	cr_assert_eq(imp.errors[0].first_line, 2);
	assert_error(&imp, 1, 5, DBK_CSV_DUPLICATE_DATE);
	cr_assert_eq(imp.errors[1].first_line, 2);
	dbk_csv_import_free(&imp);
}

/* n copies of the UTF-8 character ch; caller frees. */
static char *
repeat(const char *ch, size_t n)
{
	size_t	 clen = strlen(ch), i;
	char	*s = malloc(clen * n + 1);

	cr_assert_not_null(s);
	for (i = 0; i < n; i++)
		memcpy(s + i * clen, ch, clen);
	s[clen * n] = '\0';
	return (s);
}

static void
check_lengths(size_t loc_chars, size_t note_chars, int want_reason)
{
	struct dbk_csv_import	 imp;
	char			*loc = repeat("é", loc_chars);
	char			*note = repeat("☃", note_chars);
	char			*file;
	size_t			 size = strlen(loc) + strlen(note) + 100;

	file = malloc(size);
	cr_assert_not_null(file);
	snprintf(file, size, HEADER "2026-01-05,remote,0,%s,%s\r\n", loc, note);
	cr_assert_eq(parse_str(file, &imp), DBK_CSV_OK);
	if (want_reason == 0) {
		cr_assert_eq(imp.nerrors, 0);
		cr_assert_eq(imp.nrows, 1);
		cr_assert_eq(dbk_utf8_length(imp.rows[0].location,
		    imp.rows[0].location_len), loc_chars);
		cr_assert_eq(dbk_utf8_length(imp.rows[0].note,
		    imp.rows[0].note_len), note_chars);
	} else {
		cr_assert_eq(imp.nrows, 0);
		assert_error(&imp, 0, 2, want_reason);
	}
	dbk_csv_import_free(&imp);
	free(file);
	free(loc);
	free(note);
}

Test(parse, location_and_note_lengths_in_characters)
{
	check_lengths(100, 500, 0);
	check_lengths(101, 0, DBK_CSV_LOCATION_TOO_LONG);
	check_lengths(0, 501, DBK_CSV_NOTE_TOO_LONG);
}

Test(parse, embedded_nul_is_bad_utf8)
{
	struct dbk_csv_import	imp;
	const char		file[] =
	    HEADER "2026-01-05,office,0,,a\0b\r\n";

	cr_assert_eq(parse(file, sizeof(file) - 1, &imp), DBK_CSV_OK);
	cr_assert_eq(imp.nrows, 0);
	assert_error(&imp, 0, 2, DBK_CSV_BAD_UTF8);
	dbk_csv_import_free(&imp);
}

Test(parse, messages_exist)
{
	int	r;

	for (r = DBK_CSV_BAD_HEADER; r <= DBK_CSV_DUPLICATE_DATE; r++)
		cr_assert_not_null(dbk_csv_reason_message(r));
	cr_assert_not_null(dbk_csv_reason_message(0));
	cr_assert_not_null(dbk_csv_status_message(DBK_CSV_ETOOMANY));
	cr_assert_not_null(dbk_csv_status_message(42));
}

/* ---- Limits ---------------------------------------------------------- */

/* A file with n records on consecutive days from 1970-01-01; caller frees. */
static char *
many_rows(size_t n, size_t *len)
{
	struct dbk_date	 d;
	char		 day[DBK_DATE_STR_LEN];
	char		*file, *p;
	size_t		 i, size = strlen(HEADER) + n * 32 + 1;

	file = malloc(size);
	cr_assert_not_null(file);
	p = file + sprintf(file, HEADER);
	for (i = 0; i < n; i++) {
		dbk_days_to_date((int64_t)i, &d);
		dbk_date_format(&d, day);
		p += sprintf(p, "%s,office,0,,\r\n", day);
	}
	*len = (size_t)(p - file);
	return (file);
}

Test(limits, rows)
{
	struct dbk_csv_import	 imp;
	char			*file;
	size_t			 len;

	file = many_rows(DBK_CSV_MAX_ROWS, &len);
	cr_assert_eq(parse(file, len, &imp), DBK_CSV_OK);
	cr_assert_eq(imp.nrows, DBK_CSV_MAX_ROWS);
	cr_assert_eq(imp.nerrors, 0);
	cr_assert_eq(imp.rows[DBK_CSV_MAX_ROWS - 1].line, DBK_CSV_MAX_ROWS + 1);
	dbk_csv_import_free(&imp);
	free(file);

	file = many_rows(DBK_CSV_MAX_ROWS + 1, &len);
	cr_assert_eq(parse(file, len, &imp), DBK_CSV_ETOOMANY);
	cr_assert_eq(imp.nrows, 0);
	cr_assert_null(imp.rows);
	dbk_csv_import_free(&imp);
	free(file);
}

Test(limits, bytes)
{
	struct dbk_csv_import	 imp;
	char			*file;
	size_t			 len = DBK_CSV_MAX_BYTES;

	/* Exactly the limit: one huge quoted note, parsed (and rejected). */
	file = malloc(len + 1);
	cr_assert_not_null(file);
	memset(file, 'x', len + 1);
	memcpy(file, HEADER "2026-01-05,office,0,,\"", strlen(HEADER) + 22);
	file[len - 1] = '"';
	cr_assert_eq(parse(file, len, &imp), DBK_CSV_OK);
	cr_assert_eq(imp.nrows, 0);
	assert_error(&imp, 0, 2, DBK_CSV_NOTE_TOO_LONG);
	dbk_csv_import_free(&imp);

	cr_assert_eq(parse(file, len + 1, &imp), DBK_CSV_ETOOLARGE);
	cr_assert_eq(imp.nerrors, 0);
	dbk_csv_import_free(&imp);
	free(file);
}

/* A file of nothing but quotes and commas: no crash, sane results. */
Test(limits, pathological_shapes)
{
	struct dbk_csv_import	 imp;
	char			*file;
	size_t			 len = 100000, i;
	static const char	 shapes[] = "\",\n";
	int			 s;

	file = malloc(len);
	cr_assert_not_null(file);
	for (s = 0; s < 3; s++) {
		memcpy(file, HEADER, strlen(HEADER));
		for (i = strlen(HEADER); i < len; i++)
			file[i] = shapes[s];
		(void)parse(file, len, &imp);
		dbk_csv_import_free(&imp);
	}
	free(file);
}

/* ---- Random bytes ---------------------------------------------------- */

static uint64_t
next_random(uint64_t *state)
{
	uint64_t	x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return (x);
}

#define NUL_PIECE	19

/* Random text biased towards CSV syntax and the import's values. */
static size_t
random_file(uint64_t *rng, char *buf, size_t cap)
{
	static const char	*pieces[] = {
		",", "\"", "\"\"", "\r\n", "\n", "\r", "2026-01-05",
		"2026-02-29", "office", "remote", "1", "yes", "", " ",
		"\xEF\xBB\xBF", "\xC3\xA9", "\xC3", "\xF0\x9F\x98\x80", "x",
		"\0",
	};
	size_t			 len = 0, n, plen, i, which;

	if (next_random(rng) % 2) {
		memcpy(buf, HEADER, strlen(HEADER));
		len = strlen(HEADER);
	}
	n = next_random(rng) % 200;
	for (i = 0; i < n; i++) {
		if (next_random(rng) % 4 == 0) {
			if (len + 1 > cap)
				break;
			buf[len++] = (char)(next_random(rng) & 0xff);
			continue;
		}
		which = next_random(rng) % (sizeof(pieces) / sizeof(pieces[0]));
		/* The last piece is a NUL byte. */
		plen = which == NUL_PIECE ? 1 : strlen(pieces[which]);
		if (len + plen > cap)
			break;
		memcpy(buf + len, pieces[which], plen);
		len += plen;
	}
	return (len);
}

Test(random, no_crash_and_sane_results)
{
	struct dbk_csv_import	 imp;
	char			 buf[4096];
	uint64_t		 rng = 0x9e3779b97f4a7c15ULL;
	size_t			 len, i;
	int			 iter, rc, prev_line;

	for (iter = 0; iter < 3000; iter++) {
		len = random_file(&rng, buf, sizeof(buf));
		rc = parse(buf, len, &imp);
		cr_assert_eq(rc, DBK_CSV_OK);
		prev_line = 0;
		for (i = 0; i < imp.nrows; i++) {
			const struct dbk_csv_row *r = &imp.rows[i];

			cr_assert_gt(r->line, prev_line);
			prev_line = r->line;
			cr_assert(dbk_utf8_valid(r->location, r->location_len,
			    DBK_UTF8_SINGLE_LINE));
			cr_assert(dbk_utf8_valid(r->note, r->note_len,
			    DBK_UTF8_ALLOW_NEWLINES));
			cr_assert_eq(r->location[r->location_len], '\0');
			cr_assert_eq(r->note[r->note_len], '\0');
			cr_assert(dbk_date_valid(r->date.year, r->date.month,
			    r->date.day));
			cr_assert_not_null(dbk_day_kind_name(r->kind));
		}
		prev_line = 0;
		for (i = 0; i < imp.nerrors; i++) {
			cr_assert_gt(imp.errors[i].line, prev_line);
			prev_line = imp.errors[i].line;
			cr_assert_not_null(
			    dbk_csv_reason_message(imp.errors[i].reason));
		}
		dbk_csv_import_free(&imp);
	}
}
