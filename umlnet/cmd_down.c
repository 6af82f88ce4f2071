// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * down - stops a running network (net_down.c).
 *   umlnet down [NETWORK]
 */
#include "log.h"
#include "umlnet.h"

#include <stdio.h>

int cmd_down(struct umlnet_opts *o, int argc, char **argv)
{
	struct state st;
	int left = 0;

	if (argc == 2 && !o->network)
		o->network = argv[1];
	else if (argc != 1) {
		log_err("usage: umlnet down [NETWORK]");
		return 2;
	}
	if (umlnet_open(o, &st)) {
		state_close(&st);
		return 1;
	}
	left = net_down(&st);
	if (!o->quiet && !left)
		printf("network %s is down\n", st.conf->name);
	state_close(&st);
	return left ? 1 : 0;
}
