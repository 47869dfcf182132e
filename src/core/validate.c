/*
 * daybook input validation: see validate.h.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "validate.h"

#define YEAR_LIMIT	1000000000LL
#define DAYS_LIMIT	(INT64_C(1) << 39)
#define DAYS_PER_400Y	146097

static const int	days_before_month[12] = {
	0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334
};

static int
is_ascii_space(unsigned char c)
{
	return (c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == '\v' || c == '\f');
}

static int
is_digit(unsigned char c)
{
	return (c >= '0' && c <= '9');
}

/* An ASCII byte that may appear in text under flags. */
static int
ascii_allowed(unsigned char c, unsigned int flags)
{
	if (c == '\t')
		return (1);
	if (c == '\n' || c == '\r')
		return ((flags & DBK_UTF8_ALLOW_NEWLINES) != 0);
	return (c >= 0x20 && c != 0x7f);
}

/*
 * Length of the well-formed multi-byte sequence starting at s (left bytes
 * available), or 0.  The bounds of the second byte depend on the lead byte:
 * they exclude overlongs (E0, F0), surrogates (ED) and values above
 * U+10FFFF (F4); later bytes are plain continuation bytes.
 */
static size_t
utf8_multibyte(const unsigned char *s, size_t left)
{
	unsigned char	lead = s[0], lo = 0x80, hi = 0xbf;
	size_t		need, i;

	if (lead >= 0xc2 && lead <= 0xdf)
		need = 2;
	else if (lead >= 0xe0 && lead <= 0xef)
		need = 3;
	else if (lead >= 0xf0 && lead <= 0xf4)
		need = 4;
	else
		return (0);
	if (lead == 0xe0)
		lo = 0xa0;
	else if (lead == 0xed)
		hi = 0x9f;
	else if (lead == 0xf0)
		lo = 0x90;
	else if (lead == 0xf4)
		hi = 0x8f;
	if (need > left)
		return (0);
	if (s[1] < lo || s[1] > hi)
		return (0);
	for (i = 2; i < need; i++)
		if ((s[i] & 0xc0) != 0x80)
			return (0);
	return (need);
}

int
dbk_utf8_valid(const char *s, size_t len, unsigned int flags)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n;

	if (s == NULL)
		return (len == 0);
	while (i < len) {
		if (p[i] < 0x80) {
			if (!ascii_allowed(p[i], flags))
				return (0);
			i++;
			continue;
		}
		if ((n = utf8_multibyte(p + i, len - i)) == 0)
			return (0);
		i += n;
	}
	return (1);
}

size_t
dbk_utf8_length(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, count = 0;

	for (i = 0; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			count++;
	return (count);
}

void
dbk_trim(const char **s, size_t *len)
{
	const char	*p = *s;
	size_t		 n = *len;

	while (n > 0 && is_ascii_space((unsigned char)p[0])) {
		p++;
		n--;
	}
	while (n > 0 && is_ascii_space((unsigned char)p[n - 1]))
		n--;
	*s = p;
	*len = n;
}

int
dbk_lines_next(const char **cursor, const char *end, const char **line,
    size_t *len)
{
	const char	*p = *cursor;

	if (p == NULL || end == NULL || p >= end)
		return (0);
	*line = p;
	while (p < end && *p != '\n' && *p != '\r')
		p++;
	*len = (size_t)(p - *line);
	if (p < end) {
		if (*p == '\r' && p + 1 < end && p[1] == '\n')
			p++;
		p++;
	}
	*cursor = p;
	return (1);
}

static int
email_local_char(unsigned char c)
{
	static const char	specials[] = "!#$%&'*+/=?^_`{|}~.-";

	if ((c >= 'a' && c <= 'z') || is_digit(c))
		return (1);
	return (c != '\0' && memchr(specials, c, sizeof(specials) - 1) != NULL);
}

static unsigned char
ascii_lower(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return ((unsigned char)(c - 'A' + 'a'));
	return (c);
}

/* The local part s[0..len) of an address, in either case. */
static int
email_local_ok(const char *s, size_t len)
{
	size_t		i;
	unsigned char	c;

	if (len == 0 || len > DBK_EMAIL_LOCAL_MAX)
		return (0);
	if (s[0] == '.' || s[len - 1] == '.')
		return (0);
	for (i = 0; i < len; i++) {
		c = ascii_lower((unsigned char)s[i]);
		if (!email_local_char(c))
			return (0);
		if (c == '.' && i + 1 < len && s[i + 1] == '.')
			return (0);
	}
	return (1);
}

/* Labels of 1-63 [a-z0-9-], not starting or ending with '-', at least two. */
static int
email_domain_ok(const char *s, size_t len)
{
	size_t		i, label_start = 0, labels = 0;
	unsigned char	c;

	for (i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			if (i == label_start || i - label_start > 63)
				return (0);
			if (s[label_start] == '-' || s[i - 1] == '-')
				return (0);
			labels++;
			label_start = i + 1;
			continue;
		}
		c = ascii_lower((unsigned char)s[i]);
		if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '-'))
			return (0);
	}
	return (labels >= 2);
}

