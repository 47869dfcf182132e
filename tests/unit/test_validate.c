/*
 * Unit tests for src/core/validate.c: UTF-8, trimming, textarea lines, email
 * addresses, dates, redirect targets, ids, hex and constant-time compare.
 *
 * Inputs are copied into heap buffers of exactly their length (heap_copy)
 * wherever a read past the end would matter, so that ASan catches one.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "core/validate.h"

/* A malloc'd copy of len bytes (at least one byte allocated); caller frees. */
static char *
heap_copy(const char *s, size_t len)
{
	char	*copy;

	copy = malloc(len > 0 ? len : 1);
	cr_assert_not_null(copy);
	if (len > 0)
		memcpy(copy, s, len);
	return (copy);
}

static int
utf8_ok(const char *s, size_t len, unsigned int flags)
{
	char	*copy = heap_copy(s, len);
	int	 result;

	result = dbk_utf8_valid(copy, len, flags);
	free(copy);
	return (result);
}

/* String literal helpers: the length excludes the literal's NUL. */
#define VALID1(lit)	utf8_ok((lit), sizeof(lit) - 1, DBK_UTF8_SINGLE_LINE)
#define VALIDN(lit)	utf8_ok((lit), sizeof(lit) - 1, DBK_UTF8_ALLOW_NEWLINES)

/* Deterministic xorshift64 generator for the random tests. */
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

/* Encodes cp (<= 0x10FFFF, surrogates included) as UTF-8; returns length. */
static size_t
encode_utf8(uint32_t cp, unsigned char *out)
{
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return (1);
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xc0 | cp >> 6);
		out[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return (2);
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xe0 | cp >> 12);
		out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return (3);
	}
	out[0] = (unsigned char)(0xf0 | cp >> 18);
	out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return (4);
}

/*
 * Reference validator, written differently from the one under test: decode
 * by the bit pattern of the lead byte, then check the value's range and
 * that it used the shortest form.  Counts code points into *count.
 */
