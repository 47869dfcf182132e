/*
 * daybook-admin: schema migrations, seeding, accounts, administrators, the
 * nightly report and status from the command line.  Connection settings
 * are the DAYBOOK_* environment variables the server uses (see config.h).
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"

/* What make run writes for the dev stack, relative to the repository root. */
#define DEV_ENV_FILE	"var/dev/env.sh"

static const char usage_text[] =
    "usage: daybook-admin COMMAND [ARGUMENTS]\n"
    "\n"
    "commands:\n"
    "  migrate                 apply the migrations in $DAYBOOK_SQL_DIR/migrations\n"
    "                          that are not applied yet (running it twice is safe)\n"
    "  seed FILE.sql           run the statements of FILE.sql in one transaction\n"
    "  create-user EMAIL [--admin] [--name NAME]\n"
    "                          create an account; the password is read from\n"
    "                          standard input (one line, at least 8 characters)\n"
    "  status                  schema version, pending migrations and counts of\n"
    "                          users, tasks and sessions\n"
    "  report [--date YYYY-MM-DD] [--format text|csv|json]\n"
    "                          the tasks every account completed on that day\n"
    "                          (default: yesterday) in $DAYBOOK_REPORT_TZ;\n"
    "                          stores the report (replacing one for the same\n"
    "                          date) and prints it\n"
    "  set-admin EMAIL on|off  make an account an administrator or not\n"
    "  reset-password EMAIL    print a one-time password reset link\n"
    "                          ($DAYBOOK_BASE_URL/password/reset?token=...),\n"
    "                          valid 30 minutes; older unused links stop working\n"
    "  help                    show this text\n"
    "\n"
    "MariaDB settings come from DAYBOOK_DB_HOST, DAYBOOK_DB_PORT, DAYBOOK_DB_SOCKET,\n"
    "DAYBOOK_DB_USER, DAYBOOK_DB_PASSWORD(_FILE), DAYBOOK_DB_NAME and the other\n"
    "DAYBOOK_* variables (see README.md).\n"
    "exit status: 0 done, 1 failed, 2 bad usage\n";

void
dbk_admin_fail(const char *cmd, const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "daybook-admin: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* config.h wants a lookup returning const char *. */
static const char *
env_lookup(const char *name)
{
	return (getenv(name));
}

/* Does our environment set any DAYBOOK_* variable? */
static int
daybook_variable_set(void)
{
	char	**entry;

	if (environ == NULL)
		return (0);
	for (entry = environ; *entry != NULL; entry++) {
		if (strncmp(*entry, "DAYBOOK_", 8) == 0)
			return (1);
	}
	return (0);
}

/*
 * The text to append to a configuration error: a hint to source the dev
 * stack's env.sh when no DAYBOOK_* variable is set and DEV_ENV_FILE exists
 * in the current directory (the defaults, such as var/secret, then rarely
 * fit); otherwise "".  A static string.
 */
static const char *
unsourced_env_hint(void)
{
	if (daybook_variable_set() || access(DEV_ENV_FILE, F_OK) != 0)
		return ("");
	return ("; no DAYBOOK_* variable is set: source " DEV_ENV_FILE
	    " first (see README, 'Administration')");
}

/* Check a command's arguments before anything connects. */
static int
check_arguments(const char *cmd, int argc, char **argv)
{
	if (strcmp(cmd, "migrate") == 0 || strcmp(cmd, "status") == 0) {
		if (argc != 1) {
			dbk_admin_fail(cmd, "takes no arguments (see "
			    "daybook-admin help)");
			return (ADMIN_USAGE);
		}
		return (ADMIN_OK);
	}
	if (strcmp(cmd, "seed") == 0)
		return (dbk_admin_seed_check(argc, argv));
	if (strcmp(cmd, "create-user") == 0)
		return (dbk_admin_create_user_check(argc, argv));
	if (strcmp(cmd, "report") == 0)
		return (dbk_admin_report_check(argc, argv));
	if (strcmp(cmd, "set-admin") == 0)
		return (dbk_admin_set_admin_check(argc, argv));
	if (strcmp(cmd, "reset-password") == 0)
		return (dbk_admin_reset_password_check(argc, argv));
	fprintf(stderr, "daybook-admin: unknown command '%s' (see "
	    "daybook-admin help)\n", cmd);
	return (ADMIN_USAGE);
}

static int
run_command(const struct dbk_config *cfg, MYSQL *db, int argc, char **argv)
{
	const char	*cmd = argv[0];

	if (strcmp(cmd, "migrate") == 0)
		return (dbk_admin_migrate(cfg, db));
	if (strcmp(cmd, "seed") == 0)
		return (dbk_admin_seed(db, argc, argv));
	if (strcmp(cmd, "create-user") == 0)
		return (dbk_admin_create_user(db, argc, argv));
	if (strcmp(cmd, "report") == 0)
		return (dbk_admin_report(cfg, db, argc, argv));
	if (strcmp(cmd, "set-admin") == 0)
		return (dbk_admin_set_admin(db, argc, argv));
	if (strcmp(cmd, "reset-password") == 0)
		return (dbk_admin_reset_password(cfg, db, argc, argv));
	return (dbk_admin_status(cfg, db));
}

int
main(int argc, char **argv)
{
	struct dbk_config	 cfg;
	MYSQL			*db = NULL;
	char			 err[ADMIN_ERROR_MAX];
	const char		*cmd;
	int			 status;

	if (argc < 2) {
		fputs(usage_text, stderr);
		return (ADMIN_USAGE);
	}
	cmd = argv[1];
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 ||
	    strcmp(cmd, "-h") == 0) {
		fputs(usage_text, stdout);
		return (ADMIN_OK);
	}
	if ((status = check_arguments(cmd, argc - 1, argv + 1)) != ADMIN_OK)
		return (status);

	if (dbk_config_load(&cfg, env_lookup) == -1) {
		dbk_admin_fail(cmd, "%s%s", cfg.error, unsourced_env_hint());
		dbk_config_free(&cfg);
		return (ADMIN_FAILED);
	}
	if ((db = dbk_admin_connect(&cfg, err, sizeof(err))) == NULL) {
		dbk_admin_fail(cmd, "%s", err);
		status = ADMIN_FAILED;
		goto out;
	}
	status = run_command(&cfg, db, argc - 1, argv + 1);
out:
	if (db != NULL)
		mysql_close(db);
	mysql_library_end();
	dbk_config_free(&cfg);
	return (status);
}
