/*
 * mustache_json.c - JSON (jansson) to mustache values.
 */
#include <stdio.h>
#include <string.h>

#include "mustache/mustache_json.h"

struct mustache_value *
mustache_from_json(struct mustache_arena *a, const json_t *j)
{
	struct mustache_value	*v, *item;
	const char		*key;
	json_t			*child;
	size_t			 i;
	char			*k;

	switch (json_typeof(j)) {
	case JSON_OBJECT:
		if ((v = mustache_object(a)) == NULL)
			return (NULL);
		json_object_foreach((json_t *)j, key, child) {
			if ((k = mustache_arena_strndup(a, key,
			    strlen(key))) == NULL ||
			    (item = mustache_from_json(a, child)) == NULL ||
			    mustache_object_set(a, v, k, item) == -1)
				return (NULL);
		}
		return (v);
	case JSON_ARRAY:
		if ((v = mustache_list(a)) == NULL)
			return (NULL);
		json_array_foreach(j, i, child) {
			if ((item = mustache_from_json(a, child)) == NULL ||
			    mustache_list_push(a, v, item) == -1)
				return (NULL);
		}
		return (v);
	case JSON_STRING:
		return (mustache_string(a, json_string_value(j),
		    json_string_length(j)));
	case JSON_INTEGER:
		return (mustache_int(a, json_integer_value(j)));
	case JSON_REAL:
		return (mustache_number(a, json_real_value(j)));
	case JSON_TRUE:
		return (mustache_bool(a, 1));
	case JSON_FALSE:
		return (mustache_bool(a, 0));
	default:
		return (mustache_null(a));
	}
}

struct mustache_value *
mustache_parse_json(struct mustache_arena *a, const char *buf, size_t len,
    char *msg, size_t msgsize)
{
	json_error_t		 jerr;
	json_t			*j;
	struct mustache_value	*v;

	j = json_loadb(buf, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
	if (j == NULL) {
		snprintf(msg, msgsize, "%d:%d: %s", jerr.line, jerr.column,
		    jerr.text);
		return (NULL);
	}
	if ((v = mustache_from_json(a, j)) == NULL)
		snprintf(msg, msgsize, "out of memory");
	json_decref(j);
	return (v);
}
