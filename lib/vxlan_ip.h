/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vxlan_ip - the address of a VXLAN tunnel end (VTEP), IPv4 or IPv6, as one value type
 * (doc/vxlan.md §1.2, §3).
 *
 * One trunk speaks one address family, but the learning table, the flood list and the member
 * subnets must not care which: every address is kept as 16 bytes, an IPv4 address as its
 * IPv4-mapped IPv6 form (::ffff:a.b.c.d, RFC 4291 section 2.5.5.2), with the interface index that
 * scopes an IPv6 link-local address (0 for every other address). Two link-local addresses are
 * the same VTEP only on the same interface: fe80::1 on veth0 and fe80::1 on veth1 are two hosts.
 */
#ifndef UMLNET_VXLAN_IP_H
#define UMLNET_VXLAN_IP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

struct vxlan_ip {
	struct in6_addr a;   /* IPv4 as ::ffff:a.b.c.d */
	uint32_t scope;      /* interface index of a link-local address, else 0 */
};

/* An address with room for either family's socket address. */
union vxlan_sa {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

/* Room for the text of the longest address with its scope, "addr%ifname". */
#define VXLAN_IP_TEXT (INET6_ADDRSTRLEN + 1 + 16)

struct vxlan_ip vxlan_ip_v4(struct in_addr a);
struct vxlan_ip vxlan_ip_v6(const struct in6_addr *a, uint32_t scope);
bool vxlan_ip_is_v4(const struct vxlan_ip *ip);
bool vxlan_ip_equal(const struct vxlan_ip *x, const struct vxlan_ip *y);

/* Whether ip may be a packet's sender and be learned: not unspecified, not multicast, not the
 * IPv4 broadcast address. */
bool vxlan_ip_usable_source(const struct vxlan_ip *ip);

/* Whether an IPv6 address is link-local unicast (fe80::/10) or link-local multicast (ff02::/16):
 * the addresses that mean nothing without an interface. */
bool vxlan_ip6_needs_scope(const struct in6_addr *a);

/* The address of a received socket address (family AF_INET or AF_INET6; the scope only for
 * addresses that need one). false for anything else. */
bool vxlan_ip_from_sa(const union vxlan_sa *s, socklen_t len, struct vxlan_ip *out);

/* The socket address of ip at port (host order) for a socket of family; returns its length. */
socklen_t vxlan_ip_to_sa(const struct vxlan_ip *ip, int family, uint16_t port, union vxlan_sa *out);

/* The mask of prefix bits of an address of this type (IPv4 prefixes count from bit 96). */
void vxlan_ip_mask(bool v4, unsigned int prefix, struct in6_addr *mask);

/* Whether ip lies in net/mask (and, for a scoped net, on the same interface). */
bool vxlan_ip_in_subnet(const struct vxlan_ip *ip, const struct vxlan_ip *net,
			const struct in6_addr *mask);

/* "a.b.c.d" or "x::y" or "x::y%ifname" (the interface's name if it still exists, else its
 * index) into buf of VXLAN_IP_TEXT bytes; returns buf. */
const char *vxlan_ip_format(const struct vxlan_ip *ip, char *buf);

#endif
