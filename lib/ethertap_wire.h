/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ethertap_wire - the UML kernel's ethertap address-change message (doc/helper-protocol.md §2),
 * written by the transport on uml_net's control stream and read there by uml_net.
 *
 * 12 bytes, no padding: what (int32, host byte order: 0 = add, 1 = delete), then the address
 * and the netmask, 4 bytes each in network byte order. The kernel sends a native int for what;
 * every Linux ABI UML runs on has a 4-byte int.
 */
#ifndef UMLNET_ETHERTAP_WIRE_H
#define UMLNET_ETHERTAP_WIRE_H

#include <stdint.h>

#define ETHERTAP_CHANGE_ADD 0
#define ETHERTAP_CHANGE_DEL 1

struct ethertap_change {
	int32_t what;
	uint8_t addr[4];
	uint8_t mask[4];
};
_Static_assert(sizeof(struct ethertap_change) == 12, "the kernel's change message is 12 bytes");

#endif
