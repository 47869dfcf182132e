/*
 * Rendered task pages, per worker; see pagecache.h.  A few entries, the
 * least recently used one replaced, each at most PAGE_MAX bytes.
 */

#include <string.h>

#include "pagecache.h"

#define ENTRIES		16
#define PAGE_MAX	(256 * 1024)

struct entry {
	struct dbk_pagekey	key;
	char			*html;
	size_t			len;
	u_int64_t		used;
};

static struct entry	cache[ENTRIES];
static u_int64_t	clock_tick;

void
dbk_pagekey_init(struct dbk_pagekey *key, struct dbk_auth *auth,
    u_int64_t version, int filter, const char *today)
{
	memset(key, 0, sizeof(*key));
	key->uid = auth->user.id;
	key->version = version;
	key->filter = filter;
	key->is_admin = auth->user.is_admin;	/* the nav's Admin link */
	(void)kore_strlcpy(key->today, today, sizeof(key->today));
	memcpy(key->session, auth->token_hash, sizeof(key->session));
	(void)snprintf(key->names, sizeof(key->names), "%s\n%s",
	    auth->user.email, auth->user.display_name);
}

static int
key_equal(const struct dbk_pagekey *a, const struct dbk_pagekey *b)
{
	return (a->uid == b->uid && a->version == b->version &&
	    a->filter == b->filter && a->is_admin == b->is_admin &&
	    !strcmp(a->today, b->today) &&
	    !memcmp(a->session, b->session, sizeof(a->session)) &&
	    !strcmp(a->names, b->names));
}

/* The page kept for key, or NULL; valid until the next put. */
const char *
dbk_pagecache_get(const struct dbk_pagekey *key, size_t *len)
{
	size_t		i;

	for (i = 0; i < ENTRIES; i++) {
		if (cache[i].html == NULL || !key_equal(&cache[i].key, key))
			continue;
		cache[i].used = ++clock_tick;
		*len = cache[i].len;
		return (cache[i].html);
	}

	return (NULL);
}

/* Keep a copy of html for key, replacing the least recently used page. */
void
dbk_pagecache_put(const struct dbk_pagekey *key, const char *html, size_t len)
{
	struct entry	*e;
	size_t		i;

	if (len > PAGE_MAX)
		return;

	e = &cache[0];
	for (i = 0; i < ENTRIES; i++) {
		if (cache[i].html != NULL && cache[i].key.uid == key->uid &&
		    !memcmp(cache[i].key.session, key->session,
		    sizeof(key->session)) && cache[i].key.filter == key->filter) {
			e = &cache[i];		/* this session's older page */
			break;
		}
		if (cache[i].used < e->used)
			e = &cache[i];
	}

	kore_free(e->html);
	e->html = kore_malloc(len);
	memcpy(e->html, html, len);
	e->len = len;
	e->key = *key;
	e->used = ++clock_tick;
}

void
dbk_pagecache_worker_teardown(void)
{
	size_t		i;

	for (i = 0; i < ENTRIES; i++) {
		kore_free(cache[i].html);
		cache[i].html = NULL;
	}
}
