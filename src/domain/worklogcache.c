/*
 * A person's work log months, cached in Redis; see worklogcache.h.
 *
 * Never stale: every change to a person's work log (entries, allowances,
 * time zone) bumps users.worklog_version in the same transaction.  Redis
 * holds one hash per person, "dbk:w:UID", with
 *   "h"        "GEN|VERSION|TZ": the state the months below belong to;
 *   "YYYY-MM"  "VERSION|PAYLOAD": a month read from MariaDB at VERSION.
 * It changes only through two scripts:
 * - fill (a reader that loaded VERSION from MariaDB): refused when the
 *   generation changed since the reader looked (a FLUSH, or a lost
 *   invalidation somewhere), or when the hash holds a newer version; a
 *   newer version (or another generation) empties the hash first, so every
 *   month in it always belongs to its header;
 * - invalidate (a writer that committed VERSION): empties the hash and
 *   leaves a header "-|VERSION|" (no generation: no reader uses it) unless
 *   the hash already holds VERSION or newer.
 * So an older month can never replace a newer state, whatever the order in
 * which workers or pods reach Redis.  A reader uses a month only when the
 * header is of the current generation and the month's version is the
 * header's.  A person's time zone rides in the header: "today" needs no
 * other lookup, and a change of zone bumps the version like any write.
 */

#include <string.h>

#include <sodium.h>

#include "runtime/daybook.h"
#include "runtime/session.h"
#include "core/validate.h"
#include "worklogcache.h"

#define WL_TTL		"3600"
#define WL_MONTHS_MAX	"48"	/* months kept per person, then emptied */

static const char	*fill_lua =
	"local g = redis.call('GET', KEYS[1]) "
	"if not g then redis.call('SET', KEYS[1], ARGV[7], 'NX') return 0 end "
	"if g ~= ARGV[1] then return 0 end "
	"local v = tonumber(ARGV[2]) "
	"local h = redis.call('HGET', KEYS[2], 'h') "
	"local hg, hv "
	"if h then "
	" hg, hv = string.match(h, '^([^|]*)|(%d+)|') "
	" hv = tonumber(hv) "
	" if hv and hv > v then return 0 end "
	"end "
	"if hg ~= g or hv ~= v or "
	" redis.call('HLEN', KEYS[2]) > tonumber(ARGV[8]) then "
	" redis.call('DEL', KEYS[2]) "
	" redis.call('HSET', KEYS[2], 'h', g .. '|' .. ARGV[2] .. '|' .. ARGV[3]) "
	"end "
	"redis.call('HSET', KEYS[2], ARGV[4], ARGV[2] .. '|' .. ARGV[5]) "
	"redis.call('EXPIRE', KEYS[2], ARGV[6]) return 1";

static const char	*invalidate_lua =
	"local h = redis.call('HGET', KEYS[1], 'h') "
	"if h then "
	" local hv = tonumber(string.match(h, '^[^|]*|(%d+)|')) "
	" if hv and hv >= tonumber(ARGV[1]) then return 0 end "
	"end "
	"redis.call('DEL', KEYS[1]) "
	"redis.call('HSET', KEYS[1], 'h', '-|' .. ARGV[1] .. '|') "
	"redis.call('EXPIRE', KEYS[1], ARGV[2]) return 1";

/* The Redis key of uid's work log (one hash per person). */
void
dbk_worklog_key(u_int64_t uid, char *key, size_t len)
{
	(void)snprintf(key, len, "dbk:w:%llu", (unsigned long long)uid);
}

static void
month_field(int year, int month, char *field, size_t len)
{
	(void)snprintf(field, len, "%04d-%02d", year, month);
}

/* Queue HGET of uid's hash field; the reply's index, or -1. */
static int
queue_field(struct dbk_cache *cache, u_int64_t uid, const char *field)
{
	const char	*argv[3];
	size_t		argvlen[3];
	char		key[32];

	dbk_worklog_key(uid, key, sizeof(key));
	argv[0] = "HGET";
	argvlen[0] = 4;
	argv[1] = key;
	argvlen[1] = strlen(key);
	argv[2] = field;
	argvlen[2] = strlen(field);

	return (dbk_cache_command(cache, 3, argv, argvlen));
}

