// SPDX-License-Identifier: GPL-2.0-or-later
#include "ack_coalesce.h"

#include <string.h>

#include "csum.h"

#define IP_PROTO_TCP 6
#define TCP_FLAG_ACK 0x10
#define TCP_FLAG_PSH 0x08

/* The TCP header of an unfragmented IPv4 packet and its payload length, or NULL. */
static const uint8_t *ack_tcp(const uint8_t *ip, size_t len, size_t *payload)
{
	size_t ihl, tot, doff;

	if (len < 40 || (ip[0] >> 4) != 4 || ip[9] != IP_PROTO_TCP)
		return NULL;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	tot = csum_get16(ip + 2);
	if (ihl < 20 || tot > len || tot < ihl + 20 || (csum_get16(ip + 6) & 0x3fff) != 0)
		return NULL;
	doff = (size_t)(ip[ihl + 12] >> 4) * 4;
	if (doff < 20 || tot < ihl + doff)
		return NULL;
	*payload = tot - ihl - doff;
	return ip + ihl;
}

bool ack_coalesce_is_pure_ack(const uint8_t *ip, size_t len, struct ack_key *k)
{
	size_t payload;
	const uint8_t *tcp = ack_tcp(ip, len, &payload);

	if (!tcp || payload != 0 || (tcp[12] >> 4) != 5 || tcp[13] != TCP_FLAG_ACK)
		return false;
	memcpy(k->addrs, ip + 12, 8);
	memcpy(k->ports, tcp, 4);
	memcpy(k->ack, tcp + 8, 4);
	return true;
}

bool ack_coalesce_supersedes(const uint8_t *ip, size_t len, const struct ack_key *k)
{
	size_t payload;
	const uint8_t *tcp = ack_tcp(ip, len, &payload);

	return tcp && payload > 0 && (tcp[13] & ~TCP_FLAG_PSH) == TCP_FLAG_ACK &&
	       memcmp(ip + 12, k->addrs, 8) == 0 && memcmp(tcp, k->ports, 4) == 0 &&
	       memcmp(tcp + 8, k->ack, 4) == 0;
}
