/*
 * compile.h - internal interface between the set and the parser.
 */
#ifndef MUSTACHE_COMPILE_H
#define MUSTACHE_COMPILE_H

#include "mustache_int.h"

/* Static partial/parent names referenced by a template being compiled. */
struct ref {
	char		*name;		/* malloc'd */
	unsigned	 line;
	unsigned	 column;
};

struct refs {
	struct ref	*v;
	size_t		 len;
	size_t		 cap;
};

int	refs_add(struct refs *, const char *, size_t, unsigned, unsigned);
void	refs_clear(struct refs *);

/*
 * Parse t->source into t->root.  Static partial names are appended to
 * refs.  Returns 0, or -1 with err filled.
 */
int	compile_template(struct mustache_set *, struct mustache_template *,
	    struct refs *, struct mustache_error *);

#endif /* MUSTACHE_COMPILE_H */
