/*
 * compile.c - template parser of the mustache engine.
 *
 * One pass over the source with an explicit stack of open sections (no
 * recursion), producing a tree of node arrays allocated from the set's
 * arena.  Text nodes point into the template's own copy of the source.
 * A second pass re-indents block bodies (template inheritance).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mustache_int.h"
#include "compile.h"

struct vec {
	struct node	*v;
	size_t		 len;
	size_t		 cap;
};

struct frame {
	struct vec	 nodes;
	unsigned char	 type;		/* NODE_SECTION etc., NODE_TEXT = root */
	unsigned char	 flags;
	struct name	 name;
	unsigned	 line;
	unsigned	 column;
	int		 left_ok;	/* parent: open tag began its line */
	size_t		 left_ws;	/* parent: bytes of indentation */
	const char	*indent;	/* block: indentation of the tag */
	size_t		 indent_len;
};

struct parser {
	struct mustache_set	*set;
	struct mustache_template *t;
	struct mustache_error	*err;
	char			*src;
	size_t			 len;
	size_t			 pos;
	char			 otag[MUSTACHE_DELIM_MAX];
	char			 ctag[MUSTACHE_DELIM_MAX];
	size_t			 olen;
	size_t			 clen;
	/* line counting, advanced monotonically */
	size_t			 lc_pos;
	unsigned		 lc_line;
	size_t			 lc_start;
	struct frame		*frames;
	unsigned		 nframes;
	struct refs		*refs;
};

static void
where(struct parser *p, size_t off, unsigned *line, unsigned *col)
{
	const char	*nl;

	while (p->lc_pos < off) {
		nl = memchr(p->src + p->lc_pos, '\n', off - p->lc_pos);
		if (nl == NULL) {
			p->lc_pos = off;
			break;
		}
		p->lc_line++;
		p->lc_pos = (size_t)(nl - p->src) + 1;
		p->lc_start = p->lc_pos;
	}
	*line = p->lc_line;
	*col = (unsigned)(off - p->lc_start + 1);
}

