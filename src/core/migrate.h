/*
 * daybook schema migrations and SQL scripts (daybook-admin only).
 *
 * The pure parts (statement splitting, migration file names and order) have
 * no database dependency and are unit-tested on their own.  The rest uses
 * MariaDB Connector/C's blocking API, which is fine in the admin tool and
 * must never be called from a Kore worker.
 *
 * Migrations are sql/migrations/NNNN_name.sql (four digits, then a name of
 * letters, digits, '_' or '-'), applied in number order and recorded in
 * schema_migrations.  MariaDB commits DDL implicitly, so a file is recorded
 * only after all of its statements succeeded; its data statements after the
 * last DDL statement are rolled back with it on failure.
 */

#ifndef DBK_MIGRATE_H
#define DBK_MIGRATE_H

#include <stddef.h>
#include <stdio.h>

struct st_mysql;	/* MYSQL from <mysql.h> */

/* Room for a message from these functions. */
#define DBK_MIGRATE_ERROR_MAX	1024

struct dbk_sql_stmt {
	char		*text;		/* without the ';', NUL-terminated */
	size_t		 len;		/* strlen(text) */
	unsigned int	 line;		/* 1-based line of its first byte */
};

struct dbk_sql_script {
	struct dbk_sql_stmt	*stmts;
	size_t			 count;
};

struct dbk_migration {
	unsigned int	 version;	/* the NNNN of the file name */
	char		*name;		/* "0001_initial.sql" */
	char		*path;		/* directory + "/" + name */
};

struct dbk_migration_list {
	struct dbk_migration	*items;		/* ascending version */
	size_t			 count;
};

/*
 * Split len bytes of SQL into statements at ';' outside quotes ('...',
 * "...", `...`) and comments (-- , #, block comments).  Comments and blank
 * space between statements are dropped; empty statements are skipped; a
 * last statement without ';' counts.  DELIMITER is not supported.
 * Returns 0 with *script filled (free with dbk_sql_script_free), or -1
 * with err naming the line of an unterminated quote or comment.
 */
int	dbk_sql_split(const char *sql, size_t len, struct dbk_sql_script *script,
	    char *err, size_t errlen);
void	dbk_sql_script_free(struct dbk_sql_script *script);

/*
 * Copy the first line of a statement into out (at most outlen - 1 bytes,
 * "..." marking a cut), for messages.
 */
void	dbk_sql_first_line(const char *text, char *out, size_t outlen);

/*
 * Returns 0 and sets *version when filename is a migration name
 * (NNNN_name.sql), -1 otherwise.
 */
int	dbk_migrate_parse_name(const char *filename, unsigned int *version);

/*
 * List the migrations in dir in version order.  Files not ending in .sql
 * and hidden files are ignored; a .sql file with a bad name or a version
 * used twice is an error.  Returns 0 (free with dbk_migrate_list_free), or
 * -1 with err set.
 */
int	dbk_migrate_list(const char *dir, struct dbk_migration_list *list,
	    char *err, size_t errlen);
void	dbk_migrate_list_free(struct dbk_migration_list *list);

/*
 * Read a whole file (at most 16 MiB) into a new NUL-terminated buffer the
 * caller frees.  Returns 0, or -1 with err naming the path.
 */
int	dbk_sql_read_file(const char *path, char **buf, size_t *len, char *err,
	    size_t errlen);

/*
 * Apply every migration in dir not yet recorded in schema_migrations
 * (created when missing), one file at a time, under a named lock so two
 * runs never interleave.  Progress lines go to log (may be NULL).  Returns
 * the number of files applied (0: nothing to do), or -1 with err naming
 * the file, the statement's number, line and first line, and the server's
 * message.
 */
int	dbk_migrate_apply(struct st_mysql *db, const char *dir, FILE *log,
	    char *err, size_t errlen);

/*
 * The version and name of the last applied migration and the number
 * applied; *version is 0 and name empty when none is (or the table does
 * not exist yet).  Returns 0, or -1 with err set.
 */
int	dbk_migrate_current(struct st_mysql *db, unsigned int *version,
	    char *name, size_t namelen, unsigned int *applied, char *err,
	    size_t errlen);

/*
 * The number of migrations in dir not recorded in schema_migrations (all
 * of them when the table does not exist).  Returns 0, or -1 with err set.
 */
int	dbk_migrate_pending(struct st_mysql *db, const char *dir,
	    unsigned int *pending, char *err, size_t errlen);

/*
 * Run the data statements of the SQL file at path in one transaction.
 * Statements that would commit implicitly (CREATE, ALTER, DROP, ...) or
 * control the transaction are refused before anything runs.  Returns the
 * number of statements run and sets *rows to the rows they affected, or
 * -1 after a rollback with err naming the statement.
 */
long	dbk_sql_run_script(struct st_mysql *db, const char *path,
	    unsigned long long *rows, char *err, size_t errlen);

#endif
