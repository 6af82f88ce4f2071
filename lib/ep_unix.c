// SPDX-License-Identifier: GPL-2.0-or-later
#include "endpoint.h"
#include "ep_dgram.h"
#include "unixsock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Frames queued towards one client are charged to our socket's send buffer: room for a burst
 * of full-size frames, so that the backlog, not the buffer, decides when to drop. */
#define EP_UNIX_SNDBUF (1 << 20)

struct ep_unix {
	struct endpoint ep;
	struct sockaddr_un peer;
	struct ep_dgram io;   /* sends to peer by address only on the shared socket */
};

static struct ep_unix *to_unix(const struct endpoint *ep)
{
	return (struct ep_unix *)(uintptr_t)ep;
}

static int ep_unix_recv(struct endpoint *ep, struct frame *frames, unsigned int n)
{
	return ep_dgram_recv(&to_unix(ep)->io, frames, n);
}

static int ep_unix_send(struct endpoint *ep, const struct frame *frames, unsigned int n)
{
	return ep_dgram_send(&to_unix(ep)->io, frames, n);
}

static void ep_unix_describe(const struct endpoint *ep, char *buf, size_t len)
{
	char name[256];

	snprintf(buf, len, "unix %s", unixsock_addr_text(&to_unix(ep)->peer, name, sizeof(name)));
}

static void ep_unix_destroy(struct endpoint *ep)
{
	struct ep_unix *u = to_unix(ep);

	if (ep->fd >= 0) /* a socket of its own; -1 for a port on the shared socket */
		close(ep->fd);
	free(u);
}

static const struct endpoint_ops ep_unix_ops = {
	.kind = "unix",
	.recv = ep_unix_recv,
	.send = ep_unix_send,
	.describe = ep_unix_describe,
	.destroy = ep_unix_destroy,
};

static struct ep_unix *ep_unix_new(const struct sockaddr_un *peer)
{
	struct ep_unix *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->ep.ops = &ep_unix_ops;
	u->ep.fd = -1;
	u->io.fd = -1;
	u->peer = *peer;
	return u;
}

int ep_unix_connected(const struct sockaddr_un *local, const struct sockaddr_un *peer,
		      struct endpoint **out)
{
	struct ep_unix *u = ep_unix_new(peer);
	int fd, err;

	if (!u)
		return -ENOMEM;
	fd = unixsock_dgram_bind(local);
	if (fd < 0) {
		free(u);
		return fd;
	}
	unixsock_grow_sndbuf(fd, EP_UNIX_SNDBUF);
	err = unixsock_connect(fd, peer);
	if (err) {
		close(fd);
		free(u);
		return err;
	}
	u->ep.fd = u->io.fd = fd;
	*out = &u->ep;
	return 0;
}

int ep_unix_shared(int shared_fd, const struct sockaddr_un *peer, struct endpoint **out)
{
	struct ep_unix *u = ep_unix_new(peer);

	if (!u)
		return -ENOMEM;
	u->io.fd = shared_fd;
	u->io.peer = &u->peer;
	u->io.peer_len = sizeof(u->peer);
	*out = &u->ep;
	return 0;
}
