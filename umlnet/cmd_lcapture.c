// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lcapture - everything on a collision domain of a running lab, to a pcap file:
 *   umlnet lcapture [-d DIR] [-c COUNT] [-t SECONDS] CD FILE.pcap   (FILE "-": stdout)
 * A collision domain is a hub: a port of our own on it (the daemon transport, as a guest's
 * interface would be) receives every frame any machine sends there, and sends none. Runs until
 * COUNT frames, SECONDS, or SIGINT/SIGTERM; the file is flushed about every 200 ms so that
 * tcpdump -r or wireshark can read it while the lab runs.
 */
#include "capture.h"
#include "clock.h"
#include "endpoint.h"
#include "lab.h"
#include "log.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lcapture_args {
	const char *dir, *cd, *file;
	long count, seconds; /* 0: no limit */
};

static int lcapture_number(const char *opt, const char *v, long *out)
{
	char *end;

	*out = strtol(v, &end, 10);
	if (*end || end == v || *out < 1) {
		log_err("%s '%s': expected a positive number", opt, v);
		return 2;
	}
	return 0;
}

static int lcapture_parse(int argc, char **argv, struct lcapture_args *a)
{
	int i = 1, rc = 0;

	*a = (struct lcapture_args){ .dir = "." };
	for (; !rc && i + 1 < argc && argv[i][0] == '-' && argv[i][1]; i += 2) {
		if (!strcmp(argv[i], "-d"))
			a->dir = argv[i + 1];
		else if (!strcmp(argv[i], "-c"))
			rc = lcapture_number("-c", argv[i + 1], &a->count);
		else if (!strcmp(argv[i], "-t"))
			rc = lcapture_number("-t", argv[i + 1], &a->seconds);
		else
			break;
	}
	if (!rc && argc - i != 2) {
		log_err("usage: umlnet lcapture [-d DIR] [-c COUNT] "
				"[-t SECONDS] CD FILE.pcap");
		rc = 2;
	}
	if (!rc) {
		a->cd = argv[i];
		a->file = argv[i + 1];
	}
	return rc;
}

/* Copies frames from ep to cap until a limit or a signal; returns how many. */
static long lcapture_loop(struct endpoint *ep, struct capture *cap, const struct lcapture_args *a)
{
	static uint8_t bufs[ENDPOINT_BATCH][ENDPOINT_BUF];
	struct frame frames[ENDPOINT_BATCH];
	long long end = a->seconds ? clock_ms() + a->seconds * 1000 : 0;
	long n = 0;

	while (!notify_interrupted() && (!a->count || n < a->count) && (!end || clock_ms() < end)) {
		struct pollfd p = { .fd = ep->fd, .events = POLLIN };
		int got;

		if (poll(&p, 1, 200) <= 0) {
			capture_flush(cap);
			continue;
		}
		for (int i = 0; i < ENDPOINT_BATCH; i++)
			frames[i].data = bufs[i];
		got = ep->ops->recv(ep, frames, ENDPOINT_BATCH);
		if (got < 0 && got != -EAGAIN && got != -EINTR) {
			log_err("the collision domain's hub went away: %s",
				strerror(-got));
			break;
		}
		for (int i = 0; i < got && (!a->count || n < a->count); i++, n++)
			capture_frame(cap, frames[i].data,
				      frames[i].len > ETHER_FRAME_MAX ? ETHER_FRAME_MAX : frames[i].len);
		capture_flush(cap);
	}
	return n;
}

int cmd_lcapture(struct umlnet_opts *o, int argc, char **argv)
{
	struct lcapture_args a;
	struct endpoint *ep = NULL;
	struct capture *cap;
	struct state st;
	char name[CONF_NAME + 4], ctl[PATH_MAX], spec[PATH_MAX + 32], err[512];
	int sw, rc = lcapture_parse(argc, argv, &a);
	long n;

	if (rc)
		return rc;
	if (lab_open(o, a.dir, &st)) {
		state_close(&st);
		return 1;
	}
	snprintf(name, sizeof(name), "cd-%s", a.cd);
	sw = lab_cd_name_ok(a.cd) ? conf_find_switch(st.conf, name) : -1;
	if (sw < 0) {
		log_err("collision domain '%s': not in the running lab", a.cd);
		state_close(&st);
		return 2;
	}
	state_switch_ctl(&st, sw, ctl, sizeof(ctl));
	snprintf(spec, sizeof(spec), "daemon,,unix,%s", ctl);
	state_close(&st);
	if (endpoint_open_spec(spec, &ep, err, sizeof(err))) {
		log_err("collision domain '%s': %s", a.cd, err);
		return 1;
	}
	cap = capture_open(a.file, err, sizeof(err));
	if (!cap) {
		log_err("'%s': %s", a.file, err);
		endpoint_destroy(ep);
		return 1;
	}
	notify_catch_signals();
	n = lcapture_loop(ep, cap, &a);
	capture_close(cap);
	endpoint_destroy(ep);
	if (!o->quiet)
		log_info("%ld frame%s captured on %s", n, n == 1 ? "" : "s", a.cd);
	return 0;
}
