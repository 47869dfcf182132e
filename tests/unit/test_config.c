/*
 * Unit tests for src/core/config.c: defaults, number/boolean parsing, password
 * files and the secret.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <sodium.h>

#include "core/config.h"

#define MAX_VARS	16

/* The fake environment: each Criterion test runs in its own process. */
static const char	*env_names[MAX_VARS];
static const char	*env_values[MAX_VARS];
static size_t		 env_count;
static char		 secret_path[64];
static char		 other_files[4][64];
static size_t		 other_count;

static const char *
fake_getenv(const char *name)
{
	size_t	i;

	for (i = 0; i < env_count; i++) {
		if (strcmp(env_names[i], name) == 0)
			return (env_values[i]);
	}
	return (NULL);
}

static void
set_env(const char *name, const char *value)
{
	size_t	i;

	for (i = 0; i < env_count; i++) {
		if (strcmp(env_names[i], name) == 0) {
			env_values[i] = value;
			return;
		}
	}
	cr_assert_lt(env_count, MAX_VARS);
	env_names[env_count] = name;
	env_values[env_count] = value;
	env_count++;
}

/* Write len bytes to a new temporary file; its path goes into path. */
static void
write_temp(char *path, size_t pathlen, const void *data, size_t len)
{
	int	fd;

	(void)snprintf(path, pathlen, "/tmp/dbk-config-test-XXXXXX");
	fd = mkstemp(path);
	cr_assert_neq(fd, -1, "mkstemp");
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static const char *
temp_file(const void *data, size_t len)
{
	char	*path;

	cr_assert_lt(other_count, 4);
	path = other_files[other_count++];
	write_temp(path, 64, data, len);
	return (path);
}

static const char secret_text[] = "0123456789abcdef0123456789abcdef-secret";

static void
setup(void)
{
	char	content[sizeof(secret_text) + 1];

	env_count = 0;
	other_count = 0;
	(void)snprintf(content, sizeof(content), "%s\n", secret_text);
	write_temp(secret_path, sizeof(secret_path), content, strlen(content));
	set_env("DAYBOOK_SECRET_FILE", secret_path);
}

static void
teardown(void)
{
	size_t	i;

	unlink(secret_path);
	for (i = 0; i < other_count; i++)
		unlink(other_files[i]);
}

TestSuite(config, .init = setup, .fini = teardown);

/* Load and expect failure with exactly this message. */
static void
expect_error(const char *message)
{
	struct dbk_config	cfg;

	cr_assert_eq(dbk_config_load(&cfg, fake_getenv), -1,
	    "expected: %s", message);
	cr_assert_str_eq(cfg.error, message);
	dbk_config_free(&cfg);
}

static void
expect_ok(struct dbk_config *cfg)
{
	int	rc;

	rc = dbk_config_load(cfg, fake_getenv);
	cr_assert_eq(rc, 0, "load failed: %s", cfg->error);
}

Test(config, defaults)
{
	struct dbk_config	cfg;

	expect_ok(&cfg);
	cr_assert_str_eq(cfg.db_host, "127.0.0.1");
	cr_assert_eq(cfg.db_port, 3306);
	cr_assert_null(cfg.db_socket);
	cr_assert_str_eq(cfg.db_user, "daybook");
	cr_assert_str_eq(cfg.db_password, "");
	cr_assert_str_eq(cfg.db_name, "daybook");
	cr_assert_eq(cfg.db_pool_size, 4);
	cr_assert_eq(cfg.db_queue_max, 256);
	cr_assert_eq(cfg.db_timeout_ms, 5000);
	cr_assert_str_eq(cfg.redis_host, "127.0.0.1");
	cr_assert_eq(cfg.redis_port, 6379);
	cr_assert_str_eq(cfg.redis_password, "");
	cr_assert_eq(cfg.redis_db, 0);
	cr_assert_eq(cfg.redis_timeout_ms, 250);
	cr_assert_str_eq(cfg.template_dir, "templates");
	cr_assert_str_eq(cfg.asset_dir, "assets");
	cr_assert_str_eq(cfg.sql_dir, "sql");
	cr_assert_eq(cfg.https, 0);
	cr_assert_eq(cfg.session_idle_min, 720);
	cr_assert_eq(cfg.session_max_hours, 720);
	cr_assert_eq(cfg.signup_open, 1);
	cr_assert_str_eq(cfg.base_url, "http://127.0.0.1:8080");
	cr_assert_str_eq(cfg.report_tz, "UTC");
	dbk_config_free(&cfg);
	cr_assert_null(cfg.db_host);
}

Test(config, every_setting_read)
{
	struct dbk_config	cfg;

	set_env("DAYBOOK_DB_HOST", "db.internal");
	set_env("DAYBOOK_DB_PORT", "3407");
	set_env("DAYBOOK_DB_SOCKET", "/run/mysqld.sock");
	set_env("DAYBOOK_DB_USER", "u");
	set_env("DAYBOOK_DB_PASSWORD", "p");
	set_env("DAYBOOK_DB_NAME", "daybook_test");
	set_env("DAYBOOK_DB_POOL_SIZE", "8");
	set_env("DAYBOOK_REDIS_PORT", "6407");
	set_env("DAYBOOK_REDIS_DB", "3");
	set_env("DAYBOOK_HTTPS", "1");
	set_env("DAYBOOK_SIGNUP", "closed");
	set_env("DAYBOOK_REPORT_TZ", "Europe/Berlin");
	set_env("DAYBOOK_BASE_URL", "https://daybook.example");
	set_env("DAYBOOK_SESSION_IDLE_MINUTES", "30");
	expect_ok(&cfg);
	cr_assert_str_eq(cfg.db_host, "db.internal");
	cr_assert_eq(cfg.db_port, 3407);
	cr_assert_str_eq(cfg.db_socket, "/run/mysqld.sock");
	cr_assert_str_eq(cfg.db_user, "u");
	cr_assert_str_eq(cfg.db_password, "p");
	cr_assert_str_eq(cfg.db_name, "daybook_test");
	cr_assert_eq(cfg.db_pool_size, 8);
	cr_assert_eq(cfg.redis_port, 6407);
	cr_assert_eq(cfg.redis_db, 3);
	cr_assert_eq(cfg.https, 1);
	cr_assert_eq(cfg.signup_open, 0);
	cr_assert_str_eq(cfg.report_tz, "Europe/Berlin");
	cr_assert_str_eq(cfg.base_url, "https://daybook.example");
	cr_assert_eq(cfg.session_idle_min, 30);
	dbk_config_free(&cfg);
}

Test(config, empty_socket_means_tcp)
{
	struct dbk_config	cfg;

	set_env("DAYBOOK_DB_SOCKET", "");
	expect_ok(&cfg);
	cr_assert_null(cfg.db_socket);
	dbk_config_free(&cfg);
}

Test(config, bad_ports)
{
	static const char *const bad[] = {
		"12x", "", "99999", "0", "-1", " 80", "80 ", "+80", "0x50",
		"65536", "4294967297", "99999999999999999999",
	};
	size_t	i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		set_env("DAYBOOK_DB_PORT", bad[i]);
		expect_error("DAYBOOK_DB_PORT: not a port number (1-65535)");
	}
	set_env("DAYBOOK_DB_PORT", "3306");
	set_env("DAYBOOK_REDIS_PORT", "70000");
	expect_error("DAYBOOK_REDIS_PORT: not a port number (1-65535)");
}

