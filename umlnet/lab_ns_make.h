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

/* A machine being made: its maker and the socket umlnet talks to it on. */
struct lab_ns_making {
	const char *name;
	int sock;
	pid_t maker;
};

/* Starts making machine s->name of st; lab_ns_make_end finishes (records it as LAB_NS_KIND)
 * and returns when its root is ready. Several may be started first and ended in turn, so that
 * their namespaces and roots are made at once. 0 or -errno (reported; the machine's log is
 * <state>/machine-<name>.log). */
int lab_ns_make_start(struct state *st, const struct lab_ns_spec *s, struct lab_ns_making *m);
int lab_ns_make_end(struct state *st, struct lab_ns_making *m);

/* Starts umlnet-plug for netns guest gi into its machine's network namespace (recorded as
 * "plug"); lab_ns_plug_wait waits for its devices. 0 or -errno (reported). */
int lab_ns_plug_start(struct state *st, int gi, pid_t machine);
int lab_ns_plug_wait(struct state *st, int gi, pid_t machine);

/* In a child of ours: joins every namespace of machine (user first) and becomes its root.
 * 0 or -errno. */
int lab_ns_enter(pid_t machine);

#endif
