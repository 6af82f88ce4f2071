/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hostnet - tunctl's host recipe and its messages; lib/hostsetup does the work (hostnet.h). */
#include "hostnet.h"

#include "hostsetup.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#define HOSTNET_MAX_IFS 16

static int hostnet_fail(const struct hostsetup *hs, int err)
{
	fprintf(stderr, "tunctl: %s %s failed: %s\n", hs->step, hs->what, strerror(-err));
	return err;
}

static void hostnet_said_route(const char *dev, struct in_addr guest, const int *ifs, int n)
{
	char name[IF_NAMESIZE];

	printf("%s: route %s/32, proxy ARP on", dev, inet_ntoa(guest));
	for (int i = 0; i < n && i < HOSTNET_MAX_IFS; i++)
		printf(" %s", if_indextoname((unsigned int)ifs[i], name) ? name : "?");
	printf("%s\n", n == 0 ? " no other interface" : "");
}

static int hostnet_bridge(struct hostsetup *hs, int ifindex, const char *dev, const char *bridge,
			  bool quiet)
{
	int br = (int)if_nametoindex(bridge), err;

	if (br == 0) {
		hs->step = "finding bridge";
		snprintf(hs->what, sizeof(hs->what), "%s", bridge);
		return hostnet_fail(hs, -ENODEV);
	}
	if ((err = hostsetup_master(hs, ifindex, br)) < 0)
		return hostnet_fail(hs, err);
	if (!quiet)
		printf("%s: port of bridge %s\n", dev, bridge);
	return 0;
}

static int hostnet_steps(struct hostsetup *hs, int ifindex, const struct tunctl_opts *o,
			 const char *dev, bool quiet)
{
	int ifs[HOSTNET_MAX_IFS], err;

	if (o->bridge && (err = hostnet_bridge(hs, ifindex, dev, o->bridge, quiet)) < 0)
		return err;
	if (o->has_addr && (err = hostsetup_addr(hs, ifindex, o->addr, 32)) < 0)
		return hostnet_fail(hs, err);
	if ((err = hostsetup_up(hs, ifindex)) < 0)
		return hostnet_fail(hs, err);
	if (!quiet)
		printf("%s: %s%s up\n", dev, o->has_addr ? inet_ntoa(o->addr) : "",
		       o->has_addr ? "/32" : "");
	for (unsigned int i = 0; i < o->nroutes; i++) {
		err = hostsetup_guest(hs, ifindex, o->routes[i], ifs, HOSTNET_MAX_IFS);
		if (err < 0)
			return hostnet_fail(hs, err);
		if (!quiet)
			hostnet_said_route(dev, o->routes[i], ifs, err);
	}
	if (o->nroutes && (err = hostsetup_forward(hs)) < 0)
		return hostnet_fail(hs, err);
	if (o->nroutes && !quiet)
		printf("net.ipv4.ip_forward = 1\n");
	return 0;
}

int hostnet_apply(const struct tunctl_opts *o, const char *dev, bool quiet)
{
	/* tunctl configures the device it was told to: what is there is replaced */
	struct hostsetup hs = { .replace = true };
	int ifindex = (int)if_nametoindex(dev), err;

	if (ifindex == 0) {
		hs.step = "finding";
		snprintf(hs.what, sizeof(hs.what), "%s", dev);
		return hostnet_fail(&hs, -ENODEV);
	}
	if ((err = hostsetup_open(&hs)) < 0)
		return hostnet_fail(&hs, err);
	err = hostnet_steps(&hs, ifindex, o, dev, quiet);
	hostsetup_close(&hs);
	return err;
}
