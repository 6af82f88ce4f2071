/* SPDX-License-Identifier: GPL-2.0-or-later */
/* options - tunctl's command line (see options.h). */
#include "options.h"

#include "ids.h"
#include "netlink.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void tunctl_usage(const char *prog, FILE *f)
{
	fprintf(f,
		"Create: %s [-b] [-n] [-u owner] [-g group] [-t device-name] [-f tun-clone-device]\n"
		"        [-a host-address] [-r guest-address]... [-B bridge]\n"
		"Delete: %s -d device-name [-f tun-clone-device]\n\n"
		"The default tun clone device is /dev/net/tun - some systems use\n"
		"/dev/misc/net/tun instead\n\n"
		"-b will result in brief output (just the device name)\n"
		"-n creates a layer-3 TUN device instead of a TAP device\n"
		"-a, -r, -B set up the host side: address, routes and proxy ARP, or a bridge port\n",
		prog, prog);
}

/* A name, else a number (base 0, as the classic tool); -1 when neither. */
static long tunctl_id(const char *s, bool group)
{
	uint32_t id;

	return ids_parse(group, s, 0, &id) ? -1 : (long)id;
}

static int tunctl_opt(struct tunctl_opts *o, int c, const char *arg, char *err, size_t errlen)
{
	long id;

	switch (c) {
	case 'b': o->brief = true; return 0;
	case 'n': o->tun = true; return 0;
	case 'h': o->help = true; return 0;
	case 'd': o->del = true; o->dev = arg; return 0;
	case 't': o->dev = arg; return 0;
	case 'f': o->clone = arg; return 0;
	case 'u':
		if ((id = tunctl_id(arg, false)) < 0)
			break;
		o->has_uid = true;
		o->uid = (uid_t)id;
		return 0;
	case 'g':
		if ((id = tunctl_id(arg, true)) < 0)
			break;
		o->has_gid = true;
		o->gid = (gid_t)id;
		return 0;
	case 'a':
		if (nl_ipv4_parse(arg, &o->addr) < 0)
			break;
		o->has_addr = true;
		return 0;
	case 'r':
		if (o->nroutes == TUNCTL_MAX_ROUTES || nl_ipv4_parse(arg, &o->routes[o->nroutes]) < 0)
			break;
		o->nroutes++;
		return 0;
	case 'B':
		if (!nl_ifname_ok(arg))
			break;
		o->bridge = arg;
		return 0;
	default:
		snprintf(err, errlen, "unknown option");
		return -EINVAL;
	}
	if (c == 'u')
		snprintf(err, errlen, "'%s' is neither a username nor a numeric uid.", arg);
	else if (c == 'g')
		snprintf(err, errlen, "'%s' is neither a groupname nor a numeric group.", arg);
	else if (c == 'r' && o->nroutes == TUNCTL_MAX_ROUTES)
		snprintf(err, errlen, "at most %d -r addresses", TUNCTL_MAX_ROUTES);
	else
		snprintf(err, errlen, "bad %s '%s'", c == 'B' ? "bridge name" : "address", arg);
	return -EINVAL;
}

int tunctl_parse(int argc, char *const argv[], struct tunctl_opts *o, char *err, size_t errlen)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->dev = "";
	o->clone = "/dev/net/tun";
	opterr = 0;
	optind = 1;
	while ((c = getopt(argc, argv, "bhnd:f:t:u:g:a:r:B:")) != -1) {
		if (c == '?' || c == ':') {
			snprintf(err, errlen, "invalid option -- '%c'", optopt);
			return -EINVAL;
		}
		if (tunctl_opt(o, c, optarg, err, errlen) < 0)
			return -EINVAL;
	}
	if (optind != argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	if (strlen(o->dev) >= 16) {
		snprintf(err, errlen, "device name '%s' is longer than 15 characters", o->dev);
		return -EINVAL;
	}
	if (o->del && (o->has_addr || o->nroutes || o->bridge)) {
		snprintf(err, errlen, "-a, -r and -B only go with creating a device");
		return -EINVAL;
	}
	if (o->bridge && (o->has_addr || o->nroutes)) {
		snprintf(err, errlen, "-B (bridge) and -a/-r (routing) exclude each other");
		return -EINVAL;
	}
	return 0;
}
