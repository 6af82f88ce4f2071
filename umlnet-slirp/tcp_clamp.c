// SPDX-License-Identifier: GPL-2.0-or-later
#include "tcp_clamp.h"

#include "csum.h"
#include "tcp_view.h"

#define IP_PROTO_TCP 6

/* The TCP header of an IPv4 (tcp_view's rules: unfragmented, lengths consistent; guests send TCP
 * with DF) or IPv6 (no extension headers) frame, with 20 bytes present. */
static uint8_t *tcp_header(uint8_t *frame, size_t len)
{
	uint8_t *ip = frame + 14;
	size_t payload;
	const uint8_t *tcp;

	if (len < 14 + 40)
		return NULL;
	if (frame[12] == 0x08 && frame[13] == 0x00) {
		tcp = tcp_view_ipv4(ip, len - 14, &payload);
		return tcp ? ip + (tcp - ip) : NULL;
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
