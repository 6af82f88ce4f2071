/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tunctl - create and delete persistent TUN/TAP devices (uml-utilities' tunctl, same options
 * and messages, doc/helper-protocol.md §6), plus layer-3 TUN devices (-n) and the host recipe for a
 * preconfigured device (-a, -r, -B; see options.h and hostnet.h). Each failure is one line
 * naming the step, with a hint for the common causes.
 */
#include "hostnet.h"
#include "hostsetup.h"
#include "options.h"
#include "stdfds.h"
#include "version.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *tunctl_hint(int err, const char *dev)
{
	static char hint[sizeof(((struct hostsetup *)0)->what) + 64];

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

/* The tap as the options describe it. */
static struct hostsetup_tap tunctl_tap(const struct tunctl_opts *o)
{
	struct hostsetup_tap t = { .clone = o->clone, .name = o->dev, .tun = o->tun };

	t.set_owner = o->has_uid || !o->has_gid;
	t.uid = o->has_uid || o->has_gid ? o->uid : geteuid();
	t.set_group = o->has_gid;
	t.gid = o->gid;
	return t;
}

/* One line in the classic tunctl's words for the step that failed. */
static int tunctl_fail(const struct tunctl_opts *o, const struct hostsetup *hs, int err)
{
	int e = -err;

	if (!strcmp(hs->step, "open"))
		fprintf(stderr, "Failed to open '%s' : %s%s\n", hs->what, strerror(e),
			e == ENOENT || e == ENODEV ? " (no TUN/TAP: load the tun module)"
			: e == EACCES ? " (no permission on the clone device)" : "");
	else if (!strcmp(hs->step, "TUNSETIFF") || strstr(hs->step, "TUNSETPERSIST"))
		fprintf(stderr, "%s: %s%s\n", hs->step, strerror(e),
			tunctl_hint(e, !strcmp(hs->step, "TUNSETIFF") ? o->dev : hs->what));
	else
		fprintf(stderr, "%s: %s\n", hs->step, strerror(e));
	return 1;
}

static int tunctl_delete(const struct tunctl_opts *o)
{
	struct hostsetup_tap t = tunctl_tap(o);
	struct hostsetup hs = { .replace = true };
	char name[IFNAMSIZ];
	int err;

	if (if_nametoindex(o->dev) == 0) {
		fprintf(stderr, "tunctl: no device '%s'\n", o->dev);
		return 1;
	}
	err = hostsetup_tap_release(&hs, &t, name);
	if (err < 0)
		return tunctl_fail(o, &hs, err);
	printf("Set '%s' nonpersistent\n", name);
	return 0;
}

static int tunctl_create(const struct tunctl_opts *o)
{
	struct hostsetup_tap t = tunctl_tap(o);
	struct hostsetup hs = { .replace = true };
	char name[IFNAMSIZ];
	int err = hostsetup_tap_create(&hs, &t, name);

	if (err < 0)
		return tunctl_fail(o, &hs, err);
	if (o->brief) {
		printf("%s\n", name);
	} else {
		printf("Set '%s' persistent and owned by", name);
		if (t.set_owner)
			printf(" uid %u", (unsigned int)t.uid);
		if (t.set_group)
			printf(" gid %u", (unsigned int)t.gid);
		printf("\n");
	}
	fflush(stdout);
	if ((o->has_addr || o->nroutes || o->bridge) && hostnet_apply(o, name, o->brief) < 0)
		return 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct tunctl_opts o;
	char err[160];

	if (stdfds_reserve() < 0)
		return 1; /* nothing to report on: see stdfds.h */
	/* Made setuid by mistake, tunctl would let anyone create, re-own and route through
	 * persistent devices, and open any -f path read-write as root. */
	if (getuid() != geteuid() || getgid() != getegid()) {
		fprintf(stderr, "tunctl: refusing to run set-user-ID or set-group-ID; run it as root "
				"(or with CAP_NET_ADMIN)\n");
		return 1;
	}
	if (version_asked(argc, argv))
		return version_print("tunctl");
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