static int
perr(struct parser *p, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fill p->err for a problem at source offset off; returns -1. */
static int
perr(struct parser *p, size_t off, const char *fmt, ...)
{
	char		 msg[384];
	unsigned	 line, col;
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	where(p, off, &line, &col);
	set_error(p->err, p->t->name, p->set->suffix, line, col, "%s", msg);
	return (-1);
}

static int
vec_push(struct vec *v, const struct node *n)
{
	struct node	*nv;
	size_t		 ncap;

	if (v->len == v->cap) {
		ncap = v->cap == 0 ? 8 : v->cap * 2;
		if ((nv = realloc(v->v, ncap * sizeof(*nv))) == NULL)
			return (-1);
		v->v = nv;
		v->cap = ncap;
	}
	v->v[v->len++] = *n;
	return (0);
}

/* Move the nodes of v (optionally only blocks) into the arena. */
static int
vec_finish(struct parser *p, struct vec *v, struct body *b, int blocks_only)
{
	size_t	 i, n;

	b->nodes = NULL;
	b->len = 0;
	for (n = 0, i = 0; i < v->len; i++)
		if (!blocks_only || v->v[i].type == NODE_BLOCK)
			n++;
	if (n > 0) {
		b->nodes = mustache_arena_alloc(p->set->arena,
		    n * sizeof(*b->nodes));
		if (b->nodes == NULL)
			return (-1);
		for (i = 0; i < v->len; i++)
			if (!blocks_only || v->v[i].type == NODE_BLOCK)
				b->nodes[b->len++] = v->v[i];
	}
	free(v->v);
	v->v = NULL;
	v->len = v->cap = 0;
	return (0);
}

static int
is_ws(char c)
{
	return (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\f' || c == '\v');
}

static void
trim(const char **s, const char **e)
{
	while (*s < *e && is_ws(**s))
		(*s)++;
	while (*e > *s && is_ws((*e)[-1]))
		(*e)--;
}

/* Add text src[from..to) to the innermost open section. */
static int
add_text(struct parser *p, size_t from, size_t to)
{
	struct frame	*f = &p->frames[p->nframes - 1];
	struct node	 n;

	if (from >= to || f->type == NODE_PARENT)
		return (0);
	memset(&n, 0, sizeof(n));
	n.type = NODE_TEXT;
	where(p, from, &n.line, &n.column);
	if (from == 0 || p->src[from - 1] == '\n')
		n.flags |= NODE_BOL;
	n.u.text.ptr = p->src + from;
	n.u.text.len = to - from;
	if (vec_push(&f->nodes, &n) == -1)
		return (perr(p, from, "out of memory"));
	return (0);
}

/*
 * Parse the tag name s..e (already trimmed) into nm.  dynamic_ok allows a
 * leading "*" (dynamic name), reported in *dynamic.  dotted splits it.
 */
static int
parse_name(struct parser *p, size_t off, const char *s, const char *e,
    int dynamic_ok, int *dynamic, int dotted, struct name *nm)
{
	const char	*q, *dot;
	unsigned	 n;

	memset(nm, 0, sizeof(*nm));
	*dynamic = 0;
	if (dynamic_ok && s < e && *s == '*') {
		*dynamic = 1;
		s++;
		trim(&s, &e);
	}
	if (s == e)
		return (perr(p, off, "empty tag name"));
	for (q = s; q < e; q++)
		if (is_ws(*q))
			return (perr(p, off, "invalid tag name \"%.*s\": "
			    "contains whitespace", (int)(e - s), s));
	nm->raw = s;
	nm->raw_len = (size_t)(e - s);
	if (!dotted && !*dynamic)
		return (0);
	if (e - s == 1 && *s == '.')
		return (0);
	for (n = 1, q = s; q < e; q++)
		if (*q == '.')
			n++;
	nm->parts = mustache_arena_alloc(p->set->arena,
	    n * sizeof(*nm->parts));
	if (nm->parts == NULL)
		return (perr(p, off, "out of memory"));
	for (q = s; ; q = dot + 1) {
		if ((dot = memchr(q, '.', (size_t)(e - q))) == NULL)
			dot = e;
		if (dot == q)
			return (perr(p, off, "invalid dotted name \"%.*s\"",
			    (int)(e - s), s));
		nm->parts[nm->nparts].ptr = q;
		nm->parts[nm->nparts++].len = (size_t)(dot - q);
		if (dot == e)
			break;
	}
	return (0);
}

static int
name_eq(const struct name *a, const char *s, size_t len)
{
	return (a->raw_len == len && memcmp(a->raw, s, len) == 0);
}

/* {{=<% %>=}}: content s..e between the equals signs. */
static int
set_delims(struct parser *p, size_t off, const char *s, const char *e)
{
	const char	*a, *ae, *b, *be;

	trim(&s, &e);
	for (a = ae = s; ae < e && !is_ws(*ae); ae++)
		;
	for (b = ae; b < e && is_ws(*b); b++)
		;
	for (be = b; be < e && !is_ws(*be); be++)
		;
	if (ae == a || be == b || be != e)
		return (perr(p, off, "bad delimiter tag: expected two "
		    "delimiters separated by whitespace"));
	if (ae - a >= MUSTACHE_DELIM_MAX || be - b >= MUSTACHE_DELIM_MAX)
		return (perr(p, off, "bad delimiter tag: delimiter longer "
		    "than %d bytes", MUSTACHE_DELIM_MAX - 1));
	if (memchr(a, '=', (size_t)(ae - a)) != NULL ||
	    memchr(b, '=', (size_t)(be - b)) != NULL)
		return (perr(p, off, "bad delimiter tag: delimiter contains "
		    "\"=\""));
	p->olen = (size_t)(ae - a);
	memcpy(p->otag, a, p->olen);
	p->clen = (size_t)(be - b);
	memcpy(p->ctag, b, p->clen);
	return (0);
}

static char *
arena_copy(struct parser *p, const char *s, size_t len)
{
	return (mustache_arena_strndup(p->set->arena, s, len));
}

static int
push_frame(struct parser *p, size_t off, unsigned char type)
{
	struct frame	*f;

	if (p->nframes > p->set->limits.max_nesting)
		return (perr(p, off, "sections nested too deeply (limit %u)",
		    p->set->limits.max_nesting));
	f = &p->frames[p->nframes++];
	memset(f, 0, sizeof(*f));
	f->type = type;
	where(p, off, &f->line, &f->column);
	return (0);
}

static const char *
kind_name(unsigned char type)
{
	switch (type) {
	case NODE_PARENT:
		return ("parent");
	case NODE_BLOCK:
		return ("block");
	default:
		return ("section");
	}
}

/* Close tag: pop the innermost frame into a node of its parent frame. */
static int
close_frame(struct parser *p, size_t off, const char *s, const char *e,
    int standalone)
{
	struct frame	*f, *up;
	struct node	 n;
	int		 dyn = 0;

	if (p->nframes <= 1)
		return (perr(p, off, "unexpected close tag \"%.*s\"",
		    (int)(e - s), s));
	f = &p->frames[p->nframes - 1];
	if (s < e && *s == '*') {
		dyn = 1;
		s++;
		trim(&s, &e);
	}
	if (!name_eq(&f->name, s, (size_t)(e - s)) ||
	    dyn != ((f->flags & NODE_DYNAMIC) != 0))
		return (perr(p, off, "mismatched close tag \"%s%.*s\": "
		    "%s \"%s%.*s\" opened at %u:%u is still open",
		    dyn ? "*" : "", (int)(e - s), s, kind_name(f->type),
		    (f->flags & NODE_DYNAMIC) ? "*" : "",
		    (int)f->name.raw_len, f->name.raw, f->line, f->column));
	memset(&n, 0, sizeof(n));
	n.type = f->type;
	n.flags = f->flags;
	n.line = f->line;
	n.column = f->column;
	switch (f->type) {
	case NODE_SECTION:
	case NODE_INVERTED:
		n.u.section.name = f->name;
		if (vec_finish(p, &f->nodes, &n.u.section.body, 0) == -1)
			return (perr(p, off, "out of memory"));
		break;
	case NODE_BLOCK:
		n.u.block.name = f->name;
		n.u.block.indent = f->indent;
		n.u.block.indent_len = f->indent_len;
		if (vec_finish(p, &f->nodes, &n.u.block.body, 0) == -1)
			return (perr(p, off, "out of memory"));
		break;
	default: /* NODE_PARENT */
		n.u.partial.name = f->name;
		if (vec_finish(p, &f->nodes, &n.u.partial.blocks, 1) == -1)
			return (perr(p, off, "out of memory"));
		if (standalone) {
			n.flags |= NODE_STANDALONE;
			n.u.partial.indent = "";
		}
		break;
	}
	p->nframes--;
	up = &p->frames[p->nframes - 1];
	if (f->type == NODE_PARENT && standalone && f->left_ws > 0) {
		/* drop the indentation text before the open tag */
		struct node *last = up->nodes.len > 0 ?
		    &up->nodes.v[up->nodes.len - 1] : NULL;
		if (last != NULL && last->type == NODE_TEXT &&
		    last->u.text.len >= f->left_ws) {
			last->u.text.len -= f->left_ws;
			n.u.partial.indent = arena_copy(p,
			    last->u.text.ptr + last->u.text.len, f->left_ws);
			n.u.partial.indent_len = f->left_ws;
			if (last->u.text.len == 0)
				up->nodes.len--;
		}
	}
	if (n.type == NODE_PARENT && n.u.partial.indent == NULL &&
	    (n.flags & NODE_STANDALONE))
		return (perr(p, off, "out of memory"));
	if (vec_push(&up->nodes, &n) == -1)
		return (perr(p, off, "out of memory"));
	return (0);
}

static int
add_ref(struct parser *p, const struct name *nm, size_t off)
{
	unsigned	 line, col;

	where(p, off, &line, &col);
	if (refs_add(p->refs, nm->raw, nm->raw_len, line, col) == -1)
		return (perr(p, off, "out of memory"));
	return (0);
}

struct tag {
	size_t		 start;		/* offset of the open delimiter */
	size_t		 end;		/* offset after the close delimiter */
	char		 sigil;		/* 0 for a plain variable */
	const char	*cs;		/* content, trimmed */
	const char	*ce;
};

/* Find the extent of the tag whose open delimiter is at start. */
static int
scan_tag(struct parser *p, size_t start, struct tag *tg)
{
	size_t		 i = start + p->olen;
	const char	*hit, *pat;
	char		 want[MUSTACHE_DELIM_MAX + 1];
	size_t		 wlen;

	tg->start = start;
	tg->sigil = 0;
	if (i < p->len && strchr("#^/!><$={&", p->src[i]) != NULL &&
	    p->src[i] != '\0')
		tg->sigil = p->src[i++];
	wlen = 0;
	if (tg->sigil == '{' || tg->sigil == '=')
		want[wlen++] = tg->sigil == '{' ? '}' : '=';
	memcpy(want + wlen, p->ctag, p->clen);
	wlen += p->clen;
	pat = want;
	hit = i <= p->len ? memmem(p->src + i, p->len - i, pat, wlen) : NULL;
	if (hit == NULL)
		return (perr(p, start, "unclosed tag: no \"%.*s\" after "
		    "\"%.*s\"", (int)wlen, want, (int)p->olen, p->otag));
	tg->cs = p->src + i;
	tg->ce = hit;
	tg->end = (size_t)(hit - p->src) + wlen;
	if (tg->sigil != '=' && tg->sigil != '!')
		trim(&tg->cs, &tg->ce);
	return (0);
}

/*
 * Is the tag alone on its line?  *ws is set to the offset where the
 * indentation starts, *next to the offset after the line ending (or the
 * tag end when the right side is relaxed).
 */
static void
standalone_sides(struct parser *p, const struct tag *tg, int *left,
    int *right, size_t *ws, size_t *next)
{
	size_t	 q = tg->start, r = tg->end;

	while (q > 0 && (p->src[q - 1] == ' ' || p->src[q - 1] == '\t'))
		q--;
	*ws = q;
	*left = q == 0 || p->src[q - 1] == '\n';
	while (r < p->len && (p->src[r] == ' ' || p->src[r] == '\t'))
		r++;
	*right = 1;
	if (r == p->len)
		*next = r;
	else if (p->src[r] == '\n')
		*next = r + 1;
	else if (p->src[r] == '\r' && r + 1 < p->len &&
	    p->src[r + 1] == '\n')
		*next = r + 2;
	else {
		*right = 0;
		*next = tg->end;
	}
}

static int
handle_tag(struct parser *p, struct tag *tg)
{
	struct frame	*top = &p->frames[p->nframes - 1];
	struct node	 n;
	int		 left, right, dyn, standalone;
	size_t		 ws, next;
	unsigned char	 type;

	standalone_sides(p, tg, &left, &right, &ws, &next);
	if (tg->sigil == 0 || tg->sigil == '{' || tg->sigil == '&') {
		standalone = 0;
	} else if (tg->sigil == '<') {
		standalone = 0;		/* decided at the close tag */
	} else if (tg->sigil == '$' && top->type == NODE_PARENT) {
		standalone = right;	/* text before it is ignored */
	} else if (tg->sigil == '/' && top->type == NODE_PARENT) {
		standalone = top->left_ok && right;
	} else if (tg->sigil == '/' && top->type == NODE_BLOCK &&
	    p->nframes >= 2 && p->frames[p->nframes - 2].type ==
	    NODE_PARENT) {
		standalone = left;	/* text after it is ignored */
		if (!right)
			next = tg->end;
	} else
		standalone = left && right;

	if (standalone) {
		if (add_text(p, p->pos, ws) == -1)
			return (-1);
		p->pos = next;
	} else {
		if (add_text(p, p->pos, tg->start) == -1)
			return (-1);
		p->pos = tg->end;
	}

	memset(&n, 0, sizeof(n));
	where(p, tg->start, &n.line, &n.column);
	switch (tg->sigil) {
	case '!':
		return (0);
	case '=':
		return (set_delims(p, tg->start, tg->cs, tg->ce));
	case '/':
		trim(&tg->cs, &tg->ce);
		return (close_frame(p, tg->start, tg->cs, tg->ce,
		    top->type == NODE_PARENT ? standalone : 0));
	case 0:
	case '{':
	case '&':
		n.type = tg->sigil == 0 ? NODE_VAR : NODE_RAW;
		if (parse_name(p, tg->start, tg->cs, tg->ce, 0, &dyn, 1,
		    &n.u.var) == -1)
			return (-1);
		break;
	case '>':
		n.type = NODE_PARTIAL;
		if (parse_name(p, tg->start, tg->cs, tg->ce, 1, &dyn, 0,
		    &n.u.partial.name) == -1)
			return (-1);
		if (dyn)
			n.flags |= NODE_DYNAMIC;
		else if (add_ref(p, &n.u.partial.name, tg->start) == -1)
			return (-1);
		if (standalone) {
			n.flags |= NODE_STANDALONE;
			n.u.partial.indent_len = tg->start - ws;
			n.u.partial.indent = arena_copy(p, p->src + ws,
			    tg->start - ws);
			if (n.u.partial.indent == NULL)
				return (perr(p, tg->start, "out of memory"));
		}
		break;
	default:	/* # ^ $ < open a frame */
		type = tg->sigil == '#' ? NODE_SECTION :
		    tg->sigil == '^' ? NODE_INVERTED :
		    tg->sigil == '$' ? NODE_BLOCK : NODE_PARENT;
		if (push_frame(p, tg->start, type) == -1)
			return (-1);
		top = &p->frames[p->nframes - 1];
		if (parse_name(p, tg->start, tg->cs, tg->ce, type ==
		    NODE_PARENT, &dyn, type == NODE_SECTION ||
		    type == NODE_INVERTED, &top->name) == -1)
			return (-1);
		if (dyn)
			top->flags |= NODE_DYNAMIC;
		else if (type == NODE_PARENT &&
		    add_ref(p, &top->name, tg->start) == -1)
			return (-1);
		if (standalone)
			top->flags |= NODE_STANDALONE;
		if (type == NODE_PARENT) {
			top->left_ok = left;
			top->left_ws = tg->start - ws;
		}
		if (type == NODE_BLOCK && left) {
			top->indent_len = tg->start - ws;
			top->indent = arena_copy(p, p->src + ws,
			    top->indent_len);
			if (top->indent == NULL)
				return (perr(p, tg->start, "out of memory"));
		}
		return (0);
	}
	if (vec_push(&p->frames[p->nframes - 1].nodes, &n) == -1)
		return (perr(p, tg->start, "out of memory"));
	return (0);
}

/* ------------------------------------------ block re-indentation pass */

static void
strip_text(struct node *n, const char *s, size_t k)
{
	char	*t = n->u.text.ptr;
	size_t	 i = 0, w = 0, m, len = n->u.text.len;
	int	 bol = (n->flags & NODE_BOL) != 0;

	while (i < len) {
		if (bol) {
			for (m = 0; m < k && i < len && t[i] == s[m]; m++)
				i++;
			bol = 0;
			continue;
		}
		if ((t[w++] = t[i++]) == '\n')
			bol = 1;
	}
	n->u.text.len = w;
}

static void
strip_indent(const char **ind, size_t *len, const char *s, size_t k)
{
	size_t	 m;

	if (*ind == NULL)
		return;
	for (m = 0; m < k && m < *len && (*ind)[m] == s[m]; m++)
		;
	*ind += m;
	*len -= m;
}

static void
strip_body(struct body *b, const char *s, size_t k)
{
	struct node	*n;
	size_t		 i;

	for (i = 0; i < b->len; i++) {
		n = &b->nodes[i];
		switch (n->type) {
		case NODE_TEXT:
			strip_text(n, s, k);
			break;
		case NODE_SECTION:
		case NODE_INVERTED:
			strip_body(&n->u.section.body, s, k);
			break;
		case NODE_PARTIAL:
		case NODE_PARENT:
			if (n->flags & NODE_STANDALONE)
				strip_indent(&n->u.partial.indent,
				    &n->u.partial.indent_len, s, k);
			strip_body(&n->u.partial.blocks, s, k);
			break;
		case NODE_BLOCK:
			strip_indent(&n->u.block.indent,
			    &n->u.block.indent_len, s, k);
			strip_body(&n->u.block.body, s, k);
			break;
		default:
			break;
		}
	}
}

static int	walk_blocks(struct parser *, struct body *);

/*
 * A block's body is stored without its own indentation (that of its first
 * line when the tag is standalone, else that of the tag's line); the
 * indentation of the place where a body is expanded is added at render.
 */
static int
process_block(struct parser *p, struct node *n)
{
	struct body	*b = &n->u.block.body;
	const char	*t;
	size_t		 k = 0;

	if ((n->flags & NODE_STANDALONE) && b->len > 0) {
		if (b->nodes[0].type == NODE_TEXT &&
		    (b->nodes[0].flags & NODE_BOL)) {
			t = b->nodes[0].u.text.ptr;
			while (k < b->nodes[0].u.text.len &&
			    (t[k] == ' ' || t[k] == '\t'))
				k++;
		}
		n->u.block.intrinsic = arena_copy(p,
		    k > 0 ? b->nodes[0].u.text.ptr : "", k);
	} else {
		k = n->u.block.indent_len;
		n->u.block.intrinsic = arena_copy(p,
		    n->u.block.indent != NULL ? n->u.block.indent : "", k);
	}
	if (n->u.block.intrinsic == NULL)
		return (perr(p, 0, "out of memory"));
	n->u.block.intrinsic_len = k;
	if (k > 0)
		strip_body(b, n->u.block.intrinsic, k);
	return (walk_blocks(p, b));
}

static int
walk_blocks(struct parser *p, struct body *b)
{
	struct node	*n;
	size_t		 i;
	int		 rc = 0;

	for (i = 0; i < b->len && rc == 0; i++) {
		n = &b->nodes[i];
		if (n->type == NODE_SECTION || n->type == NODE_INVERTED)
			rc = walk_blocks(p, &n->u.section.body);
		else if (n->type == NODE_PARENT)
			rc = walk_blocks(p, &n->u.partial.blocks);
		else if (n->type == NODE_BLOCK)
			rc = process_block(p, n);
	}
	return (rc);
}

/* ---------------------------------------------------------- entry */

int
compile_template(struct mustache_set *set, struct mustache_template *t,
    struct refs *refs, struct mustache_error *err)
{
	struct parser	 p;
	struct tag	 tg;
	const char	*hit;
	struct frame	*f;
	int		 rc = -1;

	memset(&p, 0, sizeof(p));
	p.set = set;
	p.t = t;
	p.err = err;
	p.src = t->source;
	p.len = t->source_len;
	p.refs = refs;
	p.lc_line = 1;
	memcpy(p.otag, "{{", 2);
	memcpy(p.ctag, "}}", 2);
	p.olen = p.clen = 2;
	p.frames = calloc(set->limits.max_nesting + 2, sizeof(*p.frames));
	if (p.frames == NULL) {
		set_error(err, t->name, set->suffix, 0, 0, "out of memory");
		return (-1);
	}
	p.nframes = 1;
	p.frames[0].type = NODE_TEXT;

	while (p.pos < p.len) {
		hit = memmem(p.src + p.pos, p.len - p.pos, p.otag, p.olen);
		if (hit == NULL) {
			if (add_text(&p, p.pos, p.len) == -1)
				goto out;
			p.pos = p.len;
			break;
		}
		if (scan_tag(&p, (size_t)(hit - p.src), &tg) == -1 ||
		    handle_tag(&p, &tg) == -1)
			goto out;
	}
	if (p.nframes > 1) {
		f = &p.frames[p.nframes - 1];
		set_error(err, t->name, set->suffix, f->line, f->column,
		    "unclosed %s \"%s%.*s\"", kind_name(f->type),
		    (f->flags & NODE_DYNAMIC) ? "*" : "",
		    (int)f->name.raw_len, f->name.raw);
		goto out;
	}
	if (vec_finish(&p, &p.frames[0].nodes, &t->root, 0) == -1) {
		perr(&p, 0, "out of memory");
		goto out;
	}
	p.nframes = 0;
	if (walk_blocks(&p, &t->root) == -1)
		goto out;
	rc = 0;
out:
	while (p.nframes > 0)
		free(p.frames[--p.nframes].nodes.v);
	free(p.frames);
	return (rc);
}
