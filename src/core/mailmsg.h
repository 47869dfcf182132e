/*
 * Composing a plain-text mail (RFC 5322, MIME text/plain; charset=utf-8,
 * 8bit): headers Date, From, To, Subject, Message-ID, MIME-Version,
 * Content-Type, Content-Transfer-Encoding; CRLF line ends.  Dot-stuffing
 * is left to the SMTP client (libcurl escapes a leading "." of every line
 * it uploads).
 *
 * No Kore dependency, so it is unit-tested on its own.
 */

#ifndef DBK_MAILMSG_H
#define DBK_MAILMSG_H

#include <stddef.h>
#include <time.h>

#define DBK_MAIL_MAX		8192	/* a composed message */
#define DBK_MAIL_LINE_MAX	998	/* RFC 5322 line limit, without CRLF */

struct dbk_mailmsg {
	const char	*from;		/* a plain address */
	const char	*to;		/* a plain address */
	const char	*subject;	/* printable ASCII */
	const char	*body;		/* UTF-8; lines end with \n */
	time_t		 date;
	const char	*message_id;	/* without <>, e.g. "hex@host" */
};

/*
 * Write the message into out (outlen bytes, NUL-terminated).  Returns its
 * length, or 0 when it does not fit or a header field holds a control
 * character, or a body line is longer than DBK_MAIL_LINE_MAX.
 */
size_t	dbk_mailmsg_compose(const struct dbk_mailmsg *msg, char *out,
	    size_t outlen);

/* The domain of address (after its last '@'), or "localhost". */
const char	*dbk_mailmsg_domain(const char *address);

#endif
