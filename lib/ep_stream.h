/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ep_stream - a port over one stream connection (unix or TCP) in QEMU's framing: every frame is
 * preceded by its length, 4 bytes big-endian, not counting themselves; nothing else, no
 * handshake (QEMU's -netdev stream and -netdev socket; doc/qemu.md §2).
 *
 * Theory of operation. Receive: the endpoint never keeps a complete record in its own memory
 * once recv() returns, so the owner's level-triggered poll of the socket stays exact. It peeks at
 * what waits, hands over the complete records that fit the batch, and only then consumes their
 * bytes from the socket; a record that is not complete yet (or longer than a receive buffer) is
 * read into the endpoint's record in progress, never beyond its last byte. A frame longer than
 * ENDPOINT_BUF but within EP_STREAM_FRAME_MAX is skipped and reported with its real length (the
 * owner counts it oversize); a length of 0 or above EP_STREAM_FRAME_MAX ends the connection:
 * recv() returns -EPROTO and describe() says why.
 * Send: one writev per batch. A record that a short write cut is finished before anything else
 * (from a copy); the frame it holds is reported as not taken, so that the owner waits for the
 * socket to become writable and then offers it again, and that offer is recognised (same bytes)
 * and not sent twice. The owner's per-port backlog is the bounded queue: nothing here blocks.
 */
#ifndef UMLNET_EP_STREAM_H
#define UMLNET_EP_STREAM_H

#include "endpoint.h"

#include <stdint.h>

/* QEMU's NET_BUFSIZE (4096 + 65536): the longest record QEMU itself accepts. */
#define EP_STREAM_FRAME_MAX 69632u

/* A stream endpoint over a connected socket fd (made non-blocking; closed by destroy). what:
 * the description's text (peer, path). bad: a counter of the owner's, incremented when this
 * connection is closed for bad framing (NULL: none). */
int ep_stream_new(int fd, const char *what, uint64_t *bad, struct endpoint **out);

struct vector_spec;

/* A socket connecting (non-blocking) to a stream spec's connect= address; returns the fd, or
 * -errno (-EINPROGRESS is not an error: see ep_stream_connected()). */
int ep_stream_connect(const struct vector_spec *v);

/* Whether a connect started by ep_stream_connect() has finished: 1 yes, 0 not yet, -errno failed. */
int ep_stream_connected(int fd);

/* The connect= or listen= address of a stream spec as text. */
void ep_stream_addr_text(const struct vector_spec *v, char *buf, size_t len);

#endif
