/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * relay - the two-descriptor loop of uml_net's long-lived relays (ethertap, emulated SLIP):
 * wait until either end is readable and hand it to that end's handler. A handler returns
 * false when its end is finished (EOF, hangup, a fatal error), which ends the relay.
 */
#ifndef UML_NET_RELAY_H
#define UML_NET_RELAY_H

#include <stdbool.h>

typedef bool (*relay_fn)(void *arg);

/* Runs until a handler returns false or poll fails; runs as the caller. */
void relay_run(int fd_a, relay_fn on_a, int fd_b, relay_fn on_b, void *arg);

#endif
