/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * host - what uml_net checks and configures on the host: the policy decision, the host side of
 * a new device (gate address, link up, IP forwarding) and a guest's address claims (host route,
 * proxy ARP), all through lib/netlink.
 */
#include "uml_net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool un_allowed(struct uml_net *un, unsigned int op, const struct in_addr *addrs, unsigned int n)
{
	char list[80] = "";
	size_t len = 0;

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
	err = nl_sysctl_ipv4("ip_forward", "1");
	if (err < 0) {
		out_line(&un->out, "enabling net.ipv4.ip_forward failed: %s", strerror(-err));
		return err;
	}
	if (mtu)
		out_line(&un->out, "%s: %s/32 up, mtu %u, IP forwarding on", ifname, inet_ntoa(gate),
			 mtu);
	else
		out_line(&un->out, "%s: %s/32 up, IP forwarding on", ifname, inet_ntoa(gate));
	return 0;
}

/* Reads a small sysfs attribute of a network device as a number; -errno when absent. */
static long un_sysfs_long(const char *dev, const char *attr)
{
	char path[96], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", dev, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	return strtol(buf, NULL, 0);
}

/* A caller other than root may only touch TUN/TAP devices it owns (uml_net sets the owner). */
static bool un_dev_mine(struct uml_net *un, const char *dev)
{
	if (un->root)
		return true;
	if (un_sysfs_long(dev, "tun_flags") < 0) {
		out_line(&un->out, "refused: %s is not a TUN/TAP device", dev);
		return false;
	}
	if (un_sysfs_long(dev, "owner") != (long)un->who.uid) {
		out_line(&un->out, "refused: %s does not belong to uid %u", dev,
			 (unsigned int)un->who.uid);
		return false;
	}
	return true;
}

struct un_route_claim {
	struct in_addr addr;
	int dev;
	int other; /* ifindex of a host route to addr through another device */
};

static void un_route_claim_cb(void *arg, const struct nl_route *r)
{
	struct un_route_claim *c = arg;

	if (r->prefixlen == 32 && r->dst.s_addr == c->addr.s_addr && r->oif != c->dev)
		c->other = r->oif ? r->oif : -1;
}

/* By default an address the host has, or that a host route sends elsewhere, is not claimable. */
static bool un_addr_free(struct uml_net *un, struct in_addr addr, int ifindex)
{
	struct un_route_claim c = { addr, ifindex, 0 };
	char other[IF_NAMESIZE] = "?";
	int owner = nl_addr_owner(&un->nl, addr);

	if (owner > 0) {
		if_indextoname((unsigned int)owner, other);
		out_line(&un->out, "refused: %s is already assigned on the host (%s)", inet_ntoa(addr),
			 other);
		return false;
	}
	if (owner == 0 && nl_route_dump(&un->nl, un_route_claim_cb, &c) == 0 && c.other == 0)
		return true;
	if (c.other > 0)
		if_indextoname((unsigned int)c.other, other);
	if (owner < 0 || c.other == 0)
		out_line(&un->out, "refused: could not read the host's addresses and routes");
	else
		out_line(&un->out, "refused: %s is already routed through %s", inet_ntoa(addr),
			 other);
	return false;
}

struct un_report {
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
}

static int un_claim(struct uml_net *un, const char *dev, int ifindex, struct in_addr addr)
{
	struct un_report rep = { .len = 0 };
	char rel[64];
	int err;

	if (!un_addr_free(un, addr, ifindex))
		return -EADDRINUSE;
	err = nl_route_host(&un->nl, true, addr, ifindex);
	if (err < 0) {
		un_nl_error(un, "adding the host route", dev, err);
		return err;
	}
	snprintf(rel, sizeof(rel), "conf/%s/proxy_arp", dev);
	err = nl_sysctl_ipv4(rel, "1");
	if (err < 0) {
		un_nl_error(un, "enabling proxy_arp", dev, err);
		return err;
	}
	err = nl_proxy_subnet(&un->nl, true, addr, ifindex, un_report_if, &rep);
	if (err < 0) {
		un_nl_error(un, "adding proxy ARP entries for a guest", dev, err);
		return err;
	}
	out_line(&un->out, "%s: route %s/32, proxy ARP on%s", dev, inet_ntoa(addr),
		 rep.len ? rep.list : " no other interface");
	return 0;
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

int un_addr_change(struct uml_net *un, bool add, const char *dev, struct in_addr addr,
		   struct in_addr mask, bool dev_checked)
{
	int ifindex = (int)if_nametoindex(dev);

	if (nl_mask_prefix(mask) < 0) {
		out_line(&un->out, "refused: bad netmask %s", inet_ntoa(mask));
		return -EINVAL;
	}
	if (ifindex == 0) {
		out_line(&un->out, "refused: no device %s on the host", dev);
		return -ENODEV;
	}
	if (!un_allowed(un, POLICY_OP_ADDR, &addr, 1) || (!dev_checked && !un_dev_mine(un, dev)))
		return -EPERM;
	return add ? un_claim(un, dev, ifindex, addr) : un_release(un, dev, ifindex, addr);
}
