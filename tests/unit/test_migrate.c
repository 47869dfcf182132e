/*
 * Unit tests for the pure parts of src/core/migrate.c: statement splitting,
 * migration names and their order.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "core/migrate.h"

static struct dbk_sql_script	script;

static void
split_ok(const char *sql, size_t expect)
{
	char	err[256] = "";

	dbk_sql_script_free(&script);
	cr_assert_eq(dbk_sql_split(sql, strlen(sql), &script, err,
	    sizeof(err)), 0, "split failed: %s", err);
	cr_assert_eq(script.count, expect, "%zu statements, expected %zu",
	    script.count, expect);
}

static void
split_fails(const char *sql, size_t len, const char *message)
{
	char	err[256] = "";

	if (len == (size_t)-1)
		len = strlen(sql);
	dbk_sql_script_free(&script);
	cr_assert_eq(dbk_sql_split(sql, len, &script, err, sizeof(err)), -1);
	cr_assert_str_eq(err, message);
	cr_assert_eq(script.count, 0);
	cr_assert_null(script.stmts);
}

static void
stmt_is(size_t i, const char *text, unsigned int line)
{
	cr_assert_str_eq(script.stmts[i].text, text);
	cr_assert_eq(script.stmts[i].len, strlen(text));
	cr_assert_eq(script.stmts[i].line, line, "statement %zu on line %u, "
	    "expected %u", i, script.stmts[i].line, line);
}

static void
free_script(void)
{
	dbk_sql_script_free(&script);
}

TestSuite(split, .fini = free_script);

Test(split, simple)
{
	split_ok("SELECT 1; SELECT 2;\nSELECT 3", 3);
	stmt_is(0, "SELECT 1", 1);
	stmt_is(1, "SELECT 2", 1);
	stmt_is(2, "SELECT 3", 2);
}

Test(split, empty_and_blank)
{
	split_ok("", 0);
	split_ok(" \n\t;;\n ; ", 0);
	split_ok("-- only a comment\n# another\n/* and a block; */\n", 0);
}

Test(split, semicolons_in_strings)
{
	split_ok("INSERT INTO t VALUES ('a;b', \"c;d\", `e;f`);\nSELECT 2;", 2);
	stmt_is(0, "INSERT INTO t VALUES ('a;b', \"c;d\", `e;f`)", 1);
	stmt_is(1, "SELECT 2", 2);
}

Test(split, escaped_and_doubled_quotes)
{
	split_ok("SELECT 'it''s; ok', 'back\\'slash;', \"say \"\"hi;\"\"\", "
	    "`we``ird;`; SELECT 'x\\\\'; SELECT 3", 3);
	stmt_is(0, "SELECT 'it''s; ok', 'back\\'slash;', \"say \"\"hi;\"\"\", "
	    "`we``ird;`", 1);
	/* 'x\\' ends after the escaped backslash. */
	stmt_is(1, "SELECT 'x\\\\'", 1);
	stmt_is(2, "SELECT 3", 1);
}

Test(split, backslash_does_not_escape_in_backticks)
{
	split_ok("SELECT `a\\`; SELECT 2", 2);
	stmt_is(0, "SELECT `a\\`", 1);
}

Test(split, comments_with_semicolons)
{
	split_ok("-- leading; comment\n"
	    "SELECT 1 -- trailing; comment\n"
	    "  , 2 # hash; comment\n"
	    "  , 3 /* block;\n comment */ ;\n"
	    "SELECT 4;", 2);
	stmt_is(0, "SELECT 1 -- trailing; comment\n"
	    "  , 2 # hash; comment\n"
	    "  , 3 /* block;\n comment */", 2);
	stmt_is(1, "SELECT 4", 6);
}

Test(split, double_dash_needs_a_blank)
{
	split_ok("SELECT 1--1; SELECT 2", 2);
	stmt_is(0, "SELECT 1--1", 1);
	split_ok("SELECT 1 --\tx;\n;SELECT 2", 2);
	stmt_is(0, "SELECT 1 --\tx;", 1);
	stmt_is(1, "SELECT 2", 2);
}

