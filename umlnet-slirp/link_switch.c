// SPDX-License-Identifier: GPL-2.0-or-later
#include "link_switch.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "tcp_clamp.h"

#ifndef LINK_SWITCH_SEND_WAIT_MS
/* A stuck switch must not freeze the gateway for longer. (-D...=0 measures not waiting.) */
#define LINK_SWITCH_SEND_WAIT_MS 100
#endif

int link_switch_init(struct link_switch *l, const char *ctl_path, uint16_t max_window)
{
	char spec[256], err[256];
	int rc;

	memset(l, 0, offsetof(struct link_switch, out));
	l->max_window = max_window;
	l->live_fd = -1;
	/* the daemon transport's text has no quoting: a comma would start the next field */
	if (strchr(ctl_path, ',')) {
		log_err("--switch '%s': a control socket path cannot contain ','", ctl_path);
		return -EINVAL;
	}
	if (snprintf(spec, sizeof(spec), "daemon,,unix,%s", ctl_path) >= (int)sizeof(spec)) {
		log_err("--switch '%s': longer than a unix socket path (107 characters)", ctl_path);
		return -ENAMETOOLONG;
	}
	rc = endpoint_open_spec(spec, &l->ep, err, sizeof(err));
	if (rc < 0) {
		log_err("--switch '%s': %s", ctl_path, err);
		return rc;
	}
	l->live_fd = endpoint_liveness_fd(l->ep);
	for (unsigned int i = 0; i < ENDPOINT_BATCH; i++) {
		l->out[i].data = l->out_buf[i];
		l->in[i].data = l->in_buf[i];
	}
	return 0;
}

void link_switch_start(struct link_switch *l, struct gateway *gw)
{
	char a[192];

	l->gw = gw;
	l->ep->ops->describe(l->ep, a, sizeof(a));
	log_info("attached to the switch: %s", a);
}

void link_switch_close(struct link_switch *l)
{
	endpoint_destroy(l->ep);
	l->ep = NULL;
	l->live_fd = -1;
}

static size_t link_switch_fill(void *link, struct pollfd *pfd)
{
	struct link_switch *l = link;

	pfd[0] = (struct pollfd){ .fd = l->ep->fd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = l->live_fd, .events = POLLIN };
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
	int n = l->ep->ops->recv(l->ep, l->in, ENDPOINT_BATCH);

	for (int i = 0; i < n; i++) {
		uint8_t *frame = l->in[i].data;
		size_t len = l->in[i].len;

		if (len < ETHER_HDR_LEN || len > ETHER_FRAME_MAX || !link_switch_for_slirp(l, frame)) {
			l->st.rx_not_ours++;
			continue;
		}
		l->st.rx_frames++;
		if (l->max_window && tcp_clamp_window(frame, len, l->max_window))
			l->st.clamped++;
		gateway_input(l->gw, frame, len);
	}
}

static int link_switch_input(void *link, const struct pollfd *pfd)
{
	struct link_switch *l = link;

	if (pfd[0].revents & (POLLIN | POLLERR))
		link_switch_recv(l);
	if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
		uint8_t junk[256];
		ssize_t n = read(l->live_fd, junk, sizeof(junk));

		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			log_info("the switch closed the control connection");
			return 1;
		}
	}
	return 0;
}

static int64_t link_switch_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Waits until the switch's socket has room (POLLOUT on our connected socket reflects the
 * peer's queue), but not past deadline. Returns false when the time is up or the socket failed.
 */
static bool link_switch_wait_room(struct link_switch *l, int64_t deadline)
{
	struct pollfd p = { .fd = l->ep->fd, .events = POLLOUT };
	int64_t left = deadline - link_switch_now_ms();

	if (left <= 0)
		return false;
	l->st.tx_waits++;
	return poll(&p, 1, (int)left) > 0 && (p.revents & POLLOUT);
}

static void link_switch_send(struct link_switch *l)
{
	int64_t deadline = 0;
	unsigned int done = 0;

	while (done < l->nout) {
		int n = l->ep->ops->send(l->ep, l->out + done, l->nout - done);

		if (n < 0)
			break; /* the switch is gone: the control connection says so soon */
		done += (unsigned int)n;
		l->st.tx_frames += (uint64_t)n;
		if (n > 0)
			continue;
		if (!deadline)
			deadline = link_switch_now_ms() + LINK_SWITCH_SEND_WAIT_MS;
		if (!link_switch_wait_room(l, deadline))
			break;
	}
	l->st.tx_errors += l->nout - done; /* dropped: TCP retransmits */
	l->nout = 0;
	ack_tracker_sent(&l->ack);
}

/* True if the frame is IPv4 and makes the pure ACK queued just before it redundant. */
static bool link_switch_ack_redundant(struct link_switch *l, const uint8_t *frame, size_t len)
{
	if (frame[12] != 0x08 || frame[13] != 0x00) {
		ack_tracker_sent(&l->ack);
		return false;
	}
	return ack_tracker_next(&l->ack, frame + ETHER_HDR_LEN, len - ETHER_HDR_LEN);
}

static void link_switch_output(void *link, const uint8_t *frame, size_t len)
{
	struct link_switch *l = link;
	struct frame *f;

	if (len > ETHER_FRAME_MAX || len < ETHER_HDR_LEN) {
		l->st.tx_errors++;
		return;
	}
	link_switch_learn(l, frame);
	if (link_switch_ack_redundant(l, frame, len)) {
		l->nout--; /* its slot takes this frame */
		l->st.acks_coalesced++;
	}
	if (l->nout == ENDPOINT_BATCH)
		link_switch_send(l);
	f = &l->out[l->nout++];
	memcpy(f->data, frame, len);
	f->len = (uint32_t)len;
	if (l->max_window && tcp_clamp_window(f->data, len, l->max_window))
		l->st.clamped++;
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
		 " not for us, %" PRIu64 " send errors (%" PRIu64 " waits for room), %" PRIu64
		 " TCP windows capped, %" PRIu64 " ACKs made redundant",
		 l->st.rx_frames, l->st.tx_frames, l->st.rx_not_ours, l->st.tx_errors, l->st.tx_waits,
		 l->st.clamped, l->st.acks_coalesced);
}

const struct gw_link_ops link_switch_ops = {
	.name = "switch",
	.fill = link_switch_fill,
	.input = link_switch_input,
	.output = link_switch_output,
	.flush = link_switch_flush,
	.stats = link_switch_stats,
};
