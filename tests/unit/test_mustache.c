/*
 * test_mustache.c - unit tests of the mustache engine API: values, arena,
 * buffer, template set, limits and every compile and render error.
 * (The spec suite is in test_mustache_spec.c, the CLI in
 * test_mustache_cli.c.)
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mustache/mustache.h"

#ifndef MUSTACHE_DATA_DIR
#define MUSTACHE_DATA_DIR "tests/mustache"
#endif

/* ------------------------------------------------------------ helpers */

struct source {
	const char	*name;
	const char	*text;
};

/* Loader over a NULL-terminated table; name "EIO" fails with EIO. */
static int
table_loader(void *ctx, const char *name, char **data, size_t *len)
{
	const struct source	*s;

	if (strcmp(name, "EIO") == 0) {
		errno = EIO;
		return (-1);
	}
	for (s = ctx; s->name != NULL; s++) {
		if (strcmp(s->name, name) == 0) {
			*len = strlen(s->text);
			*data = strdup(s->text);
			return (*data == NULL ? -1 : 0);
		}
	}
	return (1);
}

static struct mustache_arena	*arena;
static struct mustache_buf	 out;
static struct mustache_error	 err;

static void
setup(void)
{
	arena = mustache_arena_new();
	cr_assert_not_null(arena);
	memset(&out, 0, sizeof(out));
	memset(&err, 0, sizeof(err));
}

static void
teardown(void)
{
	mustache_arena_free(arena);
	mustache_buf_free(&out);
}

/* Compile src as "t" (partials from table, may be NULL); -1 on error. */
static int
compile_one(struct mustache_set **setp, const struct source *table,
    int flags, const char *src)
{
	*setp = mustache_set_new(table != NULL ? table_loader : NULL,
	    (void *)table, flags);
	cr_assert_not_null(*setp);
	return (mustache_set_add(*setp, "t", src, strlen(src), &err));
}

/* Render src with data; returns the output (in out) or NULL on error. */
static const char *
render_str(const char *src, const struct mustache_value *data)
{
	struct mustache_set	*set;
	int			 rc;

	cr_assert_eq(compile_one(&set, NULL, 0, src), 0, "%s", err.message);
	mustache_buf_reset(&out);
	rc = mustache_render(mustache_set_get(set, "t"), data, &out, &err);
	mustache_set_free(set);
	return (rc == 0 ? out.data : NULL);
}

/* Expect compiling src to fail with exactly message msg. */
static void
expect_compile_error(const char *src, const char *msg)
{
	struct mustache_set	*set;

	cr_assert_eq(compile_one(&set, NULL, 0, src), -1,
	    "\"%s\" compiled", src);
	cr_expect_str_eq(err.message, msg, "for \"%s\"", src);
	cr_expect_null(strchr(err.message, '\n'));
	cr_expect_null(mustache_set_get(set, "t"));
	mustache_set_free(set);
}

/* ------------------------------------------------------------- values */

TestSuite(values, .init = setup, .fini = teardown);

Test(values, constructors_set_types)
{
	struct mustache_value	*v;

	cr_expect_eq(mustache_null(arena)->type, MUSTACHE_NULL);
	v = mustache_bool(arena, 7);
	cr_expect_eq(v->type, MUSTACHE_BOOL);
	cr_expect_eq(v->u.boolean, 1);
	v = mustache_int(arena, INT64_MIN);
	cr_expect_eq(v->type, MUSTACHE_INT);
	cr_expect_eq(v->u.integer, INT64_MIN);
	v = mustache_number(arena, 2.5);
	cr_expect_eq(v->type, MUSTACHE_NUMBER);
	cr_expect_eq(v->u.number, 2.5);
	v = mustache_string(arena, "abc", 2);
	cr_expect_eq(v->type, MUSTACHE_STRING);
	cr_expect_eq(v->u.string.len, 2);
	cr_expect_eq(memcmp(v->u.string.ptr, "ab", 2), 0);
	cr_expect_eq(mustache_list(arena)->type, MUSTACHE_LIST);
	cr_expect_eq(mustache_object(arena)->type, MUSTACHE_OBJECT);
	cr_expect_null(mustache_cstring(arena, NULL));
	cr_expect_null(mustache_string(arena, NULL, 3));
	cr_expect_not_null(mustache_string(arena, NULL, 0));
}

Test(values, string_copies_and_borrow_does_not)
{
	char			 buf[] = "before";
	struct mustache_value	*copy, *borrowed, *o;

	copy = mustache_string(arena, buf, strlen(buf));
	borrowed = mustache_string_borrow(arena, buf, strlen(buf));
	cr_expect_eq(borrowed->u.string.ptr, buf);
	cr_expect_neq(copy->u.string.ptr, buf);
	memcpy(buf, "AFTER!", 6);
	o = mustache_object(arena);
	mustache_object_set(arena, o, "c", copy);
	mustache_object_set(arena, o, "b", borrowed);
	cr_expect_str_eq(render_str("{{c}} {{b}}", o), "before AFTER!");
}

