/*
 * mustache.h - a standalone Mustache (spec v1.3) template engine.
 *
 * No dependency beyond libc.  Compile once, render many:
 *
 *	struct mustache_set *set = mustache_set_new_dir("templates", 0);
 *	struct mustache_error err;
 *	if (mustache_set_compile_dir(set, "templates", &err) == -1)
 *		errx(1, "%s", err.message);
 *	...per request:
 *	mustache_arena_reset(arena);
 *	struct mustache_value *ctx = mustache_object(arena);
 *	mustache_object_set(arena, ctx, "title", mustache_string(arena, s, n));
 *	out.len = 0;
 *	if (mustache_render(mustache_set_get(set, "tasks"), ctx, &out,
 *	    &err) == -1) ...
 *
 * Supported: variables ({{x}}, {{{x}}}, {{&x}}), dotted names, implicit
 * iterator {{.}}, sections, inverted sections, comments, partials with
 * standalone indentation, set delimiters, standalone-line rules, template
 * inheritance ({{<parent}} with {{$block}}), dynamic names ({{>*name}} and
 * {{<*name}}).  Lambdas are not supported.
 *
 * Truthiness: null, false, the empty list and the empty string are falsey;
 * everything else (including 0 and empty objects) is truthy.
 * Interpolation: null -> "", booleans -> "true"/"false", integers in
 * decimal, numbers with the shortest of %.15g/%.17g that round-trips,
 * strings as is (escaped for {{x}}), lists and objects -> "".
 * {{x}} escapes & < > " ' as &amp; &lt; &gt; &quot; &#39;.
 *
 * Thread safety: a compiled set is read-only after compilation and may be
 * rendered from several threads at once; arenas and buffers are not shared.
 */
#ifndef MUSTACHE_H
#define MUSTACHE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- errors */

/*
 * An error: message is one line, "NAME:LINE:COL: what is wrong", for
 * example 'tasks.mustache:12:5: unclosed section "tasks"'.  line and
 * column are 1-based (0 when the error has no position, e.g. out of
 * memory or a missing file).
 */
struct mustache_error {
	char		message[512];
	unsigned	line;
	unsigned	column;
};

/* ---------------------------------------------------------------- arena */

/*
 * An arena owns every value allocated from it.  mustache_arena_reset()
 * frees all those values at once but keeps the memory for reuse (one arena
 * per request, reset between requests); mustache_arena_free() releases
 * everything.  NULL is accepted by reset and free.
 */
struct mustache_arena;

struct mustache_arena	*mustache_arena_new(void);
void			 mustache_arena_reset(struct mustache_arena *);
void			 mustache_arena_free(struct mustache_arena *);
/* Raw memory (8-byte aligned) or NULL on exhaustion; owned by the arena. */
void			*mustache_arena_alloc(struct mustache_arena *, size_t);
/* A NUL-terminated copy of s[0..len) owned by the arena, or NULL. */
char			*mustache_arena_strndup(struct mustache_arena *,
			    const char *, size_t);

/* ---------------------------------------------------------------- values */

enum mustache_type {
	MUSTACHE_NULL,
	MUSTACHE_BOOL,
	MUSTACHE_INT,
	MUSTACHE_NUMBER,
	MUSTACHE_STRING,
	MUSTACHE_LIST,
	MUSTACHE_OBJECT
};

struct mustache_member {
	const char		*key;
	size_t			 key_len;
	struct mustache_value	*value;
};

/*
 * A value.  Fields may be read directly; build values only through the
 * constructors below.  Strings need not be NUL-terminated.
 */
struct mustache_value {
	enum mustache_type	 type;
	union {
		int		 boolean;
		int64_t		 integer;
		double		 number;
		struct {
			const char	*ptr;
			size_t		 len;
		} string;
		struct {
			struct mustache_value	**items;
			size_t			  len;
			size_t			  cap;
		} list;
		struct {
			struct mustache_member	*members;
			size_t			 len;
			size_t			 cap;
		} object;
	} u;
};

/*
 * Constructors: each returns a new value owned by the arena, or NULL when
 * memory is exhausted.  mustache_string() copies the bytes into the arena;
 * mustache_string_borrow() stores the pointer only, so the bytes must stay
 * valid and unchanged until the arena is reset or freed.
 * mustache_cstring() copies a NUL-terminated string.
 */
struct mustache_value	*mustache_null(struct mustache_arena *);
struct mustache_value	*mustache_bool(struct mustache_arena *, int);
struct mustache_value	*mustache_int(struct mustache_arena *, int64_t);
struct mustache_value	*mustache_number(struct mustache_arena *, double);
struct mustache_value	*mustache_string(struct mustache_arena *,
			    const char *, size_t);
struct mustache_value	*mustache_string_borrow(struct mustache_arena *,
			    const char *, size_t);
struct mustache_value	*mustache_cstring(struct mustache_arena *,
			    const char *);
struct mustache_value	*mustache_list(struct mustache_arena *);
struct mustache_value	*mustache_object(struct mustache_arena *);

/*
 * Append item to list.  Returns 0, or -1 when list is not a list or memory
 * is exhausted.  A NULL item is stored as null.
 */
