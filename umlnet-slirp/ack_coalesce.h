/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ack_coalesce - spots a pure TCP ACK for the guest that the next segment of the same
 * connection, queued in the same loop turn, makes redundant, so that the SLIP link can drop it.
 *
 * Why: libslirp delays its ACK of guest data and sends the delayed ACKs from a 2 ms timer that
 * it checks before reading its host sockets. In a request/answer exchange the timer therefore
 * often fires in the very turn in which the host's answer arrives, and the guest gets a pure ACK
 * immediately followed by the answer carrying the same acknowledgement: one more packet for the
 * UML kernel to take in on the latency-critical path (about one exchange in eight measured).
 * The answer repeats everything the ACK says (same connection, same ACK number, a window at
 * least as current), so dropping the ACK loses nothing. It is never a duplicate ACK that loss
 * recovery would count: the SLIP stream from the guest neither loses nor reorders.
 * IPv4 only (the SLIP link carries nothing else); segments with options or flags other than ACK
 * (PSH aside) are left alone.
 */
#ifndef UMLNET_SLIRP_ACK_COALESCE_H
#define UMLNET_SLIRP_ACK_COALESCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Who a pure ACK was for and what it acknowledged. */
struct ack_key {
	uint8_t addrs[8];   /* IPv4 source and destination */
	uint8_t ports[4];   /* TCP source and destination */
	uint8_t ack[4];     /* acknowledgement number */
};

/* True if the IPv4 packet ip (len bytes) is a pure ACK: TCP, unfragmented, no options, no
 * payload, only the ACK flag; then *k identifies it. */
bool ack_coalesce_is_pure_ack(const uint8_t *ip, size_t len, struct ack_key *k);

/* True if the IPv4 packet ip (len bytes) carries data on k's connection with k's ACK number,
 * i.e. makes the pure ACK k redundant. */
bool ack_coalesce_supersedes(const uint8_t *ip, size_t len, const struct ack_key *k);

#endif
