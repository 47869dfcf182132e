/*
 * Plain-text mail composition: see mailmsg.h.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mailmsg.h"

struct out {
	char	*buf;
	size_t	 len;
	size_t	 size;
	int	 failed;
};

static void	put(struct out *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
put(struct out *o, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (o->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len) {
		o->failed = 1;
		return;
	}
	o->len += (size_t)n;
}

/* A header value: printable ASCII only (no CR, LF or other controls). */
static int
field_ok(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s < ' ' || *s > '~')
			return (0);
	}
	return (1);
}

/* The body with every "\n" as CRLF; no bare CR, lines of bounded length. */
static void
put_body(struct out *o, const char *body)
{
	const char	*line, *nl;
	size_t		 len;

	for (line = body; *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			nl = line + strlen(line);
		len = (size_t)(nl - line);
		if (len > DBK_MAIL_LINE_MAX ||
		    memchr(line, '\r', len) != NULL) {
			o->failed = 1;
			return;
		}
		put(o, "%.*s\r\n", (int)len, line);
		if (*nl == '\0')
			break;
	}
}

size_t
dbk_mailmsg_compose(const struct dbk_mailmsg *msg, char *out, size_t outlen)
{
	struct out	o = { out, 0, outlen, 0 };
	struct tm	tm;
	static const char	*days[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	static const char	*months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
		"Oct", "Nov", "Dec"
	};

	if (outlen == 0)
		return (0);
	out[0] = '\0';
	if (!field_ok(msg->from) || !field_ok(msg->to) ||
	    !field_ok(msg->subject) || !field_ok(msg->message_id))
		return (0);
	if (gmtime_r(&msg->date, &tm) == NULL)
		return (0);

	/* RFC 5322 date-time in English whatever the locale. */
	put(&o, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
	    days[tm.tm_wday % 7], tm.tm_mday, months[tm.tm_mon % 12],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	put(&o, "From: %s\r\n", msg->from);
	put(&o, "To: %s\r\n", msg->to);
	put(&o, "Subject: %s\r\n", msg->subject);
	put(&o, "Message-ID: <%s>\r\n", msg->message_id);
	put(&o, "MIME-Version: 1.0\r\n");
	put(&o, "Content-Type: text/plain; charset=utf-8\r\n");
	put(&o, "Content-Transfer-Encoding: 8bit\r\n");
	put(&o, "\r\n");
	put_body(&o, msg->body);
	if (o.failed) {
		out[0] = '\0';
		return (0);
	}
	return (o.len);
}

const char *
dbk_mailmsg_domain(const char *address)
{
	const char	*at;

	if ((at = strrchr(address, '@')) == NULL || at[1] == '\0')
		return ("localhost");
	return (at + 1);
}
