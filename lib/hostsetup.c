/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hostsetup - host set-up for UML networking through rtnetlink (see hostsetup.h). */
#include "hostsetup.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define HOSTSETUP_MAX_IFS 64

static const char *const hostsetup_kinds[] = {
	[HOSTSETUP_LINK] = "link",           [HOSTSETUP_ADDR] = "addr",
	[HOSTSETUP_MASTER] = "master",       [HOSTSETUP_UP] = "up",
	[HOSTSETUP_PROXY_ARP] = "proxy_arp", [HOSTSETUP_ROUTE] = "route",
	[HOSTSETUP_NEIGH] = "neigh",         [HOSTSETUP_FORWARD] = "forward",
};

static int hostsetup_fail(struct hostsetup *hs, const char *step, const char *what, int err)
{
	hs->step = step;
	snprintf(hs->what, sizeof(hs->what), "%s", what);
	return err;
}

static const char *hostsetup_ifname(int ifindex, char name[IF_NAMESIZE])
{
	if (!if_indextoname((unsigned int)ifindex, name))
		snprintf(name, IF_NAMESIZE, "#%d", ifindex);
	return name;
}

static const char *hostsetup_cidr(struct in_addr a, unsigned int prefixlen, char *buf, size_t len)
{
	char text[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &a, text, sizeof(text));
	snprintf(buf, len, "%s/%u", text, prefixlen);
	return buf;
}

/* Tells hs->made about a change to ifindex (0: none). */
static void hostsetup_made(struct hostsetup *hs, enum hostsetup_kind kind, int ifindex,
			 struct in_addr addr, unsigned int prefixlen, struct in_addr gw, int other)
{
	struct hostsetup_change c = { .kind = kind, .ifindex = ifindex, .addr = addr,
				    .prefixlen = prefixlen, .gw = gw, .other = other };

	if (!hs->made)
		return;
	if (ifindex && !if_indextoname((unsigned int)ifindex, c.ifname))
		return; /* gone already: nothing to undo */
	hs->made(hs->arg, &c);
}

static void hostsetup_made_if(struct hostsetup *hs, enum hostsetup_kind kind, int ifindex)
{
	struct in_addr none = { 0 };

	hostsetup_made(hs, kind, ifindex, none, 0, none, 0);
}

int hostsetup_open(struct hostsetup *hs)
{
	int err = nl_open(&hs->nl);

	return err < 0 ? hostsetup_fail(hs, "opening", "rtnetlink", err) : 0;
}

void hostsetup_close(struct hostsetup *hs)
{
	nl_close(&hs->nl);
}

/* Opens the clone device and attaches to (or creates) the device t names. */
static int hostsetup_tap_open(struct hostsetup *hs, const struct hostsetup_tap *t,
			      char name[IFNAMSIZ])
{
	const char *clone = t->clone ? t->clone : "/dev/net/tun";
	struct ifreq ifr;
	int fd = open(clone, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return hostsetup_fail(hs, "open", clone, -errno);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = (short)((t->tun ? IFF_TUN : IFF_TAP) | IFF_NO_PI |
				(t->excl ? IFF_TUN_EXCL : 0));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", t->name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int err = -errno;

		close(fd);
		return hostsetup_fail(hs, "TUNSETIFF", t->name, err);
	}
	memcpy(name, ifr.ifr_name, IFNAMSIZ);
	name[IFNAMSIZ - 1] = '\0';
	return fd;
}

static int hostsetup_ioctl(struct hostsetup *hs, int fd, unsigned long req, unsigned long arg,
			 const char *step, const char *name)
{
	return ioctl(fd, req, arg) < 0 ? hostsetup_fail(hs, step, name, -errno) : 0;
}

