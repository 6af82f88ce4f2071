/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tcp_clamp - caps the TCP windows advertised between libslirp and switch guests.
 *
 * Why: a uml_switch forwards to a datagram socket without waiting, and such a socket queues only
 * net.unix.max_dgram_qlen datagrams (10 by default). libslirp sends a whole window (up to
 * 64 KiB, ~45 frames: it does not negotiate window scaling) in one burst, so most of it is
 * dropped at the guest's socket and libslirp's TCP, with no SACK and a long minimum RTO, crawls.
 * (Our own socket is connected to the switch's, which lifts that limit toward us; toward the
 * classic switch's shared socket it remains: link_switch.h.) Capping the windows both sides
 * advertise keeps every burst within what the receiving queue holds; on a link with a
 * sub-millisecond RTT a small window still carries tens of MiB/s.
 * Only the window field of TCP segments (IPv4, and IPv6 without extension headers) changes, with
 * an incremental checksum update; the SLIP link has flow control and needs none.
 */
#ifndef UMLNET_SLIRP_TCP_CLAMP_H
#define UMLNET_SLIRP_TCP_CLAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Caps the TCP window of an Ethernet frame in place; returns true if it was changed. */
bool tcp_clamp_window(uint8_t *frame, size_t len, uint16_t max_window);

#endif
