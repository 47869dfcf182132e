/*
 * render.c - renderer of the mustache engine: walks the compiled tree and
 * appends to one output buffer.  Recursion is bounded by limits.max_depth
 * (capped at MUSTACHE_DEPTH_MAX); all stacks live in struct render.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mustache_int.h"

struct override_set {
	const struct body		*blocks;
	const struct mustache_template	*tmpl;
};

struct render {
	struct mustache_buf		*out;
	size_t				 out_limit;	/* absolute len */
	uint64_t			 steps_left;
	unsigned			 depth_left;
	const struct mustache_template	*tmpl;		/* for messages */
	const struct node		*at;		/* for messages */
	struct mustache_error		*err;
	const char			*why;
	const struct mustache_template	*why_tmpl;
	const struct node		*why_at;
	int				 pending;	/* at line start */
	size_t				 indent_len;
	unsigned			 nctx;
	unsigned			 nover;
	const struct mustache_value	*ctx[MUSTACHE_DEPTH_MAX + 2];
	struct override_set		 over[MUSTACHE_DEPTH_MAX + 1];
	char				 indent[MUSTACHE_INDENT_MAX];
};

static const struct mustache_value	empty_context = { MUSTACHE_NULL,
					    { 0 } };

static int	render_body(struct render *, const struct body *);

static int
fail(struct render *r, const char *why)
{
	if (r->why == NULL) {
		r->why = why;
		r->why_tmpl = r->tmpl;
		r->why_at = r->at;
	}
	return (-1);
}