int
dbk_email_normalize(const char *in, size_t len, char *out, size_t outlen)
{
	const char	*at;
	size_t		 i, local_len;

	if (out != NULL && outlen > 0)
		out[0] = '\0';
	if (in == NULL || out == NULL)
		return (-1);
	dbk_trim(&in, &len);
	if (len == 0 || len > DBK_EMAIL_MAX || outlen <= len)
		return (-1);
	if ((at = memchr(in, '@', len)) == NULL)
		return (-1);
	local_len = (size_t)(at - in);
	if (memchr(at + 1, '@', len - local_len - 1) != NULL)
		return (-1);
	if (!email_local_ok(in, local_len) ||
	    !email_domain_ok(at + 1, len - local_len - 1))
		return (-1);
	for (i = 0; i < len; i++)
		out[i] = (char)ascii_lower((unsigned char)in[i]);
	out[len] = '\0';
	return (0);
}

int
dbk_is_leap(int year)
{
	return ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0);
}

int
dbk_days_in_month(int year, int month)
{
	static const int	days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (month < 1 || month > 12)
		return (0);
	if (month == 2 && dbk_is_leap(year))
		return (29);
	return (days[month - 1]);
}

/* A real date in any year (no year range). */
static int
date_real(int year, int month, int day)
{
	return (month >= 1 && month <= 12 && day >= 1 &&
	    day <= dbk_days_in_month(year, month));
}

int
dbk_date_valid(int year, int month, int day)
{
	return (year >= DBK_YEAR_MIN && year <= DBK_YEAR_MAX &&
	    date_real(year, month, day));
}

/* The n ASCII digits at s as a number, or -1 when one is not a digit. */
static int
parse_digits(const char *s, size_t n)
{
	int	value = 0;
	size_t	i;

	for (i = 0; i < n; i++) {
		if (!is_digit((unsigned char)s[i]))
			return (-1);
		value = value * 10 + (s[i] - '0');
	}
	return (value);
}

int
dbk_date_parse(const char *s, size_t len, struct dbk_date *out)
{
	int	year, month, day;

	if (s == NULL || len != 10 || s[4] != '-' || s[7] != '-')
		return (-1);
	year = parse_digits(s, 4);
	month = parse_digits(s + 5, 2);
	day = parse_digits(s + 8, 2);
	if (!dbk_date_valid(year, month, day))
		return (-1);
	out->year = year;
	out->month = month;
	out->day = day;
	return (0);
}

int
dbk_month_parse(const char *s, size_t len, int *year, int *month)
{
	int	y, m;

	if (s == NULL || len != 7 || s[4] != '-')
		return (-1);
	y = parse_digits(s, 4);
	m = parse_digits(s + 5, 2);
	if (y < DBK_YEAR_MIN || y > DBK_YEAR_MAX || m < 1 || m > 12)
		return (-1);
	*year = y;
	*month = m;
	return (0);
}

/* a / b rounded towards minus infinity (b > 0). */
static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t	q = a / b;

	if (a % b != 0 && a < 0)
		q--;
	return (q);
}

/*
 * Leap years before year, counted from a fixed origin; only differences
 * between two values are meaningful.
 */
static int64_t
leaps_before(int64_t year)
{
	return (floor_div(year - 1, 4) - floor_div(year - 1, 100) +
	    floor_div(year - 1, 400));
}

static int
leap64(int64_t year)
{
	return ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0);
}

/* Days from 1970-01-01 to a real date; no checks. */
static int64_t
days_from_date(int64_t year, int month, int day)
{
	int64_t	days;

	days = 365 * (year - 1970) + leaps_before(year) - leaps_before(1970);
	days += days_before_month[month - 1];
	if (month > 2 && leap64(year))
		days++;
	return (days + day - 1);
}

int64_t
dbk_date_to_days(const struct dbk_date *date)
{
	if (date == NULL || date->year < -YEAR_LIMIT ||
	    date->year > YEAR_LIMIT ||
	    !date_real(date->year, date->month, date->day))
		return (INT64_MIN);
	return (days_from_date(date->year, date->month, date->day));
}

