/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netlink - rtnetlink requests through libmnl, and /proc/sys/net/ipv4 writes (see netlink.h).
 *
 * Theory of operation: one NETLINK_ROUTE socket per context; each request carries NLM_F_ACK
 * and a fresh sequence number, and nl_talk() reads until the kernel's ack (or error) for that
 * number, handing any data messages of a dump to a callback. Buffers are on the stack:
 * MNL_SOCKET_BUFFER_SIZE (8 KiB) holds one request and one batch of dump answers.
 */
#include "netlink.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

bool nl_ifname_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= IFNAMSIZ)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

int nl_ipv4_parse(const char *s, struct in_addr *out)
{
	uint32_t v = 0;

	for (int part = 0; part < 4; part++) {
		unsigned int x = 0, digits = 0;

		while (*s >= '0' && *s <= '9') {
			if (digits == 1 && x == 0)
				return -EINVAL; /* leading zero */
			x = x * 10 + (unsigned int)(*s - '0');
			if (++digits > 3 || x > 255)
				return -EINVAL;
			s++;
		}
		if (digits == 0)
			return -EINVAL;
		v = v << 8 | x;
		if (part < 3 && *s++ != '.')
			return -EINVAL;
	}
	if (*s != '\0')
		return -EINVAL;
	out->s_addr = htonl(v);
	return 0;
}

int nl_mask_prefix(struct in_addr mask)
{
	uint32_t m = ntohl(mask.s_addr);
	int prefix = 0;

	while (prefix < 32 && (m & (UINT32_C(1) << (31 - prefix))))
		prefix++;
	if (prefix < 32 && (m << prefix) != 0)
		return -EINVAL;
	return prefix;
}

bool nl_ipv4_unicast(struct in_addr a)
{
	uint32_t first = ntohl(a.s_addr) >> 24;

	return first != 0 && first != 127 && first < 224;
}

struct in_addr nl_prefix_mask(unsigned int prefixlen)
{
	struct in_addr m = { 0 };

	if (prefixlen >= 32)
		m.s_addr = 0xffffffffu;
	else if (prefixlen > 0)
		m.s_addr = htonl(0xffffffffu << (32 - prefixlen));
	return m;
}

int nl_open(struct nl_ctx *nl)
{
	nl->sock = mnl_socket_open(NETLINK_ROUTE);
	if (!nl->sock)
		return -errno;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		mnl_socket_close(nl->sock);
		nl->sock = NULL;
		return err;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);
	return 0;
}

void nl_close(struct nl_ctx *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

/* Sends nlh and reads answers until the ack of its sequence number; data goes to cb. */
static int nl_talk(struct nl_ctx *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int ret;

	nlh->nlmsg_seq = ++nl->seq;
	nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		ssize_t n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));

		if (n < 0)
			return -errno;
		ret = mnl_cb_run(buf, (size_t)n, nl->seq, nl->portid, cb, arg);
	} while (ret > MNL_CB_STOP);
	return ret < 0 ? -errno : 0;
}

static struct nlmsghdr *nl_msg(char *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	return nlh;
}

int nl_addr_add(struct nl_ctx *nl, int ifindex, struct in_addr addr, unsigned int prefixlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (uint8_t)prefixlen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, sizeof(addr), &addr);
	mnl_attr_put(nlh, IFA_ADDRESS, sizeof(addr), &addr);
	return nl_talk(nl, nlh, NULL, NULL);
}

/* mnl_attr_parse callback: keeps the 4-byte IFA_LOCAL and IFA_ADDRESS attributes. */
static int nl_ifaddr_attr(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(a);

	if ((type == IFA_LOCAL || type == IFA_ADDRESS) && mnl_attr_get_payload_len(a) == 4)
		tb[type] = a;
	return MNL_CB_OK;
}

bool nl_ifaddr_v4(const struct nlmsghdr *h, int *ifindex, struct in_addr *addr,
		  unsigned int *prefixlen)
{
	const struct nlattr *tb[IFA_MAX + 1] = { NULL }, *local;
	const struct ifaddrmsg *ifa;

	if ((h->nlmsg_type != RTM_NEWADDR && h->nlmsg_type != RTM_DELADDR) ||
	    mnl_nlmsg_get_payload_len(h) < sizeof(*ifa))
		return false;
	ifa = mnl_nlmsg_get_payload(h);
	if (ifa->ifa_family != AF_INET || mnl_attr_parse(h, sizeof(*ifa), nl_ifaddr_attr, tb) < 0)
		return false;
	local = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!local)
		return false;
	memcpy(&addr->s_addr, mnl_attr_get_payload(local), 4);
	*ifindex = (int)ifa->ifa_index;
	*prefixlen = ifa->ifa_prefixlen;
	return true;
}