int hostsetup_tap_create(struct hostsetup *hs, const struct hostsetup_tap *t, char name[IFNAMSIZ])
{
	int fd = hostsetup_tap_open(hs, t, name), err = 0;

	if (fd < 0)
		return fd;
	if (t->set_owner)
		err = hostsetup_ioctl(hs, fd, TUNSETOWNER, (unsigned long)t->uid, "TUNSETOWNER", name);
	if (!err && t->set_group)
		err = hostsetup_ioctl(hs, fd, TUNSETGROUP, (unsigned long)t->gid, "TUNSETGROUP", name);
	if (!err)
		err = hostsetup_ioctl(hs, fd, TUNSETPERSIST, 1, "enabling TUNSETPERSIST", name);
	close(fd);
	if (!err)
		hostsetup_made_if(hs, HOSTSETUP_LINK, (int)if_nametoindex(name));
	return err;
}

int hostsetup_tap_release(struct hostsetup *hs, const struct hostsetup_tap *t, char name[IFNAMSIZ])
{
	int fd = hostsetup_tap_open(hs, t, name), err;

	if (fd < 0)
		return fd;
	err = hostsetup_ioctl(hs, fd, TUNSETPERSIST, 0, "disabling TUNSETPERSIST", name);
	close(fd);
	return err;
}

int hostsetup_bridge_create(struct hostsetup *hs, const char *name)
{
	int err = nl_bridge_add(&hs->nl, name), ifindex;

	if (err < 0)
		return hostsetup_fail(hs, "creating bridge", name, err);
	ifindex = (int)if_nametoindex(name);
	if (ifindex == 0)
		return hostsetup_fail(hs, "finding bridge", name, -ENODEV);
	hostsetup_made_if(hs, HOSTSETUP_LINK, ifindex);
	return ifindex;
}

int hostsetup_addr(struct hostsetup *hs, int ifindex, struct in_addr addr, unsigned int prefixlen)
{
	char cidr[32], name[IF_NAMESIZE];
	struct in_addr none = { 0 };
	int err = nl_addr_has(&hs->nl, ifindex, addr);

	hostsetup_cidr(addr, prefixlen, cidr, sizeof(cidr));
	if (err == 0)
		err = nl_addr_add(&hs->nl, ifindex, addr, prefixlen);
	else if (err > 0)
		return 0; /* there already */
	if (err < 0) {
		snprintf(cidr + strlen(cidr), sizeof(cidr) - strlen(cidr), " on %s",
			 hostsetup_ifname(ifindex, name));
		return hostsetup_fail(hs, "adding address", cidr, err);
	}
	hostsetup_made(hs, HOSTSETUP_ADDR, ifindex, addr, prefixlen, none, 0);
	return 0;
}

int hostsetup_up(struct hostsetup *hs, int ifindex)
{
	char name[IF_NAMESIZE];
	struct nl_link l;
	int err = nl_link_get(&hs->nl, ifindex, &l);

	if (!err && (l.flags & IFF_UP))
		return 0;
	if (!err)
		err = nl_link_set(&hs->nl, ifindex, true, 0);
	if (err < 0)
		return hostsetup_fail(hs, "setting up", hostsetup_ifname(ifindex, name), err);
	hostsetup_made_if(hs, HOSTSETUP_UP, ifindex);
	return 0;
}

int hostsetup_master(struct hostsetup *hs, int ifindex, int master)
{
	char name[IF_NAMESIZE];
	struct in_addr none = { 0 };
	struct nl_link l;
	int err = nl_link_get(&hs->nl, ifindex, &l);

	if (!err && l.master == master)
		return 0;
	if (!err)
		err = nl_link_set_master(&hs->nl, ifindex, master);
	if (err < 0)
		return hostsetup_fail(hs, "adding to bridge", hostsetup_ifname(ifindex, name), err);
	hostsetup_made(hs, HOSTSETUP_MASTER, ifindex, none, 0, none, master);
	return 0;
}

int hostsetup_proxy_arp(struct hostsetup *hs, int ifindex)
{
	char name[IF_NAMESIZE], rel[64];
	int err;

	hostsetup_ifname(ifindex, name);
	snprintf(rel, sizeof(rel), "conf/%s/proxy_arp", name);
	if (nl_sysctl_ipv4_get(rel) > 0)
		return 0;
	err = nl_link_proxy_arp(&hs->nl, ifindex, true);
	if (err < 0)
		return hostsetup_fail(hs, "enabling proxy_arp on", name, err);
	hostsetup_made_if(hs, HOSTSETUP_PROXY_ARP, ifindex);
	return 0;
}

