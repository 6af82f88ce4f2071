/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostnet - the UML networking page's host recipe for a preconfigured device (`ifconfig tap0
 * <host-ip> up`, ip_forward, `route add -host <uml-ip> dev tap0`, proxy_arp on tap0, `arp -Ds
 * <uml-ip> eth0 pub`; or a bridge port instead) done by lib/hostsetup, no programs run.
 */
#ifndef TUNCTL_HOSTNET_H
#define TUNCTL_HOSTNET_H

#include "options.h"

/* Configures dev per o; prints one line per step unless brief. Returns 0 or -errno after
 * printing one line naming the failed step. */
int hostnet_apply(const struct tunctl_opts *o, const char *dev, bool quiet);

#endif
