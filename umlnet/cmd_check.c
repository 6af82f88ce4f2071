// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check - parses a topology file and prints it in canonical form, or the first error
 * ("FILE:LINE: field 'value': what is wrong") with exit status 1.
 */
#include "log.h"
#include "umlnet.h"

#include <stdio.h>
#include <stdlib.h>

int cmd_check(struct umlnet_opts *o, int argc, char **argv)
{
	struct conf *conf;
	char *text;

	(void)o;
	if (argc != 2) {
		log_err("usage: umlnet check FILE");
		return 2;
	}
	if (umlnet_load(argv[1], &conf, &text))
		return 1;
	conf_print(conf, stdout);
	free(conf);
	free(text);
	return 0;
}
