/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lab_ns_make - making a namespace machine (lab_ns.h): its namespaces, its root, its init, its
 * plug; and entering its namespaces for a command.
 */
#ifndef UMLNET_LAB_NS_MAKE_H
#define UMLNET_LAB_NS_MAKE_H

#include "state.h"

/* What a machine is made with: the lab directory (bound at /hostlab, its shared/ at /shared)
 * and the lower layer of its root (a built image's directory, or "/": the host's); its root is
 * st->as's user on the host. */
struct lab_ns_spec {
	const char *name;
	const char *hostlab;
	const char *lower;
};

/* Makes machines s[0..n) of st, each recorded as LAB_NS_KIND, and starts their plugs
 * (umlnet-plug into the machine's network namespace, recorded as "plug"); returns when every
 * root is ready. The machines are made at once (each step of the making is taken for all before
 * the next). 0 or -errno (reported; a machine's log is <state>/machine-<name>.log). */
int lab_ns_make(struct state *st, const struct lab_ns_spec *s, int n);

/* Waits for the devices of netns guest gi's plug in its machine. 0 or -errno (reported). */
int lab_ns_plug_wait(struct state *st, int gi, pid_t machine);

/* In a child of ours: joins every namespace of machine (user first) and becomes its root.
 * 0 or -errno. */
int lab_ns_enter(pid_t machine);

#endif