Test(values, object_set_replaces_and_get_finds)
{
	struct mustache_value		*o = mustache_object(arena);
	const struct mustache_value	*v;
	char				 key[8];
	int				 i;

	cr_assert_eq(mustache_object_set(arena, o, "a", mustache_int(arena,
	    1)), 0);
	cr_assert_eq(mustache_object_set(arena, o, "a", mustache_int(arena,
	    2)), 0);
	cr_expect_eq(o->u.object.len, 1);
	for (i = 0; i < 40; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		cr_assert_eq(mustache_object_set_n(arena, o,
		    mustache_arena_strndup(arena, key, strlen(key)),
		    strlen(key), mustache_int(arena, i)), 0);
	}
	cr_expect_eq(o->u.object.len, 41);
	v = mustache_object_get(o, "a", 1);
	cr_assert_not_null(v);
	cr_expect_eq(v->u.integer, 2);
	v = mustache_object_get(o, "k39", 3);
	cr_assert_not_null(v);
	cr_expect_eq(v->u.integer, 39);
	cr_expect_null(mustache_object_get(o, "k4x", 3));
	cr_expect_null(mustache_object_get(o, "k", 1));
	cr_expect_null(mustache_object_get(mustache_list(arena), "a", 1));
	/* a NULL value is stored as null */
	cr_assert_eq(mustache_object_set(arena, o, "n", NULL), 0);
	cr_expect_eq(mustache_object_get(o, "n", 1)->type, MUSTACHE_NULL);
}

Test(values, wrong_container_is_refused)
{
	struct mustache_value	*l = mustache_list(arena);
	struct mustache_value	*o = mustache_object(arena);

	cr_expect_eq(mustache_list_push(arena, o, NULL), -1);
	cr_expect_eq(mustache_object_set(arena, l, "a", NULL), -1);
	cr_expect_eq(mustache_object_set(arena, o, NULL, NULL), -1);
	cr_expect_eq(mustache_list_push(arena, NULL, NULL), -1);
}

Test(values, list_grows_to_hundreds)
{
	struct mustache_value	*l = mustache_list(arena), *o;
	int			 i;
	const char		*s;

	for (i = 0; i < 500; i++)
		cr_assert_eq(mustache_list_push(arena, l, mustache_int(arena,
		    i % 10)), 0);
	cr_expect_eq(l->u.list.len, 500);
	cr_expect_eq(l->u.list.items[499]->u.integer, 9);
	o = mustache_object(arena);
	mustache_object_set(arena, o, "l", l);
	s = render_str("{{#l}}{{.}}{{/l}}", o);
	cr_assert_not_null(s);
	cr_expect_eq(strlen(s), 500);
	cr_expect_eq(strncmp(s, "0123456789012", 13), 0);
}

Test(values, interpolation_of_each_type)
{
	struct mustache_value	*o = mustache_object(arena);
	struct mustache_value	*l = mustache_list(arena);

	mustache_list_push(arena, l, mustache_int(arena, 1));
	mustache_object_set(arena, o, "n", mustache_null(arena));
	mustache_object_set(arena, o, "t", mustache_bool(arena, 1));
	mustache_object_set(arena, o, "f", mustache_bool(arena, 0));
	mustache_object_set(arena, o, "i", mustache_int(arena, -42));
	mustache_object_set(arena, o, "big", mustache_int(arena, INT64_MAX));
	mustache_object_set(arena, o, "d", mustache_number(arena, 0.1));
	mustache_object_set(arena, o, "e", mustache_number(arena, 1e20));
	mustache_object_set(arena, o, "third", mustache_number(arena,
	    1.0 / 3));
	mustache_object_set(arena, o, "l", l);
	mustache_object_set(arena, o, "o", mustache_object(arena));
	cr_expect_str_eq(render_str("[{{n}}|{{t}}|{{f}}|{{i}}|{{big}}|{{d}}|"
	    "{{e}}|{{third}}|{{l}}|{{o}}]", o), "[|true|false|-42|"
	    "9223372036854775807|0.1|1e+20|0.33333333333333331||]");
}

Test(values, truthiness)
{
	struct mustache_value	*o = mustache_object(arena);

	mustache_object_set(arena, o, "zero", mustache_int(arena, 0));
	mustache_object_set(arena, o, "fzero", mustache_number(arena, 0));
	mustache_object_set(arena, o, "empty", mustache_string(arena, "", 0));
	mustache_object_set(arena, o, "obj", mustache_object(arena));
	mustache_object_set(arena, o, "list", mustache_list(arena));
	mustache_object_set(arena, o, "null", mustache_null(arena));
	cr_expect_str_eq(render_str("{{#zero}}Z{{/zero}}{{#fzero}}F{{/fzero}}"
	    "{{#empty}}E{{/empty}}{{^empty}}e{{/empty}}{{#obj}}O{{/obj}}"
	    "{{#list}}L{{/list}}{{^list}}l{{/list}}{{^null}}n{{/null}}", o),
	    "ZFeOln");
}

