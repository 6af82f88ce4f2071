// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * relay - the one-process limit for the switch benchmark: a "switch" that only receives and
 * re-sends between unix datagram sockets, with no learning, no lookups and no counters.
 *
 *   relay -unix CTL [-batched]
 *
 * It speaks just enough of the daemon protocol for two clients (version 3 request in, 110-byte
 * reply out); frames from one client go to the other. Like uml_switch, each client gets a data
 * socket of its own connected back to it, so the comparison isolates the switch's own work.
 *   plain:   poll + recv + send per frame
 *   batched: epoll + recvmmsg + sendmmsg per batch (the switch's syscall pattern)
 */
#include "daemon_proto.h"
#include "log.h"
#include "unixsock.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define RELAY_BATCH 64

struct relay {
	int data[2];
	int ctl[2];
};

static void relay_accept(struct relay *r, int listen_fd)
{
	for (int i = 0; i < 2; i++) {
		struct pollfd p = { listen_fd, POLLIN, 0 };
		uint8_t buf[DAEMON_REQ_MAX_LEN];
		struct daemon_request req;
		struct sockaddr_un local;
		const char *why;
		char name[64];
		ssize_t n;

		poll(&p, 1, -1);
		r->ctl[i] = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (r->ctl[i] < 0)
			die("accept: %s", strerror(errno));
		n = read(r->ctl[i], buf, sizeof(buf));
		if (n <= 0 || daemon_request_decode(buf, (size_t)n, &req, &why) <= 0)
			die("bad request from client %d", i);
		snprintf(name, sizeof(name), "umlnet-relay/%d/%d", (int)getpid(), i);
		unixsock_abstract_addr(&local, name);
		r->data[i] = unixsock_dgram_bind(&local);
		if (r->data[i] < 0 || unixsock_connect(r->data[i], &req.addr) < 0)
			die("client %d data socket", i);
		if (write(r->ctl[i], &local, sizeof(local)) != (ssize_t)sizeof(local))
			die("reply to client %d", i);
	}
}

static void relay_plain(struct relay *r)
{
	struct pollfd p[2] = { { r->data[0], POLLIN, 0 }, { r->data[1], POLLIN, 0 } };
	uint8_t buf[2048];

	for (;;) {
		if (poll(p, 2, -1) < 0)
			continue;
		for (int i = 0; i < 2; i++) {
			ssize_t n;

			if (!(p[i].revents & POLLIN))
				continue;
			n = recv(r->data[i], buf, sizeof(buf), MSG_DONTWAIT);
			if (n > 0)
				send(r->data[!i], buf, (size_t)n, MSG_DONTWAIT);
		}
	}
}

static void relay_batched(struct relay *r)
{
	static uint8_t bufs[RELAY_BATCH][2048];
	struct mmsghdr msgs[RELAY_BATCH];
	struct iovec iov[RELAY_BATCH];
	struct epoll_event ev[2];
	int ep = epoll_create1(0);

	for (int i = 0; i < 2; i++) {
		struct epoll_event e = { .events = EPOLLIN, .data.u32 = (uint32_t)i };

		epoll_ctl(ep, EPOLL_CTL_ADD, r->data[i], &e);
	}
	for (;;) {
		int n = epoll_wait(ep, ev, 2, -1);

		for (int k = 0; k < n; k++) {
			int i = (int)ev[k].data.u32, got;

			for (int j = 0; j < RELAY_BATCH; j++) {
				iov[j] = (struct iovec){ bufs[j], sizeof(bufs[j]) };
				msgs[j].msg_hdr = (struct msghdr){ .msg_iov = &iov[j], .msg_iovlen = 1 };
			}
			got = recvmmsg(r->data[i], msgs, RELAY_BATCH, MSG_DONTWAIT, NULL);
			for (int j = 0; j < got; j++)
				iov[j].iov_len = msgs[j].msg_len;
			if (got > 0)
				sendmmsg(r->data[!i], msgs, (unsigned int)got, MSG_DONTWAIT);
		}
	}
}

int main(int argc, char **argv)
{
	const char *ctl = NULL;
	bool batched = false;
	struct relay r;
	int fd;

	log_init("relay", LOG_LVL_INFO);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-unix") && i + 1 < argc)
			ctl = argv[++i];
		else if (!strcmp(argv[i], "-batched"))
			batched = true;
		else
			die("usage: relay -unix CTL [-batched]");
	}
	if (!ctl)
		die("usage: relay -unix CTL [-batched]");
	fd = unixsock_listen(ctl, SOCK_STREAM, 4, NULL);
	if (fd < 0)
		die("%s: %s", ctl, strerror(-fd));
	printf("relay attached to unix socket '%s'\n", ctl);
	fflush(stdout);
	relay_accept(&r, fd);
	batched ? relay_batched(&r) : relay_plain(&r);
	return 0;
}
