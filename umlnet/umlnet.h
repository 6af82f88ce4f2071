/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * umlnet - one command for a whole virtual network of UML guests, switches and gateways.
 * main.c is only the table of subcommands; each subcommand is its own file (cmd_*.c), and what
 * several of them do is in net.h (a whole network) and network_load.h (where they start from).
 */
#ifndef UMLNET_UMLNET_H
#define UMLNET_UMLNET_H

#include "guest.h"
#include "net.h"
#include "network_load.h"
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

#endif
