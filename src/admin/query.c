/*
 * daybook-admin: statements with parameters (src/core/sql.c formats them, every
 * string goes over as a hexadecimal literal) and the audit trail.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"

/* Format sql with params into a new buffer (free it); NULL on a mismatch. */
static char *
format_statement(const char *sql, const struct dbk_sql_param *params,
    size_t nparams, size_t *len, char *err, size_t errlen)
{
	char	*text;

	if ((*len = dbk_sql_length(sql, params, nparams)) == 0) {
		(void)snprintf(err, errlen, "internal error: parameters do "
		    "not match the statement");
		return (NULL);
	}
	if ((text = malloc(*len + 1)) == NULL) {
		(void)snprintf(err, errlen, "out of memory");
		return (NULL);
	}
	dbk_sql_write(text, sql, params, nparams);
	return (text);
}

int
dbk_admin_exec(MYSQL *db, const char *sql, const struct dbk_sql_param *params,
    size_t nparams, unsigned long long *affected, char *err, size_t errlen)
{
	char	*text;
	size_t	 len;
	int	 rc = -1;

	if ((text = format_statement(sql, params, nparams, &len, err,
	    errlen)) == NULL)
		return (-1);
	if (mysql_real_query(db, text, len) != 0) {
		(void)snprintf(err, errlen, "%s", mysql_error(db));
		goto out;
	}
	if (affected != NULL)
		*affected = mysql_affected_rows(db);
	rc = 0;
out:
	free(text);
	return (rc);
}

MYSQL_RES *
dbk_admin_select(MYSQL *db, const char *sql,
    const struct dbk_sql_param *params, size_t nparams, char *err,
    size_t errlen)
{
	MYSQL_RES	*res = NULL;
	char		*text;
	size_t		 len;

	if ((text = format_statement(sql, params, nparams, &len, err,
	    errlen)) == NULL)
		return (NULL);
	if (mysql_real_query(db, text, len) != 0 ||
	    (res = mysql_store_result(db)) == NULL)
		(void)snprintf(err, errlen, "%s", mysql_error(db));
	free(text);
	return (res);
}

int
dbk_admin_begin(MYSQL *db, char *err, size_t errlen)
{
	if (mysql_query(db, "START TRANSACTION") != 0) {
		(void)snprintf(err, errlen, "%s", mysql_error(db));
		return (-1);
	}
	return (0);
}

int
dbk_admin_commit(MYSQL *db, char *err, size_t errlen)
{
	if (mysql_commit(db) != 0) {
		(void)snprintf(err, errlen, "%s", mysql_error(db));
		(void)mysql_rollback(db);
		return (-1);
	}
	return (0);
}

void
dbk_admin_rollback(MYSQL *db)
{
	(void)mysql_rollback(db);
}

int
dbk_admin_audit(MYSQL *db, const char *action, unsigned long long target,
    const char *detail, char *err, size_t errlen)
{
	static const char	sql[] = "INSERT INTO admin_audit (actor, "
	    "action, target_user_id, detail) VALUES (?, ?, ?, ?)";
	struct dbk_sql_param	p[4] = {
		DBK_SQL_P_TEXT(ADMIN_ACTOR, sizeof(ADMIN_ACTOR) - 1),
		DBK_SQL_P_TEXT(action, strlen(action)),
		DBK_SQL_P_NULL,
		DBK_SQL_P_TEXT(detail, strlen(detail) > 500 ? 500 :
		    strlen(detail)),
	};

	if (target != 0) {
		p[2].type = DBK_SQL_INT;
		p[2].num = (int64_t)target;
	}
	return (dbk_admin_exec(db, sql, p, 4, NULL, err, errlen));
}

int
dbk_admin_find_user(MYSQL *db, const char *email, unsigned long long *id,
    int *is_admin, char *err, size_t errlen)
{
	static const char	 sql[] = "SELECT id, is_admin FROM users "
	    "WHERE email = ? FOR UPDATE";
	struct dbk_sql_param	 p[1] = {
		DBK_SQL_P_TEXT(email, strlen(email)),
	};
	MYSQL_RES		*res;
	MYSQL_ROW		 row;
	int			 rc = 0;

	*id = 0;
	if ((res = dbk_admin_select(db, sql, p, 1, err, errlen)) == NULL)
		return (-1);
	if ((row = mysql_fetch_row(res)) != NULL && row[0] != NULL &&
	    row[1] != NULL) {
		*id = strtoull(row[0], NULL, 10);
		if (is_admin != NULL)
			*is_admin = strcmp(row[1], "0") != 0;
		rc = 1;
	}
	mysql_free_result(res);
	return (rc);
}
