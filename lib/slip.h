/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * slip - RFC 1055 SLIP framing as UML's slip and slirp transports use it
 * (doc/slirp-and-slip.md §1): END 0xC0, ESC 0xDB, ESC_END 0xDC, ESC_ESC 0xDD.
 *
 * The encoder always sends a leading END, as the UML kernel does. The decoder is a stream
 * state machine: feed it bytes as they arrive (packets may be split anywhere, escapes too);
 * it hands over each complete packet. Empty packets (back-to-back ENDs) are skipped; a packet
 * longer than SLIP_MTU is dropped whole and counted; after ESC, an unknown byte is kept
 * literally (as the kernel does) and the escape ends there (the kernel keeps it pending).
 */
#ifndef UMLNET_SLIP_H
#define UMLNET_SLIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SLIP_END 0xc0
#define SLIP_ESC 0xdb
#define SLIP_ESC_END 0xdc
#define SLIP_ESC_ESC 0xdd
#define SLIP_MTU 1500
#define SLIP_ENCODED_MAX(n) (2 * (n) + 2)

struct slip_decoder {
	uint8_t buf[SLIP_MTU];
	size_t len;
	bool esc;
	bool overflow;          /* current packet exceeded SLIP_MTU: drop it at its END */
	uint64_t dropped_oversize;
};

typedef void (*slip_packet_fn)(void *arg, const uint8_t *pkt, size_t len);

void slip_decoder_init(struct slip_decoder *d);
/* Consumes n bytes, calling fn for each complete packet; returns the number of packets. */
size_t slip_decode(struct slip_decoder *d, const uint8_t *in, size_t n, slip_packet_fn fn, void *arg);
/* Encodes one packet into out (SLIP_ENCODED_MAX(len) bytes); returns the encoded length. */
size_t slip_encode(const uint8_t *pkt, size_t len, uint8_t *out);

#endif
