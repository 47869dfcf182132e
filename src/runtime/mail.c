/*
 * Outgoing mail: see mail.h.
 *
 * A job is owned by the worker while it waits in the queue, and by the
 * task thread while the thread sends it (the worker then touches nothing
 * but the task's state).  The thread uses no Kore allocator and does not
 * log: it leaves its result in the job.
 */

#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "daybook.h"

#include <kore/tasks.h>

#include "mail.h"
#include "core/mailmsg.h"
#include "core/validate.h"

#define TICK_MS			100
#define RETRY_FIRST_MS		1000	/* then doubled */
#define CONNECT_TIMEOUT_S	10L
#define SEND_TIMEOUT_S		30L
#define RCPT_MAX		256

struct mail_job {
	struct kore_task	task;		/* first: the thread's handle */
	TAILQ_ENTRY(mail_job)	list;
	char			to[RCPT_MAX];
	char			*msg;		/* kore_malloc'd */
	size_t			msglen;
	u_int32_t		attempts;
	u_int64_t		next_at;	/* ms, kore_time_ms() */

	/* Written by the thread. */
	size_t			sent;
	int			ok;
	char			error[CURL_ERROR_SIZE];
};

static TAILQ_HEAD(, mail_job)	queue;
static u_int32_t		queued;
static struct mail_job		*running;
static struct kore_timer	*tick;

static void	mail_tick(void *, u_int64_t);
static void	mail_pump(u_int64_t);
static void	mail_finished(struct mail_job *, u_int64_t);
static void	job_free(struct mail_job *);
static int	mail_thread(struct kore_task *);
static size_t	mail_read(char *, size_t, size_t, void *);

void
dbk_mail_global_init(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatal("daybook: libcurl failed to start");
}

void
dbk_mail_global_cleanup(void)
{
	curl_global_cleanup();
}

void
dbk_mail_worker_init(void)
{
	TAILQ_INIT(&queue);
	queued = 0;
	running = NULL;
	if (dbk_mail_enabled())
		tick = kore_timer_add(mail_tick, TICK_MS, NULL, 0);
}

/*
 * Drop what is queued.  A job on a task thread stays where it is (the
 * thread may still use it); the process is ending.
 */
void
dbk_mail_worker_teardown(void)
{
	struct mail_job	*job;

	if (tick != NULL) {
		kore_timer_remove(tick);
		tick = NULL;
	}
	while ((job = TAILQ_FIRST(&queue)) != NULL) {
		TAILQ_REMOVE(&queue, job, list);
		job_free(job);
	}
	queued = 0;
}

int
dbk_mail_enabled(void)
{
	return (dbk_cfg.smtp_url != NULL);
}

int
dbk_mail_queue(const char *to, const char *subject, const char *body)
{
	struct mail_job		*job;
	struct dbk_mailmsg	 m;
	u_int8_t		 rnd[16];
	char			 id[sizeof(rnd) * 2 + 1 + 256];
	char			*buf;
	size_t			 len;

	if (!dbk_mail_enabled())
		return (0);
	if (queued >= DBK_MAIL_QUEUE_MAX) {
		kore_log(LOG_WARNING, "mail: queue full (%d), dropped the "
		    "message to %s", DBK_MAIL_QUEUE_MAX, to);
		return (0);
	}

	randombytes_buf(rnd, sizeof(rnd));
	dbk_hex_encode(rnd, sizeof(rnd), id);
	(void)snprintf(id + sizeof(rnd) * 2, sizeof(id) - sizeof(rnd) * 2,
	    "@%s", dbk_mailmsg_domain(dbk_cfg.mail_from));
	m.from = dbk_cfg.mail_from;
	m.to = to;
	m.subject = subject;
	m.body = body;
	m.date = time(NULL);
	m.message_id = id;

	buf = kore_malloc(DBK_MAIL_MAX);
	if (strlen(to) >= RCPT_MAX ||
	    (len = dbk_mailmsg_compose(&m, buf, DBK_MAIL_MAX)) == 0) {
		kore_log(LOG_WARNING, "mail: cannot compose the message to %s",
		    to);
		kore_free(buf);
		return (0);
	}

	job = kore_calloc(1, sizeof(*job));
	(void)kore_strlcpy(job->to, to, sizeof(job->to));
	job->msg = buf;
	job->msglen = len;
	job->next_at = kore_time_ms();
	TAILQ_INSERT_TAIL(&queue, job, list);
	queued++;
	mail_pump(job->next_at);

	return (1);
}

static void
mail_tick(void *arg, u_int64_t now)
{
	(void)arg;
	(void)now;
	mail_pump(kore_time_ms());
}

