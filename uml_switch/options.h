/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * options - uml_switch's command line: the classic one (doc/daemon-protocol.md §8) unchanged, plus
 * the options the classic lacks. Both -opt and --opt spellings are accepted.
 */
#ifndef UMLNET_SWITCH_OPTIONS_H
#define UMLNET_SWITCH_OPTIONS_H

#include "switch_limits.h"
#include "transport_spec.h"
#include "vlan.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define SWITCH_DEFAULT_CTL "/tmp/uml.ctl"
#define SWITCH_DEFAULT_V0_DATA "/tmp/uml.data"
#define SWITCH_MAX_SPEC_PORTS 16

/* A -port value: the endpoint in UML's syntax, then an optional VLAN setting (vlan.h). */
struct switch_port_spec {
	const char *text;              /* as given */
	char spec[TRANSPORT_TEXT_MAX]; /* the endpoint part */
	bool vlan_given;               /* ",vlan=N" or ",trunk=LIST[,native=N]" followed it */
	struct vlan_port vlan;
};

struct switch_options {
	const char *ctl_path;      /* control socket */
	const char *data_path;     /* -compat-v0 shared data socket */
	const char *tap;           /* -tap device, or NULL */
	struct switch_port_spec port_specs[SWITCH_MAX_SPEC_PORTS]; /* -port: extra endpoints */
	unsigned int nport_specs;
	const char *bess_path;     /* -bess: listening SOCK_SEQPACKET socket, or NULL */
	const char *mgmt_path;     /* management socket; NULL = <ctl>.mgmt, "none" = off */
	const char *pcap_path;     /* capture file, or NULL */
	bool hub;
	bool compat_v0;
	bool daemonize;
	int mode;                  /* socket file mode, -1 = leave to umask */
	gid_t gid;                 /* socket file group, (gid_t)-1 = leave */
	uint32_t max_ports;
	uint32_t max_macs;
	uint32_t age;
	uint32_t spin_us;          /* -spin: the largest poll window before sleeping (evwait.h) */
	struct switch_limits limits; /* -limit */
	int verbosity;             /* 0 quiet, 1 normal, 2 verbose */
};

/* Parses argv. Returns 0, 1 when the program should exit successfully (--help, --version),
 * or -1 after printing a one-line error naming the bad option and its value. */
int switch_options_parse(struct switch_options *o, int argc, char **argv);
void switch_usage(FILE *f, const char *prog);

#endif
