/*
 * daybook passwords: argon2id hashes through libsodium.
 *
 * Shared by the Kore module and daybook-admin.  Hashing is deliberately slow
 * (about 19 MiB and two passes): never call it on a Kore worker's event loop.
 */

#ifndef DBK_PASSWORD_H
#define DBK_PASSWORD_H

#include <stddef.h>

/* Room for a hash string including its NUL (crypto_pwhash_STRBYTES). */
#define DBK_PASSWORD_HASH_MAX	128
/* Shortest acceptable password, in characters (UTF-8 code points). */
#define DBK_PASSWORD_MIN_CHARS	8
/* Longest acceptable password, in bytes. */
#define DBK_PASSWORD_MAX_BYTES	1024

/*
 * Hash the len bytes at pw into out (outlen >= DBK_PASSWORD_HASH_MAX) as a
 * NUL-terminated "$argon2id$..." string.  Returns 0, or -1 (out too small,
 * libsodium unavailable, out of memory).
 */
int	dbk_password_hash(const char *pw, size_t len, char *out, size_t outlen);

/*
 * Check the len bytes at pw against a stored hash string.  Returns 1 when
 * they match, 0 otherwise (including a NULL or malformed hash).
 */
int	dbk_password_verify(const char *hash, const char *pw, size_t len);

/*
 * Returns 1 when pw may be used as a new password: valid UTF-8 without NUL
 * or other control characters, at least DBK_PASSWORD_MIN_CHARS characters,
 * at most DBK_PASSWORD_MAX_BYTES bytes; 0 otherwise.
 */
int	dbk_password_acceptable(const char *pw, size_t len);

#endif
