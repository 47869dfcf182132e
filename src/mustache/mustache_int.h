/*
 * mustache_int.h - internals shared by the engine's .c files.  Not API.
 */
#ifndef MUSTACHE_INT_H
#define MUSTACHE_INT_H

#include "mustache.h"

#define MUSTACHE_DEPTH_MAX	256	/* hard cap of limits.max_depth */
#define MUSTACHE_INDENT_MAX	4096	/* bytes of accumulated indentation */
#define MUSTACHE_DELIM_MAX	32	/* bytes of one delimiter */

enum node_type {
	NODE_TEXT,
	NODE_VAR,		/* {{x}}, escaped */
	NODE_RAW,		/* {{{x}}} or {{&x}} */
	NODE_SECTION,
	NODE_INVERTED,
	NODE_PARTIAL,
	NODE_PARENT,
	NODE_BLOCK
};

#define NODE_STANDALONE	0x01	/* the tag stood alone on its line */
#define NODE_DYNAMIC	0x02	/* {{>*x}} / {{<*x}}: name is looked up */
#define NODE_BOL	0x04	/* text node starts at a line start */

struct name_part {
	const char	*ptr;
	size_t		 len;
};

/* A dotted name; nparts == 0 is the implicit iterator ".". */
struct name {
	struct name_part	*parts;
	unsigned		 nparts;
	const char		*raw;	/* whole name, for messages/lookup */
	size_t			 raw_len;
};

struct node;

struct body {
	struct node	*nodes;
	size_t		 len;
};

struct node {
	unsigned char	 type;
	unsigned char	 flags;
	unsigned	 line;
	unsigned	 column;
	union {
		struct {
			char	*ptr;
			size_t	 len;
		} text;
		struct name	 var;
		struct {
			struct name	 name;
			struct body	 body;
		} section;
		struct {
			struct name			 name;
			const char			*indent;
			size_t				 indent_len;
			const struct mustache_template	*target;
			struct body			 blocks; /* parent only */
		} partial;
		struct {
			struct name	 name;
			struct body	 body;
			const char	*indent;	/* of the tag's line */
			size_t		 indent_len;
			const char	*intrinsic;	/* added at expansion */
			size_t		 intrinsic_len;
		} block;
	} u;
};

struct mustache_template {
	const struct mustache_set	*set;
	char				*name;
	char				*source;	/* owned, mutable copy */
	size_t				 source_len;
	struct body			 root;
	struct mustache_template	*hash_next;
	struct mustache_template	*all_next;
};

struct mustache_set {
	int			(*loader)(void *, const char *, char **,
				    size_t *);
	void			*loader_ctx;
	char			*dir;		/* for mustache_set_new_dir */
	const char		*suffix;	/* appended to names in errors */
	int			 flags;
	struct mustache_limits	 limits;
	struct mustache_arena	*arena;		/* compiled templates */
	struct mustache_template **buckets;
	size_t			 nbuckets;
	size_t			 count;
	struct mustache_template *all;
};

const struct mustache_template	*set_lookup(const struct mustache_set *,
				    const char *, size_t);
void	set_error(struct mustache_error *, const char *, const char *,
	    unsigned, unsigned, const char *, ...)
	    __attribute__((format(printf, 6, 7)));
int	buf_grow(struct mustache_buf *, size_t);

#endif /* MUSTACHE_INT_H */