static int
reference_utf8(const unsigned char *s, size_t len, unsigned int flags,
    size_t *count)
{
	static const uint32_t	min_for_len[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t			i = 0, n, k;
	uint32_t		cp;

	*count = 0;
	while (i < len) {
		if ((s[i] & 0x80) == 0x00) {
			n = 1;
			cp = s[i];
		} else if ((s[i] & 0xe0) == 0xc0) {
			n = 2;
			cp = s[i] & 0x1f;
		} else if ((s[i] & 0xf0) == 0xe0) {
			n = 3;
			cp = s[i] & 0x0f;
		} else if ((s[i] & 0xf8) == 0xf0) {
			n = 4;
			cp = s[i] & 0x07;
		} else
			return (0);
		if (len - i < n)
			return (0);
		for (k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return (0);
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (n > 1 && cp < min_for_len[n])
			return (0);
		if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return (0);
		if (cp < 0x20 && cp != '\t' && !((flags &
		    DBK_UTF8_ALLOW_NEWLINES) && (cp == '\n' || cp == '\r')))
			return (0);
		if (cp == 0x7f)
			return (0);
		i += n;
		(*count)++;
	}
	return (1);
}

/* ---- UTF-8 ---------------------------------------------------------- */

Test(utf8, ascii_and_empty)
{
	cr_assert_eq(VALID1(""), 1);
	cr_assert_eq(dbk_utf8_valid(NULL, 0, 0), 1);
	cr_assert_eq(dbk_utf8_valid(NULL, 3, 0), 0);
	cr_assert_eq(VALID1("Buy milk"), 1);
	cr_assert_eq(VALID1("~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./"), 1);
}

Test(utf8, multibyte_valid)
{
	cr_assert_eq(VALID1("caf\xc3\xa9"), 1);		/* é */
	cr_assert_eq(VALID1("\xe2\x82\xac"), 1);		/* € */
	cr_assert_eq(VALID1("\xf0\x9f\x98\x80"), 1);		/* 😀 */
	cr_assert_eq(VALID1("\xe6\x97\xa5\xe6\x9c\xac"), 1);	/* 日本 */
	cr_assert_eq(VALID1("\xc2\xa0"), 1);			/* NBSP */
	cr_assert_eq(VALID1("\xef\xbb\xbf" "x"), 1);		/* BOM */
}

Test(utf8, boundaries)
{
	cr_assert_eq(VALID1("\xc2\x80"), 1);		/* U+0080 */
	cr_assert_eq(VALID1("\xdf\xbf"), 1);		/* U+07FF */
	cr_assert_eq(VALID1("\xe0\xa0\x80"), 1);	/* U+0800 */
	cr_assert_eq(VALID1("\xed\x9f\xbf"), 1);	/* U+D7FF */
	cr_assert_eq(VALID1("\xee\x80\x80"), 1);	/* U+E000 */
	cr_assert_eq(VALID1("\xef\xbf\xbf"), 1);	/* U+FFFF */
	cr_assert_eq(VALID1("\xf0\x90\x80\x80"), 1);	/* U+10000 */
	cr_assert_eq(VALID1("\xf4\x8f\xbf\xbf"), 1);	/* U+10FFFF */
}

Test(utf8, overlong_rejected)
{
	cr_assert_eq(VALID1("\xc0\x80"), 0);		/* NUL, 2 bytes */
	cr_assert_eq(VALID1("\xc0\xaf"), 0);		/* '/', 2 bytes */
	cr_assert_eq(VALID1("\xc1\xbf"), 0);
	cr_assert_eq(VALID1("\xe0\x80\x80"), 0);
	cr_assert_eq(VALID1("\xe0\x80\xaf"), 0);	/* '/', 3 bytes */
	cr_assert_eq(VALID1("\xe0\x9f\xbf"), 0);	/* U+07FF, 3 bytes */
	cr_assert_eq(VALID1("\xf0\x80\x80\x80"), 0);
	cr_assert_eq(VALID1("\xf0\x80\x80\xaf"), 0);	/* '/', 4 bytes */
	cr_assert_eq(VALID1("\xf0\x8f\xbf\xbf"), 0);	/* U+FFFF, 4 bytes */
	cr_assert_eq(VALID1("\xf8\x88\x80\x80\x80"), 0);	/* 5 bytes */
	cr_assert_eq(VALID1("\xfc\x84\x80\x80\x80\x80"), 0);	/* 6 bytes */
}

Test(utf8, surrogates_rejected)
{
	cr_assert_eq(VALID1("\xed\xa0\x80"), 0);	/* U+D800 */
	cr_assert_eq(VALID1("\xed\xaf\xbf"), 0);	/* U+DBFF */
	cr_assert_eq(VALID1("\xed\xb0\x80"), 0);	/* U+DC00 */
	cr_assert_eq(VALID1("\xed\xbf\xbf"), 0);	/* U+DFFF */
	/* CESU-8 style pair for U+1F600. */
	cr_assert_eq(VALID1("\xed\xa0\xbd\xed\xb8\x80"), 0);
}

Test(utf8, above_max_rejected)
{
	cr_assert_eq(VALID1("\xf4\x90\x80\x80"), 0);	/* U+110000 */
	cr_assert_eq(VALID1("\xf5\x80\x80\x80"), 0);
	cr_assert_eq(VALID1("\xf7\xbf\xbf\xbf"), 0);
	cr_assert_eq(VALID1("\xfe"), 0);
	cr_assert_eq(VALID1("\xff"), 0);
}

Test(utf8, truncated_and_stray_rejected)
{
	cr_assert_eq(VALID1("\xc3"), 0);
	cr_assert_eq(VALID1("abc\xc3"), 0);
	cr_assert_eq(VALID1("\xe2\x82"), 0);
	cr_assert_eq(VALID1("\xf0\x9f\x98"), 0);
	cr_assert_eq(VALID1("\xe2\x82x"), 0);		/* cut short */
	cr_assert_eq(VALID1("\xf0\x9f\x98 "), 0);
	cr_assert_eq(VALID1("\xc3\xc3\xa9"), 0);
	cr_assert_eq(VALID1("\x80"), 0);
	cr_assert_eq(VALID1("a\xbf"), 0);
	cr_assert_eq(VALID1("\xc3\xa9\xa9"), 0);	/* extra continuation */
}

Test(utf8, length_argument_is_respected)
{
	cr_assert_eq(utf8_ok("abc\xff", 3, 0), 1);
	cr_assert_eq(utf8_ok("abc\xff", 4, 0), 0);
	/* A valid sequence cut by len is truncated. */
	cr_assert_eq(utf8_ok("\xf0\x9f\x98\x80", 3, 0), 0);
}

Test(utf8, controls)
{
	cr_assert_eq(utf8_ok("a\0b", 3, 0), 0);
	cr_assert_eq(utf8_ok("a\0b", 3, DBK_UTF8_ALLOW_NEWLINES), 0);
	cr_assert_eq(VALID1("a\x01"), 0);
	cr_assert_eq(VALIDN("a\x1b[31m"), 0);
	cr_assert_eq(VALIDN("\x1f"), 0);
	cr_assert_eq(VALIDN("\x7f"), 0);
	cr_assert_eq(VALIDN("\x0b"), 0);		/* VT */
	cr_assert_eq(VALIDN("\x0c"), 0);		/* FF */
	cr_assert_eq(VALID1("a\tb"), 1);
	cr_assert_eq(VALIDN("a\tb"), 1);
	/* C1 controls are non-ASCII characters and allowed. */
	cr_assert_eq(VALID1("\xc2\x85"), 1);
}

Test(utf8, newlines_need_the_flag)
{
	cr_assert_eq(VALID1("a\nb"), 0);
	cr_assert_eq(VALID1("a\rb"), 0);
	cr_assert_eq(VALID1("a\r\nb"), 0);
	cr_assert_eq(VALIDN("a\nb"), 1);
	cr_assert_eq(VALIDN("a\rb"), 1);
	cr_assert_eq(VALIDN("line one\r\nline two\r\n"), 1);
}

Test(utf8, every_code_point)
{
	unsigned char	buf[4];
	uint32_t	cp;
	size_t		n;
	int		expect_single, expect_multi;

	for (cp = 0; cp <= 0x10ffff; cp++) {
		n = encode_utf8(cp, buf);
		expect_multi = !(cp >= 0xd800 && cp <= 0xdfff) &&
		    (cp >= 0x20 || cp == '\t' || cp == '\n' || cp == '\r') &&
		    cp != 0x7f;
		expect_single = expect_multi && cp != '\n' && cp != '\r';
		cr_assert_eq(utf8_ok((char *)buf, n, DBK_UTF8_SINGLE_LINE),
		    expect_single, "U+%04X", (unsigned int)cp);
		cr_assert_eq(utf8_ok((char *)buf, n, DBK_UTF8_ALLOW_NEWLINES),
		    expect_multi, "U+%04X", (unsigned int)cp);
		if (expect_multi)
			cr_assert_eq(dbk_utf8_length((char *)buf, n), 1);
	}
}

Test(utf8, every_two_and_three_byte_sequence)
{
	unsigned char	buf[3];
	size_t		count;
	unsigned int	a, b, c;

	for (a = 0; a < 256; a++) {
		for (b = 0; b < 256; b++) {
			buf[0] = (unsigned char)a;
			buf[1] = (unsigned char)b;
			cr_assert_eq(dbk_utf8_valid((char *)buf, 2, 0),
			    reference_utf8(buf, 2, 0, &count),
			    "%02x %02x", a, b);
			if (a < 0xe0 || a > 0xef)
				continue;
			for (c = 0; c < 256; c++) {
				buf[2] = (unsigned char)c;
				if (dbk_utf8_valid((char *)buf, 3, 0) !=
				    reference_utf8(buf, 3, 0, &count))
					cr_assert_fail("%02x %02x %02x", a, b,
					    c);
			}
		}
	}
}

/*
 * Random bytes, biased towards the bytes that matter in UTF-8, never crash
 * the validator (ASan checks the exact-size buffers) and it agrees with the
 * reference; where valid, dbk_utf8_length agrees too.
 */
Test(utf8, random_bytes_agree_with_reference)
{
	static const unsigned char	interesting[] = {
		0x00, 0x09, 0x0a, 0x0d, 0x1f, 0x20, 0x41, 0x7f, 0x80, 0x8f,
		0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed,
		0xef, 0xf0, 0xf4, 0xf5, 0xff
	};
	uint64_t	state = 0x9e3779b97f4a7c15ULL;
	unsigned char	*buf;
	size_t		len, i, count, valid_seen = 0;
	unsigned int	flags;
	int		iter, expect;
	uint64_t	r;

	for (iter = 0; iter < 200000; iter++) {
		len = next_random(&state) % 24;
		buf = malloc(len > 0 ? len : 1);
		cr_assert_not_null(buf);
		for (i = 0; i < len; i++) {
			r = next_random(&state);
			if (r % 3 == 0)
				buf[i] = interesting[(r >> 8) %
				    sizeof(interesting)];
			else if (r % 3 == 1)
				buf[i] = (unsigned char)(0x80 |
				    (r >> 8 & 0x3f));
			else
				buf[i] = (unsigned char)(r >> 8);
		}
		flags = (unsigned int)(next_random(&state) & 1);
		expect = reference_utf8(buf, len, flags, &count);
		if (dbk_utf8_valid((char *)buf, len, flags) != expect) {
			free(buf);
			cr_assert_fail("iteration %d disagrees", iter);
		}
		if (expect) {
			valid_seen++;
			cr_assert_eq(dbk_utf8_length((char *)buf, len), count);
		}
		free(buf);
	}
	/* The generator must exercise both answers. */
	cr_assert_gt(valid_seen, 1000);
	cr_assert_lt(valid_seen, 199000);
}

Test(utf8_length, counts_code_points)
{
	cr_assert_eq(dbk_utf8_length("", 0), 0);
	cr_assert_eq(dbk_utf8_length(NULL, 0), 0);
	cr_assert_eq(dbk_utf8_length("abc", 3), 3);
	cr_assert_eq(dbk_utf8_length("\xc3\xa9", 2), 1);
	cr_assert_eq(dbk_utf8_length("\xe2\x82\xac", 3), 1);
	cr_assert_eq(dbk_utf8_length("\xf0\x9f\x98\x80", 4), 1);
	/* a 😀 é € */
	cr_assert_eq(dbk_utf8_length("a\xf0\x9f\x98\x80\xc3\xa9\xe2\x82\xac",
	    10), 4);
}

/* Title rule from issue 4: 1-200 code points; bytes may be up to 800. */
Test(utf8_length, two_hundred_code_point_titles)
{
	static const char	*units[] = { "a", "\xc3\xa9", "\xe2\x82\xac",
	    "\xf0\x9f\x98\x80" };
	char			 buf[201 * 4];
	size_t			 u, i, ulen, len;

	for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		ulen = strlen(units[u]);
		len = 0;
		for (i = 0; i < 201; i++) {
			memcpy(buf + len, units[u], ulen);
			len += ulen;
		}
		cr_assert_eq(dbk_utf8_valid(buf, 200 * ulen, 0), 1);
		cr_assert_eq(dbk_utf8_length(buf, 200 * ulen), 200);
		cr_assert_eq(dbk_utf8_length(buf, len), 201);
		cr_assert_eq(len, 201 * ulen);
	}
}

/* ---- trim ----------------------------------------------------------- */

static void
check_trim(const char *in, size_t inlen, size_t offset, size_t outlen)
{
	const char	*s = in;
	size_t		 len = inlen;

	dbk_trim(&s, &len);
	cr_assert_eq(s, in + offset, "offset of \"%s\"", in);
	cr_assert_eq(len, outlen, "length of \"%s\"", in);
}

#define CHECK_TRIM(lit, off, n)	check_trim((lit), sizeof(lit) - 1, (off), (n))

Test(trim, strips_ascii_whitespace)
{
	CHECK_TRIM("abc", 0, 3);
	CHECK_TRIM("  abc", 2, 3);
	CHECK_TRIM("abc  ", 0, 3);
	CHECK_TRIM(" \t\r\n\v\fa b\f\v\n\r\t ", 6, 3);
	CHECK_TRIM("a \t b", 0, 5);
	CHECK_TRIM("", 0, 0);
	CHECK_TRIM(" ", 1, 0);
	CHECK_TRIM(" \t\r\n ", 5, 0);
}

Test(trim, leaves_other_bytes)
{
	/* NBSP and NUL are not ASCII whitespace. */
	CHECK_TRIM("\xc2\xa0x\xc2\xa0", 0, 5);
	check_trim(" \0x ", 4, 1, 2);
	CHECK_TRIM("\x1f" "a", 0, 2);
}

/* ---- textarea lines ------------------------------------------------- */

#define MAX_LINES	16

struct lines {
	size_t	count;
	char	text[MAX_LINES][32];
};

static void
split(const char *in, size_t len, struct lines *out)
{
	char		*copy = heap_copy(in, len);
	const char	*cursor = copy, *end = copy + len, *line;
	size_t		 line_len;

	out->count = 0;
	while (dbk_lines_next(&cursor, end, &line, &line_len)) {
		cr_assert_lt(out->count, MAX_LINES);
		cr_assert_lt(line_len, sizeof(out->text[0]));
		cr_assert(line >= copy && line + line_len <= end);
		memcpy(out->text[out->count], line, line_len);
		out->text[out->count][line_len] = '\0';
		out->count++;
	}
	cr_assert_eq(cursor, end);
	/* Calling again at the end keeps returning 0. */
	cr_assert_eq(dbk_lines_next(&cursor, end, &line, &line_len), 0);
	free(copy);
}

static void
expect_lines(const char *in, size_t len, size_t count, const char **want)
{
	struct lines	got;
	size_t		i;

	split(in, len, &got);
	cr_assert_eq(got.count, count, "line count for \"%s\"", in);
	for (i = 0; i < count; i++)
		cr_assert_str_eq(got.text[i], want[i], "line %zu", i);
}

#define EXPECT_LINES(lit, ...) do {					\
	const char *want_[] = { __VA_ARGS__ };				\
	expect_lines((lit), sizeof(lit) - 1,				\
	    sizeof(want_) / sizeof(want_[0]), want_);			\
} while (0)

