/*
 * Tests of the integration-test harness itself and of the test stack it
 * runs against: the HTTP client against a tiny in-process HTTP server (so
 * cookies, redirects and request bodies are checked byte for byte), the
 * pure helpers, and the running MariaDB, Redis and daybook test servers.
 */

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"

#define FAKE_MAX_REPLIES	4
#define FAKE_REQUEST_MAX	65536

/*
 * A one-connection-per-reply HTTP server on an ephemeral loopback port.
 * It answers the i-th connection with replies[i] and keeps the i-th
 * request's bytes in requests[i].
 */
struct fake_server {
	int		 fd;
	unsigned short	 port;
	pthread_t	 thread;
	const char	*replies[FAKE_MAX_REPLIES];
	size_t		 nreplies;
	char		 requests[FAKE_MAX_REPLIES][FAKE_REQUEST_MAX];
	char		 base_url[64];
};

/* Bytes of a complete request in buf (headers + Content-Length), or 0. */
static size_t
request_complete(const char *buf, size_t len)
{
	const char	*end, *cl;
	size_t		 head, body = 0;

	if ((end = strstr(buf, "\r\n\r\n")) == NULL)
		return 0;
	head = (size_t)(end - buf) + 4;
	if ((cl = strcasestr(buf, "\r\ncontent-length:")) != NULL && cl < end)
		body = strtoul(cl + strlen("\r\ncontent-length:"), NULL, 10);
	return len >= head + body ? head + body : 0;
}

static void *
fake_main(void *arg)
{
	struct fake_server	*fs = arg;
	size_t			 i, len;
	ssize_t			 n;
	char			*req;
	int			 conn;

	for (i = 0; i < fs->nreplies; i++) {
		if ((conn = accept(fs->fd, NULL, NULL)) == -1)
			break;
		req = fs->requests[i];
		len = 0;
		while (len < FAKE_REQUEST_MAX - 1) {
			n = read(conn, req + len, FAKE_REQUEST_MAX - 1 - len);
			if (n <= 0)
				break;
			len += (size_t)n;
			req[len] = '\0';
			if (request_complete(req, len))
				break;
		}
		if (write(conn, fs->replies[i], strlen(fs->replies[i])) == -1)
			perror("fake server write");
		close(conn);
	}
	return NULL;
}

