/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qemu_nic - a VM's NIC: the netdev and device QEMU gets for it, at start (command line) and
 * at run time (QMP netdev_add + device_add, device_del + netdev_del), as uml_mconsole's
 * config/remove do for a UML guest. The netdev is n<dev> (e.g. "neth1"), the device <dev>.
 */
#ifndef UMLNET_QEMU_NIC_H
#define UMLNET_QEMU_NIC_H

#include "argv.h"
#include "state.h"

/* Appends -netdev stream,... -device virtio-net-pci,... for NIC e of VM vm. */
void qemu_nic_args(const struct state *st, const char *vm, const struct conf_eth *e,
		   struct argvec *a);

/* Adds NIC e (on a switch of st) to running VM vm, then names it e's name in the VM with the
 * address e->ip (over the command channel). 0 or -errno (reported). */
int qemu_nic_attach(struct state *st, const char *vm, const struct conf_eth *e,
		    int timeout_ms);

/* Removes NIC dev from running VM vm. 0 or -errno (reported). */
int qemu_nic_detach(struct state *st, const char *vm, const char *dev);

/* Switch sw was started again: QEMU 7.2's stream client never reconnects, so every running
 * VM's NIC on it (of the topology, or attached) is plugged again: its MAC and addresses read in
 * the VM (believed only as qemu_nic_parse.h says: the VM writes that text), device_del +
 * netdev_del, then attached anew with that MAC and those addresses, and the topology's routes
 * set again (the kernel flushed those through the device). Returns how many NICs failed
 * (each reported once). */
int qemu_nic_rejoin(struct state *st, int sw);

#endif
