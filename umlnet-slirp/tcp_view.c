// SPDX-License-Identifier: GPL-2.0-or-later
#include "tcp_view.h"

#include "csum.h"

#define IP_PROTO_TCP 6

const uint8_t *tcp_view_ipv4(const uint8_t *ip, size_t len, size_t *payload)
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
