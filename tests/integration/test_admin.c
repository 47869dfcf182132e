/*
 * Integration tests for build/daybook-admin against the real test MariaDB.
 *
 * Run from the repository root with the test stack's variables:
 *	. var/test/env.sh && build/integration/test_admin
 * Every test works in its own database daybook_adm_<test>_<pid> (the test
 * user may create daybook_* databases), dropped again at the end, so the
 * tests may run in parallel with each other and with other suites.
 * DBK_ADMIN overrides the path of the program under test.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <mysql.h>

#include "core/config.h"
#include "core/password.h"

#define ADMIN_DB_PREFIX	"daybook_adm_"
#include "admin_run.h"

static char		 tmp_dir[64];

static long
sql_number(const char *fmt, const char *arg)
{
	return (strtol(sql_value(fmt, arg), NULL, 10));
}

static void
setup(void)
{
	admin_setup();
	tmp_dir[0] = '\0';
}

static void
teardown(void)
{
	char	cmd[128];

	admin_teardown();
	if (tmp_dir[0] != '\0') {
		(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_dir);
		(void)system(cmd);
	}
}

TestSuite(admin, .init = setup, .fini = teardown, .timeout = 120);

/* A scratch DAYBOOK_SQL_DIR with an empty migrations/ below it. */
static void
make_sql_dir(void)
{
	char	path[128];

	(void)snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/dbk-admin-test-XXXXXX");
	cr_assert_not_null(mkdtemp(tmp_dir));
	(void)snprintf(path, sizeof(path), "%s/migrations", tmp_dir);
	cr_assert_eq(mkdir(path, 0700), 0);
}

/* Write text to tmp_dir/name. */
static void
write_file(const char *name, const char *text)
{
	char	 path[256];
	FILE	*fp;

	(void)snprintf(path, sizeof(path), "%s/%s", tmp_dir, name);
	cr_assert_not_null(fp = fopen(path, "w"), "%s", path);
	fputs(text, fp);
	cr_assert_eq(fclose(fp), 0);
}

/* ------------------------------------------------------------------ */
/* migrate                                                             */
/* ------------------------------------------------------------------ */

Test(admin, migrate_twice_is_a_no_op)
{
	char	before[512];
	long	tables;

	ADMIN(NULL, NULL, "migrate");
	expect_status(0);
	expect_out("migrate: applied 0001_initial.sql");
	cr_assert_str_eq(r.err, "");
	cr_assert_eq(sql_number("SELECT COUNT(*) FROM information_schema.TABLES"
	    " WHERE TABLE_SCHEMA = '%s' AND TABLE_NAME IN ('users', 'tasks', "
	    "'sessions')", db_name), 3);
	tables = sql_number("SELECT COUNT(*) FROM information_schema.TABLES "
	    "WHERE TABLE_SCHEMA = '%s'", db_name);
	(void)snprintf(before, sizeof(before), "%s", sql_value("SELECT "
	    "CONCAT(COUNT(*), '/', MAX(version), '/', MAX(applied_at)) FROM "
	    "schema_migrations"));
	cr_assert_neq(before[0], '0', "nothing recorded: %s", before);

	ADMIN(NULL, NULL, "migrate");
	expect_status(0);
	expect_out("migrate: schema up to date at ");
	cr_assert_null(strstr(r.out, "applied 0"), "%s", r.out);
	cr_assert_str_eq(sql_value("SELECT CONCAT(COUNT(*), '/', MAX(version),"
	    " '/', MAX(applied_at)) FROM schema_migrations"), before);
	cr_assert_eq(sql_number("SELECT COUNT(*) FROM information_schema.TABLES"
	    " WHERE TABLE_SCHEMA = '%s'", db_name), tables);
}

