/*
 * Unit tests of daybook-admin's start-up messages that need no database:
 * the hint to source var/dev/env.sh when no DAYBOOK_* variable is set.
 *
 * Each test runs the program (DBK_ADMIN_BIN, an absolute path set by
 * mk/admin.mk) with fork and execve, no shell, in a directory of its own
 * and with every DAYBOOK_* variable taken out of its environment, so the
 * configuration fails on the default DAYBOOK_SECRET_FILE (var/secret)
 * before anything connects.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#ifndef DBK_ADMIN_BIN
#define DBK_ADMIN_BIN	"build/daybook-admin"
#endif

#define OUT_MAX		8192
#define RUN_LIMIT_S	20

#define HINT		"no DAYBOOK_* variable is set: source var/dev/env.sh " \
			"first (see README, 'Administration')"

struct run {
	int	status;		/* exit status, or 128 + signal */
	char	out[OUT_MAX];
	char	err[OUT_MAX];
};

/* The test's working directory, and whether it holds var/dev/env.sh. */
static char	work_dir[64];
static int	have_env_file;

static void
path_in_work_dir(char *buf, size_t len, const char *name)
{
	int	n = snprintf(buf, len, "%s/%s", work_dir, name);

	cr_assert(n > 0 && (size_t)n < len);
}

static void
make_work_dir(void)
{
	(void)snprintf(work_dir, sizeof(work_dir),
	    "/tmp/dbk_admin_cli.XXXXXX");
	cr_assert_not_null(mkdtemp(work_dir), "mkdtemp: %s",
	    strerror(errno));
	have_env_file = 0;
}

/* Create work_dir/var/dev/env.sh (empty: the program must not read it). */
static void
make_env_file(void)
{
	char	path[128];
	int	fd;

	path_in_work_dir(path, sizeof(path), "var");
	cr_assert_eq(mkdir(path, 0700), 0);
	path_in_work_dir(path, sizeof(path), "var/dev");
	cr_assert_eq(mkdir(path, 0700), 0);
	path_in_work_dir(path, sizeof(path), "var/dev/env.sh");
	cr_assert_neq(fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600), -1);
	(void)close(fd);
	have_env_file = 1;
}

/* Remove what make_work_dir and make_env_file made. */
static void
remove_work_dir(void)
{
	char	path[128];

	if (work_dir[0] == '\0')
		return;
	if (have_env_file) {
		path_in_work_dir(path, sizeof(path), "var/dev/env.sh");
		(void)unlink(path);
		path_in_work_dir(path, sizeof(path), "var/dev");
		(void)rmdir(path);
		path_in_work_dir(path, sizeof(path), "var");
		(void)rmdir(path);
	}
	(void)rmdir(work_dir);
	work_dir[0] = '\0';
}

TestSuite(admin_cli, .init = make_work_dir, .fini = remove_work_dir,
    .timeout = 60);

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/*
 * The child's environment (free the array, not the strings): ours without
 * any DAYBOOK_* variable, then extra (NULL or a "NAME=value").
 */
static char **
child_env(const char *extra)
{
	char	**env;
	size_t	 count = 0, n = 0, i;

	while (environ[count] != NULL)
		count++;
	cr_assert_not_null(env = calloc(count + 2, sizeof(*env)));
	for (i = 0; i < count; i++) {
		if (strncmp(environ[i], "DAYBOOK_", 8) != 0)
			env[n++] = environ[i];
	}
	if (extra != NULL)
		env[n++] = (char *)(uintptr_t)extra;
	env[n] = NULL;
	return (env);
}

/* Append what fd has into buf (OUT_MAX); 0 at end of file. */
static int
drain(int fd, char *buf, size_t *used)
{
	ssize_t	n;

	n = read(fd, buf + *used, OUT_MAX - 1 - *used);
	if (n == -1 && errno == EINTR)
		return (1);
	if (n <= 0)
		return (0);
	*used += (size_t)n;
	buf[*used] = '\0';
	return (*used < OUT_MAX - 1);
}

