/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ident_rule - a device's own control socket on the switch: where it is, who may connect there,
 * and the VLAN setting of the port a client makes through it.
 *
 * Why: a daemon-protocol client (a UML eth device, umlnet-plug) cannot ask for a VLAN, and its
 * request carries nothing that tells one device of a process from another (its data socket's
 * name holds the pid and a time). A device that connects to a control socket made for it alone
 * is known by the socket it came through, before its port exists, so its port is made in its
 * VLAN and never carries a frame in another. The scope (the pid or uid the kernel reports for
 * the client, SO_PEERCRED) keeps a process to the sockets made for its own devices: a client
 * can only pick among its own devices' settings, which gives it no reach its devices lack.
 *
 * Text (the management command, mgmt_vlan.c):
 *   ident PATH pid=PID|uid=UID vlan=N|trunk=LIST[,native=N] [name=DEV]
 * PATH is absolute and fits a socket address; DEV (a device name shown in status) is 1 to 15
 * letters, digits, '.', '_' or '-'.
 */
#ifndef UMLNET_IDENT_RULE_H
#define UMLNET_IDENT_RULE_H

#include "vlan.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/un.h>

#define IDENT_NAME_MAX 16

struct ident_rule {
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	bool by_uid;            /* scope: id is a uid, else a pid */
	uint32_t id;
	struct vlan_port vlan;
	char name[IDENT_NAME_MAX]; /* the device, or "" */
};

/* Parses the words of an "ident" command (words[0] is "ident"). 0, or -EINVAL with one line in
 * err naming the bad field. */
int ident_rule_parse(char *const *words, int n, struct ident_rule *r, char *err, size_t errlen);

/* Whether a client of pid and uid may make its port through r's socket. */
bool ident_rule_admits(const struct ident_rule *r, pid_t pid, uid_t uid);

/* "PATH pid=PID vlan=10 name=eth0", the command's arguments as the switch holds them. */
void ident_rule_format(const struct ident_rule *r, char *out, size_t len);

#endif