/* Two runs at once (two Helm jobs, say): the lock makes one wait. */
Test(admin, concurrent_migrates_apply_once)
{
	char	cmd[512];
	int	rc;

	cr_assert_eq(setenv("DAYBOOK_DB_NAME", db_name, 1), 0);
	(void)snprintf(cmd, sizeof(cmd), "a='%s'; \"$a\" migrate >/dev/null & "
	    "p1=$!; \"$a\" migrate >/dev/null & p2=$!; wait $p1; s1=$?; "
	    "wait $p2; s2=$?; exit $((s1 + s2))", admin_path());
	rc = system(cmd);
	cr_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "status %d", rc);
	cr_assert_eq(sql_number("SELECT COUNT(*) FROM schema_migrations "
	    "WHERE version = 1", NULL), 1);
	ADMIN(NULL, NULL, "status");
	expect_status(0);
	expect_out("0 pending");
}

Test(admin, schema_is_utf8mb4)
{
	ADMIN(NULL, NULL, "migrate");
	expect_status(0);
	cr_assert_eq(sql_number("SELECT COUNT(*) FROM information_schema.TABLES"
	    " WHERE TABLE_SCHEMA = '%s' AND TABLE_COLLATION NOT LIKE "
	    "'utf8mb4%%'", db_name), 0);
}

Test(admin, failed_migration_names_file_and_statement)
{
	char	dir_var[128];
	const char *const env[] = { dir_var, NULL };

	make_sql_dir();
	(void)snprintf(dir_var, sizeof(dir_var), "DAYBOOK_SQL_DIR=%s",
	    tmp_dir);
	write_file("migrations/0001_first.sql",
	    "CREATE TABLE a (id INT NOT NULL PRIMARY KEY);\n");
	write_file("migrations/0002_broken.sql",
	    "-- second: one good statement, then a bad one\n"
	    "INSERT INTO a VALUES (1);\n"
	    "\n"
	    "CREATE TABLE b (id INT NOT NULL,\n"
	    "    !! not SQL);\n"
	    "INSERT INTO a VALUES (2);\n");
	write_file("migrations/0003_later.sql", "CREATE TABLE c (id INT);\n");

	ADMIN(NULL, env, "migrate");
	expect_status(1);
	expect_out("migrate: applied 0001_first.sql (1 statements)");
	expect_err_line("daybook-admin: migrate: 0002_broken.sql: statement 2 "
	    "(line 4: CREATE TABLE b (id INT NOT NULL,) failed: ");
	expect_err_line("SQL syntax");
	/* Recorded: only the first; the later file was not touched. */
	cr_assert_str_eq(sql_value("SELECT GROUP_CONCAT(name) FROM "
	    "schema_migrations"), "0001_first.sql");
	cr_assert_eq(sql_number("SELECT COUNT(*) FROM information_schema.TABLES"
	    " WHERE TABLE_SCHEMA = '%s' AND TABLE_NAME IN ('b', 'c')",
	    db_name), 0);
	/* The data statement before the failure was rolled back. */
	cr_assert_eq(sql_number("SELECT COUNT(*) FROM a", NULL), 0);

	/* Fixed, the same run goes on from 0002. */
	write_file("migrations/0002_broken.sql",
	    "INSERT INTO a VALUES (1);\nCREATE TABLE b (id INT);\n");
	ADMIN(NULL, env, "migrate");
	expect_status(0);
	expect_out("applied 0002_broken.sql (2 statements)");
	expect_out("applied 0003_later.sql (1 statements)");
	cr_assert_eq(sql_number("SELECT COUNT(*) FROM a", NULL), 1);
	cr_assert_str_eq(sql_value("SELECT GROUP_CONCAT(version ORDER BY "
	    "version) FROM schema_migrations"), "1,2,3");
}

