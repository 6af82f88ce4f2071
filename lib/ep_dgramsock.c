// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ep_dgramsock - the peer of QEMU's -netdev dgram (doc/qemu.md §3): a datagram socket bound at
 * src= (a unix path, or an IP address and UDP port) that sends to dst=, one bare Ethernet frame
 * per datagram, through ep_dgram's batches.
 *
 * The socket is connected to dst as soon as something is bound there: a connected socket hears
 * only dst, and for unix sockets its poll() waits for room in the peer's queue (an unconnected
 * sender would find it full after 10 datagrams and could only retry). When the peer goes (QEMU
 * unlinks and binds its local path again when it restarts) sends fail with ECONNREFUSED: the
 * frames are lost as on a cable without a peer, and the next send connects to whoever is bound
 * at dst then. Frames lost so are taken (an owner that retried them would only meet the same
 * absence, and the plug closes a device whose send fails) but counted, shown in the description,
 * reported to the owner as dropped (endpoint.h: tx_dropped, so a switch counts them as drops,
 * not as sent), and each run of them is logged once. A unix src is ours: a stale socket file
 * there is replaced, and the file is removed at destroy. Empty datagrams (QEMU never sends
 * them) are skipped and counted.
 */
#include "ep_dgram.h"
#include "ep_transports.h"
#include "log.h"
#include "sockaddr_any.h"
#include "unixsock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ep_dgramsock {
	struct endpoint ep;
	union sockaddr_any peer;
	char own_path[VECTOR_PATH_MAX]; /* unix src, removed at destroy; "" for UDP */
	char desc[240];
	uint64_t empty;
	uint64_t no_peer; /* frames dropped: nobody was bound at dst */
	socklen_t peer_len;
	bool connected;
	bool peer_missing; /* in a run of such drops (logged at its start) */
	struct ep_dgram io;
};

static struct ep_dgramsock *to_dgs(const struct endpoint *ep)
{
	return (struct ep_dgramsock *)(uintptr_t)ep;
}

static int ep_dgramsock_recv(struct endpoint *ep, struct frame *frames, unsigned int n)
{
	struct ep_dgramsock *d = to_dgs(ep);
	int got = ep_dgram_recv(&d->io, frames, n);
	unsigned int kept = 0;

	for (int i = 0; i < got; i++) {
		if (frames[i].len)
			kept = endpoint_keep_frame(frames, kept, (unsigned int)i);
		else
			d->empty++;
	}
	return got < 0 ? got : (int)kept;
}

static bool ep_dgramsock_no_peer(int err)
{
	return err == -ECONNREFUSED || err == -ENOENT || err == -ENOTCONN || err == -EDESTADDRREQ ||
	       err == -EPIPE;
}

/* n frames found nobody at dst: counted here and for the owner (tx_dropped), and the run logged
 * once. Returns n (taken). */
static int ep_dgramsock_drop_no_peer(struct ep_dgramsock *d, unsigned int n, int err)
{
	d->no_peer += n;
	d->ep.tx_dropped += n;
	if (!d->peer_missing)
		log_warn("%s: nobody is bound at the peer's address (%s); frames to it are dropped "
			 "and counted until it is", d->desc, strerror(-err));
	d->peer_missing = true;
	return (int)n;
}

static int ep_dgramsock_send(struct endpoint *ep, const struct frame *frames, unsigned int n)
{
	struct ep_dgramsock *d = to_dgs(ep);
	int r;

	if (!d->connected) {
		if (connect(ep->fd, &d->peer.sa, d->peer_len) < 0)
			return ep_dgramsock_no_peer(-errno) ? ep_dgramsock_drop_no_peer(d, n, -errno)
							     : -errno;
		d->connected = true;
	}
	r = ep_dgram_send(&d->io, frames, n);
	if (!ep_dgramsock_no_peer(r)) {
		if (r > 0)
			d->peer_missing = false;
		return r;
	}
	d->connected = false;
	return ep_dgramsock_drop_no_peer(d, n, r);
}

static void ep_dgramsock_describe(const struct endpoint *ep, char *buf, size_t len)
{
	const struct ep_dgramsock *d = to_dgs(ep);
	char empty[64] = "", no_peer[64] = "";

	if (d->empty)
		snprintf(empty, sizeof(empty), " (empty datagrams skipped: %llu)",
			 (unsigned long long)d->empty);
	if (d->no_peer)
		snprintf(no_peer, sizeof(no_peer), " (dropped, no peer bound: %llu)",
			 (unsigned long long)d->no_peer);
	snprintf(buf, len, "%s%s%s", d->desc, empty, no_peer);
}

static void ep_dgramsock_destroy(struct endpoint *ep)
{
	struct ep_dgramsock *d = to_dgs(ep);

	close(ep->fd);
	if (d->own_path[0])
		unlink(d->own_path);
	free(d);
}

static const struct endpoint_ops ep_dgramsock_ops = {
	.kind = "dgram",
	.recv = ep_dgramsock_recv,
	.send = ep_dgramsock_send,
	.describe = ep_dgramsock_describe,
	.destroy = ep_dgramsock_destroy,
};

/* The bound socket of src=; returns the fd or -errno with *step naming what failed. */
static int ep_dgramsock_bind(const struct vector_spec *v, const char **step)
{
	union sockaddr_any local;
	int alen = sockaddr_any_from(&local, &v->local, v->src), fd, err;

	*step = "src";
	if (alen < 0)
		return alen;
	*step = "socket";
	fd = socket(local.sa.sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	*step = "bind src";
	if (local.sa.sa_family == AF_UNIX)
		err = unixsock_bind_path(fd, v->src, SOCK_DGRAM, NULL);
	else
		err = bind(fd, &local.sa, (socklen_t)alen) < 0 ? -errno : 0;
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int ep_dgramsock_open(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen)
{
	const struct vector_spec *v = &t->vec;
	struct ep_dgramsock *d = calloc(1, sizeof(*d));
	char src[160], dst[160];
	union sockaddr_any local;
	const char *step = "dst";
	int alen = 0, fd = -ENOMEM;

	if (d && (alen = sockaddr_any_from(&d->peer, &v->peer, v->dst)) < 0)
		fd = alen;
	else if (d)
		fd = ep_dgramsock_bind(v, &step);
	if (fd < 0) {
		snprintf(err, errlen, "dgram: %s: %s", d ? step : "allocating", strerror(-fd));
		free(d);
		return fd;
	}
	sockaddr_any_from(&local, &v->local, v->src);
	snprintf(d->desc, sizeof(d->desc), "dgram %s -> %s", sockaddr_any_text(&local, src, sizeof(src)),
		 sockaddr_any_text(&d->peer, dst, sizeof(dst)));
	if (local.sa.sa_family == AF_UNIX)
		snprintf(d->own_path, sizeof(d->own_path), "%s", v->src);
	d->ep.ops = &ep_dgramsock_ops;
	d->ep.fd = fd;
	d->io.fd = fd; /* io.peer stays NULL: sends go to the connected peer */
	d->peer_len = (socklen_t)alen;
	unixsock_grow_sndbuf(fd, 1 << 20);
	*out = &d->ep;
	return 0;
}
