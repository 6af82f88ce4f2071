/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rejoin - puts the running UML guests back on a switch that was started again.
 *
 * UML's daemon transport connects to its switch once, when the device is made (its open only
 * hands out that connection: doc/transports.md §4): a new switch on the same socket is never found
 * by that device, not even through down/up. So a daemon device is made again, as attach does:
 *   1. in the guest (command channel): its MAC and IPv4 addresses are saved in /run/umlnet
 *      (root's, in the guest) and the device taken down (the kernel refuses to remove an open
 *      device);
 *   2. through the mconsole: "remove ethN" (retried while the guest has yet to take it down),
 *      then "config ethN=<the word up gave it>", which connects to the new switch;
 *   3. in the guest: the saved MAC (a random one would leave the peers' ARP caches wrong), the
 *      saved addresses and the topology's, up, and the routes the kernel flushed with the device.
 * A vec device (bess) connects when it is opened, so down/up is enough there; its src socket
 * file, left by the dead switch, is removed first (UML cannot bind it again while it exists:
 * doc/vector-transports.md §6).
 *
 * The guest's steps are posted without waiting for their answers (guest_post): a user's long
 * `umlnet exec` may hold the notify socket for as long as the transfer that waits for this very
 * switch. Success is read from the switch instead: a port of the guest's pid per daemon device,
 * a port from the vec device's src socket.
 */
#ifndef UMLNET_REJOIN_H
#define UMLNET_REJOIN_H

#include "state.h"

#define REJOIN_WAIT_MS 5000   /* for the guests' ports to show, per try (two tries) */
#define REJOIN_REMOVE_MS 15000 /* for the guest to take a daemon device down */

/* Re-joins every running UML guest's devices on switch sw, those of the topology and those
 * umlnet attach added. Returns how many guests did not come back (each reported once). */
int rejoin_switch(struct state *st, int sw);

/* A slirp gateway on switch sw was started again: the running UML guests there forget their
 * neighbours on that switch (ip neigh flush), so that they ask for the gateway's MAC again. The
 * gateway's MAC is the same, but a new umlnet-slirp takes frames only for the MACs it has seen
 * libslirp send from, and libslirp sends nothing until asked (an ARP request): a guest whose
 * ARP entry is still valid would otherwise talk to it unanswered until that entry expires. */
void rejoin_gateway(struct state *st, int sw);

#endif