/*
 * Queue the two HGETs of a month (the header, then the month) and return
 * the index of the first reply, or -1 when the batch is full.
 */
int
dbk_worklog_queue_get(struct dbk_cache *cache, u_int64_t uid, int year,
    int month)
{
	char		field[16];
	int		idx;

	month_field(year, month, field, sizeof(field));
	if ((idx = queue_field(cache, uid, "h")) == -1 ||
	    queue_field(cache, uid, field) == -1)
		return (-1);

	return (idx);
}

/*
 * Queue the HGET of uid's header alone (pages that need only the current
 * version); the reply's index, or -1 when the batch is full.
 */
int
dbk_worklog_queue_head(struct dbk_cache *cache, u_int64_t uid)
{
	return (queue_field(cache, uid, "h"));
}

/*
 * Header reply head ("GEN|VERSION|TZ") when it is of generation gen:
 * returns the start of TZ (inside the reply) with *version set, or NULL.
 */
static const char *
head_parse(const struct dbk_cache_reply *head, const char *gen,
    u_int64_t *version)
{
	const char	*p;
	size_t		glen;
	char		*end;

	if (gen[0] == '\0' || head->type != DBK_REPLY_STRING)
		return (NULL);
	glen = strlen(gen);
	if (head->len <= glen || memcmp(head->str, gen, glen) ||
	    head->str[glen] != '|')
		return (NULL);
	p = head->str + glen + 1;
	*version = strtoull(p, &end, 10);
	if (end == p || *end != '|' || !dbk_zone_name_valid(end + 1))
		return (NULL);

	return (end + 1);
}

/*
 * The current version from header reply idx (dbk_worklog_queue_head):
 * 1 with *version set when the header is of generation gen (the same
 * guarantee as a month from dbk_worklog_from_cache: it is not older than
 * any write whose invalidation was answered before it was read), 0
 * otherwise.
 */
int
dbk_worklog_head_version(struct dbk_cache *cache, int idx, const char *gen,
    u_int64_t *version)
{
	if (idx < 0)
		return (0);

	return (head_parse(&cache->replies[idx], gen, version) != NULL);
}

/*
 * The month of replies idx and idx + 1 when they are a usable copy for
 * generation gen: fills *out (payload points into the reply) and returns
 * 1; 0 otherwise.
 */
int
dbk_worklog_from_cache(struct dbk_cache *cache, int idx, const char *gen,
    struct dbk_worklog_month *out)
{
	struct dbk_cache_reply	*month;
	const char		*tz;
	u_int64_t		hv, mv;
	char			*end;

	if (idx < 0)
		return (0);
	month = &cache->replies[idx + 1];
	if ((tz = head_parse(&cache->replies[idx], gen, &hv)) == NULL ||
	    month->type != DBK_REPLY_STRING)
		return (0);

	/* "VERSION|PAYLOAD" */
	mv = strtoull(month->str, &end, 10);
	if (end == month->str || *end != '|' || mv != hv)
		return (0);
	(void)kore_strlcpy(out->tz, tz, sizeof(out->tz));
	out->version = hv;
	out->payload = end + 1;

	return (1);
}

/*
 * One round trip, one snapshot: the version and time zone, then the
 * month's entries.
 */
void
dbk_worklog_query(struct dbk_db *db, u_int64_t uid, int year, int month)
{
	char			first[DBK_DATE_STR_LEN], last[DBK_DATE_STR_LEN];
	struct dbk_date		d;
	struct dbk_sql_param	params[4];

	d.year = year;
	d.month = month;
	d.day = 1;
	dbk_date_format(&d, first);
	d.day = dbk_days_in_month(year, month);
	dbk_date_format(&d, last);

	params[0] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	params[1] = (struct dbk_sql_param)DBK_SQL_P_INT(uid);
	params[2] = (struct dbk_sql_param)DBK_SQL_P_TEXT(first, strlen(first));
	params[3] = (struct dbk_sql_param)DBK_SQL_P_TEXT(last, strlen(last));
	(void)dbk_db_query(db,
	    "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY;"
	    "SELECT worklog_version, time_zone FROM users WHERE id = ?;"
	    "SELECT DAY(day), kind, half_day, note <> '', location "
	    "FROM worklog_entries WHERE user_id = ? AND day BETWEEN ? AND ? "
	    "ORDER BY day;"
	    "COMMIT",
	    params, 4);
}

