// SPDX-License-Identifier: GPL-2.0-or-later
/* ep_stream - QEMU's length-prefixed stream framing; see ep_stream.h for the theory of operation. */
#include "ep_stream.h"
#include "ep_transports.h"
#include "sockaddr_any.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define EP_STREAM_HDR 4
#define EP_STREAM_PEEK (64 * 1024)

/* The record being read piecewise: its length field, then its frame (the first ENDPOINT_BUF
 * bytes kept, the rest of an oversize one skipped). */
struct ep_stream_rec {
	bool active;
	uint8_t hdr[EP_STREAM_HDR];
	uint32_t hdr_got, len, got;
	uint8_t data[ENDPOINT_BUF];
};

struct ep_stream {
	struct endpoint ep;
	char desc[200];
	char broken[80];        /* why the connection ended for bad framing, "" while fine */
	uint64_t *bad;
	struct ep_stream_rec rec;
	uint8_t peek[EP_STREAM_PEEK];
	/* The record a short write cut: out[0..out_len) with out_off of it written. sent_ahead:
	 * it was finished after being reported as not taken (see ep_stream.h). */
	uint8_t out[EP_STREAM_HDR + ENDPOINT_BUF];
	size_t out_off, out_len, ahead_len;
	bool sent_ahead;
};

static struct ep_stream *to_stream(const struct endpoint *ep)
{
	return (struct ep_stream *)(uintptr_t)ep;
}

static uint32_t ep_stream_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int ep_stream_bad(struct ep_stream *s, uint32_t len)
{
	snprintf(s->broken, sizeof(s->broken), "frame length %u (allowed 1..%u)", len,
		 EP_STREAM_FRAME_MAX);
	if (s->bad)
		(*s->bad)++;
	return -EPROTO;
}

static bool ep_stream_len_ok(uint32_t len)
{
	return len != 0 && len <= EP_STREAM_FRAME_MAX;
}

/* Complete records at the start of p[0..n) that fit frames[*got..max), copied out; returns the
 * bytes they took, or -EPROTO at a bad length. Stops at a partial or oversize record. */
static long ep_stream_take(struct ep_stream *s, const uint8_t *p, size_t n, struct frame *frames,
			   unsigned int *got, unsigned int max)
{
	size_t off = 0;

	while (*got < max && n - off >= EP_STREAM_HDR) {
		uint32_t len = ep_stream_be32(p + off);

		if (!ep_stream_len_ok(len))
			return ep_stream_bad(s, len);
		if (len > ENDPOINT_BUF || n - off - EP_STREAM_HDR < len)
			break;
		memcpy(frames[*got].data, p + off + EP_STREAM_HDR, len);
		frames[(*got)++].len = len;
		off += EP_STREAM_HDR + len;
	}
	return (long)off;
}

/* Reads the record in progress on, never past its end. 1: complete, 0: the socket has no more
 * yet, -errno (-ENOTCONN at EOF, -EPROTO at a bad length). */
