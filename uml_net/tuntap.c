/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tuntap - `uml_net 4 tuntap up <gate>` (doc/helper-protocol.md §3): a new TAP owned by the
 * caller, its host side at <gate>/32 and up, IP forwarding on; the reply is one datagram on
 * fd 1: 16-byte name field, the text with its NUL, and the TAP fd as SCM_RIGHTS. On failure the
 * datagram holds only the text (as the classic helper), which the kernel prints.
 */
#include "uml_net.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Failure reply: the text alone, no fd. */
int tuntap_send_text(struct uml_net *un)
{
	if (send(1, un->out.text, out_size(&un->out), MSG_NOSIGNAL) < 0)
		return -errno;
	return 0;
}

static int tuntap_send_fd(struct uml_net *un, const char *ifname, int fd)
{
	char data[IFNAMSIZ + OUT_MAX];
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { data, IFNAMSIZ + out_size(&un->out) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			      .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *cmsg;

	memset(data, 0, IFNAMSIZ);
	strncpy(data, ifname, IFNAMSIZ - 1);
	memcpy(data + IFNAMSIZ, un->out.text, out_size(&un->out));
	memset(&ctl, 0, sizeof(ctl));
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(1, &msg, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

int tuntap_up(struct uml_net *un)
{
	char ifname[IFNAMSIZ];
	int fd, err;

	if (!un_allowed(un, POLICY_OP_TUNTAP, &un->req.gate, 1) || !un_gate_free(un, un->req.gate))
		goto fail;
	fd = un_tun_create(un, true, "tap%d", ifname);
	if (fd < 0)
		goto fail;
	if (un_gate_up(un, ifname, un->req.gate, 0) < 0) {
		close(fd); /* not persistent: the device goes with its last fd */
		goto fail;
	}
	nl_close(&un->nl);
	un_drop_privileges(un);
	err = tuntap_send_fd(un, ifname, fd);
	close(fd);
	return err < 0 ? 1 : 0;
fail:
	tuntap_send_text(un);
	return 1;
}
