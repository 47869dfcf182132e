/*
 * daybook-admin: internal interfaces between its source files.
 */

#ifndef DBK_ADMIN_H
#define DBK_ADMIN_H

#include <stddef.h>

#include <mysql.h>

#include "core/config.h"
#include "core/sql.h"

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

int	dbk_admin_report(const struct dbk_config *cfg, MYSQL *db, int argc,
	    char **argv);
int	dbk_admin_set_admin(MYSQL *db, int argc, char **argv);
int	dbk_admin_reset_password(const struct dbk_config *cfg, MYSQL *db,
	    int argc, char **argv);

int	dbk_admin_seed_check(int argc, char **argv);
int	dbk_admin_create_user_check(int argc, char **argv);
int	dbk_admin_report_check(int argc, char **argv);
int	dbk_admin_set_admin_check(int argc, char **argv);
int	dbk_admin_reset_password_check(int argc, char **argv);

/* The actor recorded in admin_audit for this tool. */
#define ADMIN_ACTOR	"daybook-admin"

/*
 * Run sql with its `?` replaced by params (src/core/sql.c).  dbk_admin_exec
 * returns 0 and sets *affected (may be NULL); dbk_admin_select returns the
 * stored result (mysql_free_result it).  On failure -1 / NULL with err set.
 */
int	dbk_admin_exec(MYSQL *db, const char *sql,
	    const struct dbk_sql_param *params, size_t nparams,
	    unsigned long long *affected, char *err, size_t errlen);
MYSQL_RES *dbk_admin_select(MYSQL *db, const char *sql,
	    const struct dbk_sql_param *params, size_t nparams, char *err,
	    size_t errlen);

/* Transactions; 0, or -1 with err set (a failed commit rolls back). */
int	dbk_admin_begin(MYSQL *db, char *err, size_t errlen);
int	dbk_admin_commit(MYSQL *db, char *err, size_t errlen);
void	dbk_admin_rollback(MYSQL *db);

/*
 * Add an admin_audit row by ADMIN_ACTOR: action, the target account (0:
 * none) and a detail of at most 500 bytes.  0, or -1 with err set.
 */
int	dbk_admin_audit(MYSQL *db, const char *action,
	    unsigned long long target, const char *detail, char *err,
	    size_t errlen);

/*
 * Look up (and lock, inside a transaction) the account with the normalised
 * email.  Returns 1 with *id and *is_admin (may be NULL) set, 0 when there
 * is none, -1 with err set.
 */
int	dbk_admin_find_user(MYSQL *db, const char *email,
	    unsigned long long *id, int *is_admin, char *err, size_t errlen);

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
