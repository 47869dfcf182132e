/*
 * set.c - template set (registry) of the mustache engine: loading,
 * compiling partials transitively, linking static references.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mustache_int.h"
#include "compile.h"

#define SUFFIX	".mustache"

void
set_error(struct mustache_error *err, const char *name, const char *suffix,
    unsigned line, unsigned col, const char *fmt, ...)
{
	char	 msg[384];
	va_list	 ap;
	char	*c;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* keep the message on one line */
	for (c = msg; *c != '\0'; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	if (line > 0)
		snprintf(err->message, sizeof(err->message), "%s%s:%u:%u: %s",
		    name, suffix, line, col, msg);
	else
		snprintf(err->message, sizeof(err->message), "%s%s: %s",
		    name, suffix, msg);
	err->line = line;
	err->column = col;
}

int
refs_add(struct refs *r, const char *name, size_t len, unsigned line,
    unsigned col)
{
	struct ref	*nv;
	size_t		 ncap;

	if (r->len == r->cap) {
		ncap = r->cap == 0 ? 8 : r->cap * 2;
		if ((nv = realloc(r->v, ncap * sizeof(*nv))) == NULL)
			return (-1);
		r->v = nv;
		r->cap = ncap;
	}
	if ((r->v[r->len].name = strndup(name, len)) == NULL)
		return (-1);
	r->v[r->len].line = line;
	r->v[r->len].column = col;
	r->len++;
	return (0);
}

void
refs_clear(struct refs *r)
{
	while (r->len > 0)
		free(r->v[--r->len].name);
}

static size_t
hash_name(const char *s, size_t len)
{
	size_t	 h = 2166136261u;

	while (len-- > 0)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return (h);
}

const struct mustache_template *
set_lookup(const struct mustache_set *set, const char *name, size_t len)
{
	const struct mustache_template	*t;

	if (set->nbuckets == 0)
		return (NULL);
	t = set->buckets[hash_name(name, len) & (set->nbuckets - 1)];
	for (; t != NULL; t = t->hash_next)
		if (strlen(t->name) == len && memcmp(t->name, name, len) == 0)
			return (t);
	return (NULL);
}

const struct mustache_template *
mustache_set_get(const struct mustache_set *set, const char *name)
{
	if (set == NULL || name == NULL)
		return (NULL);
	return (set_lookup(set, name, strlen(name)));
}

static int
set_insert(struct mustache_set *set, struct mustache_template *t)
{
	struct mustache_template	**nb, *x, *next;
	size_t				  i, n, h;

	if (set->count + 1 > set->nbuckets / 2) {
		n = set->nbuckets == 0 ? 16 : set->nbuckets * 2;
		if ((nb = calloc(n, sizeof(*nb))) == NULL)
			return (-1);
		for (i = 0; i < set->nbuckets; i++) {
			for (x = set->buckets[i]; x != NULL; x = next) {
				next = x->hash_next;
				h = hash_name(x->name, strlen(x->name)) &
				    (n - 1);
				x->hash_next = nb[h];
				nb[h] = x;
			}
		}
		free(set->buckets);
		set->buckets = nb;
		set->nbuckets = n;
	}
	h = hash_name(t->name, strlen(t->name)) & (set->nbuckets - 1);
	t->hash_next = set->buckets[h];
	set->buckets[h] = t;
	t->all_next = set->all;
	set->all = t;
	set->count++;
	return (0);
}

struct mustache_set *
mustache_set_new(int (*loader)(void *, const char *, char **, size_t *),
    void *ctx, int flags)
{
	struct mustache_set	*set;

	if ((set = calloc(1, sizeof(*set))) == NULL)
		return (NULL);
	if ((set->arena = mustache_arena_new()) == NULL) {
		free(set);
		return (NULL);
	}
	set->loader = loader;
	set->loader_ctx = ctx;
	set->flags = flags;
	set->suffix = "";
	set->limits.max_template_size = 1024 * 1024;
	set->limits.max_nesting = 100;
	set->limits.max_depth = 200;
	set->limits.max_output = 256 * 1024 * 1024;
	set->limits.max_steps = 100 * 1000 * 1000;
	return (set);
}

