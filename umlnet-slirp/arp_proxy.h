/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arp_proxy - ARP for a link that has none.
 *
 * A SLIP guest has no link layer, but libslirp resolves every IPv4 address it sends to with
 * ARP. The SLIP link therefore answers libslirp's requests itself (every address behind a
 * point-to-point link is the guest) and pre-seeds libslirp's table with an unsolicited reply
 * whenever the guest uses a new source address, so no packet waits for a resolution.
 * Frames are Ethernet + the 28-byte IPv4-over-Ethernet ARP body (RFC 826), 42 bytes.
 */
#ifndef UMLNET_SLIRP_ARP_PROXY_H
#define UMLNET_SLIRP_ARP_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARP_FRAME_LEN 42

struct arp_who_has {
	uint8_t sender_mac[6];
	uint8_t sender_ip[4];
	uint8_t target_ip[4];
};

/* True if frame is an ARP request for an IPv4 address; fills *q. */
bool arp_proxy_parse_request(const uint8_t *frame, size_t len, struct arp_who_has *q);

/* Builds a reply "ip is at mac" addressed to to_mac/to_ip; returns ARP_FRAME_LEN. */
size_t arp_proxy_reply(uint8_t out[ARP_FRAME_LEN], const uint8_t mac[6], const uint8_t ip[4],
		       const uint8_t to_mac[6], const uint8_t to_ip[4]);

#endif
