/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ep_dgram - batched datagram I/O shared by the datagram endpoints (daemon, mcast, ethertap,
 * l2tpv3): one frame per datagram, optionally behind a prefix of bytes (ethertap's 2 opaque ones,
 * an L2TPv3 header), with recvmmsg/sendmmsg so a batch is one system call. The state is
 * preallocated per endpoint: no allocation on the data path.
 *
 * The prefix of message i lives in pad[i]: a caller with a per-frame header (l2tpv3) writes
 * pad[0..n) before ep_dgram_send(); after ep_dgram_recv() pad[i] holds the first bytes of
 * received message i and msgs[i].msg_len its whole length. The received prefix may be longer than
 * the sent one (rx_prefix: a raw IPv4 socket returns the outer IP header too).
 */
#ifndef UMLNET_EP_DGRAM_H
#define UMLNET_EP_DGRAM_H

#include "endpoint.h"

#include <sys/socket.h>

/* An IPv4 header and the longest L2TPv3 header of IP mode (36), rounded up. */
#define EP_DGRAM_PREFIX_MAX 40

struct ep_dgram {
	int fd;
	size_t prefix;                   /* bytes before each frame on the wire (0..PREFIX_MAX) */
	size_t rx_prefix;                /* bytes before each received frame; 0 = same as prefix */
	const void *peer;                /* sendto() address, or NULL for a connected socket */
	socklen_t peer_len;
	struct mmsghdr msgs[ENDPOINT_BATCH];
	struct iovec iov[ENDPOINT_BATCH][2];
	uint8_t pad[ENDPOINT_BATCH][EP_DGRAM_PREFIX_MAX];
};

/* Receives up to n frames (len > ENDPOINT_BUF means oversize); 0 when none wait, or -errno. */
int ep_dgram_recv(struct ep_dgram *d, struct frame *frames, unsigned int n);

/* Sends frames in order; returns how many were taken (a full queue ends the batch), or -errno. */
int ep_dgram_send(struct ep_dgram *d, const struct frame *frames, unsigned int n);

#endif
