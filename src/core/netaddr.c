/*
 * Addresses, CIDR blocks and the X-Forwarded-For walk: see netaddr.h.
 */

#include <sys/socket.h>

#include <arpa/inet.h>
#include <string.h>

#include "netaddr.h"

static const uint8_t	v4_mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

/* ::ffff:a.b.c.d (and a block of at least /96 there) becomes IPv4. */
static void
unmap(struct dbk_netaddr *a)
{
	if (a->family != AF_INET6 || a->prefix < 96 ||
	    memcmp(a->addr, v4_mapped, sizeof(v4_mapped)) != 0)
		return;
	memmove(a->addr, a->addr + 12, 4);
	memset(a->addr + 4, 0, 12);
	a->family = AF_INET;
	a->prefix -= 96;
}

int
dbk_netaddr_parse(const char *text, size_t len, struct dbk_netaddr *out)
{
	char	buf[DBK_NETADDR_STRLEN];

	while (len > 0 && (*text == ' ' || *text == '\t')) {
		text++;
		len--;
	}
	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	if (len == 0 || len >= sizeof(buf))
		return (-1);
	memcpy(buf, text, len);
	buf[len] = '\0';

	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, buf, out->addr) == 1) {
		out->family = AF_INET;
		out->prefix = 32;
	} else if (inet_pton(AF_INET6, buf, out->addr) == 1) {
		out->family = AF_INET6;
		out->prefix = 128;
	} else
		return (-1);
	unmap(out);
	return (0);
}

int
dbk_netaddr_parse_cidr(const char *text, struct dbk_netaddr *out)
{
	const char	*slash, *p;
	unsigned int	 prefix = 0;

	if ((slash = strchr(text, '/')) == NULL)
		return (dbk_netaddr_parse(text, strlen(text), out));
	if (dbk_netaddr_parse(text, (size_t)(slash - text), out) == -1)
		return (-1);
	/* 1 to 3 digits; the family's limit below. */
	for (p = slash + 1; *p >= '0' && *p <= '9' && p - slash <= 3; p++)
		prefix = prefix * 10 + (unsigned int)(*p - '0');
	if (p == slash + 1 || *p != '\0')
		return (-1);
	/* A mapped address was shortened by 96 bits: so is its prefix. */
	if (out->family == AF_INET && strchr(text, ':') != NULL) {
		if (prefix < 96)
			return (-1);
		prefix -= 96;
	}
	if (prefix > (out->family == AF_INET ? 32U : 128U))
		return (-1);
	out->prefix = prefix;
	return (0);
}

/* Does block net hold addr? */
static int
match(const struct dbk_netaddr *net, const struct dbk_netaddr *addr)
{
	unsigned int	full = net->prefix / 8, rest = net->prefix % 8;
	uint8_t		mask;

	if (net->family != addr->family)
		return (0);
	if (memcmp(net->addr, addr->addr, full) != 0)
		return (0);
	if (rest == 0)
		return (1);
	mask = (uint8_t)(0xff << (8 - rest));
	return ((net->addr[full] & mask) == (addr->addr[full] & mask));
}

int
dbk_netaddr_in(const struct dbk_netaddr *list, size_t n,
    const struct dbk_netaddr *addr)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (match(&list[i], addr))
			return (1);
	}
	return (0);
}

int
dbk_netaddr_forwarded(const char *xff, const struct dbk_netaddr *list,
    size_t n, struct dbk_netaddr *out)
{
	const char	*end, *start;

	end = xff + strlen(xff);
	for (;;) {
		start = end;
		while (start > xff && start[-1] != ',')
			start--;
		if (dbk_netaddr_parse(start, (size_t)(end - start), out) == -1)
			return (0);
		if (!dbk_netaddr_in(list, n, out) || start == xff)
			return (1);
		end = start - 1;
	}
}

void
dbk_netaddr_format(const struct dbk_netaddr *addr, char *out, size_t len)
{
	if (len > 0)
		out[0] = '\0';
	if (inet_ntop(addr->family, addr->addr, out, (socklen_t)len) == NULL &&
	    len > 0)
		out[0] = '\0';
}
