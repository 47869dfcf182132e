/*
 * test_mustache_cli.c - tests of build/mustache-render: exact output,
 * partials directory, and a one-line message plus non-zero exit for a bad
 * template, bad JSON, a missing file and bad usage.
 */
#include <criterion/criterion.h>

#include <sys/wait.h>

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef MUSTACHE_RENDER_BIN
#define MUSTACHE_RENDER_BIN "build/mustache-render"
#endif
#ifndef MUSTACHE_DATA_DIR
#define MUSTACHE_DATA_DIR "tests/mustache"
#endif

#define TPL_DIR	MUSTACHE_DATA_DIR "/templates"

struct run {
	char	out[65536];
	size_t	out_len;
	char	err[4096];
	size_t	err_len;
	int	status;		/* exit code, or -1 if killed */
};

static void
drain(int fd, char *buf, size_t cap, size_t *len, int *open_fd)
{
	ssize_t	 n = read(fd, buf + *len, cap - 1 - *len);

	if (n <= 0) {
		close(fd);
		*open_fd = 0;
		return;
	}
	*len += (size_t)n;
	buf[*len] = '\0';
}

/* Run mustache-render with args (NULL-terminated), capturing output. */
static void
run_cli(struct run *r, const char *const *args)
{
	int		 o[2], e[2], st, oo = 1, eo = 1;
	pid_t		 pid;
	const char	*argv[8];
	size_t		 i;
	struct pollfd	 pf[2];

	memset(r, 0, sizeof(*r));
	argv[0] = MUSTACHE_RENDER_BIN;
	for (i = 0; args[i] != NULL && i < 6; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	cr_assert_eq(pipe(o), 0);
	cr_assert_eq(pipe(e), 0);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		dup2(o[1], 1);
		dup2(e[1], 2);
		close(o[0]);
		close(e[0]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(o[1]);
	close(e[1]);
	while (oo || eo) {
		pf[0].fd = oo ? o[0] : -1;
		pf[0].events = POLLIN;
		pf[1].fd = eo ? e[0] : -1;
		pf[1].events = POLLIN;
		cr_assert_gt(poll(pf, 2, 10000), 0, "mustache-render hangs");
		if (oo && pf[0].revents)
			drain(o[0], r->out, sizeof(r->out), &r->out_len, &oo);
		if (eo && pf[1].revents)
			drain(e[0], r->err, sizeof(r->err), &r->err_len, &eo);
	}
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char	tmpdir[64];

static void
make_tmpdir(void)
{
	strcpy(tmpdir, "/tmp/mustache-cli-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
}

static void
remove_tmpdir(void)
{
	char	cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

/* Write a file in tmpdir; returns its path (static buffer per slot). */
static const char *
tmpfile_with(int slot, const char *name, const char *text)
{
	static char	 paths[4][256];
	FILE		*fp;

	snprintf(paths[slot], sizeof(paths[slot]), "%s/%s", tmpdir, name);
	fp = fopen(paths[slot], "w");
	cr_assert_not_null(fp);
	fputs(text, fp);
	fclose(fp);
	return (paths[slot]);
}

static void
expect_one_line_error(const struct run *r, const char *want)
{
	cr_expect_neq(r->status, 0);
	cr_expect_eq(r->out_len, 0, "stdout: %s", r->out);
	cr_expect_gt(r->err_len, 0);
	cr_expect_eq(r->err[r->err_len - 1], '\n');
	cr_expect_eq(strchr(r->err, '\n'), r->err + r->err_len - 1,
	    "more than one line: %s", r->err);
	cr_expect_str_eq(r->err, want);
}

TestSuite(cli, .init = make_tmpdir, .fini = remove_tmpdir);

Test(cli, renders_page_with_partials_exactly)
{
	struct run	 r;
	FILE		*fp;
	char		 want[4096];
	size_t		 n;
	const char	*args[] = { "--partials", TPL_DIR,
	    TPL_DIR "/tasks.mustache", TPL_DIR "/data.json", NULL };

	run_cli(&r, args);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect_eq(r.err_len, 0);
	fp = fopen(TPL_DIR "/tasks.expected", "r");
	cr_assert_not_null(fp);
	n = fread(want, 1, sizeof(want), fp);
	fclose(fp);
	cr_expect_eq(r.out_len, n);
	cr_expect_eq(memcmp(r.out, want, n), 0, "got: %s", r.out);
}

Test(cli, no_trailing_newline_added_and_nul_bytes_kept)
{
	struct run	 r;
	const char	*args[3];

	args[0] = tmpfile_with(0, "t.mustache", "{{a}}|{{{b}}}");
	args[1] = tmpfile_with(1, "d.json", "{\"a\":\"x<y\",\"b\":\"1\\u00002\"}");
	args[2] = NULL;
	run_cli(&r, args);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect_eq(r.out_len, 10);
	cr_expect_eq(memcmp(r.out, "x&lt;y|1\0" "2", 10), 0);
}

Test(cli, bad_template)
{
	struct run	 r;
	const char	*args[3];

	args[0] = tmpfile_with(0, "bad.mustache", "ok\n  {{#list}}\n");
	args[1] = tmpfile_with(1, "d.json", "{}");
	args[2] = NULL;
	run_cli(&r, args);
	expect_one_line_error(&r, "mustache-render: bad.mustache:2:3: "
	    "unclosed section \"list\"\n");
}

Test(cli, unknown_partial_without_partials_dir)
{
	struct run	 r;
	const char	*args[3];

	args[0] = tmpfile_with(0, "p.mustache", "x {{>header}}");
	args[1] = tmpfile_with(1, "d.json", "{}");
	args[2] = NULL;
	run_cli(&r, args);
	expect_one_line_error(&r, "mustache-render: p.mustache:1:3: unknown "
	    "partial \"header\"\n");
}

Test(cli, bad_json)
{
	struct run	 r;
	char		 want[512];
	const char	*args[3];

	args[0] = tmpfile_with(0, "t.mustache", "{{a}}");
	args[1] = tmpfile_with(1, "d.json", "{\"a\": [1,\n 2,, 3]}");
	args[2] = NULL;
	run_cli(&r, args);
	snprintf(want, sizeof(want), "mustache-render: %s:2:4: unexpected "
	    "token near ','\n", args[1]);
	expect_one_line_error(&r, want);
}

Test(cli, missing_files)
{
	struct run	 r;
	char		 want[512];
	const char	*args[3];

	args[0] = "/nonexistent/t.mustache";
	args[1] = tmpfile_with(1, "d.json", "{}");
	args[2] = NULL;
	run_cli(&r, args);
	expect_one_line_error(&r, "mustache-render: /nonexistent/t.mustache: "
	    "No such file or directory\n");
	args[0] = tmpfile_with(0, "t.mustache", "x");
	args[1] = "/nonexistent/d.json";
	run_cli(&r, args);
	expect_one_line_error(&r, "mustache-render: /nonexistent/d.json: "
	    "No such file or directory\n");
	args[0] = tmpfile_with(0, "t.mustache", "x{{>nope}}");
	args[1] = tmpfile_with(1, "d.json", "{}");
	{
		const char *pargs[] = { "--partials", tmpdir, args[0],
		    args[1], NULL };
		run_cli(&r, pargs);
	}
	snprintf(want, sizeof(want), "mustache-render: t.mustache:1:2: "
	    "unknown partial \"nope\"\n");
	expect_one_line_error(&r, want);
}

Test(cli, usage)
{
	struct run	 r;
	const char	*none[] = { NULL };
	const char	*three[] = { "a", "b", "c", NULL };

	run_cli(&r, none);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, "usage: mustache-render [--partials DIR] "
	    "TEMPLATE_FILE DATA_JSON_FILE\n");
	run_cli(&r, three);
	cr_expect_eq(r.status, 2);
}
