// SPDX-License-Identifier: GPL-2.0-or-later
#include "dns_redirect.h"

#include <arpa/inet.h>
#include <string.h>

#include "csum.h"

#define IP_PROTO_UDP 17
#define DNS_PORT 53

void dns_redirect_init(struct dns_redirect *r, bool on, struct in_addr server, uint16_t port,
		       struct in_addr alias, struct in_addr host_alias)
{
	memset(r, 0, sizeof(*r));
	r->on = on;
	r->alias = alias;
	r->target = (ntohl(server.s_addr) >> 24) == 127 ? host_alias : server;
	r->target_port = port;
}

/* Where the UDP header of an unfragmented IPv4/UDP packet starts, or 0 for anything else. */
static size_t udp_offset(const uint8_t *ip, size_t len)
{
	size_t ihl;

	if (len < 20 || (ip[0] >> 4) != 4 || ip[9] != IP_PROTO_UDP)
		return 0;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	if (ihl < 20 || len < ihl + 8 || (csum_get16(ip + 6) & 0x3fff) != 0)
		return 0;
	return ihl;
}

/* Replaces the address at ip+off and the port at udp+poff, keeping both checksums right. */
static void rewrite(uint8_t *ip, uint8_t *udp, size_t off, size_t poff, struct in_addr addr,
		    uint16_t port)
{
	uint8_t a[4];
	bool udp_csum = csum_get16(udp + 6) != 0;

	memcpy(a, &addr.s_addr, 4);
	for (size_t i = 0; i < 4; i += 2) {
		uint16_t old = csum_get16(ip + off + i), new = csum_get16(a + i);

		csum_replace16(ip + 10, old, new);
		if (udp_csum)
			csum_replace16(udp + 6, old, new);
		csum_put16(ip + off + i, new);
	}
	if (udp_csum)
		csum_replace16(udp + 6, csum_get16(udp + poff), port);
	csum_put16(udp + poff, port);
	if (udp_csum && csum_get16(udp + 6) == 0)
		csum_put16(udp + 6, 0xffff); /* 0 means "no checksum" in UDP */
}

bool dns_redirect_query(struct dns_redirect *r, uint8_t *ip, size_t len)
{
	size_t off = r->on ? udp_offset(ip, len) : 0;
	uint8_t *udp = ip + off;

	if (!off)
		return false;
	if (memcmp(ip + 16, &r->alias.s_addr, 4) != 0 || csum_get16(udp + 2) != DNS_PORT)
		return false;
	rewrite(ip, udp, 16, 2, r->target, r->target_port);
	r->queries++;
	return true;
}

bool dns_redirect_is_answer(const struct dns_redirect *r, const uint8_t *ip, size_t len)
{
	size_t off = r->on ? udp_offset(ip, len) : 0;

	/* A fragment is no answer: dns_redirect_answer() could not rewrite it. */
	return off && memcmp(ip + 12, &r->target.s_addr, 4) == 0 &&
	       csum_get16(ip + off) == r->target_port;
}

void dns_redirect_answer(struct dns_redirect *r, uint8_t *ip, size_t len)
{
	size_t off = udp_offset(ip, len);

	if (!off)
		return;
	rewrite(ip, ip + off, 12, 0, r->alias, DNS_PORT);
	r->answers++;
}
