// SPDX-License-Identifier: GPL-2.0-or-later
#include "ack_coalesce.h"

#include <string.h>

#include "csum.h"
#include "tcp_view.h"

/* The checks below take the packet already parsed (tcp_view_ipv4), so that the tracker parses
 * each packet on the output path once. */

static bool pure_ack(const uint8_t *ip, const uint8_t *tcp, size_t payload, struct ack_key *k)
{
	if (payload != 0 || (tcp[12] >> 4) != 5 || tcp[13] != TCP_FLAG_ACK)
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

static bool supersedes(const uint8_t *ip, const uint8_t *tcp, size_t payload,
		       const struct ack_key *k)
{
	int order;

	if ((tcp[13] & ~TCP_FLAG_PSH) != TCP_FLAG_ACK || memcmp(ip + 12, k->addrs, 8) != 0 ||
	    memcmp(tcp, k->ports, 4) != 0)
		return false;
	order = ack_order(tcp + 8, k->ack);
	/* Data repeats or extends the acknowledgement; a pure ACK must extend it, as two with the
	 * same number would be a duplicate ACK (or a window update) that the guest should see. */
	return payload > 0 ? order >= 0 : order > 0;
}

bool ack_coalesce_is_pure_ack(const uint8_t *ip, size_t len, struct ack_key *k)
{
	size_t payload;
	const uint8_t *tcp = tcp_view_ipv4(ip, len, &payload);

	return tcp && pure_ack(ip, tcp, payload, k);
}

bool ack_coalesce_supersedes(const uint8_t *ip, size_t len, const struct ack_key *k)
{
	size_t payload;
	const uint8_t *tcp = tcp_view_ipv4(ip, len, &payload);

	return tcp && supersedes(ip, tcp, payload, k);
}

bool ack_tracker_next(struct ack_tracker *t, const uint8_t *ip, size_t len)
{
	size_t payload;
	const uint8_t *tcp = tcp_view_ipv4(ip, len, &payload);
	bool redundant = tcp && t->armed && supersedes(ip, tcp, payload, &t->key);

	t->armed = tcp && pure_ack(ip, tcp, payload, &t->key);
	return redundant;
}
