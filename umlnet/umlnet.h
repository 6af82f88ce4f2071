/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * umlnet - one command for a whole virtual network of UML guests, switches and gateways.
 * main.c is only the table of subcommands; each subcommand is its own file (cmd_*.c).
 */
#ifndef UMLNET_UMLNET_H
#define UMLNET_UMLNET_H

#include "guest.h"
#include "notify.h"
#include "runas.h"
#include "state.h"

#include <stdbool.h>

struct umlnet_opts {
	const char *state_dir; /* -s DIR */
	const char *network;   /* -n NAME */
	bool json;             /* -j */
	int jobs;              /* guests booting at once */
	bool jobs_given;       /* --jobs was given (lstart has a default of its own) */
	int timeout_s;         /* for a guest to come up */
	bool quiet;
	const char *guest_user; /* --guest-user NAME: who UML guests run as when we are root */
	struct proc_as as;      /* the same, resolved by up (runas.h) */
};

int cmd_up(struct umlnet_opts *o, int argc, char **argv);
int cmd_down(struct umlnet_opts *o, int argc, char **argv);
int cmd_status(struct umlnet_opts *o, int argc, char **argv);
int cmd_attach(struct umlnet_opts *o, int argc, char **argv);
int cmd_detach(struct umlnet_opts *o, int argc, char **argv);
int cmd_exec(struct umlnet_opts *o, int argc, char **argv);
int cmd_graph(struct umlnet_opts *o, int argc, char **argv);
int cmd_check(struct umlnet_opts *o, int argc, char **argv);
int cmd_demo(struct umlnet_opts *o, int argc, char **argv);
int cmd_host_up(struct umlnet_opts *o, int argc, char **argv);
int cmd_host_down(struct umlnet_opts *o, int argc, char **argv);
int cmd_lstart(struct umlnet_opts *o, int argc, char **argv);
int cmd_lclean(struct umlnet_opts *o, int argc, char **argv);
int cmd_lhalt(struct umlnet_opts *o, int argc, char **argv);
int cmd_linfo(struct umlnet_opts *o, int argc, char **argv);
int cmd_lcheck(struct umlnet_opts *o, int argc, char **argv);
int cmd_lcapture(struct umlnet_opts *o, int argc, char **argv);
int cmd_ltest(struct umlnet_opts *o, int argc, char **argv);
int cmd_connect(struct umlnet_opts *o, int argc, char **argv);
int cmd_image(struct umlnet_opts *o, int argc, char **argv);

/* Reads and parses a topology file; text gets the file's contents (malloc'd). Reports errors. */
int umlnet_load(const char *path, struct conf **conf, char **text);

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
 * only) and
 * returns its exit status or -errno (reported). */
int net_exec(struct state *st, struct notify *n, const char *guest, const char *script,
	     int timeout_ms, guest_out_fn out, void *opaque);

/* Prints the status of a running network (text or JSON). */
int net_status(struct state *st, bool json, FILE *f);

/* Opens the running network the options name (-s, -n, or the only one). */
int umlnet_open(struct umlnet_opts *o, struct state *st);

#endif
