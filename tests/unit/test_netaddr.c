/*
 * Unit tests for src/core/netaddr.c: addresses and CIDR blocks (IPv4, IPv6,
 * IPv4-mapped IPv6), matching, and the X-Forwarded-For walk behind
 * trusted proxies.
 */

#include <sys/socket.h>

#include <stdarg.h>
#include <string.h>

#include <criterion/criterion.h>

#include "core/netaddr.h"

#define NBLOCKS	8

static struct dbk_netaddr	blocks[NBLOCKS];
static size_t			nblocks;

/* Trust the blocks named in the NULL-terminated list. */
static void
trust(const char *first, ...)
{
	const char	*s;
	va_list		 ap;

	nblocks = 0;
	va_start(ap, first);
	for (s = first; s != NULL; s = va_arg(ap, const char *)) {
		cr_assert_lt(nblocks, NBLOCKS);
		cr_assert_eq(dbk_netaddr_parse_cidr(s, &blocks[nblocks]), 0,
		    "%s", s);
		nblocks++;
	}
	va_end(ap);
}

static int
in(const char *addr)
{
	struct dbk_netaddr	a;

	cr_assert_eq(dbk_netaddr_parse(addr, strlen(addr), &a), 0, "%s", addr);
	return dbk_netaddr_in(blocks, nblocks, &a);
}

/* The client dbk_netaddr_forwarded() finds in xff, or "" for the peer. */
static const char *
client(const char *xff)
{
	static char		out[DBK_NETADDR_STRLEN];
	struct dbk_netaddr	a;

	if (!dbk_netaddr_forwarded(xff, blocks, nblocks, &a))
		return "";
	dbk_netaddr_format(&a, out, sizeof(out));
	return out;
}

Test(netaddr, parses_addresses)
{
	struct dbk_netaddr	a;
	char			out[DBK_NETADDR_STRLEN];

	cr_assert_eq(dbk_netaddr_parse("192.0.2.1", 9, &a), 0);
	cr_assert_eq(a.family, AF_INET);
	cr_assert_eq(a.prefix, 32);
	cr_assert_eq(dbk_netaddr_parse(" \t2001:DB8::1 ", 14, &a), 0);
	cr_assert_eq(a.family, AF_INET6);
	cr_assert_eq(a.prefix, 128);
	dbk_netaddr_format(&a, out, sizeof(out));
	cr_assert_str_eq(out, "2001:db8::1");
	/* Only len bytes are read. */
	cr_assert_eq(dbk_netaddr_parse("10.0.0.12345", 8, &a), 0);
	dbk_netaddr_format(&a, out, sizeof(out));
	cr_assert_str_eq(out, "10.0.0.1");
	/* IPv4-mapped IPv6 is IPv4. */
	cr_assert_eq(dbk_netaddr_parse("::ffff:198.51.100.9", 19, &a), 0);
	cr_assert_eq(a.family, AF_INET);
	cr_assert_eq(a.prefix, 32);
	dbk_netaddr_format(&a, out, sizeof(out));
	cr_assert_str_eq(out, "198.51.100.9");
	/* Too small a buffer: empty. */
	dbk_netaddr_format(&a, out, 4);
	cr_assert_str_eq(out, "");
}

Test(netaddr, rejects_garbage)
{
	static const char	*bad[] = {
		"", "   ", "unknown", "1.2.3", "1.2.3.4.5", "256.1.1.1",
		"1.2.3.4:80", "[2001:db8::1]", "[2001:db8::1]:443",
		"2001:db8:::1", "1.2.3.4/32", "1 .2.3.4", "0x7f.0.0.1",
		"::ffff:1.2.3.4.5", "_gateway", "1.2.3.4 5.6.7.8",
		"1111:2222:3333:4444:5555:6666:7777:8888:9999",
	};
	struct dbk_netaddr	 a;
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(dbk_netaddr_parse(bad[i], strlen(bad[i]), &a), -1,
		    "\"%s\" accepted", bad[i]);
}

Test(netaddr, parses_blocks)
{
	static const char	*bad[] = {
		"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/+8",
		"10.0.0.0/8/8", "10.0.0.0/0008", "10.0.0.0/8 ", "/8",
		"2001:db8::/129", "2001:db8::/1000", "::ffff:10.0.0.0/95",
		"::ffff:10.0.0.0/129", "10.0.0.0/a", "garbage/8",
	};
	struct dbk_netaddr	 a;
	size_t			 i;

	cr_assert_eq(dbk_netaddr_parse_cidr("10.0.0.0/8", &a), 0);
	cr_assert_eq(a.family, AF_INET);
	cr_assert_eq(a.prefix, 8);
	cr_assert_eq(dbk_netaddr_parse_cidr("0.0.0.0/0", &a), 0);
	cr_assert_eq(a.prefix, 0);
	cr_assert_eq(dbk_netaddr_parse_cidr("2001:db8::/32", &a), 0);
	cr_assert_eq(a.family, AF_INET6);
	cr_assert_eq(a.prefix, 32);
	cr_assert_eq(dbk_netaddr_parse_cidr("::/0", &a), 0);
	cr_assert_eq(a.prefix, 0);
	cr_assert_eq(dbk_netaddr_parse_cidr("fd00::1", &a), 0);
	cr_assert_eq(a.prefix, 128);
	/* A mapped block is the IPv4 block 96 bits shorter. */
	cr_assert_eq(dbk_netaddr_parse_cidr("::ffff:10.1.0.0/112", &a), 0);
	cr_assert_eq(a.family, AF_INET);
	cr_assert_eq(a.prefix, 16);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(dbk_netaddr_parse_cidr(bad[i], &a), -1,
		    "\"%s\" accepted", bad[i]);
}