Test(config, port_limits)
{
	struct dbk_config	cfg;

	set_env("DAYBOOK_DB_PORT", "65535");
	set_env("DAYBOOK_REDIS_PORT", "1");
	expect_ok(&cfg);
	cr_assert_eq(cfg.db_port, 65535);
	cr_assert_eq(cfg.redis_port, 1);
	dbk_config_free(&cfg);
}

Test(config, bad_numbers)
{
	set_env("DAYBOOK_DB_POOL_SIZE", "0");
	expect_error("DAYBOOK_DB_POOL_SIZE: not a whole number from 1 to 64");
	set_env("DAYBOOK_DB_POOL_SIZE", "4");
	set_env("DAYBOOK_DB_TIMEOUT_MS", "5s");
	expect_error("DAYBOOK_DB_TIMEOUT_MS: not a whole number from 1 to "
	    "600000");
	set_env("DAYBOOK_DB_TIMEOUT_MS", "5000");
	set_env("DAYBOOK_REDIS_DB", "-1");
	expect_error("DAYBOOK_REDIS_DB: not a whole number from 0 to 255");
	set_env("DAYBOOK_REDIS_DB", "0");
	set_env("DAYBOOK_SESSION_MAX_HOURS", "");
	expect_error("DAYBOOK_SESSION_MAX_HOURS: not a whole number from 1 to "
	    "87600");
}

