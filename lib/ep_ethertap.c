// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ep_ethertap - UML's ethertap transport (doc/transports.md §2, doc/helper-protocol.md §2): the helper
 * `uml_net 4 ethertap <dev> <data-fd> [<gate>]` is the I/O relay. It gets a datagram socketpair
 * end by number (each datagram: 2 opaque bytes + one Ethernet frame) and a stream socketpair end
 * as fd 1 (control: a status byte 1, an output record, then address-change replies). The helper
 * runs as long as the endpoint; closing our ends makes it exit. The control stream doubles as
 * liveness: readable means the helper is gone (address changes read their answers synchronously,
 * so nothing else is left waiting there).
 */
#include "ep_dgram.h"
#include "ep_helper.h"
#include "ep_transports.h"
#include "ethertap_wire.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define ETHERTAP_PREFIX 2
#define ETHERTAP_TIMEOUT_MS 10000

struct ep_ethertap {
	struct endpoint ep;
	int ctl_fd;
	pid_t pid;
	char dev[TRANSPORT_IFNAMSIZ];
	struct ep_dgram io;
};

static struct ep_ethertap *to_etap(const struct endpoint *ep)
{
	return (struct ep_ethertap *)(uintptr_t)ep;
}

static int ep_ethertap_recv(struct endpoint *ep, struct frame *frames, unsigned int n)
{
	return ep_dgram_recv(&to_etap(ep)->io, frames, n);
}

static int ep_ethertap_send(struct endpoint *ep, const struct frame *frames, unsigned int n)
{
	return ep_dgram_send(&to_etap(ep)->io, frames, n);
}

static void ep_ethertap_describe(const struct endpoint *ep, char *buf, size_t len)
{
	snprintf(buf, len, "ethertap %s (uml_net pid %d)", to_etap(ep)->dev, (int)to_etap(ep)->pid);
}

static void ep_ethertap_destroy(struct endpoint *ep)
{
	struct ep_ethertap *e = to_etap(ep);

	if (ep->fd >= 0) {
		shutdown(ep->fd, SHUT_RDWR);
		close(ep->fd);
	}
	if (e->ctl_fd >= 0) {
		shutdown(e->ctl_fd, SHUT_RDWR);
		close(e->ctl_fd);
	}
	if (e->pid > 0)
		ep_helper_wait(e->pid, 2000);
	free(e);
}

/* Sends one change on the control stream and reads the helper's output record for it. */
static int ep_ethertap_addr_change(struct endpoint *ep, bool add, uint32_t addr_be, uint32_t mask_be,
				   char *msg, size_t msglen)
{
	struct ep_ethertap *e = to_etap(ep);
	struct ethertap_change c = { .what = add ? ETHERTAP_CHANGE_ADD : ETHERTAP_CHANGE_DEL };
	ssize_t n;
	int r;

	memcpy(c.addr, &addr_be, sizeof(c.addr));
	memcpy(c.mask, &mask_be, sizeof(c.mask));
	msg[0] = 0;
	n = send(e->ctl_fd, &c, sizeof(c), MSG_NOSIGNAL);
	if (n < 0)
		return -errno;
	if (n != (ssize_t)sizeof(c))
		return -EIO;
	r = ep_helper_read_output(e->ctl_fd, msg, msglen, ETHERTAP_TIMEOUT_MS);
	ep_helper_one_line(msg);
	return r;
}

/* The helper's control stream: EOF when the helper is gone. */
static int ep_ethertap_liveness_fd(const struct endpoint *ep)
{
	return to_etap(ep)->ctl_fd;
}

static const struct endpoint_ops ep_ethertap_ops = {
	.kind = "ethertap",
	.recv = ep_ethertap_recv,
	.send = ep_ethertap_send,
	.describe = ep_ethertap_describe,
	.destroy = ep_ethertap_destroy,
	.addr_change = ep_ethertap_addr_change,
	.liveness_fd = ep_ethertap_liveness_fd,
};

/* Starts the helper and reads its status; returns 0 or -errno with text/step set. */
static int ethertap_start(struct ep_ethertap *e, const struct transport_spec *t, char *text,
			  size_t textlen, const char **step)
{
	int data[2], ctl[2], r;
	char fdnum[16];
	uint8_t status = 0;
	const char *argv[] = { "uml_net", "4", "ethertap", t->dev, fdnum, t->gate[0] ? t->gate : NULL,
			       NULL };

	*step = "socketpair";
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, data) < 0)
		return -errno;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ctl) < 0) {
		r = -errno;
		close(data[0]);
		close(data[1]);
		return r;
	}
	e->ep.fd = data[0];
	e->ctl_fd = ctl[0];
	snprintf(fdnum, sizeof(fdnum), "%d", data[1]);
	*step = "failed to exec uml_net on host";
	e->pid = ep_helper_spawn(argv, -1, ctl[1], data[1]);
	close(data[1]);
	close(ctl[1]);
	if (e->pid < 0)
		return (int)e->pid;
	*step = "read of status failed";
	if ((r = ep_helper_read_full(e->ctl_fd, &status, 1, ETHERTAP_TIMEOUT_MS)))
		return r;
	*step = "reading the helper's output";
	r = ep_helper_read_output(e->ctl_fd, text, textlen, ETHERTAP_TIMEOUT_MS);
	*step = "uml_net failed";
	return status == 1 ? r : -EPROTO;
}

int ep_ethertap_open(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen)
{
	struct ep_ethertap *e = calloc(1, sizeof(*e));
	char text[512] = "";
	const char *step;
	int r;

	if (!e) {
		snprintf(err, errlen, "ethertap: out of memory");
		return -ENOMEM;
	}
	e->ep.ops = &ep_ethertap_ops;
	e->ep.fd = e->ctl_fd = -1;
	snprintf(e->dev, sizeof(e->dev), "%s", t->dev);
	r = ethertap_start(e, t, text, sizeof(text), &step);
	if (r) {
		ep_helper_one_line(text);
		snprintf(err, errlen, "ethertap %s: %s: %s%s%s", t->dev, step, strerror(-r),
			 text[0] ? ": " : "", text);
		ep_ethertap_destroy(&e->ep);
		return r;
	}
	e->io.fd = e->ep.fd;
	e->io.prefix = ETHERTAP_PREFIX;
	*out = &e->ep;
	return 0;
}
