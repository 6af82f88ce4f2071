// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * umlnet-plug - options and set-up (the theory of operation is in plug.h).
 *
 *   umlnet-plug [--netns NS] NAME=SPEC...   devices inside namespace NS (or taps here)
 *   umlnet-plug --stdio SPEC                frames on stdin/stdout
 *   umlnet-plug --check [NAME=]SPEC...      print the parsed specs, open nothing
 */
#include "log.h"
#include "plug.h"
#include "stdfds.h"
#include "version.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: umlnet-plug [options] NAME=SPEC...\n"
	"       umlnet-plug --stdio SPEC\n"
	"Makes a network namespace (or a tap here, or stdin/stdout) a guest on a UML transport.\n"
	"SPEC is UML's own device text (what follows eth<N>=):\n"
	"  daemon,<mac>,unix,<control-socket>      mcast,<mac>,<group>,<port>,<ttl>\n"
	"  tuntap,<tap>,<mac>,<gate>               tuntap,,<mac>,<gate>   (helper: uml_net)\n"
	"  ethertap,<dev>,<mac>,<gate>             slip,<gate>\n"
	"  slirp,<mac>,<program>[,<arg>...]        pcap,<if>,<filter>,<opt1>,<opt2>,<mac>\n"
	"options:\n"
	"  -n, --netns NS   create each NAME inside namespace NS (name in /run/netns, or a path);\n"
	"                   without it NAME is a tap here (an existing one is attached to)\n"
	"  -s, --stdio      one device on stdin/stdout (2-byte big-endian length + frame)\n"
	"  -c, --check      parse the specs, print their fields and exit\n"
	"  -v, --verbose    more messages      -q, --quiet   errors only\n"
	"  -h, --help       this text          -V, --version\n"
	"A device without a MAC in its spec gets fe:fd:<its first IPv4 address> when it has one\n"
	"(else keeps a random local MAC); a MAC with an odd first byte is refused.\n"
	"With --netns, tuntap in helper mode, slip with a gate and ethertap pass the device's IPv4\n"
	"addresses to uml_net (add/del), which routes and proxy-ARPs them on the host.\n";

struct plug_opts {
	bool check;
	enum log_level level;
};

/* NAME=SPEC into d; returns 0 or -EINVAL after reporting. */
static int plug_arg(struct plug *p, struct plug_dev *d, char *arg)
{
	char *eq = strchr(arg, '='), err[512];

	d->mac.nl_fd = d->mac.ioctl_fd = -1;
	if (p->use_stdio) {
		snprintf(d->name, sizeof(d->name), "stdio");
		d->spec = arg;
	} else {
		size_t n = eq ? (size_t)(eq - arg) : 0;

		if (!eq || n == 0 || n >= sizeof(d->name)) {
			log_err("'%s': expected NAME=SPEC with a NAME of 1 to 15 characters", arg);
			return -EINVAL;
		}
		memcpy(d->name, arg, n);
		d->spec = eq + 1;
	}
	if (transport_parse(d->spec, &d->t, err, sizeof(err)) < 0) {
		log_err("%s: %s", d->name, err);
		return -EINVAL;
	}
	if (d->t.warning[0])
		log_warn("%s: %s", d->name, d->t.warning);
	return 0;
}

static int plug_options(struct plug *p, struct plug_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "netns", required_argument, NULL, 'n' }, { "stdio", no_argument, NULL, 's' },
		{ "check", no_argument, NULL, 'c' },       { "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },       { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },     { NULL, 0, NULL, 0 },
	};
	int c;

	o->level = LOG_LVL_INFO;
	while ((c = getopt_long(argc, argv, "n:scvqhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': p->netns = optarg; break;
		case 's': p->use_stdio = true; break;
		case 'c': o->check = true; break;
		case 'v': o->level = LOG_LVL_DEBUG; break;
		case 'q': o->level = LOG_LVL_ERR; break;
		case 'h': fputs(usage, stdout); exit(0);
		case 'V': exit(version_print("umlnet-plug"));
		default: fputs(usage, stderr); exit(2);
		}
	}
	if (optind == argc || argc - optind > PLUG_MAX_DEVS || (p->use_stdio && (argc - optind != 1 || p->netns))) {
		fputs(usage, stderr);
		exit(2);
	}
	return optind;
}

