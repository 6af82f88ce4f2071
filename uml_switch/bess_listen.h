/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bess_listen - `uml_switch -bess PATH`: the server side of UML's bess vector transport
 * (doc/vector-transports.md §6). One AF_UNIX SOCK_SEQPACKET socket listens at PATH; every accepted
 * connection is one UML interface and becomes a switch port over ep_bess_accepted() (lib/ep_bess.h),
 * attached like any other endpoint. The port goes when its peer closes (EOF), and then the
 * endpoint unlinks the path the peer had bound (its `src=`), so that the guest's next `up` can
 * bind it again. Every connection is a port of its peer's user, so -limit ports-per-uid caps
 * the connections of one user.
 */
#ifndef UMLNET_SWITCH_BESS_LISTEN_H
#define UMLNET_SWITCH_BESS_LISTEN_H

#include <limits.h>
#include <stdint.h>

struct bess_listen {
	int fd;                 /* -1: no -bess */
	char path[PATH_MAX];    /* absolute: -daemon changes directory */
	uint64_t accepted;      /* connections that became ports */
	uint64_t refused;       /* connections closed at once (no free port, user over its cap) */
};

struct switchd;

/* Listens at opt.bess_path (a stale socket file there is removed first) with the -mode and
 * -group of the control socket. Returns 0 or -errno. */
int bess_listen_open(struct switchd *d);
void bess_listen_accept(struct switchd *d);
/* Closes the socket and removes its file. */
void bess_listen_close(struct switchd *d);

#endif
