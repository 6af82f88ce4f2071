// SPDX-License-Identifier: GPL-2.0-or-later
#include "gateway.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "tcp_view.h"

#define ETH_TYPE_IPV4 0x0800
#define GW_POLL_INITIAL 64

static int64_t gw_clock_ns(void *opaque)
{
	struct timespec ts;

	(void)opaque;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t gw_now_ms(void)
{
	return gw_clock_ns(NULL) / 1000000;
}

static ssize_t gw_send_packet(const void *buf, size_t len, void *opaque)
{
	struct gateway *gw = opaque;
	const uint8_t *frame = buf;

	if (len > 14 + 20 && len <= sizeof(gw->frame) && frame[12] == 0x08 && frame[13] == 0x00 &&
	    dns_redirect_is_answer(&gw->dns, frame + 14, len - 14)) {
		memcpy(gw->frame, frame, len);
		dns_redirect_answer(&gw->dns, gw->frame + 14, len - 14);
		frame = gw->frame;
	}
	gw->ops->output(gw->link, frame, len);
	return (ssize_t)len;
}

static void gw_guest_error(const char *msg, void *opaque)
{
	(void)opaque;
	log_debug("libslirp: guest error: %s", msg);
}

static struct gw_timer *gw_timer_alloc(struct gateway *gw)
{
	for (size_t i = 0; i < GW_TIMERS_MAX; i++) {
		if (!gw->timers[i].used) {
			memset(&gw->timers[i], 0, sizeof(gw->timers[i]));
			gw->timers[i].used = true;
			return &gw->timers[i];
		}
	}
	log_err("libslirp asked for more than %d timers", GW_TIMERS_MAX);
	return NULL;
}

static void *gw_timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
	struct gw_timer *t = gw_timer_alloc(opaque);

	if (t) {
		t->cb = cb;
		t->cb_opaque = cb_opaque;
	}
	return t;
}

static void *gw_timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
	struct gw_timer *t = gw_timer_alloc(opaque);

	if (t) {
		t->id = id;
		t->cb_opaque = cb_opaque;
	}
	return t;
}

static void gw_timer_free(void *timer, void *opaque)
{
	struct gw_timer *t = timer;

	(void)opaque;
	if (t)
		t->used = t->armed = false;
}

static void gw_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	struct gw_timer *t = timer;

	(void)opaque;
	if (t) {
		t->expire_ms = expire_ms;
		t->armed = true;
	}
}

static void gw_register_fd(int fd, void *opaque)
{
	struct gateway *gw = opaque;

	host_cork_track(&gw->cork, fd);
}

static void gw_unregister_fd(int fd, void *opaque)
{
	struct gateway *gw = opaque;

	host_cork_untrack(&gw->cork, fd);
}

static void gw_notify(void *opaque)
{
	(void)opaque; /* single-threaded: the next loop turn polls again anyway */
}

static const SlirpCb gw_callbacks = {
	.send_packet = gw_send_packet,
	.guest_error = gw_guest_error,
	.clock_get_ns = gw_clock_ns,
	.timer_new = gw_timer_new,
	.timer_free = gw_timer_free,
	.timer_mod = gw_timer_mod,
	.register_poll_fd = gw_register_fd,
	.unregister_poll_fd = gw_unregister_fd,
	.notify = gw_notify,
	.timer_new_opaque = gw_timer_new_opaque,
};

static void gw_config(const struct slirp_options *o, SlirpConfig *c, struct gateway *gw)
{
	memset(c, 0, sizeof(*c));
	c->version = 4;
	c->restricted = o->restrict_;
	c->in_enabled = true;
	inet_pton(AF_INET, "10.0.2.0", &c->vnetwork);
	inet_pton(AF_INET, "255.255.255.0", &c->vnetmask);
	inet_pton(AF_INET, "10.0.2.2", &c->vhost);
	inet_pton(AF_INET, "10.0.2.15", &c->vdhcp_start);
	inet_pton(AF_INET, "10.0.2.3", &c->vnameserver);
	/* SLIP carries only IPv4: IPv6 would just be dropped at the link */
	c->in6_enabled = o->ipv6 && o->switch_ctl;
	inet_pton(AF_INET6, "fec0::", &c->vprefix_addr6);
	c->vprefix_len = 64;
	inet_pton(AF_INET6, "fec0::2", &c->vhost6);
	inet_pton(AF_INET6, "fec0::3", &c->vnameserver6);
	c->vhostname = "umlnet-slirp";
	c->if_mtu = o->mtu;
	c->if_mru = o->mtu;
	c->disable_host_loopback = !o->host_loopback;
	gw->host_addr = c->vhost;
	gw->dns_addr = c->vnameserver;
	gw->guest_addr = c->vdhcp_start;
}

static int gw_add_forwards(struct gateway *gw, const struct slirp_options *o)
{
	for (unsigned int i = 0; i < o->nfwd; i++) {
		const struct slirp_fwd *f = &o->fwd[i];

		if (slirp_add_hostfwd(gw->slirp, f->udp, f->host_addr, f->host_port, f->guest_addr,
				      f->guest_port) < 0) {
			char a[INET_ADDRSTRLEN];

			log_err("--hostfwd %s:%s:%u: cannot listen there (port in use?)",
				f->udp ? "udp" : "tcp",
				inet_ntop(AF_INET, &f->host_addr, a, sizeof(a)), f->host_port);
			return -EADDRINUSE;
		}
	}
	return 0;
}

