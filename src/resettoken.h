/*
 * One-time password reset links, shared by `daybook-admin reset-password`
 * and the account form of /admin: a random 32-byte token goes into the
 * link $DAYBOOK_BASE_URL/password/reset?token=HEX; only its SHA-256 is
 * stored, in password_resets, valid DBK_RESET_MINUTES.  Pure C (libsodium,
 * no Kore).
 */

#ifndef DBK_RESETTOKEN_H
#define DBK_RESETTOKEN_H

#include <stddef.h>

#define DBK_RESET_TOKEN_LEN	32
#define DBK_RESET_HASH_LEN	32
#define DBK_RESET_HEX_LEN	(DBK_RESET_TOKEN_LEN * 2)
#define DBK_RESET_MINUTES	30
/* Room for a link: the base URL is cut at 4096 bytes. */
#define DBK_RESET_LINK_MAX	(4096 + 32 + DBK_RESET_HEX_LEN)

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
 * A new token: its hex (DBK_RESET_HEX_LEN + 1 bytes) for the link and its
 * SHA-256 (DBK_RESET_HASH_LEN bytes) to store.  The caller wipes hex once
 * it is shown.  libsodium must be initialised.
 */
void	dbk_reset_token_new(char *hex, unsigned char *hash);

/*
 * The link for hex under base_url (trailing slashes dropped) into out
 * (DBK_RESET_LINK_MAX bytes).
 */
void	dbk_reset_link(char *out, size_t outlen, const char *base_url,
	    const char *hex);

#endif
