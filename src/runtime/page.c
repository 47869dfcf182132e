/*
 * Shared by the page handlers: the page context, the login redirect, the
 * form validators named in conf/routes.conf, and login limiting.
 */

#include <arpa/inet.h>

#include <string.h>
#include <strings.h>
#include <time.h>

#include "page.h"
#include "core/password.h"
#include "core/validate.h"
#include "core/worklog.h"
#include "mustache/mustache.h"

#define TEXT_MAX		20000	/* a single-line field, in bytes */
/* A textarea: 100 lines of 200 four-byte characters, with CRLFs. */
#define MULTILINE_MAX		(100 * (200 * 4 + 2))
#define LIMIT_ACCOUNT		5
#define LIMIT_ADDRESS		20
#define MEMO_SLOTS		256
#define MEMO_PROBE		8

struct limit_memo {
	char		key[320];
	u_int32_t	count;
	u_int64_t	window_start;
};

static struct limit_memo	memo[MEMO_SLOTS];

/*
 * Start a page context: the root object with the user (when auth is not
 * NULL and logged in), the CSRF token to put in forms, the flash message,
 * and the page title.  Build the rest and render in the same callback.
 */
struct mustache_value *
dbk_page_context(struct http_request *req, struct dbk_auth *auth,
    const char *title)
{
	struct mustache_value	*root, *user;
	char			pre[DBK_TOKEN_HEX + 1];

	(void)dbk_view_begin(&root);
	dbk_view_set_cstr(root, "page_title", title);

	if (auth != NULL && auth->result == DBK_AUTH_OK) {
		user = dbk_view_object();
		dbk_view_set_cstr(user, "display_name",
		    auth->user.display_name);
		dbk_view_set_cstr(user, "email", auth->user.email);
		dbk_view_set_bool(user, "is_admin", auth->user.is_admin);
		dbk_view_set(root, "user", user);
		dbk_view_set_cstr(root, "csrf", auth->csrf);
	} else {
		dbk_precsrf_token(req, pre);
		dbk_view_set_cstr(root, "csrf", pre);
	}

	(void)dbk_flash_take(req, root);
	return (root);
}

/* 303 to /login?next=<this path and query>. */
void
dbk_page_login_redirect(struct http_request *req)
{
	struct kore_buf		buf;
	char			*target;

	kore_buf_init(&buf, 128);
	kore_buf_appendf(&buf, "/login?next=");
	if (req->query_string != NULL && *req->query_string != '\0') {
		target = kore_malloc(strlen(req->path) +
		    strlen(req->query_string) + 2);
		(void)sprintf(target, "%s?%s", req->path, req->query_string);
		dbk_urlencode(&buf, target);
		kore_free(target);
	} else {
		dbk_urlencode(&buf, req->path);
	}
	kore_buf_append(&buf, "", 1);
	dbk_redirect(req, (const char *)buf.data);
	kore_buf_cleanup(&buf);
}

/*
 * For a state waiting on the request's query: HTTP_STATE_RETRY while it
 * runs; HTTP_STATE_COMPLETE after a 503 page when it failed (logged as
 * what); HTTP_STATE_CONTINUE when its results are in.
 */
int
dbk_page_db_wait(struct http_request *req, const char *what)
{
	struct dbk_request	*r = http_state_get(req);

	if (dbk_db_pending(&r->db))
		return (HTTP_STATE_RETRY);
	if (r->db.state == DBK_DB_DONE)
		return (HTTP_STATE_CONTINUE);

	dbk_db_logerror(&r->db, what);
	dbk_respond_error(req, HTTP_STATUS_SERVICE_UNAVAILABLE);

	return (HTTP_STATE_COMPLETE);
}

int
dbk_page_is_post(struct http_request *req)
{
	return (req->method == HTTP_METHOD_POST);
}

/*
 * The session gate of a page: returns HTTP_STATE_CONTINUE when the person
 * is known, or answers (login redirect, 503) and returns
 * HTTP_STATE_COMPLETE, or HTTP_STATE_RETRY while it waits.
 */
int
dbk_page_auth_gate(struct http_request *req, struct dbk_auth *auth)
{
	switch (dbk_auth_step(req, auth)) {
	case DBK_AUTH_PENDING:
		return (HTTP_STATE_RETRY);
	case DBK_AUTH_OK:
		return (HTTP_STATE_CONTINUE);
	case DBK_AUTH_UNAVAILABLE:
		dbk_respond_error(req, HTTP_STATUS_SERVICE_UNAVAILABLE);
		return (HTTP_STATE_COMPLETE);
	case DBK_AUTH_NONE:
	default:
		if (auth->has_cookie)
			dbk_session_clear_cookie(req);
		if (dbk_page_is_post(req))
			dbk_redirect(req, "/login");
		else
			dbk_page_login_redirect(req);
		return (HTTP_STATE_COMPLETE);
	}
}

