/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guest - UML guests of a network: their kernel command line, starting them, and running
 * commands in them.
 *
 * A guest's configuration travels on its kernel command line as KEY=VALUE words that reach init
 * as environment (see umlnet-guest-init.sh); its devices are eth<N>=daemon,<mac>,unix,<switch>
 * and vec<N>:transport=bess,dst=<switch's bess socket>,src=<own socket>.
 * Commands are sent on the guest's command channel (channel.h); init runs them and reports
 * output and status through the notify socket (notify.h), where only the guest itself can
 * answer for them. Guests boot a copy of umlnet-guest-init.sh kept in the state directory
 * (guest-init.sh), so that the guests' user needs to reach nothing of the installation.
 */
#ifndef UMLNET_GUEST_H
#define UMLNET_GUEST_H

#include "notify.h"
#include "state.h"

#define GUEST_MCONSOLE_MS 5000
#define GUEST_INIT "guest-init.sh"
#define GUEST_INIT_MAX 16384

/* Copies umlnet-guest-init.sh into the state directory (root's, 0755) for the guests to boot;
 * once per network, before any guest starts. 0 or -errno (reported). */
int guest_install_init(struct state *st);

/* Copies data file data (proc_find_data) into the state directory as name, root's, 0755.
 * 0, -ENOENT (not installed; not reported) or -errno (reported). */
int guest_install_data(struct state *st, const char *data, const char *name);

/* Starts guest gi (a UML guest of st->conf) and records it. Reports errors. */
int guest_start(struct state *st, int gi);

/* The UML transport spec for eth e of guest g: daemon,<mac>,unix,<ctl> (ctl: the device's own
 * socket when it has a VLAN setting, vlan_apply.h) or the raw spec. */
void guest_eth_spec(const struct state *st, const struct conf_guest *g, const struct conf_eth *e,
		    char *out, size_t len);

/* A plug's arguments for the eth devices of namespace guest g: prog --netns netns NAME=SPEC...
 * (argv: CONF_MAX_ETH + 4 entries, specs: one per device). */
void guest_plug_argv(const struct state *st, const struct conf_guest *g, char *prog,
		     char *netns, char **argv, char specs[][PATH_MAX + 80]);

/* The device's word on the kernel command line and in mconsole "config": eth<N>=<spec>, or for
 * a vec device vec<N>:transport=bess,dst=<state>/<switch>.bess,src=<state>/<guest>.vec<N>
 * [,mac=M]. st is only used for a device on a switch. */
void guest_dev_arg(const struct state *st, const struct conf_guest *g, const struct conf_eth *e,
		   char *out, size_t len);

/* Removes vec device e's src socket file if one exists (UML never does, and cannot bind it
 * again while it exists: doc/vector-transports.md §6). */
void guest_vec_src_remove(const struct state *st, const struct conf_guest *g,
			  const struct conf_eth *e);

/* Output of a command, line by line. */
typedef void (*guest_out_fn)(void *opaque, const char *guest, const char *line);

/* Sends script to a running guest without waiting for it (its output and status go to whoever
 * listens on the notify socket, if anyone); id gets the command's id, proc (unless NULL) the
 * guest's process. 0 or -errno (reported). */
int guest_post(const struct state *st, const char *guest, const char *script, char *id,
	       size_t idlen, const struct proc_id **proc);

/* Runs script in guest (listening on n) and returns its exit status, or -errno (reported). */
int guest_exec(struct state *st, struct notify *n, const char *guest, const char *script,
	       int timeout_ms, guest_out_fn out, void *opaque);

/* Runs script in every running UML guest of st at once (listening on n); out gets every output
 * line. Returns how many did not run it, failed or did not finish in time (reported), or
 * -errno. */
int guest_exec_all(struct state *st, struct notify *n, const char *script, int timeout_ms,
		   guest_out_fn out, void *opaque);

/* Asks a running guest to halt through its mconsole and returns at once (guest_stop then
 * waits): 0 when asked (or not running), -EIO when its mconsole did not answer. */
int guest_halt(struct state *st, const struct state_proc *p);

/* Halts a guest through its mconsole, then SIGTERM, then SIGKILL. */
void guest_stop(struct state *st, const struct state_proc *p);

#endif