struct nl_addr_query {
	struct in_addr addr;
	int owner;
	int ifindex; /* nl_addr_has(): the interface asked about */
	bool has;
};

static int nl_addr_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_addr_query *q = data;
	struct in_addr addr;
	unsigned int prefixlen;
	int ifindex;

	if (nl_ifaddr_v4(nlh, &ifindex, &addr, &prefixlen) && addr.s_addr == q->addr.s_addr) {
		q->owner = ifindex;
		q->has |= q->owner == q->ifindex;
	}
	return MNL_CB_OK;
}

static int nl_addr_query(struct nl_ctx *nl, struct nl_addr_query *q)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(buf, RTM_GETADDR, NLM_F_DUMP);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	ifa->ifa_family = AF_INET;
	return nl_talk(nl, nlh, nl_addr_cb, q);
}

int nl_addr_has(struct nl_ctx *nl, int ifindex, struct in_addr addr)
{
	struct nl_addr_query q = { .addr = addr, .ifindex = ifindex };
	int err = nl_addr_query(nl, &q);

	return err < 0 ? err : q.has;
}

int nl_addr_del(struct nl_ctx *nl, int ifindex, struct in_addr addr, unsigned int prefixlen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(buf, RTM_DELADDR, 0);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (uint8_t)prefixlen;
	ifa->ifa_index = (uint32_t)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, sizeof(addr), &addr);
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_addr_owner(struct nl_ctx *nl, struct in_addr addr)
{
	struct nl_addr_query q = { .addr = addr, .owner = 0 };
	int err = nl_addr_query(nl, &q);

	return err < 0 ? err : q.owner;
}

int nl_link_set(struct nl_ctx *nl, int ifindex, bool up, unsigned int mtu)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(buf, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_link_proxy_arp(struct nl_ctx *nl, int ifindex, bool on)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(buf, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *spec, *inet, *conf;

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	inet = mnl_attr_nest_start(nlh, AF_INET);
	conf = mnl_attr_nest_start(nlh, IFLA_INET_CONF);
	mnl_attr_put_u32(nlh, IPV4_DEVCONF_PROXY_ARP, on ? 1 : 0);
	mnl_attr_nest_end(nlh, conf);
	mnl_attr_nest_end(nlh, inet);
	mnl_attr_nest_end(nlh, spec);
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_link_set_master(struct nl_ctx *nl, int ifindex, int master)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(buf, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	return nl_talk(nl, nlh, NULL, NULL);
}

/* The request header of an add (create, exclusive or replacing) or a delete. */
static struct nlmsghdr *nl_msg_op(char *buf, enum nl_op op, uint16_t new_type, uint16_t del_type)
{
	switch (op) {
	case NL_ADD:
		return nl_msg(buf, new_type, NLM_F_CREATE | NLM_F_EXCL);
	case NL_REPLACE:
		return nl_msg(buf, new_type, NLM_F_CREATE | NLM_F_REPLACE);
	default:
		return nl_msg(buf, del_type, 0);
	}
}

int nl_route(struct nl_ctx *nl, enum nl_op op, struct in_addr dst, unsigned int prefixlen,
	     struct in_addr gw, int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg_op(buf, op, RTM_NEWROUTE, RTM_DELROUTE);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = (uint8_t)prefixlen;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	/* a route without a gateway is on the link; one through a gateway is global */
	rtm->rtm_scope = gw.s_addr ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	if (prefixlen)
		mnl_attr_put(nlh, RTA_DST, sizeof(dst), &dst);
	if (gw.s_addr)
		mnl_attr_put(nlh, RTA_GATEWAY, sizeof(gw), &gw);
	if (ifindex)
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_route_host(struct nl_ctx *nl, bool add, struct in_addr dst, int ifindex)
{
	struct in_addr none = { 0 };

	return nl_route(nl, add ? NL_ADD : NL_DEL, dst, 32, none, ifindex);
}

struct nl_link_query {
	int ifindex;
	struct nl_link *out;
	bool found;
};

static int nl_link_attr(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, IFLA_MAX) < 0)
		return MNL_CB_OK;
	if (type == IFLA_MASTER && mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return MNL_CB_OK;
	tb[type] = attr;
	return MNL_CB_OK;
}

static int nl_link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_link_query *q = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };

	if (ifi->ifi_index != q->ifindex)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifi), nl_link_attr, tb);
	q->out->flags = ifi->ifi_flags;
	q->out->master = tb[IFLA_MASTER] ? (int)mnl_attr_get_u32(tb[IFLA_MASTER]) : 0;
	q->found = true;
	return MNL_CB_OK;
}