Test(split, executable_comment_is_a_statement)
{
	split_ok("/* plain */ /*!40101 SET @x = 1 */;\n/*M!100100 SET @y=2 */;",
	    2);
	stmt_is(0, "/*!40101 SET @x = 1 */", 1);
	stmt_is(1, "/*M!100100 SET @y=2 */", 2);
}

Test(split, line_numbers_across_strings_and_comments)
{
	split_ok("\n\n/* a\nb */\nINSERT INTO t VALUES ('line\nbreak');\n"
	    "\n-- x\nSELECT\n1;", 2);
	stmt_is(0, "INSERT INTO t VALUES ('line\nbreak')", 5);
	stmt_is(1, "SELECT\n1", 9);
}

Test(split, crlf_line_ends)
{
	split_ok("SELECT 1;\r\n-- c\r\nSELECT 2;\r\n", 2);
	stmt_is(0, "SELECT 1", 1);
	stmt_is(1, "SELECT 2", 3);
}

Test(split, unterminated)
{
	/* (size_t)-1: the length is strlen(sql). */
	split_fails("SELECT 1;\nSELECT 'abc;\n", (size_t)-1, "line 2: "
	    "unterminated string");
	split_fails("SELECT 1;\n\nSELECT `abc;", (size_t)-1, "line 3: "
	    "unterminated quoted identifier");
	split_fails("SELECT 1; /* no end\n", (size_t)-1, "line 1: "
	    "unterminated comment");
	split_fails("SELECT 1 /* no end;\nSELECT 2;", (size_t)-1, "line 1: "
	    "unterminated comment");
	split_fails("SELECT 'a\\", (size_t)-1, "line 1: unterminated string");
}

Test(split, nul_byte)
{
	split_fails("SELECT 1;\nSELECT\0 2;", 20, "line 2: NUL byte");
}

Test(split, the_real_first_migration)
{
	char	*sql, err[256];
	size_t	 len, i;

	cr_assert_eq(dbk_sql_read_file("sql/migrations/0001_initial.sql", &sql,
	    &len, err, sizeof(err)), 0, "%s (run from the repository root)",
	    err);
	cr_assert_eq(dbk_sql_split(sql, len, &script, err, sizeof(err)), 0);
	cr_assert_geq(script.count, 1);
	for (i = 0; i < script.count; i++)
		cr_assert_eq(strncmp(script.stmts[i].text, "CREATE TABLE", 12),
		    0, "statement %zu: %s", i, script.stmts[i].text);
	free(sql);
}

Test(first_line, cuts)
{
	char	out[12];

	dbk_sql_first_line("SELECT 1\nFROM t", out, sizeof(out));
	cr_assert_str_eq(out, "SELECT 1");
	dbk_sql_first_line("CREATE TABLE\r\nx", out, sizeof(out));
	cr_assert_str_eq(out, "CREATE T...");
	dbk_sql_first_line("CREATE TABLE long_name (", out, sizeof(out));
	cr_assert_str_eq(out, "CREATE T...");
	dbk_sql_first_line("12345678901", out, sizeof(out));
	cr_assert_str_eq(out, "12345678901");
}

Test(names, parse)
{
	unsigned int	v = 0;

	cr_assert_eq(dbk_migrate_parse_name("0001_initial.sql", &v), 0);
	cr_assert_eq(v, 1);
	cr_assert_eq(dbk_migrate_parse_name("0042_add-audit_Table2.sql", &v),
	    0);
	cr_assert_eq(v, 42);
	cr_assert_eq(dbk_migrate_parse_name("9999_x.sql", &v), 0);
	cr_assert_eq(v, 9999);
}

Test(names, rejected)
{
	static const char *const bad[] = {
		"0000_zero.sql", "001_short.sql", "00001_long.sql",
		"0001-dash.sql", "0001_.sql", "0001_x.SQL", "0001_x.sql.bak",
		"abcd_x.sql", "0001_a b.sql", "0001_a.b.sql", "0001", ".sql",
		"", "0001_x.sq",
	};
	unsigned int	v;
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(dbk_migrate_parse_name(bad[i], &v), -1,
		    "accepted %s", bad[i]);
}

static char	tmpdir[64];