/* Read both pipes until they close (at most RUN_LIMIT_S), then reap. */
static void
collect(struct run *r, pid_t pid, int out_fd, int err_fd)
{
	struct pollfd	pfd[2];
	size_t		out_used = 0, err_used = 0;
	int		open_fds = 2, wstatus;
	double		start = now_s();

	pfd[0].fd = out_fd;
	pfd[1].fd = err_fd;
	pfd[0].events = pfd[1].events = POLLIN;
	while (open_fds > 0) {
		if (now_s() - start > RUN_LIMIT_S) {
			(void)kill(pid, SIGKILL);
			cr_assert_fail("daybook-admin ran over %d s", RUN_LIMIT_S);
		}
		if (poll(pfd, 2, 1000) <= 0)
			continue;
		if (pfd[0].revents != 0 && !drain(out_fd, r->out, &out_used)) {
			pfd[0].fd = -1;
			open_fds--;
		}
		if (pfd[1].revents != 0 && !drain(err_fd, r->err, &err_used)) {
			pfd[1].fd = -1;
			open_fds--;
		}
	}
	cr_assert_eq(waitpid(pid, &wstatus, 0), pid);
	r->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) :
	    128 + WTERMSIG(wstatus);
}

/*
 * Run "daybook-admin status" in work_dir with child_env(extra); its exit
 * status and output land in r.
 */
static void
run_status(struct run *r, const char *extra)
{
	const char	*argv[] = { DBK_ADMIN_BIN, "status", NULL };
	char		**env;
	int		 out[2], err[2];
	pid_t		 pid;

	memset(r, 0, sizeof(*r));
	env = child_env(extra);
	cr_assert(pipe(out) == 0 && pipe(err) == 0);
	cr_assert_neq(pid = fork(), -1);
	if (pid == 0) {
		(void)dup2(out[1], 1);
		(void)dup2(err[1], 2);
		(void)close(out[0]);
		(void)close(err[0]);
		if (chdir(work_dir) == 0)
			execve(argv[0], (char *const *)(uintptr_t)argv, env);
		_exit(127);
	}
	free(env);
	(void)close(out[1]);
	(void)close(err[1]);
	collect(r, pid, out[0], err[0]);
	(void)close(out[0]);
	(void)close(err[0]);
}

/* Exit status 1, nothing on stdout, exactly one line on stderr. */
static void
expect_one_line_failure(const struct run *r)
{
	const char	*nl = strchr(r->err, '\n');

	cr_assert_eq(r->status, 1, "exit %d, expected 1\nstderr: %s",
	    r->status, r->err);
	cr_assert_str_empty(r->out, "stdout: %s", r->out);
	cr_assert(nl != NULL && nl[1] == '\0', "stderr is not one line:\n%s",
	    r->err);
	cr_assert_not_null(strstr(r->err, "daybook-admin: status: "
	    "DAYBOOK_SECRET_FILE: cannot read var/secret: "), "stderr: %s",
	    r->err);
}

Test(admin_cli, hint_when_unsourced_and_dev_env_exists)
{
	struct run	r;

	make_env_file();
	run_status(&r, NULL);
	expect_one_line_failure(&r);
	cr_assert_not_null(strstr(r.err, "No such file or directory; " HINT
	    "\n"), "stderr lacks the hint:\n%s", r.err);
}

Test(admin_cli, no_hint_without_dev_env)
{
	struct run	r;

	run_status(&r, NULL);
	expect_one_line_failure(&r);
	cr_assert_null(strstr(r.err, "env.sh"), "stderr: %s", r.err);
	cr_assert_null(strstr(r.err, "; "), "stderr: %s", r.err);
}

Test(admin_cli, no_hint_when_a_daybook_variable_is_set)
{
	struct run	r;

	make_env_file();
	run_status(&r, "DAYBOOK_DB_PORT=3406");
	expect_one_line_failure(&r);
	cr_assert_null(strstr(r.err, "env.sh"), "stderr: %s", r.err);
}
