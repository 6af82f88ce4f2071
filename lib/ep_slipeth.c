// SPDX-License-Identifier: GPL-2.0-or-later
#include "ep_slipeth.h"
#include "slip.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define SLIPETH_RING 256                      /* frames waiting for recv() */
#define SLIPETH_FRAME (ETHER_HDR_LEN + SLIP_MTU)
#define SLIPETH_OUT (ENDPOINT_BATCH * SLIP_ENCODED_MAX(SLIP_MTU))
#define ETH_P_IPV4 0x0800
#define ETH_P_ARPV 0x0806
#define ARP_LEN 28

const uint8_t ep_slipeth_peer_mac[ETHER_ADDR_LEN] = { 0x02, 0x75, 0x6d, 0x6c, 0x00, 0x01 };

struct slipeth {
	struct endpoint ep;
	struct endpoint_ops ops;
	char kind[16], desc[128];
	int stream, evfd;
	bool want_out;                        /* stream in the epoll set for EPOLLOUT */
	uint8_t guest[ETHER_ADDR_LEN];
	struct slip_decoder dec;
	uint8_t ring[SLIPETH_RING][SLIPETH_FRAME];
	uint16_t ring_len[SLIPETH_RING];
	unsigned int head, count;
	uint8_t out[SLIPETH_OUT];
	size_t out_off, out_len;              /* unwritten tail of out */
	uint64_t dropped_non_ip, dropped_ring;
	ep_slipeth_cleanup_fn cleanup;
	ep_slipeth_addr_fn addr_fn;
	void *arg;
};

static struct slipeth *to_se(const struct endpoint *ep)
{
	return (struct slipeth *)(uintptr_t)ep;
}

/* A free ring slot for a frame, or NULL (counted) when the owner is not keeping up. */
static uint8_t *ring_put(struct slipeth *s, size_t len)
{
	unsigned int i;

	if (s->count == SLIPETH_RING) {
		s->dropped_ring++;
		return NULL;
	}
	i = (s->head + s->count++) % SLIPETH_RING;
	s->ring_len[i] = (uint16_t)len;
	return s->ring[i];
}

static void eth_header(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
	memcpy(f, dst, ETHER_ADDR_LEN);
	memcpy(f + ETHER_ADDR_LEN, src, ETHER_ADDR_LEN);
	f[12] = (uint8_t)(type >> 8);
	f[13] = (uint8_t)type;
}

/* slip_decode callback: one IPv4 packet from the peer becomes one frame to the guest. */
static void slipeth_from_peer(void *arg, const uint8_t *pkt, size_t len)
{
	struct slipeth *s = arg;
	uint8_t *f = ring_put(s, ETHER_HDR_LEN + len);

	if (!f)
		return;
	eth_header(f, s->guest, ep_slipeth_peer_mac, ETH_P_IPV4);
	memcpy(f + ETHER_HDR_LEN, pkt, len);
}

/* Answers an ARP request for any address except probes and announcements of the guest itself. */
static void slipeth_arp(struct slipeth *s, const uint8_t *f, uint32_t len)
{
	const uint8_t *a = f + ETHER_HDR_LEN;
	uint8_t *r;

	if (len < ETHER_HDR_LEN + ARP_LEN || a[0] != 0 || a[1] != 1 || a[2] != 8 || a[3] != 0 ||
	    a[4] != 6 || a[5] != 4 || a[6] != 0 || a[7] != 1)
		return;
	if (memcmp(a + 14, a + 24, 4) == 0 || !(a[14] | a[15] | a[16] | a[17]))
		return;
	r = ring_put(s, ETHER_HDR_LEN + ARP_LEN);
	if (!r)
		return;
	eth_header(r, a + 8, ep_slipeth_peer_mac, ETH_P_ARPV);
	memcpy(r + ETHER_HDR_LEN, a, 6);
	r[ETHER_HDR_LEN + 6] = 0;
	r[ETHER_HDR_LEN + 7] = 2;                              /* reply */
	memcpy(r + ETHER_HDR_LEN + 8, ep_slipeth_peer_mac, 6); /* sender: the peer */
	memcpy(r + ETHER_HDR_LEN + 14, a + 24, 4);             /* ... for the asked address */
	memcpy(r + ETHER_HDR_LEN + 18, a + 8, 10);             /* target: the asker */
}

static int slipeth_epoll_out(struct slipeth *s, bool on)
{
	struct epoll_event ev = { .events = EPOLLIN | (on ? EPOLLOUT : 0u), .data.fd = s->stream };

	if (s->want_out == on)
		return 0;
	s->want_out = on;
	return epoll_ctl(s->ep.fd, EPOLL_CTL_MOD, s->stream, &ev) < 0 ? -errno : 0;
}

/* Writes the pending tail; 0 when all is out, -EAGAIN when some is left, or another -errno. */
static int slipeth_flush(struct slipeth *s)
{
	while (s->out_off < s->out_len) {
		ssize_t w = write(s->stream, s->out + s->out_off, s->out_len - s->out_off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				slipeth_epoll_out(s, true);
				return -EAGAIN;
			}
			return -errno;
		}
		s->out_off += (size_t)w;
	}
	s->out_off = s->out_len = 0;
	return slipeth_epoll_out(s, false);
}

static void slipeth_signal(struct slipeth *s)
{
	uint64_t v = 1;

	if (s->count && write(s->evfd, &v, sizeof(v)) < 0) {
		/* cannot fail short of counter overflow: it is reset whenever the ring empties */
	}
}

