// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * exec - runs a shell command in a UML guest of the running network and exits with its status.
 *   umlnet exec GUEST COMMAND...
 * The command travels on the guest's command channel (channel.h); the guest's init runs it and
 * sends back its output and status through the notify socket (guest.h). A QEMU guest's goes
 * over its second serial port, output and status coming back the same way (qemu_tty.h).
 */
#include "guest.h"
#include "log.h"
#include "umlnet.h"

#include <stdio.h>
#include <string.h>

static void print_line(void *opaque, const char *guest, const char *line)
{
	(void)opaque;
	(void)guest;
	printf("%s\n", line);
	fflush(stdout);
}

int cmd_exec(struct umlnet_opts *o, int argc, char **argv)
{
	struct state st;
	struct notify n;
	char script[512] = "";
	int rc, gi;

	if (argc < 3) {
		log_err("usage: umlnet exec GUEST COMMAND...");
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (strlen(script) + strlen(argv[i]) + 2 >= sizeof(script)) {
			log_err("command: longer than %zu bytes",
				sizeof(script) - 1);
			return 2;
		}
		strcat(strcat(script, i > 2 ? " " : ""), argv[i]);
	}
	if (umlnet_open(o, &st)) {
		state_close(&st);
		return 1;
	}
	/* Only UML guests answer on the notify socket, which one command at a time may hold. */
	gi = conf_find_guest(st.conf, argv[1]);
	if (gi >= 0 && st.conf->g[gi].kind == CONF_GUEST_QEMU) {
		rc = net_exec(&st, NULL, argv[1], script, o->timeout_s * 1000, print_line, NULL);
	} else if (!(rc = notify_open(&n, &st))) {
		rc = net_exec(&st, &n, argv[1], script, o->timeout_s * 1000, print_line, NULL);
		notify_close(&n);
	}
	state_close(&st);
	return rc < 0 ? 1 : rc;
}
