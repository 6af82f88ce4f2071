/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * network_load - what the commands start from: a topology file, or the state of a running
 * network.
 */
#ifndef UMLNET_NETWORK_LOAD_H
#define UMLNET_NETWORK_LOAD_H

#include "conf.h"
#include "state.h"

struct umlnet_opts;

/* Reads and parses a topology file; text gets the file's contents (malloc'd). Reports errors. */
int umlnet_load(const char *path, struct conf **conf, char **text);

/* Opens the running network the options name (-s, -n, or the only one). */
int umlnet_open(struct umlnet_opts *o, struct state *st);

#endif