/* Prints the parsed specs (--check); exit status 1 if any was bad. */
static int plug_check(struct plug *p, int bad)
{
	char out[8192];

	for (unsigned int i = 0; i < p->ndevs; i++) {
		if (!p->devs[i].spec)
			continue;
		transport_print(&p->devs[i].t, out, sizeof(out));
		printf("[%s]\n%s", p->devs[i].name, out);
	}
	return bad ? 1 : 0;
}

/* Local sides inside the namespace, then the transports back home. Returns the failures. */
static int plug_open_all(struct plug *p)
{
	int failed = 0;

	char err[512], a[160], b[160];

	for (unsigned int i = 0; i < p->ndevs; i++) {
		struct plug_dev *d = &p->devs[i];
		int r;

		if (!d->spec)
			continue;
		if (!p->use_stdio)
			r = plug_local_tap(d, err, sizeof(err));
		else if ((r = plug_stdio_open(&d->local, STDIN_FILENO, STDOUT_FILENO)))
			snprintf(err, sizeof(err), "%s: standard input/output: %s", d->name,
				 strerror(-r));
		if (r) {
			log_err("%s", err);
			failed++;
		} else if (p->netns && (r = plug_addrs_open(d)) < 0) {
			/* The device still works; only the host does not learn its addresses. */
			log_warn("%s: cannot watch its addresses: %s", d->name, strerror(-r));
		}
	}
	if (plug_netns_leave(p) < 0)
		die("cannot return to the original network namespace: %s", strerror(errno));
	for (unsigned int i = 0; i < p->ndevs; i++) {
		struct plug_dev *d = &p->devs[i];

		if (!d->local)
			continue;
		if (endpoint_open_parsed(&d->t, &d->remote, err, sizeof(err)) < 0) {
			log_err("%s: %s", d->name, err);
			plug_dev_close(d);
			failed++;
			continue;
		}
		d->live_fd = endpoint_liveness_fd(d->remote);
		d->open = true;
		d->local->ops->describe(d->local, a, sizeof(a));
		d->remote->ops->describe(d->remote, b, sizeof(b));
		log_info("%s: %s <-> %s", d->name, a, b);
		plug_addrs_start(d);
	}
	return failed;
}

int main(int argc, char **argv)
{
	static struct plug p;
	struct plug_opts o = { 0 };
	int first, bad = 0, r, open = 0;
	char err[512];

	if (stdfds_reserve() < 0)
		return 1; /* nothing to report on: see stdfds.h */
	log_init("umlnet-plug", LOG_LVL_INFO);
	first = plug_options(&p, &o, argc, argv);
	log_init("umlnet-plug", o.level);
	for (int i = first; i < argc; i++) {
		struct plug_dev *d = &p.devs[p.ndevs++];

		if (plug_arg(&p, d, argv[i]) < 0) {
			d->spec = NULL;
			bad++;
		}
	}
	if (o.check)
		return plug_check(&p, bad);
	signal(SIGPIPE, SIG_IGN);
	plug_netns_watch(&p);
	if (plug_netns_enter(&p, err, sizeof(err)) < 0)
		die("%s", err);
	bad += plug_open_all(&p);
	for (unsigned int i = 0; i < p.ndevs; i++)
		open += p.devs[i].open;
	if (!open)
		die("no device could be opened");
	log_info("ready: %d of %u devices", open, p.ndevs);
	r = plug_run(&p);
	if (r < 0 && r != -ENODEV)
		log_err("event loop: %s", strerror(-r));
	return r == 0 && !bad ? 0 : 1;
}
