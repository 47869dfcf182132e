/*
 * daybook input validation: UTF-8 text, trimming, textarea lines, email
 * addresses, calendar dates, redirect targets, ids, hex and constant-time
 * comparison.
 *
 * Pure C: no Kore, no allocation, no locale.  Every function takes a
 * pointer and a length (never relies on a NUL), never reads outside
 * [s, s + len) and never crashes on malformed bytes.  Pointers must not be
 * NULL unless len is 0, except where a function says otherwise.
 */

#ifndef DBK_VALIDATE_H
#define DBK_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

/* dbk_utf8_valid flags. */
#define DBK_UTF8_SINGLE_LINE	0x0	/* no CR or LF */
#define DBK_UTF8_ALLOW_NEWLINES	0x1	/* CR and LF allowed */

/* Years dbk_date_valid and the parsers accept. */
#define DBK_YEAR_MIN		1970
#define DBK_YEAR_MAX		2100

/* Longest path dbk_local_path_ok accepts, in bytes. */
#define DBK_LOCAL_PATH_MAX	512

/* Largest id dbk_parse_id accepts: 2^53, exact in a double (JSON). */
#define DBK_ID_MAX		(UINT64_C(1) << 53)

/* Longest normalized email address, in bytes (without the NUL). */
#define DBK_EMAIL_MAX		254
#define DBK_EMAIL_LOCAL_MAX	64

/* Room for "YYYY-MM-DD" and its NUL. */
#define DBK_DATE_STR_LEN	11

struct dbk_date {
	int	year;
	int	month;		/* 1-12 */
	int	day;		/* 1-31 */
};

/*
 * Returns 1 when the len bytes at s are well-formed UTF-8 text, else 0.
 * Rejected: overlong encodings, surrogates (U+D800-U+DFFF), code points
 * above U+10FFFF, truncated sequences, stray continuation bytes, NUL, the
 * other C0 control characters and DEL (U+007F).  Tab is always allowed;
 * CR and LF only with DBK_UTF8_ALLOW_NEWLINES in flags (DBK_UTF8_SINGLE_LINE
 * rejects them).  Non-ASCII characters, C1 controls included, are allowed.
 * An empty string is valid.  A NULL s with len > 0 is invalid.
 */
int	dbk_utf8_valid(const char *s, size_t len, unsigned int flags);

/*
 * Number of code points in the len bytes at s.  Meant for text that
 * dbk_utf8_valid accepted; for anything else it counts the bytes that are
 * not continuation bytes (10xxxxxx), which is never more than len.
 */
size_t	dbk_utf8_length(const char *s, size_t len);

/*
 * Moves *s forward and shrinks *len so that the string has no leading or
 * trailing ASCII whitespace (space, tab, CR, LF, VT, FF).  Only the pointer
 * and the length change; an all-whitespace string becomes length 0.
 */
void	dbk_trim(const char **s, size_t *len);

/*
 * Textarea line iterator.  Start with *cursor at the text and end one past
 * its last byte.  Each call that returns 1 sets *line and *len to the next
 * line without its terminator (\n, \r\n or a lone \r) and moves *cursor past
 * it; lines may be empty.  Returns 0 when *cursor has reached end.  A final
 * terminator does not start another (empty) line: "a\n" is one line, "" is
 * none, "\n" is one empty line.
 */
int	dbk_lines_next(const char **cursor, const char *end, const char **line,
	    size_t *len);

/*
 * Normalizes an email address: trims ASCII whitespace, lower-cases it and
 * checks a practical syntax: exactly one '@'; a local part of 1-64
 * characters from [a-z0-9!#$%&'*+/=?^_`{|}~.-] with no leading, trailing or
 * doubled dot; a domain of two or more dot-separated labels of 1-63
 * characters from [a-z0-9-] that neither start nor end with '-'; 254 bytes
 * in all.  Spaces, controls, quotes and non-ASCII are rejected.  On success
 * writes the NUL-terminated normalized address to out (outlen must be more
 * than its length) and returns 0; otherwise returns -1 and, when outlen > 0,
 * leaves out an empty string.
 */
