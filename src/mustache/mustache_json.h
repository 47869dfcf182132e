/*
 * mustache_json.h - build mustache values from JSON text (jansson).
 * Not part of libmustache.a: used by the CLI, the tests and the fuzzer.
 */
#ifndef MUSTACHE_JSON_H
#define MUSTACHE_JSON_H

#include <jansson.h>

#include "mustache/mustache.h"

/*
 * Convert a jansson value into a mustache value allocated from a (strings
 * and keys copied).  Returns NULL when memory is exhausted.
 */
struct mustache_value	*mustache_from_json(struct mustache_arena *a,
			    const json_t *j);

/*
 * Parse JSON text buf[0..len) and convert it.  On a syntax error returns
 * NULL with a one-line "LINE:COL: text" in msg.
 */
struct mustache_value	*mustache_parse_json(struct mustache_arena *a,
			    const char *buf, size_t len, char *msg,
			    size_t msgsize);

#endif /* MUSTACHE_JSON_H */
