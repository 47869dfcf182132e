/*
 * daybook-admin: the blocking MariaDB connection.
 */

#include <stdio.h>

#include "admin.h"

MYSQL *
dbk_admin_connect(const struct dbk_config *cfg, char *err, size_t errlen)
{
	MYSQL		*db;
	unsigned int	 timeout_s, protocol;
	const char	*host;

	if ((db = mysql_init(NULL)) == NULL) {
		(void)snprintf(err, errlen, "out of memory");
		return (NULL);
	}
	timeout_s = (cfg->db_timeout_ms + 999) / 1000;
	protocol = cfg->db_socket != NULL ? MYSQL_PROTOCOL_SOCKET :
	    MYSQL_PROTOCOL_TCP;
	host = cfg->db_socket != NULL ? "localhost" : cfg->db_host;
	(void)mysql_options(db, MYSQL_OPT_CONNECT_TIMEOUT, &timeout_s);
	(void)mysql_options(db, MYSQL_OPT_PROTOCOL, &protocol);
	(void)mysql_options(db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	(void)mysql_options(db, MYSQL_INIT_COMMAND,
	    "SET time_zone = '+00:00'");

	if (mysql_real_connect(db, host, cfg->db_user, cfg->db_password,
	    cfg->db_name, cfg->db_port, cfg->db_socket, 0) == NULL) {
		if (cfg->db_socket != NULL)
			(void)snprintf(err, errlen, "cannot connect to MariaDB "
			    "at %s: %s", cfg->db_socket, mysql_error(db));
		else
			(void)snprintf(err, errlen, "cannot connect to MariaDB "
			    "at %s:%u: %s", cfg->db_host, cfg->db_port,
			    mysql_error(db));
		mysql_close(db);
		return (NULL);
	}
	return (db);
}
