/*
 * render_main.c - mustache-render [--strict] [--partials DIR] TEMPLATE_FILE
 * DATA_JSON_FILE
 *
 * Writes the rendered text to standard output, exact bytes.  With
 * --partials DIR every DIR/NAME.mustache is compiled up front under the
 * name NAME, so it can be named statically ({{>NAME}}) or dynamically
 * ({{>*key}} where key's value is "NAME").  Names containing "/" or
 * starting with "." never name a file.  A partial that cannot be found
 * renders as "" (spec behaviour); with --strict a statically named one is
 * an error ("unknown partial"), as in daybook's own start-up.  Any
 * failure: one line on standard error, exit 1 (2 for a usage error).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mustache/mustache.h"
#include "mustache/mustache_json.h"

#define USAGE	"usage: %s [--strict] [--partials DIR] TEMPLATE_FILE " \
		"DATA_JSON_FILE\n"

static const char	*prog = "mustache-render";

struct options {
	const char	*partials;	/* DIR, or NULL */
	const char	*tpath;
	const char	*dpath;
	int		 strict;
};

static void
usage(void)
{
	fprintf(stderr, USAGE, prog);
	exit(2);
}

/* --help: the usage line and what the options do, on stdout, exit 0. */
static void
help(void)
{
	printf(USAGE, prog);
	printf("Render TEMPLATE_FILE with the JSON in DATA_JSON_FILE as its "
	    "context to stdout.\n"
	    "  --partials DIR  compile every DIR/NAME.mustache as partial "
	    "NAME, for\n"
	    "                  {{>NAME}} and dynamic names {{>*key}}; names "
	    "with \"/\"\n"
	    "                  or a leading \".\" are never read\n"
	    "  --strict        a missing partial is an error (default: it "
	    "renders as \"\",\n"
	    "                  as the Mustache spec says)\n");
	exit(0);
}

/* Fill o from the command line, or exit through usage() or help(). */
static void
parse_args(int argc, char *argv[], struct options *o)
{
	int	 i;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--help") == 0)
			help();
		else if (strcmp(argv[i], "--strict") == 0)
			o->strict = 1;
		else if (strcmp(argv[i], "--partials") == 0 && i + 1 < argc)
			o->partials = argv[++i];
		else
			usage();
	}
	if (argc - i != 2 || argv[i][0] == '-')
		usage();
	o->tpath = argv[i];
	o->dpath = argv[i + 1];
}

/* Read a whole file into a malloc'd buffer; NULL with errno on failure. */
static char *
read_file(const char *path, size_t *len)
{
	FILE	*fp;
	char	*buf = NULL, *nb;
	size_t	 cap = 0, n;

	*len = 0;
	if ((fp = fopen(path, "rb")) == NULL)
		return (NULL);
	for (;;) {
		if (cap - *len < 65536) {
			cap = cap == 0 ? 65536 : cap * 2;
			if ((nb = realloc(buf, cap)) == NULL)
				goto fail;
			buf = nb;
		}
		n = fread(buf + *len, 1, cap - *len, fp);
		*len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp)) {
		errno = EIO;
		goto fail;
	}
	fclose(fp);
	return (buf);
fail:
	free(buf);
	fclose(fp);
	return (NULL);
}

static const char *
base_name(const char *path)
{
	const char	*s = strrchr(path, '/');

	return (s != NULL ? s + 1 : path);
}

/*
 * A set holding the template tsrc[0..tlen) under its file's base name and,
 * with --partials, every DIR/NAME.mustache (so that dynamic names find
 * them).  Returns NULL after printing the error.
 */
static struct mustache_set *
compile_set(const struct options *o, const char *tsrc, size_t tlen)
{
	struct mustache_set	*set, *ok = NULL;
	struct mustache_error	 err;

	set = mustache_set_new(o->partials != NULL ? mustache_dir_loader :
	    NULL, (void *)o->partials, o->strict ? 0 :
	    MUSTACHE_MISSING_PARTIAL_EMPTY);
	if (set == NULL) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto out;
	}
	if (mustache_set_add(set, base_name(o->tpath), tsrc, tlen,
	    &err) == -1 || (o->partials != NULL &&
	    mustache_set_compile_dir(set, o->partials, &err) == -1)) {
		fprintf(stderr, "%s: %s\n", prog, err.message);
		goto out;
	}
	ok = set;
	set = NULL;
out:
	mustache_set_free(set);
	return (ok);
}

/*
 * Render the template tname of set with the JSON dsrc[0..dlen) (read from
 * dpath) to stdout.  Returns 0, or -1 after printing the error.
 */
static int
render(const struct mustache_set *set, const char *tname, const char *dpath,
    const char *dsrc, size_t dlen)
{
	struct mustache_arena	*arena;
	struct mustache_value	*data;
	struct mustache_buf	 out = { 0 };
	struct mustache_error	 err;
	char			 msg[256];
	int			 rc = -1;

	if ((arena = mustache_arena_new()) == NULL) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto out;
	}
	if ((data = mustache_parse_json(arena, dsrc, dlen, msg,
	    sizeof(msg))) == NULL) {
		fprintf(stderr, "%s: %s:%s\n", prog, dpath, msg);
		goto out;
	}
	if (mustache_render(mustache_set_get(set, tname), data, &out,
	    &err) == -1) {
		fprintf(stderr, "%s: %s\n", prog, err.message);
		goto out;
	}
	if (fwrite(out.data, 1, out.len, stdout) != out.len ||
	    fflush(stdout) != 0) {
		fprintf(stderr, "%s: stdout: %s\n", prog, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	mustache_buf_free(&out);
	mustache_arena_free(arena);
	return (rc);
}

int
main(int argc, char *argv[])
{
	struct options		 o;
	struct mustache_set	*set = NULL;
	char			*tsrc = NULL, *dsrc = NULL;
	size_t			 tlen, dlen;
	int			 rc = 1;

	parse_args(argc, argv, &o);
	if ((tsrc = read_file(o.tpath, &tlen)) == NULL) {
		fprintf(stderr, "%s: %s: %s\n", prog, o.tpath,
		    strerror(errno));
		goto out;
	}
	if ((dsrc = read_file(o.dpath, &dlen)) == NULL) {
		fprintf(stderr, "%s: %s: %s\n", prog, o.dpath,
		    strerror(errno));
		goto out;
	}
	if ((set = compile_set(&o, tsrc, tlen)) == NULL)
		goto out;
	if (render(set, base_name(o.tpath), o.dpath, dsrc, dlen) == 0)
		rc = 0;
out:
	mustache_set_free(set);
	free(tsrc);
	free(dsrc);
	return (rc);
}
