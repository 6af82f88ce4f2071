// SPDX-License-Identifier: GPL-2.0-or-later
#include "vxlan_sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define VX_RCVBUF (1 << 20) /* bytes: room for bursts from every remote */

/* One spec address as a vxlan_ip; *ifindex gets its %dev's index (0 without one). */
static int vx_resolve_addr(const struct vector_addr *a, const char *field, struct vxlan_ip *out,
			   uint32_t *ifindex, char *err, size_t errlen)
{
	char text[INET6_ADDRSTRLEN];

	*ifindex = 0;
	if (a->family == AF_INET) {
		*out = vxlan_ip_v4(a->a.v4);
		return 0;
	}
	if (a->scope[0] && !(*ifindex = if_nametoindex(a->scope))) {
		snprintf(err, errlen, "vxlan: %s '%s%%%s': no interface '%s' here", field,
			 inet_ntop(AF_INET6, &a->a.v6, text, sizeof(text)), a->scope, a->scope);
		return -ENODEV;
	}
	*out = vxlan_ip_v6(&a->a.v6, *ifindex);
	return 0;
}

static bool vx_ifa_ip(const struct sockaddr *sa, int family, struct vxlan_ip *out)
{
	if (!sa || sa->sa_family != family)
		return false;
	return vxlan_ip_from_sa((const union vxlan_sa *)(const void *)sa,
				family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6),
				out);
}

/* The interface holding local, 0 if none does. */
static uint32_t vx_local_ifindex(const struct vxlan_conf *c)
{
	struct ifaddrs *ifs;
	uint32_t idx = 0;

	if (getifaddrs(&ifs) < 0)
		return 0;
	for (const struct ifaddrs *i = ifs; i && !idx; i = i->ifa_next) {
		struct vxlan_ip ip;

		if (vx_ifa_ip(i->ifa_addr, c->family, &ip) && vxlan_ip_equal(&ip, &c->local))
			idx = if_nametoindex(i->ifa_name);
	}
	freeifaddrs(ifs);
	return idx;
}

int vxlan_conf_resolve(const struct vector_spec *vs, struct vxlan_conf *c, char *err, size_t errlen)
{
	uint32_t local_if, group_if = 0, idx;
	int r;

	memset(c, 0, sizeof(*c));
	c->family = vs->local.family;
	c->port = vs->local.port;
	c->ttl = vs->ttl;
	if ((r = vx_resolve_addr(&vs->local, "local", &c->local, &local_if, err, errlen)))
		return r;
	c->local_given = vxlan_ip_usable_source(&c->local);
	for (unsigned int i = 0; i < vs->nremotes; i++)
		if ((r = vx_resolve_addr(&vs->remote[i], "remote", &c->remote[i], &idx, err, errlen)))
			return r;
	c->nremotes = vs->nremotes;
	c->group_given = vs->group.family != AF_UNSPEC;
	if (c->group_given &&
	    (r = vx_resolve_addr(&vs->group, "group", &c->group, &group_if, err, errlen)))
		return r;
	c->ifindex = group_if ? group_if : local_if;
	if (!c->ifindex && c->local_given)
		c->ifindex = vx_local_ifindex(c);
	if (c->group_given && c->family == AF_INET6 && vxlan_ip6_needs_scope(&c->group.a))
		c->group.scope = c->ifindex;
	return 0;
}

/* Multicast membership and options; *step names the failing call. */
static int vx_join4(int fd, const struct vxlan_conf *c, const char **step)
{
	struct ip_mreqn mreq = { .imr_ifindex = (int)c->ifindex };
	int ttl = c->ttl, zero = 0;

	memcpy(&mreq.imr_multiaddr, &c->group.a.s6_addr[12], 4);
	memcpy(&mreq.imr_address, &c->local.a.s6_addr[12], 4);
	if ((*step = "IP_ADD_MEMBERSHIP (is there a route for the group?)",
	     setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq))) ||
	    (*step = "IP_MULTICAST_IF",
	     c->local_given && setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof(mreq))) ||
	    (*step = "IP_MULTICAST_TTL", setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl))) ||
	    (*step = "IP_MULTICAST_LOOP", setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &zero, sizeof(zero))))
		return -errno;
	return 0;
}

static int vx_join6(int fd, const struct vxlan_conf *c, const char **step)
{
	struct ipv6_mreq mreq = { .ipv6mr_multiaddr = c->group.a, .ipv6mr_interface = c->ifindex };
	int hops = c->ttl, zero = 0, ifindex = (int)c->ifindex;

	if ((*step = "IPV6_JOIN_GROUP (is there a route for the group?)",
	     setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mreq, sizeof(mreq))) ||
	    (*step = "IPV6_MULTICAST_IF",
	     ifindex && setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex))) ||
	    (*step = "IPV6_MULTICAST_HOPS",
	     setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops))) ||
	    (*step = "IPV6_MULTICAST_LOOP",
	     setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero, sizeof(zero))))
		return -errno;
	return 0;
}