int nl_link_get(struct nl_ctx *nl, int ifindex, struct nl_link *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(buf, RTM_GETLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nl_link_query q = { .ifindex = ifindex, .out = out };
	int err;

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	err = nl_talk(nl, nlh, nl_link_cb, &q);
	return err < 0 ? err : q.found ? 0 : -ENODEV;
}

int nl_bridge_add(struct nl_ctx *nl, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *info;

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, info);
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_link_del(struct nl_ctx *nl, int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(buf, RTM_DELLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	return nl_talk(nl, nlh, NULL, NULL);
}

struct nl_route_walk {
	nl_route_fn fn;
	void *arg;
};

static int nl_route_attr(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, RTA_MAX) < 0)
		return MNL_CB_OK;
	if (type == RTA_DST && mnl_attr_validate2(attr, MNL_TYPE_BINARY, 4) < 0)
		return MNL_CB_OK;
	if ((type == RTA_OIF || type == RTA_TABLE) && mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return MNL_CB_OK;
	tb[type] = attr;
	return MNL_CB_OK;
}

static int nl_route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_route_walk *w = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[RTA_MAX + 1] = { 0 };
	struct nl_route r = { .prefixlen = rtm->rtm_dst_len, .type = rtm->rtm_type };
	uint32_t table = rtm->rtm_table;

	if (rtm->rtm_family != AF_INET)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*rtm), nl_route_attr, tb);
	if (tb[RTA_TABLE])
		table = mnl_attr_get_u32(tb[RTA_TABLE]);
	if (table != RT_TABLE_MAIN)
		return MNL_CB_OK;
	if (tb[RTA_DST])
		memcpy(&r.dst, mnl_attr_get_payload(tb[RTA_DST]), sizeof(r.dst));
	if (tb[RTA_OIF])
		r.oif = (int)mnl_attr_get_u32(tb[RTA_OIF]);
	w->fn(w->arg, &r);
	return MNL_CB_OK;
}

int nl_route_dump(struct nl_ctx *nl, nl_route_fn fn, void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(buf, RTM_GETROUTE, NLM_F_DUMP);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	struct nl_route_walk w = { fn, arg };

	rtm->rtm_family = AF_INET;
	return nl_talk(nl, nlh, nl_route_cb, &w);
}

int nl_neigh_proxy(struct nl_ctx *nl, bool add, struct in_addr dst, int ifindex)
{
	return nl_neigh_proxy_op(nl, add ? NL_REPLACE : NL_DEL, dst, ifindex);
}

int nl_neigh_proxy_op(struct nl_ctx *nl, enum nl_op op, struct in_addr dst, int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg_op(buf, op, RTM_NEWNEIGH, RTM_DELNEIGH);
	struct ndmsg *nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));

	nd->ndm_family = AF_INET;
	nd->ndm_ifindex = ifindex;
	nd->ndm_flags = NTF_PROXY;
	nd->ndm_state = NUD_PERMANENT;
	mnl_attr_put(nlh, NDA_DST, sizeof(dst), &dst);
	return nl_talk(nl, nlh, NULL, NULL);
}

struct nl_neigh_query {
	struct in_addr dst;
	int ifindex;
	bool proxy; /* the proxy table, else the ARP cache */
	bool has;
	uint16_t state;
};

static int nl_neigh_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_neigh_query *q = data;
	const struct ndmsg *nd = mnl_nlmsg_get_payload(nlh);
	struct nlattr *attr; /* not const: mnl_attr_for_each casts it */

	if (nd->ndm_family != AF_INET || nd->ndm_ifindex != q->ifindex ||
	    !(nd->ndm_flags & NTF_PROXY) != !q->proxy)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(*nd)) {
		if (mnl_attr_get_type(attr) == NDA_DST &&
		    mnl_attr_get_payload_len(attr) == sizeof(q->dst) &&
		    memcmp(mnl_attr_get_payload(attr), &q->dst, sizeof(q->dst)) == 0) {
			q->has = true;
			q->state = nd->ndm_state;
		}
	}
	return MNL_CB_OK;
}

static int nl_neigh_find(struct nl_ctx *nl, struct nl_neigh_query *q)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = nl_msg(buf, RTM_GETNEIGH, NLM_F_DUMP);
	struct ndmsg *nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));

	nd->ndm_family = AF_INET;
	nd->ndm_flags = q->proxy ? NTF_PROXY : 0; /* NTF_PROXY: the kernel dumps the proxy table */
	return nl_talk(nl, nlh, nl_neigh_cb, q);
}

int nl_neigh_proxy_has(struct nl_ctx *nl, struct in_addr dst, int ifindex)
{
	struct nl_neigh_query q = { .dst = dst, .ifindex = ifindex, .proxy = true };
	int err = nl_neigh_find(nl, &q);

	return err < 0 ? err : q.has;
}

