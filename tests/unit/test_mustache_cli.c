/*
 * test_mustache_cli.c - tests of build/mustache-render: exact output,
 * partials directory (static and dynamic names, refused names), missing
 * partials ("" by default, an error with --strict), a one-line message
 * plus non-zero exit for a bad template, bad JSON, a missing file and bad
 * usage; and every case of the Mustache spec files run through the binary
 * itself, files on disk as its usage line says.
 */
#include <criterion/criterion.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#ifndef MUSTACHE_RENDER_BIN
#define MUSTACHE_RENDER_BIN "build/mustache-render"
#endif
#ifndef MUSTACHE_DATA_DIR
#define MUSTACHE_DATA_DIR "tests/mustache"
#endif
#ifndef MUSTACHE_SPEC_DIR
#define MUSTACHE_SPEC_DIR "tests/mustache/spec"
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
	const char	*args[3], *strict[4];

	args[0] = tmpfile_with(0, "p.mustache", "x {{>header}}|{{<frame}}"
	    "{{/frame}}|");
	args[1] = tmpfile_with(1, "d.json", "{}");
	args[2] = NULL;
	run_cli(&r, args);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect_str_eq(r.out, "x ||");
	cr_expect_eq(r.err_len, 0);
	strict[0] = "--strict";
	memcpy(strict + 1, args, sizeof(args));
	run_cli(&r, strict);
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
		const char *sargs[] = { "--partials", tmpdir, "--strict",
		    args[0], args[1], NULL };

		run_cli(&r, pargs);
		cr_assert_eq(r.status, 0, "stderr: %s", r.err);
		cr_expect_str_eq(r.out, "x");
		run_cli(&r, sargs);
	}
	snprintf(want, sizeof(want), "mustache-render: t.mustache:1:2: "
	    "unknown partial \"nope\"\n");
	expect_one_line_error(&r, want);
	args[0] = tmpfile_with(0, "t.mustache", "x");
	{
		const char *nargs[] = { "--partials", "/nonexistent", args[0],
		    args[1], NULL };

		run_cli(&r, nargs);
	}
	expect_one_line_error(&r, "mustache-render: /nonexistent: No such "
	    "file or directory\n");
}

/*
 * A partials dir p/ holding ok and .hidden, and secret.mustache beside it:
 * only ok is ever rendered, named statically or dynamically; --strict
 * makes the refused static names errors.  Dynamic names that find nothing
 * render as "" even with --strict.
 */
Test(cli, partials_dir_names_and_refusals)
{
	struct run	 r;
	char		 dir[128];
	const char	*args[6];

	snprintf(dir, sizeof(dir), "%s/p", tmpdir);
	cr_assert_eq(mkdir(dir, 0700), 0);
	tmpfile_with(0, "secret.mustache", "SECRET");
	tmpfile_with(0, "p/.hidden.mustache", "HIDDEN");
	tmpfile_with(0, "p/ok.mustache", "OK{{>*next}}");
	args[0] = "--partials";
	args[1] = dir;
	args[2] = tmpfile_with(2, "t.mustache", "{{>../secret}}|{{>.hidden}}|"
	    "{{>*a}}|{{>*b}}|{{>*c}}|{{>ok}}|{{>*d}}");
	args[3] = tmpfile_with(3, "d.json", "{\"a\":\"../secret\","
	    "\"b\":\".hidden\",\"c\":\"ok\",\"d\":\"../p/ok\","
	    "\"next\":\"t\"}");
	args[4] = NULL;
	run_cli(&r, args);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect_str_eq(r.out, "||||OK|OK|");
	memmove(args + 1, args, 4 * sizeof(*args));
	args[0] = "--strict";
	args[5] = NULL;
	run_cli(&r, args);
	expect_one_line_error(&r, "mustache-render: t.mustache:1:1: unknown "
	    "partial \"../secret\"\n");
	args[3] = tmpfile_with(2, "t.mustache", "{{>*a}}|{{>*b}}|{{>.hidden}}");
	run_cli(&r, args);
	expect_one_line_error(&r, "mustache-render: t.mustache:1:17: unknown "
	    "partial \".hidden\"\n");
	args[3] = tmpfile_with(2, "t.mustache", "{{>*a}}|{{>*b}}|{{>*c}}");
	run_cli(&r, args);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect_str_eq(r.out, "||OK");
}

Test(cli, usage)
{
	struct run	 r;
	const char	*none[] = { NULL };
	const char	*three[] = { "a", "b", "c", NULL };
	const char	*bad[] = { "--partial", "a", "b", NULL };
	const char	*nodir[] = { "a", "b", "--partials", NULL };
	const char	*helpme[] = { "--help", NULL };
	const char	*line = "usage: mustache-render [--strict] "
	    "[--partials DIR] TEMPLATE_FILE DATA_JSON_FILE\n";

	run_cli(&r, none);
	cr_expect_eq(r.status, 2);
	cr_expect_str_eq(r.err, line);
	run_cli(&r, three);
	cr_expect_eq(r.status, 2);
	run_cli(&r, bad);
	cr_expect_eq(r.status, 2);
	run_cli(&r, nodir);
	cr_expect_eq(r.status, 2);
	run_cli(&r, helpme);
	cr_expect_eq(r.status, 0);
	cr_expect_eq(r.err_len, 0);
	cr_expect_eq(strncmp(r.out, line, strlen(line)), 0, "%s", r.out);
	cr_expect_neq(strstr(r.out, "--strict"), NULL);
}

