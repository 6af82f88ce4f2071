/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lab_ns_make - making a namespace machine (lab_ns.h): its namespaces, its root, its init, its
 * plug; and entering its namespaces for a command.
 */
#ifndef UMLNET_LAB_NS_MAKE_H
#define UMLNET_LAB_NS_MAKE_H

#include "state.h"

/* What a machine is made with: the lab directory (bound at /hostlab, its shared/ at /shared);
 * its root is st->as's user on the host. */
struct lab_ns_spec {
	const char *name;
	const char *hostlab;
};

/* Makes machine s->name of st (recorded as LAB_NS_KIND) and returns when its root is ready. 0
 * or -errno (reported; its log is <state>/machine-<name>.log). */
int lab_ns_make(struct state *st, const struct lab_ns_spec *s);

/* Starts umlnet-plug for netns guest gi into its machine's network namespace and waits for its
 * devices (recorded as "plug"). 0 or -errno (reported). */
int lab_ns_plug(struct state *st, int gi, pid_t machine);

/* In a child of ours: joins every namespace of machine (user first) and becomes its root.
 * 0 or -errno. */
int lab_ns_enter(pid_t machine);

#endif
