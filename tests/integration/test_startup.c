/*
 * daybook refuses to start, with one clear line, on a bad setting or a
 * template that does not compile; it never prints a secret.  Runs the
 * release module with kore in the foreground on a spare port.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"


static char	dir[64];
static char	conf[128];
static char	out[128];

static void
setup(void)
{
	(void)snprintf(dir, sizeof(dir), "/tmp/dbk-startup-%d", getpid());
	cr_assert_eq(harness_run("rm -rf %s && mkdir -p %s", dir, dir), 0);
	(void)snprintf(conf, sizeof(conf), "%s/kore.conf", dir);
	(void)snprintf(out, sizeof(out), "%s/out.txt", dir);
}

static void
teardown(void)
{
	(void)harness_run("rm -rf %s", dir);
}

/*
 * Start kore on port (each test its own: they may run at once) with extra
 * environment; returns its exit status, with its output in out.
 */
static int
start_with(int port, const char *env)
{
	FILE		*fp;
	const char	*offset = getenv("DAYBOOK_PORT_OFFSET");

	if (offset != NULL)
		port += atoi(offset);
	fp = fopen(conf, "w");
	cr_assert_not_null(fp);
	fprintf(fp, "server default {\n\tbind 127.0.0.1 %d\n\ttls no\n}\n"
	    "load ./build/daybook.so dbk_init\nworkers 1\n"
	    "http_hsts_enable 0\npidfile %s/kore.pid\n"
	    "domain * {\n\tattach default\n\tinclude conf/routes.conf\n}\n",
	    port, dir);
	fclose(fp);

	return (harness_run("env %s timeout 20 kore -f -n -r -c %s "
	    ">%s 2>&1 </dev/null", env, conf, out));
}

static char *
output(void)
{
	FILE	*fp;
	char	*text;
	long	len;

	fp = fopen(out, "r");
	cr_assert_not_null(fp);
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	text = calloc(1, (size_t)len + 1);
	cr_assert_not_null(text);
	cr_assert_eq(fread(text, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);

	return (text);
}

TestSuite(startup, .init = setup, .fini = teardown, .timeout = 60);

Test(startup, malformed_port_names_the_variable)
{
	char	*text;
	int	status;

	status = start_with(8095, "DAYBOOK_DB_PORT=99999");
	cr_assert(status != 0 && status != 124, "kore exited %d", status);
	text = output();
	cr_assert_not_null(strstr(text, "daybook: DAYBOOK_DB_PORT:"),
	    "no one-line message naming the variable:\n%s", text);
	free(text);
}

Test(startup, unreadable_secret_is_named_not_printed)
{
	char	*text;
	int	status;

	status = start_with(8096, "-u DAYBOOK_DB_PASSWORD_FILE "
	    "DAYBOOK_SECRET_FILE=/nonexistent/secret "
	    "DAYBOOK_DB_PASSWORD=hunter2-not-shown");
	cr_assert(status != 0 && status != 124, "kore exited %d", status);
	text = output();
	cr_assert_not_null(strstr(text, "DAYBOOK_SECRET_FILE"), "%s", text);
	cr_assert_null(strstr(text, "hunter2-not-shown"),
	    "a password was printed:\n%s", text);
	free(text);
}

Test(startup, broken_template_stops_with_file_line_column)
{
	char	*text, env[256];
	int	status;

	cr_assert_eq(harness_run("cp -r templates %s/templates && "
	    "printf '\\n<p>{{#tasks}}never closed\\n' >> "
	    "%s/templates/confirm.mustache", dir, dir), 0);
	(void)snprintf(env, sizeof(env), "DAYBOOK_TEMPLATE_DIR=%s/templates",
	    dir);

	status = start_with(8099, env);
	cr_assert(status != 0 && status != 124, "kore exited %d", status);
	text = output();
	cr_assert_not_null(strstr(text, "confirm.mustache:"),
	    "the message does not name the template:\n%s", text);
	cr_assert_not_null(strstr(text, "tasks"), "%s", text);
	free(text);
}

Test(startup, bad_trusted_proxy_names_the_variable)
{
	char	*text;
	int	status;

	status = start_with(8097,
	    "DAYBOOK_TRUSTED_PROXIES='10.0.0.0/8, ingress'");
	cr_assert(status != 0 && status != 124, "kore exited %d", status);
	text = output();
	cr_assert_not_null(strstr(text, "daybook: DAYBOOK_TRUSTED_PROXIES: "
	    "\"ingress\" is not an IPv4/IPv6 address or CIDR block"),
	    "no one-line message naming the variable:\n%s", text);
	free(text);
}