/* Family options before bind: no fragmentation refusals; IPv6 only on an IPv6 socket. */
static int vx_sockopts(int fd, int family, const char **step)
{
	int pmtu4 = IP_PMTUDISC_DONT, pmtu6 = IPV6_PMTUDISC_DONT, one = 1;

	if (family == AF_INET) {
		*step = "IP_MTU_DISCOVER";
		return setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu4, sizeof(pmtu4)) ? -errno : 0;
	}
	if ((*step = "IPV6_V6ONLY", setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one))) ||
	    (*step = "IPV6_MTU_DISCOVER",
	     setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pmtu6, sizeof(pmtu6))))
		return -errno;
	return 0;
}

/* Every remote's bursts arrive on this one socket: ask for a receive buffer larger than the
 * default (forced when we may, else up to net.core.rmem_max). Best effort: a small buffer only
 * costs drops that TCP recovers from. */
static void vx_rcvbuf(int fd)
{
	int size = VX_RCVBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

int vxlan_sock_open(const struct vxlan_conf *c, const char **step)
{
	struct vxlan_ip at = c->local;
	union vxlan_sa sa;
	socklen_t len;
	int fd = socket(c->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), err;

	*step = "socket";
	if (fd < 0)
		return -errno;
	if (c->group_given) /* the wildcard, so that packets to the group arrive too */
		at = c->family == AF_INET ? vxlan_ip_v4((struct in_addr){ INADDR_ANY })
					  : vxlan_ip_v6(&in6addr_any, 0);
	len = vxlan_ip_to_sa(&at, c->family, c->port, &sa);
	if ((err = vx_sockopts(fd, c->family, step)))
		goto fail;
	if ((*step = "bind", bind(fd, &sa.sa, len))) {
		err = -errno;
		goto fail;
	}
	if (c->group_given &&
	    (err = c->family == AF_INET ? vx_join4(fd, c, step) : vx_join6(fd, c, step)))
		goto fail;
	vx_rcvbuf(fd);
	return fd;
fail:
	close(fd);
	return err;
}

bool vxlan_own_has(const struct vxlan_own *own, const struct vxlan_ip *ip)
{
	for (unsigned int i = 0; i < own->n; i++)
		if (vxlan_ip_equal(&own->addr[i], ip))
			return true;
	return false;
}

static unsigned int vx_prefix_len(const struct sockaddr *mask, int family)
{
	const uint8_t *b;
	unsigned int n = 0, len;

	if (!mask || mask->sa_family != family)
		return 0;
	b = family == AF_INET ? (const uint8_t *)&((const struct sockaddr_in *)(const void *)mask)->sin_addr
			      : ((const struct sockaddr_in6 *)(const void *)mask)->sin6_addr.s6_addr;
	len = family == AF_INET ? 4 : 16;
	for (unsigned int i = 0; i < len; i++)
		n += (unsigned int)__builtin_popcount(b[i]);
	return n;
}

/* Whether interface i's subnets hold the group's members: the interface the group is joined on,
 * or, when that is the route's choice, every interface but loopback. */
static bool vx_member_if(const struct ifaddrs *i, const struct vxlan_conf *c)
{
	if (!c->group_given || (i->ifa_flags & IFF_LOOPBACK))
		return false;
	if (!c->ifindex)
		return !c->local_given;
	return if_nametoindex(i->ifa_name) == c->ifindex;
}

void vxlan_sock_scan(const struct vxlan_conf *c, struct vxlan_own *own, struct vxlan_fdb *fdb)
{
	struct ifaddrs *ifs;

	own->n = 0;
	if (c->local_given)
		own->addr[own->n++] = c->local;
	/* Bound to one address: only packets from it are our own; another trunk on this host bound
	 * to another of its addresses is a legitimate peer. */
	if ((c->local_given && !c->group_given) || getifaddrs(&ifs) < 0)
		return;
	for (const struct ifaddrs *i = ifs; i; i = i->ifa_next) {
		struct vxlan_ip ip;

		if (!vx_ifa_ip(i->ifa_addr, c->family, &ip))
			continue;
		if (own->n < VXLAN_OWN_MAX && !vxlan_own_has(own, &ip))
			own->addr[own->n++] = ip;
		if (vx_member_if(i, c))
			(void)vxlan_fdb_member_add(fdb, &ip, vx_prefix_len(i->ifa_netmask, c->family));
	}
	freeifaddrs(ifs);
}

size_t vxlan_sock_pktinfo(const struct vxlan_conf *c, void *buf)
{
	struct cmsghdr *m = buf;

	if (!c->group_given || !c->local_given)
		return 0;
	memset(buf, 0, VXLAN_PKTINFO_SPACE);
	if (c->family == AF_INET) {
		struct in_pktinfo pi = { .ipi_spec_dst = { 0 } };

		memcpy(&pi.ipi_spec_dst, &c->local.a.s6_addr[12], 4);
		m->cmsg_level = IPPROTO_IP;
		m->cmsg_type = IP_PKTINFO;
		m->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(m), &pi, sizeof(pi));
		return CMSG_SPACE(sizeof(pi));
	}
	struct in6_pktinfo pi6 = { .ipi6_addr = c->local.a, .ipi6_ifindex = c->ifindex };

	m->cmsg_level = IPPROTO_IPV6;
	m->cmsg_type = IPV6_PKTINFO;
	m->cmsg_len = CMSG_LEN(sizeof(pi6));
	memcpy(CMSG_DATA(m), &pi6, sizeof(pi6));
	return CMSG_SPACE(sizeof(pi6));
}
