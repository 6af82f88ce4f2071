// SPDX-License-Identifier: GPL-2.0-or-later
#include "ep_dgram.h"

#include <errno.h>
#include <string.h>

static size_t ep_dgram_rx_prefix(const struct ep_dgram *d)
{
	return d->rx_prefix ? d->rx_prefix : d->prefix;
}

static void ep_dgram_prepare(struct ep_dgram *d, unsigned int i, size_t prefix, void *data,
			     size_t len)
{
	struct iovec *iov = d->iov[i];
	int k = 0;

	if (prefix)
		iov[k++] = (struct iovec){ d->pad[i], prefix };
	iov[k++] = (struct iovec){ data, len };
	d->msgs[i].msg_hdr = (struct msghdr){ .msg_iov = iov, .msg_iovlen = (size_t)k };
	d->msgs[i].msg_len = 0;
}

int ep_dgram_recv(struct ep_dgram *d, struct frame *frames, unsigned int n)
{
	size_t prefix = ep_dgram_rx_prefix(d);
	int got;

	if (n > ENDPOINT_BATCH)
		n = ENDPOINT_BATCH;
	for (unsigned int i = 0; i < n; i++)
		ep_dgram_prepare(d, i, prefix, frames[i].data, ENDPOINT_BUF);
	/* MSG_TRUNC: msg_len is the real datagram length, so an oversize frame is visible. */
	got = recvmmsg(d->fd, d->msgs, n, MSG_DONTWAIT | MSG_TRUNC, NULL);
	if (got < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	for (int i = 0; i < got; i++) {
		uint32_t len = d->msgs[i].msg_len;

		frames[i].len = len > prefix ? len - (uint32_t)prefix : 0;
	}
	return got;
}

/* One frame without a prefix: plain sendto() costs the kernel less than a one-message sendmmsg
 * (no message vector to copy in), and with many ports most sends are single frames. */
static int ep_dgram_send_one(struct ep_dgram *d, const struct frame *f)
{
	if (sendto(d->fd, f->data, f->len, MSG_DONTWAIT | MSG_NOSIGNAL, d->peer,
		   d->peer ? d->peer_len : 0) >= 0)
		return 1;
	return errno == EAGAIN || errno == ENOBUFS || errno == EINTR ? 0 : -errno;
}

int ep_dgram_send(struct ep_dgram *d, const struct frame *frames, unsigned int n)
{
	int sent;

	if (n == 1 && !d->prefix)
		return ep_dgram_send_one(d, frames);
	if (n > ENDPOINT_BATCH)
		n = ENDPOINT_BATCH;
	for (unsigned int i = 0; i < n; i++) {
		ep_dgram_prepare(d, i, d->prefix, frames[i].data, frames[i].len);
		d->msgs[i].msg_hdr.msg_name = (void *)(uintptr_t)d->peer;
		d->msgs[i].msg_hdr.msg_namelen = d->peer ? d->peer_len : 0;
	}
	sent = sendmmsg(d->fd, d->msgs, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (sent < 0)
		return errno == EAGAIN || errno == ENOBUFS || errno == EINTR ? 0 : -errno;
	return sent;
}
