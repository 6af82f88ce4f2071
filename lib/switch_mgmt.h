/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * switch_mgmt - reading a uml_switch's state through its management socket (<ctl>.mgmt; the line
 * protocol is described at the top of uml_switch/mgmt.c: one command line, a reply that ends
 * with an empty line).
 */
#ifndef UMLNET_SWITCH_MGMT_H
#define UMLNET_SWITCH_MGMT_H

#include <stddef.h>
#include <sys/types.h>

#define SWITCH_MGMT_PORTS 256

struct switch_mgmt_port {
	unsigned int port;
	char kind[16];
	pid_t pid;
	unsigned long long rx_frames, rx_bytes, tx_frames, tx_bytes, drops;
	char endpoint[128];
};

/* The management socket a switch with control socket ctl serves unless told otherwise (-mgmt):
 * <ctl>.mgmt. Returns what snprintf returns. */
int switch_mgmt_default_path(const char *ctl, char *out, size_t len);

/* Sends cmd and returns the reply (without the final empty line) in *reply (malloc'd). */
int switch_mgmt_query(const char *mgmt_path, const char *cmd, char **reply);

/* Parses the text reply of "ports" (columns found by their header names). Returns the count. */
int switch_mgmt_parse_ports(const char *text, struct switch_mgmt_port *ports, int max);

#endif
