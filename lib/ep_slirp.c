// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ep_slirp - UML's slirp transport (doc/transports.md §8, doc/slirp-and-slip.md §3): the slirp program
 * runs with fd 0 and fd 1 both one end of an AF_UNIX stream socketpair and speaks SLIP on it; we
 * keep the other end. argv comes from the spec ('_' already turned into spaces). The endpoint
 * converts between Ethernet and the IPv4 packets SLIP carries (ep_slipeth.h).
 */
#include "ep_helper.h"
#include "ep_slipeth.h"
#include "ep_transports.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Closing our end was the program's EOF: it must exit now (the kernel waits for it too). */
static void slirp_cleanup(void *arg)
{
	ep_helper_wait((pid_t)(intptr_t)arg, 2000);
}

int ep_slirp_open(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen)
{
	const char *argv[TRANSPORT_SLIRP_ARGS + 1];
	char desc[128];
	int sv[2], r;
	pid_t pid;

	transport_slirp_argv(t, argv);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(err, errlen, "slirp: socketpair: %s", strerror(errno));
		return -errno;
	}
	pid = ep_helper_spawn(argv, sv[1], sv[1], -1);
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		snprintf(err, errlen, "slirp: failed to exec '%s' on host: %s", argv[0], strerror((int)-pid));
		return (int)pid;
	}
	snprintf(desc, sizeof(desc), "slirp '%s' (pid %d)", argv[0], (int)pid);
	r = ep_slipeth_new(sv[0], "slirp", desc, slirp_cleanup, (void *)(intptr_t)pid, out);
	if (r) {
		close(sv[0]);
		slirp_cleanup((void *)(intptr_t)pid);
		snprintf(err, errlen, "slirp: %s", strerror(-r));
	}
	return r;
}