Test(config, booleans_and_signup)
{
	static const char *const bad[] = { "yes", "2", "", "true", " 1" };
	struct dbk_config	 cfg;
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		set_env("DAYBOOK_HTTPS", bad[i]);
		expect_error("DAYBOOK_HTTPS: must be 0 or 1");
	}
	set_env("DAYBOOK_HTTPS", "0");
	set_env("DAYBOOK_SIGNUP", "Open");
	expect_error("DAYBOOK_SIGNUP: must be open or closed");
	set_env("DAYBOOK_SIGNUP", "open");
	expect_ok(&cfg);
	cr_assert_eq(cfg.signup_open, 1);
	cr_assert_eq(cfg.https, 0);
	dbk_config_free(&cfg);
}

Test(config, empty_strings_rejected)
{
	set_env("DAYBOOK_DB_HOST", "");
	expect_error("DAYBOOK_DB_HOST: must not be empty");
	set_env("DAYBOOK_DB_HOST", "h");
	set_env("DAYBOOK_SQL_DIR", "");
	expect_error("DAYBOOK_SQL_DIR: must not be empty");
}

Test(config, base_url_and_time_zone)
{
	set_env("DAYBOOK_BASE_URL", "127.0.0.1:8080");
	expect_error("DAYBOOK_BASE_URL: must start with http:// or https://");
	set_env("DAYBOOK_BASE_URL", "http://x");
	set_env("DAYBOOK_REPORT_TZ", "../../etc/passwd");
	expect_error("DAYBOOK_REPORT_TZ: not a time zone name");
	set_env("DAYBOOK_REPORT_TZ", "UTC; DROP");
	expect_error("DAYBOOK_REPORT_TZ: not a time zone name");
}

Test(config, password_and_file_both_set)
{
	set_env("DAYBOOK_DB_PASSWORD", "x");
	set_env("DAYBOOK_DB_PASSWORD_FILE", "/nonexistent");
	expect_error("DAYBOOK_DB_PASSWORD and DAYBOOK_DB_PASSWORD_FILE are "
	    "both set; use one");
}

Test(config, redis_password_and_file_both_set)
{
	set_env("DAYBOOK_REDIS_PASSWORD", "");
	set_env("DAYBOOK_REDIS_PASSWORD_FILE", "/nonexistent");
	expect_error("DAYBOOK_REDIS_PASSWORD and DAYBOOK_REDIS_PASSWORD_FILE "
	    "are both set; use one");
}

Test(config, password_file_newline_stripped)
{
	struct dbk_config	cfg;

	set_env("DAYBOOK_DB_PASSWORD_FILE", temp_file("db pass\n", 8));
	set_env("DAYBOOK_REDIS_PASSWORD_FILE", temp_file("r\r\n", 3));
	expect_ok(&cfg);
	cr_assert_str_eq(cfg.db_password, "db pass");
	cr_assert_str_eq(cfg.redis_password, "r");
	dbk_config_free(&cfg);
}

Test(config, password_file_only_one_newline_stripped)
{
	struct dbk_config	cfg;

	set_env("DAYBOOK_DB_PASSWORD_FILE", temp_file("pw\n\n", 4));
	expect_ok(&cfg);
	cr_assert_str_eq(cfg.db_password, "pw\n");
	dbk_config_free(&cfg);
}

Test(config, password_file_without_newline)
{
	struct dbk_config	cfg;

	set_env("DAYBOOK_DB_PASSWORD_FILE", temp_file("pw", 2));
	expect_ok(&cfg);
	cr_assert_str_eq(cfg.db_password, "pw");
	dbk_config_free(&cfg);
}

Test(config, unreadable_password_file)
{
	struct dbk_config	cfg;

	set_env("DAYBOOK_REDIS_PASSWORD_FILE", "/nonexistent/redis-pw");
	cr_assert_eq(dbk_config_load(&cfg, fake_getenv), -1);
	cr_assert_str_eq(cfg.error, "DAYBOOK_REDIS_PASSWORD_FILE: cannot read "
	    "/nonexistent/redis-pw: No such file or directory");
	dbk_config_free(&cfg);
}

Test(config, password_file_content_never_in_error)
{
	struct dbk_config	cfg;

	set_env("DAYBOOK_DB_PASSWORD_FILE", temp_file("TOPSECRET\0x\n", 12));
	cr_assert_eq(dbk_config_load(&cfg, fake_getenv), -1);
	cr_assert_str_eq(cfg.error, "DAYBOOK_DB_PASSWORD_FILE: file contains "
	    "a NUL byte");
	cr_assert_null(strstr(cfg.error, "TOPSECRET"));
	dbk_config_free(&cfg);
}

