// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * net_down - stops a network in the reverse order of up: its supervisor, VMs (ACPI powerdown through QMP,
 * then SIGTERM, then SIGKILL), guests (halt through the mconsole, then SIGTERM, then SIGKILL), plugs and gateways, namespaces umlnet made, switches; then removes the
 * state directory. Processes are found by recorded pid and start time, never by name.
 */
#include "guest.h"
#include "log.h"
#include "qemu.h"
#include "umlnet.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void stop_kind(struct state *st, const char *kind, int wait_ms)
{
	/* Every guest halts at once; the loop below then mostly finds them gone. */
	for (int i = st->nprocs - 1; !strcmp(kind, "guest") && i >= 0; i--)
		if (!strcmp(st->procs[i].kind, kind))
			guest_halt(st, &st->procs[i]);
	for (int i = st->nprocs - 1; i >= 0; i--) {
		struct state_proc *p = &st->procs[i];

		if (strcmp(p->kind, kind))
			continue;
		if (!strcmp(kind, "guest"))
			guest_stop(st, p);
		else
			proc_stop(&p->id, SIGTERM, wait_ms);
	}
}

static void delete_netns(struct state *st)
{
	char ip[PATH_MAX];

	if (proc_find_program("ip", ip, sizeof(ip)))
		return;
	for (int i = st->nprocs - 1; i >= 0; i--) {
		char *argv[] = { ip, (char *)"netns", (char *)"del", st->procs[i].name, NULL };

		if (!strcmp(st->procs[i].kind, "netns"))
			proc_run(argv, "/dev/null"); /* best effort: a namespace already gone is fine */
	}
}

int net_down(struct state *st)
{
	int left = 0;

	/* The supervisor first, so that it restarts nothing that is being stopped; then the
	 * records again, since it may have replaced some. */
	stop_kind(st, "supervisor", 5000);
	state_reload_pids(st);
	qemu_stop_all(st);
	stop_kind(st, "guest", 10000);
	stop_kind(st, "plug", 5000);
	stop_kind(st, "machine", 5000); /* lab_ns.h */
	delete_netns(st);
	stop_kind(st, "slirp", 5000);
	stop_kind(st, "switch", 5000);
	for (int i = 0; i < st->nprocs; i++) {
		if (st->procs[i].id.pid > 0 && proc_alive(&st->procs[i].id)) {
			log_err("%s %s (pid %d) is still running",
				st->procs[i].kind, st->procs[i].name, (int)st->procs[i].id.pid);
			left++;
		}
	}
	/* Keep the record of what still runs, so that another down can end it. */
	if (!left)
		state_remove(st);
	return left;
}