int	dbk_email_normalize(const char *in, size_t len, char *out,
	    size_t outlen);

/* Returns 1 for a leap year of the proleptic Gregorian calendar, else 0. */
int	dbk_is_leap(int year);

/* Days in month (1-12) of year (any year), or 0 when month is out of range. */
int	dbk_days_in_month(int year, int month);

/*
 * Returns 1 when year-month-day is a real date with year in
 * DBK_YEAR_MIN..DBK_YEAR_MAX, else 0.
 */
int	dbk_date_valid(int year, int month, int day);

/*
 * Parses exactly "YYYY-MM-DD" (10 bytes, ASCII digits, no sign or spaces)
 * into *out when dbk_date_valid accepts it.  Returns 0, or -1 and leaves
 * *out unchanged.
 */
int	dbk_date_parse(const char *s, size_t len, struct dbk_date *out);

/*
 * Parses exactly "YYYY-MM" (7 bytes) with year DBK_YEAR_MIN..DBK_YEAR_MAX
 * and month 1-12.  Returns 0, or -1 and leaves *year and *month unchanged.
 */
int	dbk_month_parse(const char *s, size_t len, int *year, int *month);

/*
 * Days from 1970-01-01 to *date (negative before it).  Works for any real
 * date (month 1-12, day within the month) with a year within +-1000000000,
 * not only DBK_YEAR_MIN..DBK_YEAR_MAX, so that month grids may spill into
 * 1969 and 2101.  Returns INT64_MIN for anything else.
 */
int64_t	dbk_date_to_days(const struct dbk_date *date);

/*
 * The inverse of dbk_date_to_days: the date days after 1970-01-01 (proleptic
 * Gregorian).  days is clamped to +-2^39 (about +-1.5 billion years) so that
 * the year always fits in an int.
 */
void	dbk_days_to_date(int64_t days, struct dbk_date *out);

/*
 * Day of the week of *date: 0 = Monday ... 6 = Sunday, or -1 when
 * dbk_date_to_days rejects the date.
 */
int	dbk_weekday(const struct dbk_date *date);

/*
 * Returns -1, 0 or 1 as *a is before, the same day as or after *b (compared
 * by year, then month, then day).
 */
int	dbk_date_cmp(const struct dbk_date *a, const struct dbk_date *b);

/*
 * Writes "YYYY-MM-DD" and a NUL into out.  A date with a year outside
 * 0-9999, a month outside 1-12 or a day outside 1-31 is written as
 * "0000-00-00".
 */
void	dbk_date_format(const struct dbk_date *date,
	    char out[DBK_DATE_STR_LEN]);

/*
 * Returns 1 when s may be used as a post-login redirect target on this
 * site, else 0.  It must start with a single '/' (not "//"), be 1 to
 * DBK_LOCAL_PATH_MAX bytes of printable ASCII (no spaces, no controls, no
 * DEL, no bytes >= 0x80) and contain no backslash and no "://".
 */
int	dbk_local_path_ok(const char *s, size_t len);

/*
 * Parses a decimal id in 1..DBK_ID_MAX: ASCII digits only, no sign, no
 * leading zero, no spaces.  Returns 0 and sets *out, or -1 and leaves *out
 * unchanged.
 */
int	dbk_parse_id(const char *s, size_t len, uint64_t *out);

/*
 * Writes the len bytes at in as 2 * len lowercase hex digits and a NUL to
 * out, which must hold 2 * len + 1 bytes.
 */
void	dbk_hex_encode(const uint8_t *in, size_t len, char *out);

/*
 * Decodes len hex digits (either case) at in into len / 2 bytes at out.
 * Returns 0, or -1 when len is odd, a character is not a hex digit or
 * outlen < len / 2; on failure out is not written.
 */
int	dbk_hex_decode(const char *in, size_t len, uint8_t *out,
	    size_t outlen);

/*
 * Returns 1 when the len bytes at a and b are equal, else 0, taking the
 * same time whatever the contents (for tokens and MACs).  len 0 is equal.
 */
int	dbk_ct_equal(const void *a, const void *b, size_t len);

#endif
