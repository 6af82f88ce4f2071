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
 * at dst then. A unix src is ours: a stale socket file there is replaced, and the file is
 * removed at destroy. Empty datagrams (QEMU never sends them) are skipped and counted.
 */
#include "ep_dgram.h"
#include "ep_transports.h"
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
	socklen_t peer_len;
	bool connected;
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

static int ep_dgramsock_send(struct endpoint *ep, const struct frame *frames, unsigned int n)
{
	struct ep_dgramsock *d = to_dgs(ep);
	int r;

	if (!d->connected) {
		if (connect(ep->fd, &d->peer.sa, d->peer_len) < 0)
			return ep_dgramsock_no_peer(-errno) ? (int)n : -errno;
		d->connected = true;
	}
	r = ep_dgram_send(&d->io, frames, n);
	if (!ep_dgramsock_no_peer(r))
		return r;
	d->connected = false;
	return (int)n;
}

static void ep_dgramsock_describe(const struct endpoint *ep, char *buf, size_t len)
{
	const struct ep_dgramsock *d = to_dgs(ep);

	if (d->empty)
		snprintf(buf, len, "%s (empty datagrams skipped: %llu)", d->desc,
			 (unsigned long long)d->empty);
	else
		snprintf(buf, len, "%s", d->desc);
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
