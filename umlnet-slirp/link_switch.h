/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * link_switch - the gateway as a port of a uml_switch (daemon protocol v3, daemon-protocol.md).
 *
 * Set-up: a SOCK_DGRAM data socket bound to a 108-byte abstract name with length 110, a stream
 * connection to the switch's control socket, one 124-byte request, a 110-byte reply naming the
 * switch's data socket. Then each datagram is one Ethernet frame both ways. The control
 * connection is the port's lifetime: when the switch closes it, the program exits.
 *
 * Only frames addressed to libslirp reach it: broadcast/multicast, or a destination MAC that
 * libslirp has used as a source (52:55:<IPv4> and 52:56:<IPv6 tail> in 4.7; learned, not
 * assumed). Unicast between other guests that a switch floods must not: libslirp would answer
 * a TCP SYN for another guest's address with a reset.
 * Frames are received with recvmmsg() and libslirp's output is batched into sendmmsg().
 */
#ifndef UMLNET_SLIRP_LINK_SWITCH_H
#define UMLNET_SLIRP_LINK_SWITCH_H

#include <sys/socket.h>
#include <sys/un.h>

#include "ether.h"
#include "gateway.h"

#define LINK_SWITCH_BATCH 64
#define LINK_SWITCH_OWN_MACS 16

struct link_switch_stats {
	uint64_t rx_frames, tx_frames, rx_not_ours, tx_errors, clamped;
};

struct link_switch {
	int ctl_fd, data_fd;
	struct gateway *gw;
	struct sockaddr_un peer;        /* the switch's data socket, from its reply */
	uint8_t own_mac[LINK_SWITCH_OWN_MACS][ETHER_ADDR_LEN]; /* libslirp's source MACs */
	size_t nown;
	uint16_t max_window;            /* TCP window cap toward libslirp (tcp_clamp.h), 0 = none */
	struct link_switch_stats st;
	size_t nout;
	uint16_t out_len[LINK_SWITCH_BATCH];
	uint8_t out[LINK_SWITCH_BATCH][ETHER_FRAME_MAX];
	uint8_t in[LINK_SWITCH_BATCH][ETHER_FRAME_MAX + 64];
};

extern const struct gw_link_ops link_switch_ops;

/* Connects to the switch at ctl_path and registers a port. Returns 0 or -errno (reported). */
int link_switch_init(struct link_switch *l, const char *ctl_path, uint16_t max_window);

void link_switch_start(struct link_switch *l, struct gateway *gw);

#endif
