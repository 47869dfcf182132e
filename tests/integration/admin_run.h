/*
 * Running build/daybook-admin from a Criterion test, and a database of the
 * test's own: shared by test_admin.c and test_admin_report.c.
 *
 * Define ADMIN_DB_PREFIX (e.g. "daybook_adm_") before including this file.
 * admin_setup() creates the database PREFIX<test>_<pid> (the test user may
 * create daybook_* databases) and connects db to it; admin_teardown() drops
 * it, so tests may run in parallel.  ADMIN(input, overrides, ...) runs the
 * program (DBK_ADMIN, else DBK_ADMIN_DEFAULT) with the arguments, input on
 * its standard input (NULL: none), DAYBOOK_DB_NAME set to that database
 * and overrides applied ("NAME=value" sets, "NAME" alone unsets); its exit
 * status and output land in r.
 */

#ifndef DBK_ADMIN_RUN_H
#define DBK_ADMIN_RUN_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <mysql.h>

#include "core/config.h"

#ifndef DBK_ADMIN_DEFAULT
#define DBK_ADMIN_DEFAULT	"build/daybook-admin"
#endif

#define OUT_MAX		65536
#define RUN_LIMIT_S	60

extern char	**environ;

struct run {
	int	status;		/* exit status, or 128 + signal */
	double	seconds;
	char	out[OUT_MAX];
	char	err[OUT_MAX];
};

static char		 db_name[64];
static MYSQL		*db;
static struct run	 r;

/* ------------------------------------------------------------------ */
/* Running the program                                                 */
/* ------------------------------------------------------------------ */

static inline const char *
admin_path(void)
{
	const char	*path = getenv("DBK_ADMIN");

	return (path != NULL && path[0] != '\0' ? path : DBK_ADMIN_DEFAULT);
}

static inline double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* Does environment entry entry set the variable named by spec (NAME[=v])? */
static inline int
same_name(const char *entry, const char *spec)
{
	size_t	len = strcspn(spec, "=");

	return (strncmp(entry, spec, len) == 0 && entry[len] == '=');
}

/*
 * The child's environment (free the array, not the strings): ours with
 * DAYBOOK_DB_NAME set to this test's database, then overrides applied
 * ("NAME=value" sets, "NAME" alone unsets).
 */
static inline char **
child_env(const char *const *overrides)
{
	static char	 name_var[128];
	char		**env;
	size_t		 n = 0, k = 0, i, j = 0, o;
	int		 dropped;

	while (environ[n] != NULL)
		n++;
	while (overrides != NULL && overrides[k] != NULL)
		k++;
	cr_assert_not_null(env = calloc(n + k + 2, sizeof(*env)));
	(void)snprintf(name_var, sizeof(name_var), "DAYBOOK_DB_NAME=%s",
	    db_name);
	for (i = 0; i < n; i++) {
		dropped = same_name(environ[i], name_var);
		for (o = 0; o < k; o++)
			dropped |= same_name(environ[i], overrides[o]);
		if (!dropped)
			env[j++] = environ[i];
	}
	env[j++] = name_var;
	for (o = 0; o < k; o++) {
		if (strchr(overrides[o], '=') != NULL)
			env[j++] = (char *)(uintptr_t)overrides[o];
	}
	env[j] = NULL;
	return (env);
}

/* Append what fd has into buf; 0 at end of file. */
static inline int
drain(int fd, char *buf, size_t *used)
{
	char	chunk[4096];
	ssize_t	n;

	n = read(fd, chunk, sizeof(chunk));
	if (n <= 0)
		return (n == -1 && errno == EINTR);
	if (*used + (size_t)n >= OUT_MAX)
		n = (ssize_t)(OUT_MAX - 1 - *used);
	memcpy(buf + *used, chunk, (size_t)n);
	*used += (size_t)n;
	buf[*used] = '\0';
	return (1);
}

/* Both pipes until they close (bounded by RUN_LIMIT_S), then the status. */
static inline void
collect(pid_t pid, int out_fd, int err_fd, double start)
{
	struct pollfd	pfd[2];
	size_t		out_used = 0, err_used = 0;
	int		open_fds = 2, wstatus;

	pfd[0].fd = out_fd;
	pfd[1].fd = err_fd;
	pfd[0].events = pfd[1].events = POLLIN;
	while (open_fds > 0) {
		if (now_s() - start > RUN_LIMIT_S) {
			kill(pid, SIGKILL);
			cr_assert_fail("daybook-admin ran over %d s", RUN_LIMIT_S);
		}
		if (poll(pfd, 2, 1000) <= 0)
			continue;
		if (pfd[0].revents != 0 && !drain(out_fd, r.out, &out_used)) {
			pfd[0].fd = -1;
			open_fds--;
		}
		if (pfd[1].revents != 0 && !drain(err_fd, r.err, &err_used)) {
			pfd[1].fd = -1;
			open_fds--;
		}
	}
	cr_assert_eq(waitpid(pid, &wstatus, 0), pid);
	r.seconds = now_s() - start;
	r.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) :
	    128 + WTERMSIG(wstatus);
}

/*
 * Run daybook-admin with the NULL-terminated arguments, input on its
 * standard input (NULL: none), into r.
 */
