/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lab_topo - a lab as umlnet runs it: a topology (umlnet.conf(5)) with one hub per collision
 * domain (switch "cd-<CD>") and one UML guest per machine, and for each machine the file its
 * guest reads at boot (<state>/<machine>.lab, read by umlnet-lab-init.sh).
 *
 * The guest's run= command mounts the state directory over hostfs at /run/lab and runs the lab
 * init from there; everything the lab asks for travels in <machine>.lab as "key value" lines:
 *   hostlab <lab directory>     mounted at /hostlab (and <lab>/shared at /shared)
 *   ipv6 0|1
 *   sysctl net.KEY=VALUE        (repeatable) after the defaults, so they win
 *   env NAME=VALUE              (repeatable) in the startup scripts' environment
 *   exec COMMAND                (repeatable) run by bash after the startup scripts
 *   bridged ethN ADDR/24 GW     the interface on the slirp gateway: its address, default route
 *   shell PATH                  the shell of umlnet exec's commands in the machine
 * Every value was checked by lab_conf (no control character, no newline), and the guest reads
 * them with `read`, never eval.
 */
#ifndef UMLNET_LAB_TOPO_H
#define UMLNET_LAB_TOPO_H

#include "lab_conf.h"

#include <stdbool.h>
#include <stdio.h>

#define LAB_BRIDGED_SWITCH "cd--host" /* the slirp switch of bridged machines (no CD has a "-") */
#define LAB_BRIDGED_NET "10.0.2."   /* umlnet-slirp's network: gateway .2, DNS .3 */
#define LAB_BRIDGED_HOST 15         /* the first bridged machine's address, then .16 ... */
#define LAB_BRIDGED_GW "10.0.2.2"

/* The network name of the lab in directory dir (absolute): its base name (up to 20 characters,
 * others than [A-Za-z0-9_-] made '_') and 6 hex digits of a hash of the path, so that labs of
 * the same name in two directories run side by side. out: CONF_NAME bytes. */
void lab_network_name(const char *dir, char *out);

/* The umlnet topology of the machines of l selected in sel (NULL: all): network name net, hubs
 * for their collision domains, guests of mem_mb megabytes unless the lab says otherwise, on
 * their image when it is built (image.h; base=)
 * (override: mem_mb wins for all when force_mem). state: the state directory when known (then
 * each guest gets its run= command), else NULL. *text is malloc'd. 0 or -ENOMEM. */
int lab_topology(const struct lab *l, const bool *sel, const char *net, unsigned long mem_mb,
		 bool force_mem, const char *state, char **text);

/* The place of machine mi among the lab's bridged machines (its address: LAB_BRIDGED_HOST + it). */
int lab_bridged_index(const struct lab *l, int mi);

/* The hostfwd= words of the lab's slirp switch: port= of the selected bridged machines
 * (lab_port.c). */
void lab_port_forwards(FILE *f, const struct lab *l, const bool *sel);

/* Warns (unless quiet) about port= on selected machines without bridged=true. */
void lab_check_ports(const struct lab *l, const bool *sel, bool quiet);

/* The file <machine>.lab of machine mi. *text is malloc'd. 0 or -ENOMEM. */
int lab_machine_file(const struct lab *l, int mi, char **text);

/* Whether a path can be given to a guest's hostfs mount (absolute, no ',', quote, backslash,
 * space or control character). */
bool lab_path_ok(const char *path);

#endif
