// SPDX-License-Identifier: GPL-2.0-or-later
#include "ack_coalesce.h"

#include <string.h>

#include "csum.h"
#include "tcp_view.h"

bool ack_coalesce_is_pure_ack(const uint8_t *ip, size_t len, struct ack_key *k)
{
	size_t payload;
	const uint8_t *tcp = tcp_view_ipv4(ip, len, &payload);

	if (!tcp || payload != 0 || (tcp[12] >> 4) != 5 || tcp[13] != TCP_FLAG_ACK)
		return false;
	memcpy(k->addrs, ip + 12, 8);
	memcpy(k->ports, tcp, 4);
	memcpy(k->ack, tcp + 8, 4);
	return true;
}

/* Serial-number order (RFC 1982) of two TCP acknowledgement numbers: 1, 0 or -1. */
static int ack_order(const uint8_t *a, const uint8_t *b)
{
	uint32_t x = (uint32_t)csum_get16(a) << 16 | csum_get16(a + 2);
	uint32_t y = (uint32_t)csum_get16(b) << 16 | csum_get16(b + 2);
	int32_t d = (int32_t)(x - y);

	return d > 0 ? 1 : d < 0 ? -1 : 0;
}

bool ack_coalesce_supersedes(const uint8_t *ip, size_t len, const struct ack_key *k)
{
	size_t payload;
	const uint8_t *tcp = tcp_view_ipv4(ip, len, &payload);
	int order;

	if (!tcp || (tcp[13] & ~TCP_FLAG_PSH) != TCP_FLAG_ACK || memcmp(ip + 12, k->addrs, 8) != 0 ||
	    memcmp(tcp, k->ports, 4) != 0)
		return false;
	order = ack_order(tcp + 8, k->ack);
	/* Data repeats or extends the acknowledgement; a pure ACK must extend it, as two with the
	 * same number would be a duplicate ACK (or a window update) that the guest should see. */
	return payload > 0 ? order >= 0 : order > 0;
}

bool ack_tracker_next(struct ack_tracker *t, const uint8_t *ip, size_t len)
{
	bool redundant = t->armed && ack_coalesce_supersedes(ip, len, &t->key);

	t->armed = ack_coalesce_is_pure_ack(ip, len, &t->key);
	return redundant;
}
