/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * privs - umlnet-slirp started as root (by umlnet, or by a UML kernel run as root) runs the
 * guest's traffic as an unprivileged user: every socket libslirp opens for the guest after
 * set-up is that user's. Root is kept only for set-up (the switch's control socket, --hostfwd
 * listeners, which may be privileged ports), then given up for good (lib/privdrop.h) before the
 * first packet is handled. Started as anyone else, the program keeps its ids and --user is not
 * used.
 */
#ifndef UMLNET_SLIRP_PRIVS_H
#define UMLNET_SLIRP_PRIVS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct slirp_privs {
	bool drop;          /* started as root: become uid/gid after set-up */
	uint32_t uid, gid;
	char user[64];
};

/* Decides, before set-up, whom to become. Returns 0, or -EINVAL with err naming --user (an
 * unknown user, or one that is root itself). */
int slirp_privs_init(struct slirp_privs *p, const char *user, char *err, size_t errlen);

/* Gives root up when slirp_privs_init said so. 0, or -EPERM (reported). */
int slirp_privs_drop(const struct slirp_privs *p);

#endif
