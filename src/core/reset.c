/*
 * Password reset tokens and links: see reset.h.
 */

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "reset.h"

void
dbk_reset_token_new(char *hex, uint8_t *hash)
{
	uint8_t	token[DBK_RESET_TOKEN_BYTES];

	randombytes_buf(token, sizeof(token));
	crypto_hash_sha256(hash, token, sizeof(token));
	(void)sodium_bin2hex(hex, DBK_RESET_HEX + 1, token, sizeof(token));
	sodium_memzero(token, sizeof(token));
}

int
dbk_reset_token_hash(const char *hex, size_t len, uint8_t *hash)
{
	uint8_t	token[DBK_RESET_TOKEN_BYTES];
	size_t	i;

	if (len != DBK_RESET_HEX)
		return (-1);
	for (i = 0; i < len; i++) {
		if (!((hex[i] >= '0' && hex[i] <= '9') ||
		    (hex[i] >= 'a' && hex[i] <= 'f')))
			return (-1);
	}
	if (sodium_hex2bin(token, sizeof(token), hex, len, NULL, NULL,
	    NULL) != 0)
		return (-1);
	crypto_hash_sha256(hash, token, sizeof(token));
	sodium_memzero(token, sizeof(token));
	return (0);
}

size_t
dbk_reset_link(const char *base_url, const char *hex, char *out,
    size_t outlen)
{
	size_t	len = strlen(base_url);
	int	n;

	while (len > 0 && base_url[len - 1] == '/')
		len--;
	if (len > DBK_RESET_BASE_MAX)
		len = DBK_RESET_BASE_MAX;
	n = snprintf(out, outlen, "%.*s/password/reset?token=%s", (int)len,
	    base_url, hex);
	if (n < 0)
		return (0);
	return ((size_t)n >= outlen ? outlen - 1 : (size_t)n);
}
