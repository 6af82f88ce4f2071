/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netlink - host network configuration without running any program: rtnetlink requests through
 * libmnl (addresses, link state and MTU, host routes, proxy-ARP neighbour entries, bridge
 * ports) and direct writes under /proc/sys/net/ipv4. uml_net and tunctl use it in place of the
 * classic helper's `ifconfig`, `route`, `arp` and `bash -c "echo 1 > ..."`.
 *
 * Every request waits for the kernel's acknowledgement and returns 0 or -errno, so a caller
 * knows which step failed. Addresses are IPv4 in network byte order (struct in_addr).
 */
#ifndef UMLNET_NETLINK_H
#define UMLNET_NETLINK_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct mnl_socket;

struct nl_ctx {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
};

/* One IPv4 route of the main table, as nl_route_dump() reports it. */
struct nl_route {
	struct in_addr dst;
	unsigned int prefixlen;
	int oif; /* 0 when the route has no single output interface */
	uint8_t type; /* RTN_UNICAST, ... */
};

typedef void (*nl_route_fn)(void *arg, const struct nl_route *r);

/* Strict value checks for what the host configuration takes from users:
 * interface names of 1..15 characters [A-Za-z0-9_-]; dotted quads of four decimal fields
 * 0..255 without leading zeros, signs, spaces or trailing text; contiguous netmasks. */
bool nl_ifname_ok(const char *s);
int nl_ipv4_parse(const char *s, struct in_addr *out);
/* Returns the prefix length (0..32) of a contiguous netmask, or -EINVAL. */
int nl_mask_prefix(struct in_addr mask);
/* False for addresses no host or guest may claim as its own: 0.0.0.0/8, loopback 127.0.0.0/8,
 * multicast 224.0.0.0/4 and the reserved/broadcast 240.0.0.0/4. */
bool nl_ipv4_unicast(struct in_addr a);
/* The netmask of a prefix length (0..32; more counts as 32). */
struct in_addr nl_prefix_mask(unsigned int prefixlen);

struct nlmsghdr;
/* Decodes an IPv4 RTM_NEWADDR/RTM_DELADDR: the interface's own address (IFA_LOCAL; IFA_ADDRESS
 * is the peer on a point-to-point link, used when there is no IFA_LOCAL). False for anything
 * else. */
bool nl_ifaddr_v4(const struct nlmsghdr *h, int *ifindex, struct in_addr *addr,
		  unsigned int *prefixlen);

int nl_open(struct nl_ctx *nl);
void nl_close(struct nl_ctx *nl);

/* Adds addr/prefixlen on the interface (replacing the same address if present). */
int nl_addr_add(struct nl_ctx *nl, int ifindex, struct in_addr addr, unsigned int prefixlen);
/* Returns the index of an interface that holds addr (> 0), 0 if none does, or -errno. */
int nl_addr_owner(struct nl_ctx *nl, struct in_addr addr);

/* Sets the link up (or down) and, when mtu is not 0, its MTU. */
int nl_link_set(struct nl_ctx *nl, int ifindex, bool up, unsigned int mtu);
/* Sets net.ipv4.conf.<if>.proxy_arp through rtnetlink (IFLA_AF_SPEC/AF_INET/IFLA_INET_CONF):
 * by index, so it cannot land on another device that took the name meanwhile. */
int nl_link_proxy_arp(struct nl_ctx *nl, int ifindex, bool on);
/* Makes the interface a port of master (a bridge); master 0 releases it. */
int nl_link_set_master(struct nl_ctx *nl, int ifindex, int master);

/* What nl_link_get() reports of one interface. */
struct nl_link {
	unsigned int flags; /* IFF_UP, ... */
	int master;         /* 0: not a port */
};

int nl_link_get(struct nl_ctx *nl, int ifindex, struct nl_link *out);
/* Creates the bridge name (`ip link add name type bridge`); -EEXIST if the name is taken. */
int nl_bridge_add(struct nl_ctx *nl, const char *name);
/* Deletes the interface (`ip link del`). */
int nl_link_del(struct nl_ctx *nl, int ifindex);
/* Deletes addr/prefixlen from the interface. */
int nl_addr_del(struct nl_ctx *nl, int ifindex, struct in_addr addr, unsigned int prefixlen);
/* Returns 1 when the interface holds addr, 0 if not, or -errno. */
int nl_addr_has(struct nl_ctx *nl, int ifindex, struct in_addr addr);

