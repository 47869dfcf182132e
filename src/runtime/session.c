/*
 * Sessions, CSRF, flash messages and the cache generation; see session.h.
 *
 * Cache rules for sessions (never stale, also across a Redis FLUSH):
 * - a session is copied into Redis only by a compare-and-set script that
 *   checks the cache generation read before MariaDB was asked, and never
 *   overwrites a tombstone or a copy of the current generation (a copy of
 *   an older generation is dead anyway, and replacing it keeps an active
 *   session, whose TTL every request extends, from going to MariaDB for
 *   good after a generation change);
 * - logout first deletes the MariaDB row, then writes a tombstone over the
 *   Redis key, so no fill that started earlier can bring it back;
 * - the generation is a random value in Redis.  A FLUSH removes it, which
 *   makes every fill that started before the FLUSH fail; a worker that could
 *   not write a tombstone or an invalidation replaces it once Redis answers
 *   again, which voids every cached entry at once.
 */

#include <sodium.h>
#include <stdarg.h>
#include <string.h>

#include "daybook.h"
#include "session.h"
#include "core/validate.h"
#include "core/worklog.h"
#include "mustache/mustache.h"

_Static_assert(DBK_TZ_MAX == DBK_ZONE_NAME_MAX, "time zone name sizes differ");

#define SESSION_COOKIE		"dbk_session"
#define PRE_COOKIE		"dbk_pre"
#define FLASH_COOKIE		"dbk_flash"
#define FLASH_MAX		2048
#define GEN_KEY			"dbk:gen"
#define GEN_TICK_MS		250
#define SEEN_SLOTS		1024
#define SEEN_EVERY_S		300	/* last_seen_at refresh, at most */

static const char	*session_fill_lua =
	"local g = redis.call('GET', KEYS[1]) "
	"if not g then redis.call('SET', KEYS[1], ARGV[4], 'NX') return 0 end "
	"if g ~= ARGV[1] then return 0 end "
	"local cur = redis.call('GET', KEYS[2]) "
	"if cur and (cur == 'revoked' or "
	"string.sub(cur, 1, #g + 1) == g .. '|') then return 0 end "
	"redis.call('SET', KEYS[2], g .. '|' .. ARGV[2], 'EX', ARGV[3]) "
	"return 1";

static void	auth_queue(struct http_request *, struct dbk_auth *);
static int	auth_from_cache(struct dbk_request *, struct dbk_auth *);
static void	auth_query(struct dbk_request *, struct dbk_auth *);
static int	auth_from_db(struct dbk_request *, struct dbk_auth *);
static void	csrf_derive(const char *, const u_int8_t *, size_t, char *);
static void	gen_tick(void *, u_int64_t);
static void	seen_touch(const u_int8_t *, int);
static void	gen_random(char *);

static int	gen_lost;

/*
 * When this worker last wrote each session's last_seen_at (by a prefix of
 * its hash): sessions served from Redis keep their idle clock in MariaDB
 * current too, so a Redis FLUSH does not end the sessions of people who
 * were active all along.
 */
static struct {
	u_int8_t	prefix[8];
	time_t		when;
} seen[SEEN_SLOTS];

/*
 * Drive the session lookup: Redis first (one pipelined batch, together with
 * whatever auth->queue_extra adds), MariaDB when Redis has no valid copy.
 */
enum dbk_auth_result
dbk_auth_step(struct http_request *req, struct dbk_auth *auth)
{
	struct dbk_request	*r = http_state_get(req);

	for (;;) {
		switch (auth->state) {
		case DBK_AUTH_STATE_START:
			if (!dbk_auth_parse_cookie(req, auth)) {
				auth->result = DBK_AUTH_NONE;
				auth->state = DBK_AUTH_STATE_DONE;
				break;
			}
			auth_queue(req, auth);
			auth->state = DBK_AUTH_STATE_CACHE;
			break;
		case DBK_AUTH_STATE_CACHE:
			if (dbk_cache_pending(&r->cache))
				return (DBK_AUTH_PENDING);
			if (auth_from_cache(r, auth)) {
				auth->result = DBK_AUTH_OK;
				auth->state = DBK_AUTH_STATE_DONE;
				break;
			}
			auth_query(r, auth);
			auth->state = DBK_AUTH_STATE_DB;
			break;
		case DBK_AUTH_STATE_DB:
			if (dbk_db_pending(&r->db))
				return (DBK_AUTH_PENDING);
			if (r->db.state != DBK_DB_DONE) {
				dbk_db_logerror(&r->db, "session lookup");
				auth->result = DBK_AUTH_UNAVAILABLE;
			} else {
				auth->result = auth_from_db(r, auth) ?
				    DBK_AUTH_OK : DBK_AUTH_NONE;
			}
			dbk_db_clear(&r->db);
			auth->state = DBK_AUTH_STATE_DONE;
			break;
		case DBK_AUTH_STATE_DONE:
			if (auth->result == DBK_AUTH_OK) {
				csrf_derive("csrf", auth->token_hash,
				    sizeof(auth->token_hash), auth->csrf);
			}
			return (auth->result);
		}
	}
}