Test(lines, terminators)
{
	EXPECT_LINES("one", "one");
	EXPECT_LINES("a\nb", "a", "b");
	EXPECT_LINES("a\r\nb", "a", "b");
	EXPECT_LINES("a\rb", "a", "b");
	EXPECT_LINES("a\nb\r\nc\rd", "a", "b", "c", "d");
}

Test(lines, final_terminator_adds_no_line)
{
	EXPECT_LINES("a\n", "a");
	EXPECT_LINES("a\r\n", "a");
	EXPECT_LINES("a\r", "a");
}

Test(lines, empty_lines)
{
	struct lines	got;

	split("", 0, &got);
	cr_assert_eq(got.count, 0);
	EXPECT_LINES("\n", "");
	EXPECT_LINES("\n\n", "", "");
	EXPECT_LINES("\r\n\r\n", "", "");
	EXPECT_LINES("\r\r", "", "");
	EXPECT_LINES("\n\r", "", "");		/* LF then a lone CR */
	EXPECT_LINES("a\r\n\r\nb", "a", "", "b");
	EXPECT_LINES("a\n\r\nb", "a", "", "b");
	EXPECT_LINES("\na", "", "a");
}

Test(lines, cr_at_end_of_range_is_a_lone_cr)
{
	/* The LF after the range must not be read. */
	EXPECT_LINES("a\r", "a");
	expect_lines("x\r\ny", 2, 1, (const char *[]){ "x" });
}

