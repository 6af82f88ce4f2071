/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lab_ns - namespace machines (`umlnet lstart --machines ns`): a lab's machines as containers
 * without Docker, on the host's own kernel.
 *
 * A machine is a process tree in its own user, mount, network, PID, UTS and IPC namespaces.
 * Its first process (recorded as "machine <name> <pid> <start>", the machine's init: it reaps
 * orphans and ends the machine on SIGTERM) is made by a child that first becomes the guests'
 * user (runas.h), so that the user namespace belongs to that user and the machine's root (uid
 * 0 inside) is that user on the host, never host root. Only that one uid is mapped. umlnet
 * itself must be root: it makes each machine's lower layer (an idmapped mount) and plugs the
 * machines in.
 *
 * Its root is an overlay: the host's / as the read-only lower layer (an idmapped mount that
 * shows host root's files as the machine root's, so that the machine may change its copy of
 * them), a tmpfs private to the machine as the upper layer. /proc, /sys, /dev (a few host
 * devices and its own devpts), /run and /tmp are its own; the lab directory is bound at
 * /hostlab, its shared/ at /shared, the state directory read-only at /run/lab (for init.lab and
 * <machine>.lab, as UML machines mount it). Nothing of it is on the host's disk: when its init
 * ends, the kernel takes everything.
 *
 * Its interfaces are taps made by umlnet-plug --netns /proc/<init>/ns/net (recorded as "plug
 * <name>"), as for netns guests; they go with the machine's network namespace. Commands (exec, the startup
 * and shutdown scripts, ltest, connect) run inside all the machine's namespaces as its root.
 */
#ifndef UMLNET_LAB_NS_H
#define UMLNET_LAB_NS_H

#include "guest.h"
#include "lab_conf.h"
#include "umlnet.h"

#define LAB_NS_KIND "machine"

/* Whether namespace machines can run here (umlnet is root); says why not. 0 or -EPERM. */
int lab_ns_possible(void);

/* The running machine name of st, or NULL. */
const struct state_proc *lab_ns_machine(const struct state *st, const char *name);

/* Makes every namespace machine of st (its netns guests), plugs them into their domains, then
 * runs their startup scripts in lab.dep order; returns when all finished (0) or -errno
 * (reported). */
int lab_ns_boot(struct umlnet_opts *o, struct state *st, const struct lab *l);

/* Runs script by bash inside machine name as its root; output lines to out; returns the
 * script's exit status or -errno (reported). */
int lab_ns_exec(const struct state *st, const char *name, const char *script, int timeout_ms,
		guest_out_fn out, void *opaque);

/* Runs script in every running machine of st at once; returns how many failed or did not
 * finish (reported). */
int lab_ns_exec_all(const struct state *st, const char *script, int timeout_ms,
		    guest_out_fn out, void *opaque);

/* Starts an interactive shell in machine name on the terminal tty (the slave end, fd), as
 * its root; returns the shell's pid (a child of ours) or -errno (reported). */
pid_t lab_ns_shell(const struct state *st, const char *name, int tty);

#endif
