/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * unixsock_diag - who owns the socket at the other end of one of our connected unix sockets,
 * asked of the kernel through sock_diag (NETLINK_SOCK_DIAG, UNIX_DIAG_PEER and UNIX_DIAG_UID).
 *
 * Asking after connect() about the socket we are connected to, rather than looking a name up
 * first, leaves no window in which the name could come to mean another socket. The kernel looks
 * sockets up by inode in our own network namespace: a path socket bound in another one is not
 * found (-ENOENT), and callers treat that as "cannot tell".
 */
#ifndef UMLNET_UNIXSOCK_DIAG_H
#define UMLNET_UNIXSOCK_DIAG_H

#include <sys/types.h>

/* The uid that created the socket fd is connected to. Returns 0, -ENOTCONN if fd has no peer,
 * -ENOENT if the peer is not found, or another -errno. */
int unixsock_diag_peer_uid(int fd, uid_t *uid);

#endif
