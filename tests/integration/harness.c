/*
 * Integration-test helpers: an HTTP client on libcurl, HTML and header
 * scraping, polling with a bound, and shell commands for the stack.
 * See harness.h for the contracts.
 */

#include <sys/wait.h>

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <mysql.h>

#include "harness.h"

#define POLL_INTERVAL_MS	20

struct harness_client {
	CURL			*curl;
	char			*base_url;
	int			follow;
	long			timeout_ms;
	struct curl_slist	*headers;
};

struct harness_bg {
	pthread_t		thread;
	struct harness_client	*client;
	char			*path;
	struct harness_response	resp;
	int			rc;
};

/* A growing buffer that always keeps a NUL after its data. */
struct buf {
	char	*data;
	size_t	len;
	size_t	cap;
	int	failed;
};

static pthread_once_t	curl_once = PTHREAD_ONCE_INIT;
static int		curl_init_rc = -1;

static void
curl_init_once(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_ALL) == CURLE_OK ? 0 : -1;
}

static const char *
env_or(const char *name, const char *fallback)
{
	const char	*value = getenv(name);

	return (value != NULL && *value != '\0') ? value : fallback;
}

const char *
harness_url(void)
{
	return env_or("DAYBOOK_TEST_URL", HARNESS_URL_DEFAULT);
}

const char *
harness_url_one_worker(void)
{
	return env_or("DAYBOOK_TEST_URL_ONE_WORKER",
	    HARNESS_URL_ONE_WORKER_DEFAULT);
}

static int
buf_append(struct buf *b, const char *data, size_t len)
{
	char	*grown;
	size_t	cap;

	if (b->failed)
		return -1;
	if (b->len + len + 1 > b->cap) {
		cap = b->cap ? b->cap : 1024;
		while (cap < b->len + len + 1)
			cap *= 2;
		if ((grown = realloc(b->data, cap)) == NULL) {
			b->failed = 1;
			return -1;
		}
		b->data = grown;
		b->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	if (buf_append(arg, data, size * nmemb) == -1)
		return 0;
	return size * nmemb;
}

/* Keep only the last response's headers when redirects are followed. */
static size_t
on_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct buf	*b = arg;
	size_t		len = size * nmemb;

	if (len >= 5 && strncmp(data, "HTTP/", 5) == 0)
		b->len = 0;
	if (buf_append(b, data, len) == -1)
		return 0;
	return len;
}

