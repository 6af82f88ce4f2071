/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ether - Ethernet frame facts and MAC address text.
 *
 * Frames on every UML transport are bare Ethernet: destination, source, type, payload; no FCS,
 * no padding (doc/transports.md §1.6). The largest a switch passes is 1518 bytes: 1514 at MTU 1500
 * plus one 802.1Q tag.
 */
#ifndef UMLNET_ETHER_H
#define UMLNET_ETHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ETHER_ADDR_LEN 6
#define ETHER_HDR_LEN 14
#define ETHER_FRAME_MAX 1518
#define MAC_TEXT_LEN 18 /* "xx:xx:xx:xx:xx:xx" + NUL */

static inline const uint8_t *ether_dst(const uint8_t *frame)
{
	return frame;
}

static inline const uint8_t *ether_src(const uint8_t *frame)
{
	return frame + ETHER_ADDR_LEN;
}

/* Broadcast and multicast addresses have the group bit: the low bit of the first byte. */
static inline bool mac_is_group(const uint8_t *mac)
{
	return mac[0] & 1;
}

/* Formats mac as lower-case xx:xx:xx:xx:xx:xx into out (MAC_TEXT_LEN bytes); returns out. */
char *mac_format(const uint8_t mac[ETHER_ADDR_LEN], char out[MAC_TEXT_LEN]);

/* Parses exactly six ':'-separated hex bytes (1 or 2 digits each). Returns 0 or -EINVAL. */
int mac_parse(const char *text, uint8_t mac[ETHER_ADDR_LEN]);

#endif