/* Is token the CSRF token of this session?  Constant time. */
int
dbk_auth_csrf_ok(struct dbk_auth *auth, const char *token)
{
	if (auth->result != DBK_AUTH_OK || token == NULL ||
	    strlen(token) != DBK_TOKEN_HEX)
		return (0);

	return (dbk_ct_equal(token, auth->csrf, DBK_TOKEN_HEX));
}

/* Parse the cookie "UID.TOKEN" into auth; 1 when well formed. */
int
dbk_auth_parse_cookie(struct http_request *req, struct dbk_auth *auth)
{
	char		*value, *dot;
	u_int8_t	token[DBK_TOKEN_LEN];

	http_populate_cookies(req);
	if (!http_request_cookie(req, SESSION_COOKIE, &value))
		return (0);
	if ((dot = strchr(value, '.')) == NULL ||
	    dbk_parse_id(value, (size_t)(dot - value), &auth->cookie_uid) == -1)
		return (0);
	if (strlen(dot + 1) != DBK_TOKEN_HEX ||
	    dbk_hex_decode(dot + 1, DBK_TOKEN_HEX, token, sizeof(token)) != 0)
		return (0);

	crypto_hash_sha256(auth->token_hash, token, sizeof(token));
	dbk_session_key(auth->token_hash, auth->key, sizeof(auth->key));
	auth->has_cookie = 1;
	sodium_memzero(token, sizeof(token));

	return (1);
}

static void
auth_queue(struct http_request *req, struct dbk_auth *auth)
{
	struct dbk_request	*r = http_state_get(req);
	const char		*argv[3];
	size_t			argvlen[3];
	char			ttl[16];

	dbk_cache_gen_queue(&r->cache, &auth->gen_idx);

	argv[0] = "GET";
	argvlen[0] = 3;
	argv[1] = auth->key;
	argvlen[1] = strlen(auth->key);
	auth->session_idx = dbk_cache_command(&r->cache, 2, argv, argvlen);

	/* Sliding idle lifetime; a no-op when the key is absent. */
	(void)snprintf(ttl, sizeof(ttl), "%u",
	    dbk_cfg.session_idle_min * 60);
	argv[0] = "EXPIRE";
	argvlen[0] = 6;
	argv[2] = ttl;
	argvlen[2] = strlen(ttl);
	(void)dbk_cache_command(&r->cache, 3, argv, argvlen);

	if (auth->queue_extra != NULL)
		auth->queue_extra(req);
	dbk_cache_send(&r->cache);
}

/*
 * A cached session is "GEN|UID|EXPIRES|ADMIN|ZONE|EMAIL|NAME" (see
 * user_fields()) and valid when GEN is the current generation, UID the
 * cookie's and EXPIRES in the future.
 */
static int
auth_from_cache(struct dbk_request *r, struct dbk_auth *auth)
{
	struct dbk_cache_reply	*reply;
	char			*fields[8], *copy;
	u_int64_t		uid, expires;
	int			n, ok;

	dbk_cache_gen_read(&r->cache, auth->gen_idx, auth->gen);
	if (auth->gen[0] == '\0')
		return (0);

	reply = &r->cache.replies[auth->session_idx];
	if (reply->type != DBK_REPLY_STRING)
		return (0);

	ok = 0;
	copy = kore_strdup(reply->str);
	/* Kore fills at most n - 1 fields. */
	n = kore_split_string(copy, "|", fields, 8);
	if (n != 7 || strcmp(fields[0], auth->gen))
		goto out;
	if (dbk_parse_id(fields[1], strlen(fields[1]), &uid) == -1 ||
	    uid != auth->cookie_uid)
		goto out;
	expires = strtoull(fields[2], NULL, 10);
	if (expires <= (u_int64_t)time(NULL))
		goto out;

	seen_touch(auth->token_hash, 0);
	auth->user.id = uid;
	auth->user.is_admin = (fields[3][0] == '1');
	(void)kore_strlcpy(auth->user.time_zone, fields[4],
	    sizeof(auth->user.time_zone));
	(void)kore_strlcpy(auth->user.email, fields[5],
	    sizeof(auth->user.email));
	(void)kore_strlcpy(auth->user.display_name, fields[6],
	    sizeof(auth->user.display_name));
	ok = 1;
out:
	kore_free(copy);
	return (ok);
}

