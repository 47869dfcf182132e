/*
 * test_mustache_spec.c - runs every case of the Mustache spec files in
 * tests/mustache/spec (one parameterized Criterion test per case).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mustache/mustache.h"
#include "mustache/mustache_json.h"

#ifndef MUSTACHE_SPEC_DIR
#define MUSTACHE_SPEC_DIR "tests/mustache/spec"
#endif

static const char *const spec_files[] = {
	"comments", "interpolation", "sections", "inverted", "partials",
	"delimiters", "~inheritance", "~dynamic-names"
};
#define NFILES	(sizeof(spec_files) / sizeof(spec_files[0]))

struct spec_case {
	unsigned	file;
	size_t		index;
};

static json_t *
load_spec(unsigned file)
{
	char		 path[512];
	json_error_t	 jerr;
	json_t		*j;

	snprintf(path, sizeof(path), "%s/%s.json", MUSTACHE_SPEC_DIR,
	    spec_files[file]);
	j = json_load_file(path, 0, &jerr);
	if (j == NULL)
		fprintf(stderr, "%s: %d: %s\n", path, jerr.line, jerr.text);
	return (j);
}

ParameterizedTestParameters(spec, cases)
{
	struct spec_case	*cases;
	size_t			 n = 0, i, k = 0;
	unsigned		 f;
	json_t			*j[NFILES];

	for (f = 0; f < NFILES; f++) {
		j[f] = load_spec(f);
		if (j[f] != NULL)
			n += json_array_size(json_object_get(j[f], "tests"));
	}
	cases = cr_malloc(n * sizeof(*cases));
	for (f = 0; f < NFILES; f++) {
		if (j[f] == NULL)
			continue;
		for (i = 0; i < json_array_size(json_object_get(j[f],
		    "tests")); i++) {
			cases[k].file = f;
			cases[k++].index = i;
		}
		json_decref(j[f]);
	}
	return (cr_make_param_array(struct spec_case, cases, n, NULL));
}

/* Loader over the case's "partials" object. */
static int
json_loader(void *ctx, const char *name, char **data, size_t *len)
{
	json_t	*s = json_object_get((json_t *)ctx, name);

	if (!json_is_string(s))
		return (1);
	*len = json_string_length(s);
	if ((*data = malloc(*len + 1)) == NULL)
		return (-1);
	memcpy(*data, json_string_value(s), *len + 1);
	return (0);
}

ParameterizedTest(struct spec_case *c, spec, cases)
{
	json_t			*root, *tc, *partials, *v;
	struct mustache_set	*set;
	struct mustache_arena	*arena;
	struct mustache_value	*data;
	struct mustache_buf	 out = { 0 };
	struct mustache_error	 err;
	const char		*name, *key, *tpl, *expected;

	root = load_spec(c->file);
	cr_assert_not_null(root, "spec file %s", spec_files[c->file]);
	tc = json_array_get(json_object_get(root, "tests"), c->index);
	name = json_string_value(json_object_get(tc, "name"));
	partials = json_object_get(tc, "partials");
	if (partials == NULL)
		partials = json_object();
	else
		json_incref(partials);
	tpl = json_string_value(json_object_get(tc, "template"));
	expected = json_string_value(json_object_get(tc, "expected"));

	set = mustache_set_new(json_loader, partials,
	    MUSTACHE_MISSING_PARTIAL_EMPTY);
	arena = mustache_arena_new();
	cr_assert_not_null(set);
	cr_assert_not_null(arena);
	/* dynamic names find only compiled templates: compile them all */
	json_object_foreach(partials, key, v) {
		cr_assert_eq(mustache_set_compile(set, key, &err), 0,
		    "%s / %s: partial %s: %s", spec_files[c->file], name, key,
		    err.message);
	}
	cr_assert_eq(mustache_set_add(set, "test", tpl, strlen(tpl), &err), 0,
	    "%s / %s: %s", spec_files[c->file], name, err.message);
	data = mustache_from_json(arena, json_object_get(tc, "data"));
	cr_assert_not_null(data);
	cr_assert_eq(mustache_render(mustache_set_get(set, "test"), data, &out,
	    &err), 0, "%s / %s: %s", spec_files[c->file], name, err.message);
	cr_expect_eq(out.len, strlen(expected), "%s / %s: length %zu, "
	    "expected %zu: got [%s] expected [%s]", spec_files[c->file], name,
	    out.len, strlen(expected), out.data, expected);
	cr_expect_str_eq(out.data, expected, "%s / %s: got [%s] expected [%s]",
	    spec_files[c->file], name, out.data, expected);

	mustache_buf_free(&out);
	mustache_arena_free(arena);
	mustache_set_free(set);
	json_decref(partials);
	json_decref(root);
}