Test(netaddr, matches_ipv4_prefixes)
{
	trust("10.0.0.0/8", "192.168.1.128/25", "203.0.113.7/32",
	    "172.16.0.0/12", NULL);
	cr_assert(in("10.255.255.255"));
	cr_assert_not(in("11.0.0.0"));
	cr_assert(in("192.168.1.128"));
	cr_assert(in("192.168.1.255"));
	cr_assert_not(in("192.168.1.127"));
	cr_assert(in("203.0.113.7"));
	cr_assert_not(in("203.0.113.6"));
	cr_assert(in("172.31.200.1"));
	cr_assert_not(in("172.32.0.1"));
	/* An IPv4 block holds the mapped spelling, never other IPv6. */
	cr_assert(in("::ffff:10.2.3.4"));
	cr_assert_not(in("::a02:304"));
	cr_assert_not(in("2001:db8::1"));

	trust("0.0.0.0/0", NULL);
	cr_assert(in("198.51.100.1"));
	cr_assert_not(in("::1"));
	/* Host bits in a block are ignored. */
	trust("10.9.8.7/8", NULL);
	cr_assert(in("10.1.1.1"));
	trust(NULL);
	cr_assert_not(in("127.0.0.1"));
}

Test(netaddr, matches_ipv6_prefixes)
{
	trust("2001:db8::/32", "fd00:1:2:3::/63", "::1", NULL);
	cr_assert(in("2001:db8:ffff::1"));
	cr_assert_not(in("2001:db9::1"));
	cr_assert(in("fd00:1:2:2::5"));
	cr_assert(in("fd00:1:2:3:ffff::5"));
	cr_assert_not(in("fd00:1:2:4::"));
	cr_assert(in("::1"));
	cr_assert_not(in("::2"));
	cr_assert_not(in("127.0.0.1"));

	trust("::/0", NULL);
	cr_assert(in("fe80::1"));
	cr_assert_not(in("10.0.0.1"));
	trust("::ffff:192.0.2.0/120", NULL);
	cr_assert(in("192.0.2.200"));
	cr_assert(in("::ffff:192.0.2.1"));
	cr_assert_not(in("192.0.3.1"));
}

Test(netaddr, forwarded_takes_the_rightmost_untrusted)
{
	trust("10.0.0.0/8", "2001:db8::/32", NULL);
	cr_assert_str_eq(client("203.0.113.7"), "203.0.113.7");
	cr_assert_str_eq(client("198.51.100.1, 203.0.113.7"), "203.0.113.7");
	cr_assert_str_eq(client("198.51.100.1, 203.0.113.7, 10.1.1.1"),
	    "203.0.113.7");
	cr_assert_str_eq(client("203.0.113.7,10.1.1.1,2001:db8::5"),
	    "203.0.113.7");
	cr_assert_str_eq(client("  2001:db8::9 ,\t2001:db9::1 , 10.0.0.2  "),
	    "2001:db9::1");
	cr_assert_str_eq(client("::ffff:203.0.113.9, 10.0.0.3"),
	    "203.0.113.9");
	/* What a client wrote left of the untrusted entry does not matter. */
	cr_assert_str_eq(client("garbage, 1.1.1.1, 203.0.113.7"),
	    "203.0.113.7");
	cr_assert_str_eq(client(",,unknown, 203.0.113.7"), "203.0.113.7");
}

Test(netaddr, forwarded_all_trusted_takes_the_leftmost)
{
	trust("10.0.0.0/8", NULL);
	cr_assert_str_eq(client("10.0.0.5, 10.0.0.6, 10.0.0.7"), "10.0.0.5");
	cr_assert_str_eq(client(" 10.0.0.9 "), "10.0.0.9");
}

Test(netaddr, forwarded_malformed_falls_back_to_the_peer)
{
	trust("10.0.0.0/8", NULL);
	cr_assert_str_eq(client(""), "");
	cr_assert_str_eq(client("   "), "");
	cr_assert_str_eq(client(","), "");
	cr_assert_str_eq(client("203.0.113.7,"), "");
	cr_assert_str_eq(client("203.0.113.7, unknown"), "");
	cr_assert_str_eq(client("203.0.113.7, 10.0.0.1, 10.0.0.2:8080"), "");
	cr_assert_str_eq(client("203.0.113.7, , 10.0.0.1"), "");
	cr_assert_str_eq(client("[2001:db8::1]"), "");
	cr_assert_str_eq(client("203.0.113.7 10.0.0.1"), "");
	cr_assert_str_eq(client("garbage, 10.0.0.1"), "");
}