Test(admin, data_only_migration_is_atomic)
{
	char	dir_var[128];
	const char *const env[] = { dir_var, NULL };

	make_sql_dir();
	(void)snprintf(dir_var, sizeof(dir_var), "DAYBOOK_SQL_DIR=%s",
	    tmp_dir);
	write_file("migrations/0001_t.sql", "CREATE TABLE t (n INT NOT NULL);\n");
	write_file("migrations/0002_rows.sql",
	    "INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);\n"
	    "INSERT INTO t VALUES ('not a number');\n");
	ADMIN(NULL, env, "migrate");
	expect_status(1);
	expect_err_line("0002_rows.sql: statement 3 (line 3: INSERT INTO t "
	    "VALUES ('not a number')) failed: ");
	cr_assert_eq(sql_number("SELECT COUNT(*) FROM t", NULL), 0);
	cr_assert_eq(sql_number("SELECT COUNT(*) FROM schema_migrations",
	    NULL), 1);
}

Test(admin, unterminated_string_in_migration)
{
	char	dir_var[128];
	const char *const env[] = { dir_var, NULL };

	make_sql_dir();
	(void)snprintf(dir_var, sizeof(dir_var), "DAYBOOK_SQL_DIR=%s",
	    tmp_dir);
	write_file("migrations/0001_q.sql", "SELECT 1;\n\nSELECT 'oops;\n");
	ADMIN(NULL, env, "migrate");
	expect_status(1);
	expect_err_line("migrate: 0001_q.sql: line 3: unterminated string");
	cr_assert_eq(sql_number("SELECT COUNT(*) FROM schema_migrations",
	    NULL), 0);
}

Test(admin, missing_migrations_directory)
{
	const char *const env[] = { "DAYBOOK_SQL_DIR=/nonexistent/sql", NULL };

	ADMIN(NULL, env, "migrate");
	expect_status(1);
	expect_err_line("daybook-admin: migrate: cannot open "
	    "/nonexistent/sql/migrations: No such file or directory");
}

/* ------------------------------------------------------------------ */
/* seed                                                                */
/* ------------------------------------------------------------------ */

Test(admin, demo_seed_counts_and_reruns)
{
	ADMIN(NULL, NULL, "migrate");
	expect_status(0);
	ADMIN(NULL, NULL, "seed", "sql/seed/0001_demo.sql");
	expect_status(0);
	expect_out("seed: sql/seed/0001_demo.sql: 4 statements committed, "
	    "27 rows");
	cr_assert_str_eq(sql_value("SELECT CONCAT(display_name, '/', is_admin)"
	    " FROM users WHERE email = 'demo@example.com'"), "Demo/1");
	cr_assert_eq(sql_number("SELECT COUNT(*) FROM tasks", NULL), 10);
	cr_assert_eq(sql_number("SELECT COUNT(*) FROM tasks WHERE "
	    "completed_at IS NOT NULL", NULL), 4);
	cr_assert_eq(dbk_password_verify(sql_value("SELECT password_hash FROM "
	    "users WHERE email = 'demo@example.com'"), "demo-password", 13), 1);
	/* Three weeks of weekdays, one of them half a sick day. */
	cr_assert_eq(sql_number("SELECT COUNT(*) FROM worklog_entries WHERE "
	    "WEEKDAY(day) < 5 AND day < UTC_DATE()", NULL), 15);
	cr_assert_eq(sql_number("SELECT COUNT(*) FROM worklog_entries WHERE "
	    "kind = 'sick' AND half_day = 1", NULL), 1);
	cr_assert_eq(sql_number("SELECT COUNT(*) FROM worklog_entries WHERE "
	    "kind = 'vacation'", NULL), 1);
	cr_assert_eq(sql_number("SELECT COUNT(*) FROM worklog_allowances",
	    NULL), 1);

	ADMIN(NULL, NULL, "seed", "sql/seed/0001_demo.sql");
	expect_status(0);
	expect_out("4 statements committed, 0 rows");
	cr_assert_eq(sql_number("SELECT COUNT(*) FROM tasks", NULL), 10);
	cr_assert_eq(sql_number("SELECT COUNT(*) FROM worklog_entries", NULL),
	    15);
	cr_assert_eq(sql_number("SELECT COUNT(*) FROM users", NULL), 1);
}

