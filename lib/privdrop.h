/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * privdrop - giving up root for good (uml_net's relay, umlnet-slirp started as root).
 *
 * Order matters: supplementary groups and gid while we still may, uid last. Then it is proved:
 * all three ids of each kind are the new ones and neither root's uid nor gid can be taken back.
 * The id change re-derives dumpability from fs.suid_dumpable, so the process is then marked
 * not dumpable (it still holds memory from its root days: keep it out of core files and of
 * the new user's ptrace) and no_new_privs (no setuid program brings root back).
 */
#ifndef UMLNET_PRIVDROP_H
#define UMLNET_PRIVDROP_H

#include <stddef.h>
#include <sys/types.h>

/* Becomes uid/gid with the supplementary groups (only set when we are root: others cannot).
 * Returns 0, or -EPERM when any step failed or root could be taken back: the caller must then
 * exit rather than run on with unknown ids. */
int privdrop_to(uid_t uid, gid_t gid, size_t ngroups, const gid_t *groups);

#endif
