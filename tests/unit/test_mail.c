/*
 * Unit tests of the Kore-free parts of password reset by email (issue 6):
 * composing the message (src/core/mailmsg.c) and the reset tokens and links
 * (src/core/reset.c).
 */

#include <string.h>

#include <criterion/criterion.h>
#include <sodium.h>

#include "core/mailmsg.h"
#include "core/reset.h"

static struct dbk_mailmsg
sample(void)
{
	struct dbk_mailmsg	m = {
		.from = "daybook@example.org",
		.to = "ada@example.com",
		.subject = "Reset your daybook password",
		.body = "Hello,\n\nline two \xc3\xa9\n.leading dot\n",
		.date = 1795392000,	/* 2026-11-23 00:00:00 UTC, a Monday */
		.message_id = "abc123@example.org",
	};

	return m;
}

Test(mailmsg, headers_body_and_crlf)
{
	struct dbk_mailmsg	m = sample();
	char			out[DBK_MAIL_MAX];
	size_t			len;

	len = dbk_mailmsg_compose(&m, out, sizeof(out));
	cr_assert_gt(len, 0);
	cr_assert_eq(len, strlen(out));
	cr_assert_str_eq(out,
	    "Date: Mon, 23 Nov 2026 00:00:00 +0000\r\n"
	    "From: daybook@example.org\r\n"
	    "To: ada@example.com\r\n"
	    "Subject: Reset your daybook password\r\n"
	    "Message-ID: <abc123@example.org>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n"
	    "\r\n"
	    "Hello,\r\n"
	    "\r\n"
	    "line two \xc3\xa9\r\n"
	    ".leading dot\r\n");
}

Test(mailmsg, header_injection_refused)
{
	struct dbk_mailmsg	m = sample();
	char			out[DBK_MAIL_MAX];

	m.to = "ada@example.com\r\nBcc: eve@example.com";
	cr_assert_eq(dbk_mailmsg_compose(&m, out, sizeof(out)), 0);
	m = sample();
	m.subject = "Hi\nthere";
	cr_assert_eq(dbk_mailmsg_compose(&m, out, sizeof(out)), 0);
	m = sample();
	m.body = "bare\rcarriage return\n";
	cr_assert_eq(dbk_mailmsg_compose(&m, out, sizeof(out)), 0);
	cr_assert_str_eq(out, "");
}

Test(mailmsg, too_small_or_too_long)
{
	struct dbk_mailmsg	m = sample();
	char			out[DBK_MAIL_MAX], small[64];
	static char		body[DBK_MAIL_LINE_MAX + 3];

	cr_assert_eq(dbk_mailmsg_compose(&m, small, sizeof(small)), 0);
	memset(body, 'x', DBK_MAIL_LINE_MAX + 1);
	body[DBK_MAIL_LINE_MAX + 1] = '\n';
	m.body = body;
	cr_assert_eq(dbk_mailmsg_compose(&m, out, sizeof(out)), 0);
	body[DBK_MAIL_LINE_MAX] = '\n';
	body[DBK_MAIL_LINE_MAX + 1] = '\0';
	cr_assert_gt(dbk_mailmsg_compose(&m, out, sizeof(out)), 0);
}

Test(mailmsg, domain)
{
	cr_assert_str_eq(dbk_mailmsg_domain("a@b.example"), "b.example");
	cr_assert_str_eq(dbk_mailmsg_domain("nothing"), "localhost");
}

Test(reset, token_and_its_hash)
{
	char	hex[DBK_RESET_HEX + 1], hex2[DBK_RESET_HEX + 1];
	uint8_t	hash[DBK_RESET_HASH_BYTES], again[DBK_RESET_HASH_BYTES];
	uint8_t	token[DBK_RESET_TOKEN_BYTES], want[DBK_RESET_HASH_BYTES];

	cr_assert_geq(sodium_init(), 0);
	dbk_reset_token_new(hex, hash);
	cr_assert_eq(strlen(hex), DBK_RESET_HEX);
	cr_assert_eq(dbk_reset_token_hash(hex, strlen(hex), again), 0);
	cr_assert_eq(memcmp(hash, again, sizeof(hash)), 0);
	cr_assert_eq(sodium_hex2bin(token, sizeof(token), hex, strlen(hex),
	    NULL, NULL, NULL), 0);
	crypto_hash_sha256(want, token, sizeof(token));
	cr_assert_eq(memcmp(hash, want, sizeof(hash)), 0);

	dbk_reset_token_new(hex2, again);
	cr_assert_str_neq(hex, hex2);
}

Test(reset, malformed_tokens_refused)
{
	uint8_t	hash[DBK_RESET_HASH_BYTES];
	char	hex[DBK_RESET_HEX + 2];

	memset(hex, 'a', DBK_RESET_HEX);
	hex[DBK_RESET_HEX] = '\0';
	cr_assert_eq(dbk_reset_token_hash(hex, DBK_RESET_HEX, hash), 0);
	cr_assert_eq(dbk_reset_token_hash(hex, DBK_RESET_HEX - 1, hash), -1);
	hex[DBK_RESET_HEX] = 'a';
	cr_assert_eq(dbk_reset_token_hash(hex, DBK_RESET_HEX + 1, hash), -1);
	hex[3] = 'A';
	cr_assert_eq(dbk_reset_token_hash(hex, DBK_RESET_HEX, hash), -1);
	hex[3] = 'g';
	cr_assert_eq(dbk_reset_token_hash(hex, DBK_RESET_HEX, hash), -1);
}

Test(reset, link_from_base_url)
{
	char	link[DBK_RESET_LINK_MAX];

	cr_assert_eq(dbk_reset_link("https://day.example.org//", "ab", link,
	    sizeof(link)), strlen("https://day.example.org/password/reset?"
	    "token=ab"));
	cr_assert_str_eq(link, "https://day.example.org/password/reset?"
	    "token=ab");
	(void)dbk_reset_link("http://h/base", "cd", link, sizeof(link));
	cr_assert_str_eq(link, "http://h/base/password/reset?token=cd");
}
