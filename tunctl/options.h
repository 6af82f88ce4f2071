/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * options - tunctl's command line: the classic uml-utilities options (doc/helper-protocol.md §6,
 * same messages) plus -n (a layer-3 TUN device), -h, and the host recipe of the UML networking
 * page for a preconfigured device, done through rtnetlink:
 *
 *   -a ADDR    give the device the host-side address ADDR/32 and set it up
 *   -r GUEST   route GUEST/32 through the device, proxy_arp on it, proxy-ARP entries for GUEST on
 *              the interfaces that route its subnet, and IP forwarding on (repeatable)
 *   -B BRIDGE  make the device a port of BRIDGE and set it up (instead of routing)
 */
#ifndef TUNCTL_OPTIONS_H
#define TUNCTL_OPTIONS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#define TUNCTL_MAX_ROUTES 8

struct tunctl_opts {
	bool brief, del, tun, help;
	const char *dev;   /* -t or -d; may hold %d; "" lets the kernel choose */
	const char *clone; /* -f */
	bool has_uid, has_gid;
	uid_t uid;
	gid_t gid;
	bool has_addr;
	struct in_addr addr;
	unsigned int nroutes;
	struct in_addr routes[TUNCTL_MAX_ROUTES];
	const char *bridge;
};

/* Returns 0, or -EINVAL with the classic one-line message in err (the caller adds the usage). */
int tunctl_parse(int argc, char *const argv[], struct tunctl_opts *o, char *err, size_t errlen);
void tunctl_usage(const char *prog, FILE *f);

#endif