struct mustache_set *
mustache_set_new_dir(const char *dir, int flags)
{
	struct mustache_set	*set;
	char			*copy;

	if ((copy = strdup(dir)) == NULL)
		return (NULL);
	if ((set = mustache_set_new(mustache_dir_loader, copy, flags)) ==
	    NULL) {
		free(copy);
		return (NULL);
	}
	set->dir = copy;
	set->suffix = SUFFIX;
	return (set);
}

void
mustache_set_free(struct mustache_set *set)
{
	struct mustache_template	*t;

	if (set == NULL)
		return;
	for (t = set->all; t != NULL; t = t->all_next)
		free(t->source);
	free(set->buckets);
	free(set->dir);
	mustache_arena_free(set->arena);
	free(set);
}

struct mustache_limits *
mustache_set_limits(struct mustache_set *set)
{
	return (&set->limits);
}

static int
valid_name(const char *name)
{
	return (name[0] != '\0' && name[0] != '.' &&
	    strchr(name, '/') == NULL);
}

int
mustache_dir_loader(void *ctx, const char *name, char **data, size_t *len)
{
	char		 path[4096];
	struct stat	 st;
	char		*buf = NULL;
	ssize_t		 n;
	size_t		 got = 0;
	int		 fd, rc = -1;

	if (!valid_name(name))
		return (1);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s" SUFFIX,
	    (const char *)ctx, name) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return (errno == ENOENT ? 1 : -1);
	if (fstat(fd, &st) == -1)
		goto out;
	if (!S_ISREG(st.st_mode)) {
		errno = EISDIR;
		goto out;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL)
		goto out;
	while (got < (size_t)st.st_size) {
		n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			goto out;
		got += (size_t)n;
	}
	*data = buf;
	*len = got;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	close(fd);
	return (rc);
}

/* Make a template named name from src (ownership of src taken). */
static struct mustache_template *
template_new(struct mustache_set *set, const char *name, char *src,
    size_t len)
{
	struct mustache_template	*t;

	t = mustache_arena_alloc(set->arena, sizeof(*t));
	if (t == NULL) {
		free(src);
		return (NULL);
	}
	memset(t, 0, sizeof(*t));
	t->set = set;
	t->source = src;
	t->source_len = len;
	if ((t->name = mustache_arena_strndup(set->arena, name,
	    strlen(name))) == NULL) {
		free(src);
		return (NULL);
	}
	return (t);
}

static void
link_body(const struct mustache_set *set, struct body *b)
{
	struct node	*n;
	size_t		 i;

	for (i = 0; i < b->len; i++) {
		n = &b->nodes[i];
		switch (n->type) {
		case NODE_SECTION:
		case NODE_INVERTED:
			link_body(set, &n->u.section.body);
			break;
		case NODE_BLOCK:
			link_body(set, &n->u.block.body);
			break;
		case NODE_PARENT:
			link_body(set, &n->u.partial.blocks);
			/* FALLTHROUGH */
		case NODE_PARTIAL:
			if (!(n->flags & NODE_DYNAMIC))
				n->u.partial.target = set_lookup(set,
				    n->u.partial.name.raw,
				    n->u.partial.name.raw_len);
			break;
		default:
			break;
		}
	}
}

/*
 * Load (or take src) and compile name; then everything it references.
 * The worklist is refs itself: new references are appended as templates
 * compile, and entry i names its referrer for error messages.
 */