/* A POST must carry this session's token: 1, or 0 after a 403. */
int
dbk_page_csrf_gate(struct http_request *req, struct dbk_auth *auth)
{
	const char	*csrf;
	size_t		len;

	if (!dbk_form_get(req, "csrf", &csrf, &len) ||
	    !dbk_auth_csrf_ok(auth, csrf)) {
		dbk_respond_error(req, HTTP_STATUS_FORBIDDEN);
		return (0);
	}

	return (1);
}

/*
 * A write transaction (DBK_WRITE_BEGIN ... "SELECT <version>;COMMIT")
 * ended.  Returns 1 when it committed (*version is the version it read
 * back), 0 when an answer was sent (503; what names it in the log), -1
 * when it was sent again after a transient failure (a deadlock) and
 * *tries was below DBK_WRITE_TRIES: wait once more.
 */
int
dbk_page_write_done(struct http_request *req, int *tries,
    u_int64_t *version, const char *what)
{
	struct dbk_request	*r = http_state_get(req);
	MYSQL_ROW		row;

	if (r->db.state != DBK_DB_DONE && dbk_db_transient(&r->db) &&
	    ++*tries < DBK_WRITE_TRIES) {
		(void)dbk_db_retry(&r->db);
		return (-1);
	}
	if (r->db.state != DBK_DB_DONE || r->db.nresults < DBK_WRITE_FIRST + 2) {
		dbk_db_logerror(&r->db, what);
		dbk_respond_error(req, HTTP_STATUS_SERVICE_UNAVAILABLE);
		return (0);
	}

	/* ..., [n-2] the version, [n-1] COMMIT */
	if ((row = dbk_db_row(&r->db, r->db.nresults - 2, NULL)) != NULL)
		*version = strtoull(row[0], NULL, 10);

	return (1);
}

/*
 * Today's date in zone tz (an IANA name; NULL, "" or an unknown zone:
 * UTC) as YYYY-MM-DD into out (11 bytes).  On the hot path of every page:
 * UTC costs a gmtime_r; another zone is looked up (worklog.c, a zone file
 * read) at most once a minute per worker for the zone asked last, since
 * a date can only change on a minute (zone offsets are whole minutes).
 */
void
dbk_page_today(const char *tz, char *out)
{
	static char		memo_tz[DBK_TZ_MAX + 1];
	static char		memo_day[11];
	static time_t		memo_minute = -1;
	struct dbk_date		date;
	struct tm		tm;
	time_t			now;

	now = time(NULL);
	if (tz != NULL && tz[0] != '\0' && strcmp(tz, "UTC")) {
		if (now / 60 == memo_minute && !strcmp(tz, memo_tz)) {
			memcpy(out, memo_day, sizeof(memo_day));
			return;
		}
		if (strlen(tz) < sizeof(memo_tz) &&
		    dbk_date_in_zone(tz, now, &date) == 0) {
			dbk_date_format(&date, memo_day);
			(void)kore_strlcpy(memo_tz, tz, sizeof(memo_tz));
			memo_minute = now / 60;
			memcpy(out, memo_day, sizeof(memo_day));
			return;
		}
	}
	(void)gmtime_r(&now, &tm);
	(void)strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Append s percent-encoded for a query value (RFC 3986 unreserved kept). */
void
dbk_urlencode(struct kore_buf *buf, const char *s)
{
	static const char	hex[] = "0123456789ABCDEF";
	unsigned char		c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~') {
			kore_buf_append(buf, s, 1);
		} else {
			kore_buf_appendf(buf, "%%%c%c", hex[c >> 4],
			    hex[c & 0x0f]);
		}
	}
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/*
 * Decode an application/x-www-form-urlencoded value of len bytes into out
 * (which holds len + 1 bytes).  Returns the decoded length.
 */
