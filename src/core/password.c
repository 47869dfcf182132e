/*
 * daybook passwords: see password.h.
 */

#include <string.h>

#include <sodium.h>

#include "password.h"

#define PW_OPSLIMIT	2ULL
#define PW_MEMLIMIT	((size_t)19 * 1024 * 1024)

int
dbk_password_hash(const char *pw, size_t len, char *out, size_t outlen)
{
	if (pw == NULL || out == NULL || outlen < crypto_pwhash_STRBYTES)
		return (-1);
	if (sodium_init() < 0)
		return (-1);
	if (crypto_pwhash_str_alg(out, pw, len, PW_OPSLIMIT, PW_MEMLIMIT,
	    crypto_pwhash_ALG_ARGON2ID13) != 0)
		return (-1);
	return (0);
}

int
dbk_password_verify(const char *hash, const char *pw, size_t len)
{
	if (hash == NULL || pw == NULL)
		return (0);
	/* libsodium reads up to the NUL; refuse anything longer than a hash. */
	if (memchr(hash, '\0', crypto_pwhash_STRBYTES) == NULL)
		return (0);
	if (strncmp(hash, crypto_pwhash_argon2id_STRPREFIX,
	    strlen(crypto_pwhash_argon2id_STRPREFIX)) != 0)
		return (0);
	if (sodium_init() < 0)
		return (0);
	return (crypto_pwhash_str_verify(hash, pw, len) == 0);
}

/*
 * Length in bytes of the UTF-8 sequence starting at s (at most left bytes),
 * or 0 when it is malformed, overlong, a surrogate or above U+10FFFF.
 */
static size_t
utf8_sequence(const unsigned char *s, size_t left)
{
	unsigned long	cp;
	size_t		n, i;

	if (s[0] < 0x80)
		return (1);
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else
		return (0);
	if (n > left)
		return (0);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return (0);
	return (n);
}

int
dbk_password_acceptable(const char *pw, size_t len)
{
	const unsigned char	*s = (const unsigned char *)pw;
	size_t			 i = 0, n, chars = 0;

	if (pw == NULL || len > DBK_PASSWORD_MAX_BYTES)
		return (0);
	while (i < len) {
		if (s[i] < 0x20 || s[i] == 0x7f)
			return (0);
		if ((n = utf8_sequence(s + i, len - i)) == 0)
			return (0);
		i += n;
		chars++;
	}
	return (chars >= DBK_PASSWORD_MIN_CHARS);
}
