/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lab - a running lab: the network of lab_topo started with umlnet's own pieces (hubs, UML
 * guests, the notify socket, the command channel), machines started in lab.dep order as soon
 * as what they depend on is ready, at most --jobs booting at once; a machine is ready when its
 * lab init (umlnet-lab-init.sh, the guest's run= command) has run the startup scripts and
 * reported "x run-<machine> <status>".
 *
 * The lab's state directory is the network's (state.h) plus, all ending in ".lab" so that
 * state_remove takes them: init.lab (the guests' lab init), services.lab (the machines'
 * systemctl/service/halt, umlnet-lab-services.sh), <machine>.lab (lab_topo.h) and info.lab
 * ("dir <lab directory>").
 */
#ifndef UMLNET_LAB_H
#define UMLNET_LAB_H

#include "lab_conf.h"
#include "umlnet.h"

#define LAB_INIT "init.lab"
#define LAB_INFO "info.lab"
#define LAB_SERVICES "services.lab"

struct lab_start_opts {
	const bool *sel;        /* machines to start (NULL: all) */
	unsigned long mem_mb;   /* -o mem=, or 0 */
};

/* Checks the images of the selected machines (lab_image.c): a built image is the machine's
 * base; Kathará's names not built yet run on the host's / (one warning per image); a name that
 * needs software Debian does not package, or that is neither built nor Kathará's, is refused
 * (reported, -EINVAL). */
int lab_check_images(const struct lab *l, const bool *sel, bool quiet);

/* Starts the machines of l and returns when each has run its startup scripts (0), or stops
 * what it started and returns -errno (reported). */
int lab_start(struct umlnet_opts *o, const struct lab *l, const struct lab_start_opts *so);

/* Opens the state of the running lab of directory dir (the -s / -n options win). Reported. */
int lab_open(struct umlnet_opts *o, const char *dir, struct state *st);

/* Whether the lab of directory dir runs (its state directory holds info.lab). */
bool lab_running(const struct umlnet_opts *o, const char *dir);

/* Stops a running lab: with scripts, each machine's shutdown scripts first (lclean). Returns
 * how many processes are left (reported). */
int lab_stop(struct state *st, bool scripts, int timeout_s);

/* The table of machines, interfaces and collision domains (sel: NULL = all; st: the running
 * lab, for a state column, or NULL), as text or JSON. */
void lab_print(const struct lab *l, const bool *sel, const struct state *st, bool json, FILE *f);

/* The progress line of a machine whose startup ended with status, t0 (clock_ms) the start. */
void lab_say_ready(const char *machine, long long t0, int status);

/* When no -s or -n was given and the current directory is a lab that runs, names its network
 * in o (for exec, status, attach...). */
void lab_default_network(struct umlnet_opts *o);

#endif
