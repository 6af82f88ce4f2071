// SPDX-License-Identifier: GPL-2.0-or-later
#include "addr_watch.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "netlink.h"

/* What one message callback needs: fn is NULL while the initial dump fills the table. */
struct aw_cb {
	struct addr_watch *w;
	addr_watch_fn fn;
	void *arg;
};

static int aw_find(const struct addr_watch *w, uint32_t addr_be, uint32_t mask_be)
{
	for (unsigned int i = 0; i < w->n; i++)
		if (w->addrs[i].addr_be == addr_be && w->addrs[i].mask_be == mask_be)
			return (int)i;
	return -1;
}

/* Applies one change to the table; true if it changed something (and so is to be reported). */
static bool aw_apply(struct addr_watch *w, bool add, uint32_t addr_be, uint32_t mask_be)
{
	int i = aw_find(w, addr_be, mask_be);

	if (add) {
		if (i >= 0)
			return false;
		if (w->n == ADDR_WATCH_MAX) {
			w->overflow++;
			return false;
		}
		w->addrs[w->n++] = (struct addr_watch_entry){ addr_be, mask_be };
		return true;
	}
	if (i < 0)
		return false;
	/* Keeps the order: the replay at close removes in the order addresses came. */
	memmove(&w->addrs[i], &w->addrs[i + 1], (w->n - (unsigned int)i - 1) * sizeof(w->addrs[0]));
	w->n--;
	return true;
}

/* One RTM_NEWADDR/RTM_DELADDR of the watched interface (nl_ifaddr_v4 decodes it). */
static int aw_msg(const struct nlmsghdr *h, void *data)
{
	struct aw_cb *cb = data;
	struct in_addr addr;
	unsigned int prefixlen;
	uint32_t mask_be;
	int ifindex;
	bool add;

	if (!nl_ifaddr_v4(h, &ifindex, &addr, &prefixlen) || ifindex != cb->w->ifindex)
		return MNL_CB_OK;
	mask_be = nl_prefix_mask(prefixlen).s_addr;
	add = h->nlmsg_type == RTM_NEWADDR;
	if (aw_apply(cb->w, add, addr.s_addr, mask_be) && cb->fn)
		cb->fn(cb->arg, add, addr.s_addr, mask_be);
	return MNL_CB_OK;
}

/* The initial RTM_GETADDR dump. Notifications may arrive in between on the same socket: they
 * carry another sequence and the sender's port id, so the run checks neither and handles them
 * like dump entries (table only) until NLMSG_DONE. */
static int aw_dump(struct addr_watch *w)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *h = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	struct aw_cb cb = { .w = w };
	int r;

	h->nlmsg_type = RTM_GETADDR;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	h->nlmsg_seq = (uint32_t)time(NULL);
	ifa = mnl_nlmsg_put_extra_header(h, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	if (mnl_socket_sendto(w->nl, h, h->nlmsg_len) < 0)
		return -errno;
	do {
		ssize_t n = mnl_socket_recvfrom(w->nl, buf, sizeof(buf));

		if (n < 0)
			return -errno;
		r = mnl_cb_run(buf, (size_t)n, 0, 0, aw_msg, &cb);
	} while (r == MNL_CB_OK);
	return r == MNL_CB_STOP ? 0 : -errno;
}

int addr_watch_open(struct addr_watch *w, int ifindex)
{
	int r;

	memset(w, 0, sizeof(*w));
	w->ifindex = ifindex;
	w->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!w->nl)
		return -errno;
	if (mnl_socket_bind(w->nl, RTMGRP_IPV4_IFADDR, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		goto fail;
	}
	if ((r = aw_dump(w)))
		goto fail;
	return 0;
fail:
	mnl_socket_close(w->nl);
	w->nl = NULL;
	return r;
}

int addr_watch_fd(const struct addr_watch *w)
{
	return w->nl ? mnl_socket_get_fd(w->nl) : -1;
}

int addr_watch_read(struct addr_watch *w, addr_watch_fn fn, void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct aw_cb cb = { .w = w, .fn = fn, .arg = arg };
	ssize_t n;

	while ((n = recv(mnl_socket_get_fd(w->nl), buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		if (mnl_cb_run(buf, (size_t)n, 0, 0, aw_msg, &cb) < 0)
			return -errno;
	return n < 0 && errno != EAGAIN && errno != EINTR ? -errno : 0;
}

void addr_watch_replay(const struct addr_watch *w, bool add, addr_watch_fn fn, void *arg)
{
	for (unsigned int i = 0; i < w->n; i++)
		fn(arg, add, w->addrs[i].addr_be, w->addrs[i].mask_be);
}

void addr_watch_close(struct addr_watch *w)
{
	if (w->nl)
		mnl_socket_close(w->nl);
	w->nl = NULL;
	w->n = 0;
}