static int ep_stream_continue(struct ep_stream *s)
{
	struct ep_stream_rec *r = &s->rec;

	for (;;) {
		uint8_t *dst;
		size_t want;
		ssize_t m;

		if (r->hdr_got < EP_STREAM_HDR) {
			dst = r->hdr + r->hdr_got;
			want = EP_STREAM_HDR - r->hdr_got;
		} else if (r->got == r->len) {
			return 1;
		} else if (r->got < ENDPOINT_BUF) {
			dst = r->data + r->got;
			want = (r->len < ENDPOINT_BUF ? r->len : ENDPOINT_BUF) - r->got;
		} else {
			dst = s->peek; /* skipped bytes of an oversize frame */
			want = r->len - r->got < sizeof(s->peek) ? r->len - r->got : sizeof(s->peek);
		}
		m = read(s->ep.fd, dst, want);
		if (m == 0)
			return -ENOTCONN;
		if (m < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		if (r->hdr_got < EP_STREAM_HDR) {
			r->hdr_got += (uint32_t)m;
			r->len = ep_stream_be32(r->hdr);
			if (r->hdr_got == EP_STREAM_HDR && !ep_stream_len_ok(r->len))
				return ep_stream_bad(s, r->len);
		} else {
			r->got += (uint32_t)m;
		}
	}
}

/* Drops n bytes the caller has peeked at and used. */
static int ep_stream_consume(struct ep_stream *s, size_t n)
{
	while (n) {
		ssize_t m = read(s->ep.fd, s->peek, n);

		if (m <= 0)
			return m == 0 ? -ENOTCONN : errno == EINTR ? 0 : -errno;
		n -= (size_t)m;
	}
	return 0;
}

/* One step of recv(): the record in progress, or the complete records waiting. 1: go on,
 * 0: nothing more waits, -errno. */
static int ep_stream_step(struct ep_stream *s, struct frame *frames, unsigned int *got,
			  unsigned int n)
{
	struct ep_stream_rec *r = &s->rec;
	ssize_t m;
	long used;
	int st;

	if (r->active) {
		if ((st = ep_stream_continue(s)) <= 0)
			return st;
		memcpy(frames[*got].data, r->data, r->len < ENDPOINT_BUF ? r->len : ENDPOINT_BUF);
		frames[(*got)++].len = r->len; /* > ENDPOINT_BUF: the owner counts it oversize */
		r->active = false;
		return 1;
	}
	m = recv(s->ep.fd, s->peek, sizeof(s->peek), MSG_PEEK | MSG_DONTWAIT);
	if (m <= 0)
		return m == 0 ? -ENOTCONN : errno == EAGAIN || errno == EINTR ? 0 : -errno;
	used = ep_stream_take(s, s->peek, (size_t)m, frames, got, n);
	if (used < 0)
		return (int)used;
	if (used == 0) /* a record that is partial or oversize comes first: read it piecewise */
		*r = (struct ep_stream_rec){ .active = true };
	else if ((st = ep_stream_consume(s, (size_t)used)) < 0)
		return st;
	return 1;
}

static int ep_stream_recv(struct endpoint *ep, struct frame *frames, unsigned int n)
{
	struct ep_stream *s = to_stream(ep);
	unsigned int got = 0;
	int st = 1;

	if (s->broken[0])
		return -EPROTO;
	while (got < n && (st = ep_stream_step(s, frames, &got, n)) > 0)
		;
	/* Frames already taken go first; an error (EOF, bad framing) shows at the next call. */
	return got ? (int)got : st;
}

/* Writes the rest of a cut record. 1: done, 0: the socket is still full, -errno. */
static int ep_stream_flush(struct ep_stream *s)
{
	while (s->out_off < s->out_len) {
		ssize_t w = send(s->ep.fd, s->out + s->out_off, s->out_len - s->out_off,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (w < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		s->out_off += (size_t)w;
	}
	s->ahead_len = s->out_len;
	s->out_len = s->out_off = 0;
	s->sent_ahead = true;
	return 1;
}

/* Keeps a record a short write cut after `done` of its bytes; the rest goes first next time. */
static void ep_stream_cut(struct ep_stream *s, const uint8_t *hdr, const struct frame *f, size_t done)
{
	memcpy(s->out, hdr, EP_STREAM_HDR);
	memcpy(s->out + EP_STREAM_HDR, f->data, f->len);
	s->out_len = EP_STREAM_HDR + f->len;
	s->out_off = done;
}

static int ep_stream_write(struct ep_stream *s, const struct frame *frames, unsigned int n)
{
	uint8_t hdr[ENDPOINT_BATCH][EP_STREAM_HDR];
	struct iovec iov[2 * ENDPOINT_BATCH];
	struct msghdr mh = { .msg_iov = iov };
	ssize_t w;

	if (n > ENDPOINT_BATCH)
		n = ENDPOINT_BATCH;
	for (unsigned int i = 0; i < n; i++) {
		uint32_t len = frames[i].len;

		hdr[i][0] = (uint8_t)(len >> 24);
		hdr[i][1] = (uint8_t)(len >> 16);
		hdr[i][2] = (uint8_t)(len >> 8);
		hdr[i][3] = (uint8_t)len;
		iov[2 * i] = (struct iovec){ hdr[i], EP_STREAM_HDR };
		iov[2 * i + 1] = (struct iovec){ frames[i].data, len };
	}
	mh.msg_iovlen = 2 * (size_t)n;
	w = sendmsg(s->ep.fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (w < 0)
		return errno == EAGAIN || errno == EINTR || errno == ENOBUFS ? 0 : -errno;
	for (unsigned int i = 0; i < n; i++) {
		size_t rec = EP_STREAM_HDR + frames[i].len;

		if ((size_t)w < rec) {
			if (w > 0)
				ep_stream_cut(s, hdr[i], &frames[i], (size_t)w);
			return (int)i;
		}
		w -= (ssize_t)rec;
	}
	return (int)n;
}

static int ep_stream_send(struct endpoint *ep, const struct frame *frames, unsigned int n)
{
	struct ep_stream *s = to_stream(ep);
	unsigned int skip = 0;
	int r;

	if (s->out_len && (r = ep_stream_flush(s)) <= 0)
		return r;
	if (s->sent_ahead && n) {
		s->sent_ahead = false;
		skip = frames[0].len + EP_STREAM_HDR == s->ahead_len &&
		       memcmp(frames[0].data, s->out + EP_STREAM_HDR, frames[0].len) == 0;
	}
	if (skip == n)
		return (int)n;
	r = ep_stream_write(s, frames + skip, n - skip);
	return r < 0 ? (skip ? (int)skip : r) : r + (int)skip;
}

static void ep_stream_describe(const struct endpoint *ep, char *buf, size_t len)
{
	const struct ep_stream *s = to_stream(ep);

	snprintf(buf, len, "%s%s%s", s->desc, s->broken[0] ? ": closed: " : "", s->broken);
}

static void ep_stream_destroy(struct endpoint *ep)
{
	close(ep->fd);
	free(to_stream(ep));
}

static const struct endpoint_ops ep_stream_ops = {
	.kind = "stream",
	.recv = ep_stream_recv,
	.send = ep_stream_send,
	.describe = ep_stream_describe,
	.destroy = ep_stream_destroy,
};

int ep_stream_new(int fd, const char *what, uint64_t *bad, struct endpoint **out)
{
	struct ep_stream *s = calloc(1, sizeof(*s));
	int one = 1, fl = fcntl(fd, F_GETFL);

	if (!s)
		return -ENOMEM;
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		free(s);
		return -errno;
	}
	/* QEMU's own TCP client does the same: one frame must not wait for the next. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	s->ep.ops = &ep_stream_ops;
	s->ep.fd = fd;
	s->bad = bad;
	snprintf(s->desc, sizeof(s->desc), "%s", what);
	*out = &s->ep;
	return 0;
}

void ep_stream_addr_text(const struct vector_spec *v, char *buf, size_t len)
{
	union sockaddr_any sa;

	if (v->listen)
		sockaddr_any_from(&sa, &v->local, v->src);
	else
		sockaddr_any_from(&sa, &v->peer, v->dst);
	sockaddr_any_text(&sa, buf, len);
}

int ep_stream_connect(const struct vector_spec *v)
{
	union sockaddr_any sa;
	int alen = sockaddr_any_from(&sa, &v->peer, v->dst), fd, err;

	if (alen < 0)
		return alen;
	fd = socket(sa.sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, &sa.sa, (socklen_t)alen) == 0 || errno == EINPROGRESS)
		return fd;
	err = -errno;
	close(fd);
	return err;
}

int ep_stream_connected(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	int soerr = 0;
	socklen_t len = sizeof(soerr);

	if (poll(&pfd, 1, 0) == 0)
		return 0;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
		return -errno;
	return soerr ? -soerr : 1;
}

/* transport=stream in a plug or as a switch's client port without reconnection: connect once and
 * wait for the answer (a connect that is still pending fails the open). */
int ep_stream_open(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen)
{
	char where[160], what[200];
	struct pollfd pfd;
	int fd, r;

	ep_stream_addr_text(&t->vec, where, sizeof(where));
	if (t->vec.listen) {
		snprintf(err, errlen, "stream: listen=%s is served by uml_switch -port, not here", where);
		return -EPROTONOSUPPORT;
	}
	fd = ep_stream_connect(&t->vec);
	if (fd >= 0) {
		pfd = (struct pollfd){ .fd = fd, .events = POLLOUT };
		poll(&pfd, 1, 5000);
		if ((r = ep_stream_connected(fd)) <= 0) {
			close(fd);
			fd = r ? r : -ETIMEDOUT;
		}
	}
	if (fd < 0) {
		snprintf(err, errlen, "stream: connect to '%s': %s", where, strerror(-fd));
		return fd;
	}
	snprintf(what, sizeof(what), "stream to %s", where);
	if ((r = ep_stream_new(fd, what, NULL, out)) < 0) {
		close(fd);
		snprintf(err, errlen, "stream: %s", strerror(-r));
	}
	return r;
}
