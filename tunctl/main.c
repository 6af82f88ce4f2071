/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tunctl - create and delete persistent TUN/TAP devices (uml-utilities' tunctl, same options
 * and messages, helper-protocol.md §6), plus layer-3 TUN devices (-n) and the host recipe for a
 * preconfigured device (-a, -r, -B; see options.h and hostnet.h). Each failure is one line
 * naming the step, with a hint for the common causes.
 */
#include "hostnet.h"
#include "options.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static const char *tunctl_hint(int err, const char *dev)
{
	static char hint[80];

	switch (err) {
	case EPERM:
	case EACCES:
		return " (creating or changing a device needs CAP_NET_ADMIN)";
	case EBUSY:
		snprintf(hint, sizeof(hint), " (device '%s' exists and is in use)", dev);
		return hint;
	case EINVAL:
		snprintf(hint, sizeof(hint), " (device '%s' exists and is not of this TUN/TAP type)",
			 dev);
		return hint;
	default:
		return "";
	}
}

static int tunctl_open(const struct tunctl_opts *o, char name[IFNAMSIZ])
{
	struct ifreq ifr;
	int fd = open(o->clone, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		int err = errno;

		fprintf(stderr, "Failed to open '%s' : %s%s\n", o->clone, strerror(err),
			err == ENOENT || err == ENODEV ? " (no TUN/TAP: load the tun module)"
			: err == EACCES ? " (no permission on the clone device)" : "");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = (short)((o->tun ? IFF_TUN : IFF_TAP) | IFF_NO_PI);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", o->dev);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		int err = errno;

		fprintf(stderr, "TUNSETIFF: %s%s\n", strerror(err), tunctl_hint(err, o->dev));
		close(fd);
		return -1;
	}
	memcpy(name, ifr.ifr_name, IFNAMSIZ);
	name[IFNAMSIZ - 1] = '\0';
	return fd;
}

static int tunctl_delete(const struct tunctl_opts *o)
{
	char name[IFNAMSIZ];
	int fd;

	if (if_nametoindex(o->dev) == 0) {
		fprintf(stderr, "tunctl: no device '%s'\n", o->dev);
		return 1;
	}
	fd = tunctl_open(o, name);
	if (fd < 0)
		return 1;
	if (ioctl(fd, TUNSETPERSIST, 0) < 0) {
		fprintf(stderr, "disabling TUNSETPERSIST: %s\n", strerror(errno));
		close(fd);
		return 1;
	}
	printf("Set '%s' nonpersistent\n", name);
	close(fd);
	return 0;
}

static int tunctl_create(const struct tunctl_opts *o)
{
	char name[IFNAMSIZ];
	uid_t owner = o->has_uid || o->has_gid ? o->uid : geteuid();
	bool set_owner = o->has_uid || !o->has_gid;
	int fd = tunctl_open(o, name);

	if (fd < 0)
		return 1;
	if (set_owner && ioctl(fd, TUNSETOWNER, (unsigned long)owner) < 0) {
		fprintf(stderr, "TUNSETOWNER: %s\n", strerror(errno));
		goto fail;
	}
	if (o->has_gid && ioctl(fd, TUNSETGROUP, (unsigned long)o->gid) < 0) {
		fprintf(stderr, "TUNSETGROUP: %s\n", strerror(errno));
		goto fail;
	}
	if (ioctl(fd, TUNSETPERSIST, 1) < 0) {
		fprintf(stderr, "enabling TUNSETPERSIST: %s%s\n", strerror(errno),
			tunctl_hint(errno, name));
		goto fail;
	}
	if (o->brief) {
		printf("%s\n", name);
	} else {
		printf("Set '%s' persistent and owned by", name);
		if (set_owner)
			printf(" uid %u", (unsigned int)owner);
		if (o->has_gid)
			printf(" gid %u", (unsigned int)o->gid);
		printf("\n");
	}
	close(fd);
	fflush(stdout);
	if ((o->has_addr || o->nroutes || o->bridge) && hostnet_apply(o, name, o->brief) < 0)
		return 1;
	return 0;
fail:
	close(fd);
	return 1;
}

int main(int argc, char **argv)
{
	struct tunctl_opts o;
	char err[160];

	/* Made setuid by mistake, tunctl would let anyone create, re-own and route through
	 * persistent devices, and open any -f path read-write as root. */
	if (getuid() != geteuid() || getgid() != getegid()) {
		fprintf(stderr, "tunctl: refusing to run set-user-ID or set-group-ID; run it as root "
				"(or with CAP_NET_ADMIN)\n");
		return 1;
	}
	if (tunctl_parse(argc, argv, &o, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		tunctl_usage(argv[0], stderr);
		return 1;
	}
	if (o.help) {
		tunctl_usage(argv[0], stdout);
		return 0;
	}
	return o.del ? tunctl_delete(&o) : tunctl_create(&o);
}
