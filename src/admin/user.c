/*
 * daybook-admin: create-user.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <mysqld_error.h>
#include <sodium.h>

#include "admin.h"
#include "core/password.h"

#define EMAIL_MAX	254
#define NAME_MAX_CHARS	100

struct new_user {
	const char	*email_arg;
	const char	*name_arg;		/* --name, or NULL */
	int		 is_admin;
	char		 email[EMAIL_MAX + 1];
	char		 name[4 * NAME_MAX_CHARS + 1];
};

static int
local_char_ok(char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr(".!#$%&'*+/=?^_`{|}~-", c) != NULL));
}

static int
check_local(const char *s, size_t len)
{
	size_t	i;

	if (len < 1 || len > 64 || s[0] == '.' || s[len - 1] == '.')
		return (-1);
	for (i = 0; i < len; i++) {
		if (!local_char_ok(s[i]) || (s[i] == '.' && s[i + 1] == '.'))
			return (-1);
	}
	return (0);
}

/* Labels of [a-z0-9-], 1-63 long, no '-' at either end, at least two. */
static int
check_domain(const char *s, size_t len)
{
	size_t	i, label = 0, labels = 1;

	if (len < 3 || len > 253)
		return (-1);
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return (-1);
			label = 0;
			labels++;
			continue;
		}
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return (-1);
		if (s[i] == '-' && label == 0)
			return (-1);
		if (++label > 63)
			return (-1);
	}
	if (label == 0 || s[len - 1] == '-' || labels < 2)
		return (-1);
	return (0);
}

int
dbk_admin_email_normalize(const char *email, char *out, size_t outlen)
{
	size_t		 len = strlen(email), i;
	const char	*at;

	if (len < 5 || len > EMAIL_MAX || len >= outlen)
		return (-1);
	for (i = 0; i <= len; i++) {
		out[i] = email[i];
		if (out[i] >= 'A' && out[i] <= 'Z')
			out[i] = (char)(out[i] - 'A' + 'a');
	}
	if ((at = strchr(out, '@')) == NULL || strchr(at + 1, '@') != NULL)
		return (-1);
	if (check_local(out, (size_t)(at - out)) == -1 ||
	    check_domain(at + 1, strlen(at + 1)) == -1)
		return (-1);
	return (0);
}

/*
 * A display name: 1-100 characters, no control characters, not blank.
 * (MariaDB itself rejects malformed UTF-8 in a utf8mb4 column.)
 */
static int
display_name_ok(const char *name)
{
	const unsigned char	*s = (const unsigned char *)name;
	size_t			 chars = 0, blank = 0, i;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < 0x20 || s[i] == 0x7f)
			return (0);
		if ((s[i] & 0xc0) != 0x80)
			chars++;
		if (s[i] == ' ')
			blank++;
	}
	return (chars >= 1 && chars <= NAME_MAX_CHARS && blank < chars);
}

static int
parse_args(int argc, char **argv, struct new_user *nu)
{
	int	i;

	memset(nu, 0, sizeof(*nu));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--admin") == 0)
			nu->is_admin = 1;
		else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			nu->name_arg = argv[++i];
		else if (strncmp(argv[i], "--name=", 7) == 0)
			nu->name_arg = argv[i] + 7;
		else if (argv[i][0] == '-' || nu->email_arg != NULL)
			return (-1);
		else
			nu->email_arg = argv[i];
	}
	return (nu->email_arg == NULL ? -1 : 0);
}

/* Parse and check the arguments into nu; an ADMIN_* status. */
static int
prepare_user(int argc, char **argv, struct new_user *nu)
{
	size_t	local;

	if (parse_args(argc, argv, nu) == -1) {
		dbk_admin_fail("create-user", "usage: daybook-admin create-user "
		    "EMAIL [--admin] [--name NAME]");
		return (ADMIN_USAGE);
	}
	if (dbk_admin_email_normalize(nu->email_arg, nu->email,
	    sizeof(nu->email)) == -1) {
		dbk_admin_fail("create-user", "not a valid email address");
		return (ADMIN_USAGE);
	}
	if (nu->name_arg != NULL) {
		if (strlen(nu->name_arg) >= sizeof(nu->name) ||
		    !display_name_ok(nu->name_arg)) {
			dbk_admin_fail("create-user", "--name: 1 to %d "
			    "characters, no control characters",
			    NAME_MAX_CHARS);
			return (ADMIN_USAGE);
		}
		(void)snprintf(nu->name, sizeof(nu->name), "%s", nu->name_arg);
	} else {
		/* The part before '@' as it was typed. */
		local = strcspn(nu->email_arg, "@");
		(void)snprintf(nu->name, sizeof(nu->name), "%.*s", (int)local,
		    nu->email_arg);
	}
	return (ADMIN_OK);
}