static int slipeth_send(struct endpoint *ep, const struct frame *frames, unsigned int n)
{
	struct slipeth *s = to_se(ep);
	unsigned int i;
	int r = slipeth_flush(s);

	if (r == -EAGAIN)
		return 0;
	if (r)
		return r;
	if (n > ENDPOINT_BATCH)
		n = ENDPOINT_BATCH;
	for (i = 0; i < n; i++) {
		const uint8_t *f = frames[i].data;
		uint32_t len = frames[i].len;
		uint16_t type;

		if (len < ETHER_HDR_LEN) {
			s->dropped_non_ip++;
			continue;
		}
		memcpy(s->guest, ether_src(f), ETHER_ADDR_LEN);
		type = (uint16_t)(f[12] << 8 | f[13]);
		if (type == ETH_P_ARPV)
			slipeth_arp(s, f, len);
		else if (type == ETH_P_IPV4 && len - ETHER_HDR_LEN <= SLIP_MTU)
			s->out_len += slip_encode(f + ETHER_HDR_LEN, len - ETHER_HDR_LEN, s->out + s->out_len);
		else
			s->dropped_non_ip++;
	}
	slipeth_signal(s);
	r = slipeth_flush(s);
	return r == 0 || r == -EAGAIN ? (int)i : r;
}

/* Reads from the stream until at least one packet is complete (or nothing is left to read), only
 * when the ring is empty: a 4 KiB read yields at most ~200 real packets, within the ring. */
static int slipeth_fill(struct slipeth *s)
{
	uint8_t buf[4096];

	while (s->count == 0) {
		ssize_t r = read(s->stream, buf, sizeof(buf));

		if (r == 0)
			return -ENOTCONN; /* the peer closed the line */
		if (r < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		slip_decode(&s->dec, buf, (size_t)r, slipeth_from_peer, s);
	}
	return 0;
}

static int slipeth_recv(struct endpoint *ep, struct frame *frames, unsigned int n)
{
	struct slipeth *s = to_se(ep);
	unsigned int got = 0;
	uint64_t v;
	int r;

	if (s->want_out && (r = slipeth_flush(s)) && r != -EAGAIN)
		return r;
	r = slipeth_fill(s);
	while (got < n && s->count) {
		memcpy(frames[got].data, s->ring[s->head], s->ring_len[s->head]);
		frames[got++].len = s->ring_len[s->head];
		s->head = (s->head + 1) % SLIPETH_RING;
		s->count--;
	}
	if (!s->count && read(s->evfd, &v, sizeof(v)) < 0)
		v = 0; /* nothing was signalled */
	if (got)
		return (int)got;
	return r;
}

static void slipeth_describe(const struct endpoint *ep, char *buf, size_t len)
{
	const struct slipeth *s = to_se(ep);

	snprintf(buf, len, "%s (non-IPv4 dropped %llu, queue overflows %llu, oversize %llu)", s->desc,
		 (unsigned long long)s->dropped_non_ip, (unsigned long long)s->dropped_ring,
		 (unsigned long long)s->dec.dropped_oversize);
}

static void slipeth_destroy(struct endpoint *ep)
{
	struct slipeth *s = to_se(ep);

	close(ep->fd);
	close(s->evfd);
	close(s->stream);
	if (s->cleanup)
		s->cleanup(s->arg);
	free(s);
}

static int slipeth_setup(struct slipeth *s)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = s->stream };
	int fl = fcntl(s->stream, F_GETFL);

	if (fl < 0 || fcntl(s->stream, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	s->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (s->evfd < 0)
		return -errno;
	s->ep.fd = epoll_create1(EPOLL_CLOEXEC);
	if (s->ep.fd < 0)
		return -errno;
	if (epoll_ctl(s->ep.fd, EPOLL_CTL_ADD, s->stream, &ev) < 0)
		return -errno;
	ev.data.fd = s->evfd;
	return epoll_ctl(s->ep.fd, EPOLL_CTL_ADD, s->evfd, &ev) < 0 ? -errno : 0;
}

int ep_slipeth_new(int stream_fd, const char *kind, const char *desc, ep_slipeth_cleanup_fn cleanup,
		   void *arg, struct endpoint **out)
{
	struct slipeth *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	s->stream = stream_fd;
	s->evfd = s->ep.fd = -1;
	r = slipeth_setup(s);
	if (r) {
		if (s->ep.fd >= 0)
			close(s->ep.fd);
		if (s->evfd >= 0)
			close(s->evfd);
		free(s);
		return r;
	}
	snprintf(s->kind, sizeof(s->kind), "%s", kind);
	snprintf(s->desc, sizeof(s->desc), "%s", desc);
	s->ops = (struct endpoint_ops){ .kind = s->kind, .recv = slipeth_recv, .send = slipeth_send,
					.describe = slipeth_describe, .destroy = slipeth_destroy };
	s->ep.ops = &s->ops;
	memset(s->guest, 0xff, sizeof(s->guest));
	slip_decoder_init(&s->dec);
	s->cleanup = cleanup;
	s->arg = arg;
	*out = &s->ep;
	return 0;
}

static int slipeth_addr_change(struct endpoint *ep, bool add, uint32_t addr_be, uint32_t mask_be,
			       char *msg, size_t msglen)
{
	struct slipeth *s = to_se(ep);

	return s->addr_fn(s->arg, add, addr_be, mask_be, msg, msglen);
}

void ep_slipeth_set_addr_hook(struct endpoint *ep, ep_slipeth_addr_fn fn)
{
	struct slipeth *s = to_se(ep);

	s->addr_fn = fn;
	s->ops.addr_change = fn ? slipeth_addr_change : NULL;
}
