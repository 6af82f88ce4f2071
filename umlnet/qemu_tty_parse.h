/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qemu_tty_parse - the line that ends a command's output on a VM's command channel (qemu_tty.h):
 * "UMLNET-EXIT <status>", alone or after output that had no newline of its own.
 *
 * Trust: the VM writes it. Only "UMLNET-EXIT " and 1 to 3 digits up to 255, ending the line,
 * is a status; anything else is output (a negative "status" would otherwise read as an -errno
 * of umlnet's, and a number past int an undefined atoi).
 */
#ifndef UMLNET_QEMU_TTY_PARSE_H
#define UMLNET_QEMU_TTY_PARSE_H

#define QEMU_TTY_EXIT "UMLNET-EXIT "

/* When line ends with a status: *status, line cut before it (to the output it followed), 1.
 * Else 0, line unchanged. */
int qemu_tty_status(char *line, int *status);

#endif
