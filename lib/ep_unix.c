// SPDX-License-Identifier: GPL-2.0-or-later
#include "endpoint.h"
#include "ep_dgram.h"
#include "peercred.h"
#include "unixsock.h"
#include "unixsock_diag.h"

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

/* Connected to peer, fd is kept only if the socket at the other end is the client's user's:
 * asked of the kernel after connect(), so a name cannot change meaning in between, and before
 * anything is sent. */
static int ep_unix_connect_owned(int fd, const struct sockaddr_un *peer, const struct peercred *as,
				 const char **why)
{
	uid_t owner;
	int err = unixsock_connect(fd, peer);

	if (err) {
		*why = "cannot connect to its data socket";
		return err;
	}
	err = unixsock_diag_peer_uid(fd, &owner);
	if (err) {
		*why = "cannot tell who owns its data socket (sock_diag)";
		return err;
	}
	if (owner != as->uid) {
		*why = "its data socket belongs to another user";
		return -EACCES;
	}
	return 0;
}

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

/* A path socket is reached with the client's own filesystem rights: search on every directory,
 * write on the socket file, exactly as for the client's own connect(). Without the privilege to
 * take on its rights, only a socket the client's user created will do. */
static int ep_unix_connect_path(int fd, const struct sockaddr_un *peer, const struct peercred *as,
				const char **why)
{
	struct peercred_saved saved;
	int err = peercred_assume(as, &saved);

	if (err == -EPERM)
		return ep_unix_connect_owned(fd, peer, as, why);
	if (err) {
		*why = "cannot take on its rights";
		return err;
	}
	err = unixsock_connect(fd, peer);
	peercred_restore(&saved);
	if (err == -EACCES || err == -EPERM)
		*why = "its user may not connect to that socket";
	else if (err)
		*why = "cannot connect to its data socket";
	return err;
}

/* Connects fd to peer as the client as could (endpoint.h); root clients and as == NULL: with our
 * own rights. */
static int ep_unix_connect_as(int fd, const struct sockaddr_un *peer, const struct peercred *as,
			      const char **why)
{
	int err;

	if (!as || as->uid == 0) /* nobody to act for, or a client with every right already */
		err = unixsock_connect(fd, peer);
	else if (peer->sun_path[0] == 0) /* abstract names have no permissions: only owners */
		return ep_unix_connect_owned(fd, peer, as, why);
	else
		return ep_unix_connect_path(fd, peer, as, why);
	if (err)
		*why = "cannot connect to its data socket";
	return err;
}

int ep_unix_connected(const struct sockaddr_un *local, const struct sockaddr_un *peer,
		      const struct peercred *as, struct endpoint **out, const char **why)
{
	struct ep_unix *u = ep_unix_new(peer);
	int fd, err;

	*why = "creating its port";
	if (!u)
		return -ENOMEM;
	fd = unixsock_dgram_bind(local);
	if (fd < 0) {
		free(u);
		return fd;
	}
	unixsock_grow_sndbuf(fd, EP_UNIX_SNDBUF);
	err = ep_unix_connect_as(fd, peer, as, why);
	if (err) {
		close(fd);
		free(u);
		return err;
	}
	u->ep.fd = u->io.fd = fd;
	*out = &u->ep;
	return 0;
}

int ep_unix_shared(int shared_fd, const struct sockaddr_un *peer, const struct peercred *as,
		   struct endpoint **out, const char **why)
{
	struct ep_unix *u;
	int probe = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0), err;

	/* Frames go out by name from the shared socket: the name is checked once, here, through a
	 * socket of our own that goes no further than connect(). A path could be swapped for a
	 * symlink to another socket after that, and every later frame would follow it with our
	 * rights; an abstract name cannot be redirected. */
	*why = "creating its port";
	if (probe < 0)
		return -errno;
	if (as && as->uid != 0 && as->uid != geteuid() && peer->sun_path[0] != 0) {
		close(probe);
		*why = "a version 0 client of another user must name an abstract socket (frames go to "
		       "a path by name, with the switch's rights)";
		return -EACCES;
	}
	err = ep_unix_connect_as(probe, peer, as, why);
	close(probe);
	if (err)
		return err;
	u = ep_unix_new(peer);
	if (!u)
		return -ENOMEM;
	u->io.fd = shared_fd;
	u->io.peer = &u->peer;
	u->io.peer_len = sizeof(u->peer);
	*out = &u->ep;
	return 0;
}
