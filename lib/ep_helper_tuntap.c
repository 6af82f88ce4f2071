// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ep_helper_tuntap - tuntap in helper mode (transports.md §3.2, helper-protocol.md §3): run
 * `uml_net 4 tuntap up <gate>` with fd 1 = our datagram socketpair end, receive one datagram
 * (interface name in bytes 0..15, helper text from 16, the tap fd by SCM_RIGHTS), wait for the
 * helper. The tap is not persistent: it vanishes when the endpoint closes the fd.
 */
#include "ep_fd.h"
#include "ep_helper.h"
#include "ep_transports.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
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
	char name[TRANSPORT_IFNAMSIZ] = "", text[512] = "", desc[128];
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
	r = ep_helper_wait(pid, TUNTAP_REPLY_TIMEOUT_MS);
	ep_helper_one_line(text);
	if (fd < 0) {
		snprintf(err, errlen, "tuntap: `uml_net 4 tuntap up %s` gave no tap fd (%s)%s%s", t->gate,
			 strerror(-fd), text[0] ? ": " : "", text);
		return fd;
	}
	(void)r; /* the fd is what counts; the classic helper's exit status carries nothing more */
	snprintf(desc, sizeof(desc), "tuntap helper tap %s", name);
	r = ep_fd_new(fd, "tuntap", desc, NULL, NULL, out);
	if (r) {
		close(fd);
		snprintf(err, errlen, "tuntap: %s", strerror(-r));
	}
	return r;
}