static size_t
form_decode(const char *in, size_t len, char *out)
{
	size_t		i, n;
	int		hi, lo;

	for (i = 0, n = 0; i < len; i++) {
		if (in[i] == '+') {
			out[n++] = ' ';
		} else if (in[i] == '%' && i + 2 < len &&
		    (hi = hexval((unsigned char)in[i + 1])) != -1 &&
		    (lo = hexval((unsigned char)in[i + 2])) != -1) {
			out[n++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			out[n++] = in[i];
		}
	}
	out[n] = '\0';

	return (n);
}

/*
 * A multi-line field (a textarea) from the raw request body.  Kore's own
 * decoder refuses every control character, newlines included, so these
 * fields are read here instead: call before http_populate_post(), which
 * cuts the body up.  Returns 1 with a kore_malloc'd NUL-terminated copy in
 * *out (the caller frees it) when the field is present, valid UTF-8 (tab,
 * CR and LF allowed) and at most MULTILINE_MAX bytes; 0 otherwise.
 */
int
dbk_form_multiline(struct http_request *req, const char *name, char **out,
    size_t *outlen)
{
	const char	*body, *end, *pair, *amp, *eq;
	size_t		namelen, vlen;

	*out = NULL;
	*outlen = 0;
	if (req->http_body == NULL || req->http_body_fd != -1)
		return (0);

	body = (const char *)req->http_body->data;
	end = body + MIN(req->http_body->length, (size_t)req->content_length);
	namelen = strlen(name);

	for (pair = body; pair < end; pair = amp + 1) {
		if ((amp = memchr(pair, '&', (size_t)(end - pair))) == NULL)
			amp = end;
		eq = memchr(pair, '=', (size_t)(amp - pair));
		if (eq == NULL || (size_t)(eq - pair) != namelen ||
		    memcmp(pair, name, namelen) != 0)
			continue;
		vlen = (size_t)(amp - eq - 1);
		if (vlen > MULTILINE_MAX * 3)
			return (0);
		*out = kore_malloc(vlen + 1);
		*outlen = form_decode(eq + 1, vlen, *out);
		if (*outlen > MULTILINE_MAX ||
		    !dbk_utf8_valid(*out, *outlen, DBK_UTF8_ALLOW_NEWLINES)) {
			kore_free(*out);
			*out = NULL;
			*outlen = 0;
			return (0);
		}
		return (1);
	}

	return (0);
}

/* Every path no other route takes (the last route in conf/routes.conf). */
int
page_not_found(struct http_request *req)
{
	(void)dbk_request_get(req, 0);
	dbk_respond_error(req, HTTP_STATUS_NOT_FOUND);

	return (KORE_RESULT_OK);
}

/* Any text a form may send: valid UTF-8, at most TEXT_MAX bytes. */
int
v_text(struct http_request *req, char *data)
{
	size_t		len;

	(void)req;
	len = strlen(data);
	if (len > TEXT_MAX)
		return (KORE_RESULT_ERROR);
	if (!dbk_utf8_valid(data, len, DBK_UTF8_ALLOW_NEWLINES))
		return (KORE_RESULT_ERROR);

	return (KORE_RESULT_OK);
}

/* A token: 64 lowercase hex digits. */
int
v_token(struct http_request *req, char *data)
{
	size_t		i;

	(void)req;
	for (i = 0; data[i] != '\0'; i++) {
		if (!((data[i] >= '0' && data[i] <= '9') ||
		    (data[i] >= 'a' && data[i] <= 'f')))
			return (KORE_RESULT_ERROR);
	}

	return (i == DBK_TOKEN_HEX ? KORE_RESULT_OK : KORE_RESULT_ERROR);
}

/*
 * The client's address as text: the peer's, or, when the peer is one of
 * DAYBOOK_TRUSTED_PROXIES, the one its X-Forwarded-For names (see
 * dbk_netaddr_forwarded(): the rightmost entry not itself a trusted proxy;
 * the peer when the header is missing or malformed).  Several
 * X-Forwarded-For lines are one list, in their order.
 */
void
dbk_client_ip(struct http_request *req, char *out, size_t len)
{
	struct connection	*c = req->owner;
	struct http_header	*hdr;
	struct dbk_netaddr	 peer, client;
	struct kore_buf		 xff;

	out[0] = '\0';
	if (c->family == AF_INET)
		(void)inet_ntop(AF_INET, &c->addr.ipv4.sin_addr, out, len);
	else if (c->family == AF_INET6)
		(void)inet_ntop(AF_INET6, &c->addr.ipv6.sin6_addr, out, len);
	else
		(void)kore_strlcpy(out, "local", len);

	if (dbk_cfg.trusted_proxies_n == 0 ||
	    dbk_netaddr_parse(out, strlen(out), &peer) == -1 ||
	    !dbk_netaddr_in(dbk_cfg.trusted_proxies, dbk_cfg.trusted_proxies_n,
	    &peer))
		return;
	kore_buf_init(&xff, 128);
	TAILQ_FOREACH(hdr, &req->req_headers, list) {
		if (strcasecmp(hdr->header, "x-forwarded-for") != 0)
			continue;
		if (xff.offset > 0)
			kore_buf_append(&xff, ",", 1);
		kore_buf_append(&xff, hdr->value, strlen(hdr->value));
	}
	if (xff.offset > 0 && dbk_netaddr_forwarded(kore_buf_stringify(&xff,
	    NULL), dbk_cfg.trusted_proxies, dbk_cfg.trusted_proxies_n,
	    &client))
		dbk_netaddr_format(&client, out, len);
	kore_buf_cleanup(&xff);
}

static void
limit_key(char *out, size_t len, const char *kind, const char *who)
{
	(void)snprintf(out, len, "dbk:rl:%s:%s", kind, who);
}

/* The memo slot for key, or a free (or expired, or oldest) one. */
static struct limit_memo *
memo_slot(const char *key, u_int64_t now)
{
	struct limit_memo	*m, *oldest;
	u_int32_t		h, i;
	const char		*p;

	h = 2166136261u;
	for (p = key; *p != '\0'; p++)
		h = (h ^ (u_int8_t)*p) * 16777619u;

	oldest = NULL;
	for (i = 0; i < MEMO_PROBE; i++) {
		m = &memo[(h + i) % MEMO_SLOTS];
		if (!strcmp(m->key, key)) {
			if (now - m->window_start >= DBK_LIMIT_WINDOW) {
				m->count = 0;
				m->window_start = now;
			}
			return (m);
		}
		if (oldest == NULL || m->window_start < oldest->window_start)
			oldest = m;
	}

	(void)kore_strlcpy(oldest->key, key, sizeof(oldest->key));
	oldest->count = 0;
	oldest->window_start = now;
	return (oldest);
}

/*
 * Queue GET and TTL of both counters (4 commands); *base is the index of
 * the first reply.
 */
void
dbk_limit_queue(struct dbk_cache *cache, const char *email, const char *ip,
    int *base)
{
	const char	*argv[2];
	size_t		argvlen[2];
	char		key[2][320];
	int		i, idx;

	limit_key(key[0], sizeof(key[0]), "a", email);
	limit_key(key[1], sizeof(key[1]), "ip", ip);

	*base = -1;
	for (i = 0; i < 2; i++) {
		argv[1] = key[i];
		argvlen[1] = strlen(key[i]);
		argv[0] = "GET";
		argvlen[0] = 3;
		idx = dbk_cache_command(cache, 2, argv, argvlen);
		if (*base == -1)
			*base = idx;
		argv[0] = "TTL";
		(void)dbk_cache_command(cache, 2, argv, argvlen);
	}
}

/*
 * Is this login refused?  Redis' counters when they answered, this
 * worker's otherwise.  Returns 1 with *minutes until the next try.
 */
int
dbk_limit_check(struct dbk_cache *cache, const char *email, const char *ip,
    int base, int *minutes)
{
	struct dbk_cache_reply	*count, *ttl;
	struct limit_memo	*m;
	const char		*who[2];
	char			key[320];
	long long		n, left;
	u_int64_t		now;
	int			i, limit, limited;

	who[0] = email;
	who[1] = ip;
	now = (u_int64_t)time(NULL);
	limited = 0;
	*minutes = 0;

	for (i = 0; i < 2; i++) {
		limit = i == 0 ? LIMIT_ACCOUNT : LIMIT_ADDRESS;
		limit_key(key, sizeof(key), i == 0 ? "a" : "ip", who[i]);
		count = base >= 0 ? &cache->replies[base + i * 2] : NULL;
		ttl = base >= 0 ? &cache->replies[base + i * 2 + 1] : NULL;

		if (count != NULL && count->type != DBK_REPLY_FAILED &&
		    ttl->type == DBK_REPLY_INTEGER) {
			n = count->type == DBK_REPLY_STRING ?
			    strtoll(count->str, NULL, 10) : 0;
			left = ttl->integer > 0 ? ttl->integer : 60;
		} else {
			m = memo_slot(key, now);
			n = m->count;
			left = (long long)(m->window_start +
			    DBK_LIMIT_WINDOW - now);
		}
		if (n >= limit) {
			limited = 1;
			*minutes = MAX(*minutes, (int)((left + 59) / 60));
		}
	}

	return (limited);
}

/* Count one failure on both counters (Redis, not waited for, and memory). */
void
dbk_limit_fail(struct dbk_cache *cache, const char *email, const char *ip)
{
	const char	*argv[6];
	size_t		argvlen[6];
	char		key[320], window[16];
	const char	*who[2];
	int		i, j;

	who[0] = email;
	who[1] = ip;
	(void)snprintf(window, sizeof(window), "%d", DBK_LIMIT_WINDOW);

	(void)cache;
	for (i = 0; i < 2; i++) {
		limit_key(key, sizeof(key), i == 0 ? "a" : "ip", who[i]);
		memo_slot(key, (u_int64_t)time(NULL))->count++;

		argv[0] = "SET";
		argv[1] = key;
		argv[2] = "0";
		argv[3] = "EX";
		argv[4] = window;
		argv[5] = "NX";
		for (j = 0; j < 6; j++)
			argvlen[j] = strlen(argv[j]);
		dbk_cache_fire(6, argv, argvlen);
		argv[0] = "INCR";
		argvlen[0] = 4;
		dbk_cache_fire(2, argv, argvlen);
	}
}

/* A successful login forgets the account's failures. */
void
dbk_limit_clear(struct dbk_cache *cache, const char *email)
{
	const char	*argv[2];
	size_t		argvlen[2];
	char		key[320];

	limit_key(key, sizeof(key), "a", email);
	memo_slot(key, (u_int64_t)time(NULL))->count = 0;

	argv[0] = "DEL";
	argv[1] = key;
	argvlen[0] = 3;
	argvlen[1] = strlen(key);
	(void)cache;
	dbk_cache_fire(2, argv, argvlen);
}

/* ---- Account fields shared by sign-up and /account ------------------ */

#define NAME_MAX_CHARS		100

/* The trimmed field name (or "") and its length. */
static const char *
form_trimmed(struct http_request *req, const char *name, size_t *len)
{
	const char	*v;

	if (!dbk_form_get(req, name, &v, len))
		v = "", *len = 0;
	dbk_trim(&v, len);

	return (v);
}

/*
 * A display name from form field name, trimmed, into out (outlen bytes;
 * what was typed stays there for the form when it fits).  Returns NULL
 * when it is 1 to 100 characters of text on one line, else the message.
 */
const char *
dbk_form_display_name(struct http_request *req, const char *name, char *out,
    size_t outlen)
{
	const char	*v;
	size_t		len;

	v = form_trimmed(req, name, &len);
	out[0] = '\0';
	if (len < outlen) {
		memcpy(out, v, len);
		out[len] = '\0';
	}
	if (len == 0 || len >= outlen ||
	    !dbk_utf8_valid(v, len, DBK_UTF8_SINGLE_LINE) ||
	    dbk_utf8_length(v, len) > NAME_MAX_CHARS)
		return ("Enter a name of 1 to 100 characters.");

	return (NULL);
}

/*
 * An email address from form field name, normalised into out (outlen
 * bytes).  Returns NULL, or the message with what was typed in out (when
 * it fits) for the form.
 */
const char *
dbk_form_email(struct http_request *req, const char *name, char *out,
    size_t outlen)
{
	const char	*v;
	size_t		len;

	if (!dbk_form_get(req, name, &v, &len))
		v = "", len = 0;
	if (dbk_email_normalize(v, len, out, outlen) == 0)
		return (NULL);
	out[0] = '\0';
	if (len < outlen)
		(void)kore_strlcpy(out, v, outlen);

	return ("Enter a valid email address.");
}

/*
 * A new password typed twice (fields name and name2): *pw and *len point
 * at it.  Returns 1 when it is acceptable and both are the same; 0 with
 * the message in *error (about name) or *error2 (about name2).
 */
int
dbk_form_new_password(struct http_request *req, const char *name,
    const char *name2, const char **pw, size_t *len, const char **error,
    const char **error2)
{
	const char	*pw2;
	size_t		pw2len;

	if (!dbk_form_get(req, name, pw, len) ||
	    !dbk_password_acceptable(*pw, *len)) {
		*error = "Choose a password of at least 8 characters.";
		return (0);
	}
	if (!dbk_form_get(req, name2, &pw2, &pw2len) || pw2len != *len ||
	    memcmp(pw2, *pw, pw2len) != 0) {
		*error2 = "The two passwords differ.";
		return (0);
	}

	return (1);
}
