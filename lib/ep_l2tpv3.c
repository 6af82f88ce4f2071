// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ep_l2tpv3 - the peer of UML's vector l2tpv3 transport (doc/vector-transports.md §7): a static
 * L2TPv3 pseudowire carrying one Ethernet frame per datagram, over UDP (udp=1) or directly over
 * IP protocol 115 (a raw socket, CAP_NET_RAW). The header codec is l2tpv3.c; this file only
 * opens the socket and moves batches through ep_dgram with the header in each message's prefix.
 *
 * Like the kernel, the socket is bound to src (srcport 0 = ephemeral) and never connected: we
 * send to dst:dstport and accept matching packets from any source. What does not match (wrong
 * session or cookie, too short, a malformed outer IPv4 header) is dropped and counted; the
 * counts show in describe() (`uml_switchctl ports`).
 */
#include "ep_dgram.h"
#include "ep_transports.h"
#include "l2tpv3.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

_Static_assert(L2TPV3_RX_PREFIX_MAX <= EP_DGRAM_PREFIX_MAX, "ep_dgram's prefix holds our headers");

union l2tpv3_sa {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

struct ep_l2tpv3 {
	struct endpoint ep;
	struct l2tpv3 hdr;
	union l2tpv3_sa local, peer;  /* local: as bound (the real port when srcport was 0) */
	socklen_t sa_len;
	uint64_t dropped[L2TPV3_VERDICTS];
	struct ep_dgram io;
};

static struct ep_l2tpv3 *to_l2tp(const struct endpoint *ep)
{
	return (struct ep_l2tpv3 *)(uintptr_t)ep;
}

/* One recvmmsg batch, filtered in place: returns the frames kept, or -errno; *got = received. */
static int ep_l2tpv3_recv_batch(struct ep_l2tpv3 *e, struct frame *frames, unsigned int n,
				int *got)
{
	unsigned int kept = 0;

	*got = ep_dgram_recv(&e->io, frames, n);
	for (int i = 0; i < *got; i++) {
		size_t len = 0;
		enum l2tpv3_verdict v = l2tpv3_rx(&e->hdr, e->io.pad[i], e->io.rx_prefix, frames[i].data,
						  ENDPOINT_BUF, e->io.msgs[i].msg_len, &len);

		if (v != L2TPV3_OK) {
			e->dropped[v]++;
			continue;
		}
		frames[i].len = (uint32_t)len;
		kept = endpoint_keep_frame(frames, kept, (unsigned int)i);
	}
	return *got < 0 ? *got : (int)kept;
}

/* A full batch of nothing but dropped packets must not read as "nothing waits" (0): try a few
 * more batches, a bounded number so that a flood of strangers cannot hold us here. */
#define L2TPV3_RX_ROUNDS 4

static int ep_l2tpv3_recv(struct endpoint *ep, struct frame *frames, unsigned int n)
{
	struct ep_l2tpv3 *e = to_l2tp(ep);
	int kept = 0, got;

	if (n > ENDPOINT_BATCH)
		n = ENDPOINT_BATCH;
	for (int round = 0; round < L2TPV3_RX_ROUNDS; round++) {
		kept = ep_l2tpv3_recv_batch(e, frames, n, &got);
		if (kept != 0 || got < (int)n)
			break;
	}
	return kept;
}

static int ep_l2tpv3_send(struct endpoint *ep, const struct frame *frames, unsigned int n)
{
	struct ep_l2tpv3 *e = to_l2tp(ep);
	int sent;

	if (n > ENDPOINT_BATCH)
		n = ENDPOINT_BATCH;
	for (unsigned int i = 0; i < n; i++)
		l2tpv3_form(&e->hdr, e->io.pad[i]);
	sent = ep_dgram_send(&e->io, frames, n);
	l2tpv3_unform(&e->hdr, n - (sent > 0 ? (unsigned int)sent : 0));
	return sent;
}

/* "addr:port" (UDP) or "addr" (IP mode); IPv6 in brackets when a port follows. */
static void sa_format(const union l2tpv3_sa *s, bool udp, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	bool v6 = s->sa.sa_family == AF_INET6;

	inet_ntop(s->sa.sa_family, v6 ? (const void *)&s->v6.sin6_addr : (const void *)&s->v4.sin_addr,
		  a, sizeof(a));
	if (!udp)
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, v6 ? "[%s]:%u" : "%s:%u", a,
			 ntohs(v6 ? s->v6.sin6_port : s->v4.sin_port));
}

