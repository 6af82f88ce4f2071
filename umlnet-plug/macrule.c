// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * macrule - the seed's MAC rule for a device without a given MAC (doc/mac-and-misc.md §1.2): when the
 * device first has an IPv4 address (and at the latest when it is brought up) its MAC becomes
 * fe:fd:<the four address bytes>; brought up without an address it keeps the random, locally
 * administered MAC the tap was created with. Later address changes do not move it.
 *
 * We watch the device's namespace with an rtnetlink socket (opened inside it) and, on any link or
 * address event, look at the device with ioctls: no message parsing beyond "which device was
 * deleted". A tap allows a live MAC change, so an address added and the link brought up in quick
 * succession still gets the rule, a moment after it went up.
 */
#include "log.h"
#include "plug.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int plug_mac_set(int ioctl_fd, const char *ifname, const uint8_t mac[ETHER_ADDR_LEN])
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, mac, ETHER_ADDR_LEN);
	return ioctl(ioctl_fd, SIOCSIFHWADDR, &ifr) < 0 ? -errno : 0;
}

int plug_mac_watch(struct plug_mac *m, const char *ifname)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR };
	struct ifreq ifr;

	memset(m, 0, sizeof(*m));
	m->nl_fd = m->ioctl_fd = -1;
	snprintf(m->ifname, sizeof(m->ifname), "%s", ifname);
	m->ioctl_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (m->ioctl_fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(m->ioctl_fd, SIOCGIFINDEX, &ifr) < 0)
		return -errno;
	m->ifindex = ifr.ifr_ifindex;
	m->nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (m->nl_fd < 0)
		return -errno;
	return bind(m->nl_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
}

void plug_mac_close(struct plug_mac *m)
{
	if (m->nl_fd >= 0)
		close(m->nl_fd);
	if (m->ioctl_fd >= 0)
		close(m->ioctl_fd);
	m->nl_fd = m->ioctl_fd = -1;
}

/* Applies the rule if the device now has an address or is up. */
static void plug_mac_check(struct plug_mac *m)
{
	struct ifreq ifr;
	bool up;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", m->ifname);
	if (ioctl(m->ioctl_fd, SIOCGIFFLAGS, &ifr) < 0)
		return;
	up = ifr.ifr_flags & IFF_UP;
	if (ioctl(m->ioctl_fd, SIOCGIFADDR, &ifr) == 0) {
		uint8_t mac[ETHER_ADDR_LEN] = { 0xfe, 0xfd };
		char text[MAC_TEXT_LEN];

		memcpy(mac + 2, &((struct sockaddr_in *)(void *)&ifr.ifr_addr)->sin_addr, 4);
		m->decided = true;
		if (plug_mac_set(m->ioctl_fd, m->ifname, mac) < 0)
			log_warn("%s: setting MAC %s: %s", m->ifname, mac_format(mac, text), strerror(errno));
		else
			log_info("%s: MAC %s (from its first IPv4 address)", m->ifname, mac_format(mac, text));
	} else if (up) {
		m->decided = true;
		log_info("%s: brought up without an IPv4 address: keeps its random MAC", m->ifname);
	}
}

int plug_mac_event(struct plug_mac *m)
{
	char buf[8192] __attribute__((aligned(4)));
	ssize_t n;

	while ((n = recv(m->nl_fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		struct nlmsghdr *h = (struct nlmsghdr *)(void *)buf;
		size_t len = (size_t)n;

		for (; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			const struct ifinfomsg *ifi = NLMSG_DATA(h);

			if (h->nlmsg_type == RTM_DELLINK && ifi->ifi_index == m->ifindex)
				m->vanished = true;
		}
	}
	if (m->vanished)
		return -ENODEV;
	if (!m->decided)
		plug_mac_check(m);
	return 0;
}
