/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * host - what uml_net checks and configures on the host: the policy decision, the host side of
 * a new device (gate address, link up, IP forwarding) and a guest's address claims (host route,
 * proxy ARP), all through lib/netlink.
 *
 * IP forwarding is turned on per interface (net.ipv4.conf.<if>.forwarding), never host-wide
 * (net.ipv4.ip_forward): IPv4 decides by the interface a packet arrives on, and answers proxy
 * ARP only on an interface that forwards. So the guest's device forwards (the guest's packets
 * to the host's other networks), and so does each interface that gets a proxy-ARP entry for a
 * guest (the LAN's packets to the guest, and the ARP answers for it). Replies from networks
 * the host reaches through other interfaces arrive there: routing a guest to those is the
 * administrator's choice (conf.<if>.forwarding=1 there), not the setuid helper's.
 */
#include "uml_net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool un_allowed(struct uml_net *un, unsigned int op, const struct in_addr *addrs, unsigned int n)
{
	char list[80] = "";
	size_t len = 0;

	/* Whatever the policy says ("any" included), these are never a guest's or a gate's. */
	for (unsigned int i = 0; i < n; i++) {
		if (!nl_ipv4_unicast(addrs[i])) {
			out_line(&un->out, "refused: %s is not a unicast host address",
				 inet_ntoa(addrs[i]));
			return false;
		}
	}
	if (un->pol ? policy_allows(un->pol, &un->who, op, addrs, n) : un->root)
		return true;
	for (unsigned int i = 0; i < n && len < sizeof(list) - 20; i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, " %s", inet_ntoa(addrs[i]));
	out_line(&un->out, "refused: the policy does not allow uid %u to use %s%s%s",
		 (unsigned int)un->who.uid, request_op_name(un->req.op), n ? " with" : "", list);
	return false;
}

static void un_nl_error(struct uml_net *un, const char *what, const char *dev, int err)
{
	out_line(&un->out, "%s on %s failed: %s", what, dev, strerror(-err));
}

/* Turns IP forwarding on for one interface, through its sysctl: the write also disables LRO
 * on it and flushes cached routes, which the netlink devconf attribute would not. Only root
 * can rename an interface, so the name cannot move between if_indextoname and the write. */
static int un_forward_on(struct uml_net *un, int ifindex)
{
	char name[IF_NAMESIZE], rel[IF_NAMESIZE + 24];
	int err;

	if (!if_indextoname((unsigned int)ifindex, name))
		return -errno;
	snprintf(rel, sizeof(rel), "conf/%s/forwarding", name);
	err = nl_sysctl_ipv4(rel, "1");
	if (err < 0)
		out_line(&un->out, "enabling net.ipv4.%s failed: %s", rel, strerror(-err));
	return err;
}

int un_gate_up(struct uml_net *un, const char *ifname, struct in_addr gate, unsigned int mtu)
{
	int ifindex = (int)if_nametoindex(ifname);
	int err;

	if (ifindex == 0)
		return -errno;
	err = nl_addr_add(&un->nl, ifindex, gate, 32);
	if (err < 0) {
		un_nl_error(un, "adding the gate address", ifname, err);
		return err;
	}
	err = nl_link_set(&un->nl, ifindex, true, mtu);
	if (err < 0) {
		un_nl_error(un, "setting the link up", ifname, err);
		return err;
	}
	err = un_forward_on(un, ifindex);
	if (err < 0)
		return err;
	if (mtu)
		out_line(&un->out, "%s: %s/32 up, mtu %u, IP forwarding on", ifname, inet_ntoa(gate),
			 mtu);
	else
		out_line(&un->out, "%s: %s/32 up, IP forwarding on", ifname, inet_ntoa(gate));
	return 0;
}

/* Reads a small decimal or 0x attribute of the sysfs directory dir; -errno when absent. */
static long un_sysfs_long(int dir, const char *attr)
{
	char buf[32], *end;
	ssize_t n;
	long v;
	int fd = openat(dir, attr, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	errno = 0;
	v = strtol(buf, &end, 0);
	if (errno || end == buf || (*end != '\n' && *end != '\0'))
		return -EIO;
	return v;
}

/*
 * The index of dev for an address change. A caller other than root may only touch TUN/TAP
 * devices it owns (uml_net sets the owner). Index, TUN flags and owner are all read through one
 * open /sys/class/net/<dev> directory, which stays bound to one device even if names change
 * meanwhile, and every later netlink call uses that index: checking the name and then acting on
 * whatever holds the name a moment later would let a device swap slip in between.
 */
int un_dev_index(struct uml_net *un, const char *dev)
{
	char path[64];
	long ifindex, flags, owner;
	int dir;

	snprintf(path, sizeof(path), "/sys/class/net/%s", dev);
	dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0) {
		out_line(&un->out, "refused: no device %s on the host", dev);
		return -ENODEV;
	}
	ifindex = un_sysfs_long(dir, "ifindex");
	flags = un->root ? 0 : un_sysfs_long(dir, "tun_flags");
	owner = un->root ? 0 : un_sysfs_long(dir, "owner");
	close(dir);
	if (ifindex <= 0 || ifindex > INT_MAX) {
		out_line(&un->out, "refused: no device %s on the host", dev);
		return -ENODEV;
	}
	if (flags < 0) {
		out_line(&un->out, "refused: %s is not a TUN/TAP device", dev);
		return -EPERM;
	}
	if (!un->root && owner != (long)un->who.uid) {
		out_line(&un->out, "refused: %s does not belong to uid %u", dev,
			 (unsigned int)un->who.uid);
		return -EPERM;
	}
	return (int)ifindex;
}

struct un_route_claim {
	struct in_addr addr;
	int dev;
	int other;	    /* ifindex of a host route to addr through another device */
	unsigned int mine; /* host routes through dev: the claims already made there */
	bool held;	    /* addr itself is already routed through dev (claimed before) */
};

static void un_route_claim_cb(void *arg, const struct nl_route *r)
{
	struct un_route_claim *c = arg;

	if (r->prefixlen != 32)
		return;
	if (r->oif == c->dev && r->dst.s_addr != c->addr.s_addr)
		c->mine++;
	if (r->dst.s_addr == c->addr.s_addr && r->oif != c->dev)
		c->other = r->oif ? r->oif : -1;
	if (r->dst.s_addr == c->addr.s_addr && r->oif == c->dev)
		c->held = true;
}

/* Whether a neighbour on one of the host's networks already answers for addr (lan_probe.c);
 * says why when it does, or when it could not be told. */
static bool un_lan_free(struct uml_net *un, struct in_addr addr, int skip_ifindex)
{
	char where[IF_NAMESIZE] = "?";
	int user = un_lan_user(un, addr, skip_ifindex);

	if (user == 0)
		return true;
	if (user < 0) {
		out_line(&un->out, "refused: could not ask the host's networks about %s: %s",
			 inet_ntoa(addr), strerror(-user));
		return false;
	}
	if_indextoname((unsigned int)user, where);
	out_line(&un->out, "refused: %s is in use on %s (a neighbour answers ARP for it)",
		 inet_ntoa(addr), where);
	return false;
}

/* A gate another device already routes (another guest's address), or that a neighbour on the
 * host's networks has, is not the host's to take. One of the host's own addresses is fine (the
 * classic set-up uses the host's LAN address as every guest's gate). */
bool un_gate_free(struct uml_net *un, struct in_addr gate)
{
	struct un_route_claim c = { gate, 0, 0, 0, false };
	char other[IF_NAMESIZE] = "?";
	int owner;

	if (nl_route_dump(&un->nl, un_route_claim_cb, &c) < 0) {
		out_line(&un->out, "refused: could not read the host's routes");
		return false;
	}
	if (c.other == 0) {
		owner = nl_addr_owner(&un->nl, gate);
		return owner > 0 || un_lan_free(un, gate, 0);
	}
	if (c.other > 0)
		if_indextoname((unsigned int)c.other, other);
	out_line(&un->out, "refused: gate %s is already routed through %s", inet_ntoa(gate), other);
	return false;
}

/*
 * By default an address the host has, that a host route sends elsewhere, or that a neighbour on
 * one of the host's networks answers ARP for, is not claimable; nor is a new one on a device
 * that already carries UN_MAX_CLAIMS of them (each claim costs a route and proxy-ARP entries in
 * the host kernel: no unbounded growth for a caller). An address the device holds already was
 * checked when it was claimed.
 */
static bool un_addr_free(struct uml_net *un, const char *dev, struct in_addr addr, int ifindex,
			 bool *held)
{
	struct un_route_claim c = { addr, ifindex, 0, 0, false };
	char other[IF_NAMESIZE] = "?";
	int owner = nl_addr_owner(&un->nl, addr);

	if (owner > 0) {
		if_indextoname((unsigned int)owner, other);
		out_line(&un->out, "refused: %s is already assigned on the host (%s)", inet_ntoa(addr),
			 other);
		return false;
	}
	if (owner < 0 || nl_route_dump(&un->nl, un_route_claim_cb, &c) < 0) {
		out_line(&un->out, "refused: could not read the host's addresses and routes");
		return false;
	}
	if (c.other != 0) {
		if (c.other > 0)
			if_indextoname((unsigned int)c.other, other);
		out_line(&un->out, "refused: %s is already routed through %s", inet_ntoa(addr),
			 other);
		return false;
	}
	if (c.mine >= UN_MAX_CLAIMS) {
		out_line(&un->out, "refused: %s already routes %u guest addresses", dev, c.mine);
		return false;
	}
	*held = c.held;
	return c.held || un_lan_free(un, addr, ifindex);
}

struct un_report {
	struct uml_net *un; /* set: turn forwarding on for each interface (a claim) */
	int err;
	char list[128];
	size_t len;
};

static void un_report_if(void *arg, int ifindex)
{
	struct un_report *rep = arg;
	char name[IF_NAMESIZE] = "?";

	if_indextoname((unsigned int)ifindex, name);
	if (rep->len < sizeof(rep->list) - IF_NAMESIZE - 2)
		rep->len += (size_t)snprintf(rep->list + rep->len, sizeof(rep->list) - rep->len,
					     " %s", name);
	if (rep->un && !rep->err)
		rep->err = un_forward_on(rep->un, ifindex);
}

/* The host route to a claimed address. Exclusive: a route that appeared since un_addr_free()
 * looked is never replaced. One the device already has (the guest set the same address
 * again) is kept. */
static int un_claim_route(struct uml_net *un, const char *dev, int ifindex, struct in_addr addr,
			  bool held)
{
	int err = held ? 0 : nl_route_host(&un->nl, true, addr, ifindex);

	if (err == -EEXIST)
		out_line(&un->out, "refused: %s was routed meanwhile (that route is left as it is)",
			 inet_ntoa(addr));
	else if (err < 0)
		un_nl_error(un, "adding the host route", dev, err);
	return err == -EEXIST ? -EADDRINUSE : err;
}

static int un_claim(struct uml_net *un, const char *dev, int ifindex, struct in_addr addr)
{
	struct un_report rep = { .un = un, .len = 0 };
	bool held;
	int err;

	if (!un_addr_free(un, dev, addr, ifindex, &held))
		return -EADDRINUSE;
	err = un_claim_route(un, dev, ifindex, addr, held);
	if (err < 0)
		return err;
	err = nl_link_proxy_arp(&un->nl, ifindex, true);
	if (err < 0) {
		un_nl_error(un, "enabling proxy_arp", dev, err);
		goto undo;
	}
	err = un_forward_on(un, ifindex);
	if (err < 0)
		goto undo;
	err = nl_proxy_subnet(&un->nl, true, addr, ifindex, un_report_if, &rep);
	if (err >= 0 && rep.err < 0)
		err = rep.err; /* reported by un_forward_on */
	else if (err < 0)
		un_nl_error(un, "adding proxy ARP entries for a guest", dev, err);
	if (err < 0)
		goto undo;
	out_line(&un->out, "%s: route %s/32, proxy ARP on%s", dev, inet_ntoa(addr),
		 rep.len ? rep.list : " no other interface");
	return 0;
undo:
	/* No half claim: a failed add leaves neither the route nor any proxy entry. */
	nl_proxy_subnet(&un->nl, false, addr, ifindex, NULL, NULL);
	nl_route_host(&un->nl, false, addr, ifindex);
	return err;
}

static int un_release(struct uml_net *un, const char *dev, int ifindex, struct in_addr addr)
{
	struct un_report rep = { .len = 0 };
	int err = nl_route_host(&un->nl, false, addr, ifindex);

	if (err == -ESRCH || err == -ENOENT) {
		/* Not ours (never claimed, or gone with the device): leave others' entries alone. */
		out_line(&un->out, "%s: no route to %s to remove", dev, inet_ntoa(addr));
		return 0;
	}
	if (err < 0) {
		un_nl_error(un, "removing the host route", dev, err);
		return err;
	}
	err = nl_proxy_subnet(&un->nl, false, addr, ifindex, un_report_if, &rep);
	if (err < 0) {
		un_nl_error(un, "removing proxy ARP entries for a guest", dev, err);
		return err;
	}
	out_line(&un->out, "%s: removed route %s/32 and proxy ARP on%s", dev, inet_ntoa(addr),
		 rep.len ? rep.list : " no other interface");
	return 0;
}

int un_addr_change(struct uml_net *un, bool add, const char *dev, int ifindex,
		   struct in_addr addr, struct in_addr mask)
{
	if (nl_mask_prefix(mask) < 0) {
		out_line(&un->out, "refused: bad netmask %s", inet_ntoa(mask));
		return -EINVAL;
	}
	if (!un_allowed(un, POLICY_OP_ADDR, &addr, 1))
		return -EPERM;
	return add ? un_claim(un, dev, ifindex, addr) : un_release(un, dev, ifindex, addr);
}
