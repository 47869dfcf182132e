/*
 * Placeholder formatting (src/core/sql.c): every parameter becomes a literal
 * that no byte of it can escape from.
 */

#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "core/sql.h"

static char *
format(const char *sql, const struct dbk_sql_param *params, size_t n)
{
	size_t	len;
	char	*out;

	len = dbk_sql_length(sql, params, n);
	if (len == 0)
		return (NULL);
	out = malloc(len + 1);
	cr_assert_not_null(out);
	dbk_sql_write(out, sql, params, n);
	cr_assert_eq(strlen(out), len, "length %zu announced, %zu written",
	    len, strlen(out));

	return (out);
}

Test(sql, integers_and_null)
{
	struct dbk_sql_param	p[] = {
		DBK_SQL_P_INT(42), DBK_SQL_P_INT(-9223372036854775807LL - 1),
		DBK_SQL_P_NULL,
	};
	char	*out;

	out = format("SELECT ?, ?, ?", p, 3);
	cr_assert_str_eq(out, "SELECT 42, -9223372036854775808, NULL");
	free(out);
}

Test(sql, text_is_hex_with_the_utf8mb4_introducer)
{
	struct dbk_sql_param	p[] = { DBK_SQL_P_TEXT("a'b", 3) };
	char			*out;

	out = format("WHERE t = ?", p, 1);
	cr_assert_str_eq(out, "WHERE t = _utf8mb4 X'612762'");
	free(out);
}

Test(sql, blob_and_empty_values)
{
	static const unsigned char	bytes[] = { 0x00, 0xff, 0x10 };
	struct dbk_sql_param		p[] = {
		DBK_SQL_P_BLOB(bytes, sizeof(bytes)), DBK_SQL_P_TEXT("", 0),
		DBK_SQL_P_BLOB("", 0),
	};
	char				*out;

	out = format("? ? ?", p, 3);
	cr_assert_str_eq(out, "X'00ff10' _utf8mb4 X'' X''");
	free(out);
}

/* Whatever the bytes, the output is hex digits between the quotes. */
Test(sql, hostile_text_cannot_escape)
{
	static const char	evil[] = "'); DROP TABLE users; -- \\' \" \n\r"
	    "\x1a\x00?";
	struct dbk_sql_param	p[] = { DBK_SQL_P_TEXT(evil, sizeof(evil)) };
	char			*out, *q;

	out = format("SELECT ?", p, 1);
	q = strchr(out, '\'');
	cr_assert_not_null(q);
	for (q++; *q != '\''; q++)
		cr_assert(strchr("0123456789abcdef", *q) != NULL,
		    "non-hex byte 0x%02x in a literal", (unsigned char)*q);
	cr_assert_str_eq(q, "'");
	cr_assert_eq(strlen(out), strlen("SELECT _utf8mb4 X''") +
	    2 * sizeof(evil));
	free(out);
}

/* A parameter's own '?' is data, not another placeholder. */
Test(sql, question_marks_in_values_are_not_placeholders)
{
	struct dbk_sql_param	p[] = {
		DBK_SQL_P_TEXT("?", 1), DBK_SQL_P_INT(7),
	};
	char			*out;

	out = format("? ?", p, 2);
	cr_assert_str_eq(out, "_utf8mb4 X'3f' 7");
	free(out);
}

Test(sql, placeholder_count_must_match)
{
	struct dbk_sql_param	p[] = { DBK_SQL_P_INT(1), DBK_SQL_P_INT(2) };

	cr_assert_eq(dbk_sql_length("SELECT ?", p, 2), 0);
	cr_assert_eq(dbk_sql_length("SELECT ?, ?, ?", p, 2), 0);
	cr_assert_eq(dbk_sql_length("SELECT 1", p, 0), 8);
	cr_assert_eq(dbk_sql_length("SELECT ?, ?", p, 2), 11);
}
