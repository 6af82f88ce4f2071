/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * net - what umlnet does to a whole network, for the commands and the supervisor to share:
 * start it (net_up.c), stop it (net_down.c), run a script in one of its guests (net_exec.c),
 * show it (net_status.c).
 */
#ifndef UMLNET_NET_H
#define UMLNET_NET_H

#include "guest.h"
#include "notify.h"
#include "state.h"

#include <stdbool.h>
#include <stdio.h>

struct umlnet_opts;

/* Starts everything of st->conf in dependency order, listening on n (opened here); on failure
 * stops what it started. */
int net_up(struct umlnet_opts *o, struct state *st, struct notify *n);

/* net_up without its UML guests: the guests' directory and init, the notify socket n, the
 * switches, their gateways, the namespace guests. Reports errors; stops nothing. */
int net_up_switches(struct umlnet_opts *o, struct state *st, struct notify *n, bool netns);
/* Start one switch (answering on its management socket), the slirp gateway of switch sw
 * (attached), or namespace guest gi (its plug, addresses and routes), and record it: up's
 * steps, and the supervisor's way to start one again with the same arguments. Report errors. */
int net_start_switch(struct state *st, int sw);
int net_start_slirp(struct state *st, int sw);
int net_start_netns(struct state *st, int gi);

/* Stops everything recorded in st and removes the state; returns how many processes are still
 * running (reported; the state is then kept). */
int net_down(struct state *st);

/* Runs script in guest (UML or QEMU; n: the network's notify socket, needed for UML guests
 * only) and returns its exit status or -errno (reported). */
int net_exec(struct state *st, struct notify *n, const char *guest, const char *script,
	     int timeout_ms, guest_out_fn out, void *opaque);

/* Prints the status of a running network (text or JSON). */
int net_status(struct state *st, bool json, FILE *f);

#endif
