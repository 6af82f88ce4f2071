/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * runas - who the UML guests run as on the host.
 *
 * A guest's root can remount its hostfs root read-write and mount any host path over hostfs:
 * it reaches the host with exactly the rights of its UML process. So umlnet run as root never
 * starts a guest as root: its UML processes run as an unprivileged user, by default the system
 * user umlnet-guest (scripts/deps creates it), else the one --guest-user or
 * $UMLNET_GUEST_USER names (a name or a number; never uid 0), with that user's primary group as
 * its only group. Run as anyone else, umlnet starts guests as itself.
 */
#ifndef UMLNET_RUNAS_H
#define UMLNET_RUNAS_H

#include "proc.h"

#define RUNAS_DEFAULT_USER "umlnet-guest"

/* Fills as for the guests (fd3 -1) and user with the user's name: as root the guests' user
 * (opt, else $UMLNET_GUEST_USER, else the default), else no change of user. Reports one line
 * and returns -ENOENT (no such user) or -EPERM (root), or 0. */
int runas_guest_user(const char *opt, struct proc_as *as, const char **user);

#endif
