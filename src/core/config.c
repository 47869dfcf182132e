/*
 * daybook configuration from the environment: see config.h.
 *
 * Every setting is looked up through the caller's getenv-like function, so
 * the unit tests can feed their own table.  The first bad setting stops the
 * load with one line in cfg->error naming the variable; values of secret
 * settings never appear in that line.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "config.h"

/* Largest password file we accept; a password is a short line. */
#define SECRET_VALUE_MAX	4096
/* Largest DAYBOOK_SECRET_FILE we accept. */
#define SECRET_FILE_MAX		65536

struct num_setting {
	const char	*name;
	const char	*def;
	unsigned long	 min;
	unsigned long	 max;
	int		 is_port;	/* for the error message */
	size_t		 offset;	/* of the unsigned int in cfg */
};

struct str_setting {
	const char	*name;
	const char	*def;
	size_t		 offset;	/* of the char * in cfg */
};

#define CFG_OFF(field)	offsetof(struct dbk_config, field)

static const struct num_setting num_settings[] = {
	{ "DAYBOOK_DB_PORT", "3306", 1, 65535, 1, CFG_OFF(db_port) },
	{ "DAYBOOK_DB_POOL_SIZE", "4", 1, 64, 0, CFG_OFF(db_pool_size) },
	{ "DAYBOOK_DB_QUEUE_MAX", "256", 1, 100000, 0, CFG_OFF(db_queue_max) },
	{ "DAYBOOK_DB_TIMEOUT_MS", "5000", 1, 600000, 0,
	    CFG_OFF(db_timeout_ms) },
	{ "DAYBOOK_REDIS_PORT", "6379", 1, 65535, 1, CFG_OFF(redis_port) },
	{ "DAYBOOK_REDIS_DB", "0", 0, 255, 0, CFG_OFF(redis_db) },
	{ "DAYBOOK_REDIS_TIMEOUT_MS", "250", 1, 600000, 0,
	    CFG_OFF(redis_timeout_ms) },
	{ "DAYBOOK_SESSION_IDLE_MINUTES", "720", 1, 525600, 0,
	    CFG_OFF(session_idle_min) },
	{ "DAYBOOK_SESSION_MAX_HOURS", "720", 1, 87600, 0,
	    CFG_OFF(session_max_hours) },
};

/* Plain strings that must not be empty. */
static const struct str_setting str_settings[] = {
	{ "DAYBOOK_DB_HOST", "127.0.0.1", CFG_OFF(db_host) },
	{ "DAYBOOK_DB_USER", "daybook", CFG_OFF(db_user) },
	{ "DAYBOOK_DB_NAME", "daybook", CFG_OFF(db_name) },
	{ "DAYBOOK_REDIS_HOST", "127.0.0.1", CFG_OFF(redis_host) },
	{ "DAYBOOK_TEMPLATE_DIR", "templates", CFG_OFF(template_dir) },
	{ "DAYBOOK_ASSET_DIR", "assets", CFG_OFF(asset_dir) },
	{ "DAYBOOK_SQL_DIR", "sql", CFG_OFF(sql_dir) },
	{ "DAYBOOK_BASE_URL", "http://127.0.0.1:8080", CFG_OFF(base_url) },
	{ "DAYBOOK_REPORT_TZ", "UTC", CFG_OFF(report_tz) },
};

