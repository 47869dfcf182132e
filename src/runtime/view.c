/*
 * Templates: compiled once in the parent from DAYBOOK_TEMPLATE_DIR, rendered
 * per request from a context built in the worker's arena.
 *
 * Build the context and render it in the same state callback: the arena
 * and the output buffer belong to the worker and are reset by
 * dbk_view_begin(), so nothing may sleep between the two.
 */

#include <string.h>

#include "daybook.h"
#include "mustache/mustache.h"

static struct mustache_set	*templates;
static struct mustache_arena	*arena;
static struct mustache_buf	out;

/*
 * Compile every template; in the parent, before forking.  Returns 1, or 0
 * with the engine's one-line message (file:line:column: what) in error.
 */
int
dbk_view_load(const char *dir, char *error, size_t errlen)
{
	struct mustache_error	err;

	if ((templates = mustache_set_new_dir(dir, 0)) == NULL) {
		(void)snprintf(error, errlen, "templates: out of memory");
		return (0);
	}
	if (mustache_set_compile_dir(templates, dir, &err) == -1) {
		(void)snprintf(error, errlen, "template %s/%s", dir,
		    err.message);
		return (0);
	}

	return (1);
}

/* Release the templates, the worker's arena and output buffer. */
void
dbk_view_unload(void)
{
	mustache_set_free(templates);
	templates = NULL;
	mustache_arena_free(arena);
	arena = NULL;
	mustache_buf_free(&out);
}

/* Is there a compiled template of that name? */
int
dbk_view_exists(const char *name)
{
	return (templates != NULL && mustache_set_get(templates, name) != NULL);
}

/*
 * Start a context: resets the worker's arena and returns it, with the root
 * object in *root.  Both are valid until the next dbk_view_begin().
 */
struct mustache_arena *
dbk_view_begin(struct mustache_value **root)
{
	if (arena == NULL && (arena = mustache_arena_new()) == NULL)
		fatal("view: out of memory");
	mustache_arena_reset(arena);
	if ((*root = mustache_object(arena)) == NULL)
		fatal("view: out of memory");

	return (arena);
}

/* The arena of the context under construction (for borrowed strings). */
struct mustache_arena *
dbk_view_arena(void)
{
	return (arena);
}

/* Shorthands that abort on exhaustion (the arena grows with malloc). */
void
dbk_view_set_str(struct mustache_value *obj, const char *key,
    const char *s, size_t len)
{
	if (mustache_object_set(arena, obj, key,
	    mustache_string(arena, s, len)) == -1)
		fatal("view: out of memory");
}

void
dbk_view_set_cstr(struct mustache_value *obj, const char *key, const char *s)
{
	dbk_view_set_str(obj, key, s, strlen(s));
}

void
dbk_view_set_int(struct mustache_value *obj, const char *key, int64_t n)
{
	if (mustache_object_set(arena, obj, key, mustache_int(arena, n)) == -1)
		fatal("view: out of memory");
}

void
dbk_view_set_bool(struct mustache_value *obj, const char *key, int b)
{
	if (mustache_object_set(arena, obj, key, mustache_bool(arena, b)) == -1)
		fatal("view: out of memory");
}

void
dbk_view_set(struct mustache_value *obj, const char *key,
    struct mustache_value *value)
{
	if (mustache_object_set(arena, obj, key, value) == -1)
		fatal("view: out of memory");
}

struct mustache_value *
dbk_view_object(void)
{
	struct mustache_value	*v;

	if ((v = mustache_object(arena)) == NULL)
		fatal("view: out of memory");
	return (v);
}

struct mustache_value *
dbk_view_list(void)
{
	struct mustache_value	*v;

	if ((v = mustache_list(arena)) == NULL)
		fatal("view: out of memory");
	return (v);
}

void
dbk_view_push(struct mustache_value *list, struct mustache_value *item)
{
	if (mustache_list_push(arena, list, item) == -1)
		fatal("view: out of memory");
}

/*
 * Render template name with root and send it as the response.  A render
 * error (a bound hit) is logged and answered with a 500 page.  Returns the
 * bytes sent (valid until the next render in this worker) with their
 * length in *len, or NULL after an error.
 */
const char *
dbk_view_respond(struct http_request *req, int status, const char *name,
    struct mustache_value *root, size_t *len)
{
	const struct mustache_template	*t;
	struct mustache_error		err;

	if ((t = mustache_set_get(templates, name)) == NULL)
		fatal("view: no template %s", name);

	dbk_view_set_cstr(root, "css_url", dbk_asset_url("daybook.css"));
	dbk_view_set_cstr(root, "icon_url", dbk_asset_url("favicon.svg"));
	dbk_view_set_bool(root, "signup_open", dbk_cfg.signup_open);

	mustache_buf_reset(&out);
	if (mustache_render(t, root, &out, &err) == -1) {
		kore_log(LOG_ERR, "view: %s", err.message);
		dbk_respond_error(req, HTTP_STATUS_INTERNAL_ERROR);
		return (NULL);
	}

	dbk_view_send(req, status, out.data, out.len);
	if (len != NULL)
		*len = out.len;

	return (out.data);
}

/* Send an HTML page (rendered now, or kept from earlier). */
void
dbk_view_send(struct http_request *req, int status, const void *html,
    size_t len)
{
	http_response_header(req, "cache-control", "no-store");
	dbk_respond(req, status, "text/html; charset=utf-8", html, len);
}