Test(values, escaping_of_all_five)
{
	struct mustache_value	*o = mustache_object(arena);

	mustache_object_set(arena, o, "s", mustache_cstring(arena,
	    "a&b<c>d\"e'f/g"));
	cr_expect_str_eq(render_str("{{s}}|{{{s}}}|{{&s}}", o),
	    "a&amp;b&lt;c&gt;d&quot;e&#39;f/g|a&b<c>d\"e'f/g|a&b<c>d\"e'f/g");
}

Test(values, arena_reset_reuses_memory)
{
	void	*p1, *p2;
	void	*big;

	p1 = mustache_arena_alloc(arena, 100);
	big = mustache_arena_alloc(arena, 1 << 20);
	cr_assert_not_null(p1);
	cr_assert_not_null(big);
	memset(big, 1, 1 << 20);
	mustache_arena_reset(arena);
	p2 = mustache_arena_alloc(arena, 100);
	cr_expect_eq(p1, p2);
	cr_expect_eq((uintptr_t)p2 % 8, 0);
	/* the big chunk is kept and reused */
	cr_expect_eq(mustache_arena_alloc(arena, 1 << 20), big);
	cr_expect_null(mustache_arena_alloc(arena, SIZE_MAX - 4));
	mustache_arena_reset(NULL);
	mustache_arena_free(NULL);
}

Test(values, strndup_terminates)
{
	char	*s = mustache_arena_strndup(arena, "abcdef", 3);

	cr_assert_not_null(s);
	cr_expect_str_eq(s, "abc");
}

/* ------------------------------------------------------------- buffer */

TestSuite(buffer, .init = setup, .fini = teardown);

Test(buffer, appends_terminates_and_reset_keeps_capacity)
{
	struct mustache_set	*set;
	const struct mustache_template *t;
	size_t			 cap;
	int			 i;

	cr_assert_eq(compile_one(&set, NULL, 0, "abc"), 0);
	t = mustache_set_get(set, "t");
	cr_assert_eq(mustache_render(t, NULL, &out, &err), 0);
	cr_assert_eq(mustache_render(t, NULL, &out, &err), 0);
	cr_expect_eq(out.len, 6);
	cr_expect_str_eq(out.data, "abcabc");
	for (i = 0; i < 1000; i++)
		cr_assert_eq(mustache_render(t, NULL, &out, &err), 0);
	cr_expect_eq(out.len, 3006);
	cap = out.cap;
	mustache_buf_reset(&out);
	cr_expect_eq(out.len, 0);
	cr_expect_eq(out.cap, cap);
	cr_expect_str_eq(out.data, "");
	mustache_set_free(set);
	mustache_buf_reset(NULL);
	mustache_buf_free(NULL);
}

/* ------------------------------------------------------------ compile */

TestSuite(compile, .init = setup, .fini = teardown);

Test(compile, unclosed_section_names_template_line_column)
{
	expect_compile_error("a\nb\n  x {{#tasks}}\n", "t:3:5: unclosed "
	    "section \"tasks\"");
	cr_expect_eq(err.line, 3);
	cr_expect_eq(err.column, 5);
	expect_compile_error("{{^inv}}", "t:1:1: unclosed section \"inv\"");
	expect_compile_error("{{<p}}", "t:1:1: unclosed parent \"p\"");
	expect_compile_error("{{$b}}", "t:1:1: unclosed block \"b\"");
	expect_compile_error("{{<*p}}", "t:1:1: unclosed parent \"*p\"");
}

Test(compile, mismatched_and_unexpected_close)
{
	expect_compile_error("{{#a}}\n{{#b}}{{/a}}", "t:2:7: mismatched "
	    "close tag \"a\": section \"b\" opened at 2:1 is still open");
	expect_compile_error("x{{/a}}", "t:1:2: unexpected close tag \"a\"");
	expect_compile_error("{{<*a}}{{/a}}", "t:1:8: mismatched close tag "
	    "\"a\": parent \"*a\" opened at 1:1 is still open");
}

Test(compile, unclosed_tag)
{
	expect_compile_error("ab\n {{name", "t:2:2: unclosed tag: no \"}}\" "
	    "after \"{{\"");
	expect_compile_error("{{{name}}", "t:1:1: unclosed tag: no \"}}}\" "
	    "after \"{{\"");
	expect_compile_error("{{=<% %>=}}<%x", "t:1:12: unclosed tag: no "
	    "\"%>\" after \"<%\"");
	expect_compile_error("{{", "t:1:1: unclosed tag: no \"}}\" after "
	    "\"{{\"");
}

