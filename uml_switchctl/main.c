// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uml_switchctl - reads a running uml_switch's status through its management socket.
 *
 *   uml_switchctl [-s CONTROL-SOCKET | -m MGMT-SOCKET] [-j] [status|ports|macs|show|version]
 *   uml_switchctl [-s ... | -m ...] vlan PORT VID
 *   uml_switchctl [-s ... | -m ...] trunk PORT LIST [native=N]
 *   uml_switchctl [-s ... | -m ...] ident PATH pid=PID|uid=UID vlan=N|trunk=LIST [name=DEV]
 *   uml_switchctl [-s ... | -m ...] ident-close PATH | idents
 *
 * It sends one command line and prints the reply up to the empty line that ends it (protocol:
 * uml_switch/mgmt.c). An "error: ..." reply is printed on stderr and the exit status is 1.
 */
#include "log.h"
#include "switch_mgmt.h"
#include "stdfds.h"
#include "version.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f, "Usage: uml_switchctl [-s control-socket | -m mgmt-socket] [-j] "
		   "[status|ports|macs|show|version|help]\n"
		   "       uml_switchctl [-s ... | -m ...] vlan PORT VID\n"
		   "       uml_switchctl [-s ... | -m ...] trunk PORT LIST [native=N]\n"
		   "       uml_switchctl [-s ... | -m ...] ident PATH pid=PID|uid=UID "
		   "vlan=N|trunk=LIST[,native=N] [name=DEV]\n"
		   "       uml_switchctl [-s ... | -m ...] ident-close PATH | idents\n"
		   "  -s PATH   the switch's control socket (default /tmp/uml.ctl); its management\n"
		   "            socket is PATH.mgmt unless the switch was started with -mgmt\n"
		   "  -m PATH   the management socket itself\n"
		   "  -j        JSON output\n"
		   "Without a command: show (status, ports and MAC table). vlan and trunk set a\n"
		   "port's VLANs (root or the switch's user only), e.g. trunk 3 10,20-30 native=1.\n"
		   "ident opens a device's own control socket at PATH: the ports made through it,\n"
		   "by that pid or uid only, are born in that setting (uml_switch(1)).\n");
}

int main(int argc, char **argv)
{
	const char *ctl = "/tmp/uml.ctl", *mgmt = NULL, *cmd = "show";
	char path[PATH_MAX], line[512], *reply;
	size_t off;
	bool json = false, failed;
	int opt, err;

	if (stdfds_reserve() < 0)
		return 1; /* nothing to report on: see stdfds.h */
	log_init("uml_switchctl", LOG_LVL_INFO);
	if (version_asked(argc, argv))
		return version_print("uml_switchctl");
	while ((opt = getopt(argc, argv, "s:m:jh")) != -1) {
		switch (opt) {
		case 's': ctl = optarg; break;
		case 'm': mgmt = optarg; break;
		case 'j': json = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (optind < argc)
		cmd = argv[optind++];
	if (optind < argc && strcmp(cmd, "vlan") && strcmp(cmd, "trunk") && strcmp(cmd, "ident") &&
	    strcmp(cmd, "ident-close"))
		die("unexpected argument '%s' after the command (try -h)", argv[optind]);
	if (!mgmt) {
		switch_mgmt_default_path(ctl, path, sizeof(path));
		mgmt = path;
	}
	/* The VLAN commands' arguments go along; the switch checks them. */
	off = (size_t)snprintf(line, sizeof(line), "%s", cmd);
	for (; optind < argc && off < sizeof(line); optind++)
		off += (size_t)snprintf(line + off, sizeof(line) - off, " %s", argv[optind]);
	if (off + sizeof(" json") > sizeof(line))
		die("the command is longer than %zu characters", sizeof(line) - sizeof(" json"));
	if (json)
		memcpy(line + off, " json", sizeof(" json"));
	err = switch_mgmt_query(mgmt, line, &reply);
	if (err)
		die("cannot read the switch's management socket '%s': %s", mgmt, strerror(-err));
	failed = !strncmp(reply, "error: ", 7);
	if (failed)
		fprintf(stderr, "uml_switchctl: %s\n", reply);
	else
		puts(reply);
	free(reply);
	return failed ? 1 : 0;
}
