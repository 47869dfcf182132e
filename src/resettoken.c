/*
 * One-time password reset links; see resettoken.h.
 */

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "resettoken.h"

void
dbk_reset_token_new(char *hex, unsigned char *hash)
{
	unsigned char	token[DBK_RESET_TOKEN_LEN];

	randombytes_buf(token, sizeof(token));
	crypto_hash_sha256(hash, token, sizeof(token));
	(void)sodium_bin2hex(hex, DBK_RESET_HEX_LEN + 1, token, sizeof(token));
	sodium_memzero(token, sizeof(token));
}

void
dbk_reset_link(char *out, size_t outlen, const char *base_url,
    const char *hex)
{
	size_t	len = strlen(base_url);

	while (len > 0 && base_url[len - 1] == '/')
		len--;
	if (len > 4096)
		len = 4096;
	(void)snprintf(out, outlen, "%.*s/password/reset?token=%s", (int)len,
	    base_url, hex);
}
