/*
 * Helpers shared by the integration tests (tests/integration/test_*.c).
 *
 * A struct harness_client is one HTTP user agent: its own curl handle and
 * in-memory cookie jar, redirects not followed unless asked.  Use one per
 * test (and one per thread).  Responses are owned by the caller and freed
 * with harness_response_free().
 *
 * The servers under test: DAYBOOK_TEST_URL (default http://127.0.0.1:8081,
 * the ASan build with two workers) and DAYBOOK_TEST_URL_ONE_WORKER (default
 * http://127.0.0.1:8082, one worker, test-only routes).  Tests run from the
 * repository root with var/test/env.sh in their environment.
 */

#ifndef DBK_HARNESS_H
#define DBK_HARNESS_H

#include <stdarg.h>
#include <stddef.h>

#define HARNESS_URL_DEFAULT		"http://127.0.0.1:8081"
#define HARNESS_URL_ONE_WORKER_DEFAULT	"http://127.0.0.1:8082"
#define HARNESS_TIMEOUT_MS_DEFAULT	10000

struct harness_response {
	long	status;		/* HTTP status, 0 when no response */
	char	*headers;	/* raw header block, NUL-terminated */
	size_t	headers_len;
	char	*body;		/* NUL-terminated (the NUL is not counted) */
	size_t	body_len;
	double	elapsed_ms;	/* whole request, as timed by curl */
	char	error[256];	/* curl's message when status is 0 */
};

struct harness_client;

/* One part of a multipart/form-data POST. */
struct harness_part {
	const char	*name;
	const char	*value;		/* NULL-terminated text, or ... */
	const char	*data;		/* ... data_len bytes sent as a file */
	size_t		data_len;
	const char	*filename;	/* for file parts, or NULL */
	const char	*content_type;	/* for file parts, or NULL */
};

/* Base URLs of the servers under test (from the environment). */
const char	*harness_url(void);
const char	*harness_url_one_worker(void);

/*
 * A new client for base_url (NULL: harness_url()).  Returns NULL only when
 * out of memory or curl fails to initialise.  Free with
 * harness_client_free().
 */
struct harness_client	*harness_client_new(const char *base_url);
void			 harness_client_free(struct harness_client *client);

/* Follow redirects (off by default).  */
void	harness_client_follow(struct harness_client *client, int follow);
/* Per-request timeout in ms (default HARNESS_TIMEOUT_MS_DEFAULT). */
void	harness_client_timeout(struct harness_client *client, long ms);
/* Extra request header ("Name: value") sent with every later request. */
int	harness_client_header(struct harness_client *client,
	    const char *header);

/*
 * Requests.  path is appended to the client's base URL (a full http:// URL
 * is used as is).  They fill resp (which need not be initialised) and
 * return 0 when a response arrived, -1 otherwise (resp->error says why);
 * in both cases release resp with harness_response_free().
 */
int	harness_get(struct harness_client *client, const char *path,
	    struct harness_response *resp);
int	harness_post_form(struct harness_client *client, const char *path,
	    const char *urlencoded, struct harness_response *resp);
int	harness_post_multipart(struct harness_client *client, const char *path,
	    const struct harness_part *parts, size_t nparts,
	    struct harness_response *resp);
int	harness_request(struct harness_client *client, const char *method,
	    const char *path, const char *content_type, const char *body,
	    size_t body_len, struct harness_response *resp);

void	harness_response_free(struct harness_response *resp);

/*
 * The value of response header name (case-insensitive; the last one when
 * repeated), as a new string the caller frees, or NULL when absent.
 */
char	*harness_header(const struct harness_response *resp,
	    const char *name);
/* Number of response headers called name (e.g. Set-Cookie). */
size_t	 harness_header_count(const struct harness_response *resp,
	    const char *name);

/*
 * The value of the first <input ... name="name" ... value="..."> in html,
 * with &amp; &lt; &gt; &quot; &#39; decoded; a new string the caller frees,
 * or NULL when there is no such input.
 */
char	*harness_input_value(const char *html, const char *name);

/*
 * "tPID-N-NAME@example.com", unique in this test run (N counts up, also
 * across threads); caller frees.  Aborts when out of memory.
 */
char	*harness_unique_email(const char *name);

/*
 * An urlencoded form body from name, value pairs ending with NULL; caller
 * frees.  Aborts when out of memory.
 */
char	*harness_form(const char *name, ...) __attribute__((sentinel));

/* s percent-encoded for a form body or query; caller frees.  NULL: ENOMEM */
char	*harness_urlencode(const char *s);

/* Value of cookie name in the client's jar (caller frees), or NULL. */
char	*harness_cookie(struct harness_client *client, const char *name);
/* Forget every cookie in the client's jar. */
void	 harness_cookies_clear(struct harness_client *client);

/* Monotonic clock in milliseconds. */
double	harness_now_ms(void);

/*
 * Call fn(arg) every 20 ms until it returns non-zero or timeout_ms has
 * passed.  Returns 1 when fn succeeded in time, 0 otherwise.
 */
int	harness_poll_until(int (*fn)(void *), void *arg, long timeout_ms);

/*
 * Run a shell command (printf-style format) from the repository root; its
 * output goes to the test's stderr.  Returns the exit status, or -1 when it
 * could not run or was killed.
 */
int	harness_run(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

/* scripts/stack.sh ACTION test, e.g. "stop-redis"; returns exit status. */
int	harness_stack(const char *action);

/* Poll GET path on base_url until it answers status; 1 if it did. */
int	harness_wait_status(const char *base_url, const char *path,
	    long status, long timeout_ms);

/*
 * A GET running in its own thread, for tests of concurrency: start it,
 * do other requests, then wait for it.  harness_bg_get() returns NULL on
 * failure; harness_bg_wait() fills resp (free it as usual), frees bg and
 * returns what harness_get() returned.
 */
struct harness_bg;
struct harness_bg	*harness_bg_get(const char *base_url, const char *path);
int			 harness_bg_wait(struct harness_bg *bg,
			    struct harness_response *resp);

/*
 * One SQL statement (printf-style: test constants only, never data from a
 * response) on the test database of $DAYBOOK_DB_* (a new connection each
 * time).  Returns the first column of its first row as a new string
 * (caller frees; "" when there is no row; the number of affected rows for
 * a statement without a result set), or NULL when it failed (the error on
 * stderr).
 */
char	*harness_vsql(const char *fmt, va_list ap);
char	*harness_sql(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

#endif