static int
compile_all(struct mustache_set *set, const char *name, const char *src,
    size_t srclen, struct mustache_error *err)
{
	struct refs			 work = { 0 }, found = { 0 };
	struct mustache_template	*t;
	char				*data;
	size_t				 len, i, j;
	const char			*referrer;
	unsigned			 rline, rcol;
	int				 rc = -1, lr;
	char				**from = NULL, **nfrom;

	if (refs_add(&work, name, strlen(name), 0, 0) == -1)
		goto nomem;
	if ((from = calloc(1, sizeof(*from))) == NULL)
		goto nomem;
	for (i = 0; i < work.len; i++) {
		name = work.v[i].name;
		referrer = from[i];
		rline = work.v[i].line;
		rcol = work.v[i].column;
		if (set_lookup(set, name, strlen(name)) != NULL)
			continue;
		if (i == 0 && src != NULL) {
			if ((data = malloc(srclen + 1)) == NULL)
				goto nomem;
			if (srclen > 0)
				memcpy(data, src, srclen);
			len = srclen;
			lr = 0;
		} else if (set->loader == NULL) {
			lr = 1;
		} else {
			data = NULL;
			len = 0;
			lr = set->loader(set->loader_ctx, name, &data, &len);
		}
		if (lr == 1 && referrer != NULL) {
			if (set->flags & MUSTACHE_MISSING_PARTIAL_EMPTY)
				continue;
			set_error(err, referrer, set->suffix, rline, rcol,
			    "unknown partial \"%s\"", name);
			goto out;
		}
		if (lr != 0) {
			set_error(err, name, set->suffix, 0, 0, "%s",
			    lr == 1 ? "template not found" : strerror(errno));
			goto out;
		}
		if (len > set->limits.max_template_size) {
			free(data);
			set_error(err, name, set->suffix, 0, 0,
			    "template too large (%zu bytes, limit %zu)", len,
			    set->limits.max_template_size);
			goto out;
		}
		if ((t = template_new(set, name, data, len)) == NULL)
			goto nomem;
		found.len = 0;
		if (compile_template(set, t, &found, err) == -1) {
			refs_clear(&found);
			free(t->source);
			goto out;
		}
		if (set_insert(set, t) == -1) {
			free(t->source);
			goto nomem;
		}
		for (j = 0; j < found.len; j++) {
			nfrom = realloc(from, (work.len + 1) * sizeof(*from));
			if (nfrom == NULL)
				goto nomem;
			from = nfrom;
			from[work.len] = t->name;
			if (refs_add(&work, found.v[j].name,
			    strlen(found.v[j].name), found.v[j].line,
			    found.v[j].column) == -1)
				goto nomem;
		}
		refs_clear(&found);
	}
	rc = 0;
	goto out;
nomem:
	set_error(err, name, set->suffix, 0, 0, "out of memory");
out:
	for (t = set->all; t != NULL; t = t->all_next)
		link_body(set, &t->root);
	refs_clear(&found);
	free(found.v);
	refs_clear(&work);
	free(work.v);
	free(from);
	return (rc);
}

int
mustache_set_compile(struct mustache_set *set, const char *name,
    struct mustache_error *err)
{
	if (set == NULL || name == NULL)
		return (-1);
	return (compile_all(set, name, NULL, 0, err));
}

int
mustache_set_add(struct mustache_set *set, const char *name, const char *src,
    size_t len, struct mustache_error *err)
{
	if (set == NULL || name == NULL || (src == NULL && len > 0))
		return (-1);
	if (set_lookup(set, name, strlen(name)) != NULL) {
		set_error(err, name, set->suffix, 0, 0,
		    "template already defined");
		return (-1);
	}
	return (compile_all(set, name, src != NULL ? src : "", len, err));
}

static int
cmp_str(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

int
mustache_set_compile_dir(struct mustache_set *set, const char *dir,
    struct mustache_error *err)
{
	DIR		 *d;
	struct dirent	 *de;
	char		**names = NULL, **nn;
	size_t		  n = 0, i, l, sl = strlen(SUFFIX);
	int		  rc = -1;

	if ((d = opendir(dir)) == NULL) {
		set_error(err, dir, "", 0, 0, "%s", strerror(errno));
		return (-1);
	}
	while ((de = readdir(d)) != NULL) {
		l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l <= sl ||
		    strcmp(de->d_name + l - sl, SUFFIX) != 0)
			continue;
		if ((nn = realloc(names, (n + 1) * sizeof(*names))) == NULL)
			goto nomem;
		names = nn;
		if ((names[n] = strndup(de->d_name, l - sl)) == NULL)
			goto nomem;
		n++;
	}
	qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n; i++)
		if (mustache_set_compile(set, names[i], err) == -1)
			goto out;
	rc = 0;
	goto out;
nomem:
	set_error(err, dir, "", 0, 0, "out of memory");
out:
	closedir(d);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return (rc);
}
