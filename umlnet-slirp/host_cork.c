// SPDX-License-Identifier: GPL-2.0-or-later
#include "host_cork.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

static bool is_tcp(int fd)
{
	int proto = 0;
	socklen_t len = sizeof(proto);

	return getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) == 0 &&
	       proto == IPPROTO_TCP;
}

/* Errors are ignored on purpose: a socket that cannot be corked (closed under us, or one that
 * was never TCP) just sends as it would have without us. */
static void set_cork(const struct host_cork *c, int on)
{
	for (size_t i = 0; i < c->n; i++)
		setsockopt(c->fds[i], IPPROTO_TCP, TCP_CORK, &on, sizeof(on));
}

void host_cork_init(struct host_cork *c)
{
	memset(c, 0, sizeof(*c));
}

void host_cork_track(struct host_cork *c, int fd)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->fds[i] == fd)
			return; /* reused number of a socket closed without a word: the same entry */
	if (!is_tcp(fd))
		return;
	if (c->n < HOST_CORK_MAX)
		c->fds[c->n++] = fd;
	else
		c->untracked++;
}

void host_cork_untrack(struct host_cork *c, int fd)
{
	for (size_t i = 0; i < c->n; i++) {
		if (c->fds[i] == fd) {
			c->fds[i] = c->fds[--c->n];
			return;
		}
	}
	if (c->untracked > 0 && is_tcp(fd))
		c->untracked--;
}

void host_cork_segment(struct host_cork *c)
{
	if (++c->segments == 2 && c->untracked == 0 && c->n > 0) {
		set_cork(c, 1);
		c->held = true;
	}
}

void host_cork_release(struct host_cork *c)
{
	if (c->held)
		set_cork(c, 0);
	c->held = false;
	c->segments = 0;
}
