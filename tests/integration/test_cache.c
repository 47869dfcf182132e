/*
 * The task list cache is never stale (issue 4), over HTTP against the
 * running test server with two workers:
 *   (a) one writer: every add, complete and reopen is visible on the very
 *       next GET /tasks, 100 times over;
 *   (b) four clients in threads, each with its own session of the same
 *       account, add tasks and read the list at the same time: every read
 *       shows every write acknowledged before the read started;
 *   (c) Redis is flushed (FLUSHALL) between writes and reads: nothing is
 *       lost or stale and the sessions still work (reloaded from MariaDB);
 *   (d) (b) while Redis is flushed over and over.
 *
 * Redis of the test stack: 127.0.0.1:6407, password in
 * var/test/redis_password.  FLUSHALL empties the whole test Redis, which
 * the server must survive by design (it is only a cache).
 */

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "stress.h"
#include "task_page.h"

#define PASSWORD	"Pw-zq8Xy-secret"
#define THREADS		4
#define ROUNDS		50
#define MAX_TITLES	(THREADS * ROUNDS + 64)

/* ------------------------------------------------------------ helpers */

/* "csrf=<token>&name=<value>" (value percent-encoded); caller frees. */
static char *
form_with(const char *csrf, const char *name, const char *value)
{
	char	*enc, *body;

	if ((enc = harness_urlencode(value)) == NULL)
		return NULL;
	if (asprintf(&body, "csrf=%s&%s=%s", csrf, name, enc) == -1)
		body = NULL;
	free(enc);
	return body;
}

/* The csrf token on the page at path, or NULL; caller frees. */
static char *
csrf_of(struct harness_client *c, const char *path)
{
	struct harness_response	 r;
	char			*csrf = NULL;

	if (harness_get(c, path, &r) == 0 && r.status == 200)
		csrf = harness_input_value(r.body, "csrf");
	harness_response_free(&r);
	return csrf;
}

/* Did r redirect (303) to /tasks? */
static int
redirected_to_tasks(const struct harness_response *r)
{
	char	*loc;
	int	 ok;

	if (r->status != 303)
		return 0;
	loc = harness_header(r, "Location");
	ok = loc != NULL && strcmp(loc, "/tasks") == 0;
	free(loc);
	return ok;
}

/* Sign up a new account on c; 1 when it worked. */
static int
sign_up(struct harness_client *c, const char *email)
{
	struct harness_response	 r;
	char			*csrf, *pw, *em, *body = NULL;
	int			 ok = 0;

	if ((csrf = csrf_of(c, "/signup")) == NULL)
		return 0;
	pw = harness_urlencode(PASSWORD);
	em = harness_urlencode(email);
	if (pw != NULL && em != NULL && asprintf(&body, "csrf=%s&email=%s&"
	    "display_name=Cache&password=%s&password2=%s", csrf, em, pw,
	    pw) != -1) {
		ok = harness_post_form(c, "/signup", body, &r) == 0 &&
		    redirected_to_tasks(&r);
		harness_response_free(&r);
	}
	free(body);
	free(em);
	free(pw);
	free(csrf);
	return ok;
}

/* Log in as email on c; 1 when it worked. */
static int
log_in(struct harness_client *c, const char *email)
{
	struct harness_response	 r;
	char			*csrf, *pw, *em, *body = NULL;
	int			 ok = 0;

	if ((csrf = csrf_of(c, "/login")) == NULL)
		return 0;
	pw = harness_urlencode(PASSWORD);
	em = harness_urlencode(email);
	if (pw != NULL && em != NULL && asprintf(&body, "csrf=%s&email=%s&"
	    "password=%s", csrf, em, pw) != -1) {
		ok = harness_post_form(c, "/login", body, &r) == 0 &&
		    redirected_to_tasks(&r);
		harness_response_free(&r);
	}
	free(body);
	free(em);
	free(pw);
	free(csrf);
	return ok;
}

static struct harness_client *
client_new(void)
{
	struct harness_client	*c = harness_client_new(NULL);

	cr_assert_not_null(c);
	return c;
}

/*
 * The state ('o', 'd' or 0) and id (or -1) of title on a task page, by
 * reading the whole page once for every check: for the single-shot checks
 * of the sequential tests.  Loops over many titles index the page once
 * with task_page_read() instead.
 */
