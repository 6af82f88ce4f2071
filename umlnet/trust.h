/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * trust - which directories umlnet run as root may act on, and what its guests' user reaches.
 *
 * Root reads pids, netns and host-down records from the state directory and signals or deletes
 * what they name, so as root every directory on the way to the state (the real path, symlinks
 * resolved) must be owned by root and writable by no one else; a world-writable directory on
 * the way is accepted only with the sticky bit (/tmp: others cannot rename root's entries).
 * XDG_RUNTIME_DIR inherited from a user (sudo -E, su without -) therefore fails this check.
 *
 * The guests' UML processes run as an unprivileged user and need to reach a few files of the
 * state directory: every directory on the way must be searchable by that user.
 *
 * The guests' own directory (uml/) is writable by that user, that is by any guest's root
 * through hostfs: it is removed without following a symlink anywhere (openat/unlinkat).
 */
#ifndef UMLNET_TRUST_H
#define UMLNET_TRUST_H

#include <stddef.h>
#include <sys/types.h>

/* As root: path (or, while it does not exist, its nearest existing parent) and every directory
 * above it pass the rule above; real gets path with symlinks resolved. Not root: real = path.
 * Reports one line naming the directory at fault and returns -EPERM, or 0. */
int trust_state_path(const char *what, const char *path, char *real, size_t len);

/* Whether uid/gid may search every directory from / to path (path included). Reports the first
 * that it may not and returns -EACCES, or 0. */
int trust_reachable(const char *path, const char *user, uid_t uid, gid_t gid);

/* Removes the directory path and everything in it, never following a symlink. */
void trust_remove_tree(const char *path);

#endif
