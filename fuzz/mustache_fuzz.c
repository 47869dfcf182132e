/*
 * mustache_fuzz.c - libFuzzer target over compile + render.
 *
 * Input: segments separated by NUL bytes.  Segment 0 is the template,
 * segment 1 the JSON data (a fixed sample when absent or invalid),
 * segments 2.. are partials named "a", "b", "c", ...  Every partial is
 * compiled (so dynamic names can find them), then the template is
 * compiled and rendered twice into the same buffer (reset between), with
 * small limits so that runaway templates end in an error quickly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mustache/mustache.h"
#include "mustache/mustache_json.h"

#define MAX_SEGS	8

struct segs {
	const char	*p[MAX_SEGS];
	size_t		 len[MAX_SEGS];
	size_t		 n;
};

static const char sample[] = "{\"a\":\"<x&y>\",\"b\":[1,2.5,{\"c\":\"d\"}],"
    "\"t\":true,\"f\":false,\"n\":null,\"o\":{\"a\":\"b\",\"p\":\"a\"},"
    "\"e\":[],\"s\":\"\",\"z\":0}";

static int
seg_loader(void *ctx, const char *name, char **data, size_t *len)
{
	struct segs	*s = ctx;
	size_t		 i;

	if (name[0] < 'a' || name[1] != '\0')
		return (1);
	i = (size_t)(name[0] - 'a') + 2;
	if (i >= s->n)
		return (1);
	if ((*data = malloc(s->len[i] + 1)) == NULL)
		return (-1);
	memcpy(*data, s->p[i], s->len[i]);
	*len = s->len[i];
	return (0);
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct segs		 s;
	const char		*p = (const char *)data, *end = p + size, *nul;
	struct mustache_set	*set;
	struct mustache_arena	*arena;
	struct mustache_value	*ctx = NULL;
	struct mustache_buf	 out = { 0 };
	struct mustache_error	 err;
	struct mustache_limits	*lim;
	char			 name[2] = { 0, 0 }, msg[256];
	size_t			 i;

	memset(&s, 0, sizeof(s));
	memset(&err, 0, sizeof(err));
	while (s.n < MAX_SEGS) {
		nul = memchr(p, '\0', (size_t)(end - p));
		s.p[s.n] = p;
		s.len[s.n++] = nul != NULL ? (size_t)(nul - p) :
		    (size_t)(end - p);
		if (nul == NULL)
			break;
		p = nul + 1;
	}
	set = mustache_set_new(seg_loader, &s, (size > 0 && (data[0] & 1)) ?
	    MUSTACHE_MISSING_PARTIAL_EMPTY : 0);
	arena = mustache_arena_new();
	if (set == NULL || arena == NULL)
		abort();
	lim = mustache_set_limits(set);
	lim->max_output = 1 << 20;
	lim->max_steps = 200000;
	lim->max_nesting = 50;
	lim->max_depth = 100;

	if (s.n > 1)
		ctx = mustache_parse_json(arena, s.p[1], s.len[1], msg,
		    sizeof(msg));
	if (ctx == NULL)
		ctx = mustache_parse_json(arena, sample, sizeof(sample) - 1,
		    msg, sizeof(msg));
	for (i = 2; i < s.n; i++) {
		name[0] = (char)('a' + i - 2);
		(void)mustache_set_compile(set, name, &err);
	}
	if (mustache_set_add(set, "main", s.p[0], s.len[0], &err) == 0) {
		for (i = 0; i < 2; i++) {
			mustache_buf_reset(&out);
			if (mustache_render(mustache_set_get(set, "main"), ctx,
			    &out, &err) == 0) {
				if (strlen(out.data) > out.len)
					abort();
			} else if (err.message[0] == '\0' || memchr(err.message,
			    '\n', strlen(err.message)) != NULL)
				abort();
		}
	} else if (err.message[0] == '\0' ||
	    memchr(err.message, '\n', strlen(err.message)) != NULL)
		abort();
	mustache_buf_free(&out);
	mustache_arena_free(arena);
	mustache_set_free(set);
	return (0);
}
