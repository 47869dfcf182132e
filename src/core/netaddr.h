/*
 * IPv4/IPv6 addresses, CIDR blocks and the X-Forwarded-For walk behind
 * trusted reverse proxies (DAYBOOK_TRUSTED_PROXIES).
 *
 * Pure C, no Kore dependency: shared by the module and the config loader,
 * unit-tested on its own (tests/unit/test_netaddr.c).  IPv4-mapped IPv6
 * addresses (::ffff:a.b.c.d) are stored as IPv4, so either spelling
 * matches either.
 */

#ifndef DBK_NETADDR_H
#define DBK_NETADDR_H

#include <stddef.h>
#include <stdint.h>

/* Longest textual address we read or write (INET6_ADDRSTRLEN). */
#define DBK_NETADDR_STRLEN	46

struct dbk_netaddr {
	int		family;		/* AF_INET or AF_INET6 */
	uint8_t		addr[16];	/* network order; 4 used for IPv4 */
	unsigned int	prefix;		/* 0-32 or 0-128; full for an address */
};

/*
 * Parse the len bytes at text as one plain address (no brackets, port or
 * prefix; surrounding spaces and tabs are ignored).  Returns 0 and fills
 * *out with the full prefix, or -1.
 */
int	dbk_netaddr_parse(const char *text, size_t len,
	    struct dbk_netaddr *out);

/* Parse "address" or "address/prefix" (NUL-terminated).  0 or -1. */
int	dbk_netaddr_parse_cidr(const char *text, struct dbk_netaddr *out);

/* Is addr inside one of the n blocks of list?  1 or 0. */
int	dbk_netaddr_in(const struct dbk_netaddr *list, size_t n,
	    const struct dbk_netaddr *addr);

/*
 * The client behind trusted proxies, from an X-Forwarded-For value: walk
 * its comma-separated entries from the right, skip those in list, and
 * return 1 with *out = the first one that is not.  When every entry is in
 * list, *out = the leftmost (the chain is all trusted; it started there).
 * Returns 0 (use the peer) when an entry met on the walk is not a plain
 * address, or the value has no entry.
 */
int	dbk_netaddr_forwarded(const char *xff, const struct dbk_netaddr *list,
	    size_t n, struct dbk_netaddr *out);

/* Write addr (without prefix) to out; "" if it does not fit. */
void	dbk_netaddr_format(const struct dbk_netaddr *addr, char *out,
	    size_t len);

#endif