static void ep_l2tpv3_describe(const struct endpoint *ep, char *buf, size_t len)
{
	const struct ep_l2tpv3 *e = to_l2tp(ep);
	char local[INET6_ADDRSTRLEN + 8], peer[INET6_ADDRSTRLEN + 8];

	sa_format(&e->local, e->hdr.udp, local, sizeof(local));
	sa_format(&e->peer, e->hdr.udp, peer, sizeof(peer));
	snprintf(buf, len,
		 "l2tpv3 %s %s -> %s session rx 0x%08x tx 0x%08x (dropped: session %llu cookie %llu "
		 "short %llu bad-ip %llu)",
		 e->hdr.udp ? "udp" : "ip", local, peer, e->hdr.rx_session, e->hdr.tx_session,
		 (unsigned long long)e->dropped[L2TPV3_SESSION],
		 (unsigned long long)e->dropped[L2TPV3_COOKIE],
		 (unsigned long long)e->dropped[L2TPV3_SHORT],
		 (unsigned long long)e->dropped[L2TPV3_BAD_IP]);
}

static void ep_l2tpv3_destroy(struct endpoint *ep)
{
	close(ep->fd);
	free(to_l2tp(ep));
}

static const struct endpoint_ops ep_l2tpv3_ops = {
	.kind = "l2tpv3",
	.trunk = true,
	.recv = ep_l2tpv3_recv,
	.send = ep_l2tpv3_send,
	.describe = ep_l2tpv3_describe,
	.destroy = ep_l2tpv3_destroy,
};

/* The socket address of a spec address; IP mode leaves the port 0 (a raw IPv6 socket refuses
 * any other port than 0 or its protocol). */
static socklen_t sa_from(union l2tpv3_sa *s, const struct vector_addr *a, bool v6, bool udp)
{
	memset(s, 0, sizeof(*s));
	if (v6) {
		s->v6.sin6_family = AF_INET6;
		s->v6.sin6_addr = a->a.v6;
		s->v6.sin6_port = htons(udp ? a->port : 0);
		return sizeof(s->v6);
	}
	s->v4.sin_family = AF_INET;
	s->v4.sin_addr = a->a.v4;
	s->v4.sin_port = htons(udp ? a->port : 0);
	return sizeof(s->v4);
}

/* Opens and binds the socket; on error returns -errno with *step naming what failed. */
static int l2tpv3_socket(struct ep_l2tpv3 *e, const struct vector_spec *v, const char **step)
{
	int type = (v->udp ? SOCK_DGRAM : SOCK_RAW) | SOCK_NONBLOCK | SOCK_CLOEXEC;
	int fd = socket(v->v6 ? AF_INET6 : AF_INET, type, v->udp ? 0 : L2TPV3_IPPROTO);
	socklen_t len = e->sa_len;
	int err;

	*step = v->udp ? "socket" : "raw socket of IP protocol 115 (IP mode needs CAP_NET_RAW)";
	if (fd < 0)
		return -errno;
	*step = "bind src";
	if (bind(fd, &e->local.sa, e->sa_len) < 0)
		goto fail;
	*step = "getsockname";
	if (getsockname(fd, &e->local.sa, &len) < 0)
		goto fail;
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}

int ep_l2tpv3_open(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen)
{
	const struct vector_spec *v = &t->vec;
	struct ep_l2tpv3 *e = calloc(1, sizeof(*e));
	const char *step = "";
	int fd;

	if (!e) {
		snprintf(err, errlen, "l2tpv3: out of memory");
		return -ENOMEM;
	}
	e->sa_len = sa_from(&e->local, &v->local, v->v6, v->udp);
	sa_from(&e->peer, &v->peer, v->v6, v->udp);
	fd = l2tpv3_socket(e, v, &step);
	if (fd < 0) {
		char where[INET6_ADDRSTRLEN + 8];

		sa_format(&e->local, v->udp, where, sizeof(where));
		snprintf(err, errlen, "l2tpv3 src=%s: %s: %s", where, step, strerror(-fd));
		free(e);
		return fd;
	}
	l2tpv3_init(&e->hdr, v);
	e->ep.ops = &ep_l2tpv3_ops;
	e->ep.fd = fd;
	e->io.fd = fd;
	e->io.prefix = l2tpv3_hdr_len(&e->hdr);
	e->io.rx_prefix = l2tpv3_rx_prefix(&e->hdr);
	e->io.peer = &e->peer;
	e->io.peer_len = e->sa_len;
	*out = &e->ep;
	return 0;
}