int
dbk_admin_create_user_check(int argc, char **argv)
{
	struct new_user	nu;

	return (prepare_user(argc, argv, &nu));
}

/*
 * Read one line from standard input into buf, without its line end, echo
 * off when it is a terminal.  Returns the length, or -1 when there is no
 * line or it is longer than buflen - 3 bytes.
 */
static long
read_password(char *buf, size_t buflen)
{
	struct termios	saved, quiet;
	int		tty, c;
	size_t		len = 0;
	long		rc = -1;

	tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
	if (tty) {
		fputs("Password: ", stderr);
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	while ((c = getchar()) != EOF && c != '\n') {
		if (len + 3 > buflen)
			goto out;
		buf[len++] = (char)c;
	}
	if (len == 0 && c == EOF)
		goto out;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	rc = (long)len;
out:
	if (tty) {
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		fputc('\n', stderr);
	}
	return (rc);
}

static void
bind_string(MYSQL_BIND *b, const char *s, unsigned long *len)
{
	*len = strlen(s);
	b->buffer_type = MYSQL_TYPE_STRING;
	b->buffer = (void *)(uintptr_t)s;
	b->buffer_length = *len;
	b->length = len;
}

/*
 * INSERT the user.  Returns the new id, 0 when the email is taken, or -1
 * with msg set.
 */
static long long
insert_user(MYSQL *db, const struct new_user *nu, const char *hash,
    char *msg, size_t msglen)
{
	static const char	 sql[] = "INSERT INTO users (email, "
	    "display_name, password_hash, is_admin) VALUES (?, ?, ?, ?)";
	MYSQL_STMT		*stmt;
	MYSQL_BIND		 bind[4];
	unsigned long		 lens[3];
	signed char		 admin = (signed char)nu->is_admin;
	long long		 rc = -1;

	if ((stmt = mysql_stmt_init(db)) == NULL) {
		(void)snprintf(msg, msglen, "out of memory");
		return (-1);
	}
	memset(bind, 0, sizeof(bind));
	bind_string(&bind[0], nu->email, &lens[0]);
	bind_string(&bind[1], nu->name, &lens[1]);
	bind_string(&bind[2], hash, &lens[2]);
	bind[3].buffer_type = MYSQL_TYPE_TINY;
	bind[3].buffer = &admin;
	if (mysql_stmt_prepare(stmt, sql, sizeof(sql) - 1) != 0 ||
	    mysql_stmt_bind_param(stmt, bind) != 0 ||
	    mysql_stmt_execute(stmt) != 0) {
		if (mysql_stmt_errno(stmt) == ER_DUP_ENTRY)
			rc = 0;
		else
			(void)snprintf(msg, msglen, "%s",
			    mysql_stmt_error(stmt));
		goto out;
	}
	rc = (long long)mysql_stmt_insert_id(stmt);
out:
	(void)mysql_stmt_close(stmt);
	return (rc);
}

int
dbk_admin_create_user(MYSQL *db, int argc, char **argv)
{
	struct new_user	nu;
	char		pw[DBK_PASSWORD_MAX_BYTES + 3];
	char		hash[DBK_PASSWORD_HASH_MAX], msg[512];
	long		len;
	long long	id;
	int		status = ADMIN_FAILED;

	if ((status = prepare_user(argc, argv, &nu)) != ADMIN_OK)
		return (status);
	status = ADMIN_FAILED;
	if ((len = read_password(pw, sizeof(pw))) == -1 || len == 0) {
		dbk_admin_fail("create-user", "no password on standard input "
		    "(one line, at most %d bytes)", DBK_PASSWORD_MAX_BYTES);
		goto out;
	}
	if (!dbk_password_acceptable(pw, (size_t)len)) {
		dbk_admin_fail("create-user", "password not acceptable: at "
		    "least %d characters, no control characters",
		    DBK_PASSWORD_MIN_CHARS);
		goto out;
	}
	if (dbk_password_hash(pw, (size_t)len, hash, sizeof(hash)) == -1) {
		dbk_admin_fail("create-user", "cannot hash the password");
		goto out;
	}
	if ((id = insert_user(db, &nu, hash, msg, sizeof(msg))) == -1) {
		dbk_admin_fail("create-user", "%s", msg);
		goto out;
	}
	if (id == 0) {
		dbk_admin_fail("create-user", "a user with email %s already "
		    "exists", nu.email);
		goto out;
	}
	printf("create-user: created %s%s (id %lld, name \"%s\")\n", nu.email,
	    nu.is_admin ? " as administrator" : "", id, nu.name);
	status = ADMIN_OK;
out:
	sodium_memzero(pw, sizeof(pw));
	return (status);
}
