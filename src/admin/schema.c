/*
 * daybook-admin: migrate, seed and status.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "core/migrate.h"

/* dir + "/migrations" into out; returns 0, or -1 when it does not fit. */
static int
migrations_dir(const struct dbk_config *cfg, char *out, size_t outlen)
{
	int	n;

	n = snprintf(out, outlen, "%s/migrations", cfg->sql_dir);
	return (n < 0 || (size_t)n >= outlen ? -1 : 0);
}

int
dbk_admin_migrate(const struct dbk_config *cfg, MYSQL *db)
{
	char		dir[4096], err[DBK_MIGRATE_ERROR_MAX], name[256];
	unsigned int	version, applied;
	int		count;

	if (migrations_dir(cfg, dir, sizeof(dir)) == -1) {
		dbk_admin_fail("migrate", "DAYBOOK_SQL_DIR: path too long");
		return (ADMIN_FAILED);
	}
	if ((count = dbk_migrate_apply(db, dir, stdout, err,
	    sizeof(err))) == -1) {
		fflush(stdout);
		dbk_admin_fail("migrate", "%s", err);
		return (ADMIN_FAILED);
	}
	if (dbk_migrate_current(db, &version, name, sizeof(name), &applied,
	    err, sizeof(err)) == -1) {
		dbk_admin_fail("migrate", "%s", err);
		return (ADMIN_FAILED);
	}
	if (count == 0)
		printf("migrate: schema up to date at %s\n",
		    version != 0 ? name : "(no migrations)");
	else
		printf("migrate: %d applied, schema at %s\n", count, name);
	return (ADMIN_OK);
}

int
dbk_admin_seed_check(int argc, char **argv)
{
	(void)argv;
	if (argc != 2) {
		dbk_admin_fail("seed", "usage: daybook-admin seed FILE.sql");
		return (ADMIN_USAGE);
	}
	return (ADMIN_OK);
}

int
dbk_admin_seed(MYSQL *db, int argc, char **argv)
{
	char			err[DBK_MIGRATE_ERROR_MAX];
	unsigned long long	rows;
	long			count;

	(void)argc;
	if ((count = dbk_sql_run_script(db, argv[1], &rows, err,
	    sizeof(err))) == -1) {
		dbk_admin_fail("seed", "%s (rolled back)", err);
		return (ADMIN_FAILED);
	}
	printf("seed: %s: %ld statements committed, %llu rows\n", argv[1],
	    count, rows);
	return (ADMIN_OK);
}

/* The row count of a table whose name is a constant. */
static int
count_rows(MYSQL *db, const char *table, unsigned long long *count)
{
	char		 sql[128];
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	int		 rc = -1;

	(void)snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", table);
	if (mysql_query(db, sql) != 0 || (res = mysql_store_result(db)) == NULL)
		return (-1);
	if ((row = mysql_fetch_row(res)) != NULL && row[0] != NULL) {
		*count = strtoull(row[0], NULL, 10);
		rc = 0;
	}
	mysql_free_result(res);
	return (rc);
}

int
dbk_admin_status(const struct dbk_config *cfg, MYSQL *db)
{
	static const char *const tables[] = { "users", "tasks", "sessions" };
	char			 dir[4096], err[DBK_MIGRATE_ERROR_MAX], name[256];
	unsigned int		 version, applied, pending;
	unsigned long long	 count;
	size_t			 i;

	if (migrations_dir(cfg, dir, sizeof(dir)) == -1) {
		dbk_admin_fail("status", "DAYBOOK_SQL_DIR: path too long");
		return (ADMIN_FAILED);
	}
	if (dbk_migrate_current(db, &version, name, sizeof(name), &applied,
	    err, sizeof(err)) == -1 ||
	    dbk_migrate_pending(db, dir, &pending, err, sizeof(err)) == -1) {
		dbk_admin_fail("status", "%s", err);
		return (ADMIN_FAILED);
	}
	printf("database: %s\n", cfg->db_name);
	if (version == 0) {
		printf("schema: none\nmigrations: 0 applied, %u pending\n",
		    pending);
		fflush(stdout);
		dbk_admin_fail("status", "no migrations applied (run "
		    "daybook-admin migrate)");
		return (ADMIN_FAILED);
	}
	printf("schema: %04u (%s)\nmigrations: %u applied, %u pending\n",
	    version, name, applied, pending);
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		if (count_rows(db, tables[i], &count) == -1) {
			fflush(stdout);
			dbk_admin_fail("status", "counting %s: %s", tables[i],
			    mysql_error(db));
			return (ADMIN_FAILED);
		}
		printf("%s: %llu\n", tables[i], count);
	}
	return (ADMIN_OK);
}