static int
task_state(const char *body, const char *title)
{
	struct task_page	page;
	int			state;

	cr_assert(task_page_read(&page, body), "malformed task page");
	state = task_page_state_of(&page, title);
	task_page_free(&page);
	return state;
}

static long long
task_id(const char *body, const char *title)
{
	struct task_page	page;
	long long		id;

	cr_assert(task_page_read(&page, body), "malformed task page");
	id = task_page_id_of(&page, title);
	task_page_free(&page);
	return id;
}

/* The page in body, indexed; asserted readable. */
static void
page_read(struct task_page *page, const char *body)
{
	cr_assert(task_page_read(page, body), "malformed task page");
}

/* POST /tasks titles=title; 1 when it was acknowledged (303 /tasks). */
static int
add_task(struct harness_client *c, const char *csrf, const char *title,
    long *status)
{
	struct harness_response	 r;
	char			*body = form_with(csrf, "titles", title);
	int			 ok;

	memset(&r, 0, sizeof(r));
	ok = body != NULL && harness_post_form(c, "/tasks", body, &r) == 0 &&
	    redirected_to_tasks(&r);
	*status = r.status;
	harness_response_free(&r);
	free(body);
	return ok;
}

/* POST /tasks/ID/action; 1 when acknowledged. */
static int
task_action(struct harness_client *c, const char *csrf, long long id,
    const char *action, long *status)
{
	struct harness_response	 r;
	char			 path[64], body[160];
	int			 ok;

	snprintf(path, sizeof(path), "/tasks/%lld/%s", id, action);
	snprintf(body, sizeof(body), "csrf=%s", csrf);
	ok = harness_post_form(c, path, body, &r) == 0 &&
	    redirected_to_tasks(&r);
	*status = r.status;
	harness_response_free(&r);
	return ok;
}

/* POST path with csrf and one optional field; 1 when 303 /tasks. */
static int
post_fields(struct harness_client *c, const char *path, const char *csrf,
    const char *name, const char *value)
{
	struct harness_response	 r;
	char			*body;
	int			 ok;

	memset(&r, 0, sizeof(r));
	body = name ? form_with(csrf, name, value) : form_with(csrf, "x", "");
	ok = body != NULL && harness_post_form(c, path, body, &r) == 0 &&
	    redirected_to_tasks(&r);
	harness_response_free(&r);
	free(body);
	return ok;
}

/* GET /tasks: the body (caller frees), or NULL unless 200. */
static char *
task_list(struct harness_client *c, long *status)
{
	struct harness_response	 r;
	char			*body = NULL;

	if (harness_get(c, "/tasks", &r) == 0 && r.status == 200) {
		body = r.body;
		r.body = NULL;
	}
	*status = r.status;
	harness_response_free(&r);
	return body;
}

/* A new account and a client logged in to it (by signing up). */
static struct harness_client *
new_account(const char *tag, char **email_out, char **csrf_out)
{
	struct harness_client	*c = client_new();
	char			*email = harness_unique_email(tag);

	cr_assert(sign_up(c, email), "sign-up of %s failed", email);
	*csrf_out = csrf_of(c, "/tasks");
	cr_assert_not_null(*csrf_out);
	*email_out = email;
	return c;
}

TestSuite(cache, .timeout = 90);

/* ------------------------------------------------- (a) a single writer */

