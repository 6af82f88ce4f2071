/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tcp_view - where the TCP header and payload of an IPv4 packet are, for the code that looks at
 * segments on their way between the guest and libslirp without changing them.
 */
#ifndef UMLNET_SLIRP_TCP_VIEW_H
#define UMLNET_SLIRP_TCP_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCP_FLAG_FIN 0x01
#define TCP_FLAG_PSH 0x08
#define TCP_FLAG_ACK 0x10

/* The TCP header of the unfragmented IPv4 packet ip (len bytes), with its payload length in
 * *payload; NULL if ip is anything else or its lengths do not add up. */
const uint8_t *tcp_view_ipv4(const uint8_t *ip, size_t len, size_t *payload);

/* True if the Ethernet frame carries an IPv4 TCP segment with data. */
static inline bool tcp_view_frame_has_data(const uint8_t *frame, size_t len)
{
	size_t payload = 0;

	return len > 14 && frame[12] == 0x08 && frame[13] == 0x00 &&
	       tcp_view_ipv4(frame + 14, len - 14, &payload) && payload > 0;
}

#endif