int nl_neigh_state(struct nl_ctx *nl, struct in_addr dst, int ifindex)
{
	struct nl_neigh_query q = { .dst = dst, .ifindex = ifindex };
	int err = nl_neigh_find(nl, &q);

	return err < 0 ? err : q.has ? (q.state ? q.state : NUD_NONE_SEEN) : 0;
}

/* The header of a request about the ARP cache entry for dst on ifindex. */
static struct nlmsghdr *nl_neigh_msg(char *buf, uint16_t type, uint16_t flags, struct in_addr dst,
				     int ifindex, uint8_t ndm_flags)
{
	struct nlmsghdr *nlh = nl_msg(buf, type, flags);
	struct ndmsg *nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));

	nd->ndm_family = AF_INET;
	nd->ndm_ifindex = ifindex;
	nd->ndm_flags = ndm_flags;
	mnl_attr_put(nlh, NDA_DST, sizeof(dst), &dst);
	return nlh;
}

int nl_neigh_resolve(struct nl_ctx *nl, struct in_addr dst, int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	/* NTF_USE: the kernel treats the entry as if a packet waited for it (neigh_event_send):
	 * created if need be, it goes INCOMPLETE and the first ARP request leaves at once. */
	return nl_talk(nl, nl_neigh_msg(buf, RTM_NEWNEIGH, NLM_F_CREATE, dst, ifindex, NTF_USE),
		       NULL, NULL);
}

int nl_neigh_del(struct nl_ctx *nl, struct in_addr dst, int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	return nl_talk(nl, nl_neigh_msg(buf, RTM_DELNEIGH, 0, dst, ifindex, 0), NULL, NULL);
}

#define NL_MAX_IFS 64

struct nl_subnet_walk {
	uint32_t addr; /* host order */
	int skip;
	int ifs[NL_MAX_IFS];
	unsigned int n;
};

static void nl_subnet_route(void *arg, const struct nl_route *r)
{
	struct nl_subnet_walk *w = arg;
	uint32_t mask;

	if (r->type != RTN_UNICAST || r->prefixlen == 0 || r->prefixlen >= 32 || r->oif <= 0 ||
	    r->oif == w->skip)
		return;
	mask = ~(uint32_t)0 << (32 - r->prefixlen);
	if ((ntohl(r->dst.s_addr) & mask) != (w->addr & mask))
		return;
	for (unsigned int i = 0; i < w->n; i++)
		if (w->ifs[i] == r->oif)
			return;
	if (w->n < NL_MAX_IFS)
		w->ifs[w->n++] = r->oif;
}

int nl_subnet_ifs(struct nl_ctx *nl, struct in_addr addr, int skip_ifindex, int *ifs,
		  unsigned int max)
{
	struct nl_subnet_walk w = { .addr = ntohl(addr.s_addr), .skip = skip_ifindex };
	int err = nl_route_dump(nl, nl_subnet_route, &w);

	if (err < 0)
		return err;
	if (w.n > max)
		w.n = max;
	memcpy(ifs, w.ifs, w.n * sizeof(ifs[0]));
	return (int)w.n;
}

int nl_proxy_subnet(struct nl_ctx *nl, bool add, struct in_addr addr, int skip_ifindex,
		    void (*report)(void *arg, int ifindex), void *arg)
{
	int ifs[NL_MAX_IFS], n = nl_subnet_ifs(nl, addr, skip_ifindex, ifs, NL_MAX_IFS);

	for (int i = 0; i < n; i++) {
		int err = nl_neigh_proxy(nl, add, addr, ifs[i]);

		if (err < 0 && !(err == -ENOENT && !add))
			return err;
		if (report)
			report(arg, ifs[i]);
	}
	return n;
}

static int nl_sysctl_open(const char *rel, int flags)
{
	char path[128];
	int n_path, fd;

	if (strstr(rel, ".."))
		return -EINVAL;
	n_path = snprintf(path, sizeof(path), "/proc/sys/net/ipv4/%s", rel);
	if (n_path < 0 || (size_t)n_path >= sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, flags | O_CLOEXEC | O_NOFOLLOW);
	return fd < 0 ? -errno : fd;
}

int nl_sysctl_ipv4_get(const char *rel)
{
	char text[32];
	int fd = nl_sysctl_open(rel, O_RDONLY), value = 0;
	ssize_t n;

	if (fd < 0)
		return fd;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	text[n] = '\0';
	if (sscanf(text, "%d", &value) != 1 || value < 0)
		return -EIO;
	return value;
}

int nl_sysctl_ipv4(const char *rel, const char *value)
{
	size_t len = strlen(value);
	ssize_t n;
	int fd = nl_sysctl_open(rel, O_WRONLY);

	if (fd < 0)
		return fd;
	n = write(fd, value, len);
	if (n < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	return (size_t)n == len ? 0 : -EIO;
}
