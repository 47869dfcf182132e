/*
 * A person's task list as the /tasks page needs it, cached in Redis.
 *
 * Never stale: every change to a person's tasks bumps users.tasks_version
 * in the same transaction.  A Redis entry is "GEN|VERSION|KIND|PAYLOAD"
 * (KIND L: a list, X: an invalidation marker) and changes only through two
 * scripts:
 * - fill (a reader that loaded VERSION from MariaDB): refused when the
 *   generation changed since the reader looked (a FLUSH, or a lost
 *   invalidation somewhere), or when the entry holds a newer version, or the
 *   same version as a list already;
 * - invalidate (a writer that committed VERSION): writes a marker unless
 *   the entry already holds VERSION or newer.
 * So an older list can never replace a newer one, whatever the order in
 * which workers or pods reach Redis.  A reader uses an entry only when it
 * is a list of the current generation.
 *
 * The payload is one line per task, open tasks first (oldest first), then
 * completed ones (latest first): "ID\tCOMPLETED\tDUE\tTITLE", where
 * COMPLETED is "YYYY-MM-DD HH:MM UTC" or empty and DUE "YYYY-MM-DD" or empty.
 * Titles never hold a newline (they are validated single lines).
 */

#include <string.h>

#include <sodium.h>

#include "runtime/daybook.h"
#include "runtime/session.h"
#include "tasklist.h"
#include "core/validate.h"
#include "mustache/mustache.h"

#define LIST_TTL	"3600"

static const char	*fill_lua =
	"local g = redis.call('GET', KEYS[1]) "
	"if not g then redis.call('SET', KEYS[1], ARGV[5], 'NX') return 0 end "
	"if g ~= ARGV[1] then return 0 end "
	"local cur = redis.call('GET', KEYS[2]) "
	"if cur then "
	" local cg, cv, ck = string.match(cur, '^([^|]*)|(%d+)|(%a)|') "
	" cv = tonumber(cv) "
	" local v = tonumber(ARGV[2]) "
	" if cv and (cv > v or (cv == v and ck == 'L' and cg == g)) then "
	"  return 0 end "
	"end "
	"redis.call('SET', KEYS[2], g .. '|' .. ARGV[2] .. '|L|' .. ARGV[3], "
	"'EX', ARGV[4]) return 1";

static const char	*invalidate_lua =
	"local cur = redis.call('GET', KEYS[1]) "
	"if cur then "
	" local cv = tonumber(string.match(cur, '^[^|]*|(%d+)|')) "
	" if cv and cv >= tonumber(ARGV[1]) then return 0 end "
	"end "
	"redis.call('SET', KEYS[1], '-|' .. ARGV[1] .. '|X|', 'EX', ARGV[2]) "
	"return 1";

void
dbk_tasklist_key(u_int64_t uid, char *key, size_t len)
{
	(void)snprintf(key, len, "dbk:t:%llu", (unsigned long long)uid);
}

/* Queue GET of uid's list; returns the reply index. */
int
dbk_tasklist_queue_get(struct dbk_cache *cache, u_int64_t uid)
{
	const char	*argv[2];
	size_t		argvlen[2];
	char		key[32];

	dbk_tasklist_key(uid, key, sizeof(key));
	argv[0] = "GET";
	argvlen[0] = 3;
	argv[1] = key;
	argvlen[1] = strlen(key);

	return (dbk_cache_command(cache, 2, argv, argvlen));
}

/*
 * The payload of a cached list when reply idx is a list of generation gen
 * (and its version in *version); NULL otherwise.  Points into the reply.
 */
const char *
dbk_tasklist_from_cache(struct dbk_cache *cache, int idx, const char *gen,
    u_int64_t *version)
{
	struct dbk_cache_reply	*reply;
	const char		*p;
	size_t			glen;

	if (idx < 0 || gen[0] == '\0')
		return (NULL);
	reply = &cache->replies[idx];
	if (reply->type != DBK_REPLY_STRING)
		return (NULL);

	glen = strlen(gen);
	if (reply->len <= glen || memcmp(reply->str, gen, glen) ||
	    reply->str[glen] != '|')
		return (NULL);
	if ((p = strchr(reply->str + glen + 1, '|')) == NULL)
		return (NULL);
	if (p[1] != 'L' || p[2] != '|')
		return (NULL);
	*version = strtoull(reply->str + glen + 1, NULL, 10);

	return (p + 3);
}

/* One round trip: the version and the tasks, from one snapshot. */
void
dbk_tasklist_query(struct dbk_db *db, u_int64_t uid)
{
	struct dbk_sql_param	params[] = {
		DBK_SQL_P_INT(uid),
		DBK_SQL_P_INT(uid),
	};

	(void)dbk_db_query(db,
	    "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY;"
	    "SELECT tasks_version FROM users WHERE id = ?;"
	    "SELECT id, IFNULL(DATE_FORMAT(completed_at, '%Y-%m-%d %H:%i UTC'), ''),"
	    " IFNULL(DATE_FORMAT(due_date, '%Y-%m-%d'), ''), title "
	    "FROM tasks WHERE user_id = ? "
	    "ORDER BY completed_at IS NOT NULL, "
	    "IF(completed_at IS NULL, id, 0), completed_at DESC, id;"
	    "COMMIT",
	    params, sizeof(params) / sizeof(params[0]));
}