Test(compile, bad_delimiter_tags)
{
	expect_compile_error("{{=<%=}}", "t:1:1: bad delimiter tag: "
	    "expected two delimiters separated by whitespace");
	expect_compile_error("{{=a b c=}}", "t:1:1: bad delimiter tag: "
	    "expected two delimiters separated by whitespace");
	expect_compile_error("{{= =}}", "t:1:1: bad delimiter tag: "
	    "expected two delimiters separated by whitespace");
	expect_compile_error("{{=a= b=}}", "t:1:1: bad delimiter tag: "
	    "delimiter contains \"=\"");
	expect_compile_error("{{=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa b=}}",
	    "t:1:1: bad delimiter tag: delimiter longer than 31 bytes");
}

Test(compile, bad_names)
{
	expect_compile_error("{{}}", "t:1:1: empty tag name");
	expect_compile_error("x\n{{# }}", "t:2:1: empty tag name");
	expect_compile_error("{{>*}}", "t:1:1: empty tag name");
	expect_compile_error("{{a b}}", "t:1:1: invalid tag name \"a b\": "
	    "contains whitespace");
	expect_compile_error("{{a..b}}", "t:1:1: invalid dotted name "
	    "\"a..b\"");
	expect_compile_error("{{.a}}", "t:1:1: invalid dotted name \".a\"");
	expect_compile_error("{{a.}}", "t:1:1: invalid dotted name \"a.\"");
}

Test(compile, nesting_limit)
{
	struct mustache_set	*set;
	char			 src[4096] = "";
	int			 i;

	set = mustache_set_new(NULL, NULL, 0);
	mustache_set_limits(set)->max_nesting = 10;
	for (i = 0; i < 11; i++)
		strcat(src, "{{#a}}");
	cr_assert_eq(mustache_set_add(set, "t", src, strlen(src), &err), -1);
	cr_expect_str_eq(err.message, "t:1:61: sections nested too deeply "
	    "(limit 10)");
	/* exactly at the limit compiles */
	src[60] = '\0';
	for (i = 0; i < 10; i++)
		strcat(src, "{{/a}}");
	cr_expect_eq(mustache_set_add(set, "u", src, strlen(src), &err), 0,
	    "%s", err.message);
	mustache_set_free(set);
}

Test(compile, template_size_limit)
{
	struct mustache_set	*set = mustache_set_new(NULL, NULL, 0);

	mustache_set_limits(set)->max_template_size = 8;
	cr_expect_eq(mustache_set_add(set, "t", "123456789", 9, &err), -1);
	cr_expect_str_eq(err.message, "t: template too large (9 bytes, "
	    "limit 8)");
	cr_expect_eq(mustache_set_add(set, "u", "12345678", 8, &err), 0);
	mustache_set_free(set);
}

Test(compile, unknown_partial_is_an_error_unless_flagged)
{
	static const struct source table[] = {
		{ "ok", "fine" }, { NULL, NULL }
	};
	struct mustache_set	*set;

	cr_expect_eq(compile_one(&set, table, 0, "{{>ok}}\n  {{> nope }}"),
	    -1);
	cr_expect_str_eq(err.message, "t:2:3: unknown partial \"nope\"");
	mustache_set_free(set);
	cr_expect_eq(compile_one(&set, table, 0, "{{<gone}}{{/gone}}"), -1);
	cr_expect_str_eq(err.message, "t:1:1: unknown partial \"gone\"");
	mustache_set_free(set);
	cr_expect_eq(compile_one(&set, table, MUSTACHE_MISSING_PARTIAL_EMPTY,
	    "[{{>nope}}{{>ok}}]"), 0);
	cr_assert_eq(mustache_render(mustache_set_get(set, "t"), NULL, &out,
	    &err), 0);
	cr_expect_str_eq(out.data, "[fine]");
	mustache_set_free(set);
}

Test(compile, error_inside_partial_names_the_partial)
{
	static const struct source table[] = {
		{ "outer", "ok\n{{>inner}}" },
		{ "inner", "\n\n  {{/x}}" },
		{ NULL, NULL }
	};
	struct mustache_set	*set;

	cr_expect_eq(compile_one(&set, table, 0, "{{>outer}}"), -1);
	cr_expect_str_eq(err.message, "inner:3:3: unexpected close tag "
	    "\"x\"");
	mustache_set_free(set);
}

Test(compile, loader_failures)
{
	static const struct source table[] = {
		{ "p", "{{>EIO}}" }, { NULL, NULL }
	};
	struct mustache_set	*set;

	set = mustache_set_new(table_loader, (void *)table, 0);
	cr_expect_eq(mustache_set_compile(set, "absent", &err), -1);
	cr_expect_str_eq(err.message, "absent: template not found");
	cr_expect_eq(mustache_set_compile(set, "p", &err), -1);
	cr_expect_str_eq(err.message, "EIO: Input/output error");
	mustache_set_free(set);
	set = mustache_set_new(NULL, NULL, 0);
	cr_expect_eq(mustache_set_compile(set, "x", &err), -1);
	cr_expect_str_eq(err.message, "x: template not found");
	mustache_set_free(set);
}

