// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * net_exec - runs a script in a guest of a running network, over the way its kind of guest
 * takes commands: a UML guest's command channel (guest.h), a QEMU guest's second serial port
 * (qemu_tty.h).
 */
#include "guest.h"
#include "qemu_tty.h"
#include "umlnet.h"

int net_exec(struct state *st, struct notify *n, const char *guest, const char *script,
	     int timeout_ms, guest_out_fn out, void *opaque)
{
	int gi = conf_find_guest(st->conf, guest);

	if (gi >= 0 && st->conf->g[gi].kind == CONF_GUEST_QEMU)
		return qemu_exec(st, guest, script, timeout_ms, out, opaque);
	return guest_exec(st, n, guest, script, timeout_ms, out, opaque);
}
