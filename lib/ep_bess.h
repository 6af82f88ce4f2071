/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ep_bess - UML's socket vector transports, `bess` and `fd` (doc/vector-transports.md §6, §10): one
 * bare Ethernet frame per record of an AF_UNIX SOCK_SEQPACKET connection (bess, fd) or per
 * datagram of a connected SOCK_DGRAM socket (fd), no header, no length prefix.
 *
 * Theory of operation. I/O is ep_dgram's batched recvmmsg/sendmmsg on a connected socket. A
 * zero-length record carries nothing (UML drops them too, §4) and is never handed to the owner.
 * End of connection: on a SOCK_SEQPACKET socket recv() returns 0 both for an empty record and
 * at EOF, and at EOF recvmmsg fills the whole batch with such zeros. A batch made only of
 * zero-length records while poll() reports POLLRDHUP/POLLHUP (the peer closed or shut down its
 * side) is EOF: recv() then returns -ENOTCONN (or -ECONNRESET, the socket's own error, when the
 * peer closed with frames of ours unread). Frames that arrived before the EOF are delivered
 * first. A SOCK_DGRAM socketpair has no EOF: its closed peer shows only as send errors
 * (-ECONNREFUSED).
 *
 * Roles: ep_bess_open() is UML's side (connects to a switch's listening socket, optionally
 * bound to src first; the src file is ours and is unlinked on destroy). ep_bess_accepted() is
 * the switch's side of one accepted connection; with unlink_src it removes the peer's bound
 * path when the connection ends, because UML never unlinks its src and its next `up` would
 * fail (§6 point 4).
 */
#ifndef UMLNET_EP_BESS_H
#define UMLNET_EP_BESS_H

#include "endpoint.h"

#include <stdbool.h>
#include <sys/types.h>

/* The peer of an accepted connection, as the owner learned it (SO_PEERCRED). */
struct ep_bess_peer {
	pid_t pid;
	uid_t uid;
	/* At destroy, unlink the path the peer bound (getpeername) if, at that moment, it is an
	 * absolute path naming a socket file owned by uid, in a directory that uid owns or a sticky
	 * world-writable one: a peer cannot make a privileged switch delete anything it could not
	 * delete itself. */
	bool unlink_src;
};

/* Takes ownership of fd, a connected SOCK_SEQPACKET socket returned by accept(). */
int ep_bess_accepted(int fd, const struct ep_bess_peer *peer, struct endpoint **out);

#endif
