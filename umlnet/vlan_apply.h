/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vlan_apply - puts the switch ports of a guest's devices in the VLANs of their vlan= and trunk=
 * settings (conf.h), through each switch's management socket.
 *
 * Theory of operation. A daemon-protocol client (a UML eth device, umlnet-plug) cannot ask for
 * a VLAN, and its request tells nothing of which device it is. So an eth device with a setting
 * connects to a control socket of its own (vlan_apply_ctl), which the switch opens on request
 * (`ident PATH SCOPE SETTING name=DEV`, uml_switch(1)) before the device can connect: its port
 * is born in its VLANs, and a device that comes before its socket is refused, never put on
 * VLAN 1. The scope is the guest's pid (a UML guest: opened right after its start, seconds
 * before its init brings a device up), or the uid of umlnet-plug, which connects as soon as it
 * starts (it is ours: the switch's own user may set any VLAN anyway). Devices without a setting
 * use the switch's main socket and are on VLAN 1 (once the switch is VLAN-aware).
 *
 * A vec device's port (bess) is told apart by its src socket, which names the device: it is
 * found in `ports` once the guest is up and set with `vlan PORT VID` / `trunk PORT LIST`; until
 * then it is on VLAN 1.
 *
 * The device sockets die with their switch; the supervisor opens them again (vlan_apply_idents)
 * before it makes the guests' devices again on the restarted switch (rejoin.c), attached devices
 * included (their settings are kept in <state>/attached).
 */
#ifndef UMLNET_VLAN_APPLY_H
#define UMLNET_VLAN_APPLY_H

#include "state.h"

#include <sys/types.h>

/* The control socket of guest's eth device e (which has a VLAN setting): <dir>/<sw>.<guest>.<dev>.ctl.
 * 0, or -ENAMETOOLONG when it does not fit a socket address. */
int vlan_apply_ctl(const struct state *st, const char *guest, const struct conf_eth *e, char *out,
		   size_t len);

/* Opens the device sockets of guest gi's eth devices with a VLAN setting on switch sw (-1:
 * every switch), its attached ones included, for clients of scope ("pid=123", "uid=0"). 0, or
 * -errno with one line reported. */
int vlan_apply_idents(const struct state *st, int gi, int sw, const char *scope);

/* The same for one device of guest (e->sw a switch of the network). */
int vlan_apply_ident(const struct state *st, const char *guest, const struct conf_eth *e,
		     const char *scope);

/* Sets the VLANs of guest gi's vec devices' ports on switch sw (-1: every switch), its attached
 * ones included, found by their src sockets, waiting up to 10 s for each. 0, or -errno with one
 * line reported. */
int vlan_apply_guest(const struct state *st, int gi, int sw);

/* Sets port of switch sw to setting ("vlan=10", "trunk=10,20"); who names the device in the one
 * line reported on failure. 0 or -errno. */
int vlan_apply_port(const struct state *st, int sw, unsigned int port, const char *setting,
		    const char *who);

#endif
