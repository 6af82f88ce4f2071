/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ep_slipeth - an Ethernet endpoint over a SLIP byte stream (the slip and slirp transports).
 *
 * Theory of operation: SLIP carries bare IPv4 packets, everything above us sees Ethernet. So:
 *  - frames sent to us: IPv4 → strip the 14-byte header, SLIP-encode, write to the stream;
 *    an ARP request (other than a probe or gratuitous ARP) → answered locally with the peer's
 *    made-up MAC, since every address is reached through the one link; anything else (IPv6, ...)
 *    is dropped and counted. The sender's MAC is remembered as the guest's.
 *  - bytes read from the stream are decoded (lib/slip.h) and each packet gets an Ethernet header
 *    (to the guest's MAC, broadcast before we know it; from the peer's MAC; type IPv4).
 * Decoded packets and ARP answers wait in a fixed ring until recv() hands them out. Our fd is an
 * epoll instance over the stream, an eventfd raised while the ring holds frames, and (only while
 * a partial write is pending) the stream's writability, so the owner's poll on one fd wakes us
 * for all three. A stream write that did not complete keeps its tail and is finished first
 * before anything else is written: the SLIP stream is never cut mid-packet.
 */
#ifndef UMLNET_EP_SLIPETH_H
#define UMLNET_EP_SLIPETH_H

#include "endpoint.h"

typedef void (*ep_slipeth_cleanup_fn)(void *arg);

/* Takes ownership of stream_fd (made non-blocking). cleanup(arg) runs after it is closed. */
int ep_slipeth_new(int stream_fd, const char *kind, const char *desc, ep_slipeth_cleanup_fn cleanup,
		   void *arg, struct endpoint **out);

/* An address hook (endpoint_ops.addr_change) that gets the cleanup arg of ep_slipeth_new(). */
typedef int (*ep_slipeth_addr_fn)(void *arg, bool add, uint32_t addr_be, uint32_t mask_be, char *msg,
				  size_t msglen);

/* Gives the endpoint an addr_change op that calls fn (the slip transport's `uml_net add/del`). */
void ep_slipeth_set_addr_hook(struct endpoint *ep, ep_slipeth_addr_fn fn);

/* The MAC the far side of the SLIP link answers ARP with (locally administered). */
extern const uint8_t ep_slipeth_peer_mac[ETHER_ADDR_LEN];

#endif