static int
fail(struct dbk_config *cfg, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Record one error line in cfg->error; always returns -1. */
static int
fail(struct dbk_config *cfg, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(cfg->error, sizeof(cfg->error), fmt, ap);
	va_end(ap);
	return (-1);
}

/*
 * Parse a plain decimal number in [min, max]: digits only, no sign, no
 * spaces, no leading "0x".  Returns 0 and sets *out, or -1.
 */
static int
parse_decimal(const char *text, unsigned long min, unsigned long max,
    unsigned long *out)
{
	unsigned long	value = 0;
	size_t		i;

	if (text[0] == '\0' || strlen(text) > 10)
		return (-1);
	for (i = 0; text[i] != '\0'; i++) {
		if (text[i] < '0' || text[i] > '9')
			return (-1);
		value = value * 10 + (unsigned long)(text[i] - '0');
	}
	if (value < min || value > max)
		return (-1);
	*out = value;
	return (0);
}

static int
load_number(struct dbk_config *cfg, dbk_config_getenv_fn lookup,
    const struct num_setting *set)
{
	const char	*text;
	unsigned long	 value;
	unsigned int	*field;

	if ((text = lookup(set->name)) == NULL)
		text = set->def;
	if (parse_decimal(text, set->min, set->max, &value) == -1) {
		if (set->is_port)
			return (fail(cfg, "%s: not a port number (1-65535)",
			    set->name));
		return (fail(cfg, "%s: not a whole number from %lu to %lu",
		    set->name, set->min, set->max));
	}
	field = (unsigned int *)(void *)((char *)cfg + set->offset);
	*field = (unsigned int)value;
	return (0);
}

static int
load_string(struct dbk_config *cfg, dbk_config_getenv_fn lookup,
    const struct str_setting *set)
{
	const char	*text;
	char		**field;

	if ((text = lookup(set->name)) == NULL)
		text = set->def;
	if (text[0] == '\0')
		return (fail(cfg, "%s: must not be empty", set->name));
	field = (char **)(void *)((char *)cfg + set->offset);
	if ((*field = strdup(text)) == NULL)
		return (fail(cfg, "%s: out of memory", set->name));
	return (0);
}

/*
 * Read all of path into a new NUL-terminated buffer (caller frees) of at
 * most max bytes, and drop one trailing "\n" or "\r\n".  Returns 0, or -1
 * with cfg->error naming the variable (and the path, never the content).
 */
static int
read_secret_file(struct dbk_config *cfg, const char *var, const char *path,
    size_t max, char **out, size_t *outlen)
{
	char	*buf = NULL;
	size_t	 len = 0;
	ssize_t	 n;
	int	 fd = -1, rc = -1;

	if (path[0] == '\0') {
		rc = fail(cfg, "%s: empty file name", var);
		goto out;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		rc = fail(cfg, "%s: cannot read %s: %s", var, path,
		    strerror(errno));
		goto out;
	}
	if ((buf = malloc(max + 2)) == NULL) {
		rc = fail(cfg, "%s: out of memory", var);
		goto out;
	}
	for (;;) {
		n = read(fd, buf + len, max + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			rc = fail(cfg, "%s: cannot read %s: %s", var, path,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			rc = fail(cfg, "%s: %s is larger than %zu bytes", var,
			    path, max);
			goto out;
		}
	}
	if (len > 0 && buf[len - 1] == '\n') {
		len--;
		if (len > 0 && buf[len - 1] == '\r')
			len--;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	buf = NULL;
	rc = 0;
out:
	if (fd != -1)
		(void)close(fd);
	if (buf != NULL) {
		sodium_memzero(buf, max + 2);
		free(buf);
	}
	return (rc);
}

/*
 * A password from NAME or NAME_FILE (not both), default empty.  *out is a
 * heap string owned by cfg.
 */
static int
load_password(struct dbk_config *cfg, dbk_config_getenv_fn lookup,
    const char *name, char **out)
{
	char		 file_var[64];
	const char	*value, *path;
	size_t		 len;

	(void)snprintf(file_var, sizeof(file_var), "%s_FILE", name);
	value = lookup(name);
	path = lookup(file_var);
	if (value != NULL && path != NULL)
		return (fail(cfg, "%s and %s are both set; use one", name,
		    file_var));
	if (path != NULL) {
		if (read_secret_file(cfg, file_var, path, SECRET_VALUE_MAX,
		    out, &len) == -1)
			return (-1);
		if (strlen(*out) != len)
			return (fail(cfg, "%s: file contains a NUL byte",
			    file_var));
		return (0);
	}
	if ((*out = strdup(value != NULL ? value : "")) == NULL)
		return (fail(cfg, "%s: out of memory", name));
	return (0);
}

/* cfg->secret = SHA-256 of the content of DAYBOOK_SECRET_FILE. */
static int
load_secret(struct dbk_config *cfg, dbk_config_getenv_fn lookup)
{
	const char	*var = "DAYBOOK_SECRET_FILE";
	const char	*path;
	char		*content = NULL;
	size_t		 len = 0;
	int		 rc = -1;

	if ((path = lookup(var)) == NULL)
		path = "var/secret";
	if (read_secret_file(cfg, var, path, SECRET_FILE_MAX, &content,
	    &len) == -1)
		goto out;
	if (len < 32) {
		rc = fail(cfg, "%s: %s holds fewer than 32 bytes", var, path);
		goto out;
	}
	if (crypto_hash_sha256(cfg->secret, (const unsigned char *)content,
	    len) != 0) {
		rc = fail(cfg, "%s: cannot hash the secret", var);
		goto out;
	}
	rc = 0;
out:
	if (content != NULL) {
		sodium_memzero(content, len);
		free(content);
	}
	return (rc);
}

static int
load_flags(struct dbk_config *cfg, dbk_config_getenv_fn lookup)
{
	const char	*text;

	if ((text = lookup("DAYBOOK_HTTPS")) == NULL)
		text = "0";
	if (strcmp(text, "0") == 0)
		cfg->https = 0;
	else if (strcmp(text, "1") == 0)
		cfg->https = 1;
	else
		return (fail(cfg, "DAYBOOK_HTTPS: must be 0 or 1"));

	if ((text = lookup("DAYBOOK_SIGNUP")) == NULL)
		text = "open";
	if (strcmp(text, "open") == 0)
		cfg->signup_open = 1;
	else if (strcmp(text, "closed") == 0)
		cfg->signup_open = 0;
	else
		return (fail(cfg, "DAYBOOK_SIGNUP: must be open or closed"));
	return (0);
}

/* Checks of string values beyond "not empty". */
static int
check_strings(struct dbk_config *cfg)
{
	const char	*tz = cfg->report_tz;
	size_t		 i;

	if (strncmp(cfg->base_url, "http://", 7) != 0 &&
	    strncmp(cfg->base_url, "https://", 8) != 0)
		return (fail(cfg, "DAYBOOK_BASE_URL: must start with http:// "
		    "or https://"));
	/* A zone name such as UTC or Europe/Berlin; never a path. */
	if (tz[0] == '/' || strstr(tz, "..") != NULL || strlen(tz) > 64)
		return (fail(cfg, "DAYBOOK_REPORT_TZ: not a time zone name"));
	for (i = 0; tz[i] != '\0'; i++) {
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789/_+-", tz[i]) == NULL)
			return (fail(cfg,
			    "DAYBOOK_REPORT_TZ: not a time zone name"));
	}
	if (strlen(cfg->db_name) > 64)
		return (fail(cfg, "DAYBOOK_DB_NAME: longer than 64 characters"));
	return (0);
}

static int
load_socket(struct dbk_config *cfg, dbk_config_getenv_fn lookup)
{
	const char	*text;

	/* Unset or empty: connect over TCP. */
	if ((text = lookup("DAYBOOK_DB_SOCKET")) == NULL || text[0] == '\0')
		return (0);
	if ((cfg->db_socket = strdup(text)) == NULL)
		return (fail(cfg, "DAYBOOK_DB_SOCKET: out of memory"));
	return (0);
}

/* An optional string: NULL when unset or empty, else a heap copy. */
static int
load_optional(struct dbk_config *cfg, dbk_config_getenv_fn lookup,
    const char *name, char **out)
{
	const char	*text;

	if ((text = lookup(name)) == NULL || text[0] == '\0')
		return (0);
	if ((*out = strdup(text)) == NULL)
		return (fail(cfg, "%s: out of memory", name));
	return (0);
}

/* A plain address: local@domain, printable ASCII, no spaces or <>. */
static int
address_ok(const char *s)
{
	const char	*at;
	size_t		 i;

	if ((at = strchr(s, '@')) == NULL || at == s || at[1] == '\0' ||
	    strchr(at + 1, '@') != NULL || strlen(s) > 254)
		return (0);
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] <= ' ' || s[i] >= 0x7f || strchr("<>()[],;:\\\"",
		    s[i]) != NULL)
			return (0);
	}
	return (1);
}

