// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * umlnet - a whole virtual network of UML guests from one file.
 *   umlnet [OPTIONS] COMMAND [ARGS]
 * This file is only the table of commands; each lives in its own cmd_*.c.
 */
#include "log.h"
#include "umlnet.h"
#include "lab.h"
#include "stdfds.h"
#include "version.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct umlnet_cmd {
	const char *name;
	int (*fn)(struct umlnet_opts *o, int argc, char **argv);
	const char *args;
	const char *help;
};

static const struct umlnet_cmd commands[] = {
	{ "up", cmd_up, "FILE", "start the network of a topology file" },
	{ "down", cmd_down, "[NETWORK]", "stop a network and remove its state" },
	{ "status", cmd_status, "[NETWORK]", "switches, ports with counters, guests, devices" },
	{ "attach", cmd_attach, "GUEST ethN=SWITCH|SPEC|vecN=SWITCH [ip=A/L] [mac=M]", "hot-plug a device into a guest" },
	{ "detach", cmd_detach, "GUEST ethN|vecN", "hot-unplug a device" },
	{ "exec", cmd_exec, "GUEST COMMAND...", "run a shell command in a guest" },
	{ "graph", cmd_graph, "[FILE] [-o OUT.dot|.svg|.png]", "draw the topology (Graphviz)" },
	{ "check", cmd_check, "FILE", "parse a topology file and print it in canonical form" },
	{ "demo", cmd_demo, "[--qemu]", "boot a built-in network, show it working, tear it down" },
	{ "host-up", cmd_host_up, "FILE", "make the file's host taps, bridges, routes (root)" },
	{ "host-down", cmd_host_down, "FILE", "delete the file's host taps and bridges (root)" },
	{ "lstart", cmd_lstart, "[-d DIR] [-o mem=SIZE] [--machines uml|ns] [MACHINE...]", "start a Netkit/Kathara lab" },
	{ "lclean", cmd_lclean, "[-d DIR]", "run a lab's shutdown scripts, stop it, remove all" },
	{ "lhalt", cmd_lhalt, "[-d DIR]", "stop a lab without its shutdown scripts" },
	{ "linfo", cmd_linfo, "[-d DIR] [-j]", "a lab's machines, interfaces, domains, state" },
	{ "lcapture", cmd_lcapture, "[-d DIR] [-c N] [-t S] CD FILE", "a lab's collision domain to pcap" },
	{ "ltest", cmd_ltest, "[-d DIR] [--wait S]", "compare a lab's machines with signatures" },
	{ "connect", cmd_connect, "[-d DIR] MACHINE | NETWORK GUEST", "a shell on a machine (Ctrl-] leaves)" },
	{ "lcheck", cmd_lcheck, "[-d DIR]", "parse a lab, print the topology lstart runs" },
	{ "image", cmd_image, "build NAME [PACKAGE...] | list", "base images of lab machines" },
};

/* Commands that act on a running network: in a running lab's directory, that lab's. */
static const char *const lab_aware[] = { "exec", "status", "attach", "detach" };

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fputs("Usage: umlnet [OPTIONS] COMMAND [ARGS]\n"
	      "Options:\n"
	      "  -s, --state DIR    the network's state directory (default: see umlnet(8))\n"
	      "  -n, --network NAME the network to act on (default: the only one that is up)\n"
	      "  -j, --json         JSON output (status)\n"
	      "  --jobs N           boot at most N guests at once (default 2)\n"
	      "  --timeout SECONDS  for each guest to come up, and for exec (default 120)\n"
	      "  --guest-user USER  as root, run UML guests as USER (default $UMLNET_GUEST_USER,\n"
	      "                     else umlnet-guest); never root\n"
	      "  -q, --quiet        print only errors\n"
	      "  -h, --help         this text;  --version  the version\n"
	      "Commands:\n", f);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-9s %-32s %s\n", commands[i].name, commands[i].args, commands[i].help);
	fputs("The topology file is described in umlnet.conf(5).\n", f);
}

static int parse_int(const char *opt, const char *val, int min, int max, int *out)
{
	char *end;
	long v = strtol(val, &end, 10);

	if (end == val || *end || v < min || v > max) {
		log_err("%s '%s': expected a number from %d to %d", opt, val,
			min, max);
		return -1;
	}
	*out = (int)v;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "network", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "jobs", required_argument, NULL, 'J' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "guest-user", required_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct umlnet_opts o = { .jobs = 2, .timeout_s = 120 };
	int c;

	if (stdfds_reserve() < 0)
		return 1; /* nothing to report on: see stdfds.h */
	while ((c = getopt_long(argc, argv, "+s:n:jqh", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			o.state_dir = optarg;
			break;
		case 'n':
			o.network = optarg;
			break;
		case 'j':
			o.json = true;
			break;
		case 'J':
			if (parse_int("--jobs", optarg, 1, CONF_MAX_GUESTS, &o.jobs))
				return 2;
			o.jobs_given = true;
			break;
		case 'T':
			if (parse_int("--timeout", optarg, 1, 3600, &o.timeout_s))
				return 2;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'U':
			o.guest_user = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			return version_print("umlnet");
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[optind], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(lab_aware) / sizeof(lab_aware[0]); i++)
		if (!strcmp(argv[optind], lab_aware[i]))
			lab_default_network(&o);
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[optind], commands[i].name))
			return commands[i].fn(&o, argc - optind, argv + optind);
	log_err("unknown command '%s' (try 'umlnet help')", argv[optind]);
	return 2;
}
