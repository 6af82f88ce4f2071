/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * peercred - who is at the other end of a unix stream socket, and acting on the filesystem with
 * that peer's rights instead of our own.
 *
 * A privileged server that opens or connects to a path a client named must do it with the
 * client's rights, or it becomes the client's deputy. peercred_assume() switches the filesystem
 * identity of the calling thread (fsuid, fsgid and the supplementary groups) to the peer's, for
 * one short section with no other work in it; peercred_restore() switches back. Changing the
 * fsuid away from 0 also drops the filesystem capabilities (CAP_DAC_OVERRIDE ...), so the kernel
 * checks permissions exactly as it would for the client.
 */
#ifndef UMLNET_PEERCRED_H
#define UMLNET_PEERCRED_H

#include <stdbool.h>
#include <sys/types.h>

/* Supplementary groups kept of a peer; a peer with more is treated as having none (fewer rights,
 * never more). */
#define PEERCRED_MAX_GROUPS 256

struct peercred {
	pid_t pid;      /* 0 when unknown */
	uid_t uid;      /* (uid_t)-1 when unknown */
	gid_t gid;
	int ngroups;    /* supplementary groups, 0 when unknown */
	gid_t groups[PEERCRED_MAX_GROUPS];
};

/* The identity the kernel recorded when the peer of fd connected (SO_PEERCRED, SO_PEERGROUPS).
 * Returns 0, or -errno with c naming nobody (uid -1). */
int peercred_get(int fd, struct peercred *c);

/* Our filesystem identity before peercred_assume(). */
struct peercred_saved {
	uid_t fsuid;
	gid_t fsgid;
	int ngroups;
	gid_t *groups;
};

/* Takes on c's filesystem identity. Returns 0, or -EPERM when we lack the privilege (nothing is
 * changed then), or another -errno. */
int peercred_assume(const struct peercred *c, struct peercred_saved *s);

/* Back to the identity saved by a successful peercred_assume(). Not being able to is fatal: the
 * process would go on with someone else's rights. */
void peercred_restore(struct peercred_saved *s);

#endif
