// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * relay - the plug's event loop: one epoll over every device's local and transport fds, the
 * transports' liveness fds, the MAC-rule and address-watch netlink sockets and a signalfd. A readable endpoint
 * gives one batch, which goes to the other side of its device in one send; what the other side
 * cannot take after a few short waits (relay_send) is dropped and counted, never queued.
 */
#include "log.h"
#include "plug.h"
#include "vlan.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#define RELAY_RETRIES 4   /* waits for a full peer per batch ... */
#define RELAY_WAIT_MS 2   /* ... of at most this long each */

enum relay_tag { TAG_LOCAL, TAG_REMOTE, TAG_LIVE, TAG_NETLINK, TAG_SIGNAL, TAG_NSWATCH, TAG_ADDRS };

struct relay {
	struct plug *p;
	int epfd, sigfd;
	unsigned int open_devs;
	int failures;
	uint8_t buf[ENDPOINT_BATCH][ENDPOINT_BUF];
	struct frame rx[ENDPOINT_BATCH];
};

static int relay_add(struct relay *r, int fd, enum relay_tag tag, unsigned int dev)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (uint64_t)tag << 32 | dev };

	if (fd < 0)
		return 0;
	return epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

void plug_dev_close(struct plug_dev *d)
{
	plug_addrs_stop(d);
	if (d->remote)
		endpoint_destroy(d->remote);
	if (d->local)
		endpoint_destroy(d->local);
	plug_mac_close(&d->mac);
	d->remote = d->local = NULL;
	d->open = false;
}

/* Closes one device on its own; the fds leave the epoll set when they are closed. */
static void relay_dev_fail(struct relay *r, struct plug_dev *d, const char *why)
{
	if (!d->open)
		return;
	log_err("%s: %s; device closed (%llu frames out, %llu in)", d->name, why,
		(unsigned long long)d->frames[0], (unsigned long long)d->frames[1]);
	plug_dev_close(d);
	r->open_devs--;
	r->failures++;
}

/*
 * Sends a batch; when the peer takes only part of it (its queue is full), waits a little for it
 * to drain instead of dropping at once: a switch's per-port socket reports writability exactly
 * (it is connected to us), and TCP through the plug then backs off without losses. The wait is
 * bounded so one slow peer cannot stall the other devices for long.
 */
static int relay_send(struct endpoint *dst, struct frame *f, unsigned int n)
{
	int sent = dst->ops->send(dst, f, n);

	for (int tries = 0; sent >= 0 && (unsigned int)sent < n && tries < RELAY_RETRIES; tries++) {
		struct pollfd pfd = { .fd = dst->fd, .events = POLLOUT };
		int more;

		if (dst->fd < 0 || poll(&pfd, 1, RELAY_WAIT_MS) <= 0)
			break;
		more = dst->ops->send(dst, f + sent, n - (unsigned int)sent);
		if (more < 0)
			return sent ? sent : more;
		sent += more;
	}
	return sent;
}

/* Moves one batch from src to dst; dir 0 = local -> remote. */
static void relay_batch(struct relay *r, struct plug_dev *d, int dir)
{
	struct endpoint *src = dir ? d->remote : d->local, *dst = dir ? d->local : d->remote;
	unsigned int ok = 0;
	char why[160];
	int n, sent;

	for (unsigned int i = 0; i < ENDPOINT_BATCH; i++)
		r->rx[i].data = r->buf[i];
	n = src->ops->recv(src, r->rx, ENDPOINT_BATCH);
	if (n < 0) {
		snprintf(why, sizeof(why), "%s side: %s", dir ? transport_kind_name(d->t.kind) : "local device",
			 strerror(-n));
		relay_dev_fail(r, d, why);
		return;
	}
	/* Runts and oversize frames are not passed on half-made; a tagged frame (a namespace on a
	 * trunk) may be one tag longer than an untagged one. */
	for (int i = 0; i < n; i++)
		if (r->rx[i].len >= ETHER_HDR_LEN && vlan_frame_size_ok(r->rx[i].data, r->rx[i].len))
			r->rx[ok++] = r->rx[i];
	d->dropped[dir] += (unsigned int)n - ok;
	if (!ok)
		return;
	sent = relay_send(dst, r->rx, ok);
	if (sent < 0) {
		snprintf(why, sizeof(why), "%s side: %s", dir ? "local device" :
			 transport_kind_name(d->t.kind), strerror(-sent));
		relay_dev_fail(r, d, why);
		return;
	}
	d->frames[dir] += (unsigned int)sent;
	d->dropped[dir] += ok - (unsigned int)sent;
}