/* ------------------------------------------- the spec through the binary */

/* Every spec file there is (no ~lambdas: the engine has no lambdas). */
static const char *const spec_files[] = {
	"comments", "interpolation", "sections", "inverted", "partials",
	"delimiters", "~dynamic-names", "~inheritance"
};
#define NSPEC		(sizeof(spec_files) / sizeof(spec_files[0]))
#define SPEC_CASES	184	/* all of them, 157 without ~inheritance */

static void
write_file(const char *path, const char *data, size_t len)
{
	FILE	*fp = fopen(path, "wb");

	cr_assert_not_null(fp, "%s", path);
	cr_assert_eq(fwrite(data, 1, len, fp), len, "%s", path);
	cr_assert_eq(fclose(fp), 0, "%s", path);
}

static void
write_json_string(const char *path, const json_t *s)
{
	cr_assert(json_is_string(s), "%s: not a string", path);
	write_file(path, json_string_value(s), json_string_length(s));
}

/*
 * Write case tc into dir (created): template.mustache, data.json and
 * partials/NAME.mustache for each of its partials.
 */
static void
write_case(const char *dir, const json_t *tc)
{
	char		 path[512];
	const char	*name;
	json_t		*v;

	cr_assert_eq(mkdir(dir, 0700), 0, "%s", dir);
	snprintf(path, sizeof(path), "%s/partials", dir);
	cr_assert_eq(mkdir(path, 0700), 0, "%s", path);
	json_object_foreach(json_object_get(tc, "partials"), name, v) {
		cr_assert(name[0] != '.' && strchr(name, '/') == NULL,
		    "partial name %s", name);
		snprintf(path, sizeof(path), "%s/partials/%s.mustache", dir,
		    name);
		write_json_string(path, v);
	}
	snprintf(path, sizeof(path), "%s/template.mustache", dir);
	write_json_string(path, json_object_get(tc, "template"));
	snprintf(path, sizeof(path), "%s/data.json", dir);
	cr_assert_eq(json_dump_file(json_object_get(tc, "data"), path,
	    JSON_ENCODE_ANY), 0, "%s", path);
}

/*
 * Run case number n (tc, of spec file file) through mustache-render
 * --partials DIR TEMPLATE DATA.  Returns 1 when it exits 0 with exactly
 * the expected output; else 0, with the difference printed.
 */
static int
run_case(const char *file, unsigned n, const json_t *tc)
{
	struct run	 r;
	char		 dir[128], pdir[160], tpl[160], data[160];
	const char	*args[] = { "--partials", pdir, tpl, data, NULL };
	const char	*want = json_string_value(json_object_get(tc,
			    "expected"));
	const char	*name = json_string_value(json_object_get(tc,
			    "name"));

	snprintf(dir, sizeof(dir), "%s/%u", tmpdir, n);
	snprintf(pdir, sizeof(pdir), "%s/partials", dir);
	snprintf(tpl, sizeof(tpl), "%s/template.mustache", dir);
	snprintf(data, sizeof(data), "%s/data.json", dir);
	write_case(dir, tc);
	run_cli(&r, args);
	cr_assert_not_null(want, "%s / %s: no expected", file, name);
	if (r.status == 0 && r.out_len == strlen(want) &&
	    memcmp(r.out, want, r.out_len) == 0)
		return (1);
	cr_log_error("%s / %s: exit %d, got [%s] expected [%s] stderr [%s]",
	    file, name, r.status, r.out, want, r.err);
	return (0);
}

Test(cli_spec, every_case_through_the_binary, .init = make_tmpdir,
    .fini = remove_tmpdir)
{
	char		 path[512];
	json_error_t	 jerr;
	json_t		*root, *tests;
	unsigned	 f, n = 0, passed = 0, fpassed, counted = 0;
	size_t		 i;

	for (f = 0; f < NSPEC; f++) {
		snprintf(path, sizeof(path), "%s/%s.json", MUSTACHE_SPEC_DIR,
		    spec_files[f]);
		root = json_load_file(path, 0, &jerr);
		cr_assert_not_null(root, "%s:%d: %s", path, jerr.line,
		    jerr.text);
		tests = json_object_get(root, "tests");
		fpassed = 0;
		for (i = 0; i < json_array_size(tests); i++)
			fpassed += run_case(spec_files[f], n++,
			    json_array_get(tests, i));
		fprintf(stderr, "mustache-render: %s: %u of %zu spec cases\n",
		    spec_files[f], fpassed, json_array_size(tests));
		passed += fpassed;
		if (strcmp(spec_files[f], "~inheritance") != 0)
			counted += fpassed;
		json_decref(root);
	}
	fprintf(stderr, "mustache-render: %u of %u spec cases pass (%u of "
	    "them outside ~inheritance)\n", passed, n, counted);
	cr_expect_eq(n, SPEC_CASES, "%u spec cases, expected %d", n,
	    SPEC_CASES);
	cr_expect_eq(passed, n, "%u of %u spec cases pass", passed, n);
}
