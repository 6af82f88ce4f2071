// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * shared_data - the single data socket of the classic switch, kept for version 0 clients
 * (-compat-v0), which get no reply and so must send to a path they already know.
 *
 * Frames from many clients arrive on one socket; the sender's address names the port (O(1)
 * through the port map). A frame from an address no port registered is dropped and counted:
 * unlike the classic switch, this one never forwards frames from strangers.
 */
#include "daemon.h"
#include "log.h"
#include "unixsock.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

int shared_data_open(struct switchd *d)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int err;

	if (fd < 0)
		return -errno;
	err = unixsock_bind_path(fd, d->opt.data_path, SOCK_DGRAM, &d->access);
	if (err) { /* not ours to remove at exit: shared_fd stays -1 */
		close(fd);
		return err;
	}
	d->shared_fd = fd;
	err = portmap_init(&d->shared_map, d->opt.max_ports);
	if (!err)
		err = ev_add(d, fd, EV_SHARED_DATA, 0, EPOLLIN);
	return err;
}

void shared_data_input(struct switchd *d)
{
	struct frame rx[ENDPOINT_BATCH];
	struct mmsghdr msgs[ENDPOINT_BATCH];
	struct iovec iov[ENDPOINT_BATCH];
	struct sockaddr_un from[ENDPOINT_BATCH];
	int n;

	sw_rx_prepare(&d->sw, rx);
	for (int i = 0; i < ENDPOINT_BATCH; i++) {
		iov[i] = (struct iovec){ rx[i].data, ENDPOINT_BUF };
		msgs[i].msg_hdr = (struct msghdr){ .msg_name = &from[i], .msg_namelen = sizeof(from[i]),
						   .msg_iov = &iov[i], .msg_iovlen = 1 };
	}
	n = recvmmsg(d->shared_fd, msgs, ENDPOINT_BATCH, MSG_DONTWAIT | MSG_TRUNC, NULL);
	if (n > 0)
		sw_rx_commit(&d->sw, (unsigned int)n);
	for (int i = 0; i < n; i++) {
		socklen_t got = msgs[i].msg_hdr.msg_namelen;
		uint32_t slot;

		/* recvmmsg fills only as many address bytes as the sender's name has: zero the
		 * rest so the 108-byte key compares equal to the registered, NUL-padded name. */
		if (got < sizeof(from[i]))
			memset((char *)&from[i] + got, 0, sizeof(from[i]) - got);
		slot = portmap_lookup(&d->shared_map, &from[i]);
		struct frame f = { rx[i].data, msgs[i].msg_len };

		if (slot == PORTMAP_NONE) {
			if (d->sw.st.drop_unknown_sender++ == 0)
				log_warn("dropping frames from unregistered senders on the shared data "
					 "socket (counted in status as drop_unknown_sender)");
			continue;
		}
		sw_input(&d->sw, slot, &f);
	}
}
