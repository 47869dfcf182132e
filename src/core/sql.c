/*
 * Client-side formatting of SQL placeholders; see sql.h.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sql.h"

#define TEXT_PREFIX	"_utf8mb4 X'"
#define BLOB_PREFIX	"X'"

static size_t	param_length(const struct dbk_sql_param *);
static char	*param_write(char *, const struct dbk_sql_param *);

size_t
dbk_sql_length(const char *sql, const struct dbk_sql_param *params,
    size_t nparams)
{
	size_t		len, used;
	const char	*p;

	len = 0;
	used = 0;
	for (p = sql; *p != '\0'; p++) {
		if (*p != '?') {
			len++;
			continue;
		}
		if (used == nparams)
			return (0);
		len += param_length(&params[used++]);
	}

	if (used != nparams)
		return (0);

	return (len);
}

void
dbk_sql_write(char *out, const char *sql, const struct dbk_sql_param *params,
    size_t nparams)
{
	size_t		used;
	const char	*p;

	used = 0;
	for (p = sql; *p != '\0'; p++) {
		if (*p == '?' && used < nparams)
			out = param_write(out, &params[used++]);
		else
			*out++ = *p;
	}
	*out = '\0';
}

/* Bytes one parameter takes once formatted. */
static size_t
param_length(const struct dbk_sql_param *param)
{
	char		num[32];

	switch (param->type) {
	case DBK_SQL_INT:
		return ((size_t)snprintf(num, sizeof(num), "%" PRId64,
		    param->num));
	case DBK_SQL_TEXT:
		return (sizeof(TEXT_PREFIX) - 1 + param->len * 2 + 1);
	case DBK_SQL_BLOB:
		return (sizeof(BLOB_PREFIX) - 1 + param->len * 2 + 1);
	case DBK_SQL_NULL:
	default:
		return (4);
	}
}

static char *
hex_write(char *out, const char *prefix, const unsigned char *data,
    size_t len)
{
	static const char	digits[] = "0123456789abcdef";
	size_t			i, plen;

	plen = strlen(prefix);
	memcpy(out, prefix, plen);
	out += plen;
	for (i = 0; i < len; i++) {
		*out++ = digits[data[i] >> 4];
		*out++ = digits[data[i] & 0x0f];
	}
	*out++ = '\'';

	return (out);
}

/* Write one parameter; returns the position after it. */
static char *
param_write(char *out, const struct dbk_sql_param *param)
{
	int		n;
	char		num[32];

	switch (param->type) {
	case DBK_SQL_INT:
		n = snprintf(num, sizeof(num), "%" PRId64, param->num);
		memcpy(out, num, (size_t)n);
		return (out + n);
	case DBK_SQL_TEXT:
		return (hex_write(out, TEXT_PREFIX, param->data, param->len));
	case DBK_SQL_BLOB:
		return (hex_write(out, BLOB_PREFIX, param->data, param->len));
	case DBK_SQL_NULL:
	default:
		memcpy(out, "NULL", 4);
		return (out + 4);
	}
}