Test(lines, null_or_empty_range)
{
	const char	*cursor = NULL, *line;
	size_t		 len;

	cr_assert_eq(dbk_lines_next(&cursor, NULL, &line, &len), 0);
}

/* The add-tasks textarea: split, trim, skip empty lines. */
Test(lines, textarea_with_trim)
{
	static const char	text[] = "  Buy milk \r\n\r\n\t\n Call "
	    "Ann\rPay rent  \n   ";
	static const char	*want[] = { "Buy milk", "Call Ann",
	    "Pay rent" };
	const char		*cursor = text, *end = text + sizeof(text) - 1;
	const char		*line;
	size_t			 len, n = 0;

	while (dbk_lines_next(&cursor, end, &line, &len)) {
		dbk_trim(&line, &len);
		if (len == 0)
			continue;
		cr_assert_lt(n, 3);
		cr_assert_eq(len, strlen(want[n]));
		cr_assert_eq(memcmp(line, want[n], len), 0);
		n++;
	}
	cr_assert_eq(n, 3);
}

/* ---- email ---------------------------------------------------------- */

static void
email_good(const char *in, const char *want)
{
	char	*copy = heap_copy(in, strlen(in));
	char	 out[DBK_EMAIL_MAX + 1];

	cr_assert_eq(dbk_email_normalize(copy, strlen(in), out, sizeof(out)),
	    0, "rejected \"%s\"", in);
	cr_assert_str_eq(out, want);
	free(copy);
}

static void
email_bad_len(const char *in, size_t len)
{
	char	*copy = heap_copy(in, len);
	char	 out[512];

	memset(out, 'x', sizeof(out));
	cr_assert_eq(dbk_email_normalize(copy, len, out, sizeof(out)), -1,
	    "accepted \"%s\"", in);
	cr_assert_eq(out[0], '\0');
	free(copy);
}

static void
email_bad(const char *in)
{
	email_bad_len(in, strlen(in));
}

Test(email, normalizes)
{
	email_good("user@example.com", "user@example.com");
	email_good("User@Example.COM", "user@example.com");
	email_good("  Ann@Example.org \r\n", "ann@example.org");
	email_good("first.last+tag@mail.sub.example.org",
	    "first.last+tag@mail.sub.example.org");
	email_good("o'brien@example.ie", "o'brien@example.ie");
	email_good("a_b-c!#$%&*/=?^`{|}~@x-y.example",
	    "a_b-c!#$%&*/=?^`{|}~@x-y.example");
	email_good("1@2.io", "1@2.io");
}

Test(email, structure_rejected)
{
	email_bad("");
	email_bad("   ");
	email_bad("plainaddress");
	email_bad("@example.com");
	email_bad("user@");
	email_bad("user@localhost");
	email_bad("a@@example.com");
	email_bad("a@b@example.com");
}

Test(email, local_part_rejected)
{
	email_bad(".a@example.com");
	email_bad("a.@example.com");
	email_bad("a..b@example.com");
	email_bad("\"a\"@example.com");
	email_bad("a(b)@example.com");
	email_bad("a,b@example.com");
	email_bad("a<b@example.com");
	email_bad("a b@example.com");
	email_bad("a\tb@example.com");
	email_bad("\xc3\xa9@example.com");
}

Test(email, domain_rejected)
{
	email_bad("a@-example.com");
	email_bad("a@example-.com");
	email_bad("a@example.-com");
	email_bad("a@example..com");
	email_bad("a@.example.com");
	email_bad("a@example.com.");
	email_bad("a@exa_mple.com");
	email_bad("a@exa mple.com");
	email_bad("a@ex\xc3\xa4mple.com");
	email_bad("a@[127.0.0.1]");
	email_bad("a@example.com\r\nBcc: x@y.com");
}

Test(email, controls_rejected)
{
	email_bad_len("a\0b@example.com", 15);
	email_bad_len("ab@example.com\0", 15);
	email_bad("a\x7f@example.com");
	email_bad("a@exam\x01ple.com");
}

static void
repeat(char *out, char c, size_t n)
{
	memset(out, c, n);
	out[n] = '\0';
}

Test(email, length_limits)
{
	char	local[80], label[80], addr[600];

	repeat(local, 'a', 64);
	snprintf(addr, sizeof(addr), "%s@example.com", local);
	email_good(addr, addr);
	repeat(local, 'a', 65);
	snprintf(addr, sizeof(addr), "%s@example.com", local);
	email_bad(addr);

	repeat(label, 'b', 63);
	snprintf(addr, sizeof(addr), "a@%s.com", label);
	email_good(addr, addr);
	repeat(label, 'b', 64);
	snprintf(addr, sizeof(addr), "a@%s.com", label);
	email_bad(addr);

	/* 64 + 1 + 63 + 1 + 63 + 1 + 61 = 254 bytes: accepted. */
	repeat(local, 'a', 64);
	repeat(label, 'b', 63);
	snprintf(addr, sizeof(addr), "%s@%s.%s.", local, label, label);
	repeat(addr + strlen(addr), 'c', 61);
	cr_assert_eq(strlen(addr), 254);
	email_good(addr, addr);
	strcat(addr, "c");
	email_bad(addr);
}

