// SPDX-License-Identifier: GPL-2.0-or-later
/* ep_tap - a host tap device as an endpoint: opened here, then an ep_fd (one frame per read). */
#include "endpoint.h"
#include "ep_fd.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int ep_tap_open(const char *ifname, struct endpoint **out)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	char desc[IFNAMSIZ + 8];
	int fd, err;

	if (strlen(ifname) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	snprintf(desc, sizeof(desc), "tap %.*s", IFNAMSIZ - 1, ifr.ifr_name);
	err = ep_fd_new(fd, "tap", desc, NULL, NULL, out);
	if (err)
		close(fd);
	return err;
}
