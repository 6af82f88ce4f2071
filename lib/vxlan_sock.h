/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vxlan_sock - the socket of a VXLAN trunk, IPv4 or IPv6 (doc/vxlan.md §1.2, §4), and what the
 * trunk needs to know about this host's addresses.
 *
 * Theory of operation: the parsed spec names interfaces (a link-local "fe80::1%veth0"); here
 * they become interface indexes, once, when the trunk opens. One UDP socket of the spec's family
 * is bound to local:port (with a group, to the wildcard address so that packets to the group
 * arrive too; the trunk then names local as the source of each send). IPv6 sockets are
 * IPV6_V6ONLY, so an IPv4 trunk and an IPv6 trunk may share a port number. Like Linux's vxlan
 * device we let the kernel fragment (IP_PMTUDISC_DONT / IPV6_PMTUDISC_DONT). The outer UDP
 * checksum is the kernel's: always computed over IPv6 (RFC 6935 allows zero only on tunnels
 * configured for it, which Linux's vxlan does only with udp6zerocsumtx, off by default; a Linux
 * peer then also refuses zero checksums unless udp6zerocsumrx), and computed over IPv4 too.
 *
 * Group mode: IPv4 joins with IP_ADD_MEMBERSHIP on local's address; IPv6 with IPV6_JOIN_GROUP
 * on the interface of the group's %dev, else of local (its %dev or the interface holding it),
 * else the route's choice; multicast TTL / hop limit = ttl, loop off.
 */
#ifndef UMLNET_VXLAN_SOCK_H
#define UMLNET_VXLAN_SOCK_H

#include "transport_spec.h"
#include "vxlan_fdb.h"
#include "vxlan_ip.h"

#define VXLAN_OWN_MAX 16 /* our own addresses remembered for the echo check */

struct vxlan_conf {
	int family;                 /* AF_INET or AF_INET6 */
	struct vxlan_ip local;      /* the wildcard address when not given */
	bool local_given;
	struct vxlan_ip group;
	bool group_given;
	uint32_t ifindex;           /* local's interface, or the group's %dev; 0 = unknown */
	uint16_t port;              /* host order */
	uint8_t ttl;
	unsigned int nremotes;
	struct vxlan_ip remote[VXLAN_REMOTES_MAX];
};

/* Our own addresses: the bound local address, or every address of the family on this host
 * when bound to the wildcard (packets from any of them would be our own). */
struct vxlan_own {
	struct vxlan_ip addr[VXLAN_OWN_MAX];
	unsigned int n;
};

/* Resolves the spec's interface names. 0, or -ENODEV with "vxlan: <field> '<value>': ..." in
 * err. */
int vxlan_conf_resolve(const struct vector_spec *vs, struct vxlan_conf *c, char *err, size_t errlen);

/* The trunk's socket; returns it or -errno with *step naming the failing call. */
int vxlan_sock_open(const struct vxlan_conf *c, const char **step);

/* Fills own with our addresses and, in group mode, gives fdb the subnets of the interface the
 * group is heard on (every interface but loopback when it is not known). */
void vxlan_sock_scan(const struct vxlan_conf *c, struct vxlan_own *own, struct vxlan_fdb *fdb);

bool vxlan_own_has(const struct vxlan_own *own, const struct vxlan_ip *ip);

/* The control message that names local as the source of a send (group mode with a local
 * address); returns its length, 0 when sends need none. buf holds VXLAN_PKTINFO_SPACE bytes. */
#define VXLAN_PKTINFO_SPACE CMSG_SPACE(sizeof(struct in6_pktinfo))
size_t vxlan_sock_pktinfo(const struct vxlan_conf *c, void *buf);

#endif
