/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * uml_net - the setuid helper the UML kernel runs for the tuntap (helper mode), ethertap and
 * slip transports and for guest address changes (doc/helper-protocol.md).
 *
 * Theory of operation: main.c sanitises the process (environment, umask, stray fds), records
 * who the caller is (real uid/gid/groups), loads the root-owned policy, and parses argv
 * (request.c). One handler per operation then does the privileged work with direct kernel calls
 * (TUNSETIFF, rtnetlink, /proc/sys writes; no program is ever executed), answers the kernel in
 * the format that operation needs, and drops to the caller's ids before anything long-lived:
 * the ethertap frame relay and the emulated-SLIP relay run as the caller. Every refusal is one
 * line in the output the kernel prints on the guest console.
 */
#ifndef UML_NET_H
#define UML_NET_H

#include "netlink.h"
#include "output.h"
#include "policy.h"
#include "request.h"

#include <stdbool.h>

#define UML_NET_POLICY_PATH "/etc/umlnet/uml_net.conf"
#define UML_NET_TUN_PATH "/dev/net/tun"
/* Guest addresses (host routes) one device may carry; a guest has one or two. */
#define UN_MAX_CLAIMS 32

struct uml_net {
	struct policy_caller who;
	bool root;                /* the caller's real uid is 0 */
	const struct policy *pol; /* NULL: no policy file; only root may proceed */
	struct request req;
	struct out out;
	struct nl_ctx nl;
};

/* lan_probe.c: the interface where a neighbour answers ARP for addr (on the host's attached
 * networks, skip_ifindex left out), 0 when none does, or -errno. Waits up to a second. */
int un_lan_user(struct uml_net *un, struct in_addr addr, int skip_ifindex);

/* host.c: checks and host configuration */
bool un_allowed(struct uml_net *un, unsigned int op, const struct in_addr *addrs, unsigned int n);
int un_gate_up(struct uml_net *un, const char *ifname, struct in_addr gate, unsigned int mtu);
bool un_gate_free(struct uml_net *un, struct in_addr gate);
/* The index of dev, which a caller other than root must own; -errno with the reason output. */
int un_dev_index(struct uml_net *un, const char *dev);
/* Claims (add) or releases a guest address on the device ifindex (named dev in messages). */
int un_addr_change(struct uml_net *un, bool add, const char *dev, int ifindex,
		   struct in_addr addr, struct in_addr mask);

/* tun.c: a TUN/TAP device of our own; returns the fd, the kernel's name in ifname. */
int un_tun_create(struct uml_net *un, bool tap, const char *pattern, char ifname[16]);

/* privs.c */
void un_caller(struct uml_net *un);
void un_sanitize(void);
void un_close_stray_fds(int keep);
int un_load_policy(struct uml_net *un, const char *path, struct policy *pol);
void un_drop_privileges(struct uml_net *un);

/* One handler per operation; each returns the exit status. */
int tuntap_up(struct uml_net *un);
/* The failure reply of tuntap up: a datagram with only the text. */
int tuntap_send_text(struct uml_net *un);
int ethertap_run(struct uml_net *un);
int slip_up(struct uml_net *un);
int slip_down(struct uml_net *un);
int addr_change(struct uml_net *un);

#endif
