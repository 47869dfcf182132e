/*
 * daybook-admin: set-admin and reset-password.
 */

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "admin.h"
#include "core/reset.h"

#define EMAIL_ROOM	255

int
dbk_admin_set_admin_check(int argc, char **argv)
{
	char	email[EMAIL_ROOM];

	if (argc != 3 || (strcmp(argv[2], "on") != 0 &&
	    strcmp(argv[2], "off") != 0)) {
		dbk_admin_fail("set-admin", "usage: daybook-admin set-admin "
		    "EMAIL on|off");
		return (ADMIN_USAGE);
	}
	if (dbk_admin_email_normalize(argv[1], email, sizeof(email)) == -1) {
		dbk_admin_fail("set-admin", "not a valid email address");
		return (ADMIN_USAGE);
	}
	return (ADMIN_OK);
}

/* Set users.is_admin of id to on; the audit row goes with it. */
static int
store_admin_flag(MYSQL *db, unsigned long long id, int on, int was,
    char *err, size_t errlen)
{
	static const char	sql[] = "UPDATE users SET is_admin = ? "
	    "WHERE id = ?";
	struct dbk_sql_param	p[2] = {
		DBK_SQL_P_INT(on),
		DBK_SQL_P_INT(id),
	};
	char			detail[64];

	if (dbk_admin_exec(db, sql, p, 2, NULL, err, errlen) == -1)
		return (-1);
	(void)snprintf(detail, sizeof(detail), "is_admin %d -> %d", was, on);
	return (dbk_admin_audit(db, on ? "set-admin on" : "set-admin off", id,
	    detail, err, errlen));
}

int
dbk_admin_set_admin(MYSQL *db, int argc, char **argv)
{
	char			email[EMAIL_ROOM], err[ADMIN_ERROR_MAX];
	unsigned long long	id;
	int			on, was, found;

	(void)argc;
	(void)dbk_admin_email_normalize(argv[1], email, sizeof(email));
	on = strcmp(argv[2], "on") == 0;
	if (dbk_admin_begin(db, err, sizeof(err)) == -1)
		goto fail;
	if ((found = dbk_admin_find_user(db, email, &id, &was, err,
	    sizeof(err))) == -1)
		goto fail;
	if (found == 0) {
		dbk_admin_rollback(db);
		dbk_admin_fail("set-admin", "no account with email %s", email);
		return (ADMIN_FAILED);
	}
	if (store_admin_flag(db, id, on, was, err, sizeof(err)) == -1 ||
	    dbk_admin_commit(db, err, sizeof(err)) == -1)
		goto fail;
	printf("set-admin: %s %s an administrator\n", email,
	    on == was ? (on ? "was already" : "was already not") :
	    (on ? "is now" : "is no longer"));
	return (ADMIN_OK);
fail:
	dbk_admin_rollback(db);
	dbk_admin_fail("set-admin", "%s", err);
	return (ADMIN_FAILED);
}

int
dbk_admin_reset_password_check(int argc, char **argv)
{
	char	email[EMAIL_ROOM];

	if (argc != 2) {
		dbk_admin_fail("reset-password", "usage: daybook-admin "
		    "reset-password EMAIL");
		return (ADMIN_USAGE);
	}
	if (dbk_admin_email_normalize(argv[1], email, sizeof(email)) == -1) {
		dbk_admin_fail("reset-password", "not a valid email address");
		return (ADMIN_USAGE);
	}
	return (ADMIN_OK);
}

/*
 * Replace the unused links of account id by one for the token whose
 * SHA-256 is hash, valid DBK_RESET_MINUTES; with its audit row.
 */
static int
store_reset(MYSQL *db, unsigned long long id, const uint8_t *hash, char *err,
    size_t errlen)
{
	struct dbk_sql_param	pv[1] = { DBK_SQL_P_INT(id) };
	struct dbk_sql_param	pa[3] = {
		DBK_SQL_P_BLOB(hash, DBK_RESET_HASH_BYTES),
		DBK_SQL_P_INT(id),
		DBK_SQL_P_INT(DBK_RESET_MINUTES),
	};
	unsigned long long	voided;
	char			detail[64];

	if (dbk_admin_exec(db, DBK_RESET_VOID_SQL, pv, 1, &voided, err,
	    errlen) == -1 ||
	    dbk_admin_exec(db, DBK_RESET_ADD_SQL("?"), pa, 3, NULL, err,
	    errlen) == -1)
		return (-1);
	(void)snprintf(detail, sizeof(detail), "link valid %d minutes, %llu "
	    "older unused voided", DBK_RESET_MINUTES, voided);
	return (dbk_admin_audit(db, "reset-password", id, detail, err,
	    errlen));
}

int
dbk_admin_reset_password(const struct dbk_config *cfg, MYSQL *db, int argc,
    char **argv)
{
	uint8_t			hash[DBK_RESET_HASH_BYTES];
	char			hex[DBK_RESET_HEX + 1];
	char			link[DBK_RESET_LINK_MAX];
	char			email[EMAIL_ROOM], err[ADMIN_ERROR_MAX];
	unsigned long long	id;
	int			found, status = ADMIN_FAILED;

	(void)argc;
	(void)dbk_admin_email_normalize(argv[1], email, sizeof(email));
	if (sodium_init() < 0) {
		dbk_admin_fail("reset-password", "libsodium unavailable");
		return (ADMIN_FAILED);
	}
	dbk_reset_token_new(hex, hash);
	if (dbk_admin_begin(db, err, sizeof(err)) == -1)
		goto fail;
	if ((found = dbk_admin_find_user(db, email, &id, NULL, err,
	    sizeof(err))) == -1)
		goto fail;
	if (found == 0) {
		dbk_admin_rollback(db);
		dbk_admin_fail("reset-password", "no account with email %s",
		    email);
		goto out;
	}
	if (store_reset(db, id, hash, err, sizeof(err)) == -1 ||
	    dbk_admin_commit(db, err, sizeof(err)) == -1)
		goto fail;
	(void)dbk_reset_link(cfg->base_url, hex, link, sizeof(link));
	printf("%s\n", link);
	sodium_memzero(link, sizeof(link));
	status = ADMIN_OK;
	goto out;
fail:
	dbk_admin_rollback(db);
	dbk_admin_fail("reset-password", "%s", err);
out:
	sodium_memzero(hex, sizeof(hex));
	return (status);
}
