/*
 * value.c - arena, value model and output buffer of the mustache engine.
 */
#include <stdlib.h>
#include <string.h>

#include "mustache_int.h"

#define CHUNK_SIZE	(64 * 1024)

struct chunk {
	struct chunk	*next;
	size_t		 size;
	size_t		 used;
	/* data follows, 16-byte aligned */
};

#define CHUNK_HDR	((sizeof(struct chunk) + 15) & ~(size_t)15)

struct mustache_arena {
	struct chunk	*first;
	struct chunk	*cur;
};

static struct chunk *
chunk_new(size_t size)
{
	struct chunk	*c;

	if (size > SIZE_MAX - CHUNK_HDR)
		return (NULL);
	if ((c = malloc(CHUNK_HDR + size)) == NULL)
		return (NULL);
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return (c);
}

struct mustache_arena *
mustache_arena_new(void)
{
	struct mustache_arena	*a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return (NULL);
	if ((a->first = chunk_new(CHUNK_SIZE)) == NULL) {
		free(a);
		return (NULL);
	}
	a->cur = a->first;
	return (a);
}

void
mustache_arena_reset(struct mustache_arena *a)
{
	struct chunk	*c;

	if (a == NULL)
		return;
	for (c = a->first; c != NULL; c = c->next)
		c->used = 0;
	a->cur = a->first;
}

