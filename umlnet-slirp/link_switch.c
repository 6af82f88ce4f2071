// SPDX-License-Identifier: GPL-2.0-or-later
#include "link_switch.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/time.h>
#include <unistd.h>

#include "daemon_proto.h"
#include "log.h"
#include "tcp_clamp.h"
#include "unixsock.h"

#define LINK_SWITCH_REPLY_TIMEOUT_MS 10000
#define LINK_SWITCH_SEND_WAIT_MS 100

/* Reads exactly the 110-byte reply, waiting at most the timeout for it. */
static int link_switch_read_reply(int fd, struct sockaddr_un *reply)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint8_t buf[DAEMON_REPLY_LEN + 1];
	size_t got = 0;

	while (got < (size_t)DAEMON_REPLY_LEN) {
		ssize_t n;

		if (poll(&p, 1, LINK_SWITCH_REPLY_TIMEOUT_MS) <= 0)
			return -ETIMEDOUT;
		n = read(fd, buf + got, sizeof(buf) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -ECONNRESET;
		got += (size_t)n;
	}
	if (got != (size_t)DAEMON_REPLY_LEN)
		return -EBADMSG;
	memcpy(reply, buf, sizeof(*reply));
	return reply->sun_family == AF_UNIX ? 0 : -EBADMSG;
}

/*
 * A unix datagram receiver queues only net.unix.max_dgram_qlen datagrams (10 by default), far
 * fewer than one burst of libslirp's output: non-blocking sends would drop most of a TCP window
 * and stall on retransmits. So sends wait for the switch to drain its queue, but never longer
 * than LINK_SWITCH_SEND_WAIT_MS (a stuck switch must not freeze the gateway); receives use
 * MSG_DONTWAIT.
 */
static int link_switch_blocking_send(int fd)
{
	struct timeval tv = { .tv_sec = 0, .tv_usec = LINK_SWITCH_SEND_WAIT_MS * 1000 };
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
		return -errno;
	return 0;
}

static int link_switch_data_socket(struct link_switch *l, struct sockaddr_un *me)
{
	struct timespec ts;
	char name[64];
	int rc;

	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(name, sizeof(name), "umlnet-slirp-%d-%ld", (int)getpid(), ts.tv_nsec / 1000);
	rc = unixsock_abstract_addr(me, name);
	if (rc < 0)
		return rc;
	l->data_fd = unixsock_dgram_bind(me);
	if (l->data_fd < 0)
		return l->data_fd;
	return link_switch_blocking_send(l->data_fd);
}

static int link_switch_register(struct link_switch *l, const char *ctl_path,
				const struct sockaddr_un *me)
{
	uint8_t req[DAEMON_REQ_V3_LEN];
	struct sockaddr_un ctl;
	size_t n = daemon_request_encode_v3(req, me);
	int rc = unixsock_path_addr(&ctl, ctl_path);

	if (rc < 0)
		return rc;
	l->ctl_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l->ctl_fd < 0)
		return -errno;
	rc = unixsock_connect(l->ctl_fd, &ctl);
	if (rc < 0)
		return rc;
	/* one write: the classic switch reads the request with a single read() */
	if (write(l->ctl_fd, req, n) != (ssize_t)n)
		return -EIO;
	return link_switch_read_reply(l->ctl_fd, &l->peer);
}

int link_switch_init(struct link_switch *l, const char *ctl_path, uint16_t max_window)
{
	struct sockaddr_un me;
	int rc;

	memset(l, 0, offsetof(struct link_switch, out_len));
	l->ctl_fd = l->data_fd = -1;
	l->max_window = max_window;
	rc = link_switch_data_socket(l, &me);
	if (rc < 0) {
		log_err("--switch '%s': cannot bind a data socket: %s", ctl_path, strerror(-rc));
		return rc;
	}
	rc = link_switch_register(l, ctl_path, &me);
	if (rc < 0)
		log_err("--switch '%s': %s", ctl_path, strerror(-rc));
	return rc;
}

void link_switch_start(struct link_switch *l, struct gateway *gw)
{
	char a[128];

	l->gw = gw;
	log_info("attached to the switch, its data socket is %s",
		 unixsock_addr_text(&l->peer, a, sizeof(a)));
}

static size_t link_switch_fill(void *link, struct pollfd *pfd)
{
	struct link_switch *l = link;

	pfd[0] = (struct pollfd){ .fd = l->data_fd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = l->ctl_fd, .events = POLLIN };
	return 2;
}

/* Broadcast/multicast, or one of the addresses libslirp sends from. */
static bool link_switch_for_slirp(const struct link_switch *l, const uint8_t *frame)
{
	if (mac_is_group(ether_dst(frame)))
		return true;
	for (size_t i = 0; i < l->nown; i++)
		if (memcmp(l->own_mac[i], ether_dst(frame), ETHER_ADDR_LEN) == 0)
			return true;
	return false;
}

