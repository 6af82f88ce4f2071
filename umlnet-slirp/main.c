// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * umlnet-slirp - user-mode networking for UML guests on libslirp, either as the program of the
 * UML slirp transport (SLIP on stdin/stdout) or as a port of a uml_switch (--switch).
 * The TCP/IP work is libslirp's; this program adapts links to it (gateway.h explains the loop).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gateway.h"
#include "link_slip.h"
#include "link_switch.h"
#include "log.h"
#include "options.h"
#include "privs.h"
#include "stdfds.h"

/* The signal handler's only way to reach the loop; gateway_run() polls it through gw->stop. */
static volatile sig_atomic_t slirp_stop;

static void slirp_on_signal(int sig)
{
	(void)sig;
	slirp_stop = 1;
}

static void slirp_signals(void)
{
	struct sigaction sa = { .sa_handler = slirp_on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* a guest or switch that goes away must end us through EOF, not SIGPIPE */
	signal(SIGPIPE, SIG_IGN);
}

static enum log_level slirp_log_level(int verbosity)
{
	if (verbosity <= 0)
		return LOG_LVL_ERR;
	if (verbosity >= 3)
		return LOG_LVL_DEBUG;
	return verbosity == 1 ? LOG_LVL_WARN : LOG_LVL_INFO;
}

static int slirp_run(struct gateway *gw, const struct slirp_options *o,
		     const struct slirp_privs *privs, const struct gw_link_ops *ops, void *link)
{
	char stats[512];
	int rc = gateway_init(gw, o, ops, link);

	if (rc < 0 || (rc = slirp_privs_drop(privs)) < 0)
		return rc;
	if (o->switch_ctl)
		link_switch_start(link, gw);
	else
		link_slip_start(link, gw);
	log_info("libslirp %s ready: %s link, guest 10.0.2.15, host 10.0.2.2, DNS 10.0.2.3",
		 slirp_version_string(), ops->name);
	rc = gateway_run(gw);
	if (rc < 0)
		log_err("event loop: %s", strerror(-rc));
	ops->stats(link, stats, sizeof(stats));
	log_info("%s", stats);
	if (gw->dns.on)
		log_info("dns: %llu queries redirected, %llu answers",
			 (unsigned long long)gw->dns.queries, (unsigned long long)gw->dns.answers);
	return rc;
}

int main(int argc, char **argv)
{
	static struct slirp_options opts;
	static struct gateway gw;
	static struct link_slip slip;
	static struct link_switch sw;
	struct slirp_privs privs;
	int rc;

	if (stdfds_reserve() < 0)
		return 1; /* nothing to report on: see stdfds.h */
	slirp_options_init(&opts);
	rc = slirp_options_parse(&opts, argc, argv);
	if (rc == 0)
		rc = slirp_privs_init(&privs, opts.user, opts.error, sizeof(opts.error));
	if (rc < 0)
		fprintf(stderr, "umlnet-slirp: error: %s\n", opts.error);
	if (rc != 0) {
		if (rc > 0 && opts.print_config)
			slirp_options_print(&opts, stdout);
		slirp_options_free(&opts);
		return rc > 0 ? 0 : 2;
	}
	log_init("umlnet-slirp", slirp_log_level(opts.verbosity));
	slirp_signals();
	gw.stop = &slirp_stop;
	if (opts.switch_ctl) {
		if (link_switch_init(&sw, opts.switch_ctl, (uint16_t)opts.switch_window) < 0)
			return 1;
		rc = slirp_run(&gw, &opts, &privs, &link_switch_ops, &sw);
		link_switch_close(&sw);
	} else {
		rc = link_slip_init(&slip, STDIN_FILENO, STDOUT_FILENO);
		if (rc < 0) {
			log_err("stdin/stdout: cannot make them non-blocking: %s", strerror(-rc));
			return 1;
		}
		rc = slirp_run(&gw, &opts, &privs, &link_slip_ops, &slip);
	}
	gateway_free(&gw);
	slirp_options_free(&opts);
	return rc < 0 ? 1 : 0;
}