void
mustache_arena_free(struct mustache_arena *a)
{
	struct chunk	*c, *next;

	if (a == NULL)
		return;
	for (c = a->first; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

/*
 * Memory from the current chunk or a later one that fits; otherwise a new
 * chunk is linked after the current one (kept by reset for reuse).
 */
void *
mustache_arena_alloc(struct mustache_arena *a, size_t size)
{
	struct chunk	*c, *n;
	size_t		 need;

	if (a == NULL || size > SIZE_MAX / 2)
		return (NULL);
	need = (size + 7) & ~(size_t)7;
	for (c = a->cur;; c = c->next) {
		if (c->size - c->used >= need) {
			a->cur = c;
			c->used += need;
			return ((char *)c + CHUNK_HDR + c->used - need);
		}
		if (c->next == NULL || c->next->size < need)
			break;
	}
	if ((n = chunk_new(need > CHUNK_SIZE ? need : CHUNK_SIZE)) == NULL)
		return (NULL);
	n->next = c->next;
	c->next = n;
	a->cur = c = n;
	c->used = need;
	return ((char *)c + CHUNK_HDR);
}

char *
mustache_arena_strndup(struct mustache_arena *a, const char *s, size_t len)
{
	char	*p;

	if (len == SIZE_MAX || (p = mustache_arena_alloc(a, len + 1)) == NULL)
		return (NULL);
	if (len > 0)
		memcpy(p, s, len);
	p[len] = '\0';
	return (p);
}

static struct mustache_value *
value_new(struct mustache_arena *a, enum mustache_type type)
{
	struct mustache_value	*v;

	if ((v = mustache_arena_alloc(a, sizeof(*v))) == NULL)
		return (NULL);
	memset(v, 0, sizeof(*v));
	v->type = type;
	return (v);
}

struct mustache_value *
mustache_null(struct mustache_arena *a)
{
	return (value_new(a, MUSTACHE_NULL));
}

struct mustache_value *
mustache_bool(struct mustache_arena *a, int b)
{
	struct mustache_value	*v;

	if ((v = value_new(a, MUSTACHE_BOOL)) != NULL)
		v->u.boolean = b != 0;
	return (v);
}

struct mustache_value *
mustache_int(struct mustache_arena *a, int64_t i)
{
	struct mustache_value	*v;

	if ((v = value_new(a, MUSTACHE_INT)) != NULL)
		v->u.integer = i;
	return (v);
}

struct mustache_value *
mustache_number(struct mustache_arena *a, double d)
{
	struct mustache_value	*v;

	if ((v = value_new(a, MUSTACHE_NUMBER)) != NULL)
		v->u.number = d;
	return (v);
}

struct mustache_value *
mustache_string_borrow(struct mustache_arena *a, const char *s, size_t len)
{
	struct mustache_value	*v;

	if (s == NULL && len > 0)
		return (NULL);
	if ((v = value_new(a, MUSTACHE_STRING)) != NULL) {
		v->u.string.ptr = s != NULL ? s : "";
		v->u.string.len = len;
	}
	return (v);
}

struct mustache_value *
mustache_string(struct mustache_arena *a, const char *s, size_t len)
{
	char	*copy;

	if (s == NULL && len > 0)
		return (NULL);
	if ((copy = mustache_arena_strndup(a, s, len)) == NULL)
		return (NULL);
	return (mustache_string_borrow(a, copy, len));
}

struct mustache_value *
mustache_cstring(struct mustache_arena *a, const char *s)
{
	if (s == NULL)
		return (NULL);
	return (mustache_string(a, s, strlen(s)));
}

struct mustache_value *
mustache_list(struct mustache_arena *a)
{
	return (value_new(a, MUSTACHE_LIST));
}

struct mustache_value *
mustache_object(struct mustache_arena *a)
{
	return (value_new(a, MUSTACHE_OBJECT));
}

/* Make room for one more element of size elem in *arr; 0 or -1. */
static int
grow_array(struct mustache_arena *a, void **arr, size_t len, size_t *cap,
    size_t elem)
{
	size_t	 ncap;
	void	*n;

	if (len < *cap)
		return (0);
	ncap = *cap == 0 ? 4 : *cap * 2;
	if (ncap > SIZE_MAX / 2 / elem)
		return (-1);
	if ((n = mustache_arena_alloc(a, ncap * elem)) == NULL)
		return (-1);
	if (len > 0)
		memcpy(n, *arr, len * elem);
	*arr = n;
	*cap = ncap;
	return (0);
}

int
mustache_list_push(struct mustache_arena *a, struct mustache_value *list,
    struct mustache_value *item)
{
	if (list == NULL || list->type != MUSTACHE_LIST)
		return (-1);
	if (item == NULL && (item = mustache_null(a)) == NULL)
		return (-1);
	if (grow_array(a, (void **)&list->u.list.items, list->u.list.len,
	    &list->u.list.cap, sizeof(*list->u.list.items)) == -1)
		return (-1);
	list->u.list.items[list->u.list.len++] = item;
	return (0);
}

const struct mustache_value *
mustache_object_get(const struct mustache_value *obj, const char *key,
    size_t key_len)
{
	const struct mustache_member	*m, *end;

	if (obj == NULL || obj->type != MUSTACHE_OBJECT ||
	    obj->u.object.len == 0)
		return (NULL);
	m = obj->u.object.members;
	end = m + obj->u.object.len;
	for (; m < end; m++) {
		if (m->key_len == key_len &&
		    (key_len == 0 || (m->key[0] == key[0] &&
		    memcmp(m->key, key, key_len) == 0)))
			return (m->value);
	}
	return (NULL);
}

int
mustache_object_set_n(struct mustache_arena *a, struct mustache_value *obj,
    const char *key, size_t key_len, struct mustache_value *value)
{
	struct mustache_member	*m;
	size_t			 i;

	if (obj == NULL || obj->type != MUSTACHE_OBJECT ||
	    (key == NULL && key_len > 0))
		return (-1);
	if (key == NULL)
		key = "";
	if (value == NULL && (value = mustache_null(a)) == NULL)
		return (-1);
	for (i = 0; i < obj->u.object.len; i++) {
		m = &obj->u.object.members[i];
		if (m->key_len == key_len &&
		    memcmp(m->key, key, key_len) == 0) {
			m->value = value;
			return (0);
		}
	}
	if (grow_array(a, (void **)&obj->u.object.members, obj->u.object.len,
	    &obj->u.object.cap, sizeof(*obj->u.object.members)) == -1)
		return (-1);
	m = &obj->u.object.members[obj->u.object.len++];
	m->key = key;
	m->key_len = key_len;
	m->value = value;
	return (0);
}

int
mustache_object_set(struct mustache_arena *a, struct mustache_value *obj,
    const char *key, struct mustache_value *value)
{
	if (key == NULL)
		return (-1);
	return (mustache_object_set_n(a, obj, key, strlen(key), value));
}

/* Ensure room for n more bytes plus a terminator.  0 or -1. */
int
buf_grow(struct mustache_buf *b, size_t n)
{
	size_t	 ncap;
	char	*p;

	if (n > SIZE_MAX / 4 - b->len)
		return (-1);
	if (b->len + n < b->cap)
		return (0);
	ncap = b->cap < 256 ? 256 : b->cap;
	while (ncap <= b->len + n)
		ncap *= 2;
	if ((p = realloc(b->data, ncap)) == NULL)
		return (-1);
	b->data = p;
	b->cap = ncap;
	return (0);
}

void
mustache_buf_reset(struct mustache_buf *b)
{
	if (b == NULL)
		return;
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
mustache_buf_free(struct mustache_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}