struct harness_client *
harness_client_new(const char *base_url)
{
	struct harness_client	*client;

	pthread_once(&curl_once, curl_init_once);
	if (curl_init_rc != 0)
		return NULL;
	if ((client = calloc(1, sizeof(*client))) == NULL)
		return NULL;
	client->timeout_ms = HARNESS_TIMEOUT_MS_DEFAULT;
	client->base_url = strdup(base_url ? base_url : harness_url());
	client->curl = curl_easy_init();
	if (client->base_url == NULL || client->curl == NULL) {
		harness_client_free(client);
		return NULL;
	}
	/* "" turns on the in-memory cookie engine without reading a file. */
	curl_easy_setopt(client->curl, CURLOPT_COOKIEFILE, "");
	curl_easy_setopt(client->curl, CURLOPT_NOSIGNAL, 1L);
	/*
	 * Kore answers 408 on a keep-alive connection that stays idle longer
	 * than http_header_timeout (10 s) and closes it; a client that reuses
	 * such a connection would read that 408 as its answer.  Open a fresh
	 * connection after 5 s of idleness instead, as browsers effectively
	 * do.
	 */
	curl_easy_setopt(client->curl, CURLOPT_MAXAGE_CONN, 5L);
	curl_easy_setopt(client->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(client->curl, CURLOPT_HEADERFUNCTION, on_header);
	return client;
}

void
harness_client_free(struct harness_client *client)
{
	if (client == NULL)
		return;
	if (client->curl != NULL)
		curl_easy_cleanup(client->curl);
	curl_slist_free_all(client->headers);
	free(client->base_url);
	free(client);
}

void
harness_client_follow(struct harness_client *client, int follow)
{
	client->follow = follow;
}

void
harness_client_timeout(struct harness_client *client, long ms)
{
	client->timeout_ms = ms;
}

int
harness_client_header(struct harness_client *client, const char *header)
{
	struct curl_slist	*list;

	if ((list = curl_slist_append(client->headers, header)) == NULL)
		return -1;
	client->headers = list;
	return 0;
}

/* The full URL for path: a new string, or NULL when out of memory. */
static char *
full_url(const struct harness_client *client, const char *path)
{
	char	*url;

	if (strncmp(path, "http://", 7) == 0 ||
	    strncmp(path, "https://", 8) == 0)
		return strdup(path);
	if (asprintf(&url, "%s%s", client->base_url, path) == -1)
		return NULL;
	return url;
}

/* Request headers: the client's own plus content_type; NULL on ENOMEM. */
static struct curl_slist *
request_headers(const struct harness_client *client, const char *content_type,
    int *failed)
{
	struct curl_slist	*list = NULL, *next;
	const struct curl_slist	*h;
	char			 line[256];

	*failed = 0;
	for (h = client->headers; h != NULL; h = h->next) {
		if ((next = curl_slist_append(list, h->data)) == NULL)
			goto fail;
		list = next;
	}
	/* No "Expect: 100-continue" round trip for larger bodies. */
	if ((next = curl_slist_append(list, "Expect:")) == NULL)
		goto fail;
	list = next;
	if (content_type != NULL) {
		snprintf(line, sizeof(line), "Content-Type: %s", content_type);
		if ((next = curl_slist_append(list, line)) == NULL)
			goto fail;
		list = next;
	}
	return list;
fail:
	curl_slist_free_all(list);
	*failed = 1;
	return NULL;
}

static void
response_init(struct harness_response *resp)
{
	memset(resp, 0, sizeof(*resp));
}

/*
 * Options for the next request.  The handle is reused (for its cookie jar
 * and live connections), so everything a previous request may have set is
 * put back: GET, no custom method, body wanted.  Not curl_easy_reset(): it
 * leaks the cookie engine's settings.
 */
static void
setup_handle(struct harness_client *client, const char *url,
    struct buf *body, struct buf *headers, char *errbuf)
{
	CURL	*curl = client->curl;

	curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(curl, CURLOPT_NOBODY, 0L);
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, NULL);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, client->timeout_ms);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, client->timeout_ms);
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, client->follow ? 1L : 0L);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, headers);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
}

/* Run the prepared request and move its results into resp. */
static int
perform(struct harness_client *client, struct buf *body, struct buf *headers,
    char *errbuf, struct harness_response *resp)
{
	CURLcode	code;
	double		total = 0;
	int		rc = -1;

	code = curl_easy_perform(client->curl);
	curl_easy_setopt(client->curl, CURLOPT_ERRORBUFFER, NULL);
	if (code != CURLE_OK) {
		snprintf(resp->error, sizeof(resp->error), "%s",
		    errbuf[0] ? errbuf : curl_easy_strerror(code));
		goto done;
	}
	if (body->failed || headers->failed) {
		snprintf(resp->error, sizeof(resp->error), "out of memory");
		goto done;
	}
	curl_easy_getinfo(client->curl, CURLINFO_RESPONSE_CODE, &resp->status);
	curl_easy_getinfo(client->curl, CURLINFO_TOTAL_TIME, &total);
	resp->elapsed_ms = total * 1000.0;
	rc = 0;
done:
	/* Empty buffers still hand back "" so callers may use strstr(). */
	if (body->data == NULL)
		buf_append(body, "", 0);
	if (headers->data == NULL)
		buf_append(headers, "", 0);
	resp->body = body->data;
	resp->body_len = body->len;
	resp->headers = headers->data;
	resp->headers_len = headers->len;
	return rc;
}

int
harness_request(struct harness_client *client, const char *method,
    const char *path, const char *content_type, const char *body_data,
    size_t body_len, struct harness_response *resp)
{
	struct buf		 body = { 0 }, headers = { 0 };
	struct curl_slist	*list = NULL;
	char			 errbuf[CURL_ERROR_SIZE] = "";
	char			*url;
	int			 failed, rc = -1;

	response_init(resp);
	if ((url = full_url(client, path)) == NULL) {
		snprintf(resp->error, sizeof(resp->error), "out of memory");
		goto done;
	}
	list = request_headers(client, content_type, &failed);
	if (failed) {
		snprintf(resp->error, sizeof(resp->error), "out of memory");
		goto done;
	}
	setup_handle(client, url, &body, &headers, errbuf);
	curl_easy_setopt(client->curl, CURLOPT_HTTPHEADER, list);
	/* POST through POSTFIELDS alone, so that a followed 303 is a GET. */
	if (strcmp(method, "POST") == 0 && body_data == NULL)
		body_data = "";
	if (body_data != NULL) {
		curl_easy_setopt(client->curl, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)body_len);
		curl_easy_setopt(client->curl, CURLOPT_POSTFIELDS, body_data);
	}
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(client->curl, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0)
		curl_easy_setopt(client->curl, CURLOPT_CUSTOMREQUEST, method);
	rc = perform(client, &body, &headers, errbuf, resp);
	curl_easy_setopt(client->curl, CURLOPT_HTTPHEADER, NULL);
