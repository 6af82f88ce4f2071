/* SPDX-License-Identifier: GPL-2.0-or-later */
/* tun - creating uml_net's TUN/TAP devices. The module is never loaded for the caller: uml_net
 * runs no program, so a host without /dev/net/tun gets a clear message instead. */
#include "uml_net.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int un_tun_create(struct uml_net *un, bool tap, const char *pattern, char ifname[16])
{
	struct ifreq ifr;
	int fd = open(UML_NET_TUN_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		int err = -errno;

		if (err == -ENOENT || err == -ENODEV || err == -ENXIO)
			out_line(&un->out, "no TUN/TAP on this host: %s: %s (load the tun module; "
					   "uml_net runs no program, not even modprobe)",
				 UML_NET_TUN_PATH, strerror(-err));
		else
			out_line(&un->out, "opening %s failed: %s", UML_NET_TUN_PATH, strerror(-err));
		return err;
	}
	/* IFF_TUN_EXCL: never attach to an existing device of that name (TUNSETIFF would, and the
	 * caller's name pre-check can race with its creation); the host picks a free one for a
	 * "%d" pattern. The persistence check after it is a second guard, and comes before
	 * TUNSETOWNER so that no other device ever has its owner changed. */
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = (short)((tap ? IFF_TAP : IFF_TUN) | IFF_NO_PI | IFF_TUN_EXCL);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", pattern);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int err = -errno;

		if (err == -EBUSY)
			out_line(&un->out, "refused: %s already exists on the host", pattern);
		else
			out_line(&un->out, "creating %s device %s failed: %s", tap ? "TAP" : "TUN",
				 pattern, strerror(-err));
		close(fd);
		return err;
	}
	if (ioctl(fd, TUNGETIFF, &ifr) < 0 || (ifr.ifr_flags & IFF_PERSIST)) {
		out_line(&un->out, "refused: %s already exists on the host", ifr.ifr_name);
		close(fd);
		return -EEXIST;
	}
	if (ioctl(fd, TUNSETOWNER, (unsigned long)un->who.uid) < 0) {
		int err = -errno;

		out_line(&un->out, "setting the owner of %s failed: %s", ifr.ifr_name,
			 strerror(-err));
		close(fd);
		return err;
	}
	memcpy(ifname, ifr.ifr_name, IFNAMSIZ);
	ifname[IFNAMSIZ - 1] = '\0';
	return fd;
}
