/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * link_slip - the UML slirp transport: SLIP on stdin/stdout (one AF_UNIX stream socket that the
 * kernel put on both fds), bridged to libslirp's Ethernet side.
 *
 * Guest → libslirp: decoded SLIP packets must be IPv4 (the kernel cannot send anything else);
 * each gets an Ethernet header from the fixed guest MAC to libslirp's MAC. libslirp → guest:
 * IPv4 frames lose their Ethernet header and are SLIP-encoded into an output buffer written once
 * per loop turn (a pure ACK that the next queued segment of its connection makes redundant is
 * taken back: ack_coalesce.h);
 * ARP requests are answered (arp_proxy.h); anything else (IPv6, which SLIP cannot
 * carry) is dropped and counted. If the guest stops reading and the buffer fills, packets are
 * dropped and counted (TCP retransmits) rather than blocking the loop.
 * EOF on stdin means the kernel closed the interface: the program must exit at once, because
 * the UML waits for it (doc/slirp-and-slip.md §3.1).
 */
#ifndef UMLNET_SLIRP_LINK_SLIP_H
#define UMLNET_SLIRP_LINK_SLIP_H

#include "ack_coalesce.h"
#include "arp_proxy.h"
#include "gateway.h"
#include "slip.h"

#define LINK_SLIP_OUT_CAP (512 * 1024)
#define LINK_SLIP_IN_CHUNK 65536
#define LINK_SLIP_READS_PER_TURN 4
#define LINK_SLIP_ARP_PENDING 8

struct link_slip_stats {
	uint64_t rx_packets, tx_packets;
	uint64_t rx_not_ipv4, tx_not_ipv4, tx_full, arp_answered, acks_coalesced;
};

struct link_slip {
	int in_fd, out_fd;
	struct gateway *gw;
	struct slip_decoder dec;
	uint8_t guest_mac[6], slirp_mac[6];
	uint8_t seeded_ip[4];          /* guest source address last announced to libslirp */
	struct arp_who_has arp_q[LINK_SLIP_ARP_PENDING];
	size_t narp;
	size_t out_off, out_len;
	/* The last packet queued starts at out[ack_off]; ack says if it is a pure ACK. */
	size_t ack_off;
	struct ack_tracker ack;
	struct link_slip_stats st;
	uint8_t frame[14 + SLIP_MTU];
	uint8_t in[LINK_SLIP_IN_CHUNK];
	uint8_t out[LINK_SLIP_OUT_CAP];
};

extern const struct gw_link_ops link_slip_ops;

/* Sets up the link on in_fd/out_fd (made non-blocking). gw is attached later by gateway_init. */
int link_slip_init(struct link_slip *l, int in_fd, int out_fd);

/* Announces the default guest address (10.0.2.15) to libslirp; call after gateway_init. */
void link_slip_start(struct link_slip *l, struct gateway *gw);

#endif