static void
make_dir(void)
{
	(void)snprintf(tmpdir, sizeof(tmpdir), "/tmp/dbk-migrate-test-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void
touch(const char *name)
{
	char	 path[256];
	FILE	*fp;

	(void)snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	cr_assert_not_null(fp = fopen(path, "w"));
	fputs("SELECT 1;\n", fp);
	fclose(fp);
}

static void
remove_dir(void)
{
	char	cmd[128];

	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	(void)system(cmd);
}

TestSuite(list, .init = make_dir, .fini = remove_dir);

Test(list, ordered_by_number)
{
	struct dbk_migration_list	list;
	char				err[256], path[256];

	touch("0010_ten.sql");
	touch("0002_two.sql");
	touch("0001_one.sql");
	touch("0100_hundred.sql");
	touch("README");
	touch("notes.txt");
	touch(".0003_hidden.sql");
	cr_assert_eq(dbk_migrate_list(tmpdir, &list, err, sizeof(err)), 0,
	    "%s", err);
	cr_assert_eq(list.count, 4);
	cr_assert_str_eq(list.items[0].name, "0001_one.sql");
	cr_assert_eq(list.items[0].version, 1);
	cr_assert_str_eq(list.items[1].name, "0002_two.sql");
	cr_assert_str_eq(list.items[2].name, "0010_ten.sql");
	cr_assert_str_eq(list.items[3].name, "0100_hundred.sql");
	cr_assert_eq(list.items[3].version, 100);
	(void)snprintf(path, sizeof(path), "%s/0001_one.sql", tmpdir);
	cr_assert_str_eq(list.items[0].path, path);
	dbk_migrate_list_free(&list);
	cr_assert_eq(list.count, 0);
}

Test(list, empty_directory)
{
	struct dbk_migration_list	list;
	char				err[256];

	cr_assert_eq(dbk_migrate_list(tmpdir, &list, err, sizeof(err)), 0);
	cr_assert_eq(list.count, 0);
	dbk_migrate_list_free(&list);
}

Test(list, badly_named_sql_file)
{
	struct dbk_migration_list	list;
	char				err[256], expect[256];

	touch("0001_one.sql");
	touch("2_two.sql");
	cr_assert_eq(dbk_migrate_list(tmpdir, &list, err, sizeof(err)), -1);
	(void)snprintf(expect, sizeof(expect), "%s/2_two.sql: not a migration "
	    "name (NNNN_name.sql)", tmpdir);
	cr_assert_str_eq(err, expect);
	cr_assert_eq(list.count, 0);
}

Test(list, duplicate_number)
{
	struct dbk_migration_list	list;
	char				err[256], expect[256];

	touch("0002_b.sql");
	touch("0002_a.sql");
	cr_assert_eq(dbk_migrate_list(tmpdir, &list, err, sizeof(err)), -1);
	(void)snprintf(expect, sizeof(expect), "%s: 0002_a.sql and 0002_b.sql "
	    "have the same number", tmpdir);
	cr_assert_str_eq(err, expect);
}

Test(list, missing_directory)
{
	struct dbk_migration_list	list;
	char				err[256];

	cr_assert_eq(dbk_migrate_list("/nonexistent/migrations", &list, err,
	    sizeof(err)), -1);
	cr_assert_str_eq(err, "cannot open /nonexistent/migrations: No such "
	    "file or directory");
}

Test(read_file, missing_and_present)
{
	char	*buf, err[256], path[256];
	size_t	 len;

	cr_assert_eq(dbk_sql_read_file("/nonexistent.sql", &buf, &len, err,
	    sizeof(err)), -1);
	cr_assert_str_eq(err, "cannot read /nonexistent.sql: No such file or "
	    "directory");
	make_dir();
	touch("0001_a.sql");
	(void)snprintf(path, sizeof(path), "%s/0001_a.sql", tmpdir);
	cr_assert_eq(dbk_sql_read_file(path, &buf, &len, err, sizeof(err)), 0);
	cr_assert_eq(len, 10);
	cr_assert_str_eq(buf, "SELECT 1;\n");
	free(buf);
	remove_dir();
}