/*
 * DAYBOOK_SMTP_URL (smtp:// or smtps://, optional), DAYBOOK_SMTP_USER,
 * DAYBOOK_SMTP_PASSWORD(_FILE) and DAYBOOK_MAIL_FROM (an address; needed
 * when the URL is set).
 */
static int
load_mail(struct dbk_config *cfg, dbk_config_getenv_fn lookup)
{
	size_t	i;

	if (load_optional(cfg, lookup, "DAYBOOK_SMTP_URL", &cfg->smtp_url) ==
	    -1 || load_optional(cfg, lookup, "DAYBOOK_SMTP_USER",
	    &cfg->smtp_user) == -1 || load_optional(cfg, lookup,
	    "DAYBOOK_MAIL_FROM", &cfg->mail_from) == -1)
		return (-1);
	if (load_password(cfg, lookup, "DAYBOOK_SMTP_PASSWORD",
	    &cfg->smtp_password) == -1)
		return (-1);
	if (cfg->smtp_url != NULL) {
		if (strncmp(cfg->smtp_url, "smtp://", 7) != 0 &&
		    strncmp(cfg->smtp_url, "smtps://", 8) != 0)
			return (fail(cfg, "DAYBOOK_SMTP_URL: must start with "
			    "smtp:// or smtps://"));
		for (i = 0; cfg->smtp_url[i] != '\0'; i++) {
			if (cfg->smtp_url[i] <= ' ' || cfg->smtp_url[i] >= 0x7f)
				return (fail(cfg, "DAYBOOK_SMTP_URL: spaces or "
				    "control characters"));
		}
		if (cfg->mail_from == NULL)
			return (fail(cfg, "DAYBOOK_MAIL_FROM: must be set when "
			    "DAYBOOK_SMTP_URL is"));
	}
	if (cfg->mail_from != NULL && !address_ok(cfg->mail_from))
		return (fail(cfg, "DAYBOOK_MAIL_FROM: not an address such as "
		    "daybook@example.com"));
	return (0);
}

