// SPDX-License-Identifier: GPL-2.0-or-later
#include "link_slip.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

/* The guest's made-up MAC (locally administered); libslirp's is 52:55 + its host address. */
static const uint8_t link_slip_guest_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

int link_slip_init(struct link_slip *l, int in_fd, int out_fd)
{
	int rc;

	memset(l, 0, offsetof(struct link_slip, frame));
	l->in_fd = in_fd;
	l->out_fd = out_fd;
	slip_decoder_init(&l->dec);
	memcpy(l->guest_mac, link_slip_guest_mac, 6);
	rc = set_nonblock(in_fd);
	if (rc == 0 && out_fd != in_fd)
		rc = set_nonblock(out_fd);
	return rc;
}

/* Tells libslirp "ip is at the guest MAC" with an unsolicited ARP reply. */
static void link_slip_seed(struct link_slip *l, const uint8_t ip[4])
{
	uint8_t arp[ARP_FRAME_LEN];
	uint8_t host_ip[4];

	memcpy(host_ip, &l->gw->host_addr.s_addr, 4);
	arp_proxy_reply(arp, l->guest_mac, ip, l->slirp_mac, host_ip);
	gateway_input(l->gw, arp, sizeof(arp));
	memcpy(l->seeded_ip, ip, 4);
}

void link_slip_start(struct link_slip *l, struct gateway *gw)
{
	uint8_t ip[4];

	l->gw = gw;
	l->slirp_mac[0] = 0x52;
	l->slirp_mac[1] = 0x55;
	memcpy(l->slirp_mac + 2, &gw->host_addr.s_addr, 4);
	memcpy(ip, &gw->guest_addr.s_addr, 4);
	link_slip_seed(l, ip);
}

static size_t link_slip_fill(void *link, struct pollfd *pfd)
{
	struct link_slip *l = link;

	pfd[0] = (struct pollfd){ .fd = l->in_fd, .events = POLLIN };
	/* a negative fd is ignored by poll(): ask for POLLOUT only while output waits */
	pfd[1] = (struct pollfd){ .fd = l->out_len > l->out_off ? l->out_fd : -1, .events = POLLOUT };
	return 2;
}

/* One decoded SLIP packet from the guest. */
static void link_slip_packet(void *arg, const uint8_t *pkt, size_t len)
{
	struct link_slip *l = arg;

	if (len < 20 || (pkt[0] >> 4) != 4) {
		l->st.rx_not_ipv4++;
		return;
	}
	if (memcmp(pkt + 12, l->seeded_ip, 4) != 0)
		link_slip_seed(l, pkt + 12);
	memcpy(l->frame, l->slirp_mac, 6);
	memcpy(l->frame + 6, l->guest_mac, 6);
	l->frame[12] = 0x08;
	l->frame[13] = 0x00;
	memcpy(l->frame + 14, pkt, len);
	l->st.rx_packets++;
	gateway_input(l->gw, l->frame, 14 + len);
}

static int link_slip_input(void *link, const struct pollfd *pfd)
{
	struct link_slip *l = link;

	if (!(pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
		return 0;
	/* A few reads per turn: a bulk sender's packets reach libslirp in larger batches. */
	for (int i = 0; i < LINK_SLIP_READS_PER_TURN; i++) {
		ssize_t n = read(l->in_fd, l->in, sizeof(l->in));

		if (n > 0) {
			slip_decode(&l->dec, l->in, (size_t)n, link_slip_packet, l);
			if ((size_t)n < sizeof(l->in))
				return 0;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n < 0 && errno != ECONNRESET)
			log_warn("reading the guest's SLIP stream: %s", strerror(errno));
		return 1; /* EOF (or a dead socket): the UML closed the interface */
	}
	return 0;
}

static void link_slip_output(void *link, const uint8_t *frame, size_t len)
{
	struct link_slip *l = link;
	size_t plen = len - 14;

	if (len >= ARP_FRAME_LEN && frame[12] == 0x08 && frame[13] == 0x06) {
		if (l->narp < LINK_SLIP_ARP_PENDING &&
		    arp_proxy_parse_request(frame, len, &l->arp_q[l->narp]))
			l->narp++;
		return;
	}
	if (len <= 14 + 20 || frame[12] != 0x08 || frame[13] != 0x00 || plen > SLIP_MTU) {
		l->st.tx_not_ipv4++;
		return;
	}
	if (ack_tracker_next(&l->ack, frame + 14, plen)) {
		/* the pure ACK queued last says nothing this packet does not: take it back */
		l->out_len = l->ack_off;
		l->st.tx_packets--;
		l->st.acks_coalesced++;
	}
	if (sizeof(l->out) - l->out_len < SLIP_ENCODED_MAX(plen) && l->out_off > 0) {
		memmove(l->out, l->out + l->out_off, l->out_len - l->out_off);
		l->out_len -= l->out_off;
		l->out_off = 0;
	}
	if (sizeof(l->out) - l->out_len < SLIP_ENCODED_MAX(plen)) {
		l->st.tx_full++;
		ack_tracker_sent(&l->ack); /* it follows a packet that was not queued */
		return;
	}
	l->ack_off = l->out_len;
	l->out_len += slip_encode(frame + 14, plen, l->out + l->out_len);
	l->st.tx_packets++;
}

/* Answers libslirp's queued ARP requests: every address is the guest's on a SLIP link. */
static void link_slip_answer_arp(struct link_slip *l)
{
	for (size_t i = 0; i < l->narp; i++) {
		uint8_t arp[ARP_FRAME_LEN];
		const struct arp_who_has *q = &l->arp_q[i];

		arp_proxy_reply(arp, l->guest_mac, q->target_ip, q->sender_mac, q->sender_ip);
		gateway_input(l->gw, arp, sizeof(arp));
		l->st.arp_answered++;
	}
	l->narp = 0;
}

static void link_slip_flush(void *link)
{
	struct link_slip *l = link;

	if (l->narp)
		link_slip_answer_arp(l);
	ack_tracker_sent(&l->ack); /* from here on the ACK may be (partly) written */
	while (l->out_off < l->out_len) {
		ssize_t n = write(l->out_fd, l->out + l->out_off, l->out_len - l->out_off);

		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				l->out_off = l->out_len; /* the guest is gone; input sees EOF */
			break;
		}
		l->out_off += (size_t)n;
	}
	if (l->out_off == l->out_len)
		l->out_off = l->out_len = 0;
}

static void link_slip_stats(void *link, char *buf, size_t len)
{
	const struct link_slip *l = link;

	snprintf(buf, len,
		 "slip: %" PRIu64 " packets from the guest, %" PRIu64 " to it; dropped: %" PRIu64
		 " non-IPv4 in, %" PRIu64 " non-IPv4 out, %" PRIu64 " output full, %" PRIu64
		 " oversize; %" PRIu64 " ARP answers, %" PRIu64 " ACKs merged into the next segment",
		 l->st.rx_packets, l->st.tx_packets, l->st.rx_not_ipv4, l->st.tx_not_ipv4,
		 l->st.tx_full, l->dec.dropped_oversize, l->st.arp_answered, l->st.acks_coalesced);
}

const struct gw_link_ops link_slip_ops = {
	.name = "slip",
	.fill = link_slip_fill,
	.input = link_slip_input,
	.output = link_slip_output,
	.flush = link_slip_flush,
	.stats = link_slip_stats,
};