Test(compile, duplicate_name_is_refused)
{
	struct mustache_set	*set;

	cr_assert_eq(compile_one(&set, NULL, 0, "one"), 0);
	cr_expect_eq(mustache_set_add(set, "t", "two", 3, &err), -1);
	cr_expect_str_eq(err.message, "t: template already defined");
	/* compiling an existing name is a no-op */
	cr_expect_eq(mustache_set_compile(set, "t", &err), 0);
	mustache_set_free(set);
}

Test(compile, static_partials_compiled_transitively_once)
{
	static const struct source table[] = {
		{ "a", "A{{>b}}" }, { "b", "B{{>c}}{{>a}}" },
		{ "c", "C" }, { "d", "never" }, { NULL, NULL }
	};
	struct mustache_set	*set;

	cr_assert_eq(compile_one(&set, table, 0, "{{#x}}{{>a}}{{/x}}"), 0,
	    "%s", err.message);
	cr_expect_not_null(mustache_set_get(set, "a"));
	cr_expect_not_null(mustache_set_get(set, "b"));
	cr_expect_not_null(mustache_set_get(set, "c"));
	cr_expect_null(mustache_set_get(set, "d"));
	mustache_set_free(set);
}

Test(compile, set_of_many_templates)
{
	struct mustache_set	*set = mustache_set_new(NULL, NULL, 0);
	char			 name[16], src[32];
	int			 i;

	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "t%d", i);
		snprintf(src, sizeof(src), "<%d>", i);
		cr_assert_eq(mustache_set_add(set, name, src, strlen(src),
		    &err), 0);
	}
	for (i = 0; i < 300; i += 37) {
		snprintf(name, sizeof(name), "t%d", i);
		mustache_buf_reset(&out);
		cr_assert_eq(mustache_render(mustache_set_get(set, name), NULL,
		    &out, &err), 0);
		snprintf(src, sizeof(src), "<%d>", i);
		cr_expect_str_eq(out.data, src);
	}
	cr_expect_null(mustache_set_get(set, "t300"));
	cr_expect_null(mustache_set_get(set, NULL));
	mustache_set_free(set);
}

Test(compile, directory_compiles_and_renders)
{
	struct mustache_set	*set;
	struct mustache_value	*data, *user, *tasks, *t1, *t2;
	FILE			*fp;
	char			 expected[1024];
	size_t			 n;

	set = mustache_set_new_dir(MUSTACHE_DATA_DIR "/templates", 0);
	cr_assert_eq(mustache_set_compile_dir(set, MUSTACHE_DATA_DIR
	    "/templates", &err), 0, "%s", err.message);
	cr_expect_not_null(mustache_set_get(set, "layout"));
	cr_expect_not_null(mustache_set_get(set, "header"));
	data = mustache_object(arena);
	user = mustache_object(arena);
	tasks = mustache_list(arena);
	t1 = mustache_object(arena);
	t2 = mustache_object(arena);
	mustache_object_set(arena, user, "name", mustache_cstring(arena,
	    "Ada & <Bob>"));
	mustache_object_set(arena, data, "user", user);
	mustache_object_set(arena, data, "count", mustache_int(arena, 2));
	mustache_object_set(arena, t1, "title", mustache_cstring(arena,
	    "Buy \"milk\""));
	mustache_object_set(arena, t1, "done", mustache_bool(arena, 1));
	mustache_object_set(arena, t2, "title", mustache_cstring(arena,
	    "It's 5 > 4"));
	mustache_list_push(arena, tasks, t1);
	mustache_list_push(arena, tasks, t2);
	mustache_object_set(arena, data, "tasks", tasks);
	cr_assert_eq(mustache_render(mustache_set_get(set, "tasks"), data,
	    &out, &err), 0, "%s", err.message);
	fp = fopen(MUSTACHE_DATA_DIR "/templates/tasks.expected", "r");
	cr_assert_not_null(fp);
	n = fread(expected, 1, sizeof(expected) - 1, fp);
	expected[n] = '\0';
	fclose(fp);
	cr_expect_str_eq(out.data, expected);
	mustache_set_free(set);
}

Test(compile, directory_fails_with_first_error)
{
	struct mustache_set	*set;

	set = mustache_set_new_dir(MUSTACHE_DATA_DIR "/bad", 0);
	cr_expect_eq(mustache_set_compile_dir(set, MUSTACHE_DATA_DIR "/bad",
	    &err), -1);
	cr_expect_str_eq(err.message, "b_broken.mustache:5:1: mismatched "
	    "close tag \"items\": section \"tasks\" opened at 3:3 is still "
	    "open");
	cr_expect_not_null(mustache_set_get(set, "a_ok"));
	mustache_set_free(set);
	set = mustache_set_new_dir("/nonexistent-dir", 0);
	cr_expect_eq(mustache_set_compile_dir(set, "/nonexistent-dir", &err),
	    -1);
	cr_expect_str_eq(err.message, "/nonexistent-dir: No such file or "
	    "directory");
	mustache_set_free(set);
}

