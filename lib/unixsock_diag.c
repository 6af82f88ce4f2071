// SPDX-License-Identifier: GPL-2.0-or-later
#include "unixsock_diag.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

struct diag_answer {
	uint32_t peer_ino;  /* 0: none */
	uid_t uid;          /* (uid_t)-1: none */
};

static int diag_attr(const struct nlattr *a, void *arg)
{
	struct diag_answer *ans = arg;

	if (mnl_attr_get_type(a) == UNIX_DIAG_PEER && mnl_attr_get_payload_len(a) >= sizeof(uint32_t))
		ans->peer_ino = mnl_attr_get_u32(a);
	else if (mnl_attr_get_type(a) == UNIX_DIAG_UID && mnl_attr_get_payload_len(a) >= sizeof(uint32_t))
		ans->uid = (uid_t)mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static int diag_msg(const struct nlmsghdr *h, void *arg)
{
	if (h->nlmsg_len < mnl_nlmsg_size(sizeof(struct unix_diag_msg)))
		return MNL_CB_ERROR;
	return mnl_attr_parse(h, sizeof(struct unix_diag_msg), diag_attr, arg);
}

/* One exact query (by inode) of the sockets in our network namespace. */
static int diag_query(struct mnl_socket *nl, uint32_t ino, uint32_t show, struct diag_answer *ans)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct unix_diag_req *req;
	ssize_t n;
	int r;

	h->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	h->nlmsg_flags = NLM_F_REQUEST;
	h->nlmsg_seq = 1;
	req = mnl_nlmsg_put_extra_header(h, sizeof(*req));
	req->sdiag_family = AF_UNIX;
	req->udiag_states = ~0u;
	req->udiag_ino = ino;
	req->udiag_show = show;
	req->udiag_cookie[0] = req->udiag_cookie[1] = ~0u; /* no cookie: by inode alone */
	*ans = (struct diag_answer){ .peer_ino = 0, .uid = (uid_t)-1 };
	if (mnl_socket_sendto(nl, h, h->nlmsg_len) < 0)
		return -errno;
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	r = mnl_cb_run(buf, (size_t)n, 1, 0, diag_msg, ans);
	return r < 0 ? (errno ? -errno : -EIO) : 0;
}

int unixsock_diag_peer_uid(int fd, uid_t *uid)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC);
	struct diag_answer ans;
	struct stat st;
	int err;

	if (!nl)
		return -errno;
	if (fstat(fd, &st) < 0) {
		err = -errno;
		goto out;
	}
	err = diag_query(nl, (uint32_t)st.st_ino, UDIAG_SHOW_PEER, &ans);
	if (!err && !ans.peer_ino)
		err = -ENOTCONN;
	if (!err)
		err = diag_query(nl, ans.peer_ino, UDIAG_SHOW_UID, &ans);
	if (!err && ans.uid == (uid_t)-1)
		err = -ENOENT;
	if (!err)
		*uid = ans.uid;
out:
	mnl_socket_close(nl);
	return err;
}