Test(cache, every_write_is_on_the_next_read)
{
	struct harness_client	*c;
	struct task_page	 page;
	char			*email, *csrf, *body, title[64], path[64];
	long			 status;
	long long		 id;
	int			 i;

	c = new_account("seq", &email, &csrf);
	for (i = 0; i < 100; i++) {
		snprintf(title, sizeof(title), "seq-%03d", i);
		cr_assert(add_task(c, csrf, title, &status), "add %s: %ld",
		    title, status);
		body = task_list(c, &status);
		cr_assert_not_null(body, "GET /tasks: %ld", status);
		cr_assert_eq(task_state(body, title), 'o',
		    "round %d: %s missing right after it was added", i, title);
		id = task_id(body, title);
		free(body);

		/* Complete it, and on odd rounds reopen it again. */
		cr_assert(task_action(c, csrf, id, "complete", &status),
		    "complete %s: %ld", title, status);
		body = task_list(c, &status);
		cr_assert_not_null(body);
		cr_assert_eq(task_state(body, title), 'd',
		    "round %d: %s not shown completed", i, title);
		free(body);
		if (i % 2 == 0)
			continue;
		cr_assert(task_action(c, csrf, id, "reopen", &status),
		    "reopen %s: %ld", title, status);
		body = task_list(c, &status);
		cr_assert_not_null(body);
		cr_assert_eq(task_state(body, title), 'o',
		    "round %d: %s not shown reopened", i, title);
		free(body);
	}

	/* Everything, in its final state. */
	body = task_list(c, &status);
	cr_assert_not_null(body);
	page_read(&page, body);
	for (i = 0; i < 100; i++) {
		snprintf(title, sizeof(title), "seq-%03d", i);
		cr_assert_eq(task_page_state_of(&page, title), i % 2 ? 'o' :
		    'd', "%s in the wrong state at the end", title);
	}
	task_page_free(&page);
	free(body);

	/* Edits and deletes are on the next read as well. */
	for (i = 1; i < 100; i += 10) {
		snprintf(title, sizeof(title), "seq-%03d", i);
		body = task_list(c, &status);
		cr_assert_not_null(body);
		id = task_id(body, title);
		free(body);
		snprintf(path, sizeof(path), "/tasks/%lld/edit", id);
		snprintf(title, sizeof(title), "edited-%03d", i);
		cr_assert(post_fields(c, path, csrf, "title", title),
		    "edit %lld", id);
		body = task_list(c, &status);
		cr_assert_not_null(body);
		cr_assert_eq(task_state(body, title), 'o', "edit of %lld not "
		    "shown", id);
		free(body);

		snprintf(path, sizeof(path), "/tasks/%lld/delete", id);
		cr_assert(post_fields(c, path, csrf, NULL, NULL));
		body = task_list(c, &status);
		cr_assert_not_null(body);
		cr_assert_eq(task_state(body, title), 0, "deleted %s still "
		    "shown", title);
		free(body);
	}
	cr_assert(post_fields(c, "/tasks/clear-completed", csrf, NULL, NULL));
	body = task_list(c, &status);
	cr_assert_not_null(body);
	cr_assert_eq(task_state(body, "seq-000"), 0, "cleared task shown");
	cr_assert_eq(task_state(body, "seq-003"), 'o');
	free(body);
	cr_assert(post_fields(c, "/tasks/delete-all", csrf, NULL, NULL));
	body = task_list(c, &status);
	cr_assert_not_null(body);
	cr_assert_eq(task_state(body, "seq-003"), 0, "deleted task shown");
	cr_assert_null(strstr(body, "task-title"), "tasks left after delete "
	    "all");
	free(body);
	free(csrf);
	free(email);
	harness_client_free(c);
}

/* ------------------------------------ (b) concurrent writers and readers */

struct acked {
	char	title[48];
	double	added_ms;	/* when the add was acknowledged */
	double	done_ms;	/* when the complete was acknowledged, or 0 */
};

struct shared {
	struct stress	 st;
	struct acked	 titles[MAX_TITLES];
	size_t		 ntitles;
	const char	*email;
	int		 reads;
};

struct worker {
	struct shared		*shared;
	int			 n;
	const char		*prefix;
};

static void
acknowledge_add(struct shared *s, const char *title)
{
	pthread_mutex_lock(&s->st.lock);
	if (s->ntitles < MAX_TITLES) {
		snprintf(s->titles[s->ntitles].title,
		    sizeof(s->titles[0].title), "%s", title);
		s->titles[s->ntitles].added_ms = harness_now_ms();
		s->titles[s->ntitles].done_ms = 0;
		s->ntitles++;
	}
	pthread_mutex_unlock(&s->st.lock);
}

static void
acknowledge_done(struct shared *s, const char *title)
{
	size_t	i;

	pthread_mutex_lock(&s->st.lock);
	for (i = 0; i < s->ntitles; i++) {
		if (strcmp(s->titles[i].title, title) == 0)
			s->titles[i].done_ms = harness_now_ms();
	}
	pthread_mutex_unlock(&s->st.lock);
}