static inline int
append(struct render *r, const char *s, size_t n)
{
	struct mustache_buf	*b = r->out;

	if (b->cap - b->len <= n) {
		if (b->len + n > r->out_limit)
			return (fail(r, "output limit exceeded"));
		if (buf_grow(b, n) == -1)
			return (fail(r, "out of memory"));
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	return (0);
}

static inline int
flush_indent(struct render *r)
{
	if (r->pending) {
		r->pending = 0;
		if (r->indent_len > 0)
			return (append(r, r->indent, r->indent_len));
	}
	return (0);
}

/* Template text: indentation goes before each line when one is active. */
static int
emit_text(struct render *r, const char *s, size_t n)
{
	const char	*end = s + n, *nl;

	if (n == 0)
		return (0);
	if (r->indent_len == 0) {
		r->pending = s[n - 1] == '\n';
		return (append(r, s, n));
	}
	while (s < end) {
		if (flush_indent(r) == -1)
			return (-1);
		if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
			return (append(r, s, (size_t)(end - s)));
		if (append(r, s, (size_t)(nl + 1 - s)) == -1)
			return (-1);
		r->pending = 1;
		s = nl + 1;
	}
	return (0);
}

static const char *const escapes[256] = {
	['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;",
	['\''] = "&#39;"
};
static const unsigned char escape_len[256] = {
	['&'] = 5, ['<'] = 4, ['>'] = 4, ['"'] = 6, ['\''] = 5
};

static int
emit_escaped(struct render *r, const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	const unsigned char	*end = p + n, *run = p;

	for (; p < end; p++) {
		if (escape_len[*p] == 0)
			continue;
		if (p > run && append(r, (const char *)run,
		    (size_t)(p - run)) == -1)
			return (-1);
		if (append(r, escapes[*p], escape_len[*p]) == -1)
			return (-1);
		run = p + 1;
	}
	if (p > run)
		return (append(r, (const char *)run, (size_t)(p - run)));
	return (0);
}

static int
emit_value(struct render *r, const struct mustache_value *v, int escape)
{
	char	 num[64];
	int	 n;

	switch (v->type) {
	case MUSTACHE_STRING:
		if (v->u.string.len == 0)
			return (0);
		if (escape)
			return (emit_escaped(r, v->u.string.ptr,
			    v->u.string.len));
		return (append(r, v->u.string.ptr, v->u.string.len));
	case MUSTACHE_INT:
		n = snprintf(num, sizeof(num), "%" PRId64, v->u.integer);
		return (append(r, num, (size_t)n));
	case MUSTACHE_NUMBER:
		n = snprintf(num, sizeof(num), "%.15g", v->u.number);
		if (strtod(num, NULL) != v->u.number)
			n = snprintf(num, sizeof(num), "%.17g", v->u.number);
		return (append(r, num, (size_t)n));
	case MUSTACHE_BOOL:
		return (v->u.boolean ? append(r, "true", 4) :
		    append(r, "false", 5));
	default:
		return (0);
	}
}

/* Resolve a (dotted) name against the context stack; NULL on a miss. */
static const struct mustache_value *
lookup(const struct render *r, const struct name *nm)
{
	const struct mustache_value	*v = NULL;
	unsigned			 i, k;

	if (nm->nparts == 0)
		return (r->ctx[r->nctx - 1]);
	for (i = r->nctx; i-- > 0;) {
		v = mustache_object_get(r->ctx[i], nm->parts[0].ptr,
		    nm->parts[0].len);
		if (v != NULL)
			break;
	}
	for (k = 1; v != NULL && k < nm->nparts; k++)
		v = mustache_object_get(v, nm->parts[k].ptr, nm->parts[k].len);
	return (v);
}

static int
truthy(const struct mustache_value *v)
{
	if (v == NULL)
		return (0);
	switch (v->type) {
	case MUSTACHE_NULL:
		return (0);
	case MUSTACHE_BOOL:
		return (v->u.boolean);
	case MUSTACHE_LIST:
		return (v->u.list.len > 0);
	case MUSTACHE_STRING:
		return (v->u.string.len > 0);
	default:
		return (1);
	}
}

static int
enter(struct render *r)
{
	if (r->depth_left == 0)
		return (fail(r, "render depth limit exceeded (recursive "
		    "partial or sections nested too deeply)"));
	r->depth_left--;
	return (0);
}

static int
section(struct render *r, const struct node *n)
{
	const struct mustache_value	*v = lookup(r, &n->u.section.name);
	size_t				 i;
	int				 rc = 0;

	if (!truthy(v))
		return (0);
	if (enter(r) == -1)
		return (-1);
	if (v->type == MUSTACHE_LIST) {
		for (i = 0; i < v->u.list.len && rc == 0; i++) {
			r->ctx[r->nctx++] = v->u.list.items[i];
			rc = render_body(r, &n->u.section.body);
			r->nctx--;
		}
	} else {
		r->ctx[r->nctx++] = v;
		rc = render_body(r, &n->u.section.body);
		r->nctx--;
	}
	r->depth_left++;
	return (rc);
}

static const struct mustache_template *
target_of(struct render *r, const struct node *n)
{
	const struct mustache_value	*v;

	if (!(n->flags & NODE_DYNAMIC))
		return (n->u.partial.target);
	v = lookup(r, &n->u.partial.name);
	if (v == NULL || v->type != MUSTACHE_STRING)
		return (NULL);
	return (set_lookup(r->tmpl->set, v->u.string.ptr, v->u.string.len));
}

static int
push_indent(struct render *r, const char *s, size_t n)
{
	if (n == 0)
		return (0);
	if (n > sizeof(r->indent) - r->indent_len)
		return (fail(r, "indentation too deep"));
	memcpy(r->indent + r->indent_len, s, n);
	r->indent_len += n;
	return (0);
}

/* {{>name}} or {{<name}}...{{/name}}. */
static int
partial(struct render *r, const struct node *n)
{
	const struct mustache_template	*t = target_of(r, n), *saved;
	size_t				 saved_indent = r->indent_len;
	int				 rc;

	if (t == NULL)
		return (0);
	if (enter(r) == -1)
		return (-1);
	if (push_indent(r, n->u.partial.indent, n->u.partial.indent_len) ==
	    -1)
		return (-1);
	if (n->type == NODE_PARENT) {
		r->over[r->nover].blocks = &n->u.partial.blocks;
		r->over[r->nover++].tmpl = r->tmpl;
	}
	saved = r->tmpl;
	r->tmpl = t;
	rc = render_body(r, &t->root);
	r->tmpl = saved;
	if (n->type == NODE_PARENT)
		r->nover--;
	r->indent_len = saved_indent;
	r->depth_left++;
	return (rc);
}

/* {{$name}}: the outermost override of name, else the default body. */
static int
block(struct render *r, const struct node *n)
{
	const struct body		*body = &n->u.block.body;
	const struct mustache_template	*saved = r->tmpl;
	const struct name		*nm = &n->u.block.name;
	const struct node		*b;
	size_t				 saved_indent = r->indent_len, k;
	unsigned			 i;
	int				 rc;

	if (enter(r) == -1)
		return (-1);
	for (i = 0; i < r->nover && body == &n->u.block.body; i++) {
		for (k = 0; k < r->over[i].blocks->len; k++) {
			b = &r->over[i].blocks->nodes[k];
			if (b->u.block.name.raw_len == nm->raw_len &&
			    memcmp(b->u.block.name.raw, nm->raw,
			    nm->raw_len) == 0) {
				body = &b->u.block.body;
				r->tmpl = r->over[i].tmpl;
				break;
			}
		}
	}
	if (push_indent(r, n->u.block.intrinsic, n->u.block.intrinsic_len) ==
	    -1)
		return (-1);
	rc = render_body(r, body);
	r->indent_len = saved_indent;
	r->tmpl = saved;
	r->depth_left++;
	return (rc);
}

static int
render_body(struct render *r, const struct body *b)
{
	const struct node		*n = b->nodes, *end;
	const struct mustache_value	*v;

	if (b->len == 0)
		return (0);
	end = n + b->len;
	for (; n < end; n++) {
		if (r->steps_left-- == 0)
			return (fail(r, "render step limit exceeded"));
		r->at = n;
		switch (n->type) {
		case NODE_TEXT:
			if (emit_text(r, n->u.text.ptr, n->u.text.len) == -1)
				return (-1);
			break;
		case NODE_VAR:
		case NODE_RAW:
			if (flush_indent(r) == -1)
				return (-1);
			if ((v = lookup(r, &n->u.var)) != NULL &&
			    emit_value(r, v, n->type == NODE_VAR) == -1)
				return (-1);
			break;
		case NODE_SECTION:
			if (section(r, n) == -1)
				return (-1);
			break;
		case NODE_INVERTED:
			if (!truthy(lookup(r, &n->u.section.name)) &&
			    render_body(r, &n->u.section.body) == -1)
				return (-1);
			break;
		case NODE_PARTIAL:
		case NODE_PARENT:
			if (partial(r, n) == -1)
				return (-1);
			break;
		case NODE_BLOCK:
			if (block(r, n) == -1)
				return (-1);
			break;
		default:
			break;
		}
	}
	return (0);
}

int
mustache_render(const struct mustache_template *t,
    const struct mustache_value *data, struct mustache_buf *out,
    struct mustache_error *err)
{
	struct render	 rs, *r = &rs;
	size_t		 start;
	unsigned	 depth;
	int		 rc = -1;

	if (t == NULL || out == NULL) {
		set_error(err, "mustache_render", "", 0, 0,
		    "no template or output buffer");
		return (-1);
	}
	start = out->len;
	r->out = out;
	r->out_limit = start + t->set->limits.max_output;
	if (r->out_limit < start)
		r->out_limit = SIZE_MAX;
	r->steps_left = t->set->limits.max_steps;
	depth = t->set->limits.max_depth;
	r->depth_left = depth > MUSTACHE_DEPTH_MAX ? MUSTACHE_DEPTH_MAX : depth;
	r->tmpl = t;
	r->at = NULL;
	r->err = err;
	r->why = NULL;
	r->why_tmpl = t;
	r->why_at = NULL;
	r->pending = 1;
	r->indent_len = 0;
	r->nover = 0;
	r->nctx = 1;
	r->ctx[0] = data != NULL ? data : &empty_context;
	if (buf_grow(out, 0) == -1)
		fail(r, "out of memory");
	else if (render_body(r, &t->root) == 0)
		rc = 0;
	if (rc == -1) {
		out->len = start;
		set_error(err, r->why_tmpl->name, t->set->suffix,
		    r->why_at != NULL ? r->why_at->line : 0,
		    r->why_at != NULL ? r->why_at->column : 0, "%s",
		    r->why != NULL ? r->why : "render failed");
	}
	if (out->data != NULL)
		out->data[out->len] = '\0';
	return (rc);
}
