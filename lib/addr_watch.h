/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * addr_watch - the IPv4 addresses of one interface, kept current from rtnetlink, for the address
 * hooks of UML's transports (doc/transports.md §1.8): what the kernel's inetaddr notifier sees.
 *
 * Theory of operation: the socket joins RTNLGRP_IPV4_IFADDR in the namespace it is opened in (it
 * stays bound to that namespace wherever the owner goes next), then one RTM_GETADDR dump fills
 * the table. Later RTM_NEWADDR/RTM_DELADDR for the interface change the table and are reported
 * to a callback; a message that changes nothing (a lifetime update, an address already known) is
 * not reported, as the kernel notifies only real additions and removals. An address is its value
 * and netmask together (the kernel allows the same value twice with different prefixes).
 * The owner replays the table as additions when its transport opens and as removals when it
 * closes, as the kernel does for addresses present across ifconfig up/down.
 */
#ifndef UMLNET_ADDR_WATCH_H
#define UMLNET_ADDR_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#define ADDR_WATCH_MAX 32

struct mnl_socket;

struct addr_watch_entry {
	uint32_t addr_be, mask_be; /* network byte order */
};

struct addr_watch {
	struct mnl_socket *nl;
	int ifindex;
	unsigned int n;
	struct addr_watch_entry addrs[ADDR_WATCH_MAX];
	unsigned int overflow;     /* additions that did not fit in addrs (not reported) */
};

typedef void (*addr_watch_fn)(void *arg, bool add, uint32_t addr_be, uint32_t mask_be);

/* Watches interface ifindex of the current namespace and reads its current addresses into the
 * table (no callback). Returns 0 or -errno; on error w holds nothing to close. */
int addr_watch_open(struct addr_watch *w, int ifindex);
/* The socket to poll (readable when changes wait), or -1 when closed. */
int addr_watch_fd(const struct addr_watch *w);
/* Reads the pending notifications, updates the table and calls fn for each real change.
 * Returns 0, or -errno (-ENOBUFS: the kernel dropped notifications; the table may be stale). */
int addr_watch_read(struct addr_watch *w, addr_watch_fn fn, void *arg);
/* Calls fn(arg, add, ...) for every address in the table, oldest first. */
void addr_watch_replay(const struct addr_watch *w, bool add, addr_watch_fn fn, void *arg);
void addr_watch_close(struct addr_watch *w);

#endif