/*
 * Check one read (its page indexed) that started at start_ms against
 * everything acknowledged before then: present, and completed when its
 * completion was.
 */
static void
check_read(struct shared *s, const char *who, const struct task_page *page,
    double start_ms)
{
	size_t	i;
	int	state;

	pthread_mutex_lock(&s->st.lock);
	s->reads++;
	for (i = 0; i < s->ntitles; i++) {
		if (s->titles[i].added_ms >= start_ms)
			continue;
		state = task_page_state_of(page, s->titles[i].title);
		if (state == 0) {
			pthread_mutex_unlock(&s->st.lock);
			stress_fail(&s->st, "%s: read missed %s (acknowledged %.1f ms "
			    "before the read started)", who,
			    s->titles[i].title, start_ms -
			    s->titles[i].added_ms);
			return;
		}
		if (s->titles[i].done_ms != 0 && s->titles[i].done_ms <
		    start_ms && state != 'd') {
			pthread_mutex_unlock(&s->st.lock);
			stress_fail(&s->st, "%s: read shows %s open, completed %.1f ms "
			    "before the read started", who,
			    s->titles[i].title, start_ms -
			    s->titles[i].done_ms);
			return;
		}
	}
	pthread_mutex_unlock(&s->st.lock);
}

/*
 * One client of the shared account: log in, then ROUNDS times add a
 * unique title and read the list; every third round also complete its
 * own previous task.
 */
static void *
worker_main(void *arg)
{
	struct worker		*w = arg;
	struct shared		*s = w->shared;
	struct harness_client	*c;
	struct task_page	 page;
	char			 who[32], title[48], prev[48] = "", *csrf, *body;
	long			 status;
	long long		 id;
	double			 start;
	int			 i;

	snprintf(who, sizeof(who), "%s%d", w->prefix, w->n);
	if ((c = harness_client_new(NULL)) == NULL) {
		stress_fail(&s->st, "%s: no client", who);
		return NULL;
	}
	if (!log_in(c, s->email) || (csrf = csrf_of(c, "/tasks")) == NULL) {
		stress_fail(&s->st, "%s: log in failed", who);
		harness_client_free(c);
		return NULL;
	}
	for (i = 0; i < ROUNDS; i++) {
		snprintf(title, sizeof(title), "%s-r%02d", who, i);
		if (!add_task(c, csrf, title, &status)) {
			stress_fail(&s->st, "%s: add %s answered %ld", who, title, status);
			break;
		}
		acknowledge_add(s, title);

		if (i % 3 == 2 && prev[0] != '\0') {
			start = harness_now_ms();
			body = task_list(c, &status);
			id = -1;
			if (body != NULL && task_page_read(&page, body)) {
				id = task_page_id_of(&page, prev);
				task_page_free(&page);
			}
			free(body);
			if (id <= 0 || !task_action(c, csrf, id, "complete",
			    &status)) {
				stress_fail(&s->st, "%s: complete %s (id %lld) failed: %ld",
				    who, prev, id, status);
				break;
			}
			acknowledge_done(s, prev);
		}

		start = harness_now_ms();
		if ((body = task_list(c, &status)) == NULL) {
			stress_fail(&s->st, "%s: GET /tasks answered %ld (session lost?)",
			    who, status);
			break;
		}
		if (!task_page_read(&page, body)) {
			stress_fail(&s->st, "%s: malformed task page", who);
			free(body);
			break;
		}
		if (task_page_find(&page, title, NULL) == NULL)
			stress_fail(&s->st, "%s: own title %s missing right after its "
			    "add", who, title);
		check_read(s, who, &page, start);
		task_page_free(&page);
		free(body);
		snprintf(prev, sizeof(prev), "%s", title);
	}
	free(csrf);
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
	struct task_page	 page;
	char			*email, *csrf, *body;
	long			 status;
	size_t			 i;

	s = calloc(1, sizeof(*s));
	cr_assert_not_null(s);
	pthread_mutex_init(&s->st.lock, NULL);
	c = new_account(tag, &email, &csrf);
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
	cr_assert_eq(s->ntitles, (size_t)(THREADS * ROUNDS));
	cr_assert_eq(s->reads, THREADS * ROUNDS);
	if (flushing)
		cr_assert_geq(s->st.flushes, 3, "only %d flushes", s->st.flushes);

	/* The first session (from sign-up) sees the final state too. */
	body = task_list(c, &status);
	cr_assert_not_null(body, "GET /tasks: %ld", status);
	page_read(&page, body);
	for (i = 0; i < s->ntitles; i++) {
		cr_assert_eq(task_page_state_of(&page, s->titles[i].title),
		    s->titles[i].done_ms != 0 ? 'd' : 'o', "%s wrong at the "
		    "end", s->titles[i].title);
	}
	task_page_free(&page);
	free(body);

	pthread_mutex_destroy(&s->st.lock);
	free(s);
	free(csrf);
	free(email);
	harness_client_free(c);
}

