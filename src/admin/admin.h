/*
 * daybook-admin: internal interfaces between its source files.
 */

#ifndef DBK_ADMIN_H
#define DBK_ADMIN_H

#include <stddef.h>

#include <mysql.h>

#include "config.h"

/* Exit statuses. */
#define ADMIN_OK	0
#define ADMIN_FAILED	1
#define ADMIN_USAGE	2

#define ADMIN_ERROR_MAX	1024

/*
 * Open a blocking connection with the settings in cfg (utf8mb4, UTC).
 * Returns the connection (mysql_close it), or NULL with err set.
 */
MYSQL	*dbk_admin_connect(const struct dbk_config *cfg, char *err,
	    size_t errlen);

/*
 * The commands.  argv[0] is the command name.  Each prints its result on
 * standard output and, on failure, one line on standard error; returns an
 * exit status.  dbk_admin_*_check validate arguments before anything
 * connects (ADMIN_OK or ADMIN_USAGE, with a message).
 */
int	dbk_admin_migrate(const struct dbk_config *cfg, MYSQL *db);
int	dbk_admin_seed(MYSQL *db, int argc, char **argv);
int	dbk_admin_status(const struct dbk_config *cfg, MYSQL *db);
int	dbk_admin_create_user(MYSQL *db, int argc, char **argv);

int	dbk_admin_seed_check(int argc, char **argv);
int	dbk_admin_create_user_check(int argc, char **argv);

/*
 * Lower-case and check an email address into out (outlen >= 255).
 * Returns 0, or -1 when it is not a plain address (ASCII, one '@', a dotted
 * domain, at most 254 bytes).
 */
int	dbk_admin_email_normalize(const char *email, char *out, size_t outlen);

/* Print "daybook-admin: CMD: message" on standard error. */
void	dbk_admin_fail(const char *cmd, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