done:
	if (resp->body == NULL) {
		free(body.data);
		free(headers.data);
		resp->body = strdup("");
		resp->headers = strdup("");
	}
	curl_slist_free_all(list);
	free(url);
	return rc;
}

int
harness_get(struct harness_client *client, const char *path,
    struct harness_response *resp)
{
	return harness_request(client, "GET", path, NULL, NULL, 0, resp);
}

int
harness_post_form(struct harness_client *client, const char *path,
    const char *urlencoded, struct harness_response *resp)
{
	return harness_request(client, "POST", path,
	    "application/x-www-form-urlencoded", urlencoded,
	    strlen(urlencoded), resp);
}

/* Add one part to mime; -1 when curl refuses it. */
static int
add_part(curl_mime *mime, const struct harness_part *part)
{
	curl_mimepart	*mp;

	if ((mp = curl_mime_addpart(mime)) == NULL)
		return -1;
	if (curl_mime_name(mp, part->name) != CURLE_OK)
		return -1;
	if (part->data != NULL) {
		if (curl_mime_data(mp, part->data, part->data_len) != CURLE_OK)
			return -1;
	} else if (curl_mime_data(mp, part->value ? part->value : "",
	    CURL_ZERO_TERMINATED) != CURLE_OK) {
		return -1;
	}
	if (part->filename != NULL &&
	    curl_mime_filename(mp, part->filename) != CURLE_OK)
		return -1;
	if (part->content_type != NULL &&
	    curl_mime_type(mp, part->content_type) != CURLE_OK)
		return -1;
	return 0;
}

int
harness_post_multipart(struct harness_client *client, const char *path,
    const struct harness_part *parts, size_t nparts,
    struct harness_response *resp)
{
	struct buf		 body = { 0 }, headers = { 0 };
	struct curl_slist	*list = NULL;
	curl_mime		*mime = NULL;
	char			 errbuf[CURL_ERROR_SIZE] = "";
	char			*url;
	size_t			 i;
	int			 failed, rc = -1;