Test(config, secret_is_sha256_of_file_content)
{
	struct dbk_config	cfg;
	unsigned char		expect[crypto_hash_sha256_BYTES];

	expect_ok(&cfg);
	/* The trailing newline written by setup() is not part of it. */
	crypto_hash_sha256(expect, (const unsigned char *)secret_text,
	    strlen(secret_text));
	cr_assert_arr_eq(cfg.secret, expect, sizeof(expect));
	dbk_config_free(&cfg);
}

Test(config, secret_too_short)
{
	struct dbk_config	 cfg;
	const char		*path;
	char			 expect[256];

	/* 32 bytes with the newline, 31 without it. */
	path = temp_file("0123456789012345678901234567890\n", 32);
	set_env("DAYBOOK_SECRET_FILE", path);
	cr_assert_eq(dbk_config_load(&cfg, fake_getenv), -1);
	(void)snprintf(expect, sizeof(expect), "DAYBOOK_SECRET_FILE: %s holds "
	    "fewer than 32 bytes", path);
	cr_assert_str_eq(cfg.error, expect);
	cr_assert_null(strstr(cfg.error, "0123"));
	dbk_config_free(&cfg);
}

Test(config, secret_exactly_32_bytes)
{
	struct dbk_config	cfg;

	set_env("DAYBOOK_SECRET_FILE",
	    temp_file("01234567890123456789012345678901", 32));
	expect_ok(&cfg);
	dbk_config_free(&cfg);
}

Test(config, secret_missing)
{
	struct dbk_config	cfg;

	set_env("DAYBOOK_SECRET_FILE", "/nonexistent/secret");
	cr_assert_eq(dbk_config_load(&cfg, fake_getenv), -1);
	cr_assert_str_eq(cfg.error, "DAYBOOK_SECRET_FILE: cannot read "
	    "/nonexistent/secret: No such file or directory");
	dbk_config_free(&cfg);
}

Test(config, secret_is_a_directory)
{
	struct dbk_config	cfg;

	set_env("DAYBOOK_SECRET_FILE", "/tmp");
	cr_assert_eq(dbk_config_load(&cfg, fake_getenv), -1);
	cr_assert_str_eq(cfg.error, "DAYBOOK_SECRET_FILE: cannot read /tmp: "
	    "Is a directory");
	dbk_config_free(&cfg);
}

Test(config, free_twice_is_safe)
{
	struct dbk_config	cfg;

	expect_ok(&cfg);
	dbk_config_free(&cfg);
	dbk_config_free(&cfg);
	cr_assert_null(cfg.db_password);
}

/* ---- Mail settings (issue 6: password reset by email) ---- */

Test(config, mail_unset_by_default)
{
	struct dbk_config	cfg;

	expect_ok(&cfg);
	cr_assert_null(cfg.smtp_url);
	cr_assert_null(cfg.smtp_user);
	cr_assert_null(cfg.mail_from);
	cr_assert_str_eq(cfg.smtp_password, "");
	dbk_config_free(&cfg);
}

Test(config, mail_settings_read)
{
	struct dbk_config	cfg;

	set_env("DAYBOOK_SMTP_URL", "smtps://mail.example.org:465");
	set_env("DAYBOOK_SMTP_USER", "daybook");
	set_env("DAYBOOK_SMTP_PASSWORD_FILE", temp_file("smtp pw\n", 8));
	set_env("DAYBOOK_MAIL_FROM", "daybook@example.org");
	expect_ok(&cfg);
	cr_assert_str_eq(cfg.smtp_url, "smtps://mail.example.org:465");
	cr_assert_str_eq(cfg.smtp_user, "daybook");
	cr_assert_str_eq(cfg.smtp_password, "smtp pw");
	cr_assert_str_eq(cfg.mail_from, "daybook@example.org");
	dbk_config_free(&cfg);
	cr_assert_null(cfg.smtp_url);
	cr_assert_null(cfg.smtp_password);
}

Test(config, empty_smtp_url_means_no_mail)
{
	struct dbk_config	cfg;

	set_env("DAYBOOK_SMTP_URL", "");
	expect_ok(&cfg);
	cr_assert_null(cfg.smtp_url);
	dbk_config_free(&cfg);
}