/*
 * DAYBOOK_TRUSTED_PROXIES: comma-separated addresses or CIDR blocks,
 * spaces around entries allowed; unset or blank: none.
 */
static int
load_proxies(struct dbk_config *cfg, dbk_config_getenv_fn lookup)
{
	const char	*var = "DAYBOOK_TRUSTED_PROXIES";
	const char	*text, *p, *end;
	char		 entry[DBK_NETADDR_STRLEN + 8];
	size_t		 len;

	if ((text = lookup(var)) == NULL || text[strspn(text, " \t")] == '\0')
		return (0);
	for (p = text;; p = end + 1) {
		end = strchr(p, ',');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		while (len > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0 || len >= sizeof(entry))
			return (fail(cfg, "%s: an entry is empty or too long; "
			    "list addresses or CIDR blocks separated by commas",
			    var));
		memcpy(entry, p, len);
		entry[len] = '\0';
		if (cfg->trusted_proxies_n == DBK_TRUSTED_PROXIES_MAX)
			return (fail(cfg, "%s: more than %d entries", var,
			    DBK_TRUSTED_PROXIES_MAX));
		if (dbk_netaddr_parse_cidr(entry,
		    &cfg->trusted_proxies[cfg->trusted_proxies_n]) == -1)
			return (fail(cfg, "%s: \"%s\" is not an IPv4/IPv6 "
			    "address or CIDR block", var, entry));
		cfg->trusted_proxies_n++;
		if (end == NULL)
			return (0);
	}
}

int
dbk_config_load(struct dbk_config *cfg, dbk_config_getenv_fn lookup)
{
	size_t	i;

	memset(cfg, 0, sizeof(*cfg));
	if (sodium_init() < 0)
		return (fail(cfg, "libsodium: cannot initialise"));

	for (i = 0; i < sizeof(str_settings) / sizeof(str_settings[0]); i++) {
		if (load_string(cfg, lookup, &str_settings[i]) == -1)
			return (-1);
	}
	for (i = 0; i < sizeof(num_settings) / sizeof(num_settings[0]); i++) {
		if (load_number(cfg, lookup, &num_settings[i]) == -1)
			return (-1);
	}
	if (load_socket(cfg, lookup) == -1 || load_flags(cfg, lookup) == -1 ||
	    check_strings(cfg) == -1)
		return (-1);
	if (load_password(cfg, lookup, "DAYBOOK_DB_PASSWORD",
	    &cfg->db_password) == -1)
		return (-1);
	if (load_password(cfg, lookup, "DAYBOOK_REDIS_PASSWORD",
	    &cfg->redis_password) == -1)
		return (-1);
	if (load_mail(cfg, lookup) == -1)
		return (-1);
	if (load_proxies(cfg, lookup) == -1)
		return (-1);
	if (load_secret(cfg, lookup) == -1)
		return (-1);
	return (0);
}

static void
free_secret_string(char **s)
{
	if (*s != NULL) {
		sodium_memzero(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

void
dbk_config_free(struct dbk_config *cfg)
{
	size_t	i;
	char	**field;

	for (i = 0; i < sizeof(str_settings) / sizeof(str_settings[0]); i++) {
		field = (char **)(void *)((char *)cfg + str_settings[i].offset);
		free(*field);
		*field = NULL;
	}
	free(cfg->db_socket);
	cfg->db_socket = NULL;
	free_secret_string(&cfg->db_password);
	free_secret_string(&cfg->redis_password);
	free(cfg->smtp_url);
	free(cfg->smtp_user);
	free(cfg->mail_from);
	cfg->smtp_url = cfg->smtp_user = cfg->mail_from = NULL;
	free_secret_string(&cfg->smtp_password);
	sodium_memzero(cfg->secret, sizeof(cfg->secret));
}