	response_init(resp);
	if ((url = full_url(client, path)) == NULL)
		goto oom;
	list = request_headers(client, NULL, &failed);
	if (failed)
		goto oom;
	if ((mime = curl_mime_init(client->curl)) == NULL)
		goto oom;
	for (i = 0; i < nparts; i++) {
		if (add_part(mime, &parts[i]) == -1)
			goto oom;
	}
	setup_handle(client, url, &body, &headers, errbuf);
	curl_easy_setopt(client->curl, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(client->curl, CURLOPT_MIMEPOST, mime);
	rc = perform(client, &body, &headers, errbuf, resp);
	curl_easy_setopt(client->curl, CURLOPT_MIMEPOST, NULL);
	curl_easy_setopt(client->curl, CURLOPT_HTTPHEADER, NULL);
	goto done;
oom:
	snprintf(resp->error, sizeof(resp->error), "out of memory");
done:
	if (resp->body == NULL) {
		free(body.data);
		free(headers.data);
		resp->body = strdup("");
		resp->headers = strdup("");
	}
	curl_mime_free(mime);
	curl_slist_free_all(list);
	free(url);
	return rc;
}

void
harness_response_free(struct harness_response *resp)
{
	if (resp == NULL)
		return;
	free(resp->headers);
	free(resp->body);
	resp->headers = NULL;
	resp->body = NULL;
	resp->headers_len = resp->body_len = 0;
}

/* Header line [line, end) named name?  Sets *value to after the colon. */
static int
header_is(const char *line, const char *end, const char *name,
    const char **value)
{
	size_t		namelen = strlen(name);

	if ((size_t)(end - line) <= namelen || line[namelen] != ':')
		return 0;
	if (strncasecmp(line, name, namelen) != 0)
		return 0;
	*value = line + namelen + 1;
	return 1;
}

/* Walk the header lines; returns the count of name, *last the last one. */
static size_t
find_header(const struct harness_response *resp, const char *name,
    const char **last, size_t *last_len)
{
	const char	*line, *end, *value, *stop;
	size_t		 count = 0;

	*last = NULL;
	*last_len = 0;
	if (resp->headers == NULL)
		return 0;
	stop = resp->headers + resp->headers_len;
	for (line = resp->headers; line < stop; line = end + 1) {
		if ((end = memchr(line, '\n', stop - line)) == NULL)
			end = stop;
		if (!header_is(line, end, name, &value))
			continue;
		while (value < end && (*value == ' ' || *value == '\t'))
			value++;
		*last = value;
		*last_len = end - value;
		while (*last_len > 0 && isspace((unsigned char)
		    value[*last_len - 1]))
			(*last_len)--;
		count++;
		if (end == stop)
			break;
	}
	return count;
}

char *
harness_header(const struct harness_response *resp, const char *name)
{
	const char	*value;
	size_t		 len;

	if (find_header(resp, name, &value, &len) == 0)
		return NULL;
	return strndup(value, len);
}

size_t
harness_header_count(const struct harness_response *resp, const char *name)
{
	const char	*value;
	size_t		 len;

	return find_header(resp, name, &value, &len);
}

/* s with the common HTML entities decoded; caller frees. */
static char *
html_unescape(const char *s, size_t len)
{
	static const struct { const char *entity; char c; } entities[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&quot;", '"' }, { "&#39;", '\'' }, { "&#x27;", '\'' },
		{ "&#34;", '"' },
	};
	char	*out, *o;
	size_t	 i, n, elen;

	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	o = out;
	for (i = 0; i < len; ) {
		for (n = 0; n < sizeof(entities) / sizeof(entities[0]); n++) {
			elen = strlen(entities[n].entity);
			if (len - i >= elen &&
			    strncmp(s + i, entities[n].entity, elen) == 0)
				break;
		}
		if (n < sizeof(entities) / sizeof(entities[0])) {
			*o++ = entities[n].c;
			i += elen;
		} else {
			*o++ = s[i++];
		}
	}
	*o = '\0';
	return out;
}

/*
 * Parse one attribute at *p (inside a tag ending at end): sets name and
 * value spans (value NULL when the attribute has none) and advances *p.
 * Returns 0 at the end of the tag.
 */
static int
next_attribute(const char **p, const char *end, const char **name,
    size_t *name_len, const char **value, size_t *value_len)
{
	const char	*s = *p;
	char		 quote;

	while (s < end && (isspace((unsigned char)*s) || *s == '/'))
		s++;
	if (s >= end)
		return 0;
	*name = s;
	while (s < end && !isspace((unsigned char)*s) && *s != '=' &&
	    *s != '/')
		s++;
	*name_len = s - *name;
	*value = NULL;
	*value_len = 0;
	if (s < end && *s == '=') {
		s++;
		if (s < end && (*s == '"' || *s == '\'')) {
			quote = *s++;
			*value = s;
			while (s < end && *s != quote)
				s++;
			*value_len = s - *value;
			if (s < end)
				s++;
		} else {
			*value = s;
			while (s < end && !isspace((unsigned char)*s))
				s++;
			*value_len = s - *value;
		}
	}
	*p = s;
	return *name_len > 0 || s < end;
}

/* The value attribute of the tag [tag, end) if its name is want. */
static char *
input_value(const char *tag, const char *end, const char *want)
{
	const char	*p = tag, *name, *value, *found = NULL;
	size_t		 name_len, value_len, found_len = 0;
	int		 matches = 0;

	while (next_attribute(&p, end, &name, &name_len, &value, &value_len)) {
		if (name_len == 4 && strncasecmp(name, "name", 4) == 0 &&
		    value != NULL && value_len == strlen(want) &&
		    strncmp(value, want, value_len) == 0)
			matches = 1;
		if (name_len == 5 && strncasecmp(name, "value", 5) == 0) {
			found = value ? value : "";
			found_len = value_len;
		}
	}
	if (!matches)
		return NULL;
	return html_unescape(found ? found : "", found_len);
}

