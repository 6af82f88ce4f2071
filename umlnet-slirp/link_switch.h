/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * link_switch - the gateway as a port of a uml_switch.
 *
 * The port itself is libumlnet's daemon endpoint (ep_daemon.c): the same handshake and batched
 * frame I/O a UML guest's daemon transport gets, its data socket connected to the switch's. Its
 * control connection is the port's lifetime: when the switch closes it (the endpoint's liveness
 * fd turns readable), the program exits. What stays here is what only a gateway needs:
 *
 * - Only frames addressed to libslirp reach it: broadcast/multicast, or a destination MAC that
 *   libslirp has used as a source (52:55:<IPv4> and 52:56:<IPv6 tail> in 4.7; learned, not
 *   assumed). Unicast between other guests that a switch floods must not: libslirp would answer
 *   a TCP SYN for another guest's address with a reset.
 * - TCP windows both ways are capped (--switch-window, tcp_clamp.h).
 * - libslirp's output of one loop turn goes out as one batch; when the switch's socket is full
 *   (the classic uml_switch's single data socket queues 10 datagrams) the rest waits for room,
 *   at most LINK_SWITCH_SEND_WAIT_MS per turn, and is then dropped (TCP retransmits). A pure ACK
 *   that the next frame of the batch makes redundant is taken back (ack_coalesce.h).
 */
#ifndef UMLNET_SLIRP_LINK_SWITCH_H
#define UMLNET_SLIRP_LINK_SWITCH_H

#include "ack_coalesce.h"
#include "endpoint.h"
#include "ether.h"
#include "gateway.h"

#define LINK_SWITCH_OWN_MACS 16

struct link_switch_stats {
	uint64_t rx_frames, tx_frames, rx_not_ours, tx_errors, tx_waits, clamped, acks_coalesced;
};

struct link_switch {
	struct endpoint *ep;            /* the daemon endpoint: the switch port */
	int live_fd;                    /* its control connection: readable = the switch is gone */
	struct gateway *gw;
	uint8_t own_mac[LINK_SWITCH_OWN_MACS][ETHER_ADDR_LEN]; /* libslirp's source MACs */
	size_t nown;
	uint16_t max_window;            /* TCP window cap toward libslirp (tcp_clamp.h), 0 = none */
	struct link_switch_stats st;
	unsigned int nout;
	struct ack_tracker ack;         /* is out[nout - 1] a pure ACK that can be taken back? */
	struct frame out[ENDPOINT_BATCH], in[ENDPOINT_BATCH];
	uint8_t out_buf[ENDPOINT_BATCH][ETHER_FRAME_MAX];
	uint8_t in_buf[ENDPOINT_BATCH][ENDPOINT_BUF];
};

extern const struct gw_link_ops link_switch_ops;

/* Connects to the switch at ctl_path and registers a port. Returns 0 or -errno (reported). */
int link_switch_init(struct link_switch *l, const char *ctl_path, uint16_t max_window);

void link_switch_start(struct link_switch *l, struct gateway *gw);

/* Leaves the switch (closes the port). */
void link_switch_close(struct link_switch *l);

#endif
