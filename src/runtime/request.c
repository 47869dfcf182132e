/*
 * Per-request state, responses with the security headers, the access log.
 */

#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daybook.h"

#define ACCESSLOG_FLUSH_BYTES	8192
#define ACCESSLOG_FLUSH_MS	200

/* No inline script or style anywhere, so no 'unsafe-inline'. */
#define CSP	"default-src 'none'; style-src 'self'; img-src 'self'; " \
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

static void	request_onfree(struct http_request *);
static void	security_headers(struct http_request *);
static void	accesslog_add(struct http_request *, int, size_t);
static void	accesslog_tick(void *, u_int64_t);

static struct kore_buf		*accesslog;

u_int64_t
dbk_now_us(void)
{
	struct timespec		ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((u_int64_t)ts.tv_sec * 1000000 + (u_int64_t)ts.tv_nsec / 1000);
}

/*
 * The request's state, created on first use with page_size zeroed bytes for
 * the page's own state at ->page.  Owned by the request; freed with it.
 */
struct dbk_request *
dbk_request_get(struct http_request *req, size_t page_size)
{
	struct dbk_request	*r;

	if (http_state_exists(req))
		return (http_state_get(req));

	r = http_state_create(req, sizeof(*r) + page_size, request_onfree);
	r->start_us = dbk_now_us();
	r->page = page_size ? (void *)(r + 1) : NULL;
	dbk_db_init(&r->db, req);
	dbk_cache_init(&r->cache, req);

	return (r);
}

/* May run twice (Kore calls onfree again when tasks were pending). */
static void
request_onfree(struct http_request *req)
{
	struct dbk_request	*r;

	if ((r = http_state_get(req)) == NULL)
		return;
	dbk_db_cleanup(&r->db);
	dbk_cache_cleanup(&r->cache);
}

void
dbk_respond(struct http_request *req, int status, const char *type,
    const void *body, size_t len)
{
	security_headers(req);
	if (type != NULL)
		http_response_header(req, "content-type", type);
	http_response(req, status, body, len);
	accesslog_add(req, status, len);
}

void
dbk_respond_buf(struct http_request *req, int status, const char *type,
    struct kore_buf *buf)
{
	dbk_respond(req, status, type, buf->data, buf->offset);
}

/* A short HTML page for an error status; no template needed. */
void
dbk_respond_error(struct http_request *req, int status)
{
	struct kore_buf		buf;
	const char		*text;

	switch (status) {
	case HTTP_STATUS_NOT_FOUND:
		text = "The page you asked for does not exist.";
		break;
	case HTTP_STATUS_FORBIDDEN:
		text = "The form had expired or did not come from this site. "
		    "Go back, reload the page and try again.";
		break;
	case HTTP_STATUS_SERVICE_UNAVAILABLE:
		text = "daybook cannot reach its database right now. "
		    "Please try again in a moment.";
		break;
	case HTTP_STATUS_BAD_REQUEST:
		text = "The request could not be understood.";
		break;
	default:
		text = "Something went wrong on our side.";
		break;
	}

	kore_buf_init(&buf, 512);
	kore_buf_appendf(&buf, "<!doctype html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><title>%d %s - daybook</title></head>"
	    "<body><h1>%s</h1><p>%s</p><p><a href=\"/\">daybook</a></p>"
	    "</body></html>\n", status, http_status_text(status),
	    http_status_text(status), text);
	if (status == HTTP_STATUS_SERVICE_UNAVAILABLE)
		http_response_header(req, "retry-after", "5");
	http_response_header(req, "cache-control", "no-store");
	dbk_respond_buf(req, status, "text/html; charset=utf-8", &buf);
	kore_buf_cleanup(&buf);
}

/* 303 See Other: the answer to every form POST. */
void
dbk_redirect(struct http_request *req, const char *location)
{
	http_response_header(req, "location", location);
	dbk_respond(req, HTTP_STATUS_SEE_OTHER, NULL, NULL, 0);
}

static void
security_headers(struct http_request *req)
{
	http_response_header(req, "content-security-policy", CSP);
	http_response_header(req, "x-content-type-options", "nosniff");
	http_response_header(req, "referrer-policy", "same-origin");
	http_response_header(req, "x-frame-options", "DENY");
}

void
dbk_accesslog_worker_init(void)
{
	accesslog = kore_buf_alloc(ACCESSLOG_FLUSH_BYTES * 2);
	kore_timer_add(accesslog_tick, ACCESSLOG_FLUSH_MS, NULL, 0);
}

/*
 * One line per request: method, path, status, bytes, server time in
 * microseconds.  Lines are written in batches to standard output.
 */
static void
accesslog_add(struct http_request *req, int status, size_t len)
{
	u_int64_t	elapsed;

	if (accesslog == NULL)
		return;

	elapsed = http_state_exists(req) ?
	    dbk_now_us() - ((struct dbk_request *)http_state_get(req))->start_us
	    : 0;

	kore_buf_appendf(accesslog, "access: %s %s %d %zu %lluus\n",
	    http_method_text(req->method), req->path, status, len,
	    (unsigned long long)elapsed);

	if (accesslog->offset >= ACCESSLOG_FLUSH_BYTES)
		dbk_accesslog_flush();
}

void
dbk_accesslog_worker_teardown(void)
{
	dbk_accesslog_flush();
	if (accesslog != NULL) {
		kore_buf_free(accesslog);
		accesslog = NULL;
	}
}

void
dbk_accesslog_flush(void)
{
	size_t		off;
	ssize_t		n;

	if (accesslog == NULL)
		return;

	for (off = 0; off < accesslog->offset; off += (size_t)n) {
		n = write(STDOUT_FILENO, accesslog->data + off,
		    accesslog->offset - off);
		if (n <= 0)
			break;
	}
	kore_buf_reset(accesslog);
}

static void
accesslog_tick(void *arg, u_int64_t now)
{
	(void)arg;
	(void)now;

	dbk_accesslog_flush();
}
