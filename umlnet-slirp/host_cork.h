/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * host_cork - lets a burst of TCP data from the guest leave for the host in a few large sends.
 *
 * Why: libslirp hands every data segment from the guest to its host socket at once, one send()
 * per segment of at most an MTU. On the host's loopback each such send() runs the receiver's
 * whole TCP input and wakes it: in a 16 MiB upload these sends were 69% of umlnet-slirp's system
 * call time (strace -c), 12219 of them. A loop turn takes in several segments at a time, so
 * while the gateway feeds such a burst to libslirp, the TCP sockets that libslirp has open are
 * corked (TCP_CORK: send() only queues), and at the end of the turn released, which sends what
 * queued as one segment per socket.
 * Latency is untouched: the first data segment of a turn is never held (request/answer traffic
 * sends one per turn), and nothing waits beyond the turn that queued it.
 * Only sockets that libslirp registered with register_poll_fd and that are TCP are tracked, at
 * most HOST_CORK_MAX: with more TCP sockets open nothing is corked, as two system calls for
 * every socket per turn would cost more than they save.
 */
#ifndef UMLNET_SLIRP_HOST_CORK_H
#define UMLNET_SLIRP_HOST_CORK_H

#include <stdbool.h>
#include <stddef.h>

#define HOST_CORK_MAX 16

struct host_cork {
	int fds[HOST_CORK_MAX];
	size_t n;
	size_t untracked;  /* TCP sockets open beyond HOST_CORK_MAX */
	unsigned int segments; /* data segments from the guest this turn */
	bool held;
};

void host_cork_init(struct host_cork *c);

/* libslirp opened (track) or is closing (untrack) socket fd. */
void host_cork_track(struct host_cork *c, int fd);
void host_cork_untrack(struct host_cork *c, int fd);

/* A data segment from the guest is about to go into libslirp: from the second one in a turn on,
 * the sockets are held. */
void host_cork_segment(struct host_cork *c);

/* End of the turn's guest input: what the held sockets queued is sent. */
void host_cork_release(struct host_cork *c);

#endif
