// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ep_daemon - a client of any switch that speaks the uml_switch protocol, exactly as UML's
 * daemon transport is (doc/transports.md §4, doc/daemon-protocol.md §3): a stream connection to the
 * control socket, a datagram socket bound to a 108-byte abstract name with address length 110,
 * the 124-byte v3 request in one write, the 110-byte reply naming the switch's data socket, then
 * one frame per datagram sent there. Unlike UML we then connect() the data socket to that address:
 * the switch's frames to us then skip the 10-datagram queue limit of unconnected unix sockets
 * (doc/performance-notes.md), which otherwise drops bursts. Every switch we know sends from the
 * socket it named (the classic's one data socket, our and vde_switch's per-port sockets).
 *
 * The control connection is kept open and never written again: the switch removes our port when
 * it closes, and we learn the switch is gone when it becomes readable (ep_daemon_liveness_fd).
 */
#include "daemon_proto.h"
#include "ep_dgram.h"
#include "ep_helper.h"
#include "ep_transports.h"
#include "unixsock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#define DAEMON_REPLY_TIMEOUT_MS 5000

struct ep_daemon {
	struct endpoint ep;
	int ctl_fd;
	struct sockaddr_un local, data;
	struct ep_dgram io;
};

static struct ep_daemon *to_daemon(const struct endpoint *ep)
{
	return (struct ep_daemon *)(uintptr_t)ep;
}

static int ep_daemon_recv(struct endpoint *ep, struct frame *frames, unsigned int n)
{
	return ep_dgram_recv(&to_daemon(ep)->io, frames, n);
}

static int ep_daemon_send(struct endpoint *ep, const struct frame *frames, unsigned int n)
{
	return ep_dgram_send(&to_daemon(ep)->io, frames, n);
}

static void ep_daemon_describe(const struct endpoint *ep, char *buf, size_t len)
{
	char name[160];

	snprintf(buf, len, "daemon -> %s", unixsock_addr_text(&to_daemon(ep)->data, name, sizeof(name)));
}

static void ep_daemon_destroy(struct endpoint *ep)
{
	struct ep_daemon *d = to_daemon(ep);

	if (d->ctl_fd >= 0)
		close(d->ctl_fd);
	if (ep->fd >= 0)
		close(ep->fd);
	free(d);
}

/* The control connection: the switch closes it when it drops the port. */
static int ep_daemon_liveness_fd(const struct endpoint *ep)
{
	return to_daemon(ep)->ctl_fd;
}

static const struct endpoint_ops ep_daemon_ops = {
	.kind = "daemon",
	.trunk = true,
	.recv = ep_daemon_recv,
	.send = ep_daemon_send,
	.describe = ep_daemon_describe,
	.destroy = ep_daemon_destroy,
	.liveness_fd = ep_daemon_liveness_fd,
};

/* A name no other client of this host has: pid, a counter and the time, NUL-padded to 108. */
static void daemon_local_name(struct sockaddr_un *a)
{
	static unsigned int seq;
	struct timeval tv;
	char text[64];

	gettimeofday(&tv, NULL);
	snprintf(text, sizeof(text), "umlnet-daemon-%d-%u-%ld", (int)getpid(), seq++, (long)tv.tv_usec);
	unixsock_abstract_addr(a, text);
}

/* The handshake; returns 0 or -errno with *step naming what failed (the kernel's wording). */
static int daemon_handshake(struct ep_daemon *d, const char *ctl, const char **step)
{
	struct sockaddr_un ctl_addr;
	uint8_t req[DAEMON_REQ_V3_LEN];
	int r;

	*step = "control socket path";
	if ((r = unixsock_path_addr(&ctl_addr, ctl)))
		return r;
	*step = "control socket failed";
	d->ctl_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (d->ctl_fd < 0)
		return -errno;
	*step = "control connect failed";
	if ((r = unixsock_connect(d->ctl_fd, &ctl_addr)))
		return r;
	*step = "data bind failed";
	daemon_local_name(&d->local);
	d->ep.fd = unixsock_dgram_bind(&d->local);
	if (d->ep.fd < 0)
		return d->ep.fd;
	*step = "control setup request failed";
	daemon_request_encode_v3(req, &d->local);
	r = (int)write(d->ctl_fd, req, sizeof(req));
	if (r != (int)sizeof(req))
		return r < 0 ? -errno : -EIO;
	*step = "read of data socket failed";
	if ((r = ep_helper_read_full(d->ctl_fd, &d->data, sizeof(d->data), DAEMON_REPLY_TIMEOUT_MS)))
		return r;
	*step = "data connect failed";
	return unixsock_connect(d->ep.fd, &d->data);
}

int ep_daemon_open(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen)
{
	struct ep_daemon *d = calloc(1, sizeof(*d));
	const char *step;
	int r;

	if (!d) {
		snprintf(err, errlen, "daemon: out of memory");
		return -ENOMEM;
	}
	d->ep.ops = &ep_daemon_ops;
	d->ep.fd = d->ctl_fd = -1;
	r = daemon_handshake(d, t->ctl, &step);
	if (r) {
		snprintf(err, errlen, "daemon_open : %s (control socket '%s'): %s", step, t->ctl, strerror(-r));
		ep_daemon_destroy(&d->ep);
		return r;
	}
	d->io.fd = d->ep.fd;
	*out = &d->ep;
	return 0;
}