Test(admin, failing_seed_rolls_back)
{
	char	path[128];

	ADMIN(NULL, NULL, "migrate");
	expect_status(0);
	make_sql_dir();
	write_file("bad.sql",
	    "INSERT INTO users (email, display_name, password_hash)\n"
	    "    VALUES ('x@example.com', 'x', 'h');\n"
	    "-- a comment; with a semicolon\n"
	    "INSERT INTO tasks (user_id, title) SELECT id, 't;1' FROM users;\n"
	    "INSERT INTO tasks (user_id, title) VALUES (999999, 'no user');\n");
	(void)snprintf(path, sizeof(path), "%s/bad.sql", tmp_dir);
	ADMIN(NULL, NULL, "seed", path);
	expect_status(1);
	expect_err_line("bad.sql: statement 3 (line 5: INSERT INTO tasks "
	    "(user_id, title) VALUES (999999, 'no user')) failed: ");
	expect_err_line("foreign key");
	expect_err_line("(rolled back)");
	cr_assert_eq(sql_number("SELECT COUNT(*) FROM users", NULL), 0);
	cr_assert_eq(sql_number("SELECT COUNT(*) FROM tasks", NULL), 0);
}

Test(admin, seed_refuses_ddl)
{
	char	path[128];

	ADMIN(NULL, NULL, "migrate");
	expect_status(0);
	make_sql_dir();
	write_file("ddl.sql", "INSERT INTO users (email, display_name, "
	    "password_hash) VALUES ('y@example.com', 'y', 'h');\n"
	    "DROP TABLE tasks;\n");
	(void)snprintf(path, sizeof(path), "%s/ddl.sql", tmp_dir);
	ADMIN(NULL, NULL, "seed", path);
	expect_status(1);
	expect_err_line("statement 2 (line 2: DROP TABLE tasks) failed: not "
	    "allowed in a seed file");
	cr_assert_eq(sql_number("SELECT COUNT(*) FROM users", NULL), 0);
	cr_assert_eq(sql_number("SELECT COUNT(*) FROM information_schema."
	    "TABLES WHERE TABLE_SCHEMA = '%s' AND TABLE_NAME = 'tasks'",
	    db_name), 1);
}

Test(admin, seed_missing_file)
{
	ADMIN(NULL, NULL, "migrate");
	ADMIN(NULL, NULL, "seed", "/nonexistent/seed.sql");
	expect_status(1);
	expect_err_line("daybook-admin: seed: cannot read /nonexistent/seed.sql:"
	    " No such file or directory");
}

/* ------------------------------------------------------------------ */
/* create-user                                                         */
/* ------------------------------------------------------------------ */

Test(admin, create_user_then_duplicate)
{
	ADMIN(NULL, NULL, "migrate");
	expect_status(0);
	ADMIN("correct horse battery\n", NULL, "create-user",
	    "Ann.Lee@Example.ORG");
	expect_status(0);
	expect_out("create-user: created ann.lee@example.org (id ");
	cr_assert_str_eq(r.err, "");
	cr_assert_str_eq(sql_value("SELECT CONCAT(email, '/', display_name, "
	    "'/', is_admin) FROM users"), "ann.lee@example.org/Ann.Lee/0");
	cr_assert_eq(dbk_password_verify(sql_value("SELECT password_hash FROM "
	    "users"), "correct horse battery", 21), 1);

	/* The same address in other letters is the same account. */
	ADMIN("another password\n", NULL, "create-user", "ann.lee@example.org");
	expect_status(1);
	expect_err_line("daybook-admin: create-user: a user with email "
	    "ann.lee@example.org already exists");
	cr_assert_eq(sql_number("SELECT COUNT(*) FROM users", NULL), 1);
}