int gateway_init(struct gateway *gw, const struct slirp_options *o, const struct gw_link_ops *ops,
		 void *link)
{
	SlirpConfig cfg;

	volatile sig_atomic_t *stop = gw->stop;

	memset(gw, 0, sizeof(*gw));
	gw->stop = stop;
	gw->ops = ops;
	gw->link = link;
	host_cork_init(&gw->cork);
	gw->cap = GW_POLL_INITIAL;
	gw->pfd = calloc(gw->cap, sizeof(*gw->pfd));
	if (!gw->pfd)
		return -ENOMEM;
	gw_config(o, &cfg, gw);
	dns_redirect_init(&gw->dns, o->dns_set, o->dns_addr, o->dns_port, gw->dns_addr,
			  gw->host_addr);
	gw->slirp = slirp_new(&cfg, &gw_callbacks, gw);
	if (!gw->slirp) {
		log_err("libslirp refused the configuration (mtu %u)", o->mtu);
		return -EINVAL;
	}
	return gw_add_forwards(gw, o);
}

void gateway_input(struct gateway *gw, uint8_t *frame, size_t len)
{
	if (len > 14 && frame[12] == (ETH_TYPE_IPV4 >> 8) && frame[13] == (ETH_TYPE_IPV4 & 0xff))
		dns_redirect_query(&gw->dns, frame + 14, len - 14);
	if (tcp_view_frame_has_data(frame, len))
		host_cork_segment(&gw->cork);
	slirp_input(gw->slirp, frame, (int)len);
}

static short gw_poll_events(int events)
{
	short e = 0;

	if (events & SLIRP_POLL_IN)
		e |= POLLIN;
	if (events & SLIRP_POLL_OUT)
		e |= POLLOUT;
	if (events & SLIRP_POLL_PRI)
		e |= POLLPRI;
	return e;
}

static int gw_add_poll(int fd, int events, void *opaque)
{
	struct gateway *gw = opaque;

	if (gw->npfd == gw->cap) {
		struct pollfd *p = realloc(gw->pfd, 2 * gw->cap * sizeof(*p));

		if (!p)
			return -1; /* libslirp then simply does not hear about this socket this turn */
		gw->pfd = p;
		gw->cap *= 2;
	}
	gw->pfd[gw->npfd] = (struct pollfd){ .fd = fd, .events = gw_poll_events(events) };
	return (int)gw->npfd++;
}

static int gw_get_revents(int idx, void *opaque)
{
	struct gateway *gw = opaque;
	short r;
	int ev = 0;

	if (idx < 0 || (size_t)idx >= gw->npfd)
		return 0;
	r = gw->pfd[idx].revents;
	if (r & POLLIN)
		ev |= SLIRP_POLL_IN;
	if (r & POLLOUT)
		ev |= SLIRP_POLL_OUT;
	if (r & POLLPRI)
		ev |= SLIRP_POLL_PRI;
	if (r & (POLLERR | POLLNVAL))
		ev |= SLIRP_POLL_ERR;
	if (r & POLLHUP)
		ev |= SLIRP_POLL_HUP;
	return ev;
}

/* Milliseconds until the nearest armed timer, capped by limit. */
static uint32_t gw_timer_timeout(struct gateway *gw, uint32_t limit)
{
	int64_t now = gw_now_ms();

	for (size_t i = 0; i < GW_TIMERS_MAX; i++) {
		const struct gw_timer *t = &gw->timers[i];

		if (t->used && t->armed) {
			int64_t d = t->expire_ms - now;

			if (d < 0)
				d = 0;
			if ((uint64_t)d < limit)
				limit = (uint32_t)d;
		}
	}
	return limit;
}

static void gw_timers_run(struct gateway *gw)
{
	int64_t now = gw_now_ms();

	for (size_t i = 0; i < GW_TIMERS_MAX; i++) {
		struct gw_timer *t = &gw->timers[i];

		if (!t->used || !t->armed || t->expire_ms > now)
			continue;
		t->armed = false;
		if (t->cb)
			t->cb(t->cb_opaque);
		else
			slirp_handle_timer(gw->slirp, t->id, t->cb_opaque);
	}
}

int gateway_run(struct gateway *gw)
{
	for (;;) {
		uint32_t timeout = UINT32_MAX;
		size_t nlink;
		int n, rc;

		if (gw->stop && *gw->stop)
			return 0;
		nlink = gw->ops->fill(gw->link, gw->pfd);
		gw->npfd = nlink;
		slirp_pollfds_fill(gw->slirp, &timeout, gw_add_poll, gw);
		timeout = gw_timer_timeout(gw, timeout);
		n = poll(gw->pfd, gw->npfd, timeout == UINT32_MAX ? -1 : (int)timeout);
		if (n < 0 && errno != EINTR)
			return -errno;
		if (gw->stop && *gw->stop)
			return 0;
		gw_timers_run(gw);
		slirp_pollfds_poll(gw->slirp, n < 0, gw_get_revents, gw);
		rc = gw->ops->input(gw->link, gw->pfd);
		host_cork_release(&gw->cork);
		gw->ops->flush(gw->link);
		if (rc != 0)
			return rc < 0 ? rc : 0;
	}
}

void gateway_free(struct gateway *gw)
{
	if (gw->slirp)
		slirp_cleanup(gw->slirp);
	free(gw->pfd);
	gw->slirp = NULL;
	gw->pfd = NULL;
}