/* Collect a finished send; start the next job that is due. */
static void
mail_pump(u_int64_t now)
{
	struct mail_job	*job;

	if (running != NULL) {
		if (kore_task_state(&running->task) != KORE_TASK_STATE_FINISHED)
			return;
		job = running;
		running = NULL;
		kore_task_destroy(&job->task);
		mail_finished(job, now);
	}

	TAILQ_FOREACH(job, &queue, list) {
		if (job->next_at <= now)
			break;
	}
	if (job == NULL)
		return;

	TAILQ_REMOVE(&queue, job, list);
	job->attempts++;
	job->sent = 0;
	job->ok = 0;
	job->error[0] = '\0';
	running = job;
	kore_task_create(&job->task, mail_thread);
	kore_task_run(&job->task);
}

/* One line per outcome; a failure is retried until DBK_MAIL_ATTEMPTS. */
static void
mail_finished(struct mail_job *job, u_int64_t now)
{
	u_int64_t	delay;
	char		*c;

	for (c = job->error; *c != '\0'; c++) {
		if ((unsigned char)*c < ' ')
			*c = ' ';
	}
	if (job->ok) {
		kore_log(LOG_NOTICE, "mail: sent to %s (attempt %u of %d)",
		    job->to, job->attempts, DBK_MAIL_ATTEMPTS);
		queued--;
		job_free(job);
		return;
	}
	if (job->attempts >= DBK_MAIL_ATTEMPTS) {
		kore_log(LOG_WARNING, "mail: to %s failed (attempt %u of %d), "
		    "giving up: %s", job->to, job->attempts, DBK_MAIL_ATTEMPTS,
		    job->error);
		queued--;
		job_free(job);
		return;
	}

	delay = (u_int64_t)RETRY_FIRST_MS << (job->attempts - 1);
	kore_log(LOG_WARNING, "mail: to %s failed (attempt %u of %d), "
	    "retrying in %llu ms: %s", job->to, job->attempts,
	    DBK_MAIL_ATTEMPTS, (unsigned long long)delay, job->error);
	job->next_at = now + delay;
	TAILQ_INSERT_TAIL(&queue, job, list);
}

static void
job_free(struct mail_job *job)
{
	sodium_memzero(job->msg, job->msglen);
	kore_free(job->msg);
	kore_free(job);
}

/* libcurl asks for the next part of the message to upload. */
static size_t
mail_read(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct mail_job	*job = arg;
	size_t		 n;

	n = MIN(size * nmemb, job->msglen - job->sent);
	memcpy(ptr, job->msg + job->sent, n);
	job->sent += n;
	return (n);
}

/* On the task thread: one SMTP transaction; the result goes in the job. */
static int
mail_thread(struct kore_task *task)
{
	struct mail_job		*job = (struct mail_job *)task;
	struct curl_slist	*rcpt = NULL;
	CURL			*curl;
	CURLcode		 rc;
	char			 addr[RCPT_MAX + 2];

	if ((curl = curl_easy_init()) == NULL) {
		(void)snprintf(job->error, sizeof(job->error),
		    "curl_easy_init failed");
		return (KORE_RESULT_ERROR);
	}
	(void)snprintf(addr, sizeof(addr), "<%s>", job->to);
	if ((rcpt = curl_slist_append(NULL, addr)) == NULL) {
		(void)snprintf(job->error, sizeof(job->error), "out of memory");
		curl_easy_cleanup(curl);
		return (KORE_RESULT_ERROR);
	}
	(void)snprintf(addr, sizeof(addr), "<%s>", dbk_cfg.mail_from);

	(void)curl_easy_setopt(curl, CURLOPT_URL, dbk_cfg.smtp_url);
	(void)curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	(void)curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	(void)curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	(void)curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
	(void)curl_easy_setopt(curl, CURLOPT_TIMEOUT, SEND_TIMEOUT_S);
	(void)curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, job->error);
	if (dbk_cfg.smtp_user != NULL) {
		(void)curl_easy_setopt(curl, CURLOPT_USERNAME,
		    dbk_cfg.smtp_user);
		(void)curl_easy_setopt(curl, CURLOPT_PASSWORD,
		    dbk_cfg.smtp_password);
	}
	(void)curl_easy_setopt(curl, CURLOPT_MAIL_FROM, addr);
	(void)curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
	(void)curl_easy_setopt(curl, CURLOPT_READFUNCTION, mail_read);
	(void)curl_easy_setopt(curl, CURLOPT_READDATA, job);
	(void)curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);

	rc = curl_easy_perform(curl);
	job->ok = (rc == CURLE_OK);
	if (!job->ok && job->error[0] == '\0')
		(void)snprintf(job->error, sizeof(job->error), "%s",
		    curl_easy_strerror(rc));

	curl_slist_free_all(rcpt);
	curl_easy_cleanup(curl);
	return (job->ok ? KORE_RESULT_OK : KORE_RESULT_ERROR);
}
