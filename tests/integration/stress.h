/*
 * Shared by the concurrency tests (test_cache.c, test_worklog_cache.c):
 * the failures their threads find (the first one kept for the report) and
 * a thread that flushes Redis again and again until told to stop.
 */

#ifndef DBK_STRESS_H
#define DBK_STRESS_H

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include <criterion/criterion.h>

#include "harness.h"

#define STRESS_FLUSH_CMD \
	"redis-cli -p \"$DAYBOOK_REDIS_PORT\" -a " \
	"\"$(cat var/test/redis_password)\" --no-auth-warning FLUSHALL " \
	">/dev/null"

/* Embed in the test's shared state; lock guards the test's fields too. */
struct stress {
	pthread_mutex_t	lock;
	int		stop_flushing;
	int		flushes;
	int		failures;
	char		first_failure[512];
};

/* Count a failure; keep the text of the first. */
static inline void
stress_fail(struct stress *st, const char *fmt, ...)
{
	va_list	ap;

	pthread_mutex_lock(&st->lock);
	if (st->failures++ == 0) {
		va_start(ap, fmt);
		vsnprintf(st->first_failure, sizeof(st->first_failure), fmt,
		    ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&st->lock);
}

/* FLUSHALL, asserted to work. */
static inline void
stress_flush_redis(void)
{
	cr_assert_eq(harness_run(STRESS_FLUSH_CMD), 0,
	    "redis-cli FLUSHALL failed");
}

/* Thread body (arg: struct stress *): flush until stop_flushing is set. */
static inline void *
stress_flusher(void *arg)
{
	struct stress	*st = arg;
	struct timespec	 pause = { 0, 50 * 1000000L };

	for (;;) {
		pthread_mutex_lock(&st->lock);
		if (st->stop_flushing) {
			pthread_mutex_unlock(&st->lock);
			break;
		}
		pthread_mutex_unlock(&st->lock);
		if (harness_run(STRESS_FLUSH_CMD) != 0)
			stress_fail(st, "flusher: redis-cli FLUSHALL failed");
		pthread_mutex_lock(&st->lock);
		st->flushes++;
		pthread_mutex_unlock(&st->lock);
		/* Not synchronisation: only spaces the flushes out. */
		nanosleep(&pause, NULL);
	}
	return NULL;
}

#endif
