/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ident_sock - the control sockets the switch keeps for single devices (ident_rule.h): a client
 * that connects through one speaks the daemon protocol as on the main control socket, but must
 * be in the socket's scope (else it is refused, counted in ident_refused and logged once per
 * socket), and its port is made in the socket's VLANs and named after its device before any
 * frame moves.
 *
 * Sockets are added, replaced (same path: new scope and setting, the socket kept) and removed
 * through the management socket; ports already made keep their setting. They are removed, file
 * and all, when the switch ends. At most IDENT_SOCKS at once.
 */
#ifndef UMLNET_IDENT_SOCK_H
#define UMLNET_IDENT_SOCK_H

#include "ident_rule.h"

#include <stdint.h>
#include <stdio.h>

#define IDENT_SOCKS 128
#define IDENT_SOCK_GONE UINT16_MAX /* a pending client's socket was closed before its request */

struct ident_sock {
	int fd;                 /* -1: free */
	struct ident_rule rule;
	uint64_t ports, refused;
	bool refusal_logged;
};

struct ident_socks {
	struct ident_sock s[IDENT_SOCKS];
	uint64_t refused;       /* clients out of scope, over all sockets */
};

struct switchd;
struct pending;

void ident_socks_init(struct ident_socks *t);
/* Opens r's socket, or gives the open one of the same path r's scope and setting. 0, or -errno
 * with one line in err. */
int ident_sock_open(struct switchd *d, const struct ident_rule *r, char *err, size_t errlen);
/* Closes the socket of path (its file removed); -ENOENT if there is none. */
int ident_sock_close(struct switchd *d, const char *path);
/* One line per socket: its rule, the ports made through it and the clients refused. */
void ident_socks_list(const struct switchd *d, FILE *f);
/* Socket index has a client waiting. */
void ident_sock_accept(struct switchd *d, uint32_t index);
/* Whether the pending client (which came through socket pd->ident) is in its scope; 0, or
 * -EPERM, counted and logged (once per socket) here, *why NULL. */
int ident_sock_admit(struct switchd *d, const struct pending *pd, const char **why);
/* The port just made by a client of socket pd->ident takes its setting and device name. */
void ident_sock_apply(struct switchd *d, const struct pending *pd, uint32_t slot);
void ident_socks_close_all(struct switchd *d);

#endif
