/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qemu_nic_parse - what a VM reports about one of its NICs before a re-plug (qemu_nic.h), and
 * the script that sets the NIC up again inside the VM.
 *
 * Trust: the report is text the VM writes. Its root may replace `ip`, print anything, claim
 * another NIC's lines or repeat them. Nothing of it goes on into QMP's JSON or the VM's script
 * unless it parses whole as what it must be, on a line that names the NIC itself: a MAC as six
 * hex bytes (unicast, not all zero), an address as inet A/L or inet6 A/L (inet_pton, prefix in
 * range). A field longer than its buffer is refused, never cut (a cut "10.0.0.1/240" would read
 * as "10.0.0.1/24"). Two different MACs for the NIC: neither is believed. Every other line is
 * counted as refused; the first is kept (printable characters only) for one log line.
 *
 * The report is the output of `ip -o link show dev D; ip -o addr show dev D` (busybox and
 * iproute2 print alike):
 *   3: eth0: <BROADCAST,MULTICAST,UP> mtu 1500 qdisc pfifo_fast qlen 1000\    link/ether M brd ...
 *   3: eth0    inet 10.0.0.1/24 brd 10.0.0.255 scope global eth0\       valid_lft forever ...
 *   3: eth0    inet6 fd00::1/64 scope global \       valid_lft forever preferred_lft forever
 * Every IPv4 address is kept, in the order listed (primaries first, so the secondaries come
 * back as secondaries); an IPv6 address only when of scope global and not "dynamic": the kernel
 * makes the link-local and the autoconfigured ones again by itself.
 */
#ifndef UMLNET_QEMU_NIC_PARSE_H
#define UMLNET_QEMU_NIC_PARSE_H

#include "conf.h"
#include "ether.h"

#include <stddef.h>

#define QEMU_NIC_ADDRS 16 /* addresses restored per NIC; more are refused */
#define QEMU_NIC_ADDR 50  /* INET6_ADDRSTRLEN (46) + "/128" */

struct qemu_nic_report {
	char dev[CONF_DEV_NAME];            /* the NIC asked about, e.g. "eth0" */
	char mac[MAC_TEXT_LEN];             /* lower case xx:xx:..., or "" */
	int nmac;                           /* link/ether lines for dev */
	int naddr;
	char addr[QEMU_NIC_ADDRS][QEMU_NIC_ADDR];
	int refused;                        /* lines not believed */
	char first_refused[64];             /* the first of them, printable, maybe cut */
};

/* An empty report about NIC dev. */
void qemu_nic_report_init(struct qemu_nic_report *r, const char *dev);

/* Takes one line of the VM's output into r (a guest_out_fn's work). */
void qemu_nic_report_line(struct qemu_nic_report *r, const char *line);

/* Whether s is an address with prefix length as umlnet restores it: a.b.c.d/n or x:..:y/n. */
bool qemu_nic_addr_ok(const char *s);

/* The shell script that, inside the VM, waits for the NIC of MAC mac, names it dev, sets it up
 * and adds the naddr addresses (in order). Every value must be what the checks above let
 * through: else -EINVAL; -ENAMETOOLONG when it does not fit len; 0. */
int qemu_nic_script(char *out, size_t len, const char *dev, const char *mac,
		    const char (*addr)[QEMU_NIC_ADDR], int naddr);

#endif