void
dbk_days_to_date(int64_t days, struct dbk_date *out)
{
	int64_t	year, day_of_year;
	int	month, leap, before;

	if (days > DAYS_LIMIT)
		days = DAYS_LIMIT;
	if (days < -DAYS_LIMIT)
		days = -DAYS_LIMIT;
	/* An estimate from the mean year, then corrected by at most a year. */
	year = 1970 + floor_div(days * 400, DAYS_PER_400Y);
	while (days_from_date(year, 1, 1) > days)
		year--;
	while (days_from_date(year + 1, 1, 1) <= days)
		year++;
	day_of_year = days - days_from_date(year, 1, 1);
	leap = leap64(year);
	for (month = 12; month > 1; month--) {
		before = days_before_month[month - 1] + (month > 2 ? leap : 0);
		if (day_of_year >= before)
			break;
	}
	before = days_before_month[month - 1] + (month > 2 ? leap : 0);
	out->year = (int)year;
	out->month = month;
	out->day = (int)(day_of_year - before) + 1;
}

int
dbk_weekday(const struct dbk_date *date)
{
	int64_t	days;

	if ((days = dbk_date_to_days(date)) == INT64_MIN)
		return (-1);
	/* 1970-01-01 was a Thursday (3). */
	return ((int)(days - 7 * floor_div(days, 7) + 3) % 7);
}

int
dbk_date_cmp(const struct dbk_date *a, const struct dbk_date *b)
{
	if (a->year != b->year)
		return (a->year < b->year ? -1 : 1);
	if (a->month != b->month)
		return (a->month < b->month ? -1 : 1);
	if (a->day != b->day)
		return (a->day < b->day ? -1 : 1);
	return (0);
}

/* Writes value (0 <= value < 10^width) as width digits. */
static void
put_digits(char *out, int value, int width)
{
	while (width-- > 0) {
		out[width] = (char)('0' + value % 10);
		value /= 10;
	}
}

void
dbk_date_format(const struct dbk_date *date, char out[DBK_DATE_STR_LEN])
{
	int	year = 0, month = 0, day = 0;

	if (date->year >= 0 && date->year <= 9999 && date->month >= 1 &&
	    date->month <= 12 && date->day >= 1 && date->day <= 31) {
		year = date->year;
		month = date->month;
		day = date->day;
	}
	put_digits(out, year, 4);
	out[4] = '-';
	put_digits(out + 5, month, 2);
	out[7] = '-';
	put_digits(out + 8, day, 2);
	out[10] = '\0';
}

int
dbk_local_path_ok(const char *s, size_t len)
{
	size_t		i;
	unsigned char	c;

	if (s == NULL || len == 0 || len > DBK_LOCAL_PATH_MAX || s[0] != '/')
		return (0);
	if (len > 1 && s[1] == '/')
		return (0);
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c <= 0x20 || c >= 0x7f || c == '\\')
			return (0);
		if (c == ':' && i + 2 < len && s[i + 1] == '/' &&
		    s[i + 2] == '/')
			return (0);
	}
	return (1);
}

int
dbk_parse_id(const char *s, size_t len, uint64_t *out)
{
	uint64_t	value = 0;
	size_t		i;

	/* DBK_ID_MAX has 16 digits, so 16 digits cannot overflow. */
	if (s == NULL || len == 0 || len > 16 || s[0] == '0')
		return (-1);
	for (i = 0; i < len; i++) {
		if (!is_digit((unsigned char)s[i]))
			return (-1);
		value = value * 10 + (uint64_t)(s[i] - '0');
	}
	if (value > DBK_ID_MAX)
		return (-1);
	*out = value;
	return (0);
}

void
dbk_hex_encode(const uint8_t *in, size_t len, char *out)
{
	static const char	digits[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

/* The value of hex digit c, or -1. */
static int
hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

int
dbk_hex_decode(const char *in, size_t len, uint8_t *out, size_t outlen)
{
	size_t	i;

	if (len % 2 != 0 || len / 2 > outlen || (len > 0 && in == NULL))
		return (-1);
	for (i = 0; i < len; i++)
		if (hex_value((unsigned char)in[i]) < 0)
			return (-1);
	for (i = 0; i < len / 2; i++)
		out[i] = (uint8_t)(hex_value((unsigned char)in[2 * i]) << 4 |
		    hex_value((unsigned char)in[2 * i + 1]));
	return (0);
}

int
dbk_ct_equal(const void *a, const void *b, size_t len)
{
	const volatile unsigned char	*pa = a, *pb = b;
	unsigned int			 diff = 0;
	size_t				 i;

	for (i = 0; i < len; i++)
		diff |= (unsigned int)(pa[i] ^ pb[i]);
	/* diff is 0..255: (diff - 1) has bit 8 set only when diff is 0. */
	return ((int)(((diff - 1) >> 8) & 1));
}
