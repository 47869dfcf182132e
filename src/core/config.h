/*
 * daybook configuration from the environment.
 *
 * Shared by the Kore module and daybook-admin; no Kore dependency, so it is
 * unit-tested on its own.  Every setting is a DAYBOOK_* environment variable
 * with a default for the development stack (see README.md).
 */

#ifndef DBK_CONFIG_H
#define DBK_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "netaddr.h"

#define DBK_CONFIG_ERROR_MAX	256
#define DBK_SECRET_LEN		32
/* Most entries DAYBOOK_TRUSTED_PROXIES may hold. */
#define DBK_TRUSTED_PROXIES_MAX	32

struct dbk_config {
	/* MariaDB */
	char		*db_host;		/* DAYBOOK_DB_HOST */
	unsigned int	db_port;		/* DAYBOOK_DB_PORT */
	char		*db_socket;		/* DAYBOOK_DB_SOCKET, or NULL */
	char		*db_user;		/* DAYBOOK_DB_USER */
	char		*db_password;		/* DAYBOOK_DB_PASSWORD(_FILE) */
	char		*db_name;		/* DAYBOOK_DB_NAME */
	unsigned int	db_pool_size;		/* DAYBOOK_DB_POOL_SIZE */
	unsigned int	db_queue_max;		/* DAYBOOK_DB_QUEUE_MAX */
	unsigned int	db_timeout_ms;		/* DAYBOOK_DB_TIMEOUT_MS */

	/* Redis */
	char		*redis_host;		/* DAYBOOK_REDIS_HOST */
	unsigned int	redis_port;		/* DAYBOOK_REDIS_PORT */
	char		*redis_password;	/* DAYBOOK_REDIS_PASSWORD(_FILE) */
	unsigned int	redis_db;		/* DAYBOOK_REDIS_DB */
	unsigned int	redis_timeout_ms;	/* DAYBOOK_REDIS_TIMEOUT_MS */

	/* Application */
	uint8_t		secret[DBK_SECRET_LEN];	/* from DAYBOOK_SECRET_FILE */
	char		*template_dir;		/* DAYBOOK_TEMPLATE_DIR */
	char		*asset_dir;		/* DAYBOOK_ASSET_DIR */
	char		*sql_dir;		/* DAYBOOK_SQL_DIR */
	int		https;			/* DAYBOOK_HTTPS: 0 or 1 */
	unsigned int	session_idle_min;	/* DAYBOOK_SESSION_IDLE_MINUTES */
	unsigned int	session_max_hours;	/* DAYBOOK_SESSION_MAX_HOURS */
	int		signup_open;		/* DAYBOOK_SIGNUP: open|closed */
	char		*base_url;		/* DAYBOOK_BASE_URL */
	char		*report_tz;		/* DAYBOOK_REPORT_TZ */
	/* DAYBOOK_TRUSTED_PROXIES: peers whose X-Forwarded-For counts. */
	struct dbk_netaddr trusted_proxies[DBK_TRUSTED_PROXIES_MAX];
	size_t		 trusted_proxies_n;

	/* Mail (password reset links); smtp_url NULL: links go to the log. */
	char		*smtp_url;		/* DAYBOOK_SMTP_URL, or NULL */
	char		*smtp_user;		/* DAYBOOK_SMTP_USER, or NULL */
	char		*smtp_password;		/* DAYBOOK_SMTP_PASSWORD(_FILE) */
	char		*mail_from;		/* DAYBOOK_MAIL_FROM, or NULL */

	/* Set by dbk_config_load() when it returns an error. */
	char		error[DBK_CONFIG_ERROR_MAX];
};

/*
 * A getenv-like lookup: returns the value of name or NULL.  Tests pass their
 * own; the programs pass getenv.
 */
typedef const char	*(*dbk_config_getenv_fn)(const char *name);

/*
 * Fill cfg from the environment.  Returns 0 on success, -1 on the first
 * missing or malformed setting with cfg->error holding one line that names
 * the variable (never its value when the value is a secret).  Strings in
 * cfg are heap copies owned by cfg: release them with dbk_config_free().
 * dbk_config_free() is safe on a cfg that failed to load.
 */
int	dbk_config_load(struct dbk_config *cfg, dbk_config_getenv_fn lookup);
void	dbk_config_free(struct dbk_config *cfg);

#endif
