// SPDX-License-Identifier: GPL-2.0-or-later
#include "tcp_clamp.h"

#include "csum.h"

#define IP_PROTO_TCP 6

/* The TCP header of an IPv4 or IPv6 (no extension headers) frame, with 20 bytes present. */
static uint8_t *tcp_header(uint8_t *frame, size_t len)
{
	uint8_t *ip = frame + 14;

	if (len < 14 + 40)
		return NULL;
	if (frame[12] == 0x08 && frame[13] == 0x00 && (ip[0] >> 4) == 4 && ip[9] == IP_PROTO_TCP) {
		size_t ihl = (size_t)(ip[0] & 0x0f) * 4;

		if (ihl < 20 || len < 14 + ihl + 20 || (csum_get16(ip + 6) & 0x1fff) != 0)
			return NULL;
		return ip + ihl;
	}
	if (frame[12] == 0x86 && frame[13] == 0xdd && len >= 14 + 40 + 20 && ip[6] == IP_PROTO_TCP)
		return ip + 40;
	return NULL;
}

bool tcp_clamp_window(uint8_t *frame, size_t len, uint16_t max_window)
{
	uint8_t *tcp = tcp_header(frame, len);
	uint16_t win;

	if (!tcp)
		return false;
	win = csum_get16(tcp + 14);
	if (win <= max_window)
		return false;
	csum_replace16(tcp + 16, win, max_window);
	csum_put16(tcp + 14, max_window);
	return true;
}