static void
auth_query(struct dbk_request *r, struct dbk_auth *auth)
{
	struct dbk_sql_param	params[] = {
		DBK_SQL_P_BLOB(auth->token_hash, sizeof(auth->token_hash)),
		DBK_SQL_P_INT(auth->cookie_uid),
		DBK_SQL_P_INT(dbk_cfg.session_idle_min),
	};

	(void)dbk_db_query(&r->db,
	    "SELECT u.id, UNIX_TIMESTAMP(s.expires_at), u.is_admin, u.email, "
	    "u.display_name, "
	    "s.last_seen_at < NOW(6) - INTERVAL 5 MINUTE, u.time_zone "
	    "FROM sessions s JOIN users u ON u.id = s.user_id "
	    "WHERE s.token_hash = ? AND s.user_id = ? "
	    "AND s.expires_at > NOW(6) AND u.is_disabled = 0 "
	    "AND s.last_seen_at > NOW(6) - INTERVAL ? MINUTE",
	    params, sizeof(params) / sizeof(params[0]));
}

/* The session row, if any: fill auth->user and the cache. */
static int
auth_from_db(struct dbk_request *r, struct dbk_auth *auth)
{
	MYSQL_ROW		row;
	u_int64_t		expires;

	if ((row = dbk_db_row(&r->db, 0, NULL)) == NULL)
		return (0);

	auth->user.id = strtoull(row[0], NULL, 10);
	expires = strtoull(row[1], NULL, 10);
	auth->user.is_admin = (row[2][0] == '1');
	(void)kore_strlcpy(auth->user.email, row[3], sizeof(auth->user.email));
	(void)kore_strlcpy(auth->user.display_name, row[4],
	    sizeof(auth->user.display_name));
	(void)kore_strlcpy(auth->user.time_zone,
	    row[6] != NULL ? row[6] : "UTC", sizeof(auth->user.time_zone));

	/* Keep the idle clock in MariaDB roughly current. */
	seen_touch(auth->token_hash, row[5] != NULL && row[5][0] == '1');

	dbk_session_cache_fill(auth, expires);
	return (1);
}

/*
 * Append "ADMIN|ZONE|EMAIL|NAME" of user to buf: the tail of a session
 * copy, written alike by the fill and by dbk_session_refresh_listed().
 * The zone (an IANA name, never empty, no '|') comes before the free-form
 * fields.
 */
static void
user_fields(struct kore_buf *buf, const struct dbk_user *user)
{
	kore_buf_appendf(buf, "%d|%s|%s|%s", user->is_admin,
	    user->time_zone[0] != '\0' ? user->time_zone : "UTC",
	    user->email, user->display_name);
}

/*
 * Copy the session into Redis (not waited for).  Refused by the script when
 * the generation changed since auth->gen was read, or when the key holds a
 * tombstone or a copy of the current generation already.
 */
void
dbk_session_cache_fill(struct dbk_auth *auth, u_int64_t expires)
{
	struct kore_buf		value;
	const char		*argv[9];
	size_t			argvlen[9];
	char			ttl[16], newgen[DBK_GEN_MAX + 1];
	u_int64_t		now, left;
	int			i;

	if (!dbk_cache_available())
		return;

	now = (u_int64_t)time(NULL);
	left = expires > now ? expires - now : 1;
	left = MIN(left, (u_int64_t)dbk_cfg.session_idle_min * 60);
	(void)snprintf(ttl, sizeof(ttl), "%llu", (unsigned long long)left);
	gen_random(newgen);

	kore_buf_init(&value, 256);
	kore_buf_appendf(&value, "%llu|%llu|",
	    (unsigned long long)auth->user.id, (unsigned long long)expires);
	user_fields(&value, &auth->user);

	argv[0] = "EVAL";
	argv[1] = session_fill_lua;
	argv[2] = "2";
	argv[3] = GEN_KEY;
	argv[4] = auth->key;
	argv[5] = auth->gen[0] ? auth->gen : "-";	/* ARGV[1] */
	argv[6] = (const char *)value.data;		/* ARGV[2] */
	argv[7] = ttl;					/* ARGV[3] */
	argv[8] = newgen;				/* ARGV[4] */
	for (i = 0; i < 9; i++) {
		if (i != 6)
			argvlen[i] = strlen(argv[i]);
	}
	argvlen[6] = value.offset;

	dbk_cache_fire(9, argv, argvlen);
	kore_buf_cleanup(&value);
}

