/*
 * The core against the real server, MariaDB and Redis: health endpoints,
 * security headers, versioned assets, the access log.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"

#ifndef MAIN_LOG
#define MAIN_LOG	"var/test/kore-main.log"
#endif

static void
assert_security_headers(struct harness_response *resp)
{
	char	*csp, *v;

	csp = harness_header(resp, "content-security-policy");
	cr_assert_not_null(csp, "no Content-Security-Policy");
	cr_assert_null(strstr(csp, "unsafe-inline"), "CSP allows inline: %s",
	    csp);
	cr_assert_not_null(strstr(csp, "default-src 'none'"));
	free(csp);

	v = harness_header(resp, "x-content-type-options");
	cr_assert_str_eq(v, "nosniff");
	free(v);
	v = harness_header(resp, "referrer-policy");
	cr_assert_str_eq(v, "same-origin");
	free(v);
	v = harness_header(resp, "x-frame-options");
	cr_assert_str_eq(v, "DENY");
	free(v);
}

Test(health, healthcheck_reports_both_up)
{
	struct harness_client	*c = harness_client_new(NULL);
	struct harness_response	resp;
	char			*type;

	cr_assert_eq(harness_get(c, "/healthcheck", &resp), 0, "%s",
	    resp.error);
	cr_assert_eq(resp.status, 200);
	cr_assert_str_eq(resp.body,
	    "{\"status\":\"ok\",\"mariadb\":\"ok\",\"redis\":\"ok\"}\n");
	type = harness_header(&resp, "content-type");
	cr_assert_str_eq(type, "application/json");
	free(type);
	assert_security_headers(&resp);
	harness_response_free(&resp);
	harness_client_free(c);
}

Test(health, livez_answers_without_data)
{
	struct harness_client	*c = harness_client_new(NULL);
	struct harness_response	resp;

	cr_assert_eq(harness_get(c, "/livez", &resp), 0);
	cr_assert_eq(resp.status, 200);
	cr_assert_str_eq(resp.body, "{\"status\":\"ok\"}\n");
	harness_response_free(&resp);
	harness_client_free(c);
}

Test(health, unknown_path_is_a_404_page)
{
	struct harness_client	*c = harness_client_new(NULL);
	struct harness_response	resp;

	cr_assert_eq(harness_get(c, "/no/such/page", &resp), 0);
	cr_assert_eq(resp.status, 404);
	harness_response_free(&resp);
	harness_client_free(c);
}

Test(health, pages_carry_security_headers)
{
	struct harness_client	*c = harness_client_new(NULL);
	struct harness_response	resp;

	cr_assert_eq(harness_get(c, "/login", &resp), 0);
	cr_assert_eq(resp.status, 200);
	assert_security_headers(&resp);
	cr_assert_null(strstr(resp.body, "<script"));
	cr_assert_null(strstr(resp.body, "style="));
	harness_response_free(&resp);
	harness_client_free(c);
}

/* The stylesheet is served at /assets/HASH/daybook.css for a year. */
Test(health, assets_are_versioned_and_cached)
{
	struct harness_client	*c = harness_client_new(NULL);
	struct harness_response	resp;
	char			path[128], *href, *end, *v;

	cr_assert_eq(harness_get(c, "/login", &resp), 0);
	href = strstr(resp.body, "href=\"/assets/");
	cr_assert_not_null(href, "no versioned stylesheet link");
	href += strlen("href=\"");
	end = strchr(href, '"');
	cr_assert_not_null(end);
	cr_assert_lt((size_t)(end - href), sizeof(path));
	memcpy(path, href, (size_t)(end - href));
	path[end - href] = '\0';
	harness_response_free(&resp);

	cr_assert_eq(strlen(path), strlen("/assets/0123456789abcdef/"
	    "daybook.css"), "unexpected asset URL %s", path);
	cr_assert_eq(harness_get(c, path, &resp), 0);
	cr_assert_eq(resp.status, 200);
	cr_assert_gt(resp.body_len, 100);
	v = harness_header(&resp, "cache-control");
	cr_assert_not_null(v);
	cr_assert_not_null(strstr(v, "max-age=31536000"), "%s", v);
	cr_assert_not_null(strstr(v, "immutable"));
	free(v);
	v = harness_header(&resp, "content-type");
	cr_assert_not_null(strstr(v, "text/css"));
	free(v);
	harness_response_free(&resp);

	/* Another version of the same file does not exist. */
	path[strlen("/assets/")] = path[strlen("/assets/")] == '0' ? '1' : '0';
	cr_assert_eq(harness_get(c, path, &resp), 0);
	cr_assert_eq(resp.status, 404);
	harness_response_free(&resp);
	harness_client_free(c);
}

static char	found_line[1024];

static int
log_has_line(void *arg)
{
	const char	*needle = arg;
	FILE		*fp;
	char		line[1024];
	int		found = 0;

	if ((fp = fopen(MAIN_LOG, "r")) == NULL)
		return (0);
	while (!found && fgets(line, sizeof(line), fp) != NULL) {
		if (strstr(line, needle) != NULL) {
			found = 1;
			(void)snprintf(found_line, sizeof(found_line), "%s",
			    line);
		}
	}
	fclose(fp);

	return (found);
}

/* One line per request: method, path, status, bytes, microseconds. */
Test(health, access_log_has_one_line_per_request)
{
	struct harness_client	*c = harness_client_new(NULL);
	struct harness_response	resp;
	char			path[64], needle[128], method[8], logged[64];
	unsigned long		bytes, micros;
	int			status;

	(void)snprintf(path, sizeof(path), "/no-such-page-%d", getpid());
	cr_assert_eq(harness_get(c, path, &resp), 0);
	cr_assert_eq(resp.status, 404);
	harness_response_free(&resp);

	(void)snprintf(needle, sizeof(needle), "access: GET %s ", path);
	cr_assert(harness_poll_until(log_has_line, needle, 5000),
	    "no access line for %s in %s", path, MAIN_LOG);
	cr_assert_eq(sscanf(strstr(found_line, "access: "),
	    "access: %7s %63s %d %lu %luus", method, logged, &status, &bytes,
	    &micros), 5, "bad access line: %s", found_line);
	cr_assert_str_eq(method, "GET");
	cr_assert_str_eq(logged, path);
	cr_assert_eq(status, 404);
	cr_assert_gt(bytes, 0);
	cr_assert_lt(micros, 1000000);
	harness_client_free(c);
}