static void
fake_start(struct fake_server *fs)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);

	fs->fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert(fs->fd != -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert(bind(fs->fd, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	cr_assert(listen(fs->fd, 8) == 0);
	cr_assert(getsockname(fs->fd, (struct sockaddr *)&sin, &len) == 0);
	fs->port = ntohs(sin.sin_port);
	snprintf(fs->base_url, sizeof(fs->base_url), "http://127.0.0.1:%u",
	    fs->port);
	cr_assert(pthread_create(&fs->thread, NULL, fake_main, fs) == 0);
}

static void
fake_stop(struct fake_server *fs)
{
	pthread_join(fs->thread, NULL);
	close(fs->fd);
}

static struct fake_server	fake;

Test(harness_http, redirect_not_followed_and_cookie_kept)
{
	struct harness_client	*client;
	struct harness_response	 resp;
	char			*location, *sid;

	fake.replies[0] = "HTTP/1.1 303 See Other\r\n"
	    "Set-Cookie: sid=abc123; Path=/; HttpOnly\r\n"
	    "Location: /next\r\nContent-Length: 0\r\n"
	    "Connection: close\r\n\r\n";
	fake.replies[1] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
	    "X-Twice: one\r\nx-twice: two\r\nConnection: close\r\n\r\nhello";
	fake.nreplies = 2;
	fake_start(&fake);

	client = harness_client_new(fake.base_url);
	cr_assert_not_null(client);
	cr_assert_eq(harness_get(client, "/start", &resp), 0, "%s", resp.error);
	cr_assert_eq(resp.status, 303);
	location = harness_header(&resp, "location");
	cr_assert_str_eq(location, "/next");
	sid = harness_cookie(client, "sid");
	cr_assert_str_eq(sid, "abc123");
	cr_assert_null(harness_cookie(client, "nope"));
	harness_response_free(&resp);

	cr_assert_eq(harness_get(client, location, &resp), 0, "%s", resp.error);
	cr_assert_eq(resp.status, 200);
	cr_assert_str_eq(resp.body, "hello");
	cr_assert_eq(resp.body_len, 5);
	cr_assert_eq(harness_header_count(&resp, "X-Twice"), 2);
	free(location);
	location = harness_header(&resp, "x-twice");
	cr_assert_str_eq(location, "two");
	cr_assert_geq(resp.elapsed_ms, 0.0);
	harness_response_free(&resp);
	fake_stop(&fake);

	cr_assert(strstr(fake.requests[1], "GET /next HTTP/1.1\r\n") != NULL);
	cr_assert(strstr(fake.requests[1], "\r\nCookie: sid=abc123\r\n") != NULL,
	    "cookie not sent back: %s", fake.requests[1]);
	free(location);
	free(sid);
	harness_client_free(client);
}

Test(harness_http, follow_when_asked)
{
	struct harness_client	*client;
	struct harness_response	 resp;

	fake.replies[0] = "HTTP/1.1 302 Found\r\nLocation: /b\r\n"
	    "Content-Length: 0\r\nConnection: close\r\n\r\n";
	fake.replies[1] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
	    "Connection: close\r\n\r\nok";
	fake.nreplies = 2;
	fake_start(&fake);
	client = harness_client_new(fake.base_url);
	harness_client_follow(client, 1);
	cr_assert_eq(harness_get(client, "/a", &resp), 0, "%s", resp.error);
	cr_assert_eq(resp.status, 200);
	cr_assert_str_eq(resp.body, "ok");
	/* Only the last response's headers are kept. */
	cr_assert_eq(harness_header_count(&resp, "Location"), 0);
	harness_response_free(&resp);
	fake_stop(&fake);
	harness_client_free(client);
}

Test(harness_http, post_form_and_multipart_bodies)
{
	struct harness_client	*client;
	struct harness_response	 resp;
	const struct harness_part parts[] = {
		{ .name = "title", .value = "Buy milk" },
		{ .name = "file", .data = "a\0b", .data_len = 3,
		  .filename = "a.bin", .content_type = "application/octet-stream" },
	};
	const char		*ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
				      "Connection: close\r\n\r\n";

	fake.replies[0] = ok;
	fake.replies[1] = ok;
	fake.nreplies = 2;
	fake_start(&fake);
	client = harness_client_new(fake.base_url);
	harness_client_header(client, "X-Test: yes");
	cr_assert_eq(harness_post_form(client, "/form", "a=1&b=x%20y", &resp),
	    0, "%s", resp.error);
	harness_response_free(&resp);
	cr_assert_eq(harness_post_multipart(client, "/upload", parts, 2, &resp),
	    0, "%s", resp.error);
	cr_assert_eq(resp.status, 200);
	cr_assert_eq(resp.body_len, 0);
	cr_assert_str_eq(resp.body, "");
	harness_response_free(&resp);
	fake_stop(&fake);

	cr_assert(strstr(fake.requests[0], "POST /form HTTP/1.1\r\n"));
	cr_assert(strcasestr(fake.requests[0],
	    "\r\nContent-Type: application/x-www-form-urlencoded\r\n"));
	cr_assert(strstr(fake.requests[0], "\r\nX-Test: yes\r\n"));
	cr_assert(strstr(fake.requests[0], "\r\n\r\na=1&b=x%20y"));
	cr_assert(strstr(fake.requests[1], "POST /upload HTTP/1.1\r\n"));
	cr_assert(strcasestr(fake.requests[1],
	    "Content-Type: multipart/form-data; boundary="));
	cr_assert(strstr(fake.requests[1], "name=\"title\"\r\n\r\nBuy milk\r\n"));
	cr_assert(strstr(fake.requests[1], "filename=\"a.bin\""));
	harness_client_free(client);
}

Test(harness_http, followed_post_303_becomes_get_with_cookie)
{
	struct harness_client	*client;
	struct harness_response	 resp;

	fake.replies[0] = "HTTP/1.1 303 See Other\r\nLocation: /done\r\n"
	    "Set-Cookie: flash=saved\r\n"
	    "Content-Length: 0\r\nConnection: close\r\n\r\n";
	fake.replies[1] = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n"
	    "Connection: close\r\n\r\ndone";
	fake.nreplies = 2;
	fake_start(&fake);
	client = harness_client_new(fake.base_url);
	harness_client_follow(client, 1);
	cr_assert_eq(harness_post_form(client, "/tasks", "title=x", &resp), 0,
	    "%s", resp.error);
	cr_assert_eq(resp.status, 200);
	cr_assert_str_eq(resp.body, "done");
	harness_response_free(&resp);
	fake_stop(&fake);
	cr_assert(strstr(fake.requests[1], "GET /done HTTP/1.1\r\n") != NULL,
	    "second request: %s", fake.requests[1]);
	cr_assert(strstr(fake.requests[1], "\r\nCookie: flash=saved\r\n"));
	harness_client_free(client);
}

Test(harness_http, connection_refused_is_an_error_not_a_crash)
{
	struct harness_client	*client;
	struct harness_response	 resp;

	/* Port 1 on loopback: nothing listens there. */
	client = harness_client_new("http://127.0.0.1:1");
	cr_assert_eq(harness_get(client, "/", &resp), -1);
	cr_assert_eq(resp.status, 0);
	cr_assert_neq(resp.error[0], '\0');
	cr_assert_str_eq(resp.body, "");
	harness_response_free(&resp);
	harness_client_free(client);
}

Test(harness_html, input_value_found_and_decoded)
{
	const char	*html = "<form><INPUT type=hidden name='other' value=x>"
			    "<input type=\"hidden\" value=\"a&amp;b&quot;c\" "
			    "name=\"csrf\"/><input name=empty></form>";
	char		*v;

	v = harness_input_value(html, "csrf");
	cr_assert_str_eq(v, "a&b\"c");
	free(v);
	v = harness_input_value(html, "other");
	cr_assert_str_eq(v, "x");
	free(v);
	v = harness_input_value(html, "empty");
	cr_assert_str_eq(v, "");
	free(v);
	cr_assert_null(harness_input_value(html, "missing"));
	cr_assert_null(harness_input_value("<input name=\"csrf\"", "csrf"));
	cr_assert_null(harness_input_value(NULL, "csrf"));
}

Test(harness_misc, urlencode)
{
	char	*s = harness_urlencode("a b&c=d/é~");

	cr_assert_str_eq(s, "a%20b%26c%3Dd%2F%C3%A9~");
	free(s);
}

static int
never(void *arg)
{
	int	*calls = arg;

	(*calls)++;
	return 0;
}

static int
third_time(void *arg)
{
	int	*calls = arg;

	return ++(*calls) >= 3;
}

Test(harness_misc, poll_until_is_bounded)
{
	int	calls = 0;
	double	start = harness_now_ms(), took;

	cr_assert_eq(harness_poll_until(never, &calls, 200), 0);
	took = harness_now_ms() - start;
	cr_assert_geq(took, 200.0);
	cr_assert_lt(took, 1000.0, "poll took %.0f ms", took);
	cr_assert_gt(calls, 1);

	calls = 0;
	cr_assert_eq(harness_poll_until(third_time, &calls, 5000), 1);
	cr_assert_eq(calls, 3);
}

Test(harness_misc, run_reports_exit_status)
{
	cr_assert_eq(harness_run("true"), 0);
	cr_assert_eq(harness_run("exit %d", 3), 3);
	cr_assert_eq(harness_stack("bad;action"), -1);
}

/* The test stack: as set up by `make test` (scripts/stack.sh start test). */

Test(stack, status_is_running)
{
	cr_assert_eq(harness_stack("status"), 0);
}

Test(stack, mariadb_login_with_env_settings)
{
	cr_assert_not_null(getenv("DAYBOOK_DB_PASSWORD_FILE"),
	    "run with var/test/env.sh sourced");
	cr_assert_eq(harness_run("MYSQL_PWD=$(cat \"$DAYBOOK_DB_PASSWORD_FILE\") "
	    "mariadb --no-defaults -h \"$DAYBOOK_DB_HOST\" -P \"$DAYBOOK_DB_PORT\" "
	    "-u \"$DAYBOOK_DB_USER\" \"$DAYBOOK_DB_NAME\" "
	    "-e 'SELECT @@character_set_database' | grep -q utf8mb4"), 0);
	cr_assert_neq(harness_run("MYSQL_PWD=wrong mariadb --no-defaults "
	    "-h \"$DAYBOOK_DB_HOST\" -P \"$DAYBOOK_DB_PORT\" -u daybook "
	    "-e 'SELECT 1' 2>/dev/null"), 0);
}

Test(stack, redis_requires_the_password)
{
	cr_assert_not_null(getenv("DAYBOOK_REDIS_PASSWORD_FILE"));
	cr_assert_eq(harness_run("REDISCLI_AUTH=$(cat "
	    "\"$DAYBOOK_REDIS_PASSWORD_FILE\") redis-cli -h \"$DAYBOOK_REDIS_HOST\" "
	    "-p \"$DAYBOOK_REDIS_PORT\" ping | grep -q PONG"), 0);
	cr_assert_neq(harness_run("redis-cli -h \"$DAYBOOK_REDIS_HOST\" "
	    "-p \"$DAYBOOK_REDIS_PORT\" ping | grep -q PONG"), 0);
}

Test(stack, secret_file_is_private_and_long_enough)
{
	cr_assert_eq(harness_run("f=\"$DAYBOOK_SECRET_FILE\"; "
	    "[ $(wc -c <\"$f\") -ge 32 ] && "
	    "[ \"$(stat -c %%a \"$f\")\" = 600 ]"), 0);
}

/* The daybook test servers started by `make test-integration`. */

static void
assert_livez(const char *base_url)
{
	struct harness_client	*client = harness_client_new(base_url);
	struct harness_response	 resp;

	cr_assert_eq(harness_get(client, "/livez", &resp), 0,
	    "%s: %s", base_url, resp.error);
	cr_assert_eq(resp.status, 200, "%s/livez: %ld", base_url, resp.status);
	harness_response_free(&resp);
	harness_client_free(client);
}

Test(servers, livez_on_both_test_servers)
{
	assert_livez(harness_url());
	assert_livez(harness_url_one_worker());
}

Test(servers, healthcheck_reports_both_up)
{
	struct harness_client	*client = harness_client_new(NULL);
	struct harness_response	 resp;
	char			*type;

	cr_assert_eq(harness_get(client, "/healthcheck", &resp), 0,
	    "%s", resp.error);
	cr_assert_eq(resp.status, 200, "body: %s", resp.body);
	cr_assert(strstr(resp.body, "\"mariadb\":\"ok\"") != NULL,
	    "body: %s", resp.body);
	cr_assert(strstr(resp.body, "\"redis\":\"ok\"") != NULL,
	    "body: %s", resp.body);
	type = harness_header(&resp, "content-type");
	cr_assert(type != NULL && strstr(type, "json") != NULL);
	free(type);
	harness_response_free(&resp);
	harness_client_free(client);
}
