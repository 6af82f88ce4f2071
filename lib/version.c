/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * version - see version.h.
 */
#include "version.h"

#include <stdio.h>
#include <string.h>

const char *umlnet_version(void)
{
	return UMLNET_VERSION;
}

bool version_asked(int argc, char *const argv[])
{
	return argc == 2 && strcmp(argv[1], "--version") == 0;
}

int version_print(const char *prog)
{
	printf("%s %s\n", prog, UMLNET_VERSION);
	return 0;
}
