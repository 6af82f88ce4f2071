// SPDX-License-Identifier: GPL-2.0-or-later
#include "ep_fd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ep_fd {
	struct endpoint ep;
	struct endpoint_ops ops;
	char kind[16];
	char desc[128];
	ep_fd_cleanup_fn cleanup;
	void *arg;
};

static struct ep_fd *to_fd(const struct endpoint *ep)
{
	return (struct ep_fd *)(uintptr_t)ep;
}

/* No batched read for character devices: one read() per frame until the queue is empty. */
static int ep_fd_recv(struct endpoint *ep, struct frame *frames, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		ssize_t r = read(ep->fd, frames[i].data, ENDPOINT_BUF);

		if (r < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			return i ? (int)i : -errno;
		}
		if (r == 0)
			return i ? (int)i : -ENOTCONN;
		frames[i].len = r == ENDPOINT_BUF ? ENDPOINT_BUF + 1 : (uint32_t)r;
	}
	return (int)i;
}

static int ep_fd_send(struct endpoint *ep, const struct frame *frames, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (write(ep->fd, frames[i].data, frames[i].len) < 0) {
			if (errno == EAGAIN || errno == EIO || errno == EINTR || errno == ENOBUFS)
				return (int)i;
			return i ? (int)i : -errno;
		}
	}
	return (int)i;
}

static void ep_fd_describe(const struct endpoint *ep, char *buf, size_t len)
{
	snprintf(buf, len, "%s", to_fd(ep)->desc);
}

static void ep_fd_destroy(struct endpoint *ep)
{
	struct ep_fd *e = to_fd(ep);

	close(ep->fd);
	if (e->cleanup)
		e->cleanup(e->arg);
	free(e);
}

int ep_fd_new(int fd, const char *kind, const char *desc, ep_fd_cleanup_fn cleanup, void *arg,
	      struct endpoint **out)
{
	struct ep_fd *e = calloc(1, sizeof(*e));
	int fl = fcntl(fd, F_GETFL);

	if (!e)
		return -ENOMEM;
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		free(e);
		return -errno;
	}
	snprintf(e->kind, sizeof(e->kind), "%s", kind);
	snprintf(e->desc, sizeof(e->desc), "%s", desc);
	e->ops = (struct endpoint_ops){ .kind = e->kind, .recv = ep_fd_recv, .send = ep_fd_send,
					.describe = ep_fd_describe, .destroy = ep_fd_destroy };
	e->ep.ops = &e->ops;
	e->ep.fd = fd;
	e->cleanup = cleanup;
	e->arg = arg;
	*out = &e->ep;
	return 0;
}
