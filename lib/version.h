/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * version - the one version string of every umlnet program (meson's project version, defined
 * only where lib/version.c is compiled) and the one `--version` output line.
 */
#ifndef UMLNET_VERSION_H
#define UMLNET_VERSION_H

#include <stdbool.h>

/* The release, e.g. "0.1.0". */
const char *umlnet_version(void);

/* True when `--version` is the sole argument: for programs whose other arguments are
 * positional or short options only (uml_net is run by the kernel with positional words). */
bool version_asked(int argc, char *const argv[]);

/* Prints "<prog> <version>" on stdout; returns 0, the exit status of `--version`. */
int version_print(const char *prog);

#endif
