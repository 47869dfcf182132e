/*
 * daybook schema migrations and SQL scripts: see migrate.h.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <mysql.h>
#include <sodium.h>

#include "migrate.h"

#define SQL_FILE_MAX		(16 * 1024 * 1024)
#define MIGRATE_LOCK		"daybook.migrate"
#define MIGRATE_LOCK_WAIT_S	60

static void
set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Format one line into err (when err is not NULL). */
static void
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------ */
/* Statement splitting                                                 */
/* ------------------------------------------------------------------ */

struct splitter {
	const char		*sql;
	size_t			 len;
	size_t			 pos;
	unsigned int		 line;
	struct dbk_sql_script	*script;
	size_t			 cap;
	char			*err;
	size_t			 errlen;
};

static int
is_blank(char c)
{
	return (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v');
}

/* "#" or "-- " (MariaDB wants a blank or control character after "--"). */
static int
at_line_comment(const struct splitter *sp)
{
	const char	*s = sp->sql + sp->pos;
	size_t		 left = sp->len - sp->pos;

	if (s[0] == '#')
		return (1);
	if (left >= 2 && s[0] == '-' && s[1] == '-')
		return (left == 2 || (unsigned char)s[2] <= ' ');
	return (0);
}

static int
at_block_comment(const struct splitter *sp)
{
	return (sp->len - sp->pos >= 2 && sp->sql[sp->pos] == '/' &&
	    sp->sql[sp->pos + 1] == '*');
}

/* A block comment that MariaDB executes: / *! ... * / or / *M! ... * /. */
static int
at_executable_comment(const struct splitter *sp)
{
	const char	*s = sp->sql + sp->pos;
	size_t		 left = sp->len - sp->pos;

	return ((left >= 3 && s[2] == '!') ||
	    (left >= 4 && s[2] == 'M' && s[3] == '!'));
}

/* Advance by one byte, counting lines. */
static void
advance(struct splitter *sp)
{
	if (sp->sql[sp->pos] == '\n')
		sp->line++;
	sp->pos++;
}

static void
skip_line_comment(struct splitter *sp)
{
	while (sp->pos < sp->len && sp->sql[sp->pos] != '\n')
		sp->pos++;
}

static int
skip_block_comment(struct splitter *sp)
{
	unsigned int	start = sp->line;

	sp->pos += 2;
	while (sp->pos < sp->len) {
		if (sp->sql[sp->pos] == '*' && sp->pos + 1 < sp->len &&
		    sp->sql[sp->pos + 1] == '/') {
			sp->pos += 2;
			return (0);
		}
		advance(sp);
	}
	set_err(sp->err, sp->errlen, "line %u: unterminated comment", start);
	return (-1);
}

/* Skip a quoted string or identifier starting at sp->pos. */
static int
skip_quoted(struct splitter *sp)
{
	char		quote = sp->sql[sp->pos];
	unsigned int	start = sp->line;

	sp->pos++;
	while (sp->pos < sp->len) {
		if (sp->sql[sp->pos] == '\\' && quote != '`') {
			sp->pos++;
			if (sp->pos < sp->len)
				advance(sp);
			continue;
		}
		if (sp->sql[sp->pos] == quote) {
			sp->pos++;
			/* A doubled quote stands for itself. */
			if (sp->pos < sp->len && sp->sql[sp->pos] == quote) {
				sp->pos++;
				continue;
			}
			return (0);
		}
		advance(sp);
	}
	set_err(sp->err, sp->errlen, "line %u: unterminated %s", start,
	    quote == '`' ? "quoted identifier" : "string");
	return (-1);
}

static int
add_statement(struct splitter *sp, size_t start, size_t end,
    unsigned int line)
{
	struct dbk_sql_script	*script = sp->script;
	struct dbk_sql_stmt	*grown, *stmt;
	size_t			 cap;

	while (end > start && is_blank(sp->sql[end - 1]))
		end--;
	if (end == start)
		return (0);
	if (script->count == sp->cap) {
		cap = sp->cap == 0 ? 16 : sp->cap * 2;
		grown = reallocarray(script->stmts, cap, sizeof(*grown));
		if (grown == NULL) {
			set_err(sp->err, sp->errlen, "out of memory");
			return (-1);
		}
		script->stmts = grown;
		sp->cap = cap;
	}
	stmt = &script->stmts[script->count];
	if ((stmt->text = strndup(sp->sql + start, end - start)) == NULL) {
		set_err(sp->err, sp->errlen, "out of memory");
		return (-1);
	}
	stmt->len = end - start;
	stmt->line = line;
	script->count++;
	return (0);
}

/* Skip blanks, comments and empty statements before a statement. */
static int
skip_between(struct splitter *sp)
{
	while (sp->pos < sp->len) {
		if (is_blank(sp->sql[sp->pos]) || sp->sql[sp->pos] == ';')
			advance(sp);
		else if (at_line_comment(sp))
			skip_line_comment(sp);
		else if (at_block_comment(sp) && !at_executable_comment(sp)) {
			if (skip_block_comment(sp) == -1)
				return (-1);
		} else
			break;
	}
	return (0);
}

/* Scan one statement from sp->pos up to its ';' (or the end). */
static int
scan_statement(struct splitter *sp)
{
	size_t		start = sp->pos;
	unsigned int	line = sp->line;
	char		c;

	while (sp->pos < sp->len) {
		c = sp->sql[sp->pos];
		if (c == ';')
			break;
		if (c == '\'' || c == '"' || c == '`') {
			if (skip_quoted(sp) == -1)
				return (-1);
		} else if (at_line_comment(sp))
			skip_line_comment(sp);
		else if (at_block_comment(sp)) {
			if (skip_block_comment(sp) == -1)
				return (-1);
		} else
			advance(sp);
	}
	if (add_statement(sp, start, sp->pos, line) == -1)
		return (-1);
	if (sp->pos < sp->len)
		sp->pos++;
	return (0);
}

int
dbk_sql_split(const char *sql, size_t len, struct dbk_sql_script *script,
    char *err, size_t errlen)
{
	struct splitter	sp;
	const char	*nul;

	memset(script, 0, sizeof(*script));
	memset(&sp, 0, sizeof(sp));
	sp.sql = sql;
	sp.len = len;
	sp.line = 1;
	sp.script = script;
	sp.err = err;
	sp.errlen = errlen;

	if ((nul = memchr(sql, '\0', len)) != NULL) {
		sp.len = (size_t)(nul - sql);
		sp.line = 1;
		while (sp.pos < sp.len)
			advance(&sp);
		set_err(err, errlen, "line %u: NUL byte", sp.line);
		return (-1);
	}
	while (sp.pos < sp.len) {
		if (skip_between(&sp) == -1)
			goto fail;
		if (sp.pos < sp.len && scan_statement(&sp) == -1)
			goto fail;
	}
	return (0);
fail:
	dbk_sql_script_free(script);
	return (-1);
}

void
dbk_sql_script_free(struct dbk_sql_script *script)
{
	size_t	i;

	for (i = 0; i < script->count; i++)
		free(script->stmts[i].text);
	free(script->stmts);
	script->stmts = NULL;
	script->count = 0;
}

void
dbk_sql_first_line(const char *text, char *out, size_t outlen)
{
	size_t	n;

	if (outlen == 0)
		return;
	n = strcspn(text, "\r\n");
	if (n < outlen) {
		memcpy(out, text, n);
		out[n] = '\0';
		return;
	}
	if (outlen < 4) {
		out[0] = '\0';
		return;
	}
	memcpy(out, text, outlen - 4);
	memcpy(out + outlen - 4, "...", 4);
}

/* ------------------------------------------------------------------ */
/* Migration files                                                     */
/* ------------------------------------------------------------------ */

int
dbk_migrate_parse_name(const char *filename, unsigned int *version)
{
	size_t		len = strlen(filename), i;
	unsigned int	v = 0;

	/* NNNN _ at least one name character .sql */
	if (len < 10 || strcmp(filename + len - 4, ".sql") != 0)
		return (-1);
	for (i = 0; i < 4; i++) {
		if (filename[i] < '0' || filename[i] > '9')
			return (-1);
		v = v * 10 + (unsigned int)(filename[i] - '0');
	}
	if (filename[4] != '_' || v == 0)
		return (-1);
	for (i = 5; i < len - 4; i++) {
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789_-", filename[i]) == NULL)
			return (-1);
	}
	*version = v;
	return (0);
}

static int
compare_migrations(const void *a, const void *b)
{
	const struct dbk_migration	*ma = a, *mb = b;

	if (ma->version != mb->version)
		return (ma->version < mb->version ? -1 : 1);
	return (strcmp(ma->name, mb->name));
}

static int
migration_add(struct dbk_migration_list *list, size_t *cap, const char *dir,
    const char *name, unsigned int version)
{
	struct dbk_migration	*grown, *m;

	if (list->count == *cap) {
		*cap = *cap == 0 ? 16 : *cap * 2;
		grown = reallocarray(list->items, *cap, sizeof(*grown));
		if (grown == NULL)
			return (-1);
		list->items = grown;
	}
	m = &list->items[list->count];
	m->version = version;
	m->name = strdup(name);
	if (m->name == NULL || asprintf(&m->path, "%s/%s", dir, name) == -1) {
		free(m->name);
		return (-1);
	}
	list->count++;
	return (0);
}

int
dbk_migrate_list(const char *dir, struct dbk_migration_list *list,
    char *err, size_t errlen)
{
	DIR		*dp;
	struct dirent	*de;
	size_t		 cap = 0, len, i;
	unsigned int	 version;
	int		 rc = -1;

	memset(list, 0, sizeof(*list));
	if ((dp = opendir(dir)) == NULL) {
		set_err(err, errlen, "cannot open %s: %s", dir,
		    strerror(errno));
		return (-1);
	}
	while ((de = readdir(dp)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 4 ||
		    strcmp(de->d_name + len - 4, ".sql") != 0)
			continue;
		if (dbk_migrate_parse_name(de->d_name, &version) == -1) {
			set_err(err, errlen, "%s/%s: not a migration name "
			    "(NNNN_name.sql)", dir, de->d_name);
			goto out;
		}
		if (migration_add(list, &cap, dir, de->d_name, version) == -1) {
			set_err(err, errlen, "out of memory");
			goto out;
		}
	}
	if (list->count > 0)
		qsort(list->items, list->count, sizeof(list->items[0]),
		    compare_migrations);
	for (i = 1; i < list->count; i++) {
		if (list->items[i].version == list->items[i - 1].version) {
			set_err(err, errlen, "%s: %s and %s have the same "
			    "number", dir, list->items[i - 1].name,
			    list->items[i].name);
			goto out;
		}
	}
	rc = 0;
out:
	(void)closedir(dp);
	if (rc == -1)
		dbk_migrate_list_free(list);
	return (rc);
}

void
dbk_migrate_list_free(struct dbk_migration_list *list)
{
	size_t	i;

	for (i = 0; i < list->count; i++) {
		free(list->items[i].name);
		free(list->items[i].path);
	}
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

int
dbk_sql_read_file(const char *path, char **buf, size_t *len, char *err,
    size_t errlen)
{
	char	*data = NULL, *grown;
	size_t	 used = 0, cap = 0;
	ssize_t	 n;
	int	 fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		set_err(err, errlen, "cannot read %s: %s", path,
		    strerror(errno));
		return (-1);
	}
	for (;;) {
		if (used + 1 >= cap) {
			cap = cap == 0 ? 65536 : cap * 2;
			if (cap > SQL_FILE_MAX + 1) {
				set_err(err, errlen, "%s: larger than %d bytes",
				    path, SQL_FILE_MAX);
				goto out;
			}
			if ((grown = realloc(data, cap)) == NULL) {
				set_err(err, errlen, "out of memory");
				goto out;
			}
			data = grown;
		}
		n = read(fd, data + used, cap - used - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			set_err(err, errlen, "cannot read %s: %s", path,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	data[used] = '\0';
	*buf = data;
	*len = used;
	data = NULL;
	rc = 0;
out:
	(void)close(fd);
	free(data);
	return (rc);
}

/* ------------------------------------------------------------------ */
/* Running SQL                                                         */
/* ------------------------------------------------------------------ */

/* The server's last message on one line. */
static void
server_error(MYSQL *db, char *out, size_t outlen)
{
	size_t	i;

	(void)snprintf(out, outlen, "%s", mysql_error(db));
	for (i = 0; out[i] != '\0'; i++) {
		if (out[i] == '\n' || out[i] == '\r')
			out[i] = ' ';
	}
}

/*
 * Run one statement and discard any result set.  Returns 0 and adds the
 * affected rows to *rows (when not NULL), or -1 with the server's message
 * in msg.
 */
static int
run_statement(MYSQL *db, const char *text, size_t len,
    unsigned long long *rows, char *msg, size_t msglen)
{
	MYSQL_RES		*res;
	my_ulonglong		 affected;

	if (mysql_real_query(db, text, len) != 0) {
		server_error(db, msg, msglen);
		return (-1);
	}
	if ((res = mysql_store_result(db)) != NULL) {
		mysql_free_result(res);
		return (0);
	}
	if (mysql_field_count(db) != 0) {
		server_error(db, msg, msglen);
		return (-1);
	}
	affected = mysql_affected_rows(db);
	if (rows != NULL && affected != (my_ulonglong)-1)
		*rows += affected;
	return (0);
}

static int
run_simple(MYSQL *db, const char *text, char *err, size_t errlen)
{
	char	msg[512];

	if (run_statement(db, text, strlen(text), NULL, msg,
	    sizeof(msg)) == -1) {
		set_err(err, errlen, "%s", msg);
		return (-1);
	}
	return (0);
}

/*
 * Run a query whose first column of its first row is a number.  A NULL
 * or missing row gives *value = 0 and returns 1; success returns 0.
 */
static int
query_number(MYSQL *db, const char *text, unsigned long long *value,
    char *err, size_t errlen)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	char		 msg[512];
	int		 rc = 1;

	*value = 0;
	if (mysql_query(db, text) != 0 ||
	    (res = mysql_store_result(db)) == NULL) {
		server_error(db, msg, sizeof(msg));
		set_err(err, errlen, "%s", msg);
		return (-1);
	}
	if ((row = mysql_fetch_row(res)) != NULL && row[0] != NULL) {
		*value = strtoull(row[0], NULL, 10);
		rc = 0;
	}
	mysql_free_result(res);
	return (rc);
}

/* Describe a failed statement: "statement N (line L: first line): msg". */
static void
statement_err(char *err, size_t errlen, const char *file, size_t index,
    const struct dbk_sql_stmt *stmt, const char *msg)
{
	char	first[120];

	dbk_sql_first_line(stmt->text, first, sizeof(first));
	set_err(err, errlen, "%s: statement %zu (line %u: %s) failed: %s",
	    file, index + 1, stmt->line, first, msg);
}

/*
 * Run every statement of script; on the first failure set err and return
 * -1 (the caller rolls back).
 */
static int
run_statements(MYSQL *db, const char *file, const struct dbk_sql_script *script,
    unsigned long long *rows, char *err, size_t errlen)
{
	char	msg[512];
	size_t	i;

	for (i = 0; i < script->count; i++) {
		if (run_statement(db, script->stmts[i].text,
		    script->stmts[i].len, rows, msg, sizeof(msg)) == -1) {
			statement_err(err, errlen, file, i, &script->stmts[i],
			    msg);
			return (-1);
		}
	}
	return (0);
}

static void
sha256_hex(const char *data, size_t len, char hex[65])
{
	unsigned char	digest[crypto_hash_sha256_BYTES];

	(void)crypto_hash_sha256(digest, (const unsigned char *)data, len);
	(void)sodium_bin2hex(hex, 65, digest, sizeof(digest));
}

/* ------------------------------------------------------------------ */
/* Migrations against the database                                     */
/* ------------------------------------------------------------------ */

struct applied {
	unsigned int	*versions;
	char		(*checksums)[65];
	size_t		 count;
};

static const char create_table_sql[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INT UNSIGNED NOT NULL,"
    " name VARCHAR(255) NOT NULL,"
    " checksum CHAR(64) NOT NULL,"
    " applied_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),"
    " PRIMARY KEY (version)"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";

static void
applied_free(struct applied *ap)
{
	free(ap->versions);
	free(ap->checksums);
	memset(ap, 0, sizeof(*ap));
}

static int
load_applied(MYSQL *db, struct applied *ap, char *err, size_t errlen)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	size_t		 n;
	char		 msg[512];

	memset(ap, 0, sizeof(*ap));
	if (mysql_query(db, "SELECT version, checksum FROM schema_migrations "
	    "ORDER BY version") != 0 ||
	    (res = mysql_store_result(db)) == NULL) {
		server_error(db, msg, sizeof(msg));
		set_err(err, errlen, "schema_migrations: %s", msg);
		return (-1);
	}
	n = (size_t)mysql_num_rows(res);
	ap->versions = calloc(n + 1, sizeof(*ap->versions));
	ap->checksums = calloc(n + 1, sizeof(*ap->checksums));
	if (ap->versions == NULL || ap->checksums == NULL) {
		mysql_free_result(res);
		applied_free(ap);
		set_err(err, errlen, "out of memory");
		return (-1);
	}
	while ((row = mysql_fetch_row(res)) != NULL && ap->count < n) {
		ap->versions[ap->count] = (unsigned int)strtoul(
		    row[0] ? row[0] : "0", NULL, 10);
		(void)snprintf(ap->checksums[ap->count], 65, "%s",
		    row[1] ? row[1] : "");
		ap->count++;
	}
	mysql_free_result(res);
	return (0);
}

/* Index of version in ap, or -1. */
static long
applied_find(const struct applied *ap, unsigned int version)
{
	size_t	i;

	for (i = 0; i < ap->count; i++) {
		if (ap->versions[i] == version)
			return ((long)i);
	}
	return (-1);
}

static int
record_migration(MYSQL *db, const struct dbk_migration *m,
    const char *checksum, char *msg, size_t msglen)
{
	char	name[2 * 255 + 1], sql[1024];

	if (strlen(m->name) > 255) {
		(void)snprintf(msg, msglen, "file name too long");
		return (-1);
	}
	(void)mysql_real_escape_string(db, name, m->name, strlen(m->name));
	(void)snprintf(sql, sizeof(sql), "INSERT INTO schema_migrations "
	    "(version, name, checksum) VALUES (%u, '%s', '%s')", m->version,
	    name, checksum);
	return (run_statement(db, sql, strlen(sql), NULL, msg, msglen));
}

/*
 * Apply one migration file in a transaction and record it.  Returns the
 * number of statements, or -1 with err set (after a rollback).
 */
static long
apply_one(MYSQL *db, const struct dbk_migration *m, char *err, size_t errlen)
{
	struct dbk_sql_script	 script;
	char			*sql = NULL, checksum[65], msg[512];
	size_t			 len;
	long			 rc = -1;

	memset(&script, 0, sizeof(script));
	if (dbk_sql_read_file(m->path, &sql, &len, err, errlen) == -1)
		return (-1);
	sha256_hex(sql, len, checksum);
	if (dbk_sql_split(sql, len, &script, msg, sizeof(msg)) == -1) {
		set_err(err, errlen, "%s: %s", m->name, msg);
		goto out;
	}
	if (run_simple(db, "START TRANSACTION", msg, sizeof(msg)) == -1) {
		set_err(err, errlen, "%s: START TRANSACTION: %s", m->name, msg);
		goto out;
	}
	if (run_statements(db, m->name, &script, NULL, err, errlen) == -1)
		goto rollback;
	if (record_migration(db, m, checksum, msg, sizeof(msg)) == -1) {
		set_err(err, errlen, "%s: recording it in schema_migrations "
		    "failed: %s", m->name, msg);
		goto rollback;
	}
	if (mysql_commit(db) != 0) {
		server_error(db, msg, sizeof(msg));
		set_err(err, errlen, "%s: COMMIT failed: %s", m->name, msg);
		goto rollback;
	}
	rc = (long)script.count;
	goto out;
rollback:
	(void)mysql_rollback(db);
out:
	dbk_sql_script_free(&script);
	free(sql);
	return (rc);
}

static int
take_lock(MYSQL *db, char *err, size_t errlen)
{
	unsigned long long	got;
	char			sql[128];

	(void)snprintf(sql, sizeof(sql), "SELECT GET_LOCK('%s', %d)",
	    MIGRATE_LOCK, MIGRATE_LOCK_WAIT_S);
	if (query_number(db, sql, &got, err, errlen) == -1)
		return (-1);
	if (got != 1) {
		set_err(err, errlen, "another migrate has held the lock %s for "
		    "%d s", MIGRATE_LOCK, MIGRATE_LOCK_WAIT_S);
		return (-1);
	}
	return (0);
}

static void
release_lock(MYSQL *db)
{
	unsigned long long	released;

	(void)query_number(db, "SELECT RELEASE_LOCK('" MIGRATE_LOCK "')",
	    &released, NULL, 0);
}

/* Apply the files of list not in ap; returns the number applied or -1. */
static int
apply_pending(MYSQL *db, const struct dbk_migration_list *list,
    const struct applied *ap, FILE *log, char *err, size_t errlen)
{
	const struct dbk_migration	*m;
	char				*sql, checksum[65];
	size_t				 i, len;
	long				 at, count;
	int				 applied = 0;

	for (i = 0; i < list->count; i++) {
		m = &list->items[i];
		if ((at = applied_find(ap, m->version)) != -1) {
			/* Already applied: only say so when it changed. */
			if (log == NULL || dbk_sql_read_file(m->path, &sql,
			    &len, NULL, 0) == -1)
				continue;
			sha256_hex(sql, len, checksum);
			free(sql);
			if (strcmp(checksum, ap->checksums[at]) != 0)
				fprintf(log, "migrate: warning: %s changed "
				    "after it was applied\n", m->name);
			continue;
		}
		if ((count = apply_one(db, m, err, errlen)) == -1)
			return (-1);
		if (log != NULL)
			fprintf(log, "migrate: applied %s (%ld statements)\n",
			    m->name, count);
		applied++;
	}
	return (applied);
}

int
dbk_migrate_apply(MYSQL *db, const char *dir, FILE *log, char *err,
    size_t errlen)
{
	struct dbk_migration_list	list;
	struct applied			ap;
	int				rc = -1, locked = 0;

	memset(&ap, 0, sizeof(ap));
	if (dbk_migrate_list(dir, &list, err, errlen) == -1)
		return (-1);
	if (run_simple(db, create_table_sql, err, errlen) == -1)
		goto out;
	if (take_lock(db, err, errlen) == -1)
		goto out;
	locked = 1;
	if (load_applied(db, &ap, err, errlen) == -1)
		goto out;
	if (mysql_autocommit(db, 0) != 0) {
		set_err(err, errlen, "cannot turn autocommit off: %s",
		    mysql_error(db));
		goto out;
	}
	rc = apply_pending(db, &list, &ap, log, err, errlen);
	(void)mysql_autocommit(db, 1);
out:
	if (locked)
		release_lock(db);
	applied_free(&ap);
	dbk_migrate_list_free(&list);
	return (rc);
}

int
dbk_migrate_current(MYSQL *db, unsigned int *version, char *name,
    size_t namelen, unsigned int *applied, char *err, size_t errlen)
{
	MYSQL_RES		*res;
	MYSQL_ROW		 row;
	unsigned long long	 exists;
	char			 msg[512];

	*version = 0;
	*applied = 0;
	if (namelen > 0)
		name[0] = '\0';
	if (query_number(db, "SELECT COUNT(*) FROM information_schema.TABLES "
	    "WHERE TABLE_SCHEMA = DATABASE() AND "
	    "TABLE_NAME = 'schema_migrations'", &exists, err, errlen) == -1)
		return (-1);
	if (exists == 0)
		return (0);
	if (mysql_query(db, "SELECT version, name, (SELECT COUNT(*) FROM "
	    "schema_migrations) FROM schema_migrations ORDER BY version DESC "
	    "LIMIT 1") != 0 || (res = mysql_store_result(db)) == NULL) {
		server_error(db, msg, sizeof(msg));
		set_err(err, errlen, "schema_migrations: %s", msg);
		return (-1);
	}
	if ((row = mysql_fetch_row(res)) != NULL && row[0] != NULL &&
	    row[1] != NULL && row[2] != NULL) {
		*version = (unsigned int)strtoul(row[0], NULL, 10);
		(void)snprintf(name, namelen, "%s", row[1]);
		*applied = (unsigned int)strtoul(row[2], NULL, 10);
	}
	mysql_free_result(res);
	return (0);
}

/* ------------------------------------------------------------------ */
/* Data scripts (seed)                                                 */
/* ------------------------------------------------------------------ */

/*
 * Returns 1 when the statement's first word commits implicitly in MariaDB
 * or controls the transaction, so it has no place in a one-transaction
 * script.
 */
static int
ends_transaction(const char *text)
{
	static const char *const words[] = {
		"CREATE", "ALTER", "DROP", "TRUNCATE", "RENAME", "GRANT",
		"REVOKE", "BEGIN", "START", "COMMIT", "ROLLBACK", "LOCK",
		"UNLOCK", "SAVEPOINT", "RELEASE", "XA", "ANALYZE", "OPTIMIZE",
		"REPAIR", "FLUSH", "INSTALL", "UNINSTALL", "LOAD",
	};
	size_t	n = 0, i;

	while ((text[n] >= 'a' && text[n] <= 'z') ||
	    (text[n] >= 'A' && text[n] <= 'Z'))
		n++;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strlen(words[i]) == n && strncasecmp(text, words[i], n) == 0)
			return (1);
	}
	return (0);
}

long
dbk_sql_run_script(MYSQL *db, const char *path, unsigned long long *rows,
    char *err, size_t errlen)
{
	struct dbk_sql_script	 script;
	char			*sql = NULL, msg[512];
	size_t			 len, i;
	long			 rc = -1;

	*rows = 0;
	memset(&script, 0, sizeof(script));
	if (dbk_sql_read_file(path, &sql, &len, err, errlen) == -1)
		return (-1);
	if (dbk_sql_split(sql, len, &script, msg, sizeof(msg)) == -1) {
		set_err(err, errlen, "%s: %s", path, msg);
		goto out;
	}
	for (i = 0; i < script.count; i++) {
		if (ends_transaction(script.stmts[i].text)) {
			statement_err(err, errlen, path, i, &script.stmts[i],
			    "not allowed in a seed file (it would end the "
			    "transaction)");
			goto out;
		}
	}
	if (mysql_autocommit(db, 0) != 0 ||
	    run_simple(db, "START TRANSACTION", msg, sizeof(msg)) == -1) {
		set_err(err, errlen, "%s: cannot start a transaction: %s", path,
		    mysql_error(db));
		goto restore;
	}
	if (run_statements(db, path, &script, rows, err, errlen) == -1) {
		(void)mysql_rollback(db);
		goto restore;
	}
	if (mysql_commit(db) != 0) {
		server_error(db, msg, sizeof(msg));
		set_err(err, errlen, "%s: COMMIT failed: %s", path, msg);
		(void)mysql_rollback(db);
		goto restore;
	}
	rc = (long)script.count;
restore:
	(void)mysql_autocommit(db, 1);
out:
	dbk_sql_script_free(&script);
	free(sql);
	return (rc);
}

int
dbk_migrate_pending(MYSQL *db, const char *dir, unsigned int *pending,
    char *err, size_t errlen)
{
	struct dbk_migration_list	list;
	struct applied			ap;
	unsigned long long		exists;
	size_t				i;
	int				rc = -1;

	*pending = 0;
	memset(&ap, 0, sizeof(ap));
	if (dbk_migrate_list(dir, &list, err, errlen) == -1)
		return (-1);
	if (query_number(db, "SELECT COUNT(*) FROM information_schema.TABLES "
	    "WHERE TABLE_SCHEMA = DATABASE() AND "
	    "TABLE_NAME = 'schema_migrations'", &exists, err, errlen) == -1)
		goto out;
	if (exists != 0 && load_applied(db, &ap, err, errlen) == -1)
		goto out;
	for (i = 0; i < list.count; i++) {
		if (applied_find(&ap, list.items[i].version) == -1)
			(*pending)++;
	}
	rc = 0;
out:
	applied_free(&ap);
	dbk_migrate_list_free(&list);
	return (rc);
}