Test(admin, create_admin_with_name)
{
	ADMIN(NULL, NULL, "migrate");
	ADMIN("p\xc3\xa4ssw\xc3\xb6rd-1\r\n", NULL, "create-user", "--admin",
	    "root@example.com", "--name", "Ro Ot \xc3\x9c");
	expect_status(0);
	expect_out("created root@example.com as administrator");
	cr_assert_str_eq(sql_value("SELECT CONCAT(display_name, '/', is_admin)"
	    " FROM users"), "Ro Ot \xc3\x9c/1");
	/* The CR of a CRLF line end is not part of the password. */
	cr_assert_eq(dbk_password_verify(sql_value("SELECT password_hash FROM "
	    "users"), "p\xc3\xa4ssw\xc3\xb6rd-1", 12), 1);
}

Test(admin, create_user_refusals)
{
	ADMIN(NULL, NULL, "migrate");
	ADMIN("short\n", NULL, "create-user", "a@example.com");
	expect_status(1);
	expect_err_line("create-user: password not acceptable: at least 8 "
	    "characters");
	ADMIN("", NULL, "create-user", "a@example.com");
	expect_status(1);
	expect_err_line("create-user: no password on standard input");
	ADMIN("\n", NULL, "create-user", "a@example.com");
	expect_status(1);
	expect_err_line("create-user: no password on standard input");
	ADMIN("long enough\n", NULL, "create-user", "not-an-address");
	expect_status(2);
	expect_err_line("create-user: not a valid email address");
	ADMIN("long enough\n", NULL, "create-user", "a@b@example.com");
	expect_status(2);
	ADMIN("long enough\n", NULL, "create-user", "a@localhost");
	expect_status(2);
	ADMIN("long enough\n", NULL, "create-user", "a..b@example.com");
	expect_status(2);
	ADMIN("long enough\n", NULL, "create-user", "a@example.com",
	    "--name", "");
	expect_status(2);
	expect_err_line("--name: 1 to 100 characters");
	cr_assert_eq(sql_number("SELECT COUNT(*) FROM users", NULL), 0);
}

/* ------------------------------------------------------------------ */
/* status                                                              */
/* ------------------------------------------------------------------ */

Test(admin, status_output)
{
	ADMIN(NULL, NULL, "status");
	expect_status(1);
	expect_out("schema: none\n");
	expect_err_line("daybook-admin: status: no migrations applied (run "
	    "daybook-admin migrate)");

	ADMIN(NULL, NULL, "migrate");
	expect_status(0);
	ADMIN(NULL, NULL, "seed", "sql/seed/0001_demo.sql");
	expect_status(0);
	ADMIN("another-password\n", NULL, "create-user", "b@example.com");
	expect_status(0);
	sql(db, "INSERT INTO sessions (token_hash, user_id, expires_at) "
	    "SELECT UNHEX(SHA2('t', 256)), id, UTC_TIMESTAMP() + INTERVAL 1 DAY"
	    " FROM users WHERE email = 'b@example.com'");

	ADMIN(NULL, NULL, "status");
	expect_status(0);
	cr_assert_str_eq(r.err, "");
	expect_out("schema: 0");
	expect_out(" applied, 0 pending\n");
	expect_out("users: 2\n");
	expect_out("tasks: 10\n");
	expect_out("sessions: 1\n");
}

Test(admin, status_counts_pending)
{
	char	dir_var[128];
	const char *const env[] = { dir_var, NULL };

	make_sql_dir();
	(void)snprintf(dir_var, sizeof(dir_var), "DAYBOOK_SQL_DIR=%s",
	    tmp_dir);
	ADMIN(NULL, NULL, "migrate");
	expect_status(0);
	/* The real 0001 plus a newer file not yet applied. */
	write_file("migrations/0001_initial.sql", "SELECT 1;\n");
	write_file("migrations/9999_next.sql", "SELECT 2;\n");
	ADMIN(NULL, env, "status");
	expect_status(0);
	expect_out(" applied, 1 pending\n");
}