Test(email, output_buffer)
{
	char	out[17];

	/* "user@example.com" is 16 bytes and needs 17 with the NUL. */
	cr_assert_eq(dbk_email_normalize("user@example.com", 16, out, 17), 0);
	cr_assert_str_eq(out, "user@example.com");
	memset(out, 'x', sizeof(out));
	cr_assert_eq(dbk_email_normalize("user@example.com", 16, out, 16),
	    -1);
	cr_assert_eq(out[0], '\0');
	/* Trimmed length is what counts. */
	cr_assert_eq(dbk_email_normalize("  user@example.com  ", 20, out, 17),
	    0);
	cr_assert_eq(dbk_email_normalize("user@example.com", 16, NULL, 0), -1);
}

/* ---- dates ---------------------------------------------------------- */

Test(date, leap_years)
{
	cr_assert_eq(dbk_is_leap(1972), 1);
	cr_assert_eq(dbk_is_leap(2000), 1);
	cr_assert_eq(dbk_is_leap(2024), 1);
	cr_assert_eq(dbk_is_leap(1600), 1);
	cr_assert_eq(dbk_is_leap(1970), 0);
	cr_assert_eq(dbk_is_leap(2026), 0);
	cr_assert_eq(dbk_is_leap(2100), 0);
	cr_assert_eq(dbk_is_leap(1900), 0);
}

Test(date, days_in_month)
{
	static const int	common[12] = { 31, 28, 31, 30, 31, 30, 31, 31,
	    30, 31, 30, 31 };
	int			m;

	for (m = 1; m <= 12; m++) {
		cr_assert_eq(dbk_days_in_month(2026, m), common[m - 1]);
		cr_assert_eq(dbk_days_in_month(2024, m),
		    m == 2 ? 29 : common[m - 1]);
	}
	cr_assert_eq(dbk_days_in_month(1972, 2), 29);
	cr_assert_eq(dbk_days_in_month(2000, 2), 29);
	cr_assert_eq(dbk_days_in_month(2100, 2), 28);
	cr_assert_eq(dbk_days_in_month(2026, 0), 0);
	cr_assert_eq(dbk_days_in_month(2026, 13), 0);
	cr_assert_eq(dbk_days_in_month(2026, -1), 0);
}

Test(date, valid)
{
	cr_assert_eq(dbk_date_valid(1970, 1, 1), 1);
	cr_assert_eq(dbk_date_valid(2100, 12, 31), 1);
	cr_assert_eq(dbk_date_valid(1972, 2, 29), 1);
	cr_assert_eq(dbk_date_valid(2000, 2, 29), 1);
	cr_assert_eq(dbk_date_valid(2024, 2, 29), 1);
	cr_assert_eq(dbk_date_valid(2100, 2, 29), 0);
	cr_assert_eq(dbk_date_valid(2026, 2, 29), 0);
	cr_assert_eq(dbk_date_valid(2026, 2, 30), 0);
	cr_assert_eq(dbk_date_valid(2026, 4, 31), 0);
	cr_assert_eq(dbk_date_valid(1969, 12, 31), 0);
	cr_assert_eq(dbk_date_valid(2101, 1, 1), 0);
	cr_assert_eq(dbk_date_valid(2026, 0, 1), 0);
	cr_assert_eq(dbk_date_valid(2026, 13, 1), 0);
	cr_assert_eq(dbk_date_valid(2026, 1, 0), 0);
	cr_assert_eq(dbk_date_valid(2026, 1, 32), 0);
	cr_assert_eq(dbk_date_valid(2026, 1, -1), 0);
}

static int
parse_date(const char *s, size_t len, struct dbk_date *out)
{
	char	*copy = heap_copy(s, len);
	int	 rc;

	rc = dbk_date_parse(copy, len, out);
	free(copy);
	return (rc);
}

#define PARSE_BAD(lit) do {						\
	struct dbk_date d_ = { 7, 7, 7 };				\
	cr_assert_eq(parse_date((lit), sizeof(lit) - 1, &d_), -1,	\
	    "accepted \"%s\"", (lit));					\
	cr_assert(d_.year == 7 && d_.month == 7 && d_.day == 7);	\
} while (0)

Test(date, parse_good)
{
	struct dbk_date	d;

	cr_assert_eq(parse_date("2026-11-23", 10, &d), 0);
	cr_assert(d.year == 2026 && d.month == 11 && d.day == 23);
	cr_assert_eq(parse_date("1970-01-01", 10, &d), 0);
	cr_assert(d.year == 1970 && d.month == 1 && d.day == 1);
	cr_assert_eq(parse_date("2100-12-31", 10, &d), 0);
	cr_assert_eq(parse_date("2000-02-29", 10, &d), 0);
	cr_assert_eq(parse_date("1972-02-29", 10, &d), 0);
	cr_assert(d.year == 1972 && d.month == 2 && d.day == 29);
}

Test(date, parse_bad)
{
	PARSE_BAD("2026-02-30");
	PARSE_BAD("2026-02-29");
	PARSE_BAD("2100-02-29");
	PARSE_BAD("1969-12-31");
	PARSE_BAD("2101-01-01");
	PARSE_BAD("2026-00-10");
	PARSE_BAD("2026-13-01");
	PARSE_BAD("2026-11-00");
	PARSE_BAD("2026-11-31");
	PARSE_BAD("2026-1-23");
	PARSE_BAD("2026-11-3");
	PARSE_BAD("26-11-23");
	PARSE_BAD("2026/11/23");
	PARSE_BAD("2026-11-2x");
	PARSE_BAD("+026-11-23");
	PARSE_BAD("-026-11-23");
	PARSE_BAD("2026-+1-23");
	PARSE_BAD(" 2026-11-23");
	PARSE_BAD("2026-11-23 ");
	PARSE_BAD("2026-11-23T00:00");
	PARSE_BAD("20261123");
	PARSE_BAD("2026-11-23\0");
	PARSE_BAD("2026-11\0-23");
	PARSE_BAD("");
}