int hostsetup_forward(struct hostsetup *hs)
{
	struct in_addr none = { 0 };
	int err;

	if (nl_sysctl_ipv4_get("ip_forward") > 0)
		return 0;
	err = nl_sysctl_ipv4("ip_forward", "1");
	if (err < 0)
		return hostsetup_fail(hs, "enabling", "net.ipv4.ip_forward", err);
	hostsetup_made(hs, HOSTSETUP_FORWARD, 0, none, 0, none, 0);
	return 0;
}

/* NL_ADD, or NL_REPLACE for a caller that wants it; -EEXIST from NL_ADD means "keep". */
static enum nl_op hostsetup_add_op(const struct hostsetup *hs)
{
	return hs->replace ? NL_REPLACE : NL_ADD;
}

static int hostsetup_neighs(struct hostsetup *hs, int ifindex, struct in_addr guest, int *ifs,
			  unsigned int max)
{
	char text[INET_ADDRSTRLEN];
	struct in_addr none = { 0 };
	int found[HOSTSETUP_MAX_IFS];
	int n = nl_subnet_ifs(&hs->nl, guest, ifindex, found, HOSTSETUP_MAX_IFS);

	inet_ntop(AF_INET, &guest, text, sizeof(text));
	if (n < 0)
		return hostsetup_fail(hs, "finding the interfaces that route", text, n);
	for (int i = 0; i < n; i++) {
		/* the kernel does not refuse a proxy entry that exists: look first */
		int err = hs->replace ? 0 : nl_neigh_proxy_has(&hs->nl, guest, found[i]);

		if (err > 0)
			err = -EEXIST;
		else if (err == 0)
			err = nl_neigh_proxy_op(&hs->nl, hostsetup_add_op(hs), guest, found[i]);
		if (err < 0 && err != -EEXIST)
			return hostsetup_fail(hs, "adding the proxy ARP entry for", text, err);
		if (err == 0)
			hostsetup_made(hs, HOSTSETUP_NEIGH, found[i], guest, 32, none, 0);
		if (ifs && (unsigned int)i < max)
			ifs[i] = found[i];
	}
	return n;
}

int hostsetup_guest(struct hostsetup *hs, int ifindex, struct in_addr guest, int *ifs,
		  unsigned int max)
{
	char text[INET_ADDRSTRLEN];
	struct in_addr none = { 0 };
	int err = nl_route(&hs->nl, hostsetup_add_op(hs), guest, 32, none, ifindex);

	inet_ntop(AF_INET, &guest, text, sizeof(text));
	if (err < 0 && err != -EEXIST)
		return hostsetup_fail(hs, "adding the route to", text, err);
	if (err == 0)
		hostsetup_made(hs, HOSTSETUP_ROUTE, ifindex, guest, 32, none, 0);
	err = hostsetup_proxy_arp(hs, ifindex);
	return err < 0 ? err : hostsetup_neighs(hs, ifindex, guest, ifs, max);
}

int hostsetup_route(struct hostsetup *hs, struct in_addr dst, unsigned int prefixlen,
		  struct in_addr gw)
{
	char what[48];
	int err = nl_route(&hs->nl, hostsetup_add_op(hs), dst, prefixlen, gw, 0);

	if (err == -EEXIST)
		return 0; /* a route to dst is there: kept as it is */
	if (err < 0)
		return hostsetup_fail(hs, "adding the route to",
				    hostsetup_cidr(dst, prefixlen, what, sizeof(what)), err);
	hostsetup_made(hs, HOSTSETUP_ROUTE, 0, dst, prefixlen, gw, 0);
	return 0;
}

/* Whether the change's device is still the one it names (0 when it has none). */
static bool hostsetup_same_dev(const struct hostsetup_change *c)
{
	char name[IF_NAMESIZE];

	if (!c->ifname[0])
		return true;
	return if_indextoname((unsigned int)c->ifindex, name) && !strcmp(name, c->ifname);
}