static inline void
run_admin(const char *input, const char *const *overrides, ...)
{
	const char	*argv[16];
	char		**env;
	int		 in[2], out[2], err[2];
	size_t		 argc = 0;
	pid_t		 pid;
	va_list		 ap;
	double		 start = now_s();

	memset(&r, 0, sizeof(r));
	argv[argc++] = admin_path();
	va_start(ap, overrides);
	while ((argv[argc] = va_arg(ap, const char *)) != NULL)
		cr_assert_lt(++argc, 15);
	va_end(ap);
	env = child_env(overrides);
	cr_assert(pipe(in) == 0 && pipe(out) == 0 && pipe(err) == 0);
	cr_assert_neq(pid = fork(), -1);
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(in[1]);
		close(out[0]);
		close(err[0]);
		execve(argv[0], (char *const *)(uintptr_t)argv, env);
		_exit(127);
	}
	free(env);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	/* Inputs are short: they fit in the pipe. */
	if (input != NULL)
		cr_assert_eq(write(in[1], input, strlen(input)),
		    (ssize_t)strlen(input));
	close(in[1]);
	collect(pid, out[0], err[0], start);
	close(out[0]);
	close(err[0]);
}

#define ADMIN(input, overrides, ...) \
	run_admin((input), (overrides), __VA_ARGS__, (const char *)NULL)

static inline void
expect_status(int status)
{
	cr_assert_eq(r.status, status, "exit %d, expected %d\nstdout: %s\n"
	    "stderr: %s", r.status, status, r.out, r.err);
}

static inline void
expect_out(const char *text)
{
	cr_assert_not_null(strstr(r.out, text), "stdout lacks \"%s\":\n%s",
	    text, r.out);
}

static inline void
expect_no_out(const char *text)
{
	cr_assert_null(strstr(r.out, text), "stdout has \"%s\":\n%s", text,
	    r.out);
}

/* stderr is exactly one line and holds text. */
static inline void
expect_err_line(const char *text)
{
	char	*nl = strchr(r.err, '\n');

	cr_assert_not_null(strstr(r.err, text), "stderr lacks \"%s\":\n%s",
	    text, r.err);
	cr_assert(nl != NULL && nl[1] == '\0', "stderr is not one line:\n%s",
	    r.err);
}

/* ------------------------------------------------------------------ */
/* Our own connection, for set-up and checks                          */
/* ------------------------------------------------------------------ */

static inline const char *
env_lookup(const char *name)
{
	return (getenv(name));
}

static inline MYSQL *
connect_db(const char *name)
{
	struct dbk_config	 cfg;
	MYSQL			*conn;
	unsigned int		 protocol;

	cr_assert_eq(dbk_config_load(&cfg, env_lookup), 0, "%s (source "
	    "var/test/env.sh first)", cfg.error);
	cr_assert_not_null(conn = mysql_init(NULL));
	protocol = cfg.db_socket ? MYSQL_PROTOCOL_SOCKET : MYSQL_PROTOCOL_TCP;
	mysql_options(conn, MYSQL_OPT_PROTOCOL, &protocol);
	mysql_options(conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(conn, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'");
	if (mysql_real_connect(conn, cfg.db_socket ? "localhost" : cfg.db_host,
	    cfg.db_user, cfg.db_password, name, cfg.db_port, cfg.db_socket,
	    0) == NULL)
		cr_assert_fail("cannot connect to the test MariaDB: %s "
		    "(source var/test/env.sh first)", mysql_error(conn));
	dbk_config_free(&cfg);
	return (conn);
}

/* Run a statement built from trusted test constants. */
static inline void
sql(MYSQL *conn, const char *fmt, ...)
{
	char	q[2048];
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(q, sizeof(q), fmt, ap);
	va_end(ap);
	cr_assert_eq(mysql_query(conn, q), 0, "%s: %s", q, mysql_error(conn));
}

/* The first column of the first row, as a string (static buffer). */
static inline const char *
sql_value(const char *fmt, ...)
{
	static char	 value[1024];
	char		 q[2048];
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	va_list		 ap;

	va_start(ap, fmt);
	(void)vsnprintf(q, sizeof(q), fmt, ap);
	va_end(ap);
	cr_assert_eq(mysql_query(db, q), 0, "%s: %s", q, mysql_error(db));
	cr_assert_not_null(res = mysql_store_result(db));
	row = mysql_fetch_row(res);
	cr_assert_not_null(row, "%s: no row", q);
	(void)snprintf(value, sizeof(value), "%s", row[0] ? row[0] : "NULL");
	mysql_free_result(res);
	return (value);
}

static inline void
admin_setup(void)
{
	const struct criterion_test	*t = criterion_current_test;
	MYSQL				*server;

	(void)snprintf(db_name, sizeof(db_name), ADMIN_DB_PREFIX "%.24s_%d",
	    t->name, (int)getpid());
	server = connect_db(NULL);
	sql(server, "DROP DATABASE IF EXISTS `%s`", db_name);
	sql(server, "CREATE DATABASE `%s` CHARACTER SET utf8mb4 COLLATE "
	    "utf8mb4_unicode_ci", db_name);
	mysql_close(server);
	db = connect_db(db_name);
}

static inline void
admin_teardown(void)
{
	if (db != NULL)
		sql(db, "DROP DATABASE IF EXISTS `%s`", db_name);
	mysql_close(db);
	db = NULL;
	mysql_library_end();
}

#endif
