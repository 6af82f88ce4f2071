// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * network_load - what the commands start from: a topology file (umlnet_load) or the state of
 * a running network (umlnet_open).
 */
#include "log.h"
#include "umlnet.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int umlnet_load(const char *path, struct conf **conf, char **text)
{
	char err[600];
	int rc;

	*text = NULL;
	*conf = malloc(sizeof(**conf));
	if (!*conf)
		return -ENOMEM;
	rc = conf_load(*conf, path, text, err, sizeof(err));
	if (rc) {
		log_err("%s", err);
		free(*conf);
		*conf = NULL;
	}
	return rc;
}

int umlnet_open(struct umlnet_opts *o, struct state *st)
{
	return state_open(st, o->state_dir, o->network);
}