Test(cache, concurrent_sessions_never_read_stale)
{
	run_workers("conc", 0);
}

/* ------------------------------------------------ (c) Redis flushed */

/* Every title in titles[0..n) shown, in state done[i] ? 'd' : 'o'. */
static void
assert_all_shown(const char *body, char titles[][32], const int *done,
    int n, const char *when)
{
	struct task_page	page;
	int			i;

	page_read(&page, body);
	for (i = 0; i < n; i++) {
		cr_assert_eq(task_page_state_of(&page, titles[i]),
		    done[i] ? 'd' : 'o', "%s: %s missing or in the wrong state",
		    when, titles[i]);
	}
	task_page_free(&page);
}

Test(cache, redis_flush_loses_nothing)
{
	struct harness_client	*c, *second;
	char			*email, *csrf, *body;
	char			 titles[40][32], when[64];
	int			 done[40] = { 0 }, n = 0, i;
	long			 status;
	long long		 id;

	c = new_account("flush", &email, &csrf);
	second = client_new();
	cr_assert(log_in(second, email), "second login failed");

	for (i = 0; i < 40; i++) {
		snprintf(titles[n], sizeof(titles[n]), "flush-%02d", i);
		cr_assert(add_task(c, csrf, titles[n], &status), "add: %ld",
		    status);
		n++;
		/* Flush between a write and its read, now and then. */
		if (i % 8 == 3)
			stress_flush_redis();
		body = task_list(c, &status);
		cr_assert_not_null(body, "round %d: GET /tasks %ld (session "
		    "lost after FLUSHALL?)", i, status);
		snprintf(when, sizeof(when), "round %d after add", i);
		assert_all_shown(body, titles, done, n, when);

		/* Complete every third task; flush right before, sometimes. */
		if (i % 3 == 0) {
			id = task_id(body, titles[i]);
			if (i % 6 == 0)
				stress_flush_redis();
			cr_assert(task_action(c, csrf, id, "complete",
			    &status), "complete: %ld", status);
			done[i] = 1;
		}
		free(body);

		/* The other session reads it too (warms the cache again). */
		body = task_list(second, &status);
		cr_assert_not_null(body, "round %d: second session GET %ld",
		    i, status);
		snprintf(when, sizeof(when), "round %d, second session", i);
		assert_all_shown(body, titles, done, n, when);
		free(body);

		/* Flush after a warm read: the next read must still agree. */
		if (i % 8 == 6) {
			stress_flush_redis();
			body = task_list(c, &status);
			cr_assert_not_null(body);
			snprintf(when, sizeof(when), "round %d after flush", i);
			assert_all_shown(body, titles, done, n, when);
			free(body);
		}
	}

	/* A fresh login after a flush works as well. */
	stress_flush_redis();
	harness_client_free(second);
	second = client_new();
	cr_assert(log_in(second, email), "login after FLUSHALL failed");
	body = task_list(second, &status);
	cr_assert_not_null(body);
	assert_all_shown(body, titles, done, n, "end");
	free(body);

	free(csrf);
	free(email);
	harness_client_free(second);
	harness_client_free(c);
}

/* --------------------------- (d) concurrency while Redis is flushed */

Test(cache, concurrent_sessions_with_redis_flushes)
{
	run_workers("concflush", 1);
}
