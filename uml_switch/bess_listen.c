// SPDX-License-Identifier: GPL-2.0-or-later
#include "bess_listen.h"
#include "daemon.h"
#include "ep_bess.h"
#include "log.h"
#include "unixsock.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BESS_BACKLOG 16

static int bess_resolve(struct bess_listen *b, const char *path)
{
	int n;

	if (path[0] == '/') {
		n = snprintf(b->path, sizeof(b->path), "%s", path);
	} else {
		char cwd[PATH_MAX];

		if (!getcwd(cwd, sizeof(cwd)))
			return -errno;
		n = snprintf(b->path, sizeof(b->path), "%s/%s", cwd, path);
	}
	return n >= (int)sizeof(b->path) ? -ENAMETOOLONG : 0;
}

int bess_listen_open(struct switchd *d)
{
	struct bess_listen *b = &d->bess;
	int fd, err = bess_resolve(b, d->opt.bess_path);

	if (err)
		return err;
	/* A full sockaddr_un holds 107 characters: UML's own limit for dst (doc/vector-transports.md §6). */
	fd = unixsock_listen(b->path, SOCK_SEQPACKET, BESS_BACKLOG, &d->access);
	if (fd < 0)
		return fd;
	b->fd = fd;
	log_info("listening for bess connections on '%s'", b->path);
	return ev_add(d, fd, EV_BESS_LISTEN, 0, EPOLLIN);
}

/* One accepted connection: a port, or refused (the endpoint's destroy closes it and removes
 * the peer's src, so the guest can try again later). */
static void bess_new_port(struct switchd *d, int fd)
{
	struct ep_bess_peer peer = { .unlink_src = true };
	struct endpoint *ep;
	int err;

	peer_creds(fd, &peer.pid, &peer.uid);
	err = ep_bess_accepted(fd, &peer, &ep);
	if (err) {
		log_warn("bess: connection of pid %d: %s", (int)peer.pid, strerror(-err));
		close(fd);
		return;
	}
	if (port_attach_accepted(d, ep, peer.pid, peer.uid, &d->bess.refused) >= 0)
		d->bess.accepted++;
}

void bess_listen_accept(struct switchd *d)
{
	for (;;) {
		int fd = accept4(d->bess.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				log_warn("bess: accept: %s", strerror(errno));
			return;
		}
		bess_new_port(d, fd);
	}
}

void bess_listen_close(struct switchd *d)
{
	if (d->bess.fd < 0)
		return;
	ev_del(d, d->bess.fd);
	close(d->bess.fd);
	d->bess.fd = -1;
	unlink(d->bess.path);
}