int	mustache_list_push(struct mustache_arena *, struct mustache_value *list,
	    struct mustache_value *item);

/*
 * Set key to value in obj, replacing an existing key.  The key is
 * borrowed, not copied (string literals are the usual case; use
 * mustache_arena_strndup() for transient keys).  mustache_object_set()
 * takes a NUL-terminated key.  Returns 0 or -1 (not an object, no memory).
 * A NULL value is stored as null.
 */
int	mustache_object_set(struct mustache_arena *, struct mustache_value *obj,
	    const char *key, struct mustache_value *value);
int	mustache_object_set_n(struct mustache_arena *,
	    struct mustache_value *obj, const char *key, size_t key_len,
	    struct mustache_value *value);

/* The value of key in obj, or NULL.  Does not allocate. */
const struct mustache_value	*mustache_object_get(
				    const struct mustache_value *obj,
				    const char *key, size_t key_len);

/* ---------------------------------------------------------------- buffer */

/*
 * A growing output buffer.  Zero-initialise it ({0}); render appends to it
 * and keeps data NUL-terminated (the terminator is not counted in len).
 * mustache_buf_reset() sets len to 0 and keeps the memory;
 * mustache_buf_free() releases it.  data is malloc'd and owned by the buf.
 */
struct mustache_buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

void	mustache_buf_reset(struct mustache_buf *);
void	mustache_buf_free(struct mustache_buf *);

/* ------------------------------------------------------- template set */

/*
 * Loader callback, int loader(void *ctx, const char *name, char **data,
 * size_t *len): find the source of template name.  On success store a
 * malloc'd buffer in *data (the set takes ownership and frees it) and its
 * length in *len, and return 0.  Return 1 when there is no such template,
 * -1 on another failure (errno set).
 */
/*
 * A ready loader: ctx is a directory path (const char *); template NAME is
 * read from DIR/NAME.mustache.  Names containing "/" or starting with "."
 * are refused as not found.
 */
int	mustache_dir_loader(void *ctx, const char *name, char **data,
	    size_t *len);

/* Flags for mustache_set_new(). */
/*
 * Spec behaviour: a statically named partial or parent that the loader
 * cannot find renders as the empty string.  Without this flag it is a
 * compile error ("unknown partial").
 */
#define MUSTACHE_MISSING_PARTIAL_EMPTY	0x01

/* Limits; hitting one is an error, never a crash. */
struct mustache_limits {
	size_t		max_template_size;	/* bytes per source (1 MiB) */
	unsigned	max_nesting;		/* open sections in one
						   template (100) */
	unsigned	max_depth;		/* render recursion: sections +
						   partials (200, at most 256) */
	size_t		max_output;		/* bytes added by one render (256 MiB) */
	uint64_t	max_steps;		/* nodes visited by one render (100M) */
};

struct mustache_set;
struct mustache_template;

/*
 * A new, empty set using loader(ctx, name, ...) for sources; ctx is
 * borrowed and must outlive the set.  Returns NULL when out of memory.
 * mustache_set_new_dir() uses mustache_dir_loader over dir (copied) and
 * names templates "NAME.mustache" in error messages.
 */
struct mustache_set	*mustache_set_new(int (*loader)(void *, const char *,
			    char **, size_t *), void *ctx, int flags);
struct mustache_set	*mustache_set_new_dir(const char *dir, int flags);
void			 mustache_set_free(struct mustache_set *);
/* Current limits (defaults in comments above); change before compiling. */
struct mustache_limits	*mustache_set_limits(struct mustache_set *);

/*
 * Compile template name from the loader, then every partial and parent it
 * names statically (transitively).  Dynamic names ({{>*x}}, {{<*x}}) are
 * resolved at render time among templates already compiled into the set;
 * an unknown name, or a value that is not a string, renders as "".
 * Compiling a name that is already compiled does nothing.  Returns 0, or
 * -1 with err filled (the set keeps the templates compiled so far).
 */
int	mustache_set_compile(struct mustache_set *, const char *name,
	    struct mustache_error *err);

/*
 * Like mustache_set_compile() but with the source given (copied); partials
 * still come from the loader.  Replaces nothing: -1 if name exists.
 */
int	mustache_set_add(struct mustache_set *, const char *name,
	    const char *src, size_t len, struct mustache_error *err);

/*
 * Compile every DIR/NAME.mustache (sorted by name) under the name NAME,
 * loading through the set's loader (so create the set with
 * mustache_set_new_dir(dir)).  Returns 0, or -1 with the first error.
 */
int	mustache_set_compile_dir(struct mustache_set *, const char *dir,
	    struct mustache_error *err);

/* The compiled template name, or NULL.  Owned by the set. */
const struct mustache_template	*mustache_set_get(const struct mustache_set *,
				    const char *name);

/*
 * Render t with data as the root context (NULL means an empty context),
 * appending to out.  Returns 0, or -1 with err filled (depth, output or
 * step limit hit, out of memory); on error out->len is restored to its
 * value at entry.  Does not allocate except to grow out.
 */
int	mustache_render(const struct mustache_template *t,
	    const struct mustache_value *data, struct mustache_buf *out,
	    struct mustache_error *err);

#ifdef __cplusplus
}
#endif

#endif /* MUSTACHE_H */
