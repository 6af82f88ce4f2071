/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gateway - one libslirp instance and the event loop around it.
 *
 * Theory of operation: libslirp is a user-space TCP/IP stack that speaks Ethernet on its guest
 * side (slirp_input() takes frames, the send_packet callback emits them) and host sockets on the
 * other. A "link" connects that Ethernet side to the guest: link_slip.c (SLIP on stdin/stdout,
 * the UML slirp transport) or link_switch.c (a port of a uml_switch). The loop is single-threaded
 * poll(): each turn the link's fds come first in the pollfd array, libslirp adds its sockets with
 * slirp_pollfds_fill(), the timeout is the nearer of libslirp's and our timers' deadlines, then
 * timers fire, libslirp handles its sockets, the link reads the guest (a burst of its data is
 * sent on to the host in few large writes: host_cork.h), and the link flushes what libslirp sent
 * during the turn (batched writes).
 */
#ifndef UMLNET_SLIRP_GATEWAY_H
#define UMLNET_SLIRP_GATEWAY_H

#include <libslirp.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "dns_redirect.h"
#include "host_cork.h"
#include "options.h"

#define GW_LINK_FDS_MAX 4
#define GW_TIMERS_MAX 8

struct gw_link_ops {
	const char *name;
	/* Adds the link's fds to pfd (at most GW_LINK_FDS_MAX); returns how many. */
	size_t (*fill)(void *link, struct pollfd *pfd);
	/* After poll: reads from the guest side and feeds the gateway. Returns 0 to go on, 1 when
	 * the guest side closed (the program exits), or -errno. */
	int (*input)(void *link, const struct pollfd *pfd);
	/* An Ethernet frame from libslirp for the guest (only queue it: called inside libslirp). */
	void (*output)(void *link, const uint8_t *frame, size_t len);
	/* End of a turn: write what output() queued, answer what needs answering. */
	void (*flush)(void *link);
	/* One line of counters for the exit log. */
	void (*stats)(void *link, char *buf, size_t len);
};

struct gw_timer {
	bool used, armed;
	int64_t expire_ms;
	SlirpTimerId id;          /* timer_new_opaque timers */
	SlirpTimerCb cb;          /* timer_new timers (older libslirp API) */
	void *cb_opaque;
};

struct gateway {
	Slirp *slirp;
	const struct gw_link_ops *ops;
	void *link;
	struct dns_redirect dns;
	struct host_cork cork;      /* holds host sends during a burst of guest data */
	struct gw_timer timers[GW_TIMERS_MAX];
	struct pollfd *pfd;
	size_t npfd, cap;
	struct in_addr host_addr, dns_addr, guest_addr;
	volatile sig_atomic_t *stop;  /* set by a signal handler: leave the loop */
	uint8_t frame[1514 + 64];   /* scratch for rewritten DNS answers */
};

/* Creates the libslirp instance for options o (forwards included) and attaches the link.
 * Returns 0 or -errno (reported). */
int gateway_init(struct gateway *gw, const struct slirp_options *o, const struct gw_link_ops *ops,
		 void *link);

/* Runs until the link reports that the guest side closed or *gw->stop is set (returns 0), or an
 * error (-errno). */
int gateway_run(struct gateway *gw);

/* A frame from the guest (modified in place for the DNS rewrite) into libslirp. */
void gateway_input(struct gateway *gw, uint8_t *frame, size_t len);

void gateway_free(struct gateway *gw);

#endif
