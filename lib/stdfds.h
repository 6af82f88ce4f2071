/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stdfds - make sure descriptors 0, 1 and 2 are open before a program opens anything else.
 *
 * A program started with one of them closed (a service manager, a CI runner with "no stdin",
 * `prog <&-`) would otherwise get its first socket or file as "stdin" or "stderr": the switch
 * would watch its own listening socket for EOF, log lines would be written into a capture
 * file, a setuid helper's errors into a file it opened as root.
 */
#ifndef UMLNET_STDFDS_H
#define UMLNET_STDFDS_H

/* Opens /dev/null on each of 0, 1, 2 that is closed. Returns 0 or -errno; on failure nothing
 * can be reported (stderr may be the closed one), so callers exit. */
int stdfds_reserve(void);

#endif