char *
harness_input_value(const char *html, const char *name)
{
	const char	*p, *end;
	char		*value;

	if (html == NULL || name == NULL)
		return NULL;
	for (p = html; (p = strcasestr(p, "<input")) != NULL; p = end) {
		p += strlen("<input");
		if ((end = strchr(p, '>')) == NULL)
			return NULL;
		if ((value = input_value(p, end, name)) != NULL)
			return value;
	}
	return NULL;
}

char *
harness_urlencode(const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p;
	char			*out, *o;

	if ((out = malloc(strlen(s) * 3 + 1)) == NULL)
		return NULL;
	o = out;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (isalnum(*p) || strchr("-._~", *p) != NULL) {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 0x0f];
		}
	}
	*o = '\0';
	return out;
}

/*
 * Split a Netscape cookie line (domain flag path secure expiry name value,
 * tab-separated) in place; returns the number of fields found.
 */
static int
split_cookie_line(char *line, char *fields[7])
{
	int	n = 0;
	char	*tab;

	fields[n++] = line;
	while (n < 7 && (tab = strchr(fields[n - 1], '\t')) != NULL) {
		*tab = '\0';
		fields[n++] = tab + 1;
	}
	return n;
}

char *
harness_cookie(struct harness_client *client, const char *name)
{
	struct curl_slist	*cookies = NULL, *c;
	char			*fields[7], *line, *value = NULL;

	if (curl_easy_getinfo(client->curl, CURLINFO_COOKIELIST, &cookies) !=
	    CURLE_OK)
		return NULL;
	for (c = cookies; c != NULL && value == NULL; c = c->next) {
		if ((line = strdup(c->data)) == NULL)
			break;
		if (split_cookie_line(line, fields) == 7 &&
		    strcmp(fields[5], name) == 0)
			value = strdup(fields[6]);
		free(line);
	}
	curl_slist_free_all(cookies);
	return value;
}

void
harness_cookies_clear(struct harness_client *client)
{
	curl_easy_setopt(client->curl, CURLOPT_COOKIELIST, "ALL");
}

double
harness_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

int
harness_poll_until(int (*fn)(void *), void *arg, long timeout_ms)
{
	struct timespec	interval = { 0, POLL_INTERVAL_MS * 1000000L };
	double		deadline = harness_now_ms() + timeout_ms;

	for (;;) {
		if (fn(arg))
			return 1;
		if (harness_now_ms() >= deadline)
			return 0;
		nanosleep(&interval, NULL);
	}
}

int
harness_run(const char *fmt, ...)
{
	va_list	 ap;
	char	*cmd = NULL, *full = NULL;
	int	 status, rc = -1;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) == -1)
		cmd = NULL;
	va_end(ap);
	if (cmd == NULL)
		goto done;
	if (asprintf(&full, "cd '%s' && { %s ; } 1>&2",
	    env_or("DAYBOOK_REPO_ROOT", "."), cmd) == -1) {
		full = NULL;
		goto done;
	}
	fflush(NULL);
	status = system(full);
	if (status != -1 && WIFEXITED(status))
		rc = WEXITSTATUS(status);
done:
	free(full);
	free(cmd);
	return rc;
}

int
harness_stack(const char *action)
{
	const char	*p;

	for (p = action; *p != '\0'; p++) {
		if (!islower((unsigned char)*p) && *p != '-')
			return -1;
	}
	return harness_run("scripts/stack.sh %s test", action);
}

struct wait_status {
	struct harness_client	*client;
	const char		*path;
	long			 status;
};

static int
answers_status(void *arg)
{
	struct wait_status	*ws = arg;
	struct harness_response	 resp;
	int			 ok;

	ok = harness_get(ws->client, ws->path, &resp) == 0 &&
	    resp.status == ws->status;
	harness_response_free(&resp);
	return ok;
}

int
harness_wait_status(const char *base_url, const char *path, long status,
    long timeout_ms)
{
	struct wait_status	ws;
	int			ok;

	if ((ws.client = harness_client_new(base_url)) == NULL)
		return 0;
	harness_client_timeout(ws.client, 1000);
	ws.path = path;
	ws.status = status;
	ok = harness_poll_until(answers_status, &ws, timeout_ms);
	harness_client_free(ws.client);
	return ok;
}

static void *
bg_main(void *arg)
{
	struct harness_bg	*bg = arg;

	bg->rc = harness_get(bg->client, bg->path, &bg->resp);
	return NULL;
}

