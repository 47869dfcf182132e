/*
 * The administrators' pages (/admin...), shared by page_admin.c (the gate,
 * accounts and audit) and page_admin_reports.c (stored nightly reports).
 *
 * Every request is checked against MariaDB (users.is_admin of a live,
 * enabled account) in its first round trip, whatever the session's Redis
 * copy says; anyone else gets the same 404 as an unknown URL, before any
 * CSRF check.
 */

#ifndef DBK_PAGE_ADMIN_H
#define DBK_PAGE_ADMIN_H

#include "runtime/page.h"
#include "runtime/pwtask.h"
#include "core/reset.h"

/*
 * Statements [0] and [1] of every admin round trip: the asker's account
 * (no row when disabled or gone; is_admin says the rest) and sessions,
 * to refresh their Redis copies when those carry another admin flag.  A
 * page's own statements follow from DBK_ADMIN_FIRST on.
 */
#define DBK_ADMIN_CHECK_SQL \
	"SELECT is_admin, email, display_name FROM users WHERE id = ? " \
	"AND is_disabled = 0;" DBK_SESSION_LIST_SQL
#define DBK_ADMIN_CHECK_NPARAMS	2
#define DBK_ADMIN_FIRST		2
#define DBK_ADMIN_PARAMS_MAX	4

enum dbk_admin_route {
	DBK_ADMIN_NONE,
	DBK_ADMIN_HOME,		/* GET /admin[?page=N] */
	DBK_ADMIN_CREATE,	/* POST /admin/accounts */
	DBK_ADMIN_DISABLE,	/* POST /admin/accounts/ID/disable */
	DBK_ADMIN_ENABLE,	/* POST /admin/accounts/ID/enable */
	DBK_ADMIN_REPORTS,	/* GET /admin/reports */
	DBK_ADMIN_REPORT,	/* GET /admin/reports/YYYY-MM-DD */
	DBK_ADMIN_REPORT_CSV	/* GET /admin/reports/YYYY-MM-DD.csv */
};

struct dbk_admin_page {
	struct dbk_auth		auth;
	enum dbk_admin_route	route;
	u_int64_t		target;		/* account of an action */
	char			date[11];	/* report date */
	u_int64_t		pageno;		/* accounts page, from 1 */
	char			email[DBK_EMAIL_MAX + 1];
	char			name[DBK_NAME_MAX + 1];
	struct dbk_pwtask	pw;
	char			token_hex[DBK_RESET_HEX + 1];
	u_int8_t		token_hash[DBK_RESET_HASH_BYTES];
	int			tries;
};

/*
 * The report pages: the statements that follow DBK_ADMIN_CHECK_SQL (their
 * params appended to params at *n), and the answer made from result sets
 * DBK_ADMIN_FIRST and up once the check passed.
 */
const char	*dbk_admin_reports_sql(struct dbk_admin_page *,
		    struct dbk_sql_param *, size_t *);
void	dbk_admin_reports_respond(struct http_request *,
	    struct dbk_admin_page *);

#endif