static int hostsetup_undo_one(struct hostsetup *hs, const struct hostsetup_change *c)
{
	struct nl_link l;

	switch (c->kind) {
	case HOSTSETUP_LINK:
		return nl_link_del(&hs->nl, c->ifindex);
	case HOSTSETUP_ADDR:
		return nl_addr_del(&hs->nl, c->ifindex, c->addr, c->prefixlen);
	case HOSTSETUP_MASTER:
		/* only if it is still in the bridge we put it in */
		if (nl_link_get(&hs->nl, c->ifindex, &l) < 0 || l.master != c->other)
			return 0;
		return nl_link_set_master(&hs->nl, c->ifindex, 0);
	case HOSTSETUP_UP:
		return nl_link_set(&hs->nl, c->ifindex, false, 0);
	case HOSTSETUP_PROXY_ARP:
		return nl_link_proxy_arp(&hs->nl, c->ifindex, false);
	case HOSTSETUP_ROUTE:
		return nl_route(&hs->nl, NL_DEL, c->addr, c->prefixlen, c->gw, c->ifindex);
	case HOSTSETUP_NEIGH:
		return nl_neigh_proxy_op(&hs->nl, NL_DEL, c->addr, c->ifindex);
	case HOSTSETUP_FORWARD:
		return nl_sysctl_ipv4("ip_forward", "0");
	}
	return -EINVAL;
}

int hostsetup_undo(struct hostsetup *hs, const struct hostsetup_change *c)
{
	char line[160];
	int err;

	if (!hostsetup_same_dev(c))
		return 0; /* the device is gone, and what was on it */
	err = hostsetup_undo_one(hs, c);
	/* already gone: no such device, address, route or entry */
	if (err == -ENODEV || err == -EADDRNOTAVAIL || err == -ESRCH || err == -ENOENT)
		return 0;
	if (err < 0) {
		hostsetup_change_format(c, line, sizeof(line));
		return hostsetup_fail(hs, "undoing", line, err);
	}
	return 0;
}

int hostsetup_change_format(const struct hostsetup_change *c, char *buf, size_t len)
{
	char addr[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN];
	int n;

	if ((unsigned int)c->kind >= sizeof(hostsetup_kinds) / sizeof(hostsetup_kinds[0]))
		return -EINVAL;
	inet_ntop(AF_INET, &c->addr, addr, sizeof(addr));
	inet_ntop(AF_INET, &c->gw, gw, sizeof(gw));
	n = snprintf(buf, len, "%s %s %d %s/%u %s %d", hostsetup_kinds[c->kind],
		     c->ifname[0] ? c->ifname : "-", c->ifindex, addr, c->prefixlen, gw, c->other);
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

int hostsetup_change_parse(const char *line, struct hostsetup_change *c)
{
	char kind[16], ifname[IFNAMSIZ + 1], addr[16], gw[16], end[2];
	unsigned int prefixlen;
	int ifindex, other;

	memset(c, 0, sizeof(*c));
	if (sscanf(line, "%15s %16s %d %15[0-9.]/%u %15s %d %1s", kind, ifname, &ifindex, addr,
		   &prefixlen, gw, &other, end) != 7)
		return -EINVAL;
	if (prefixlen > 32 || ifindex < 0 || other < 0 || nl_ipv4_parse(addr, &c->addr) < 0 ||
	    nl_ipv4_parse(gw, &c->gw) < 0)
		return -EINVAL;
	if (strcmp(ifname, "-") && !nl_ifname_ok(ifname))
		return -EINVAL;
	for (size_t k = 0; k < sizeof(hostsetup_kinds) / sizeof(hostsetup_kinds[0]); k++)
		if (!strcmp(kind, hostsetup_kinds[k]))
			c->kind = (enum hostsetup_kind)k;
	if (strcmp(kind, hostsetup_kinds[c->kind]))
		return -EINVAL;
	if (strcmp(ifname, "-"))
		memcpy(c->ifname, ifname, strlen(ifname) + 1);
	else if (c->kind != HOSTSETUP_ROUTE && c->kind != HOSTSETUP_FORWARD)
		return -EINVAL; /* every other change is on a device */
	c->ifindex = ifindex;
	c->prefixlen = prefixlen;
	c->other = other;
	return 0;
}