/* Remembers a source MAC of libslirp's (it has one per address it answers for). */
static void link_switch_learn(struct link_switch *l, const uint8_t *frame)
{
	const uint8_t *src = ether_src(frame);

	for (size_t i = 0; i < l->nown; i++)
		if (memcmp(l->own_mac[i], src, ETHER_ADDR_LEN) == 0)
			return;
	if (l->nown < LINK_SWITCH_OWN_MACS)
		memcpy(l->own_mac[l->nown++], src, ETHER_ADDR_LEN);
	else
		log_debug("libslirp uses more than %d MAC addresses", LINK_SWITCH_OWN_MACS);
}

static void link_switch_recv(struct link_switch *l)
{
	struct mmsghdr msg[LINK_SWITCH_BATCH];
	struct iovec iov[LINK_SWITCH_BATCH];
	int n;

	for (size_t i = 0; i < LINK_SWITCH_BATCH; i++) {
		iov[i] = (struct iovec){ .iov_base = l->in[i], .iov_len = sizeof(l->in[i]) };
		msg[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[i], .msg_iovlen = 1 } };
	}
	n = recvmmsg(l->data_fd, msg, LINK_SWITCH_BATCH, MSG_DONTWAIT, NULL);
	for (int i = 0; i < n; i++) {
		size_t len = msg[i].msg_len;

		if (len < ETHER_HDR_LEN || !link_switch_for_slirp(l, l->in[i])) {
			l->st.rx_not_ours++;
			continue;
		}
		l->st.rx_frames++;
		if (l->max_window && tcp_clamp_window(l->in[i], len, l->max_window))
			l->st.clamped++;
		gateway_input(l->gw, l->in[i], len);
	}
}

static int link_switch_input(void *link, const struct pollfd *pfd)
{
	struct link_switch *l = link;

	if (pfd[0].revents & POLLIN)
		link_switch_recv(l);
	if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
		uint8_t junk[256];
		ssize_t n = read(l->ctl_fd, junk, sizeof(junk));

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			log_info("the switch closed the control connection");
			return 1;
		}
	}
	return 0;
}

static void link_switch_send(struct link_switch *l)
{
	struct mmsghdr msg[LINK_SWITCH_BATCH];
	struct iovec iov[LINK_SWITCH_BATCH];
	size_t done = 0;

	for (size_t i = 0; i < l->nout; i++) {
		iov[i] = (struct iovec){ .iov_base = l->out[i], .iov_len = l->out_len[i] };
		msg[i] = (struct mmsghdr){ .msg_hdr = { .msg_name = &l->peer,
							.msg_namelen = sizeof(l->peer),
							.msg_iov = &iov[i], .msg_iovlen = 1 } };
	}
	while (done < l->nout) {
		int n = sendmmsg(l->data_fd, msg + done, (unsigned int)(l->nout - done), 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* a full switch socket or a vanished switch: drop (TCP retransmits) */
			l->st.tx_errors += l->nout - done;
			break;
		}
		done += (size_t)n;
		l->st.tx_frames += (uint64_t)n;
	}
	l->nout = 0;
}

static void link_switch_output(void *link, const uint8_t *frame, size_t len)
{
	struct link_switch *l = link;

	if (len > ETHER_FRAME_MAX || len < ETHER_HDR_LEN) {
		l->st.tx_errors++;
		return;
	}
	link_switch_learn(l, frame);
	if (l->nout == LINK_SWITCH_BATCH)
		link_switch_send(l);
	memcpy(l->out[l->nout], frame, len);
	if (l->max_window && tcp_clamp_window(l->out[l->nout], len, l->max_window))
		l->st.clamped++;
	l->out_len[l->nout++] = (uint16_t)len;
}

static void link_switch_flush(void *link)
{
	struct link_switch *l = link;

	if (l->nout)
		link_switch_send(l);
}

static void link_switch_stats(void *link, char *buf, size_t len)
{
	const struct link_switch *l = link;

	snprintf(buf, len,
		 "switch: %" PRIu64 " frames from it, %" PRIu64 " to it; %" PRIu64
		 " not for us, %" PRIu64 " send errors, %" PRIu64 " TCP windows capped",
		 l->st.rx_frames, l->st.tx_frames, l->st.rx_not_ours, l->st.tx_errors, l->st.clamped);
}

const struct gw_link_ops link_switch_ops = {
	.name = "switch",
	.fill = link_switch_fill,
	.input = link_switch_input,
	.output = link_switch_output,
	.flush = link_switch_flush,
	.stats = link_switch_stats,
};