/*
 * A new session: a random token (hex in token_hex, DBK_TOKEN_HEX + 1
 * bytes, for the cookie) whose hash goes to auth for the caller to store.
 */
void
dbk_session_new(struct dbk_auth *auth, char *token_hex)
{
	u_int8_t	token[DBK_TOKEN_LEN];

	randombytes_buf(token, sizeof(token));
	crypto_hash_sha256(auth->token_hash, token, sizeof(token));
	dbk_session_key(auth->token_hash, auth->key, sizeof(auth->key));
	dbk_hex_encode(token, sizeof(token), token_hex);
	sodium_memzero(token, sizeof(token));
}

/*
 * The Redis key of a session: "dbk:s2:" and half of its hash in hex.
 *
 * The "2" is the version of the copy's format (the time zone joined it).
 * Copies left by an older daybook under "dbk:s:" are never read again and
 * expire with their TTL (the sliding EXPIRE touches only the key read).
 * Reusing the old name would not do: an old-format copy is not accepted,
 * yet the fill never replaces a copy of the current generation, so every
 * request of the session would go to MariaDB for as long as it stays
 * active.  Nothing is
 * lost with the old keys: a tombstone only guards a session whose MariaDB
 * row is gone, and MariaDB is asked when the new key is missing.  Change
 * the version again whenever the format changes.
 */
void
dbk_session_key(const u_int8_t *hash, char *key, size_t len)
{
	char	hex[65];

	dbk_hex_encode(hash, 32, hex);
	(void)snprintf(key, len, "dbk:s2:%.32s", hex);
}

void
dbk_session_set_cookie(struct http_request *req, u_int64_t uid,
    const char *token_hex)
{
	char	value[32 + DBK_TOKEN_HEX];

	(void)snprintf(value, sizeof(value), "%llu.%s",
	    (unsigned long long)uid, token_hex);
	dbk_cookie_set(req, SESSION_COOKIE, value,
	    (int)dbk_cfg.session_max_hours * 3600);
	sodium_memzero(value, sizeof(value));
}

void
dbk_session_clear_cookie(struct http_request *req)
{
	dbk_cookie_set(req, SESSION_COOKIE, "", 0);
}

/* The command that writes a tombstone over a session's Redis copy. */
static void
tombstone_argv(struct dbk_auth *auth, const char **argv, size_t *argvlen,
    char *ttl, size_t ttllen)
{
	(void)snprintf(ttl, ttllen, "%u", dbk_cfg.session_max_hours * 3600);
	argv[0] = "SET";
	argv[1] = auth->key;
	argv[2] = "revoked";
	argv[3] = "EX";
	argv[4] = ttl;
	argvlen[0] = 3;
	argvlen[1] = strlen(auth->key);
	argvlen[2] = 7;
	argvlen[3] = 2;
	argvlen[4] = strlen(ttl);
}

/*
 * After the MariaDB row is gone: a tombstone over the Redis copy, so no
 * fill that began before can bring it back.  The caller waits for the
 * reply; a failure should void the whole cache (dbk_cache_gen_lost()).
 */
void
dbk_session_revoke(struct dbk_cache *cache, struct dbk_auth *auth)
{
	const char	*argv[5];
	size_t		argvlen[5];
	char		ttl[16];

	tombstone_argv(auth, argv, argvlen, ttl, sizeof(ttl));
	dbk_cache_clear(cache);
	(void)dbk_cache_command(cache, 5, argv, argvlen);
	dbk_cache_send(cache);
}

/* The same, not waited for (a replaced session at login). */
void
dbk_session_revoke_fire(struct dbk_auth *auth)
{
	const char	*argv[5];
	size_t		argvlen[5];
	char		ttl[16];

	tombstone_argv(auth, argv, argvlen, ttl, sizeof(ttl));
	dbk_cache_fire(5, argv, argvlen);
}

/* Every listed key becomes a tombstone (ARGV[1]: its TTL). */
static const char	*end_listed_lua =
	"for i = 1, #KEYS do "
	" redis.call('SET', KEYS[i], 'revoked', 'EX', ARGV[1]) end "
	"return #KEYS";