struct harness_bg *
harness_bg_get(const char *base_url, const char *path)
{
	struct harness_bg	*bg;

	if ((bg = calloc(1, sizeof(*bg))) == NULL)
		return NULL;
	bg->client = harness_client_new(base_url);
	bg->path = strdup(path);
	if (bg->client == NULL || bg->path == NULL)
		goto fail;
	if (pthread_create(&bg->thread, NULL, bg_main, bg) != 0)
		goto fail;
	return bg;
fail:
	harness_client_free(bg->client);
	free(bg->path);
	free(bg);
	return NULL;
}

int
harness_bg_wait(struct harness_bg *bg, struct harness_response *resp)
{
	int	rc;

	pthread_join(bg->thread, NULL);
	*resp = bg->resp;
	rc = bg->rc;
	harness_client_free(bg->client);
	free(bg->path);
	free(bg);
	return rc;
}

char *
harness_unique_email(const char *name)
{
	static int	 counter;
	char		*email;

	if (asprintf(&email, "t%d-%d-%s@example.com", (int)getpid(),
	    __atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST), name) == -1)
		abort();
	return email;
}

char *
harness_form(const char *name, ...)
{
	va_list		 ap;
	const char	*key, *value;
	char		*body, *enc, *grown;
	size_t		 len = 0;

	if ((body = calloc(1, 1)) == NULL)
		abort();
	va_start(ap, name);
	for (key = name; key != NULL; key = va_arg(ap, const char *)) {
		value = va_arg(ap, const char *);
		if ((enc = harness_urlencode(value)) == NULL)
			abort();
		grown = realloc(body, len + strlen(key) + strlen(enc) + 3);
		if (grown == NULL)
			abort();
		body = grown;
		len += (size_t)sprintf(body + len, "%s%s=%s", len ? "&" : "",
		    key, enc);
		free(enc);
	}
	va_end(ap);
	return body;
}

/* ---- The test database ------------------------------------------- */

/* The password: $DAYBOOK_DB_PASSWORD, else the file's first line. */
static void
db_password(char *out, size_t len)
{
	const char	*file = getenv("DAYBOOK_DB_PASSWORD_FILE");
	FILE		*fp;

	(void)snprintf(out, len, "%s", env_or("DAYBOOK_DB_PASSWORD", ""));
	if (out[0] != '\0' || file == NULL || (fp = fopen(file, "r")) == NULL)
		return;
	if (fgets(out, (int)len, fp) == NULL)
		out[0] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
	fclose(fp);
}

static MYSQL *
db_connect(void)
{
	MYSQL		*db;
	char		 pw[256];
	const char	*sock = getenv("DAYBOOK_DB_SOCKET");

	if ((db = mysql_init(NULL)) == NULL)
		return NULL;
	db_password(pw, sizeof(pw));
	mysql_options(db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(db, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'");
	if (mysql_real_connect(db, sock ? "localhost" : env_or(
	    "DAYBOOK_DB_HOST", "127.0.0.1"), env_or("DAYBOOK_DB_USER",
	    "daybook"), pw, env_or("DAYBOOK_DB_NAME", "daybook"),
	    (unsigned int)atoi(env_or("DAYBOOK_DB_PORT", "3306")), sock,
	    0) == NULL) {
		fprintf(stderr, "harness: MariaDB: %s\n", mysql_error(db));
		mysql_close(db);
		db = NULL;
	}
	return db;
}

char *
harness_sql(const char *fmt, ...)
{
	va_list	 ap;
	char	*value;

	va_start(ap, fmt);
	value = harness_vsql(fmt, ap);
	va_end(ap);
	return value;
}

char *
harness_vsql(const char *fmt, va_list ap)
{
	MYSQL		*db;
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	char		*q = NULL, *value = NULL;

	if (vasprintf(&q, fmt, ap) == -1)
		q = NULL;
	if (q == NULL || (db = db_connect()) == NULL)
		goto out;
	if (mysql_query(db, q) != 0) {
		fprintf(stderr, "harness: %s: %s\n", q, mysql_error(db));
	} else if ((res = mysql_store_result(db)) != NULL) {
		row = mysql_fetch_row(res);
		value = strdup(row != NULL && row[0] != NULL ? row[0] : "");
		mysql_free_result(res);
	} else if (asprintf(&value, "%llu",
	    (unsigned long long)mysql_affected_rows(db)) == -1) {
		value = NULL;
	}
	mysql_close(db);
out:
	free(q);
	return value;
}