/* ------------------------------------------------------------------ */
/* Usage and failures                                                  */
/* ------------------------------------------------------------------ */

Test(admin, usage_errors)
{
	ADMIN(NULL, NULL, "help");
	expect_status(0);
	expect_out("usage: daybook-admin COMMAND");
	expect_out("create-user EMAIL [--admin]");

	run_admin(NULL, NULL, (const char *)NULL);
	expect_status(2);
	cr_assert_not_null(strstr(r.err, "usage: daybook-admin"));

	ADMIN(NULL, NULL, "frobnicate");
	expect_status(2);
	expect_err_line("daybook-admin: unknown command 'frobnicate'");
	ADMIN(NULL, NULL, "seed");
	expect_status(2);
	expect_err_line("usage: daybook-admin seed FILE.sql");
	ADMIN(NULL, NULL, "seed", "a.sql", "b.sql");
	expect_status(2);
	ADMIN(NULL, NULL, "migrate", "now");
	expect_status(2);
	expect_err_line("daybook-admin: migrate: takes no arguments");
	ADMIN(NULL, NULL, "create-user");
	expect_status(2);
	expect_err_line("usage: daybook-admin create-user EMAIL");
	ADMIN(NULL, NULL, "create-user", "a@example.com", "--bogus");
	expect_status(2);
}

Test(admin, bad_configuration)
{
	const char *const port[] = { "DAYBOOK_DB_PORT=12x", NULL };
	const char *const both[] = { "DAYBOOK_DB_PASSWORD=x",
	    "DAYBOOK_DB_PASSWORD_FILE=/nonexistent", NULL };

	ADMIN(NULL, port, "status");
	expect_status(1);
	expect_err_line("daybook-admin: status: DAYBOOK_DB_PORT: not a port "
	    "number (1-65535)");
	ADMIN(NULL, both, "migrate");
	expect_status(1);
	expect_err_line("DAYBOOK_DB_PASSWORD and DAYBOOK_DB_PASSWORD_FILE are "
	    "both set; use one");
}

/* A loopback port nothing listens on (just released by us). */
static int
closed_port(void)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd, port;

	cr_assert_neq(fd = socket(AF_INET, SOCK_STREAM, 0), -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return (port);
}

Test(admin, unreachable_database)
{
	char		port_var[64], expect[128];
	const char *const env[] = { "DAYBOOK_DB_HOST=127.0.0.1", port_var,
	    "DAYBOOK_DB_SOCKET", "DAYBOOK_DB_TIMEOUT_MS=2000", NULL };
	int		port = closed_port();

	(void)snprintf(port_var, sizeof(port_var), "DAYBOOK_DB_PORT=%d", port);
	ADMIN(NULL, env, "status");
	expect_status(1);
	(void)snprintf(expect, sizeof(expect), "daybook-admin: status: cannot "
	    "connect to MariaDB at 127.0.0.1:%d: ", port);
	expect_err_line(expect);
	cr_assert_str_eq(r.out, "");
	cr_assert_lt(r.seconds, 10.0, "took %.1f s", r.seconds);

	ADMIN(NULL, env, "migrate");
	expect_status(1);
	expect_err_line("cannot connect to MariaDB");
}

Test(admin, wrong_password_is_not_printed)
{
	const char *const env[] = { "DAYBOOK_DB_PASSWORD_FILE",
	    "DAYBOOK_DB_PASSWORD=Wr0ng-Secret-Value", NULL };

	ADMIN(NULL, env, "status");
	expect_status(1);
	expect_err_line("cannot connect to MariaDB");
	expect_err_line("Access denied");
	cr_assert_null(strstr(r.err, "Wr0ng-Secret-Value"));
	cr_assert_null(strstr(r.out, "Wr0ng-Secret-Value"));
}
