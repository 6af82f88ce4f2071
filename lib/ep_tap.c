// SPDX-License-Identifier: GPL-2.0-or-later
#include "endpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct ep_tap {
	struct endpoint ep;
	char ifname[IFNAMSIZ];
};

static struct ep_tap *to_tap(const struct endpoint *ep)
{
	return (struct ep_tap *)(uintptr_t)ep;
}

/* A tap has no batched read: one read() per frame until the queue is empty. */
static int ep_tap_recv(struct endpoint *ep, struct frame *frames, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		ssize_t r = read(ep->fd, frames[i].data, ENDPOINT_BUF);

		if (r < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			return i ? (int)i : -errno;
		}
		/* A read that fills the buffer may have been cut: report it as oversize. */
		frames[i].len = r == ENDPOINT_BUF ? ENDPOINT_BUF + 1 : (uint32_t)r;
	}
	return (int)i;
}

static int ep_tap_send(struct endpoint *ep, const struct frame *frames, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (write(ep->fd, frames[i].data, frames[i].len) < 0) {
			/* The tap's queue is full, or the interface is down (EIO): a drop, not a
			 * dead port. */
			if (errno == EAGAIN || errno == EIO || errno == EINTR || errno == ENOBUFS)
				return (int)i;
			return i ? (int)i : -errno;
		}
	}
	return (int)i;
}

static void ep_tap_describe(const struct endpoint *ep, char *buf, size_t len)
{
	snprintf(buf, len, "tap %s", to_tap(ep)->ifname);
}

static void ep_tap_destroy(struct endpoint *ep)
{
	close(ep->fd);
	free(to_tap(ep));
}

static const struct endpoint_ops ep_tap_ops = {
	.kind = "tap",
	.recv = ep_tap_recv,
	.send = ep_tap_send,
	.describe = ep_tap_describe,
	.destroy = ep_tap_destroy,
};

int ep_tap_open(const char *ifname, struct endpoint **out)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	struct ep_tap *t;
	int fd, err;

	if (strlen(ifname) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		close(fd);
		return -ENOMEM;
	}
	t->ep.ops = &ep_tap_ops;
	t->ep.fd = fd;
	memcpy(t->ifname, ifr.ifr_name, IFNAMSIZ - 1);
	*out = &t->ep;
	return 0;
}
