/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * csum - big-endian field access and RFC 1624 incremental Internet checksum updates, for the
 * small in-place header rewrites (dns_redirect, tcp_clamp).
 */
#ifndef UMLNET_SLIRP_CSUM_H
#define UMLNET_SLIRP_CSUM_H

#include <stdint.h>

static inline uint16_t csum_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void csum_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Updates the checksum stored at p for one 16-bit word of the covered data changing old → new:
 * HC' = ~(~HC + ~m + m'). */
static inline void csum_replace16(uint8_t *p, uint16_t old, uint16_t new)
{
	uint32_t sum = (uint16_t)~csum_get16(p) + (uint16_t)~old + (uint32_t)new;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	csum_put16(p, (uint16_t)~sum);
}

#endif