/* Adds or deletes the host route dst/32 through ifindex in the main table. An add is exclusive
 * (NLM_F_EXCL): -EEXIST when any route to dst/32 is there, which is left as it is. */
int nl_route_host(struct nl_ctx *nl, bool add, struct in_addr dst, int ifindex);

/* How nl_route() and nl_neigh_proxy_op() change the table. */
enum nl_op {
	NL_ADD,     /* create; -EEXIST when there is one already (it is left as it is) */
	NL_REPLACE, /* create or replace */
	NL_DEL,
};

/* A static route dst/prefixlen of the main table through gateway gw (s_addr 0: none, a route
 * on the link) and/or ifindex (0: the kernel finds the device from gw). */
int nl_route(struct nl_ctx *nl, enum nl_op op, struct in_addr dst, unsigned int prefixlen,
	     struct in_addr gw, int ifindex);
/* Calls fn for each IPv4 route of the main table. */
int nl_route_dump(struct nl_ctx *nl, nl_route_fn fn, void *arg);

/* Adds or deletes a proxy-ARP entry (`ip neigh add proxy <dst> dev <if>`). */
int nl_neigh_proxy(struct nl_ctx *nl, bool add, struct in_addr dst, int ifindex);
int nl_neigh_proxy_op(struct nl_ctx *nl, enum nl_op op, struct in_addr dst, int ifindex);
/* Returns 1 when the interface has a proxy-ARP entry for dst, 0 if not, or -errno. */
int nl_neigh_proxy_has(struct nl_ctx *nl, struct in_addr dst, int ifindex);

/* The state (NUD_* bits) of the interface's ARP cache entry for dst (not a proxy entry):
 * 0 when there is none, NUD_NONE_SEEN for one in state NUD_NONE, or -errno. */
#define NUD_NONE_SEEN 0x100
int nl_neigh_state(struct nl_ctx *nl, struct in_addr dst, int ifindex);
/* Has the kernel resolve dst on the interface now (an ARP request goes out; the entry's state
 * tells later whether anyone answered). Returns 0 or -errno. */
int nl_neigh_resolve(struct nl_ctx *nl, struct in_addr dst, int ifindex);
/* Deletes the interface's ARP cache entry for dst. Returns 0 or -errno (-ENOENT: none). */
int nl_neigh_del(struct nl_ctx *nl, struct in_addr dst, int ifindex);

/*
 * Fills ifs with the interfaces (at most max, none twice) except skip_ifindex that have a
 * main-table route to a subnet holding addr (prefix 1..31: not the default route, not host
 * routes). Returns how many, or -errno.
 */
int nl_subnet_ifs(struct nl_ctx *nl, struct in_addr addr, int skip_ifindex, int *ifs,
		  unsigned int max);

/*
 * Adds or deletes proxy-ARP entries for addr on every interface except skip_ifindex that has a
 * main-table route to a subnet holding addr (prefix 1..31: not the default route, not host
 * routes): the classic recipe's `arp -Ds <addr> <lan-if> pub`. report (may be NULL) is told
 * each interface touched. Returns the number of interfaces, or -errno of the first failure
 * (deleting an entry that is not there is not a failure).
 */
int nl_proxy_subnet(struct nl_ctx *nl, bool add, struct in_addr addr, int skip_ifindex,
		    void (*report)(void *arg, int ifindex), void *arg);

/*
 * Writes value to /proc/sys/net/ipv4/<rel>; rel is "ip_forward" or "conf/<ifname>/proxy_arp"
 * and must not contain "..". Returns 0 or -errno.
 */
int nl_sysctl_ipv4(const char *rel, const char *value);
/* Reads /proc/sys/net/ipv4/<rel> as a number (same rule for rel). Returns it (>= 0) or -errno. */
int nl_sysctl_ipv4_get(const char *rel);

#endif
