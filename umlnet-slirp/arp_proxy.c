// SPDX-License-Identifier: GPL-2.0-or-later
#include "arp_proxy.h"

#include <string.h>

/* Fixed part of an IPv4-over-Ethernet ARP body: htype 1, ptype 0x0800, hlen 6, plen 4. */
static const uint8_t arp_head[6] = { 0x00, 0x01, 0x08, 0x00, 6, 4 };

bool arp_proxy_parse_request(const uint8_t *frame, size_t len, struct arp_who_has *q)
{
	const uint8_t *a = frame + 14;

	if (len < ARP_FRAME_LEN || frame[12] != 0x08 || frame[13] != 0x06)
		return false;
	if (memcmp(a, arp_head, sizeof(arp_head)) != 0 || a[6] != 0 || a[7] != 1)
		return false;
	memcpy(q->sender_mac, a + 8, 6);
	memcpy(q->sender_ip, a + 14, 4);
	memcpy(q->target_ip, a + 24, 4);
	return true;
}

size_t arp_proxy_reply(uint8_t out[ARP_FRAME_LEN], const uint8_t mac[6], const uint8_t ip[4],
		       const uint8_t to_mac[6], const uint8_t to_ip[4])
{
	uint8_t *a = out + 14;

	memcpy(out, to_mac, 6);
	memcpy(out + 6, mac, 6);
	out[12] = 0x08;
	out[13] = 0x06;
	memcpy(a, arp_head, sizeof(arp_head));
	a[6] = 0;
	a[7] = 2;
	memcpy(a + 8, mac, 6);
	memcpy(a + 14, ip, 4);
	memcpy(a + 18, to_mac, 6);
	memcpy(a + 24, to_ip, 4);
	return ARP_FRAME_LEN;
}
