/*
 * Criterion checks shared by the page tests (test_accounts.c,
 * test_tasks.c): requests that must get an answer, and the CSRF token of a
 * page.  The harness itself reports errors instead of asserting, so these
 * live here.
 */

#ifndef DBK_CHECKS_H
#define DBK_CHECKS_H

#include <criterion/criterion.h>

#include "harness.h"

static inline void
get_ok(struct harness_client *c, const char *path,
    struct harness_response *r)
{
	cr_assert_eq(harness_get(c, path, r), 0, "GET %s: %s", path,
	    r->error);
}

static inline void
post_ok(struct harness_client *c, const char *path, const char *body,
    struct harness_response *r)
{
	cr_assert_eq(harness_post_form(c, path, body, r), 0, "POST %s: %s",
	    path, r->error);
}

/* The csrf token in the page at path (asserted 200); caller frees. */
static inline char *
csrf_of(struct harness_client *c, const char *path)
{
	struct harness_response	 r;
	char			*csrf;

	get_ok(c, path, &r);
	cr_assert_eq(r.status, 200, "GET %s: %ld", path, r.status);
	csrf = harness_input_value(r.body, "csrf");
	cr_assert(csrf != NULL && *csrf != '\0', "no csrf in %s", path);
	harness_response_free(&r);
	return csrf;
}

#endif
