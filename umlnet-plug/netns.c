// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netns - entering the guest namespace and back, and the local tap device.
 *
 * A tap belongs to the namespace its /dev/net/tun fd was opened in, so the tap is opened while we
 * are inside the guest namespace and then we return: the fd keeps working from anywhere.
 */
#include "log.h"
#include "plug.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/inotify.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int open_ns(const char *name)
{
	char path[512];

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

int plug_netns_enter(struct plug *p, char *err, size_t errlen)
{
	int fd;

	p->orig_ns = -1;
	if (!p->netns)
		return 0;
	p->orig_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (p->orig_ns < 0) {
		snprintf(err, errlen, "/proc/self/ns/net: %s", strerror(errno));
		return -errno;
	}
	fd = open_ns(p->netns);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		int e = errno;

		snprintf(err, errlen, "--netns '%s': %s", p->netns, strerror(e));
		if (fd >= 0)
			close(fd);
		close(p->orig_ns);
		p->orig_ns = -1;
		return -e;
	}
	/* Not kept open: a namespace deleted with `ip netns del` must be able to go away. */
	close(fd);
	return 0;
}

int plug_netns_leave(struct plug *p)
{
	int r = 0;

	if (p->orig_ns < 0)
		return 0;
	if (setns(p->orig_ns, CLONE_NEWNET) < 0)
		r = -errno;
	close(p->orig_ns);
	p->orig_ns = -1;
	return r;
}

int plug_local_tap(struct plug_dev *d, char *err, size_t errlen)
{
	int r = ep_tap_open(d->name, &d->local);

	if (r) {
		snprintf(err, errlen, "%s: cannot create tap '%s' here: %s", d->name, d->name, strerror(-r));
		return r;
	}
	r = plug_mac_watch(&d->mac, d->name);
	if (!r && d->t.has_mac) {
		r = plug_mac_set(d->mac.ioctl_fd, d->name, d->t.mac);
		d->mac.decided = true;
		if (!r) {
			char text[MAC_TEXT_LEN];

			log_info("%s: MAC %s (given)", d->name, mac_format(d->t.mac, text));
		}
	}
	if (r) {
		snprintf(err, errlen, "%s: setting up the device: %s", d->name, strerror(-r));
		plug_mac_close(&d->mac);
		endpoint_destroy(d->local);
		d->local = NULL;
	}
	return r;
}

void plug_netns_watch(struct plug *p)
{
	p->ns_watch = -1;
	if (!p->netns || strchr(p->netns, '/'))
		return;
	p->ns_watch = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (p->ns_watch >= 0 && inotify_add_watch(p->ns_watch, "/run/netns", IN_DELETE) < 0) {
		close(p->ns_watch);
		p->ns_watch = -1;
	}
}

bool plug_netns_deleted(struct plug *p)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool gone = false;
	ssize_t n;

	while ((n = read(p->ns_watch, buf, sizeof(buf))) > 0) {
		for (char *q = buf; q < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)(void *)q;

			if (ev->len && strcmp(ev->name, p->netns) == 0)
				gone = true;
			q += sizeof(*ev) + ev->len;
		}
	}
	return gone;
}
