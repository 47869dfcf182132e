/*
 * Static assets: every file of DAYBOOK_ASSET_DIR is read once in the parent
 * and served from memory at a versioned URL, /assets/HASH/NAME, where HASH
 * is a digest of the content: browsers may keep it for a year, and a new
 * build gets new URLs.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "daybook.h"

#define ASSETS_MAX		32
#define ASSET_SIZE_MAX		(1024 * 1024)
#define ASSET_HASH_LEN		16	/* hex digits in the URL */

int	page_asset(struct http_request *);

struct asset {
	char		name[64];
	char		url[128];
	const char	*type;
	u_int8_t	*data;
	size_t		len;
};

static struct asset	assets[ASSETS_MAX];
static size_t		nassets;

static int	asset_read(struct asset *, const char *, const char *,
		    char *, size_t);
static const char	*asset_type(const char *);

/* Returns 1, or 0 with a one-line reason in error. */
int
dbk_assets_load(const char *dir, char *error, size_t errlen)
{
	DIR		*d;
	struct dirent	*de;
	int		ok;

	if ((d = opendir(dir)) == NULL) {
		(void)snprintf(error, errlen, "DAYBOOK_ASSET_DIR: %s: %s",
		    dir, strerror(errno));
		return (0);
	}

	ok = 1;
	while (ok && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (nassets == ASSETS_MAX) {
			(void)snprintf(error, errlen, "assets: more than %d "
			    "files in %s", ASSETS_MAX, dir);
			ok = 0;
			break;
		}
		ok = asset_read(&assets[nassets], dir, de->d_name, error,
		    errlen);
		if (ok)
			nassets++;
	}
	(void)closedir(d);

	return (ok);
}

static int
asset_read(struct asset *a, const char *dir, const char *name, char *error,
    size_t errlen)
{
	struct stat	st;
	char		path[512];
	u_int8_t	digest[32];
	char		hex[65];
	ssize_t		n;
	int		fd, ok;

	ok = 0;
	fd = -1;
	if (strlen(name) >= sizeof(a->name) ||
	    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path)) {
		(void)snprintf(error, errlen, "assets: name too long: %s",
		    name);
		goto out;
	}
	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &st) == -1) {
		(void)snprintf(error, errlen, "assets: %s: %s", path,
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > ASSET_SIZE_MAX) {
		(void)snprintf(error, errlen, "assets: %s: not a regular "
		    "file of at most %d bytes", path, ASSET_SIZE_MAX);
		goto out;
	}

	a->len = (size_t)st.st_size;
	a->data = kore_malloc(a->len + 1);
	if ((n = read(fd, a->data, a->len)) != (ssize_t)a->len) {
		(void)snprintf(error, errlen, "assets: %s: short read", path);
		goto out;
	}

	crypto_generichash(digest, sizeof(digest), a->data, a->len, NULL, 0);
	(void)sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
	hex[ASSET_HASH_LEN] = '\0';

	(void)kore_strlcpy(a->name, name, sizeof(a->name));
	(void)snprintf(a->url, sizeof(a->url), "/assets/%s/%s", hex, name);
	a->type = asset_type(name);
	ok = 1;

out:
	if (fd != -1)
		(void)close(fd);
	return (ok);
}

static const char *
asset_type(const char *name)
{
	const char	*ext;

	if ((ext = strrchr(name, '.')) == NULL)
		return ("application/octet-stream");
	if (!strcmp(ext, ".css"))
		return ("text/css; charset=utf-8");
	if (!strcmp(ext, ".svg"))
		return ("image/svg+xml");
	if (!strcmp(ext, ".png"))
		return ("image/png");
	if (!strcmp(ext, ".ico"))
		return ("image/x-icon");
	if (!strcmp(ext, ".txt"))
		return ("text/plain; charset=utf-8");

	return ("application/octet-stream");
}

void
dbk_assets_unload(void)
{
	size_t		i;

	for (i = 0; i < nassets; i++) {
		kore_free(assets[i].data);
		assets[i].data = NULL;
	}
	nassets = 0;
}

/* The versioned URL of asset name; "" when there is no such asset. */
const char *
dbk_asset_url(const char *name)
{
	size_t		i;

	for (i = 0; i < nassets; i++) {
		if (!strcmp(assets[i].name, name))
			return (assets[i].url);
	}

	return ("");
}

/* GET /assets/HASH/NAME: only the current version exists. */
int
page_asset(struct http_request *req)
{
	size_t		i;

	(void)dbk_request_get(req, 0);

	for (i = 0; i < nassets; i++) {
		if (strcmp(assets[i].url, req->path))
			continue;
		http_response_header(req, "cache-control",
		    "public, max-age=31536000, immutable");
		dbk_respond(req, HTTP_STATUS_OK, assets[i].type,
		    assets[i].data, assets[i].len);
		return (KORE_RESULT_OK);
	}

	dbk_respond_error(req, HTTP_STATUS_NOT_FOUND);
	return (KORE_RESULT_OK);
}
