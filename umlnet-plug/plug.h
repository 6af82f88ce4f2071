/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * umlnet-plug - makes a network namespace, a host tap, or stdin/stdout a guest on any UML
 * transport (daemon, mcast, tuntap, ethertap, slip, slirp, pcap).
 *
 * Theory of operation: each device NAME=SPEC has two endpoints (lib/endpoint.h): the local one
 * (a tap created inside the namespace, or a tap/stdio here) and the transport one opened from
 * UML's own spec text in the plug's original namespace, so paths, sockets and helpers resolve on
 * the host side. One epoll loop relays batches between them. A device whose endpoint fails, whose
 * transport's peer goes away (liveness fd) or whose namespace device vanishes is closed and
 * reported on its own; the others go on. The plug ends on SIGTERM/SIGINT or when no device is
 * left.
 *
 * Files: main.c (options, set-up), netns.c (namespaces and the local tap), macrule.c (the
 * fe:fd:<IPv4> MAC rule), addrs.c (the device's addresses to the transport's host helper),
 * relay.c (the event loop), stdio_ep.c (the stdin/stdout endpoint).
 */
#ifndef UMLNET_PLUG_H
#define UMLNET_PLUG_H

#include "addr_watch.h"
#include "endpoint.h"
#include "transport_spec.h"

#include <stdbool.h>
#include <stdint.h>

#define PLUG_MAX_DEVS 32

/* The fe:fd:<IPv4> rule for one local device without a given MAC (macrule.c). */
struct plug_mac {
	int nl_fd;          /* rtnetlink socket in the device's namespace, -1 if not watched */
	int ioctl_fd;       /* AF_INET socket in the device's namespace */
	int ifindex;
	char ifname[TRANSPORT_IFNAMSIZ];
	bool decided;       /* MAC fixed (fe:fd rule) or left random because it went up bare */
	bool vanished;      /* RTM_DELLINK seen for ifindex */
};

struct plug_dev {
	char name[TRANSPORT_IFNAMSIZ];
	const char *spec;
	struct transport_spec t;
	struct endpoint *local, *remote;
	int live_fd;        /* endpoint_liveness_fd(remote) */
	struct plug_mac mac;
	struct addr_watch addrs; /* only with --netns and a transport with addr_change */
	bool open;
	uint64_t frames[2], dropped[2]; /* [0] local -> remote, [1] remote -> local */
};

struct plug {
	const char *netns;  /* name under /run/netns, or a path; NULL: this namespace */
	bool use_stdio;
	unsigned int ndevs;
	struct plug_dev devs[PLUG_MAX_DEVS];
	int orig_ns;        /* our own namespace while we are in another, else -1 */
	int ns_watch;       /* inotify on /run/netns for the namespace's name, or -1 */
};

/* netns.c */
int plug_netns_enter(struct plug *p, char *err, size_t errlen);
int plug_netns_leave(struct plug *p);
/* Watches the namespace's name: our own fds keep a deleted namespace alive, so `ip netns del`
 * is seen only as its name disappearing. Sets p->ns_watch (-1 when not applicable). */
void plug_netns_watch(struct plug *p);
/* True if the watched name was deleted (reads the pending inotify events). */
bool plug_netns_deleted(struct plug *p);
/* Opens d's local tap in the current namespace and applies the MAC / prepares the rule. */
int plug_local_tap(struct plug_dev *d, char *err, size_t errlen);

/* macrule.c */
int plug_mac_watch(struct plug_mac *m, const char *ifname);
int plug_mac_set(int ioctl_fd, const char *ifname, const uint8_t mac[ETHER_ADDR_LEN]);
/* Reads pending netlink messages and applies the rule; returns -ENODEV once the device is gone. */
int plug_mac_event(struct plug_mac *m);
void plug_mac_close(struct plug_mac *m);

/* addrs.c */
/* Opens the address watch for d's local tap (inside its namespace). Returns 0 or -errno. */
int plug_addrs_open(struct plug_dev *d);
/* After the transport opened: keeps the watch if it has an address hook and replays additions. */
void plug_addrs_start(struct plug_dev *d);
/* Passes pending address changes on (the watch's fd was readable). */
void plug_addrs_event(struct plug_dev *d);
/* Passes a removal of every known address on (while the transport is still open) and closes. */
void plug_addrs_stop(struct plug_dev *d);

/* relay.c */
int plug_run(struct plug *p);
void plug_dev_close(struct plug_dev *d);

/* stdio_ep.c: frames on a pair of descriptors (stdin/stdout in the plug), each behind a 2-byte
 * big-endian length (vde_plug's stream). */
int plug_stdio_open(struct endpoint **out, int in_fd, int out_fd);

#endif
