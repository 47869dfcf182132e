/*
 * SQL with placeholders, formatted on the client.
 *
 * Every `?` in the statement text is replaced by one parameter.  Strings are
 * sent as hexadecimal literals (X'...', with the _utf8mb4 introducer for
 * text), so no byte of a parameter can ever be read as SQL, whatever the
 * connection's character set or sql_mode.  No Kore dependency: shared by
 * the module and daybook-admin.  Statement texts must not contain `?`
 * anywhere else (string literals included).
 */

#ifndef DBK_SQL_H
#define DBK_SQL_H

#include <stddef.h>
#include <stdint.h>

enum dbk_sql_type {
	DBK_SQL_NULL,
	DBK_SQL_INT,
	DBK_SQL_TEXT,		/* utf8mb4 text */
	DBK_SQL_BLOB		/* raw bytes (BINARY columns) */
};

struct dbk_sql_param {
	enum dbk_sql_type	type;
	int64_t			num;
	const void		*data;
	size_t			len;
};

#define DBK_SQL_P_NULL		{ DBK_SQL_NULL, 0, NULL, 0 }
#define DBK_SQL_P_INT(n)	{ DBK_SQL_INT, (int64_t)(n), NULL, 0 }
#define DBK_SQL_P_TEXT(s, l)	{ DBK_SQL_TEXT, 0, (s), (l) }
#define DBK_SQL_P_BLOB(s, l)	{ DBK_SQL_BLOB, 0, (s), (l) }

/*
 * The length of the formatted statement without its NUL, or 0 when the
 * number of placeholders differs from nparams.
 */
size_t	dbk_sql_length(const char *sql, const struct dbk_sql_param *params,
	    size_t nparams);

/*
 * Write the formatted statement and a NUL into out, which must hold
 * dbk_sql_length() + 1 bytes.
 */
void	dbk_sql_write(char *out, const char *sql,
	    const struct dbk_sql_param *params, size_t nparams);

#endif
