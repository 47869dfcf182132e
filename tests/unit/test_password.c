/*
 * Unit tests for src/core/password.c: argon2id hashing, verification and the
 * acceptability rule.
 */

#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "core/password.h"

static void
hash_ok(const char *pw, char *out)
{
	cr_assert_eq(dbk_password_hash(pw, strlen(pw), out,
	    DBK_PASSWORD_HASH_MAX), 0);
}

Test(password, hash_is_argon2id_with_our_costs)
{
	char	hash[DBK_PASSWORD_HASH_MAX];
	const char prefix[] = "$argon2id$v=19$m=19456,t=2,p=1$";

	hash_ok("correct horse", hash);
	cr_assert_eq(strncmp(hash, prefix, strlen(prefix)), 0, "got %s",
	    hash);
}

Test(password, verify_matches_only_the_same_password)
{
	char	hash[DBK_PASSWORD_HASH_MAX];

	hash_ok("correct horse", hash);
	cr_assert_eq(dbk_password_verify(hash, "correct horse", 13), 1);
	cr_assert_eq(dbk_password_verify(hash, "correct hors", 12), 0);
	cr_assert_eq(dbk_password_verify(hash, "correct horsf", 13), 0);
	cr_assert_eq(dbk_password_verify(hash, "", 0), 0);
}

Test(password, length_is_used_not_nul)
{
	char	hash[DBK_PASSWORD_HASH_MAX];

	cr_assert_eq(dbk_password_hash("ab\0cdefgh", 9, hash, sizeof(hash)), 0);
	cr_assert_eq(dbk_password_verify(hash, "ab\0cdefgh", 9), 1);
	cr_assert_eq(dbk_password_verify(hash, "ab", 2), 0);
}

Test(password, salted)
{
	char	a[DBK_PASSWORD_HASH_MAX], b[DBK_PASSWORD_HASH_MAX];

	hash_ok("same password", a);
	hash_ok("same password", b);
	cr_assert_str_neq(a, b);
}

Test(password, small_output_refused)
{
	char	out[DBK_PASSWORD_HASH_MAX];

	cr_assert_eq(dbk_password_hash("password", 8, out, 64), -1);
	cr_assert_eq(dbk_password_hash(NULL, 0, out, sizeof(out)), -1);
}

Test(password, malformed_hashes_do_not_match)
{
	char	long_hash[300];

	cr_assert_eq(dbk_password_verify(NULL, "password", 8), 0);
	cr_assert_eq(dbk_password_verify("", "password", 8), 0);
	cr_assert_eq(dbk_password_verify("password", "password", 8), 0);
	cr_assert_eq(dbk_password_verify("$argon2id$v=19$m=19456,t=2,p=1$xx",
	    "password", 8), 0);
	cr_assert_eq(dbk_password_verify("$2y$10$abcdefghijklmnopqrstuv",
	    "password", 8), 0);
	memset(long_hash, 'a', sizeof(long_hash) - 1);
	long_hash[sizeof(long_hash) - 1] = '\0';
	memcpy(long_hash, "$argon2id$", 10);
	cr_assert_eq(dbk_password_verify(long_hash, "password", 8), 0);
}

/* The hash in the demo seed must be one of ours for "demo-password". */
Test(password, demo_seed_hash)
{
	char	 line[512], *start, *end;
	FILE	*fp;
	int	 found = 0;

	fp = fopen("sql/seed/0001_demo.sql", "r");
	cr_assert_not_null(fp, "run from the repository root");
	while (fgets(line, sizeof(line), fp) != NULL) {
		if ((start = strstr(line, "'$argon2id$")) == NULL)
			continue;
		start++;
		cr_assert_not_null(end = strchr(start, '\''));
		*end = '\0';
		cr_assert_eq(dbk_password_verify(start, "demo-password", 13), 1);
		cr_assert_eq(dbk_password_verify(start, "demo-passwore", 13), 0);
		found = 1;
	}
	fclose(fp);
	cr_assert(found, "no argon2id hash in the seed");
}

static int
acceptable(const char *pw)
{
	return (dbk_password_acceptable(pw, strlen(pw)));
}

Test(password, acceptable_length_in_characters)
{
	cr_assert_eq(acceptable(""), 0);
	cr_assert_eq(acceptable("1234567"), 0);
	cr_assert_eq(acceptable("12345678"), 1);
	cr_assert_eq(acceptable("pass word with spaces"), 1);
	/* Four two-byte characters: eight bytes, but four characters. */
	cr_assert_eq(acceptable("\xc3\xa4\xc3\xb6\xc3\xbc\xc3\x9f"), 0);
	/* Eight two-byte characters. */
	cr_assert_eq(acceptable("\xc3\xa4\xc3\xb6\xc3\xbc\xc3\x9f"
	    "\xc3\xa4\xc3\xb6\xc3\xbc\xc3\x9f"), 1);
	/* Emoji (four bytes each). */
	cr_assert_eq(acceptable("\xf0\x9f\x98\x80\xf0\x9f\x98\x80"
	    "\xf0\x9f\x98\x80\xf0\x9f\x98\x80" "abcd"), 1);
}

Test(password, unacceptable_bytes)
{
	char	big[DBK_PASSWORD_MAX_BYTES + 2];

	cr_assert_eq(acceptable("abcdefg\x01"), 0);
	cr_assert_eq(acceptable("abcdefgh\t"), 0);
	cr_assert_eq(acceptable("abcdefgh\x7f"), 0);
	cr_assert_eq(dbk_password_acceptable("abcd\0efgh", 9), 0);
	/* Malformed UTF-8: stray continuation, overlong, surrogate, cut. */
	cr_assert_eq(acceptable("abcdefgh\x80"), 0);
	cr_assert_eq(acceptable("abcdefgh\xc0\xaf"), 0);
	cr_assert_eq(acceptable("abcdefgh\xed\xa0\x80"), 0);
	cr_assert_eq(acceptable("abcdefgh\xe2\x82"), 0);
	cr_assert_eq(acceptable("abcdefgh\xf4\x90\x80\x80"), 0);
	cr_assert_eq(dbk_password_acceptable(NULL, 0), 0);

	memset(big, 'a', sizeof(big));
	cr_assert_eq(dbk_password_acceptable(big, DBK_PASSWORD_MAX_BYTES), 1);
	cr_assert_eq(dbk_password_acceptable(big, DBK_PASSWORD_MAX_BYTES + 1),
	    0);
}
