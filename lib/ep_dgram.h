/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ep_dgram - batched datagram I/O shared by the datagram endpoints (daemon, mcast, ethertap):
 * one frame per datagram, optionally behind a fixed prefix of opaque bytes (ethertap's 2), with
 * recvmmsg/sendmmsg so a batch is one system call. The state is preallocated per endpoint: no
 * allocation on the data path.
 */
#ifndef UMLNET_EP_DGRAM_H
#define UMLNET_EP_DGRAM_H

#include "endpoint.h"

#include <sys/socket.h>

#define EP_DGRAM_PREFIX_MAX 2

struct ep_dgram {
	int fd;
	size_t prefix;                   /* bytes before each frame on the wire (0 or 2) */
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
