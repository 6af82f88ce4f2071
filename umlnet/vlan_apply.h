/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vlan_apply - puts the switch ports of a guest's devices in the VLANs of their vlan= and trunk=
 * settings (conf.h), through each switch's management socket.
 *
 * Theory of operation: a daemon-protocol client (a UML eth device, umlnet-plug) and a bess
 * client (a vec device) cannot ask for a VLAN, and a device has no port before it is up. Once
 * the guest is up (or the plug has made the namespace's devices), its ports are found in the
 * switch's `ports` listing by the guest's process id and the port's kind ("unix" for eth, a
 * daemon-protocol client; "bess" for vec), and each gets `vlan PORT VID` or
 * `trunk PORT LIST [native=N]`. A guest's devices of one kind on one switch share one setting
 * (conf.c refuses others), so which of them is which port does not matter. A device hot-plugged
 * with its own setting (umlnet attach ... vlan=) is told apart by cmd_attach.c and set with
 * vlan_apply_port. Until the setting is made, the port is on VLAN 1.
 */
#ifndef UMLNET_VLAN_APPLY_H
#define UMLNET_VLAN_APPLY_H

#include "state.h"

#include <sys/types.h>

/* Sets the VLANs of the ports of guest gi (UML guest or namespace), whose process (the UML
 * kernel or its umlnet-plug) is pid, waiting up to 10 s for its ports to appear. 0, or -errno
 * with one line reported. */
int vlan_apply_guest(const struct state *st, int gi, pid_t pid);

/* Sets port of switch sw to setting ("vlan=10", "trunk=10,20"); who names the device in the one
 * line reported on failure. 0 or -errno. */
int vlan_apply_port(const struct state *st, int sw, unsigned int port, const char *setting,
		    const char *who);

/* The management command for a device setting ("vlan=10" -> "vlan 3 10", "trunk=10,20,native=1"
 * -> "trunk 3 10,20 native=1") of port, written to out. */
void vlan_apply_command(const char *setting, unsigned int port, char *out, size_t len);

#endif