static int relay_setup(struct relay *r)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	r->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r->sigfd < 0 || r->epfd < 0)
		return -errno;
	if (relay_add(r, r->sigfd, TAG_SIGNAL, 0) || relay_add(r, r->p->ns_watch, TAG_NSWATCH, 0))
		return -errno;
	for (unsigned int i = 0; i < r->p->ndevs; i++) {
		struct plug_dev *d = &r->p->devs[i];
		int e;

		if (!d->open)
			continue;
		r->open_devs++; /* before relay_dev_fail() below can count it out */
		if ((e = relay_add(r, d->local->fd, TAG_LOCAL, i)) || (e = relay_add(r, d->remote->fd, TAG_REMOTE, i)) ||
		    (e = relay_add(r, d->live_fd, TAG_LIVE, i)) || (e = relay_add(r, d->mac.nl_fd, TAG_NETLINK, i)) ||
		    (e = relay_add(r, addr_watch_fd(&d->addrs), TAG_ADDRS, i))) {
			relay_dev_fail(r, d, strerror(-e));
		}
	}
	return 0;
}

static bool relay_event(struct relay *r, const struct epoll_event *ev)
{
	enum relay_tag tag = (enum relay_tag)(ev->data.u64 >> 32);
	struct plug_dev *d = &r->p->devs[(uint32_t)ev->data.u64];
	struct signalfd_siginfo si;

	if (tag == TAG_SIGNAL) {
		if (read(r->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			log_info("signal %u: stopping", si.ssi_signo);
		return false;
	}
	if (tag == TAG_NSWATCH) {
		if (!plug_netns_deleted(r->p))
			return true;
		for (unsigned int i = 0; i < r->p->ndevs; i++)
			relay_dev_fail(r, &r->p->devs[i], "its namespace was deleted");
		return false;
	}
	if (!d->open)
		return true;
	if (tag == TAG_LOCAL)
		relay_batch(r, d, 0);
	else if (tag == TAG_REMOTE)
		relay_batch(r, d, 1);
	else if (tag == TAG_LIVE)
		relay_dev_fail(r, d, "the transport's peer closed its control connection");
	else if (tag == TAG_NETLINK && plug_mac_event(&d->mac) == -ENODEV)
		relay_dev_fail(r, d, "the device vanished");
	else if (tag == TAG_ADDRS)
		plug_addrs_event(d);
	return true;
}

int plug_run(struct plug *p)
{
	static struct relay r;
	struct epoll_event evs[32];
	int e;

	r.p = p;
	r.epfd = r.sigfd = -1;
	if ((e = relay_setup(&r)))
		return e;
	while (r.open_devs > 0) {
		int n = epoll_wait(r.epfd, evs, 32, -1);

		if (n < 0 && errno != EINTR)
			return -errno;
		for (int i = 0; i < n; i++)
			if (!relay_event(&r, &evs[i]))
				goto out;
	}
	log_err("no device left");
out:
	for (unsigned int i = 0; i < p->ndevs; i++) {
		struct plug_dev *d = &p->devs[i];

		if (d->open)
			log_info("%s: %llu frames out, %llu in, dropped %llu out, %llu in", d->name,
				 (unsigned long long)d->frames[0], (unsigned long long)d->frames[1],
				 (unsigned long long)d->dropped[0], (unsigned long long)d->dropped[1]);
		plug_dev_close(d);
	}
	close(r.epfd);
	close(r.sigfd);
	if (p->ns_watch >= 0)
		close(p->ns_watch);
	return r.open_devs == 0 ? -ENODEV : (r.failures ? 1 : 0);
}
