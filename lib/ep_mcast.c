// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ep_mcast - UML's mcast transport (doc/transports.md §5): one Ethernet frame per UDP datagram to
 * group:port, the socket set up exactly as the kernel does (SO_REUSEADDR, multicast TTL, loop
 * on, bound to group:port, joined on INADDR_ANY), so UML guests and this endpoint share a group.
 *
 * Because loop is on, every member gets its own frames back. Their source address cannot tell
 * them apart (all members on a host send from the same address and port), so we remember the
 * source MACs of the frames we sent (and our configured MAC) and drop received frames from them.
 */
#include "ep_dgram.h"
#include "ep_transports.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MCAST_OWN_SLOTS 64 /* direct-mapped set of our own source MACs */

struct ep_mcast {
	struct endpoint ep;
	struct sockaddr_in group;
	struct ep_dgram io;
	uint8_t own[MCAST_OWN_SLOTS][ETHER_ADDR_LEN];
	uint64_t own_dropped;
};

static struct ep_mcast *to_mcast(const struct endpoint *ep)
{
	return (struct ep_mcast *)(uintptr_t)ep;
}

static unsigned int own_slot(const uint8_t *mac)
{
	return (unsigned int)(mac[3] ^ mac[4] * 7u ^ mac[5] * 31u) % MCAST_OWN_SLOTS;
}

static void own_add(struct ep_mcast *m, const uint8_t *mac)
{
	memcpy(m->own[own_slot(mac)], mac, ETHER_ADDR_LEN);
}

static bool own_has(const struct ep_mcast *m, const uint8_t *mac)
{
	return memcmp(m->own[own_slot(mac)], mac, ETHER_ADDR_LEN) == 0;
}

static int ep_mcast_recv(struct endpoint *ep, struct frame *frames, unsigned int n)
{
	struct ep_mcast *m = to_mcast(ep);
	int got = ep_dgram_recv(&m->io, frames, n);
	unsigned int kept = 0;

	/* Compact in place: our own looped-back frames, and runts, go. */
	for (int i = 0; i < got; i++) {
		if (frames[i].len < ETHER_HDR_LEN || own_has(m, ether_src(frames[i].data))) {
			m->own_dropped++;
			continue;
		}
		kept = endpoint_keep_frame(frames, kept, (unsigned int)i);
	}
	return got < 0 ? got : (int)kept;
}

static int ep_mcast_send(struct endpoint *ep, const struct frame *frames, unsigned int n)
{
	struct ep_mcast *m = to_mcast(ep);

	for (unsigned int i = 0; i < n; i++)
		if (frames[i].len >= ETHER_HDR_LEN && !own_has(m, ether_src(frames[i].data)))
			own_add(m, ether_src(frames[i].data));
	return ep_dgram_send(&m->io, frames, n);
}

static void ep_mcast_describe(const struct endpoint *ep, char *buf, size_t len)
{
	const struct ep_mcast *m = to_mcast(ep);
	char a[INET_ADDRSTRLEN];

	snprintf(buf, len, "mcast %s:%u (own frames dropped: %llu)",
		 inet_ntop(AF_INET, &m->group.sin_addr, a, sizeof(a)), ntohs(m->group.sin_port),
		 (unsigned long long)m->own_dropped);
}

static void ep_mcast_destroy(struct endpoint *ep)
{
	struct ep_mcast *m = to_mcast(ep);
	struct ip_mreq mreq = { .imr_multiaddr = m->group.sin_addr };

	setsockopt(ep->fd, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mreq, sizeof(mreq));
	close(ep->fd);
	free(m);
}

static const struct endpoint_ops ep_mcast_ops = {
	.kind = "mcast",
	.trunk = true,
	.recv = ep_mcast_recv,
	.send = ep_mcast_send,
	.describe = ep_mcast_describe,
	.destroy = ep_mcast_destroy,
};

/* The kernel's mcast_open sequence; returns the socket or -errno with *step naming the call. */
static int mcast_socket(const struct transport_spec *t, const struct sockaddr_in *group,
			const char **step)
{
	struct ip_mreq mreq = { .imr_multiaddr = t->group, .imr_interface.s_addr = htonl(INADDR_ANY) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1, ttl = t->ttl;

	*step = "socket";
	if (fd < 0)
		return -errno;
	if ((*step = "SO_REUSEADDR", setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one))) ||
	    (*step = "IP_MULTICAST_TTL", setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl))) ||
	    (*step = "IP_MULTICAST_LOOP", setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &one, sizeof(one))) ||
	    (*step = "bind", bind(fd, (const struct sockaddr *)group, sizeof(*group))) ||
	    (*step = "IP_ADD_MEMBERSHIP (is there a route for the group? e.g. ip route add 224.0.0.0/4 dev lo)",
	     setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq)))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int ep_mcast_open(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen)
{
	struct sockaddr_in group = { .sin_family = AF_INET, .sin_port = htons(t->port), .sin_addr = t->group };
	struct ep_mcast *m;
	const char *step;
	int fd = mcast_socket(t, &group, &step);

	if (fd < 0) {
		char a[INET_ADDRSTRLEN];

		snprintf(err, errlen, "mcast %s:%u: %s: %s", inet_ntop(AF_INET, &t->group, a, sizeof(a)),
			 t->port, step, strerror(-fd));
		return fd;
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		close(fd);
		snprintf(err, errlen, "mcast: out of memory");
		return -ENOMEM;
	}
	m->ep.ops = &ep_mcast_ops;
	m->ep.fd = fd;
	m->group = group;
	m->io.fd = fd;
	m->io.peer = &m->group;
	m->io.peer_len = sizeof(m->group);
	/* Slot contents start as 00:00:00:00:00:00, which no sender uses: an empty set. */
	if (t->has_mac)
		own_add(m, t->mac);
	*out = &m->ep;
	return 0;
}