Test(config, bad_mail_settings)
{
	set_env("DAYBOOK_SMTP_URL", "http://mail.example.org");
	expect_error("DAYBOOK_SMTP_URL: must start with smtp:// or smtps://");
	set_env("DAYBOOK_SMTP_URL", "smtp://mail.example.org\n:25");
	expect_error("DAYBOOK_SMTP_URL: spaces or control characters");
	set_env("DAYBOOK_SMTP_URL", "smtp://127.0.0.1:25");
	expect_error("DAYBOOK_MAIL_FROM: must be set when DAYBOOK_SMTP_URL is");
	set_env("DAYBOOK_MAIL_FROM", "Daybook <daybook@example.org>");
	expect_error("DAYBOOK_MAIL_FROM: not an address such as "
	    "daybook@example.com");
	set_env("DAYBOOK_MAIL_FROM", "daybook@example.org\r\nBcc: x@y");
	expect_error("DAYBOOK_MAIL_FROM: not an address such as "
	    "daybook@example.com");
	set_env("DAYBOOK_MAIL_FROM", "no-at-sign");
	expect_error("DAYBOOK_MAIL_FROM: not an address such as "
	    "daybook@example.com");
}

Test(config, smtp_password_and_file_both_set)
{
	set_env("DAYBOOK_SMTP_PASSWORD", "TOPSECRET");
	set_env("DAYBOOK_SMTP_PASSWORD_FILE", "/nonexistent");
	expect_error("DAYBOOK_SMTP_PASSWORD and DAYBOOK_SMTP_PASSWORD_FILE "
	    "are both set; use one");
}

Test(config, smtp_password_never_in_error)
{
	struct dbk_config	cfg;

	set_env("DAYBOOK_SMTP_PASSWORD_FILE", temp_file("TOPSECRET\0x", 11));
	cr_assert_eq(dbk_config_load(&cfg, fake_getenv), -1);
	cr_assert_str_eq(cfg.error, "DAYBOOK_SMTP_PASSWORD_FILE: file "
	    "contains a NUL byte");
	dbk_config_free(&cfg);
}

Test(config, no_trusted_proxies_by_default)
{
	struct dbk_config	cfg;

	expect_ok(&cfg);
	cr_assert_eq(cfg.trusted_proxies_n, 0);
	dbk_config_free(&cfg);
	set_env("DAYBOOK_TRUSTED_PROXIES", " \t ");
	expect_ok(&cfg);
	cr_assert_eq(cfg.trusted_proxies_n, 0);
	dbk_config_free(&cfg);
}

Test(config, trusted_proxies_read)
{
	struct dbk_config	cfg;

	set_env("DAYBOOK_TRUSTED_PROXIES",
	    "10.244.0.0/16, 127.0.0.1 ,fd00::/8,::1");
	expect_ok(&cfg);
	cr_assert_eq(cfg.trusted_proxies_n, 4);
	cr_assert_eq(cfg.trusted_proxies[0].prefix, 16);
	cr_assert_eq(cfg.trusted_proxies[0].addr[1], 244);
	cr_assert_eq(cfg.trusted_proxies[1].prefix, 32);
	cr_assert_eq(cfg.trusted_proxies[2].prefix, 8);
	cr_assert_eq(cfg.trusted_proxies[2].addr[0], 0xfd);
	cr_assert_eq(cfg.trusted_proxies[3].prefix, 128);
	dbk_config_free(&cfg);
}

Test(config, bad_trusted_proxies)
{
	char	many[1024];
	size_t	i;

	set_env("DAYBOOK_TRUSTED_PROXIES", "10.0.0.0/8, ingress");
	expect_error("DAYBOOK_TRUSTED_PROXIES: \"ingress\" is not an "
	    "IPv4/IPv6 address or CIDR block");
	set_env("DAYBOOK_TRUSTED_PROXIES", "10.0.0.0/33");
	expect_error("DAYBOOK_TRUSTED_PROXIES: \"10.0.0.0/33\" is not an "
	    "IPv4/IPv6 address or CIDR block");
	set_env("DAYBOOK_TRUSTED_PROXIES", "10.0.0.1,,10.0.0.2");
	expect_error("DAYBOOK_TRUSTED_PROXIES: an entry is empty or too long; "
	    "list addresses or CIDR blocks separated by commas");
	set_env("DAYBOOK_TRUSTED_PROXIES", "10.0.0.1,");
	expect_error("DAYBOOK_TRUSTED_PROXIES: an entry is empty or too long; "
	    "list addresses or CIDR blocks separated by commas");
	many[0] = '\0';
	for (i = 0; i <= DBK_TRUSTED_PROXIES_MAX; i++)
		(void)snprintf(many + strlen(many), sizeof(many) - strlen(many),
		    "%s10.0.0.%zu", i > 0 ? "," : "", i);
	set_env("DAYBOOK_TRUSTED_PROXIES", many);
	expect_error("DAYBOOK_TRUSTED_PROXIES: more than 32 entries");
}
