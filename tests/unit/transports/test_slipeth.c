// SPDX-License-Identifier: GPL-2.0-or-later
/* ep_slipeth: Ethernet on one side, SLIP-framed IPv4 on a stream on the other; ARP answered. */
#include "ep_slipeth.h"
#include "slip.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define TESTS(X) X(test_arp_answered) X(test_arp_announcement_ignored) X(test_ipv4_to_slip) \
	X(test_slip_to_ethernet) X(test_non_ipv4_dropped) X(test_peer_close)
#include "check.h"

static const uint8_t guest_mac[6] = { 0xfe, 0xfd, 10, 0, 2, 15 };

struct pair {
	struct endpoint *ep;
	int far;
};

static void pair_open(struct pair *p)
{
	int sv[2];

	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ(ep_slipeth_new(sv[0], "slirp", "test", NULL, NULL, &p->ep), 0);
	p->far = sv[1];
}

static void pair_close(struct pair *p)
{
	endpoint_destroy(p->ep);
	close(p->far);
}

static bool readable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 200) == 1;
}

static size_t arp_request(uint8_t *f, const uint8_t sip[4], const uint8_t tip[4])
{
	static const uint8_t head[8] = { 0, 1, 8, 0, 6, 4, 0, 1 };

	memset(f, 0xff, 6);
	memcpy(f + 6, guest_mac, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	memcpy(f + 14, head, 8);
	memcpy(f + 22, guest_mac, 6);
	memcpy(f + 28, sip, 4);
	memset(f + 32, 0, 6);
	memcpy(f + 38, tip, 4);
	return 42;
}

static int recv_one(struct endpoint *ep, uint8_t *buf)
{
	struct frame f = { buf, 0 };
	int n = ep->ops->recv(ep, &f, 1);

	return n == 1 ? (int)f.len : n;
}

static void test_arp_answered(void)
{
	static const uint8_t me[4] = { 10, 0, 2, 15 }, gw[4] = { 10, 0, 2, 2 };
	uint8_t req[64], rep[ENDPOINT_BUF];
	struct frame f = { req, 0 };
	struct pair p;

	pair_open(&p);
	f.len = (uint32_t)arp_request(req, me, gw);
	CHECK_EQ(p.ep->ops->send(p.ep, &f, 1), 1);
	CHECK(readable(p.ep->fd));
	CHECK_EQ(recv_one(p.ep, rep), 42);
	CHECK(memcmp(rep, guest_mac, 6) == 0);                   /* to the asker */
	CHECK(memcmp(rep + 6, ep_slipeth_peer_mac, 6) == 0);
	CHECK(rep[12] == 0x08 && rep[13] == 0x06 && rep[21] == 2); /* ARP reply */
	CHECK(memcmp(rep + 22, ep_slipeth_peer_mac, 6) == 0);
	CHECK(memcmp(rep + 28, gw, 4) == 0);                     /* "10.0.2.2 is at peer" */
	CHECK(memcmp(rep + 32, guest_mac, 6) == 0 && memcmp(rep + 38, me, 4) == 0);
	CHECK_EQ(recv_one(p.ep, rep), 0);
	CHECK(!readable(p.ep->fd));                              /* queue empty: quiet again */
	pair_close(&p);
}

static void test_arp_announcement_ignored(void)
{
	static const uint8_t me[4] = { 10, 0, 2, 15 }, zero[4] = { 0 };
	uint8_t req[64], rep[ENDPOINT_BUF];
	struct frame f = { req, 0 };
	struct pair p;

	pair_open(&p);
	f.len = (uint32_t)arp_request(req, me, me);   /* gratuitous */
	CHECK_EQ(p.ep->ops->send(p.ep, &f, 1), 1);
	f.len = (uint32_t)arp_request(req, zero, me); /* duplicate address probe */
	CHECK_EQ(p.ep->ops->send(p.ep, &f, 1), 1);
	CHECK_EQ(recv_one(p.ep, rep), 0);
	pair_close(&p);
}

struct got {
	size_t n, len;
	uint8_t pkt[SLIP_MTU];
};

static void on_packet(void *arg, const uint8_t *pkt, size_t len)
{
	struct got *g = arg;

	g->n++;
	g->len = len;
	memcpy(g->pkt, pkt, len);
}

static void test_ipv4_to_slip(void)
{
	uint8_t frame[14 + 40], wire[256];
	struct frame f = { frame, sizeof(frame) };
	struct slip_decoder d;
	struct got g = { 0 };
	struct pair p;
	ssize_t n;

	pair_open(&p);
	memset(frame, 0, sizeof(frame));
	frame[12] = 0x08;
	frame[14] = 0x45;
	frame[20] = SLIP_END; /* bytes that need escaping */
	frame[21] = SLIP_ESC;
	CHECK_EQ(p.ep->ops->send(p.ep, &f, 1), 1);
	n = read(p.far, wire, sizeof(wire));
	CHECK(n > 40);
	CHECK(wire[0] == SLIP_END);
	slip_decoder_init(&d);
	slip_decode(&d, wire, (size_t)n, on_packet, &g);
	CHECK_EQ(g.n, 1);
	CHECK_EQ(g.len, 40);
	CHECK(memcmp(g.pkt, frame + 14, 40) == 0);
	pair_close(&p);
}

static void test_slip_to_ethernet(void)
{
	uint8_t pkt[60], wire[SLIP_ENCODED_MAX(60)], buf[ENDPOINT_BUF], arp[64];
	static const uint8_t me[4] = { 10, 0, 2, 15 }, gw[4] = { 10, 0, 2, 2 };
	struct frame f = { arp, 0 };
	struct pair p;
	size_t w;

	pair_open(&p);
	/* The guest's MAC is learnt from what it sends (here an ARP request). */
	f.len = (uint32_t)arp_request(arp, me, gw);
	CHECK_EQ(p.ep->ops->send(p.ep, &f, 1), 1);
	CHECK_EQ(recv_one(p.ep, buf), 42);
	for (size_t i = 0; i < sizeof(pkt); i++)
		pkt[i] = (uint8_t)(i * 7);
	pkt[0] = 0x45;
	w = slip_encode(pkt, sizeof(pkt), wire);
	/* split across two writes: the decoder must keep state */
	CHECK_EQ(write(p.far, wire, 10), 10);
	CHECK_EQ(write(p.far, wire + 10, w - 10), (ssize_t)(w - 10));
	CHECK(readable(p.ep->fd));
	CHECK_EQ(recv_one(p.ep, buf), 14 + 60);
	CHECK(memcmp(buf, guest_mac, 6) == 0);
	CHECK(memcmp(buf + 6, ep_slipeth_peer_mac, 6) == 0);
	CHECK(buf[12] == 0x08 && buf[13] == 0x00);
	CHECK(memcmp(buf + 14, pkt, 60) == 0);
	pair_close(&p);
}

static void test_non_ipv4_dropped(void)
{
	uint8_t frame[14 + 40] = { 0 };
	struct frame f = { frame, sizeof(frame) };
	struct pollfd pfd;
	struct pair p;

	pair_open(&p);
	frame[12] = 0x86;
	frame[13] = 0xdd; /* IPv6 */
	CHECK_EQ(p.ep->ops->send(p.ep, &f, 1), 1); /* taken (and dropped), not refused */
	pfd = (struct pollfd){ .fd = p.far, .events = POLLIN };
	CHECK_EQ(poll(&pfd, 1, 100), 0);
	pair_close(&p);
}

static void test_peer_close(void)
{
	uint8_t buf[ENDPOINT_BUF];
	struct pair p;

	pair_open(&p);
	close(p.far);
	CHECK(readable(p.ep->fd));
	CHECK_EQ(recv_one(p.ep, buf), -ENOTCONN);
	p.far = -1;
	endpoint_destroy(p.ep);
}