/*
 * KEYS[1] the generation, KEYS[2..] sessions; ARGV[1]
 * "ADMIN|ZONE|EMAIL|NAME", ARGV[2] the user id, then EXPIRES and TTL per
 * session.  A tombstone stays (a logout may have ended that session after
 * it was listed); without a generation no copy is valid anyway.
 */
static const char	*refresh_listed_lua =
	"local g = redis.call('GET', KEYS[1]) "
	"if not g then return 0 end "
	"for i = 2, #KEYS do "
	" if redis.call('GET', KEYS[i]) ~= 'revoked' then "
	"  redis.call('SET', KEYS[i], g .. '|' .. ARGV[2] .. '|' .. "
	"ARGV[2 * i - 1] .. '|' .. ARGV[1], 'EX', ARGV[2 * i]) end end "
	"return #KEYS - 1";

struct listed_session {
	char	key[48];
	char	expires[24];
	char	ttl[24];
};

/* The four parameters of DBK_SESSION_END_SQL; keep NULL ends them all. */
void
dbk_session_end_params(struct dbk_sql_param *params, u_int64_t uid,
    const u_int8_t *keep)
{
	static const u_int8_t	none[32];

	if (keep == NULL)
		keep = none;
	params[0] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	params[1] = (struct dbk_sql_param)DBK_SQL_P_BLOB(keep, 32);
	params[2] = params[0];
	params[3] = params[1];
}

/*
 * The sessions of result set idx (column 0 the 32-byte hash, column 1 the
 * expiry when with_expiry), with their keys and TTLs.  Returns how many;
 * *out is kore_malloc'd (NULL when none), the caller frees it.
 */
static size_t
listed_sessions(struct dbk_db *db, size_t idx, int with_expiry,
    struct listed_session **out)
{
	struct listed_session	*list;
	MYSQL_ROW		row;
	unsigned long		*lengths;
	u_int64_t		rows, now, expires, left;
	size_t			n;

	*out = NULL;
	if ((rows = dbk_db_num_rows(db, idx)) == 0)
		return (0);

	list = kore_calloc(rows, sizeof(*list));
	now = (u_int64_t)time(NULL);
	n = 0;
	while (n < rows && (row = dbk_db_row(db, idx, &lengths)) != NULL) {
		if (row[0] == NULL || lengths[0] != 32)
			continue;
		dbk_session_key((const u_int8_t *)row[0], list[n].key,
		    sizeof(list[n].key));
		if (with_expiry) {
			expires = row[1] != NULL ?
			    strtoull(row[1], NULL, 10) : 0;
			left = expires > now ? expires - now : 1;
			left = MIN(left,
			    (u_int64_t)dbk_cfg.session_idle_min * 60);
			(void)snprintf(list[n].expires,
			    sizeof(list[n].expires), "%llu",
			    (unsigned long long)expires);
			(void)snprintf(list[n].ttl, sizeof(list[n].ttl),
			    "%llu", (unsigned long long)left);
		}
		n++;
	}

	if (n == 0) {
		kore_free(list);
		list = NULL;
	}
	*out = list;
	return (n);
}

/* Queue argv (argc entries, lengths from strlen) on cache and send it. */
static void
send_argv(struct dbk_cache *cache, int argc, const char **argv)
{
	size_t		*argvlen;
	int		i;

	argvlen = kore_calloc((size_t)argc, sizeof(*argvlen));
	for (i = 0; i < argc; i++)
		argvlen[i] = strlen(argv[i]);
	dbk_cache_clear(cache);
	(void)dbk_cache_command(cache, argc, argv, argvlen);
	dbk_cache_send(cache);
	kore_free(argvlen);
}

/* After DBK_SESSION_END_SQL committed: tombstones for result set idx. */
int
dbk_session_end_listed(struct dbk_cache *cache, struct dbk_db *db, size_t idx)
{
	struct listed_session	*list;
	const char		**argv;
	char			ttl[24], nkeys[24];
	size_t			n, i;

	if ((n = listed_sessions(db, idx, 0, &list)) == 0)
		return (0);

	(void)snprintf(ttl, sizeof(ttl), "%u", dbk_cfg.session_max_hours * 3600);
	(void)snprintf(nkeys, sizeof(nkeys), "%zu", n);
	argv = kore_calloc(n + 4, sizeof(*argv));
	argv[0] = "EVAL";
	argv[1] = end_listed_lua;
	argv[2] = nkeys;
	for (i = 0; i < n; i++)
		argv[3 + i] = list[i].key;
	argv[3 + n] = ttl;

	send_argv(cache, (int)(n + 4), argv);
	kore_free(argv);
	kore_free(list);
	return (1);
}

