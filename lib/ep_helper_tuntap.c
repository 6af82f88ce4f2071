// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ep_helper_tuntap - tuntap in helper mode (doc/transports.md §3.2, doc/helper-protocol.md §3): run
 * `uml_net 4 tuntap up <gate>` with fd 1 = our datagram socketpair end, receive one datagram
 * (interface name in bytes 0..15, helper text from 16, the tap fd by SCM_RIGHTS), wait for the
 * helper. The tap is not persistent: it vanishes when the endpoint closes the fd.
 *
 * The endpoint is the tap fd's (ep_fd.h) wrapped with the interface name, for the address hook:
 * `uml_net 4 add|del <tapN> <addr> <mask>` (doc/helper-protocol.md §4) as the kernel's notifier runs.
 */
#include "ep_fd.h"
#include "ep_helper.h"
#include "ep_transports.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define TUNTAP_REPLY_TIMEOUT_MS 10000

static void copy_text(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = 0;
}

struct helper_tuntap {
	struct endpoint ep;
	struct endpoint *tap; /* the tap fd's endpoint: frames go through it */
	char name[TRANSPORT_IFNAMSIZ];
};

static struct helper_tuntap *to_ht(const struct endpoint *ep)
{
	return (struct helper_tuntap *)(uintptr_t)ep;
}

static int helper_tuntap_recv(struct endpoint *ep, struct frame *frames, unsigned int n)
{
	struct endpoint *tap = to_ht(ep)->tap;

	return tap->ops->recv(tap, frames, n);
}

static int helper_tuntap_send(struct endpoint *ep, const struct frame *frames, unsigned int n)
{
	struct endpoint *tap = to_ht(ep)->tap;

	return tap->ops->send(tap, frames, n);
}

static void helper_tuntap_describe(const struct endpoint *ep, char *buf, size_t len)
{
	snprintf(buf, len, "tuntap helper tap %s", to_ht(ep)->name);
}

static void helper_tuntap_destroy(struct endpoint *ep)
{
	endpoint_destroy(to_ht(ep)->tap);
	free(to_ht(ep));
}

static int helper_tuntap_addr_change(struct endpoint *ep, bool add, uint32_t addr_be,
				     uint32_t mask_be, char *msg, size_t msglen)
{
	return ep_helper_addr(to_ht(ep)->name, add, addr_be, mask_be, msg, msglen);
}

static const struct endpoint_ops helper_tuntap_ops = {
	.kind = "tuntap",
	.recv = helper_tuntap_recv,
	.send = helper_tuntap_send,
	.describe = helper_tuntap_describe,
	.destroy = helper_tuntap_destroy,
	.addr_change = helper_tuntap_addr_change,
};

/* Wraps the tap fd; takes ownership of fd. */
static int helper_tuntap_new(int fd, const char *name, struct endpoint **out)
{
	struct helper_tuntap *ht = calloc(1, sizeof(*ht));
	int r;

	if (!ht) {
		close(fd);
		return -ENOMEM;
	}
	r = ep_fd_new(fd, "tuntap", name, NULL, NULL, &ht->tap);
	if (r) {
		close(fd);
		free(ht);
		return r;
	}
	ht->ep.ops = &helper_tuntap_ops;
	ht->ep.fd = ht->tap->fd;
	snprintf(ht->name, sizeof(ht->name), "%s", name);
	*out = &ht->ep;
	return 0;
}

/* Receives the helper's reply; returns the fd or -errno, name and text filled. */
static int tuntap_receive(int sock, char name[TRANSPORT_IFNAMSIZ], char *text, size_t textlen)
{
	char data[4096], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { data, sizeof(data) - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			      .msg_controllen = sizeof(cbuf) };
	struct pollfd p = { .fd = sock, .events = POLLIN };
	struct cmsghdr *c;
	ssize_t n;
	int fd;

	if (poll(&p, 1, TUNTAP_REPLY_TIMEOUT_MS) <= 0)
		return -ETIMEDOUT;
	n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return -errno;
	data[n] = 0;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
		/* Failure: the helper sent only its text. */
		copy_text(text, textlen, data);
		return -EPROTO;
	}
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	snprintf(name, TRANSPORT_IFNAMSIZ, "%.15s", data);
	copy_text(text, textlen, n > 16 ? data + 16 : "");
	return fd;
}

int ep_helper_tuntap_open(const struct transport_spec *t, struct endpoint **out, char *err,
			  size_t errlen)
{
	const char *argv[] = { "uml_net", "4", "tuntap", "up", t->gate[0] ? t->gate : NULL, NULL };
	char name[TRANSPORT_IFNAMSIZ] = "", text[512] = "";
	int sv[2], fd, r;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(err, errlen, "tuntap: socketpair: %s", strerror(errno));
		return -errno;
	}
	pid = ep_helper_spawn(argv, -1, sv[1], -1);
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		snprintf(err, errlen, "tuntap: failed to exec uml_net on host: %s", strerror((int)-pid));
		return (int)pid;
	}
	fd = tuntap_receive(sv[0], name, text, sizeof(text));
	close(sv[0]);
	/* The fd is what counts; the classic helper's exit status carries nothing more. */
	ep_helper_wait(pid, TUNTAP_REPLY_TIMEOUT_MS);
	ep_helper_one_line(text);
	if (fd < 0) {
		snprintf(err, errlen, "tuntap: `uml_net 4 tuntap up %s` gave no tap fd (%s)%s%s", t->gate,
			 strerror(-fd), text[0] ? ": " : "", text);
		return fd;
	}
	r = helper_tuntap_new(fd, name, out);
	if (r)
		snprintf(err, errlen, "tuntap: %s", strerror(-r));
	return r;
}

/* The tuntap transport: a named device is preconfigured (doc/transports.md §3.1), no name means
 * helper mode. */
int ep_tuntap_open(const struct transport_spec *t, struct endpoint **out, char *err, size_t errlen)
{
	int r;

	if (!t->dev[0])
		return ep_helper_tuntap_open(t, out, err, errlen);
	r = ep_tap_open(t->dev, out);
	if (r)
		snprintf(err, errlen, "tuntap: device '%s': %s", t->dev, strerror(-r));
	return r;
}
