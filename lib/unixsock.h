/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * unixsock - AF_UNIX addresses and sockets as the daemon protocol needs them.
 *
 * Abstract names are always bound with the full 110-byte address length, so the 108 bytes
 * sent on the wire are exactly the name (doc/daemon-protocol.md §3.3); filesystem names are
 * NUL-padded to 108 bytes, which reaches the same socket with either length.
 */
#ifndef UMLNET_UNIXSOCK_H
#define UMLNET_UNIXSOCK_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>
#include <sys/un.h>

/* Fills a with a NUL-padded filesystem path. -ENAMETOOLONG if it does not fit. */
int unixsock_path_addr(struct sockaddr_un *a, const char *path);

/* Fills a with an abstract name: a NUL byte, then text, then NULs up to 108 bytes. */
int unixsock_abstract_addr(struct sockaddr_un *a, const char *text);

/* Who may use a socket file: its permission bits (-1: what the umask gives) and its group
 * ((gid_t)-1: ours). The file is created with them, never changed through a symlink. */
struct unixsock_access {
	int mode;
	gid_t gid;
};

/* Binds fd (of socket type type) to the filesystem path, first removing a socket file there that
 * no server answers on (left by a crash or SIGKILL). -EADDRINUSE if a live server owns it. acc:
 * the file's mode and group (NULL: the umask's, ours). */
int unixsock_bind_path(int fd, const char *path, int type, const struct unixsock_access *acc);

/* Listening socket of type (SOCK_STREAM, SOCK_SEQPACKET) at path (non-blocking, close-on-exec),
 * its file made with acc as unixsock_bind_path() does. A stale socket file nobody answers on is
 * removed first. Returns the fd, -EADDRINUSE if a live server owns the path, or another -errno. */
int unixsock_listen(const char *path, int type, int backlog, const struct unixsock_access *acc);

/* Whether a socket file may be made at path (relative to the working directory if not
 * absolute): every directory on the way belongs to root or to us and, if its group or others may
 * write to it, is sticky; a symlink on the way belongs to root or to us. Otherwise someone else
 * could replace our socket, or what we make there, behind our back. Returns 0, or -errno with a
 * one-line reason in why. */
int unixsock_dir_check(const char *path, char *why, size_t len);

/* Non-blocking SOCK_DGRAM socket bound to a with the full address length; returns fd or -errno. */
int unixsock_dgram_bind(const struct sockaddr_un *a);

/* Raises fd's send buffer to bytes: beyond net.core.wmem_max when we may (SO_SNDBUFFORCE needs
 * CAP_NET_ADMIN), else as far as the limit allows. Best effort: a smaller buffer only means
 * earlier drops. */
void unixsock_grow_sndbuf(int fd, int bytes);

/* Connects fd to a (full 110-byte length); returns 0 or -errno. */
int unixsock_connect(int fd, const struct sockaddr_un *a);

/* Short printable form of a 108-byte name for logs and replies: "@text" for abstract names made
 * of text (trailing NULs dropped), "@hex:..." (the first 12 bytes) for binary ones, the path
 * otherwise; text escaped as log_escape() does. buf should hold LOG_ESCAPED_LEN(108) bytes. */
const char *unixsock_addr_text(const struct sockaddr_un *a, char *buf, size_t len);

#endif
