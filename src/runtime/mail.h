/*
 * Outgoing mail over SMTP with libcurl, off the event loop.
 *
 * Each worker keeps a bounded queue of composed messages.  A timer sends
 * them one at a time on a Kore task thread (libcurl's easy interface
 * blocks), so the request that queued a message never waits for it.  A
 * failed send is logged on one line (recipient and libcurl's reason, never
 * the message) and retried with a growing delay, DBK_MAIL_ATTEMPTS times
 * in all; a message that does not fit in the queue is dropped with a log
 * line.
 */

#ifndef DBK_MAIL_H
#define DBK_MAIL_H

#define DBK_MAIL_ATTEMPTS	3
#define DBK_MAIL_QUEUE_MAX	32

/* In the parent, before the workers fork: libcurl's global set-up. */
void	dbk_mail_global_init(void);
void	dbk_mail_global_cleanup(void);

void	dbk_mail_worker_init(void);
void	dbk_mail_worker_teardown(void);

/* 1 when DAYBOOK_SMTP_URL is set (mail is sent), 0 otherwise. */
int	dbk_mail_enabled(void);

/*
 * Queue a text/plain message to the address to.  Returns 1 when queued,
 * 0 when it was dropped (queue full, or it could not be composed; logged).
 * The message is copied: the caller may wipe body at once.
 */
int	dbk_mail_queue(const char *to, const char *subject, const char *body);

#endif