Test(compile, dir_loader_refuses_path_names)
{
	char	*data = NULL;
	size_t	 len;

	cr_expect_eq(mustache_dir_loader((void *)MUSTACHE_DATA_DIR,
	    "../tests/mustache/templates/header", &data, &len), 1);
	cr_expect_eq(mustache_dir_loader((void *)MUSTACHE_DATA_DIR,
	    ".hidden", &data, &len), 1);
	cr_expect_eq(mustache_dir_loader((void *)MUSTACHE_DATA_DIR, "",
	    &data, &len), 1);
	cr_expect_eq(mustache_dir_loader((void *)MUSTACHE_DATA_DIR
	    "/templates", "header", &data, &len), 0);
	cr_expect_eq(len, 72);
	free(data);
}

/* ------------------------------------------------------------- render */

TestSuite(render, .init = setup, .fini = teardown);

Test(render, recursive_partial_hits_depth_limit)
{
	static const struct source table[] = {
		{ "self", "x{{#a}}{{>self}}{{/a}}" }, { NULL, NULL }
	};
	struct mustache_set	*set;
	struct mustache_value	*o = mustache_object(arena);

	mustache_object_set(arena, o, "a", mustache_bool(arena, 1));
	cr_assert_eq(compile_one(&set, table, 0, "start {{>self}}"), 0);
	cr_assert_eq(mustache_render(mustache_set_get(set, "t"), o, &out,
	    &err), 0 - 1);
	cr_expect_str_eq(err.message, "self:1:8: render depth limit exceeded "
	    "(recursive partial or sections nested too deeply)");
	cr_expect_eq(out.len, 0);
	mustache_set_free(set);
}

Test(render, dynamic_recursion_and_blocks_are_bounded)
{
	static const struct source table[] = {
		{ "d", "{{>*name}}" },
		{ "p", "{{$b}}{{/b}}" },
		{ NULL, NULL }
	};
	struct mustache_set	*set;
	struct mustache_value	*o = mustache_object(arena);

	mustache_object_set(arena, o, "name", mustache_cstring(arena, "d"));
	cr_assert_eq(compile_one(&set, table, 0, "{{>d}}"), 0);
	cr_expect_eq(mustache_render(mustache_set_get(set, "t"), o, &out,
	    &err), -1);
	cr_expect_eq(strncmp(err.message, "d:1:1: render depth limit", 25),
	    0, "%s", err.message);
	cr_expect_eq(mustache_set_add(set, "u", "{{<p}}{{$b}}{{$b}}{{/b}}"
	    "{{/b}}{{/p}}", 36, &err), 0, "%s", err.message);
	cr_expect_eq(mustache_render(mustache_set_get(set, "u"), o, &out,
	    &err), -1);
	cr_expect_eq(strncmp(err.message, "u:1:13: render depth limit",
	    26), 0, "%s", err.message);
	mustache_set_free(set);
}

Test(render, output_limit)
{
	struct mustache_set	*set;
	struct mustache_value	*o = mustache_object(arena);
	struct mustache_value	*l = mustache_list(arena);
	int			 i;

	for (i = 0; i < 100; i++)
		mustache_list_push(arena, l, mustache_int(arena, i));
	mustache_object_set(arena, o, "l", l);
	cr_assert_eq(compile_one(&set, NULL, 0, "{{#l}}{{#l}}0123456789"
	    "{{/l}}{{/l}}"), 0);
	mustache_set_limits(set)->max_output = 50000;
	memcpy(out.data = malloc(16), "keep", 5);
	out.len = 4;
	out.cap = 16;
	cr_expect_eq(mustache_render(mustache_set_get(set, "t"), o, &out,
	    &err), -1);
	cr_expect_str_eq(err.message, "t:1:13: output limit exceeded");
	cr_expect_eq(out.len, 4);
	cr_expect_str_eq(out.data, "keep");
	mustache_set_limits(set)->max_output = 100000;
	cr_expect_eq(mustache_render(mustache_set_get(set, "t"), o, &out,
	    &err), 0, "%s", err.message);
	cr_expect_eq(out.len, 100004);
	mustache_set_free(set);
}

Test(render, step_limit_stops_silent_loops)
{
	struct mustache_set	*set;
	struct mustache_value	*o = mustache_object(arena);
	struct mustache_value	*l = mustache_list(arena);
	int			 i;

	for (i = 0; i < 50; i++)
		mustache_list_push(arena, l, mustache_bool(arena, 1));
	mustache_object_set(arena, o, "l", l);
	/* 50^6 iterations that print nothing */
	cr_assert_eq(compile_one(&set, NULL, 0, "{{#l}}{{#l}}{{#l}}{{#l}}"
	    "{{#l}}{{#l}}{{x}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}"), 0);
	mustache_set_limits(set)->max_steps = 100000;
	cr_expect_eq(mustache_render(mustache_set_get(set, "t"), o, &out,
	    &err), -1);
	cr_expect_str_eq(err.message, "t:1:37: render step limit exceeded");
	mustache_set_free(set);
}

