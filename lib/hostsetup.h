/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostsetup - the host side of UML networking, one implementation for tunctl (-a/-r/-B) and
 * `umlnet host-up/host-down`: persistent taps owned by a uid/gid (/dev/net/tun ioctls),
 * bridges, addresses, link up, bridge ports, proxy ARP, host routes to guests with proxy-ARP
 * entries on the interfaces that route the guest's subnet, ip_forward, and routes through a
 * gateway. Everything goes through lib/netlink (rtnetlink, /proc/sys); no program is run.
 *
 * Theory of operation: each step looks first and changes only what is not already so; every
 * change it makes is told to hs->made as a struct hostsetup_change, which hostsetup_undo()
 * reverses.
 * A caller that records the changes (umlnet keeps them as text lines, see
 * hostsetup_change_format()) can later remove exactly what it made and nothing else. A change
 * names its device by index and name: undo skips a device whose index no longer has that name
 * (it is gone, and what was on it went with it).
 *
 * Errors: a step returns -errno and leaves in hs->step and hs->what what failed, e.g.
 * "adding address" "10.0.0.1/24", so the caller reports one line.
 */
#ifndef UMLNET_HOSTSETUP_H
#define UMLNET_HOSTSETUP_H

#include "netlink.h"

#include <net/if.h>
#include <stddef.h>
#include <sys/types.h>

enum hostsetup_kind {
	HOSTSETUP_LINK,      /* a device was created */
	HOSTSETUP_ADDR,      /* addr/prefixlen was added to the device */
	HOSTSETUP_MASTER,    /* the device was made a port of bridge index `other` */
	HOSTSETUP_UP,        /* the device was set up */
	HOSTSETUP_PROXY_ARP, /* proxy_arp was turned on on the device */
	HOSTSETUP_ROUTE,     /* route addr/prefixlen via gw and/or the device */
	HOSTSETUP_NEIGH,     /* a proxy-ARP entry for addr on the device */
	HOSTSETUP_FORWARD,   /* net.ipv4.ip_forward was turned on */
};

struct hostsetup_change {
	enum hostsetup_kind kind;
	char ifname[IFNAMSIZ]; /* "" when the change has no device */
	int ifindex;
	struct in_addr addr;
	unsigned int prefixlen;
	struct in_addr gw;
	int other;
};

struct hostsetup {
	struct nl_ctx nl;
	/* Routes and proxy entries: replace one that is there (tunctl's behaviour) instead of
	 * keeping it unchanged (and unrecorded). */
	bool replace;
	void (*made)(void *arg, const struct hostsetup_change *c); /* may be NULL */
	void *arg;
	const char *step; /* after a failure: the step ... */
	char what[160];   /* ... and its value */
};

/* A persistent TUN/TAP device to create (or release). */
struct hostsetup_tap {
	const char *clone; /* NULL: /dev/net/tun */
	const char *name;  /* may hold %d; "" lets the kernel choose */
	bool tun;          /* layer 3 instead of a tap */
	bool excl;         /* fail with -EBUSY if the device exists (never reuse one) */
	bool set_owner, set_group;
	uid_t uid;
	gid_t gid;
};

/* Opens the rtnetlink socket (not needed for the tap functions alone). */
int hostsetup_open(struct hostsetup *hs);
void hostsetup_close(struct hostsetup *hs);

/* Creates a persistent device, owned as t says; name gets the kernel's name. hs->step is then
 * one of "open", "TUNSETIFF", "TUNSETOWNER", "TUNSETGROUP", "enabling TUNSETPERSIST". */
int hostsetup_tap_create(struct hostsetup *hs, const struct hostsetup_tap *t, char name[IFNAMSIZ]);
/* Makes the device non-persistent (it goes when its last user closes it). */
int hostsetup_tap_release(struct hostsetup *hs, const struct hostsetup_tap *t, char name[IFNAMSIZ]);

/* Creates a bridge; returns its index or -errno (-EEXIST if the name is taken). */
int hostsetup_bridge_create(struct hostsetup *hs, const char *name);
int hostsetup_addr(struct hostsetup *hs, int ifindex, struct in_addr addr, unsigned int prefixlen);
int hostsetup_up(struct hostsetup *hs, int ifindex);
int hostsetup_master(struct hostsetup *hs, int ifindex, int master);
int hostsetup_proxy_arp(struct hostsetup *hs, int ifindex);
/* Turns net.ipv4.ip_forward on. */
int hostsetup_forward(struct hostsetup *hs);
/*
 * A guest reached through ifindex: the host route guest/32 on it, proxy_arp on it, and
 * proxy-ARP entries for guest on every other interface routing a subnet that holds it. ifs
 * (may be NULL) gets up to max of those interfaces. Returns how many, or -errno.
 */
int hostsetup_guest(struct hostsetup *hs, int ifindex, struct in_addr guest, int *ifs,
		  unsigned int max);
/* A route dst/prefixlen (0: default) through gateway gw. */
int hostsetup_route(struct hostsetup *hs, struct in_addr dst, unsigned int prefixlen,
		  struct in_addr gw);

/* Reverses one change; what is already gone is not an error. */
int hostsetup_undo(struct hostsetup *hs, const struct hostsetup_change *c);

/* One line (without newline): "<kind> <ifname|-> <ifindex> <addr>/<len> <gw> <other>". */
int hostsetup_change_format(const struct hostsetup_change *c, char *buf, size_t len);
/* Parses what hostsetup_change_format() wrote (a trailing newline is allowed); 0 or -EINVAL. */
int hostsetup_change_parse(const char *line, struct hostsetup_change *c);

#endif
