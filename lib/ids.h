/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ids - user and group names to ids, the one place the programs ask NSS (tunctl -u/-g,
 * uml_switch -group, uml_net's policy, umlnet's device owner).
 */
#ifndef UMLNET_IDS_H
#define UMLNET_IDS_H

#include <stdbool.h>
#include <stdint.h>

#define IDS_MAX 0x7fffffffu /* (uid_t)-1 means "no change" to chown(); never a real id here */

/* A user (group: a group) known to NSS by name. 0, or -ENOENT. */
int ids_by_name(bool group, const char *name, uint32_t *id);

/* A name known to NSS, else a number (strtoul with base: 10, or 0 for 0x/0 prefixes as the
 * classic tunctl reads them) up to IDS_MAX. 0, or -ENOENT. */
int ids_parse(bool group, const char *text, int base, uint32_t *id);

/* A user known to NSS by name, else by number, with its primary group. 0, or -ENOENT. */
int ids_user(const char *text, uint32_t *uid, uint32_t *gid);

#endif