Test(render, deep_sections_within_limit)
{
	struct mustache_set	*set = mustache_set_new(NULL, NULL, 0);
	struct mustache_value	*o = mustache_object(arena);
	char			 src[8192] = "";
	int			 i;

	mustache_object_set(arena, o, "a", mustache_bool(arena, 1));
	for (i = 0; i < 100; i++)
		strcat(src, "{{#a}}");
	strcat(src, "deep");
	for (i = 0; i < 100; i++)
		strcat(src, "{{/a}}");
	cr_assert_eq(mustache_set_add(set, "t", src, strlen(src), &err), 0);
	cr_assert_eq(mustache_render(mustache_set_get(set, "t"), o, &out,
	    &err), 0, "%s", err.message);
	cr_expect_str_eq(out.data, "deep");
	mustache_set_limits(set)->max_depth = 99;
	cr_expect_eq(mustache_render(mustache_set_get(set, "t"), o, &out,
	    &err), -1);
	mustache_set_free(set);
}

Test(render, null_template_or_buffer)
{
	cr_expect_eq(mustache_render(NULL, NULL, &out, &err), -1);
	cr_expect_str_eq(err.message, "mustache_render: no template or output "
	    "buffer");
}

Test(render, dynamic_names_only_find_compiled_templates)
{
	static const struct source table[] = {
		{ "known", "K" }, { "lazy", "L" }, { NULL, NULL }
	};
	struct mustache_set	*set;
	struct mustache_value	*o = mustache_object(arena);
	struct mustache_value	*l = mustache_list(arena);

	mustache_list_push(arena, l, mustache_cstring(arena, "known"));
	mustache_list_push(arena, l, mustache_cstring(arena, "lazy"));
	mustache_list_push(arena, l, mustache_int(arena, 3));
	mustache_object_set(arena, o, "l", l);
	cr_assert_eq(compile_one(&set, table, 0, "{{#l}}[{{>*.}}]{{/l}}"), 0);
	cr_assert_eq(mustache_set_compile(set, "known", &err), 0);
	cr_assert_eq(mustache_render(mustache_set_get(set, "t"), o, &out,
	    &err), 0, "%s", err.message);
	/* "lazy" exists for the loader but was never compiled */
	cr_expect_str_eq(out.data, "[K][][]");
	mustache_set_free(set);
}

Test(render, dynamic_parent)
{
	static const struct source table[] = {
		{ "frame", "<{{$in}}default{{/in}}>" }, { NULL, NULL }
	};
	struct mustache_set	*set;
	struct mustache_value	*o = mustache_object(arena);

	mustache_object_set(arena, o, "which", mustache_cstring(arena,
	    "frame"));
	cr_assert_eq(compile_one(&set, table, 0, "{{<*which}}{{$in}}mine"
	    "{{/in}}{{/*which}}|{{<*nothing}}{{/*nothing}}"), 0, "%s",
	    err.message);
	cr_assert_eq(mustache_set_compile(set, "frame", &err), 0);
	cr_assert_eq(mustache_render(mustache_set_get(set, "t"), o, &out,
	    &err), 0, "%s", err.message);
	cr_expect_str_eq(out.data, "<mine>|");
	mustache_set_free(set);
}

Test(render, nested_partial_indentation)
{
	static const struct source table[] = {
		{ "outer", "a\n  {{>inner}}\nb\n" }, { "inner", "1\n2\n" },
		{ NULL, NULL }
	};
	struct mustache_set	*set;

	cr_assert_eq(compile_one(&set, table, 0, "    {{>outer}}\n"), 0);
	cr_assert_eq(mustache_render(mustache_set_get(set, "t"), NULL, &out,
	    &err), 0);
	cr_expect_str_eq(out.data, "    a\n      1\n      2\n    b\n");
	mustache_set_free(set);
}

Test(render, root_context_null_and_scalars)
{
	cr_expect_str_eq(render_str("[{{.}}|{{a}}|{{#.}}x{{/.}}]", NULL),
	    "[||]");
	cr_expect_str_eq(render_str("{{.}}{{#.}}!{{/.}}", mustache_int(arena,
	    5)), "5!");
}

Test(render, same_set_many_renders_and_arena_reset)
{
	struct mustache_set		*set;
	const struct mustache_template	*t;
	struct mustache_value		*o;
	char				 want[32];
	int				 i;

	cr_assert_eq(compile_one(&set, NULL, 0, "n={{n}};"), 0);
	t = mustache_set_get(set, "t");
	for (i = 0; i < 100; i++) {
		mustache_arena_reset(arena);
		mustache_buf_reset(&out);
		o = mustache_object(arena);
		mustache_object_set(arena, o, "n", mustache_int(arena, i));
		cr_assert_eq(mustache_render(t, o, &out, &err), 0);
		snprintf(want, sizeof(want), "n=%d;", i);
		cr_assert_str_eq(out.data, want);
	}
	mustache_set_free(set);
}

/* --------------------------------------------------------- whitespace */

TestSuite(whitespace, .init = setup, .fini = teardown);