#define MONTH_BAD(lit) do {						\
	int y_ = 7, m_ = 7;						\
	char *c_ = heap_copy((lit), sizeof(lit) - 1);			\
	cr_assert_eq(dbk_month_parse(c_, sizeof(lit) - 1, &y_, &m_), -1, \
	    "accepted \"%s\"", (lit));					\
	cr_assert(y_ == 7 && m_ == 7);					\
	free(c_);							\
} while (0)

Test(date, month_parse)
{
	int	y, m;

	cr_assert_eq(dbk_month_parse("2026-11", 7, &y, &m), 0);
	cr_assert(y == 2026 && m == 11);
	cr_assert_eq(dbk_month_parse("1970-01", 7, &y, &m), 0);
	cr_assert(y == 1970 && m == 1);
	cr_assert_eq(dbk_month_parse("2100-12", 7, &y, &m), 0);
	cr_assert(y == 2100 && m == 12);
	MONTH_BAD("2026-1");
	MONTH_BAD("2026-00");
	MONTH_BAD("2026-13");
	MONTH_BAD("1969-12");
	MONTH_BAD("2101-01");
	MONTH_BAD("2026-11-01");
	MONTH_BAD("2026/11");
	MONTH_BAD("2026-1x");
	MONTH_BAD("+026-11");
	MONTH_BAD("");
}

static int64_t
to_days(int y, int m, int d)
{
	struct dbk_date	date = { y, m, d };

	return (dbk_date_to_days(&date));
}

Test(date, to_days_known_values)
{
	cr_assert_eq(to_days(1970, 1, 1), 0);
	cr_assert_eq(to_days(1970, 1, 2), 1);
	cr_assert_eq(to_days(1969, 12, 31), -1);
	cr_assert_eq(to_days(1972, 2, 29), 789);
	cr_assert_eq(to_days(2000, 2, 29), 11016);
	cr_assert_eq(to_days(2000, 3, 1), 11017);
	cr_assert_eq(to_days(2026, 11, 23), 20780);
	cr_assert_eq(to_days(2100, 12, 31), 47846);
	cr_assert_eq(to_days(1, 1, 1), -719162);
	cr_assert_eq(to_days(2026, 2, 30), INT64_MIN);
	cr_assert_eq(to_days(2026, 13, 1), INT64_MIN);
	cr_assert_eq(to_days(2026, 0, 1), INT64_MIN);
	cr_assert_eq(to_days(2000000000, 1, 1), INT64_MIN);
	cr_assert_eq(dbk_date_to_days(NULL), INT64_MIN);
}

/*
 * Walk every date from 1969-12-01 to 2101-01-31 one day at a time with a
 * naive calendar; days, round trips, weekdays and formatting all agree.
 */
Test(date, whole_range_round_trip)
{
	struct dbk_date	walk = { 1969, 12, 1 }, back, parsed;
	int64_t		days, expect = -31;
	int		weekday = 0;	/* 1969-12-01 was a Monday */
	char		text[DBK_DATE_STR_LEN];
	size_t		in_range = 0;

	while (walk.year < 2101 || walk.month == 1) {
		days = dbk_date_to_days(&walk);
		cr_assert_eq(days, expect, "%d-%d-%d", walk.year, walk.month,
		    walk.day);
		dbk_days_to_date(days, &back);
		cr_assert_eq(dbk_date_cmp(&back, &walk), 0);
		cr_assert_eq(dbk_weekday(&walk), weekday);
		dbk_date_format(&walk, text);
		if (walk.year >= 1970 && walk.year <= 2100) {
			in_range++;
			cr_assert_eq(dbk_date_parse(text, 10, &parsed), 0,
			    "%s", text);
			cr_assert_eq(dbk_date_cmp(&parsed, &walk), 0);
		} else
			cr_assert_eq(dbk_date_parse(text, 10, &parsed), -1);
		/* Next day, naively. */
		if (++walk.day > dbk_days_in_month(walk.year, walk.month)) {
			walk.day = 1;
			if (++walk.month > 12) {
				walk.month = 1;
				walk.year++;
			}
		}
		expect++;
		weekday = (weekday + 1) % 7;
	}
	cr_assert_eq(in_range, 47847);
}

/* Far outside the app's range the arithmetic still round-trips. */
Test(date, wide_round_trip)
{
	struct dbk_date	d;
	int64_t		days;

	for (days = -1000000; days <= 1000000; days += 37) {
		dbk_days_to_date(days, &d);
		cr_assert(d.month >= 1 && d.month <= 12);
		cr_assert(d.day >= 1 &&
		    d.day <= dbk_days_in_month(d.year, d.month));
		cr_assert_eq(dbk_date_to_days(&d), days, "%lld",
		    (long long)days);
	}
	dbk_days_to_date(-719162, &d);
	cr_assert(d.year == 1 && d.month == 1 && d.day == 1);
	dbk_days_to_date(-719163, &d);
	cr_assert(d.year == 0 && d.month == 12 && d.day == 31);
}

Test(date, extreme_days_do_not_crash)
{
	struct dbk_date	d;

	dbk_days_to_date(INT64_MAX, &d);
	cr_assert_gt(d.year, 1000000000);
	cr_assert(d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= 31);
	dbk_days_to_date(INT64_MIN, &d);
	cr_assert_lt(d.year, -1000000000);
	cr_assert(d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= 31);
}

Test(date, weekday_known_values)
{
	struct dbk_date	epoch = { 1970, 1, 1 }, today = { 2026, 11, 23 };
	struct dbk_date	y2k = { 2000, 1, 1 }, grid = { 1969, 12, 29 };
	struct dbk_date	last = { 2100, 12, 31 }, bad = { 2026, 2, 30 };

	cr_assert_eq(dbk_weekday(&epoch), 3);	/* Thursday */
	cr_assert_eq(dbk_weekday(&today), 0);	/* Monday */
	cr_assert_eq(dbk_weekday(&y2k), 5);	/* Saturday */
	cr_assert_eq(dbk_weekday(&grid), 0);	/* Monday */
	cr_assert_eq(dbk_weekday(&last), 4);	/* Friday */
	cr_assert_eq(dbk_weekday(&bad), -1);
}

