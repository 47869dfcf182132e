/*
 * render_main.c - mustache-render [--partials DIR] TEMPLATE_FILE DATA_JSON
 *
 * Writes the rendered text to standard output, exact bytes.  Partial NAME
 * is read from DIR/NAME.mustache; without --partials a template naming a
 * partial is an error.  Any failure: one line on standard error, exit 1
 * (2 for a usage error).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mustache/mustache.h"
#include "mustache/mustache_json.h"

static const char	*prog = "mustache-render";

static void
usage(void)
{
	fprintf(stderr, "usage: %s [--partials DIR] TEMPLATE_FILE "
	    "DATA_JSON_FILE\n", prog);
	exit(2);
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

int
main(int argc, char *argv[])
{
	const char		*partials = NULL, *tpath, *dpath;
	struct mustache_set	*set = NULL;
	struct mustache_arena	*arena = NULL;
	struct mustache_value	*data;
	struct mustache_buf	 out = { 0 };
	struct mustache_error	 err;
	char			*tsrc = NULL, *dsrc = NULL, msg[256];
	size_t			 tlen, dlen;
	int			 i = 1, rc = 1;

	if (argc > 2 && strcmp(argv[1], "--partials") == 0) {
		partials = argv[2];
		i = 3;
	}
	if (argc - i != 2 || argv[i][0] == '-')
		usage();
	tpath = argv[i];
	dpath = argv[i + 1];

	if ((tsrc = read_file(tpath, &tlen)) == NULL) {
		fprintf(stderr, "%s: %s: %s\n", prog, tpath, strerror(errno));
		goto out;
	}
	if ((dsrc = read_file(dpath, &dlen)) == NULL) {
		fprintf(stderr, "%s: %s: %s\n", prog, dpath, strerror(errno));
		goto out;
	}
	set = mustache_set_new(partials != NULL ? mustache_dir_loader : NULL,
	    (void *)partials, 0);
	if (set == NULL || (arena = mustache_arena_new()) == NULL) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto out;
	}
	if (mustache_set_add(set, base_name(tpath), tsrc, tlen, &err) == -1) {
		fprintf(stderr, "%s: %s\n", prog, err.message);
		goto out;
	}
	if ((data = mustache_parse_json(arena, dsrc, dlen, msg,
	    sizeof(msg))) == NULL) {
		fprintf(stderr, "%s: %s:%s\n", prog, dpath, msg);
		goto out;
	}
	if (mustache_render(mustache_set_get(set, base_name(tpath)), data,
	    &out, &err) == -1) {
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
	mustache_set_free(set);
	free(tsrc);
	free(dsrc);
	return (rc);
}