static const char *
render_with(const struct source *table, const char *src,
    const struct mustache_value *data)
{
	struct mustache_set	*set;
	int			 rc;

	cr_assert_eq(compile_one(&set, table, 0, src), 0, "%s", err.message);
	mustache_buf_reset(&out);
	rc = mustache_render(mustache_set_get(set, "t"), data, &out, &err);
	mustache_set_free(set);
	cr_assert_eq(rc, 0, "%s", err.message);
	return (out.data);
}

Test(whitespace, empty_and_tag_only_templates)
{
	cr_expect_str_eq(render_str("", NULL), "");
	cr_expect_str_eq(render_str("{{! c }}\n  {{#a}}\n{{/a}}\n", NULL), "");
	cr_expect_str_eq(render_str("\n", NULL), "\n");
}

Test(whitespace, crlf_and_tab_indented_partial)
{
	static const struct source table[] = {
		{ "p", "a\r\nb\r\n" }, { NULL, NULL }
	};

	cr_expect_str_eq(render_with(table, "x\r\n\t {{>p}}\r\ny", NULL),
	    "x\r\n\t a\r\n\t b\r\ny");
}

Test(whitespace, inline_parent_is_not_indented)
{
	static const struct source table[] = {
		{ "p", "1\n2{{$b}}{{/b}}" }, { NULL, NULL }
	};

	cr_expect_str_eq(render_with(table, "  x {{<p}}{{$b}}!{{/b}}{{/p}} y\n",
	    NULL), "  x 1\n2! y\n");
}

Test(whitespace, parent_used_twice_with_other_blocks)
{
	static const struct source table[] = {
		{ "box", "<{{$in}}-{{/in}}>" }, { NULL, NULL }
	};

	cr_expect_str_eq(render_with(table, "{{<box}}{{$in}}a{{/in}}{{/box}}"
	    "{{<box}}{{/box}}{{>box}}", NULL), "<a><-><->");
}

Test(whitespace, custom_delimiters_triple_and_comments)
{
	struct mustache_value	*o = mustache_object(arena);

	mustache_object_set(arena, o, "x", mustache_cstring(arena, "<&>"));
	cr_expect_str_eq(render_str("{{! has {{ inside }}{{=<% %>=}}"
	    "<%{x}%>|<%&x%>|<%x%>|{{x}}", o), "<&>|<&>|&lt;&amp;&gt;|{{x}}");
	cr_expect_str_eq(render_str("{{=| |=}}|x| |={{ }}=|{{x}}", o),
	    "&lt;&amp;&gt; &lt;&amp;&gt;");
}

Test(whitespace, utf8_passes_through)
{
	struct mustache_value	*o = mustache_object(arena);

	mustache_object_set(arena, o, "s", mustache_cstring(arena,
	    "\xc3\xa9t\xc3\xa9 \xe2\x82\xac"));
	cr_expect_str_eq(render_str("\xe2\x9c\x93 {{s}}", o),
	    "\xe2\x9c\x93 \xc3\xa9t\xc3\xa9 \xe2\x82\xac");
}

Test(whitespace, indented_layout_blocks)
{
	static const struct source table[] = {
		{ "layout", "<body>\n  <main>\n    {{$main}}\n    <p>none</p>\n"
		    "    {{/main}}\n  </main>\n</body>\n" },
		{ NULL, NULL }
	};
	struct mustache_value	*o = mustache_object(arena);
	struct mustache_value	*l = mustache_list(arena);

	mustache_list_push(arena, l, mustache_cstring(arena, "a"));
	mustache_list_push(arena, l, mustache_cstring(arena, "b"));
	mustache_object_set(arena, o, "l", l);
	cr_expect_str_eq(render_with(table, "{{<layout}}\n{{$main}}\n<ul>\n"
	    "  {{#l}}\n  <li>{{.}}</li>\n  {{/l}}\n</ul>\n{{/main}}\n"
	    "{{/layout}}\n", o), "<body>\n  <main>\n    <ul>\n      <li>a</li>\n"
	    "      <li>b</li>\n    </ul>\n  </main>\n</body>\n");
	cr_expect_str_eq(render_with(table, "{{<layout}}{{/layout}}", o),
	    "<body>\n  <main>\n    <p>none</p>\n  </main>\n</body>\n");
}

/* Inputs the fuzzer found (undefined behaviour under clang's UBSan). */
Test(render, fuzz_regressions)
{
	struct mustache_value	*o = mustache_object(arena);

	mustache_object_set(arena, o, "e", mustache_object(arena));
	/* empty template: empty root body */
	cr_expect_str_eq(render_str("", o), "");
	/* lookups in an empty object */
	cr_expect_str_eq(render_str("[{{#e}}{{x}}{{/e}}]", o), "[]");
	/* a block not at a line start inside a re-indented block */
	cr_expect_str_eq(render_str("{{$a}}\n  x{{$b}}y{{/b}}\n{{/a}}", o),
	    "  xy\n");
}