Test(date, compare)
{
	struct dbk_date	a = { 2026, 11, 23 }, b = { 2026, 11, 24 };
	struct dbk_date	c = { 2026, 12, 1 }, d = { 2027, 1, 1 };
	struct dbk_date	a2 = { 2026, 11, 23 };

	cr_assert_eq(dbk_date_cmp(&a, &a2), 0);
	cr_assert_lt(dbk_date_cmp(&a, &b), 0);
	cr_assert_gt(dbk_date_cmp(&b, &a), 0);
	cr_assert_lt(dbk_date_cmp(&b, &c), 0);
	cr_assert_lt(dbk_date_cmp(&c, &d), 0);
	cr_assert_gt(dbk_date_cmp(&d, &a), 0);
}

Test(date, format)
{
	struct dbk_date	d = { 2026, 11, 23 }, early = { 1970, 1, 5 };
	struct dbk_date	big = { 10000, 1, 1 }, neg = { -1, 1, 1 };
	struct dbk_date	bad = { 2026, 13, 1 };
	char		out[DBK_DATE_STR_LEN];

	dbk_date_format(&d, out);
	cr_assert_str_eq(out, "2026-11-23");
	dbk_date_format(&early, out);
	cr_assert_str_eq(out, "1970-01-05");
	dbk_date_format(&big, out);
	cr_assert_str_eq(out, "0000-00-00");
	dbk_date_format(&neg, out);
	cr_assert_str_eq(out, "0000-00-00");
	dbk_date_format(&bad, out);
	cr_assert_str_eq(out, "0000-00-00");
}

/* ---- redirect targets ----------------------------------------------- */

static int
path_ok(const char *s, size_t len)
{
	char	*copy = heap_copy(s, len);
	int	 rc;

	rc = dbk_local_path_ok(copy, len);
	free(copy);
	return (rc);
}

#define PATH_OK(lit)	cr_assert_eq(path_ok((lit), sizeof(lit) - 1), 1, \
			    "rejected \"%s\"", (lit))
#define PATH_BAD(lit)	cr_assert_eq(path_ok((lit), sizeof(lit) - 1), 0, \
			    "accepted \"%s\"", (lit))

Test(local_path, accepts_site_paths)
{
	PATH_OK("/");
	PATH_OK("/tasks");
	PATH_OK("/ok?next=/x");
	PATH_OK("/tasks/12/edit?filter=done#notes");
	PATH_OK("/worklog?month=2026-11");
	PATH_OK("/a:b");
	PATH_OK("/%2F%2Fevil.com");
	PATH_OK("/javascript:alert(1)");
}

Test(local_path, rejects_other_sites)
{
	PATH_BAD("//evil.com");
	PATH_BAD("///evil.com");
	PATH_BAD("/\\evil.com");
	PATH_BAD("\\\\evil.com");
	PATH_BAD("\\/evil.com");
	PATH_BAD("/a\\b");
	PATH_BAD("https://x");
	PATH_BAD("http://evil.com/");
	PATH_BAD("/redirect?u=https://evil.com");
	PATH_BAD("/x://y");
	PATH_BAD("javascript:alert(1)");
	PATH_BAD("JavaScript:alert(1)");
	PATH_BAD("data:text/html,x");
	PATH_BAD("evil.com");
	PATH_BAD("tasks");
	PATH_BAD("./tasks");
	PATH_BAD("?next=/x");
	PATH_BAD("");
}

Test(local_path, rejects_spaces_and_controls)
{
	PATH_BAD(" /tasks");
	PATH_BAD("/tasks ");
	PATH_BAD("/ta sks");
	PATH_BAD("/\t/evil.com");		/* browsers drop the tab */
	PATH_BAD("/\n/evil.com");
	PATH_BAD("/\r\nSet-Cookie: x=1");
	PATH_BAD("/a\0b");
	PATH_BAD("/\x7f");
	PATH_BAD("/caf\xc3\xa9");
	PATH_BAD("/\xe3\x80\x82");
}

Test(local_path, length_limit)
{
	char	buf[DBK_LOCAL_PATH_MAX + 1];

	memset(buf, 'a', sizeof(buf));
	buf[0] = '/';
	cr_assert_eq(path_ok(buf, DBK_LOCAL_PATH_MAX), 1);
	cr_assert_eq(path_ok(buf, DBK_LOCAL_PATH_MAX + 1), 0);
	cr_assert_eq(dbk_local_path_ok(NULL, 0), 0);
}

/* ---- ids ------------------------------------------------------------ */

static int
parse_id(const char *s, size_t len, uint64_t *out)
{
	char	*copy = heap_copy(s, len);
	int	 rc;

	rc = dbk_parse_id(copy, len, out);
	free(copy);
	return (rc);
}

#define ID_BAD(lit) do {						\
	uint64_t v_ = 77;						\
	cr_assert_eq(parse_id((lit), sizeof(lit) - 1, &v_), -1,	\
	    "accepted \"%s\"", (lit));					\
	cr_assert_eq(v_, 77);						\
} while (0)

Test(parse_id, accepts)
{
	uint64_t	v;

	cr_assert_eq(parse_id("1", 1, &v), 0);
	cr_assert_eq(v, 1);
	cr_assert_eq(parse_id("42", 2, &v), 0);
	cr_assert_eq(v, 42);
	cr_assert_eq(parse_id("1000000", 7, &v), 0);
	cr_assert_eq(v, 1000000);
	cr_assert_eq(parse_id("9007199254740992", 16, &v), 0);
	cr_assert_eq(v, DBK_ID_MAX);
	cr_assert_eq(parse_id("9007199254740991", 16, &v), 0);
	cr_assert_eq(v, DBK_ID_MAX - 1);
}

Test(parse_id, rejects)
{
	ID_BAD("");
	ID_BAD("0");
	ID_BAD("00");
	ID_BAD("01");
	ID_BAD("-1");
	ID_BAD("+1");
	ID_BAD(" 1");
	ID_BAD("1 ");
	ID_BAD("1a");
	ID_BAD("0x10");
	ID_BAD("1e3");
	ID_BAD("1.0");
	ID_BAD("1\0");
	ID_BAD("9007199254740993");
	ID_BAD("9999999999999999");
	ID_BAD("10000000000000000");
	ID_BAD("18446744073709551616");
	ID_BAD("99999999999999999999999999");
}