/* Append s with tabs and line breaks made spaces. */
static void
append_field(struct kore_buf *buf, const char *s, size_t len)
{
	size_t		i, start;

	for (i = 0, start = 0; i < len; i++) {
		if (s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			continue;
		kore_buf_append(buf, s + start, i - start);
		kore_buf_append(buf, " ", 1);
		start = i + 1;
	}
	kore_buf_append(buf, s + start, len - start);
}

/*
 * Build the payload from dbk_worklog_query's results into buf (not
 * NUL-terminated) and set out's version and time zone (an unusable zone
 * name reads as UTC).  Returns 0 when the person's row is gone, else 1.
 * out->payload is left for the caller to point at buf.
 */
int
dbk_worklog_from_db(struct dbk_db *db, struct kore_buf *buf,
    struct dbk_worklog_month *out)
{
	MYSQL_ROW	row;
	unsigned long	*len;
	int		i;

	if ((row = dbk_db_row(db, 1, NULL)) == NULL)
		return (0);
	out->version = strtoull(row[0], NULL, 10);
	if (row[1] == NULL || !dbk_zone_name_valid(row[1]))
		(void)kore_strlcpy(out->tz, "UTC", sizeof(out->tz));
	else
		(void)kore_strlcpy(out->tz, row[1], sizeof(out->tz));

	while ((row = dbk_db_row(db, 2, &len)) != NULL) {
		for (i = 0; i < 5; i++) {
			append_field(buf, row[i], len[i]);
			kore_buf_append(buf, i < 4 ? "\t" : "\n", 1);
		}
	}

	return (1);
}

/*
 * Store a month read at m->version (not waited for; payload is m->payload,
 * len bytes); see the rules above.
 */
void
dbk_worklog_fill(u_int64_t uid, const char *gen, int year, int month,
    const struct dbk_worklog_month *m, size_t len)
{
	const char	*argv[13];
	size_t		argvlen[13];
	char		key[32], ver[24], field[16], newgen[DBK_GEN_MAX + 1];
	u_int8_t	raw[8];
	int		i;

	if (!dbk_cache_available())
		return;

	dbk_worklog_key(uid, key, sizeof(key));
	month_field(year, month, field, sizeof(field));
	(void)snprintf(ver, sizeof(ver), "%llu", (unsigned long long)m->version);
	randombytes_buf(raw, sizeof(raw));
	dbk_hex_encode(raw, sizeof(raw), newgen);

	argv[0] = "EVAL";
	argv[1] = fill_lua;
	argv[2] = "2";
	argv[3] = "dbk:gen";
	argv[4] = key;
	argv[5] = gen[0] ? gen : "-";	/* ARGV[1] */
	argv[6] = ver;			/* ARGV[2] */
	argv[7] = m->tz;		/* ARGV[3] */
	argv[8] = field;		/* ARGV[4] */
	argv[9] = m->payload;		/* ARGV[5] */
	argv[10] = WL_TTL;		/* ARGV[6] */
	argv[11] = newgen;		/* ARGV[7] */
	argv[12] = WL_MONTHS_MAX;	/* ARGV[8] */
	for (i = 0; i < 13; i++) {
		if (i != 9)
			argvlen[i] = strlen(argv[i]);
	}
	argvlen[9] = len;

	dbk_cache_fire(13, argv, argvlen);
}

/*
 * After a commit that made version: queue the invalidation and send it.
 * The caller waits and passes the reply to dbk_worklog_invalidated().
 */
void
dbk_worklog_invalidate(struct dbk_cache *cache, u_int64_t uid,
    u_int64_t version)
{
	char	key[32];

	dbk_worklog_key(uid, key, sizeof(key));
	dbk_cache_invalidate(cache, invalidate_lua, key, version, WL_TTL);
}

/* The invalidation's reply is in: a lost one voids the cache later. */
void
dbk_worklog_invalidated(struct dbk_cache *cache)
{
	dbk_cache_invalidated(cache);
}
