// SPDX-License-Identifier: GPL-2.0-or-later
#include "endpoint.h"
#include "unixsock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct ep_unix {
	struct endpoint ep;
	int tx_fd;            /* own socket, or the shared one */
	bool own;             /* tx_fd belongs to this endpoint */
	struct sockaddr_un peer;
	struct mmsghdr msgs[ENDPOINT_BATCH];
	struct iovec iov[ENDPOINT_BATCH];
};

static struct ep_unix *to_unix(const struct endpoint *ep)
{
	return (struct ep_unix *)(uintptr_t)ep;
}

static int ep_unix_recv(struct endpoint *ep, struct frame *frames, unsigned int n)
{
	struct ep_unix *u = to_unix(ep);
	int got;

	if (n > ENDPOINT_BATCH)
		n = ENDPOINT_BATCH;
	for (unsigned int i = 0; i < n; i++) {
		u->iov[i] = (struct iovec){ frames[i].data, ENDPOINT_BUF };
		u->msgs[i].msg_hdr = (struct msghdr){ .msg_iov = &u->iov[i], .msg_iovlen = 1 };
	}
	/* MSG_TRUNC: msg_len is the datagram's real length, so oversize frames are visible. */
	got = recvmmsg(u->ep.fd, u->msgs, n, MSG_DONTWAIT | MSG_TRUNC, NULL);
	if (got < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	for (int i = 0; i < got; i++)
		frames[i].len = u->msgs[i].msg_len;
	return got;
}

static int ep_unix_send(struct endpoint *ep, const struct frame *frames, unsigned int n)
{
	struct ep_unix *u = to_unix(ep);
	int sent;

	if (n > ENDPOINT_BATCH)
		n = ENDPOINT_BATCH;
	for (unsigned int i = 0; i < n; i++) {
		u->iov[i] = (struct iovec){ frames[i].data, frames[i].len };
		u->msgs[i].msg_hdr = (struct msghdr){ .msg_iov = &u->iov[i], .msg_iovlen = 1 };
		if (!u->own) {
			u->msgs[i].msg_hdr.msg_name = &u->peer;
			u->msgs[i].msg_hdr.msg_namelen = sizeof(u->peer);
		}
	}
	sent = sendmmsg(u->tx_fd, u->msgs, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (sent < 0)
		return errno == EAGAIN || errno == ENOBUFS || errno == EINTR ? 0 : -errno;
	return sent;
}

static void ep_unix_describe(const struct endpoint *ep, char *buf, size_t len)
{
	char name[256];

	snprintf(buf, len, "unix %s", unixsock_addr_text(&to_unix(ep)->peer, name, sizeof(name)));
}

static void ep_unix_destroy(struct endpoint *ep)
{
	struct ep_unix *u = to_unix(ep);

	if (u->own)
		close(u->tx_fd);
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
	u->tx_fd = -1;
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
	err = unixsock_connect(fd, peer);
	if (err) {
		close(fd);
		free(u);
		return err;
	}
	u->ep.fd = u->tx_fd = fd;
	u->own = true;
	*out = &u->ep;
	return 0;
}

int ep_unix_shared(int shared_fd, const struct sockaddr_un *peer, struct endpoint **out)
{
	struct ep_unix *u = ep_unix_new(peer);

	if (!u)
		return -ENOMEM;
	u->tx_fd = shared_fd;
	*out = &u->ep;
	return 0;
}
