// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * status - prints a running network at a glance (net_status.c).
 *   umlnet [-j] status [NETWORK]
 */
#include "log.h"
#include "umlnet.h"

#include <stdio.h>
#include <string.h>

int cmd_status(struct umlnet_opts *o, int argc, char **argv)
{
	struct state st;
	int err;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json") || !strcmp(argv[i], "json"))
			o->json = true; /* also accepted after the command, as iproute2 users type it */
		else if (!o->network && argv[i][0] != '-')
			o->network = argv[i];
		else {
			log_err("usage: umlnet [-j] status [NETWORK]");
			return 2;
		}
	}
	err = umlnet_open(o, &st);
	if (!err)
		err = net_status(&st, o->json, stdout);
	state_close(&st);
	return err ? 1 : 0;
}
