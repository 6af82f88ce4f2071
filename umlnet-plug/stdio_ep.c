// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stdio_ep - the local side on stdin/stdout: each frame behind a 2-byte big-endian length, the
 * stream format of vde_plug, so `dpipe`-style plumbing and other plugs can be joined to it.
 * Reads and writes are blocking and whole-record: a writer sends a record in one go, and after
 * each record we only continue while more input is already there. A stream cannot be
 * resynchronised after a bad length or a cut record, so that error is kept and returned from then
 * on; the frames read before it are still delivered first.
 */
#include "plug.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <stdio.h>
#include <sys/uio.h>
#include <unistd.h>

static int read_exact(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t r = read(fd, buf + got, len - got);

		if (r == 0)
			return -ENOTCONN;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r > 0)
			got += (size_t)r;
	}
	return 0;
}

struct stdio_ep {
	struct endpoint ep;
	int out_fd;
	int error; /* sticky: the stream is unusable from here on */
};

static struct stdio_ep *stdio_of(struct endpoint *ep)
{
	return (struct stdio_ep *)ep;
}

/* One record into f: 0, or -errno for a stream that cannot go on. */
static int stdio_read_record(int fd, struct frame *f)
{
	uint8_t hdr[2];
	uint32_t len;
	int r;

	if ((r = read_exact(fd, hdr, 2)))
		return r;
	len = (uint32_t)hdr[0] << 8 | hdr[1];
	if (len > ENDPOINT_BUF)
		return -EBADMSG;
	if ((r = read_exact(fd, f->data, len)))
		return r;
	f->len = len;
	return 0;
}

static int stdio_recv(struct endpoint *ep, struct frame *frames, unsigned int n)
{
	struct stdio_ep *s = stdio_of(ep);
	unsigned int i;

	if (s->error)
		return s->error;
	for (i = 0; i < n; i++) {
		struct pollfd p = { .fd = ep->fd, .events = POLLIN };

		if (i && poll(&p, 1, 0) <= 0)
			break;
		if ((s->error = stdio_read_record(ep->fd, &frames[i])))
			return i ? (int)i : s->error;
	}
	return (int)i;
}

/* The whole batch in one writev: a length header and the frame per record. */
static int stdio_send(struct endpoint *ep, const struct frame *frames, unsigned int n)
{
	uint8_t hdr[ENDPOINT_BATCH][2];
	struct iovec iov[2 * ENDPOINT_BATCH];
	size_t want = 0;
	ssize_t w;

	if (n > ENDPOINT_BATCH)
		n = ENDPOINT_BATCH; /* the caller sends the rest next */
	for (unsigned int i = 0; i < n; i++) {
		hdr[i][0] = (uint8_t)(frames[i].len >> 8);
		hdr[i][1] = (uint8_t)frames[i].len;
		iov[2 * i] = (struct iovec){ hdr[i], 2 };
		iov[2 * i + 1] = (struct iovec){ frames[i].data, frames[i].len };
		want += 2 + frames[i].len;
	}
	w = writev(stdio_of(ep)->out_fd, iov, (int)(2 * n));
	if (w < 0)
		return -errno;
	return (size_t)w == want ? (int)n : -EIO;
}

static void stdio_describe(const struct endpoint *ep, char *buf, size_t len)
{
	(void)ep;
	snprintf(buf, len, "stdin/stdout");
}

static void stdio_destroy(struct endpoint *ep)
{
	free(stdio_of(ep));
}

static const struct endpoint_ops stdio_ops = {
	.kind = "stdio",
	.recv = stdio_recv,
	.send = stdio_send,
	.describe = stdio_describe,
	.destroy = stdio_destroy,
};

int plug_stdio_open(struct endpoint **out, int in_fd, int out_fd)
{
	struct stdio_ep *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->ep.ops = &stdio_ops;
	s->ep.fd = in_fd;
	s->out_fd = out_fd;
	*out = &s->ep;
	return 0;
}