/*
 * Build the payload from the query's results into buf; returns the version
 * (0 when the user row is gone).
 */
u_int64_t
dbk_tasklist_from_db(struct dbk_db *db, struct kore_buf *buf)
{
	MYSQL_ROW	row;
	unsigned long	*len;
	u_int64_t	version;
	int		i;

	if ((row = dbk_db_row(db, 1, NULL)) == NULL)
		return (0);
	version = strtoull(row[0], NULL, 10);

	while ((row = dbk_db_row(db, 2, &len)) != NULL) {
		for (i = 0; i < 4; i++) {
			kore_buf_append(buf, row[i], len[i]);
			kore_buf_append(buf, i < 3 ? "\t" : "\n", 1);
		}
	}

	return (version);
}

/* Store a list read at version (not waited for); see the rules above. */
void
dbk_tasklist_fill(u_int64_t uid, const char *gen,
    u_int64_t version, const void *payload, size_t len)
{
	const char	*argv[10];
	size_t		argvlen[10];
	char		key[32], ver[24], newgen[DBK_GEN_MAX + 1];
	u_int8_t	raw[8];
	int		i;

	if (!dbk_cache_available())
		return;

	dbk_tasklist_key(uid, key, sizeof(key));
	(void)snprintf(ver, sizeof(ver), "%llu", (unsigned long long)version);
	randombytes_buf(raw, sizeof(raw));
	dbk_hex_encode(raw, sizeof(raw), newgen);

	argv[0] = "EVAL";
	argv[1] = fill_lua;
	argv[2] = "2";
	argv[3] = "dbk:gen";
	argv[4] = key;
	argv[5] = gen[0] ? gen : "-";
	argv[6] = ver;
	argv[7] = (const char *)payload;
	argv[8] = LIST_TTL;
	argv[9] = newgen;
	for (i = 0; i < 10; i++) {
		if (i != 7)
			argvlen[i] = strlen(argv[i]);
	}
	argvlen[7] = len;

	dbk_cache_fire(10, argv, argvlen);
}

/*
 * After a commit that made version: queue the invalidation and send it.
 * The caller waits and passes the reply to dbk_tasklist_invalidated().
 */
void
dbk_tasklist_invalidate(struct dbk_cache *cache, u_int64_t uid,
    u_int64_t version)
{
	char	key[32];

	dbk_tasklist_key(uid, key, sizeof(key));
	dbk_cache_invalidate(cache, invalidate_lua, key, version, LIST_TTL);
}

/* The invalidation's reply is in: a lost one voids the cache later. */
void
dbk_tasklist_invalidated(struct dbk_cache *cache)
{
	dbk_cache_invalidated(cache);
}

/*
 * Walk the payload and build the page's lists.  payload must stay valid
 * until the page is rendered (strings are borrowed).  today is
 * "YYYY-MM-DD" for the overdue marks.
 */
void
dbk_tasklist_view(const char *payload, const char *today,
    struct dbk_tasklist_view *view)
{
	struct mustache_value	*item;
	const char		*line, *end, *f[4];
	size_t			flen[4];
	int			i;

	memset(view, 0, sizeof(*view));
	view->open = dbk_view_list();
	view->done = dbk_view_list();

	for (line = payload; *line != '\0'; line = end + 1) {
		if ((end = strchr(line, '\n')) == NULL)
			break;
		f[0] = line;
		for (i = 0; i < 3; i++) {
			f[i + 1] = memchr(f[i], '\t', (size_t)(end - f[i]));
			if (f[i + 1] == NULL)
				break;
			flen[i] = (size_t)(f[i + 1] - f[i]);
			f[i + 1]++;
		}
		if (i < 3)
			continue;
		flen[3] = (size_t)(end - f[3]);

		item = dbk_view_object();
		dbk_view_set(item, "id", mustache_string_borrow(
		    dbk_view_arena(), f[0], flen[0]));
		dbk_view_set(item, "title", mustache_string_borrow(
		    dbk_view_arena(), f[3], flen[3]));
		if (flen[1] == 0) {
			dbk_view_set(item, "due", mustache_string_borrow(
			    dbk_view_arena(), f[2], flen[2]));
			dbk_view_set_bool(item, "overdue", flen[2] == 10 &&
			    memcmp(f[2], today, 10) < 0);
			dbk_view_push(view->open, item);
			view->count_open++;
		} else {
			dbk_view_set(item, "completed", mustache_string_borrow(
			    dbk_view_arena(), f[1], flen[1]));
			dbk_view_push(view->done, item);
			view->count_done++;
		}
	}
}