/* After DBK_SESSION_LIST_SQL: fresh copies of user for result set idx. */
int
dbk_session_refresh_listed(struct dbk_cache *cache, struct dbk_db *db,
    size_t idx, const struct dbk_user *user)
{
	struct listed_session	*list;
	struct kore_buf		tail;
	const char		**argv;
	char			uid[24], nkeys[24];
	size_t			n, i, argc;

	if ((n = listed_sessions(db, idx, 1, &list)) == 0)
		return (0);

	kore_buf_init(&tail, 256);
	user_fields(&tail, user);
	(void)snprintf(uid, sizeof(uid), "%llu",
	    (unsigned long long)user->id);
	(void)snprintf(nkeys, sizeof(nkeys), "%zu", n + 1);

	argc = 3 + (n + 1) + 2 + 2 * n;
	argv = kore_calloc(argc, sizeof(*argv));
	argv[0] = "EVAL";
	argv[1] = refresh_listed_lua;
	argv[2] = nkeys;
	argv[3] = GEN_KEY;
	for (i = 0; i < n; i++)
		argv[4 + i] = list[i].key;
	argv[4 + n] = kore_buf_stringify(&tail, NULL);
	argv[5 + n] = uid;
	for (i = 0; i < n; i++) {
		argv[6 + n + 2 * i] = list[i].expires;
		argv[7 + n + 2 * i] = list[i].ttl;
	}

	send_argv(cache, (int)argc, argv);
	kore_free(argv);
	kore_free(list);
	kore_buf_cleanup(&tail);
	return (1);
}

/* After the reply: an unconfirmed change voids every cached entry. */
void
dbk_session_sync_done(struct dbk_cache *cache)
{
	if (cache->ncmds == 0 || cache->replies[0].type != DBK_REPLY_INTEGER)
		dbk_cache_gen_lost();
	dbk_cache_clear(cache);
}

/* Set a cookie: HttpOnly, SameSite=Lax, Path=/, Secure over HTTPS. */
void
dbk_cookie_set(struct http_request *req, const char *name, const char *value,
    int maxage)
{
	char		header[1024 + 256];

	(void)snprintf(header, sizeof(header),
	    "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s",
	    name, value, maxage, dbk_cfg.https ? "; Secure" : "");
	http_response_header(req, "set-cookie", header);
}

/* HMAC(secret, purpose || data) in hex: CSRF tokens and flash signatures. */
static void
csrf_derive(const char *purpose, const u_int8_t *data, size_t len, char *out)
{
	crypto_auth_hmacsha256_state	st;
	u_int8_t			mac[32];

	crypto_auth_hmacsha256_init(&st, dbk_cfg.secret,
	    sizeof(dbk_cfg.secret));
	crypto_auth_hmacsha256_update(&st, (const u_int8_t *)purpose,
	    strlen(purpose) + 1);
	crypto_auth_hmacsha256_update(&st, data, len);
	crypto_auth_hmacsha256_final(&st, mac);
	dbk_hex_encode(mac, sizeof(mac), out);
}

/*
 * The login and sign-up forms come before any session: their token is
 * bound to a random pre-session cookie, set here when missing.
 */
void
dbk_precsrf_token(struct http_request *req, char *out)
{
	char		*value, hex[DBK_TOKEN_HEX + 1];
	u_int8_t	raw[DBK_TOKEN_LEN];

	http_populate_cookies(req);
	if (!http_request_cookie(req, PRE_COOKIE, &value) ||
	    strlen(value) != DBK_TOKEN_HEX) {
		randombytes_buf(raw, sizeof(raw));
		dbk_hex_encode(raw, sizeof(raw), hex);
		dbk_cookie_set(req, PRE_COOKIE, hex, 86400);
		value = hex;
	}
	csrf_derive("pre", (const u_int8_t *)value, DBK_TOKEN_HEX, out);
}

int
dbk_precsrf_ok(struct http_request *req, const char *token)
{
	char		*value, expect[DBK_TOKEN_HEX + 1];

	http_populate_cookies(req);
	if (token == NULL || strlen(token) != DBK_TOKEN_HEX)
		return (0);
	if (!http_request_cookie(req, PRE_COOKIE, &value) ||
	    strlen(value) != DBK_TOKEN_HEX)
		return (0);
	csrf_derive("pre", (const u_int8_t *)value, DBK_TOKEN_HEX, expect);

	return (dbk_ct_equal(token, expect, DBK_TOKEN_HEX));
}

