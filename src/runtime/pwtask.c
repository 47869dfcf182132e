/*
 * argon2id on a Kore task thread; see pwtask.h.
 *
 * The request writes one message to the task's channel: the operation,
 * the password and (to verify) the stored hash.  The thread answers with
 * the result and, for a new hash, the hash string.
 */

#include <sodium.h>
#include <string.h>

#include "daybook.h"
#include "pwtask.h"

struct pw_message {
	u_int32_t	op;
	u_int32_t	pwlen;
	char		pw[DBK_PASSWORD_MAX_BYTES];
	char		hash[DBK_PASSWORD_HASH_MAX];
};

struct pw_answer {
	u_int32_t	ok;
	char		hash[DBK_PASSWORD_HASH_MAX];
};

static int	pw_thread(struct kore_task *);

/*
 * Start hashing pw (op HASH) or checking it against hash (op VERIFY; hash
 * is ignored for HASH).  The request sleeps until the thread is done;
 * poll with dbk_pwtask_pending().  pw longer than the maximum is cut,
 * which callers prevent by validating first.
 */
void
dbk_pwtask_start(struct http_request *req, struct dbk_pwtask *t,
    enum dbk_pwtask_op op, const char *pw, size_t len, const char *hash)
{
	struct pw_message	msg;

	memset(&msg, 0, sizeof(msg));
	msg.op = op;
	msg.pwlen = (u_int32_t)MIN(len, sizeof(msg.pw));
	memcpy(msg.pw, pw, msg.pwlen);
	if (hash != NULL)
		(void)kore_strlcpy(msg.hash, hash, sizeof(msg.hash));

	kore_task_create(&t->task, pw_thread);
	kore_task_bind_request(&t->task, req);
	kore_task_run(&t->task);
	kore_task_channel_write(&t->task, &msg, sizeof(msg));
	sodium_memzero(&msg, sizeof(msg));

	t->started = 1;
	t->finished = 0;
	http_request_sleep(req);
}

/* 1 while the thread works; then reads its answer into t and returns 0. */
int
dbk_pwtask_pending(struct http_request *req, struct dbk_pwtask *t)
{
	struct pw_answer	answer;

	if (!t->started || t->finished)
		return (0);
	if (kore_task_state(&t->task) != KORE_TASK_STATE_FINISHED) {
		http_request_sleep(req);
		return (1);
	}

	memset(&answer, 0, sizeof(answer));
	if (kore_task_channel_read(&t->task, &answer, sizeof(answer)) !=
	    sizeof(answer))
		answer.ok = 0;
	t->ok = (answer.ok != 0);
	(void)kore_strlcpy(t->hash, answer.hash, sizeof(t->hash));
	t->finished = 1;

	return (0);
}

void
dbk_pwtask_cleanup(struct dbk_pwtask *t)
{
	if (t->started && t->finished)
		kore_task_destroy(&t->task);
	t->started = 0;
}

/* On the task thread: no Kore allocation, no logging. */
static int
pw_thread(struct kore_task *task)
{
	struct pw_message	msg;
	struct pw_answer	answer;

	memset(&answer, 0, sizeof(answer));
	if (kore_task_channel_read(task, &msg, sizeof(msg)) != sizeof(msg)) {
		kore_task_channel_write(task, &answer, sizeof(answer));
		return (KORE_RESULT_ERROR);
	}

	if (msg.op == DBK_PWTASK_HASH) {
		answer.ok = (dbk_password_hash(msg.pw, msg.pwlen, answer.hash,
		    sizeof(answer.hash)) == 0);
	} else {
		msg.hash[sizeof(msg.hash) - 1] = '\0';
		answer.ok = (dbk_password_verify(msg.hash, msg.pw,
		    msg.pwlen) == 1);
	}

	sodium_memzero(&msg, sizeof(msg));
	kore_task_channel_write(task, &answer, sizeof(answer));
	sodium_memzero(&answer, sizeof(answer));

	return (KORE_RESULT_OK);
}
