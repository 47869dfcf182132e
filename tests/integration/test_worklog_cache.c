/*
 * The work log's month cache is never stale (issue 5), over HTTP against
 * the running test server with two workers, mirroring test_cache.c:
 *   (a) one writer: every save, clear and range is on the very next GET of
 *       the month, also after reading other months in between;
 *   (b) four clients in threads, each with its own session of the same
 *       account, write days of the same months and read them at the same
 *       time: every read shows every write acknowledged before the read
 *       started;
 *   (c) Redis is flushed (FLUSHALL) between writes and reads: nothing is
 *       lost or stale and the sessions still work;
 *   (d) (b) while Redis is flushed over and over.
 */

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>

#include "checks.h"
#include "harness.h"
#include "stress.h"
#include "worklog_checks.h"

#define THREADS		4
#define ROUNDS		30
#define MAX_DAYS	(THREADS * ROUNDS)

static const char	*kinds[] = { "office", "remote", "vacation",
			    "holiday", "sick" };

TestSuite(worklog_cache, .timeout = 120);

/* The date days after 2031-01-01 into out (16 bytes). */
static void
date_after(int days, char *out)
{
	struct tm	tm;
	time_t		t;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 2031 - 1900;
	tm.tm_mday = 1 + days;
	tm.tm_hour = 12;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

/* "/worklog?month=YYYY-MM" of date into out (32 bytes). */
static void
month_path(const char *date, char *out)
{
	snprintf(out, 32, "/worklog?month=%.7s", date);
}

/* POST a day with kind (NULL: clear); 1 when acknowledged (303). */
static int
day_post(struct harness_client *c, const char *date, const char *kind)
{
	struct harness_response	 r;
	char			 path[64], month[32];
	int			 ok;

	month_path(date, month);
	snprintf(path, sizeof(path), "/worklog/%s", date);
	ok = (kind != NULL ? wl_post(c, path, &r, "kind", kind, NULL) :
	    wl_post(c, path, &r, "action", "clear", NULL)) == 0 &&
	    wl_redirected(&r, month);
	harness_response_free(&r);
	return ok;
}

/* GET the month of date; assert it shows kind ("" for none) on date. */
static void
assert_shown(struct harness_client *c, const char *date, const char *kind,
    const char *when)
{
	char	 path[32], *body;
	long	 status;

	month_path(date, path);
	body = wl_page_try(c, path, &status);
	cr_assert_not_null(body, "%s: GET %s: %ld", when, path, status);
	cr_assert_str_eq(wl_day_kind(body, date), kind, "%s: %s", when, date);
	free(body);
}

/* ------------------------------------------------- (a) a single writer */

Test(worklog_cache, every_write_is_on_the_next_read)
{
	struct harness_client	*c = wl_signed_up("wlseq", NULL);
	struct harness_response	 r;
	char			 date[16], other[16], when[64];
	int			 i;

	for (i = 0; i < 60; i++) {
		date_after(i % 20, date);
		snprintf(when, sizeof(when), "round %d", i);
		cr_assert(day_post(c, date, kinds[i % 5]), "%s: save", when);
		assert_shown(c, date, kinds[i % 5], when);
		/* Another month read (and cached) between write and read. */
		date_after(40 + i % 30, other);
		cr_assert(day_post(c, other, kinds[(i + 1) % 5]));
		assert_shown(c, date, kinds[i % 5], when);
		assert_shown(c, other, kinds[(i + 1) % 5], when);
		if (i % 4 == 3) {
			cr_assert(day_post(c, date, NULL), "%s: clear", when);
			assert_shown(c, date, "", when);
		}
	}

	/* A range, on the next read of both months it covers. */
	wl_range(c, &r, "from", "2031-01-27", "to", "2031-02-07", "kind",
	    "sick", "replace", "1", NULL);
	wl_assert_redirect(&r, "/worklog?month=2031-01");
	harness_response_free(&r);
	assert_shown(c, "2031-01-31", "sick", "range");
	assert_shown(c, "2031-02-02", "sick", "range");
	harness_client_free(c);
}

/* ------------------------------------ (b) concurrent writers and readers */

struct acked {
	char	date[16];
	int	kind;		/* index into kinds */
	double	saved_ms;	/* when the save was acknowledged */
	double	clearing_ms;	/* when the clear was sent, or 0 */
	double	cleared_ms;	/* when the clear was acknowledged, or 0 */
};

struct shared {
	struct stress	 st;
	struct acked	 days[MAX_DAYS];
	size_t		 ndays;
	const char	*email;
	int		 reads;
};

struct worker {
	struct shared	*shared;
	int		 n;
	const char	*prefix;
};

/*
 * Record a save of date (cleared 0), a clear about to be sent (cleared
 * 1) or one acknowledged (cleared 2).
 */
static void
acknowledge(struct shared *s, const char *date, int kind, int cleared)
{
	size_t	i;

	pthread_mutex_lock(&s->st.lock);
	if (cleared) {
		for (i = 0; i < s->ndays; i++) {
			if (strcmp(s->days[i].date, date) != 0)
				continue;
			if (cleared == 1)
				s->days[i].clearing_ms = harness_now_ms();
			else
				s->days[i].cleared_ms = harness_now_ms();
		}
	} else if (s->ndays < MAX_DAYS) {
		snprintf(s->days[s->ndays].date, sizeof(s->days[0].date), "%s",
		    date);
		s->days[s->ndays].kind = kind;
		s->days[s->ndays].saved_ms = harness_now_ms();
		s->days[s->ndays].clearing_ms = 0;
		s->days[s->ndays].cleared_ms = 0;
		s->ndays++;
	}
	pthread_mutex_unlock(&s->st.lock);
}

/*
 * One read of a month that started at start_ms, against every day of that
 * month acknowledged before then: shown with its kind, or empty when its
 * clear was acknowledged before the read (either, when the clear was sent
 * but not acknowledged before the read started).
 */
static void
check_read(struct shared *s, const char *who, const char *body,
    const char *month, double start_ms)
{
	struct wl_month	 page;
	const char	*got;
	struct acked	*d;
	size_t		 i;

	wl_month_read(&page, body);
	pthread_mutex_lock(&s->st.lock);
	s->reads++;
	for (i = 0; i < s->ndays; i++) {
		d = &s->days[i];
		if (strncmp(d->date, month, 7) != 0 || d->saved_ms >= start_ms)
			continue;
		got = wl_month_kind(&page, d->date);
		if (d->cleared_ms != 0 && d->cleared_ms < start_ms) {
			if (*got == '\0')
				continue;
		} else if (strcmp(got, kinds[d->kind]) == 0 ||
		    (d->clearing_ms != 0 && *got == '\0')) {
			continue;
		}
		pthread_mutex_unlock(&s->st.lock);
		stress_fail(&s->st, "%s: read shows %s as \"%s\", want %s (saved %.1f ms, "
		    "cleared %.1f ms before the read started)", who, d->date,
		    got, kinds[d->kind], start_ms - d->saved_ms,
		    d->cleared_ms ? start_ms - d->cleared_ms : 0.0);
		return;
	}
	pthread_mutex_unlock(&s->st.lock);
}

/*
 * One client of the shared account: ROUNDS times save a day of its own
 * (the threads' days interleave, so they share months), read that month;
 * every fourth round clear its previous day first.
 */
static void *
worker_main(void *arg)
{
	struct worker		*w = arg;
	struct shared		*s = w->shared;
	struct harness_client	*c;
	char			 who[32], date[16], prev[16] = "", path[32];
	char			*body;
	long			 status;
	double			 start;
	int			 i, kind;

	snprintf(who, sizeof(who), "%s%d", w->prefix, w->n);
	if ((c = harness_client_new(NULL)) == NULL) {
		stress_fail(&s->st, "%s: no client", who);
		return NULL;
	}
	if (!wl_log_in_try(c, s->email)) {
		stress_fail(&s->st, "%s: log in failed", who);
		harness_client_free(c);
		return NULL;
	}
	for (i = 0; i < ROUNDS; i++) {
		date_after(i * THREADS + w->n, date);
		kind = (i + w->n) % 5;
		if (i % 4 == 3 && prev[0] != '\0') {
			acknowledge(s, prev, 0, 1);
			if (!day_post(c, prev, NULL)) {
				stress_fail(&s->st, "%s: clear %s failed", who, prev);
				break;
			}
			acknowledge(s, prev, 0, 2);
		}
		if (!day_post(c, date, kinds[kind])) {
			stress_fail(&s->st, "%s: save %s failed", who, date);
			break;
		}
		acknowledge(s, date, kind, 0);

		start = harness_now_ms();
		month_path(date, path);
		if ((body = wl_page_try(c, path, &status)) == NULL) {
			stress_fail(&s->st, "%s: GET %s answered %ld", who, path, status);
			break;
		}
		check_read(s, who, body, date, start);
		free(body);
		snprintf(prev, sizeof(prev), "%s", date);
	}
	harness_client_free(c);
	return NULL;
}

/* Run THREADS workers on one account, with a flusher when asked. */
static void
run_workers(const char *tag, int flushing)
{
	struct shared		*s;
	struct worker		 w[THREADS];
	pthread_t		 t[THREADS], flusher;
	struct harness_client	*c;
	char			*email, *body, path[32];
	const char		*want;
	long			 status;
	size_t			 i;

	s = calloc(1, sizeof(*s));
	cr_assert_not_null(s);
	pthread_mutex_init(&s->st.lock, NULL);
	c = wl_signed_up(tag, &email);
	s->email = email;

	if (flushing)
		cr_assert_eq(pthread_create(&flusher, NULL, stress_flusher,
		    &s->st), 0);
	for (i = 0; i < THREADS; i++) {
		w[i].shared = s;
		w[i].n = (int)i;
		w[i].prefix = flushing ? "f" : "w";
		cr_assert_eq(pthread_create(&t[i], NULL, worker_main, &w[i]),
		    0);
	}
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	if (flushing) {
		pthread_mutex_lock(&s->st.lock);
		s->st.stop_flushing = 1;
		pthread_mutex_unlock(&s->st.lock);
		pthread_join(flusher, NULL);
	}

	cr_assert_eq(s->st.failures, 0, "%d failures; first: %s", s->st.failures,
	    s->st.first_failure);
	cr_assert_eq(s->ndays, (size_t)MAX_DAYS);
	cr_assert_eq(s->reads, THREADS * ROUNDS);
	if (flushing)
		cr_assert_geq(s->st.flushes, 3, "only %d flushes", s->st.flushes);

	/* The first session (from sign-up) sees the final state too. */
	for (i = 0; i < s->ndays; i++) {
		month_path(s->days[i].date, path);
		body = wl_page_try(c, path, &status);
		cr_assert_not_null(body, "GET %s: %ld", path, status);
		want = s->days[i].cleared_ms ? "" : kinds[s->days[i].kind];
		cr_assert_str_eq(wl_day_kind(body, s->days[i].date), want,
		    "%s wrong at the end", s->days[i].date);
		free(body);
	}

	pthread_mutex_destroy(&s->st.lock);
	free(s);
	free(email);
	harness_client_free(c);
}

Test(worklog_cache, concurrent_sessions_never_read_stale)
{
	run_workers("wlconc", 0);
}

/* ------------------------------------------------ (c) Redis flushed */

Test(worklog_cache, redis_flush_loses_nothing)
{
	struct harness_client	*c, *second;
	char			*email, date[16], when[64];
	int			 i;

	c = wl_signed_up("wlflush", &email);
	second = harness_client_new(NULL);
	cr_assert_not_null(second);
	cr_assert(wl_log_in_try(second, email), "second login failed");

	for (i = 0; i < 40; i++) {
		date_after(i * 3, date);
		snprintf(when, sizeof(when), "round %d", i);
		/* Warm the month, then write, sometimes flushing between. */
		assert_shown(second, date, "", when);
		if (i % 4 == 1)
			stress_flush_redis();
		cr_assert(day_post(c, date, kinds[i % 5]), "%s: save", when);
		if (i % 4 == 2)
			stress_flush_redis();
		assert_shown(c, date, kinds[i % 5], when);
		assert_shown(second, date, kinds[i % 5], when);
		if (i % 4 == 3) {
			stress_flush_redis();
			cr_assert(day_post(c, date, NULL), "%s: clear", when);
			assert_shown(second, date, "", when);
		}
	}

	/* A fresh login after a flush sees it all. */
	stress_flush_redis();
	harness_client_free(second);
	second = harness_client_new(NULL);
	cr_assert_not_null(second);
	cr_assert(wl_log_in_try(second, email), "login after FLUSHALL failed");
	for (i = 0; i < 40; i++) {
		date_after(i * 3, date);
		assert_shown(second, date, i % 4 == 3 ? "" : kinds[i % 5],
		    "end");
	}
	free(email);
	harness_client_free(second);
	harness_client_free(c);
}

/* --------------------------- (d) concurrency while Redis is flushed */

Test(worklog_cache, concurrent_sessions_with_redis_flushes)
{
	run_workers("wlconcflush", 1);
}