/*
 * Flash cookie: base64url("E" or "I", message, "\n"-separated details) "."
 * HMAC.  Only this server can write one that the next page will show.
 */
void
dbk_flash_set(struct http_request *req, int error, const char *message,
    const char *const *details, size_t ndetails)
{
	struct kore_buf		payload;
	char			b64[FLASH_MAX * 2], mac[DBK_TOKEN_HEX + 1];
	char			cookie[FLASH_MAX * 2 + DBK_TOKEN_HEX + 2];
	size_t			i, len;

	kore_buf_init(&payload, 256);
	kore_buf_appendf(&payload, "%c%s", error ? 'E' : 'I', message);
	for (i = 0; i < ndetails; i++) {
		len = strlen(details[i]);
		if (payload.offset + len + 1 > FLASH_MAX)
			break;
		kore_buf_append(&payload, "\n", 1);
		kore_buf_append(&payload, details[i], len);
	}

	(void)sodium_bin2base64(b64, sizeof(b64), payload.data, payload.offset,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	csrf_derive("flash", payload.data, payload.offset, mac);
	(void)snprintf(cookie, sizeof(cookie), "%s.%s", b64, mac);
	dbk_cookie_set(req, FLASH_COOKIE, cookie, 60);
	kore_buf_cleanup(&payload);
}

/* Did a flash cookie come with the request (shown on this page)? */
int
dbk_flash_pending(struct http_request *req)
{
	char	*value;

	http_populate_cookies(req);
	return (http_request_cookie(req, FLASH_COOKIE, &value) &&
	    *value != '\0');
}

/*
 * Show the flash, if a valid one came with the request: root gets "flash"
 * ([{text, error}]) and "flash_details" (strings).  Clears the cookie.
 */
int
dbk_flash_take(struct http_request *req, struct mustache_value *root)
{
	struct mustache_value	*list, *item, *details;
	char			*value, *dot, *line, *next;
	u_int8_t		raw[FLASH_MAX + 1];
	char			mac[DBK_TOKEN_HEX + 1];
	size_t			rawlen;

	http_populate_cookies(req);
	if (!http_request_cookie(req, FLASH_COOKIE, &value) || *value == '\0')
		return (0);
	dbk_cookie_set(req, FLASH_COOKIE, "", 0);

	if ((dot = strchr(value, '.')) == NULL)
		return (0);
	if (sodium_base642bin(raw, sizeof(raw) - 1, value,
	    (size_t)(dot - value), NULL, &rawlen, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || rawlen < 1)
		return (0);
	csrf_derive("flash", raw, rawlen, mac);
	if (strlen(dot + 1) != DBK_TOKEN_HEX ||
	    !dbk_ct_equal(dot + 1, mac, DBK_TOKEN_HEX))
		return (0);
	raw[rawlen] = '\0';

	list = dbk_view_list();
	details = dbk_view_list();
	line = (char *)raw + 1;
	if ((next = strchr(line, '\n')) != NULL)
		*next++ = '\0';
	item = dbk_view_object();
	dbk_view_set_cstr(item, "text", line);
	dbk_view_set_bool(item, "error", raw[0] == 'E');
	dbk_view_push(list, item);

	for (line = next; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		item = dbk_view_object();
		dbk_view_set_cstr(item, "text", line);
		dbk_view_push(details, item);
	}

	dbk_view_set(root, "flash", list);
	dbk_view_set(root, "flash_details", details);
	dbk_view_set_bool(root, "has_flash_details", details->u.list.len > 0);
	return (1);
}

/*
 * A request of this session was served: write its last_seen_at when this
 * worker has not done so for SEEN_EVERY_S seconds, or at once when stale
 * says MariaDB's copy is old.  Not waited for.
 */
static void
seen_touch(const u_int8_t *hash, int stale)
{
	struct dbk_sql_param	params[] = { DBK_SQL_P_BLOB(hash, 32) };
	time_t			now;
	u_int32_t		slot;

	memcpy(&slot, hash, sizeof(slot));
	slot %= SEEN_SLOTS;
	now = time(NULL);

	if (!stale && !memcmp(seen[slot].prefix, hash, 8) &&
	    now - seen[slot].when < SEEN_EVERY_S)
		return;

	memcpy(seen[slot].prefix, hash, 8);
	seen[slot].when = now;
	dbk_db_fire("UPDATE sessions SET last_seen_at = NOW(6) "
	    "WHERE token_hash = ?", params, 1);
}

/* Queue GET of the generation; *idx gets its reply's index. */
void
dbk_cache_gen_queue(struct dbk_cache *cache, int *idx)
{
	static const char	*argv[] = { "GET", GEN_KEY };
	static const size_t	argvlen[] = { 3, sizeof(GEN_KEY) - 1 };

	*idx = dbk_cache_command(cache, 2, argv, argvlen);
}

/* The generation from reply idx into gen, or "" when unknown. */
void
dbk_cache_gen_read(struct dbk_cache *cache, int idx, char *gen)
{
	struct dbk_cache_reply	*reply;

	gen[0] = '\0';
	if (idx < 0)
		return;
	reply = &cache->replies[idx];
	if (reply->type == DBK_REPLY_STRING && reply->len <= DBK_GEN_MAX)
		(void)kore_strlcpy(gen, reply->str, DBK_GEN_MAX + 1);
}

/*
 * A tombstone or an invalidation could not be written: replace the
 * generation as soon as Redis answers, voiding everything cached.
 */
void
dbk_cache_gen_lost(void)
{
	if (!gen_lost)
		kore_log(LOG_NOTICE, "cache: an invalidation was lost; "
		    "the whole cache is voided when Redis answers");
	gen_lost = 1;
}

/*
 * A writer's invalidation after its commit: EVAL script on key with ARGV
 * version and ttl, sent now; the request sleeps until the reply, then the
 * caller calls dbk_cache_invalidated().  The script answers an integer.
 */
void
dbk_cache_invalidate(struct dbk_cache *cache, const char *script,
    const char *key, u_int64_t version, const char *ttl)
{
	const char	*argv[6];
	size_t		argvlen[6];
	char		ver[24];
	int		i;

	(void)snprintf(ver, sizeof(ver), "%llu", (unsigned long long)version);
	argv[0] = "EVAL";
	argv[1] = script;
	argv[2] = "1";
	argv[3] = key;
	argv[4] = ver;
	argv[5] = ttl;
	for (i = 0; i < 6; i++)
		argvlen[i] = strlen(argv[i]);

	dbk_cache_clear(cache);
	(void)dbk_cache_command(cache, 6, argv, argvlen);
	dbk_cache_send(cache);
}

/* The invalidation's reply is in: a lost one voids the cache later. */
void
dbk_cache_invalidated(struct dbk_cache *cache)
{
	if (cache->ncmds == 0 || cache->replies[0].type != DBK_REPLY_INTEGER)
		dbk_cache_gen_lost();
	dbk_cache_clear(cache);
}

void
dbk_cache_gen_worker_init(void)
{
	kore_timer_add(gen_tick, GEN_TICK_MS, NULL, 0);
}

static void
gen_tick(void *arg, u_int64_t now)
{
	static struct dbk_cache	cache;
	const char		*argv[3];
	size_t			argvlen[3];
	char			gen[DBK_GEN_MAX + 1];

	(void)arg;
	(void)now;

	if (!gen_lost || !dbk_cache_available())
		return;
	if (dbk_cache_pending(&cache))
		return;
	if (cache.state == DBK_CACHE_DONE) {
		if (cache.replies[0].type == DBK_REPLY_STRING)
			gen_lost = 0;
		dbk_cache_clear(&cache);
		if (!gen_lost)
			return;
	}

	gen_random(gen);
	argv[0] = "SET";
	argv[1] = GEN_KEY;
	argv[2] = gen;
	argvlen[0] = 3;
	argvlen[1] = sizeof(GEN_KEY) - 1;
	argvlen[2] = strlen(gen);
	dbk_cache_init(&cache, NULL);
	(void)dbk_cache_command(&cache, 3, argv, argvlen);
	dbk_cache_send(&cache);
}

static void
gen_random(char *out)
{
	u_int8_t	raw[8];

	randombytes_buf(raw, sizeof(raw));
	dbk_hex_encode(raw, sizeof(raw), out);
}

/*
 * The value of form field name (POST body), trimmed of nothing; 1 when
 * present.  Fields are declared in conf/routes.conf; an undeclared or
 * invalid one is absent.
 */
int
dbk_form_get(struct http_request *req, const char *name, const char **value,
    size_t *len)
{
	char		*s;

	if (!http_argument_get_string(req, name, &s))
		return (0);
	*value = s;
	*len = strlen(s);

	return (1);
}
