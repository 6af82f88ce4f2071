// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * up - loads a topology and starts its network (net_up.c). The work is done by a child that
 * then stays as the network's supervisor (supervise.h).
 *   umlnet up FILE [--host NAME]
 */
#include "log.h"
#include "span.h"
#include "supervise.h"
#include "umlnet.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* up FILE [--host NAME] (either order). 0, or -1 after a usage error. */
static int up_args(int argc, char **argv, const char **file, const char **host)
{
	*file = *host = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--host") && i + 1 < argc)
			*host = argv[++i];
		else if (!strncmp(argv[i], "--host=", 7))
			*host = argv[i] + 7;
		else if (!*file && argv[i][0] != '-')
			*file = argv[i];
		else
			*file = NULL, i = argc;
	}
	if (*file)
		return 0;
	log_err("usage: umlnet up FILE [--host NAME]");
	return -1;
}

/* A file with host lines runs one host's part (span.h); reports and returns -EINVAL else. */
static int up_localize(struct conf *conf, const char *host)
{
	char err[600];

	if (!host && !conf->nhost)
		return 0;
	if (!host) {
		log_err("%s: the network spans hosts: give --host NAME (which "
				"part runs here)", conf->file);
		return -EINVAL;
	}
	if (span_localize(conf, host, err, sizeof(err))) {
		log_err("%s", err);
		return -EINVAL;
	}
	return 0;
}

/* One line per trunk of a spanning switch, as the other hosts must see it too. */
static void up_print_trunks(const struct conf *c)
{
	char peers[CONF_MAX_HOSTS * (CONF_NAME + CONF_ADDR + 3)];

	for (int i = 0; i < c->nsw; i++) {
		if (!span_switch_spans(c, i))
			continue;
		span_peers(c, i, peers, sizeof(peers));
		printf("switch %s: trunk vni %u, udp port %u, from %s %s to %s\n", c->sw[i].name,
		       c->sw[i].vni, c->sw[i].trunk_port, c->host[c->local_host].name,
		       c->host[c->local_host].addr, peers);
	}
}

int cmd_up(struct umlnet_opts *o, int argc, char **argv)
{
	struct conf *conf;
	struct state st;
	struct notify n = { .fd = -1 };
	const char *file, *host;
	char *text;
	int err, word;

	if (up_args(argc, argv, &file, &host))
		return 2;
	if (runas_guest_user(o->guest_user, &o->as, &o->guest_user))
		return 2;
	err = umlnet_load(file, &conf, &text);
	if (err)
		return 2;
	if (up_localize(conf, host)) {
		free(conf);
		free(text);
		return 2;
	}
	if (o->network) {
		if (!conf_name_ok(o->network)) {
			log_err("-n '%s': not a valid network name",
				o->network);
			return 1;
		}
		snprintf(conf->name, sizeof(conf->name), "%s", o->network);
		conf->named = false; /* the copy in the state gets a network line */
	}
	/* From here on a child of ours does the work and stays as the network's supervisor. */
	word = supervise_split();
	if (word < 0)
		return 1;
	err = state_create(&st, o->state_dir, conf, text);
	free(text);
	if (!err && host && (err = state_write_file(&st, "host", host, 0644, (gid_t)-1)))
		log_err("%s/host: %s", st.dir, strerror(-err));
	if (!err && host && !o->quiet)
		up_print_trunks(conf);
	if (!err)
		err = net_up(o, &st, &n);
	notify_close(&n);
	if (!err && !o->quiet)
		printf("network %s is up: %d switch%s, %d guest%s (state in %s)\n", conf->name,
		       conf->nsw, conf->nsw == 1 ? "" : "es", conf->ng, conf->ng == 1 ? "" : "s",
		       st.dir);
	if (err)
		supervise_failed(word);
	else
		err = supervise_run(&st, word);
	state_close(&st);
	return err ? 1 : 0;
}
