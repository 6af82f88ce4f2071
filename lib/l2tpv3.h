/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * l2tpv3 - the data header of UML's static L2TPv3 pseudowire (doc/vector-transports.md §7): pure
 * functions that write and check it, no sockets (ep_l2tpv3.c does the I/O).
 *
 * Theory of operation. There is no control channel: both ends are configured with the same
 * layout, and the receiver strips a FIXED header length computed from its own options. The
 * header, all fields big-endian, follows the outer UDP header (udp=1) or the outer IP header
 * (IP protocol 115):
 *
 *   offset  size    field
 *   0       4       flags/version + reserved: 00 03 00 00 (UDP mode only; not checked)
 *   0/4     4       session id: tx_session on send; must equal rx_session on receive
 *   +4      0/4/8   cookie: tx_cookie on send; must equal rx_cookie (same width) on receive
 *   +c      0/4     counter: 1, 2, 3... incremented before each send, 0 when pinned (not checked)
 *   then    rest    a bare Ethernet frame
 *
 * So a header is 8..20 bytes in UDP mode and 4..16 in IP mode. A raw IPv4 socket hands us the
 * outer IPv4 header too: the kernel's UML assumes it is 20 bytes; we skip it by its real IHL,
 * so a peer that sends IP options still works. IPv6 raw sockets deliver no IP header.
 *
 * Receiving is scattered by recvmmsg into a small prefix buffer (the expected headers) and the
 * frame buffer, so that the frame lands where the owner wants it with no copy; l2tpv3_rx()
 * checks such a two-piece message and, in the rare case of IPv4 options, moves the frame back
 * to the start of its buffer.
 */
#ifndef UMLNET_L2TPV3_H
#define UMLNET_L2TPV3_H

#include "transport_spec.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define L2TPV3_IPPROTO 115      /* IANA: L2TP over IP */
#define L2TPV3_HDR_MAX 20       /* flags + session + 8-byte cookie + counter */
#define L2TPV3_IP4_HDR_MIN 20   /* an IPv4 header without options */
#define L2TPV3_IP4_HDR_MAX 60   /* IHL 15 */
#define L2TPV3_RX_PREFIX_MAX (L2TPV3_IP4_HDR_MIN + L2TPV3_HDR_MAX - 4) /* IP mode has no flags */
#define L2TPV3_FLAGS_DATA 0x00030000u /* T=0 (data), version 3 */

struct l2tpv3 {
	bool udp;            /* the 4-byte flags word leads the header */
	bool ip4_outer;      /* received messages start with an IPv4 header (raw IPv4 socket) */
	bool counter;        /* a counter word follows the cookie */
	bool pin_counter;    /* ... and it is always 0 */
	uint8_t cookie_len;  /* 0, 4 or 8 */
	uint32_t rx_session, tx_session;
	uint64_t rx_cookie, tx_cookie;
	uint32_t seq;        /* the last counter value sent */
};

/* Why a received message was not delivered; L2TPV3_OK (0) = deliver. */
enum l2tpv3_verdict {
	L2TPV3_OK,
	L2TPV3_SHORT,    /* shorter than the headers plus an Ethernet header */
	L2TPV3_BAD_IP,   /* the outer IPv4 header is malformed (IP mode over IPv4) */
	L2TPV3_SESSION,  /* session id differs from rx_session */
	L2TPV3_COOKIE,   /* cookie differs from rx_cookie */
	L2TPV3_VERDICTS,
};

/* Sets l up from a parsed l2tpv3 spec (this end's view: rx_* is what we accept). */
void l2tpv3_init(struct l2tpv3 *l, const struct vector_spec *v);

/* Bytes of L2TPv3 header on the wire (4..20). */
size_t l2tpv3_hdr_len(const struct l2tpv3 *l);

/* Bytes that precede the frame in a received message when the outer IPv4 header (if any) has
 * no options: what recvmmsg should scatter into the prefix buffer. */
size_t l2tpv3_rx_prefix(const struct l2tpv3 *l);

/* Writes the header for the next frame into hdr (l2tpv3_hdr_len() bytes) and advances the
 * counter. Returns the header length. */
size_t l2tpv3_form(struct l2tpv3 *l, uint8_t *hdr);

/* Takes back the counter values of n formed headers that were never sent, so the peer sees no
 * gap (UML does not check the counter; a capture reads better). */
void l2tpv3_unform(struct l2tpv3 *l, unsigned int n);

/* Checks the header at pkt; len counts the bytes from pkt to the end of the message. Reads at
 * most l2tpv3_hdr_len() bytes, and none if len is too short. */
enum l2tpv3_verdict l2tpv3_verify(const struct l2tpv3 *l, const uint8_t *pkt, size_t len);

/* Length of the IPv4 header at pkt by its IHL (20..60), or -EINVAL if pkt (len bytes) does not
 * start with a whole IPv4 header. */
int l2tpv3_ip4_hdr_len(const uint8_t *pkt, size_t len);

/* One received message of msg_len bytes, scattered as its first plen bytes in prefix
 * (plen = l2tpv3_rx_prefix(l)) and the rest in data, which has room for cap bytes. Checks it
 * and leaves the frame at data[0] with *frame_len set; a *frame_len above cap means the frame
 * was cut (the owner counts it as oversize). */
enum l2tpv3_verdict l2tpv3_rx(const struct l2tpv3 *l, const uint8_t *prefix, size_t plen,
			      uint8_t *data, size_t cap, size_t msg_len, size_t *frame_len);

/* A verdict's name for counters ("session", "cookie", ...). */
const char *l2tpv3_verdict_name(enum l2tpv3_verdict v);

#endif
