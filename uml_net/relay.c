/* SPDX-License-Identifier: GPL-2.0-or-later */
/* relay - see relay.h. */
#include "relay.h"

#include <errno.h>
#include <poll.h>

void relay_run(int fd_a, relay_fn on_a, int fd_b, relay_fn on_b, void *arg)
{
	struct pollfd p[2] = { { .fd = fd_a, .events = POLLIN }, { .fd = fd_b, .events = POLLIN } };

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (p[0].revents && !on_a(arg))
			return;
		if (p[1].revents && !on_b(arg))
			return;
	}
}
