/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * switch_limits - the switch's resource limits, set with -limit NAME=N[,NAME=N...] (man uml_switch,
 * LIMITS). One table names each limit, its default, its range and what it bounds.
 */
#ifndef UMLNET_SWITCH_SWITCH_LIMITS_H
#define UMLNET_SWITCH_SWITCH_LIMITS_H

#include <stdint.h>
#include <stdio.h>

struct switch_limits {
	uint32_t macs_per_port;    /* source addresses one port may have learned */
	uint32_t ports_per_uid;    /* ports of one user (daemon protocol and bess) */
	uint32_t pending_per_uid;  /* control connections of one user still handshaking */
	uint32_t mgmt_per_uid;     /* management connections of one user */
	uint32_t mgmt_idle;        /* seconds a management connection may stay silent */
	uint32_t backlog_kb;       /* memory for the frames all ports' backlogs hold */
};

void switch_limits_defaults(struct switch_limits *l);
/* Parses "name=N[,name=N...]" into l. Returns 0, or -1 after printing one line naming the bad
 * field and value. */
int switch_limits_parse(struct switch_limits *l, const char *spec);
/* One line per limit, "  name=default  what", for the help text. */
void switch_limits_usage(FILE *f);

#endif