/* ---- hex ------------------------------------------------------------ */

Test(hex, encode)
{
	static const uint8_t	bytes[] = { 0x00, 0xff, 0x0a, 0xb5, 0x10 };
	char			out[2 * sizeof(bytes) + 1];

	memset(out, 'x', sizeof(out));
	dbk_hex_encode(bytes, sizeof(bytes), out);
	cr_assert_str_eq(out, "00ff0ab510");
	dbk_hex_encode(bytes, 0, out);
	cr_assert_str_eq(out, "");
}

Test(hex, round_trip_every_byte)
{
	uint8_t	bytes[256], back[256];
	char	text[513];
	int	i;

	for (i = 0; i < 256; i++)
		bytes[i] = (uint8_t)i;
	dbk_hex_encode(bytes, sizeof(bytes), text);
	cr_assert_eq(strlen(text), 512);
	cr_assert_eq(dbk_hex_decode(text, 512, back, sizeof(back)), 0);
	cr_assert_eq(memcmp(bytes, back, sizeof(bytes)), 0);
}

Test(hex, decode)
{
	uint8_t	out[4];

	cr_assert_eq(dbk_hex_decode("DEADbeef", 8, out, sizeof(out)), 0);
	cr_assert(out[0] == 0xde && out[1] == 0xad && out[2] == 0xbe &&
	    out[3] == 0xef);
	cr_assert_eq(dbk_hex_decode("", 0, out, 0), 0);
}

Test(hex, decode_rejects_without_writing)
{
	uint8_t	out[4];
	int	i;

	memset(out, 0x55, sizeof(out));
	cr_assert_eq(dbk_hex_decode("abc", 3, out, sizeof(out)), -1);
	cr_assert_eq(dbk_hex_decode("0g", 2, out, sizeof(out)), -1);
	cr_assert_eq(dbk_hex_decode("00 1", 4, out, sizeof(out)), -1);
	cr_assert_eq(dbk_hex_decode("001122zz", 8, out, sizeof(out)), -1);
	cr_assert_eq(dbk_hex_decode("0\0", 2, out, sizeof(out)), -1);
	cr_assert_eq(dbk_hex_decode("0011223344", 10, out, sizeof(out)), -1);
	cr_assert_eq(dbk_hex_decode("0x", 2, out, sizeof(out)), -1);
	for (i = 0; i < 4; i++)
		cr_assert_eq(out[i], 0x55);
}

/* ---- constant-time compare ------------------------------------------ */

Test(ct_equal, equal_and_different)
{
	uint8_t	a[64], b[64];
	size_t	i;
	int	bit;

	for (i = 0; i < sizeof(a); i++)
		a[i] = b[i] = (uint8_t)(i * 7 + 3);
	cr_assert_eq(dbk_ct_equal(a, b, sizeof(a)), 1);
	cr_assert_eq(dbk_ct_equal(a, b, 0), 1);
	/* Every single-bit difference anywhere is seen. */
	for (i = 0; i < sizeof(a); i++) {
		for (bit = 0; bit < 8; bit++) {
			b[i] ^= (uint8_t)(1 << bit);
			cr_assert_eq(dbk_ct_equal(a, b, sizeof(a)), 0,
			    "byte %zu bit %d", i, bit);
			cr_assert_eq(dbk_ct_equal(a, b, i), 1);
			b[i] ^= (uint8_t)(1 << bit);
		}
	}
	cr_assert_eq(dbk_ct_equal("\xff", "\x00", 1), 0);
}

Test(ct_equal, many_differences)
{
	uint8_t	a[257], b[257];
	size_t	n;

	/* Differences in every byte must not cancel or overflow. */
	memset(a, 0x00, sizeof(a));
	memset(b, 0xff, sizeof(b));
	for (n = 1; n <= sizeof(a); n++)
		cr_assert_eq(dbk_ct_equal(a, b, n), 0, "length %zu", n);
	memset(b, 0x01, sizeof(b));
	for (n = 1; n <= sizeof(a); n++)
		cr_assert_eq(dbk_ct_equal(a, b, n), 0, "length %zu", n);
}

/* ---- no crash on random input for the other parsers ----------------- */

Test(robustness, random_bytes_everywhere)
{
	static const char	alphabet[] = "aZ09@.-_/\\: \t\r\n\0\x7f\x80\xc3"
	    "\xa9\xff%?#";
	uint64_t		state = 0x243f6a8885a308d3ULL;
	char			*buf, out[300];
	const char		*p, *cursor, *line;
	size_t			 len, n, i, lines;
	struct dbk_date		 d;
	uint64_t		 id;
	uint8_t			 bytes[16];
	int			 iter, y, m;

	for (iter = 0; iter < 50000; iter++) {
		len = next_random(&state) % 40;
		buf = malloc(len > 0 ? len : 1);
		cr_assert_not_null(buf);
		for (i = 0; i < len; i++)
			buf[i] = alphabet[next_random(&state) %
			    (sizeof(alphabet) - 1)];
		p = buf;
		n = len;
		dbk_trim(&p, &n);
		cr_assert(p >= buf && p + n <= buf + len);
		cursor = buf;
		lines = 0;
		while (dbk_lines_next(&cursor, buf + len, &line, &n))
			cr_assert_leq(++lines, len);
		if (dbk_email_normalize(buf, len, out, sizeof(out)) == 0)
			cr_assert(strchr(out, '@') != NULL &&
			    dbk_utf8_valid(out, strlen(out), 0));
		if (dbk_date_parse(buf, len, &d) == 0)
			cr_assert(dbk_date_valid(d.year, d.month, d.day));
		(void)dbk_month_parse(buf, len, &y, &m);
		if (dbk_local_path_ok(buf, len))
			cr_assert(buf[0] == '/' && memchr(buf, '\\', len) ==
			    NULL);
		if (dbk_parse_id(buf, len, &id) == 0)
			cr_assert(id >= 1 && id <= DBK_ID_MAX);
		(void)dbk_hex_decode(buf, len, bytes, sizeof(bytes));
		free(buf);
	}
}
