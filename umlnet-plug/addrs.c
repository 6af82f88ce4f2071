// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * addrs - the namespace device's IPv4 addresses reach the transport's host helper, as the UML
 * kernel's address notifier does (doc/transports.md §1.8, doc/helper-protocol.md §4): tuntap in helper
 * mode and slip with a gate run `uml_net 4 add|del <host-dev> <addr> <mask>`, ethertap sends a
 * change message, and the host then routes and proxy-ARPs the guest's addresses.
 *
 * The watch (lib/addr_watch.h) is opened inside the namespace together with the local tap; once
 * the transport is open, it is kept only if the endpoint has an addr_change op, and the addresses
 * already there are replayed as additions. At close every address still known is removed, so
 * the host forgets the guest. Each change is one log line with the helper's answer; a failed
 * change is reported for its device and the plug goes on.
 */
#include "log.h"
#include "plug.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

int plug_addrs_open(struct plug_dev *d)
{
	return addr_watch_open(&d->addrs, d->mac.ifindex);
}

/* addr_watch callback: one change to the transport, one line to the log. */
static void plug_addrs_change(void *arg, bool add, uint32_t addr_be, uint32_t mask_be)
{
	struct plug_dev *d = arg;
	struct in_addr a = { .s_addr = addr_be }, m = { .s_addr = mask_be };
	char addr[INET_ADDRSTRLEN], mask[INET_ADDRSTRLEN], msg[512];
	int r;

	inet_ntop(AF_INET, &a, addr, sizeof(addr));
	inet_ntop(AF_INET, &m, mask, sizeof(mask));
	r = d->remote->ops->addr_change(d->remote, add, addr_be, mask_be, msg, sizeof(msg));
	if (r < 0)
		log_err("%s: %s %s/%s on the host failed: %s%s%s", d->name, add ? "add" : "del", addr,
			mask, r == -ECHILD ? "the helper exited with an error" : strerror(-r),
			msg[0] ? ": " : "", msg);
	else
		log_info("%s: %s %s/%s on the host%s%s", d->name, add ? "add" : "del", addr, mask,
			 msg[0] ? ": " : "", msg);
}

void plug_addrs_start(struct plug_dev *d)
{
	if (addr_watch_fd(&d->addrs) < 0)
		return;
	if (!d->remote->ops->addr_change) {
		addr_watch_close(&d->addrs);
		return;
	}
	addr_watch_replay(&d->addrs, true, plug_addrs_change, d);
}

void plug_addrs_event(struct plug_dev *d)
{
	int r = addr_watch_read(&d->addrs, plug_addrs_change, d);

	if (r < 0)
		log_warn("%s: watching its addresses: %s (changes may have been missed)", d->name,
			 strerror(-r));
	if (d->addrs.overflow == 1)
		log_warn("%s: more than %d addresses: the others are not passed on", d->name,
			 ADDR_WATCH_MAX);
}

void plug_addrs_stop(struct plug_dev *d)
{
	if (addr_watch_fd(&d->addrs) < 0)
		return;
	if (d->remote)
		addr_watch_replay(&d->addrs, false, plug_addrs_change, d);
	addr_watch_close(&d->addrs);
}
