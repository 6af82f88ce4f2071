/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hostnet - host set-up for a tunctl device (see hostnet.h). */
#include "hostnet.h"

#include "netlink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

struct hostnet {
	struct nl_ctx nl;
	const char *dev;
	int ifindex;
	bool quiet;
};

static int hostnet_fail(const char *step, const char *what, int err)
{
	fprintf(stderr, "tunctl: %s %s failed: %s\n", step, what, strerror(-err));
	return err;
}

static void hostnet_said(void *arg, int ifindex)
{
	const struct hostnet *hn = arg;

	if (!hn->quiet) {
		char name[IF_NAMESIZE] = "?";

		printf(" %s", if_indextoname((unsigned int)ifindex, name) ? name : "?");
	}
}

static int hostnet_route(struct hostnet *hn, struct in_addr guest)
{
	int err = nl_route_host(&hn->nl, true, guest, hn->ifindex);

	if (err < 0)
		return hostnet_fail("adding the route to", inet_ntoa(guest), err);
	if ((err = nl_link_proxy_arp(&hn->nl, hn->ifindex, true)) < 0)
		return hostnet_fail("enabling proxy_arp on", hn->dev, err);
	if (!hn->quiet)
		printf("%s: route %s/32, proxy ARP on", hn->dev, inet_ntoa(guest));
	err = nl_proxy_subnet(&hn->nl, true, guest, hn->ifindex, hostnet_said, hn);
	if (!hn->quiet)
		printf("%s\n", err == 0 ? " no other interface" : "");
	if (err < 0)
		return hostnet_fail("adding proxy ARP entries for", inet_ntoa(guest), err);
	return 0;
}

static int hostnet_steps(struct hostnet *hn, const struct tunctl_opts *o)
{
	int err;

	if (o->bridge) {
		int br = (int)if_nametoindex(o->bridge);

		if (br == 0)
			return hostnet_fail("finding bridge", o->bridge, -errno);
		if ((err = nl_link_set_master(&hn->nl, hn->ifindex, br)) < 0)
			return hostnet_fail("adding the device to bridge", o->bridge, err);
		if (!hn->quiet)
			printf("%s: port of bridge %s\n", hn->dev, o->bridge);
	}
	if (o->has_addr && (err = nl_addr_add(&hn->nl, hn->ifindex, o->addr, 32)) < 0)
		return hostnet_fail("adding address", inet_ntoa(o->addr), err);
	if ((err = nl_link_set(&hn->nl, hn->ifindex, true, 0)) < 0)
		return hostnet_fail("setting up", hn->dev, err);
	if (!hn->quiet)
		printf("%s: %s%s up\n", hn->dev, o->has_addr ? inet_ntoa(o->addr) : "",
		       o->has_addr ? "/32" : "");
	for (unsigned int i = 0; i < o->nroutes; i++)
		if ((err = hostnet_route(hn, o->routes[i])) < 0)
			return err;
	if (o->nroutes && (err = nl_sysctl_ipv4("ip_forward", "1")) < 0)
		return hostnet_fail("enabling", "net.ipv4.ip_forward", err);
	if (o->nroutes && !hn->quiet)
		printf("net.ipv4.ip_forward = 1\n");
	return 0;
}

int hostnet_apply(const struct tunctl_opts *o, const char *dev, bool quiet)
{
	struct hostnet hn = { .dev = dev, .quiet = quiet };
	int err;

	hn.ifindex = (int)if_nametoindex(dev);
	if (hn.ifindex == 0)
		return hostnet_fail("finding", dev, -errno);
	if ((err = nl_open(&hn.nl)) < 0)
		return hostnet_fail("opening", "rtnetlink", err);
	err = hostnet_steps(&hn, o);
	nl_close(&hn.nl);
	return err;
}
