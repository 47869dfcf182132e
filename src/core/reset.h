/*
 * Password reset links: a random token of DBK_RESET_TOKEN_BYTES bytes, of
 * which only the SHA-256 is stored (password_resets.token_hash), valid
 * DBK_RESET_MINUTES, usable once.  The link is
 * DAYBOOK_BASE_URL/password/reset?token=<64 lowercase hex digits>.
 *
 * No Kore dependency: shared by the module (/password/forgot and
 * /password/reset) and daybook-admin (reset-password).
 */

#ifndef DBK_RESET_H
#define DBK_RESET_H

#include <stddef.h>
#include <stdint.h>

#define DBK_RESET_TOKEN_BYTES	32
#define DBK_RESET_HASH_BYTES	32
#define DBK_RESET_HEX		(DBK_RESET_TOKEN_BYTES * 2)
#define DBK_RESET_MINUTES	30
/* Room for a link: the base URL is cut at DBK_RESET_BASE_MAX bytes. */
#define DBK_RESET_BASE_MAX	1024
#define DBK_RESET_LINK_MAX	(DBK_RESET_BASE_MAX + 32 + DBK_RESET_HEX)

/* Voids the unused links of an account (param: the user id). */
#define DBK_RESET_VOID_SQL \
	"DELETE FROM password_resets WHERE user_id = ? AND used_at IS NULL"
/*
 * Stores a link: params the hash, then (unless uid is an SQL expression
 * such as a variable) the user id, then DBK_RESET_MINUTES.
 */
#define DBK_RESET_ADD_SQL(uid) \
	"INSERT INTO password_resets (token_hash, user_id, created_at, " \
	"expires_at) VALUES (?, " uid ", UTC_TIMESTAMP(6), " \
	"UTC_TIMESTAMP(6) + INTERVAL ? MINUTE)"

/*
 * A new random token: hex gets its DBK_RESET_HEX digits and a NUL, hash
 * its SHA-256.  libsodium must be initialised.
 */
void	dbk_reset_token_new(char *hex, uint8_t *hash);

/*
 * The SHA-256 of the token written as hex (len bytes) into hash.  Returns
 * 0, or -1 when hex is not exactly DBK_RESET_HEX lowercase hex digits.
 */
int	dbk_reset_token_hash(const char *hex, size_t len, uint8_t *hash);

/*
 * The link for hex into out (DBK_RESET_LINK_MAX bytes): base_url without
 * its trailing slashes, then /password/reset?token=hex.  Returns its
 * length.
 */
size_t	dbk_reset_link(const char *base_url, const char *hex, char *out,
	    size_t outlen);

#endif
